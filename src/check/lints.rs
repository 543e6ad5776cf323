//! Warnings about the content itself, each at file:line: images without alt
//! text, headings that skip a level, duplicate titles, missing or empty
//! descriptions, and contact details still pointing at a placeholder domain.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Finding, Kind};
use crate::assessment::Assessment;
use crate::content::{Document, Library};
use crate::diagnostics::Diagnostic;
use crate::markdown::scan::{Dialect, Mark, scan};

/// A warning at a byte offset of a page or section body.
fn warning_at(text: &Document, offset: usize, message: String) -> Diagnostic {
    Diagnostic::at_offset(&text.file, &text.source, text.body_start + offset, message).warning()
}

/// The Markdown texts to lint: every page, then every section that has a file.
fn texts(lib: &Library) -> impl Iterator<Item = &Document> {
    let sections = lib.sections.iter().map(|s| &s.doc);
    let sections = sections.filter(|d| !d.source.is_empty());
    lib.pages.iter().map(|p| &p.doc).chain(sections)
}

/// Markdown images with empty alt text, and headings that skip a level
/// (the page title is the `h1`, so the body starts at `h2`).
pub fn markdown(lib: &Library) -> Vec<Finding> {
    let mut out = Vec::new();
    for text in texts(lib) {
        for at in crate::markdown::shortcodes::figures_without_alt(text.body()) {
            out.push(Finding::new(
                Kind::ImageAlt,
                warning_at(text, at, "image without alt text".into()).with_hint(
                    "add alt=\"what the image shows\" to the figure, or alt=\"\" when it is purely decorative",
                ),
            ));
        }
        body_events(text, &mut out);
    }
    out
}

/// The heading level last seen in one text: Markdown and HTML headings
/// share it, so a skip is caught whichever way either heading is written.
struct Headings<'a> {
    text: &'a Document,
    level: u8,
}

impl Headings<'_> {
    /// Notes a heading of level `found` at `offset`, warning if it skips one.
    fn see(&mut self, found: u8, offset: usize, out: &mut Vec<Finding>) {
        let level = self.level;
        if found > level + 1 {
            out.push(Finding::new(
                Kind::HeadingSkip,
                warning_at(
                    self.text,
                    offset,
                    format!("heading level skips from h{level} to h{found}"),
                )
                .with_hint(format!(
                    "use h{} here (`{}`), or add the missing level above; screen reader users navigate by heading level",
                    level + 1,
                    "#".repeat(usize::from(level) + 1)
                )),
            ));
        }
        self.level = found;
    }
}

/// One pass over a text's Markdown events, so image alt text, heading
/// levels and script URLs are all checked without parsing the body twice.
fn body_events(text: &Document, out: &mut Vec<Finding>) {
    let mut headings = Headings { text, level: 1 };
    let mut image: Option<(usize, String)> = None;
    for (offset, mark) in scan(text.body(), Dialect::Site) {
        match mark {
            Mark::Heading(l) => headings.see(l, offset, out),
            Mark::Html(h) => html_tags(&h, offset, &mut headings, out),
            Mark::Link(dest) => out.extend(script_url(&dest, offset, text)),
            Mark::Image(dest) => {
                out.extend(script_url(&dest, offset, text));
                image = Some((offset, String::new()));
            }
            Mark::Text(t) => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
            }
            Mark::ImageEnd => {
                if let Some((offset, alt)) = image.take()
                    && alt.trim().is_empty()
                {
                    out.push(Finding::new(
                        Kind::ImageAlt,
                        warning_at(text, offset, "image without alt text".into()).with_hint(
                            "describe the image in the brackets: `![A chart of ...](file.png)`; for a purely decorative image use raw HTML with `alt=\"\"`",
                        ),
                    ));
                }
            }
        }
    }
}

