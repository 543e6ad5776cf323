/*
 * Waymark assessments in the browser: the result view (outcome, areas, why, sharing).
 * One of the classic scripts partials/assessment_scripts.html loads, in
 * order; it adds methods to the App of assessment-page.js (see assessment.js).
 */
(function () {
  "use strict";
  var W = typeof window !== "undefined" ? window.Waymark : null;
  var A = W && W.assessmentPage;
  if (!A) return;
  var engine = W.assessment;
  var el = A.el, pct = A.pct, byId = A.byId, quote = A.quote, ruleText = A.ruleText;
  var P = A.App.prototype;

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


  A.loaded.result = true;
})();
