//! Splits a Markdown file into YAML front matter and body, and types the
//! front matter. Unknown keys are found by their line so the error points at
//! them, even though taxonomy keys are only known from `site.yaml`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::dates::Date;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::yaml::{self, Spanned};

/// Keys every page may use (besides the site's taxonomies).
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "aliases",
    "template",
    "summary",
    "extra",
    "image",
    "social_card",
];

/// Keys a section (`_index.md`) may use on top of the page keys.
pub const SECTION_KEYS: &[&str] = &["sort_by", "page_template"];

/// Front matter of a page or section, typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FrontMatter {
    /// Required for pages and sections.
    pub title: Option<String>,
    /// One sentence for lists and meta tags.
    pub description: Option<String>,
    /// `date` as written, kept for the position of its message; read
    /// [`FrontMatter::date`], which `parse` checks and fills.
    #[serde(rename = "date")]
    date_text: Option<Spanned<String>>,
    /// `updated` as written; read [`FrontMatter::updated`].
    #[serde(rename = "updated")]
    updated_text: Option<Spanned<String>>,
    /// Publication date, `YYYY-MM-DD` (or a full RFC 3339 time), typed at load.
    #[serde(skip)]
    pub date: Option<Date>,
    /// Last meaningful change, typed at load.
    #[serde(skip)]
    pub updated: Option<Date>,
    /// Position in its section when sorted by weight.
    pub weight: Option<i64>,
    /// Skipped unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the last URL segment.
    pub slug: Option<String>,
    /// Old site paths that redirect here.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Template to render this page with.
    pub template: Option<Spanned<String>>,
    /// Markdown summary shown in lists instead of the first paragraph.
    pub summary: Option<String>,
    /// Free data for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The page's social image (`og:image`) instead of a generated card: a
    /// file of its bundle, a site path under `static/`, or a full URL.
    pub image: Option<Spanned<String>>,
    /// Give this page (or, on a section, each of its pages) its own social
    /// card instead of its section's.
    pub social_card: Option<bool>,
    /// Sections: how their pages are ordered.
    pub sort_by: Option<Spanned<SortBy>>,
    /// Sections: default template of their pages.
    pub page_template: Option<Spanned<String>>,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Lightest first, then by title.
    #[default]
    Weight,
    /// Newest first, then by title.
    Date,
    /// Alphabetical.
    Title,
}

/// The file line where front matter starts: the one after the opening `---`.
const FIRST_LINE: usize = 2;

/// A parsed Markdown source: typed front matter, the taxonomy terms, the body.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Typed front matter; shared, so `serve`'s cache and the page hold one
    /// copy and a save clones no unchanged page's front matter.
    pub front: std::sync::Arc<FrontMatter>,
    /// Taxonomy name -> terms, for the taxonomies named in `site.yaml`.
    pub taxonomies: std::sync::Arc<BTreeMap<String, Vec<String>>>,
    /// Byte offset of the body in the file.
    pub body_start: usize,
    /// Number of lines before the body, to turn body lines into file lines.
    pub body_line_offset: usize,
}

/// Splits and types a Markdown file. `file` is for messages only.
pub fn parse(
    file: &Path,
    source: &str,
    is_section: bool,
    taxonomies: &[String],
) -> Result<Parsed, Vec<Diagnostic>> {
    let (yaml_src, body_start) = match split(source) {
        Split::Yaml(y, b) => (y, b),
        Split::None if is_section => {
            return Ok(Parsed {
                front: Default::default(),
                taxonomies: Default::default(),
                body_start: 0,
                body_line_offset: 0,
            });
        }
        other => return Err(vec![other.problem(file, source)]),
    };
    let first_line = FIRST_LINE;
    let mut errors = unknown_keys(file, source, yaml_src, is_section, taxonomies);
    let mut front: FrontMatter = match yaml::parse(file, source, yaml_src, first_line) {
        Ok(f) => f,
        Err(d) => {
            errors.push(d);
            return Err(errors);
        }
    };
    if front.title.is_none() && !is_section {
        errors.push(
            Diagnostic::at(file, source, 1, 1, "missing required key `title`")
                .with_hint("add a line `title: ...` to the front matter"),
        );
    }
    errors.extend(check_values(file, source, yaml_src, first_line, &mut front));
    let terms = taxonomy_terms(file, source, yaml_src, first_line, taxonomies, &mut errors)
        .map_err(|d| vec![d])?;
    errors.extend(terms_without_url(file, source, yaml_src, &terms));
    if !errors.is_empty() {
        return Err(errors);
    }
    let body_line_offset = source[..body_start].matches('\n').count();
    Ok(Parsed {
        front: front.into(),
        taxonomies: terms.into(),
        body_start,
        body_line_offset,
    })
}

