//! Every kind of user error: a non-zero exit, the file:line:col, the
//! offending source line and a hint. Each test breaks one thing in a copy of
//! the basic fixture.

mod common;

use common::*;

/// Builds and returns stderr, asserting exit code 1.
fn failing_build(f: &Fixture) -> String {
    let o = f.run(&["build", "--output", f.path("public").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "expected failure, got:\n{err}");
    assert!(!f.path("public").exists(), "nothing may be written");
    err
}

fn assert_has(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "missing `{p}` in:\n{err}");
    }
}

#[test]
fn bad_yaml_in_front_matter() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\ntags: [AI\n---\nBody\n",
    );
    let err = failing_build(&f);
    assert_has(&err, &["content/guides/beta.md:", "help:"]);
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\ndescripton: x\n---\nBody\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "unknown key `descripton`",
            "content/guides/beta.md:3:1",
            "descripton: x",
            "did you mean `description`?",
        ],
    );
}

#[test]
fn unknown_site_yaml_key_suggests_the_right_one() {
    let f = Fixture::new("basic");
    let cfg = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write("site.yaml", &cfg.replace("taxonomies:", "taxonomy:"));
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "unknown key `taxonomy`",
            "site.yaml:",
            "did you mean `taxonomies`?",
        ],
    );
}

#[test]
fn missing_required_title() {
    let f = Fixture::new("basic");
    f.write("content/guides/beta.md", "---\nweight: 2\n---\nBody\n");
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "missing required key `title`",
            "content/guides/beta.md:1",
            "add a line `title: ...`",
        ],
    );
}

#[test]
fn broken_internal_link_and_anchor() {
    let f = Fixture::new("basic");
    f.write("content/guides/beta.md", "---\ntitle: Beta\n---\nIntro.\n\nSee [x](@/guides/nope.md) and\n[y](@/guides/alpha.md#when-to-us).\n");
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "broken internal link: `@/guides/nope.md` does not exist",
            // The caret sits under the URL, not the link text.
            "content/guides/beta.md:6:9",
            "did you mean `@/guides/beta.md`?",
            "broken anchor: `@/guides/alpha.md` has no heading `#when-to-us`",
            "content/guides/beta.md:7:5",
            "did you mean `when-to-use`?",
        ],
    );
}

#[test]
fn unknown_template_names_the_front_matter_line() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\ntemplate: pgae.html\n---\nBody\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "unknown template `pgae.html`",
            "content/guides/beta.md:3:",
            "did you mean `page.html`?",
        ],
    );
}

#[test]
fn template_syntax_error_names_the_template_file_and_line() {
    let f = Fixture::new("basic");
    f.write(
        "themes/mini/templates/section.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ section.title }\n{% endblock main %}\n",
    );
    let err = failing_build(&f);
    assert_has(&err, &["themes/mini/templates/section.html:3:", "help:"]);
}

#[test]
fn template_rendering_error_names_the_template_and_the_page() {
    let f = Fixture::new("basic");
    f.write("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ url(path=\"@/nowhere.md\") }}\n{% endblock main %}\n");
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "templates/page.html:3:",
            "`@/nowhere.md` names no page",
            "rendering /guides/alpha/",
        ],
    );
}

#[test]
fn two_pages_claiming_one_url() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/other.md",
        "---\ntitle: Other\nslug: beta\n---\nBody\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "two pages claim the URL `/guides/beta/`",
            "rename one file or give one a different `slug`",
        ],
    );
}

#[test]
fn several_errors_are_reported_in_one_run() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\nwieght: 2\n---\n[x](@/missing.md)\n",
    );
    f.write("content/guides/gamma.md", "---\nweight: 2\n---\nBody\n");
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "unknown key `wieght`",
            "missing required key `title`",
            "content/guides/gamma.md",
        ],
    );
    assert!(err.contains("problems found"), "{err}");
}

#[test]
fn bad_base_url_and_bad_date() {
    let f = Fixture::new("basic");
    let cfg = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &cfg.replace("https://example.org/sub/", "example.org"),
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "base_url `example.org` is not an absolute URL",
            "site.yaml:2:",
        ],
    );
    f.write("site.yaml", &cfg);
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\ndate: 2026-02-30x\n---\nBody\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "`date` is not a date",
            "content/guides/beta.md:3:",
            "YYYY-MM-DD",
        ],
    );
}

#[test]
fn unknown_embedded_assessment_and_menu_link() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\n---\nIntro.\n\n```assessment\nnope\n```\n",
    );
    let cfg = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &cfg.replace("@/guides/_index.md", "@/guide/_index.md"),
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "no assessment `nope` to embed",
            "content/guides/beta.md:7:",
            "menu link `@/guide/_index.md` names no page",
        ],
    );
}

#[test]
fn a_taxonomy_may_not_take_a_section_url_unless_given_its_own_path() {
    let f = Fixture::new("basic");
    let cfg = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &cfg.replace("taxonomies: [tags]", "taxonomies: [tags, guides]"),
    );
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\nguides: [Alpha]\n---\n## Details\n",
    );
    let err = failing_build(&f);
    assert_has(
        &err,
        &[
            "`guides/index.html` would be written twice",
            "`guides` taxonomy",
            "give the taxonomy its own path",
        ],
    );
    f.write(
        "site.yaml",
        &cfg.replace(
            "taxonomies: [tags]",
            "taxonomies: [tags, { name: guides, path: /by-guide/ }]",
        ),
    );
    let out = f.build_ok(&[]);
    assert!(out.join("by-guide/alpha/index.html").is_file());
    assert!(
        read(&out, "guides/index.html").contains("All the guides."),
        "the section keeps its URL"
    );
}
