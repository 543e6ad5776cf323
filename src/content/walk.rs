//! Walks `content/` (walkdir, sorted, never following symlinks out of the
//! site) and classifies every file.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// What a file under `content/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `_index.md`: a section.
    Section,
    /// `NAME.md` or `NAME/index.md`: a page (`bundle` for the latter).
    Page {
        /// True for `NAME/index.md`, whose sibling files belong to it.
        bundle: bool,
    },
    /// `assessments/ID.yaml`.
    Assessment,
    /// Anything else: copied next to its page or section.
    Asset,
}

/// One file of `content/`, with its path relative to `content/` in `/` form.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Absolute path.
    pub path: PathBuf,
    /// Relative to `content/`, with `/` separators (`playbooks/go-now.md`).
    pub rel: String,
    /// Classification.
    pub kind: Kind,
}

/// Every file under `dir` as (path relative to `dir` with `/` separators,
/// absolute path), sorted, skipping hidden and temporary files and never
/// following symlinks. Content, templates and static files all load through it.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_ignored(e.file_name().to_string_lossy().as_ref()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, e.path().to_path_buf())
        })
        .collect()
}

/// Lists `content_dir` in a stable order and classifies each file.
pub fn walk(content_dir: &Path) -> Vec<Entry> {
    files_under(content_dir)
        .into_iter()
        .map(|(rel, path)| {
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let kind = if name == "_index.md" {
                Kind::Section
            } else if name == "index.md" && rel.contains('/') {
                Kind::Page { bundle: true }
            } else if name.ends_with(".md") {
                Kind::Page { bundle: false }
            } else if rel.starts_with("assessments/")
                && rel.matches('/').count() == 1
                && (name.ends_with(".yaml") || name.ends_with(".yml"))
            {
                Kind::Assessment
            } else {
                Kind::Asset
            };
            Entry { path, rel, kind }
        })
        .collect()
}

/// Dotfiles, editor swap/backup files and temporary saves are never content
/// (JetBrains' `x.md___jb_tmp___`/`___jb_old___`, Emacs' `.#x.md` and
/// `#x.md#`, Vim's `x.md~`, `.x.md.swp` and its `4913` probe, `Thumbs.db`).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".kate-swp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.starts_with("#")
        || name == "Thumbs.db"
        || is_vim_probe(name)
}

/// Vim checks that it may write a folder by creating `4913` (then `5036`,
/// `5159`, ... if that exists) and deleting it at once.
fn is_vim_probe(name: &str) -> bool {
    name.len() <= 5
        && name.bytes().all(|b| b.is_ascii_digit())
        && name
            .parse::<u32>()
            .is_ok_and(|n| n >= 4913 && (n - 4913) % 123 == 0)
}
