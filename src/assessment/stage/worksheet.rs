//! The self-scoring worksheet: everything a visitor without JavaScript
//! needs to score an assessment on paper. `assessment.html` prints it as
//! `assessment.worksheet`:
//!
//! ```text
//! { questions: [{ number, id, text, help_html, type, required,
//!                 how,            // "Choose one answer." ...
//!                 condition,      // "Answer this only if ..." or none
//!                 dims: [{id, label}],        // the areas it can move
//!                 rows: [{label, points: [n per dim], goto, exclusive}],
//!                                 // exclusive rows follow an "or" divider
//!                 jumps,          // some row has a `goto`
//!                 columns,        // how many columns the table has
//!                 lowest: [n per dim], highest: [n per dim] }],
//!   dimensions: [{id, label, low, high, bands: [{range, label, advice_html}]}],
//!   outcomes: [{id, title, summary_html, url, kind, rule}] }
//!                 // kind: "when" | "default" | "jump"
//! ```
//!
//! Built from the typed assessment (the author's texts from the spec,
//! points, ranges, jumps and conditions from the engine), so the sheet gives
//! the same result as the browser and the build.

use serde::Serialize;

use crate::assessment::Assessment;
use crate::assessment::model::{Condition, Question, QuestionType};
use crate::assessment::scoring::{EQuestion, Target};
use crate::yaml::Spanned;

/// Turns an assessment's Markdown field into HTML (escaping raw HTML).
pub type RenderMarkdown<'a> = dyn Fn(&str) -> String + 'a;

/// The worksheet of one assessment.
#[derive(Debug, Serialize)]
pub struct Worksheet {
    questions: Vec<SheetQuestion>,
    dimensions: Vec<SheetDimension>,
    outcomes: Vec<SheetOutcome>,
}

#[derive(Debug, Serialize)]
struct SheetQuestion {
    number: usize,
    id: String,
    text: String,
    help_html: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    required: bool,
    how: String,
    condition: Option<String>,
    dims: Vec<DimensionRef>,
    jumps: bool,
    columns: usize,
    rows: Vec<Row>,
    lowest: Vec<i64>,
    highest: Vec<i64>,
}

