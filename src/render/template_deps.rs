//! Which templates a template pulls in (`extends`, `include`), so a
//! rebuild re-renders only the pages whose templates, or anything they
//! pull in, changed; a changed template that defines a component (Tera 2's
//! reusable pieces, callable from any template) makes every one stale.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// Templates whose source changed, or that extend or include (even
/// indirectly) one that changed. A template that names others in a way we
/// cannot follow (a variable) counts as depending on every template.
pub fn stale_templates(
    old: &BTreeMap<String, (PathBuf, String)>,
    new: &BTreeMap<String, (PathBuf, String)>,
) -> HashSet<String> {
    let mut stale = changed(old, new);
    if stale.is_empty() {
        return stale;
    }
    // A component defined in a changed template can be used from anywhere:
    // treat every template as stale.
    let defines_shared = stale.iter().any(|n| {
        [old.get(n), new.get(n)]
            .into_iter()
            .flatten()
            .any(|(_, src)| defines_components(src))
    });
    if defines_shared {
        return old.keys().chain(new.keys()).cloned().collect();
    }
    let graph = Graph::of(old, new);
    let mut grew = true;
    while grew {
        grew = false;
        for name in old.keys().chain(new.keys()) {
            if !stale.contains(name) && graph.uses_any_of(name, &stale) {
                stale.insert(name.clone());
                grew = true;
            }
        }
    }
    stale
}

/// Templates added, removed or edited.
fn changed(
    old: &BTreeMap<String, (PathBuf, String)>,
    new: &BTreeMap<String, (PathBuf, String)>,
) -> HashSet<String> {
    let edited = new
        .iter()
        .filter(|(name, (_, src))| old.get(*name).map(|(_, s)| s) != Some(src))
        .map(|(name, _)| name);
    let removed = old.keys().filter(|name| !new.contains_key(*name));
    edited.chain(removed).cloned().collect()
}

/// Which templates each template extends or includes, in either version.
struct Graph<'a> {
    /// Template -> the known templates it names.
    uses: HashMap<&'a str, Vec<&'a str>>,
    /// Templates whose references cannot be followed: they use everything.
    uses_any: HashSet<&'a str>,
}

impl<'a> Graph<'a> {
    fn of(
        old: &'a BTreeMap<String, (PathBuf, String)>,
        new: &'a BTreeMap<String, (PathBuf, String)>,
    ) -> Graph<'a> {
        let known = |n: &str| {
            new.get_key_value(n)
                .or_else(|| old.get_key_value(n))
                .map(|(k, _)| k.as_str())
        };
        let mut graph = Graph {
            uses: HashMap::new(),
            uses_any: HashSet::new(),
        };
        for (name, (_, src)) in old.iter().chain(new.iter()) {
            match template_refs(src) {
                Some(list) => graph
                    .uses
                    .entry(name.as_str())
                    .or_default()
                    .extend(list.iter().filter_map(|n| known(n))),
                None => {
                    graph.uses_any.insert(name.as_str());
                }
            }
        }
        graph
    }

    /// Whether `name` pulls in one of `stale` directly.
    fn uses_any_of(&self, name: &str, stale: &HashSet<String>) -> bool {
        self.uses_any.contains(name)
            || self
                .uses
                .get(name)
                .is_some_and(|l| l.iter().any(|u| stale.contains(*u)))
    }
}

fn defines_components(src: &str) -> bool {
    tags(src).any(|t| matches!(t.first(), Some(Token::Word("component"))))
}

/// Template names this source extends or includes; `None` when one of them
/// is not a string literal (Tera 2 refuses that, but a template that fails
/// to parse is safest treated as depending on everything).
fn template_refs(src: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for tag in tags(src) {
        if !matches!(tag.first(), Some(Token::Word("extends" | "include"))) {
            continue;
        }
        match tag.get(1) {
            Some(Token::Str(name)) => out.push(name.clone()),
            _ => return None,
        }
    }
    Some(out)
}

// Tera 2 keeps its parse (the AST, a template's `include_calls` and
// `parents`) private, so the references are found by this scanner. It
// reads a template the way Tera's lexer does, with the default delimiters:
// text; `{# comments #}` (skipped, whatever they hold); `{% raw %}` ...
// `{% endraw %}` (skipped); `{{ expressions }}` (skipped) and `{% tags %}`,
// both read token by token so that a `%}`, `}}` or `{%` inside a string
// literal ("...", '...' or `...`, with backslash escapes) neither ends nor
// starts anything.

/// A token of a `{% ... %}` tag, as far as dependencies need one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    /// An identifier or keyword (`include`, `set`, `x`).
    Word(&'a str),
    /// A string literal, unescaped.
    Str(String),
    /// Anything else (operators, numbers, punctuation).
    Other,
}

/// The tokens of every `{% ... %}` tag of `src`, in order; `raw` blocks,
/// comments and expressions are skipped. Scanning stops at the first
/// unclosed construct (Tera reports it as a syntax error).
fn tags(src: &str) -> impl Iterator<Item = Vec<Token<'_>>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let open = at + src[at..].find('{')?;
            let rest = &src[open..];
            if rest.starts_with("{#") {
                at = open + rest.find("#}")? + 2;
            } else if let Some(expression) = rest.strip_prefix("{{") {
                at = open + 2 + read_tokens(expression, "}}")?.1;
            } else if let Some(tag) = rest.strip_prefix("{%") {
                let (tokens, len) = read_tokens(tag, "%}")?;
                at = open + 2 + len;
                if tokens.first() == Some(&Token::Word("raw")) {
                    at += end_of_raw(&src[at..])?;
                    continue;
                }
                return Some(tokens);
            } else {
                at = open + 1;
            }
        }
    })
}

