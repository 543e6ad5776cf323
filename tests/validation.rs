//! Issue 10: values that used to pass unchecked. Each is a clear error at
//! file:line:col with exit code 1 (or exit 2 for a flag), and nothing is
//! written.

mod common;

use common::*;

fn failing_build(f: &Fixture) -> String {
    let o = f.run(&["build", "--output", f.path("public").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "expected exit 1, got:\n{err}");
    assert!(!f.path("public").exists(), "nothing may be written");
    err
}

fn assert_has(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "missing `{p}` in:\n{err}");
    }
}

fn edit(f: &Fixture, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(f.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    f.write(rel, &text.replacen(from, to, 1));
}

/// Parses an XML file we wrote; panics with the parser's message if it is
/// not well-formed.
fn assert_well_formed(out: &std::path::Path, rel: &str) -> String {
    let xml = read(out, rel);
    if let Err(e) = roxmltree::Document::parse(&xml) {
        panic!("{rel} is not well-formed XML: {e}\n{xml}");
    }
    xml
}

#[test]
fn impossible_and_garbled_dates_are_errors() {
    for (date, why) in [
        ("2024-02-30", "2024-02-30"),
        ("2024-01-01Tgarbage<script>", "2024-01-01Tgarbage<script>"),
        ("2026-13-01", "2026-13-01"),
    ] {
        let f = Fixture::new("basic");
        edit(
            &f,
            "content/guides/beta.md",
            "date: 2026-02-03",
            &format!("date: \"{date}\""),
        );
        let err = failing_build(&f);
        assert_has(
            &err,
            &[
                &format!("`date` is not a date: `{why}`"),
                "content/guides/beta.md:3:7",
                "help: write dates as YYYY-MM-DD",
            ],
        );
    }
}

#[test]
fn a_date_with_a_time_keeps_it_in_the_feed_and_sitemap() {
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/guides/beta.md",
        "date: 2026-02-03",
        "date: 2026-02-03T09:30:00+01:00",
    );
    let out = f.build_ok(&[]);
    let feed = assert_well_formed(&out, "feed.xml");
    assert!(
        feed.contains("<published>2026-02-03T08:30:00Z</published>"),
        "{feed}"
    );
    let sitemap = assert_well_formed(&out, "sitemap.xml");
    assert!(
        sitemap.contains("<lastmod>2026-02-03T08:30:00Z</lastmod>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<lastmod>2026-01-02</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let f = Fixture::new("basic");
    let beta = std::fs::read_to_string(f.path("content/guides/beta.md")).unwrap();
    f.write("content/guides/beta.md", &format!("\u{feff}{beta}"));
    let out = f.build_ok(&[]);
    let html = read(&out, "guides/beta/index.html");
    assert!(html.contains("<h1>Beta</h1>"), "{html}");
    assert!(!html.contains('\u{feff}'));
}

#[test]
fn toml_and_unclosed_front_matter_have_their_own_messages() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/beta.md",
        "+++\ntitle = \"Beta\"\n+++\nBody\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "front matter in TOML (`+++`) is not supported",
            "content/guides/beta.md:1:1",
            "help: write it in YAML between `---` lines",
        ],
    );
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\n\nBody, and no closing line.\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "the front matter opened here is never closed",
            "content/guides/beta.md:1:1",
            "help: end the YAML block with a line holding only `---`",
        ],
    );
}

#[test]
fn invalid_utf8_is_located() {
    let f = Fixture::new("basic");
    std::fs::write(
        f.path("content/guides/beta.md"),
        b"---\ntitle: Beta\n---\nGood line.\nCaf\xe9 au lait.\n",
    )
    .unwrap();
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "this file is not valid UTF-8 (byte 0xE9)",
            "content/guides/beta.md:5:4",
            "help: save the file as UTF-8",
        ],
    );
}

#[test]
fn bad_alias_values_are_located() {
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/guides/beta.md",
        "weight: 2",
        "weight: 2\naliases: [{ from: x }]",
    );
    let err = failing_build(&f);
    assert_has(&err, &["content/guides/beta.md:5:"]);
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/guides/beta.md",
        "weight: 2",
        "weight: 2\naliases: [\"/a/../../b/\"]",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "alias `/a/../../b/` cannot be written: it climbs out of the site",
            "content/guides/beta.md:5:11",
        ],
    );
}

