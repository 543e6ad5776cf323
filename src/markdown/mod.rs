//! Markdown -> HTML with pulldown-cmark: the extensions of the spec, heading
//! ids and a table of contents, `@/` links resolved to site paths, ```assessment
//! blocks turned into embed markers, summary, word count and reading time.
//!
//! Rendering is a pure function of the text and a link resolver, so pages
//! render in parallel and a page re-renders alone when only it changed.

pub mod scan;
pub mod shortcodes;
pub mod stage;
mod toc;

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use toc::TocEntry;

/// Words read per minute, for `reading_time`.
const WORDS_PER_MINUTE: usize = 200;

/// Marker left where an ```` ```assessment ```` block was; the render stage
/// swaps in the assessment.
pub const ASSESSMENT_MARKER: &str = "<!--waymark:assessment:";

/// What the Markdown of one page produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// HTML summary: text before `<!-- more -->`, else the first paragraph.
    pub summary: String,
    /// Nested headings.
    pub toc: Vec<TocEntry>,
    /// Every `id` a link may target (headings and footnotes).
    pub anchors: HashSet<String>,
    /// Words in the text (code included).
    pub word_count: usize,
    /// Minutes, at least 1.
    pub reading_time: usize,
    /// `@/` links with an anchor, checked once every page is rendered.
    pub anchor_links: Vec<AnchorLink>,
    /// Ids of assessments embedded with ```` ```assessment ````.
    pub assessments: Vec<String>,
    /// Content paths (`a/b.md`) this text links to, for incremental rebuilds.
    pub links_to: Vec<String>,
    /// Whether the HTML or summary has an `<img` for the image stage to
    /// check: found once here, where `serve` keeps the output, instead of
    /// searching every page's HTML on every load.
    pub has_images: bool,
}

/// An `@/path.md#anchor` link whose anchor must exist on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    /// Content path of the target (`a/b.md`).
    pub target: String,
    /// The anchor without `#`.
    pub anchor: String,
    /// Byte offset of the link in the Markdown text.
    pub offset: usize,
}

/// A problem found while rendering, at a byte offset of the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Offset in the text given to [`render`].
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// How to treat the text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mode {
    /// Escape raw HTML instead of passing it through (assessment text is data).
    pub escape_html: bool,
}

/// Serialisable view of a heading for templates.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// 1..6.
    pub level: u8,
    /// The `id` attribute.
    pub id: String,
    /// Plain text.
    pub title: String,
}

/// The parser options of every Markdown text (shared with [`scan`], whose
/// `check` callers must read the text exactly as it renders).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `text`; `resolve` maps a content path (`a/b.md`) to its site path.
pub fn render(
    text: &str,
    mode: Mode,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> (Rendered, Vec<Problem>) {
    let mut state = State {
        text,
        mode,
        resolve,
        out: Rendered::default(),
        problems: Vec::new(),
        events: Vec::new(),
        headings: Vec::new(),
        used_ids: UniqueIds::default(),
        heading_start: None,
        in_assessment: None,
        first_para: None,
        para_start: None,
        depth: 0,
    };
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        state.push(event, range);
    }
    state.finish()
}

/// One text being rendered: the events kept so far and what they told.
struct State<'t, 'r> {
    text: &'t str,
    mode: Mode,
    resolve: &'r dyn Fn(&str) -> Option<String>,
    out: Rendered,
    problems: Vec<Problem>,
    events: Vec<Event<'t>>,
    headings: Vec<Heading>,
    used_ids: UniqueIds,
    /// Index in `events` of the open heading's start.
    heading_start: Option<usize>,
    /// Inside an ```` ```assessment ```` block: its offset and body so far.
    in_assessment: Option<(usize, String)>,
    /// `events` range of the first top-level paragraph (the default summary).
    first_para: Option<(usize, usize)>,
    para_start: Option<usize>,
    /// Nesting depth of the open tags.
    depth: usize,
}

