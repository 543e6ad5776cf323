//! Documents -> the index: every word of every document, sharded so that a
//! query loads only what it needs, each file a script that works from
//! `file://` and can be cached for ever (its name holds its hash).
//!
//! Files (read by `themes/default/static/js/search.js`, and by the reader in
//! `tests/search.rs`):
//!
//! - `search-index.js`, the manifest: `WaymarkSearchIndex = {v, portable,
//!   lib, css, dir, docs, group, vocab, post, meta}`. `vocab` and `post` list
//!   the vocabulary and postings shards in term order as `[first term,
//!   hash]`; `meta` the hash of each group of `group` documents.
//! - `search-index/v.HASH.js`: a vocabulary shard, the terms of a range
//!   joined by spaces (prefix, typo and stem matching read these).
//! - `search-index/p.HASH.js`: a postings shard, `{t: [terms], p:
//!   [postings]}`; a term's postings are numbers (see
//!   [`encode::push_number`]): for each document, the gap from the previous
//!   document id (minus one) and the impact (BM25 of each field times the
//!   field's weight, times 16).
//! - `search-index/m.HASH.js`: a group of documents: `[path, title,
//!   section, kind, description, tags, text hash, position]` each.
//! - `search-index/t.HASH.js`: the headings and body text of a few
//!   documents of one group, for the excerpts: `[[headings, text], ...]`
//!   (a document's is at its `position`; see [`groups`]).
//!
//! Every data file is `WaymarkSearchData["KEY"]=JSON;` where KEY is its
//! name without folder and `.js`.
//!
//! Term order is code point order: Rust's order of `str`, which every sort
//! and search of terms here uses (the build's `Interner::sorted`, an
//! update's binary searches and shard ranges), and which the client's
//! `compare` follows (JavaScript's `<` compares UTF-16 units instead).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use super::encode::{self, data_file, hash64, short_hash};
use super::{Document, text};
use crate::markdown::Rendered;
use groups::GroupFiles;

/// The manifest's file name, at the site root.
pub const MANIFEST: &str = "search-index.js";

/// The folder of the data files, at the site root.
pub const DIR: &str = "search-index/";

/// Sizes of the shards.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Typical postings shard, in bytes.
    pub post_bytes: usize,
    /// Typical vocabulary shard, in bytes.
    pub vocab_bytes: usize,
    /// Documents per metadata group.
    pub group: usize,
    /// Typical text file (a longer document's text has one to itself).
    pub text_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            post_bytes: 24 * 1024,
            vocab_bytes: 6 * 1024,
            group: 16,
            text_bytes: 16 * 1024,
        }
    }
}

/// Where the client's files are, relative to the site root.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClientPaths {
    /// Scripts to load before searching (the stemmer).
    pub lib: Vec<String>,
    /// The results stylesheet.
    pub css: Option<String>,
}

/// What was built, for `--verbose`, the benchmark and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Documents indexed.
    pub documents: usize,
    /// Distinct terms.
    pub terms: usize,
    /// Bytes of HTML the site has.
    pub html_bytes: usize,
    /// Bytes of all index files.
    pub index_bytes: usize,
    /// Bytes of the manifest.
    pub manifest_bytes: usize,
    /// Vocabulary shards, postings shards, metadata groups.
    pub shards: (usize, usize, usize),
    /// Text files (each the texts of a few documents).
    pub text_files: usize,
    /// Bytes a typical query of 1, 2 and 3 words loads for the header's
    /// first 8 results (see [`Index::query_bytes`]).
    pub query_bytes: [usize; 3],
}

/// Field weights (title, headings, description, tags, body) and the length
/// BM25 normalises each field by (fixed, so a document's impacts never
/// depend on the others: an update touches only its own postings).
const FIELDS: [(f32, f32); 5] = [
    (6.0, 4.0),
    (2.5, 24.0),
    (2.0, 24.0),
    (2.0, 4.0),
    (1.0, 400.0),
];
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The impact of a term in a document from its count in each field.
fn impact(tf: &[u16; 5], len: &[u32; 5]) -> u16 {
    let mut score = 0.0f32;
    for f in 0..5 {
        if tf[f] > 0 {
            let (w, pivot) = FIELDS[f];
            let tf = f32::from(tf[f]);
            let norm = 1.0 - B + B * len[f] as f32 / pivot;
            score += w * tf * (K1 + 1.0) / (tf + K1 * norm);
        }
    }
    (score * 16.0).round().clamp(1.0, 4095.0) as u16
}

/// A document's five fields (title, headings, description, tags, body
/// text).
fn fields<'a>(d: &'a Document, text: &'a str, tags: &'a str, headings: &'a str) -> [&'a str; 5] {
    [&d.title, headings, &d.description, tags, text]
}

