//! Documents -> the index files: a size budget, trimming, shards.
//!
//! Format (read by `themes/default/static/js/search.js`):
//!
//! - `search-index.js`: `globalThis.WaymarkSearchIndex = {v, portable, lib,
//!   css, shards, sections, documents, trimmed}` where `lib`, `css` and
//!   `shards` are paths relative to the site root.
//! - each shard: `(globalThis.WaymarkSearchShards ||= []).push({n, docs})`
//!   where every document is an array `[path, title, section, kind,
//!   description, headings, terms, text]`: `section` indexes `sections` (or
//!   is -1), `kind` is 0 page, 1 section, 2 assessment, `headings` are joined
//!   with newlines and `terms` with ", ".

use serde::Serialize;

use super::Document;

/// The manifest's file name, at the site root.
pub const MANIFEST: &str = "search-index.js";

/// Limits of the index.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Largest index as a share of the site's HTML bytes.
    pub ratio: f64,
    /// Largest index in bytes whatever the site's size, so a browser can
    /// load and index it in a few seconds (10,000 pages leave about 1 KB of
    /// body text each).
    pub max_bytes: usize,
    /// Target size of one shard.
    pub shard_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ratio: 0.35,
            max_bytes: 12 * 1024 * 1024,
            shard_bytes: 512 * 1024,
        }
    }
}

/// Where the client's files are, relative to the site root.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClientPaths {
    /// Scripts to load before the shards, in order (MiniSearch, the stemmer).
    pub lib: Vec<String>,
    /// The results stylesheet.
    pub css: Option<String>,
}

/// What was built, for `--verbose` and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Documents indexed.
    pub documents: usize,
    /// Bytes of HTML the site has.
    pub html_bytes: usize,
    /// Bytes of all index files.
    pub index_bytes: usize,
    /// The budget the index had to fit.
    pub budget: usize,
    /// Longest body text kept per document, in JSON bytes, when trimmed.
    pub text_cap: Option<usize>,
    /// Number of shard files.
    pub shards: usize,
}

impl Stats {
    /// Index size as a share of the HTML.
    pub fn ratio(&self) -> f64 {
        if self.html_bytes == 0 {
            0.0
        } else {
            self.index_bytes as f64 / self.html_bytes as f64
        }
    }
}

/// The files to write: (site path, content).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// The manifest first, then the shards (then, from [`crate::site::Site::search_index`],
    /// the built-in client files).
    pub files: Vec<(String, String)>,
    /// Sizes and trimming.
    pub stats: Stats,
}

/// Room left for the manifest and the shards' wrappers.
const OVERHEAD_PER_SHARD: usize = 96;

/// Builds the index files for `docs` on a site of `html_bytes` of HTML.
pub fn build(
    docs: &[Document],
    html_bytes: usize,
    client: &ClientPaths,
    portable: bool,
    opts: &Options,
) -> Index {
    let mut sections: Vec<String> = Vec::new();
    let rows: Vec<Row> = docs.iter().map(|d| Row::new(d, &mut sections)).collect();
    let budget = ((html_bytes as f64 * opts.ratio) as usize).min(opts.max_bytes);
    let (texts, cap) = fit(&rows, budget, opts);
    let mut shards: Vec<String> = Vec::new();
    let mut current = String::new();
    for (row, text) in rows.iter().zip(&texts) {
        let json = row.json(text);
        if !current.is_empty() && current.len() + json.len() > opts.shard_bytes {
            shards.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(',');
        }
        current.push_str(&json);
    }
    if !current.is_empty() || shards.is_empty() {
        shards.push(current);
    }
    let mut files = Vec::new();
    let mut names = Vec::new();
    for (n, docs) in shards.iter().enumerate() {
        let body = format!(
            "(globalThis.WaymarkSearchShards||(globalThis.WaymarkSearchShards=[])).push({{\"n\":{n},\"docs\":[{docs}]}});\n"
        );
        let name = crate::output::fingerprinted(&format!("search-index-{n}.js"), body.as_bytes());
        names.push(name.trim_start_matches('/').to_string());
        files.push((name, body));
    }
    let manifest = serde_json::json!({
        "v": 1,
        "portable": portable,
        "lib": client.lib,
        "css": client.css,
        "shards": names,
        "sections": sections,
        "documents": docs.len(),
        "trimmed": cap.is_some(),
    });
    files.insert(
        0,
        (
            format!("/{MANIFEST}"),
            format!("globalThis.WaymarkSearchIndex={manifest};\n"),
        ),
    );
    let index_bytes = files.iter().map(|(_, b)| b.len()).sum();
    Index {
        files,
        stats: Stats {
            documents: docs.len(),
            html_bytes,
            index_bytes,
            budget,
            text_cap: cap,
            shards: shards.len(),
        },
    }
}