/// The typed parse cannot hold the site's own taxonomy keys (they are only
/// known from `site.yaml`), so they need a reading of their own: taxonomy
/// name -> terms, pushing an error to `errors` for each value that is not a
/// list of names. `Err` when the YAML cannot be read at all; [`parse`]
/// reports that error alone.
fn taxonomy_terms(
    file: &Path,
    source: &str,
    yaml_src: &str,
    first_line: usize,
    taxonomies: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, Vec<String>>, Diagnostic> {
    let mut terms = BTreeMap::new();
    if taxonomies.is_empty() {
        return Ok(terms);
    }
    // YAML was a tenth of a large build, so only the taxonomies' lines are
    // read: `tags: [a, b]` directly, other shapes with the parser; anything
    // unusual takes a full second parse.
    let all: BTreeMap<String, serde_json::Value> = match taxonomy_lines(yaml_src, taxonomies)
        .and_then(|lines| {
            yaml::plain_flow_lists(&lines)
                .or_else(|| yaml::parse(file, source, &lines, first_line).ok())
        }) {
        Some(all) => all,
        None => yaml::parse(file, source, yaml_src, first_line)?,
    };
    for name in taxonomies {
        match all.get(name) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(items)) if items.iter().all(|v| v.is_string()) => {
                let list = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                terms.insert(name.clone(), list);
            }
            Some(_) => {
                let line = parsed_key_line(yaml_src, first_line, name).unwrap_or(0);
                errors.push(
                    Diagnostic::at(
                        file,
                        source,
                        line,
                        1,
                        format!("`{name}` must be a list of names"),
                    )
                    .with_hint(format!("write it like `{name}: [first, second]`")),
                );
            }
        }
    }
    Ok(terms)
}

/// Terms that slug to nothing (`..`, `/`, `""`) would all land on the
/// taxonomy's own page: an error at the taxonomy's key.
fn terms_without_url(
    file: &Path,
    source: &str,
    yaml_src: &str,
    terms: &BTreeMap<String, Vec<String>>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, list) in terms {
        if let Some(bad) = list.iter().find(|t| super::slugify(t).is_empty()) {
            let line = parsed_key_line(yaml_src, FIRST_LINE, name).unwrap_or(0);
            errors.push(
                Diagnostic::at(
                    file,
                    source,
                    line,
                    1,
                    format!(
                        "`{name}` term `{}` has no letters or digits to make a URL of",
                        bad.escape_default()
                    ),
                )
                .with_hint("name the term with words, e.g. `getting started`"),
            );
        }
    }
    errors
}

/// How a file starts.
enum Split<'a> {
    /// A `---` block: (YAML, offset of the body).
    Yaml(&'a str, usize),
    /// No front matter.
    None,
    /// A `+++` (TOML) block, which Waymark does not read.
    Toml,
    /// A `---` that is never closed.
    Unclosed,
}