/// Calls `f(field, term)` for every term of `fields`, in order (see
/// [`text::each_term`]).
fn each_term(fields: [&str; 5], mut f: impl FnMut(usize, &str)) {
    for (i, field) in fields.iter().enumerate() {
        text::each_term(field, |t| f(i, t));
    }
}

/// A document's terms with their impacts, in no particular order, given to
/// `f` (for `serve`'s updates; a build counts by interned id instead, see
/// [`Builder::prepare_group`]).
fn impacts(d: &Document, text: &str, tags: &str, headings: &str, mut f: impl FnMut(&str, u16)) {
    let mut counts: HashMap<String, [u16; 5], ahash::RandomState> = HashMap::default();
    let mut len = [0u32; 5];
    each_term(fields(d, text, tags, headings), |i, t| {
        len[i] += 1;
        match counts.get_mut(t) {
            Some(c) => c[i] = c[i].saturating_add(1),
            None => {
                let mut c = [0u16; 5];
                c[i] = 1;
                counts.insert(t.to_string(), c);
            }
        }
    });
    for (t, tf) in &counts {
        f(t, impact(tf, &len));
    }
}

/// Term -> id for many threads at once (ids in order of arrival; sorted later).
struct Interner {
    shards: Vec<Mutex<HashMap<Box<str>, u32, ahash::RandomState>>>,
    next: AtomicU32,
    /// Tells this interner's entries in the threads' caches from others'.
    generation: u64,
}

/// Interners made so far, for [`Interner::generation`].
static INTERNERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A thread's memo of term ids and its counts for the document at hand.
#[derive(Default)]
struct Cache {
    /// The [`Interner::generation`] the ids belong to.
    generation: u64,
    /// Ids of terms of up to 16 bytes, keyed by their bytes packed in an
    /// integer (terms hold no NUL), so that a lookup neither hashes a
    /// string nor follows a pointer to compare one: most words are short.
    short: HashMap<u128, u32, ahash::RandomState>,
    /// Ids of the longer terms.
    ids: HashMap<Box<str>, u32, ahash::RandomState>,
    /// By term id: where the term is in `counts` (`u32::MAX`: not yet).
    slot: Vec<u32>,
    /// The document's terms and their counts in each field.
    counts: Vec<(u32, [u16; 5])>,
}

impl Cache {
    /// Counts one occurrence of `t` in field `f`.
    fn count(&mut self, interner: &Interner, f: usize, t: &str) {
        let id = if t.len() <= 16 {
            let mut key = [0u8; 16];
            key[..t.len()].copy_from_slice(t.as_bytes());
            *self
                .short
                .entry(u128::from_le_bytes(key))
                .or_insert_with(|| interner.global_id(t))
        } else {
            match self.ids.get(t) {
                Some(&id) => id,
                None => {
                    let id = interner.global_id(t);
                    self.ids.insert(t.into(), id);
                    id
                }
            }
        };
        let at = id as usize;
        if at >= self.slot.len() {
            self.slot.resize(at + 1, u32::MAX);
        }
        match self.slot[at] {
            u32::MAX => {
                self.slot[at] = self.counts.len() as u32;
                let mut tf = [0u16; 5];
                tf[f] = 1;
                self.counts.push((id, tf));
            }
            s => {
                let tf = &mut self.counts[s as usize].1[f];
                *tf = tf.saturating_add(1);
            }
        }
    }
}

thread_local! {
    static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::new(Cache::default());
}

impl Interner {
    fn new() -> Interner {
        Interner {
            shards: (0..64).map(|_| Mutex::new(HashMap::default())).collect(),
            next: AtomicU32::new(0),
            generation: INTERNERS.fetch_add(1, Ordering::Relaxed),
        }
    }

