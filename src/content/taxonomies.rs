//! Taxonomies (`tags`, `playbooks`, ...): term -> pages, from front matter.

use std::collections::HashMap;

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
    // Each term lists its pages newest first, then by title: one sort of
    // all pages gives each its rank, and a term's list sorts by rank (a
    // 10,000-page site has tens of thousands of page-term pairs).
    let mut order: Vec<usize> = (0..lib.pages.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&lib.pages[a], &lib.pages[b]);
        (pb.front.date.cmp(&pa.front.date)).then_with(|| pa.title().cmp(pb.title()))
    });
    let mut rank = vec![0u32; order.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let mut out = Vec::new();
    for tax in &config.taxonomies {
        let name = &tax.name().to_string();
        let base = tax.path();
        let mut terms: Vec<Term> = Vec::new();
        // Most pages repeat a few spellings: each is slugified and looked
        // up once; spellings with the same slug are one term.
        let mut by_spelling: HashMap<&str, usize> = HashMap::new();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        for (i, page) in lib.pages.iter().enumerate() {
            for term in page.taxonomies.get(name).into_iter().flatten() {
                let t = *by_spelling.entry(term.as_str()).or_insert_with(|| {
                    let slug = super::slugify(term);
                    *by_slug.entry(slug.clone()).or_insert_with(|| {
                        terms.push(Term {
                            name: term.clone(),
                            path: format!("{base}{slug}/"),
                            slug,
                            pages: Vec::new(),
                        });
                        terms.len() - 1
                    })
                });
                let pages = &mut terms[t].pages;
                // Pages are visited in order, so a repeat can only be the last one.
                if pages.last() != Some(&i) {
                    pages.push(i);
                }
            }
        }
        terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        for t in &mut terms {
            t.pages.sort_by_key(|&p| rank[p]);
        }
        out.push(Taxonomy {
            name: name.clone(),
            path: base.clone(),
            terms,
        });
    }
    Ok(out)
}