impl Split<'_> {
    /// The error for a file whose front matter cannot be read.
    fn problem(&self, file: &Path, source: &str) -> Diagnostic {
        let (message, hint) = match self {
            Split::Toml => (
                "front matter in TOML (`+++`) is not supported",
                "write it in YAML between `---` lines:\n---\ntitle: My page\n---",
            ),
            Split::Unclosed => (
                "the front matter opened here is never closed",
                "end the YAML block with a line holding only `---`",
            ),
            _ => (
                "this page has no front matter",
                "start the file with a YAML block:\n---\ntitle: My page\n---",
            ),
        };
        Diagnostic::at(file, source, 1, 1, message).with_hint(hint)
    }
}

/// Finds the front matter, after a UTF-8 byte order mark if there is one
/// (Windows editors write it).
fn split(source: &str) -> Split<'_> {
    let start = source.strip_prefix('\u{feff}').unwrap_or(source);
    let Some(rest) = start
        .strip_prefix("---\n")
        .or_else(|| start.strip_prefix("---\r\n"))
    else {
        if start.starts_with("+++") {
            return Split::Toml;
        }
        return Split::None;
    };
    let open = source.len() - rest.len();
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Split::Yaml(&rest[..pos], open + pos + line.len());
        }
        pos += line.len();
    }
    Split::Unclosed
}

/// Parses `date` and `updated` once, into [`FrontMatter::date`] and
/// [`FrontMatter::updated`]; a bad one is an error at its value.
fn type_dates(
    file: &Path,
    source: &str,
    first_line: usize,
    front: &mut FrontMatter,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, text) in [("date", &front.date_text), ("updated", &front.updated_text)] {
        let Some(d) = text else { continue };
        match Date::parse(&d.value) {
            Ok(date) if name == "date" => front.date = Some(date),
            Ok(date) => front.updated = Some(date),
            Err(why) => {
                let (l, c) = yaml::position(d);
                errors.push(
                    Diagnostic::at(
                        file,
                        source,
                        l + first_line - 1,
                        c,
                        format!("`{name}` is not a date: `{}` ({why})", d.value.escape_default()),
                    )
                    .with_hint("write dates as YYYY-MM-DD, e.g. 2026-03-01, or with a time: 2026-03-01T09:30:00+01:00"),
                );
            }
        }
    }
    errors
}

/// Types the dates ([`type_dates`]) and finds values that would break a URL
/// or an XML file: control characters in text, aliases that leave the
/// site, slugs without a letter.
fn check_values(
    file: &Path,
    source: &str,
    yaml_src: &str,
    first_line: usize,
    front: &mut FrontMatter,
) -> Vec<Diagnostic> {
    let mut errors = type_dates(file, source, first_line, front);
    let at_key = |key: &str| parsed_key_line(yaml_src, first_line, key).unwrap_or(1);
    let texts = [
        ("title", front.title.as_deref()),
        ("description", front.description.as_deref()),
        ("summary", front.summary.as_deref()),
        ("slug", front.slug.as_deref()),
    ];
    for (key, text) in texts {
        if let Some(c) = text.and_then(|t| t.chars().find(|c| is_forbidden_control(*c))) {
            errors.push(
                Diagnostic::at(
                    file,
                    source,
                    at_key(key),
                    1,
                    format!("`{key}` holds the control character U+{:04X}", c as u32),
                )
                .with_hint("remove it; control characters cannot appear in HTML or XML"),
            );
        }
    }
    if let Some(slug) = &front.slug
        && super::slugify(slug).is_empty()
    {
        errors.push(
            Diagnostic::at(
                file,
                source,
                at_key("slug"),
                1,
                format!("`slug: {slug:?}` has no letters or digits to make a URL of"),
            )
            .with_hint(
                "write a word, e.g. `slug: getting-started`; the home page is `content/_index.md`",
            ),
        );
    }
    errors.extend(bad_aliases(file, source, first_line, front));
    errors
}

