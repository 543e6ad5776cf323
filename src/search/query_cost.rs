//! What a query costs the browser: the bytes of the files the client
//! (`search.js`) loads for a typical query, following its plan and limits,
//! so that `build --verbose` can report the size budget of every build.
//! (The benchmark measures the real client under Node as well.)

use std::collections::{BTreeSet, HashMap};

use super::{DIR, Index, MANIFEST};

/// The client's limits (`search.js`: VOCAB_SHARDS, POST_SHARDS, PREFIX_TERMS,
/// FUZZY_TERMS, PANEL_RESULTS).
pub const VOCAB_SHARDS: usize = 4;
/// Postings shards loaded per word at most.
pub const POST_SHARDS: usize = 3;
/// Completions of a prefix considered, shortest first.
pub const PREFIX_TERMS: usize = 12;
/// Typo corrections considered, closest first.
pub const FUZZY_TERMS: usize = 8;
/// Results the header panel shows.
pub const PANEL_RESULTS: usize = 8;

impl Index {
    /// Bytes an `n`-word query loads for the header's first results: the
    /// manifest, the vocabulary and postings shards of its words, and the
    /// metadata group and text of each result shown. The query is the `n`
    /// weightiest words (of four letters or more) of the middle document,
    /// as a visitor would describe a page. Stems are left out (the client
    /// finds them in the shards it loads for the word anyway).
    pub(super) fn query_bytes(&self, files: &[super::File], n: usize) -> usize {
        let mut size: HashMap<&str, usize> =
            files.iter().map(|(p, b)| (p.as_str(), b.len())).collect();
        for t in self.groups.iter().flat_map(|g| &g.texts) {
            size.insert(&t.name, t.bytes);
        }
        let mut mine: Vec<(u16, usize)> = self
            .mid_terms
            .iter()
            .map(|&(t, imp)| (imp, t as usize))
            .collect();
        mine.retain(|&(_, t)| self.terms[t].chars().count() >= 4);
        mine.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let words: Vec<&str> = mine.iter().take(n).map(|&(_, t)| &*self.terms[t]).collect();
        let (vocab, post) = self.shard_lists(files);
        let mut loaded: BTreeSet<String> = BTreeSet::new();
        loaded.insert(format!("/{MANIFEST}"));
        let mut scores: Vec<HashMap<u32, u32>> = Vec::new();
        for w in &words {
            for i in vocab_shards(&vocab, w) {
                loaded.insert(vocab[i].1.clone());
            }
            let mut cands: Vec<usize> = Vec::new();
            let at = self.terms.partition_point(|t| **t < **w);
            let prefixed: Vec<usize> = (at..self.terms.len())
                .take_while(|&t| self.terms[t].starts_with(w))
                .collect();
            cands.extend(prefixed.iter().copied().filter(|&t| *self.terms[t] == **w));
            let mut longer: Vec<usize> = prefixed
                .into_iter()
                .filter(|&t| *self.terms[t] != **w)
                .collect();
            longer.sort_by_key(|&t| (self.terms[t].len(), t));
            cands.extend(longer.into_iter().take(PREFIX_TERMS));
            cands.extend(self.typos(w));
            let mut shards: Vec<usize> = Vec::new();
            let mut score: HashMap<u32, u32> = HashMap::new();
            for t in cands {
                let s = covering(&post, &self.terms[t], &self.terms[t])[0];
                if !shards.contains(&s) {
                    if shards.len() == POST_SHARDS {
                        continue;
                    }
                    shards.push(s);
                }
                for &(d, imp) in self.postings(t).iter() {
                    let e = score.entry(d).or_default();
                    *e = (*e).max(u32::from(imp));
                }
            }
            for s in shards {
                loaded.insert(post[s].1.clone());
            }
            scores.push(score);
        }
        let mut docs: Vec<(u32, u32)> = match scores.split_first() {
            Some((first, rest)) => first
                .iter()
                .filter(|(d, _)| rest.iter().all(|s| s.contains_key(d)))
                .map(|(&d, &s)| (d, s + rest.iter().map(|r| r[&d]).sum::<u32>()))
                .collect(),
            None => Vec::new(),
        };
        docs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for &(d, _) in docs.iter().take(PANEL_RESULTS) {
            let g = &self.groups[d as usize / self.opts.group.max(1)];
            loaded.insert(g.meta.0.clone());
            loaded.insert(self.text_file_of(g, d as usize % self.opts.group.max(1)));
        }
        loaded
            .iter()
            .map(|p| size.get(p.as_str()).copied().unwrap_or(0))
            .sum()
    }