    fn global_id(&self, t: &str) -> u32 {
        let shard = &self.shards[(hash64(t.as_bytes()) % 64) as usize];
        let mut map = shard.lock().expect("no panics while holding the lock");
        if let Some(&id) = map.get(t) {
            return id;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        map.insert(t.into(), id);
        id
    }

    /// The terms in sorted order (by code point, see the top), and each
    /// arrival id's rank in it.
    fn sorted(self) -> (Vec<Box<str>>, Vec<u32>) {
        let mut all: Vec<(Box<str>, u32)> = self
            .shards
            .into_iter()
            .flat_map(|m| m.into_inner().unwrap_or_default())
            .collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut rank = vec![0u32; all.len()];
        for (r, (_, id)) in all.iter().enumerate() {
            rank[*id as usize] = r as u32;
        }
        (all.into_iter().map(|(t, _)| t).collect(), rank)
    }
}

/// A group of documents ready to merge: each one's terms (interned), and
/// the group's files.
pub struct Prepared {
    /// The interned terms of the documents and their impacts, one document
    /// after another (6 bytes a posting: 3 million at 10,000 pages).
    ids: Vec<u32>,
    imps: Vec<u16>,
    /// Where each document's terms end in `ids`.
    ends: Vec<u32>,
    files: GroupFiles,
}

impl Prepared {
    /// Moves the group's text files out, `(site path, body)`, so that a
    /// build writes them at once instead of holding every page's text
    /// until the end (50 MB at 10,000 pages).
    pub fn take_texts(&mut self) -> Vec<(String, Arc<str>)> {
        self.files
            .texts
            .iter_mut()
            .filter_map(|t| Some((t.name.clone(), t.body.take()?)))
            .collect()
    }
}

/// A search file: its site path and body (shared, not copied, by `serve`).
pub type File = (String, Arc<str>);

/// A changed document: its id, its new version without its body text, and
/// the new text (`None`: unchanged).
type Changed = (usize, Document, Option<String>);

/// The search index in memory: builds its files, and updates them when
/// documents change (see [`Index::update`]).
pub struct Index {
    opts: Options,
    client: ClientPaths,
    portable: bool,
    html_bytes: usize,
    /// Sorted terms and their postings `(doc, impact)` by doc, encoded (3
    /// bytes a posting instead of 8 decoded; an update changes the encoding
    /// in place, see [`patch_postings`]).
    terms: Vec<Box<str>>,
    enc: Vec<String>,
    /// The terms (rank) and impacts of the middle document as built, for
    /// [`Index::query_bytes`].
    mid_terms: Vec<(u32, u16)>,
    /// How many documents there are.
    documents: usize,
    /// The metadata and text files of each group of documents.
    groups: Vec<GroupFiles>,
    /// The documents, kept only by [`Index::keep_documents`] for updates,
    /// without their body texts: those are in the groups' text files.
    docs: Vec<Document>,
    /// Names of the term shards of the last [`Index::files`].
    last_shards: HashSet<String>,
    /// The keys of the documents' HTML, for [`Index::refresh`].
    pub texts: super::text::TextCache,
    /// The term shards of the last [`Index::files`] or update, by kind
    /// (vocabulary, postings) and first term, reused while their range
    /// holds no touched term.
    memo: [HashMap<Box<str>, Memo>; 2],
    /// Terms added or removed (vocabulary), and terms whose postings
    /// changed (postings), since `memo` was made; sorted before use.
    touched: [Vec<Box<str>>; 2],
}

/// A term shard as last written: its range, name and body.
struct Memo {
    last: Box<str>,
    n: usize,
    name: String,
    body: Arc<str>,
}

/// A term shard: name, body (`None` when unchanged since the memo), first
/// term, last term, number of terms.
struct Shard {
    name: String,
    body: Option<Arc<str>>,
    first: Box<str>,
    last: Box<str>,
    n: usize,
}

/// A builder that takes groups of documents as they are made (from any
/// thread).
pub struct Builder {
    interner: Interner,
    opts: Options,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new(&Options::default())
    }
}

impl Builder {
    /// A builder of an index with these shard sizes.
    pub fn new(opts: &Options) -> Builder {
        Builder {
            interner: Interner::new(),
            opts: *opts,
        }
    }

    /// Documents per group: [`Builder::prepare_group`] takes documents
    /// `g * group_size()..` up to the next group or the end.
    pub fn group_size(&self) -> usize {
        self.opts.group.max(1)
    }

