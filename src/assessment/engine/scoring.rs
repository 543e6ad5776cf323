//! The one scoring engine: the question flow, points, percents, outcome and bands.
//!
//! Everything that decides a result lives here, on an index-based
//! [`Engine`] built by `resolve` from a valid [`Spec`](super::model::Spec).
//! `themes/default/static/js/assessment-engine.js` mirrors these functions line
//! for line, and the agreement test runs both on generated answer sets, so
//! a change here must be made there too.
//!
//! Rules (the contract, made precise):
//! - Flow: start at the first question in file order. A question whose
//!   `show_if` is false is skipped (go to the next in file order). A shown
//!   question that is unanswered (or answered with something invalid) goes
//!   to the next in file order. An answer goes where its option's `next`
//!   says (for `multiple`, the first chosen option, in option order, that
//!   has a `next`), else to the next question in file order. `end` stops;
//!   `outcome:ID` stops with that outcome.
//! - `show_if` holds when its question was shown *on this path*, answered,
//!   and one of the chosen options is in `any_of`. Answers to questions not
//!   on the path are ignored everywhere (stale answers after "Back").
//! - Points: single = the option's scores; multiple = the sum over chosen
//!   options; scale = `(value - min) * scores`. Lowest/highest possible per
//!   dimension are summed over the shown and answered questions: single =
//!   min/max over its options; multiple = sum of negative/positive scores
//!   of its non-exclusive options, widened by any exclusive option's score
//!   (so the lowest is what "tick nothing that scores" would give, even
//!   though an answer needs one tick); scale = the scale's ends.
//! - A `multiple` answer that ticks an exclusive option with any other is
//!   invalid (unanswered): the page never lets a visitor give it.
//! - Percent = `100 * (points - lowest) / (highest - lowest)`. When
//!   `highest == lowest` (no answered question could move the dimension,
//!   including when none scored it) the dimension is **not assessed**: its
//!   percent is `None`, every `when` on it is false, its band is none.
//! - Outcome: the forced one (`next: outcome:ID`), else the first outcome
//!   whose `when` conditions all hold, else the default (the first outcome
//!   without `when`), else none (the analysis makes that a build error).
//! - Band: the first band whose `up_to` is >= the percent.

use std::collections::BTreeMap;

use super::model::{Condition, QuestionType};

/// A visitor's answer to one question, as it arrives from an example, a
/// share link or a test vector. Invalid answers count as unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An option id of a `single` question.
    Single(String),
    /// Option ids of a `multiple` question.
    Multiple(Vec<String>),
    /// A value of a `scale` question.
    Scale(i64),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

/// A valid answer in engine terms: chosen options as a bit mask, or a scale value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    /// Bit `i` set = option `i` chosen (exactly one bit for `single`).
    Options(u64),
    /// A value within the scale's range.
    Value(i64),
}

/// Where an answer leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Continue at this question index.
    Question(usize),
    /// Stop and pick the outcome from the conditions.
    End,
    /// Stop with this outcome index.
    Outcome(usize),
}

/// A dimension as the engine needs it.
#[derive(Debug, Clone)]
pub struct EDimension {
    /// The author's id.
    pub id: String,
    /// (inclusive upper bound, label), in increasing order, ending at 100.
    pub bands: Vec<(f64, String)>,
}

/// An option as the engine needs it.
#[derive(Debug, Clone)]
pub struct EOption {
    /// The option id (explicit or slug of the label).
    pub id: String,
    /// Points per dimension index (0 where not listed).
    pub scores: Vec<i64>,
    /// The option's jump, if any.
    pub next: Option<Target>,
    /// Must be chosen alone (`exclusive: true` on a multiple question).
    pub exclusive: bool,
}

/// A question as the engine needs it.
#[derive(Debug, Clone)]
pub struct EQuestion {
    /// The author's id.
    pub id: String,
    /// single | multiple | scale.
    pub kind: QuestionType,
    /// Whether the UI insists on an answer (the engine itself never does).
    pub required: bool,
    /// Options of single and multiple questions.
    pub options: Vec<EOption>,
    /// (min, max) of a scale question.
    pub scale: Option<(i64, i64)>,
    /// Points per step of a scale question, per dimension index.
    pub scale_scores: Vec<i64>,
    /// (question index, mask of `any_of` options).
    pub show_if: Option<(usize, u64)>,
    /// (lowest, highest) possible points per dimension once answered.
    pub range: Vec<(i64, i64)>,
}

