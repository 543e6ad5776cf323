//! Valid assessments: they load, their stated counts and links hold, and the
//! exact analysis agrees with brute force.
//!
//! Each `tests/fixtures/assessments/ok-*.yaml` may state, in comments,
//! `# expect-counts: outcome=N ...` (distinct answer sets per outcome) and
//! `# expect-link: LINE:COL destination`. Independently of those, every
//! fixture's analysis counts are compared with a brute-force enumeration
//! of all answer assignments through the scoring engine.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use waymark::assessment::model::QuestionType;
use waymark::assessment::scoring::{Answer, Answers};
use waymark::assessment::vectors::test_vectors;
use waymark::assessment::{Assessment, json_for_script, load, outcome_counts};

fn ok_fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/assessments")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("ok-"))
        .collect();
    files.sort();
    files
}

fn load_ok(path: &Path) -> (Assessment, String) {
    let source = std::fs::read_to_string(path).unwrap();
    let a = load(path, &source).unwrap_or_else(|diags| {
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        panic!("{} should load:\n{}", path.display(), text.join("\n"))
    });
    (a, source)
}

fn fixture(name: &str) -> Assessment {
    load_ok(Path::new(&format!("tests/fixtures/assessments/{name}"))).0
}

/// Every answer a question can take, plus "unanswered".
fn possible_answers(a: &Assessment, q: usize) -> Vec<Option<Answer>> {
    let q = &a.engine.questions[q];
    let ids: Vec<String> = q.options.iter().map(|o| o.id.clone()).collect();
    let mut out = vec![None];
    match q.kind {
        QuestionType::Single => out.extend(ids.iter().map(|id| Some(Answer::Single(id.clone())))),
        QuestionType::Multiple => {
            for mask in 1u32..(1 << ids.len()) {
                let chosen = (0..ids.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| ids[i].clone())
                    .collect();
                out.push(Some(Answer::Multiple(chosen)));
            }
        }
        QuestionType::Scale => {
            let (min, max) = q.scale.unwrap();
            out.extend((min..=max).map(|v| Some(Answer::Scale(v))));
        }
    }
    out
}

/// Distinct valid answer sets per outcome id, by trying every assignment.
fn brute_force(a: &Assessment) -> BTreeMap<String, u128> {
    let n = a.engine.questions.len();
    let choices: Vec<Vec<Option<Answer>>> = (0..n).map(|q| possible_answers(a, q)).collect();
    let mut seen = HashSet::new();
    let mut counts = BTreeMap::new();
    let mut idx = vec![0usize; n];
    loop {
        let answers: Answers = (0..n)
            .filter_map(|q| {
                choices[q][idx[q]]
                    .clone()
                    .map(|ans| (a.engine.questions[q].id.clone(), ans))
            })
            .collect();
        let result = a.evaluate(&answers);
        let complete = result
            .path
            .iter()
            .all(|(q, c)| c.is_some() || !a.engine.questions[*q].required);
        if complete && seen.insert(result.path.clone()) {
            let outcome = result
                .outcome
                .map_or("(none)".to_string(), |o| a.engine.outcomes[o].id.clone());
            *counts.entry(outcome).or_insert(0) += 1;
        }
        // Next assignment (odometer).
        let mut k = 0;
        while k < n {
            idx[k] += 1;
            if idx[k] < choices[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
        if k == n {
            break;
        }
    }
    counts
}

#[test]
fn valid_fixtures_load_and_match_their_stated_counts_and_links() {
    let files = ok_fixtures();
    assert!(files.len() >= 7, "{files:?}");
    for path in files {
        let (a, source) = load_ok(&path);
        let counts: BTreeMap<String, u128> = outcome_counts(&a).into_iter().collect();
        for line in source.lines() {
            if let Some(stated) = line.strip_prefix("# expect-counts: ") {
                let stated: BTreeMap<String, u128> = stated
                    .split_whitespace()
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap();
                        (k.to_owned(), v.parse().unwrap())
                    })
                    .collect();
                assert_eq!(counts, stated, "{}", path.display());
            }
            if let Some(stated) = line.strip_prefix("# expect-link: ") {
                let (pos, dest) = stated.split_once(' ').unwrap();
                let (l, c) = pos.split_once(':').unwrap();
                let want = (dest.to_owned(), l.parse().unwrap(), c.parse().unwrap());
                assert!(
                    a.internal_links().contains(&want),
                    "{}: {want:?} not in {:?}",
                    path.display(),
                    a.internal_links()
                );
            }
        }
    }
}

#[test]
fn exact_analysis_agrees_with_brute_force() {
    for path in ok_fixtures() {
        let (a, _) = load_ok(&path);
        let analysed: BTreeMap<String, u128> = outcome_counts(&a)
            .into_iter()
            .filter(|(_, c)| *c > 0)
            .collect();
        assert_eq!(analysed, brute_force(&a), "{}", path.display());
    }
}

#[test]
fn only_the_decision_tree_is_a_decision_tree() {
    for path in ok_fixtures() {
        let (a, _) = load_ok(&path);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            a.is_decision_tree(),
            name == "ok-decision-tree.yaml",
            "{name}"
        );
    }
}

