//! The assessment engine: one file loaded, checked exhaustively, scored, and handed to the browser.
//!
//! The stages, one file each:
//! - [`model`]: the YAML as serde structs, with positions;
//! - `resolve`: ids to indices, every reference and value checked;
//! - [`scoring`]: the one scoring engine (mirrored by `assessment-engine.js`);
//! - [`analysis`]: the exact reachability analysis over all answer sets
//!   (its state machinery in `states`);
//! - `examples`: the author's golden tests;
//! - `browser`: the JSON embedded in the page;
//! - [`vectors`]: generated answer sets proving Rust and JS agree.
//!
//! [`load`] runs all of them and returns every problem at once, so an
//! author fixes a file in one pass instead of one error per build.

pub mod analysis;
mod browser;
mod examples;
pub mod model;
mod resolve;
pub mod scoring;
mod states;
pub mod vectors;

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, line_col, line_offset};
use crate::yaml::{self, Spanned};

pub use browser::json_for_script;
pub use examples::NOT_ASSESSED;
pub use scoring::{Answer, Answers, Evaluation};

/// A loaded, checked assessment: every reference resolved, every outcome
/// reachable, every example passing.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The file stem: the page is `/assessments/ID/`, the ```` ```assessment ```` block names it.
    pub id: String,
    /// Where it was loaded from, for messages.
    pub file: PathBuf,
    /// The file's text, read once at load: `check`'s lints and link
    /// positions quote it without reading the file again.
    pub source: std::sync::Arc<str>,
    /// What the author wrote (texts, Markdown, positions), defaults filled in.
    pub spec: model::Spec,
    /// The resolved form the scoring runs on.
    pub engine: scoring::Engine,
    analysis: analysis::Analysis,
    links: Vec<(String, usize, usize)>,
    markdown: Vec<MarkdownField>,
}

/// A Markdown text of the assessment and where it starts in the file, so the
/// generator can render it and place Markdown errors on the right line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownField {
    /// Which field: `intro`, `questions.ID.help`, `outcomes.ID.summary`,
    /// `dimensions.ID.bands.N.advice` (N from 0).
    pub key: String,
    /// The Markdown source.
    pub text: String,
    /// 1-based line of the text's first character in the file.
    pub line: usize,
    /// 1-based column of the text's first character.
    pub column: usize,
}

/// Collects diagnostics against one file; shared by the checking stages.
pub(crate) struct Report<'a> {
    file: &'a Path,
    source: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    fn new(file: &'a Path, source: &'a str) -> Self {
        Report {
            file,
            source,
            diags: Vec::new(),
        }
    }

    /// Records an error at the position of a spanned value.
    pub(crate) fn at<T>(
        &mut self,
        at: &Spanned<T>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let (line, col) = yaml::position(at);
        let mut d = Diagnostic::at(self.file, self.source, line, col, message);
        d.hint = hint;
        self.diags.push(d);
    }
}

/// Parses, resolves, analyses and runs the examples of one assessment file.
/// Returns every problem found (sorted by line), or the checked assessment.
pub fn load(file: &Path, source: &str) -> Result<Assessment, Vec<Diagnostic>> {
    let mut spec: model::Spec = yaml::parse(file, source, source, 1).map_err(|d| vec![d])?;
    let mut report = Report::new(file, source);
    let Some(engine) = resolve::resolve(&mut spec, &mut report) else {
        return Err(sorted(report.diags));
    };
    let analysis = analysis::analyse(&spec, &engine, &mut report);
    examples::run(&spec, &engine, &mut report);
    if !report.diags.is_empty() {
        return Err(sorted(report.diags));
    }
    let markdown = markdown_fields(&spec);
    let links = links(&spec, &markdown, source);
    Ok(Assessment {
        id: file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file: file.to_path_buf(),
        source: source.into(),
        spec,
        engine,
        analysis: analysis.unwrap_or_default(),
        links,
        markdown,
    })
}

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by_key(|d| (d.line, d.column));
    diags.dedup();
    diags
}

