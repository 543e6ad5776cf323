//! Snapshot tests: one page of each kind from `tests/fixtures/snapshots`,
//! built with the built-in default theme, kept whole in
//! `tests/snapshots/*.snap`. A change to a template, a template value or the
//! pipeline shows as a diff to review (README, "Snapshot tests"), not as a
//! silent change to every site.

mod common;

use common::TestSite;

/// The fixture site, built once per test (each test has its own folder).
fn built() -> TestSite {
    let site = TestSite::fixture("snapshots");
    site.build();
    site
}

/// Replaces asset fingerprints (`site.cc86f381.css` -> `site.[hash].css`):
/// they change with every edit of a stylesheet or script, which these
/// snapshots are not about.
fn redact_fingerprints(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('.') {
        let (head, tail) = rest.split_at(i + 1);
        out.push_str(head);
        let hex = tail
            .bytes()
            .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            .count();
        let after = &tail[hex..];
        if hex == 8 && (after.starts_with(".css") || after.starts_with(".js")) {
            out.push_str("[hash]");
            rest = after;
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Asserts the output file `rel` matches the snapshot `name`.
fn assert_page(site: &TestSite, name: &str, rel: &str) {
    let html = redact_fingerprints(&site.page(rel));
    insta::assert_snapshot!(name, html, rel);
}

#[test]
fn a_page() {
    assert_page(&built(), "page", "guides/review/index.html");
}

#[test]
fn a_page_with_an_embedded_assessment() {
    assert_page(&built(), "page_with_embed", "guides/planning/index.html");
}

#[test]
fn a_section() {
    assert_page(&built(), "section", "guides/index.html");
}

#[test]
fn the_home_page() {
    assert_page(&built(), "home", "index.html");
}

#[test]
fn an_assessment_page() {
    assert_page(&built(), "assessment", "assessments/fit/index.html");
}

#[test]
fn an_assessment_outcome_page() {
    let site = built();
    assert_page(&site, "outcome", "assessments/fit/result/steady/index.html");
}

#[test]
fn a_decision_tree_step_and_result() {
    let site = built();
    assert_page(&site, "tree_step", "assessments/path/q/skills/index.html");
    assert_page(
        &site,
        "tree_result",
        "assessments/path/result/build/index.html",
    );
}

#[test]
fn taxonomy_pages() {
    let site = built();
    assert_page(&site, "taxonomy_term", "tags/teams/index.html");
    assert_page(&site, "taxonomy_list", "tags/index.html");
}

#[test]
fn the_sitemap() {
    assert_page(&built(), "sitemap", "sitemap.xml");
}

/// The set of files a build writes, so a pipeline change that adds, drops or
/// moves a file shows too.
#[test]
fn the_files_a_build_writes() {
    let files = built().files().join("\n");
    insta::assert_snapshot!("files", redact_fingerprints(&files));
}

#[test]
fn fingerprints_are_redacted_and_nothing_else() {
    assert_eq!(
        redact_fingerprints("a href=\"../css/site.cc86f381.css\" src=\"js/x.0123abcd.js\""),
        "a href=\"../css/site.[hash].css\" src=\"js/x.[hash].js\""
    );
    for kept in ["v1.2.3", "site.cc86f38.css", "x.cc86f381.png", "end."] {
        assert_eq!(redact_fingerprints(kept), kept);
    }
}
