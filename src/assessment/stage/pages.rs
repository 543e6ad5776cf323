//! A decision tree's static pages and every assessment's outcome pages,
//! so a tree works without JavaScript and a share link previews as its
//! outcome.

use crate::render::Value;

use super::{outcome_path, question_path};
use crate::assessment::Assessment;
use crate::render::ExtraPage;

/// A decision tree's static pages: one per question (its options link to
/// where they lead) and one per outcome, all rendered by
/// `assessment_step.html` with `assessment` and `step`:
/// `{kind: "question", question, number, up_to, options: [{label, path}]}`
/// (`up_to`: `number` plus the longest route left) or the outcome pages.
pub(super) fn tree_pages(
    a: &Assessment,
    data: &serde_json::Value,
    value: &Value,
) -> Vec<ExtraPage> {
    use serde_json::json;
    let e = &a.engine;
    let qs = data["questions"].as_array().map_or(&[][..], Vec::as_slice);
    // `next: end` with nothing scored: every dimension is not assessed.
    let at_end = e.outcome_for(&vec![None; e.dimensions.len()], None);
    let target = |next: &str| -> String {
        if let Some(oid) = next.strip_prefix("outcome:") {
            outcome_path(&a.id, oid)
        } else if next == "end" {
            // The analysis guarantees an outcome here; the page is a safe fallback.
            at_end.map_or_else(
                || format!("/assessments/{}/", a.id),
                |o| outcome_path(&a.id, &e.outcomes[o].id),
            )
        } else {
            question_path(&a.id, next)
        }
    };
    let depth = tree_depths(a);
    let page = |path: String, title: String, step: serde_json::Value| ExtraPage {
        path,
        template: "assessment_step.html".into(),
        vars: vec![
            ("assessment", value.clone()),
            ("step", Value::from_serializable(&step)),
        ],
        file: a.file.clone(),
        title,
        in_sitemap: false,
    };
    let mut pages = Vec::new();
    for (i, q) in qs.iter().enumerate() {
        let options: Vec<serde_json::Value> = q["options"]
            .as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|o| json!({"label": o["label"], "path": target(o["next"].as_str().unwrap_or("end"))}))
            .collect();
        let remaining = q["remaining"].as_u64().unwrap_or(1) as usize;
        let step = json!({
            "kind": "question",
            "question": q,
            "number": depth[i],
            "up_to": depth[i] + remaining - 1,
            "first": i == 0,
            "options": options,
        });
        let qid = q["id"].as_str().unwrap_or_default();
        let text = q["text"].as_str().unwrap_or_default().to_string();
        pages.push(page(question_path(&a.id, qid), text, step));
    }
    pages.extend(outcome_pages(a, data, value));
    pages
}

/// One page per outcome, `/assessments/ID/result/OUTCOME/`
/// (`assessment_step.html` with `step = {kind: "outcome", outcome,
/// scored}`): a decision tree's end points, and what a share link opens,
/// so a link pasted in a chat previews as the outcome while the answers
/// stay in the fragment. Its description names the outcome, not answers.
pub(super) fn outcome_pages(
    a: &Assessment,
    data: &serde_json::Value,
    value: &Value,
) -> Vec<ExtraPage> {
    use serde_json::json;
    let os = data["outcomes"].as_array().map_or(&[][..], Vec::as_slice);
    let title = data["title"].as_str().unwrap_or_default();
    os.iter()
        .map(|o| {
            let oid = o["id"].as_str().unwrap_or_default();
            let otitle = o["title"].as_str().unwrap_or_default().to_string();
            let mut v = value.as_map().cloned().unwrap_or_default();
            v.insert(
                "description".into(),
                format!("“{otitle}”: one of the results of the self-assessment “{title}”.").into(),
            );
            let step = json!({
                "kind": "outcome", "outcome": o, "question": null,
                "scored": !a.is_decision_tree(),
            });
            ExtraPage {
                path: outcome_path(&a.id, oid),
                template: "assessment_step.html".into(),
                vars: vec![
                    ("assessment", Value::from(v)),
                    ("step", Value::from_serializable(&step)),
                ],
                file: a.file.clone(),
                title: otitle,
                in_sitemap: false,
            }
        })
        .collect()
}

/// For each question of a tree, its step number on the shortest route from
/// the first question (1 for the first).
fn tree_depths(a: &Assessment) -> Vec<usize> {
    use crate::assessment::scoring::Target;
    let qs = &a.engine.questions;
    let mut depth = vec![0; qs.len()];
    if qs.is_empty() {
        return depth;
    }
    depth[0] = 1;
    let mut queue = std::collections::VecDeque::from([0]);
    while let Some(q) = queue.pop_front() {
        for o in &qs[q].options {
            if let Some(Target::Question(n)) = o.next
                && depth[n] == 0
            {
                depth[n] = depth[q] + 1;
                queue.push_back(n);
            }
        }
    }
    depth
}
