//! From what the author wrote ([`Spec`]) to what the engine runs ([`Engine`]).
//!
//! This is where ids become indices, so it is also where every reference is
//! checked: ids well-formed and unique, scores on known dimensions, `next`
//! and `show_if` pointing at real questions and options, conditions that
//! parse, bands that tile 0..100, a chart on real dimensions. Every problem
//! is reported (not just the first), each at the line of the item itself.

use std::collections::HashMap;

use super::Report;
use super::model::{ChartType, Condition, Outcome, QuestionType, Scores, Spec};
use super::scoring::{EDimension, EOption, EOutcome, EQuestion, Engine, Target};
use crate::diagnostics::did_you_mean;
use crate::yaml::{Spanned, spanned_like};

/// Options are a bit mask (u64) in the engine and in the analysis.
pub const MAX_OPTIONS: usize = 64;
/// A scale with more steps than this would make the exact analysis slow.
pub const MAX_SCALE_STEPS: i64 = 1000;

/// Checks `spec` (filling in default option ids) and builds the engine,
/// or returns with the problems recorded in `report`.
pub fn resolve(spec: &mut Spec, report: &mut Report) -> Option<Engine> {
    let before = report.diags.len();
    fill_option_ids(spec, report);
    let dims = index(
        spec.dimensions.iter().map(|d| &d.value.id),
        "dimension",
        report,
    );
    let questions = index(
        spec.questions.value.iter().map(|q| &q.value.id),
        "question",
        report,
    );
    let outcomes = index(
        spec.outcomes.value.iter().map(|o| &o.value.id),
        "outcome",
        report,
    );
    let names = Names {
        dims: &dims,
        questions: &questions,
        outcomes: &outcomes,
    };
    check_not_empty(spec, report);
    let dimensions = spec
        .dimensions
        .iter()
        .map(|d| dimension(d, report))
        .collect();
    let eq: Vec<EQuestion> = spec
        .questions
        .value
        .iter()
        .enumerate()
        .map(|(i, q)| question(spec, i, q, &names, report))
        .collect();
    let eo: Vec<EOutcome> = spec
        .outcomes
        .value
        .iter()
        .map(|o| outcome(&o.value, &names, report))
        .collect();
    check_condition_count(&eo, spec, report);
    check_chart(spec, &names, report);
    check_dimensions_used(spec, report);
    if report.diags.len() > before {
        return None;
    }
    Some(Engine {
        dimensions,
        questions: eq,
        outcomes: eo,
    })
}

/// An assessment needs a question and an outcome.
fn check_not_empty(spec: &Spec, report: &mut Report) {
    if spec.questions.value.is_empty() {
        report.at(
            &spec.questions,
            "an assessment needs at least one question",
            None,
        );
    }
    if spec.outcomes.value.is_empty() {
        report.at(
            &spec.outcomes,
            "an assessment needs at least one outcome",
            None,
        );
    }
}

/// One outcome: its `when` conditions on known dimensions, parsed.
fn outcome(o: &Outcome, names: &Names, report: &mut Report) -> EOutcome {
    let when = o.when.as_ref().map(|when| {
        if when.is_empty() {
            report.at(
                &o.id,
                format!("outcome `{}` has an empty `when`", o.id.value),
                Some("remove `when:` to make it the default outcome, or list conditions".into()),
            );
        }
        when.iter()
            .filter_map(|(dim, cond)| {
                let d = names.dimension(dim, report)?;
                match Condition::parse(&cond.value) {
                    Ok(c) => Some((d, c)),
                    Err(msg) => {
                        report.at(
                            cond,
                            format!("bad condition on `{}`: {msg}", dim.value),
                            Some("write a comparison with a percent, such as `< 50`, `<= 50`, `> 50`, `>= 50`, or an inclusive range such as `25..75`".into()),
                        );
                        None
                    }
                }
            })
            .collect()
    });
    EOutcome {
        id: o.id.value.clone(),
        when,
    }
}