#[derive(Debug, Serialize)]
struct DimensionRef {
    id: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct Row {
    label: String,
    points: Vec<i64>,
    goto: Option<String>,
    exclusive: bool,
}

#[derive(Debug, Serialize)]
struct SheetDimension {
    id: String,
    label: String,
    low: Option<String>,
    high: Option<String>,
    bands: Vec<SheetBand>,
}

#[derive(Debug, Serialize)]
struct SheetBand {
    range: String,
    label: String,
    advice_html: Option<String>,
}

#[derive(Debug, Serialize)]
struct SheetOutcome {
    id: String,
    title: String,
    summary_html: Option<String>,
    url: Option<String>,
    kind: &'static str,
    rule: String,
}

/// The worksheet of `a`, read from the typed assessment: `render` turns its
/// Markdown fields into HTML, `link` an outcome's `link:` into a URL (both
/// as for the browser data, so the two agree).
pub fn build(a: &Assessment, render: &RenderMarkdown, link: &dyn Fn(&str) -> String) -> Worksheet {
    let md = |t: &Option<Spanned<String>>| t.as_ref().map(|t| render(&t.value));
    let questions = a
        .spec
        .questions
        .value
        .iter()
        .zip(&a.engine.questions)
        .enumerate()
        .map(|(i, (q, eq))| sheet_question(a, i, &q.value, eq, &md))
        .collect();
    Worksheet {
        questions,
        dimensions: dimensions(a, &md),
        outcomes: outcomes(a, &md, link),
    }
}

/// One question of the worksheet: its rows of points, condition and ranges.
fn sheet_question(
    a: &Assessment,
    i: usize,
    q: &Question,
    eq: &EQuestion,
    md: &dyn Fn(&Option<Spanned<String>>) -> Option<String>,
) -> SheetQuestion {
    // Only areas the question can move: a constant adds the same to
    // points, lowest and highest, which cancels out of the percent.
    let moved: Vec<usize> = (0..a.engine.dimensions.len())
        .filter(|&d| eq.range[d].0 != eq.range[d].1)
        .collect();
    let jumps = eq.options.iter().any(|o| o.next.is_some());
    let dims = moved
        .iter()
        .map(|&d| DimensionRef {
            id: a.engine.dimensions[d].id.clone(),
            label: a.spec.dimensions[d].value.label.clone(),
        })
        .collect();
    SheetQuestion {
        number: i + 1,
        id: eq.id.clone(),
        text: q.text.clone(),
        help_html: md(&q.help),
        kind: eq.kind.as_str(),
        required: eq.required,
        how: how(q, eq),
        condition: condition(a, eq),
        dims,
        jumps,
        columns: 1 + moved.len() + usize::from(jumps),
        rows: rows(a, q, eq, &moved),
        lowest: moved.iter().map(|&d| eq.range[d].0).collect(),
        highest: moved.iter().map(|&d| eq.range[d].1).collect(),
    }
}

/// A question's rows: one per scale value, or one per option with its jump.
fn rows(a: &Assessment, q: &Question, eq: &EQuestion, moved: &[usize]) -> Vec<Row> {
    if let Some((min, max)) = eq.scale {
        let scale = q.scale.as_ref().map(|s| &s.value);
        return (min..=max)
            .map(|v| {
                let end = match scale {
                    Some(s) if v == min => s.min_label.as_deref(),
                    Some(s) if v == max => s.max_label.as_deref(),
                    _ => None,
                };
                Row {
                    label: end.map_or_else(|| v.to_string(), |l| format!("{v} ({l})")),
                    points: moved
                        .iter()
                        .map(|&d| (v - min) * eq.scale_scores[d])
                        .collect(),
                    goto: None,
                    exclusive: false,
                }
            })
            .collect();
    }
    q.options
        .iter()
        .zip(&eq.options)
        .map(|(o, eo)| Row {
            label: o.value.label.value.clone(),
            points: moved.iter().map(|&d| eo.scores[d]).collect(),
            goto: eo.next.map(|t| goto(a, t)),
            exclusive: eo.exclusive,
        })
        .collect()
}

/// Where an option's jump sends the reader, in words.
fn goto(a: &Assessment, t: Target) -> String {
    match t {
        Target::Question(q) => format!("Go to question {}.", q + 1),
        Target::End => "Stop here and work out your result.".into(),
        Target::Outcome(o) => format!(
            "Stop here: your result is “{}”.",
            a.spec.outcomes.value[o].value.title
        ),
    }
}

/// "Answer this only if you chose “A” in question 2; otherwise skip it."
fn condition(a: &Assessment, eq: &EQuestion) -> Option<String> {
    let (other, mask) = eq.show_if?;
    let labels: Vec<String> = a.spec.questions.value[other]
        .value
        .options
        .iter()
        .enumerate()
        .filter(|(k, _)| mask & (1 << k) != 0)
        .map(|(_, o)| format!("“{}”", o.value.label.value))
        .collect();
    Some(format!(
        "Answer this only if you chose {} in question {}; otherwise skip it.",
        join_or(&labels),
        other + 1
    ))
}

/// How to answer a question, in words (an exclusive option is chosen alone).
fn how(q: &Question, eq: &EQuestion) -> String {
    let alone: Vec<String> = eq
        .options
        .iter()
        .zip(&q.options)
        .filter(|(eo, _)| eo.exclusive)
        .map(|(_, o)| format!("“{}”", o.value.label.value))
        .collect();
    match eq.kind {
        QuestionType::Multiple if !alone.is_empty() => format!(
            "Choose every answer that applies and add up their points, or choose {} on its own.",
            join_or(&alone)
        ),
        QuestionType::Multiple => {
            "Choose every answer that applies and add up their points.".to_string()
        }
        QuestionType::Scale => "Choose one number.".to_string(),
        QuestionType::Single => "Choose one answer.".to_string(),
    }
}

/// The dimensions with each band's range in words.
fn dimensions(
    a: &Assessment,
    md: &dyn Fn(&Option<Spanned<String>>) -> Option<String>,
) -> Vec<SheetDimension> {
    a.spec
        .dimensions
        .iter()
        .map(|d| {
            let d = &d.value;
            let mut from: Option<f64> = None;
            let bands = d
                .bands
                .iter()
                .map(|b| {
                    let up_to = b.value.up_to.value;
                    let range = match from {
                        None => format!("0 to {}%", number(up_to)),
                        Some(f) => format!("above {} up to {}%", number(f), number(up_to)),
                    };
                    from = Some(up_to);
                    SheetBand {
                        range,
                        label: b.value.label.clone(),
                        advice_html: md(&b.value.advice),
                    }
                })
                .collect();
            SheetDimension {
                id: d.id.value.clone(),
                label: d.label.clone(),
                low: d.low.clone(),
                high: d.high.clone(),
                bands,
            }
        })
        .collect()
}

/// The outcomes with the rule that gives each, in words.
fn outcomes(
    a: &Assessment,
    md: &dyn Fn(&Option<Spanned<String>>) -> Option<String>,
    link: &dyn Fn(&str) -> String,
) -> Vec<SheetOutcome> {
    let e = &a.engine;
    let default = e.default_outcome();
    let label_of = |d: usize| a.spec.dimensions[d].value.label.as_str();
    a.spec
        .outcomes
        .value
        .iter()
        .zip(&e.outcomes)
        .enumerate()
        .map(|(i, (o, eo))| {
            let (kind, rule) = match &eo.when {
                Some(conds) => ("when", rule_text(conds, &label_of)),
                None if default == Some(i) => (
                    "default",
                    "When none of the rules above is met.".to_string(),
                ),
                None => (
                    "jump",
                    "Only when a “Stop here” instruction names it.".to_string(),
                ),
            };
            SheetOutcome {
                id: eo.id.clone(),
                title: o.value.title.clone(),
                summary_html: md(&o.value.summary),
                url: o.value.link.as_ref().map(|l| link(&l.value)),
                kind,
                rule,
            }
        })
        .collect()
}

/// "When Time to results is 50% or less and What you know is above 50%."
pub fn rule_text<'a>(conds: &[(usize, Condition)], label_of: &dyn Fn(usize) -> &'a str) -> String {
    if conds.is_empty() {
        return "Always.".into();
    }
    let parts: Vec<String> = conds
        .iter()
        .map(|(d, c)| {
            let test = match *c {
                Condition::Lt(v) => format!("below {}%", number(v)),
                Condition::Le(v) => format!("{}% or less", number(v)),
                Condition::Gt(v) => format!("above {}%", number(v)),
                Condition::Ge(v) => format!("{}% or more", number(v)),
                Condition::Range(min, max) => {
                    format!("between {}% and {}%", number(min), number(max))
                }
            };
            format!("{} is {test}", label_of(*d))
        })
        .collect();
    format!("When {}.", parts.join(" and "))
}

/// `50` for 50.0, `33.5` for 33.5.
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// "A", "A or B", "A, B or C".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_as_words() {
        let conds = vec![(0, Condition::Le(50.0)), (1, Condition::Range(25.0, 75.5))];
        let label = |d: usize| ["Horizon", "Evidence"][d];
        assert_eq!(
            rule_text(&conds, &label),
            "When Horizon is 50% or less and Evidence is between 25% and 75.5%."
        );
        assert_eq!(join_or(&["a".into(), "b".into(), "c".into()]), "a, b or c");
    }
}
