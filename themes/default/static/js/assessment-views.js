/*
 * Waymark assessments in the browser: moving between views, errors, check
 * your answers and the notice for an out-of-date share link.
 * One of the classic scripts partials/assessment_scripts.html loads, in
 * order; it adds methods to the App of assessment-page.js (see assessment.js).
 */
(function () {
  "use strict";
  var W = typeof window !== "undefined" ? window.Waymark : null;
  var A = W && W.assessmentPage;
  if (!A) return;
  var engine = W.assessment;
  var el = A.el, quote = A.quote, joinAnd = A.joinAnd;
  var P = A.App.prototype;

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

  A.loaded.views = true;
})();
