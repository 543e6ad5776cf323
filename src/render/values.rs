//! The template data, built once per build and shared by every render.
//!
//! Tera 2 values are reference-counted, so a section's page list built here
//! is shared by all the pages that show it: a sidebar costs the bytes it
//! writes, not a copy of the section per page.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Map, Value};

use crate::config::Config;
use crate::content::{Library, Page, Section, Taxonomy, Term};
use crate::markdown::{Rendered, TocEntry};

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
#[derive(Clone)]
pub struct SiteValues {
    /// `site`.
    pub site: Value,
    /// Full `page` values by page index, when a template calls `get_page`
    /// (which needs them all up front); else empty, and
    /// [`SiteValues::page`] builds each page's value when that page
    /// renders, so the content and toc of every page are not all held
    /// twice (a third of the memory of a 10,000-page build).
    pub pages: Vec<Value>,
    /// What each page's value is built from, by page index: compared
    /// across rebuilds instead of the values themselves.
    pub views: Vec<Arc<PageView>>,
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

/// The fields of a page in lists (`section.pages`, `term.pages`), in the
/// order of its value: see [`Card`].
pub const CARD_FIELDS: [&str; 12] = [
    "title",
    "description",
    "date",
    "updated",
    "path",
    "permalink",
    "weight",
    "summary",
    "reading_time",
    "word_count",
    "taxonomies",
    "extra",
];

/// Which of [`CARD_FIELDS`] templates may read (bit `i` for field `i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMask(u16);

impl FieldMask {
    /// Every field.
    pub const ALL: FieldMask = FieldMask((1 << CARD_FIELDS.len()) - 1);

    /// The fields whose name appears in some template source. A template
    /// that can reach fields by a computed name (the `get`, `keys`,
    /// `values`, `pairs`, `group_by` or `unique` filters, `json_encode`,
    /// a two-variable loop over anything but a named field) reads them all.
    pub fn of_templates<'a>(sources: impl IntoIterator<Item = &'a str>) -> FieldMask {
        let mut mask = 0u16;
        for src in sources {
            if reads_any_field(src) {
                return FieldMask::ALL;
            }
            for (i, name) in CARD_FIELDS.iter().enumerate() {
                if src.contains(name) {
                    mask |= 1 << i;
                }
            }
        }
        FieldMask(mask)
    }

    fn has(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }
}

/// See [`FieldMask::of_templates`].
fn reads_any_field(src: &str) -> bool {
    let filters = ["get", "keys", "values", "pairs", "group_by", "unique"];
    let mut rest = src;
    while let Some(at) = rest.find('|') {
        rest = &rest[at + 1..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if filters.contains(&name.as_str()) {
            return true;
        }
    }
    if src.contains("json_encode") {
        return true;
    }
    // `for k, v in x.y` (or in a variable named after a field holding a
    // map, `in taxonomies`): iterating a field's map is fine; iterating a
    // whole value (`in p`, `in pages[0]`) reads every field.
    let mut rest = src;
    while let Some(at) = rest.find("for ") {
        rest = &rest[at + 4..];
        let head = rest.split("%}").next().unwrap_or("");
        if let Some((vars, expr)) = head.split_once(" in ")
            && vars.contains(',')
        {
            let expr = expr.trim().trim_end_matches('-').trim();
            let field = ["taxonomies", "extra"].contains(&expr);
            if (!expr.contains('.') && !field) || expr.ends_with(']') || expr.ends_with(')') {
                return true;
            }
        }
    }
    false
}

/// What lists show of a page: the typed source of its summary value,
/// compared field by field across rebuilds (see [`Card::same_for`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    title: String,
    description: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    path: String,
    permalink: String,
    weight: Option<i64>,
    summary: String,
    reading_time: usize,
    word_count: usize,
    /// Taxonomy name -> the shared values of the page's terms.
    taxonomies: Vec<(String, Vec<Value>)>,
    extra: Arc<BTreeMap<String, serde_json::Value>>,
}

impl Card {
    /// Sets the fields a card takes from the page's Markdown output (the
    /// others come from its front matter and place in the site).
    fn take_text(&mut self, r: &Rendered) {
        // The Markdown stage already chose: front matter `summary`,
        // `<!-- more -->`, or the first paragraph.
        self.summary = r.summary.clone();
        self.reading_time = r.reading_time;
        self.word_count = r.word_count;
    }

