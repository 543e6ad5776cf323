//! Site search: the index a build writes, read through its format by a
//! tiny reader here (manifest -> postings shard -> document group -> text),
//! and ranking by the real browser client (`themes/default/static/js/search.js`)
//! run under Node over that index, loading files on demand as a browser does.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use waymark::search::{Document, Index, Kind, Options, index};

/// The fixture `search`, rendered with the repository's default theme.
fn search_fixture() -> Fixture {
    let f = Fixture::new("search");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &f.path("themes/default"),
    );
    f
}

#[test]
fn the_index_holds_every_page_section_and_assessment() {
    let f = Fixture::new("basic");
    let out = f.build_ok(&[]);
    let r = Reader::new(&out);
    let docs = r.documents();
    assert_eq!(r.manifest["portable"], false);
    assert_eq!(r.manifest["v"], 3);
    // The client files the manifest names exist (built in: the mini theme has none).
    for lib in r.manifest["lib"].as_array().unwrap() {
        assert!(out.join(lib.as_str().unwrap()).is_file(), "{lib}");
    }
    assert!(out.join(r.manifest["css"].as_str().unwrap()).is_file());
    let mut all: Vec<&str> = docs.iter().map(|d| d.0[0].as_str().unwrap()).collect();
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
    // [path, title, section, kind, description, tags, hash] + [headings, text]
    let (alpha, text) = doc(&docs, "/guides/alpha/");
    assert_eq!(alpha[1], "Alpha");
    assert_eq!(alpha[2], "Guides");
    assert_eq!(alpha[3], 0);
    assert_eq!(alpha[4], "The first guide.");
    assert_eq!(alpha[5], "Strategy, AI");
    assert_eq!(text[0], "When to use\nDeeper");
    assert_eq!(
        text[1],
        "Alpha intro paragraph. See Beta’s details and . Text."
    );
    let (guides, text) = doc(&docs, "/guides/");
    assert_eq!(
        (&guides[3], &text[1]),
        (&1.into(), &"All the guides.".into())
    );
    // An assessment: what a visitor reads, not its scoring rules.
    let (quiz, text) = doc(&docs, "/assessments/quiz/");
    assert_eq!((&quiz[1], &quiz[3]), (&"Quiz".into(), &2.into()));
    assert_eq!(text[0], "How fast do you move?\nHow sure are you?");
    assert_eq!(text[1], "Slowly Quickly Unsure Sure");
    for scoring in ["speed", "You are fast", "Well done", "Take your time"] {
        assert!(!format!("{quiz}{text}").contains(scoring), "{scoring}");
    }
    assert_eq!(r.find("quickly"), ["/assessments/quiz/"]);
    assert!(r.find("done").is_empty());
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
    assert!(!out.join("search-index").exists());
    assert!(!out.join("search").exists());
    assert!(!out.join("js").exists(), "no built-in client files");
}

/// Made-up words no dictionary has, one per long page, for its last line.
fn made_up(i: usize) -> String {
    format!("zq{}vork{}", ["ax", "eb", "ic", "od", "uf"][i % 5], i)
}

#[test]
fn words_at_the_end_of_long_pages_are_found() {
    let f = search_fixture();
    // 40 long pages (about 6,000 words each, 40 KB of text), each ending
    // with a made-up word; the old index trimmed such text to fit a budget.
    let filler: String = (0..6000)
        .map(|w| {
            [
                "strategy", "planning", "review", "budget", "teams", "market",
            ][w % 6]
        })
        .collect::<Vec<_>>()
        .join(" ");
    for i in 0..40 {
        f.write(
            &format!("content/long/page-{i}.md"),
            &format!(
                "---\ntitle: Long page {i}\n---\n{filler}\n\nThe end, {}.\n",
                made_up(i)
            ),
        );
    }
    f.write("content/long/_index.md", "---\ntitle: Long\n---\n");
    let out = f.build_ok(&["--verbose"]);
    let r = Reader::new(&out);
    for i in 0..40 {
        assert_eq!(
            r.find(&made_up(i)),
            [format!("/long/page-{i}/")],
            "{}",
            made_up(i)
        );
    }
    assert_eq!(r.find("strategy").len(), 40);
    // The client finds them too, loading a fraction of the index.
    let total: u64 = read_tree(&out.join("search-index"))
        .values()
        .map(|b| b.len() as u64)
        .sum();
    let q = query(
        &out,
        &[
            &made_up(7),
            &made_up(33).to_uppercase(),
            "zqodvork",
            "long 12",
        ],
    );
    let found = q["out"].as_array().unwrap();
    assert_eq!(paths(&found[0])[0], "/long/page-7/");
    assert_eq!(paths(&found[1])[0], "/long/page-33/", "upper case");
    assert!(
        found[1]["results"][0]["snippet"]
            .as_str()
            .unwrap()
            .ends_with(&format!("[{}].", made_up(33))),
        "the excerpt shows the match at the end: {:#}",
        found[1]
    );
    assert!(
        paths(&found[2]).contains(&"/long/page-3/".to_string()),
        "a prefix: {:#}",
        found[2]
    );
    assert_eq!(paths(&found[3])[0], "/long/page-12/");
    for q in found {
        assert!(
            q["bytes"].as_u64().unwrap() < total / 2,
            "{} of {total} bytes",
            q["bytes"]
        );
    }
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
    assert_eq!(Reader::new(&out).manifest["portable"], true);
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
                    _ if w + 1 == words => format!("fin{i}q"),
                    0 => format!("term{}x{}", i % 500, w % 13),
                    _ => VOCAB[(i * 31 + w * 17) % VOCAB.len()].to_string(),
                })
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