    /// Tokenises and weighs the documents of one group and makes its files,
    /// while the caller still has their texts in hand.
    pub fn prepare_group(&self, docs: &[Document]) -> Prepared {
        let (mut ids, mut imps) = (Vec::new(), Vec::new());
        let mut ends = Vec::with_capacity(docs.len());
        let mut entries = Vec::with_capacity(docs.len());
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            let c = &mut *c;
            if c.generation != self.interner.generation {
                c.generation = self.interner.generation;
                c.short.clear();
                c.ids.clear();
            }
            for d in docs {
                let tags = d.tags.join(", ");
                let headings = d.headings.join("\n");
                // Each word is looked up once, in this thread's memo of
                // ids, and counted in a slot by id (no map per document).
                let mut len = [0u32; 5];
                each_term(fields(d, &d.text, &tags, &headings), |f, t| {
                    len[f] += 1;
                    c.count(&self.interner, f, t);
                });
                for (id, tf) in c.counts.drain(..) {
                    c.slot[id as usize] = u32::MAX;
                    ids.push(id);
                    imps.push(impact(&tf, &len));
                }
                ends.push(ids.len() as u32);
                entries.push(groups::entry(d, &d.text, &tags, &headings));
            }
        });
        ids.shrink_to_fit();
        imps.shrink_to_fit();
        Prepared {
            ids,
            imps,
            ends,
            files: groups::group(&entries, self.opts.text_bytes),
        }
    }

    /// Makes and prepares every group of `count` documents in parallel,
    /// `doc(i)` making document `i`, giving each group's text files to
    /// `write` as soon as they are made; stops at the first error.
    pub fn prepare_all<E: Send>(
        &self,
        count: usize,
        doc: &(dyn Fn(usize) -> Document + Sync),
        write: &(dyn Fn(&str, &str) -> Result<(), E> + Sync),
    ) -> Result<Vec<Prepared>, E> {
        let size = self.group_size();
        (0..count.div_ceil(size))
            .into_par_iter()
            .map(|g| {
                let docs: Vec<Document> = (g * size..count.min((g + 1) * size)).map(doc).collect();
                let mut p = self.prepare_group(&docs);
                drop(docs);
                for (name, body) in p.take_texts() {
                    write(&name, &body)?;
                }
                Ok(p)
            })
            .collect()
    }

    /// Merges prepared groups (in document order) into the index.
    pub fn finish(self, groups: Vec<Prepared>, client: &ClientPaths, portable: bool) -> Index {
        let (terms, rank) = self.interner.sorted();
        let documents = groups.iter().map(|g| g.ends.len()).sum::<usize>();
        let mid = (documents / 2) as u32;
        // Each term's encoded postings are written straight into a string
        // of the right size: a first pass measures them.
        let mut len = vec![0usize; terms.len()];
        each_posting(&groups, &rank, |r, gap, imp, _| {
            len[r] += encode::number_len(gap) + encode::number_len(u32::from(imp));
        });
        let mut enc: Vec<String> = len.iter().map(|&n| String::with_capacity(n)).collect();
        drop(len);
        let mut mid_terms = Vec::new();
        each_posting(&groups, &rank, |r, gap, imp, doc| {
            encode::push_number(&mut enc[r], gap);
            encode::push_number(&mut enc[r], u32::from(imp));
            if doc == mid {
                mid_terms.push((r as u32, imp));
            }
        });
        let files = groups.into_iter().map(|g| g.files).collect();
        Index {
            opts: self.opts,
            client: client.clone(),
            portable,
            html_bytes: 0,
            terms,
            enc,
            mid_terms,
            documents,
            groups: files,
            docs: Vec::new(),
            last_shards: HashSet::new(),
            texts: Default::default(),
            memo: Default::default(),
            touched: Default::default(),
        }
    }
}

/// Calls `f(term rank, gap from the term's previous document minus one,
/// impact, document)` for every posting of `groups`, in document order.
fn each_posting(groups: &[Prepared], rank: &[u32], mut f: impl FnMut(usize, u32, u16, u32)) {
    let mut last = vec![u32::MAX; rank.len()];
    let mut doc = 0u32;
    for g in groups {
        let mut start = 0;
        for &end in &g.ends {
            let end = end as usize;
            for (&t, &imp) in g.ids[start..end].iter().zip(&g.imps[start..end]) {
                let r = rank[t as usize] as usize;
                let gap = match last[r] {
                    u32::MAX => doc,
                    prev => doc - prev - 1,
                };
                last[r] = doc;
                f(r, gap, imp, doc);
            }
            start = end;
            doc += 1;
        }
    }
}

/// The postings `(document, impact)` [`encode_postings`] wrote.
fn decode_postings(enc: &str) -> Vec<(u32, u16)> {
    let nums = encode::numbers(enc);
    let mut out = Vec::with_capacity(nums.len() / 2);
    let mut doc: i64 = -1;
    for pair in nums.chunks_exact(2) {
        doc += i64::from(pair[0]) + 1;
        out.push((doc as u32, pair[1] as u16));
    }
    out
}

