//! The template data, built once per build and shared by every render.
//!
//! Tera 2 values are reference-counted, so a section's page list built here
//! is shared by all the pages that show it: a sidebar costs the bytes it
//! writes, not a copy of the section per page.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

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
    /// Full `page` values by page index. Empty for a one-shot build
    /// ([`ValuesMemo::one_build`]) whose templates never call `get_page`:
    /// [`SiteValues::page`] then builds each page's value when that page
    /// renders, so the content and toc of every page are not all held at
    /// once (a third of the memory of a 10,000-page build).
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

/// Page values kept from one build to the next (for `serve`): a page whose
/// inputs hash the same as last time reuses its values, which also makes
/// comparing the two builds' values a pointer comparison.
#[derive(Default)]
pub struct ValuesMemo {
    pages: HashMap<String, (u64, Value, Value)>,
    one_build: bool,
}

impl ValuesMemo {
    /// For a build that renders once and ends (`waymark build`): nothing is
    /// kept, and page values are built as their pages render.
    pub fn one_build() -> ValuesMemo {
        ValuesMemo {
            one_build: true,
            ..ValuesMemo::default()
        }
    }
}

impl SiteValues {
    /// Builds all values from the loaded, rendered library.
    pub fn build(config: &Config, lib: &Library, assessments: &[AssessmentSummary]) -> SiteValues {
        SiteValues::build_cached(config, lib, assessments, &mut ValuesMemo::default(), true)
    }

