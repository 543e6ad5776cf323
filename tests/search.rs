//! Site search: the index a build writes, and ranking by the real browser
//! client (`themes/default/static/js/search.js` with the vendored MiniSearch)
//! run under Node over that index.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;
use waymark::search::{Document, Kind, Options, index};

/// The fixture `search`, rendered with the repository's default theme.
fn search_fixture() -> Fixture {
    let f = Fixture::new("search");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &f.path("themes/default"),
    );
    f
}

/// Every document of a built site's index, as JSON arrays.
fn documents(out: &Path) -> (Value, Vec<Value>) {
    let manifest = read(out, "search-index.js");
    let manifest: Value = serde_json::from_str(
        manifest
            .trim()
            .strip_prefix("globalThis.WaymarkSearchIndex=")
            .and_then(|s| s.strip_suffix(';'))
            .expect("manifest assigns a global"),
    )
    .unwrap();
    let mut docs = Vec::new();
    for shard in manifest["shards"].as_array().unwrap() {
        let body = read(out, shard.as_str().unwrap());
        let json = body
            .split_once(".push(")
            .unwrap()
            .1
            .trim_end()
            .strip_suffix(");")
            .unwrap();
        let v: Value = serde_json::from_str(json).unwrap();
        docs.extend(v["docs"].as_array().unwrap().iter().cloned());
    }
    (manifest, docs)
}

fn doc<'a>(docs: &'a [Value], path: &str) -> &'a Value {
    docs.iter()
        .find(|d| d[0] == path)
        .unwrap_or_else(|| panic!("no document {path} in {docs:#?}"))
}

/// Runs the browser client under Node: `tests/search/query.cjs SITE QUERY...`.
fn query(site: &Path, queries: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/query.cjs");
    let o = Command::new("node")
        .arg(script)
        .arg(site)
        .args(queries)
        .output()
        .expect("node is installed (the search client is tested with it)");
    assert!(
        o.status.success(),
        "node failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn paths(result: &Value) -> Vec<String> {
    result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_index_holds_every_page_section_and_assessment() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&[]);
    let (manifest, docs) = documents(&out);
    assert_eq!(manifest["documents"], docs.len());
    assert_eq!(manifest["portable"], false);
    assert_eq!(manifest["trimmed"], false);
    // The client files the manifest names exist (built in: the mini theme has none).
    for lib in manifest["lib"].as_array().unwrap() {
        assert!(out.join(lib.as_str().unwrap()).is_file(), "{lib}");
    }
    assert!(out.join(manifest["css"].as_str().unwrap()).is_file());
    let mut all: Vec<&str> = docs.iter().map(|d| d[0].as_str().unwrap()).collect();
    all.sort_unstable();
    assert_eq!(
        all,
        [
            "/",
            "/assessments/quiz/",
            "/guides/",
            "/guides/alpha/",
            "/guides/beta/",
            "/guides/bundle/"
        ],
        "no drafts, taxonomy lists or the search page itself"
    );
    // [path, title, section, kind, description, headings, terms, text]
    let alpha = doc(&docs, "/guides/alpha/");
    assert_eq!(alpha[1], "Alpha");
    let sections = manifest["sections"].as_array().unwrap();
    assert_eq!(sections[alpha[2].as_u64().unwrap() as usize], "Guides");
    assert_eq!(alpha[3], 0);
    assert_eq!(alpha[4], "The first guide.");
    assert_eq!(alpha[5], "When to use\nDeeper");
    assert_eq!(alpha[6], "Strategy, AI");
    assert_eq!(
        alpha[7],
        "Alpha intro paragraph. See Beta’s details and . Text."
    );
    let guides = doc(&docs, "/guides/");
    assert_eq!(
        (&guides[3], &guides[7]),
        (&1.into(), &"All the guides.".into())
    );
    let quiz = doc(&docs, "/assessments/quiz/");
    assert_eq!((&quiz[1], &quiz[3]), (&"Quiz".into(), &2.into()));
    // The search page is built, from the built-in template, and not in the sitemap.
    let page = read(&out, "search/index.html");
    assert!(page.contains("data-search-page"), "{page}");
    assert!(page.contains("Search needs JavaScript"), "{page}");
    assert!(!read(&out, "sitemap.xml").contains("/search/"));
}