/// Sets the impact of `doc` in encoded postings `enc` (adding it where it
/// belongs), or with `None` removes it, changing only the bytes around it:
/// an edit touches a few hundred terms, some with postings in most
/// documents, and encoding those again whole cost most of an update.
fn patch_postings(enc: &mut String, doc: u32, imp: Option<u16>) {
    let bytes = enc.as_bytes();
    let mut at = 0;
    let mut prev: i64 = -1;
    let number = |n: i64| {
        let mut s = String::new();
        encode::push_number(&mut s, n as u32);
        s
    };
    loop {
        let start = at;
        let Some(gap) = encode::read_number(bytes, &mut at) else {
            // Past the last posting.
            if let Some(imp) = imp {
                enc.push_str(&number(i64::from(doc) - prev - 1));
                enc.push_str(&number(i64::from(imp)));
            }
            return;
        };
        let d = prev + i64::from(gap) + 1;
        let imp_at = at;
        encode::read_number(bytes, &mut at);
        if d == i64::from(doc) {
            match imp {
                Some(imp) => enc.replace_range(imp_at..at, &number(i64::from(imp))),
                None => {
                    // The next posting's gap now counts from `prev`.
                    let mut next = at;
                    match encode::read_number(bytes, &mut next) {
                        Some(g) => {
                            let gap = number(i64::from(g) + i64::from(gap) + 1);
                            enc.replace_range(start..next, &gap);
                        }
                        None => enc.truncate(start),
                    }
                }
            }
            return;
        }
        if d > i64::from(doc) {
            if let Some(imp) = imp {
                let mut new = number(i64::from(doc) - prev - 1);
                new.push_str(&number(i64::from(imp)));
                new.push_str(&number(d - i64::from(doc) - 1));
                enc.replace_range(start..imp_at, &new);
            }
            return;
        }
        prev = d;
    }
}

/// Files that changed in an [`Index::update`].
#[derive(Debug, Default)]
pub struct Changes {
    /// Files to write (site path, content).
    pub write: Vec<File>,
    /// Files that no longer exist (site paths).
    pub remove: Vec<String>,
}

impl Index {
    /// Builds the index of `docs` (in parallel).
    pub fn build(docs: &[Document], client: &ClientPaths, portable: bool, opts: &Options) -> Index {
        let b = Builder::new(opts);
        let prepared = docs
            .par_chunks(b.group_size())
            .map(|g| b.prepare_group(g))
            .collect();
        b.finish(prepared, client, portable)
    }

    /// The postings of term `t`, decoded.
    fn postings(&self, t: usize) -> Vec<(u32, u16)> {
        decode_postings(&self.enc[t])
    }

    /// Keeps `docs` (the documents it was built from) so that
    /// [`Index::update`] can tell what changed. Their texts are dropped:
    /// the group text files hold them (a second copy would be 50 MB at
    /// 10,000 pages).
    pub fn keep_documents(&mut self, mut docs: Vec<Document>) {
        docs.par_iter_mut().for_each(|d| d.text = String::new());
        self.docs = docs;
    }

    /// The body text of kept document `i`, read back from its text file.
    fn text_of(&self, i: usize) -> String {
        let size = self.opts.group.max(1);
        groups::text_at(&self.groups[i / size], i % size)
    }

    /// Records the size of the site's HTML, for the statistics.
    pub fn set_html_bytes(&mut self, n: usize) {
        self.html_bytes = n;
    }

    /// Updates the index to `docs`, touching only the postings of the terms
    /// of changed documents, their text files and metadata groups. Returns
    /// `None` when documents were added, removed or reordered (ids change:
    /// build again), else the files that changed. The files then equal
    /// those of a fresh build of `docs`.
    pub fn update(&mut self, docs: Vec<Document>) -> Option<Changes> {
        if docs.len() != self.docs.len()
            || docs.iter().zip(&self.docs).any(|(a, b)| a.path != b.path)
        {
            return None;
        }
        let changed: Vec<Changed> = docs
            .into_iter()
            .enumerate()
            .filter_map(|(i, mut d)| {
                let text = std::mem::take(&mut d.text);
                (d != self.docs[i] || text != self.text_of(i)).then_some((i, d, Some(text)))
            })
            .collect();
        Some(self.apply(changed))
    }

