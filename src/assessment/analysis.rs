//! The exact build-time analysis: loops, unreachable questions and
//! outcomes, shadowed outcomes, answers that match nothing.
//!
//! Method (also in `docs/assessment-analysis.md`): the flow graph (question
//! -> possible next questions) must be acyclic; it is then walked in
//! topological order carrying a set of *states*. A state is what the rest
//! of the flow can still depend on: the answers to questions that a later
//! `show_if` tests (only the tested options), and per dimension the points
//! so far with the lowest and highest possible. Once no later question can
//! score a dimension, its exact numbers are replaced by which outcome
//! conditions on it hold ("settling"), so independent dimensions do not
//! multiply. States that agree are merged, adding up how many distinct
//! answer sets reach them (u128, saturating) and keeping one of those answer
//! sets as a witness. At the end each final state decides an outcome for a
//! known number of answer sets. Nothing is sampled, so "unreachable" means
//! unreachable.
//!
//! If the states still pass [`MAX_STATES`], the analysis stops with an
//! error asking the author to simplify, rather than hanging.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::Report;
use super::model::{Condition, QuestionType, Spec};
use super::scoring::{Choice, Engine, Target, percent};

/// A hash map with a fixed, fast hasher: the same assessment always gives
/// the same witnesses in its messages, and the keys (small integer vectors
/// made by Waymark, not by visitors) need no protection against flooding.
type Map<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (FxHash), a few lines instead of a dependency.
#[derive(Default)]
struct FxHasher(u64);

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
pub const MAX_STATES: usize = 1_000_000;

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

