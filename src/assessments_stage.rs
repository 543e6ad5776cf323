//! Connects assessments to the site: loads every `content/assessments/*.yaml`
//! with the assessment engine, checks its links against the library, renders
//! its Markdown, and turns it into pages and ```` ```assessment ```` embeds.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use tera::Value;

use crate::assessment::{self, Assessment};
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, ASSESSMENT_MARKER, Mode};
use crate::render::{AssessmentSummary, ExtraPage};

/// Everything the site needs from its assessments.
pub struct Loaded {
    /// The checked assessments, sorted by title.
    pub assessments: Vec<Assessment>,
    /// The global `assessments` list for templates.
    pub summaries: Vec<AssessmentSummary>,
    /// One page per assessment (and any static pages the page needs).
    pub pages: Vec<ExtraPage>,
    /// The `assessment` template value per id, also used for embeds.
    pub values: BTreeMap<String, Value>,
}

/// Loads every assessment file; collects every problem.
pub fn load(_root: &Path, lib: &Library) -> (Loaded, Vec<Diagnostic>) {
    let results: Vec<Result<Assessment, Vec<Diagnostic>>> = lib
        .assessment_files
        .par_iter()
        .map(|f| {
            let source = std::fs::read_to_string(&f.path)
                .map_err(|e| vec![Diagnostic::error(&f.file, format!("cannot read: {e}"))])?;
            let a = assessment::load(&f.file, &source)?;
            let errors = check_links(&a, &source, lib);
            if errors.is_empty() {
                Ok(a)
            } else {
                Err(errors)
            }
        })
        .collect();
    let mut errors = Vec::new();
    let mut assessments = Vec::new();
    for r in results {
        match r {
            Ok(a) => assessments.push(a),
            Err(mut e) => errors.append(&mut e),
        }
    }
    assessments.sort_by(|a, b| (&a.spec.title.value, &a.id).cmp(&(&b.spec.title.value, &b.id)));
    let mut loaded = Loaded {
        summaries: Vec::new(),
        pages: Vec::new(),
        values: BTreeMap::new(),
        assessments: Vec::new(),
    };
    for a in &assessments {
        let summary = AssessmentSummary {
            id: a.id.clone(),
            title: a.spec.title.value.clone(),
            description: a.spec.description.clone(),
            path: format!("/assessments/{}/", a.id),
        };
        let value = template_value(a, &summary, lib);
        loaded.pages.push(ExtraPage {
            path: summary.path.clone(),
            template: "assessment.html".into(),
            vars: vec![("assessment", value.clone())],
            file: a.file.clone(),
            title: summary.title.clone(),
            in_sitemap: true,
        });
        loaded.values.insert(a.id.clone(), value);
        loaded.summaries.push(summary);
    }
    loaded.assessments = assessments;
    (loaded, errors)
}

/// The `assessment` variable of `assessment.html`: the browser data (texts,
/// questions, outcomes, HTML of Markdown fields) plus `path`, `is_tree` and
/// `json`, the same data as script-safe JSON for the page's script.
fn template_value(a: &Assessment, summary: &AssessmentSummary, lib: &Library) -> Value {
    let resolve = |rel: &str| lib.path_of(rel).map(str::to_owned);
    let render = |md: &str| markdown::render_plain_html(md, Mode { escape_html: true }, &resolve);
    let link = |l: &str| resolve_link(l, lib);
    let mut data = a.browser_data(&render, &link);
    if let Some(obj) = data.as_object_mut() {
        obj.insert("path".into(), summary.path.clone().into());
        obj.insert("is_tree".into(), a.is_decision_tree().into());
    }
    let json = assessment::json_for_script(&data);
    let mut value = Value::from_serializable(&data);
    if let Some(map) = value.as_map() {
        let mut map = map.clone();
        map.insert("json".into(), Value::safe_string(&json));
        value = Value::from(map);
    }
    value
}

/// `@/a.md#x` -> `/a/#x`; other links unchanged (already checked).
fn resolve_link(link: &str, lib: &Library) -> String {
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
fn check_links(a: &Assessment, source: &str, lib: &Library) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (link, line, col) in a.internal_links() {
        let Some(rest) = link.strip_prefix("@/") else {
            continue;
        };
        let (target, anchor) = rest
            .split_once('#')
            .map_or((rest, None), |(t, a)| (t, Some(a)));
        let anchors = match lib.by_rel.get(target) {
            Some(crate::content::Target::Page(i)) => &lib.pages[*i].rendered.anchors,
            Some(crate::content::Target::Section(i)) => &lib.sections[*i].rendered.anchors,
            None => {
                errors.push(
                    Diagnostic::at(
                        &a.file,
                        source,
                        line,
                        col,
                        format!("broken internal link: `{link}` does not exist"),
                    )
                    .with_hint("the path is relative to content/, e.g. `@/playbooks/go-now.md`"),
                );
                continue;
            }
        };
        if let Some(anchor) = anchor
            && !anchors.contains(anchor)
        {
            let known: Vec<&str> = anchors.iter().map(String::as_str).collect();
            let hint = crate::diagnostics::did_you_mean(anchor, known.iter().copied())
                .unwrap_or_else(|| "link to one of that page's heading ids".into());
            errors.push(
                Diagnostic::at(
                    &a.file,
                    source,
                    line,
                    col,
                    format!("broken anchor: `@/{target}` has no heading `#{anchor}`"),
                )
                .with_hint(hint),
            );
        }
    }
    errors
}

/// Replaces each embed marker with the embed template's output.
pub fn embed(lib: &mut Library, loaded: &Loaded, errors: &mut Vec<Diagnostic>) {
    for p in &mut lib.pages {
        for id in p.rendered.assessments.clone() {
            let marker = format!("{ASSESSMENT_MARKER}{id}-->");
            match loaded.summaries.iter().find(|s| s.id == id) {
                Some(s) => {
                    let card = format!(
                        "<aside class=\"assessment-embed\" data-assessment=\"{}\"><p><a href=\"{}\">{}</a></p></aside>",
                        s.id,
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
                            loaded
                                .summaries
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
