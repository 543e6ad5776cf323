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
///
/// This runs over every byte of every page written, so it is written to be
/// cheap: it jumps from `=` to `=` with `str::find` (memchr), checks the
/// cheap conditions (a quote, then one `/`) before comparing attribute
/// names, and writes each rewritten link straight into the output.
pub fn rewrite(html: &str, current_dir: &str, style: LinkStyle, base_path: &str) -> String {
    let dir = Dir::new(current_dir);
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let bytes = html.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(found) = html[i..].find('=') {
        let pos = i + found;
        i = pos + 1;
        // `pos` points at '='; a site path looks like `="/x` or `='/x`.
        if pos + 2 >= bytes.len() {
            continue;
        }
        let quote = bytes[pos + 1];
        if (quote != b'"' && quote != b'\'') || bytes[pos + 2] != b'/' {
            continue;
        }
        if !is_link_attr(html, pos) {
            continue;
        }
        let value_start = pos + 2;
        let Some(len) = html[value_start..].find(quote as char) else {
            continue;
        };
        let value = &html[value_start..value_start + len];
        if value.starts_with("//") {
            continue;
        }
        out.push_str(&html[last..value_start]);
        if pos >= 6 && bytes[pos - 6..pos].eq_ignore_ascii_case(b"srcset") {
            for (k, part) in value.split(',').enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                let part = part.trim();
                let (url, size) = part.split_once(' ').unwrap_or((part, ""));
                if url.starts_with('/') {
                    link_into(&mut out, url, &dir, style, base_path);
                } else {
                    out.push_str(url);
                }
                if !size.is_empty() {
                    out.push(' ');
                    out.push_str(size);
                }
            }
        } else {
            link_into(&mut out, value, &dir, style, base_path);
        }
        last = value_start + len;
        i = last;
    }
    out.push_str(&html[last..]);
    out
}

/// True when the `=` at `pos` ends one of [`ATTRS`] preceded by whitespace.
fn is_link_attr(html: &str, pos: usize) -> bool {
    let bytes = html.as_bytes();
    ATTRS.iter().any(|a| {
        pos + 1 >= a.len() && {
            let start = pos + 1 - a.len();
            start > 0
                && bytes[start..=pos].eq_ignore_ascii_case(a.as_bytes())
                && matches!(bytes[start - 1], b' ' | b'\n' | b'\t' | b'\r')
        }
    })
}

/// One site-root path, rewritten for a file in `current_dir`.
pub fn link(target: &str, current_dir: &str, style: LinkStyle, base_path: &str) -> String {
    let mut out = String::with_capacity(target.len() + 8);
    link_into(&mut out, target, &Dir::new(current_dir), style, base_path);
    out
}

/// The folder of the file being written, measured once for all its links.
struct Dir<'a> {
    path: &'a str,
    /// Number of segments.
    depth: usize,
    /// `/a/b/`: starts and ends with `/`, no empty segment.
    clean: bool,
}

impl<'a> Dir<'a> {
    fn new(path: &'a str) -> Self {
        Dir {
            path,
            depth: segments(path).count(),
            clean: is_clean(path) && path.ends_with('/'),
        }
    }
}

/// Starts with `/` and has no empty segment (`//`).
fn is_clean(path: &str) -> bool {
    path.starts_with('/') && !path.as_bytes().windows(2).any(|w| w == b"//")
}