#[test]
fn control_characters_in_titles_are_errors_and_xml_stays_well_formed() {
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/guides/beta.md",
        "title: Beta",
        "title: \"Be\\x01ta\"",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "`title` holds the control character U+0001",
            "content/guides/beta.md:2:1",
        ],
    );
    let f = Fixture::new("basic");
    edit(
        &f,
        "site.yaml",
        "title: Fixture Site",
        "title: \"Fixture\\x01 Site\"",
    );
    assert_has(
        &failing_build(&f),
        &[
            "`title` holds the control character U+0001",
            "site.yaml:1:1",
        ],
    );
    // In the body (trusted Markdown), the character cannot break the feed.
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/guides/beta.md",
        "Beta intro.",
        "Beta \u{1} intro & <more>.",
    );
    let out = f.build_ok(&[]);
    let feed = assert_well_formed(&out, "feed.xml");
    assert!(feed.contains("Beta  intro &amp;amp;"), "{feed}");
    assert_well_formed(&out, "sitemap.xml");
}

#[test]
fn assessment_ids_from_file_names_must_be_url_safe() {
    let f = Fixture::new("basic");
    let quiz = std::fs::read_to_string(f.path("content/assessments/quiz.yaml")).unwrap();
    f.write("content/assessments/a\"b<x>.yaml", &quiz);
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "the assessment id `a\\\"b<x>` (the file name) is not valid",
            "content/assessments/a\"b<x>.yaml",
            "lowercase letters, digits and `-` only",
        ],
    );
}

#[test]
fn script_urls_are_refused_in_assessments_and_config() {
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/assessments/quiz.yaml",
        "summary: Well done.",
        "summary: \"Well [done](javascript:alert(1)).\"",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "a `javascript:` link is not allowed in an assessment",
            "content/assessments/quiz.yaml:26:",
        ],
    );
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/assessments/quiz.yaml",
        "link: \"@/guides/beta.md\"",
        "link: \"DATA:text/html,x\"",
    );
    assert_has(
        &failing_build(&f),
        &["a `data:` link is not allowed", "quiz.yaml:27:11"],
    );

    let f = Fixture::new("basic");
    edit(
        &f,
        "site.yaml",
        "url: \"https://example.com/\"",
        "url: \" javascript:alert(1)\"",
    );
    assert_has(
        &failing_build(&f),
        &[
            "menu link ` javascript:alert(1)` uses `javascript:`",
            "site.yaml:9:",
        ],
    );
    let f = Fixture::new("basic");
    edit(
        &f,
        "site.yaml",
        "contact: { email: hi@example.org }",
        "contact: { email: hi@example.org, booking_url: \"vbscript:x\" }",
    );
    assert_has(
        &failing_build(&f),
        &["contact.booking_url uses `vbscript:`", "site.yaml:6:"],
    );
}

#[test]
fn check_warns_about_script_urls_in_page_markdown() {
    let f = Fixture::new("basic");
    edit(
        &f,
        "content/guides/beta.md",
        "Beta intro.",
        "Beta [intro](javascript:alert(1)).",
    );
    let o = f.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "script-url")
        .collect();
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(found[0]["file"], "content/guides/beta.md");
    assert_eq!(found[0]["line"], 7);
    assert_eq!(found[0]["column"], 6);
    // Trusted authors: the build itself goes on.
    f.build_ok(&[]);
}

#[test]
fn base_url_must_be_an_absolute_http_url() {
    let f = Fixture::new("basic");
    edit(
        &f,
        "site.yaml",
        "https://example.org/sub/",
        "'https://x/\"><script>alert(1)</script>'",
    );
    assert_has(
        &failing_build(&f),
        &[
            "base_url `https://x/\\\"><script>alert(1)</script>` is not an absolute URL",
            "site.yaml:2:11",
        ],
    );
    let f = Fixture::new("basic");
    for bad in ["example.org/x", "https://x.org/a b/", "javascript:alert(1)"] {
        let o = f.run(&["build", "--base-url", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is not an absolute URL"),
            "{}",
            stderr(&o)
        );
        assert!(!f.path("public").exists());
    }
    let o = f.run(&["check", "--base-url", "example.org/x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A good one reaches 404.html's attributes as given.
    let out = f.build_ok(&["--base-url", "https://example.org/a-b_c/"]);
    let html = read(&out, "404.html");
    assert!(html.contains("\"/a-b_c/"), "{html}");
}

#[test]
fn the_theme_is_a_folder_under_themes() {
    for theme in ["../../etc", "/tmp/x", ".hidden", "a\\\\b"] {
        let f = Fixture::new("basic");
        edit(
            &f,
            "site.yaml",
            "theme: mini",
            &format!("theme: \"{theme}\""),
        );
        assert_has(
            &failing_build(&f),
            &["is not a folder name", "site.yaml:4:"],
        );
    }
}

#[test]
fn every_xml_file_of_the_default_site_is_well_formed() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = waymark(&[
        "build",
        "--quiet",
        "--root",
        repo.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml: Vec<String> = read_tree(&public)
        .into_keys()
        .filter(|k| k.ends_with(".xml"))
        .collect();
    assert!(xml.contains(&"feed.xml".to_string()) && xml.contains(&"sitemap.xml".to_string()));
    for rel in xml {
        assert_well_formed(&public, &rel);
    }
}
