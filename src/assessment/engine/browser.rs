//! The JSON embedded in an assessment page for the assessment scripts.
//!
//! The shape is documented in `docs/assessment-json.md`. It carries what
//! the browser engine needs to reproduce [`scoring`](super::scoring)
//! exactly (ids, scores, jumps, conditions, bands) plus the texts and the
//! rendered Markdown for the UI, and a short `hash` of the questions so a
//! share link made for an older version of the questions is detected.

use crate::digest::sha256;
use serde_json::{Value, json};

use super::Assessment;
use super::scoring::{Engine, Target};

impl Assessment {
    /// The page data. `render_markdown` turns a Markdown field into HTML
    /// (it must escape raw HTML: an assessment is data); `resolve_link`
    /// turns a `link:` (`@/x.md` or a URL) into the URL to print.
    pub fn browser_data(
        &self,
        render_markdown: &dyn Fn(&str) -> String,
        resolve_link: &dyn Fn(&str) -> String,
    ) -> Value {
        let spec = &self.spec;
        let engine = &self.engine;
        let md = |t: &Option<crate::yaml::Spanned<String>>| {
            t.as_ref().map(|t| render_markdown(&t.value))
        };
        let remaining = super::analysis::longest_routes(engine);
        let questions: Vec<Value> = spec
            .questions
            .value
            .iter()
            .zip(&engine.questions)
            .zip(&remaining)
            .map(|((q, eq), remaining)| question_json(engine, &q.value, eq, *remaining, &md))
            .collect();
        json!({
            "id": self.id,
            "title": spec.title.value,
            "description": spec.description,
            "intro_html": md(&spec.intro),
            "layout": spec.layout.as_str(),
            "check_answers": spec.check_answers,
            "hash": questions_hash(engine),
            "branches": super::analysis::branches(engine),
            "dimensions": dimensions_json(spec, &md),
            "questions": questions,
            "outcomes": outcomes_json(spec, engine, &md, resolve_link),
            "chart": spec.chart.as_ref().map(|c| chart_json(&c.value)),
        })
    }
}

/// A Markdown field rendered to HTML, or none.
type Md<'a> = dyn Fn(&Option<crate::yaml::Spanned<String>>) -> Option<String> + 'a;

/// The dimensions with their bands.
fn dimensions_json(spec: &super::model::Spec, md: &Md) -> Vec<Value> {
    spec.dimensions
        .iter()
        .map(|d| {
            let d = &d.value;
            let bands: Vec<Value> = d
                .bands
                .iter()
                .map(|b| json!({"up_to": b.value.up_to.value, "label": b.value.label, "advice_html": md(&b.value.advice)}))
                .collect();
            json!({"id": d.id.value, "label": d.label, "low": d.low, "high": d.high, "bands": bands})
        })
        .collect()
}

/// The outcomes with their conditions, links and calls to action.
fn outcomes_json(
    spec: &super::model::Spec,
    engine: &Engine,
    md: &Md,
    resolve_link: &dyn Fn(&str) -> String,
) -> Vec<Value> {
    spec.outcomes
        .value
        .iter()
        .zip(&engine.outcomes)
        .map(|(o, eo)| {
            let when = eo.when.as_ref().map(|w| {
                w.iter()
                    .map(|(d, c)| {
                        let mut v = c.to_json();
                        v["dimension"] = json!(engine.dimensions[*d].id);
                        v
                    })
                    .collect::<Vec<_>>()
            });
            json!({
                "id": eo.id,
                "title": o.value.title,
                "summary_html": md(&o.value.summary),
                "url": o.value.link.as_ref().map(|l| resolve_link(&l.value)),
                "when": when,
                "cta": o.value.cta.as_ref().map(|c| json!({
                    "title": c.title,
                    "text": c.text,
                    "label": c.label,
                    "url": c.url.as_ref().map(|u| resolve_link(&u.value)),
                })),
            })
        })
        .collect()
}

/// The result chart: a matrix of two dimensions, or bars.
fn chart_json(c: &super::model::Chart) -> Value {
    match c.kind {
        super::model::ChartType::Matrix => json!({
            "type": "matrix",
            "x": c.x.as_ref().map(|x| &x.value),
            "y": c.y.as_ref().map(|y| &y.value),
        }),
        super::model::ChartType::Bars => json!({"type": "bars"}),
    }
}

/// One question as the page data carries it.
fn question_json(
    engine: &Engine,
    q: &super::model::Question,
    eq: &super::scoring::EQuestion,
    remaining: usize,
    md: &Md,
) -> Value {
    let options: Vec<Value> = q
        .options
        .iter()
        .zip(&eq.options)
        .map(|(o, eo)| {
            json!({
                "id": eo.id,
                "label": o.value.label.value,
                "scores": scores(engine, &eo.scores),
                "next": eo.next.map(|t| next(engine, t)),
                "exclusive": eo.exclusive,
            })
        })
        .collect();
    json!({
        "id": eq.id,
        "text": q.text,
        "help_html": md(&q.help),
        "type": eq.kind.as_str(),
        "required": eq.required,
        "options": options,
        "scale": q.scale.as_ref().filter(|_| eq.scale.is_some()).map(|s| json!({
            "min": s.value.min, "max": s.value.max,
            "min_label": s.value.min_label, "max_label": s.value.max_label,
        })),
        "scores": eq.scale.map(|_| scores(engine, &eq.scale_scores)),
        "show_if": eq.show_if.map(|(other, mask)| show_if(engine, other, mask)),
        "remaining": remaining,
        "error": q.error.clone().unwrap_or_else(|| default_error(q, eq)),
    })
}

