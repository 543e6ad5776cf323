//! The states of the exact analysis and the walk that produces them.
//!
//! See `analysis.rs` (and `docs/assessment-analysis.md`) for the method;
//! this file holds the mechanics: the state key, how answers to one
//! question are merged into "moves", how dimensions settle once no later
//! question can score them, and the walk over the flow in topological order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::model::{Condition, QuestionType};
use super::scoring::{Choice, EQuestion, Engine, Target, percent};

/// A hash map with a fixed, fast hasher: the same assessment always gives
/// the same witnesses in its messages, and the keys (small integer vectors
/// made by Waymark, not by visitors) need no protection against flooding.
pub(super) type Map<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (FxHash), a few lines instead of a dependency.
#[derive(Default)]
pub(super) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Above this many distinct states the analysis gives up (with an error).
pub const MAX_STATES: usize = 500_000;

/// One answer set, shared between states as a linked list (newest first).
#[derive(Debug)]
pub struct Witness {
    /// Question index.
    pub question: usize,
    /// The answer given.
    pub choice: Choice,
    /// The answers before it.
    pub prev: Option<Rc<Witness>>,
}

/// An answer set as (question index, choice) in flow order.
pub fn witness_answers(w: &Option<Rc<Witness>>) -> Vec<(usize, Choice)> {
    let mut out = Vec::new();
    let mut cur = w.as_ref();
    while let Some(node) = cur {
        out.push((node.question, node.choice));
        cur = node.prev.as_ref();
    }
    out.reverse();
    out
}

#[derive(Clone)]
pub(super) struct Entry {
    pub(super) count: u128,
    pub(super) witness: Option<Rc<Witness>>,
}

/// (answers to `show_if`-tested questions, [points, min, max] per dimension).
type Key = (Vec<Option<u64>>, Vec<i64>);

/// One way of answering a question, with how many answer sets share it.
struct Move {
    delta: Vec<i64>,
    memo: Option<u64>,
    target: Option<Target>,
    count: u128,
    choice: Choice,
}

pub(super) struct Explored {
    pub(super) shown: Vec<u128>,
    /// Final states: (forced outcome, per dimension the mask of its
    /// conditions that hold) -> answer sets.
    pub(super) terminals: Map<(Option<usize>, Vec<i64>), Entry>,
}

/// Marks a dimension whose score is final and stored as a condition mask.
const FINAL: i64 = i64::MIN;

/// What the exploration needs to know beyond the engine: which answers
/// `show_if` tests, and when a dimension or a tested answer stops mattering.
pub(super) struct Plan {
    /// Options of each question that some `show_if` tests.
    tested: Vec<u64>,
    /// Memo slot of each tested question.
    slot: Vec<Option<usize>>,
    /// Per slot: the last position (in flow order) of a question testing it.
    slot_last: Vec<usize>,
    /// Per dimension: the last position of a question that scores it.
    dim_last: Vec<Option<usize>>,
    /// Per dimension: the distinct conditions outcomes put on it.
    conditions: Vec<Vec<Condition>>,
}

impl Plan {
    pub(super) fn new(engine: &Engine, order: &[usize]) -> Plan {
        let n = engine.questions.len();
        let mut rank = vec![0; n];
        for (r, &q) in order.iter().enumerate() {
            rank[q] = r;
        }
        let mut tested = vec![0u64; n];
        let mut slot = vec![None; n];
        let mut slot_last = Vec::new();
        for (i, q) in engine.questions.iter().enumerate() {
            if let Some((other, mask)) = q.show_if {
                tested[other] |= mask;
                let s = *slot[other].get_or_insert_with(|| {
                    slot_last.push(0);
                    slot_last.len() - 1
                });
                slot_last[s] = slot_last[s].max(rank[i]);
            }
        }
        let dim_last = (0..engine.dimensions.len())
            .map(|d| {
                let scores = |q: &EQuestion| {
                    q.scale_scores[d] != 0 || q.options.iter().any(|o| o.scores[d] != 0)
                };
                (0..n)
                    .filter(|&q| scores(&engine.questions[q]))
                    .map(|q| rank[q])
                    .max()
            })
            .collect();
        let mut conditions: Vec<Vec<Condition>> = vec![Vec::new(); engine.dimensions.len()];
        for o in &engine.outcomes {
            for (d, c) in o.when.iter().flatten() {
                if !conditions[*d].contains(c) {
                    conditions[*d].push(*c);
                }
            }
        }
        Plan {
            tested,
            slot,
            slot_last,
            dim_last,
            conditions,
        }
    }

