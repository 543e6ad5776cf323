//! Loading `content/`: sections, pages, bundles, assessments' source files,
//! URLs, ordering, neighbours and taxonomies.
//!
//! The result is a [`Library`]: every page and section by index, relations
//! stored as indices (never copies), immutable once built so rendering can be
//! a pure, parallel function of it.

mod front_matter;
mod library;
mod taxonomies;
mod walk;

pub use front_matter::{FrontMatter, SortBy, is_date};
pub use library::{
    AssessmentFile, ContentCache, Library, LinkHints, LoadOptions, Page, Section, Target, load,
    load_cached, normalize_alias,
};
pub use taxonomies::{Taxonomy, Term};

/// Turns any name into a URL segment (`Go NOW!` -> `go-now`).
pub fn slugify(name: &str) -> String {
    slug::slugify(name)
}

pub use walk::{files_under, is_ignored};
