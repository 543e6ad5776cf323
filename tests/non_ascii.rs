//! A site whose text is not ASCII anywhere an author or a visitor can put
//! it: titles (German, Danish, Greek capitals, Japanese, Turkish, emoji),
//! descriptions, tags and a second taxonomy, section folders and page file
//! names, headings and their anchors, `@/` links between such pages, a
//! static file name, and words at the very end of long pages. The fixture
//! is `tests/fixtures/non-ascii`; the long pages get their filler here.
//!
//! The search index is read two ways, as in `tests/search.rs`: through its
//! format by a small reader (manifest -> postings shard -> document), and
//! by the real browser client under Node (`tests/search/query.cjs`).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

const CAFE: &str = "content/Städte/café-in-zürich.md";
const GREEK: &str = "content/ελληνικά/οδύσσεια.md";

/// The fixture as it is (short pages).
fn site() -> TestSite {
    TestSite::fixture("non-ascii")
}

/// The fixture with two long pages: about 6,000 non-ASCII words of filler
/// in the middle of the Zürich page and of the Greek page, so that their
/// last words come after 60 KB of multi-byte text.
fn long_site() -> TestSite {
    let f = site();
    f.edit(CAFE, "Fülltext.", &filler(&GERMAN, 6000));
    f.edit(GREEK, "Γέμισμα κειμένου.", &filler(&GREEK_WORDS, 6000));
    f
}

const GERMAN: [&str; 8] = [
    "Straßenbahn",
    "Größe",
    "Übergänge",
    "Ärger",
    "Öffnungszeiten",
    "Fußgänger",
    "Brötchen",
    "Schönheit",
];

const GREEK_WORDS: [&str; 8] = [
    "θάλασσα",
    "κύμα",
    "ταξίδι",
    "νησί",
    "λιμάνι",
    "άνεμος",
    "σπίτι",
    "δρόμος",
];