    /// Forgets what can no longer matter at flow position `rank`: tested
    /// answers no later question tests, and exact scores of dimensions no
    /// later question scores (kept only as which conditions hold). This is
    /// what keeps independent dimensions from multiplying the state count.
    fn settle(&self, key: &mut Key, rank: usize) {
        for (s, last) in self.slot_last.iter().enumerate() {
            if *last < rank {
                key.0[s] = None;
            }
        }
        for (d, last) in self.dim_last.iter().enumerate() {
            if last.is_none_or(|l| l < rank) && key.1[3 * d + 1] != FINAL {
                let p = percent(key.1[3 * d], key.1[3 * d + 1], key.1[3 * d + 2]);
                let mask = self.conditions[d]
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| p.is_some_and(|p| c.holds(p)))
                    .fold(0i64, |m, (k, _)| m | 1 << k);
                key.1[3 * d..3 * d + 3].copy_from_slice(&[mask, FINAL, FINAL]);
            }
        }
    }

    /// Whether all of an outcome's conditions hold for settled dimensions.
    pub(super) fn holds(&self, engine: &Engine, outcome: usize, settled: &[i64]) -> bool {
        match &engine.outcomes[outcome].when {
            None => false,
            Some(when) => when.iter().all(|(d, c)| {
                let k = self.conditions[*d].iter().position(|x| x == c).unwrap_or(0);
                settled[3 * d] & (1 << k) != 0
            }),
        }
    }

    /// [`Engine::outcome_for`] on settled dimensions.
    pub(super) fn outcome(
        &self,
        engine: &Engine,
        settled: &[i64],
        forced: Option<usize>,
    ) -> Option<usize> {
        forced
            .or_else(|| (0..engine.outcomes.len()).find(|&o| self.holds(engine, o, settled)))
            .or_else(|| engine.default_outcome())
    }
}

/// The dynamic programme over the flow; `Err(question)` when it explodes.
pub(super) fn explore(engine: &Engine, order: &[usize], plan: &Plan) -> Result<Explored, usize> {
    let n = engine.questions.len();
    let dims = engine.dimensions.len();
    let mut buckets: Vec<Map<Key, Entry>> = (0..n).map(|_| Map::default()).collect();
    let mut terminals: Map<(Option<usize>, Vec<i64>), Entry> = Map::default();
    let mut shown = vec![0u128; n];
    let mut total = 1usize;
    let start = (vec![None; plan.slot_last.len()], vec![0i64; dims * 3]);
    let first = Entry {
        count: 1,
        witness: None,
    };
    let finish = |forced: Option<usize>, mut key: Key, e: Entry, terminals: &mut Map<_, _>| {
        plan.settle(&mut key, usize::MAX);
        merge(terminals, (forced, key.1), e)
    };
    if n == 0 {
        finish(None, start, first, &mut terminals);
        return Ok(Explored { shown, terminals });
    }
    buckets[0].insert(start, first);

    for (rank, &i) in order.iter().enumerate() {
        let mut states: Map<Key, Entry> = Map::default();
        for (mut key, entry) in std::mem::take(&mut buckets[i]) {
            plan.settle(&mut key, rank);
            merge(&mut states, key, entry);
        }
        if states.is_empty() {
            continue;
        }
        let q = &engine.questions[i];
        let moves = moves(engine, i, plan.tested[i]).ok_or(i)?;
        for ((memo, totals), entry) in states {
            let shows = is_shown(q, plan, &memo);
            let mut sink = |target: Option<Target>, key: Key, e: Entry| {
                let fresh = match target {
                    None if i + 1 < n => merge(&mut buckets[i + 1], key, e),
                    Some(Target::Question(j)) => merge(&mut buckets[j], key, e),
                    None | Some(Target::End) => finish(None, key, e, &mut terminals),
                    Some(Target::Outcome(o)) => finish(Some(o), key, e, &mut terminals),
                };
                total += usize::from(fresh);
            };
            if !shows {
                sink(None, (memo, totals), entry);
                continue;
            }
            shown[i] = shown[i].saturating_add(entry.count);
            if !q.required {
                sink(None, (memo.clone(), totals.clone()), entry.clone());
            }
            for m in &moves {
                let (key, e) = answered(q, i, plan, m, (&memo, &totals), &entry);
                sink(m.target, key, e);
            }
            if total > MAX_STATES {
                return Err(i);
            }
        }
    }
    Ok(Explored { shown, terminals })
}

/// Adds `e` to the state `key`; true if the state is new.
fn merge<K: std::hash::Hash + Eq>(map: &mut Map<K, Entry>, key: K, e: Entry) -> bool {
    match map.get_mut(&key) {
        Some(old) => {
            old.count = old.count.saturating_add(e.count);
            false
        }
        None => {
            map.insert(key, e);
            true
        }
    }
}