/// Id -> index tables, with "did you mean" lookups.
struct Names<'a> {
    dims: &'a HashMap<String, usize>,
    questions: &'a HashMap<String, usize>,
    outcomes: &'a HashMap<String, usize>,
}

impl Names<'_> {
    fn lookup(
        table: &HashMap<String, usize>,
        what: &str,
        id: &Spanned<String>,
        report: &mut Report,
    ) -> Option<usize> {
        let found = table.get(&id.value).copied();
        if found.is_none() {
            let hint = did_you_mean(&id.value, table.keys().map(String::as_str))
                .unwrap_or_else(|| known(what, table.keys()));
            report.at(id, format!("unknown {what} `{}`", id.value), Some(hint));
        }
        found
    }
    fn dimension(&self, id: &Spanned<String>, report: &mut Report) -> Option<usize> {
        Names::lookup(self.dims, "dimension", id, report)
    }
    fn question(&self, id: &Spanned<String>, report: &mut Report) -> Option<usize> {
        Names::lookup(self.questions, "question", id, report)
    }
}

fn known<'a>(what: &str, ids: impl Iterator<Item = &'a String>) -> String {
    let mut ids: Vec<&str> = ids.map(String::as_str).collect();
    ids.sort_unstable();
    if ids.is_empty() {
        format!("there are no {what}s; define one first")
    } else {
        format!("the {what}s are: {}", ids.join(", "))
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_id(id: &Spanned<String>, what: &str, report: &mut Report) {
    if !valid_id(&id.value) {
        report.at(
            id,
            format!("the {what} id `{}` is not valid", id.value),
            Some(format!(
                "ids use lowercase letters, digits and `-` only, e.g. `{}`",
                slug::slugify(&id.value)
            )),
        );
    }
}

/// Checks ids and duplicates, returning id -> index (first wins).
fn index<'a>(
    ids: impl Iterator<Item = &'a Spanned<String>>,
    what: &str,
    report: &mut Report,
) -> HashMap<String, usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        check_id(id, what, report);
        if what == "question" && id.value == "end" {
            report.at(
                id,
                "`end` cannot be a question id",
                Some("`next: end` means \"score now\"; rename the question".into()),
            );
        }
        if let Some(line) = lines.get(&id.value) {
            report.at(
                id,
                format!(
                    "duplicate {what} id `{}` (first used at line {line})",
                    id.value
                ),
                Some(format!("every {what} needs its own id")),
            );
        } else {
            seen.insert(id.value.clone(), i);
            lines.insert(id.value.clone(), crate::yaml::position(id).0);
        }
    }
    seen
}

fn fill_option_ids(spec: &mut Spec, report: &mut Report) {
    for q in &mut spec.questions.value {
        let mut lines: HashMap<String, usize> = HashMap::new();
        for o in &mut q.value.options {
            let o = &mut o.value;
            match &o.id {
                Some(id) => check_id(id, "option", report),
                None => {
                    let slug = slug::slugify(&o.label.value);
                    if slug.is_empty() {
                        report.at(
                            &o.label,
                            format!(
                                "cannot make an option id from the label `{}`",
                                o.label.value
                            ),
                            Some("add `id:` with lowercase letters, digits and `-`".into()),
                        );
                    }
                    o.id = Some(spanned_like(slug, &o.label));
                }
            }
            let id = o.id.as_ref().expect("filled above");
            if let Some(line) = lines.get(&id.value) {
                let hint = if o.label.value.is_empty() {
                    "give each option its own `id:`"
                } else {
                    "give each option its own label or an explicit `id:`"
                };
                report.at(
                    id,
                    format!(
                        "duplicate option id `{}` in question `{}` (first used at line {line})",
                        id.value, q.value.id.value
                    ),
                    Some(hint.into()),
                );
            } else {
                lines.insert(id.value.clone(), crate::yaml::position(id).0);
            }
        }
    }
}

