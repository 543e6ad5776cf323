//! Warnings about the content itself, each at file:line: images without alt
//! text, headings that skip a level, duplicate titles, missing or empty
//! descriptions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::{Finding, Kind};
use crate::content::Library;
use crate::diagnostics::Diagnostic;

/// One Markdown text to lint: a page or section body.
struct Text<'a> {
    file: &'a Path,
    source: &'a str,
    body_start: usize,
}

impl Text<'_> {
    fn body(&self) -> &str {
        &self.source[self.body_start..]
    }
    fn at(&self, offset: usize, message: String) -> Diagnostic {
        Diagnostic::at_offset(self.file, self.source, self.body_start + offset, message).warning()
    }
}

fn texts(lib: &Library) -> impl Iterator<Item = Text<'_>> {
    let pages = lib.pages.iter().map(|p| Text {
        file: &p.file,
        source: &p.source,
        body_start: p.body_start,
    });
    let sections = lib
        .sections
        .iter()
        .filter(|s| !s.source.is_empty())
        .map(|s| Text {
            file: &s.file,
            source: &s.source,
            body_start: s.body_start,
        });
    pages.chain(sections)
}

/// Markdown images with empty alt text, and headings that skip a level
/// (the page title is the `h1`, so the body starts at `h2`).
pub fn markdown(lib: &Library) -> Vec<Finding> {
    let mut out = Vec::new();
    for text in texts(lib) {
        let mut level = 1u8;
        let mut image: Option<(usize, String)> = None;
        let mut heading = |found: u8, offset: usize, out: &mut Vec<Finding>| {
            if found > level + 1 {
                out.push(Finding::new(
                    Kind::HeadingSkip,
                    text.at(
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
            level = found;
        };
        for (event, range) in
            Parser::new_ext(text.body(), crate::markdown::options()).into_offset_iter()
        {
            out.extend(script_url(&event, range.start, &text));
            match event {
                Event::Start(Tag::Heading { level: l, .. }) => {
                    heading(l as u8, range.start, &mut out);
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    for t in crate::html::tags(&h) {
                        if t.name == "img" && t.attr("alt").is_none() {
                            out.push(Finding::new(
                                Kind::ImageAlt,
                                text.at(range.start + t.offset, "image without alt text".into())
                                    .with_hint("add alt=\"what the image shows\", or alt=\"\" when it is purely decorative"),
                            ));
                        }
                        if let Some(l) = t
                            .name
                            .strip_prefix('h')
                            .and_then(|n| n.parse::<u8>().ok())
                            .filter(|l| (1..=6).contains(l))
                        {
                            heading(l, range.start + t.offset, &mut out);
                        }
                    }
                }
                Event::Start(Tag::Image { .. }) => image = Some((range.start, String::new())),
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, alt)) = image.as_mut() {
                        alt.push_str(&t);
                    }
                }
                Event::End(TagEnd::Image) => {
                    if let Some((offset, alt)) = image.take()
                        && alt.trim().is_empty()
                    {
                        out.push(Finding::new(
                            Kind::ImageAlt,
                            text.at(offset, "image without alt text".into()).with_hint(
                                "describe the image in the brackets: `![A chart of ...](file.png)`; for a purely decorative image use raw HTML with `alt=\"\"`",
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A warning for a `javascript:`, `vbscript:` or `data:` link or image:
/// page Markdown is trusted, but such links are almost always a mistake
/// or pasted from somewhere they should not be.
fn script_url(event: &Event, offset: usize, text: &Text) -> Option<Finding> {
    let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
        event
    else {
        return None;
    };
    let scheme = crate::config::script_scheme(dest_url)?;
    Some(Finding::new(
        Kind::ScriptUrl,
        text.at(offset, format!("link to a `{scheme}` URL"))
            .with_hint(
                "such links run code or hide content; link to a page or an https:// address",
            ),
    ))
}

/// 1-based line of a top-level `key:` in a YAML text (front matter or an
/// assessment file), if present.
pub fn key_line(source: &str, key: &str) -> Option<usize> {
    let mut in_front = false;
    for (i, line) in source.lines().enumerate() {
        if line.trim_end() == "---" {
            if in_front || i > 0 {
                return None;
            }
            in_front = true;
            continue;
        }
        if line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
        {
            return Some(i + 1);
        }
    }
    None
}

/// A titled thing of the site: a page, a section or an assessment.
struct Titled {
    file: PathBuf,
    source: std::sync::Arc<str>,
    title: String,
    description: Option<String>,
    /// Home may leave its description to `site.yaml`.
    needs_description: bool,
}

impl Titled {
    fn at_key(&self, key: &str, message: String) -> Diagnostic {
        let line = key_line(&self.source, key)
            .or_else(|| key_line(&self.source, "title"))
            .unwrap_or(1);
        let col = self
            .source
            .lines()
            .nth(line - 1)
            .map_or(1, |l| l.len() - l.trim_start().len() + 1);
        Diagnostic::at(&self.file, &self.source, line, col, message).warning()
    }
}

#[derive(Deserialize)]
struct AssessmentHead {
    title: Option<String>,
    description: Option<String>,
}

fn titled(lib: &Library, site_has_description: bool) -> Vec<Titled> {
    let mut all = Vec::new();
    for (i, s) in lib.sections.iter().enumerate() {
        if s.source.is_empty() {
            continue; // a folder without `_index.md`
        }
        all.push(Titled {
            file: s.file.clone(),
            source: s.source.clone(),
            title: s.front.title.clone().unwrap_or_default(),
            description: s.front.description.clone(),
            needs_description: i != 0 || !site_has_description,
        });
    }
    for p in &lib.pages {
        all.push(Titled {
            file: p.file.clone(),
            source: p.source.clone(),
            title: p.title().to_string(),
            description: p.front.description.clone(),
            needs_description: true,
        });
    }
    for a in &lib.assessment_files {
        let Ok(source) = std::fs::read_to_string(&a.path) else {
            continue;
        };
        let Ok(head) = crate::yaml::parse_lenient::<AssessmentHead>(&a.file, &source) else {
            continue; // the assessment stage reports it
        };
        all.push(Titled {
            file: a.file.clone(),
            source: source.into(),
            title: head.title.unwrap_or_default(),
            description: head.description,
            needs_description: true,
        });
    }
    all
}

/// Titles used twice, and missing or empty descriptions.
pub fn metadata(lib: &Library, site_has_description: bool) -> Vec<Finding> {
    let all = titled(lib, site_has_description);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_are_found_in_front_matter_only() {
        let src = "---\ntitle: A\ndescription: \"\"\n---\ndescription: body\n";
        assert_eq!(key_line(src, "title"), Some(2));
        assert_eq!(key_line(src, "description"), Some(3));
        assert_eq!(key_line(src, "weight"), None);
        let yaml = "title: Quiz\nquestions:\n  - description: x\n";
        assert_eq!(key_line(yaml, "title"), Some(1));
        assert_eq!(key_line(yaml, "description"), None);
    }
}
