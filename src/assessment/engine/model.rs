//! What an author writes in `content/assessments/ID.yaml`, as serde structs.
//!
//! These types mirror the YAML one to one (see `docs/assessments.md` in the
//! shared specs) and keep the position of every id, reference and list item
//! with [`Spanned`], so that later checks can point at the author's own line.
//! Nothing here is validated beyond the YAML shape: `resolve` turns a
//! [`Spec`] into the index-based [`Engine`](super::scoring::Engine) and
//! reports every semantic mistake at once.

use serde::Deserialize;

use crate::yaml::{Spanned, SpannedMap};

/// A whole assessment file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Page title; required because every page and list needs one.
    pub title: Spanned<String>,
    /// One line for lists and the meta description.
    #[serde(default)]
    pub description: Option<String>,
    /// Markdown shown before the first question.
    #[serde(default)]
    pub intro: Option<Spanned<String>>,
    /// One question per page, or the whole form at once.
    #[serde(default)]
    pub layout: Layout,
    /// Whether a review step comes before the result.
    #[serde(default = "yes")]
    pub check_answers: bool,
    /// What answers score on; empty for a pure decision tree.
    #[serde(default)]
    pub dimensions: Vec<Spanned<Dimension>>,
    /// The questions in file order (the default flow).
    pub questions: Spanned<Vec<Spanned<Question>>>,
    /// Results, first matching wins; one without `when` is the default.
    pub outcomes: Spanned<Vec<Spanned<Outcome>>>,
    /// The result chart.
    #[serde(default)]
    pub chart: Option<Spanned<Chart>>,
    /// Golden tests, run whenever the assessment is loaded.
    #[serde(default)]
    pub examples: Vec<Spanned<Example>>,
}

fn yes() -> bool {
    true
}

/// How the questions are laid out in the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// One question per step, with Continue and Back.
    #[default]
    OnePerPage,
    /// Every question in one long form.
    AllOnOnePage,
}

impl Layout {
    /// The name as written in YAML and in the page JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::OnePerPage => "one-per-page",
            Layout::AllOnOnePage => "all-on-one-page",
        }
    }
}

/// A scale the answers are measured on, shown as a percent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Referenced by `scores`, `when`, `chart` and example `bands`.
    pub id: Spanned<String>,
    /// Shown in the result.
    pub label: String,
    /// Label of the 0% end.
    #[serde(default)]
    pub low: Option<String>,
    /// Label of the 100% end.
    #[serde(default)]
    pub high: Option<String>,
    /// Optional named ranges of the percent, each with advice.
    #[serde(default)]
    pub bands: Vec<Spanned<Band>>,
}

/// A range of a dimension's percent: from the previous band's `up_to`
/// (exclusive; 0 inclusive for the first) to this `up_to` (inclusive).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Upper bound in percent, inclusive.
    pub up_to: Spanned<f64>,
    /// Name of the band ("Short horizon").
    pub label: String,
    /// Markdown advice for visitors in this band.
    #[serde(default)]
    pub advice: Option<Spanned<String>>,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionType {
    /// Exactly one option (radio buttons).
    #[default]
    Single,
    /// Any number of options (checkboxes).
    Multiple,
    /// A whole number between `scale.min` and `scale.max`.
    Scale,
}

impl QuestionType {
    /// The name as written in YAML and in the page JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::Single => "single",
            QuestionType::Multiple => "multiple",
            QuestionType::Scale => "scale",
        }
    }
}

/// Scores as written: dimension id -> points, keys keep their position.
pub type Scores = SpannedMap<Spanned<i64>>;

/// One question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique, `[a-z0-9-]+`; the target of `next` and `show_if`.
    pub id: Spanned<String>,
    /// The question itself (plain text, escaped).
    pub text: String,
    /// Markdown help shown under the question.
    #[serde(default)]
    pub help: Option<Spanned<String>>,
    /// single | multiple | scale (default single).
    #[serde(default, rename = "type")]
    pub kind: QuestionType,
    /// Whether an answer is needed to continue (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// The choices of a single or multiple question.
    #[serde(default)]
    pub options: Vec<Spanned<QOption>>,
    /// The range of a scale question.
    #[serde(default)]
    pub scale: Option<Spanned<Scale>>,
    /// Points per step above `scale.min` (scale questions only).
    #[serde(default)]
    pub scores: Option<Scores>,
    /// Ask this question only after certain answers.
    #[serde(default)]
    pub show_if: Option<Spanned<ShowIf>>,
    /// The message when a required answer is missing; default built from
    /// the question ("Select an answer to “…”").
    #[serde(default)]
    pub error: Option<String>,
}

