/*
 * Waymark assessments in the browser.
 *
 * The engine below mirrors src/assessment/engine/scoring.rs exactly (same flow,
 * same arithmetic in the same order); tests/assessment_agreement.rs runs
 * both on generated answer sets. Change one, change the other.
 *
 * `data` is the JSON the generator embeds in the page (docs/assessment-json.md).
 * `answers` maps a question id to an option id (single), a list of option
 * ids (multiple) or a whole number (scale). Invalid answers, and answers to
 * questions not on the path, count as unanswered.
 *
 * No dependencies, no requests. A classic <script>: it sets
 * window.Waymark.assessment, or module.exports where `module` exists (the
 * Node tests load it that way, whatever package.json says about modules).
 *
 * The second part of this file is the page itself (questions, review,
 * result, share links, saved progress); it runs only in a browser and uses
 * nothing but the engine's exports. docs/assessments.md, "The page",
 * describes what it does and the markup it expects.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  } else {
    root.Waymark = root.Waymark || {};
    root.Waymark.assessment = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  /** Points of `scores` (an object of non-zero points) on dimension `dim`. */
  function score(scores, dim) {
    return (scores && scores[dim]) || 0;
  }

  /** A valid answer as {chosen: [bool per option]} or {value: n}, else null. */
  function choice(q, answer) {
    if (answer === undefined || answer === null) return null;
    if (q.type === "single") {
      if (typeof answer !== "string") return null;
      var i = q.options.findIndex(function (o) { return o.id === answer; });
      if (i < 0) return null;
      return { chosen: q.options.map(function (_, k) { return k === i; }) };
    }
    if (q.type === "multiple") {
      if (!Array.isArray(answer)) return null;
      var chosen = q.options.map(function (o) { return answer.indexOf(o.id) >= 0; });
      var count = chosen.filter(Boolean).length;
      // An exclusive option with anything else is not a valid answer.
      var mixed = count > 1 && q.options.some(function (o, k) { return o.exclusive && chosen[k]; });
      return count && !mixed ? { chosen: chosen } : null;
    }
    if (q.type === "scale") {
      if (typeof answer !== "number" || !Number.isInteger(answer) || !q.scale) return null;
      if (answer < q.scale.min || answer > q.scale.max) return null;
      return { value: answer };
    }
    return null;
  }

  /** Points a valid choice gives dimension `dim`. */
  function points(q, c, dim) {
    if (c.chosen) {
      var sum = 0;
      q.options.forEach(function (o, k) { if (c.chosen[k]) sum += score(o.scores, dim); });
      return sum;
    }
    return (c.value - q.scale.min) * score(q.scores, dim);
  }

  /** [lowest, highest] points an answered question can give `dim`. */
  function range(q, dim) {
    if (q.type === "single") {
      var s = q.options.map(function (o) { return score(o.scores, dim); });
      return [Math.min.apply(null, s), Math.max.apply(null, s)];
    }
    if (q.type === "multiple") {
      // Any set of the other options, or one exclusive option alone.
      var lo = 0, hi = 0;
      q.options.forEach(function (o) {
        if (o.exclusive) return;
        var p = score(o.scores, dim);
        lo += Math.min(p, 0);
        hi += Math.max(p, 0);
      });
      q.options.forEach(function (o) {
        if (!o.exclusive) return;
        var p = score(o.scores, dim);
        lo = Math.min(lo, p);
        hi = Math.max(hi, p);
      });
      return [lo, hi];
    }
    var full = (q.scale.max - q.scale.min) * score(q.scores, dim);
    return [Math.min(full, 0), Math.max(full, 0)];
  }

  /** Where a choice leads: the first chosen option's `next`, else null. */
  function nextOf(q, c) {
    if (!c.chosen) return null;
    for (var k = 0; k < q.options.length; k++) {
      if (c.chosen[k] && q.options[k].next) return q.options[k].next;
    }
    return null;
  }

  /**
   * Follows the flow. Returns {path: [{question, choice}], forced: outcome id
   * or null}; `choice` is null for a shown but unanswered question.
   */
  function flow(data, answers) {
    var qs = data.questions;
    var index = {};
    qs.forEach(function (q, i) { index[q.id] = i; });
    var onPath = {}; // question id -> choice, for questions shown on this path
    var visited = qs.map(function () { return false; });
    var path = [];
    var pos = 0;
    while (pos < qs.length && !visited[pos]) {
      visited[pos] = true;
      var q = qs[pos];
      if (q.show_if && !showIfHolds(q.show_if, data, index, onPath)) {
        pos += 1;
        continue;
      }
      var c = Object.prototype.hasOwnProperty.call(answers, q.id) ? choice(q, answers[q.id]) : null;
      onPath[q.id] = c;
      path.push({ question: q, choice: c });
      var next = c ? nextOf(q, c) : null;
      if (next === null) pos += 1;
      else if (next === "end") break;
      else if (next.indexOf("outcome:") === 0) return { path: path, forced: next.slice(8) };
      else pos = index[next];
    }
    return { path: path, forced: null };
  }

  function showIfHolds(showIf, data, index, onPath) {
    var c = onPath[showIf.question];
    if (!c || !c.chosen) return false;
    var q = data.questions[index[showIf.question]];
    return q.options.some(function (o, k) {
      return c.chosen[k] && showIf.any_of.indexOf(o.id) >= 0;
    });
  }

  /** Percent, or null when not assessed (highest <= lowest). Same operation order as Rust. */
  function percent(points, min, max) {
    if (max <= min) return null;
    return (100 * (points - min)) / (max - min);
  }

  /** Whether a percent satisfies a condition from the JSON. */
  function holds(cond, p) {
    switch (cond.op) {
      case "<": return p < cond.value;
      case "<=": return p <= cond.value;
      case ">": return p > cond.value;
      case ">=": return p >= cond.value;
      case "..": return cond.min <= p && p <= cond.max;
      default: return false;
    }
  }

  /** The outcome id for percents by dimension id (forced wins), or null. */
  function outcomeFor(data, percents, forced) {
    if (forced) return forced;
    var match = data.outcomes.find(function (o) {
      return o.when && o.when.every(function (c) {
        var p = percents[c.dimension];
        return p !== null && p !== undefined && holds(c, p);
      });
    });
    if (match) return match.id;
    var fallback = data.outcomes.find(function (o) { return !o.when; });
    return fallback ? fallback.id : null;
  }

  /** The band (object from the JSON) a percent falls in, or null. */
  function band(dimension, p) {
    if (p === null || p === undefined) return null;
    return dimension.bands.find(function (b) { return p <= b.up_to; }) || null;
  }

  /**
   * Scores a whole answer set: {path: [question ids], outcome: id or null,
   * dimensions: {id: {points, min, max, percent, band}}, flow}.
   */
  function evaluate(data, answers) {
    var f = flow(data, answers || {});
    var percents = {};
    var dimensions = {};
    data.dimensions.forEach(function (d) {
      var pts = 0, lo = 0, hi = 0;
      f.path.forEach(function (step) {
        if (!step.choice) return;
        var r = range(step.question, d.id);
        pts += points(step.question, step.choice, d.id);
        lo += r[0];
        hi += r[1];
      });
      var p = percent(pts, lo, hi);
      percents[d.id] = p;
      dimensions[d.id] = { points: pts, min: lo, max: hi, percent: p, band: band(d, p) };
    });
    return {
      path: f.path.map(function (s) { return s.question.id; }),
      outcome: outcomeFor(data, percents, f.forced),
      dimensions: dimensions,
      flow: f,
    };
  }

  /**
   * Progress on a path (question ids) at question `id`: {number, total,
   * upTo}. `total` adds the longest route left (built by the generator as
   * `remaining`); `upTo` is true when the flow can branch and more than
   * this question may follow, so the page says "of up to".
   */
  function progress(data, path, id) {
    var k = Math.max(0, path.indexOf(id));
    var q = data.questions.find(function (x) { return x.id === path[k]; });
    var remaining = q && q.remaining ? q.remaining : path.length - k;
    var branches = !!data.branches;
    return {
      number: k + 1,
      total: branches ? k + remaining : path.length,
      upTo: branches && remaining > 1,
    };
  }

  return {
    progress: progress,
    choice: choice,
    flow: flow,
    points: points,
    range: range,
    percent: percent,
    holds: holds,
    outcomeFor: outcomeFor,
    band: band,
    evaluate: evaluate,
  };
});

