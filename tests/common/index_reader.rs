//! For the tests that check what a build indexed (`tests/search.rs`,
//! `tests/non_ascii.rs`): a reader of the search index format (manifest ->
//! postings shard -> document group -> text, as the browser client reads
//! it), and the real browser client run under Node.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use waymark::search::encode;

use super::read;

/// A reader of the index format, as the browser client reads it.
pub struct Reader {
    dir: PathBuf,
    /// `search-index.js`'s object.
    pub manifest: Value,
}

impl Reader {
    pub fn new(out: &Path) -> Reader {
        let m = read(out, "search-index.js");
        let json = m
            .split_once("WaymarkSearchIndex=")
            .expect("manifest assigns a global")
            .1
            .trim_end()
            .trim_end_matches(';');
        Reader {
            dir: out.to_path_buf(),
            manifest: serde_json::from_str(json).unwrap(),
        }
    }

    pub fn data(&self, file: &str) -> Value {
        let body = read(
            &self.dir,
            &format!("{}{file}", self.manifest["dir"].as_str().unwrap()),
        );
        serde_json::from_str(encode::data_json(&body).expect("a data file")).unwrap()
    }

    /// Document `id`: `[path, title, section, kind, description, tags,
    /// text hash, position]` and its entry `[headings, text]` in that text file.
    pub fn document(&self, id: usize) -> (Value, Value) {
        let g = self.manifest["group"].as_u64().unwrap() as usize;
        let hash = self.manifest["meta"][id / g].as_str().unwrap();
        let meta = self.data(&format!("m.{hash}.js"))[id % g].clone();
        let texts = self.data(&format!("t.{}.js", meta[6].as_str().unwrap()));
        let text = texts[meta[7].as_u64().unwrap() as usize].clone();
        (meta, text)
    }

    pub fn documents(&self) -> Vec<(Value, Value)> {
        (0..self.manifest["docs"].as_u64().unwrap() as usize)
            .map(|i| self.document(i))
            .collect()
    }

    /// The paths of the documents whose postings hold `term`: one shard read.
    pub fn find(&self, term: &str) -> Vec<String> {
        let post = self.manifest["post"].as_array().unwrap();
        let i = post
            .iter()
            .rposition(|e| e[0].as_str().unwrap() <= term)
            .unwrap_or(0);
        let shard = self.data(&format!("p.{}.js", post[i][1].as_str().unwrap()));
        let Some(at) = shard["t"]
            .as_array()
            .unwrap()
            .iter()
            .position(|t| t == term)
        else {
            return Vec::new();
        };
        let nums = encode::numbers(shard["p"][at].as_str().unwrap());
        let mut doc = -1i64;
        nums.chunks(2)
            .map(|c| {
                doc += i64::from(c[0]) + 1;
                self.document(doc as usize).0[0]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    /// [`Reader::find`], sorted.
    pub fn find_sorted(&self, term: &str) -> Vec<String> {
        let mut paths = self.find(term);
        paths.sort();
        paths
    }
}

/// The document of `docs` ([`Reader::documents`]) at site path `path`.
pub fn doc<'a>(docs: &'a [(Value, Value)], path: &str) -> &'a (Value, Value) {
    docs.iter()
        .find(|d| d.0[0] == path)
        .unwrap_or_else(|| panic!("no document {path} in {docs:#?}"))
}

/// Runs the browser client under Node: `tests/search/query.cjs SITE QUERY...`.
pub fn query(site: &Path, queries: &[&str]) -> Value {
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

pub fn paths(result: &Value) -> Vec<String> {
    result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}
