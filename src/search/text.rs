//! Text for the index: the visible text of the Markdown HTML Waymark
//! generated (fast, without a general HTML tokenizer), split into words and
//! index terms.
//!
//! The rules here and in `themes/default/static/js/search.js` (`term`) must
//! agree, as the index is made of the one's terms and searched with the
//! other's:
//!
//! 1. A word is a run of letters and digits (`char::is_alphanumeric`, the
//!    browser's `[\p{Alphabetic}\p{N}]`) of the text as written.
//! 2. The word is lowered on its own (`str::to_lowercase`, the browser's
//!    `toLowerCase`: the same Unicode mappings, a final sigma as at the
//!    word's end: `ΟΔΥΣΣΕΥΣ` -> `οδυσσευς`).
//! 3. Any character of the lowered word that is not a letter or digit is
//!    dropped (`İ` lowers to `i` and a combining dot, U+0307: `İstanbul` ->
//!    `istanbul`, as `ISTANBUL` and `istanbul`).
//! 4. What is left is a term unless it is a single letter (the `s` of
//!    `it's`); a single digit (`2`) is a term.
//!
//! Terms are sorted, in the index and by the client, by code point (Rust's
//! order of `str`; the client's `compare`, not JavaScript's `<`, which
//! compares UTF-16 units and puts U+10000 and above before U+E000-U+FFFF).

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
        if let Some(words) = single_spaced(s) {
            let (before, words, after) = words;
            self.space |= before;
            if !words.is_empty() {
                if self.space && !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.text.push_str(words);
                self.space = after;
            }
            return;
        }
        // ASCII white space never occurs inside a multi-byte character, so
        // the runs between them are whole characters. A run of words with
        // single spaces between them is copied at once.
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                self.space = true;
                i += 1;
            }
            let start = i;
            loop {
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i + 1 < b.len() && b[i] == b' ' && !b[i + 1].is_ascii_whitespace() {
                    i += 1;
                } else {
                    break;
                }
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

/// A searcher for two spaces, made once.
static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));

/// Most text between tags is words with single spaces: then `(a space
/// before, the words, a space after)`, found by a few vectorised searches
/// instead of a loop over the bytes; None for other white space.
fn single_spaced(s: &str) -> Option<(bool, &str, bool)> {
    let b = s.as_bytes();
    if memchr::memchr3(b'\n', b'\t', b'\r', b).is_some()
        || memchr::memchr(b'\x0C', b).is_some()
        || DOUBLE_SPACE.find(b).is_some()
    {
        return None;
    }
    let before = s.starts_with(' ');
    let s = s.strip_prefix(' ').unwrap_or(s);
    let after = s.ends_with(' ');
    Some((before, s.strip_suffix(' ').unwrap_or(s), after))
}

/// A fast hash of a page's HTML, so that `serve` can tell the pages whose
/// HTML changed without reading them: four independent multiply lanes,
/// several bytes a cycle (the 12 MB of a 1,000-page site in about a
/// millisecond). Each step is a bijection of a lane's state, so a change
/// within one lane always changes that lane; a collision needs the four
/// lanes' mix to collide (about 2^-64).
pub fn html_key(html: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = html.as_bytes();
    let mut lanes = [1u64, 2, 3, 4];
    let mut chunks = bytes.chunks_exact(32);
    for c in &mut chunks {
        for (l, w) in lanes.iter_mut().zip(c.chunks_exact(8)) {
            let v = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            *l = (*l ^ v).wrapping_mul(K);
            *l ^= *l >> 31;
        }
    }
    let mut h = super::encode::hash64(chunks.remainder()) ^ bytes.len() as u64;
    for l in lanes {
        h = (h ^ l).wrapping_mul(K);
        h ^= h >> 29;
    }
    h
}

