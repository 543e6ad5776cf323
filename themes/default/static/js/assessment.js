/*
 * Waymark assessments in the browser: starts every assessment on the page.
 *
 * The last of the classic scripts partials/assessment_scripts.html loads
 * (assessment-engine.js, assessment-page.js, assessment-views.js,
 * assessment-result.js, assessment-charts.js, then this one). It starts
 * nothing unless every part ran, and then sets window.Waymark.assessmentReady,
 * which the page checks on load: without it (a part failed to load) the
 * page keeps its no-JavaScript form.
 */
(function () {
  "use strict";
  if (typeof window === "undefined" || typeof document === "undefined") return;
  var A = window.Waymark && window.Waymark.assessmentPage;
  var parts = ["views", "result", "charts"];
  if (!A || !parts.every(function (p) { return A.loaded[p]; })) return;
  var App = A.App;
  window.Waymark.assessmentReady = true;

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
