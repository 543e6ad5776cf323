//! Connects assessments to the site: one page per `content/assessments/*.yaml`
//! and the ```` ```assessment ```` embeds in Markdown pages.

use std::path::Path;

use serde::Deserialize;
use tera::Value;

use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::markdown::ASSESSMENT_MARKER;
use crate::render::{AssessmentSummary, ExtraPage};

#[derive(Deserialize)]
struct Head {
    title: String,
    description: Option<String>,
}

/// Loads every assessment file into its page and its summary.
pub fn load(
    _root: &Path,
    lib: &Library,
) -> (Vec<AssessmentSummary>, Vec<ExtraPage>, Vec<Diagnostic>) {
    let mut summaries = Vec::new();
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for f in &lib.assessment_files {
        let source = match std::fs::read_to_string(&f.path) {
            Ok(s) => s,
            Err(e) => {
                errors.push(Diagnostic::error(&f.file, format!("cannot read: {e}")));
                continue;
            }
        };
        let head: Head = match crate::yaml::parse_lenient(&f.file, &source) {
            Ok(h) => h,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let summary = AssessmentSummary {
            id: f.id.clone(),
            title: head.title.clone(),
            description: head.description,
            path: format!("/assessments/{}/", f.id),
        };
        pages.push(ExtraPage {
            path: summary.path.clone(),
            template: "assessment.html".into(),
            vars: vec![("assessment", Value::from_serializable(&summary))],
            file: f.file.clone(),
            title: head.title,
            in_sitemap: true,
        });
        summaries.push(summary);
    }
    summaries.sort_by(|a, b| a.title.cmp(&b.title));
    (summaries, pages, errors)
}

/// Replaces each embed marker with a link card to the assessment.
pub fn embed(lib: &mut Library, summaries: &[AssessmentSummary], errors: &mut Vec<Diagnostic>) {
    for p in &mut lib.pages {
        for id in p.rendered.assessments.clone() {
            let marker = format!("{ASSESSMENT_MARKER}{id}-->");
            match summaries.iter().find(|s| s.id == id) {
                Some(s) => {
                    let card = format!(
                        "<aside class=\"assessment-embed\"><p><a href=\"{}\">{}</a></p></aside>",
                        s.path,
                        crate::output::xml_escape(&s.title)
                    );
                    p.rendered.html = p.rendered.html.replace(&marker, &card);
                }
                None => {
                    let offset = p
                        .source
                        .find(&format!("\n{id}"))
                        .map_or(p.body_start, |o| o + 1);
                    errors.push(
                        Diagnostic::at_offset(
                            &p.file,
                            &p.source,
                            offset,
                            format!("no assessment `{id}` to embed"),
                        )
                        .with_hint(format!(
                            "create content/assessments/{id}.yaml or use one of: {}",
                            summaries
                                .iter()
                                .map(|s| s.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
            }
        }
    }
}