/// The error message for a missing answer when the author wrote none,
/// in the GOV.UK way: say what to do, naming the question.
pub fn default_error(q: &super::model::Question, eq: &super::scoring::EQuestion) -> String {
    use super::model::QuestionType;
    let text = q.text.trim().trim_end_matches(['?', '.', ':']);
    match eq.kind {
        QuestionType::Single => format!("Select an answer to “{text}”"),
        QuestionType::Multiple => {
            let alone: Vec<&str> = q
                .options
                .iter()
                .zip(&eq.options)
                .filter(|(_, eo)| eo.exclusive)
                .map(|(o, _)| o.value.label.value.as_str())
                .collect();
            match alone.first() {
                Some(label) => format!("Select at least one answer to “{text}”, or “{label}”"),
                None => format!("Select at least one answer to “{text}”"),
            }
        }
        QuestionType::Scale => {
            let (min, max) = eq.scale.unwrap_or((0, 0));
            format!("Select a number from {min} to {max} for “{text}”")
        }
    }
}

/// Non-zero scores by dimension id (a JSON object).
fn scores(engine: &Engine, dense: &[i64]) -> Value {
    let map: serde_json::Map<String, Value> = dense
        .iter()
        .zip(&engine.dimensions)
        .filter(|(s, _)| **s != 0)
        .map(|(s, d)| (d.id.clone(), json!(s)))
        .collect();
    Value::Object(map)
}

/// `next` as written: a question id, `end`, or `outcome:ID`.
fn next(engine: &Engine, t: Target) -> String {
    match t {
        Target::Question(q) => engine.questions[q].id.clone(),
        Target::End => "end".into(),
        Target::Outcome(o) => format!("outcome:{}", engine.outcomes[o].id),
    }
}

fn show_if(engine: &Engine, other: usize, mask: u64) -> Value {
    let q = &engine.questions[other];
    let any_of: Vec<&str> = (0..q.options.len())
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| q.options[i].id.as_str())
        .collect();
    json!({"question": q.id, "any_of": any_of})
}

/// First 8 hex digits of the SHA-256 of everything that decides which
/// questions are asked and what an answer means: question ids, types,
/// required, options (ids, scores, next, exclusive), scales and show_if. Texts are
/// left out so fixing a typo does not invalidate share links.
pub fn questions_hash(engine: &Engine) -> String {
    let canonical: Vec<Value> = engine
        .questions
        .iter()
        .map(|q| {
            json!([
                q.id,
                q.kind.as_str(),
                q.required,
                q.options
                    .iter()
                    .map(|o| {
                        let mut v = json!([
                            o.id,
                            scores(engine, &o.scores),
                            o.next.map(|t| next(engine, t))
                        ]);
                        // Only when set, so older links stay valid.
                        if o.exclusive
                            && let Some(a) = v.as_array_mut()
                        {
                            a.push(json!("exclusive"));
                        }
                        v
                    })
                    .collect::<Vec<_>>(),
                q.scale,
                scores(engine, &q.scale_scores),
                q.show_if.map(|(o, m)| show_if(engine, o, m)),
            ])
        })
        .collect();
    let digest = sha256(Value::Array(canonical).to_string().as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Serialises page data for a `<script type="application/json">` element:
/// `<`, `>`, `&` and the JS line separators are escaped as `\uXXXX`, so a
/// `</script>` or `<!--` inside any text stays inert.
pub fn json_for_script(value: &impl serde::Serialize) -> String {
    let raw = serde_json::to_string(value).expect("values made here serialise");
    let bytes = raw.as_bytes();
    // The escape for the character at `i`, and its length in bytes. The
    // separators are U+2028 and U+2029, E2 80 A8/A9 in UTF-8.
    let escape = |i: usize| match bytes[i] {
        b'<' => Some(("\\u003c", 1)),
        b'>' => Some(("\\u003e", 1)),
        b'&' => Some(("\\u0026", 1)),
        0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
            Some(0xA8) => Some(("\\u2028", 3)),
            Some(0xA9) => Some(("\\u2029", 3)),
            _ => None,
        },
        _ => None,
    };
    // Most JSON-LD has none of these: it is returned as serialised. The
    // rest is copied in runs between escapes (a page's JSON-LD is made on
    // every page of a build; a character at a time took 4% of it).
    let Some(first) = (0..bytes.len()).find(|&i| escape(i).is_some()) else {
        return raw;
    };
    let mut out = String::with_capacity(raw.len() + 32);
    let (mut run, mut i) = (0, first);
    while i < bytes.len() {
        match escape(i) {
            Some((esc, len)) => {
                out.push_str(&raw[run..i]);
                out.push_str(esc);
                i += len;
                run = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&raw[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({"t": "a</script><!-- & \u{2028}\u{2029} — b", "plain": "— ok"});
        let s = json_for_script(&v);
        assert!(
            !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) && s.contains("— b"),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
