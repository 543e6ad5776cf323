//! The benchmark corpus at small N: `bench/gen_corpus.py` writes a site that
//! builds, has the pages and sidebars it should, and builds to the same bytes
//! every time, whatever the number of threads. (Timings are for
//! `bench/run.sh`; nothing here is timed.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const PAGES: usize = 60;
const PER_SECTION: usize = 5;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate(dir: &Path, extra: &[&str]) {
    let status = Command::new("python3")
        .arg(repo().join("bench/gen_corpus.py"))
        .arg(dir)
        .args(["--pages", &PAGES.to_string()])
        .args(["--per-section", &PER_SECTION.to_string()])
        .args(extra)
        .status()
        .expect("python3 runs bench/gen_corpus.py (Python 3.11, stdlib only)");
    assert!(status.success(), "gen_corpus.py failed");
}

/// Builds `site` into `out`; returns the summary line.
fn build(site: &Path, out: &Path, threads: Option<&str>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_waymark"));
    cmd.arg("build")
        .arg("--root")
        .arg(site)
        .arg("--output")
        .arg(out);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n);
    }
    let output = cmd.output().expect("waymark runs");
    assert!(
        output.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The hrefs of the `<aside class="sidebar">` of a page, with the current one marked.
fn sidebar(html: &str) -> Vec<String> {
    let start = html.find(r#"<aside class="sidebar">"#).expect("a sidebar");
    let aside = &html[start..start + html[start..].find("</aside>").unwrap()];
    aside
        .split("<a href=\"")
        .skip(1)
        .map(|a| {
            let href = &a[..a.find('"').unwrap()];
            if a[..a.find('>').unwrap()].contains(r#"aria-current="page""#) {
                format!("{href} (current)")
            } else {
                href.to_string()
            }
        })
        .collect()
}

#[test]
fn corpus_builds_with_sidebars_and_the_same_bytes_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let hugo = tmp.path().join("hugo");
    generate(&site, &["--hugo", hugo.to_str().unwrap()]);

    // The generator is deterministic too.
    let again = tmp.path().join("again");
    generate(&again, &[]);
    assert_eq!(
        files(&site.join("content")),
        files(&again.join("content")),
        "gen_corpus.py wrote different content for the same seed"
    );
    assert!(
        hugo.join("config.toml").is_file() && hugo.join("layouts/_default/single.html").is_file()
    );
    assert_eq!(
        files(&hugo.join("content"))
            .keys()
            .filter(|k| k.contains("page-"))
            .count(),
        PAGES
    );

    let out1 = tmp.path().join("out1");
    let out2 = tmp.path().join("out2");
    let summary = build(&site, &out1, None);
    build(&site, &out2, Some("1"));

    let built = files(&out1);
    let pages: Vec<&String> = built
        .keys()
        .filter(|k| k.contains("/page-") && k.ends_with("index.html"))
        .collect();
    assert_eq!(pages.len(), PAGES, "one HTML file per page");
    let html_files = built.keys().filter(|k| k.ends_with(".html")).count();
    assert!(
        summary.contains(&format!("Built {html_files} pages")),
        "summary `{summary}` vs {html_files} HTML files"
    );
    // 60 pages in 12 topics of 5 under 2 areas.
    assert!(built.contains_key("area-02/topic-012/page-00060/index.html"));
    assert!(built.contains_key("area-01/topic-010/index.html"));
    assert!(built.contains_key("tags/index.html"));
    assert!(built.contains_key("feed.xml") && built.contains_key("sitemap.xml"));

    // Page 7 is the second of topic 2 (pages 6..=10): its sidebar lists
    // exactly its section, in weight order, with links relative to it.
    let page = String::from_utf8(built["area-01/topic-002/page-00007/index.html"].clone()).unwrap();
    assert_eq!(
        sidebar(&page),
        vec![
            "../page-00006/",
            "./ (current)",
            "../page-00008/",
            "../page-00009/",
            "../page-00010/",
        ]
    );
    assert!(
        page.contains("<h2>Topic 2</h2>"),
        "sidebar names the section"
    );
    assert!(page.contains(r#"<ul class="tags"><li><a href="../../../tags/"#));
    assert!(page.contains("<time datetime="));
    assert!(page.contains("<table>") && page.contains("<pre><code class=\"language-"));

    // Same bytes, whether rendered on all cores or one.
    let second = files(&out2);
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }

    // The theme without sidebars.
    let plain = tmp.path().join("plain");
    generate(&plain, &["--no-sidebar"]);
    let out3 = tmp.path().join("out3");
    build(&plain, &out3, None);
    let page =
        std::fs::read_to_string(out3.join("area-01/topic-002/page-00007/index.html")).unwrap();
    assert!(!page.contains("sidebar") && page.contains("<article>"));
}

#[test]
fn get_page_gives_the_full_page_value() {
    // Page values are built when their page renders, or up front when a
    // template calls `get_page`: both must give the same `page`.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    generate(&site, &[]);
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/index.html"),
        r#"{% set p = get_page(path="area-01/topic-002/page-00007.md") %}<p id="got">{{ p.title }}|{{ p.toc | length }}|{{ p.ancestors | length }}|{{ p.previous.path }}</p>{{ p.content | safe }}"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&site, &out, None);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    let page =
        std::fs::read_to_string(out.join("area-01/topic-002/page-00007/index.html")).unwrap();
    let title = &page[page.find("<h1>").unwrap() + 4..page.find("</h1>").unwrap()];
    assert!(
        home.contains(&format!(
            r#"<p id="got">{title}|3|3|/area-01/topic-002/page-00006/</p>"#
        )),
        "{}",
        &home[..home.len().min(400)]
    );
    // The page's own render saw the same content (links aside, which are
    // relative to each file).
    let table = &page[page.find("<table>").unwrap()..page.find("</table>").unwrap()];
    assert!(
        home.contains(table),
        "get_page content differs from the page's"
    );
}