#[test]
fn browser_data_renders_markdown_and_resolves_links() {
    let a = fixture("ok-spec-example.yaml");
    let render = |md: &str| format!("<p>{}</p>", md.trim());
    let resolve = |link: &str| link.replace("@/", "/site/").replace(".md", "/");
    let data = a.browser_data(&render, &resolve);
    assert_eq!(data["id"], "ok-spec-example");
    assert!(
        data["intro_html"]
            .as_str()
            .unwrap()
            .starts_with("<p>Answer for one")
    );
    assert_eq!(data["outcomes"][0]["url"], "/site/playbooks/go-now/");
    assert_eq!(
        data["outcomes"][0]["when"][1],
        serde_json::json!({"dimension": "evidence", "op": ">=", "value": 50.0})
    );
    assert_eq!(data["questions"][0]["options"][0]["next"], "facts");
    assert_eq!(
        data["questions"][0]["options"][1]["id"],
        "in-two-or-three-years"
    );
    assert_eq!(data["questions"][1]["show_if"]["any_of"][0], "this-year");
    assert_eq!(data["chart"]["type"], "matrix");
    assert_eq!(data["layout"], "one-per-page");
    let hash = data["hash"].as_str().unwrap();
    assert_eq!(hash.len(), 8);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let fields: Vec<&str> = a.markdown_fields().iter().map(|f| f.key.as_str()).collect();
    assert!(
        fields.contains(&"intro") && fields.contains(&"dimensions.horizon.bands.0.advice"),
        "{fields:?}"
    );
}

#[test]
fn the_hash_changes_with_the_questions_but_not_with_texts() {
    let path = Path::new("tests/fixtures/assessments/ok-spec-example.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let hash = |src: &str| {
        let a = load(path, src).unwrap();
        a.browser_data(&|s| s.to_owned(), &|s| s.to_owned())["hash"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let base = hash(&source);
    let retitled = source.replace(
        "When must this investment pay for itself?",
        "When must it pay back?",
    );
    assert_eq!(hash(&retitled), base);
    let rescored = source.replace("scores: { horizon: 4 }", "scores: { horizon: 3 }");
    assert_ne!(hash(&rescored), base);
}

#[test]
fn script_json_keeps_closing_tags_inert() {
    let path = Path::new("tests/fixtures/assessments/ok-spec-example.yaml");
    let source = std::fs::read_to_string(path)
        .unwrap()
        .replace("Go NOW!", "\"</script><script>alert(1)</script>\"");
    let a = load(path, &source).unwrap();
    let text = json_for_script(&a.browser_data(&|s| s.to_owned(), &|s| s.to_owned()));
    assert!(!text.contains("</script"), "{text}");
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        back["outcomes"][0]["title"],
        "</script><script>alert(1)</script>"
    );
}

#[test]
fn test_vectors_are_many_deterministic_and_follow_the_flow() {
    let a = fixture("ok-not-assessed.yaml");
    let v1 = test_vectors(&a, 1000, 7);
    let v2 = test_vectors(&a, 1000, 7);
    let v3 = test_vectors(&a, 1000, 8);
    assert_eq!(v1, v2);
    assert_ne!(v1, v3);
    let vectors = v1["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 1000);
    // `hires` is only shown after funded: yes, so its result is "not assessed" otherwise.
    for v in vectors {
        let funded = v["answers"]["funded"].as_str().unwrap();
        let team = &v["expected"]["percents"]["team"];
        assert_eq!(team.is_null(), funded == "no", "{v}");
    }
    assert!(
        vectors
            .iter()
            .any(|v| v["expected"]["outcome"] == "unfunded")
    );
    assert!(
        vectors
            .iter()
            .any(|v| v["expected"]["outcome"] == "staffed")
    );
}

#[test]
fn progress_counts_the_longest_route_left_not_every_question() {
    let yaml = "title: Tree\nquestions:\n  - id: a\n    text: A?\n    options:\n      - { id: one, label: One, next: b }\n      - { id: two, label: Two, next: c }\n  - id: b\n    text: B?\n    options:\n      - { id: x, label: X, next: d }\n  - id: c\n    text: C?\n    options:\n      - { id: x, label: X, next: outcome:done }\n  - id: d\n    text: D?\n    options:\n      - { id: x, label: X, next: outcome:done }\noutcomes:\n  - id: done\n    title: Done\n";
    let a = load(Path::new("tree.yaml"), yaml).unwrap_or_else(|d| panic!("{d:?}"));
    // Four questions, but no visitor is asked more than three.
    assert_eq!(
        waymark::assessment::analysis::longest_routes(&a.engine),
        vec![3, 2, 1, 1]
    );
    assert!(waymark::assessment::analysis::branches(&a.engine));
    let v = test_vectors(&a, 20, 7);
    for vector in v["vectors"].as_array().unwrap() {
        let progress = &vector["expected"]["progress"];
        assert_eq!(progress[0], serde_json::json!([1, 3, true]), "{vector}");
        if vector["expected"]["path"][1] == "c" {
            assert_eq!(progress[1], serde_json::json!([2, 2, false]));
        }
    }
    // Without branching the count is exact.
    let plain = fixture("ok-scale.yaml");
    assert!(!waymark::assessment::analysis::branches(&plain.engine));
}
