//! `examples:` as golden tests, run every time an assessment is loaded.
//!
//! An example is an answer set the author has thought through, with the
//! outcome (and optionally the bands) it must give. Running them at load
//! time means a change of scores or thresholds that silently moves a result
//! fails the build, at the example's own line, with expected vs actual.

use super::Report;
use super::model::{AnswerValue, Example, QuestionType, Spec};
use super::scoring::{Answer, Answers, Engine, Evaluation};
use crate::diagnostics::did_you_mean;
use crate::yaml::Spanned;

/// What examples write for a dimension no answered question could move.
pub const NOT_ASSESSED: &str = "not assessed";

/// Checks and runs every example, reporting each failure.
pub fn run(spec: &Spec, engine: &Engine, report: &mut Report) {
    for example in &spec.examples {
        let Some(answers) = answers(engine, &example.value, report) else {
            continue;
        };
        check(engine, example, &answers, report);
    }
}

/// Turns an example's answers into engine answers, reporting unknown
/// questions and options and answers of the wrong kind.
fn answers(engine: &Engine, example: &Example, report: &mut Report) -> Option<Answers> {
    let mut out = Answers::new();
    let mut ok = true;
    for (qid, value) in example.answers.iter() {
        let Some(q) = find_or_report(
            engine.questions.iter().map(|q| q.id.as_str()),
            qid,
            || format!("example answers unknown question `{}`", qid.value),
            || "answers are keyed by question id".into(),
            report,
        ) else {
            ok = false;
            continue;
        };
        match answer(engine, q, &value.value) {
            Ok(a) => {
                out.insert(qid.value.clone(), a);
            }
            Err((msg, hint)) => {
                report.at(value, msg, Some(hint));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Where `key` is among `ids`; otherwise reports `message()` at the key,
/// with the closest id as the hint (`fallback` when none is close).
fn find_or_report<'a>(
    ids: impl Iterator<Item = &'a str> + Clone,
    key: &Spanned<String>,
    message: impl FnOnce() -> String,
    fallback: impl FnOnce() -> String,
    report: &mut Report,
) -> Option<usize> {
    if let Some(i) = ids.clone().position(|id| id == key.value) {
        return Some(i);
    }
    let hint = did_you_mean(&key.value, ids).unwrap_or_else(fallback);
    report.at(key, message(), Some(hint));
    None
}

fn answer(engine: &Engine, q: usize, value: &AnswerValue) -> Result<Answer, (String, String)> {
    let q = &engine.questions[q];
    let ids: Vec<&str> = q.options.iter().map(|o| o.id.as_str()).collect();
    let option = |id: &str| -> Result<String, (String, String)> {
        if ids.contains(&id) {
            return Ok(id.to_owned());
        }
        let hint = did_you_mean(id, ids.iter().copied())
            .unwrap_or_else(|| format!("the options of `{}` are: {}", q.id, ids.join(", ")));
        Err((
            format!("`{id}` is not an option of question `{}`", q.id),
            hint,
        ))
    };
    // An unquoted yes/no is a YAML boolean; match it to an option so named.
    let boolean = |b: bool| -> Result<String, (String, String)> {
        let names: &[&str] = if b {
            &["yes", "true", "on", "y"]
        } else {
            &["no", "false", "off", "n"]
        };
        let found: Vec<&&str> = ids.iter().filter(|id| names.contains(id)).collect();
        match found.as_slice() {
            [one] => Ok((**one).to_owned()),
            _ => Err((
                format!("`{b}` is not an option of question `{}`", q.id),
                "quote the option id, e.g. \"yes\"".into(),
            )),
        }
    };
    match (q.kind, value) {
        (QuestionType::Single, AnswerValue::Text(s)) => option(s).map(Answer::Single),
        (QuestionType::Single, AnswerValue::Bool(b)) => boolean(*b).map(Answer::Single),
        (QuestionType::Single, AnswerValue::Number(n)) => {
            option(&n.to_string()).map(Answer::Single)
        }
        (QuestionType::Multiple, AnswerValue::List(list)) => {
            let ids: Result<Vec<String>, _> = list.iter().map(|s| option(s)).collect();
            match ids {
                Ok(ids) if ids.is_empty() => Err((
                    format!("an empty list does not answer `{}`", q.id),
                    "leave the question out to skip it".into(),
                )),
                Ok(ids) if mixed(q, &ids).is_some() => Err(mixed(q, &ids).unwrap_or_default()),
                other => other.map(Answer::Multiple),
            }
        }
        (QuestionType::Multiple, AnswerValue::Text(s)) => {
            option(s).map(|s| Answer::Multiple(vec![s]))
        }
        (QuestionType::Multiple, AnswerValue::Bool(b)) => {
            boolean(*b).map(|s| Answer::Multiple(vec![s]))
        }
        (QuestionType::Scale, AnswerValue::Number(n)) => {
            let (min, max) = q.scale.unwrap_or((0, 0));
            if (min..=max).contains(n) {
                Ok(Answer::Scale(*n))
            } else {
                Err((
                    format!("{n} is outside the scale of `{}` ({min} to {max})", q.id),
                    format!("use a whole number from {min} to {max}"),
                ))
            }
        }
        (kind, _) => Err((
            format!(
                "this does not answer the {} question `{}`",
                kind.as_str(),
                q.id
            ),
            match kind {
                QuestionType::Single => "a single question takes one option id".into(),
                QuestionType::Multiple => {
                    "a multiple question takes a list of option ids, e.g. [a, b]".into()
                }
                QuestionType::Scale => "a scale question takes a whole number".into(),
            },
        )),
    }
}

/// The message and hint when `ids` ticks an exclusive option with others.
fn mixed(q: &super::scoring::EQuestion, ids: &[String]) -> Option<(String, String)> {
    let alone = q
        .options
        .iter()
        .find(|o| o.exclusive && ids.contains(&o.id))?;
    (ids.len() > 1).then(|| {
        (
            format!(
                "`{}` is exclusive: it cannot be chosen with other answers of `{}`",
                alone.id, q.id
            ),
            format!("answer `[{}]` alone, or leave it out", alone.id),
        )
    })
}

/// Runs one example and reports how it fails, if it does.
fn check(engine: &Engine, example: &Spanned<Example>, answers: &Answers, report: &mut Report) {
    let ex = &example.value;
    let result = engine.evaluate(answers);
    let mut problems = Vec::new();
    // Each step returns `None` once it reported a mistake in the example
    // itself: then comparing results would only add noise.
    let checked = answers_on_path(engine, ex, &result, report)
        .and_then(|()| outcome(engine, ex, &result, &mut problems, report))
        .and_then(|()| bands(engine, ex, &result, &mut problems, report));
    if checked.is_some() && !problems.is_empty() {
        report.at(
            example,
            format!("example fails: {}", problems.join("; ")),
            Some(format!("with these answers: {}", describe(engine, &result))),
        );
    }
}

/// Every answered question is asked on the example's path; every required
/// question on the path is answered (a problem, not a mistake).
fn answers_on_path(
    engine: &Engine,
    ex: &Example,
    result: &Evaluation,
    report: &mut Report,
) -> Option<()> {
    let on_path = |id: &str| {
        result
            .path
            .iter()
            .any(|(q, _)| engine.questions[*q].id == id)
    };
    for (qid, _) in ex.answers.iter() {
        if !on_path(&qid.value) {
            report.at(
                qid,
                format!("this example answers `{}`, but with its other answers that question is never shown", qid.value),
                Some("remove the answer, or fix the flow (`show_if`, `next`)".into()),
            );
            return None;
        }
    }
    Some(())
}

/// The expected outcome exists and is the one reached; required questions
/// left unanswered are problems too.
fn outcome(
    engine: &Engine,
    ex: &Example,
    result: &Evaluation,
    problems: &mut Vec<String>,
    report: &mut Report,
) -> Option<()> {
    for (q, choice) in &result.path {
        let question = &engine.questions[*q];
        if question.required && choice.is_none() {
            problems.push(format!(
                "leaves the required question `{}` unanswered",
                question.id
            ));
        }
    }
    let expected = &ex.outcome.value;
    find_or_report(
        engine.outcomes.iter().map(|o| o.id.as_str()),
        &ex.outcome,
        || format!("example expects unknown outcome `{expected}`"),
        || "`outcome` takes an outcome id".into(),
        report,
    )?;
    let actual = result
        .outcome
        .map_or("no outcome", |o| engine.outcomes[o].id.as_str());
    if actual != expected {
        problems.push(format!("expected outcome `{expected}`, got `{actual}`"));
    }
    Some(())
}

/// Each expected band names a real dimension and band, and is reached.
fn bands(
    engine: &Engine,
    ex: &Example,
    result: &Evaluation,
    problems: &mut Vec<String>,
    report: &mut Report,
) -> Option<()> {
    for (dim, label) in ex.bands.iter().flat_map(|b| b.iter()) {
        let d = find_or_report(
            engine.dimensions.iter().map(|d| d.id.as_str()),
            dim,
            || format!("example names unknown dimension `{}`", dim.value),
            || "`bands` are keyed by dimension id".into(),
            report,
        )?;
        let labels: Vec<&str> = engine.dimensions[d]
            .bands
            .iter()
            .map(|b| b.1.as_str())
            .collect();
        if label.value != NOT_ASSESSED {
            find_or_report(
                labels.iter().copied(),
                label,
                || format!("`{}` is not a band of `{}`", label.value, dim.value),
                || {
                    let all = labels.join(", ");
                    format!(
                        "the bands of `{}` are: {all}, or `{NOT_ASSESSED}`",
                        dim.value
                    )
                },
                report,
            )?;
        }
        let got = band_name(engine, result, d);
        if got != label.value {
            problems.push(format!(
                "expected band `{}` for `{}`, got `{got}`",
                label.value, dim.value
            ));
        }
    }
    Some(())
}

fn band_name<'a>(engine: &'a Engine, result: &Evaluation, d: usize) -> &'a str {
    let r = &result.dimensions[d];
    match (r.percent, r.band) {
        (None, _) => NOT_ASSESSED,
        (Some(_), Some(b)) => &engine.dimensions[d].bands[b].1,
        (Some(_), None) => "no band",
    }
}

/// "horizon 25% (Short horizon), evidence not assessed".
pub fn describe(engine: &Engine, result: &Evaluation) -> String {
    let parts: Vec<String> = engine
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| match result.dimensions[d].percent {
            None => format!("{} {NOT_ASSESSED}", dim.id),
            Some(p) => {
                let band = result.dimensions[d]
                    .band
                    .map(|b| format!(" ({})", dim.bands[b].1))
                    .unwrap_or_default();
                format!("{} {}%{band}", dim.id, format_percent(p))
            }
        })
        .collect();
    if parts.is_empty() {
        "no dimensions".into()
    } else {
        parts.join(", ")
    }
}

/// A percent with at most one decimal: 25, 33.3.
pub fn format_percent(p: f64) -> String {
    let s = format!("{p:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}