/// One choice of a single or multiple question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QOption {
    /// Defaults to the slug of the label (filled in by `resolve`).
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// What the visitor reads.
    pub label: Spanned<String>,
    /// Points per dimension for choosing this option.
    #[serde(default)]
    pub scores: Scores,
    /// A jump: a question id, `end`, or `outcome:ID`.
    #[serde(default)]
    pub next: Option<Spanned<String>>,
    /// On a `multiple` question: this option ("None of these") cannot be
    /// chosen with any other; choosing it clears the others and the reverse.
    #[serde(default)]
    pub exclusive: Option<Spanned<bool>>,
}

impl QOption {
    /// The option's id (after `resolve` filled in defaults).
    pub fn id(&self) -> &str {
        self.id.as_ref().map_or("", |s| s.value.as_str())
    }

    /// Whether the author marked the option `exclusive: true`.
    pub fn is_exclusive(&self) -> bool {
        self.exclusive.as_ref().is_some_and(|e| e.value)
    }
}

/// The range of a scale question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Lowest value (scores 0 points).
    pub min: i64,
    /// Highest value.
    pub max: i64,
    /// Label of the lowest value.
    #[serde(default)]
    pub min_label: Option<String>,
    /// Label of the highest value.
    #[serde(default)]
    pub max_label: Option<String>,
}

/// Skip logic: show the question only if an earlier answer was one of these.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowIf {
    /// A single or multiple question asked earlier on the path.
    pub question: Spanned<String>,
    /// Option ids of that question; any chosen one shows this question.
    pub any_of: Vec<Spanned<String>>,
}

/// One possible result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Unique; the target of `next: outcome:ID` and of examples.
    pub id: Spanned<String>,
    /// Shown as the result's heading.
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub summary: Option<Spanned<String>>,
    /// An internal page (`@/playbooks/x.md`) or URL, checked at build time.
    #[serde(default)]
    pub link: Option<Spanned<String>>,
    /// dimension id -> condition (`< 50`, `>= 50`, `25..75`); absent = default.
    #[serde(default)]
    pub when: Option<SpannedMap<Spanned<String>>>,
    /// This outcome's own call to action, replacing the site's generic one.
    #[serde(default)]
    pub cta: Option<OutcomeCta>,
}

/// An outcome's call to action: what to do next after this result.
/// Anything left out comes from `site.yaml` (`cta` and `contact`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeCta {
    /// Heading of the block.
    pub title: String,
    /// One or two sentences (plain text).
    #[serde(default)]
    pub text: Option<String>,
    /// Button label.
    #[serde(default)]
    pub label: Option<String>,
    /// Where the button leads: `@/page.md` (checked) or a URL; default the
    /// site's booking URL.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
}

/// The result chart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// matrix | bars.
    #[serde(rename = "type")]
    pub kind: ChartType,
    /// Horizontal dimension of a matrix.
    #[serde(default)]
    pub x: Option<Spanned<String>>,
    /// Vertical dimension of a matrix.
    #[serde(default)]
    pub y: Option<Spanned<String>>,
}

/// The kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartType {
    /// A 2x2 of two dimensions with the visitor's point.
    Matrix,
    /// One bar per dimension.
    Bars,
}

/// A golden test: these answers must give this outcome (and these bands).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// question id -> option id, list of option ids, or number.
    #[serde(default)]
    pub answers: SpannedMap<Spanned<AnswerValue>>,
    /// The expected outcome id.
    pub outcome: Spanned<String>,
    /// dimension id -> expected band label (or `not assessed`).
    #[serde(default)]
    pub bands: Option<SpannedMap<Spanned<String>>>,
}

