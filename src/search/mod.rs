//! Site search: a build-time index of every word of every page, section
//! and assessment, searched in the browser by `js/search.js`.
//!
//! The build tokenises each document while the pages render ([`text`]),
//! weighs each term by field (title above headings, description and tags,
//! above body text) and writes an inverted index split like Pagefind's: a
//! small manifest, vocabulary and postings shards by term range, metadata
//! groups and one text file per document for excerpts ([`index`] describes
//! the format). Each file is a script that adds to a global, so the client
//! inserts them as `<script>` elements: search works from any static host
//! and from a `--portable` copy opened from disk (no `fetch`, no WASM, no
//! request to another host), and a query loads only the shards of its words
//! and the documents it shows. File names hold their content's hash, so
//! every file but the manifest can be cached for ever.
//!
//! Nothing is trimmed: every word of every document is in the index.

pub mod client;
pub mod encode;
pub mod index;
pub mod text;

use crate::config::Config;
use crate::content::{Library, Page, Section};
use crate::render::ExtraPage;

pub use index::{ClientPaths, Index, Options, Stats};

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
    /// The number the index stores (0 page, 1 section, 2 assessment).
    pub fn code(self) -> u8 {
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

fn section_document(lib: &Library, i: usize, s: &Section, text: String) -> Document {
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
        text,
    }
}

fn page_document(lib: &Library, p: &Page, text: String) -> Document {
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
        text,
    }
}

/// Whether `toc`'s titles, depth first, are `headings` from `at` on.
fn same_headings(toc: &[crate::markdown::TocEntry], headings: &[String], at: &mut usize) -> bool {
    toc.iter().all(|e| {
        let same = headings.get(*at) == Some(&e.title);
        *at += 1;
        same && same_headings(&e.children, headings, at)
    })
}

fn headings(toc: &[crate::markdown::TocEntry]) -> Vec<String> {
    let mut out = Vec::new();
    for e in toc {
        out.push(e.title.clone());
        out.extend(headings(&e.children));
    }
    out
}

/// The site's documents in index order: home and sections, pages, then the
/// indexed extra pages (assessments). A document is made on demand, so a
/// build can make and tokenise each one on any thread while pages render.
pub struct Sources<'a> {
    config: &'a Config,
    lib: &'a Library,
    extras: Vec<&'a ExtraPage>,
}

impl<'a> Sources<'a> {
    /// The documents of a loaded site.
    pub fn new(config: &'a Config, lib: &'a Library, extras: &'a [ExtraPage]) -> Sources<'a> {
        Sources {
            config,
            lib,
            extras: extras.iter().filter(|e| indexed(e)).collect(),
        }
    }

    /// How many documents there are.
    pub fn len(&self) -> usize {
        self.lib.sections.len() + self.lib.pages.len() + self.extras.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Document `i`.
    pub fn document(&self, i: usize) -> Document {
        let (s, p) = (self.lib.sections.len(), self.lib.pages.len());
        if i < s {
            let s = &self.lib.sections[i];
            section_document(self.lib, i, s, text::body_text(&s.rendered.html))
        } else if i < s + p {
            let p = &self.lib.pages[i - s];
            page_document(self.lib, p, text::body_text(&p.rendered.html))
        } else {
            assessment_document(self.config, self.extras[i - s - p])
        }
    }

    /// Every document.
    pub fn all(&self) -> Vec<Document> {
        (0..self.len()).map(|i| self.document(i)).collect()
    }

    /// Every document, made in parallel.
    pub fn all_parallel(&self) -> Vec<Document> {
        use rayon::prelude::*;
        (0..self.len())
            .into_par_iter()
            .map(|i| self.document(i))
            .collect()
    }

    /// The Markdown HTML document `i` is made from (`None` for an assessment).
    pub fn html(&self, i: usize) -> Option<&'a str> {
        self.rendered(i).map(|r| r.html.as_str())
    }

    /// The Markdown output document `i` is made from (none for an assessment).
    pub fn rendered(&self, i: usize) -> Option<&'a std::sync::Arc<crate::markdown::Rendered>> {
        let (s, p) = (self.lib.sections.len(), self.lib.pages.len());
        if i < s {
            Some(&self.lib.sections[i].rendered)
        } else if i < s + p {
            Some(&self.lib.pages[i - s].rendered)
        } else {
            None
        }
    }