/// An outcome as the engine needs it.
#[derive(Debug, Clone)]
pub struct EOutcome {
    /// The author's id.
    pub id: String,
    /// (dimension index, condition); `None` for a default outcome.
    pub when: Option<Vec<(usize, Condition)>>,
}

/// The resolved assessment: ids turned into indices, defaults filled in.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Dimensions in file order.
    pub dimensions: Vec<EDimension>,
    /// Questions in file order.
    pub questions: Vec<EQuestion>,
    /// Outcomes in file order.
    pub outcomes: Vec<EOutcome>,
}

/// One dimension's result.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionResult {
    /// Points scored.
    pub points: i64,
    /// Lowest possible over the answered questions.
    pub min: i64,
    /// Highest possible over the answered questions.
    pub max: i64,
    /// `None` = not assessed.
    pub percent: Option<f64>,
    /// Index of the band the percent falls in (none if not assessed or no bands).
    pub band: Option<usize>,
}

/// The full result of one answer set.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Shown questions in order, with their valid answer (`None` = skipped).
    pub path: Vec<(usize, Option<Choice>)>,
    /// The outcome index, if any matched.
    pub outcome: Option<usize>,
    /// Per dimension, in file order.
    pub dimensions: Vec<DimensionResult>,
}

/// The percent of a dimension, or `None` when not assessed (`max <= min`).
/// Written as `100 * (points - min) / (max - min)` in this order of
/// operations, in both engines, so both round identically.
pub fn percent(points: i64, min: i64, max: i64) -> Option<f64> {
    if max <= min {
        return None;
    }
    Some(100.0 * (points - min) as f64 / (max - min) as f64)
}

impl EDimension {
    /// The band a percent falls in.
    pub fn band(&self, percent: Option<f64>) -> Option<usize> {
        let p = percent?;
        self.bands.iter().position(|(up_to, _)| p <= *up_to)
    }
}

impl EQuestion {
    /// Turns a raw answer into a valid choice, or `None` (unanswered).
    pub fn choice(&self, answer: &Answer) -> Option<Choice> {
        let index = |id: &str| self.options.iter().position(|o| o.id == id);
        match (self.kind, answer) {
            (QuestionType::Single, Answer::Single(id)) => {
                index(id).map(|i| Choice::Options(1 << i))
            }
            (QuestionType::Multiple, Answer::Multiple(ids)) => {
                let mask = ids
                    .iter()
                    .filter_map(|id| index(id))
                    .fold(0u64, |m, i| m | 1 << i);
                // An exclusive option with anything else is not a valid answer.
                let mixed = mask.count_ones() > 1
                    && self
                        .options
                        .iter()
                        .enumerate()
                        .any(|(i, o)| o.exclusive && mask & (1 << i) != 0);
                (mask != 0 && !mixed).then_some(Choice::Options(mask))
            }
            (QuestionType::Scale, Answer::Scale(v)) => {
                let (min, max) = self.scale?;
                (min..=max).contains(v).then_some(Choice::Value(*v))
            }
            _ => None,
        }
    }

    /// Points per dimension for a valid choice.
    pub fn points(&self, choice: Choice) -> Vec<i64> {
        match choice {
            Choice::Options(mask) => {
                let mut sum = vec![0; self.range.len()];
                for (i, o) in self.options.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        sum.iter_mut().zip(&o.scores).for_each(|(s, p)| *s += p);
                    }
                }
                sum
            }
            Choice::Value(v) => {
                let min = self.scale.map_or(0, |s| s.0);
                self.scale_scores.iter().map(|s| (v - min) * s).collect()
            }
        }
    }

    /// Where a valid choice leads (`None` = the next question in file order).
    pub fn next(&self, choice: Choice) -> Option<Target> {
        match choice {
            Choice::Options(mask) => self
                .options
                .iter()
                .enumerate()
                .find(|(i, o)| mask & (1 << i) != 0 && o.next.is_some())
                .and_then(|(_, o)| o.next),
            Choice::Value(_) => None,
        }
    }
}

