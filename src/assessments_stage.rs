//! Connects assessments to the site: loads every `content/assessments/*.yaml`
//! with the assessment engine, checks its links against the library, renders
//! its Markdown, and turns it into pages and ```` ```assessment ```` embeds.
//!
//! Each assessment gets its page (`assessment.html`); a decision tree also
//! gets one static page per question and per outcome (`assessment_step.html`),
//! so it works without JavaScript; any other assessment carries a
//! self-scoring worksheet (see [`worksheet`]) for the same reason.

mod worksheet;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use tera::Value;

use crate::assessment::{self, Assessment};
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, ASSESSMENT_MARKER, Mode};
use crate::render::{AssessmentSummary, Embed, ExtraPage};

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
    /// Paths of pages a theme may leave out (it has no `assessment_step.html`):
    /// the outcome pages of scored assessments.
    pub optional: std::collections::HashSet<String>,
}

impl Loaded {
    /// What the renderer needs to embed each assessment in Markdown pages.
    pub fn embeds(&self) -> BTreeMap<String, Embed> {
        self.summaries
            .iter()
            .filter_map(|s| {
                let value = self.values.get(&s.id)?.clone();
                Some((
                    s.id.clone(),
                    Embed {
                        card: card(s),
                        value,
                    },
                ))
            })
            .collect()
    }
}

/// The site path of a decision tree's static page for question `qid`.
pub fn question_path(id: &str, qid: &str) -> String {
    format!("/assessments/{id}/q/{qid}/")
}

/// The site path of a decision tree's static page for outcome `oid`.
pub fn outcome_path(id: &str, oid: &str) -> String {
    format!("/assessments/{id}/result/{oid}/")
}

