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
//! Points and ranges come from the engine, so the sheet gives the same
//! result as the browser and the build.

use serde_json::{Value, json};

use crate::assessment::Assessment;
use crate::assessment::scoring::Target;

/// The worksheet value for `a`, whose browser data is `data`.
pub fn build(a: &Assessment, data: &Value) -> Value {
    let e = &a.engine;
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let qs = list(&data["questions"]);
    let dims = list(&data["dimensions"]);
    let outcomes = list(&data["outcomes"]);
    let title_of = |oid: &str| {
        outcomes
            .iter()
            .find(|o| o["id"] == oid)
            .and_then(|o| o["title"].as_str())
            .unwrap_or(oid)
            .to_string()
    };
    let number_of = |qid: &str| qs.iter().position(|q| q["id"] == qid).map_or(0, |i| i + 1);
    let goto = |t: Option<Target>| -> Value {
        match t {
            None => Value::Null,
            Some(Target::Question(q)) => {
                format!("Go to question {}.", number_of(&e.questions[q].id)).into()
            }
            Some(Target::End) => "Stop here and work out your result.".into(),
            Some(Target::Outcome(o)) => format!(
                "Stop here: your result is “{}”.",
                title_of(&e.outcomes[o].id)
            )
            .into(),
        }
    };

    let questions: Vec<Value> = qs
        .iter()
        .zip(&e.questions)
        .enumerate()
        .map(|(i, (q, eq))| sheet_question(i, q, eq, a, &qs, &dims, &goto, &number_of))
        .collect();

    let dimensions = dimensions(&dims);

    let default = e.default_outcome();
    let label_of = |id: &str| {
        dims.iter()
            .find(|d| d["id"] == id)
            .and_then(|d| d["label"].as_str())
            .unwrap_or(id)
            .to_string()
    };
    let outcomes_out: Vec<Value> = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (kind, rule) = match o["when"].as_array() {
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
            json!({
                "id": o["id"], "title": o["title"], "summary_html": o["summary_html"],
                "url": o["url"], "kind": kind, "rule": rule,
            })
        })
        .collect();

    json!({"questions": questions, "dimensions": dimensions, "outcomes": outcomes_out})
}

/// One question of the worksheet: its rows of points, condition and ranges.
#[allow(clippy::too_many_arguments)]
fn sheet_question(
    i: usize,
    q: &Value,
    eq: &crate::assessment::scoring::EQuestion,
    a: &Assessment,
    qs: &[Value],
    dims: &[Value],
    goto: &dyn Fn(Option<Target>) -> Value,
    number_of: &dyn Fn(&str) -> usize,
) -> Value {
    let e = &a.engine;
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    // Only areas the question can move: a constant adds the same to
    // points, lowest and highest, which cancels out of the percent.
    let moved: Vec<usize> = (0..e.dimensions.len())
        .filter(|&d| eq.range[d].0 != eq.range[d].1)
        .collect();
    let rows: Vec<Value> = if let Some((min, max)) = eq.scale {
        let scale = &q["scale"];
        (min..=max)
            .map(|v| {
                let end = if v == min {
                    scale["min_label"].as_str()
                } else if v == max {
                    scale["max_label"].as_str()
                } else {
                    None
                };
                let label = end.map_or_else(|| v.to_string(), |l| format!("{v} ({l})"));
                let points: Vec<i64> = moved
                    .iter()
                    .map(|&d| (v - min) * eq.scale_scores[d])
                    .collect();
                json!({"label": label, "points": points, "goto": null})
            })
            .collect()
    } else {
        list(&q["options"])
                .iter()
                .zip(&eq.options)
                .map(|(o, eo)| {
                    let points: Vec<i64> = moved.iter().map(|&d| eo.scores[d]).collect();
                    json!({"label": o["label"], "points": points, "goto": goto(eo.next), "exclusive": eo.exclusive})
                })
                .collect()
    };
    let how = how(q, eq);
    let condition = eq.show_if.map(|(other, mask)| {
        let oq = &e.questions[other];
        let labels: Vec<String> = list(&qs[other]["options"])
            .iter()
            .enumerate()
            .filter(|(k, _)| mask & (1 << k) != 0)
            .map(|(_, o)| format!("“{}”", o["label"].as_str().unwrap_or_default()))
            .collect();
        format!(
            "Answer this only if you chose {} in question {}; otherwise skip it.",
            join_or(&labels),
            number_of(&oq.id)
        )
    });
    json!({
        "number": i + 1,
        "id": q["id"],
        "text": q["text"],
        "help_html": q["help_html"],
        "type": q["type"],
        "required": q["required"],
        "how": how,
        "condition": condition,
        "dims": moved.iter().map(|&d| json!({"id": dims[d]["id"], "label": dims[d]["label"]})).collect::<Vec<_>>(),
        "jumps": eq.options.iter().any(|o| o.next.is_some()),
        "columns": 1 + moved.len() + usize::from(eq.options.iter().any(|o| o.next.is_some())),
        "rows": rows,
        "lowest": moved.iter().map(|&d| eq.range[d].0).collect::<Vec<_>>(),
        "highest": moved.iter().map(|&d| eq.range[d].1).collect::<Vec<_>>(),
    })
}