/// An answer as written in an example, before it is checked against its question.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerValue {
    /// An option id (single) or anything else written as a scalar.
    Text(String),
    /// A whole number (scale).
    Number(i64),
    /// A YAML boolean: `yes`/`no` unquoted read as booleans; matched to an
    /// option with id yes/no (true/false, on/off) so authors need not quote.
    Bool(bool),
    /// A fractional number (never valid; kept to report it).
    Fraction(f64),
    /// A list of option ids (multiple).
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = AnswerValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an option id, a list of option ids, or a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<AnswerValue, E> {
                i64::try_from(v)
                    .map(AnswerValue::Number)
                    .map_err(|_| E::custom("number too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Fraction(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Bool(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Text(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<AnswerValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(AnswerValue::List(items))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A typed `when` condition on a dimension's percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// `< x`
    Lt(f64),
    /// `<= x`
    Le(f64),
    /// `> x`
    Gt(f64),
    /// `>= x`
    Ge(f64),
    /// `a..b`, both ends inclusive.
    Range(f64, f64),
}

impl Condition {
    /// Parses `< 50`, `<= 50`, `> 50`, `>= 50` or `25..75` (percent, 0..100).
    /// The error is a message for the author; the caller adds the position.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim();
        let number = |s: &str| -> Result<f64, String> {
            let s = s.trim();
            let ok = !s.is_empty()
                && s.chars().all(|c| c.is_ascii_digit() || c == '.')
                && s.chars().filter(|&c| c == '.').count() <= 1
                && !s.starts_with('.')
                && !s.ends_with('.');
            match s.parse::<f64>() {
                Ok(v) if ok && (0.0..=100.0).contains(&v) => Ok(v),
                Ok(_) if ok => Err(format!(
                    "`{s}` is outside 0..100; conditions compare a percent"
                )),
                _ => Err(format!("`{s}` is not a number")),
            }
        };
        for (op, make) in [
            ("<=", Condition::Le as fn(f64) -> Condition),
            (">=", Condition::Ge),
            ("<", Condition::Lt),
            (">", Condition::Gt),
        ] {
            if let Some(rest) = t.strip_prefix(op) {
                return number(rest).map(make);
            }
        }
        if let Some((a, b)) = t.split_once("..") {
            let (a, b) = (number(a)?, number(b)?);
            if a > b {
                return Err(format!(
                    "the range `{t}` is empty: its start is above its end"
                ));
            }
            return Ok(Condition::Range(a, b));
        }
        Err(format!("`{t}` is not a condition"))
    }

    /// Whether a percent satisfies the condition (mirrored in assessment-engine.js).
    pub fn holds(self, percent: f64) -> bool {
        match self {
            Condition::Lt(v) => percent < v,
            Condition::Le(v) => percent <= v,
            Condition::Gt(v) => percent > v,
            Condition::Ge(v) => percent >= v,
            Condition::Range(a, b) => a <= percent && percent <= b,
        }
    }

    /// The operator and bound(s) as the page JSON carries them.
    pub fn to_json(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Condition::Lt(v) => json!({"op": "<", "value": v}),
            Condition::Le(v) => json!({"op": "<=", "value": v}),
            Condition::Gt(v) => json!({"op": ">", "value": v}),
            Condition::Ge(v) => json!({"op": ">=", "value": v}),
            Condition::Range(a, b) => json!({"op": "..", "min": a, "max": b}),
        }
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::Lt(v) => write!(f, "< {v}"),
            Condition::Le(v) => write!(f, "<= {v}"),
            Condition::Gt(v) => write!(f, "> {v}"),
            Condition::Ge(v) => write!(f, ">= {v}"),
            Condition::Range(a, b) => write!(f, "{a}..{b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_conditions() {
        assert_eq!(Condition::parse("< 50"), Ok(Condition::Lt(50.0)));
        assert_eq!(Condition::parse("<=50"), Ok(Condition::Le(50.0)));
        assert_eq!(Condition::parse(" > 12.5 "), Ok(Condition::Gt(12.5)));
        assert_eq!(Condition::parse(">= 0"), Ok(Condition::Ge(0.0)));
        assert_eq!(Condition::parse("25..75"), Ok(Condition::Range(25.0, 75.0)));
        assert_eq!(
            Condition::parse("25 .. 75"),
            Ok(Condition::Range(25.0, 75.0))
        );
        assert!(Condition::parse("50").is_err());
        assert!(Condition::parse("=> 50").is_err());
        assert!(
            Condition::parse("< 150")
                .unwrap_err()
                .contains("outside 0..100")
        );
        assert!(Condition::parse("75..25").unwrap_err().contains("empty"));
        assert!(Condition::parse("< -5").is_err());
        assert!(Condition::parse("< 5e1").is_err());
    }

    #[test]
    fn conditions_hold_at_their_bounds() {
        assert!(Condition::Le(50.0).holds(50.0));
        assert!(!Condition::Lt(50.0).holds(50.0));
        assert!(Condition::Ge(50.0).holds(50.0));
        assert!(!Condition::Gt(50.0).holds(50.0));
        assert!(Condition::Range(25.0, 75.0).holds(25.0));
        assert!(Condition::Range(25.0, 75.0).holds(75.0));
        assert!(!Condition::Range(25.0, 75.0).holds(75.1));
    }
}