/// Loads every assessment file; collects every problem.
pub fn load(_root: &Path, lib: &Library) -> (Loaded, Vec<Diagnostic>) {
    let results: Vec<Result<Assessment, Vec<Diagnostic>>> = lib
        .assessment_files
        .par_iter()
        .map(|f| {
            let source = crate::content::read_text(&f.path, &f.file).map_err(|d| vec![d])?;
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
        optional: Default::default(),
    };
    for a in &assessments {
        let summary = AssessmentSummary {
            id: a.id.clone(),
            title: a.spec.title.value.clone(),
            description: a.spec.description.clone(),
            path: format!("/assessments/{}/", a.id),
        };
        let (value, data) = template_value(a, &summary, lib);
        loaded.pages.push(ExtraPage {
            path: summary.path.clone(),
            template: "assessment.html".into(),
            vars: vec![("assessment", value.clone())],
            file: a.file.clone(),
            title: summary.title.clone(),
            in_sitemap: true,
        });
        if a.is_decision_tree() {
            loaded.pages.extend(tree_pages(a, &data, &value));
        } else {
            let pages = outcome_pages(a, &data, &value);
            loaded.optional.extend(pages.iter().map(|p| p.path.clone()));
            loaded.pages.extend(pages);
        }
        loaded.values.insert(a.id.clone(), value);
        loaded.summaries.push(summary);
    }
    loaded.assessments = assessments;
    (loaded, errors)
}

/// The `assessment` variable of `assessment.html`: the browser data (texts,
/// questions, outcomes, HTML of Markdown fields) plus `path`, `is_tree` and
/// `json`, the same data as script-safe JSON for the page's script; for
/// the templates only, `start_path` (a decision tree's first static page, or
/// none), `max_questions` (the most questions one visitor can be asked) and
/// `worksheet` (the self-scoring worksheet, or none for a tree).
/// Also returns the browser data itself.
fn template_value(
    a: &Assessment,
    summary: &AssessmentSummary,
    lib: &Library,
) -> (Value, serde_json::Value) {
    let resolve = |rel: &str| lib.path_of(rel).map(str::to_owned);
    let render = |md: &str| markdown::render_plain_html(md, Mode { escape_html: true }, &resolve);
    let link = |l: &str| resolve_link(l, lib);
    let mut data = a.browser_data(&render, &link);
    let is_tree = a.is_decision_tree();
    if let Some(obj) = data.as_object_mut() {
        obj.insert("path".into(), summary.path.clone().into());
        obj.insert("is_tree".into(), is_tree.into());
    }
    let json = assessment::json_for_script(&data);
    let mut map = tera::Map::new();
    if let Some(m) = Value::from_serializable(&data).as_map() {
        map = m.clone();
    }
    map.insert("json".into(), Value::safe_string(&json));
    let start_path = a
        .engine
        .questions
        .first()
        .filter(|_| is_tree)
        .map_or_else(Value::none, |q| question_path(&a.id, &q.id).into());
    map.insert("start_path".into(), start_path);
    let most = if crate::assessment::analysis::branches(&a.engine) {
        crate::assessment::analysis::longest_routes(&a.engine)
            .first()
            .copied()
            .unwrap_or(0)
    } else {
        a.engine.questions.len()
    };
    map.insert("max_questions".into(), most.into());
    let sheet = if is_tree {
        Value::none()
    } else {
        Value::from_serializable(&worksheet::build(a, &data))
    };
    map.insert("worksheet".into(), sheet);
    (Value::from(map), data)
}

/// A decision tree's static pages: one per question (its options link to
/// where they lead) and one per outcome, all rendered by
/// `assessment_step.html` with `assessment` and `step`:
/// `{kind: "question", question, number, up_to, options: [{label, path}]}`
/// (`up_to`: `number` plus the longest route left) or the outcome pages.
fn tree_pages(a: &Assessment, data: &serde_json::Value, value: &Value) -> Vec<ExtraPage> {
    use serde_json::json;
    let e = &a.engine;
    let qs = data["questions"].as_array().map_or(&[][..], Vec::as_slice);
    // `next: end` with nothing scored: every dimension is not assessed.
    let at_end = e.outcome_for(&vec![None; e.dimensions.len()], None);
    let target = |next: &str| -> String {
        if let Some(oid) = next.strip_prefix("outcome:") {
            outcome_path(&a.id, oid)
        } else if next == "end" {
            // The analysis guarantees an outcome here; the page is a safe fallback.
            at_end.map_or_else(
                || format!("/assessments/{}/", a.id),
                |o| outcome_path(&a.id, &e.outcomes[o].id),
            )
        } else {
            question_path(&a.id, next)
        }
    };
    let depth = tree_depths(a);
    let page = |path: String, title: String, step: serde_json::Value| ExtraPage {
        path,
        template: "assessment_step.html".into(),
        vars: vec![
            ("assessment", value.clone()),
            ("step", Value::from_serializable(&step)),
        ],
        file: a.file.clone(),
        title,
        in_sitemap: false,
    };
    let mut pages = Vec::new();
    for (i, q) in qs.iter().enumerate() {
        let options: Vec<serde_json::Value> = q["options"]
            .as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|o| json!({"label": o["label"], "path": target(o["next"].as_str().unwrap_or("end"))}))
            .collect();
        let remaining = q["remaining"].as_u64().unwrap_or(1) as usize;
        let step = json!({
            "kind": "question",
            "question": q,
            "number": depth[i],
            "up_to": depth[i] + remaining - 1,
            "first": i == 0,
            "options": options,
        });
        let qid = q["id"].as_str().unwrap_or_default();
        let text = q["text"].as_str().unwrap_or_default().to_string();
        pages.push(page(question_path(&a.id, qid), text, step));
    }
    pages.extend(outcome_pages(a, data, value));
    pages
}