/// How to answer a question, in words (an exclusive option is chosen alone).
fn how(q: &Value, eq: &crate::assessment::scoring::EQuestion) -> String {
    let options = q["options"].as_array().cloned().unwrap_or_default();
    let alone: Vec<String> = eq
        .options
        .iter()
        .zip(&options)
        .filter(|(eo, _)| eo.exclusive)
        .map(|(_, o)| format!("“{}”", o["label"].as_str().unwrap_or_default()))
        .collect();
    match q["type"].as_str() {
        Some("multiple") if !alone.is_empty() => format!(
            "Choose every answer that applies and add up their points, or choose {} on its own.",
            join_or(&alone)
        ),
        Some("multiple") => "Choose every answer that applies and add up their points.".to_string(),
        Some("scale") => "Choose one number.".to_string(),
        _ => "Choose one answer.".to_string(),
    }
}

/// The dimensions with each band's range in words.
fn dimensions(dims: &[Value]) -> Vec<Value> {
    dims.iter()
        .map(|d| {
            let mut from: Option<f64> = None;
            let bands: Vec<Value> = d["bands"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|b| {
                    let up_to = b["up_to"].as_f64().unwrap_or(100.0);
                    let range = match from {
                        None => format!("0 to {}%", number(up_to)),
                        Some(f) => format!("above {} up to {}%", number(f), number(up_to)),
                    };
                    from = Some(up_to);
                    json!({"range": range, "label": b["label"], "advice_html": b["advice_html"]})
                })
                .collect();
            json!({"id": d["id"], "label": d["label"], "low": d["low"], "high": d["high"], "bands": bands})
        })
        .collect()
}

/// "When Time to results is 50% or less and What you know is above 50%."
pub fn rule_text(conds: &[Value], label_of: &dyn Fn(&str) -> String) -> String {
    if conds.is_empty() {
        return "Always.".into();
    }
    let parts: Vec<String> = conds
        .iter()
        .map(|c| {
            let label = label_of(c["dimension"].as_str().unwrap_or_default());
            let v = number(c["value"].as_f64().unwrap_or_default());
            let test = match c["op"].as_str().unwrap_or_default() {
                "<" => format!("below {v}%"),
                "<=" => format!("{v}% or less"),
                ">" => format!("above {v}%"),
                ">=" => format!("{v}% or more"),
                _ => format!(
                    "between {}% and {}%",
                    number(c["min"].as_f64().unwrap_or_default()),
                    number(c["max"].as_f64().unwrap_or_default())
                ),
            };
            format!("{label} is {test}")
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
        let conds = vec![
            json!({"dimension": "h", "op": "<=", "value": 50.0}),
            json!({"dimension": "e", "op": "..", "min": 25.0, "max": 75.5}),
        ];
        let label = |id: &str| if id == "h" { "Horizon" } else { "Evidence" }.to_string();
        assert_eq!(
            rule_text(&conds, &label),
            "When Horizon is 50% or less and Evidence is between 25% and 75.5%."
        );
        assert_eq!(join_or(&["a".into(), "b".into(), "c".into()]), "a, b or c");
    }
}