    /// [`Index::update`] from the site itself, for `serve`: reads the body
    /// text of only the pages whose HTML changed (by [`super::text::html_key`])
    /// and compares the other fields of each document, without copying the
    /// texts of the others. `None` when documents were added or removed.
    pub fn refresh(&mut self, sources: &super::Sources) -> Option<Changes> {
        let n = self.docs.len();
        if sources.len() != n || self.texts.keys.len() != n {
            if crate::diagnostics::tracing() {
                eprintln!(
                    "refresh: {} documents now, {n} before, {} text keys",
                    sources.len(),
                    self.texts.keys.len()
                );
            }
            return None;
        }
        if self.texts.from.len() != n {
            self.texts.from = vec![None; n];
        }
        // Per document: its new version (without its text), its new text
        // if that changed, and its text key, if something changed; and
        // where its text key now comes from if that is not the output it
        // was taken from.
        type Found = (
            usize,
            Option<(Document, Option<String>, Option<u64>)>,
            Option<Arc<Rendered>>,
        );
        let found: Vec<Found> = (0..n)
            .into_par_iter()
            .filter_map(|i| {
                let old = &self.docs[i];
                let Some(rendered) = sources.rendered(i) else {
                    let mut d = sources.document(i);
                    let text = std::mem::take(&mut d.text);
                    let same = d == *old && text == self.text_of(i);
                    return (!same).then_some((i, Some((d, Some(text), None)), None));
                };
                let same_output =
                    (self.texts.from[i].as_ref()).is_some_and(|f| Arc::ptr_eq(f, rendered));
                let key = match same_output {
                    true => self.texts.keys[i],
                    false => Some(text::html_key(&rendered.html)),
                };
                let from = (!same_output).then(|| rendered.clone());
                let same_text = key == self.texts.keys[i];
                if same_text && sources.same_but_text(i, old) {
                    return from.map(|f| (i, None, Some(f)));
                }
                let d = sources.document_with_text(i, String::new());
                let text = (!same_text).then(|| text::body_text(&rendered.html));
                Some((i, Some((d, text, key)), from))
            })
            .collect();
        if let Some((i, Some((d, ..)), _)) = found.iter().find(|(i, d, _)| {
            d.as_ref()
                .is_some_and(|(d, ..)| d.path != self.docs[*i].path)
        }) {
            if crate::diagnostics::tracing() {
                eprintln!(
                    "refresh: document {i} is {} now, was {}",
                    d.path, self.docs[*i].path
                );
            }
            return None;
        }
        let mut changed = Vec::with_capacity(found.len());
        for (i, new, from) in found {
            if from.is_some() {
                self.texts.from[i] = from;
            }
            let Some((d, text, key)) = new else { continue };
            self.texts.keys[i] = key;
            if d != self.docs[i] || text.is_some() {
                changed.push((i, d, text));
            }
        }
        Some(self.apply(changed))
    }

    /// Applies changed documents.
    fn apply(&mut self, changed: Vec<Changed>) -> Changes {
        let mut changes = Changes::default();
        if changed.is_empty() {
            return changes;
        }
        // The old texts, read while the text files are still the old ones.
        let old_texts: Vec<String> = changed.iter().map(|(i, ..)| self.text_of(*i)).collect();
        let mut new_texts = HashMap::with_capacity(changed.len());
        let mut dirty_groups = std::collections::BTreeSet::new();
        for ((i, new, text), old_text) in changed.into_iter().zip(old_texts) {
            let text = text.unwrap_or_else(|| old_text.clone());
            let old = std::mem::replace(&mut self.docs[i], new);
            let new = &self.docs[i];
            let (ot, oh) = (old.tags.join(", "), old.headings.join("\n"));
            let mut was: HashMap<String, u16> = HashMap::new();
            impacts(&old, &old_text, &ot, &oh, |t, imp| {
                was.insert(t.to_string(), imp);
            });
            let (nt, nh) = (new.tags.join(", "), new.headings.join("\n"));
            let mut now = Vec::new();
            impacts(new, &text, &nt, &nh, |t, imp| {
                // A term whose impact stayed the same is left alone.
                if was.remove(t) != Some(imp) {
                    now.push((t.to_string(), imp));
                }
            });
            new_texts.insert(i, text);
            for t in was.into_keys() {
                self.set_posting(&t, i as u32, None);
            }
            for (t, imp) in now {
                self.set_posting(&t, i as u32, Some(imp));
            }
            dirty_groups.insert(i / self.opts.group.max(1));
        }
        for g in dirty_groups {
            self.remake_group(g, &new_texts, &mut changes);
        }
        let (manifest, shards) = self.term_files();
        let names: HashSet<String> = shards.iter().map(|s| s.name.clone()).collect();
        changes
            .remove
            .extend(self.last_shards.difference(&names).cloned());
        for s in &shards {
            if let Some(body) = s
                .body
                .as_ref()
                .filter(|_| !self.last_shards.contains(&s.name))
            {
                changes.write.push((s.name.clone(), body.clone()));
            }
        }
        self.remember(shards);
        self.last_shards = names;
        changes
            .write
            .push((format!("/{MANIFEST}"), Arc::from(manifest)));
        changes
    }

    /// Keeps the term shards just made (exactly these) for the next update.
    fn remember(&mut self, shards: Vec<Shard>) {
        self.touched = Default::default();
        let mut old = std::mem::take(&mut self.memo);
        for s in shards {
            let kind = kind_of(&s.name);
            let memo = match s.body {
                Some(body) => Memo {
                    last: s.last,
                    n: s.n,
                    name: s.name,
                    body,
                },
                None => match old[kind].remove(&s.first) {
                    Some(m) => m,
                    None => continue,
                },
            };
            self.memo[kind].insert(s.first, memo);
        }
    }

    /// The memo of a shard unchanged since it was made.
    fn memo_of(&self, s: &Shard) -> &Memo {
        &self.memo[kind_of(&s.name)][&s.first]
    }

