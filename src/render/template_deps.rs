//! Which templates a template pulls in (extends, include, import), so a
//! rebuild re-renders only the pages whose templates, or anything they
//! pull in, changed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// Templates whose source changed, or that extend, include or import (even
/// indirectly) one that changed. A template that names others in a way we
/// cannot follow (a variable) counts as depending on every template.
pub fn stale_templates(
    old: &BTreeMap<String, (PathBuf, String)>,
    new: &BTreeMap<String, (PathBuf, String)>,
) -> HashSet<String> {
    let mut stale: HashSet<String> = HashSet::new();
    for (name, (_, src)) in new {
        if old.get(name).map(|(_, s)| s) != Some(src) {
            stale.insert(name.clone());
        }
    }
    for name in old.keys() {
        if !new.contains_key(name) {
            stale.insert(name.clone());
        }
    }
    if stale.is_empty() {
        return stale;
    }
    // A component or macro defined in a changed template can be used from
    // anywhere: treat every template as stale.
    let defines_shared = stale.iter().any(|n| {
        [old.get(n), new.get(n)]
            .into_iter()
            .flatten()
            .any(|(_, src)| defines_components(src))
    });
    if defines_shared {
        return old.keys().chain(new.keys()).cloned().collect();
    }
    let names: Vec<&String> = new.keys().collect();
    // Edges: template -> templates it names (in either version).
    let mut uses: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut uses_any: HashSet<&str> = HashSet::new();
    for (name, (_, src)) in old.iter().chain(new.iter()) {
        let refs = template_refs(src);
        match refs {
            Some(list) => {
                let entry = uses.entry(name.as_str()).or_default();
                for n in list {
                    if let Some(known) = names.iter().find(|k| k.as_str() == n) {
                        entry.push(known.as_str());
                    } else if let Some(known) = old.keys().find(|k| k.as_str() == n) {
                        entry.push(known.as_str());
                    }
                }
            }
            None => {
                uses_any.insert(name.as_str());
            }
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for name in old.keys().chain(new.keys()) {
            if stale.contains(name) {
                continue;
            }
            let hit = uses_any.contains(name.as_str())
                || uses
                    .get(name.as_str())
                    .is_some_and(|l| l.iter().any(|u| stale.contains(*u)));
            if hit {
                stale.insert(name.clone());
                changed = true;
            }
        }
    }
    stale
}

fn defines_components(src: &str) -> bool {
    tags(src).any(|t| {
        let t = t.trim_start();
        t.starts_with("component ") || t.starts_with("macro ")
    })
}

/// The bodies of every `{% ... %}` tag.
fn tags(src: &str) -> impl Iterator<Item = &str> {
    src.split("{%").skip(1).filter_map(|rest| {
        let end = rest.find("%}")?;
        Some(rest[..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace()))
    })
}

/// Template names this source extends, includes or imports; `None` when
/// one of them is not a plain string.
fn template_refs(src: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for tag in tags(src) {
        let Some((kw, rest)) = tag.split_once(char::is_whitespace) else {
            continue;
        };
        if !matches!(kw, "extends" | "include" | "import") {
            continue;
        }
        let rest = rest.trim_start();
        let list = rest
            .strip_prefix('[')
            .map(|r| r.split(']').next().unwrap_or(""));
        let candidates: Vec<&str> = match list {
            Some(l) => l.split(',').map(str::trim).collect(),
            None => vec![rest],
        };
        for c in candidates {
            let quote = c.chars().next()?;
            if !matches!(quote, '"' | '\'' | '`') {
                return None;
            }
            let name = c[1..].split(quote).next()?;
            out.push(name.to_string());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_template_references() {
        let src = r#"{% extends "base.html" %}{%- include 'partials/a.html' -%}
{% include ["x.html", "y.html"] ignore missing %}{% import "macros.html" as m %}{{ x }}"#;
        assert_eq!(
            template_refs(src).unwrap(),
            vec![
                "base.html",
                "partials/a.html",
                "x.html",
                "y.html",
                "macros.html"
            ]
        );
        assert_eq!(template_refs("{% include name %}"), None);
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
