//! The HTML pass: finds every `<img>` of a rendered text and adds `width`,
//! `height`, `loading` and `srcset`/`sizes`. Working on HTML rather than on
//! Markdown events means images written by shortcodes (`figure`) and raw
//! HTML get the same treatment as `![alt](src)`.

use super::Info;

/// `sizes` for an image in the content column: the full viewport on narrow
/// screens, the column's width on wide ones.
pub const SIZES: &str = "(max-width: 760px) 100vw, 720px";

/// What the caller knows about one `src`.
pub enum Found {
    /// A local image: its info and its site path (`/a/b/photo.jpg`).
    Local(std::sync::Arc<Info>, String),
    /// A local path that names no file.
    Missing,
    /// Not ours to touch (external, data URI, ...).
    Skip,
}

/// One `<img>` tag found in the HTML.
struct Tag<'a> {
    /// Byte offset just after the tag's `>`.
    end: usize,
    /// Attribute names (lowercase) and raw values.
    attrs: Vec<(String, &'a str)>,
}

/// Enriches every `<img>` of `html`. `find` looks up a `src` (entities
/// decoded); `first_eager` keeps the first image of the text eager (it is
/// likely on the first screen). Returns the new HTML (None when nothing
/// changed) and the `src` of every missing image, in order.
pub fn enrich(
    html: &str,
    first_eager: bool,
    find: &mut dyn FnMut(&str) -> Found,
) -> (Option<String>, Vec<String>) {
    let mut missing = Vec::new();
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    let mut at = 0;
    while let Some(i) = html[at..].find("<img") {
        let start = at + i;
        at = start + 4;
        let Some(tag) = parse_tag(html, start) else {
            continue;
        };
        at = tag.end;
        count += 1;
        let Some(src) = tag.attrs.iter().find(|(n, _)| n == "src").map(|(_, v)| *v) else {
            continue;
        };
        let src = unescape(src);
        let (info, site) = match find(&src) {
            Found::Local(info, site) => (info, site),
            Found::Missing => {
                missing.push(src);
                continue;
            }
            Found::Skip => continue,
        };
        let has = |name: &str| tag.attrs.iter().any(|(n, _)| n == name);
        let mut extra = String::new();
        if !has("width") && !has("height") {
            extra.push_str(&format!(
                " width=\"{}\" height=\"{}\"",
                info.width, info.height
            ));
        }
        let eager = first_eager && count == 1;
        if !has("loading") && !eager {
            extra.push_str(" loading=\"lazy\"");
        }
        if !has("decoding") {
            extra.push_str(" decoding=\"async\"");
        }
        if !info.variants.is_empty() && !has("srcset") {
            extra.push_str(" srcset=\"");
            for v in &info.variants {
                extra.push_str(&format!("{} {}w, ", super::variant_path(&site, v), v.width));
            }
            extra.push_str(&format!("{} {}w\" sizes=\"{SIZES}\"", site, info.width));
        }
        if extra.is_empty() {
            continue;
        }
        // Insert before `/>` or `>`.
        let body_end = if html[..tag.end].ends_with("/>") {
            tag.end - 2
        } else {
            tag.end - 1
        };
        let insert_at = html[..body_end].trim_end().len();
        out.push_str(&html[last..insert_at]);
        out.push_str(&extra);
        last = insert_at;
    }
    if last == 0 {
        return (None, missing);
    }
    out.push_str(&html[last..]);
    (Some(out), missing)
}

/// Parses the `<img ...>` starting at `start`; None if it is not one.
fn parse_tag(html: &str, start: usize) -> Option<Tag<'_>> {
    let b = html.as_bytes();
    let mut i = start + 4;
    if !b
        .get(i)
        .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
    {
        return None;
    }
    let mut attrs = Vec::new();
    loop {
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
        {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(Tag { end: i + 1, attrs });
            }
            _ => {
                let name_start = i;
                while b
                    .get(i)
                    .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/'))
                {
                    i += 1;
                }
                let name = html[name_start..i].to_ascii_lowercase();
                let mut value = "";
                if b.get(i) == Some(&b'=') {
                    i += 1;
                    match b.get(i)? {
                        q @ (b'"' | b'\'') => {
                            let q = *q as char;
                            let end = html[i + 1..].find(q)? + i + 1;
                            value = &html[i + 1..end];
                            i = end + 1;
                        }
                        _ => {
                            let vs = i;
                            while b
                                .get(i)
                                .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                            {
                                i += 1;
                            }
                            value = &html[vs..i];
                        }
                    }
                }
                attrs.push((name, value));
            }
        }
    }
}

/// Decodes the entities pulldown-cmark and templates write in attributes.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn info(w: u32, h: u32, variants: &[u32]) -> Arc<Info> {
        Arc::new(Info {
            width: w,
            height: h,
            variants: variants
                .iter()
                .map(|&vw| super::super::Variant {
                    width: vw,
                    height: vw * h / w,
                    file: "x".into(),
                    ext: "jpg",
                })
                .collect(),
        })
    }

    #[test]
    fn adds_size_lazy_and_srcset() {
        let html = r#"<p><img src="a.png" alt="A" /> <img src="/b.jpg" alt="B"> <img src="https://x.org/c.png"> <img src="gone.png" alt=""></p>"#;
        let (out, missing) = enrich(html, true, &mut |src| match src {
            "a.png" => Found::Local(info(100, 50, &[]), "/p/a.png".into()),
            "/b.jpg" => Found::Local(info(2000, 1000, &[720, 1440]), "/b.jpg".into()),
            "gone.png" => Found::Missing,
            _ => Found::Skip,
        });
        let out = out.unwrap();
        assert!(
            out.contains(r#"<img src="a.png" alt="A" width="100" height="50" decoding="async" />"#),
            "{out}"
        );
        assert!(out.contains(r#"<img src="/b.jpg" alt="B" width="2000" height="1000" loading="lazy" decoding="async" srcset="/b.720w.jpg 720w, /b.1440w.jpg 1440w, /b.jpg 2000w" sizes="(max-width: 760px) 100vw, 720px">"#), "{out}");
        assert!(out.contains(r#"<img src="https://x.org/c.png">"#));
        assert_eq!(missing, ["gone.png"]);
    }

    #[test]
    fn keeps_author_attributes_and_ignores_lookalikes() {
        let html = r#"<imgx src="a.png"><img src='a.png' width=10 loading=eager>"#;
        let (out, _) = enrich(html, false, &mut |_| {
            Found::Local(info(100, 50, &[]), "/a.png".into())
        });
        assert_eq!(
            out.unwrap(),
            r#"<imgx src="a.png"><img src='a.png' width=10 loading=eager decoding="async">"#
        );
        let (same, _) = enrich("<p>no images</p>", true, &mut |_| Found::Skip);
        assert!(same.is_none());
    }
}