    /// Makes group `g`'s files again from the kept documents and their
    /// texts (`new_texts` by document, else as its text files have them),
    /// recording in `changes` those that differ.
    fn remake_group(
        &mut self,
        g: usize,
        new_texts: &HashMap<usize, String>,
        changes: &mut Changes,
    ) {
        let size = self.opts.group.max(1);
        let start = g * size;
        let end = ((g + 1) * size).min(self.docs.len());
        let mut texts = groups::texts(&self.groups[g]);
        for (i, text) in texts.iter_mut().enumerate() {
            if let Some(new) = new_texts.get(&(start + i)) {
                text.clone_from(new);
            }
        }
        let entries: Vec<groups::Entry> = self.docs[start..end]
            .iter()
            .zip(&texts)
            .map(|(d, text)| groups::entry(d, text, &d.tags.join(", "), &d.headings.join("\n")))
            .collect();
        let new = groups::group(&entries, self.opts.text_bytes);
        let old = std::mem::replace(&mut self.groups[g], new);
        let new = &self.groups[g];
        if old.meta.0 != new.meta.0 {
            changes.remove.push(old.meta.0);
            changes.write.push(meta_file(&new.meta));
        }
        let names = |files: &[groups::TextFile]| -> HashSet<String> {
            files.iter().map(|t| t.name.clone()).collect()
        };
        let (was, is) = (names(&old.texts), names(&new.texts));
        changes.remove.extend(was.difference(&is).cloned());
        for t in new.texts.iter().filter(|t| !was.contains(&t.name)) {
            let body = t.body.clone().expect("a new group has its texts");
            changes.write.push((t.name.clone(), body));
        }
    }

    /// Sets (or with `None` removes) the posting of `doc` under term `t`,
    /// adding or removing the term as needed.
    fn set_posting(&mut self, t: &str, doc: u32, imp: Option<u16>) {
        let i = match (self.terms.binary_search_by(|x| (**x).cmp(t)), imp) {
            (Ok(i), _) => i,
            (Err(i), Some(_)) => {
                self.touched[0].push(t.into());
                self.terms.insert(i, t.into());
                self.enc.insert(i, String::new());
                i
            }
            (Err(_), None) => return,
        };
        patch_postings(&mut self.enc[i], doc, imp);
        if self.enc[i].is_empty() {
            self.terms.remove(i);
            self.enc.remove(i);
            self.touched[0].push(t.into());
        }
        self.touched[1].push(t.into());
    }

    /// Every file: the manifest first, then the data files. The text
    /// files' bodies are shared with the index, which keeps them (a build
    /// has already written them, see [`Prepared::take_texts`], and gets
    /// only the others).
    pub fn files(&mut self) -> Vec<File> {
        let (manifest, shards) = self.term_files();
        self.last_shards = shards.iter().map(|s| s.name.clone()).collect();
        let mut files = Vec::with_capacity(shards.len() + self.groups.len() * 8);
        files.push((format!("/{MANIFEST}"), Arc::from(manifest)));
        files.extend(shards.iter().map(|s| {
            let body = s.body.as_ref().unwrap_or_else(|| &self.memo_of(s).body);
            (s.name.clone(), body.clone())
        }));
        // Kept for updates (`serve`).
        self.remember(shards);
        files.extend(self.groups.iter().map(|g| meta_file(&g.meta)));
        files.extend(self.groups.iter().flat_map(|g| {
            g.texts
                .iter()
                .filter_map(|t| Some((t.name.clone(), t.body.clone()?)))
        }));
        files
    }

