//! Which pages get their own card, which image every other page shows,
//! and the `social` value of each output page.

use std::collections::HashMap;

use crate::render::Value;
use rayon::prelude::*;

use super::{HEIGHT, Inputs, WIDTH, jsonld};
use crate::diagnostics::Diagnostic;
use crate::images::Lookup;
use crate::render::{ExtraPage, Job, Renderer};

/// Where cards go in the output.
const CARD_DIR: &str = "/social-cards/";

/// One card to draw.
pub struct Card {
    /// Site path of the page it is for.
    pub page: String,
    /// Site path of the PNG.
    pub output: String,
    /// Big text.
    pub title: String,
    /// Small text above the title: the page's section (or parent).
    pub section: String,
    /// Description, for templates that show one.
    pub description: String,
}

/// An image a page shows as `og:image`.
#[derive(Clone, PartialEq)]
pub struct Image {
    /// Absolute URL.
    pub url: String,
    /// Pixel size, when known.
    pub size: Option<(u32, u32)>,
    /// Alt text.
    pub alt: String,
}

/// The cards to draw and the image of every page that has its own.
pub struct Plan {
    /// Cards, in job order.
    pub cards: Vec<Card>,
    /// Page path -> its own image (card or front matter `image`).
    pub own: HashMap<String, Image>,
    /// Page path -> title, for breadcrumbs and card labels.
    pub titles: HashMap<String, String>,
}

/// The hook for pages that do not come from Markdown: assessments (listed
/// in the sitemap) and their outcome pages (`/assessments/ID/result/X/`)
/// get their own card; step pages and search do not.
pub fn extra_has_own_card(e: &ExtraPage) -> bool {
    e.in_sitemap || e.path.contains("/result/")
}

/// An assessment's description, from its template value.
fn extra_description(e: &ExtraPage) -> Option<&str> {
    e.vars
        .iter()
        .find(|(k, _)| *k == "assessment")
        .and_then(|(_, v)| {
            v.as_map()?
                .iter()
                .find(|(k, _)| k.as_str() == Some("description"))?
                .1
                .as_str()
        })
}

/// Decides every page's own image.
pub fn plan(input: &Inputs) -> Result<Plan, Vec<Diagnostic>> {
    let (lib, config) = (input.lib, input.config);
    let titles = titles(input);
    let mut cards = Vec::new();
    let mut own = HashMap::new();
    let mut errors = Vec::new();
    let mut card = |path: &str, title: &str, description: Option<&str>| {
        let output = match path.trim_matches('/') {
            "" => format!("{CARD_DIR}home.png"),
            p => format!("{CARD_DIR}{p}.png"),
        };
        own.insert(
            path.to_string(),
            Image {
                url: config.permalink(&output),
                size: Some((WIDTH, HEIGHT)),
                alt: if title == config.title {
                    title.to_string()
                } else {
                    format!("{title} – {}", config.title)
                },
            },
        );
        cards.push(Card {
            page: path.to_string(),
            output,
            title: title.to_string(),
            section: parent_title(&titles, path).unwrap_or_default(),
            description: description.unwrap_or_default().to_string(),
        });
    };
    for (i, s) in lib.sections.iter().enumerate() {
        if s.front.image.is_none() {
            let title = if i == 0 {
                config.title.as_str()
            } else {
                s.front.title.as_deref().unwrap_or(&config.title)
            };
            let description = s.front.description.as_deref().or(if i == 0 {
                config.description.as_deref()
            } else {
                None
            });
            card(&s.path, title, description);
        }
    }
    for p in &lib.pages {
        let section = &lib.sections[p.section];
        let opted = p.front.social_card.or(section.front.social_card) == Some(true);
        if opted && p.front.image.is_none() {
            card(&p.path, p.title(), p.front.description.as_deref());
        }
    }
    for e in input.extras.iter().filter(|e| extra_has_own_card(e)) {
        card(&e.path, &e.title, extra_description(e));
    }
    overrides(input, &mut own, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Plan { cards, own, titles })
}

/// Front matter `image` of pages and sections, which replaces their card.
fn overrides(input: &Inputs, own: &mut HashMap<String, Image>, errors: &mut Vec<Diagnostic>) {
    let (lib, config) = (input.lib, input.config);
    for d in lib.documents() {
        let (file, source, path, front) = (&d.file, &d.source, &d.path, &d.front);
        let Some(image) = &front.image else { continue };
        let alt = front.title.as_deref().unwrap_or(&config.title).to_string();
        let src = image.value.as_str();
        let found = if src.contains("://") {
            Some(Image {
                url: src.to_string(),
                size: None,
                alt,
            })
        } else {
            match input.images.lookup(input.root, input.files, path, src) {
                Lookup::Found(info, site) => Some(Image {
                    url: config.permalink(&site),
                    size: Some((info.width, info.height)),
                    alt,
                }),
                Lookup::External => None,
                Lookup::Missing | Lookup::Unreadable(_) => {
                    // Front matter starts on line 2 of the file.
                    let (l, c) = crate::yaml::position(image);
                    errors.push(
                        Diagnostic::at(
                            file,
                            source,
                            l + 1,
                            c,
                            format!("image `{src}` does not exist or is not an image"),
                        )
                        .with_hint(crate::images::MISSING_HINT),
                    );
                    None
                }
            }
        };
        if let Some(found) = found {
            own.insert(path.clone(), found);
        }
    }
}