/// Raw HTML in Markdown can hold `<img>` and `<h1>`..`<h6>` too; they
/// need the same checks as their Markdown forms. `start` is the offset of
/// the HTML in the body.
fn html_tags(html: &str, start: usize, headings: &mut Headings, out: &mut Vec<Finding>) {
    for t in crate::html::tags(html) {
        if t.name == "img" && t.attr("alt").is_none() {
            out.push(Finding::new(
                Kind::ImageAlt,
                warning_at(
                    headings.text,
                    start + t.offset,
                    "image without alt text".into(),
                )
                .with_hint(
                    "add alt=\"what the image shows\", or alt=\"\" when it is purely decorative",
                ),
            ));
        }
        if let Some(l) = t
            .name
            .strip_prefix('h')
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|l| (1..=6).contains(l))
        {
            headings.see(l, start + t.offset, out);
        }
    }
}

/// A warning for a `javascript:`, `vbscript:` or `data:` link or image:
/// page Markdown is trusted, but such links are almost always a mistake
/// or pasted from somewhere they should not be.
fn script_url(dest_url: &str, offset: usize, text: &Document) -> Option<Finding> {
    let scheme = crate::config::script_scheme(dest_url)?;
    Some(Finding::new(
        Kind::ScriptUrl,
        warning_at(text, offset, format!("link to a `{scheme}` URL")).with_hint(
            "such links run code or hide content; link to a page or an https:// address",
        ),
    ))
}

/// A titled thing of the site: a page, a section or an assessment.
struct Titled {
    file: PathBuf,
    source: std::sync::Arc<str>,
    title: String,
    description: Option<String>,
    /// Home may leave its description to `site.yaml`.
    needs_description: bool,
    /// Where a top-level key of `source` is, (line, column): in the front
    /// matter of a page or section, anywhere in an assessment file.
    key_at: fn(&str, &str) -> Option<(usize, usize)>,
}

/// Where a top-level key of an assessment file is, (line, column).
fn assessment_key(source: &str, key: &str) -> Option<(usize, usize)> {
    crate::yaml::locate(source, 1, &[crate::yaml::Step::Key(key)]).map(|at| at.key)
}

impl Titled {
    fn at_key(&self, key: &str, message: String) -> Diagnostic {
        let (line, col) = (self.key_at)(&self.source, key)
            .or_else(|| (self.key_at)(&self.source, "title"))
            .unwrap_or((1, 1));
        Diagnostic::at(&self.file, &self.source, line, col, message).warning()
    }
}

fn titled(lib: &Library, assessments: &[Assessment], site_has_description: bool) -> Vec<Titled> {
    let mut all = Vec::new();
    // Sections first, so index 0 is the home page.
    for (i, d) in lib.documents().enumerate() {
        if d.source.is_empty() {
            continue; // a folder without `_index.md`
        }
        all.push(Titled {
            file: d.file.clone(),
            source: d.source.clone(),
            title: d.front.title.clone().unwrap_or_default(),
            description: d.front.description.clone(),
            needs_description: i != 0 || !site_has_description,
            key_at: crate::content::key_position,
        });
    }
    for a in assessments {
        all.push(Titled {
            file: a.file.clone(),
            source: a.source.clone(),
            title: a.spec.title.value.clone(),
            description: a.spec.description.clone(),
            needs_description: true,
            key_at: assessment_key,
        });
    }
    all
}

/// Titles used twice, and missing or empty descriptions.
pub fn metadata(
    lib: &Library,
    assessments: &[Assessment],
    site_has_description: bool,
) -> Vec<Finding> {
    let all = titled(lib, assessments, site_has_description);
    let mut out = Vec::new();
    let mut by_title: BTreeMap<String, Vec<&Titled>> = BTreeMap::new();
    for t in &all {
        let key = crate::html::collapse(&t.title).to_lowercase();
        if !key.is_empty() {
            by_title.entry(key).or_default().push(t);
        }
    }
    for same in by_title.values().filter(|v| v.len() > 1) {
        for t in same {
            let others: Vec<String> = same
                .iter()
                .filter(|o| o.file != t.file)
                .map(|o| o.file.display().to_string())
                .collect();
            out.push(Finding::new(
                Kind::DuplicateTitle,
                t.at_key("title", format!("the title `{}` is used more than once", t.title))
                    .with_hint(format!(
                        "also used by {}; distinct titles tell pages apart in search results, tabs and bookmarks",
                        others.join(", ")
                    )),
            ));
        }
    }
    for t in all.iter().filter(|t| t.needs_description) {
        let message = match t.description.as_deref().map(str::trim) {
            None => "no description".to_string(),
            Some("") => "empty description".to_string(),
            Some(_) => continue,
        };
        out.push(Finding::new(
            Kind::Description,
            t.at_key("description", message).with_hint(
                "add `description:` with one sentence; it is shown in lists, search results and link previews",
            ),
        ));
    }
    out
}