    /// The site path of the text file of the `at`-th document of group `g`.
    fn text_file_of(&self, g: &super::GroupFiles, at: usize) -> String {
        let json = super::encode::data_json(&g.meta.1).unwrap_or("[]");
        let meta: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let hash = meta[at][6].as_str().unwrap_or("");
        format!("/{DIR}t.{hash}.js")
    }

    /// The closest terms within the client's typo allowance of `w` (same
    /// first letter, about one edit in five letters), closest first.
    fn typos(&self, w: &str) -> Vec<usize> {
        let len = w.chars().count();
        if len <= 3 {
            return Vec::new();
        }
        let max = ((len as f64) * 0.2).round().max(1.0) as usize;
        let first: String = w.chars().take(1).collect();
        let at = self.terms.partition_point(|t| **t < *first);
        let mut found: Vec<(usize, usize)> = (at..self.terms.len())
            .take_while(|&t| self.terms[t].starts_with(&first))
            .filter(|&t| *self.terms[t] != *w && self.terms[t].chars().count().abs_diff(len) <= max)
            .filter_map(|t| {
                let d = strsim::levenshtein(w, &self.terms[t]);
                (d <= max).then_some((d, t))
            })
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .take(FUZZY_TERMS)
            .map(|(_, t)| t)
            .collect()
    }

    /// (first term, site path) of the vocabulary and postings shards, in order.
    #[allow(clippy::type_complexity)]
    fn shard_lists(&self, files: &[super::File]) -> (Vec<(String, String)>, Vec<(String, String)>) {
        let manifest = files.first().map_or("", |(_, b)| &**b);
        let json = manifest
            .split_once("WaymarkSearchIndex=")
            .map_or("{}", |(_, r)| r.trim_end().trim_end_matches(';'));
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let list = |kind: &str| -> Vec<(String, String)> {
            v[kind]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            let first = e[0].as_str().unwrap_or("").to_string();
                            let path =
                                format!("/{DIR}{}.{}.js", &kind[..1], e[1].as_str().unwrap_or(""));
                            (first, path)
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        (list("vocab"), list("post"))
    }
}

/// The vocabulary shards the client loads for word `w`: its own range
/// first, then (when typos are allowed) the shards of its first letter
/// nearest to it; at most [`VOCAB_SHARDS`].
fn vocab_shards(vocab: &[(String, String)], w: &str) -> Vec<usize> {
    let first: String = w.chars().take(1).collect();
    let (lo, hi) = range(w);
    let own = covering(vocab, &lo, &hi);
    let mut near = if w.chars().count() > 3 {
        let (lo, hi) = range(&first);
        covering(vocab, &lo, &hi)
    } else {
        Vec::new()
    };
    near.sort_by_key(|&i| (i.abs_diff(own[0]), i));
    let mut pick: Vec<usize> = Vec::new();
    for i in own.into_iter().chain(near) {
        if !pick.contains(&i) && pick.len() < VOCAB_SHARDS {
            pick.push(i);
        }
    }
    pick
}

/// The range of the terms starting with `prefix` (as the client's
/// `prefix + "\u{10FFFF}"`, terms being ordered by code point).
fn range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

/// Indexes of the shards (sorted by first term) holding terms in `lo..=hi`.
pub fn covering(shards: &[(String, String)], lo: &str, hi: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 0..shards.len() {
        let starts_after_hi = i > 0 && *shards[i].0 > *hi;
        let next_at_or_below_lo = shards.get(i + 1).is_some_and(|n| *n.0 <= *lo);
        if !starts_after_hi && !next_at_or_below_lo {
            out.push(i);
        }
    }
    if out.is_empty() {
        out.push(0);
    }
    out
}
