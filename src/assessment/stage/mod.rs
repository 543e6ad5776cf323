//! The assessment stage: connects assessments to the site: loads every `content/assessments/*.yaml`
//! with the assessment engine, checks its links against the library, renders
//! its Markdown, and turns it into pages and ```` ```assessment ```` embeds.
//!
//! Each assessment gets its page (`assessment.html`); a decision tree also
//! gets one static page per question and per outcome (`assessment_step.html`),
//! so it works without JavaScript; any other assessment carries a
//! self-scoring worksheet (see [`worksheet`]) for the same reason.
//!
//! Here: loading and the `assessment` template value; `pages`: the static
//! pages; `links`: the link checks; `embeds`: the card and the check of
//! ```` ```assessment ```` blocks; [`worksheet`]: the worksheet.

mod embeds;
mod links;
mod pages;
pub mod worksheet;

pub use embeds::{card, check_embeds};
use links::{check_links, resolve_link};
use pages::{outcome_pages, tree_pages};

use std::collections::BTreeMap;
use std::path::Path;

use crate::render::Value;
use rayon::prelude::*;

use crate::assessment::{self, Assessment};
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Mode};
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

/// The engine's result per assessment file, for `serve`: checking an
/// assessment (its exact analysis and examples) is most of this stage, and
/// depends on the file's text alone.
#[derive(Default)]
pub struct Cache {
    checked: std::sync::Mutex<EngineResults>,
}

/// File -> (its text, what the engine made of it).
type EngineResults =
    std::collections::HashMap<std::path::PathBuf, (String, Result<Assessment, Vec<Diagnostic>>)>;

impl Cache {
    /// The engine's result for `file` with `source`: from the cache when
    /// the text is unchanged, else checked now (and kept).
    fn check(&self, file: &Path, source: &str) -> Result<Assessment, Vec<Diagnostic>> {
        let lock = || self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((text, result)) = lock().get(file)
            && text == source
        {
            return result.clone();
        }
        let result = assessment::load(file, source);
        lock().insert(file.to_path_buf(), (source.to_string(), result.clone()));
        result
    }

    /// Forgets the files that are gone.
    fn keep_only(&self, lib: &Library) {
        let files: std::collections::HashSet<&Path> = lib
            .assessment_files
            .iter()
            .map(|f| f.file.as_path())
            .collect();
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        checked.retain(|file, _| files.contains(file.as_path()));
    }
}

/// Loads every assessment file; collects every problem. `cache` (for
/// `serve`) skips checking the files whose text did not change.
pub fn load(lib: &Library, cache: Option<&Cache>) -> (Loaded, Vec<Diagnostic>) {
    let results: Vec<Result<Assessment, Vec<Diagnostic>>> = lib
        .assessment_files
        .par_iter()
        .map(|f| {
            let source = crate::content::read_text(&f.path, &f.file).map_err(|d| vec![d])?;
            let a = match cache {
                Some(c) => c.check(&f.file, &source)?,
                None => assessment::load(&f.file, &source)?,
            };
            let errors = check_links(&a, &source, lib);
            if errors.is_empty() {
                Ok(a)
            } else {
                Err(errors)
            }
        })
        .collect();
    if let Some(c) = cache {
        c.keep_only(lib);
    }
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
    // The browser data and the worksheet print the same Markdown fields:
    // each is rendered once.
    let rendered = std::cell::RefCell::new(std::collections::HashMap::<String, String>::new());
    let render = |md: &str| {
        if let Some(html) = rendered.borrow().get(md) {
            return html.clone();
        }
        let html = markdown::render_plain_html(md, Mode { escape_html: true }, &resolve);
        rendered.borrow_mut().insert(md.to_string(), html.clone());
        html
    };
    let link = |l: &str| resolve_link(l, lib);
    let mut data = a.browser_data(&render, &link);
    let is_tree = a.is_decision_tree();
    if let Some(obj) = data.as_object_mut() {
        obj.insert("path".into(), summary.path.clone().into());
        obj.insert("is_tree".into(), is_tree.into());
    }
    let json = assessment::json_for_script(&data);
    let mut map = crate::render::Map::new();
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
        Value::from_serializable(&worksheet::build(a, &render, &link))
    };
    map.insert("worksheet".into(), sheet);
    (Value::from(map), data)
}
