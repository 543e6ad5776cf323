//! Template functions (`url`, `get_page`, ...) and filters (`date`).
//!
//! They read from data built once per build ([`Lookup`]), so calling them
//! in every page costs a map lookup and a reference-count bump.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::values::SiteValues;
use crate::content::{Library, Target};

/// One lookup a template made through a function, recorded while rendering so
/// `serve` knows which outputs to re-render when that data changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dep {
    /// `get_page(path=...)`, by `@/` key.
    Page(String),
    /// `get_section(path=...)`, by `@/` key.
    Section(String),
    /// `get_taxonomy(name=...)`.
    Taxonomy(String),
    /// `get_term(taxonomy=..., term=...)`.
    Term(String, String),
    /// `get_assessment(id=...)`.
    Assessment(String),
    /// `url(path=...)`.
    Url(String),
    /// An assessment embedded in the page's Markdown (compared by the caller).
    Embed(String),
    /// A template rendered besides the page's own (compared by the caller).
    Template(String),
}

thread_local! {
    static RECORDER: RefCell<Option<Vec<Dep>>> = const { RefCell::new(None) };
}

/// Runs `f` (one render, on this thread) and returns what it looked up.
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<Dep>) {
    let outer = RECORDER.with(|r| r.borrow_mut().replace(Vec::new()));
    let out = f();
    let deps = RECORDER.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
    (out, deps.unwrap_or_default())
}

/// Notes a lookup of the render running on this thread, if it records.
pub(crate) fn record(dep: impl FnOnce() -> Dep) {
    RECORDER.with(|r| {
        if let Some(deps) = r.borrow_mut().as_mut() {
            deps.push(dep());
        }
    });
}

/// Everything the functions can look up.
pub struct Lookup {
    /// The shared values.
    pub values: Arc<SiteValues>,
    /// `@/` key -> page or section.
    pub by_rel: HashMap<String, Target>,
    /// `@/` key -> site path.
    pub paths: HashMap<String, String>,
    /// Taxonomy name -> index; term slug -> index per taxonomy.
    pub taxonomies: HashMap<String, (usize, HashMap<String, usize>)>,
    /// Assessment id -> value.
    pub assessments: HashMap<String, Value>,
    /// Static file (`css/site.css`) -> its fingerprinted site path.
    pub assets: BTreeMap<String, String>,
}

impl Lookup {
    /// Indexes the library for the functions.
    pub fn new(lib: &Library, values: Arc<SiteValues>, assets: BTreeMap<String, String>) -> Lookup {
        // `url(path="@/assessments/ID.yaml")` too, as Markdown links allow.
        let paths = lib.link_targets();
        let taxonomies = lib
            .taxonomies
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let terms = t
                    .terms
                    .iter()
                    .enumerate()
                    .map(|(j, term)| (term.slug.clone(), j))
                    .collect();
                (t.name.clone(), (i, terms))
            })
            .collect();
        let assessments = values
            .assessments
            .as_array()
            .unwrap_or_default()
            .iter()
            .filter_map(|a| Some((a.get_from_path("id")?.as_str()?.to_string(), a.clone())))
            .collect();
        Lookup {
            by_rel: lib.by_rel.clone(),
            paths,
            taxonomies,
            assessments,
            assets,
            values,
        }
    }

    /// What a recorded lookup returns now (errors as `None`), to compare
    /// across rebuilds: equal answers mean equal output.
    pub fn eval(&self, dep: &Dep) -> Option<Value> {
        match dep {
            Dep::Page(path) => match self.by_rel.get(path.trim_start_matches("@/")) {
                Some(Target::Page(i)) => Some(self.values.page(*i)),
                _ => None,
            },
            Dep::Section(path) => match self.by_rel.get(path.trim_start_matches("@/")) {
                Some(Target::Section(i)) => Some(self.values.sections[*i].clone()),
                _ => None,
            },
            Dep::Taxonomy(name) => self
                .taxonomies
                .get(name)
                .map(|(i, _)| self.values.taxonomies[*i].clone()),
            Dep::Term(taxonomy, term) => {
                let (i, terms) = self.taxonomies.get(taxonomy)?;
                Some(
                    terms
                        .get(&crate::content::slugify(term))
                        .map_or_else(Value::none, |j| self.values.terms[*i][*j].clone()),
                )
            }
            Dep::Assessment(id) => self.assessments.get(id).cloned(),
            Dep::Url(path) => self.url(path).ok().map(Value::from),
            Dep::Embed(_) | Dep::Template(_) => None,
        }
    }

    /// Resolves what `url(path=...)` accepts to a site path.
    pub fn url(&self, path: &str) -> Result<String, String> {
        if let Some(rest) = path.strip_prefix("@/") {
            let (target, anchor) = rest
                .split_once('#')
                .map_or((rest, None), |(t, a)| (t, Some(a)));
            let p = self
                .paths
                .get(target)
                .ok_or_else(|| format!("`{path}` names no page or section under content/"))?;
            return Ok(match anchor {
                Some(a) => format!("{p}#{a}"),
                None => p.clone(),
            });
        }
        if path.starts_with('/')
            || path.contains("://")
            || path.starts_with("mailto:")
            || path.starts_with('#')
        {
            return Ok(path.to_string());
        }
        let (file, query) = path
            .split_once(['?', '#'])
            .map_or((path, ""), |(f, _)| (f, &path[f.len()..]));
        self.assets
            .get(file)
            .map(|p| format!("{p}{query}"))
            .ok_or_else(|| format!("no static file `{path}` in static/ or the theme's static/"))
    }
}