impl Engine {
    /// The lowest and highest points a question can give each dimension
    /// once answered; stored in [`EQuestion::range`] by `resolve`.
    pub fn question_range(q: &EQuestion, dimensions: usize) -> Vec<(i64, i64)> {
        (0..dimensions)
            .map(|d| match q.kind {
                QuestionType::Single => {
                    let scores = q.options.iter().map(|o| o.scores[d]);
                    (scores.clone().min().unwrap_or(0), scores.max().unwrap_or(0))
                }
                QuestionType::Multiple => {
                    // Any set of the other options (their negative and
                    // positive scores), or one exclusive option alone.
                    let (others, alone): (Vec<&EOption>, Vec<&EOption>) =
                        q.options.iter().partition(|o| !o.exclusive);
                    let sum = others.iter().fold((0, 0), |(lo, hi), o| {
                        let s = o.scores[d];
                        (lo + s.min(0), hi + s.max(0))
                    });
                    alone.iter().fold(sum, |(lo, hi), o| {
                        (lo.min(o.scores[d]), hi.max(o.scores[d]))
                    })
                }
                QuestionType::Scale => {
                    let (min, max) = q.scale.unwrap_or((0, 0));
                    let full = (max - min) * q.scale_scores[d];
                    (full.min(0), full.max(0))
                }
            })
            .collect()
    }

    /// Whether question `q`'s `show_if` holds given the choices on the path so far.
    pub fn shown(&self, q: usize, choices: &[Option<Choice>]) -> bool {
        match self.questions[q].show_if {
            None => true,
            Some((other, any_of)) => {
                matches!(choices[other], Some(Choice::Options(m)) if m & any_of != 0)
            }
        }
    }

    /// Follows the flow: the shown questions with their valid answers, and
    /// the forced outcome if an answer jumped to one.
    pub fn flow(&self, answers: &Answers) -> (Vec<(usize, Option<Choice>)>, Option<usize>) {
        let n = self.questions.len();
        // choices[q] = the answer given to q on this path (None if not on it).
        let mut choices: Vec<Option<Choice>> = vec![None; n];
        let mut visited = vec![false; n];
        let mut path = Vec::new();
        let mut pos = 0;
        while pos < n && !visited[pos] {
            visited[pos] = true;
            if !self.shown(pos, &choices) {
                pos += 1;
                continue;
            }
            let q = &self.questions[pos];
            let choice = answers.get(&q.id).and_then(|a| q.choice(a));
            choices[pos] = choice;
            path.push((pos, choice));
            match choice.and_then(|c| q.next(c)) {
                None => pos += 1,
                Some(Target::Question(j)) => pos = j,
                Some(Target::End) => break,
                Some(Target::Outcome(o)) => return (path, Some(o)),
            }
        }
        (path, None)
    }

    /// Points, lowest and highest possible per dimension over a path.
    pub fn totals(&self, path: &[(usize, Option<Choice>)]) -> Vec<(i64, i64, i64)> {
        let mut totals = vec![(0, 0, 0); self.dimensions.len()];
        for &(q, choice) in path {
            let Some(choice) = choice else { continue };
            let q = &self.questions[q];
            for (d, p) in q.points(choice).into_iter().enumerate() {
                totals[d].0 += p;
                totals[d].1 += q.range[d].0;
                totals[d].2 += q.range[d].1;
            }
        }
        totals
    }

    /// Whether all of an outcome's conditions hold (false on a default outcome).
    pub fn conditions_hold(&self, outcome: usize, percents: &[Option<f64>]) -> bool {
        match &self.outcomes[outcome].when {
            None => false,
            Some(when) => when
                .iter()
                .all(|(d, c)| percents[*d].is_some_and(|p| c.holds(p))),
        }
    }

    /// The default outcome: the first without `when`.
    pub fn default_outcome(&self) -> Option<usize> {
        self.outcomes.iter().position(|o| o.when.is_none())
    }

    /// The outcome for a set of percents (the forced one wins).
    pub fn outcome_for(&self, percents: &[Option<f64>], forced: Option<usize>) -> Option<usize> {
        forced
            .or_else(|| (0..self.outcomes.len()).find(|&o| self.conditions_hold(o, percents)))
            .or_else(|| self.default_outcome())
    }

