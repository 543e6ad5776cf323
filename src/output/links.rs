//! Turns the site-root paths templates and Markdown produce (`/a/b/`) into
//! links relative to the file being written (`../b/`), so one build works at
//! a domain root, under any sub-path and, in portable mode, opened from disk.

/// How links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStyle {
    /// `../b/`: needs a server that maps folders to `index.html`.
    Relative,
    /// `../b/index.html`: works from `file://`.
    Portable,
    /// `/sub/b/`: for `404.html`, which a server shows at any depth.
    Absolute,
}

const ATTRS: [&str; 6] = [
    "href=",
    "src=",
    "action=",
    "srcset=",
    "poster=",
    "data-url=",
];

/// Rewrites every attribute value starting with one `/` in `html`.
/// `current_dir` is the site-root folder of the file (`/a/b/`); `base_path`
/// is the path part of `base_url` (`/sub/`), used for [`LinkStyle::Absolute`].
pub fn rewrite(html: &str, current_dir: &str, style: LinkStyle, base_path: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let bytes = html.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(pos) = memchr_eq(bytes, i) {
        // `pos` points at '='; find which attribute precedes it.
        let is_attr = ATTRS.iter().any(|a| {
            let start = pos + 1 - a.len();
            pos + 1 >= a.len()
                && html
                    .get(start..=pos)
                    .is_some_and(|s| s.eq_ignore_ascii_case(a))
                && start > 0
                && matches!(bytes[start - 1], b' ' | b'\n' | b'\t' | b'\r')
        });
        i = pos + 1;
        if !is_attr || pos + 2 >= bytes.len() {
            continue;
        }
        let quote = bytes[pos + 1];
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let value_start = pos + 2;
        let Some(len) = bytes[value_start..].iter().position(|&b| b == quote) else {
            continue;
        };
        let value = &html[value_start..value_start + len];
        if !value.starts_with('/') || value.starts_with("//") {
            continue;
        }
        out.push_str(&html[last..value_start]);
        if html[..pos].ends_with("srcset") {
            let parts: Vec<String> = value
                .split(',')
                .map(|part| {
                    let part = part.trim();
                    let (url, size) = part.split_once(' ').unwrap_or((part, ""));
                    let u = if url.starts_with('/') {
                        link(url, current_dir, style, base_path)
                    } else {
                        url.to_string()
                    };
                    if size.is_empty() {
                        u
                    } else {
                        format!("{u} {size}")
                    }
                })
                .collect();
            out.push_str(&parts.join(", "));
        } else {
            out.push_str(&link(value, current_dir, style, base_path));
        }
        last = value_start + len;
        i = last;
    }
    out.push_str(&html[last..]);
    out
}

fn memchr_eq(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == b'=')
        .map(|p| p + from)
}

/// One site-root path, rewritten for a file in `current_dir`.
pub fn link(target: &str, current_dir: &str, style: LinkStyle, base_path: &str) -> String {
    let split = target.find(['#', '?']).unwrap_or(target.len());
    let (path, suffix) = target.split_at(split);
    if style == LinkStyle::Absolute {
        return format!("{}{}{suffix}", base_path, path.trim_start_matches('/'));
    }
    let from: Vec<&str> = current_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_dir = path.ends_with('/');
    // A file's own folder cannot be shared past its last segment.
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let common = if !is_dir && common == to.len() {
        common.saturating_sub(1)
    } else {
        common
    };
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    if is_dir && common < to.len() {
        out.push('/');
    }
    if style == LinkStyle::Portable && is_dir {
        out.push_str("index.html");
    } else if out.is_empty() {
        out.push_str("./");
    }
    out.push_str(suffix);
    out
}

/// The folder a site path's file lives in: `/a/b/` -> `/a/b/`, `/x.html` -> `/`.
pub fn dir_of(site_path: &str) -> &str {
    if site_path.ends_with('/') {
        site_path
    } else {
        site_path.rfind('/').map_or("/", |i| &site_path[..=i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(link("/a/b/", "/a/c/", LinkStyle::Relative, "/"), "../b/");
        assert_eq!(link("/", "/a/c/", LinkStyle::Relative, "/"), "../../");
        assert_eq!(link("/a/c/", "/a/c/", LinkStyle::Relative, "/"), "./");
        assert_eq!(link("/a/c/#x", "/a/c/", LinkStyle::Relative, "/"), "./#x");
        assert_eq!(
            link("/css/s.css", "/", LinkStyle::Relative, "/"),
            "css/s.css"
        );
        assert_eq!(
            link("/a/img.png", "/a/", LinkStyle::Relative, "/"),
            "img.png"
        );
        assert_eq!(link("/a/b/", "/", LinkStyle::Relative, "/"), "a/b/");
    }

    #[test]
    fn portable_and_absolute() {
        assert_eq!(link("/", "/a/", LinkStyle::Portable, "/"), "../index.html");
        assert_eq!(
            link("/a/b/#k", "/", LinkStyle::Portable, "/"),
            "a/b/index.html#k"
        );
        assert_eq!(link("/a/", "/a/", LinkStyle::Portable, "/"), "index.html");
        assert_eq!(link("/a/", "/", LinkStyle::Absolute, "/sub/"), "/sub/a/");
    }

    #[test]
    fn rewrites_only_site_paths_in_attributes() {
        let html = r#"<a href="/a/">x</a> <img src='/i.png' alt=""> <a href="https://x.org/">e</a> <a href="//cdn">c</a> <p>href="/no"</p>"#;
        let out = rewrite(html, "/b/", LinkStyle::Relative, "/");
        assert!(out.contains(r#"href="../a/""#), "{out}");
        assert!(out.contains("src='../i.png'"), "{out}");
        assert!(out.contains(r#"href="https://x.org/""#));
        assert!(out.contains(r#"href="//cdn""#));
        assert!(
            out.contains(r#"<p>href="/no"</p>"#),
            "text is not an attribute: {out}"
        );
    }
}