/// A document serialised except for its text.
struct Row {
    head: String,
    text: String,
}

impl Row {
    fn new(d: &Document, sections: &mut Vec<String>) -> Row {
        let section: i64 = match &d.section {
            Some(s) => match sections.iter().position(|x| x == s) {
                Some(i) => i as i64,
                None => {
                    sections.push(s.clone());
                    (sections.len() - 1) as i64
                }
            },
            None => -1,
        };
        let head = serde_json::to_string(&(
            &d.path,
            &d.title,
            section,
            d.kind.code(),
            &d.description,
            d.headings.join("\n"),
            d.tags.join(", "),
        ))
        .expect("strings serialise");
        Row {
            // Drop the closing `]`; the text goes after it.
            head: head[..head.len() - 1].to_string(),
            text: json_string(&d.text),
        }
    }

    fn json(&self, text: &str) -> String {
        format!("{},{}]", self.head, text)
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// The JSON text of every row, trimmed to fit `budget`; and the cap used.
fn fit(rows: &[Row], budget: usize, opts: &Options) -> (Vec<String>, Option<usize>) {
    let fixed: usize = rows.iter().map(|r| r.head.len() + 3).sum();
    let texts: usize = rows.iter().map(|r| r.text.len()).sum();
    let shards = (fixed + texts) / opts.shard_bytes.max(1) + 1;
    let overhead = 512 + shards * OVERHEAD_PER_SHARD;
    if fixed + texts + overhead <= budget {
        return (rows.iter().map(|r| r.text.clone()).collect(), None);
    }
    // Water-filling: the largest cap such that the capped texts fit.
    let mut room = budget.saturating_sub(fixed + overhead);
    let mut lens: Vec<usize> = rows.iter().map(|r| r.text.len()).collect();
    lens.sort_unstable();
    let mut cap = 0;
    for (i, &len) in lens.iter().enumerate() {
        let left = lens.len() - i;
        if len * left <= room {
            room -= len;
            cap = len;
        } else {
            cap = room / left;
            break;
        }
    }
    let texts = rows.iter().map(|r| truncate_json(&r.text, cap)).collect();
    (texts, Some(cap))
}

/// Shortens a JSON string literal to at most `max` bytes (never less than
/// `""`), at a word break when there is one, and never inside an escape.
fn truncate_json(lit: &str, max: usize) -> String {
    if lit.len() <= max {
        return lit.to_string();
    }
    let inner = &lit[1..lit.len() - 1];
    let bytes = inner.as_bytes();
    let limit = max.saturating_sub(2);
    let (mut i, mut last_space) = (0, 0);
    while i < inner.len() {
        let len = match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'u') => 6,
            b'\\' => 2,
            _ => inner[i..].chars().next().map_or(1, char::len_utf8),
        };
        if i + len > limit {
            break;
        }
        if bytes[i] == b' ' {
            last_space = i;
        }
        i += len;
    }
    let end = if i < inner.len() && last_space > 0 {
        last_space
    } else {
        i
    };
    format!("\"{}\"", &inner[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Kind;

    fn doc(i: usize, words: usize) -> Document {
        Document {
            path: format!("/p{i}/"),
            title: format!("Page {i}"),
            section: Some(if i.is_multiple_of(2) { "Even" } else { "Odd" }.into()),
            kind: Kind::Page,
            description: String::new(),
            headings: vec!["One".into(), "Two".into()],
            tags: vec!["AI".into()],
            text: (0..words)
                .map(|w| format!("word{w}"))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    fn shard_docs(index: &Index) -> Vec<serde_json::Value> {
        let mut all = Vec::new();
        for (n, (_, body)) in index.files.iter().skip(1).enumerate() {
            let json = body
                .split_once(".push(")
                .unwrap()
                .1
                .trim_end()
                .trim_end_matches(");");
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(v["n"], n);
            all.extend(v["docs"].as_array().unwrap().iter().cloned());
        }
        all
    }

    #[test]
    fn small_sites_keep_everything_in_one_shard() {
        let docs: Vec<Document> = (0..3).map(|i| doc(i, 20)).collect();
        let index = build(
            &docs,
            1_000_000,
            &ClientPaths::default(),
            false,
            &Options::default(),
        );
        assert_eq!(index.stats.shards, 1);
        assert_eq!(index.stats.text_cap, None);
        assert_eq!(index.files[0].0, "/search-index.js");
        assert!(index.files[1].0.starts_with("/search-index-0."));
        let all = shard_docs(&index);
        assert_eq!(all.len(), 3);
        assert_eq!(all[1][0], "/p1/");
        assert_eq!(all[1][1], "Page 1");
        assert_eq!(all[1][2], 1, "section index of `Odd`");
        assert_eq!(all[1][5], "One\nTwo");
        assert_eq!(all[1][7], docs[1].text);
        let manifest = &index.files[0].1;
        assert!(
            manifest.contains("\"sections\":[\"Even\",\"Odd\"]"),
            "{manifest}"
        );
    }

    #[test]
    fn large_sites_are_split_and_trimmed_to_the_budget() {
        let docs: Vec<Document> = (0..200).map(|i| doc(i, 50 + i * 5)).collect();
        let opts = Options {
            ratio: 0.35,
            max_bytes: usize::MAX,
            shard_bytes: 4096,
        };
        let html_bytes = 300_000;
        let index = build(&docs, html_bytes, &ClientPaths::default(), true, &opts);
        let s = index.stats;
        assert!(s.shards > 5, "{s:?}");
        assert!(s.text_cap.is_some(), "{s:?}");
        assert!(s.index_bytes <= s.budget, "{s:?}");
        assert!(s.ratio() <= 0.35);
        let all = shard_docs(&index);
        assert_eq!(all.len(), 200, "every document survives trimming");
        // Short texts are kept whole; long ones cut at a word.
        assert_eq!(all[0][7], docs[0].text);
        let last = all[199][7].as_str().unwrap();
        assert!(last.len() < docs[199].text.len());
        assert!(docs[199].text.starts_with(last));
        assert!(!last.ends_with(' '));
        assert!(index.files[0].1.contains("\"portable\":true"));
    }

    #[test]
    fn the_absolute_cap_bounds_huge_sites() {
        let docs: Vec<Document> = (0..10_000).map(|i| doc(i, 200)).collect();
        let opts = Options {
            max_bytes: 2_000_000,
            ..Options::default()
        };
        let index = build(&docs, 200_000_000, &ClientPaths::default(), false, &opts);
        assert!(index.stats.index_bytes <= 2_000_000, "{:?}", index.stats);
        assert_eq!(shard_docs(&index).len(), 10_000);
    }

    #[test]
    fn truncation_never_breaks_escapes() {
        let lit = json_string("a \"quoted\" word and é \u{1} end");
        for max in 0..lit.len() + 2 {
            let t = truncate_json(&lit, max);
            assert!(t.len() <= max.max(2), "{max}: {t}");
            let s: String = serde_json::from_str(&t).unwrap_or_else(|e| panic!("{max}: {t}: {e}"));
            assert!(
                serde_json::from_str::<String>(&lit)
                    .unwrap()
                    .starts_with(&s),
                "{max}: {s}"
            );
        }
    }
}