/// [`link`], appending to `out` without allocating.
fn link_into(out: &mut String, target: &str, dir: &Dir, style: LinkStyle, base_path: &str) {
    let split = target
        .bytes()
        .position(|b| b == b'#' || b == b'?')
        .unwrap_or(target.len());
    let (path, suffix) = target.split_at(split);
    if style == LinkStyle::Absolute {
        out.push_str(base_path);
        out.push_str(path.trim_start_matches('/'));
        out.push_str(suffix);
        return;
    }
    let is_dir = path.ends_with('/');
    let start = out.len();
    if dir.clean && is_clean(path) {
        // The usual case, and the hot one (a section sidebar is dozens of
        // links per page): with no empty segments, the shared folders are
        // the common byte prefix up to its last `/`, and the rest of the
        // path is written as it is.
        let (p, d) = (path.as_bytes(), dir.path.as_bytes());
        let same = p.iter().zip(d).take_while(|(a, b)| a == b).count();
        let boundary = p[..same]
            .iter()
            .rposition(|&b| b == b'/')
            .map_or(0, |i| i + 1);
        let common = p[..boundary].iter().filter(|&&b| b == b'/').count() - 1;
        for _ in common..dir.depth {
            out.push_str("../");
        }
        out.push_str(&path[boundary..]);
    } else {
        relative_by_segments(out, path, dir);
    }
    if style == LinkStyle::Portable && is_dir {
        out.push_str("index.html");
    } else if out.len() == start {
        out.push_str("./");
    }
    out.push_str(suffix);
}

/// The general case of [`link_into`]: `path` relative to `dir`, segment by segment.
fn relative_by_segments(out: &mut String, path: &str, dir: &Dir) {
    let to_len = segments(path).count();
    let is_dir = path.ends_with('/');
    // A file's own folder cannot be shared past its last segment.
    let common = segments(dir.path)
        .zip(segments(path))
        .take_while(|(a, b)| a == b)
        .count();
    let common = if !is_dir && common == to_len {
        common.saturating_sub(1)
    } else {
        common
    };
    for _ in common..dir.depth {
        out.push_str("../");
    }
    for (k, seg) in segments(path).skip(common).enumerate() {
        if k > 0 {
            out.push('/');
        }
        out.push_str(seg);
    }
    if is_dir && common < to_len {
        out.push('/');
    }
}

/// The non-empty `/`-separated segments of a path.
fn segments(s: &str) -> Segments<'_> {
    Segments { s, pos: 0 }
}

struct Segments<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        while self.pos < b.len() && b[self.pos] == b'/' {
            self.pos += 1;
        }
        if self.pos == b.len() {
            return None;
        }
        let start = self.pos;
        while self.pos < b.len() && b[self.pos] != b'/' {
            self.pos += 1;
        }
        Some(&self.s[start..self.pos])
    }
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

    #[test]
    fn byte_prefix_path_agrees_with_segments() {
        let paths = [
            "/",
            "/a",
            "/a/",
            "/a/b",
            "/a/b/",
            "/a/bc/",
            "/a/b/c/",
            "/ab/",
            "/b/a/",
            "/a/b/c/d.png",
            "/x//y/",
            "//",
            "/a/./b/",
        ];
        let dirs = [
            "/", "/a/", "/a/b/", "/a/bc/", "/a/b/c/", "/b/", "/a//b/", "/a",
        ];
        for d in dirs {
            let dir = Dir::new(d);
            for p in paths {
                let mut slow = String::new();
                relative_by_segments(&mut slow, p, &dir);
                if slow.is_empty() {
                    slow.push_str("./");
                }
                assert_eq!(link(p, d, LinkStyle::Relative, "/"), slow, "{p} from {d}");
            }
        }
    }

    #[test]
    fn srcset_case_and_unquoted() {
        let html = r#"<img SRCSET="/a.png 1x, https://x.org/b.png 2x,/c.png" HREF='/a/b/#k' href=/raw data-url="/d/">"#;
        let out = rewrite(html, "/a/", LinkStyle::Relative, "/");
        assert_eq!(
            out,
            r#"<img SRCSET="../a.png 1x, https://x.org/b.png 2x, ../c.png" HREF='b/#k' href=/raw data-url="../d/">"#
        );
        let out = rewrite(html, "/a/", LinkStyle::Absolute, "/sub/");
        assert!(out.contains(r#"HREF='/sub/a/b/#k'"#), "{out}");
    }
}