/// An answer set written as an `examples` entry, ready to paste.
pub fn format_answers(engine: &Engine, w: &Option<Rc<Witness>>) -> String {
    let parts: Vec<String> = witness_answers(w)
        .into_iter()
        .map(|(q, choice)| {
            let q = &engine.questions[q];
            let value = match choice {
                Choice::Value(v) => v.to_string(),
                Choice::Options(mask) => {
                    let ids: Vec<&str> = (0..q.options.len())
                        .filter(|i| mask & (1 << i) != 0)
                        .map(|i| q.options[i].id.as_str())
                        .collect();
                    if q.kind == QuestionType::Multiple {
                        format!("[{}]", ids.join(", "))
                    } else {
                        ids.join(", ")
                    }
                }
            };
            format!("{}: {value}", q.id)
        })
        .collect();
    if parts.is_empty() {
        "{ } (no question answered)".into()
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

/// What the analysis found, for `waymark check` and the page.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Distinct answer sets per outcome index.
    pub outcome_counts: Vec<u128>,
    /// Distinct answer sets that reach no outcome.
    pub unmatched: u128,
}

#[derive(Clone)]
struct Entry {
    count: u128,
    witness: Option<Rc<Witness>>,
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

/// Runs every check; problems go to `report`. Returns the counts when the
/// flow could be explored.
pub(crate) fn analyse(spec: &Spec, engine: &Engine, report: &mut Report) -> Option<Analysis> {
    let order = flow_order(spec, engine, report)?;
    let plan = Plan::new(engine, &order);
    let explored = match explore(engine, &order, &plan) {
        Ok(e) => e,
        Err(q) => {
            report.at(&spec.questions.value[q].value.id, format!("too many distinct score combinations to analyse exactly (more than {MAX_STATES} by question `{}`)", engine.questions[q].id), Some("simplify: fewer dimensions per question, smaller score values (0/1/2 rather than 0/10/25), shorter scales or fewer options on multiple-choice questions; see docs/assessment-analysis.md".into()));
            return None;
        }
    };
    for (i, q) in spec.questions.value.iter().enumerate() {
        if explored.shown[i] == 0 {
            let hint = if q.value.show_if.is_some() {
                "its `show_if` never holds on any path that reaches it; check the question and options it tests, and that the tested question comes first"
            } else {
                "every path jumps past it with `next`; point a `next` at it or remove it"
            };
            report.at(
                &q.value.id,
                format!("question `{}` can never be shown", q.value.id.value),
                Some(hint.into()),
            );
        }
    }
    Some(judge_outcomes(
        spec,
        engine,
        &plan,
        &explored.terminals,
        report,
    ))
}

/// Checks the flow graph for loops and returns a topological order of the
/// questions (`None` after reporting each loop).
fn flow_order(spec: &Spec, engine: &Engine, report: &mut Report) -> Option<Vec<usize>> {
    let n = engine.questions.len();
    let edges: Vec<Vec<usize>> = (0..n).map(|i| successors(engine, i)).collect();
    // Iterative depth-first search; colour 1 = on the stack, 2 = done.
    let mut colour = vec![0u8; n + 1];
    let mut post = Vec::new();
    let mut looped = false;
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        colour[start] = 1;
        while let Some(&mut (u, ref mut k)) = stack.last_mut() {
            let next = edges.get(u).and_then(|e| e.get(*k)).copied();
            *k += 1;
            match next {
                Some(v) if colour[v] == 0 => {
                    colour[v] = 1;
                    stack.push((v, 0));
                }
                Some(v) if colour[v] == 1 => {
                    looped = true;
                    let cycle: Vec<usize> =
                        stack.iter().map(|s| s.0).skip_while(|&s| s != v).collect();
                    report_loop(spec, engine, &cycle, report);
                }
                Some(_) => {}
                None => {
                    colour[u] = 2;
                    post.push(u);
                    stack.pop();
                }
            }
        }
    }
    if looped {
        return None;
    }
    post.reverse();
    Some(post.into_iter().filter(|&q| q < n).collect())
}

/// Where the flow can go from question `i` (index `n` = the end).
fn successors(engine: &Engine, i: usize) -> Vec<usize> {
    let n = engine.questions.len();
    let q = &engine.questions[i];
    let falls_through = q.show_if.is_some()
        || !q.required
        || q.kind == QuestionType::Scale
        || q.options.iter().any(|o| o.next.is_none());
    let mut out = Vec::new();
    if falls_through {
        out.push(i + 1);
    }
    for o in &q.options {
        out.push(match o.next {
            Some(Target::Question(j)) => j,
            _ => n,
        });
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn report_loop(spec: &Spec, engine: &Engine, cycle: &[usize], report: &mut Report) {
    // A loop needs a jump backwards (falling through only goes forwards).
    let ids: Vec<&str> = cycle
        .iter()
        .map(|&q| engine.questions[q].id.as_str())
        .collect();
    for (k, &from) in cycle.iter().enumerate() {
        let to = cycle[(k + 1) % cycle.len()];
        if to > from {
            continue;
        }
        let options = &spec.questions.value[from].value.options;
        let jump = engine.questions[from]
            .options
            .iter()
            .position(|o| o.next == Some(Target::Question(to)))
            .and_then(|o| options[o].value.next.as_ref());
        if let Some(jump) = jump {
            report.at(jump, format!("`next: {}` makes the flow loop: {} -> {}", jump.value, ids.join(" -> "), ids[0]), Some("a `next` must not lead back to a question that leads here; jump forwards, or to `end`".into()));
        }
    }
}

struct Explored {
    shown: Vec<u128>,
    /// Final states: (forced outcome, per dimension the mask of its
    /// conditions that hold) -> answer sets.
    terminals: Map<(Option<usize>, Vec<i64>), Entry>,
}

/// Marks a dimension whose score is final and stored as a condition mask.
const FINAL: i64 = i64::MIN;

/// What the exploration needs to know beyond the engine: which answers
/// `show_if` tests, and when a dimension or a tested answer stops mattering.
struct Plan {
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
    fn new(engine: &Engine, order: &[usize]) -> Plan {
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
                let scores = |q: &super::scoring::EQuestion| {
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
    fn holds(&self, engine: &Engine, outcome: usize, settled: &[i64]) -> bool {
        match &engine.outcomes[outcome].when {
            None => false,
            Some(when) => when.iter().all(|(d, c)| {
                let k = self.conditions[*d].iter().position(|x| x == c).unwrap_or(0);
                settled[3 * d] & (1 << k) != 0
            }),
        }
    }

    /// [`Engine::outcome_for`] on settled dimensions.
    fn outcome(&self, engine: &Engine, settled: &[i64], forced: Option<usize>) -> Option<usize> {
        forced
            .or_else(|| (0..engine.outcomes.len()).find(|&o| self.holds(engine, o, settled)))
            .or_else(|| engine.default_outcome())
    }
}

/// The dynamic programme over the flow; `Err(question)` when it explodes.
fn explore(engine: &Engine, order: &[usize], plan: &Plan) -> Result<Explored, usize> {
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
            let shows = match q.show_if {
                None => true,
                Some((other, mask)) => plan.slot[other]
                    .and_then(|s| memo[s])
                    .is_some_and(|m| m & mask != 0),
            };
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
                let mut t = totals.clone();
                for d in 0..dims {
                    t[3 * d] += m.delta[d];
                    t[3 * d + 1] += q.range[d].0;
                    t[3 * d + 2] += q.range[d].1;
                }
                let mut memo = memo.clone();
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
                sink(m.target, (memo, t), e);
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

/// Subsets of a multiple-choice question, built option by option and
/// merged by (points, tested options, first jump, non-empty).
fn multiple_moves(q: &super::scoring::EQuestion, tested: u64) -> Option<Vec<Move>> {
    type K = (Vec<i64>, u64, Option<Target>, bool);
    let dims = q.range.len();
    let mut states: Map<K, (u128, u64)> = Map::default();
    states.insert((vec![0; dims], 0, None, false), (1, 0));
    for (k, o) in q.options.iter().enumerate() {
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

/// Decides each final state's outcome and reports outcomes that can never
/// win, and answers that match nothing when there is no default.
fn judge_outcomes(
    spec: &Spec,
    engine: &Engine,
    plan: &Plan,
    terminals: &Map<(Option<usize>, Vec<i64>), Entry>,
    report: &mut Report,
) -> Analysis {
    let k = engine.outcomes.len();
    let mut wins = vec![0u128; k];
    // For an outcome that holds somewhere but loses: (winner, witness).
    let mut beaten: Vec<Option<(usize, Option<Rc<Witness>>)>> = vec![None; k];
    let mut unmatched = 0u128;
    let mut unmatched_witness = None;
    // Sorting makes the chosen witnesses stable from run to run.
    let mut finals: Vec<_> = terminals.iter().collect();
    finals.sort_by(|a, b| a.0.cmp(b.0));
    for ((forced, settled), entry) in finals {
        match plan.outcome(engine, settled, *forced) {
            Some(w) => {
                wins[w] = wins[w].saturating_add(entry.count);
                if forced.is_none() {
                    for (o, slot) in beaten.iter_mut().enumerate() {
                        if o != w && slot.is_none() && plan.holds(engine, o, settled) {
                            *slot = Some((w, entry.witness.clone()));
                        }
                    }
                }
            }
            None => {
                unmatched = unmatched.saturating_add(entry.count);
                unmatched_witness.get_or_insert_with(|| entry.witness.clone());
            }
        }
    }
    let default = engine.default_outcome();
    for (o, outcome) in spec.outcomes.value.iter().enumerate() {
        if wins[o] > 0 {
            continue;
        }
        let id = &outcome.value.id;
        let (message, hint) = match (&beaten[o], &engine.outcomes[o].when) {
            (Some((winner, witness)), _) => (
                format!("outcome `{}` can never be the result: whenever its conditions hold, `{}` (listed earlier) wins", id.value, engine.outcomes[*winner].id),
                format!("for example with answers {}; narrow the earlier outcome's `when`, or move this outcome above it", format_answers(engine, witness)),
            ),
            (None, Some(_)) => (
                format!("outcome `{}` can never be the result: no possible answers satisfy its `when`", id.value),
                "check the thresholds against the scores the questions can give (a dimension that no answered question can move is not assessed, so conditions on it are false)".into(),
            ),
            (None, None) if Some(o) != default => (
                format!("outcome `{}` can never be the result: only the first outcome without `when` (`{}`) is the default", id.value, default.map_or("", |d| engine.outcomes[d].id.as_str())),
                format!("add a `when`, or reach it with `next: outcome:{}`", id.value),
            ),
            (None, None) => (
                format!("the default outcome `{}` is never used: every possible set of answers matches an earlier outcome", id.value),
                "remove it, or narrow the other outcomes' `when`".into(),
            ),
        };
        report.at(id, message, Some(hint));
    }
    if unmatched > 0 {
        report.at(&spec.outcomes, format!("{unmatched} possible answer set(s) match no outcome and there is no default, e.g. {}", format_answers(engine, &unmatched_witness.flatten())), Some("add a last outcome without `when` as the default, or widen the conditions".into()));
    }
    Analysis {
        outcome_counts: wins,
        unmatched,
    }
}
