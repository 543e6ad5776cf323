//! Times the stages of the search index on a site, one thread, for
//! profiling (`cargo run --release --example search_index -- SITE`):
//! making the documents (text out of the HTML), tokenising and weighing,
//! merging, and writing the files' contents; then what `serve` does after
//! an edit of one page: making the documents again (in parallel) and
//! updating the index in place.

use std::time::Instant;

use waymark::search::{self, index::Builder};
use waymark::site::{BuildOptions, Site};

fn main() {
    let root = std::env::args().nth(1).expect("usage: search_index SITE");
    let site = Site::load(std::path::Path::new(&root), &BuildOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let setup = site.search.clone().expect("search: true in site.yaml");
    let sources = search::Sources::new(&site.config, &site.lib, &site.extras);
    let t = Instant::now();
    let docs = sources.all();
    let t_docs = t.elapsed();
    let t = Instant::now();
    let b = Builder::default();
    let prepared: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| b.prepare(i, d))
        .collect();
    let t_prepare = t.elapsed();
    let t = Instant::now();
    let mut index = b.finish(prepared, &setup.paths, false, &search::Options::default());
    let t_finish = t.elapsed();
    let t = Instant::now();
    let files = index.files();
    let t_files = t.elapsed();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    // An edit of the middle page, as `serve` sees it.
    index.keep_documents(docs.clone());
    let mut texts = search::text::TextCache::default();
    sources.all_cached(&mut texts);
    let t = Instant::now();
    let mut again = sources.all_cached(&mut texts);
    let t_again = t.elapsed();
    let mid = again.len() / 2;
    again[mid]
        .text
        .push_str(" A sentence added while editing, with a newword.");
    let t = Instant::now();
    let changes = index.update(again).expect("same documents");
    let t_update = t.elapsed();
    println!(
        "{} documents: documents {:?}, prepare {:?}, merge {:?}, files {:?} ({} files, {} KB)",
        docs.len(),
        t_docs,
        t_prepare,
        t_finish,
        t_files,
        files.len(),
        bytes / 1024
    );
    println!(
        "after an edit: documents again {:?} (texts cached by HTML hash), index update {:?} ({} files written, {} removed)",
        t_again,
        t_update,
        changes.write.len(),
        changes.remove.len()
    );
}
