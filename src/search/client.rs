//! The browser side of search: the default theme's files, built into the
//! binary so that search also works with a theme that ships none of them.
//!
//! A theme (or the site's `static/`) may provide any of these files itself;
//! its own copy wins, exactly as for templates.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::index::ClientPaths;
use crate::render::Templates;

/// The search UI: loads the rest on first use.
pub const SCRIPT: &str = "js/search.js";
/// The Porter stemmer, vendored.
pub const STEMMER: &str = "js/vendor/stemmer.min.js";
/// Styles of the results.
pub const CSS: &str = "css/search.css";

/// The default theme's client files, by static name.
const FILES: &[(&str, &str)] = &[
    (
        SCRIPT,
        include_str!("../../themes/default/static/js/search.js"),
    ),
    (
        STEMMER,
        include_str!("../../themes/default/static/js/vendor/stemmer.min.js"),
    ),
    (
        CSS,
        include_str!("../../themes/default/static/css/search.css"),
    ),
];

/// The default theme's search page, used when a theme has a `base.html` but no
/// `search.html`.
const TEMPLATE: &str = include_str!("../../themes/default/templates/search.html");

/// A standalone search page for a theme without `base.html`.
const STANDALONE: &str = r#"<!DOCTYPE html>
<html lang="{{ site.language }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Search · {{ site.title }}</title>
<link rel="stylesheet" href="{{ url(path='css/search.css') }}"></head>
<body><main class="search-page" data-search-page>
<h1 id="search-page-title">Search {{ site.title }}</h1>
<form role="search" action="/search/" method="get" class="search-page__form" aria-labelledby="search-page-title">
<label for="search-page-q">Search for</label>
<input type="search" id="search-page-q" name="q" autocomplete="off" spellcheck="false" data-search-input>
<button type="submit">Search</button>
</form>
<p class="search-page__status" role="status" aria-live="polite" data-search-status></p>
<ol class="search-page__results" data-search-results></ol>
<noscript><p>Search needs JavaScript. You can browse from the <a href="/">home page</a>{% for s in sections %}{% if loop.first %} or a section: {% else %}, {% endif %}<a href="{{ s.path }}">{{ s.title }}</a>{% endfor %}.</p></noscript>
<p><a href="/">{{ site.title }}</a></p>
<script defer src="{{ url(path='js/search.js') }}"></script>
</main></body>
</html>
"#;

/// The client files this build adds, and where the index tells the browser
/// to find them.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// Paths for the manifest.
    pub paths: ClientPaths,
    /// Built-in files the theme lacks: (output site path, content).
    pub builtin: Vec<(String, &'static str)>,
}

/// Registers the built-in client files the theme and site do not provide in
/// `assets` (name -> fingerprinted output path), so templates can use
/// `url(path="js/search.js")` whatever the theme.
pub fn setup(assets: &mut BTreeMap<String, String>) -> Setup {
    let mut builtin = Vec::new();
    for (name, body) in FILES {
        if !assets.contains_key(*name) {
            let out = crate::output::fingerprinted(name, body.as_bytes());
            assets.insert((*name).to_string(), out.clone());
            builtin.push((out, *body));
        }
    }
    let rel = |name: &str| assets[name].trim_start_matches('/').to_string();
    Setup {
        paths: ClientPaths {
            lib: vec![rel(STEMMER)],
            css: Some(rel(CSS)),
        },
        builtin,
    }
}

/// Adds the built-in `search.html` when the theme has none: the default
/// theme's page, keeping only the blocks the theme's `base.html` defines
/// (Tera rejects the others), or a standalone page for a theme without
/// `base.html` or without a `main` block.
pub fn add_template(templates: &mut Templates) {
    if templates.has(super::TEMPLATE) {
        return;
    }
    let base = templates
        .files
        .get("base.html")
        .map(|(_, src)| src.as_str());
    let source = match base {
        Some(base) if block_names(base).any(|b| b == "main") => {
            let defined: Vec<&str> = block_names(base).collect();
            without_blocks(TEMPLATE, |name| !defined.contains(&name))
        }
        _ => STANDALONE.to_string(),
    };
    templates.files.insert(
        super::TEMPLATE.to_string(),
        (PathBuf::from("(built-in) templates/search.html"), source),
    );
}

/// The tags of a template: the text between each `{%` and `%}`, trimmed of
/// whitespace control, with its byte range.
fn tags(src: &str) -> impl Iterator<Item = (&str, usize, usize)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + src[at..].find("{%")?;
        let end = start + src[start..].find("%}")? + 2;
        at = end;
        let inner = src[start + 2..end - 2].trim_matches('-').trim();
        Some((inner, start, end))
    })
}

/// Names of the blocks a template defines.
fn block_names(src: &str) -> impl Iterator<Item = &str> {
    tags(src).filter_map(|(t, _, _)| t.strip_prefix("block ").map(str::trim))
}

/// `src` without the (top-level) blocks for which `drop` is true.
fn without_blocks(src: &str, drop: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(src.len());
    let mut copied = 0;
    let mut open: Option<(&str, usize)> = None;
    let mut depth = 0usize;
    for (tag, start, end) in tags(src) {
        if let Some(name) = tag.strip_prefix("block ").map(str::trim) {
            if depth == 0 && drop(name) {
                open = Some((name, start));
            }
            depth += 1;
        } else if tag.starts_with("endblock") {
            depth = depth.saturating_sub(1);
            if depth == 0
                && let Some((_, from)) = open.take()
            {
                out.push_str(&src[copied..from]);
                copied = end;
            }
        }
    }
    out.push_str(&src[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_the_base_lacks_are_dropped() {
        let base = "<html>{% block title %}T{% endblock title %}{%- block main -%}{%- endblock main -%}</html>";
        let names: Vec<&str> = block_names(base).collect();
        assert_eq!(names, ["title", "main"]);
        let child = "{% extends \"base.html\" %}\n{% block head %}<link>{% block inner %}{% endblock inner %}{% endblock head %}\n{% block main %}M{% endblock main %}\n";
        assert_eq!(
            without_blocks(child, |n| !names.contains(&n)),
            "{% extends \"base.html\" %}\n\n{% block main %}M{% endblock main %}\n"
        );
    }
}
