//! Site search: a build-time index of every page, section and assessment,
//! searched in the browser by a vendored [MiniSearch](https://github.com/lucaong/minisearch).
//!
//! The build writes the documents (title, headings, description, taxonomy
//! terms, section, body text) as plain JavaScript files, `search-index.js`
//! (a manifest) and one or more shards `search-index-N.HASH.js`, each
//! assigning to a global. The theme's `js/search.js` inserts them as
//! `<script>` elements on first use, so search works from any static host
//! and from a `--portable` copy opened from disk: nothing is fetched, no
//! WASM, no request to another host. The client indexes the documents with
//! MiniSearch (BM25 with field boosts, prefix and fuzzy matching) and adds
//! English stemming by query expansion (see `search.js`), so all term
//! processing lives in one place: the browser script, which the tests also
//! run under Node.
//!
//! Size: the index is kept at most [`index::Options::ratio`] (35%) of the
//! site's HTML and at most [`index::Options::max_bytes`]; over that, body
//! text is trimmed evenly from the end of the longest documents first (titles,
//! headings, descriptions and terms are always kept). It is split into
//! shards of about [`index::Options::shard_bytes`] that load in parallel.

pub mod client;
pub mod index;

use crate::config::Config;
use crate::content::{Library, Page, Section};
use crate::render::ExtraPage;

pub use index::{Index, Options, Stats};

/// Site path of the search page.
pub const PAGE_PATH: &str = "/search/";

/// Template of the search page.
pub const TEMPLATE: &str = "search.html";

/// What a document is, shown beside results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Kind {
    /// A Markdown page.
    Page,
    /// A section or the home page.
    Section,
    /// An assessment.
    Assessment,
}

impl Kind {
    fn code(self) -> u8 {
        match self {
            Kind::Page => 0,
            Kind::Section => 1,
            Kind::Assessment => 2,
        }
    }
}

/// One searchable page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Site-root path (`/playbooks/go-now/`).
    pub path: String,
    /// Title.
    pub title: String,
    /// Title of the section it belongs to, if any.
    pub section: Option<String>,
    /// Page, section or assessment.
    pub kind: Kind,
    /// Front matter `description` (or the page's meta description).
    pub description: String,
    /// Headings of the body, in order.
    pub headings: Vec<String>,
    /// Taxonomy terms (`AI`, `Go NOW!`).
    pub tags: Vec<String>,
    /// Body text without headings, whitespace collapsed.
    pub text: String,
}

/// Headings are their own field, so the body text leaves them out.
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// A document for every page and section of the library (drafts only when
/// loaded), home first, then sections and pages in file order.
pub fn content_documents(lib: &Library) -> Vec<Document> {
    let mut docs: Vec<Document> = lib
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| section_document(lib, i, s))
        .collect();
    docs.extend(lib.pages.iter().map(|p| page_document(lib, p)));
    docs
}

fn section_document(lib: &Library, i: usize, s: &Section) -> Document {
    Document {
        path: s.path.clone(),
        title: s.front.title.clone().unwrap_or_else(|| {
            if i == 0 {
                "Home".into()
            } else {
                s.path.clone()
            }
        }),
        section: s
            .parent
            .filter(|&p| p != 0)
            .and_then(|p| lib.sections[p].front.title.clone()),
        kind: Kind::Section,
        description: s.front.description.clone().unwrap_or_default(),
        headings: headings(&s.rendered.toc),
        tags: Vec::new(),
        text: crate::html::text_without(&s.rendered.html, HEADINGS),
    }
}

fn page_document(lib: &Library, p: &Page) -> Document {
    let section = &lib.sections[p.section];
    Document {
        path: p.path.clone(),
        title: p.title().to_string(),
        section: if p.section == 0 {
            None
        } else {
            section.front.title.clone()
        },
        kind: Kind::Page,
        description: p.front.description.clone().unwrap_or_default(),
        headings: headings(&p.rendered.toc),
        tags: p.taxonomies.values().flatten().cloned().collect(),
        text: crate::html::text_without(&p.rendered.html, HEADINGS),
    }
}

fn headings(toc: &[crate::markdown::TocEntry]) -> Vec<String> {
    let mut out = Vec::new();
    for e in toc {
        out.push(e.title.clone());
        out.extend(headings(&e.children));
    }
    out
}

