//! Generated answer sets with the results the Rust engine gives them.
//!
//! The browser script must agree with [`scoring`](super::scoring) on every
//! answer set; the agreement test feeds these vectors to
//! `assessment-engine.js` under Node. Answer sets follow the real flow (only
//! shown questions, random skips of optional ones, subsets of multiple
//! choices, any scale value) and some carry stale or invalid answers that
//! both engines must ignore. The generator is a seeded SplitMix64, so a
//! failure reproduces exactly.

use serde_json::{Map, Value, json};

use super::Assessment;
use super::model::QuestionType;
use super::scoring::{Answer, Answers, Choice, Engine};

/// SplitMix64: tiny, fast, good enough for test data, no dependency. Public
/// so the fuzz tests (`tests/fuzz.rs`) share this one generator: a seed
/// replays a run exactly.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// True `percent` times out of a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// `n` answer sets (deterministic for a given `seed`) with their expected
/// results, plus the page data both engines read:
/// `{ "id", "data": <browser_data>, "vectors": [{ "answers", "expected":
/// { "path", "progress", "outcome", "percents", "bands" } }] }`.
pub fn test_vectors(assessment: &Assessment, n: usize, seed: u64) -> Value {
    let engine = &assessment.engine;
    let remaining = super::analysis::longest_routes(engine);
    let branches = super::analysis::branches(engine);
    let mut rng = Rng(seed);
    let vectors: Vec<Value> = (0..n)
        .map(|k| {
            // The first vector skips everything it may: the emptiest result.
            let answers = random_answers(engine, &mut rng, k == 0);
            let result = engine.evaluate(&answers);
            let mut percents = Map::new();
            let mut bands = Map::new();
            for (d, dim) in engine.dimensions.iter().enumerate() {
                let r = &result.dimensions[d];
                percents.insert(dim.id.clone(), json!(r.percent));
                bands.insert(dim.id.clone(), json!(r.band.map(|b| &dim.bands[b].1)));
            }
            let path: Vec<&str> = result
                .path
                .iter()
                .map(|(q, _)| engine.questions[*q].id.as_str())
                .collect();
            // What the page's progress says at each question of the path:
            // [number, total, "up to"].
            let progress: Vec<Value> = result
                .path
                .iter()
                .enumerate()
                .map(|(k, (q, _))| {
                    let left = remaining[*q];
                    if branches {
                        json!([k + 1, k + left, left > 1])
                    } else {
                        json!([k + 1, result.path.len(), false])
                    }
                })
                .collect();
            json!({
                "answers": answers_json(&answers),
                "expected": {
                    "path": path,
                    "progress": progress,
                    "outcome": result.outcome.map(|o| &engine.outcomes[o].id),
                    "percents": percents,
                    "bands": bands,
                },
            })
        })
        .collect();
    let identity = |s: &str| s.to_owned();
    json!({
        "id": assessment.id,
        "data": assessment.browser_data(&identity, &identity),
        "vectors": vectors,
    })
}

/// Answers as the browser holds them: option id, list of ids, or number.
pub fn answers_json(answers: &Answers) -> Value {
    let map: Map<String, Value> = answers
        .iter()
        .map(|(q, a)| {
            let v = match a {
                Answer::Single(id) => json!(id),
                Answer::Multiple(ids) => json!(ids),
                Answer::Scale(v) => json!(v),
            };
            (q.clone(), v)
        })
        .collect();
    Value::Object(map)
}

/// Walks the flow answering at random; `minimal` skips every optional question.
fn random_answers(engine: &Engine, rng: &mut Rng, minimal: bool) -> Answers {
    let n = engine.questions.len();
    let mut answers = Answers::new();
    let mut choices: Vec<Option<Choice>> = vec![None; n];
    let mut visited = vec![false; n];
    let mut pos = 0;
    while pos < n && !visited[pos] {
        visited[pos] = true;
        if !engine.shown(pos, &choices) {
            pos += 1;
            continue;
        }
        let q = &engine.questions[pos];
        if !q.required && (minimal || rng.chance(20)) {
            // Sometimes leave an invalid answer behind: it must count as skipped.
            if rng.chance(10) {
                answers.insert(q.id.clone(), invalid_answer(engine, pos));
            }
            pos += 1;
            continue;
        }
        if q.options.iter().any(|o| o.exclusive) && rng.chance(10) {
            // An exclusive option ticked with another: both engines must
            // treat it as unanswered (the page never sends it).
            answers.insert(q.id.clone(), invalid_answer(engine, pos));
            pos += 1;
            continue;
        }
        let answer = random_answer(engine, pos, rng);
        let choice = q.choice(&answer).expect("generated answers are valid");
        answers.insert(q.id.clone(), answer);
        choices[pos] = Some(choice);
        match q.next(choice) {
            None => pos += 1,
            Some(super::scoring::Target::Question(j)) => pos = j,
            Some(_) => break,
        }
    }
    // Stale answers to questions off the path must be ignored by both engines.
    if n > 0 && rng.chance(15) {
        let q = rng.below(n);
        if !visited[q] {
            answers.insert(
                engine.questions[q].id.clone(),
                random_answer(engine, q, rng),
            );
        }
    }
    answers
}

fn random_answer(engine: &Engine, q: usize, rng: &mut Rng) -> Answer {
    let q = &engine.questions[q];
    let id = |i: usize| q.options[i].id.clone();
    match q.kind {
        QuestionType::Single => Answer::Single(id(rng.below(q.options.len()))),
        QuestionType::Multiple => {
            let alone: Vec<usize> = (0..q.options.len())
                .filter(|&i| q.options[i].exclusive)
                .collect();
            let others: Vec<usize> = (0..q.options.len())
                .filter(|&i| !q.options[i].exclusive)
                .collect();
            if !alone.is_empty() && (others.is_empty() || rng.chance(25)) {
                return Answer::Multiple(vec![id(alone[rng.below(alone.len())])]);
            }
            let mut ids: Vec<String> = others
                .iter()
                .filter(|_| rng.chance(50))
                .map(|&i| id(i))
                .collect();
            if ids.is_empty() {
                ids.push(id(others[rng.below(others.len())]));
            }
            Answer::Multiple(ids)
        }
        QuestionType::Scale => {
            let (min, max) = q.scale.unwrap_or((0, 0));
            Answer::Scale(min + rng.below((max - min + 1) as usize) as i64)
        }
    }
}

fn invalid_answer(engine: &Engine, q: usize) -> Answer {
    let q = &engine.questions[q];
    match q.kind {
        QuestionType::Single => Answer::Single("not-an-option".into()),
        QuestionType::Multiple => match q.options.iter().position(|o| o.exclusive) {
            // An exclusive option with another: invalid in both engines.
            Some(e) if q.options.len() > 1 => Answer::Multiple(vec![
                q.options[(e + 1) % q.options.len()].id.clone(),
                q.options[e].id.clone(),
            ]),
            _ => Answer::Multiple(vec!["not-an-option".into()]),
        },
        QuestionType::Scale => Answer::Scale(q.scale.map_or(0, |s| s.1 + 1)),
    }
}