fn dimension(d: &Spanned<super::model::Dimension>, report: &mut Report) -> EDimension {
    let mut bands = Vec::new();
    let mut previous: Option<f64> = None;
    for (k, b) in d.value.bands.iter().enumerate() {
        if d.value.bands[..k]
            .iter()
            .any(|o| o.value.label == b.value.label)
        {
            report.at(
                b,
                format!(
                    "dimension `{}` has two bands labelled `{}`",
                    d.value.id.value, b.value.label
                ),
                Some("examples name bands by label; give each band its own".into()),
            );
        }
        let up_to = b.value.up_to.value;
        if !(0.0..=100.0).contains(&up_to) {
            report.at(
                &b.value.up_to,
                format!(
                    "band `{}` of `{}` ends at {up_to}, outside 0..100",
                    b.value.label, d.value.id.value
                ),
                Some("`up_to` is a percent between 0 and 100".into()),
            );
        } else if previous.is_some_and(|p| up_to <= p) {
            report.at(
                &b.value.up_to,
                format!("band `{}` of `{}` overlaps the band before it (up_to {up_to} is not above {})", b.value.label, d.value.id.value, previous.unwrap_or(0.0)),
                Some("list bands in increasing order of `up_to`; each starts just above the previous one's `up_to`".into()),
            );
        }
        previous = Some(previous.map_or(up_to, |p| p.max(up_to)));
        bands.push((up_to, b.value.label.clone()));
    }
    if let (Some(last), Some(top)) = (d.value.bands.last(), previous)
        && top < 100.0
    {
        report.at(
            &last.value.up_to,
            format!(
                "the bands of `{}` leave a gap: no band covers percents above {top} up to 100",
                d.value.id.value
            ),
            Some("end the last band with `up_to: 100`".into()),
        );
    }
    EDimension {
        id: d.value.id.value.clone(),
        bands,
    }
}

fn scores(map: &Scores, names: &Names, report: &mut Report) -> Vec<i64> {
    let mut dense = vec![0; names.dims.len()];
    for (dim, points) in map.iter() {
        if let Some(d) = names.dimension(dim, report) {
            dense[d] = points.value;
        }
    }
    dense
}

fn question(
    spec: &Spec,
    i: usize,
    q: &Spanned<super::model::Question>,
    names: &Names,
    report: &mut Report,
) -> EQuestion {
    let qv = &q.value;
    let is_scale = qv.kind == QuestionType::Scale;
    if is_scale {
        check_scale_shape(qv, report);
    } else {
        check_choice_shape(qv, report);
    }
    let options: Vec<EOption> = qv
        .options
        .iter()
        .map(|o| EOption {
            id: o.value.id().to_owned(),
            scores: scores(&o.value.scores, names, report),
            next: o.value.next.as_ref().and_then(|n| next(n, names, report)),
            exclusive: o.value.is_exclusive(),
        })
        .collect();
    check_exclusive(qv, report);
    let show_if = qv
        .show_if
        .as_ref()
        .and_then(|s| show_if(spec, i, s, names, report));
    let mut eq = EQuestion {
        id: qv.id.value.clone(),
        kind: qv.kind,
        required: qv.required,
        options,
        scale: qv
            .scale
            .as_ref()
            .filter(|_| is_scale)
            .map(|s| (s.value.min, s.value.max)),
        scale_scores: qv
            .scores
            .as_ref()
            .filter(|_| is_scale)
            .map_or_else(|| vec![0; names.dims.len()], |s| scores(s, names, report)),
        show_if,
        range: Vec::new(),
    };
    eq.range = Engine::question_range(&eq, names.dims.len());
    eq
}