    /// Document `i` with `text` as its body text (for a page or section;
    /// an assessment is made whole).
    pub fn document_with_text(&self, i: usize, text: String) -> Document {
        let (s, p) = (self.lib.sections.len(), self.lib.pages.len());
        if i < s {
            section_document(self.lib, i, &self.lib.sections[i], text)
        } else if i < s + p {
            page_document(self.lib, &self.lib.pages[i - s], text)
        } else {
            assessment_document(self.config, self.extras[i - s - p])
        }
    }

    /// Whether document `i`, a page or section, equals `old` but for its
    /// body text, checked without making it (`serve` asks this of every
    /// page after each save). `false` for an assessment.
    pub fn same_but_text(&self, i: usize, old: &Document) -> bool {
        let (s, p) = (self.lib.sections.len(), self.lib.pages.len());
        let desc = |d: &Option<String>| d.as_deref().unwrap_or_default() == old.description;
        let heads = |toc: &[crate::markdown::TocEntry]| {
            let mut at = 0;
            same_headings(toc, &old.headings, &mut at) && at == old.headings.len()
        };
        if i < s {
            let sec = &self.lib.sections[i];
            let made = section_document(self.lib, i, sec, String::new());
            // Sections are few: made whole, but for the text.
            made.title == old.title
                && made.section == old.section
                && old.kind == Kind::Section
                && desc(&sec.front.description)
                && heads(&sec.rendered.toc)
                && old.tags.is_empty()
                && made.path == old.path
        } else if i < s + p {
            let page = &self.lib.pages[i - s];
            let section = if page.section == 0 {
                None
            } else {
                self.lib.sections[page.section].front.title.as_deref()
            };
            page.path == old.path
                && page.title() == old.title
                && section == old.section.as_deref()
                && old.kind == Kind::Page
                && desc(&page.front.description)
                && heads(&page.rendered.toc)
                && page.taxonomies.values().flatten().eq(old.tags.iter())
        } else {
            false
        }
    }

    /// Every document, made in parallel; `cache` then holds the key of each
    /// one's HTML, for [`Index::refresh`].
    pub fn all_cached(&self, cache: &mut text::TextCache) -> Vec<Document> {
        use rayon::prelude::*;
        let made: Vec<(Document, Option<u64>)> = (0..self.len())
            .into_par_iter()
            .map(|i| (self.document(i), self.html(i).map(text::html_key)))
            .collect();
        let (docs, keys) = made.into_iter().unzip();
        cache.keys = keys;
        cache.from = (0..self.len()).map(|i| self.rendered(i).cloned()).collect();
        docs
    }
}

/// The search files `serve` changes after an edit.
#[derive(Debug, Default)]
pub struct Refresh {
    /// True when `write` is every search file (the others are gone).
    pub everything: bool,
    /// Files to write (site path, content).
    pub write: Vec<index::File>,
    /// Files that went away (site paths).
    pub remove: Vec<String>,
}

/// Whether an output file (`search-index/p.1a2b.js`) is part of the index.
pub fn index_file(file: &str) -> bool {
    let f = file.trim_start_matches('/');
    f == index::MANIFEST || f.starts_with(index::DIR)
}

