//! A read-only walk over a Markdown text for the code that inspects it
//! without rendering it (`check`'s lints, the image stage, the assessment
//! engine's links).
//!
//! The project keeps each third-party crate behind one module, so the
//! parser's own event types stay in `markdown`: callers see the few
//! [`Mark`]s they need, each with its byte offset, in Waymark's own types.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Which Markdown extensions to read a text with. The same text can parse
/// differently under other extensions (a table, a `{#id}` heading), so
/// each caller names the set its results have always been based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Exactly as pages render ([`super::render`]): what `check` must read
    /// so its offsets and findings match the output.
    Site,
    /// Tables, footnotes and strikethrough only: the set the assessment
    /// engine reads its Markdown fields' link destinations with.
    Basic,
}

impl Dialect {
    fn options(self) -> Options {
        match self {
            Dialect::Site => super::options(),
            Dialect::Basic => {
                Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
            }
        }
    }
}

/// Something of interest in a Markdown text; every other part of the text
/// is skipped by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark<'a> {
    /// A heading opens, at this level (1..=6).
    Heading(u8),
    /// Raw HTML, a block or inline, as written.
    Html(Cow<'a, str>),
    /// A link opens, to this destination.
    Link(Cow<'a, str>),
    /// An image opens, with this source; its alt text follows as
    /// [`Mark::Text`] up to [`Mark::ImageEnd`].
    Image(Cow<'a, str>),
    /// An image closes.
    ImageEnd,
    /// Text, or the text of a code span.
    Text(Cow<'a, str>),
}

/// The [`Mark`]s of `text` in order, each with the byte offset in `text`
/// where the parser placed it (an image's is the `!` of `![alt](src)`).
pub fn scan(text: &str, dialect: Dialect) -> impl Iterator<Item = (usize, Mark<'_>)> {
    Parser::new_ext(text, dialect.options())
        .into_offset_iter()
        .filter_map(|(event, range)| Some((range.start, mark(event)?)))
}

/// The mark of one parser event, if it is one the callers need.
fn mark(event: Event<'_>) -> Option<Mark<'_>> {
    Some(match event {
        Event::Start(Tag::Heading { level, .. }) => Mark::Heading(level as u8),
        Event::Html(h) | Event::InlineHtml(h) => Mark::Html(cow(h)),
        Event::Start(Tag::Link { dest_url, .. }) => Mark::Link(cow(dest_url)),
        Event::Start(Tag::Image { dest_url, .. }) => Mark::Image(cow(dest_url)),
        Event::End(TagEnd::Image) => Mark::ImageEnd,
        Event::Text(t) | Event::Code(t) => Mark::Text(cow(t)),
        _ => return None,
    })
}

/// The parser's string as a standard one, borrowed when it was.
fn cow(s: CowStr<'_>) -> Cow<'_, str> {
    match s {
        CowStr::Borrowed(b) => Cow::Borrowed(b),
        other => Cow::Owned(other.into_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_carry_their_offsets() {
        let text = "## Hi\n\n![a `b`](p.png) [x](@/a.md) <br>\n\n<div>\n";
        let marks: Vec<(usize, Mark)> = scan(text, Dialect::Site).collect();
        assert_eq!(
            marks,
            vec![
                (0, Mark::Heading(2)),
                (3, Mark::Text("Hi".into())),
                (7, Mark::Image("p.png".into())),
                (9, Mark::Text("a ".into())),
                (11, Mark::Text("b".into())),
                (7, Mark::ImageEnd),
                (22, Mark::Text(" ".into())),
                (23, Mark::Link("@/a.md".into())),
                (24, Mark::Text("x".into())),
                (34, Mark::Text(" ".into())),
                (35, Mark::Html("<br>".into())),
                (41, Mark::Html("<div>\n".into())),
            ]
        );
    }

    #[test]
    fn dialects_differ_where_their_options_do() {
        let text = "## A {#x}\n";
        let text_of = |d| {
            scan(text, d)
                .filter_map(|(_, m)| match m {
                    Mark::Text(t) => Some(t.into_owned()),
                    _ => None,
                })
                .collect::<String>()
        };
        assert_eq!(text_of(Dialect::Site), "A");
        assert_eq!(text_of(Dialect::Basic), "A {#x}");
    }
}