    /// Equal in every field of `mask` (the fields templates read).
    pub fn same_for(&self, other: &Card, mask: FieldMask) -> bool {
        let eq = [
            self.title == other.title,
            self.description == other.description,
            self.date == other.date,
            self.updated == other.updated,
            self.path == other.path,
            self.permalink == other.permalink,
            self.weight == other.weight,
            self.summary == other.summary,
            self.reading_time == other.reading_time,
            self.word_count == other.word_count,
            self.taxonomies == other.taxonomies,
            self.extra == other.extra,
        ];
        eq.iter().enumerate().all(|(i, same)| *same || !mask.has(i))
    }

    /// The `{title, description, ...}` value of [`CARD_FIELDS`]. Tera reads
    /// the attributes of maps of up to twelve entries by a linear scan and
    /// larger ones by hashing the name, so keep it at twelve: sidebar loops
    /// read these a few times per entry.
    fn value(&self) -> Value {
        let mut taxonomies = Map::new();
        for (name, terms) in &self.taxonomies {
            taxonomies.insert(name.clone().into(), Value::from(terms.clone()));
        }
        let opt = |s: &Option<String>| opt_str(s.as_deref());
        Obj::new()
            .set("title", self.title.as_str())
            .set("description", opt(&self.description))
            .set("date", opt(&self.date))
            .set("updated", opt(&self.updated))
            .set("path", self.path.as_str())
            .set("permalink", self.permalink.as_str())
            .set("weight", self.weight.map_or_else(Value::none, Value::from))
            .set("summary", Value::safe_string(&self.summary))
            .set("reading_time", self.reading_time)
            .set("word_count", self.word_count)
            .set("taxonomies", Value::from(taxonomies))
            .set(
                "extra",
                json(&serde_json::to_value(&*self.extra).unwrap_or_default()),
            )
            .done()
    }
}

/// A `{title, path}` link (neighbours, breadcrumbs).
#[derive(Debug, Clone, PartialEq)]
struct Link {
    title: String,
    path: String,
}

/// Everything a page's full value is built from: its [`Card`] plus
/// content, toc, neighbours and breadcrumbs. The Markdown output is shared
/// with the library and compared by pointer first.
#[derive(Debug, Clone)]
pub struct PageView {
    /// What lists show.
    pub card: Card,
    slug: String,
    rendered: Arc<Rendered>,
    previous: Option<Link>,
    next: Option<Link>,
    /// Shared by the pages of one section.
    ancestors: Value,
    assets: Vec<String>,
    section_path: String,
}

impl PartialEq for PageView {
    fn eq(&self, o: &PageView) -> bool {
        let (a, b) = (&self.rendered, &o.rendered);
        let same_text = Arc::ptr_eq(a, b)
            || (a.html == b.html && a.toc == b.toc && a.assessments == b.assessments);
        same_text
            && self.card == o.card
            && self.slug == o.slug
            && self.previous == o.previous
            && self.next == o.next
            && self.ancestors == o.ancestors
            && self.assets == o.assets
            && self.section_path == o.section_path
    }
}

impl PageView {
    /// Whether [`page_view`] would build this view again for `p` (with the
    /// same `base_url`), checked without building it. Every field of the
    /// view is compared here: `debug_assert` checks it on every reuse.
    fn still(
        &self,
        lib: &Library,
        p: &Page,
        term_links: &[Vec<Value>],
        page_ancestors: &[Value],
    ) -> bool {
        let (c, f) = (&self.card, &p.front);
        let day = |d: &Option<crate::content::Date>| d.map(|d| d.day());
        let link = |l: &Option<Link>, i: Option<usize>| match (l, i) {
            (Some(l), Some(i)) => l.title == lib.pages[i].title() && l.path == lib.pages[i].path,
            (None, None) => true,
            _ => false,
        };
        Arc::ptr_eq(&self.rendered, &p.rendered)
            && c.title == p.title()
            && c.description == f.description
            && c.date == day(&f.date)
            && c.updated == day(&f.updated)
            && c.path == p.path
            && c.weight == f.weight
            && *c.extra == f.extra
            && self.slug == p.slug
            && self.section_path == lib.sections[p.section].path
            && self.assets.iter().eq(p.assets.iter().map(|(_, s)| s))
            && link(&self.previous, p.previous)
            && link(&self.next, p.next)
            && self.ancestors == page_ancestors[p.section]
            && same_terms(&c.taxonomies, lib, p, term_links)
    }