/// The document of an assessment page: what a visitor reads on it (title,
/// description, intro, the questions with their help and answers), read from
/// its `assessment` template value; not the scoring rules, outcomes or
/// worksheet, which its rendered page also prints. An extra page without
/// that value is indexed by its title.
pub fn assessment_document(config: &Config, extra: &ExtraPage) -> Document {
    let data = extra
        .vars
        .iter()
        .find(|(k, _)| *k == "assessment")
        .and_then(|(_, v)| serde_json::to_value(v).ok())
        .unwrap_or_default();
    let str_of = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let html_text = |v: &serde_json::Value| v.as_str().map(text::body_text).unwrap_or_default();
    let mut description = str_of(&data["description"]);
    if config.description.as_deref() == Some(description.as_str()) {
        description.clear();
    }
    let mut headings = Vec::new();
    let mut body = vec![html_text(&data["intro_html"])];
    for q in data["questions"].as_array().map_or(&[][..], Vec::as_slice) {
        headings.push(str_of(&q["text"]));
        body.push(html_text(&q["help_html"]));
        for o in q["options"].as_array().map_or(&[][..], Vec::as_slice) {
            body.push(str_of(&o["label"]));
        }
        if let Some(scale) = q["scale"].as_object() {
            body.extend(["min_label", "max_label"].map(|k| str_of(&scale[k])));
        }
    }
    headings.retain(|h| !h.is_empty());
    body.retain(|b| !b.is_empty());
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
        text: crate::html::collapse(&body.join(" ")),
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
        vars: vec![(
            "sections",
            crate::render::Value::from_serializable(&sections),
        )],
        file: std::path::PathBuf::from(TEMPLATE),
        title: "Search".into(),
        in_sitemap: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_headings_follows_the_toc_depth_first() {
        let e = |t: &str, children| crate::markdown::TocEntry {
            level: 2,
            id: t.into(),
            title: t.into(),
            children,
        };
        let toc = vec![e("A", vec![e("B", vec![])]), e("C", vec![])];
        let check = |hs: &[&str]| {
            let hs: Vec<String> = hs.iter().map(|h| h.to_string()).collect();
            let mut at = 0;
            same_headings(&toc, &hs, &mut at) && at == hs.len()
        };
        assert_eq!(headings(&toc), ["A", "B", "C"]);
        assert!(check(&["A", "B", "C"]));
        assert!(!check(&["A", "C", "B"]));
        assert!(!check(&["A", "B"]));
        assert!(!check(&["A", "B", "C", "D"]));
    }

    #[test]
    fn html_keys_change_with_any_byte() {
        let html = "<p>".to_string() + &"word ".repeat(40) + "</p>";
        let key = text::html_key(&html);
        for at in [0, 7, 31, 32, 100, html.len() - 1] {
            let mut b = html.clone().into_bytes();
            b[at] ^= 1;
            assert_ne!(text::html_key(&String::from_utf8(b).unwrap()), key, "{at}");
        }
        assert_ne!(text::html_key(&(html.clone() + " ")), key);
        assert_eq!(text::html_key(&html.clone()), key);
    }

    #[test]
    fn assessments_index_what_a_visitor_reads_not_scoring() {
        let yaml = "title: T\nbase_url: https://x.org/\ndescription: Site words\n";
        let config: Config =
            crate::yaml::parse(std::path::Path::new("site.yaml"), yaml, yaml, 1).unwrap();
        let data = serde_json::json!({
            "title": "Quiz",
            "description": "Eight questions",
            "intro_html": "<p>Intro <em>text</em>.</p>",
            "questions": [{
                "text": "When must it pay?",
                "help_html": "<p>Choose one.</p>",
                "options": [{"label": "Within a quarter", "scores": {"payback": 3}}],
                "scores": null,
            }],
            "outcomes": [{"title": "Predictable Planning", "when": [{"dimension": "payback", "min": 2}]}],
            "dimensions": [{"id": "payback", "label": "Payback", "bands": [{"up_to": 2, "label": "Slow"}]}],
        });
        let extra = ExtraPage {
            path: "/assessments/q/".into(),
            template: "assessment.html".into(),
            vars: vec![("assessment", crate::render::Value::from_serializable(&data))],
            file: "q.yaml".into(),
            title: "Quiz".into(),
            in_sitemap: true,
        };
        let d = assessment_document(&config, &extra);
        assert_eq!(d.kind, Kind::Assessment);
        assert_eq!(d.description, "Eight questions");
        assert_eq!(d.headings, vec!["When must it pay?"]);
        assert_eq!(d.text, "Intro text. Choose one. Within a quarter");
        for scoring in ["payback", "Slow", "Predictable", "up_to"] {
            assert!(!format!("{d:?}").contains(scoring), "{scoring} in {d:?}");
        }
    }
}
