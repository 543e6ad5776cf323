//! Issue 10: inputs that used to take quadratic time or unbounded memory.
//! These tests check correctness only; their speed is measured by
//! `cargo run --release --example quadratic_inputs` (never a timed assertion).

mod common;

use common::*;

#[test]
fn forty_thousand_equal_headings_get_distinct_ids() {
    let f = Fixture::new("basic");
    let body = "## Step\n\nText.\n\n".repeat(40_000);
    f.write(
        "content/guides/beta.md",
        &format!("---\ntitle: Beta\n---\n## Details\n\n{body}"),
    );
    let out = f.build_ok(&[]);
    let html = read(&out, "guides/beta/index.html");
    let ids = ids(&html);
    let steps: Vec<&String> = ids.iter().filter(|i| i.starts_with("step")).collect();
    // Each heading once in the body and once in the table of contents' links
    // (`href`, not `id`), so 40,000 ids.
    assert_eq!(steps.len(), 40_000);
    assert_eq!(steps[0], "step");
    assert_eq!(steps[1], "step-1");
    assert_eq!(steps[39_999], "step-39999");
    let unique: std::collections::HashSet<&&String> = steps.iter().collect();
    assert_eq!(unique.len(), 40_000);
}

#[test]
fn twenty_thousand_embeds_are_all_rendered() {
    let f = Fixture::new("basic");
    f.write(
        "themes/mini/templates/assessment_embed.html",
        "<div class=\"embedded\" id=\"{{ embed.uid }}\">{{ assessment.title }}</div>",
    );
    let body = "```assessment\nquiz\n```\n\n".repeat(20_000);
    f.write(
        "content/guides/beta.md",
        &format!("---\ntitle: Beta\n---\n## Details\n\n{body}"),
    );
    let out = f.build_ok(&[]);
    let html = read(&out, "guides/beta/index.html");
    assert_eq!(html.matches("class=\"embedded\"").count(), 20_000);
    assert!(html.contains("id=\"wm-quiz-20000\""));
    assert!(!html.contains("waymark:assessment"), "no marker left");
}

#[test]
fn invalid_utf8_in_site_yaml_and_assessments_is_located() {
    let f = Fixture::new("basic");
    let mut cfg = std::fs::read(f.path("site.yaml")).unwrap();
    cfg.extend_from_slice(b"# caf\xe9\n");
    std::fs::write(f.path("site.yaml"), cfg).unwrap();
    let o = f.run(&["build", "--output", f.path("public").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("this file is not valid UTF-8") && err.contains("site.yaml:11:6"),
        "{err}"
    );
    let f = Fixture::new("basic");
    let mut quiz = std::fs::read(f.path("content/assessments/quiz.yaml")).unwrap();
    quiz.splice(0..0, b"# \xff\n".iter().copied());
    std::fs::write(f.path("content/assessments/quiz.yaml"), quiz).unwrap();
    let o = f.run(&["build", "--output", f.path("public").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("content/assessments/quiz.yaml:1:3"), "{err}");
}

#[test]
fn an_oversized_markdown_file_is_refused_before_it_is_read() {
    let f = Fixture::new("basic");
    let big = format!(
        "---\ntitle: Big\n---\n{}",
        "All work and no play. ".repeat(50 * 1024 * 1024 / 22)
    );
    f.write("content/guides/big.md", &big);
    let o = f.run(&["build", "--output", f.path("public").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("content/guides/big.md"), "{err}");
    assert!(
        err.contains("this file is 50.0 MB; source files are limited to 8 MB"),
        "{err}"
    );
    assert!(err.contains("help: split it"), "{err}");
    assert!(!f.path("public").exists());
}
