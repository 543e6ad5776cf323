//! Text for the index: the visible text of the Markdown HTML Waymark
//! generated (fast, without a general HTML tokenizer), split into words and
//! index terms.
//!
//! The rules here and in `themes/default/static/js/search.js` must agree: a
//! word is a run of letters and digits (`char::is_alphanumeric`, the
//! browser's `[\p{Alphabetic}\p{N}]`), a term is a word in lower case, and
//! single letters (the `s` of `it's`) are not terms.

use std::borrow::Cow;

/// What an element means for the text.
#[derive(Clone, Copy, PartialEq)]
enum Element {
    /// Its content is not body text: headings (their own field), and what
    /// is never visible.
    Skipped,
    /// No word break at its edges (`Hot<em>ly</em>` is one word).
    Inline,
    /// A word break at its edges.
    Block,
}

fn element(name: &str) -> Element {
    let mut buf = [0u8; 10];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return Element::Block;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"script" | b"style" | b"template"
        | b"noscript" | b"svg" | b"math" | b"iframe" | b"textarea" | b"select" => Element::Skipped,
        b"a" | b"abbr" | b"b" | b"bdi" | b"bdo" | b"cite" | b"code" | b"data" | b"dfn" | b"em"
        | b"i" | b"kbd" | b"mark" | b"q" | b"s" | b"samp" | b"small" | b"span" | b"strong"
        | b"sub" | b"sup" | b"time" | b"u" | b"var" | b"del" | b"ins" => Element::Inline,
        _ => Element::Block,
    }
}

/// The body text of a page's Markdown HTML: visible text without headings,
/// entities decoded, whitespace collapsed. One pass over the bytes (a
/// tenth of the time of a WHATWG tokenizer), enough for the HTML
/// pulldown-cmark writes and the raw HTML authors put in Markdown.
pub fn body_text(html: &str) -> String {
    let mut out = Collapsed::with_capacity(html.len() / 2);
    let bytes = html.as_bytes();
    let mut skip: Option<&str> = None;
    let mut at = 0;
    while at < bytes.len() {
        let Some(lt) = html[at..].find('<').map(|i| at + i) else {
            if skip.is_none() {
                decode_into(&html[at..], &mut out);
            }
            break;
        };
        if skip.is_none() {
            decode_into(&html[at..lt], &mut out);
        }
        if html[lt..].starts_with("<!--") {
            at = html[lt..].find("-->").map_or(bytes.len(), |i| lt + i + 3);
            continue;
        }
        let end = tag_end(bytes, lt);
        let (closing, name) = tag_name(&html[lt + 1..end]);
        at = end;
        if name.is_empty() {
            // A `<` that starts no tag is text.
            if skip.is_none() {
                out.push_str("<");
            }
            at = lt + 1;
            continue;
        }
        let kind = element(name);
        match skip {
            Some(s) if closing && name.eq_ignore_ascii_case(s) => skip = None,
            Some(_) => {}
            None if !closing && kind == Element::Skipped => skip = Some(name),
            None => {}
        }
        if kind != Element::Inline {
            out.space();
        }
    }
    out.text
}

/// Text with runs of white space collapsed to one space, none at the ends,
/// as it is appended.
struct Collapsed {
    text: String,
    space: bool,
}

impl Collapsed {
    fn with_capacity(n: usize) -> Collapsed {
        Collapsed {
            text: String::with_capacity(n),
            space: false,
        }
    }

    fn space(&mut self) {
        self.space = true;
    }

    fn push_str(&mut self, s: &str) {
        // ASCII white space never occurs inside a multi-byte character, so
        // the runs between them are whole characters.
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                self.space = true;
                i += 1;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i > start {
                if self.space && !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push_str(&s[start..i]);
            }
        }
    }

    fn push(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf));
    }
}

/// Body texts by a hash of their HTML, so that `serve` reads again only the
/// pages whose HTML changed (hashing is ten times faster than reading).
#[derive(Debug, Default)]
pub struct TextCache {
    texts: std::collections::HashMap<u64, String>,
}

impl TextCache {
    /// [`body_text`] of `html`, from the cache when it has it; the texts used
    /// are kept in `next`, which replaces the cache after a rebuild.
    pub fn body_text(&self, html: &str) -> (u64, String) {
        let key = super::encode::hash64(html.as_bytes());
        match self.texts.get(&key) {
            Some(t) => (key, t.clone()),
            None => (key, body_text(html)),
        }
    }

    /// A cache of exactly these texts.
    pub fn from_texts(texts: impl IntoIterator<Item = (u64, String)>) -> TextCache {
        TextCache {
            texts: texts.into_iter().collect(),
        }
    }
}

/// The byte after the `>` closing the tag that starts at `lt` (quotes respected).
fn tag_end(bytes: &[u8], lt: usize) -> usize {
    let mut quote = 0u8;
    for (i, &b) in bytes.iter().enumerate().skip(lt + 1) {
        match b {
            b'"' | b'\'' if quote == 0 => quote = b,
            q if q == quote && quote != 0 => quote = 0,
            b'>' if quote == 0 => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// (is a closing tag, name) of a tag's inside (`/p`, `a href=...`).
fn tag_name(inner: &str) -> (bool, &str) {
    let (closing, rest) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = &rest[..len];
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        (closing, name)
    } else {
        (closing, "")
    }
}

/// Appends `s` with character references decoded (the numeric ones and the
/// named ones Markdown and typographers use; others are kept as written).
fn decode_into(s: &str, out: &mut Collapsed) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest[1..].find(';').map(|i| i + 1).filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| entity(&rest[1..i]));
        match (semi, decoded) {
            (Some(i), Some(c)) => {
                out.push(c);
                rest = &rest[i + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        _ => return None,
    })
}

/// The words of `text`: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The index term of a word: lower case; `None` for a single letter.
pub fn term(word: &str) -> Option<Cow<'_, str>> {
    let mut chars = word.chars();
    let first = chars.next()?;
    if chars.next().is_none() && !first.is_numeric() {
        return None;
    }
    if word
        .bytes()
        .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
    {
        Some(Cow::Borrowed(word))
    } else {
        Some(Cow::Owned(word.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_matches_the_html_reader_on_markdown_html() {
        let html = "<h2 id=\"a\">Fish &amp; chips</h2>\n<p>Hot<em>ly</em> served &mdash; 2&#x27;s.<script>var x = '<p>no</p>';</script></p><ul><li>one</li><li>two <a href=\"/x/\" title=\"a > b\">link</a></li></ul><!-- note <p>hidden</p> --><p>a < b &unknown; &amp</p>";
        assert_eq!(
            body_text(html),
            "Hotly served — 2's. one two link a < b &unknown; &amp"
        );
        let simple = "<p>Alpha intro.</p>\n<h2>When</h2>\n<p>See <strong>Beta</strong>’s <code>x</code> text.</p>";
        assert_eq!(
            body_text(simple),
            crate::html::text_without(simple, &["h1", "h2", "h3", "h4", "h5", "h6"])
        );
    }

    #[test]
    fn terms_are_lower_case_words_of_two_letters_or_digits() {
        let got: Vec<String> = words("It's Q3: the Café's 2 plans—ok?")
            .filter_map(term)
            .map(|t| t.into_owned())
            .collect();
        assert_eq!(got, ["it", "q3", "the", "café", "2", "plans", "ok"]);
    }
}
