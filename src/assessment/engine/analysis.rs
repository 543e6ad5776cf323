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

use std::rc::Rc;

use super::Report;
use super::model::{QuestionType, Spec};
use super::scoring::{Choice, Engine, Target};
use super::states::{Entry, Map, Plan, explore};

pub use super::states::{MAX_STATES, Witness, witness_answers};

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

/// Runs every check; problems go to `report`. Returns the counts when the
/// flow could be explored.
pub(crate) fn analyse(spec: &Spec, engine: &Engine, report: &mut Report) -> Option<Analysis> {
    let order = flow_order(spec, engine, report)?;
    let plan = Plan::new(engine, &order);
    let explored = match explore(engine, &order, &plan) {
        Ok(e) => e,
        Err(q) => {
            report.at(
                &spec.questions.value[q].value.id,
                format!("too many distinct score combinations to analyse exactly (more than {MAX_STATES} by question `{}`)", engine.questions[q].id),
                Some("simplify: fewer dimensions per question, smaller score values (0/1/2 rather than 0/10/25), shorter scales or fewer options on multiple-choice questions; see docs/assessment-analysis.md".into()),
            );
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

/// For each question, the most questions a visitor can still be asked
/// from it, itself included: the longest route to the end through the
/// flow graph (every `next`, falling through, `show_if` questions counted
/// as shown). The page's progress says "Question 2 of up to 5" with it.
/// The flow must be acyclic (`load` rejects loops before this is used).
pub fn longest_routes(engine: &Engine) -> Vec<usize> {
    let n = engine.questions.len();
    let mut memo = vec![0usize; n + 1];
    // Jumps only go forwards in a topological order; falling through goes
    // to i + 1. Process questions so that successors are done first.
    let mut done = vec![false; n + 1];
    done[n] = true;
    let mut stack: Vec<usize> = (0..n).rev().collect();
    while let Some(&q) = stack.last() {
        if done[q] {
            stack.pop();
            continue;
        }
        let next = successors(engine, q);
        let pending: Vec<usize> = next.iter().copied().filter(|&s| !done[s]).collect();
        if pending.is_empty() {
            memo[q] = 1 + next.iter().map(|&s| memo[s]).max().unwrap_or(0);
            done[q] = true;
            stack.pop();
        } else {
            stack.extend(pending);
        }
    }
    memo.truncate(n);
    memo
}

/// Whether the flow can branch at all (a `next` or a `show_if`): only then
/// is the number of questions a visitor is asked not fixed.
pub fn branches(engine: &Engine) -> bool {
    engine
        .questions
        .iter()
        .any(|q| q.show_if.is_some() || q.options.iter().any(|o| o.next.is_some()))
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
            report.at(
                jump,
                format!("`next: {}` makes the flow loop: {} -> {}", jump.value, ids.join(" -> "), ids[0]),
                Some("a `next` must not lead back to a question that leads here; jump forwards, or to `end`".into()),
            );
        }
    }
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
        report.at(
            &spec.outcomes,
            format!("{unmatched} possible answer set(s) match no outcome and there is no default, e.g. {}", format_answers(engine, &unmatched_witness.flatten())),
            Some("add a last outcome without `when` as the default, or widen the conditions".into()),
        );
    }
    Analysis {
        outcome_counts: wins,
        unmatched,
    }
}
