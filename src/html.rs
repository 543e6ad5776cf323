//! Reading HTML that Waymark generated or an author wrote: the start tags
//! with their attributes and byte offsets (for `check`), and the visible text
//! (for the search index). Tokenizing is html5gum's (a WHATWG tokenizer);
//! this module only walks its tokens.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// A start tag: lower-case name, attributes in source order of first
/// appearance, and the byte offset of its `<` in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// `a`, `img`, `h2`...
    pub name: String,
    /// Attribute name -> decoded value.
    pub attrs: Vec<(String, String)>,
    /// Byte offset of the tag in the input.
    pub offset: usize,
}

impl Tag {
    /// The decoded value of an attribute, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One step of a walk over HTML.
#[derive(Debug)]
pub enum Event<'a> {
    /// `<name ...>`.
    Start(&'a Tag),
    /// `</name>`.
    End(&'a str),
    /// Decoded character data.
    Text(&'a str),
}

/// Calls `f` for every start tag, end tag and text run of `html`, in order.
/// The contents of `script`, `style` and friends come as one text run.
pub fn walk(html: &str, mut f: impl FnMut(Event)) {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(t) => {
                let tag = Tag {
                    name: lossy(&t.name),
                    attrs: t
                        .attributes
                        .iter()
                        .map(|(k, v)| (lossy(k), lossy(&v.value)))
                        .collect(),
                    offset: t.span.start,
                };
                f(Event::Start(&tag));
                if t.self_closing && !is_void(&tag.name) {
                    f(Event::End(&tag.name));
                }
            }
            Token::EndTag(t) => f(Event::End(&lossy(&t.name))),
            Token::String(s) => f(Event::Text(&lossy(&s.value))),
            _ => {}
        }
    }
}

/// Every start tag of `html`.
pub fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    walk(html, |e| {
        if let Event::Start(t) = e {
            out.push(t.clone());
        }
    });
    out
}

/// Elements whose content is never visible text.
const HIDDEN: &[&str] = &[
    "script", "style", "template", "noscript", "svg", "math", "head", "iframe", "textarea",
    "select",
];

/// Elements that are page furniture rather than content, skipped by [`main_text`].
const FURNITURE: &[&str] = &["nav", "aside", "header", "footer", "button"];

/// Inline elements: no word break at their edges.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "del", "ins",
];

/// The visible text of an HTML fragment, whitespace collapsed.
pub fn text(html: &str) -> String {
    extract(html, false, &[])
}

/// Like [`text`], leaving out the content of the `skip` elements.
pub fn text_without(html: &str, skip: &[&str]) -> String {
    extract(html, false, skip)
}

/// The visible text inside the first `<main>` of a page (the whole page when
/// it has none), without navigation, asides, headers, footers and buttons
/// (the words a reader came to the page for) and without the `skip` elements.
pub fn main_text(html: &str, skip: &[&str]) -> String {
    let skip: Vec<&str> = FURNITURE.iter().chain(skip).copied().collect();
    extract(html, html.contains("<main"), &skip)
}

fn extract(html: &str, only_main: bool, skip_also: &[&str]) -> String {
    let mut out = String::with_capacity(html.len() / 3);
    let mut skipping: Vec<String> = Vec::new();
    let mut main_depth = usize::from(!only_main);
    let mut main_done = false;
    walk(html, |e| match e {
        Event::Start(t) => {
            if t.name == "main" && !main_done {
                main_depth += 1;
            }
            if !is_void(&t.name)
                && (!skipping.is_empty()
                    || HIDDEN.contains(&t.name.as_str())
                    || skip_also.contains(&t.name.as_str()))
            {
                skipping.push(t.name.clone());
            }
            if !INLINE.contains(&t.name.as_str()) {
                out.push(' ');
            }
        }
        Event::End(name) => {
            if skipping.last().is_some_and(|s| s == name) {
                skipping.pop();
            }
            if name == "main" && only_main && main_depth > 0 {
                main_depth -= 1;
                main_done = main_depth == 0;
            }
            if !INLINE.contains(&name) {
                out.push(' ');
            }
        }
        Event::Text(s) => {
            if skipping.is_empty() && main_depth > 0 && !main_done {
                out.push_str(s);
            }
        }
    });
    collapse(&out)
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Elements that never have an end tag.
pub fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_skips_scripts_and_decodes_entities() {
        let html = "<h2 id=\"a\">Fish &amp; chips</h2><p>Hot<em>ly</em> served.<script>var x = '<p>no</p>';</script></p><ul><li>one</li><li>two</li></ul>";
        assert_eq!(text(html), "Fish & chips Hotly served. one two");
    }

    #[test]
    fn main_text_keeps_content_only() {
        let html = "<html><head><title>T</title></head><body><header>Site</header><main><nav>Crumbs</nav><h1>Title</h1><p>Body <a href=\"/x/\">link</a>.</p><aside>Call us</aside><button>Go</button></main><footer>Foot</footer></body></html>";
        assert_eq!(main_text(html, &[]), "Title Body link.");
        assert_eq!(main_text(html, &["h1"]), "Body link.");
    }

    #[test]
    fn tags_have_attributes_and_offsets() {
        let html = "<p>x</p>\n<img src=\"a.png\" alt=\"\"><a href='/b/#c'>b</a>";
        let t = tags(html);
        assert_eq!(t[1].name, "img");
        assert_eq!(t[1].attr("alt"), Some(""));
        assert_eq!(t[1].offset, 9);
        assert_eq!(t[2].attr("href"), Some("/b/#c"));
        assert_eq!(t[2].attr("title"), None);
    }
}