/// The [`html_key`] of each document's HTML (`None` for a document made
/// from something else, an assessment), kept by `serve`'s index so that an
/// edit reads again only the pages whose HTML changed; and the Markdown
/// output each key was taken from, so that a page whose output is the very
/// one of last time (`serve` keeps it) is not hashed again.
#[derive(Debug, Default, Clone)]
pub struct TextCache {
    /// By document id.
    pub keys: Vec<Option<u64>>,
    /// By document id (none until known).
    pub from: Vec<Option<std::sync::Arc<crate::markdown::Rendered>>>,
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
pub fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// The iterator of [`words`]: ASCII a byte at a time, other characters
/// decoded (`char::is_alphanumeric`).
pub struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    /// Moves past the characters that are (or are not) letters and digits:
    /// an ASCII byte by a table lookup, anything else decoded.
    fn skip(&mut self, alphanumeric: bool) {
        let b = self.text.as_bytes();
        let want = u8::from(alphanumeric);
        while let Some(&c) = b.get(self.at) {
            let class = BYTE_CLASS[usize::from(c)];
            if class == want {
                self.at += 1;
                continue;
            }
            if class != NOT_ASCII {
                return;
            }
            let ch = self.text[self.at..].chars().next().expect("not at the end");
            if ch.is_alphanumeric() != alphanumeric {
                return;
            }
            self.at += ch.len_utf8();
        }
    }
}

/// [`BYTE_CLASS`] of a byte that starts or continues a character beyond ASCII.
const NOT_ASCII: u8 = 2;

/// By byte: 1 for an ASCII letter or digit, 0 for other ASCII, [`NOT_ASCII`].
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if !b.is_ascii() {
            NOT_ASCII
        } else if b.is_ascii_alphanumeric() {
            1
        } else {
            0
        };
        i += 1;
    }
    t
};

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.skip(false);
        let start = self.at;
        self.skip(true);
        (self.at > start).then(|| &self.text[start..self.at])
    }
}

/// Calls `f` with the index term of each word of `text`, in order (see the
/// rules at the top). ASCII text (nearly all) is lowered a word at a time
/// into one buffer, and only words with a capital are copied; other words
/// are lowered into the same buffer, so no word allocates (but one with a
/// capital sigma, whose lower case depends on its place in the word).
pub fn each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    if text.is_ascii() {
        for w in words(text) {
            ascii_term(w, &mut buf, &mut f);
        }
        return;
    }
    for w in words(text) {
        if w.is_ascii() {
            ascii_term(w, &mut buf, &mut f);
        } else {
            lower_word(w, &mut buf);
            let mut chars = buf.chars();
            let first = chars.next();
            if chars.next().is_some() || first.is_some_and(char::is_numeric) {
                f(&buf);
            }
        }
    }
}

/// The term of ASCII word `w` to `f`, if it is one: lowered in `buf` when
/// it has a capital.
fn ascii_term(w: &str, buf: &mut String, f: &mut impl FnMut(&str)) {
    let b = w.as_bytes();
    if b.len() < 2 && !b.first().is_some_and(u8::is_ascii_digit) {
        return;
    }
    if b.iter().any(u8::is_ascii_uppercase) {
        buf.clear();
        buf.push_str(w);
        buf.make_ascii_lowercase();
        f(buf);
    } else {
        f(w);
    }
}

/// Word `w` lowered on its own into `buf`, without the characters that
/// lower to something other than a letter or digit (rules 2 and 3): the
/// same as `w.to_lowercase()` without them, a character at a time. A
/// capital sigma is the only character whose lower case depends on the
/// others (`ς` at the end of a word, else `σ`), so a word with one is
/// lowered by `to_lowercase`.
fn lower_word(w: &str, buf: &mut String) {
    buf.clear();
    for c in w.chars() {
        if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else if !may_lower(c) {
            buf.push(c);
        } else if c == 'Σ' {
            buf.clear();
            buf.push_str(&w.to_lowercase());
            buf.retain(char::is_alphanumeric);
            return;
        } else {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.len()) {
                (Some(l), 0) if l == c => buf.push(c),
                (Some(l), _) => buf.extend(
                    std::iter::once(l)
                        .chain(lower)
                        .filter(|l| l.is_alphanumeric()),
                ),
                (None, _) => {}
            }
        }
    }
}