/// A document for a page that does not come from Markdown (an assessment),
/// read from its rendered HTML: the text of `<main>` without navigation,
/// asides and buttons, its headings, and its meta description unless that is
/// the site's own.
pub fn extra_document(config: &Config, extra: &ExtraPage, html: &str) -> Document {
    let mut description = String::new();
    let mut in_heading = false;
    let mut headings: Vec<String> = Vec::new();
    let mut in_main = !html.contains("<main");
    crate::html::walk(html, |e| match e {
        crate::html::Event::Start(t) => match t.name.as_str() {
            "meta" if t.attr("name") == Some("description") => {
                description = t.attr("content").unwrap_or_default().to_string();
            }
            "main" => in_main = true,
            "h2" | "h3" | "h4" | "h5" | "h6" if in_main => {
                in_heading = true;
                headings.push(String::new());
            }
            _ => {}
        },
        crate::html::Event::End(name) => {
            if HEADINGS.contains(&name) {
                in_heading = false;
            } else if name == "main" {
                in_main = false;
            }
        }
        crate::html::Event::Text(s) => {
            if in_heading && let Some(h) = headings.last_mut() {
                h.push_str(s);
            }
        }
    });
    if config.description.as_deref() == Some(description.as_str()) {
        description.clear();
    }
    let mut headings: Vec<String> = headings
        .iter()
        .map(|h| crate::html::collapse(h))
        .filter(|h| !h.is_empty())
        .collect();
    headings.dedup();
    // A page usually repeats its description as its first paragraph.
    let mut text = crate::html::main_text(html, HEADINGS);
    if !description.is_empty()
        && let Some(rest) = text.strip_prefix(description.as_str())
    {
        text = rest.trim_start().to_string();
    }
    let kind = if extra.template == "assessment.html" {
        Kind::Assessment
    } else {
        Kind::Page
    };
    Document {
        path: extra.path.clone(),
        title: extra.title.clone(),
        section: None,
        kind,
        description,
        headings,
        tags: Vec::new(),
        text,
    }
}

/// Extra pages worth searching: those in the sitemap (assessments), not the
/// search page itself.
pub fn indexed(extra: &ExtraPage) -> bool {
    extra.in_sitemap && extra.path != PAGE_PATH
}

/// The `/search/` page: rendered with `search.html`, kept out of the sitemap.
/// Its template gets `sections`: the top-level sections as `{title, path}`,
/// for the message shown without JavaScript.
pub fn page(lib: &Library) -> ExtraPage {
    let sections: Vec<serde_json::Value> = lib
        .sections
        .first()
        .map(|home| {
            home.subsections
                .iter()
                .map(|&i| {
                    let s = &lib.sections[i];
                    serde_json::json!({
                        "title": s.front.title.clone().unwrap_or_else(|| s.path.clone()),
                        "path": s.path,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ExtraPage {
        path: PAGE_PATH.into(),
        template: TEMPLATE.into(),
        vars: vec![("sections", tera::Value::from_serializable(&sections))],
        file: std::path::PathBuf::from(TEMPLATE),
        title: "Search".into(),
        in_sitemap: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_documents_read_main_headings_and_description() {
        let config: Config =
            serde_saphyr::from_str("title: T\nbase_url: https://x.org/\ndescription: Site words\n")
                .unwrap();
        let extra = ExtraPage {
            path: "/assessments/q/".into(),
            template: "assessment.html".into(),
            vars: Vec::new(),
            file: "q.yaml".into(),
            title: "Quiz".into(),
            in_sitemap: true,
        };
        let html = "<html><head><meta name=\"description\" content=\"Eight questions\"></head><body><header>Site</header><main><h1>Quiz</h1><p>Eight questions</p><p>Intro text.</p><h2>When must it pay?</h2><p>Choose one.</p><aside>Book a call</aside></main></body></html>";
        let d = extra_document(&config, &extra, html);
        assert_eq!(d.kind, Kind::Assessment);
        assert_eq!(d.description, "Eight questions");
        assert_eq!(d.headings, vec!["When must it pay?"]);
        assert_eq!(d.text, "Intro text. Choose one.");
        let site_meta = html.replace("Eight questions", "Site words");
        assert_eq!(extra_document(&config, &extra, &site_meta).description, "");
    }
}
