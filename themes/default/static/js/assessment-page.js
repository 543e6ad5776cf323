/*
 * Waymark assessments in the browser: the page. Questions, check your
 * answers, the result, share links and saved progress, for every element
 * partials/assessment.html renders (data-wm-assessment). Does nothing
 * outside a browser.
 *
 * The markup (form, fieldsets, inputs, error summary) comes from the
 * template; the script shows one part at a time, reads and restores
 * answers, and builds the review and result views. Views: "start",
 * "question" (one per page), "form" (all on one page), "review", "result"
 * and "notice" (a share link for an earlier version of the questions).
 *
 * The page comes in classic scripts (no modules: they must work from
 * file://), loaded in order by partials/assessment_scripts.html:
 * assessment-engine.js, this file (the helpers and the App with its data,
 * inputs, saved progress, share links and history), assessment-views.js
 * (moving between views, errors, check your answers, the out-of-date
 * notice), assessment-result.js (the result), assessment-charts.js (its
 * charts), and assessment.js, which starts every assessment once all
 * parts are there. This file shares its helpers and the App as
 * window.Waymark.assessmentPage.
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

  window.Waymark.assessmentPage = {
    App: App,
    el: el,
    svg: svg,
    pct: pct,
    byId: byId,
    quote: quote,
    joinAnd: joinAnd,
    ruleText: ruleText,
    wrap: wrap,
    // Which of the parts after this one have run (see assessment.js).
    loaded: {},
  };
})();
