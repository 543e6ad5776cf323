//! Taxonomies (`tags`, `playbooks`, ...): term -> pages, from front matter.

use std::collections::{BTreeMap, HashMap};

use super::library::Library;
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// One taxonomy named in `site.yaml`.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Its front-matter key, also its URL segment.
    pub name: String,
    /// `/name/`.
    pub path: String,
    /// Terms sorted by slug.
    pub terms: Vec<Term>,
}

/// One term with the pages that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    /// As first written in front matter.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// `/name/slug/`.
    pub path: String,
    /// Page indices, newest first then by title.
    pub pages: Vec<usize>,
}

/// Groups pages by term for every configured taxonomy.
pub fn build(config: &Config, lib: &Library) -> Result<Vec<Taxonomy>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    for tax in &config.taxonomies {
        let name = &tax.name().to_string();
        let base = tax.path();
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        // Most pages repeat a few spellings: slugify each once.
        let mut slugs: HashMap<&str, String> = HashMap::new();
        for (i, page) in lib.pages.iter().enumerate() {
            for term in page.taxonomies.get(name).into_iter().flatten() {
                let slug = slugs
                    .entry(term.as_str())
                    .or_insert_with(|| super::slugify(term))
                    .clone();
                let entry = terms.entry(slug.clone()).or_insert_with(|| Term {
                    name: term.clone(),
                    path: format!("{base}{slug}/"),
                    slug,
                    pages: Vec::new(),
                });
                // Pages are visited in order, so a repeat can only be the last one.
                if entry.pages.last() != Some(&i) {
                    entry.pages.push(i);
                }
            }
        }
        let mut terms: Vec<Term> = terms.into_values().collect();
        for t in &mut terms {
            t.pages.sort_by(|&a, &b| {
                let (da, db) = (lib.pages[a].front.date, lib.pages[b].front.date);
                db.cmp(&da)
                    .then_with(|| lib.pages[a].title().cmp(lib.pages[b].title()))
            });
        }
        out.push(Taxonomy {
            name: name.clone(),
            path: base.clone(),
            terms,
        });
    }
    Ok(out)
}
