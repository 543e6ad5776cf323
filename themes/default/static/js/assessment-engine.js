/*
 * Waymark assessments in the browser: the engine.
 *
 * It mirrors src/assessment/engine/scoring.rs exactly (same flow, same
 * arithmetic in the same order); tests/assessment_agreement.rs runs both
 * on generated answer sets. Change one, change the other.
 *
 * `data` is the JSON the generator embeds in the page (docs/assessment-json.md).
 * `answers` maps a question id to an option id (single), a list of option
 * ids (multiple) or a whole number (scale). Invalid answers, and answers to
 * questions not on the path, count as unanswered.
 *
 * No dependencies, no requests. A classic <script>: it sets
 * window.Waymark.assessment, or module.exports where `module` exists (the
 * Node tests load it that way, whatever package.json says about modules).
 * The page itself is in assessment-page.js and the files after it; see
 * assessment.js for the order.
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