/// Domains reserved for documentation (RFC 2606 and RFC 6761): contact
/// details on them are the starter's placeholders, not a real address.
const PLACEHOLDER_DOMAINS: &[&str] = &["example.org", "example.com", "example.net"];
const PLACEHOLDER_TLDS: &[&str] = &[".example", ".test", ".invalid", ".localhost"];

/// The host of an email address or URL, lowercased: `a@b.org` -> `b.org`,
/// `https://b.org:8080/x` -> `b.org`.
fn host_of(value: &str) -> String {
    let v = value.trim();
    let v = v.strip_prefix("mailto:").unwrap_or(v);
    let rest = match v.split_once("://") {
        Some((_, rest)) => rest,
        None => v.rsplit_once('@').map_or(v, |(_, host)| host),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// True for a host on a placeholder domain (or one of its subdomains).
fn is_placeholder(host: &str) -> bool {
    PLACEHOLDER_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || PLACEHOLDER_TLDS
            .iter()
            .any(|t| host == &t[1..] || host.ends_with(t))
}

/// Contact details in `site.yaml` that still point at a placeholder domain
/// such as `example.org`: every call to action would send visitors nowhere.
/// A warning, so `check --strict` stops a site from being published with
/// the starter's addresses.
pub fn contact(config: &crate::config::Config) -> Vec<Finding> {
    let fields = [
        ("email", config.contact.email.as_deref()),
        ("booking_url", config.contact.booking_url.as_deref()),
    ];
    let source = config.source.as_str();
    let mut out = Vec::new();
    for (key, value) in fields {
        let Some(value) = value.filter(|v| is_placeholder(&host_of(v))) else {
            continue;
        };
        // Point at the value as written; fall back to the key, then the top.
        let offset = source
            .find(value)
            .or_else(|| source.find(&format!("{key}:")))
            .unwrap_or(0);
        out.push(Finding::new(
            Kind::PlaceholderContact,
            Diagnostic::at_offset(
                crate::config::CONFIG_FILE,
                source,
                offset,
                format!(
                    "contact `{key}` still points at the placeholder domain {}",
                    host_of(value)
                ),
            )
            .warning()
            .with_hint(
                "replace it with your own address in site.yaml under `contact:`; every call to action on the site uses it",
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessment_keys_are_top_level_only() {
        let yaml = "title: Quiz\nquestions:\n  - description: x\n";
        assert_eq!(assessment_key(yaml, "title"), Some((1, 1)));
        assert_eq!(assessment_key(yaml, "description"), None);
        let yaml = "title: Quiz\nextra: {a: 1,\ndescription: x}\n";
        assert_eq!(assessment_key(yaml, "description"), None);
    }

    #[test]
    fn placeholder_hosts_are_recognized_in_emails_and_urls() {
        assert_eq!(host_of("hello@Example.ORG"), "example.org");
        assert_eq!(host_of("mailto:a@b.example.com"), "b.example.com");
        assert_eq!(host_of("https://example.org/book"), "example.org");
        assert_eq!(host_of("https://user@cal.test:8080/x?y"), "cal.test");
        for host in [
            "example.org",
            "book.example.net",
            "site.example",
            "a.invalid",
        ] {
            assert!(is_placeholder(host), "{host}");
        }
        for host in ["waymark.example.co", "myexample.org", "calendly.com", ""] {
            assert!(!is_placeholder(host), "{host}");
        }
    }
}