/// The tokens up to `close` (outside string literals) and the length read,
/// `close` included; `None` when it never closes.
fn read_tokens<'a>(text: &'a str, close: &str) -> Option<(Vec<Token<'a>>, usize)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if text[i..].starts_with(close) {
            return Some((tokens, i + close.len()));
        }
        if matches!(c, b'"' | b'\'' | b'`') {
            let (s, len) = read_string(&text[i..])?;
            tokens.push(Token::Str(s));
            i += len;
        } else if c == b'_' || c.is_ascii_alphabetic() {
            let len = text[i..]
                .bytes()
                .take_while(|b| *b == b'_' || b.is_ascii_alphanumeric())
                .count();
            tokens.push(Token::Word(&text[i..i + len]));
            i += len;
        } else if c.is_ascii_whitespace()
            || c == b'-' && (i == 0 || text[i + 1..].starts_with(close))
        {
            // Whitespace, and the `-` of `{%-` and `-%}` (whitespace control).
            i += 1;
        } else {
            tokens.push(Token::Other);
            i += 1;
        }
    }
    None
}

/// A string literal at the start of `text` (its opening quote first):
/// the unescaped value and the length read, quotes included.
fn read_string(text: &str) -> Option<(String, usize)> {
    let quote = text.chars().next()?;
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, escaped) = chars.next()?;
                out.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    other => other,
                });
            }
            c if c == quote => return Some((out, i + 1)),
            c => out.push(c),
        }
    }
    None
}

/// The length of a raw block's body and its `{% endraw %}` tag.
fn end_of_raw(text: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        let open = at + text[at..].find("{%")?;
        let (tokens, len) = read_tokens(&text[open + 2..], "%}")?;
        if tokens == [Token::Word("endraw")] {
            return Some(open + 2 + len);
        }
        at = open + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_template_references() {
        let src = r#"{% extends "base.html" %}{%- include 'partials/a.html' -%}
{%include `b.html`%}{{ x }}{% include "q\"uote.html" %}"#;
        assert_eq!(
            template_refs(src).unwrap(),
            ["base.html", "partials/a.html", "b.html", "q\"uote.html"]
        );
        assert_eq!(template_refs("{% include name %}"), None);
        assert_eq!(template_refs("{% include %}"), None);
        assert_eq!(
            template_refs("no tags {  } { x } %}").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn comments_raw_blocks_and_strings_hide_nothing_and_add_nothing() {
        let src = r#"{# {% include "in-comment.html" %} #}
{% raw %}{% include "in-raw.html" %}{% endraw %}
{%- raw -%} {% extends "x" %} {%- endraw -%}
{{ "{% include 'in-expression.html' %}" }}
{% set s = "%} {% include 'in-string.html' %}" %}
{{ '}}' }}{% include "real.html" %}
{% if a %}{% include "nested.html" %}{% endif %}"#;
        assert_eq!(template_refs(src).unwrap(), ["real.html", "nested.html"]);
        // Unclosed constructs end the scan instead of reading on.
        assert_eq!(
            template_refs("{# open {% include \"a\" %}").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            template_refs("{% include \"a.html\" %}{% raw %}{% include \"b\" %}").unwrap(),
            ["a.html"]
        );
    }

    #[test]
    fn components_are_found_by_their_tag_only() {
        assert!(defines_components(
            "{% component card(title) %}<b>{{ title }}</b>{% endcomponent card %}"
        ));
        assert!(defines_components(
            "{%- component x() -%}{% endcomponent %}"
        ));
        assert!(!defines_components(
            "{# {% component no() %} #}{{<card title=\"x\" />}}"
        ));
        assert!(!defines_components(
            "{% set component = 1 %}{{ \"{% component s() %}\" }}"
        ));
    }

    #[test]
    fn the_default_theme_reads_as_written() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut components = Vec::new();
        for (name, path) in crate::content::files_under(&dir) {
            let src = std::fs::read_to_string(&path).unwrap();
            let refs = template_refs(&src).unwrap_or_else(|| panic!("{name}"));
            // The theme writes every reference as `include "x"` / `extends "x"`.
            let written = src.matches("include \"").count() + src.matches("extends \"").count();
            assert_eq!(refs.len(), written, "{name}: {refs:?}");
            if defines_components(&src) {
                components.push(name);
            }
        }
        assert_eq!(components, ["partials/components.html"]);
    }

    #[test]
    fn staleness_follows_includes() {
        let t = |pairs: &[(&str, &str)]| -> BTreeMap<String, (PathBuf, String)> {
            pairs
                .iter()
                .map(|(n, s)| (n.to_string(), (PathBuf::from(n), s.to_string())))
                .collect()
        };
        let old = t(&[
            ("base.html", "{% include \"nav.html\" %}"),
            ("nav.html", "a"),
            ("page.html", "{% extends \"base.html\" %}"),
            ("solo.html", "x"),
        ]);
        let mut new = old.clone();
        new.insert("nav.html".into(), ("nav.html".into(), "b".into()));
        let stale = stale_templates(&old, &new);
        assert!(stale.contains("page.html") && stale.contains("base.html"));
        assert!(!stale.contains("solo.html"));
    }
}