#[test]
fn search_can_be_turned_off() {
    let f = Fixture::new("basic");
    let yaml = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write("site.yaml", &format!("{yaml}search: false\n"));
    let out = f.build_ok(&[]);
    assert!(!out.join("search-index.js").exists());
    assert!(!out.join("search").exists());
    assert!(!out.join("js").exists(), "no built-in client files");
}

#[test]
fn the_index_stays_within_its_share_of_the_html() {
    let f = search_fixture();
    let out = f.build_ok(&[]);
    let tree = read_tree(&out);
    let html: usize = tree
        .iter()
        .filter(|(n, _)| n.ends_with(".html"))
        .map(|(_, b)| b.len())
        .sum();
    let index: usize = tree
        .iter()
        .filter(|(n, _)| n.starts_with("search-index"))
        .map(|(_, b)| b.len())
        .sum();
    assert!(index > 0);
    assert!(
        (index as f64) <= 0.35 * html as f64,
        "index {index} B vs HTML {html} B"
    );
}

#[test]
fn a_title_match_ranks_above_body_matches() {
    let f = search_fixture();
    let out = f.build_ok(&[]);
    let r = query(&out, &["onboarding"]);
    let first = &r["out"][0];
    assert_eq!(
        paths(first),
        ["/guides/onboarding-checklist/", "/guides/team-rituals/"],
        "the body says `onboarding` six times, the title once: {first:#}"
    );
    assert_eq!(
        first["results"][0]["titleMarked"], "[Onboarding] checklist",
        "{first:#}"
    );
    assert!(
        first["results"][1]["snippet"]
            .as_str()
            .unwrap()
            .contains("[onboarding]"),
        "{first:#}"
    );
}

#[test]
fn prefixes_typos_and_word_forms_are_found() {
    let f = search_fixture();
    let out = f.build_ok(&[]);
    let r = query(
        &out,
        &[
            "onboa",          // prefix, as typed
            "onbording",      // one letter missing
            "quartrely",      // two letters swapped
            "retrospectives", // plural of what the text says
            "plans",          // stem of "planning" and "planned"
            "kitchen monday",
            "zebra",
        ],
    );
    let out_ = r["out"].as_array().unwrap();
    assert_eq!(paths(&out_[0])[0], "/guides/onboarding-checklist/");
    assert_eq!(paths(&out_[1])[0], "/guides/onboarding-checklist/");
    assert_eq!(paths(&out_[2])[0], "/notes/quarterly-planning/");
    assert_eq!(paths(&out_[3]), ["/guides/team-rituals/"]);
    let plans = paths(&out_[4]);
    assert_eq!(plans[0], "/notes/quarterly-planning/", "{plans:?}");
    assert!(
        plans.contains(&"/guides/team-rituals/".to_string()),
        "planned: {plans:?}"
    );
    assert_eq!(
        paths(&out_[5]),
        ["/notes/kitchen/"],
        "all words must match when some page has them all"
    );
    assert_eq!(
        out_[5]["results"][0]["snippet"],
        "The rota changes every [Monday]. Nobody skips their turn & nobody complains much."
    );
    assert_eq!(out_[6]["total"], 0);
}