/// Writes index files as a site would have them, with the client beside.
fn write_site(dir: &Path, files: &[waymark::search::index::File]) -> PathBuf {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
    for (rel, name) in [
        ("js/search.js", "js/search.00000000.js"),
        ("js/vendor/stemmer.min.js", "js/vendor/stemmer.min.js"),
    ] {
        let to = dir.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(theme.join(rel), to).unwrap();
    }
    for (path, body) in files {
        let to = dir.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, body.as_bytes()).unwrap();
    }
    dir.to_path_buf()
}

fn client() -> index::ClientPaths {
    index::ClientPaths {
        lib: vec!["js/vendor/stemmer.min.js".into()],
        css: None,
    }
}

/// A temporary folder, in memory when the machine has /dev/shm (thousands
/// of files on this machine's disk are slow to create; see docs/performance.md).
fn temp() -> tempfile::TempDir {
    match Path::new("/dev/shm").is_dir() {
        true => tempfile::tempdir_in("/dev/shm").unwrap(),
        false => tempfile::tempdir().unwrap(),
    }
}

#[test]
fn split_indexes_find_every_page() {
    let docs = synthetic(300, 120);
    let opts = Options {
        post_bytes: 4 * 1024,
        vocab_bytes: 1024,
        group: 16,
        text_bytes: 8 * 1024,
    };
    let mut built = Index::build(&docs, &client(), false, &opts);
    let files = built.files();
    let stats = built.stats(&files);
    assert!(stats.shards.1 > 5, "{stats:?}");
    let dir = temp();
    let site = write_site(dir.path(), &files);
    let r = query(&site, &["page 299", "term17x3", "fin123q"]);
    assert_eq!(r["documents"], 300);
    assert_eq!(r["out"][0]["results"][0]["path"], "/s19/page-299/");
    assert!(r["out"][1]["total"].as_u64().unwrap() > 0);
    assert_eq!(
        paths(&r["out"][2])[0],
        "/s3/page-123/",
        "exact first, then near typos"
    );
    let reader = Reader::new(&site);
    for i in (0..300).step_by(7) {
        assert_eq!(
            reader.find(&format!("fin{i}q")),
            [format!("/s{}/page-{i}/", i % 40)]
        );
    }
}

#[test]
fn ten_thousand_pages_are_all_found_within_the_query_budget() {
    let docs = synthetic(10_000, 600);
    let mut built = Index::build(&docs, &client(), false, &Options::default());
    let files = built.files();
    let s = built.stats(&files);
    let dir = temp();
    let site = write_site(dir.path(), &files);
    let r = query(
        &site,
        &[
            "page 9999",
            "discovery",
            "st",
            "plannig budgte",
            "fin8765q",
            "strategy budget review",
        ],
    );
    assert_eq!(r["documents"], 10_000);
    let out = r["out"].as_array().unwrap();
    assert_eq!(out[0]["results"][0]["path"], "/s39/page-9999/");
    assert!(out[1]["total"].as_u64().unwrap() > 100);
    assert!(
        out[3]["total"].as_u64().unwrap() > 100,
        "typos: {:#}",
        out[3]
    );
    assert_eq!(
        paths(&out[4])[0],
        "/s5/page-8765/",
        "the last word of a page"
    );
    // The texts of a few pages share a file: far fewer files than pages.
    assert!(
        s.text_files > 1000 && s.text_files < 10_000 / 2,
        "{} text files",
        s.text_files
    );
    let reader = Reader::new(&site);
    for i in (0..10_000).step_by(997) {
        assert_eq!(
            reader.find(&format!("fin{i}q")),
            [format!("/s{}/page-{i}/", i % 40)]
        );
    }
    for q in out {
        assert!(
            q["bytes"].as_u64().unwrap() <= 1024 * 1024,
            "a query loads at most 1 MiB: {} loads {}",
            q["query"],
            q["bytes"]
        );
    }
    let ms: Vec<String> = out
        .iter()
        .map(|q| {
            format!(
                "{}: {} KB, {:.0} ms",
                q["query"],
                q["bytes"].as_u64().unwrap() / 1024,
                q["ms"].as_f64().unwrap()
            )
        })
        .collect();
    eprintln!(
        "10,000 pages: index {} KB ({} terms; {:?} shards, {} text files); estimated 1/2/3-word query {:?} B; client: {}",
        s.index_bytes / 1024,
        s.terms,
        s.shards,
        s.text_files,
        s.query_bytes,
        ms.join(", ")
    );
}