/// How many distinct answer sets lead to each outcome, in file order, for
/// `waymark check` (a lopsided assessment shows at a glance). Exact; counts
/// saturate at `u128::MAX`.
pub fn outcome_counts(assessment: &Assessment) -> Vec<(String, u128)> {
    assessment
        .engine
        .outcomes
        .iter()
        .zip(&assessment.analysis.outcome_counts)
        .map(|(o, &c)| (o.id.clone(), c))
        .collect()
}

impl Assessment {
    /// Every `link:` and `cta.url` of an outcome and every `@/` link inside
    /// the Markdown fields, with its line and column, for the link checker.
    pub fn internal_links(&self) -> Vec<(String, usize, usize)> {
        self.links.clone()
    }

    /// The Markdown fields (intro, help, summary, advice) with positions.
    pub fn markdown_fields(&self) -> &[MarkdownField] {
        &self.markdown
    }

    /// Scores one answer set with the engine (the same one the browser mirrors).
    pub fn evaluate(&self, answers: &Answers) -> Evaluation {
        self.engine.evaluate(answers)
    }

    /// True when every question is `single`, unconditional (no `show_if`),
    /// every option has a `next`, and nothing is scored: such an assessment
    /// can be served as linked static pages that need no JavaScript.
    pub fn is_decision_tree(&self) -> bool {
        let e = &self.engine;
        e.questions.iter().all(|q| {
            q.kind == model::QuestionType::Single
                && q.show_if.is_none()
                && q.options
                    .iter()
                    .all(|o| o.next.is_some() && o.scores.iter().all(|&s| s == 0))
        })
    }
}

fn markdown_fields(spec: &model::Spec) -> Vec<MarkdownField> {
    let mut out = Vec::new();
    let mut push = |key: String, text: &Option<Spanned<String>>| {
        if let Some(t) = text {
            let (line, column) = yaml::position(t);
            out.push(MarkdownField {
                key,
                text: t.value.clone(),
                line,
                column,
            });
        }
    };
    push("intro".into(), &spec.intro);
    for d in &spec.dimensions {
        for (i, b) in d.value.bands.iter().enumerate() {
            push(
                format!("dimensions.{}.bands.{i}.advice", d.value.id.value),
                &b.value.advice,
            );
        }
    }
    for q in &spec.questions.value {
        push(
            format!("questions.{}.help", q.value.id.value),
            &q.value.help,
        );
    }
    for o in &spec.outcomes.value {
        push(
            format!("outcomes.{}.summary", o.value.id.value),
            &o.value.summary,
        );
    }
    out
}

/// `link:` values and `@/` links in Markdown, located in the source.
fn links(
    spec: &model::Spec,
    markdown: &[MarkdownField],
    source: &str,
) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = spec
        .outcomes
        .value
        .iter()
        .flat_map(|o| {
            let cta = o.value.cta.as_ref().and_then(|c| c.url.as_ref());
            o.value.link.as_ref().into_iter().chain(cta)
        })
        .map(|l| {
            let (line, col) = yaml::position(l);
            (l.value.clone(), line, col)
        })
        .collect();
    for field in markdown {
        // Search the source from where the field starts, so each link gets
        // its own line even inside block scalars.
        let start = line_offset(source, field.line);
        let mut cursor = source[start..]
            .char_indices()
            .nth(field.column.saturating_sub(1))
            .map_or(source.len(), |(i, _)| start + i);
        for dest in markdown_links(&field.text) {
            match source[cursor..].find(&dest) {
                Some(i) => {
                    let (line, col) = line_col(source, cursor + i);
                    cursor += i + dest.len();
                    out.push((dest, line, col));
                }
                None => out.push((dest, field.line, field.column)),
            }
        }
    }
    out.sort_by_key(|l| (l.1, l.2));
    out
}

/// The `@/` destinations of links and images in a Markdown text, and those
/// that would run script (`javascript:` and the like), which are refused.
fn markdown_links(text: &str) -> Vec<String> {
    use crate::markdown::scan::{Dialect, Mark, scan};
    scan(text, Dialect::Basic)
        .filter_map(|(_, mark)| match mark {
            Mark::Link(dest) | Mark::Image(dest)
                if dest.starts_with("@/") || crate::config::script_scheme(&dest).is_some() =>
            {
                Some(dest.into_owned())
            }
            _ => None,
        })
        .collect()
}