    /// The manifest and the vocabulary and postings shards; a shard whose
    /// range is that of a remembered one and holds no touched term has no
    /// body (unchanged: see [`Index::bodies`]).
    fn term_files(&self) -> (String, Vec<Shard>) {
        let keys: Vec<u64> = self
            .terms
            .par_iter()
            .map(|t| hash64(t.as_bytes()))
            .collect();
        let vocab = encode::partition(
            keys.iter().zip(&self.terms).map(|(k, t)| (*k, t.len() + 1)),
            self.opts.vocab_bytes,
        );
        let post = encode::partition(
            keys.iter()
                .zip(&self.terms)
                .zip(&self.enc)
                .map(|((k, t), e)| (k.rotate_left(32), t.len() + e.len() + 6)),
            self.opts.post_bytes,
        );
        let ranges = |starts: &[usize]| -> Vec<(usize, usize)> {
            starts
                .iter()
                .enumerate()
                .map(|(i, &s)| (s, starts.get(i + 1).copied().unwrap_or(self.terms.len())))
                .filter(|(s, e)| s < e)
                .collect()
        };
        let mut touched = self.touched.clone();
        for t in &mut touched {
            t.sort_unstable();
        }
        let shard = |kind: usize, s: usize, e: usize, make: &dyn Fn() -> String| -> Shard {
            let (first, last) = (&self.terms[s], &self.terms[e - 1]);
            let kept = self.memo[kind].get(first).filter(|m| {
                m.n == e - s && m.last == *last && {
                    let t = &touched[kind];
                    let at = t.partition_point(|x| x < first);
                    t.get(at).is_none_or(|x| x > last)
                }
            });
            let (name, body) = match kept {
                Some(m) => (m.name.clone(), None),
                None => {
                    let (name, body) = named(if kind == 0 { 'v' } else { 'p' }, &make());
                    (name, Some(Arc::from(body)))
                }
            };
            Shard {
                name,
                body,
                first: first.clone(),
                last: last.clone(),
                n: e - s,
            }
        };
        let vocab_files: Vec<Shard> = ranges(&vocab)
            .par_iter()
            .map(|&(s, e)| {
                shard(0, s, e, &|| {
                    let words: Vec<&str> = self.terms[s..e].iter().map(|t| &**t).collect();
                    serde_json::to_string(&words.join(" ")).expect("strings serialise")
                })
            })
            .collect();
        let post_files: Vec<Shard> = ranges(&post)
            .par_iter()
            .map(|&(s, e)| {
                shard(1, s, e, &|| {
                    serde_json::to_string(&serde_json::json!({
                        "t": &self.terms[s..e],
                        "p": &self.enc[s..e],
                    }))
                    .expect("strings serialise")
                })
            })
            .collect();
        let manifest = self.manifest(&vocab_files, &post_files);
        (
            manifest,
            vocab_files.into_iter().chain(post_files).collect(),
        )
    }

    /// The manifest: the first term and hash of each shard, the hash of
    /// each metadata group.
    fn manifest(&self, vocab_files: &[Shard], post_files: &[Shard]) -> String {
        let list = |files: &[Shard]| -> Vec<(String, String)> {
            files
                .iter()
                .map(|s| (s.first.to_string(), hash_of(&s.name)))
                .collect()
        };
        let groups: Vec<String> = self.groups.iter().map(|g| hash_of(&g.meta.0)).collect();
        let manifest = serde_json::json!({
            "v": 3,
            "portable": self.portable,
            "lib": self.client.lib,
            "css": self.client.css,
            "dir": DIR,
            "docs": self.documents,
            "group": self.opts.group,
            "vocab": list(vocab_files),
            "post": list(post_files),
            "meta": groups,
        });
        format!(
            "globalThis.{data}=globalThis.{data}||{{}};globalThis.WaymarkSearchIndex={manifest};\n",
            data = encode::DATA
        )
    }

    /// Sizes, and the bytes typical queries load.
    /// `files` are those of [`Index::files`]; the
    /// text files' sizes are the index's own (they may have been written
    /// before).
    pub fn stats(&self, files: &[File]) -> Stats {
        let count = |p: &str| files.iter().filter(|(n, _)| n.starts_with(p)).count();
        let texts = self.groups.iter().flat_map(|g| &g.texts);
        let text_prefix = format!("/{DIR}t.");
        Stats {
            documents: self.documents,
            terms: self.terms.len(),
            html_bytes: self.html_bytes,
            index_bytes: files
                .iter()
                .filter(|(n, _)| !n.starts_with(&text_prefix))
                .map(|(_, b)| b.len())
                .sum::<usize>()
                + texts.clone().map(|t| t.bytes).sum::<usize>(),
            text_files: texts.count(),
            manifest_bytes: files.first().map_or(0, |(_, b)| b.len()),
            shards: (
                count(&format!("/{DIR}v.")),
                count(&format!("/{DIR}p.")),
                count(&format!("/{DIR}m.")),
            ),
            query_bytes: [1, 2, 3].map(|n| self.query_bytes(files, n)),
        }
    }
}

/// A metadata file as given out.
fn meta_file((name, body): &(String, String)) -> File {
    (name.clone(), Arc::from(body.as_str()))
}

/// `(site path, file body)` of a data file of kind `kind`.
fn named(kind: char, json: &str) -> (String, String) {
    let key = format!("{kind}.{}", short_hash(json.as_bytes()));
    (format!("/{DIR}{key}.js"), data_file(&key, json))
}

/// 0 for a vocabulary shard, 1 for a postings shard (by its path).
fn kind_of(path: &str) -> usize {
    usize::from(path.as_bytes().get(DIR.len() + 1) == Some(&b'p'))
}

/// The hash part of a data file's path (`/search-index/p.HASH.js`).
fn hash_of(path: &str) -> String {
    path.rsplit('/').next().unwrap_or("")[2..]
        .trim_end_matches(".js")
        .to_string()
}

#[path = "groups.rs"]
mod groups;
#[path = "query_cost.rs"]
mod query_cost;

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