#[test]
fn portable_builds_link_results_to_files() {
    let f = search_fixture();
    let out = f.build_ok(&["--portable"]);
    let (manifest, _) = documents(&out);
    assert_eq!(manifest["portable"], true);
    let r = query(&out, &["kitchen"]);
    assert_eq!(
        r["out"][0]["results"][0]["href"],
        "notes/kitchen/index.html"
    );
    // The header form and the search page work from disk too.
    let home = read(&out, "index.html");
    assert!(home.contains(r#"action="search/index.html""#), "{home}");
}

/// A site of `n` pages of `words` words each, as documents.
fn synthetic(n: usize, words: usize) -> Vec<Document> {
    const VOCAB: &[&str] = &[
        "strategy",
        "planning",
        "execution",
        "leaders",
        "alignment",
        "friction",
        "pilot",
        "budget",
        "forecast",
        "horizon",
        "evidence",
        "discovery",
        "customers",
        "market",
        "review",
        "teams",
        "process",
        "decision",
        "investment",
        "quarter",
    ];
    (0..n)
        .map(|i| Document {
            path: format!("/s{}/page-{i}/", i % 40),
            title: format!("Page {i} about {}", VOCAB[i % VOCAB.len()]),
            section: Some(format!("Section {}", i % 40)),
            kind: Kind::Page,
            description: format!("Description of page {i}."),
            headings: vec![format!("Heading {i}"), "Next steps".into()],
            tags: vec![VOCAB[(i * 7) % VOCAB.len()].to_string()],
            text: (0..words)
                .map(|w| match w % 9 {
                    0 => format!("term{}x{}", i % 500, w % 13),
                    _ => VOCAB[(i * 31 + w * 17) % VOCAB.len()].to_string(),
                })
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

/// Writes index files as a site would have them, with the client beside.
fn write_site(dir: &Path, files: &[(String, String)]) -> PathBuf {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
    for (rel, name) in [
        ("js/search.js", "js/search.00000000.js"),
        ("js/vendor/minisearch.min.js", "js/vendor/minisearch.min.js"),
        ("js/vendor/stemmer.min.js", "js/vendor/stemmer.min.js"),
    ] {
        let to = dir.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(theme.join(rel), to).unwrap();
    }
    for (path, body) in files {
        std::fs::write(dir.join(path.trim_start_matches('/')), body).unwrap();
    }
    dir.to_path_buf()
}

fn client() -> index::ClientPaths {
    index::ClientPaths {
        lib: vec![
            "js/vendor/minisearch.min.js".into(),
            "js/vendor/stemmer.min.js".into(),
        ],
        css: None,
    }
}

#[test]
fn split_indexes_load_every_shard() {
    let docs = synthetic(300, 120);
    let opts = Options {
        shard_bytes: 16 * 1024,
        ..Options::default()
    };
    let built = index::build(&docs, 50_000_000, &client(), false, &opts);
    assert!(built.stats.shards > 5, "{:?}", built.stats);
    let dir = tempfile::tempdir().unwrap();
    let site = write_site(dir.path(), &built.files);
    let r = query(&site, &["page 299", "term17x3"]);
    assert_eq!(r["documents"], 300);
    assert_eq!(r["shards"], built.stats.shards);
    assert_eq!(r["out"][0]["results"][0]["path"], "/s19/page-299/");
    assert!(r["out"][1]["total"].as_u64().unwrap() > 0);
}

#[test]
fn ten_thousand_pages_fit_the_budget_and_still_search() {
    let docs = synthetic(10_000, 600);
    // About what such a site's HTML weighs: 10,000 pages of 20 KB.
    let html_bytes = 10_000 * 20_000;
    let built = index::build(&docs, html_bytes, &client(), false, &Options::default());
    let s = built.stats;
    assert!(s.index_bytes <= Options::default().max_bytes, "{s:?}");
    assert!(s.ratio() <= 0.35, "{s:?}");
    assert!(s.text_cap.is_some(), "trimmed: {s:?}");
    assert!(s.shards > 10, "{s:?}");
    let dir = tempfile::tempdir().unwrap();
    let site = write_site(dir.path(), &built.files);
    let r = query(&site, &["page 9999", "discovery", "st", "plannig budgte"]);
    assert_eq!(r["documents"], 10_000);
    assert_eq!(r["out"][0]["results"][0]["path"], "/s39/page-9999/");
    assert!(r["out"][1]["total"].as_u64().unwrap() > 100);
    let ms: Vec<String> = r["out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| format!("{}: {:.0} ms", q["query"], q["ms"].as_f64().unwrap()))
        .collect();
    eprintln!(
        "10,000 pages: index {} KB in {} shards, indexed by the client in {} ms; queries {}",
        s.index_bytes / 1024,
        s.shards,
        r["indexMs"],
        ms.join(", ")
    );
}
