//! Loading `content/`: sections, pages, bundles, assessments' source files,
//! URLs, ordering, neighbours and taxonomies.
//!
//! The result is a [`Library`]: every page and section by index, relations
//! stored as indices (never copies), immutable once built so rendering can be
//! a pure, parallel function of it.

pub mod dates;
mod front_matter;
mod library;
mod taxonomies;
mod walk;

pub use dates::{Date, is_date};
pub use front_matter::{FrontMatter, SortBy, is_forbidden_control};
pub use library::{
    AssessmentFile, ContentCache, Library, LinkHints, LoadOptions, MAX_FILE_BYTES, Page, Section,
    Target, load, load_cached, normalize_alias, read_text,
};
pub use taxonomies::{Taxonomy, Term};

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