/// The distinct ways to answer question `i`, merged by effect.
/// `None` if a multiple-choice question alone has too many.
/// Whether question `q` is shown in a state whose `show_if` answers are `memo`.
fn is_shown(q: &super::scoring::EQuestion, plan: &Plan, memo: &[Option<u64>]) -> bool {
    match q.show_if {
        None => true,
        Some((other, mask)) => plan.slot[other]
            .and_then(|s| memo[s])
            .is_some_and(|m| m & mask != 0),
    }
}

/// The state after question `i` (`q`) is answered with move `m` in state
/// `(memo, totals)`: points and ranges added, the answer remembered when a
/// `show_if` tests it, the witness extended.
fn answered(
    q: &super::scoring::EQuestion,
    i: usize,
    plan: &Plan,
    m: &Move,
    (memo, totals): (&[Option<u64>], &[i64]),
    entry: &Entry,
) -> (Key, Entry) {
    let mut t = totals.to_vec();
    for (d, (low, high)) in q.range.iter().enumerate() {
        t[3 * d] += m.delta[d];
        t[3 * d + 1] += low;
        t[3 * d + 2] += high;
    }
    let mut memo = memo.to_vec();
    if let Some(s) = plan.slot[i] {
        memo[s] = m.memo;
    }
    let e = Entry {
        count: entry.count.saturating_mul(m.count),
        witness: Some(Rc::new(Witness {
            question: i,
            choice: m.choice,
            prev: entry.witness.clone(),
        })),
    };
    ((memo, t), e)
}

fn moves(engine: &Engine, i: usize, tested: u64) -> Option<Vec<Move>> {
    let q = &engine.questions[i];
    type Effect = (Vec<i64>, Option<u64>, Option<Target>);
    let mut merged: Map<Effect, (u128, Choice)> = Map::default();
    let mut add = |delta: Vec<i64>, memo: Option<u64>, target, choice| {
        merged
            .entry((delta, memo, target))
            .and_modify(|(c, _)| *c = c.saturating_add(1))
            .or_insert((1, choice));
    };
    match q.kind {
        QuestionType::Single => {
            for (k, o) in q.options.iter().enumerate() {
                let bit = 1u64 << k;
                add(
                    o.scores.clone(),
                    Some(bit & tested),
                    o.next,
                    Choice::Options(bit),
                );
            }
        }
        QuestionType::Scale => {
            let (min, max) = q.scale.unwrap_or((0, 0));
            for v in min..=max {
                add(q.points(Choice::Value(v)), None, None, Choice::Value(v));
            }
        }
        QuestionType::Multiple => return multiple_moves(q, tested),
    }
    Some(
        merged
            .into_iter()
            .map(|((delta, memo, target), (count, choice))| Move {
                delta,
                memo,
                target,
                count,
                choice,
            })
            .collect(),
    )
}

/// Subsets of a multiple-choice question's non-exclusive options, built
/// option by option and merged by (points, tested options, first jump,
/// non-empty), plus each exclusive option alone.
fn multiple_moves(q: &EQuestion, tested: u64) -> Option<Vec<Move>> {
    type K = (Vec<i64>, u64, Option<Target>, bool);
    let dims = q.range.len();
    let mut states: Map<K, (u128, u64)> = Map::default();
    states.insert((vec![0; dims], 0, None, false), (1, 0));
    for (k, o) in q.options.iter().enumerate() {
        if o.exclusive {
            continue;
        }
        let bit = 1u64 << k;
        let mut next: Map<K, (u128, u64)> = Map::default();
        for ((delta, memo, target, any), (count, mask)) in &states {
            let mut with = delta.clone();
            with.iter_mut().zip(&o.scores).for_each(|(a, b)| *a += b);
            let keys = [
                ((delta.clone(), *memo, *target, *any), *mask),
                (
                    (with, memo | (bit & tested), target.or(o.next), true),
                    mask | bit,
                ),
            ];
            for (key, witness) in keys {
                next.entry(key)
                    .and_modify(|(c, _)| *c = c.saturating_add(*count))
                    .or_insert((*count, witness));
            }
        }
        if next.len() > MAX_STATES {
            return None;
        }
        states = next;
    }
    // An exclusive option is only ever chosen alone.
    for (k, o) in q.options.iter().enumerate().filter(|(_, o)| o.exclusive) {
        let bit = 1u64 << k;
        let key = (o.scores.clone(), bit & tested, o.next, true);
        states
            .entry(key)
            .and_modify(|(c, _)| *c = c.saturating_add(1))
            .or_insert((1, bit));
    }
    Some(
        states
            .into_iter()
            .filter(|(k, _)| k.3)
            .map(|((delta, memo, target, _), (count, mask))| Move {
                delta,
                memo: Some(memo),
                target,
                count,
                choice: Choice::Options(mask),
            })
            .collect(),
    )
}