impl<'t> State<'t, '_> {
    /// Takes one parser event: counts its words, rewrites it, keeps it.
    fn push(&mut self, event: Event<'t>, range: std::ops::Range<usize>) {
        if self.in_assessment.is_some() {
            self.assessment_body(event);
            return;
        }
        if let Event::Text(t) | Event::Code(t) = &event {
            self.out.word_count += count_words(t);
        }
        let Some(event) = self.rewrite(event, range) else {
            return;
        };
        match &event {
            Event::Start(Tag::Paragraph) if self.depth == 0 && self.first_para.is_none() => {
                self.para_start = Some(self.events.len())
            }
            Event::End(TagEnd::Paragraph) if self.depth == 1 => {
                if let Some(s) = self.para_start.take() {
                    self.first_para = Some((s, self.events.len() + 1));
                }
            }
            _ => {}
        }
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.events.push(event);
    }

    /// The event as it goes into the HTML, or `None` when it is dropped.
    fn rewrite(&mut self, event: Event<'t>, range: std::ops::Range<usize>) -> Option<Event<'t>> {
        Some(match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref lang)))
                if lang.as_ref() == "assessment" =>
            {
                self.in_assessment = Some((range.start, String::new()));
                return None;
            }
            Event::Start(Tag::Heading { .. }) => {
                self.heading_start = Some(self.events.len());
                event
            }
            Event::End(TagEnd::Heading(level)) => {
                self.close_heading(level as u8);
                event
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // Point at the URL, not the link text, when it is written inline.
                let at = self.text[range.clone()]
                    .rfind(dest_url.as_ref())
                    .map_or(range.start, |i| range.start + i);
                let dest_url = self.rewrite_link(&dest_url, at).into();
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.rewrite_link(&dest_url, range.start).into();
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                self.out.anchors.insert(name.to_string());
                event
            }
            Event::Html(h) | Event::InlineHtml(h) if self.mode.escape_html => Event::Text(h),
            Event::TaskListMarker(done) => task_checkbox(done),
            Event::Html(ref h) if h.contains("<!-- more -->") => {
                self.out.summary =
                    render_plain_html(&self.text[..range.start], self.mode, self.resolve);
                event
            }
            other => other,
        })
    }

    /// Inside an ```` ```assessment ```` block: collects the id, and at the
    /// block's end leaves the embed marker in its place.
    fn assessment_body(&mut self, event: Event<'t>) {
        match event {
            Event::Text(t) => {
                if let Some((_, body)) = self.in_assessment.as_mut() {
                    body.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let (offset, body) = self.in_assessment.take().unwrap_or_default();
                let id = body.trim().to_string();
                if !crate::content::is_safe_id(&id) {
                    self.problems.push(Problem {
                        offset,
                        message: "an ```assessment block must hold one assessment id".into(),
                        hint: "write the file name of content/assessments/ID.yaml without .yaml (lowercase letters, digits and `-`)".into(),
                    });
                }
                self.events
                    .push(Event::Html(format!("{ASSESSMENT_MARKER}{id}-->\n").into()));
                self.out.assessments.push(id);
            }
            _ => {}
        }
    }

    /// At a heading's end: gives it a unique id (its own `{#id}` or the slug
    /// of its text) and records it for the table of contents.
    fn close_heading(&mut self, level: u8) {
        let Some(start) = self.heading_start.take() else {
            return;
        };
        let title = plain_text(&self.events[start + 1..]);
        if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[start] {
            let base = id
                .as_ref()
                .map_or_else(|| crate::content::slugify(&title), |s| s.to_string());
            let base = if base.is_empty() {
                "section".to_string()
            } else {
                base
            };
            let unique = self.used_ids.make(&base);
            *id = Some(CowStr::from(unique.clone()));
            self.headings.push(Heading {
                level,
                id: unique,
                title,
            });
        }
    }

    fn rewrite_link(&mut self, dest: &str, offset: usize) -> String {
        rewrite_link(
            dest,
            offset,
            self.resolve,
            &mut self.out,
            &mut self.problems,
        )
    }

    /// The HTML, summary, toc and counts.
    fn finish(self) -> (Rendered, Vec<Problem>) {
        let State {
            text,
            mut out,
            events,
            headings,
            first_para,
            problems,
            ..
        } = self;
        if out.summary.is_empty()
            && let Some((s, e)) = first_para
        {
            pulldown_cmark::html::push_html(&mut out.summary, events[s..e].iter().cloned());
        }
        out.html.reserve(text.len() + text.len() / 4);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
        // Every page's HTML is kept until the build ends; without this, spare
        // capacity from the last doubling was a third of the memory of a large build.
        out.html.shrink_to_fit();
        out.anchors.extend(headings.iter().map(|h| h.id.clone()));
        out.toc = toc::build(&headings);
        out.reading_time = out.word_count.div_ceil(WORDS_PER_MINUTE).max(1);
        (out, problems)
    }
}

/// pulldown-cmark's task checkboxes have no accessible name; give them one.
fn task_checkbox(done: bool) -> Event<'static> {
    Event::InlineHtml(
        if done {
            r#"<input type="checkbox" disabled checked aria-label="Done"> "#
        } else {
            r#"<input type="checkbox" disabled aria-label="Not done"> "#
        }
        .into(),
    )
}

/// Renders a short Markdown text (a summary, an assessment's help) to HTML.
pub fn render_plain_html(
    text: &str,
    mode: Mode,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    render(text, mode, resolve).0.html
}

