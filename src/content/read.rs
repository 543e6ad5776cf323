//! Reads and parses the page and section files for [`super::load`], in
//! parallel, reusing what a [`ContentCache`] holds from the last build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::front_matter;
use super::library::{LoadOptions, read_text};
use super::walk::{self, Entry, Kind};
use crate::diagnostics::{Diagnostic, display_path};

/// A page or section file that parsed and is not a skipped draft.
pub(super) struct Loaded {
    pub entry: Entry,
    pub source: Arc<str>,
    pub parsed: front_matter::Parsed,
}

/// A file's parsed front matter, or its problems.
type ParseResult = Result<front_matter::Parsed, Vec<Diagnostic>>;

/// Per file: its source and parsed front matter (or its errors).
type CachedFiles = HashMap<PathBuf, (Arc<str>, ParseResult)>;

/// What `load` keeps between runs so that `serve` re-reads and re-parses
/// only the files that changed: the walked file list and, per file, its
/// source and parsed front matter (or its errors).
#[derive(Debug, Default)]
pub struct ContentCache {
    entries: Option<Vec<Entry>>,
    files: CachedFiles,
    /// The taxonomy names the parses were made with.
    taxonomies: Vec<String>,
}

impl ContentCache {
    /// Forgets what it knows about `paths` (files or folders, absolute).
    /// The file list is walked again unless every path is a known file that
    /// still exists.
    pub fn invalidate(&mut self, paths: &[PathBuf]) {
        // A save often reports a file twice; a second look would find it
        // gone from the cache and sweep every entry as if it were a folder.
        let paths: std::collections::BTreeSet<&PathBuf> = paths.iter().collect();
        for changed in paths {
            let known_file = self
                .entries
                .as_ref()
                .is_some_and(|e| e.iter().any(|e| e.path.as_os_str() == changed.as_os_str()));
            if !known_file || !changed.is_file() {
                self.entries = None;
            }
            // A file is one entry; a folder (or a path that is gone and may
            // have been one) forgets everything under it.
            if self.files.remove(changed).is_none() || !changed.is_file() {
                self.files.retain(|p, _| !p.starts_with(changed));
            }
        }
    }

    /// A parse reads the site's taxonomy keys, so every parse is stale once
    /// `site.yaml` names other taxonomies: then the cache starts empty.
    fn forget_unless_made_with(&mut self, taxonomy_names: &[String]) {
        if self.taxonomies != taxonomy_names {
            *self = ContentCache {
                taxonomies: taxonomy_names.to_vec(),
                ..ContentCache::default()
            };
        }
    }
}

/// The files to build from, split by kind because sections are built
/// before pages (a page needs its section's index), and the parse errors.
pub(super) struct LoadedFiles {
    pub sections: Vec<Loaded>,
    pub pages: Vec<Loaded>,
    pub errors: Vec<Diagnostic>,
}

/// The first step of loading, kept apart so the cache's bookkeeping stays
/// out of the building steps: every file under `content/` (walked again
/// only if the cache lost the list), and the pages and sections parsed.
/// Without `keep` (a load not followed by another) the cache keeps no
/// files, so a page's source and front matter are held once (by the page).
pub(super) fn load_files<'c>(
    root: &Path,
    taxonomy_names: &[String],
    opts: LoadOptions,
    cache: &'c mut ContentCache,
    keep: bool,
) -> (&'c [Entry], LoadedFiles) {
    cache.forget_unless_made_with(taxonomy_names);
    let entries = match cache.entries.take() {
        Some(e) => e,
        None => walk::walk(&root.join("content")),
    };
    let read = read_files(root, &entries, &cache.files, taxonomy_names);
    let keep = keep.then_some(&mut cache.files);
    let loaded = keep_loaded(read, opts, keep);
    (cache.entries.insert(entries), loaded)
}

/// A page or section file as [`read_files`] found it; `fresh` when it was
/// read now rather than taken from the cache.
struct ReadFile<'a> {
    entry: &'a Entry,
    source: Arc<str>,
    parsed: ParseResult,
    fresh: bool,
}

/// Reading and parsing is most of loading, so it runs in parallel and
/// skips the files the cache still holds.
fn read_files<'a>(
    root: &Path,
    entries: &'a [Entry],
    cached: &CachedFiles,
    taxonomy_names: &[String],
) -> Vec<ReadFile<'a>> {
    entries
        .par_iter()
        .filter(|e| matches!(e.kind, Kind::Section | Kind::Page { .. }))
        .map(|entry| {
            if let Some((source, parsed)) = cached.get(&entry.path) {
                return ReadFile {
                    entry,
                    source: source.clone(),
                    parsed: parsed.clone(),
                    fresh: false,
                };
            }
            let file = display_path(root, &entry.path);
            let source: Arc<str> = match read_text(&entry.path, &file) {
                Ok(s) => s.into(),
                Err(d) => {
                    return ReadFile {
                        entry,
                        source: Arc::from(""),
                        parsed: Err(vec![d]),
                        fresh: false,
                    };
                }
            };
            let is_section = entry.kind == Kind::Section;
            let parsed = front_matter::parse(&file, &source, is_section, taxonomy_names);
            ReadFile {
                entry,
                source,
                parsed,
                fresh: true,
            }
        })
        .collect()
}

/// Sorts what [`read_files`] found in one pass, in file order: fresh
/// parses into the cache (when there is one to keep), drafts out (unless `--drafts`), errors apart.
fn keep_loaded(
    read: Vec<ReadFile>,
    opts: LoadOptions,
    mut cache: Option<&mut CachedFiles>,
) -> LoadedFiles {
    let mut out = LoadedFiles {
        sections: Vec::new(),
        pages: Vec::new(),
        errors: Vec::new(),
    };
    for ReadFile {
        entry,
        source,
        parsed,
        fresh,
    } in read
    {
        // Unreadable files are tried again next time.
        if let Some(cache) = cache.as_deref_mut()
            && fresh
            && !(source.is_empty() && parsed.is_err())
        {
            cache.insert(entry.path.clone(), (source.clone(), parsed.clone()));
        }
        match parsed {
            Ok(p) if p.front.draft && !opts.drafts => {}
            Ok(parsed) => {
                let kind = if entry.kind == Kind::Section {
                    &mut out.sections
                } else {
                    &mut out.pages
                };
                kind.push(Loaded {
                    entry: entry.clone(),
                    source,
                    parsed,
                });
            }
            Err(mut e) => out.errors.append(&mut e),
        }
    }
    out
}