/// Site path -> title of every page that has one.
fn titles(input: &Inputs) -> HashMap<String, String> {
    let lib = input.lib;
    let mut t = HashMap::new();
    // Sections first (index 0 is home), then pages, which always have a title.
    for (i, d) in lib.documents().enumerate() {
        let title = match (i, d.front.title.as_deref()) {
            (_, Some(title)) => title.to_string(),
            (0, None) => "Home".to_string(),
            _ => d
                .path
                .trim_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        t.insert(d.path.clone(), title);
    }
    for tax in &lib.taxonomies {
        let mut name = tax.name.replace(['-', '_'], " ");
        if let Some(first) = name.get(..1) {
            name = first.to_uppercase() + &name[1..];
        }
        t.entry(tax.path.clone()).or_insert(name);
        for term in &tax.terms {
            t.insert(term.path.clone(), term.name.clone());
        }
    }
    for e in input.extras {
        t.entry(e.path.clone()).or_insert_with(|| e.title.clone());
    }
    t
}

/// The site paths above `path` (`/a/b/c/` -> `/a/`, `/a/b/`), nearest last.
fn ancestors(path: &str) -> Vec<String> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    (1..segs.len())
        .map(|n| format!("/{}/", segs[..n].join("/")))
        .collect()
}

fn parent_title(titles: &HashMap<String, String>, path: &str) -> Option<String> {
    ancestors(path)
        .iter()
        .rev()
        .find_map(|a| titles.get(a).cloned())
}

/// The `social` values of the last build and what they were made from,
/// for `serve`: when the site-wide inputs (every page's own image, the
/// icons, the logo) and the titles on its breadcrumb trail are unchanged,
/// a page whose own facts are unchanged keeps its value without its
/// JSON-LD being made again (the largest part of this stage on a save).
#[derive(Default)]
pub struct Memo {
    titles: HashMap<String, String>,
    own: HashMap<String, Image>,
    icons: Option<Value>,
    logo: Option<String>,
    pages: HashMap<String, (std::sync::Arc<Facts>, Value)>,
}

/// What a page's JSON-LD reads of the page itself; the rest comes from
/// the plan and the path.
#[derive(PartialEq)]
struct Facts {
    /// The job's kind: a page, and the 404 page, differ from the rest.
    kind: u8,
    title: String,
    description: Option<String>,
    date: Option<crate::content::Date>,
    updated: Option<crate::content::Date>,
}

impl Facts {
    fn of(job: Job, lib: &crate::content::Library) -> Facts {
        let kind = match job {
            Job::Page(_) => 1,
            Job::NotFound => 2,
            _ => 0,
        };
        let mut f = Facts {
            kind,
            title: String::new(),
            description: None,
            date: None,
            updated: None,
        };
        if let Job::Page(i) = job {
            let p = &lib.pages[i];
            f.title = p.title().to_string();
            f.description = p.front.description.clone();
            f.date = p.front.date;
            f.updated = p.front.updated;
        }
        f
    }

    /// Equal to what `of` would make, without allocating.
    fn still(&self, job: Job, lib: &crate::content::Library) -> bool {
        match job {
            Job::Page(i) => {
                let p = &lib.pages[i];
                self.kind == 1
                    && self.title == p.title()
                    && self.description == p.front.description
                    && self.date == p.front.date
                    && self.updated == p.front.updated
            }
            Job::NotFound => self.kind == 2,
            _ => self.kind == 0,
        }
    }
}

