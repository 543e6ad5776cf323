//! An assessment's links: checked against the library, and resolved to
//! the site paths the page prints.

use crate::assessment::Assessment;
use crate::content::Library;
use crate::diagnostics::Diagnostic;

/// `@/a.md#x` -> `/a/#x`; other links unchanged (already checked).
pub(super) fn resolve_link(link: &str, lib: &Library) -> String {
    match link.strip_prefix("@/") {
        Some(rest) => {
            let (target, anchor) = rest
                .split_once('#')
                .map_or((rest, None), |(t, a)| (t, Some(a)));
            let path = lib.path_of(target).unwrap_or("/");
            anchor.map_or_else(|| path.to_string(), |a| format!("{path}#{a}"))
        }
        None => link.to_string(),
    }
}

/// Every `link:` and `@/` link of the assessment must name real content
/// (and, with `#anchor`, a real heading).
pub(super) fn check_links(a: &Assessment, source: &str, lib: &Library) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (link, line, col) in a.internal_links() {
        // Every finding of this link points at the link itself.
        let at = |message: String| Diagnostic::at(&a.file, source, line, col, message);
        if let Some(scheme) = crate::config::script_scheme(&link) {
            // Assessment text is data, not trusted code (docs/assessments).
            errors.push(
                at(format!("a `{scheme}` link is not allowed in an assessment"))
                    .with_hint("link to a page (`@/guide.md`) or an https:// address"),
            );
            continue;
        }
        let Some(rest) = link.strip_prefix("@/") else {
            continue;
        };
        let (target, anchor) = rest
            .split_once('#')
            .map_or((rest, None), |(t, a)| (t, Some(a)));
        if anchor.is_none() && lib.assessment_path(target).is_some() {
            continue;
        }
        let Some(anchors) = lib.anchors(target) else {
            errors.push(
                at(format!("broken internal link: `{link}` does not exist"))
                    .with_hint(lib.link_hint(target)),
            );
            continue;
        };
        if let Some(anchor) = anchor
            && !anchors.contains(anchor)
        {
            let hint = crate::diagnostics::anchor_hint(
                anchor,
                anchors.iter().map(String::as_str),
                "headings",
            );
            errors.push(
                at(format!(
                    "broken anchor: `@/{target}` has no heading `#{anchor}`"
                ))
                .with_hint(hint),
            );
        }
    }
    errors
}
