//! `serve`'s rebuild engine after edits of every kind equals a clean build,
//! byte for byte, and renders no more than what the edit changed.
//!
//! The site: the default theme with search and feed on, two taxonomies,
//! assessments (one embedded in a guide), and a page template with a
//! sidebar listing the section's pages (title, date, reading time). Each
//! step edits the sources, runs [`serve::Engine::rebuild`] with the paths
//! the watcher would report, and compares every served file with a fresh
//! `Site::write` of the same sources.

mod common;

use std::path::PathBuf;

use common::*;
use waymark::serve::{self, Engine, Rebuilt};
use waymark::site::BuildOptions;

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1/sub/".into()),
        portable: false,
    }
}

/// The assessment fixture plus a `guides` section of five pages with a sidebar.
fn site() -> Fixture {
    let f = Fixture::new("assess-site");
    let yaml = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &yaml
            .replace("taxonomies: [tags]", "taxonomies: [tags, levels]")
            .replace("search: false", "search: true")
            .replace("feed: false", "feed: true"),
    );
    f.write(
        "content/guides/_index.md",
        "---\ntitle: Guides\nsort_by: weight\n---\nAll the guides.\n",
    );
    for i in 1..=5 {
        f.write(
            &format!("content/guides/g{i}.md"),
            &guide(i, &format!("Guide {i}"), i),
        );
    }
    f.write(
        "templates/page.html",
        r#"{% extends "base.html" %}
{% block main %}
<aside><ul>{% for p in section.pages %}<li><a href="{{ p.path }}">{{ p.title }}</a> {{ p.date }} {{ p.reading_time }} min</li>{% endfor %}</ul></aside>
<article><h1>{{ page.title }}</h1>{{ page.content | safe }}
{% if page.previous %}<a href="{{ page.previous.path }}">{{ page.previous.title }}</a>{% endif %}
{% if page.next %}<a href="{{ page.next.path }}">{{ page.next.title }}</a>{% endif %}
{% for name, terms in page.taxonomies %}{% for t in terms %}<a href="{{ t.path }}">{{ t.name }}</a>{% endfor %}{% endfor %}
</article>
{% endblock main %}
"#,
    );
    f.write("static/notes.txt", "first\n");
    f
}

fn guide(i: usize, title: &str, weight: usize) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2026-01-{:02}\nweight: {weight}\ntags: [plans, t{i}]\nlevels: [intro]\n---\n\
         The first paragraph of guide {i}.\n\n## Details\n\nMore about guide {i}, \
         see [another one](@/guides/g{}.md).\n",
        10 + i,
        if i == 1 { 2 } else { 1 }
    )
}

/// The engine over `f`, after its first build.
fn engine(f: &Fixture) -> Engine {
    let mut e = Engine::new(f.root(), options());
    e.rebuild(&serve::Changes::everything(), &mut |_| {})
        .expect("first build");
    e
}

/// Rebuilds after `paths` changed (as the watcher reports them), checks the
/// result against a clean build and returns what the rebuild did.
fn step(f: &Fixture, e: &mut Engine, paths: &[&str]) -> Rebuilt {
    let paths: Vec<PathBuf> = paths.iter().map(|p| f.path(p)).collect();
    let changes = serve::classify(f.root(), Some("default"), &paths);
    let r = e.rebuild(&changes, &mut |_| {}).expect("rebuild");
    assert_serves_clean_build(&e.files().expect("a good build"), f.root(), &options());
    r
}

fn edit(f: &Fixture, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(f.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} contains {from:?}");
    f.write(rel, &text.replacen(from, to, 1));
}

/// HTML pages among the changed files.
fn pages(r: &Rebuilt) -> Vec<&str> {
    r.changed
        .iter()
        .map(String::as_str)
        .filter(|k| k.ends_with(".html"))
        .collect()
}

#[test]
fn whitespace_and_body_edits_render_only_the_page() {
    let f = site();
    let mut e = engine(&f);
    assert_serves_clean_build(&e.files().expect("a good build"), f.root(), &options());
    let g3 = "content/guides/g3.md";

    // Whitespace at the end of the body: nothing visible changes.
    let text = std::fs::read_to_string(f.path(g3)).unwrap();
    f.write(g3, &format!("{text}\n\n"));
    let r = step(&f, &mut e, &[g3]);
    assert!(r.rendered <= 1, "at most the page itself: {r:?}");
    assert!(
        pages(&r).iter().all(|p| *p == "guides/g3/index.html"),
        "{r:?}"
    );

    // A sentence added at the end: its word count changes, which no
    // template shows; lists, neighbours and terms stay as they are.
    edit(
        &f,
        g3,
        "More about guide 3",
        "More, and more again, about guide 3",
    );
    let r = step(&f, &mut e, &[g3]);
    assert_eq!(r.rendered, 1, "only the edited page: {r:?}");
    assert_eq!(pages(&r), ["guides/g3/index.html"], "{r:?}");
}

