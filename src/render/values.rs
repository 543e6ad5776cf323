//! The template data, built once per build and shared by every render.
//!
//! Tera 2 values are reference-counted, so a section's page list built here
//! is shared by all the pages that show it: a sidebar costs the bytes it
//! writes, not a copy of the section per page.

use rayon::prelude::*;
use tera::{Map, Value};

use crate::config::Config;
use crate::content::{Library, Page, Section, Taxonomy, Term};
use crate::markdown::TocEntry;

/// An entry of the global `assessments` list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AssessmentSummary {
    /// File stem.
    pub id: String,
    /// Title.
    pub title: String,
    /// One line.
    pub description: Option<String>,
    /// `/assessments/ID/`.
    pub path: String,
}

/// Every value templates can reach.
pub struct SiteValues {
    /// `site`.
    pub site: Value,
    /// Full `page` values by page index, built up front only when a
    /// template calls `get_page`; otherwise empty, and [`SiteValues::page`]
    /// builds each page's value when that page renders, so the content and
    /// toc of every page are not all held at once (a third of the memory of
    /// a 10,000-page build).
    pub pages: Vec<Value>,
    /// Page summaries (no content), by page index.
    pub summaries: Vec<Value>,
    /// Full `section` values, by section index.
    pub sections: Vec<Value>,
    /// `taxonomy` values in config order.
    pub taxonomies: Vec<Value>,
    /// `term` values per taxonomy.
    pub terms: Vec<Vec<Value>>,
    /// The global `assessments` list.
    pub assessments: Value,
    /// `page.ancestors` of the pages of each section, by section index.
    page_ancestors: Vec<Value>,
}

struct Obj(Map);

impl Obj {
    fn new() -> Self {
        Obj(Map::new())
    }
    fn set(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }
    fn done(self) -> Value {
        Value::from(self.0)
    }
}

fn link(title: &str, path: &str) -> Value {
    Obj::new().set("title", title).set("path", path).done()
}

fn opt_str(s: Option<&str>) -> Value {
    s.map_or_else(Value::none, Value::from)
}

fn json(v: &serde_json::Value) -> Value {
    Value::from_serializable(v)
}

fn toc(entries: &[TocEntry]) -> Value {
    Value::from_serializable(entries)
}

impl SiteValues {
    /// Builds the shared values from the loaded, rendered library; the full
    /// page values too when `all_pages` (a template calls `get_page`).
    pub fn build(
        config: &Config,
        lib: &Library,
        assessments: &[AssessmentSummary],
        all_pages: bool,
    ) -> SiteValues {
        // Each value depends only on the library and the summaries, so the
        // lists are built in parallel; `collect` keeps the order.
        let site = site_value(config, lib);
        let term_links = term_links(lib);
        let summaries: Vec<Value> = lib
            .pages
            .par_iter()
            .map(|p| page_summary(config, lib, p, &term_links).done())
            .collect();
        let sections: Vec<Value> = (0..lib.sections.len())
            .into_par_iter()
            .map(|i| section_value(config, lib, &lib.sections[i], i, &summaries))
            .collect();
        let page_ancestors: Vec<Value> = (0..lib.sections.len())
            .map(|i| ancestors(lib, i, true))
            .collect();
        let pages = if all_pages {
            lib.pages
                .par_iter()
                .zip(&summaries)
                .map(|(p, summary)| page_value(lib, p, summary, &page_ancestors))
                .collect()
        } else {
            Vec::new()
        };
        let terms: Vec<Vec<Value>> = lib
            .taxonomies
            .iter()
            .map(|t| {
                t.terms
                    .par_iter()
                    .map(|term| term_value(term, &summaries))
                    .collect()
            })
            .collect();
        let taxonomies = lib
            .taxonomies
            .iter()
            .zip(&terms)
            .map(|(t, terms)| taxonomy_value(t, terms))
            .collect();
        SiteValues {
            site,
            pages,
            summaries,
            sections,
            taxonomies,
            terms,
            assessments: Value::from_serializable(assessments),
            page_ancestors,
        }
    }