/// Aliases that would be written outside the output, at their value.
fn bad_aliases(
    file: &Path,
    source: &str,
    first_line: usize,
    front: &FrontMatter,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for alias in &front.aliases {
        if let Err(e) = crate::output::OutputPath::from_url(&super::normalize_alias(&alias.value)) {
            let (l, c) = yaml::position(alias);
            errors.push(
                Diagnostic::at(
                    file,
                    source,
                    l + first_line - 1,
                    c,
                    format!(
                        "alias `{}` cannot be written: {e}",
                        alias.value.escape_default()
                    ),
                )
                .with_hint(crate::output::PATH_HINT),
            );
        }
    }
    errors
}

/// Control characters other than tab, line feed and carriage return.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Top-level keys with their 1-based line in the YAML block.
fn top_level_keys(yaml_src: &str) -> impl Iterator<Item = (usize, &str)> {
    yaml_src
        .lines()
        .enumerate()
        .filter_map(|(i, line)| Some((i + 1, top_level_key(line)?)))
}

/// `key` of a line `key: ...` that starts at column 0 with a plain key.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let key = line.split(':').next()?.trim_end();
    (line.len() > key.len()).then_some(key)
}

/// The lines of the top-level `taxonomies` keys of a front-matter block (each
/// key with its indented continuation lines), or `None` when the block has
/// top-level lines that are not plain `key:` lines (quoted or complex keys,
/// flow mappings), which only a parse of the whole block reads correctly.
fn taxonomy_lines(yaml_src: &str, taxonomies: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut keep = false;
    for line in yaml_src.split_inclusive('\n') {
        let starts_block = match line.as_bytes().first() {
            None | Some(b' ' | b'\t' | b'\r' | b'\n') => false,
            Some(b'#') => {
                // A comment at column 0 belongs to no key.
                continue;
            }
            Some(_) => true,
        };
        if starts_block {
            let key = top_level_key(line.trim_end_matches(['\r', '\n']))?;
            keep = taxonomies.iter().any(|t| t == key);
        }
        if keep {
            out.push_str(line);
        }
    }
    Some(out)
}

/// The file line of the top-level `key` of a front-matter block that starts
/// at `first_line`, from the YAML parser's own spans (a line scan would
/// also match the key inside a nested mapping or a multi-line text). It
/// parses the block again, so it is only for messages.
fn parsed_key_line(yaml_src: &str, first_line: usize, key: &str) -> Option<usize> {
    yaml::locate(yaml_src, first_line, &[yaml::Step::Key(key)]).map(|at| at.key.0)
}

/// Where the top-level front-matter `key` of a Markdown file is written, as
/// (line, column) in the file, for a message about a value the typed
/// [`FrontMatter`] keeps no span for (`check`'s duplicate titles, missing
/// descriptions, orphan pages). `None` when the file has no front matter
/// or no such key. Parses the front matter again: for messages only.
pub fn key_position(source: &str, key: &str) -> Option<(usize, usize)> {
    let Split::Yaml(yaml_src, _) = split(source) else {
        return None;
    };
    yaml::locate(yaml_src, FIRST_LINE, &[yaml::Step::Key(key)]).map(|at| at.key)
}

