/*
 * Waymark assessments in the browser: the result's charts (a matrix or bars).
 * One of the classic scripts partials/assessment_scripts.html loads, in
 * order; it adds methods to the App of assessment-page.js (see assessment.js).
 */
(function () {
  "use strict";
  var W = typeof window !== "undefined" ? window.Waymark : null;
  var A = W && W.assessmentPage;
  if (!A) return;
  var engine = W.assessment;
  var el = A.el, svg = A.svg, pct = A.pct, byId = A.byId, wrap = A.wrap;
  var P = A.App.prototype;

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


  A.loaded.charts = true;
})();