/*
 * The page: questions, check your answers, the result, share links and
 * saved progress, for every element partials/assessment.html renders
 * (data-wm-assessment). Does nothing outside a browser.
 *
 * The markup (form, fieldsets, inputs, error summary) comes from the
 * template; this script shows one part at a time, reads and restores
 * answers, and builds the review and result views. Views: "start",
 * "question" (one per page), "form" (all on one page), "review", "result"
 * and "notice" (a share link for an earlier version of the questions).
 */
(function () {
  "use strict";
  if (typeof window === "undefined" || typeof document === "undefined") return;
  var engine = window.Waymark && window.Waymark.assessment;
  if (!engine) return;

  var SVG = "http://www.w3.org/2000/svg";

  /** el("p", {class: "x", text: "y", onclick: f}, [children]); ns for SVG. */
  function el(tag, attrs, children, ns) {
    var node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "html") node.innerHTML = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined && c !== false) node.append(c);
    });
    return node;
  }
  function svg(tag, attrs, children) { return el(tag, attrs, children, SVG); }

  /** A percent as visitors read it: whole numbers only. */
  function pct(p) { return Math.round(p) + "%"; }
  function byId(list, id) { return list.find(function (x) { return x.id === id; }) || null; }
  function quote(s) { return "“" + s + "”"; }
  function enc(s) { return encodeURIComponent(String(s)); }
  function joinAnd(items) {
    return items.length < 2 ? items.join("") : items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }
  function num(v) { return Math.round(v * 100) / 100; }

  /** "Time to results is 50% or less and What you know is above 50%" */
  function ruleText(data, when) {
    return joinAnd(when.map(function (c) {
      var d = byId(data.dimensions, c.dimension);
      var label = d ? d.label : c.dimension;
      var test = {
        "<": "below " + num(c.value) + "%",
        "<=": num(c.value) + "% or less",
        ">": "above " + num(c.value) + "%",
        ">=": num(c.value) + "% or more",
      }[c.op] || "between " + num(c.min) + "% and " + num(c.max) + "%";
      return label + " is " + test;
    }));
  }

  /** Splits a label into lines of at most `max` characters. */
  function wrap(text, max) {
    var lines = [];
    text.split(/\s+/).forEach(function (w) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + w).length <= max) lines[last] += " " + w;
      else lines.push(w);
    });
    return lines;
  }

  function App(root) {
    var self = this;
    this.root = root;
    this.data = JSON.parse(root.querySelector("script[data-wm-data]").textContent);
    this.uid = root.id;
    this.level = Number(root.getAttribute("data-wm-level")) || 1;
    this.isPage = root.hasAttribute("data-wm-page");
    this.onePerPage = this.data.layout !== "all-on-one-page";
    this.base = root.getAttribute("data-url") || "";
    this.baseTitle = document.title;
    // One key per assessment page; an embed's key also names its page and
    // instance, so two copies on one page keep their own answers.
    this.key = "waymark:" + this.data.id + ":" + this.data.hash +
      (this.isPage ? "" : ":" + location.pathname + "#" + this.uid);
    this.shared = false;
    this.nav = "push";
    this.shownQs = null;
    this.parts = {};
    ["start", "form", "review", "result", "notice"].forEach(function (p) {
      self.parts[p] = root.querySelector('[data-wm-part="' + p + '"]');
    });
    this.form = this.parts.form;
    this.errors = root.querySelector("[data-wm-errors]");
    this.back = root.querySelector("[data-wm-back]");
    this.status = root.querySelector("[data-wm-status]");
    this.progress = root.querySelector("[data-wm-progress]");
    this.answers = {};
    this.seen = {};
    this.current = null;
    this.returnTo = null;
    this.view = "start";
    this.hasError = false;

    root.querySelectorAll("[data-wm-nojs]").forEach(function (n) { n.hidden = true; });
    root.querySelectorAll("[data-wm-js]").forEach(function (n) { n.hidden = false; });
    root.classList.add("wm--js");
    root.querySelectorAll("[data-wm-start]").forEach(function (b) {
      b.addEventListener("click", function (e) { e.preventDefault(); self.start(); });
    });
    root.querySelectorAll("[data-wm-clear]").forEach(function (b) {
      b.addEventListener("click", function () { self.clear(); });
    });
    this.back.addEventListener("click", function (e) { e.preventDefault(); self.goBack(); });
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.submit(); });
    this.form.addEventListener("change", function (e) { self.changed(e); });
    window.addEventListener("hashchange", function () {
      // Our own entries (Back/Forward to a result) are handled by popstate.
      if (history.state && history.state.wm && history.state.wm[self.uid]) return;
      var link = self.readLink(location.hash);
      if (link) self.quietly("replace", function () { self.openLink(link, true); });
    });
    window.addEventListener("popstate", function (e) {
      var st = e.state && e.state.wm && e.state.wm[self.uid];
      if (st) self.quietly("none", function () { self.goStep(st); });
    });
    window.addEventListener("beforeprint", function () {
      root.querySelectorAll("details:not([open])").forEach(function (d) {
        d.open = true;
        d.setAttribute("data-wm-print-open", "");
      });
    });
    window.addEventListener("afterprint", function () {
      root.querySelectorAll("details[data-wm-print-open]").forEach(function (d) {
        d.open = false;
        d.removeAttribute("data-wm-print-open");
      });
    });
    this.forgetOldVersions();
    this.quietly("replace", function () { this.restore(); });
  }

  var P = App.prototype;

  /* ---------- Data ---------- */

  P.question = function (id) { return byId(this.data.questions, id); };
  P.evaluate = function () { return engine.evaluate(this.data, this.answers); };
  P.path = function () { return this.evaluate().path; };
  P.answered = function (q) { return engine.choice(q, this.answers[q.id]) !== null; };
  /** Required questions on the path without a valid answer. */
  P.missing = function () {
    var self = this;
    return this.path().map(function (id) { return self.question(id); })
      .filter(function (q) { return q.required && !self.answered(q); });
  };

  /* ---------- The form's inputs ---------- */

  P.wrapper = function (id) { return document.getElementById(this.uid + "__" + id); };
  P.inputs = function (q) {
    return Array.prototype.slice.call(this.form.querySelectorAll('input[name="' + CSS.escape(this.uid + "__" + q.id) + '"]'));
  };
  /** The answer the inputs of `q` hold, or undefined. */
  P.read = function (q) {
    var on = this.inputs(q).filter(function (i) { return i.checked; });
    if (!on.length) return undefined;
    if (q.type === "multiple") return on.map(function (i) { return i.value; });
    return q.type === "scale" ? Number(on[0].value) : on[0].value;
  };
  /** Sets the inputs of `q` from the saved answer. */
  P.fill = function (q) {
    var a = this.answers[q.id];
    this.inputs(q).forEach(function (i) {
      i.checked = Array.isArray(a) ? a.indexOf(i.value) >= 0 : a !== undefined && String(a) === i.value;
    });
  };
  P.fillAll = function () {
    var self = this;
    this.data.questions.forEach(function (q) { self.fill(q); });
  };
  P.store = function (q) {
    var v = this.read(q);
    if (v === undefined) delete this.answers[q.id];
    else this.answers[q.id] = v;
  };

  /* ---------- Saved progress and share links ---------- */

  P.load = function () {
    try { return JSON.parse(localStorage.getItem(this.key)) || null; } catch (e) { return null; }
  };
  P.save = function () {
    if (this.shared) return; // someone else's answers: never over the visitor's own
    try {
      if (!Object.keys(this.answers).length) localStorage.removeItem(this.key);
      else localStorage.setItem(this.key, JSON.stringify({
        answers: this.answers, seen: this.seen, view: this.view, current: this.current, returnTo: this.returnTo,
      }));
    } catch (e) { /* storage may be off; the page still works */ }
  };
  /** Progress saved for an earlier version of the questions is useless. */
  P.forgetOldVersions = function () {
    try {
      var prefix = "waymark:" + this.data.id + ":";
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf(prefix) === 0 && k.slice(prefix.length).split(":")[0] !== this.data.hash) localStorage.removeItem(k);
      }
    } catch (e) { /* ignore */ }
  };

  /** `ID=HASH&question=option&multi=a,b&scale=4`, over the shown questions. */
  P.fragment = function (answers) {
    var self = this;
    answers = answers || this.answers;
    var parts = [enc(this.data.id) + "=" + enc(this.data.hash)];
    engine.evaluate(this.data, answers).path.forEach(function (id) {
      var a = answers[id];
      if (engine.choice(self.question(id), a) === null) return;
      parts.push(enc(id) + "=" + (Array.isArray(a) ? a.map(enc).join(",") : enc(a)));
    });
    return parts.join("&");
  };
  /**
   * The link to share: the outcome's own page (/assessments/ID/result/OUTCOME/,
   * which previews as the outcome) with the answers in the fragment, which
   * browsers never send to the server; that page hands them to this one.
   */
  P.shareUrl = function () {
    var outcome = this.evaluate().outcome;
    var page = location.href.split("#")[0];
    // The theme says it builds outcome pages (assessment_step.html).
    if (outcome && this.data.path && this.root.hasAttribute("data-wm-outcome-pages")) {
      try { page = new URL(this.siteUrl(this.data.path + "result/" + outcome + "/"), location.href).href; } catch (e) { /* keep this page */ }
    }
    return page.split("#")[0] + "#" + this.fragment();
  };
  /** {hash, answers} from a fragment made for this assessment, else null. */
  P.readLink = function (hash) {
    var self = this;
    try {
      var pairs = hash.replace(/^#/, "").split("&");
      var head = pairs[0].split("=");
      if (head.length !== 2 || decodeURIComponent(head[0]) !== this.data.id) return null;
      var answers = {};
      pairs.slice(1).forEach(function (p) {
        var kv = p.split("=");
        var q = kv.length === 2 && self.question(decodeURIComponent(kv[0]));
        if (!q) return;
        if (q.type === "multiple") answers[q.id] = kv[1].split(",").map(decodeURIComponent).filter(Boolean);
        else if (q.type === "scale") answers[q.id] = Number(decodeURIComponent(kv[1]));
        else answers[q.id] = decodeURIComponent(kv[1]);
      });
      return { hash: decodeURIComponent(head[1]), answers: answers };
    } catch (e) {
      return null;
    }
  };
  /** Shows the address of the result in the address bar, or removes it. */
  P.setHash = function (on) {
    var ours = this.readLink(location.hash);
    try {
      if (on) history.replaceState(history.state, "", "#" + this.fragment());
      else if (ours) history.replaceState(history.state, "", location.pathname + location.search);
    } catch (e) { /* file:// in some browsers */ }
  };
  P.openLink = function (link, focus) {
    var self = this;
    if (link.hash !== this.data.hash) return this.showNotice(focus);
    // Someone else's answers are shown as shared and never saved over the
    // visitor's own progress, unless the visitor chooses so.
    var own = this.load();
    var mine = own && own.answers && typeof own.answers === "object" &&
      this.fragment(own.answers) === this.fragment(link.answers);
    this.shared = !mine;
    this.answers = link.answers;
    this.seen = {};
    this.returnTo = null;
    this.path().forEach(function (id) { self.seen[id] = true; });
    this.fillAll();
    this.finish(focus, true);
  };

  P.restore = function () {
    var link = this.readLink(location.hash);
    if (link) return this.openLink(link, false);
    this.restoreOwn(false);
  };

  /** The visitor's own saved progress (or the start). */
  P.restoreOwn = function (focus) {
    this.shared = false;
    this.answers = {};
    this.seen = {};
    this.returnTo = null;
    this.form.reset();
    var s = this.load();
    if (s && s.answers && typeof s.answers === "object") {
      this.answers = s.answers;
      this.seen = s.seen || {};
      this.returnTo = s.returnTo || null;
    }
    this.fillAll();
    var view = s && s.view;
    if (view === "question" && this.path().indexOf(s.current) >= 0) return this.showQuestion(s.current, focus);
    if (view === "review" || view === "result") return this.finish(focus, view === "result");
    if (view === "form") return this.showForm(null, false, focus);
    this.showStart(focus);
  };

  /* ---------- Browser history: one entry per step ---------- */

  /** This instance's step, as kept in history.state.wm[uid]. */
  P.step = function () {
    return { view: this.view, q: this.current, returnTo: this.returnTo, shared: this.shared };
  };
  /**
   * Records the step in the history entry: a new entry when the step
   * changed (so Back and Forward move between steps), else the same one.
   * Other instances' steps on the page are carried over.
   */
  P.record = function (changed) {
    if (this.nav === "none") return;
    var st = history.state && typeof history.state === "object" ? Object.assign({}, history.state) : {};
    st.wm = Object.assign({}, st.wm || {});
    st.wm[this.uid] = this.step();
    try {
      if (changed && this.nav === "push") history.pushState(st, "");
      else history.replaceState(st, "");
    } catch (e) { /* some file:// browsers refuse; the page still works */ }
  };
  /** Runs `fn` with history recorded as `how` ("replace" or "none"). */
  P.quietly = function (how, fn) {
    var before = this.nav;
    this.nav = how;
    try { fn.call(this); } finally { this.nav = before; }
  };
  /** Back or Forward landed on `st`: show that step, as the Back link would. */
  P.goStep = function (st) {
    if (st.shared) {
      var link = this.readLink(location.hash);
      if (link) return this.openLink(link, true);
    } else if (this.shared) {
      this.restoreOwn(false);
    }
    this.returnTo = st.returnTo || null;
    if (st.view === "question" && this.path().indexOf(st.q) >= 0) this.showQuestion(st.q, true);
    else if (st.view === "question" || st.view === "review" || st.view === "result") this.finish(true, st.view === "result");
    else if (st.view === "form") this.showForm(null, false, true);
    else this.showStart(true);
  };

  /* ---------- Moving between views ---------- */

  P.setView = function (name, focusEl) {
    var p = this.parts;
    var changed = this.view !== name || this.recorded !== this.current || this.recordedShared !== this.shared;
    this.recorded = this.current;
    this.recordedShared = this.shared;
    this.view = name;
    p.start.hidden = !(name === "start" || name === "form");
    p.form.hidden = !(name === "question" || name === "form");
    p.review.hidden = name !== "review";
    p.result.hidden = name !== "result";
    p.notice.hidden = name !== "notice";
    this.progress.hidden = !(name === "question" || name === "form");
    var back = this.backStep();
    this.back.hidden = !back;
    if (back) this.back.setAttribute("href", "#" + (back.q ? this.uid + "__" + back.q : this.uid));
    this.root.setAttribute("data-wm-view", name);
    this.record(changed);
    if (name !== "result" && name !== "notice") this.setHash(false);
    this.updateTitle();
    if (name !== "notice") this.save();
    if (focusEl) {
      if (this.isPage) window.scrollTo(0, 0);
      else this.root.scrollIntoView({ block: "start" });
      focusEl.focus({ preventScroll: true });
    }
  };

  P.updateTitle = function () {
    var prefix = "";
    if (this.isPage) {
      var q = this.current && this.question(this.current);
      if (this.view === "question" && q) prefix = q.text + " · ";
      else if (this.view === "review") prefix = "Check your answers · ";
      else if (this.view === "result") prefix = (this.shared ? "Shared result · " : "Your result · ");
      else if (this.view === "notice") prefix = "Link out of date · ";
    }
    document.title = (this.hasError ? "Error: " : "") + prefix + this.baseTitle;
  };

  /** Where Back leads from the current view: {view, q} or null. */
  P.backStep = function () {
    if (this.shared) return null;
    var path = this.path();
    var last = path[path.length - 1];
    var toQuestions = this.onePerPage ? { view: "question", q: last } : { view: "form" };
    if (this.view === "question") {
      if (this.returnTo === "review") return { view: "review" };
      var i = path.indexOf(this.current);
      return i > 0 ? { view: "question", q: path[i - 1] } : { view: "start" };
    }
    if (this.view === "review") return toQuestions;
    if (this.view === "result") return this.data.check_answers ? { view: "review" } : toQuestions;
    return null;
  };

  P.go = function (step) {
    if (step.view === "question") this.showQuestion(step.q, true);
    else if (step.view === "review") this.showReview(true);
    else if (step.view === "form") this.showForm(null, true);
    else this.showStart(true);
  };
  P.goBack = function () {
    var step = this.backStep();
    if (step) this.go(step);
  };

  P.start = function () {
    this.returnTo = null;
    if (!this.onePerPage) return this.showForm(null, false, true);
    var first = this.path()[0];
    if (first) this.showQuestion(first, true);
  };

  P.showStart = function (focus, message) {
    var old = this.parts.start.querySelector(".wm-flash");
    if (old) old.remove();
    if (message) {
      this.parts.start.prepend(el("p", { class: "wm-flash", text: message }));
      this.status.textContent = message;
    }
    this.current = null;
    if (!this.onePerPage) return this.showForm(null, false, focus);
    this.setView("start", focus ? this.parts.start.querySelector(".wm-title") : null);
  };

  P.showQuestion = function (id, focus) {
    this.current = id;
    this.clearErrors();
    var self = this;
    this.form.querySelectorAll("[data-wm-question]").forEach(function (w) {
      w.hidden = w.getAttribute("data-wm-question") !== id;
    });
    this.fill(this.question(id));
    this.updateProgress();
    this.setView("question", focus ? self.wrapper(id).querySelector(".wm-legend__heading") : null);
  };

  /** All on one page: every question on the path; `focusId` scrolls to one. */
  P.showForm = function (focusId, focus, focusTitle) {
    this.current = null;
    this.refreshForm();
    var target = null;
    if (focusId) {
      var inputs = this.inputs(this.question(focusId));
      target = inputs.find(function (i) { return i.checked; }) || inputs[0];
    } else if (focusTitle) {
      target = this.parts.start.querySelector(".wm-title");
    }
    this.setView("form", null);
    if (target) {
      target.focus({ preventScroll: true });
      (focusId ? this.wrapper(focusId) : target).scrollIntoView({ block: "start" });
    }
  };
  /**
   * All on one page: shows the questions on the path. After a change
   * (`tell`), returns what appeared and went, for the live region, so a
   * screen-reader user knows that skip logic revealed a question.
   */
  P.refreshForm = function (tell) {
    var self = this;
    var path = this.path();
    this.form.querySelectorAll("[data-wm-question]").forEach(function (w) {
      w.hidden = path.indexOf(w.getAttribute("data-wm-question")) < 0;
    });
    this.updateProgress();
    var before = this.shownQs;
    this.shownQs = path;
    if (!tell || !before) return "";
    var text = function (id) { return quote(self.question(id).text); };
    var added = path.filter(function (id) { return before.indexOf(id) < 0; });
    var gone = before.filter(function (id) { return path.indexOf(id) < 0; });
    var out = [];
    if (added.length) out.push((added.length === 1 ? "1 more question: " : added.length + " more questions: ") + joinAnd(added.map(text)) + ".");
    if (gone.length) out.push((gone.length === 1 ? "1 question no longer applies: " : gone.length + " questions no longer apply: ") + joinAnd(gone.map(text)) + ".");
    return out.join(" ");
  };

  P.updateProgress = function () {
    var self = this;
    var path = this.path();
    var text, done;
    if (this.onePerPage) {
      var at = engine.progress(this.data, path, this.current);
      text = (this.isPage ? "" : this.data.title + " · ") + "Question " + at.number + " of " + (at.upTo ? "up to " : "") + at.total;
      done = at.number / at.total;
    } else {
      var n = path.filter(function (id) { return self.answered(self.question(id)); }).length;
      text = n + " of " + path.length + " questions answered";
      done = n / path.length;
    }
    this.progress.querySelector("[data-wm-progress-text]").textContent = text;
    this.progress.querySelector("[data-wm-progress-bar]").style.width = Math.round(done * 100) + "%";
  };

  /**
   * An exclusive checkbox ("None of these") clears the others when ticked,
   * and ticking another clears it; the status region says what was cleared.
   */
  P.exclusive = function (input) {
    if (input.type !== "checkbox" || !input.checked) return;
    var w = input.closest("[data-wm-question]");
    var alone = input.hasAttribute("data-wm-exclusive");
    var cleared = [];
    w.querySelectorAll("input[type=checkbox]:checked").forEach(function (other) {
      if (other === input || (!alone && !other.hasAttribute("data-wm-exclusive"))) return;
      other.checked = false;
      var label = w.querySelector('label[for="' + CSS.escape(other.id) + '"]');
      cleared.push(quote(label ? label.textContent.trim() : other.value));
    });
    return cleared.length ? "Unselected " + joinAnd(cleared) + "." : "";
  };

  /** Says `text` through the status live region (re-set so a repeat is read). */
  P.announce = function (text) {
    var status = this.status;
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  };

  /** All on one page: keep answers and the shown questions up to date. */
  P.changed = function (e) {
    var said = [];
    if (e.target && e.target.matches && e.target.matches("input")) said.push(this.exclusive(e.target));
    var w = e.target.closest("[data-wm-question]");
    if (!this.onePerPage && w) {
      this.store(this.question(w.getAttribute("data-wm-question")));
      said.push(this.refreshForm(true));
      this.save();
    }
    said = said.filter(Boolean);
    if (said.length) this.announce(said.join(" "));
  };

  P.submit = function () {
    var self = this;
    if (this.onePerPage) {
      var q = this.question(this.current);
      this.store(q);
      if (q.required && !this.answered(q)) return this.showErrors([q]);
      this.seen[q.id] = true;
      return this.advance(q.id);
    }
    this.data.questions.forEach(function (q) { self.store(q); });
    var missing = this.missing();
    if (missing.length) return this.showErrors(missing);
    this.clearErrors();
    this.path().forEach(function (id) { self.seen[id] = true; });
    this.finish(true);
  };

  /** After answering `id`: the next question, or the end. */
  P.advance = function (id) {
    var self = this;
    var path = this.path();
    var rest = path.slice(path.indexOf(id) + 1);
    var next = this.returnTo === "review"
      ? rest.find(function (q) { return !self.seen[q] || !self.answered(self.question(q)) && self.question(q).required; })
      : rest[0];
    if (next) this.showQuestion(next, true);
    else this.finish(true);
  };

  /** Review or result, once every required question on the path is answered. */
  P.finish = function (focus, wantResult) {
    var missing = this.missing();
    if (missing.length) {
      if (this.onePerPage) return this.showQuestion(missing[0].id, focus);
      return this.showForm(missing[0].id, focus);
    }
    this.returnTo = null;
    if (this.data.check_answers && !wantResult) this.showReview(focus);
    else this.showResult(focus);
  };

  P.change = function (id) {
    if (this.onePerPage) {
      this.returnTo = "review";
      this.showQuestion(id, true);
    } else {
      this.showForm(id, true);
    }
  };

  P.clear = function () {
    try { localStorage.removeItem(this.key); } catch (e) { /* ignore */ }
    this.answers = {};
    this.seen = {};
    this.returnTo = null;
    this.form.reset();
    this.clearErrors();
    this.setHash(false);
    this.showStart(true, "Your answers have been cleared.");
  };

  /* ---------- Errors ---------- */

  /** The author's `error:` text, else the generator's default for the question. */
  P.errorText = function (q) {
    if (q.error) return q.error;
    return q.type === "multiple" ? "Select at least one answer"
      : q.type === "scale" ? "Select a number from " + q.scale.min + " to " + q.scale.max
        : "Select an answer";
  };

  P.showErrors = function (questions) {
    var self = this;
    this.clearErrors();
    var list = this.errors.querySelector("ul");
    questions.forEach(function (q) {
      var w = self.wrapper(q.id);
      var msg = self.errorText(q);
      var box = w.querySelector(".wm-error-message");
      var fs = w.querySelector("fieldset");
      var input = self.inputs(q)[0];
      w.classList.add("wm-question--error");
      box.hidden = false;
      box.querySelector("[data-wm-error-text]").textContent = msg;
      fs.setAttribute("aria-describedby", ((fs.getAttribute("aria-describedby") || "") + " " + box.id).trim());
      list.append(el("li", {}, [el("a", {
        href: "#" + input.id,
        text: msg,
        onclick: function (e) {
          e.preventDefault();
          w.querySelector("legend").scrollIntoView({ block: "start" });
          input.focus({ preventScroll: true });
        },
      })]));
    });
    this.errors.hidden = false;
    this.hasError = true;
    this.updateTitle();
    this.errors.scrollIntoView({ block: "start" });
    this.errors.focus({ preventScroll: true });
  };

  P.clearErrors = function () {
    this.errors.hidden = true;
    this.errors.querySelector("ul").textContent = "";
    this.form.querySelectorAll(".wm-question--error").forEach(function (w) {
      w.classList.remove("wm-question--error");
      var box = w.querySelector(".wm-error-message");
      var fs = w.querySelector("fieldset");
      box.hidden = true;
      var ids = (fs.getAttribute("aria-describedby") || "").split(" ").filter(function (i) { return i && i !== box.id; });
      if (ids.length) fs.setAttribute("aria-describedby", ids.join(" "));
      else fs.removeAttribute("aria-describedby");
    });
    if (this.hasError) {
      this.hasError = false;
      this.updateTitle();
    }
  };

  /* ---------- Check your answers ---------- */

  /** The answer to `q` as display lines. */
  P.answerLines = function (q) {
    var c = engine.choice(q, this.answers[q.id]);
    if (!c) return ["Not answered"];
    if (c.chosen) return q.options.filter(function (o, k) { return c.chosen[k]; }).map(function (o) { return o.label; });
    var s = q.scale;
    var end = c.value === s.min ? s.min_label : c.value === s.max ? s.max_label : null;
    return [c.value + (end ? " (" + end + ")" : "") + " on a scale from " + s.min + " to " + s.max];
  };

  P.answerList = function (withChange) {
    var self = this;
    var dl = el("dl", { class: "wm-summary" });
    this.path().forEach(function (id) {
      var q = self.question(id);
      var lines = self.answerLines(q);
      var value = lines.length > 1
        ? el("ul", { class: "wm-summary__list" }, lines.map(function (l) { return el("li", { text: l }); }))
        : lines[0];
      var row = el("div", { class: "wm-summary__row" }, [
        el("dt", { class: "wm-summary__key", text: q.text }),
        el("dd", { class: "wm-summary__value" }, [value]),
      ]);
      if (withChange) {
        row.append(el("dd", { class: "wm-summary__actions" }, [el("a", {
          href: "#" + self.uid + "__" + id,
          onclick: function (e) { e.preventDefault(); self.change(id); },
        }, ["Change", el("span", { class: "visually-hidden", text: " your answer to: " + q.text })])]));
      }
      dl.append(row);
    });
    return dl;
  };

  P.clearButton = function () {
    var self = this;
    return el("button", { type: "button", class: "wm-link-button", text: "Clear my answers", onclick: function () { self.clear(); } });
  };

  P.showReview = function (focus) {
    var self = this;
    var box = this.parts.review;
    var title = el("h" + this.level, { class: "wm-view-title", tabindex: "-1", text: "Check your answers" });
    box.textContent = "";
    box.append(
      el("p", { class: "wm-caption", text: this.data.title }),
      title,
      this.answerList(true),
      el("div", { class: "wm-form__actions" }, [
        el("button", { type: "button", class: "wm-continue", text: "See your result", onclick: function () { self.finish(true, true); } }),
        this.clearButton(),
      ])
    );
    this.setView("review", focus ? title : null);
  };

  /* ---------- The result ---------- */

  /** A site-root path from the JSON (`/a/b/`) as a link from this page. */
  P.siteUrl = function (path) {
    if (!/^\/(?!\/)/.test(path)) return path;
    var rel = path.slice(1);
    var cut = rel.search(/[#?]/);
    var file = cut < 0 ? rel : rel.slice(0, cut);
    var rest = cut < 0 ? "" : rel.slice(cut);
    var portable = /index\.html$/.test(this.base);
    if (portable && (file === "" || file.slice(-1) === "/")) file += "index.html";
    return this.base.replace(/index\.html$/, "") + file + rest || "./";
  };
  P.html = function (cls, html) {
    var self = this;
    var div = el("div", { class: "prose " + cls, html: html });
    div.querySelectorAll("a[href]").forEach(function (a) { a.setAttribute("href", self.siteUrl(a.getAttribute("href"))); });
    return div;
  };

  P.showResult = function (focus) {
    var ev = this.evaluate();
    var outcome = byId(this.data.outcomes, ev.outcome);
    var box = this.parts.result;
    var h1 = "h" + this.level;
    var h2 = "h" + (this.level + 1);
    var title = el(h1, { class: "wm-result__title", tabindex: "-1", text: outcome ? outcome.title : "No result" });
    box.textContent = "";
    var caption = this.isPage
      ? el("p", { class: "wm-caption" }, [el("span", { class: "wm-print-only", text: this.data.title + " · " }), this.shared ? "Shared result" : "Your result"])
      : el("p", { class: "wm-caption", text: this.data.title + (this.shared ? ": shared result" : ": your result") });
    if (this.shared) box.append(this.sharedNote(h2));
    box.append(el("div", { class: "wm-result__panel" }, [caption, title]));
    if (outcome && outcome.summary_html) box.append(this.html("wm-result__summary", outcome.summary_html));
    if (outcome && outcome.url) {
      box.append(el("p", { class: "wm-result__next" }, [
        el("a", { class: "button", href: this.siteUrl(outcome.url), text: "Read more: " + outcome.title }),
      ]));
    }
    if (this.data.chart && this.data.dimensions.length) box.append(this.chart(ev, outcome));
    if (this.data.dimensions.length) box.append(this.areas(ev, h2));
    box.append(this.why(ev, outcome));
    box.append(el("details", { class: "wm-details wm-answers" }, [
      el("summary", { text: "Your answers" }),
      el("div", { class: "wm-details__body" }, [this.answerList(false)]),
    ]));
    box.append(this.share(h2));
    this.showCta(outcome);
    this.setView("result", focus ? title : null);
    this.setHash(true);
  };

  /** The outcome's own call to action, if the page has one for it, else the generic one. */
  P.showCta = function (outcome) {
    var blocks = this.root.querySelectorAll("[data-wm-cta-for]");
    var mine = outcome && this.root.querySelector('[data-wm-cta-for="' + CSS.escape(outcome.id) + '"]');
    blocks.forEach(function (b) {
      b.hidden = mine ? b !== mine : b.getAttribute("data-wm-cta-for") !== "";
    });
  };

  /** Each dimension's percent, band and advice. */
  P.areas = function (ev, h2) {
    var h3 = "h" + (this.level + 2);
    var self = this;
    var id = this.uid + "__areas";
    return el("section", { class: "wm-areas", "aria-labelledby": id }, [
      el(h2, { id: id, text: this.data.dimensions.length > 1 ? "Your results by area" : "Your score" }),
      el("ul", { class: "wm-areas__list" }, this.data.dimensions.map(function (d) {
        var r = ev.dimensions[d.id];
        var score = r.percent === null
          ? el("p", { class: "wm-area__score" }, [el("span", { class: "wm-band wm-band--none", text: "Not assessed" }), " None of your answers scored this area."])
          : el("p", { class: "wm-area__score" }, [
            r.band ? self.bandPill(d, r.band) : null,
            el("span", { class: "wm-area__percent", text: pct(r.percent) }),
          ]);
        return el("li", { class: "wm-area" }, [
          el(h3, { class: "wm-area__title", text: d.label }),
          score,
          r.band && r.band.advice_html ? self.html("wm-area__advice", r.band.advice_html) : null,
        ]);
      })),
    ]);
  };

  /**
   * A band's pill. Bands differ by more than colour: a row of marks shows
   * the band's place among the dimension's bands (first band: one filled
   * mark), and each place has its own class (wm-band--1, --2, ...).
   */
  P.bandPill = function (dim, band) {
    var k = dim.bands.indexOf(band) + 1;
    var n = dim.bands.length;
    var marks = el("span", { class: "wm-band__marks", "aria-hidden": "true" });
    for (var i = 1; i <= n; i++) marks.append(el("span", { class: "wm-band__mark" + (i <= k ? " is-on" : "") }));
    return el("span", {
      class: "wm-band wm-band--" + Math.min(k, 5) + (k === n ? " wm-band--top" : ""),
      "data-band": k + "/" + n,
    }, [marks, el("span", { class: "wm-band__label", text: band.label })]);
  };

  /** "Why this result": the rule that matched and the answers behind each percent. */
  P.why = function (ev, outcome) {
    var self = this;
    var d = this.data;
    var reason;
    var steps = ev.flow.path;
    if (ev.flow.forced) {
      var last = steps[steps.length - 1];
      var opt = last.question.options.find(function (o, k) { return last.choice.chosen[k] && o.next; });
      reason = "Your answer " + quote(opt.label) + " to " + quote(last.question.text) + " leads straight to this result.";
    } else if (outcome && outcome.when) {
      reason = "This result applies when " + ruleText(d, outcome.when) + ".";
    } else {
      reason = "Your answers did not meet the rule of any other result, so this is the general one.";
    }
    var body = el("div", { class: "wm-details__body" }, [el("p", { text: reason })]);
    d.dimensions.forEach(function (dim) {
      var r = ev.dimensions[dim.id];
      var items = [];
      steps.forEach(function (s) {
        if (!s.choice) return;
        var range = engine.range(s.question, dim.id);
        if (range[0] === range[1]) return;
        var pts = engine.points(s.question, s.choice, dim.id);
        items.push(el("li", {}, [
          el("span", { class: "wm-why__q", text: s.question.text }),
          el("span", { class: "wm-why__a", text: self.answerLines(s.question).join("; ") }),
          el("span", {
            class: "wm-why__pts",
            text: pts + (Math.abs(pts) === 1 ? " point" : " points") + " (possible: " + range[0] + " to " + range[1] + ")",
          }),
        ]));
      });
      var head = r.percent === null
        ? dim.label + ": not assessed, because none of your answers could move it."
        : dim.label + ": " + pct(r.percent) + (r.min === 0
          ? " (" + r.points + " of " + r.max + " points)"
          : " (" + r.points + " points, possible: " + r.min + " to " + r.max + ")");
      body.append(el("p", { class: "wm-why__area" }, [el("strong", { text: head })]));
      if (items.length) body.append(el("ul", { class: "wm-why__list" }, items));
    });
    return el("details", { class: "wm-details wm-why" }, [el("summary", { text: "Why this result" }), body]);
  };

  P.share = function (h2) {
    var self = this;
    var id = this.uid + "__share";
    var url = this.shareUrl();
    var input = el("input", { type: "text", id: id + "-link", class: "wm-share__input", readonly: true, value: url, spellcheck: "false" });
    var copy = el("button", { type: "button", class: "button--secondary", text: "Copy link" });
    copy.addEventListener("click", function () { self.copy(input.value, input, "Link copied."); });
    return el("section", { class: "wm-share", "aria-labelledby": id }, [
      el(h2, { id: id, text: "Save or share this result" }),
      el("p", { text: "This link holds the answers in the part after the “#”, which browsers never send to a server: the website’s host only sees which result page was opened. Anyone who opens it sees this result, marked as shared; it does not change their own saved answers." }),
      el("label", { for: id + "-link", class: "wm-share__label", text: "Link to this result" }),
      el("div", { class: "wm-share__row" }, [input, copy]),
      el("p", { class: "wm-share__actions" }, [
        el("button", { type: "button", class: "button--secondary", text: "Copy a summary", onclick: function () { self.copySummary(this); } }),
        el("button", { type: "button", class: "button--secondary", text: "Print or save as PDF", onclick: function () { window.print(); } }),
        this.shared ? null : el("button", { type: "button", class: "button--secondary", text: "Change my answers", onclick: function () { self.goBack(); } }),
        this.shared ? null : this.clearButton(),
      ]),
    ]);
  };

  /** Copies `text`, else selects it in `input` for the visitor; says what happened. */
  P.copy = function (text, input, done) {
    var self = this;
    var ok = function () { self.announce(done); };
    var fallback = function () {
      var area = input || el("textarea", { class: "visually-hidden", readonly: true });
      if (!input) { area.value = text; self.root.append(area); }
      area.select();
      var worked = false;
      try { worked = document.execCommand("copy"); } catch (e) { /* fall through */ }
      if (!input) area.remove();
      self.announce(worked ? done : "Copying is not available here; select the text and copy it.");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(ok, fallback);
    else fallback();
  };

  /**
   * The result as plain text for an email or a document: the outcome and
   * its summary, each area's percent and band, the next steps and the link.
   */
  P.summaryText = function () {
    var self = this;
    var ev = this.evaluate();
    var o = byId(this.data.outcomes, ev.outcome);
    var plain = function (html) { var d = document.createElement("template"); d.innerHTML = html; return d.content.textContent.replace(/\s+/g, " ").trim(); };
    var abs = function (u) { try { return new URL(self.siteUrl(u), location.href).href; } catch (e) { return u; } };
    var lines = [this.data.title + ": " + (o ? o.title : "No result")];
    if (o && o.summary_html) lines.push("", plain(o.summary_html));
    if (this.data.dimensions.length) {
      lines.push("", this.data.dimensions.length > 1 ? "Results by area:" : "Score:");
      this.data.dimensions.forEach(function (d) {
        var r = ev.dimensions[d.id];
        lines.push("- " + d.label + ": " + (r.percent === null ? "not assessed" : pct(r.percent) + (r.band ? " (" + r.band.label + ")" : "")));
      });
    }
    var next = [];
    if (o && o.url) next.push("- Read more: " + o.title + ": " + abs(o.url));
    var cta = this.root.querySelector("[data-wm-cta-for]:not([hidden]) .cta");
    if (cta) {
      var a = cta.querySelector("a.button");
      next.push("- " + cta.querySelector(".cta__title").textContent.trim() + (a ? ": " + a.href : ""));
    }
    if (next.length) lines.push("", "Next steps:");
    lines = lines.concat(next);
    lines.push("", "Link to this result: " + this.shareUrl());
    return lines.join("\n");
  };
  P.copySummary = function () { this.copy(this.summaryText(), null, "Summary copied."); };

  /** Says the result shows someone else's answers, with the ways out. */
  P.sharedNote = function (h2) {
    var self = this;
    var own = this.load();
    var hasOwn = own && own.answers && Object.keys(own.answers).length;
    var id = this.uid + "__shared";
    return el("section", { class: "wm-shared", "aria-labelledby": id }, [
      el(h2, { id: id, class: "wm-shared__title", text: "You are viewing answers someone shared" }),
      el("p", { text: hasOwn
        ? "Your own saved answers have not changed. Go back to them, or keep these answers as yours instead."
        : "Nothing is saved in your browser until you choose to. Keep these answers as yours to change them, or start your own." }),
      el("p", { class: "wm-shared__actions" }, [
        el("button", { type: "button", text: hasOwn ? "Back to my own answers" : "Start my own answers", onclick: function () {
          self.restoreOwn(true);
        } }),
        el("button", { type: "button", class: "button--secondary", text: "Keep these answers as mine", onclick: function () {
          self.shared = false;
          self.path().forEach(function (qid) { self.seen[qid] = true; });
          self.showResult(true);
          self.announce("These answers are now saved as yours.");
        } }),
      ]),
    ]);
  };

  /* ---------- Charts ---------- */

  /** The chart as an inline SVG with <title> and <desc>, and its figures as a table. */
  P.chart = function (ev, outcome) {
    var c = this.data.chart;
    var id = this.uid + "__chart";
    var drawn = c.type === "matrix" ? this.matrix(ev, outcome, id) : this.bars(ev, id);
    var table = el("table", {}, [
      el("caption", { text: drawn.caption }),
      el("thead", {}, [el("tr", {}, ["Area", "Percent", "Band"].map(function (t) { return el("th", { scope: "col", text: t }); }))]),
      el("tbody", {}, drawn.dims.map(function (d) {
        var r = ev.dimensions[d.id];
        return el("tr", {}, [
          el("th", { scope: "row", text: d.label }),
          el("td", { text: r.percent === null ? "not assessed" : pct(r.percent) }),
          el("td", { text: r.band ? r.band.label : r.percent === null ? "not assessed" : "" }),
        ]);
      })),
    ]);
    return el("figure", { class: "wm-chart wm-chart--" + c.type }, [
      drawn.svg,
      el("div", { class: "visually-hidden" }, [table]),
      el("figcaption", { text: drawn.caption }),
    ]);
  };

  /** The split a dimension's outcome rules use (50 when they name none). */
  P.split = function (dim) {
    var at = 50;
    this.data.outcomes.some(function (o) {
      return (o.when || []).some(function (c) {
        if (c.dimension === dim && c.op !== ".." && c.value > 0 && c.value < 100) { at = c.value; return true; }
        return false;
      });
    });
    return at;
  };

  P.matrix = function (ev, outcome, id) {
    var d = this.data;
    var c = d.chart;
    var dx = byId(d.dimensions, c.x);
    var dy = byId(d.dimensions, c.y);
    var px = ev.dimensions[c.x].percent;
    var py = ev.dimensions[c.y].percent;
    var X0 = 64, X1 = 392, Y0 = 8, Y1 = 336, W = X1 - X0, H = Y1 - Y0;
    var sx = this.split(c.x), sy = this.split(c.y);
    var xs = X0 + W * sx / 100, ys = Y1 - H * sy / 100;
    var quads = [
      { key: "tl", x: X0, y: Y0, w: xs - X0, h: ys - Y0, px: sx / 2, py: (100 + sy) / 2, where: "Top left" },
      { key: "tr", x: xs, y: Y0, w: X1 - xs, h: ys - Y0, px: (100 + sx) / 2, py: (100 + sy) / 2, where: "Top right" },
      { key: "bl", x: X0, y: ys, w: xs - X0, h: Y1 - ys, px: sx / 2, py: sy / 2, where: "Bottom left" },
      { key: "br", x: xs, y: ys, w: X1 - xs, h: Y1 - ys, px: (100 + sx) / 2, py: sy / 2, where: "Bottom right" },
    ];
    var nodes = [];
    var named = [];
    quads.forEach(function (q) {
      var percents = {};
      d.dimensions.forEach(function (dim) { percents[dim.id] = null; });
      percents[c.x] = q.px;
      percents[c.y] = q.py;
      var o = byId(d.outcomes, engine.outcomeFor(d, percents, null));
      var mine = o && outcome && o.id === outcome.id;
      var lines = o ? wrap(o.title, Math.max(8, Math.floor(q.w / 10))) : [];
      q.lines = lines;
      q.outcome = o;
      nodes.push(svg("g", { class: "wm-matrix__q wm-matrix__q--" + q.key + (mine ? " is-result" : "") }, [
        svg("rect", { x: q.x + 2, y: q.y + 2, width: Math.max(0, q.w - 4), height: Math.max(0, q.h - 4), rx: 8 }),
      ]));
      if (o) named.push(q.where + ": " + o.title);
    });
    var axes = svg("g", { class: "wm-matrix__axis" }, [
      svg("line", { x1: X0, y1: Y1 + 6, x2: X1, y2: Y1 + 6 }),
      svg("line", { x1: X0 - 6, y1: Y0, x2: X0 - 6, y2: Y1 }),
      svg("text", { x: X0, y: Y1 + 26, class: "wm-matrix__end", "text-anchor": "start", text: dx.low || "0%" }),
      svg("text", { x: X1, y: Y1 + 26, class: "wm-matrix__end", "text-anchor": "end", text: dx.high || "100%" }),
      svg("text", { x: (X0 + X1) / 2, y: Y1 + 50, class: "wm-matrix__title", text: dx.label }),
      svg("text", { x: X0 - 14, y: Y1, class: "wm-matrix__end", "text-anchor": "start", transform: "rotate(-90 " + (X0 - 14) + " " + Y1 + ")", text: dy.low || "0%" }),
      svg("text", { x: X0 - 14, y: Y0, class: "wm-matrix__end", "text-anchor": "end", transform: "rotate(-90 " + (X0 - 14) + " " + Y0 + ")", text: dy.high || "100%" }),
      svg("text", { x: X0 - 38, y: (Y0 + Y1) / 2, class: "wm-matrix__title", transform: "rotate(-90 " + (X0 - 38) + " " + (Y0 + Y1) / 2 + ")", text: dy.label }),
    ]);
    nodes.push(axes);
    var placed = px !== null && py !== null;
    var you = placed ? this.youPoint(px, py, { X0: X0, X1: X1, Y0: Y0, Y1: Y1, xs: xs, ys: ys, sx: sx, sy: sy }) : null;
    // Quadrant names sit at the quadrant's outer edge, or at its inner
    // edge when the visitor's point would cover them.
    quads.forEach(function (q) {
      var n = q.lines.length;
      if (!n) return;
      var top = q.key[0] === "t";
      var block = (n - 1) * 20;
      var outer = top ? q.y + 26 : q.y + q.h - 20 - block;
      var inner = top ? q.y + q.h - 20 - block : q.y + 26;
      var first = outer;
      if (you && you.x >= q.x && you.x <= q.x + q.w && you.y >= outer - 22 && you.y <= outer + block + 22) first = inner;
      nodes.push(svg("g", { class: "wm-matrix__names" }, q.lines.map(function (l, i) {
        return svg("text", { x: q.x + q.w / 2, y: first + i * 20, class: "wm-matrix__label", text: l });
      })));
    });
    if (you) {
      var left = you.x > X1 - 60;
      nodes.push(svg("g", { class: "wm-matrix__you" }, [
        svg("circle", { cx: you.x, cy: you.y, r: 9 }),
        svg("text", { x: left ? you.x - 15 : you.x + 15, y: you.y + 5, "text-anchor": left ? "end" : "start", text: "You" }),
      ]));
    }
    var where = function (dim, p) { return dim.label + " " + (p === null ? "not assessed" : pct(p)); };
    var desc = "A two-by-two grid. Across: " + dx.label + ", from " + (dx.low || "0%") + " on the left to " + (dx.high || "100%") +
      " on the right. Up: " + dy.label + ", from " + (dy.low || "0%") + " at the bottom to " + (dy.high || "100%") + " at the top. " +
      named.join(". ") + ". " +
      (placed ? "Your answers place you at " + where(dx, px) + " and " + where(dy, py) + (outcome ? ", in " + outcome.title + "." : ".")
        : "Your answers do not give both percents, so you are not placed on the grid.");
    var svgEl = svg("svg", {
      class: "wm-matrix", viewBox: "0 0 400 400", role: "img",
      "aria-labelledby": id + "-title", "aria-describedby": id + "-desc",
    }, [svg("title", { id: id + "-title", text: "Where your answers place you" }), svg("desc", { id: id + "-desc", text: desc })].concat(nodes));
    return {
      svg: svgEl,
      dims: [dx, dy],
      caption: placed ? "Where your answers place you: " + where(dx, px) + ", " + where(dy, py) + "." : "Your answers do not place you on the grid.",
    };
  };

  /**
   * Where the "You" point goes: at the percents, but never on a quadrant
   * boundary (a percent equal to the split goes to the side its outcome
   * rules put it on) and never on the frame.
   */
  P.youPoint = function (px, py, g) {
    var c = this.data.chart;
    var W = g.X1 - g.X0, H = g.Y1 - g.Y0, GAP = 14;
    var x = g.X0 + W * px / 100, y = g.Y1 - H * py / 100;
    var highX = px > g.sx || (px === g.sx && this.splitGoesHigh(c.x, g.sx));
    var highY = py > g.sy || (py === g.sy && this.splitGoesHigh(c.y, g.sy));
    x = highX ? Math.max(x, g.xs + GAP) : Math.min(x, g.xs - GAP);
    y = highY ? Math.min(y, g.ys - GAP) : Math.max(y, g.ys + GAP);
    x = Math.min(Math.max(x, g.X0 + GAP), g.X1 - GAP);
    y = Math.min(Math.max(y, g.Y0 + GAP), g.Y1 - GAP);
    return { x: x, y: y };
  };

  /** Whether a percent exactly at the split counts as the high side (`>= split`, `< split`). */
  P.splitGoesHigh = function (dim, at) {
    var high = false;
    this.data.outcomes.some(function (o) {
      return (o.when || []).some(function (c) {
        if (c.dimension !== dim || c.value !== at) return false;
        high = c.op === ">=" || c.op === "<";
        return true;
      });
    });
    return high;
  };

  P.bars = function (ev, id) {
    var dims = this.data.dimensions.slice().sort(function (a, b) {
      var pa = ev.dimensions[a.id].percent, pb = ev.dimensions[b.id].percent;
      if (pa === null || pb === null) return (pa === null) - (pb === null);
      return pb - pa;
    });
    var ROW = 58;
    var rows = dims.map(function (d, i) {
      var r = ev.dimensions[d.id];
      var y = i * ROW;
      return svg("g", { class: "wm-bars__row" + (r.percent === null ? " is-none" : "") }, [
        svg("text", { x: 0, y: y + 18, class: "wm-bars__label", text: d.label }),
        svg("text", { x: "100%", y: y + 18, class: "wm-bars__value", "text-anchor": "end", text: r.percent === null ? "not assessed" : pct(r.percent) }),
        svg("rect", { x: 0, y: y + 28, width: "100%", height: 14, rx: 7, class: "wm-bars__track" }),
        r.percent === null ? null : svg("rect", { x: 0, y: y + 28, width: Math.max(r.percent, 1.5) + "%", height: 14, rx: 7, class: "wm-bars__fill" }),
      ]);
    });
    var parts = dims.map(function (d) {
      var r = ev.dimensions[d.id];
      return d.label + " " + (r.percent === null ? "not assessed" : pct(r.percent) + (r.band ? " (" + r.band.label + ")" : ""));
    });
    var desc = "One bar per area, from 0% to 100%, highest first: " + parts.join("; ") + ".";
    var svgEl = svg("svg", {
      class: "wm-bars", width: "100%", height: dims.length * ROW - 10, role: "img",
      "aria-labelledby": id + "-title", "aria-describedby": id + "-desc",
    }, [svg("title", { id: id + "-title", text: "Your scores by area" }), svg("desc", { id: id + "-desc", text: desc })].concat(rows));
    return { svg: svgEl, dims: dims, caption: dims.length > 1 ? "Your scores by area, highest first." : "Your score." };
  };

  /* ---------- A share link for an earlier version ---------- */

  P.showNotice = function (focus) {
    var self = this;
    var box = this.parts.notice;
    var title = el("h" + this.level, { class: "wm-view-title", tabindex: "-1", text: "This link is out of date" });
    box.textContent = "";
    box.append(
      el("p", { class: "wm-caption", text: this.data.title }),
      title,
      el("p", { text: "This link was made for an earlier version of this assessment. The questions have changed since then, so the answers in the link could give a wrong result." }),
      el("p", { text: "Start again to get a result for the current questions. It takes a few minutes." }),
      el("p", {}, [el("button", {
        type: "button", text: "Start again",
        onclick: function () {
          self.setHash(false);
          self.answers = {};
          self.seen = {};
          self.form.reset();
          self.start();
        },
      })])
    );
    this.setView("notice", focus ? title : null);
  };

  function boot() {
    // An outcome page opened from a share link: the answers (in the
    // fragment, never sent to the host) go on to the assessment's page.
    var to = document.querySelector("a[data-wm-shared-to]");
    if (to && /^#[^=&#]+=[0-9a-f]+(&|$)/.test(location.hash)) {
      location.replace(to.href.split("#")[0] + location.hash);
      return;
    }
    document.querySelectorAll("[data-wm-assessment]").forEach(function (root) {
      try { root.wmApp = new App(root); } catch (e) { if (window.console) console.error(e); }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
