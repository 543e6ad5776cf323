//! What Markdown embeds: the link card of an assessment, and the check that
//! every ```` ```assessment ```` block names one. The renderer expands the
//! blocks' markers (`render::embeds`).

use super::Loaded;
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::render::AssessmentSummary;

/// The link card of an embedded assessment: what themes without
/// `assessment_embed.html` show in its place, and what a page listing
/// another page's content shows for that page's embeds (see
/// `render::embeds`).
pub fn card(s: &AssessmentSummary) -> String {
    format!(
        "<aside class=\"assessment-embed\" data-assessment=\"{}\"><p><a href=\"{}\">{}</a></p></aside>",
        crate::output::xml_escape(&s.id),
        crate::output::xml_escape(&s.path),
        crate::output::xml_escape(&s.title)
    )
}

/// Checks that every ```` ```assessment ```` block of pages and sections
/// names an assessment; an unknown id is an error at the block. The
/// content keeps its markers: the renderer expands them.
pub fn check_embeds(lib: &Library, loaded: &Loaded, errors: &mut Vec<Diagnostic>) {
    let texts = lib
        .pages
        .iter()
        .map(|p| (&p.file, &p.source, p.body_start, &p.rendered))
        .chain(
            lib.sections
                .iter()
                .map(|s| (&s.file, &s.source, s.body_start, &s.rendered)),
        );
    let known: std::collections::BTreeSet<&str> =
        loaded.summaries.iter().map(|s| s.id.as_str()).collect();
    for (file, source, body_start, rendered) in texts {
        let mut reported = std::collections::BTreeSet::new();
        for id in &rendered.assessments {
            // Each report searches the page for its block: a few are enough
            // (thousands of unknown ids would make this quadratic).
            if known.contains(id.as_str()) || reported.len() >= 20 || !reported.insert(id) {
                continue;
            }
            let offset = source
                .find(&format!("\n{id}"))
                .map_or(body_start, |o| o + 1);
            let hint = format!(
                "create content/assessments/{id}.yaml or use one of: {}",
                loaded
                    .summaries
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            errors.push(
                Diagnostic::at_offset(
                    file,
                    source,
                    offset,
                    format!("no assessment `{id}` to embed"),
                )
                .with_hint(hint),
            );
        }
    }
}
