//! The only module that touches the YAML crate (serde-saphyr).
//!
//! serde_yaml is deprecated; serde-saphyr is its maintained, safe-Rust
//! successor with the same serde model and line:column spans. Everything else
//! in Waymark sees typed structs, [`Spanned`] values and [`Diagnostic`]s.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, did_you_mean};

pub use serde_saphyr::Spanned;

/// Where a spanned YAML value sits: (1-based line, 1-based column); (0, 0) if unknown.
pub fn position<T>(value: &Spanned<T>) -> (usize, usize) {
    (
        value.referenced.line() as usize,
        value.referenced.column() as usize,
    )
}

/// A YAML mapping read in file order with the position of every key.
///
/// `Spanned<String>` is neither `Ord` nor `Hash`, so it cannot key a map;
/// authors' maps (`scores: { horizon: 2 }`, `when: {...}`, example answers)
/// need the key's own line for "unknown dimension" errors, hence this list.
#[derive(Debug, Clone)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<V> SpannedMap<V> {
    /// The entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// True when the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping such as `{ key: value }`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(SpannedMap(entries))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// A spanned value made by Waymark rather than read (a default option id
/// taken from its label), placed where `at` was read.
pub fn spanned_like<T, U>(value: T, at: &Spanned<U>) -> Spanned<T> {
    Spanned::new(value, at.referenced, at.defined)
}

/// Parses `source` (which starts at line `first_line` of `file`, for front
/// matter) into `T`, turning any failure into a diagnostic with a position,
/// the source line and a hint.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    whole_file: &str,
    source: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // An empty document is an empty mapping, not an error.
    let source = if source.trim().is_empty() {
        "{}"
    } else {
        source
    };
    serde_saphyr::from_str::<T>(source)
        .map_err(|err| to_diagnostic(file, whole_file, &err, first_line))
}

fn to_diagnostic(
    file: &Path,
    whole_file: &str,
    err: &serde_saphyr::Error,
    first_line: usize,
) -> Diagnostic {
    use serde_saphyr::Error as E;
    let inner = err.without_snippet();
    let (line, column) = inner
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((0, 0));
    let line = if line == 0 { 0 } else { line + first_line - 1 };
    let (message, hint) = match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => (
            format!("unknown key `{field}`"),
            Some(
                did_you_mean(field, expected.iter().copied()).unwrap_or_else(|| {
                    format!("the keys allowed here are: {}", expected.join(", "))
                }),
            ),
        ),
        E::SerdeMissingField { field, .. } => (
            format!("missing required key `{field}`"),
            Some(format!("add a line `{field}: ...`")),
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("unknown value `{variant}`"),
            Some(
                did_you_mean(variant, expected.iter().copied())
                    .unwrap_or_else(|| format!("use one of: {}", expected.join(", "))),
            ),
        ),
        E::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_string(),
            },
            Some(
                "each key may appear only once in a mapping; remove or merge the repeated one"
                    .into(),
            ),
        ),
        E::InvalidScalar { ty, .. } => {
            let (what, hint) = match *ty {
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
                    (
                        "a whole number",
                        "write a whole number such as 2, without decimals or quotes",
                    )
                }
                "f32" | "f64" => ("a number", "write a number such as 50 or 12.5"),
                "bool" => ("true or false", "write true or false"),
                _ => ("a different kind of value", "check the value's type"),
            };
            (format!("expected {what} here"), Some(hint.to_string()))
        }
        other => (
            without_position(&first_line_of(&other.to_string())),
            Some(
                "check the YAML syntax here: indentation, a missing `:` or an unclosed quote"
                    .into(),
            ),
        ),
    };
    let mut d = Diagnostic::at(file, whole_file, line, column, message);
    d.hint = hint;
    d
}

/// serde-saphyr appends " at line N, column M"; the diagnostic shows the position itself.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

fn first_line_of(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim_start_matches("error: ")
        .to_string()
}

/// One step of a path into a YAML document for [`locate`]: a mapping key
/// or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The value of this key of a mapping.
    Key(&'a str),
    /// The item at this index of a list.
    Index(usize),
}

/// Where [`locate`] found a path: 1-based (line, column) pairs in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The last key of the path (for an index, the item itself).
    pub key: (usize, usize),
    /// The value the path leads to.
    pub value: (usize, usize),
}

/// Finds `path` in a YAML document with the parser's own spans, for a
/// message about a value the typed structs keep no span for (`theme`,
/// `contact.booking_url`, a page's `extra.quadrant`). `source` starts at
/// line `first_line` of its file (2 for front matter). Parses the document
/// again, so it belongs on the error path; `None` when the path is not
/// there or the document does not parse.
pub fn locate(source: &str, first_line: usize, path: &[Step]) -> Option<Located> {
    let root: Node = serde_saphyr::from_str(source).ok()?;
    let (mut key, mut node) = (None, &root);
    let mut value_at = None;
    for step in path {
        let next = match (step, node) {
            (Step::Key(k), Node::Map(entries)) => entries
                .iter()
                .find(|(name, _)| name.value == *k)
                .map(|(name, v)| (position(name), v)),
            (Step::Index(i), Node::List(items)) => items.get(*i).map(|v| (position(v), v)),
            _ => None,
        }?;
        key = Some(next.0);
        value_at = Some(position(next.1));
        node = &next.1.value;
    }
    let shift = |(l, c): (usize, usize)| (l + first_line - 1, c);
    Some(Located {
        key: shift(key?),
        value: shift(value_at?),
    })
}

