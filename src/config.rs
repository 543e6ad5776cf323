//! `site.yaml` -> [`Config`]: typed, validated once, then read-only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::yaml::{self, Spanned};

/// The file every site has at its root.
pub const CONFIG_FILE: &str = "site.yaml";

/// The site configuration, as written in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site name, shown in titles and the feed.
    pub title: String,
    /// Where the site is published; may include a path (`https://x.org/guides/`).
    pub base_url: Spanned<String>,
    /// Default meta description.
    #[serde(default)]
    pub description: Option<String>,
    /// `lang` of every page.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Author for the feed and meta tags.
    #[serde(default)]
    pub author: Option<String>,
    /// Contact shown on call-to-action blocks; never hard-coded in templates.
    #[serde(default)]
    pub contact: Contact,
    /// Call-to-action wording.
    #[serde(default)]
    pub cta: Option<Cta>,
    /// The site menu, in order.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// Front-matter keys that group pages (`tags`, `playbooks`, ...).
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Build the search index and page.
    #[serde(default = "yes")]
    pub search: bool,
    /// Write `feed.xml`.
    #[serde(default = "yes")]
    pub feed: bool,
    /// Make links name their files so the site works opened from disk.
    #[serde(default)]
    pub portable: bool,
    /// Logo, favicon, accent colours and font: a site's look without
    /// copying templates (files and contrast checked at load).
    #[serde(default)]
    pub brand: Brand,
    /// Site stylesheets (paths under `static/`) loaded after the theme's,
    /// so a few rules restyle the site without replacing the theme's CSS.
    #[serde(default)]
    pub extra_css: Vec<Spanned<String>>,
    /// Who writes the site, shown as a profile card when given; optional
    /// because a site must read well without a named person.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Free data for the theme.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The text of `site.yaml`, kept for diagnostics that point into it
    /// (menu links, links found by `check`) instead of reading it again.
    #[serde(skip)]
    pub source: String,
}

/// `brand:` in `site.yaml`. Paths are site paths of files under `static/`
/// (`/images/logo.svg`); colours are `#rgb` or `#rrggbb`. Spanned so a
/// missing file or a low-contrast colour is reported at its line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// Image shown in the header beside (or instead of) the site title.
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
    /// SVG or PNG icon; without it one is generated.
    #[serde(default)]
    pub favicon: Option<Spanned<String>>,
    /// Main colour (links, buttons) on the light background.
    #[serde(default)]
    pub accent: Option<Spanned<String>>,
    /// Main colour on the dark background; `accent` when absent.
    #[serde(default)]
    pub accent_dark: Option<Spanned<String>>,
    /// A self-hosted WOFF2 font under `static/`, used for all text.
    #[serde(default)]
    pub font: Option<Spanned<String>>,
}

impl Brand {
    /// The accent for dark mode: `accent_dark`, else `accent`.
    pub fn accent_dark(&self) -> Option<&Spanned<String>> {
        self.accent_dark.as_ref().or(self.accent.as_ref())
    }
}

/// `profile:` in `site.yaml`: the person behind the site, shown by the
/// theme when present.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Full name.
    pub name: String,
    /// Role or title, e.g. "Independent strategy advisor".
    #[serde(default)]
    pub role: Option<String>,
    /// Site path of a photo under `static/`.
    #[serde(default)]
    pub photo: Option<Spanned<String>>,
    /// One or two sentences (Markdown is not rendered).
    #[serde(default)]
    pub bio: Option<String>,
}

/// How visitors reach the site's owner (shown on call-to-action blocks).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Shown as a mailto link.
    pub email: Option<String>,
    /// A scheduling page.
    pub booking_url: Option<String>,
}

/// Wording of the call to action shown beside the contact.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    /// Heading of the block.
    pub title: String,
    /// One or two sentences.
    #[serde(default)]
    pub text: Option<String>,
    /// Button label.
    #[serde(default)]
    pub label: Option<String>,
}

/// A taxonomy: just its name (`tags`, listed at `/tags/`), or a map with
/// the name and, optionally, the path of its listing (when `/name/` is
/// taken, e.g. by a section) and the words the theme shows for it.
#[derive(Debug, Clone)]
pub enum TaxonomyConfig {
    /// `tags` -> `/tags/`.
    Name(String),
    /// `{ name: playbooks, path: /case-studies/by-playbook/, title: ... }`.
    Full(TaxonomyDef),
}