    /// The full `page` value: its summary (already built, so its fields are
    /// not computed twice) plus content, toc, neighbours and breadcrumbs.
    fn value(&self, summary: &Value) -> Value {
        let neighbour = |l: &Option<Link>| {
            l.as_ref()
                .map_or_else(Value::none, |l| link(&l.title, &l.path))
        };
        Obj(summary.as_map().cloned().unwrap_or_default())
            .set("slug", self.slug.as_str())
            .set("content", Value::safe_string(&self.rendered.html))
            .set("toc", toc(&self.rendered.toc))
            .set("previous", neighbour(&self.previous))
            .set("next", neighbour(&self.next))
            .set("ancestors", self.ancestors.clone())
            .set("assets", self.assets.clone())
            .set("section_path", self.section_path.as_str())
            .set("assessments", self.rendered.assessments.clone())
            .done()
    }
}

/// Page values kept from one build to the next (for `serve`): a page whose
/// [`PageView`] equals last time's reuses its values, which also makes
/// comparing the two builds' values a pointer comparison.
#[derive(Default)]
pub struct ValuesMemo {
    pages: HashMap<String, Memo>,
    /// The `base_url` the views were built with (permalinks).
    base_url: String,
}

impl ValuesMemo {
    /// Takes the kept values out; none when they were built for another
    /// `base_url` (their permalinks would be wrong).
    fn take_for(&mut self, base_url: &str) -> HashMap<String, Memo> {
        let old = std::mem::take(&mut self.pages);
        if self.base_url == base_url {
            return old;
        }
        self.base_url = base_url.to_string();
        HashMap::new()
    }
}

/// One page's view and the values built from it.
struct Memo {
    view: Arc<PageView>,
    summary: Value,
    page: Option<Value>,
}

/// What a page's view is made from, shared by every page of one build.
struct ViewInputs<'a> {
    config: &'a Config,
    lib: &'a Library,
    term_links: &'a [Vec<Value>],
    page_ancestors: &'a [Value],
    get_page: bool,
}

impl ViewInputs<'_> {
    /// The values of page `p`: `old`'s when its view is unchanged (checked
    /// in place first, so an unchanged page allocates nothing), else new.
    fn memo(&self, p: &Page, old: Option<&Memo>) -> Memo {
        let reuse = |m: &Memo| Memo {
            view: m.view.clone(),
            summary: m.summary.clone(),
            page: m.page.clone(),
        };
        let fresh_view = || {
            page_view(
                self.config,
                self.lib,
                p,
                self.term_links,
                self.page_ancestors,
            )
        };
        let old = old.filter(|m| m.page.is_some() || !self.get_page);
        if let Some(m) = old
            && m.view
                .still(self.lib, p, self.term_links, self.page_ancestors)
        {
            debug_assert!(*m.view == fresh_view());
            return reuse(m);
        }
        let view = fresh_view();
        if let Some(m) = old
            && *m.view == view
        {
            return reuse(m);
        }
        let summary = view.card.value();
        let page = self.get_page.then(|| view.value(&summary));
        Memo {
            view: Arc::new(view),
            summary,
            page,
        }
    }
}

impl SiteValues {
    /// Builds all values from the loaded, rendered library.
    pub fn build(config: &Config, lib: &Library, assessments: &[AssessmentSummary]) -> SiteValues {
        SiteValues::build_cached(config, lib, assessments, None, true)
    }