/// The `social` value of every output page (404 gets only the icons).
/// `memo` holds last build's values by path, and this build's afterwards;
/// a one-shot build passes none.
pub fn values(
    input: &Inputs,
    plan: &Plan,
    icons: &Value,
    logo: Option<&str>,
    memo: Option<&mut Memo>,
) -> HashMap<String, Value> {
    let lib = input.lib;
    let home_image = plan.own.get("/").cloned();
    let image_for = |job: Job, path: &str| -> Option<Image> {
        if let Some(i) = plan.own.get(path) {
            return Some(i.clone());
        }
        if let Job::Page(i) = job
            && let Some(img) = plan.own.get(&lib.sections[lib.pages[i].section].path)
        {
            return Some(img.clone());
        }
        ancestors(path)
            .iter()
            .rev()
            .find_map(|a| plan.own.get(a).cloned())
            .or_else(|| home_image.clone())
    };
    let jobs = Renderer::jobs(lib, input.extras);
    let value_for = |job: Job, path: &str| {
        if job == Job::NotFound {
            return value_of(job, icons, None, Vec::new());
        }
        let image = image_for(job, path);
        let nodes = json_ld_nodes(input, plan, job, path, image.as_ref(), logo);
        value_of(job, icons, image, nodes)
    };
    let Some(memo) = memo else {
        return (jobs.par_iter())
            .map(|&job| {
                let path = Renderer::path(job, lib, input.extras);
                let value = value_for(job, &path);
                (path, value)
            })
            .collect();
    };
    let same_site =
        memo.icons.as_ref() == Some(icons) && memo.logo.as_deref() == logo && memo.own == plan.own;
    // A page's breadcrumbs hold the titles of its path and the paths above
    // it: a changed title is made again only below the path it names.
    let retitled = changed_keys(&memo.titles, &plan.titles);
    let old = &memo.pages;
    let built: Vec<(String, (std::sync::Arc<Facts>, Value))> = (jobs.par_iter())
        .map(|&job| {
            let path = Renderer::path(job, lib, input.extras);
            if same_site
                && !retitled.iter().any(|t| path.starts_with(t.as_str()))
                && let Some((facts, value)) = old.get(&path)
                && facts.still(job, lib)
            {
                return (path, (facts.clone(), value.clone()));
            }
            let value = value_for(job, &path);
            (path, (std::sync::Arc::new(Facts::of(job, lib)), value))
        })
        .collect();
    let values = (built.iter())
        .map(|(path, (_, value))| (path.clone(), value.clone()))
        .collect();
    let old = std::mem::replace(
        memo,
        Memo {
            titles: plan.titles.clone(),
            own: plan.own.clone(),
            icons: Some(icons.clone()),
            logo: logo.map(str::to_string),
            pages: built.into_iter().collect(),
        },
    );
    // Freeing ten thousand values is slow: not on the way to the page
    // being served.
    std::thread::spawn(move || drop(old));
    values
}

/// The keys whose values differ between `a` and `b`, or are in only one.
fn changed_keys<'a>(
    a: &'a HashMap<String, String>,
    b: &'a HashMap<String, String>,
) -> Vec<&'a String> {
    let gone = a.keys().filter(|k| !b.contains_key(*k));
    let new_or_changed = b
        .iter()
        .filter(|(k, v)| a.get(*k) != Some(v))
        .map(|(k, _)| k);
    gone.chain(new_or_changed).collect()
}

/// One page's `social` value: icons, image and JSON-LD script.
fn value_of(job: Job, icons: &Value, image: Option<Image>, nodes: Vec<jsonld::Node>) -> Value {
    let mut m = crate::render::Map::new();
    m.insert("icons".into(), icons.clone());
    if job == Job::NotFound {
        return Value::from(m);
    }
    if let Some(img) = image {
        m.insert("image".into(), img.url.into());
        m.insert("image_alt".into(), img.alt.into());
        if let Some((w, h)) = img.size {
            m.insert("image_width".into(), w.into());
            m.insert("image_height".into(), h.into());
        }
    }
    m.insert("twitter_card".into(), "summary_large_image".into());
    if let Some(s) = jsonld::script(&nodes) {
        m.insert("json_ld".into(), Value::safe_string(&s));
    }
    Value::from(m)
}

/// The JSON-LD of one page: `Organization` on the home page, else a
/// `BreadcrumbList`, plus an `Article` for a dated page.
fn json_ld_nodes(
    input: &Inputs,
    plan: &Plan,
    job: Job,
    path: &str,
    image: Option<&Image>,
    logo: Option<&str>,
) -> Vec<jsonld::Node> {
    let (lib, config) = (input.lib, input.config);
    let mut nodes = Vec::new();
    if path == "/" {
        nodes.push(jsonld::organization(
            config,
            logo.map(|l| config.permalink(l)).as_deref(),
        ));
    } else {
        let title = |p: &str| plan.titles.get(p).cloned().unwrap_or_default();
        let mut trail = vec![(title("/"), "/".to_string())];
        for a in ancestors(path) {
            if let Some(t) = plan.titles.get(&a) {
                trail.push((t.clone(), a));
            }
        }
        trail.push((title(path), path.to_string()));
        nodes.push(jsonld::breadcrumbs(config, &trail));
    }
    if let Job::Page(i) = job
        && let Some(date) = lib.pages[i].front.date
    {
        let p = &lib.pages[i];
        let (date, modified) = (date.rfc3339(), p.front.updated.unwrap_or(date).rfc3339());
        nodes.push(jsonld::article(
            config,
            &jsonld::Article {
                title: p.title(),
                description: p.front.description.as_deref(),
                date: &date,
                modified: &modified,
                path: &p.path,
                image: image.map(|i| i.url.as_str()),
            },
        ));
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_are_the_folders_above() {
        assert_eq!(ancestors("/a/b/c/"), ["/a/", "/a/b/"]);
        assert!(ancestors("/").is_empty());
        assert!(ancestors("/a/").is_empty());
    }
}
