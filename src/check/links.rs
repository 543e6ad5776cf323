//! The links of the rendered site: what each page links to, what ids it has,
//! which images lack an `alt`. Read from the final HTML, so links written by
//! templates, raw HTML in content and the menu all count.

use std::collections::HashSet;

use crate::html::{self, Event};

/// What `check` keeps of one rendered page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Its site path (`/a/b/`, `/404.html`).
    pub path: String,
    /// Every `id` (and `<a name>`), for anchors.
    pub ids: HashSet<String>,
    /// Every link as written: `href`, `src`, `action`, `poster`.
    pub links: Vec<String>,
    /// `src` of every `<img>` without an `alt` attribute.
    pub images_without_alt: Vec<String>,
}

/// Reads the links, ids and images of one rendered page.
pub fn scan(path: &str, page: &str) -> Rendered {
    let mut r = Rendered {
        path: path.to_string(),
        ..Rendered::default()
    };
    html::walk(page, |e| {
        let Event::Start(t) = e else { return };
        if let Some(id) = t.attr("id") {
            r.ids.insert(id.to_string());
        }
        let attr = match t.name.as_str() {
            "a" | "area" | "link" => {
                if let Some(name) = t.attr("name").filter(|_| t.name == "a") {
                    r.ids.insert(name.to_string());
                }
                // A canonical link names the published site, not this build.
                if t.name == "link" && t.attr("rel").is_some_and(|rel| rel.contains("canonical")) {
                    return;
                }
                "href"
            }
            "img" | "script" | "iframe" | "source" | "audio" | "video" | "embed" | "track" => {
                if t.name == "img" && t.attr("alt").is_none() {
                    r.images_without_alt
                        .push(t.attr("src").unwrap_or_default().to_string());
                }
                "src"
            }
            "form" => "action",
            _ => return,
        };
        if let Some(v) = t.attr(attr).filter(|v| !v.trim().is_empty()) {
            r.links.push(v.trim().to_string());
        }
        if t.name == "video"
            && let Some(p) = t.attr("poster")
        {
            r.links.push(p.to_string());
        }
    });
    r
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of this site: its site path (`/a/b/`, `/css/x.css`) and fragment.
    Internal(String, Option<String>),
    /// An `http(s)` URL elsewhere.
    External(String),
    /// `mailto:`, `tel:`, `javascript:`, `data:` and the like.
    Other,
}

/// Resolves a link found on the page at `page_path` the way a browser does.
pub fn resolve(page_path: &str, link: &str) -> Target {
    let lower = link.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Target::External(link.to_string());
    }
    if lower.starts_with("//") {
        return Target::External(format!("https:{link}"));
    }
    if let Some(colon) = link.find(':')
        && !link[..colon].contains(['/', '?', '#'])
    {
        return Target::Other;
    }
    let (rest, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (link, None),
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Target::Internal(page_path.to_string(), fragment);
    }
    let mut segs: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        crate::output::links::dir_of(page_path)
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            p => segs.push(p),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    let names_dir =
        path.ends_with('/') || path.ends_with("/.") || path.ends_with("..") || path == ".";
    if names_dir && !out.ends_with('/') {
        out.push('/');
    }
    Target::Internal(percent_decode(&out), fragment)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file a site path is served from, from the root: `/a/` -> `/a/index.html`.
pub fn file_of(site_path: &str) -> String {
    format!("/{}", crate::output::file_for(site_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_like_a_browser() {
        let i = |p: &str, f: Option<&str>| Target::Internal(p.into(), f.map(Into::into));
        assert_eq!(resolve("/a/b/", "../c/#x"), i("/a/c/", Some("x")));
        assert_eq!(resolve("/a/b/", "img.png"), i("/a/b/img.png", None));
        assert_eq!(resolve("/a/b/", "#top"), i("/a/b/", Some("top")));
        assert_eq!(resolve("/a/b/", "../../index.html"), i("/index.html", None));
        assert_eq!(resolve("/a/b/", "../.."), i("/", None));
        assert_eq!(resolve("/", "search/?q=x"), i("/search/", None));
        assert_eq!(resolve("/404.html", "/sub/a/"), i("/sub/a/", None));
        assert_eq!(resolve("/", "a%20b/"), i("/a b/", None));
        assert_eq!(
            resolve("/", "https://x.org/a"),
            Target::External("https://x.org/a".into())
        );
        assert_eq!(resolve("/", "mailto:a@b.c"), Target::Other);
        assert_eq!(resolve("/", "tel:123"), Target::Other);
    }

    #[test]
    fn scan_reads_links_ids_and_images() {
        let page = r#"<link rel="canonical" href="https://x.org/a/"><link rel="stylesheet" href="../css/s.css"><main id="main"><a name="old"></a><a href="../b/#k">b</a><img src="p.png"><img src="q.png" alt=""><form action="../search/"></form></main>"#;
        let r = scan("/a/", page);
        assert_eq!(
            r.links,
            ["../css/s.css", "../b/#k", "p.png", "q.png", "../search/"]
        );
        assert!(r.ids.contains("main") && r.ids.contains("old"));
        assert_eq!(r.images_without_alt, ["p.png"]);
    }
}
