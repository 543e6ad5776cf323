//! Times the stages of the search index on a site, one thread, for
//! profiling (`cargo run --release --example search_index -- SITE`):
//! making the documents (text out of the HTML), tokenising and weighing,
//! merging, and writing the files' contents; then what `serve` does after
//! an edit of one page (`Index::refresh`: finding the changed documents,
//! in parallel, and updating the index in place), over 30 edits.

use std::time::Instant;

use waymark::search::{self, index::Builder};
use waymark::site::{BuildOptions, Site};

fn main() {
    let root = std::env::args().nth(1).expect("usage: search_index SITE");
    let site = Site::load(std::path::Path::new(&root), &BuildOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let setup = site
        .search_setup()
        .cloned()
        .expect("search: true in site.yaml");
    let sources = search::Sources::new(site.config(), site.library(), site.extras());
    let t = Instant::now();
    let docs = sources.all();
    let t_docs = t.elapsed();
    let t = Instant::now();
    let b = Builder::default();
    let prepared: Vec<_> = docs
        .chunks(b.group_size())
        .map(|g| b.prepare_group(g))
        .collect();
    let t_prepare = t.elapsed();
    let t = Instant::now();
    let mut index = b.finish(prepared, &setup.paths, false);
    let t_finish = t.elapsed();
    let t = Instant::now();
    let files = index.files();
    let t_files = t.elapsed();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let docs_len = docs.len();
    drop(index);
    // What `serve` keeps: the index with its documents, the keys of their
    // HTML and its shards (from `files`).
    let mut texts = search::text::TextCache::default();
    let docs = sources.all_cached(&mut texts);
    let mut index = search::Index::build(&docs, &setup.paths, false, &search::Options::default());
    index.keep_documents(docs);
    index.texts = texts;
    index.files();
    drop(sources);
    // Edits of pages across the site, as `serve` sees them: the page's
    // HTML changed, then `Index::refresh`. Median of the runs.
    // The loaded site is immutable: edit a copy of its library.
    let mut lib = site.library().clone();
    let pages = lib.pages.len();
    let mut took = Vec::new();
    let mut written = 0;
    for k in 0..30 {
        let p = (k * 997 + pages / 2) % pages;
        std::sync::Arc::make_mut(&mut lib.pages[p].rendered)
            .html
            .push_str(&format!(
                "<p>A sentence added while editing, with newword{k}.</p>"
            ));
        let sources = search::Sources::new(site.config(), &lib, site.extras());
        let t = Instant::now();
        let changes = index.refresh(&sources).expect("same documents");
        took.push(t.elapsed());
        written += changes.write.len();
    }
    took.sort();
    println!(
        "{} documents: documents {:?}, prepare {:?}, merge {:?}, files {:?} ({} files, {} KB)",
        docs_len,
        t_docs,
        t_prepare,
        t_finish,
        t_files,
        files.len(),
        bytes / 1024
    );
    println!(
        "after an edit (serve: Index::refresh, documents and update): median {:?}, p90 {:?}, max {:?} over {} edits ({:.1} files written per edit)",
        took[took.len() / 2],
        took[took.len() * 9 / 10],
        took[took.len() - 1],
        took.len(),
        written as f64 / took.len() as f64
    );
}