    /// The `page` value of page `i`.
    pub fn page(&self, lib: &Library, i: usize) -> Value {
        match self.pages.get(i) {
            Some(v) => v.clone(),
            None => page_value(lib, &lib.pages[i], &self.summaries[i], &self.page_ancestors),
        }
    }
}

fn site_value(config: &Config, lib: &Library) -> Value {
    let menu: Vec<Value> = config
        .menu
        .iter()
        .map(|m| {
            let url = &m.url.value;
            let (path, external) = match url.strip_prefix("@/") {
                Some(rel) => (
                    lib.path_of(rel.split('#').next().unwrap_or(rel))
                        .unwrap_or("/")
                        .to_string(),
                    false,
                ),
                None => (url.clone(), !url.starts_with('/')),
            };
            Obj::new()
                .set("title", m.title.as_str())
                .set("path", path)
                .set("external", external)
                .done()
        })
        .collect();
    Obj::new()
        .set("title", config.title.as_str())
        .set("description", opt_str(config.description.as_deref()))
        .set("language", config.language.as_str())
        .set("author", opt_str(config.author.as_deref()))
        .set("base_url", config.base_url())
        .set("contact", Value::from_serializable(&config.contact))
        .set("cta", Value::from_serializable(&config.cta))
        .set("menu", menu)
        .set("taxonomies", config.taxonomies.clone())
        .set("search", config.search)
        .set("feed", config.feed)
        .set("portable", config.portable)
        .set("feed_path", "/feed.xml")
        .set("extra", Value::from_serializable(&config.extra))
        .done()
}

/// `{name, slug, path}` of every term, per taxonomy: built once and shared
/// by the `taxonomies` of every page that carries the term.
fn term_links(lib: &Library) -> Vec<Vec<Value>> {
    lib.taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .map(|term| {
                    Obj::new()
                        .set("name", term.name.as_str())
                        .set("slug", term.slug.as_str())
                        .set("path", term.path.as_str())
                        .done()
                })
                .collect()
        })
        .collect()
}

fn taxonomy_terms(lib: &Library, page: &Page, term_links: &[Vec<Value>]) -> Value {
    let mut map = Map::new();
    for (t, links) in lib.taxonomies.iter().zip(term_links) {
        let terms: Vec<Value> = page
            .taxonomies
            .get(&t.name)
            .into_iter()
            .flatten()
            .filter_map(|name| {
                // Terms are sorted by slug.
                let slug = crate::content::slugify(name);
                let j = t
                    .terms
                    .binary_search_by(|term| term.slug.as_str().cmp(&slug))
                    .ok()?;
                Some(links[j].clone())
            })
            .collect();
        map.insert(t.name.clone().into(), Value::from(terms));
    }
    Value::from(map)
}

/// The `{title, description, ...}` of a page in lists (`section.pages`,
/// `term.pages`): the twelve fields of docs/templates.md. Tera reads the
/// attributes of maps of up to twelve entries by a linear scan and larger
/// ones by hashing the name, so keep it at twelve: sidebar loops read these
/// a few times per entry.
fn page_summary(config: &Config, lib: &Library, p: &Page, term_links: &[Vec<Value>]) -> Obj {
    let summary = match &p.front.summary {
        Some(_) => p.rendered.summary.as_str(),
        None => p.rendered.summary.as_str(),
    };
    Obj::new()
        .set("title", p.title())
        .set("description", opt_str(p.front.description.as_deref()))
        .set(
            "date",
            opt_str(p.front.date.as_ref().map(|d| &d.value[..10])),
        )
        .set(
            "updated",
            opt_str(p.front.updated.as_ref().map(|d| &d.value[..10])),
        )
        .set("path", p.path.as_str())
        .set("permalink", config.permalink(&p.path))
        .set(
            "weight",
            p.front.weight.map_or_else(Value::none, Value::from),
        )
        .set("summary", Value::safe_string(summary))
        .set("reading_time", p.rendered.reading_time)
        .set("word_count", p.rendered.word_count)
        .set("taxonomies", taxonomy_terms(lib, p, term_links))
        .set(
            "extra",
            json(&serde_json::to_value(&p.front.extra).unwrap_or_default()),
        )
}