#[test]
fn front_matter_edits_render_the_lists_that_show_them() {
    let f = site();
    let mut e = engine(&f);
    let g3 = "content/guides/g3.md";

    // Title: the page, its section, its neighbours, the sidebars, its terms.
    edit(&f, g3, "title: Guide 3", "title: Guide Three");
    let r = step(&f, &mut e, &[g3]);
    let changed = pages(&r);
    for p in [
        "guides/g3/index.html",
        "guides/index.html",
        "guides/g2/index.html",
        "guides/g4/index.html",
        "tags/plans/index.html",
    ] {
        assert!(changed.contains(&p), "{p} shows the title: {r:?}");
    }

    // The summary (first paragraph) shows in lists too.
    edit(&f, g3, "The first paragraph", "The opening paragraph");
    let r = step(&f, &mut e, &[g3]);
    assert!(pages(&r).contains(&"guides/index.html"), "{r:?}");

    // Date, then weight (which reorders the section and its neighbours).
    edit(&f, g3, "date: 2026-01-13", "date: 2025-12-01");
    step(&f, &mut e, &[g3]);
    edit(&f, g3, "weight: 3", "weight: 9");
    let r = step(&f, &mut e, &[g3]);
    assert!(pages(&r).contains(&"guides/g5/index.html"), "{r:?}");

    // Terms: one appears, one disappears.
    edit(&f, g3, "tags: [plans, t3]", "tags: [plans, fresh]");
    let r = step(&f, &mut e, &[g3]);
    assert!(pages(&r).contains(&"tags/fresh/index.html"), "{r:?}");
    assert!(
        !e.files().unwrap().contains_key("tags/t3/index.html"),
        "the empty term is gone"
    );
    edit(&f, g3, "levels: [intro]", "levels: [intro, deep]");
    step(&f, &mut e, &[g3]);

    // Draft: the page leaves the site, then comes back.
    edit(
        &f,
        g3,
        "title: Guide Three",
        "title: Guide Three\ndraft: true",
    );
    step(&f, &mut e, &[g3]);
    assert!(!e.files().unwrap().contains_key("guides/g3/index.html"));
    edit(&f, g3, "draft: true\n", "");
    step(&f, &mut e, &[g3]);
    assert!(e.files().unwrap().contains_key("guides/g3/index.html"));
}

#[test]
fn renames_deletions_templates_assessments_and_static_files() {
    let f = site();
    let mut e = engine(&f);

    // Rename (the watcher reports both paths) with the link to it.
    std::fs::rename(
        f.path("content/guides/g2.md"),
        f.path("content/guides/two.md"),
    )
    .unwrap();
    edit(
        &f,
        "content/guides/g1.md",
        "@/guides/g2.md",
        "@/guides/two.md",
    );
    step(
        &f,
        &mut e,
        &[
            "content/guides/g2.md",
            "content/guides/two.md",
            "content/guides/g1.md",
        ],
    );

    // A new page, then a deletion.
    f.write("content/guides/g6.md", &guide(6, "Guide 6", 6));
    step(&f, &mut e, &["content/guides/g6.md"]);
    edit(
        &f,
        "content/guides/g5.md",
        "@/guides/g1.md",
        "@/guides/g6.md",
    );
    step(&f, &mut e, &["content/guides/g5.md"]);
    edit(
        &f,
        "content/guides/g5.md",
        "@/guides/g6.md",
        "@/guides/g1.md",
    );
    step(&f, &mut e, &["content/guides/g5.md"]);
    std::fs::remove_file(f.path("content/guides/g6.md")).unwrap();
    step(&f, &mut e, &["content/guides/g6.md"]);

    // The site's page template: the pages using it.
    edit(
        &f,
        "templates/page.html",
        "<aside>",
        "<aside class=\"side\">",
    );
    let r = step(&f, &mut e, &["templates/page.html"]);
    assert!(pages(&r).contains(&"guides/g1/index.html"), "{r:?}");
    assert!(
        !pages(&r).contains(&"index.html"),
        "home uses index.html: {r:?}"
    );

    // An assessment embedded in the guide: its page and the guide.
    edit(
        &f,
        "content/assessments/pulse.yaml",
        "title: Team pulse check",
        "title: Team pulse survey",
    );
    let r = step(&f, &mut e, &["content/assessments/pulse.yaml"]);
    assert!(pages(&r).contains(&"guide/index.html"), "{r:?}");

    // Static files: a new one, a changed one, a removed one.
    f.write("static/more.txt", "more\n");
    step(&f, &mut e, &["static/more.txt"]);
    f.write("static/notes.txt", "second, longer\n");
    step(&f, &mut e, &["static/notes.txt"]);
    std::fs::remove_file(f.path("static/more.txt")).unwrap();
    step(&f, &mut e, &["static/more.txt"]);

    // A section's own text: the section page.
    edit(
        &f,
        "content/guides/_index.md",
        "All the guides.",
        "Every guide.",
    );
    let r = step(&f, &mut e, &["content/guides/_index.md"]);
    assert!(pages(&r).contains(&"guides/index.html"), "{r:?}");
}