/// One page per outcome, `/assessments/ID/result/OUTCOME/`
/// (`assessment_step.html` with `step = {kind: "outcome", outcome,
/// scored}`): a decision tree's end points, and what a share link opens,
/// so a link pasted in a chat previews as the outcome while the answers
/// stay in the fragment. Its description names the outcome, not answers.
fn outcome_pages(a: &Assessment, data: &serde_json::Value, value: &Value) -> Vec<ExtraPage> {
    use serde_json::json;
    let os = data["outcomes"].as_array().map_or(&[][..], Vec::as_slice);
    let title = data["title"].as_str().unwrap_or_default();
    os.iter()
        .map(|o| {
            let oid = o["id"].as_str().unwrap_or_default();
            let otitle = o["title"].as_str().unwrap_or_default().to_string();
            let mut v = value.as_map().cloned().unwrap_or_default();
            v.insert(
                "description".into(),
                format!("“{otitle}”: one of the results of the self-assessment “{title}”.").into(),
            );
            let step = json!({
                "kind": "outcome", "outcome": o, "question": null,
                "scored": !a.is_decision_tree(),
            });
            ExtraPage {
                path: outcome_path(&a.id, oid),
                template: "assessment_step.html".into(),
                vars: vec![
                    ("assessment", Value::from(v)),
                    ("step", Value::from_serializable(&step)),
                ],
                file: a.file.clone(),
                title: otitle,
                in_sitemap: false,
            }
        })
        .collect()
}

/// For each question of a tree, its step number on the shortest route from
/// the first question (1 for the first).
fn tree_depths(a: &Assessment) -> Vec<usize> {
    use crate::assessment::scoring::Target;
    let qs = &a.engine.questions;
    let mut depth = vec![0; qs.len()];
    if qs.is_empty() {
        return depth;
    }
    depth[0] = 1;
    let mut queue = std::collections::VecDeque::from([0]);
    while let Some(q) = queue.pop_front() {
        for o in &qs[q].options {
            if let Some(Target::Question(n)) = o.next
                && depth[n] == 0
            {
                depth[n] = depth[q] + 1;
                queue.push_back(n);
            }
        }
    }
    depth
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

/// The link card that stands for an embedded assessment in the Markdown's
/// HTML: what feeds, summaries and themes without `assessment_embed.html`
/// show. The renderer replaces it with `assessment_embed.html` (the full
/// assessment) when the theme has that template.
pub fn card(s: &AssessmentSummary) -> String {
    format!(
        "<aside class=\"assessment-embed\" data-assessment=\"{}\"><p><a href=\"{}\">{}</a></p></aside>",
        crate::output::xml_escape(&s.id),
        crate::output::xml_escape(&s.path),
        crate::output::xml_escape(&s.title)
    )
}

/// Replaces each embed marker of pages and sections with the assessment's
/// link card (see [`card`]); an unknown id is an error at the block.
pub fn embed(lib: &mut Library, loaded: &Loaded, errors: &mut Vec<Diagnostic>) {
    let texts = lib
        .pages
        .iter_mut()
        .map(|p| (&p.file, &p.source, p.body_start, &mut p.rendered))
        .chain(
            lib.sections
                .iter_mut()
                .map(|s| (&s.file, &s.source, s.body_start, &mut s.rendered)),
        );
    let by_id: BTreeMap<&str, &AssessmentSummary> = loaded
        .summaries
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    for (file, source, body_start, rendered) in texts {
        if rendered.assessments.is_empty() {
            continue;
        }
        let rendered = std::sync::Arc::make_mut(rendered);
        // One pass over the HTML for all markers (a replace per embed was
        // quadratic: 20,000 embeds never finished).
        rendered.html = replace_markers(&rendered.html, |id| by_id.get(id).map(|s| card(s)));
        let mut reported = std::collections::BTreeSet::new();
        for id in &rendered.assessments {
            // Each report searches the page for its block: a few are enough
            // (thousands of unknown ids would make this quadratic).
            if by_id.contains_key(id.as_str()) || reported.len() >= 20 || !reported.insert(id) {
                continue;
            }
            let offset = source
                .find(&format!("\n{id}"))
                .map_or(body_start, |o| o + 1);
            errors.push(
                Diagnostic::at_offset(
                    file,
                    source,
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

/// `html` with each `<!--waymark:assessment:ID-->` marker replaced by
/// `with(ID)`, or kept when that gives nothing.
fn replace_markers(html: &str, with: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(ASSESSMENT_MARKER) {
        let after = &rest[at + ASSESSMENT_MARKER.len()..];
        let Some(end) = after.find("-->") else {
            break;
        };
        out.push_str(&rest[..at]);
        match with(&after[..end]) {
            Some(card) => out.push_str(&card),
            None => out.push_str(&rest[at..at + ASSESSMENT_MARKER.len() + end + 3]),
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}