/// The map form of a taxonomy in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyDef {
    /// Front-matter key.
    pub name: String,
    /// Site path of the listing; terms go below it.
    #[serde(default)]
    pub path: Option<String>,
    /// Heading of the listing page ("Case studies by playbook").
    #[serde(default)]
    pub title: Option<String>,
    /// What one term is called ("Playbook").
    #[serde(default)]
    pub label: Option<String>,
    /// What several terms are called ("Playbooks").
    #[serde(default)]
    pub label_plural: Option<String>,
    /// A section (`@/playbooks/_index.md`) whose pages describe the terms:
    /// a term named like one of its pages shows that page's title and
    /// links to it.
    #[serde(default)]
    pub term_pages: Option<Spanned<String>>,
    /// Show this taxonomy's terms on page cards in lists.
    #[serde(default)]
    pub cards: bool,
}

impl<'de> Deserialize<'de> for TaxonomyConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = TaxonomyConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a taxonomy name or `{ name: ..., path: ..., title: ... }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TaxonomyConfig::Name(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                TaxonomyDef::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(TaxonomyConfig::Full)
            }
        }
        d.deserialize_any(Visit)
    }
}

impl TaxonomyConfig {
    /// The front-matter key.
    pub fn name(&self) -> &str {
        match self {
            TaxonomyConfig::Name(n) => n,
            TaxonomyConfig::Full(t) => &t.name,
        }
    }

    /// The map form's settings, when given.
    pub fn def(&self) -> Option<&TaxonomyDef> {
        match self {
            TaxonomyConfig::Name(_) => None,
            TaxonomyConfig::Full(t) => Some(t),
        }
    }

    /// Site path of the listing, `/name/` unless configured.
    pub fn path(&self) -> String {
        match self.def().and_then(|d| d.path.as_deref()) {
            None => format!("/{}/", crate::content::slugify(self.name())),
            Some(path) => {
                let p = path.trim_matches('/');
                if p.is_empty() {
                    "/".into()
                } else {
                    format!("/{p}/")
                }
            }
        }
    }

    /// (title, one, many): what the theme calls the taxonomy's listing, one
    /// term and several terms; from the name (`industries` -> "Industries")
    /// unless `site.yaml` says.
    pub fn labels(&self) -> (String, String, String) {
        let words = self.name().replace(['-', '_'], " ");
        let mut chars = words.chars();
        let named: String = match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        let d = self.def();
        let many = d
            .and_then(|d| d.label_plural.clone())
            .unwrap_or(named.clone());
        let one = d.and_then(|d| d.label.clone()).unwrap_or(many.clone());
        let title = d.and_then(|d| d.title.clone()).unwrap_or(many.clone());
        (title, one, many)
    }
}

/// One menu entry; `url` may be `@/path.md`, a site path or an external URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// Link text.
    pub title: String,
    /// Target, resolved at load time.
    pub url: Spanned<String>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn yes() -> bool {
    true
}

impl Config {
    /// Reads and validates `root/site.yaml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let source = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(CONFIG_FILE, format!("cannot read {CONFIG_FILE}: {e}"))
                .with_hint("run `waymark init DIR` to create a site, or pass --root")
        })?;
        let mut config: Config = yaml::parse(Path::new(CONFIG_FILE), &source, &source, 1)?;
        let (line, col) = yaml::position(&config.base_url);
        let url = config.base_url.value.trim().to_string();
        if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/')) {
            return Err(Diagnostic::at(
                CONFIG_FILE,
                &source,
                line,
                col,
                format!("base_url `{url}` is not an absolute URL"),
            )
            .with_hint("write it like `https://example.org/` or `https://example.org/guides/`"));
        }
        config.base_url.value = if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        };
        config.source = source;
        Ok(config)
    }

    /// `base_url` with its trailing slash, e.g. `https://example.org/sub/`.
    pub fn base_url(&self) -> &str {
        &self.base_url.value
    }

    /// The absolute URL of a site-root path (`/a/` -> `https://x.org/sub/a/`).
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}", self.base_url(), site_path.trim_start_matches('/'))
    }

    /// The taxonomies' front-matter keys, in order.
    pub fn taxonomy_names(&self) -> Vec<String> {
        self.taxonomies
            .iter()
            .map(|t| t.name().to_string())
            .collect()
    }

    /// The theme's folder: `themes/NAME/` in the site, or the copy of the
    /// default theme built into waymark.
    pub fn theme_dir(&self, root: &Path) -> PathBuf {
        crate::theme::locate(root, &self.theme).path
    }
}
