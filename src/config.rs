//! `site.yaml` -> [`Config`]: typed, validated once, then read-only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::yaml::{self, Spanned, Step};

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
    /// If set (e.g. `topic`), the booking link after an assessment result
    /// carries the outcome: `booking_url?topic=OUTCOME-ID`.
    #[serde(default)]
    pub booking_topic: Option<String>,
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
        // An author who titled the listing "Topics" means that word for
        // the plural too, not the front-matter key "Tags".
        let title = d.and_then(|d| d.title.clone());
        let many = d
            .and_then(|d| d.label_plural.clone())
            .or_else(|| title.clone())
            .unwrap_or(named);
        let one = d.and_then(|d| d.label.clone()).unwrap_or(many.clone());
        (title.unwrap_or(many.clone()), one, many)
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
        if !path.is_file() {
            return Err(Diagnostic::error(
                CONFIG_FILE,
                format!("cannot read {CONFIG_FILE}: no such file"),
            )
            .with_hint("run `waymark init DIR` to create a site, or pass --root"));
        }
        let source = crate::content::read_text(&path, Path::new(CONFIG_FILE))?;
        // A byte order mark (Windows editors) is not part of the YAML.
        let source = source
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(source);
        let mut config: Config = yaml::parse(Path::new(CONFIG_FILE), &source, &source, 1)?;
        let (line, col) = yaml::position(&config.base_url);
        config.base_url.value = check_base_url(&config.base_url.value).map_err(|why| {
            Diagnostic::at(CONFIG_FILE, &source, line, col, why)
                .with_hint("write it like `https://example.org/` or `https://example.org/guides/`")
        })?;
        config.source = source;
        config.check_values()?;
        Ok(config)
    }

    /// Values that would leave the site or break its pages: see
    /// [`Config::check_theme`], [`Config::check_texts`], [`Config::check_urls`].
    fn check_values(&self) -> Result<(), Diagnostic> {
        self.check_theme()?;
        self.check_texts()?;
        self.check_urls()
    }

    /// The theme is a folder directly under `themes/`.
    fn check_theme(&self) -> Result<(), Diagnostic> {
        let theme = &self.theme;
        if theme.is_empty()
            || theme.starts_with('.')
            || theme.contains(['/', '\\', ':'])
            || theme.chars().any(char::is_control)
        {
            let (l, c) = self.key_position(&[Step::Key("theme")]);
            return Err(Diagnostic::at(
                CONFIG_FILE,
                &self.source,
                l,
                c,
                format!("theme `{}` is not a folder name", theme.escape_default()),
            )
            .with_hint("name a folder directly under themes/, e.g. `theme: default`"));
        }
        Ok(())
    }

    /// Texts that end up in every page and the feed hold no control characters.
    fn check_texts(&self) -> Result<(), Diagnostic> {
        let texts = [
            ("title", Some(&self.title)),
            ("description", self.description.as_ref()),
            ("author", self.author.as_ref()),
        ];
        for (key, text) in texts {
            if let Some(c) =
                text.and_then(|t| t.chars().find(|&c| crate::content::is_forbidden_control(c)))
            {
                let (l, c2) = self.key_position(&[Step::Key(key)]);
                return Err(Diagnostic::at(
                    CONFIG_FILE,
                    &self.source,
                    l,
                    c2,
                    format!("`{key}` holds the control character U+{:04X}", c as u32),
                )
                .with_hint("remove it; control characters cannot appear in HTML or XML"));
            }
        }
        Ok(())
    }

    /// Taxonomy paths must stay inside the site; menu links and the
    /// booking link may not run script (`javascript:` and the like).
    fn check_urls(&self) -> Result<(), Diagnostic> {
        for (i, t) in self.taxonomies.iter().enumerate() {
            if let TaxonomyConfig::Full(TaxonomyDef {
                name,
                path: Some(path),
                ..
            }) = t
                && let Err(e) = crate::output::OutputPath::from_url(path)
            {
                let (l, c) = self
                    .locate(&[Step::Key("taxonomies"), Step::Index(i), Step::Key("path")])
                    .map_or((1, 1), |at| at.value);
                return Err(Diagnostic::at(
                    CONFIG_FILE,
                    &self.source,
                    l,
                    c,
                    format!(
                        "the path `{}` of taxonomy `{name}` cannot be written: {e}",
                        path.escape_default()
                    ),
                )
                .with_hint(crate::output::PATH_HINT));
            }
        }
        for m in &self.menu {
            if let Some(scheme) = script_scheme(&m.url.value) {
                let (l, c) = yaml::position(&m.url);
                return Err(Diagnostic::at(
                    CONFIG_FILE,
                    &self.source,
                    l,
                    c,
                    format!(
                        "menu link `{}` uses `{scheme}`, which runs code or hides content",
                        m.url.value
                    ),
                )
                .with_hint(
                    "link to a page (`@/about.md`), a site path (`/about/`) or an https:// address",
                ));
            }
        }
        if let Some(url) = &self.contact.booking_url
            && let Some(scheme) = script_scheme(url)
        {
            let (l, c) = self.key_position(&[Step::Key("contact"), Step::Key("booking_url")]);
            return Err(Diagnostic::at(
                CONFIG_FILE,
                &self.source,
                l,
                c,
                format!("contact.booking_url uses `{scheme}`, which runs code or hides content"),
            )
            .with_hint("write the https:// address of the booking page"));
        }
        if let Some(topic) = &self.contact.booking_topic
            && (topic.is_empty()
                || !topic
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            let (l, c) = self.key_position(&[Step::Key("contact"), Step::Key("booking_topic")]);
            return Err(Diagnostic::at(
                CONFIG_FILE,
                &self.source,
                l,
                c,
                format!("contact.booking_topic `{topic}` is not a query parameter name"),
            )
            .with_hint("use letters, digits, `-` or `_`, e.g. `topic`"));
        }
        Ok(())
    }

    /// Where `path` is in `site.yaml` (see [`yaml::locate`]), for a value
    /// read without a span.
    fn locate(&self, path: &[Step]) -> Option<yaml::Located> {
        yaml::locate(&self.source, 1, path)
    }

    /// Line and column of the key `path` ends at, or of the file's start.
    fn key_position(&self, path: &[Step]) -> (usize, usize) {
        self.locate(path).map_or((1, 1), |at| at.key)
    }

    /// Where taxonomy `name` is named in `site.yaml`, for messages.
    pub fn taxonomy_position(&self, name: &str) -> (usize, usize) {
        let Some(i) = self.taxonomies.iter().position(|t| t.name() == name) else {
            return (1, 1);
        };
        let item = [Step::Key("taxonomies"), Step::Index(i)];
        self.locate(&[item[0], item[1], Step::Key("name")])
            .or_else(|| self.locate(&item))
            .map_or((1, 1), |at| at.value)
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

/// Checks a `base_url` (from `site.yaml` or `--base-url`): an absolute
/// http(s) URL with a host, and no character that would need escaping in
/// an HTML attribute. Returns it with a trailing slash.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let bad = |why: &str| {
        Err(format!(
            "base_url `{}` is not an absolute URL: {why}",
            url.escape_default()
        ))
    };
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return bad("it must start with https:// or http://");
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    {
        return bad("it needs a host name such as example.org");
    }
    if let Some(c) = path.chars().find(|c| {
        !(c.is_ascii_alphanumeric()
            || matches!(
                c,
                '/' | '-' | '.' | '_' | '~' | '%' | '+' | '@' | '!' | ',' | ';' | '=' | ':'
            ))
    }) {
        return bad(&format!(
            "`{}` is not allowed in its path",
            c.escape_default()
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// The scheme of a URL that runs code or smuggles content (`javascript:`,
/// `vbscript:`, `data:`), ignoring case, spaces and control characters as
/// browsers do; `None` for anything else.
pub fn script_scheme(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .into_iter()
        .find(|s| cleaned.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_point_at_the_key_the_parser_read() {
        let site = tempfile::tempdir().unwrap();
        let load = |yaml: &str| {
            std::fs::write(site.path().join(CONFIG_FILE), yaml).unwrap();
            Config::load(site.path())
        };
        // Earlier text names the keys: a text search would stop there.
        let head = "title: \"theme: booking_topic\"\nbase_url: https://example.org/\n";
        let err = load(&format!("{head}theme: ../x\n")).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1), "{err:?}");
        let err = load(&format!(
            "{head}contact:\n  email: a@b.org\n  booking_topic: \"a b\"\n"
        ))
        .unwrap_err();
        assert_eq!((err.line, err.column), (5, 3), "{err:?}");
        let err = load(&format!(
            "{head}taxonomies:\n  - tags\n  - name: topics\n    path: /../t/\n"
        ))
        .unwrap_err();
        assert_eq!((err.line, err.column), (6, 11), "{err:?}");
        let config = load(&format!("{head}taxonomies:\n  - tags\n  - name: topics\n")).unwrap();
        assert_eq!(config.taxonomy_position("tags"), (4, 5));
        assert_eq!(config.taxonomy_position("topics"), (5, 11));
        assert_eq!(config.taxonomy_position("nope"), (1, 1));
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("https://example.org").unwrap(),
            "https://example.org/"
        );
        assert!(check_base_url("http://127.0.0.1:1111/sub/").is_ok());
        assert!(check_base_url("http://[::1]:8080/").is_ok());
        for bad in [
            "example.org/x",
            "/sub/",
            "https://",
            "https://x/\"><script>",
            "ftp://x/",
            "https://x y/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn script_schemes() {
        assert_eq!(script_scheme("javascript:alert(1)"), Some("javascript:"));
        assert_eq!(script_scheme(" JavaScript\t:x"), Some("javascript:"));
        assert_eq!(script_scheme("DATA:text/html,x"), Some("data:"));
        assert_eq!(script_scheme("vbscript:x"), Some("vbscript:"));
        assert_eq!(script_scheme("https://x.org/"), None);
        assert_eq!(script_scheme("@/a.md"), None);
    }

    #[test]
    fn taxonomy_words_fall_back_to_what_the_author_wrote() {
        let def = |title: Option<&str>, label: Option<&str>, plural: Option<&str>| {
            TaxonomyConfig::Full(TaxonomyDef {
                name: "tags".into(),
                path: None,
                title: title.map(Into::into),
                label: label.map(Into::into),
                label_plural: plural.map(Into::into),
                term_pages: None,
                cards: false,
            })
        };
        let words = |t: TaxonomyConfig| {
            let (a, b, c) = t.labels();
            [a, b, c]
        };
        assert_eq!(
            words(TaxonomyConfig::Name("case_tags".into())),
            ["Case tags", "Case tags", "Case tags"]
        );
        assert_eq!(
            words(def(Some("Topics"), Some("Topic"), None)),
            ["Topics", "Topic", "Topics"]
        );
        assert_eq!(
            words(def(
                Some("By playbook"),
                Some("Playbook"),
                Some("Playbooks")
            )),
            ["By playbook", "Playbook", "Playbooks"]
        );
        assert_eq!(
            words(def(None, Some("Topic"), None)),
            ["Tags", "Topic", "Tags"]
        );
    }
}