    /// Scores a whole answer set.
    pub fn evaluate(&self, answers: &Answers) -> Evaluation {
        let (path, forced) = self.flow(answers);
        let totals = self.totals(&path);
        let percents: Vec<Option<f64>> = totals
            .iter()
            .map(|&(p, lo, hi)| percent(p, lo, hi))
            .collect();
        let outcome = self.outcome_for(&percents, forced);
        let dimensions = totals
            .iter()
            .zip(&percents)
            .zip(&self.dimensions)
            .map(|((&(points, min, max), &percent), dim)| DimensionResult {
                points,
                min,
                max,
                percent,
                band: dim.band(percent),
            })
            .collect();
        Evaluation {
            path,
            outcome,
            dimensions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_spans_the_possible_range() {
        assert_eq!(percent(0, 0, 4), Some(0.0));
        assert_eq!(percent(4, 0, 4), Some(100.0));
        assert_eq!(percent(1, 0, 4), Some(25.0));
        // Negative scores shift the range; the percent is still 0..100.
        assert_eq!(percent(-2, -2, 2), Some(0.0));
        assert_eq!(percent(0, -2, 2), Some(50.0));
        assert_eq!(percent(1, 0, 3), Some(100.0 / 3.0));
    }

    #[test]
    fn an_empty_range_is_not_assessed() {
        assert_eq!(percent(0, 0, 0), None);
        assert_eq!(percent(3, 3, 3), None);
    }

    fn dim(bands: &[(f64, &str)]) -> EDimension {
        EDimension {
            id: "d".into(),
            bands: bands.iter().map(|(u, l)| (*u, l.to_string())).collect(),
        }
    }

    #[test]
    fn bands_are_inclusive_upper_bounds() {
        let d = dim(&[(50.0, "low"), (100.0, "high")]);
        assert_eq!(d.band(Some(0.0)), Some(0));
        assert_eq!(d.band(Some(50.0)), Some(0));
        assert_eq!(d.band(Some(50.000001)), Some(1));
        assert_eq!(d.band(Some(100.0)), Some(1));
        assert_eq!(d.band(None), None);
        assert_eq!(dim(&[]).band(Some(10.0)), None);
    }

    fn question(kind: QuestionType, scores: &[i64]) -> EQuestion {
        let options = scores
            .iter()
            .enumerate()
            .map(|(i, s)| EOption {
                id: format!("o{i}"),
                scores: vec![*s],
                next: None,
                exclusive: false,
            })
            .collect();
        let mut q = EQuestion {
            id: "q".into(),
            kind,
            required: true,
            options,
            scale: None,
            scale_scores: vec![0],
            show_if: None,
            range: vec![],
        };
        q.range = Engine::question_range(&q, 1);
        q
    }

    #[test]
    fn question_ranges_follow_the_rules() {
        assert_eq!(
            question(QuestionType::Single, &[1, 4, -2]).range,
            vec![(-2, 4)]
        );
        assert_eq!(
            question(QuestionType::Multiple, &[1, 4, -2]).range,
            vec![(-2, 5)]
        );
        assert_eq!(
            question(QuestionType::Multiple, &[1, 4]).range,
            vec![(0, 5)]
        );
        let mut scale = question(QuestionType::Scale, &[]);
        scale.scale = Some((1, 5));
        scale.scale_scores = vec![-2];
        assert_eq!(Engine::question_range(&scale, 1), vec![(-8, 0)]);
        assert_eq!(scale.points(Choice::Value(3)), vec![-4]);
    }

    #[test]
    fn invalid_answers_count_as_unanswered() {
        let q = question(QuestionType::Multiple, &[1, 2]);
        assert_eq!(
            q.choice(&Answer::Multiple(vec!["o1".into(), "zz".into()])),
            Some(Choice::Options(2))
        );
        assert_eq!(q.choice(&Answer::Multiple(vec!["zz".into()])), None);
        assert_eq!(q.choice(&Answer::Single("o1".into())), None);
        let mut s = question(QuestionType::Scale, &[]);
        s.scale = Some((1, 5));
        assert_eq!(s.choice(&Answer::Scale(6)), None);
        assert_eq!(s.choice(&Answer::Scale(5)), Some(Choice::Value(5)));
    }

    #[test]
    fn exclusive_options_are_chosen_alone_and_widen_the_range_only_alone() {
        let mut q = question(QuestionType::Multiple, &[1, 2, 5]);
        q.options[2].exclusive = true;
        q.range = Engine::question_range(&q, 1);
        // Any set of the others (0..3), or the exclusive one alone (5).
        assert_eq!(q.range, vec![(0, 5)]);
        q.options[2].scores = vec![-3];
        q.range = Engine::question_range(&q, 1);
        assert_eq!(q.range, vec![(-3, 3)]);
        let pick = |ids: &[&str]| Answer::Multiple(ids.iter().map(|s| s.to_string()).collect());
        assert_eq!(q.choice(&pick(&["o2"])), Some(Choice::Options(4)));
        assert_eq!(q.choice(&pick(&["o0", "o1"])), Some(Choice::Options(3)));
        assert_eq!(q.choice(&pick(&["o0", "o2"])), None, "mixed: unanswered");
    }
}
