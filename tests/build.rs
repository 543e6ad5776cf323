//! `waymark build` on the fixture sites: what is produced and how it links.

mod common;

use common::*;

#[test]
fn builds_pretty_urls_bundles_static_files_and_machine_files() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&[]);
    for file in [
        "index.html",
        "guides/index.html",
        "guides/alpha/index.html",
        "guides/beta/index.html",
        "guides/bundle/index.html",
        "guides/bundle/pic.png",
        "tags/index.html",
        "tags/ai/index.html",
        "tags/strategy/index.html",
        "assessments/quiz/index.html",
        "hello.txt",
        "404.html",
        "sitemap.xml",
        "feed.xml",
        "robots.txt",
        "old-alpha/index.html",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
    assert!(
        !out.join("guides/secret").exists(),
        "drafts are skipped by default"
    );
    // The theme's stylesheet (search adds its own, css/search.*.css).
    let css: Vec<_> = read_tree(&out.join("css"))
        .into_keys()
        .filter(|n| n.starts_with("site."))
        .collect();
    assert_eq!(css.len(), 1);
    assert!(
        css[0].starts_with("site.")
            && css[0].ends_with(".css")
            && css[0].len() == "site.12345678.css".len(),
        "{css:?}"
    );
    assert!(read(&out, "index.html").contains(&format!("css/{}", css[0])));
}

#[test]
fn drafts_flag_includes_drafts() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&["--drafts"]);
    assert!(out.join("guides/secret/index.html").is_file());
}

#[test]
fn page_context_has_order_neighbours_breadcrumbs_toc_and_taxonomies() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&[]);
    let alpha = read(&out, "guides/alpha/index.html");
    assert!(
        alpha.contains(r#"<a rel="next" href="../beta/">Beta</a>"#),
        "{alpha}"
    );
    assert!(!alpha.contains(r#"rel="prev""#));
    assert!(alpha.contains(
        r#"<nav class="crumbs"><a href="../../">Home</a><a href="../">Guides</a></nav>"#
    ));
    assert!(alpha.contains(r##"<a href="#when-to-use">When to use</a>"##));
    assert!(alpha.contains(r#"<h2 id="when-to-use">"#));
    assert!(alpha.contains(r#"<a class="tag" href="../../tags/strategy/">Strategy</a>"#));
    assert!(alpha.contains("2 January 2026"));
    assert!(
        alpha.contains(r#"<a href="../beta/#details">"#),
        "@/ link with anchor resolved"
    );
    let beta = read(&out, "guides/beta/index.html");
    assert!(beta.contains(r#"<a rel="prev" href="../alpha/">Alpha</a>"#));
    assert!(beta.contains(r#"<a rel="next" href="../bundle/">Bundle</a>"#));
    // Sidebar: the section's pages in weight order, on every page.
    assert!(beta.contains(r#"<aside><a href="../alpha/">Alpha</a><a href="./">Beta</a><a href="../bundle/">Bundle</a></aside>"#), "{beta}");
    let ai = read(&out, "tags/ai/index.html");
    assert!(
        ai.find("Beta").unwrap() < ai.find("Alpha").unwrap(),
        "terms list newest first"
    );
    let home = read(&out, "index.html");
    assert!(
        home.contains(r#"<a href="assessments/quiz/">Quiz</a>"#),
        "{home}"
    );
    assert!(
        home.contains(r#"<a href="guides/alpha/">alpha</a>"#),
        "url() resolves @/ paths"
    );
    assert!(!home.contains(r#"<a href="guides/" aria-current"#));
    let guides = read(&out, "guides/index.html");
    assert!(
        guides.contains(r#"<a href="./" aria-current="page">Guides</a>"#),
        "{guides}"
    );
}

#[test]
fn machine_files_use_absolute_urls() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&[]);
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/sub/guides/alpha/</loc>"));
    assert!(sitemap.contains("<lastmod>2026-01-02</lastmod>"));
    let feed = read(&out, "feed.xml");
    assert!(feed.contains("<link href=\"https://example.org/sub/guides/beta/\"/>"));
    assert!(
        feed.find("Beta").unwrap() < feed.find("Alpha").unwrap(),
        "newest first"
    );
    assert!(
        feed.contains("<updated>2026-02-03T00:00:00Z</updated>"),
        "feed date from content, not the clock"
    );
    assert_eq!(
        read(&out, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sub/sitemap.xml\n"
    );
    let alias = read(&out, "old-alpha/index.html");
    assert!(
        alias.contains(r#"content="0; url=../guides/alpha/""#),
        "{alias}"
    );
    assert!(
        alias.contains(r#"<link rel="canonical" href="https://example.org/sub/guides/alpha/">"#)
    );
    let not_found = read(&out, "404.html");
    assert!(
        not_found.contains(r#"href="/sub/""#),
        "404 links are absolute from the base path: {not_found}"
    );
}

#[test]
fn every_link_resolves_under_a_sub_path() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&["--base-url", "https://example.org/deep/sub/"]);
    let checked = assert_links_resolve(&out, true);
    assert!(checked > 30, "only {checked} links checked");
    // Relative links are the same whatever the base; only absolute URLs change.
    assert!(read(&out, "sitemap.xml").contains("https://example.org/deep/sub/guides/"));
}

#[test]
fn portable_build_needs_no_server() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&["--portable"]);
    let checked = assert_links_resolve(&out, false);
    assert!(checked > 30);
    let alpha = read(&out, "guides/alpha/index.html");
    assert!(
        alpha.contains(r#"<a rel="next" href="../beta/index.html">"#),
        "{alpha}"
    );
    assert!(alpha.contains(r#"href="../../index.html""#));
}

#[test]
fn output_is_byte_identical_across_builds() {
    let f = Fixture::new("basic");
    let first = read_tree(&f.build_ok(&[]));
    let again = read_tree(&f.build_ok(&[]));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>()
    );
    for (k, v) in &first {
        assert!(again[k] == *v, "{k} differs between builds");
    }
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&[]);
    let before = read_tree(&out);
    f.write(
        "content/guides/beta.md",
        "---\ntitle: Beta\nweight: [oops\n---\nBody\n",
    );
    f.write(
        "content/guides/gamma.md",
        "---\ntitle: New page\n---\nNew\n",
    );
    let o = f.run(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing was written"));
    assert_eq!(
        read_tree(&out),
        before,
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            // The image and card cache is kept on purpose.
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".waymark") && name != ".waymark-cache"
        })
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
}

#[test]
fn init_writes_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let o = waymark(&["init", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("site.yaml").is_file());
    assert!(
        !site.join("themes").exists(),
        "init writes no theme: the built-in one is used"
    );
    let out = site.join("public");
    let o = waymark(&["build", "--root", site.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "starter site does not build:\n{}",
        stderr(&o)
    );
    assert!(out.join("index.html").is_file());
    // A second init into the same, now non-empty folder is a usage error.
    let o = waymark(&["init", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn exit_codes_and_help() {
    let o = waymark(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let o = waymark(&["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "no site.yaml is a usage error");
    for cmd in ["build", "check", "init", "serve"] {
        let o = waymark(&[cmd, "--help"]);
        assert!(o.status.success());
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage: waymark"),
            "{cmd} --help"
        );
    }
    let f = Fixture::new("basic");
    let o = f.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!f.path("public").exists(), "check writes nothing");
}
