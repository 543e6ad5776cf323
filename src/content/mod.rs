//! Loading `content/`: sections, pages, bundles, assessments' source files,
//! URLs, ordering, neighbours and taxonomies.
//!
//! The result is a [`Library`]: every page and section by index, relations
//! stored as indices (never copies), immutable once built so rendering can be
//! a pure, parallel function of it.

pub mod dates;
mod front_matter;
mod library;
mod read;
mod taxonomies;
mod walk;

pub use dates::{Date, is_date};
pub use front_matter::{FrontMatter, SortBy, is_forbidden_control, key_position};
pub use library::{
    AssessmentFile, Library, LinkHints, LoadOptions, MAX_FILE_BYTES, Target, load, load_cached,
    normalize_alias, read_text,
};
pub use read::ContentCache;
pub use taxonomies::{Taxonomy, Term};

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Arc;

use crate::markdown::Rendered;

/// What a page and a section have in common: a Markdown file with front
/// matter, its URL, its bundle files and its rendering. Both embed one and
/// dereference to it, so `page.path` and `section.path` read alike and a
/// stage that treats them alike loops once over [`Library::documents`].
#[derive(Debug, Clone)]
pub struct Document {
    /// Path for messages, relative to the site root (`content/a/b.md`); a
    /// section's may not exist (implicit sections).
    pub file: PathBuf,
    /// Path relative to `content/`, the key of `@/` links (`a/b.md`,
    /// `a/_index.md`).
    pub rel: String,
    /// The whole file, kept for diagnostics (empty for implicit sections).
    pub source: Arc<str>,
    /// Typed front matter (shared with `serve`'s content cache).
    pub front: Arc<FrontMatter>,
    /// Where the Markdown body starts in `source`.
    pub body_start: usize,
    /// Lines before the body.
    pub body_line_offset: usize,
    /// Site-root URL path: `/a/b/`, `/` for home.
    pub path: String,
    /// Bundle files (or files beside `_index.md`): (source file, site path).
    pub assets: Vec<(PathBuf, String)>,
    /// Filled in by the Markdown stage; shared with `serve`'s caches, so
    /// an unchanged page's HTML is held once and compared by pointer.
    pub rendered: std::sync::Arc<Rendered>,
}

impl Document {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }
}

/// A Markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file, URL and rendering it shares with sections.
    pub doc: Document,
    /// Taxonomy name -> term names (shared with `serve`'s content cache).
    pub taxonomies: Arc<BTreeMap<String, Vec<String>>>,
    /// Last URL segment.
    pub slug: String,
    /// Index of the section listing this page.
    pub section: usize,
    /// Neighbours in the section's order.
    pub previous: Option<usize>,
    /// Neighbours in the section's order.
    pub next: Option<usize>,
}

/// A section (`_index.md`); the home page is the section of `content/`.
#[derive(Debug, Clone)]
pub struct Section {
    /// The file, URL and rendering it shares with pages.
    pub doc: Document,
    /// Parent section, none for home.
    pub parent: Option<usize>,
    /// Pages in display order.
    pub pages: Vec<usize>,
    /// Child sections, by weight then title.
    pub subsections: Vec<usize>,
}

impl Page {
    /// Title (required for pages, so always present after loading).
    pub fn title(&self) -> &str {
        self.front.title.as_deref().unwrap_or_default()
    }
}

impl Deref for Page {
    type Target = Document;
    fn deref(&self) -> &Document {
        &self.doc
    }
}

impl DerefMut for Page {
    fn deref_mut(&mut self) -> &mut Document {
        &mut self.doc
    }
}

impl Deref for Section {
    type Target = Document;
    fn deref(&self) -> &Document {
        &self.doc
    }
}

impl DerefMut for Section {
    fn deref_mut(&mut self) -> &mut Document {
        &mut self.doc
    }
}

impl Library {
    /// Every section, then every page, as the document they share: for the
    /// stages that treat both alike (index `i` is section `i` below
    /// `sections.len()`, page `i - sections.len()` above).
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        let sections = self.sections.iter().map(|s| &s.doc);
        sections.chain(self.pages.iter().map(|p| &p.doc))
    }

    /// The document an `@/` path (or a render job) names.
    pub fn document(&self, target: Target) -> &Document {
        match target {
            Target::Page(i) => &self.pages[i].doc,
            Target::Section(i) => &self.sections[i].doc,
        }
    }

    /// [`Library::documents`], mutable.
    pub fn documents_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        let sections = self.sections.iter_mut().map(|s| &mut s.doc);
        sections.chain(self.pages.iter_mut().map(|p| &mut p.doc))
    }

    /// Keeps only the front matter of every source: for a build that has
    /// rendered its Markdown and will not quote a body again.
    pub fn forget_bodies(&mut self) {
        use rayon::prelude::*;
        let forget = |d: &mut Document| d.source = d.source[..d.body_start].into();
        self.pages.par_iter_mut().for_each(|p| forget(&mut p.doc));
        self.sections
            .par_iter_mut()
            .for_each(|s| forget(&mut s.doc));
    }
}

/// Turns any name into a URL segment (`Go NOW!` -> `go-now`).
pub fn slugify(name: &str) -> String {
    slug::slugify(name)
}

pub use walk::{files_under, is_ignored};

/// The alphabet of ids that become URLs and HTML attributes (assessment
/// ids from file names and in ```` ```assessment ```` blocks): lowercase
/// letters, digits and `-`.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