fn rewrite_link(
    dest: &str,
    offset: usize,
    resolve: &dyn Fn(&str) -> Option<String>,
    out: &mut Rendered,
    problems: &mut Vec<Problem>,
) -> String {
    let Some(rest) = dest.strip_prefix("@/") else {
        return dest.to_string();
    };
    let (target, anchor) = match rest.split_once('#') {
        Some((t, a)) => (t, Some(a)),
        None => (rest, None),
    };
    out.links_to.push(target.to_string());
    match resolve(target) {
        Some(path) => {
            if let Some(a) = anchor {
                out.anchor_links.push(AnchorLink {
                    target: target.to_string(),
                    anchor: a.to_string(),
                    offset,
                });
                format!("{path}#{a}")
            } else {
                path
            }
        }
        None => {
            problems.push(Problem {
                offset,
                message: format!("broken internal link: `@/{rest}` does not exist"),
                hint: "the path is relative to content/ and names the file, e.g. `@/guides/first-guide.md` or `@/guides/_index.md`".into(),
            });
            String::new()
        }
    }
}

/// `text.split_whitespace().count()`, with a byte loop for ASCII text: the
/// Unicode-aware iterator was a fifth of the Markdown stage.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // The ASCII characters `char::is_whitespace` accepts.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut words = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let s = space(b);
        words += usize::from(in_word && s);
        in_word = !s;
    }
    words + usize::from(in_word)
}

/// Heading ids unique on a page: `x`, then `x-1`, `x-2`, ... Each base
/// remembers the next suffix to try, so 40,000 equal headings take linear
/// time instead of trying `-1`, `-2`, ... from 1 every time.
#[derive(Default)]
struct UniqueIds {
    used: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl UniqueIds {
    fn make(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        // Every suffix below `next` was taken already, and `used` only grows.
        let n = self.next.entry(base.to_string()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(p: &str) -> Option<String> {
        (p == "a/b.md").then(|| "/a/b/".to_string())
    }

    #[test]
    fn headings_get_unique_ids_and_toc() {
        let (r, _) = render(
            "## Hello World\n\n### Sub\n\n## Hello World\n\n## Custom {#mine}\n",
            Mode::default(),
            &resolve,
        );
        assert!(r.html.contains(r#"<h2 id="hello-world">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="hello-world-1">"#));
        assert!(r.html.contains(r#"<h2 id="mine">"#));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "sub");
    }

    #[test]
    fn many_equal_headings_get_distinct_ids_in_order() {
        // Quadratic before: 40,000 equal headings took a minute. Correctness
        // only here; the speed is measured by examples/quadratic_inputs.rs.
        let mut text = String::from("## x-2\n\n");
        text.push_str(&"## x\n\n".repeat(40_000));
        let (r, _) = render(&text, Mode::default(), &resolve);
        assert_eq!(r.anchors.len(), 40_001);
        assert_eq!(r.toc[0].id, "x-2");
        assert_eq!(r.toc[1].id, "x");
        assert_eq!(r.toc[2].id, "x-1");
        assert_eq!(r.toc[3].id, "x-3", "x-2 was taken by the first heading");
        assert_eq!(r.toc[40_000].id, "x-40000");
    }

    #[test]
    fn internal_links_resolve_or_fail() {
        let (r, p) = render(
            "[x](@/a/b.md#top) [y](@/nope.md)",
            Mode::default(),
            &resolve,
        );
        assert!(r.html.contains(r#"href="/a/b/#top""#), "{}", r.html);
        assert_eq!(r.anchor_links[0].anchor, "top");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].offset, 22, "the caret goes under the URL");
    }

    #[test]
    fn extensions_summary_and_counts() {
        let text = "First *para* here.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ \"quoted\"[^1]\n\n[^1]: Note.\n";
        let (r, _) = render(text, Mode::default(), &resolve);
        assert!(r.html.contains("<table>"));
        assert!(
            r.html
                .contains(r#"<input type="checkbox" disabled checked aria-label="Done">"#),
            "{}",
            r.html
        );
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains('\u{201c}'), "smart quotes: {}", r.html);
        assert!(r.html.contains("footnote"));
        assert_eq!(r.summary, "<p>First <em>para</em> here.</p>\n");
        assert_eq!(r.reading_time, 1);
        assert!(r.word_count >= 10);
    }

    #[test]
    fn word_count_matches_split_whitespace() {
        for t in [
            "",
            " ",
            "one",
            " two  words ",
            "a\tb\nc\x0bd\x0ce\rf",
            "caf\u{e9} au\u{a0}lait",
            "x\u{2003}y",
        ] {
            assert_eq!(count_words(t), t.split_whitespace().count(), "{t:?}");
        }
    }

    #[test]
    fn more_marker_and_assessment_blocks() {
        let (r, _) = render(
            "Intro.\n\n<!-- more -->\n\nRest.\n\n```assessment\nquiz\n```\n",
            Mode::default(),
            &resolve,
        );
        assert_eq!(r.summary, "<p>Intro.</p>\n");
        assert_eq!(r.assessments, vec!["quiz"]);
        assert!(r.html.contains("<!--waymark:assessment:quiz-->"));
    }

    #[test]
    fn escape_mode_neutralises_html() {
        let (r, _) = render("a <script>x</script>", Mode { escape_html: true }, &resolve);
        assert!(!r.html.contains("<script>"), "{}", r.html);
    }
}