/// `n` words from `vocab`, in paragraphs of 100 words.
fn filler(vocab: &[&str], n: usize) -> String {
    (0..n)
        .map(|i| {
            let sep = if i % 100 == 99 { ".\n\n" } else { " " };
            format!("{}{sep}", vocab[(i * 5 + i / 8) % vocab.len()])
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// `<tag ...>TEXT</tag>` for the first element `open` starts in `html`
/// (`open` is e.g. `<title>` or `<h1 class="page-title`).
fn element_text<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let at = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in:\n{html}"));
    let rest = &html[at..];
    let start = rest.find('>').expect("tag ends") + 1;
    let end = rest[start..].find(close).expect("element closes") + start;
    &rest[start..end]
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("percent-encoded UTF-8")
}

/// Every internal link and anchor of every HTML page in `out` leads to a
/// file the build wrote (links decoded as a browser does: `%C3%BC` is `ü`).
/// Returns the resolved links, `(page, file, fragment)`.
fn resolved_links(out: &Path) -> Vec<(String, String, Option<String>)> {
    let tree = read_tree(out);
    let mut found = Vec::new();
    for (name, bytes) in tree
        .iter()
        .filter(|(n, _)| n.ends_with(".html") && n.as_str() != "404.html")
    {
        let html = String::from_utf8(bytes.clone()).expect("pages are UTF-8");
        for link in links(&html) {
            let Some((file, frag)) = resolve(name, &percent_decode(&link), true) else {
                continue;
            };
            let target = tree
                .get(&file)
                .unwrap_or_else(|| panic!("{name}: link `{link}` -> missing `{file}`"));
            if let Some(f) = frag.as_deref().filter(|f| !f.is_empty()) {
                let t = String::from_utf8_lossy(target);
                assert!(
                    ids(&t).iter().any(|id| id == f),
                    "{name}: link `{link}`: `{file}` has no id `{f}`"
                );
            }
            found.push((name.clone(), file, frag));
        }
    }
    found
}

#[test]
fn every_page_is_written_at_its_transliterated_path_with_its_title_intact() {
    let f = site();
    let out = f.build();
    // Folders and file names are slugified by transliteration (the `slug`
    // crate): ä -> a, ß -> ss, æ -> ae, Greek and Japanese to Latin.
    for file in [
        "index.html",
        "stadte/index.html",
        "stadte/cafe-in-zurich/index.html",
        "stadte/strasse-und-aero/index.html",
        "stadte/istanbul/index.html",
        "ellenika/index.html",
        "ellenika/odusseia/index.html",
        "ri-ben/index.html",
        "ri-ben/dong-jing-tawa/index.html",
        "emoji-party/index.html",
        "search/index.html",
        "dokumente/Preisliste-Zürich.txt",
    ] {
        assert!(f.has(file), "missing {file} in {:#?}", f.files());
    }
    // Taxonomy terms with accents, Greek, kanji and an emoji.
    let mut tags: Vec<String> = f
        .files()
        .into_iter()
        .filter_map(|p| {
            let term = p.strip_prefix("tags/")?.strip_suffix("/index.html")?;
            Some(term.to_string())
        })
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        [
            "aero",
            "cafe",
            "cay",
            "danemark",
            "dong-jing",
            "ellada",
            "guan-guang",
            "omeros",
            "strasse",
            "tada-party",
            "turkiye",
            "zurich",
        ]
    );
    for term in [
        "schweiz", "zurich", "danemark", "ithake", "ri-ben", "turkiye",
    ] {
        assert!(f.has(&format!("orte/{term}/index.html")), "orte/{term}/");
    }
    assert_eq!(
        read(&out, "dokumente/Preisliste-Zürich.txt"),
        "Preise in Zürich: 4,50 €\n"
    );

    // Titles: the characters as written, only HTML's own characters escaped.
    let cases = [
        ("stadte/cafe-in-zurich/index.html", "Café in Zürich"),
        ("stadte/strasse-und-aero/index.html", "Straße und Ærø"),
        ("stadte/istanbul/index.html", "İstanbul’da bir gün"),
        ("ellenika/odusseia/index.html", "ΟΔΥΣΣΕΥΣ"),
        ("ri-ben/dong-jing-tawa/index.html", "東京タワー"),
        (
            "emoji-party/index.html",
            "Party 🎉 time: naïve &lt;Über&gt; &amp; “Ünïcödé” 🚀",
        ),
        ("stadte/index.html", "Städte &amp; Straßen"),
        ("ellenika/index.html", "Ελληνικά κείμενα"),
        ("ri-ben/index.html", "日本の旅"),
        ("orte/index.html", "Orte &amp; Länder"),
        ("orte/zurich/index.html", "Zürich"),
        ("tags/tada-party/index.html", "🎉 Party"),
    ];
    for (file, title) in cases {
        let html = read(&out, file);
        assert_eq!(
            element_text(&html, "<h1", "</h1>"),
            title,
            "{file}: the page's heading"
        );
        let head = element_text(&html, "<title>", "</title>");
        assert!(
            head.starts_with(&format!("{title} · ")) && head.ends_with("Reiseführer für Ärzte"),
            "{file}: <title>{head}</title>"
        );
    }
    let home = read(&out, "index.html");
    assert!(home.contains(r#"<html lang="de">"#), "{home}");
    assert_eq!(
        element_text(&home, "<title>", "</title>"),
        "Reiseführer für Ärzte"
    );
    let emoji = read(&out, "emoji-party/index.html");
    assert!(
        emoji.contains(r#"<meta property="og:title" content="Party 🎉 time: naïve &lt;Über&gt; &amp; “Ünïcödé” 🚀">"#),
        "{emoji}"
    );
    assert!(
        emoji.contains(r#"<meta name="description" content="Emoji 🦄, Ümlaute &amp; &lt;b&gt;Spitzklammern&lt;/b&gt; im Titel.">"#),
        "{emoji}"
    );
    // In JSON-LD `<`, `>` and `&` are escaped; everything else is kept.
    assert!(
        emoji.contains(r#""headline":"Party 🎉 time: naïve \u003cÜber\u003e \u0026 “Ünïcödé” 🚀""#),
        "{emoji}"
    );
    assert!(
        !emoji.contains("<Über>") && !emoji.contains("<b>Spitzklammern"),
        "raw markup from front matter: {emoji}"
    );
    for html in f
        .files()
        .iter()
        .filter(|n| n.ends_with(".html"))
        .map(|n| read(&out, n))
    {
        // UTF-8 read as Latin-1 and written again would show as `Ã¼`, `Ã©`.
        assert!(!html.contains("Ã"), "mojibake: {html}");
    }
    let feed = read(&out, "feed.xml");
    for title in [
        "<title>Café in Zürich</title>",
        "<title>ΟΔΥΣΣΕΥΣ</title>",
        "<title>東京タワー</title>",
        "<title>Party 🎉 time: naïve &lt;Über&gt; &amp; “Ünïcödé” 🚀</title>",
    ] {
        assert!(feed.contains(title), "{title} in {feed}");
    }

    // `Café` and `café` are one term page, under the first spelling.
    let cafe = read(&out, "tags/cafe/index.html");
    assert!(
        matches!(element_text(&cafe, "<h1", "</h1>"), "Café" | "café"),
        "{cafe}"
    );
    for (href, title) in [
        ("../../stadte/cafe-in-zurich/", "Café in Zürich"),
        ("../../stadte/strasse-und-aero/", "Straße und Ærø"),
    ] {
        assert!(
            cafe.contains(&format!(r#"<a href="{href}">{title}</a>"#)),
            "{href} in {cafe}"
        );
    }
}

#[test]
fn headings_get_transliterated_ids_and_every_link_between_the_pages_resolves() {
    let f = site();
    let out = f.build();
    for (file, ids_wanted) in [
        (
            "stadte/cafe-in-zurich/index.html",
            &["uber-die-strasse", "zum-schluss"][..],
        ),
        (
            "stadte/strasse-und-aero/index.html",
            &["aero-im-winter"][..],
        ),
        ("ellenika/odusseia/index.html", &["e-ithake"][..]),
        ("ri-ben/dong-jing-tawa/index.html", &["zhan-wang-tai"][..]),
        ("emoji-party/index.html", &["rocket-start"][..]),
    ] {
        let html = read(&out, file);
        let have = ids(&html);
        for id in ids_wanted {
            assert!(
                have.iter().any(|h| h == id),
                "{file}: no id {id} in {have:?}"
            );
        }
    }
    let cafe = read(&out, "stadte/cafe-in-zurich/index.html");
    assert!(
        cafe.contains(r#"<h2 id="uber-die-strasse">Über die Straße</h2>"#),
        "{cafe}"
    );

    let found = resolved_links(&out);
    assert!(found.len() > 100, "only {} links checked", found.len());
    let has = |from: &str, to: &str, frag: Option<&str>| {
        found
            .iter()
            .any(|(p, file, fr)| p == from && file == to && fr.as_deref() == frag)
    };
    // `@/` links between non-ASCII file names, with and without an anchor.
    for (from, to, frag) in [
        (
            "stadte/cafe-in-zurich/index.html",
            "stadte/strasse-und-aero/index.html",
            Some("aero-im-winter"),
        ),
        (
            "stadte/strasse-und-aero/index.html",
            "stadte/cafe-in-zurich/index.html",
            None,
        ),
        (
            "ellenika/odusseia/index.html",
            "stadte/cafe-in-zurich/index.html",
            Some("uber-die-strasse"),
        ),
        (
            "ri-ben/dong-jing-tawa/index.html",
            "ellenika/odusseia/index.html",
            None,
        ),
        ("index.html", "ri-ben/dong-jing-tawa/index.html", None),
        (
            "stadte/cafe-in-zurich/index.html",
            "dokumente/Preisliste-Zürich.txt",
            None,
        ),
        // The menu's `@/Städte/_index.md`.
        ("emoji-party/index.html", "stadte/index.html", None),
        ("ri-ben/index.html", "ellenika/index.html", None),
    ] {
        assert!(
            has(from, to, frag),
            "{from} -> {to}#{frag:?}: {:#?}",
            found.iter().filter(|l| l.0 == from).collect::<Vec<_>>()
        );
    }
}

#[test]
fn an_anchor_written_as_the_heading_text_is_an_error_that_names_the_id() {
    let f = site();
    f.edit(CAFE, "#aero-im-winter", "#ærø-im-winter");
    let err = f.build_err();
    assert!(
        err.contains("has no heading `#ærø-im-winter`"),
        "the anchor as written: {err}"
    );
    // Line 15, column 18 counted in characters (byte 20 of the line).
    assert!(
        err.contains("content/Städte/café-in-zürich.md:15:18"),
        "file:line:column: {err}"
    );
    assert!(err.contains("did you mean `aero-im-winter`?"), "{err}");
    assert!(!f.out().exists(), "nothing was written");
}

#[test]
fn check_finds_no_problem_in_the_site() {
    let f = long_site();
    let o = f.run(&["check", "--strict", "--format", "json"]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(&o)
        )
    });
    assert_eq!(o.status.code(), Some(0), "{report:#}\n{}", stderr(&o));
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["errors"], 0, "{report:#}");
    assert_eq!(report["warnings"], 0, "{report:#}");
    assert_eq!(
        (&report["pages"], &report["sections"]),
        (&6.into(), &4.into())
    );
    assert!(!f.out().exists(), "check writes nothing");
}

#[test]
fn the_index_holds_lower_cased_non_ascii_words_from_the_end_of_long_pages() {
    let f = long_site();
    let out = f.build();
    let r = Reader::new(&out);
    let docs = r.documents();
    // Titles, sections, descriptions and tags as written; the whole text.
    let (cafe, text) = doc(&docs, "/stadte/cafe-in-zurich/");
    assert_eq!(cafe[1], "Café in Zürich");
    assert_eq!(cafe[2], "Städte & Straßen");
    assert_eq!(
        cafe[4],
        "Ein Spaziergang über die Bahnhofstraße, mit Kaffee für 4,50 €."
    );
    // The terms of both taxonomies (`orte`, then `tags`).
    assert_eq!(cafe[5], "Schweiz, Zürich, Café, Zürich, Straße");
    assert_eq!(text[0], "Über die Straße\nZum Schluss");
    let body = text[1].as_str().unwrap();
    assert!(body.len() > 60_000, "{} bytes", body.len());
    assert!(
        body.ends_with("steht ein letztes Wort: Sprüngli-Würfelzucker."),
        "…{}",
        &body[body.len() - 200..]
    );
    let (greek, text) = doc(&docs, "/ellenika/odusseia/");
    assert_eq!(
        (&greek[1], &greek[2]),
        (&"ΟΔΥΣΣΕΥΣ".into(), &"Ελληνικά κείμενα".into())
    );
    assert!(
        text[1]
            .as_str()
            .unwrap()
            .ends_with("επιστρέφουν ο ΤΗΛΕΜΑΧΟΣ και ο ΟΔΥΣΣΕΥΣ."),
        "{text}"
    );
    assert_eq!(
        doc(&docs, "/emoji-party/").0[1],
        "Party 🎉 time: naïve <Über> & “Ünïcödé” 🚀"
    );

    // Terms are the words in lower case (a final sigma stays final).
    let cafe_page = ["/stadte/cafe-in-zurich/"];
    assert_eq!(r.find_sorted("würfelzucker"), cafe_page, "the last word");
    assert_eq!(r.find_sorted("sprüngli"), cafe_page);
    assert!(
        r.find_sorted("Würfelzucker").is_empty(),
        "terms are lower case"
    );
    assert_eq!(r.find_sorted("τηλεμαχος"), ["/ellenika/odusseia/"]);
    assert_eq!(
        r.find_sorted("οδυσσευς"),
        ["/ellenika/odusseia/", "/ri-ben/dong-jing-tawa/"],
        "the title and the last word; the link text on the Tokyo page"
    );
    assert!(
        r.find_sorted("οδυσσευσ").is_empty(),
        "final sigma: ς, not σ"
    );
    assert_eq!(r.find_sorted("ｊｒ山手線"), ["/ri-ben/dong-jing-tawa/"]);
    assert_eq!(
        r.find_sorted("東京タワー"),
        ["/", "/ri-ben/dong-jing-tawa/"],
        "the title, and the link text on the home page"
    );
    assert_eq!(
        r.find_sorted("zürich"),
        [
            "/",
            "/ellenika/odusseia/",
            "/stadte/",
            "/stadte/cafe-in-zurich/",
            "/stadte/strasse-und-aero/"
        ]
    );
    assert_eq!(
        r.find_sorted("straße"),
        [
            "/emoji-party/",
            "/stadte/cafe-in-zurich/",
            "/stadte/strasse-und-aero/"
        ]
    );
    assert_eq!(r.find_sorted("smørrebrød"), ["/stadte/strasse-und-aero/"]);
    assert_eq!(r.find_sorted("kadıköy"), ["/stadte/istanbul/"]);
    assert_eq!(r.find_sorted("naïve"), ["/emoji-party/"]);
    // The filler: every page that has it, and only those.
    assert_eq!(r.find_sorted("öffnungszeiten"), cafe_page);
    assert_eq!(r.find_sorted("θάλασσα"), ["/ellenika/odusseia/"]);
}

#[test]
fn the_browser_client_finds_non_ascii_words_typed_in_any_case() {
    let f = long_site();
    let out = f.build();
    let q = query(
        &out,
        &[
            "Würfelzucker",
            "WÜRFELZUCKER",
            "sprüngli",
            "ΤΗΛΕΜΑΧΟΣ",
            "τηλεμαχος",
            "ΟΔΥΣΣΕΥΣ",
            "東京タワー",
            "ＪＲ山手線",
            "zürich",
            "Ærø",
            "smørrebrød",
            "naïve",
            "Öffnungszeiten",
            "θάλασσα",
        ],
    );
    let q = q["out"].as_array().unwrap();
    let first = |i: usize| {
        paths(&q[i])
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("nothing found: {:#}", q[i]))
    };
    for (i, want) in [
        (0, "/stadte/cafe-in-zurich/"),
        (1, "/stadte/cafe-in-zurich/"),
        (2, "/stadte/cafe-in-zurich/"),
        (3, "/ellenika/odusseia/"),
        (4, "/ellenika/odusseia/"),
        (5, "/ellenika/odusseia/"),
        (6, "/ri-ben/dong-jing-tawa/"),
        (7, "/ri-ben/dong-jing-tawa/"),
        (8, "/stadte/cafe-in-zurich/"),
        (9, "/stadte/strasse-und-aero/"),
        (10, "/stadte/strasse-und-aero/"),
        (11, "/emoji-party/"),
        (12, "/stadte/cafe-in-zurich/"),
        (13, "/ellenika/odusseia/"),
    ] {
        assert_eq!(first(i), want, "{:#}", q[i]);
    }
    // The excerpt shows the match at the end of the long page, as written.
    let snippet = q[0]["results"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.ends_with("letztes Wort: Sprüngli-[Würfelzucker]."),
        "{snippet}"
    );
    let snippet = q[3]["results"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.ends_with("επιστρέφουν ο [ΤΗΛΕΜΑΧΟΣ] και ο ΟΔΥΣΣΕΥΣ."),
        "{snippet}"
    );
    assert_eq!(
        q[5]["results"][0]["titleMarked"], "[ΟΔΥΣΣΕΥΣ]",
        "{:#}",
        q[5]
    );
    assert_eq!(
        q[6]["results"][0]["titleMarked"], "[東京タワー]",
        "{:#}",
        q[6]
    );
    assert_eq!(
        q[8]["results"][0]["titleMarked"], "Café in [Zürich]",
        "{:#}",
        q[8]
    );
    assert_eq!(
        paths(&q[13]),
        ["/ellenika/odusseia/"],
        "the filler is on one page only: {:#}",
        q[13]
    );
}

/// `İ` (U+0130) lowers to `i` and U+0307 (a combining dot, not a letter).
/// The index once lowered the text first and then split it into words, so
/// `İstanbul` was indexed as `stanbul`, while the client split the query
/// into words first and then lowered each (`i̇stanbul`). Both now split
/// first, lower each word and drop what is not a letter or digit
/// (`istanbul`), and the excerpt marks the word as written.
#[test]
fn a_word_with_a_dotted_capital_i_is_found() {
    let f = site();
    let out = f.build();
    let q = query(&out, &["İstanbul", "istanbul", "ISTANBUL"]);
    let q = q["out"].as_array().unwrap();
    for r in q {
        assert_eq!(
            paths(r).first().map(String::as_str),
            Some("/stadte/istanbul/"),
            "the page titled `İstanbul’da bir gün`, whose text says `İstanbul`: {r:#}"
        );
        assert_eq!(
            r["results"][0]["titleMarked"], "[İstanbul]’da bir gün",
            "{r:#}"
        );
    }
}

/// A code point at or above U+10000 is one `char` in Rust but two UTF-16
/// units (from U+D800) in JavaScript, so the two orders of strings differ
/// for words that start with a character in U+E000-U+FFFF (fullwidth
/// letters and digits, CJK compatibility ideographs): the index sorts its
/// shards in Rust's order, the client picks the shard for a word with
/// JavaScript's `<` and `<=`. The client now compares terms by code
/// point (`compare` in search.js), as the index sorts them.
#[test]
fn fullwidth_words_are_found_when_a_vocabulary_shard_starts_beyond_the_bmp() {
    let f = site();
    // Many words written in CJK Extension B (as Cantonese and Japanese
    // names are: 𠮷野家), so that vocabulary shards start among them.
    let words: Vec<String> = (0..3000u32)
        .map(|i| {
            [0x2_0000 + i, 0x2_0100 + i % 50]
                .into_iter()
                .map(|c| char::from_u32(c).unwrap())
                .collect()
        })
        .collect();
    f.write(
        "content/日本/漢字.md",
        &format!(
            "---\ntitle: 𠮷野家と難しい漢字\ndescription: 拡張漢字。\n---\n{}\n",
            words.join(" ")
        ),
    );
    let out = f.build();
    let r = Reader::new(&out);
    let beyond_bmp = r.manifest["vocab"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v[0].as_str().unwrap().chars().next().unwrap() > '\u{ffff}')
        .count();
    assert!(
        beyond_bmp > 0,
        "a shard starts beyond U+FFFF: {:#}",
        r.manifest["vocab"]
    );
    // The index has the word, in Rust's order.
    assert_eq!(r.find_sorted("ｊｒ山手線"), ["/ri-ben/dong-jing-tawa/"]);
    // The client finds the Extension B word, and the fullwidth word too
    // (with JavaScript's order it looked in the last shard).
    let q = query(&out, &["ＪＲ山手線", &words[1234]]);
    let q = q["out"].as_array().unwrap();
    assert_eq!(paths(&q[1]), ["/ri-ben/han-zi/"], "{:#}", q[1]);
    assert_eq!(
        paths(&q[0]).first().map(String::as_str),
        Some("/ri-ben/dong-jing-tawa/"),
        "the Tokyo page says `ＪＲ山手線`: {:#}",
        q[0]
    );
}

/// The terms of `texts` as the browser client makes them (`term` of each
/// word of `tokenize`), and `sort` sorted by its `compare`, under Node.
fn client_terms(texts: &[String], sort: &[String]) -> (Vec<Vec<String>>, Vec<String>) {
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/js/search.js");
    let script = r#"
        const fs = require('fs');
        const vm = require('vm');
        const module = { exports: {} };
        vm.runInThisContext('(function (module) {' + fs.readFileSync(process.argv[1], 'utf8') + '\n})')(module);
        const c = module.exports;
        const input = JSON.parse(fs.readFileSync(0, 'utf8'));
        const terms = input.texts.map((t) => c.tokenize(t).map(c.term).filter((t) => t !== null));
        console.log(JSON.stringify([terms, input.sort.slice().sort(c.compare)]));
    "#;
    let mut child = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&client)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed (the search client is tested with it)");
    let input = serde_json::json!({ "texts": texts, "sort": sort }).to_string();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "node failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The index (`text::each_term`, terms sorted as Rust sorts strings) and
/// the client (`term`, `compare`) make the same terms of the same words
/// and put them in the same order, over the cased scripts (Latin, Greek,
/// Cyrillic, Armenian, fullwidth, Deseret beyond U+FFFF) in every case,
/// and CJK, digits and emoji.
#[test]
fn the_index_and_the_client_agree_on_terms_and_their_order() {
    let ranges = [
        0x20..0x250u32,
        0x370..0x530,
        0x531..0x588,
        0x1E00..0x2000,
        0x2150..0x2190,
        0xFF00..0xFFF0,
        0x1_0400..0x1_0450,
    ];
    let mut texts: Vec<String> = ranges
        .iter()
        .map(|r| {
            // Each character alone, then in words of three, in every case.
            let cs: Vec<char> = r.clone().filter_map(char::from_u32).collect();
            let mut t = String::new();
            for c in &cs {
                t.push(*c);
                t.push(' ');
            }
            for w in cs.chunks(3) {
                let w: String = w.iter().collect();
                t.push_str(&format!("{w} {} {} ", w.to_uppercase(), w.to_lowercase()));
            }
            t
        })
        .collect();
    texts.extend(
        [
            "İstanbul’da bir gün, İSTANBUL İ İİ aİb KADIKÖY ½ x² ٣٤ ǅemal",
            "ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ. ΣΑΣ Σ ΑΣ'Β ΌΣΟΣ-ΌΣΟΣ Α.Σ.",
            "Straße STRASSE ẞ ﬀ ﬁ ǄǅǆX Ⅻ ⅻ",
            "東京タワー ＪＲ山手線 𠮷野家 🙂ok 🎉 𝐀𝐁 𝟏 𐐀𐐁 𐐨",
            "It's Q3: the Café's 2 plans—ok?",
        ]
        .map(String::from),
    );
    let index: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            let mut got = Vec::new();
            waymark::search::text::each_term(t, |w| got.push(w.to_string()));
            got
        })
        .collect();
    let mut sorted: Vec<String> = index.iter().flatten().cloned().collect();
    sorted.extend(
        [
            "ｊｒ", "𠀀", "\u{ffff}", "\u{e000}", "\u{d7ff}", "a𠀀", "aｊ", "ab", "a",
        ]
        .map(String::from),
    );
    sorted.sort();
    sorted.dedup();
    let mut shuffled = sorted.clone();
    shuffled.reverse();
    let (client, client_sorted) = client_terms(&texts, &shuffled);
    for ((text, want), got) in texts.iter().zip(&index).zip(&client) {
        assert_eq!(got, want, "the client's terms of {text:?}");
    }
    assert_eq!(client_sorted, sorted, "the client's order of terms");
}