/// Whether `c` may change when lowered: the capitals, and the ranges of
/// the titlecase letters (`ǅ`, `ᾈ`). Five times faster than lowering it;
/// the others (lower case, CJK, digits) are kept as they are (checked for
/// every character by a test).
fn may_lower(c: char) -> bool {
    c.is_uppercase() || matches!(c, '\u{1C5}'..='\u{1F2}' | '\u{1F88}'..='\u{1FFC}')
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
    fn white_space_collapses_to_single_spaces() {
        let mut c = Collapsed::with_capacity(0);
        for part in [
            "  one two\tthree \n four ",
            "five",
            " ",
            "six  seven é è",
            "\n",
        ] {
            c.push_str(part);
        }
        c.space();
        c.push('x');
        assert_eq!(c.text, "one two three four five six seven é è x");
    }

    #[test]
    fn pieces_of_text_collapse_as_their_whole_would() {
        let pieces = [
            "",
            " ",
            "  ",
            "a",
            " a",
            "a ",
            " a b ",
            "a  b",
            "a\nb",
            "\t",
            "x\r\ny",
            "Hot",
            "ly",
            " one two ",
            "\u{c}f",
            "é è",
            " — ",
        ];
        // Every ordered pair and triple of pieces.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let mut out = Collapsed::with_capacity(0);
                    for p in [a, b, c] {
                        out.push_str(p);
                    }
                    let whole = [a, b, c].concat();
                    let expected: Vec<&str> = whole.split_ascii_whitespace().collect();
                    assert_eq!(out.text, expected.join(" "), "{a:?} {b:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        for text in [
            "",
            "   ",
            "plain ascii, words-and_more 42x!",
            "Über straße—naïve café ½ x² 東京タワー 🙂ok ٣٤ ÆØÅ",
            "end",
        ] {
            let reference: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(words(text).collect::<Vec<_>>(), reference, "{text}");
        }
    }

    #[test]
    fn terms_are_lower_case_words_of_two_letters_or_digits() {
        let mut got: Vec<String> = Vec::new();
        each_term("It's Q3: the Café's 2 plans—ok?", |t| got.push(t.into()));
        assert_eq!(got, ["it", "q3", "the", "café", "2", "plans", "ok"]);
    }

    /// The rules at the top, written plainly.
    fn reference_terms(text: &str) -> Vec<String> {
        words(text)
            .map(|w| {
                let mut t = w.to_lowercase();
                t.retain(char::is_alphanumeric);
                t
            })
            .filter(|t| t.chars().count() > 1 || t.chars().next().is_some_and(char::is_numeric))
            .collect()
    }

    #[test]
    fn a_dotted_capital_i_lowers_to_a_plain_i() {
        let mut got: Vec<String> = Vec::new();
        each_term("İstanbul’da bir gün, İSTANBUL İ ½ ǅemal", |t| {
            got.push(t.into())
        });
        assert_eq!(
            got,
            ["istanbul", "da", "bir", "gün", "istanbul", "½", "ǆemal"]
        );
    }

    #[test]
    fn each_word_is_lowered_on_its_own() {
        for text in [
            "",
            "It's Q3: the Café's 2 plans—ok?",
            "ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ. ΣΑΣ Σ ΑΣ'Β ὈΔΥΣΣΕΎΣ",
            "İstanbul İİ aİb KADIKÖY Straße STRASSE ǅ ǄǅǆX",
            "Über straße—naïve café ½ x² 東京タワー 🙂ok ٣٤ ÆØÅ ＪＲ山手線 𠮷野家 𝐀𝐁 Ⅻ",
            "mixed ASCII and ÀÉÎ; AB CD e 7 ẞ ﬀ",
        ] {
            let mut got: Vec<String> = Vec::new();
            each_term(text, |t| got.push(t.into()));
            assert_eq!(got, reference_terms(text), "{text}");
        }
        // Every letter and digit, alone and in words of three.
        let all: Vec<char> = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_alphanumeric())
            .collect();
        let mut text = String::new();
        for w in all.chunks(3) {
            for c in w {
                text.push(*c);
                text.push(' ');
            }
            text.extend(w);
            text.push(' ');
        }
        let mut got: Vec<String> = Vec::new();
        each_term(&text, |t| got.push(t.into()));
        assert!(got == reference_terms(&text), "every letter and digit");
    }

    #[test]
    fn only_characters_that_may_lower_change_when_lowered() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut lower = c.to_lowercase();
            let same = lower.len() == 1 && lower.next() == Some(c);
            assert!(
                same || may_lower(c),
                "U+{:04X} lowers but is not checked",
                c as u32
            );
        }
    }
}
