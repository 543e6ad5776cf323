//! The files Waymark writes from the library besides the pages: alias
//! redirects, `sitemap.xml`, the Atom `feed.xml` and `robots.txt` (their
//! text formats are in [`super::feeds`]).

use super::links::{self, LinkStyle};
use super::{FeedEntry, SitemapEntry};
use crate::config::Config;
use crate::content::{self, Library};
use crate::render::ExtraPage;

/// A page's date in RFC 3339, keeping a time when the page gives one.
fn date(d: &Option<content::Date>) -> Option<String> {
    d.map(|d| d.rfc3339())
}

/// One redirect page per alias in front matter: (site path, HTML).
pub fn redirects(config: &Config, lib: &Library, style: LinkStyle) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for p in &lib.pages {
        for alias in &p.front.aliases {
            let from = content::normalize_alias(&alias.value);
            let rel = links::link(&p.path, links::dir_of(&from), style, "/");
            files.push((
                from,
                super::alias_page(&rel, &config.permalink(&p.path), &config.language),
            ));
        }
    }
    files
}

/// `sitemap.xml`: sections, pages, taxonomy pages and the extra pages that
/// ask to be listed.
pub fn sitemap(config: &Config, lib: &Library, extras: &[ExtraPage]) -> String {
    let entry = |path: &str, lastmod: Option<String>| SitemapEntry {
        permalink: config.permalink(path),
        lastmod,
    };
    let mut entries: Vec<SitemapEntry> = Vec::new();
    entries.extend(lib.sections.iter().map(|s| entry(&s.path, None)));
    entries.extend(lib.pages.iter().map(|p| {
        let lastmod = date(&p.front.updated).or_else(|| date(&p.front.date));
        entry(&p.path, lastmod)
    }));
    for t in &lib.taxonomies {
        entries.push(entry(&t.path, None));
        entries.extend(t.terms.iter().map(|term| entry(&term.path, None)));
    }
    let listed = extras.iter().filter(|e| e.in_sitemap);
    entries.extend(listed.map(|e| entry(&e.path, None)));
    super::sitemap(entries)
}

/// The Atom feed of the dated pages, when `feed` is on. Feed readers need
/// absolute URLs: `https://x.org/sub/a/`.
pub fn feed(config: &Config, lib: &Library) -> Option<String> {
    if !config.feed {
        return None;
    }
    let entries = lib
        .pages
        .iter()
        .filter_map(|p| {
            Some(FeedEntry {
                title: p.title().to_string(),
                permalink: config.permalink(&p.path),
                date: date(&p.front.date)?,
                updated: date(&p.front.updated),
                summary: links::rewrite(
                    &p.rendered.summary,
                    "/",
                    LinkStyle::Absolute,
                    config.base_url(),
                ),
            })
        })
        .collect();
    Some(super::atom_feed(
        &config.title,
        config.base_url(),
        config.author.as_deref(),
        entries,
    ))
}

/// `robots.txt`, naming the sitemap.
pub fn robots(config: &Config) -> String {
    super::robots_txt(config.base_url())
}