fn unknown_keys(
    file: &Path,
    source: &str,
    yaml_src: &str,
    is_section: bool,
    taxonomies: &[String],
) -> Vec<Diagnostic> {
    let allowed: Vec<&str> = PAGE_KEYS
        .iter()
        .copied()
        .chain(if is_section { SECTION_KEYS } else { &[] }.iter().copied())
        .chain(taxonomies.iter().map(String::as_str))
        .collect();
    top_level_keys(yaml_src)
        .filter(|(_, key)| !allowed.contains(key))
        .map(|(line, key)| {
            let hint = did_you_mean(key, allowed.iter().copied()).unwrap_or_else(|| {
                if !is_section && SECTION_KEYS.contains(&key) {
                    format!("`{key}` only applies to sections (`_index.md`)")
                } else {
                    format!(
                        "allowed keys: {}; taxonomies must be listed under `taxonomies` in site.yaml; free data goes under `extra`",
                        allowed.join(", ")
                    )
                }
            });
            Diagnostic::at(file, source, line + 1, 1, format!("unknown key `{key}`")).with_hint(hint)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Result<Parsed, Vec<Diagnostic>> {
        parse(Path::new("a.md"), src, false, &["tags".into()])
    }

    #[test]
    fn splits_and_types() {
        let src = "---\ntitle: Hi\ntags: [a, b]\nweight: 2\n---\nBody\n";
        let parsed = p(src).unwrap();
        assert_eq!(parsed.front.title.as_deref(), Some("Hi"));
        assert_eq!(parsed.taxonomies["tags"], vec!["a", "b"]);
        assert_eq!(&src[parsed.body_start..], "Body\n");
        assert_eq!(parsed.body_line_offset, 5);
    }

    #[test]
    fn taxonomy_keys_in_every_yaml_form() {
        let src = "---\ntitle: Hi\n# note\ntags:\n  - a\n  - \"b: c\"\nweight: 2\n---\nBody\n";
        assert_eq!(p(src).unwrap().taxonomies["tags"], vec!["a", "b: c"]);
        assert_eq!(
            taxonomy_lines("title: x\ntags:\n  - a\nweight: 1\n", &["tags".into()]).as_deref(),
            Some("tags:\n  - a\n")
        );
        // Quoted keys and anchors defined elsewhere need the whole block.
        assert_eq!(taxonomy_lines("\"tags\": [a]\n", &["tags".into()]), None);
        let src = "---\ntitle: Hi\nextra: {x: &t [a, b]}\ntags: *t\n---\n";
        assert_eq!(p(src).unwrap().taxonomies["tags"], vec!["a", "b"]);
        let src = "---\ntitle: Hi\ntags: [a, 2]\n---\n";
        assert!(
            p(src).unwrap_err()[0]
                .message
                .contains("must be a list of names")
        );
    }

    #[test]
    fn key_positions_come_from_the_front_matter_only() {
        let src = "---\ntitle: A\ndescription: \"\"\n---\ndescription: body\n";
        assert_eq!(key_position(src, "title"), Some((2, 1)));
        assert_eq!(key_position(src, "description"), Some((3, 1)));
        assert_eq!(key_position(src, "weight"), None);
        // No front matter: a `key:` line of the body is not a key.
        assert_eq!(key_position("description: body\n", "description"), None);
    }

    #[test]
    fn key_positions_ignore_nested_keys_and_find_quoted_ones() {
        // A line scan took line 4 for `description`, which is inside `extra`.
        let src = "---\ntitle: A\nextra: {a: 1,\ndescription: x}\n---\n";
        assert_eq!(key_position(src, "description"), None);
        assert_eq!(key_position(src, "extra"), Some((3, 1)));
        let src = "---\ntitle: A\nsummary: |\n  description: x\n---\n";
        assert_eq!(key_position(src, "description"), None);
        // A line scan missed a quoted key (and placed its error on line 0).
        let errs = p("---\ntitle: Hi\n\"tags\": [a, 2]\n---\n").unwrap_err();
        assert!(errs[0].message.contains("must be a list of names"));
        assert_eq!(errs[0].line, 3);
    }

    #[test]
    fn unknown_key_is_located_with_hint() {
        let errs = p("---\ntitle: Hi\ntitel: x\n---\n").unwrap_err();
        assert_eq!(errs[0].line, 3);
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn bad_dates_and_missing_title() {
        let errs = p("---\ndate: 2026-13-01\n---\n").unwrap_err();
        assert!(
            errs.iter()
                .any(|d| d.message.contains("not a date") && d.line == 2)
        );
        assert!(
            errs.iter()
                .any(|d| d.message.contains("missing required key `title`"))
        );
        let errs = p("---\ntitle: Hi\ndate: 2024-02-30\n---\n").unwrap_err();
        assert!(
            errs[0].message.contains("not a date"),
            "{}",
            errs[0].message
        );
    }
}