/// Registers the functions and filters on `tera`.
pub fn register(tera: &mut Tera, lookup: Arc<Lookup>) {
    register_content_functions(tera, &lookup);
    register_data_functions(tera, lookup);
    register_filters(tera);
}

/// The functions that resolve paths under `content/` (`url`, `get_page`,
/// `get_section`), apart from the taxonomy and assessment getters so
/// neither group outgrows a screen.
fn register_content_functions(tera: &mut Tera, lookup: &Arc<Lookup>) {
    let l = lookup.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            record(|| Dep::Url(path.to_string()));
            l.url(path).map_err(Error::message)
        },
    );
    let l = lookup.clone();
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            record(|| Dep::Page(path.to_string()));
            match l.by_rel.get(path.trim_start_matches("@/")) {
                // Built up front whenever a template mentions `get_page`.
                Some(Target::Page(i)) if *i < l.values.pages.len() => {
                    Ok(l.values.pages[*i].clone())
                }
                _ if !required(&kwargs)? => Ok(Value::none()),
                _ => Err(Error::message(format!(
                    "get_page: no page `{path}` under content/"
                ))),
            }
        },
    );
    let l = lookup.clone();
    tera.register_function("get_section", move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        record(|| Dep::Section(path.to_string()));
        match l.by_rel.get(path.trim_start_matches("@/")) {
            Some(Target::Section(i)) => Ok(l.values.sections[*i].clone()),
            _ if !required(&kwargs)? => Ok(Value::none()),
            _ => Err(Error::message(format!(
                "get_section: no section `{path}` (sections are `_index.md` files, e.g. `blog/_index.md`)"
            ))),
        }
    });
}

/// The getters for taxonomies, terms and assessments, which read the
/// site's data rather than resolve content paths.
fn register_data_functions(tera: &mut Tera, lookup: Arc<Lookup>) {
    let l = lookup.clone();
    tera.register_function(
        "get_taxonomy",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let name: &str = kwargs.must_get("name")?;
            record(|| Dep::Taxonomy(name.to_string()));
            l.taxonomies
                .get(name)
                .map(|(i, _)| l.values.taxonomies[*i].clone())
                .ok_or_else(|| {
                    Error::message(format!(
                        "get_taxonomy: `{name}` is not in `taxonomies` of site.yaml"
                    ))
                })
        },
    );
    let l = lookup.clone();
    tera.register_function(
        "get_term",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let taxonomy: &str = kwargs.must_get("taxonomy")?;
            let term: &str = kwargs.must_get("term")?;
            record(|| Dep::Term(taxonomy.to_string(), term.to_string()));
            let (i, terms) = l.taxonomies.get(taxonomy).ok_or_else(|| {
                Error::message(format!(
                    "get_term: `{taxonomy}` is not in `taxonomies` of site.yaml"
                ))
            })?;
            Ok(terms
                .get(&crate::content::slugify(term))
                .map_or_else(Value::none, |j| l.values.terms[*i][*j].clone()))
        },
    );
    let l = lookup;
    tera.register_function(
        "get_assessment",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let id: &str = kwargs.must_get("id")?;
            record(|| Dep::Assessment(id.to_string()));
            l.assessments.get(id).cloned().ok_or_else(|| {
                Error::message(format!("get_assessment: no content/assessments/{id}.yaml"))
            })
        },
    );
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("date", date_filter);
    tera.register_filter("wrap", wrap_filter);
}

/// `"Predictable Planning" | wrap(width=12)` -> `["Predictable", "Planning"]`:
/// lines of at most `width` characters (a longer word gets its own line),
/// for SVG text, which does not wrap by itself.
fn wrap_filter(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<Vec<String>> {
    let width: usize = kwargs.get("width")?.unwrap_or(16);
    Ok(wrap(value, width))
}

/// Greedy word wrap; see [`wrap_filter`].
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// `required=false` makes a missing page or section `none` instead of an
/// error, for themes that show a block only when the site has that content.
fn required(kwargs: &Kwargs) -> TeraResult<bool> {
    Ok(kwargs.get::<bool>("required")?.unwrap_or(true))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2026-03-01` -> `1 March 2026`; `format="iso"` keeps `2026-03-01`.
fn date_filter(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format: Option<&str> = kwargs.get("format")?;
    if !crate::content::is_date(value) {
        return Err(Error::message(format!(
            "date: `{value}` is not a YYYY-MM-DD date"
        )));
    }
    if format == Some("iso") {
        return Ok(value[..10].to_string());
    }
    let month: usize = value[5..7].parse().unwrap_or(1);
    let day: u32 = value[8..10].parse().unwrap_or(1);
    Ok(format!("{day} {} {}", MONTHS[month - 1], &value[..4]))
}