/// A scale question has a `scale` of at most [`MAX_SCALE_STEPS`] steps
/// and no options.
fn check_scale_shape(qv: &super::model::Question, report: &mut Report) {
    let id = &qv.id.value;
    if !qv.options.is_empty() {
        report.at(
            &qv.options[0],
            format!("scale question `{id}` cannot have options"),
            Some("remove `options:` or change `type:` to single or multiple".into()),
        );
    }
    match &qv.scale {
        None => report.at(
            &qv.id,
            format!("scale question `{id}` needs a `scale: {{ min: 1, max: 5 }}`"),
            None,
        ),
        Some(s) if s.value.min >= s.value.max => report.at(
            s,
            format!(
                "the scale of `{id}` goes from {} to {}; `min` must be below `max`",
                s.value.min, s.value.max
            ),
            None,
        ),
        Some(s) if s.value.max - s.value.min > MAX_SCALE_STEPS => report.at(
            s,
            format!("the scale of `{id}` has more than {MAX_SCALE_STEPS} steps"),
            Some("use a shorter scale, e.g. 0..10".into()),
        ),
        Some(_) => {}
    }
}

/// A single or multiple question has 1 to [`MAX_OPTIONS`] options, and
/// neither a `scale` nor question-level `scores`.
fn check_choice_shape(qv: &super::model::Question, report: &mut Report) {
    let id = &qv.id.value;
    if qv.options.is_empty() {
        report.at(
            &qv.id,
            format!("question `{id}` has no options"),
            Some("add `options:` with at least one `- label: ...`".into()),
        );
    }
    if qv.options.len() > MAX_OPTIONS {
        report.at(
            &qv.options[MAX_OPTIONS],
            format!("question `{id}` has more than {MAX_OPTIONS} options"),
            None,
        );
    }
    if let Some(s) = &qv.scale {
        report.at(
            s,
            format!(
                "`scale:` only applies to `type: scale`, but `{id}` is {}",
                qv.kind.as_str()
            ),
            None,
        );
    }
    if let Some((first, _)) = qv.scores.as_ref().and_then(|s| s.0.first()) {
        report.at(
            first,
            format!(
                "question-level `scores` only apply to scale questions, but `{id}` is {}",
                qv.kind.as_str()
            ),
            Some("put `scores:` on each option instead".into()),
        );
    }
}

/// `exclusive` only means something among checkboxes: on a single-choice
/// question every option already excludes the others.
fn check_exclusive(q: &super::model::Question, report: &mut Report) {
    if q.kind == QuestionType::Multiple {
        return;
    }
    for o in &q.options {
        if let Some(e) = &o.value.exclusive {
            report.at(
                e,
                format!(
                    "`exclusive` only applies to `type: multiple`, but `{}` is {}",
                    q.id.value,
                    q.kind.as_str()
                ),
                Some("remove `exclusive:`; on a single-choice question every option already excludes the others".into()),
            );
        }
    }
}

fn next(n: &Spanned<String>, names: &Names, report: &mut Report) -> Option<Target> {
    let text = n.value.trim();
    if text == "end" {
        return Some(Target::End);
    }
    if let Some(outcome) = text.strip_prefix("outcome:") {
        let o = outcome.trim();
        let found = names.outcomes.get(o).copied();
        if found.is_none() {
            let hint = did_you_mean(o, names.outcomes.keys().map(String::as_str))
                .unwrap_or_else(|| known("outcome", names.outcomes.keys()));
            report.at(n, format!("`next` names unknown outcome `{o}`"), Some(hint));
        }
        return found.map(Target::Outcome);
    }
    let found = names.questions.get(text).copied();
    if found.is_none() {
        let mut hint = did_you_mean(text, names.questions.keys().map(String::as_str))
            .unwrap_or_else(|| known("question", names.questions.keys()));
        if names.outcomes.contains_key(text) {
            hint = format!("to finish with that outcome write `next: outcome:{text}`");
        }
        report.at(
            n,
            format!("`next` names unknown question `{text}`"),
            Some(format!(
                "{hint}; `next` takes a question id, `end`, or `outcome:ID`"
            )),
        );
    }
    found.map(Target::Question)
}