    /// [`SiteValues::build`], reusing the values in `memo` of pages whose
    /// inputs did not change. `get_page` says a template calls `get_page`,
    /// which needs every page's value up front even in a one-shot build.
    pub fn build_cached(
        config: &Config,
        lib: &Library,
        assessments: &[AssessmentSummary],
        memo: &mut ValuesMemo,
        get_page: bool,
    ) -> SiteValues {
        // Each value depends only on the library and the summaries, so the
        // lists are built in parallel; `collect` keeps the order.
        let site = site_value(config, lib);
        let infos = term_infos(config, lib);
        let term_links = term_links(config, lib, &infos);
        let page_ancestors: Vec<Value> = (0..lib.sections.len())
            .map(|i| ancestors(lib, i, true))
            .collect();
        let (summaries, pages) = if memo.one_build && !get_page {
            let summaries: Vec<Value> = lib
                .pages
                .par_iter()
                .map(|p| page_summary(config, lib, p, &term_links).done())
                .collect();
            (summaries, Vec::new())
        } else {
            let old = std::mem::take(&mut memo.pages);
            let built: Vec<(u64, Value, Value)> = lib
                .pages
                .par_iter()
                .map(|p| {
                    let key = page_key(config, lib, p, &infos);
                    if let Some((k, summary, page)) = old.get(&p.rel)
                        && *k == key
                    {
                        // Guards `page_key`: it must cover every input of the values.
                        debug_assert!(
                            *summary == page_summary(config, lib, p, &term_links).done()
                                && *page == page_value(lib, p, summary, &page_ancestors),
                            "page_key misses an input of the values of {}",
                            p.rel
                        );
                        return (key, summary.clone(), page.clone());
                    }
                    let summary = page_summary(config, lib, p, &term_links).done();
                    let page = page_value(lib, p, &summary, &page_ancestors);
                    (key, summary, page)
                })
                .collect();
            let mut summaries = Vec::with_capacity(built.len());
            let mut pages = Vec::with_capacity(built.len());
            for (p, (key, summary, page)) in lib.pages.iter().zip(built) {
                summaries.push(summary.clone());
                pages.push(page.clone());
                if !memo.one_build {
                    memo.pages.insert(p.rel.clone(), (key, summary, page));
                }
            }
            (summaries, pages)
        };
        let sections: Vec<Value> = (0..lib.sections.len())
            .into_par_iter()
            .map(|i| section_value(config, lib, &lib.sections[i], i, &summaries))
            .collect();
        let terms = term_values(lib, &summaries, &infos);
        let taxonomies = lib
            .taxonomies
            .iter()
            .zip(&terms)
            .map(|(t, terms)| taxonomy_value(config, t, terms))
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
                Some(rel) => {
                    let rel = rel.split('#').next().unwrap_or(rel);
                    let path = lib
                        .path_of(rel)
                        .map(str::to_string)
                        .or_else(|| lib.assessment_path(rel))
                        .unwrap_or_else(|| "/".into());
                    (path, false)
                }
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
        .set("taxonomies", config.taxonomy_names())
        .set(
            "taxonomy_paths",
            config
                .taxonomies
                .iter()
                .map(|t| (t.name().to_string(), t.path()))
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .set("search", config.search)
        .set("feed", config.feed)
        .set("portable", config.portable)
        .set("feed_path", "/feed.xml")
        .set("taxonomy_labels", taxonomy_labels(config))
        .set("brand", brand_value(config))
        .set(
            "extra_css",
            config
                .extra_css
                .iter()
                .map(|c| c.value.trim_start_matches('/').to_string())
                .collect::<Vec<_>>(),
        )
        .set("profile", profile_value(config))
        .set("extra", Value::from_serializable(&config.extra))
        .done()
}

/// `site.profile`: `{name, role, photo, bio}` or none.
fn profile_value(config: &Config) -> Value {
    let Some(p) = &config.profile else {
        return Value::none();
    };
    Obj::new()
        .set("name", p.name.as_str())
        .set("role", opt_str(p.role.as_deref()))
        .set(
            "photo",
            opt_str(p.photo.as_ref().map(|s| s.value.trim_start_matches('/'))),
        )
        .set("bio", opt_str(p.bio.as_deref()))
        .done()
}

/// `{name: {title, one, many}}`: what the theme calls each taxonomy.
fn taxonomy_labels(config: &Config) -> Value {
    let mut map = Map::new();
    for t in &config.taxonomies {
        let (title, one, many) = t.labels();
        map.insert(
            t.name().to_string().into(),
            Obj::new()
                .set("title", title)
                .set("one", one)
                .set("many", many)
                .done(),
        );
    }
    Value::from(map)
}

/// `site.brand`: static names (no leading slash, for `url(path=...)`) of
/// the logo, favicon and font, and whether the generated `css/waymark-brand.css`
/// exists.
fn brand_value(config: &Config) -> Value {
    let b = &config.brand;
    let name = |v: &Option<crate::yaml::Spanned<String>>| {
        v.as_ref().map_or_else(Value::none, |s| {
            Value::from(s.value.trim_start_matches('/').to_string())
        })
    };
    Obj::new()
        .set("logo", name(&b.logo))
        .set("favicon", name(&b.favicon))
        .set("font", name(&b.font))
        .set("css", crate::brand::has_css(config))
        .done()
}

/// What the theme shows for a term besides its name: a display title and
/// the page describing it, from the taxonomy's `term_pages` in `site.yaml`.
#[derive(Debug, Clone, Default, Hash)]
pub struct TermInfo {
    /// The describing page's title, else the term's name with spaces.
    pub title: String,
    /// The describing page's site path.
    pub page: Option<String>,
    /// The describing page's `extra.quadrant`, for colours.
    pub quadrant: Option<String>,
}

/// [`TermInfo`] of every term, keyed by (taxonomy name, term slug).
fn term_infos(config: &Config, lib: &Library) -> ahash::AHashMap<(String, String), TermInfo> {
    let mut out = ahash::AHashMap::new();
    for t in &lib.taxonomies {
        let section = config
            .taxonomies
            .iter()
            .find(|c| c.name() == t.name)
            .and_then(|c| c.def())
            .and_then(|d| d.term_pages.as_ref())
            .and_then(
                |rel| match lib.by_rel.get(rel.value.trim_start_matches("@/")) {
                    Some(crate::content::Target::Section(i)) => Some(*i),
                    _ => None,
                },
            );
        for term in &t.terms {
            let page = section.and_then(|s| {
                lib.sections[s]
                    .pages
                    .iter()
                    .map(|&i| &lib.pages[i])
                    .find(|p| p.slug == term.slug)
            });
            let info = match page {
                Some(p) => TermInfo {
                    title: p.title().to_string(),
                    page: Some(p.path.clone()),
                    quadrant: p
                        .front
                        .extra
                        .get("quadrant")
                        .and_then(|q| q.as_str())
                        .map(str::to_string),
                },
                None => TermInfo {
                    title: term.name.replace(['-', '_'], " "),
                    ..TermInfo::default()
                },
            };
            out.insert((t.name.clone(), term.slug.clone()), info);
        }
    }
    out
}

fn term_info_obj(obj: Obj, info: Option<&TermInfo>) -> Obj {
    let info = info.cloned().unwrap_or_default();
    obj.set("title", info.title)
        .set("page", info.page.map_or_else(Value::none, Value::from))
        .set(
            "quadrant",
            info.quadrant.map_or_else(Value::none, Value::from),
        )
}

/// `{name, slug, path, title, page, quadrant, card, one, many}` of every
/// term, per taxonomy: built once and shared by the `taxonomies` of every
/// page that carries the term. `card` (the taxonomy's `cards: true`) and the
/// taxonomy's labels ride along because components cannot read `site`.
fn term_links(
    config: &Config,
    lib: &Library,
    infos: &ahash::AHashMap<(String, String), TermInfo>,
) -> Vec<Vec<Value>> {
    lib.taxonomies
        .iter()
        .map(|t| {
            let conf = config.taxonomies.iter().find(|c| c.name() == t.name);
            let card = conf.and_then(|c| c.def()).is_some_and(|d| d.cards);
            let (_, one, many) = conf.map(|c| c.labels()).unwrap_or_default();
            t.terms
                .iter()
                .map(|term| {
                    let obj = Obj::new()
                        .set("name", term.name.as_str())
                        .set("slug", term.slug.as_str())
                        .set("path", term.path.as_str());
                    term_info_obj(obj, infos.get(&(t.name.clone(), term.slug.clone())))
                        .set("card", card)
                        .set("one", one.as_str())
                        .set("many", many.as_str())
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
    // The Markdown stage already chose: front matter `summary`, `<!-- more -->`, or the first paragraph.
    let summary = p.rendered.summary.as_str();
    Obj::new()
        .set("title", p.title())
        .set("description", opt_str(p.front.description.as_deref()))
        .set("date", opt_str(p.front.date.map(|d| d.day()).as_deref()))
        .set(
            "updated",
            opt_str(p.front.updated.map(|d| d.day()).as_deref()),
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

/// A hash of everything [`page_summary`] and [`page_value`] read for `p`.
/// Keep it in step with them: debug builds check it on every reuse.
fn page_key(
    config: &Config,
    lib: &Library,
    p: &Page,
    infos: &ahash::AHashMap<(String, String), TermInfo>,
) -> u64 {
    let mut h = ahash::RandomState::with_seeds(7, 11, 13, 17).build_hasher();
    config.base_url().hash(&mut h);
    let f = &p.front;
    (p.title(), &f.description, &p.path, &p.slug, f.weight).hash(&mut h);
    f.date.hash(&mut h);
    f.updated.hash(&mut h);
    if !f.extra.is_empty() {
        serde_json::to_string(&f.extra)
            .unwrap_or_default()
            .hash(&mut h);
    }
    let r = &p.rendered;
    (&r.html, &r.summary, r.reading_time, r.word_count).hash(&mut h);
    fn toc_hash(entries: &[TocEntry], h: &mut impl Hasher) {
        entries.len().hash(h);
        for e in entries {
            (e.level, &e.id, &e.title).hash(h);
            toc_hash(&e.children, h);
        }
    }
    toc_hash(&r.toc, &mut h);
    for t in &lib.taxonomies {
        t.name.hash(&mut h);
        for name in p.taxonomies.get(&t.name).into_iter().flatten() {
            let slug = crate::content::slugify(name);
            match t.terms.iter().find(|term| term.slug == slug) {
                Some(term) => {
                    (&term.name, &term.slug, &term.path).hash(&mut h);
                    infos.get(&(t.name.clone(), term.slug.clone())).hash(&mut h);
                }
                None => 0u8.hash(&mut h),
            }
        }
        1u8.hash(&mut h);
    }
    for n in [p.previous, p.next] {
        n.map(|i| (lib.pages[i].title(), &lib.pages[i].path))
            .hash(&mut h);
    }
    for i in lib.section_chain(p.section) {
        let s = &lib.sections[i];
        (s.front.title.as_deref().unwrap_or(""), &s.path).hash(&mut h);
    }
    for (_, site_path) in &p.assets {
        site_path.hash(&mut h);
    }
    h.finish()
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
        .set("assessments", p.rendered.assessments.clone())
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
        .set("assessments", s.rendered.assessments.clone())
        .done()
}

/// The `term` value of every term, per taxonomy.
fn term_values(
    lib: &Library,
    summaries: &[Value],
    infos: &ahash::AHashMap<(String, String), TermInfo>,
) -> Vec<Vec<Value>> {
    lib.taxonomies
        .iter()
        .map(|t| {
            t.terms
                .par_iter()
                .map(|term| term_value(&t.name, term, summaries, infos))
                .collect()
        })
        .collect()
}

fn term_value(
    taxonomy: &str,
    term: &Term,
    summaries: &[Value],
    infos: &ahash::AHashMap<(String, String), TermInfo>,
) -> Value {
    let obj = Obj::new()
        .set("name", term.name.as_str())
        .set("slug", term.slug.as_str())
        .set("path", term.path.as_str());
    term_info_obj(obj, infos.get(&(taxonomy.to_string(), term.slug.clone())))
        .set(
            "pages",
            term.pages
                .iter()
                .map(|&i| summaries[i].clone())
                .collect::<Vec<_>>(),
        )
        .done()
}

fn taxonomy_value(config: &Config, t: &Taxonomy, terms: &[Value]) -> Value {
    let (title, one, many) = config
        .taxonomies
        .iter()
        .find(|c| c.name() == t.name)
        .map(|c| c.labels())
        .unwrap_or_default();
    Obj::new()
        .set("name", t.name.as_str())
        .set("title", title)
        .set("label", one)
        .set("label_plural", many)
        .set("path", t.path.as_str())
        .set("terms", terms.to_vec())
        .done()
}