/// A YAML document as a tree of spans and nothing else, for [`locate`].
enum Node {
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
    List(Vec<Spanned<Node>>),
    Scalar,
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                <Node as serde::Deserialize>::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Node::Map(entries))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

/// Parses only the keys `T` names, ignoring the rest (for a quick look at a
/// file another stage validates fully).
pub fn parse_lenient<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Diagnostic> {
    parse(file, source, source, 1)
}

/// `key: [a, b]` lines read without the YAML parser, whose setup costs more
/// than such a line. `None` for any other shape (block lists, quotes,
/// comments, words YAML reads as booleans or null), left to the parser.
pub fn plain_flow_lists(lines: &str) -> Option<BTreeMap<String, serde_json::Value>> {
    let mut out = BTreeMap::new();
    for line in lines.lines() {
        let (key, value) = line.split_once(':')?;
        let items = value.trim().strip_prefix('[')?.strip_suffix(']')?;
        let mut list = Vec::new();
        if !items.trim().is_empty() {
            for item in items.split(',') {
                let item = item.trim();
                let plain = item.starts_with(|c: char| c.is_ascii_alphabetic())
                    && item
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b' '))
                    && !matches!(
                        item.to_ascii_lowercase().as_str(),
                        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
                    );
                if !plain {
                    return None;
                }
                list.push(serde_json::Value::String(item.to_string()));
            }
        }
        if out
            .insert(key.trim_end().to_string(), serde_json::Value::Array(list))
            .is_some()
        {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_has_position_and_suggestion() {
        let whole = "---\ntitle: A\nwieght: 3\n---\n";
        let err = parse::<Fm>(Path::new("a.md"), whole, "title: A\nwieght: 3\n", 2).unwrap_err();
        assert_eq!(err.message, "unknown key `wieght`");
        assert_eq!((err.line, err.column), (3, 1));
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn missing_key_and_syntax_errors_are_located() {
        let err = parse::<Fm>(Path::new("a.md"), "weight: 1\n", "weight: 1\n", 1).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
        let err = parse::<Fm>(Path::new("a.md"), "title: [a\n", "title: [a\n", 1).unwrap_err();
        assert!(err.line >= 1, "{err:?}");
        let err = parse::<Fm>(
            Path::new("a.md"),
            "title: A\nweight: 0.5\n",
            "title: A\nweight: 0.5\n",
            1,
        )
        .unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (2, "expected a whole number here")
        );
    }

    #[test]
    fn locate_follows_keys_and_indices_with_the_parser_spans() {
        let src = "title: A\ntheme: \"x\"\ncontact:\n  email: a@b\n  booking_url: javascript:x\ntaxonomies:\n  - tags\n  - { name: topics, path: /../t/ }\nextra:\n  matrix: 3\n";
        let at = |path: &[Step]| locate(src, 1, path);
        assert_eq!(
            at(&[Step::Key("theme")]),
            Some(Located {
                key: (2, 1),
                value: (2, 8)
            })
        );
        let url = at(&[Step::Key("contact"), Step::Key("booking_url")]).unwrap();
        assert_eq!((url.key, url.value), ((5, 3), (5, 16)));
        assert_eq!(
            at(&[Step::Key("taxonomies"), Step::Index(0)])
                .unwrap()
                .value,
            (7, 5)
        );
        let path = at(&[Step::Key("taxonomies"), Step::Index(1), Step::Key("path")]).unwrap();
        assert_eq!((path.key, path.value), ((8, 21), (8, 27)));
        // Front matter: the block starts on line 2 of the file.
        assert_eq!(
            locate(
                "a: 1\nextra:\n  quadrant: top\n",
                2,
                &[Step::Key("extra"), Step::Key("quadrant")]
            )
            .unwrap()
            .key,
            (4, 3)
        );
        assert_eq!(at(&[Step::Key("nope")]), None);
        assert_eq!(at(&[Step::Key("title"), Step::Key("x")]), None);
        assert_eq!(at(&[Step::Key("taxonomies"), Step::Index(5)]), None);
        assert_eq!(locate("a: [", 1, &[Step::Key("a")]), None);
        assert_eq!(at(&[]), None);
    }

    #[test]
    fn plain_flow_lists_read_as_yaml_does() {
        let items = [
            "",
            "a",
            "ai, data",
            "machine learning",
            "a  b",
            "a-b, c_d",
            "x1, e5",
            "nan",
            "Inf",
            "yes",
            "No",
            "ON",
            "y",
            "true",
            "Null",
            "~",
            "1",
            "0x1f",
            ".inf",
            "-a",
            "a,",
            "'q'",
            "c++",
            "node.js",
            "café",
            "a # b",
            "[a]",
            "{a: b}",
        ];
        for item in items {
            let line = format!("tags: [{item}]\n");
            let yaml: Option<BTreeMap<String, serde_json::Value>> =
                parse(Path::new("a.md"), &line, &line, 2).ok();
            if let Some(fast) = plain_flow_lists(&line) {
                assert_eq!(Some(fast), yaml, "{line}");
            }
        }
        assert!(plain_flow_lists("tags: [a, b]\n").is_some());
        assert!(plain_flow_lists("tags: [yes]\n").is_none());
        assert!(plain_flow_lists("tags:\n  - a\n").is_none());
    }
}