fn ancestors(lib: &Library, section: usize, include_self: bool) -> Value {
    let mut chain = lib.section_chain(section);
    if !include_self {
        chain.pop();
    }
    Value::from(
        chain
            .into_iter()
            .map(|i| {
                let s = &lib.sections[i];
                link(s.front.title.as_deref().unwrap_or(""), &s.path)
            })
            .collect::<Vec<_>>(),
    )
}

/// A page's full value: its summary (already built, so its fields are not
/// computed twice) plus content, toc, neighbours and breadcrumbs.
fn page_value(lib: &Library, p: &Page, summary: &Value, page_ancestors: &[Value]) -> Value {
    let neighbour = |i: Option<usize>| {
        i.map_or_else(Value::none, |i| {
            link(lib.pages[i].title(), &lib.pages[i].path)
        })
    };
    Obj(summary.as_map().cloned().unwrap_or_default())
        .set("slug", p.slug.as_str())
        .set("content", Value::safe_string(&p.rendered.html))
        .set("toc", toc(&p.rendered.toc))
        .set("previous", neighbour(p.previous))
        .set("next", neighbour(p.next))
        .set("ancestors", page_ancestors[p.section].clone())
        .set(
            "assets",
            p.assets.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>(),
        )
        .set("section_path", lib.sections[p.section].path.as_str())
        .done()
}

fn section_value(
    config: &Config,
    lib: &Library,
    s: &Section,
    idx: usize,
    summaries: &[Value],
) -> Value {
    let pages: Vec<Value> = s.pages.iter().map(|&i| summaries[i].clone()).collect();
    let subsections: Vec<Value> = s
        .subsections
        .iter()
        .map(|&i| {
            let sub = &lib.sections[i];
            Obj::new()
                .set("title", sub.front.title.as_deref().unwrap_or(""))
                .set("description", opt_str(sub.front.description.as_deref()))
                .set("path", sub.path.as_str())
                .set("pages_count", sub.pages.len())
                .done()
        })
        .collect();
    Obj::new()
        .set("title", s.front.title.as_deref().unwrap_or(&config.title))
        .set("description", opt_str(s.front.description.as_deref()))
        .set("path", s.path.as_str())
        .set("permalink", config.permalink(&s.path))
        .set("content", Value::safe_string(&s.rendered.html))
        .set("summary", Value::safe_string(&s.rendered.summary))
        .set("toc", toc(&s.rendered.toc))
        .set("word_count", s.rendered.word_count)
        .set("reading_time", s.rendered.reading_time)
        .set(
            "extra",
            json(&serde_json::to_value(&s.front.extra).unwrap_or_default()),
        )
        .set("ancestors", ancestors(lib, idx, false))
        .set("pages", pages)
        .set("subsections", subsections)
        .set("is_home", idx == 0)
        .done()
}

fn term_value(term: &Term, summaries: &[Value]) -> Value {
    Obj::new()
        .set("name", term.name.as_str())
        .set("slug", term.slug.as_str())
        .set("path", term.path.as_str())
        .set(
            "pages",
            term.pages
                .iter()
                .map(|&i| summaries[i].clone())
                .collect::<Vec<_>>(),
        )
        .done()
}

fn taxonomy_value(t: &Taxonomy, terms: &[Value]) -> Value {
    Obj::new()
        .set("name", t.name.as_str())
        .set("path", t.path.as_str())
        .set("terms", terms.to_vec())
        .done()
}