    /// [`SiteValues::build`], reusing the values in `memo` of pages whose
    /// view did not change and keeping this build's there (no memo: a build
    /// that renders once and ends keeps nothing). `get_page` says a template calls `get_page`,
    /// which needs every page's full value up front; otherwise full values
    /// are built as their pages render.
    pub fn build_cached(
        config: &Config,
        lib: &Library,
        assessments: &[AssessmentSummary],
        mut memo: Option<&mut ValuesMemo>,
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
        let old = (memo.as_deref_mut())
            .map(|m| m.take_for(config.base_url()))
            .unwrap_or_default();
        let inputs = ViewInputs {
            config,
            lib,
            term_links: &term_links,
            page_ancestors: &page_ancestors,
            get_page,
        };
        let built: Vec<Memo> = (lib.pages.par_iter())
            .map(|p| inputs.memo(p, old.get(&p.rel)))
            .collect();
        drop(old);
        let mut views = Vec::with_capacity(built.len());
        let mut summaries = Vec::with_capacity(built.len());
        let mut pages = Vec::with_capacity(if get_page { built.len() } else { 0 });
        for (p, m) in lib.pages.iter().zip(built) {
            views.push(m.view.clone());
            summaries.push(m.summary.clone());
            if let Some(v) = &m.page {
                pages.push(v.clone());
            }
            if let Some(memo) = memo.as_deref_mut() {
                memo.pages.insert(p.rel.clone(), m);
            }
        }
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
            views,
            summaries,
            sections,
            taxonomies,
            terms,
            assessments: Value::from_serializable(assessments),
        }
    }

    /// For `serve`'s saves that change only the text of page `i` (its
    /// Markdown output is `rendered`, its front matter as before): replaces
    /// the page's view and values. Lists keep the card they hold, so this
    /// refuses (false, nothing changed) when the card differs in a field of
    /// `mask`, the fields templates may read from lists.
    pub fn retext_page(&mut self, i: usize, rendered: &Arc<Rendered>, mask: FieldMask) -> bool {
        let mut view = PageView::clone(&self.views[i]);
        view.rendered = rendered.clone();
        view.card.take_text(rendered);
        if !view.card.same_for(&self.views[i].card, mask) {
            return false;
        }
        let summary = view.card.value();
        if !self.pages.is_empty() {
            self.pages[i] = view.value(&summary);
        }
        self.summaries[i] = summary;
        self.views[i] = Arc::new(view);
        true
    }

    /// The `page` value of page `i`.
    pub fn page(&self, i: usize) -> Value {
        match self.pages.get(i) {
            Some(v) => v.clone(),
            None => self.views[i].value(&self.summaries[i]),
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
                    let path = lib.resolve(rel).unwrap_or_else(|| "/".into());
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

/// Whether `terms` are still the term values of `page` (see [`taxonomy_terms`]).
fn same_terms(
    terms: &[(String, Vec<Value>)],
    lib: &Library,
    page: &Page,
    term_links: &[Vec<Value>],
) -> bool {
    terms.len() == lib.taxonomies.len()
        && lib
            .taxonomies
            .iter()
            .zip(term_links)
            .zip(terms)
            .all(|((t, links), (name, values))| {
                let mut found = page
                    .taxonomies
                    .get(&t.name)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| term_index(t, n));
                *name == t.name
                    && values
                        .iter()
                        .all(|v| found.next().is_some_and(|j| links[j] == *v))
                    && found.next().is_none()
            })
}

/// The index of the term `name` (as written in front matter) in `t`.
fn term_index(t: &Taxonomy, name: &str) -> Option<usize> {
    // Terms are sorted by slug, and most pages spell a term as it was
    // first written.
    if let Ok(j) = t
        .terms
        .binary_search_by(|term| term.slug.as_str().cmp(name))
        && t.terms[j].name == name
    {
        return Some(j);
    }
    let slug = crate::content::slugify(name);
    t.terms
        .binary_search_by(|term| term.slug.as_str().cmp(&slug))
        .ok()
}

/// The shared term values of `page`, per taxonomy of the site.
fn taxonomy_terms(
    lib: &Library,
    page: &Page,
    term_links: &[Vec<Value>],
) -> Vec<(String, Vec<Value>)> {
    lib.taxonomies
        .iter()
        .zip(term_links)
        .map(|(t, links)| {
            let terms: Vec<Value> = page
                .taxonomies
                .get(&t.name)
                .into_iter()
                .flatten()
                .filter_map(|name| Some(links[term_index(t, name)?].clone()))
                .collect();
            (t.name.clone(), terms)
        })
        .collect()
}

/// The [`PageView`] of `p`.
fn page_view(
    config: &Config,
    lib: &Library,
    p: &Page,
    term_links: &[Vec<Value>],
    page_ancestors: &[Value],
) -> PageView {
    let f = &p.front;
    let day = |d: &Option<crate::content::Date>| d.map(|d| d.day());
    let r = &p.rendered;
    let mut card = Card {
        title: p.title().to_string(),
        description: f.description.clone(),
        date: day(&f.date),
        updated: day(&f.updated),
        path: p.path.clone(),
        permalink: config.permalink(&p.path),
        weight: f.weight,
        summary: String::new(),
        reading_time: 0,
        word_count: 0,
        taxonomies: taxonomy_terms(lib, p, term_links),
        extra: Arc::new(f.extra.clone()),
    };
    card.take_text(r);
    let neighbour = |i: Option<usize>| {
        i.map(|i| Link {
            title: lib.pages[i].title().to_string(),
            path: lib.pages[i].path.clone(),
        })
    };
    PageView {
        card,
        slug: p.slug.clone(),
        rendered: r.clone(),
        previous: neighbour(p.previous),
        next: neighbour(p.next),
        ancestors: page_ancestors[p.section].clone(),
        assets: p.assets.iter().map(|(_, s)| s.clone()).collect(),
        section_path: lib.sections[p.section].path.clone(),
    }
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