fn show_if(
    spec: &Spec,
    i: usize,
    s: &Spanned<super::model::ShowIf>,
    names: &Names,
    report: &mut Report,
) -> Option<(usize, u64)> {
    let other = names.question(&s.value.question, report)?;
    if other == i {
        report.at(
            &s.value.question,
            "a question cannot depend on its own answer",
            None,
        );
        return None;
    }
    let target = &spec.questions.value[other].value;
    if target.kind == QuestionType::Scale {
        report.at(
            &s.value.question,
            format!(
                "`show_if` can only test a single or multiple question, and `{}` is a scale",
                target.id.value
            ),
            None,
        );
        return None;
    }
    if s.value.any_of.is_empty() {
        report.at(
            s,
            "`any_of` lists no options, so the question would never be shown",
            Some(format!("list option ids of `{}`", target.id.value)),
        );
    }
    let mut mask = 0u64;
    for id in &s.value.any_of {
        match target.options.iter().position(|o| o.value.id() == id.value) {
            Some(k) => mask |= 1 << k,
            None => {
                let ids: Vec<&str> = target.options.iter().map(|o| o.value.id()).collect();
                let hint = did_you_mean(&id.value, ids.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "the options of `{}` are: {}",
                        target.id.value,
                        ids.join(", ")
                    )
                });
                report.at(
                    id,
                    format!(
                        "unknown option `{}` of question `{}`",
                        id.value, target.id.value
                    ),
                    Some(hint),
                );
            }
        }
    }
    Some((other, mask))
}

/// The analysis keeps, per dimension, which of its conditions hold as a bit mask.
pub const MAX_CONDITIONS_PER_DIMENSION: usize = 62;

fn check_condition_count(outcomes: &[EOutcome], spec: &Spec, report: &mut Report) {
    let mut distinct: HashMap<usize, Vec<Condition>> = HashMap::new();
    for (d, c) in outcomes.iter().flat_map(|o| o.when.iter().flatten()) {
        let list = distinct.entry(*d).or_default();
        if !list.contains(c) {
            list.push(*c);
        }
    }
    for (d, list) in distinct {
        if list.len() > MAX_CONDITIONS_PER_DIMENSION {
            report.at(
                &spec.dimensions[d].value.id,
                format!("outcomes put {} different conditions on `{}`; at most {MAX_CONDITIONS_PER_DIMENSION} are supported", list.len(), spec.dimensions[d].value.id.value),
                Some("use bands or fewer thresholds".into()),
            );
        }
    }
}

fn check_chart(spec: &Spec, names: &Names, report: &mut Report) {
    let Some(chart) = &spec.chart else { return };
    let c = &chart.value;
    match c.kind {
        ChartType::Matrix => match (&c.x, &c.y) {
            (Some(x), Some(y)) => {
                let (dx, dy) = (names.dimension(x, report), names.dimension(y, report));
                if dx.is_some() && dx == dy {
                    report.at(y, "a matrix needs two different dimensions", None);
                }
            }
            _ => report.at(
                chart,
                "a matrix chart needs `x:` and `y:` dimensions",
                Some("e.g. `chart: { type: matrix, x: horizon, y: evidence }`".into()),
            ),
        },
        ChartType::Bars => {
            if let Some(axis) = c.x.as_ref().or(c.y.as_ref()) {
                report.at(
                    axis,
                    "a bars chart shows every dimension and takes no `x`/`y`",
                    None,
                );
            }
        }
    }
}

fn check_dimensions_used(spec: &Spec, report: &mut Report) {
    for d in &spec.dimensions {
        let id = &d.value.id.value;
        let used = spec.questions.value.iter().any(|q| {
            let q = &q.value;
            let scored = |s: &Scores| s.iter().any(|(k, v)| &k.value == id && v.value != 0);
            q.options.iter().any(|o| scored(&o.value.scores))
                || q.scores.as_ref().is_some_and(scored)
        });
        if !used {
            report.at(
                &d.value.id,
                format!("no question scores dimension `{id}`, so it is never assessed"),
                Some(format!(
                    "add `{id}` to some option's `scores`, or remove the dimension"
                )),
            );
        }
    }
}
