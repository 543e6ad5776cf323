//! The one place that decides which file a site path may become.
//!
//! Aliases, slugs, taxonomy paths and static file names come from authors
//! and configuration, so a path such as `/../../x/` or `..\x` or `C:\x` must
//! never reach the file system. [`OutputPath`] can only be made from a
//! validated, normalized, relative path; every writer of the output takes
//! one, so no other code needs to think about escaping the output folder.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file inside the output folder, relative and normalized
/// (`a/b/index.html`): no `..`, no `.`, no empty segment, no backslash, no
/// drive letter, no control character, never one of Waymark's own names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputPath(String);

/// Why a site path cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong, in a few words, for messages.
    pub reason: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// The hint every message about a rejected path carries.
pub const PATH_HINT: &str = "write a path inside the site, such as `/old/path/` or `/old/page.html`; `..`, `\\`, drive letters (`C:`) and control characters are not allowed";

/// Looked up by its text (`a/b/index.html`): the derived order and hash
/// are those of the text.
impl std::borrow::Borrow<str> for OutputPath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl OutputPath {
    /// The file of a site URL path: `/a/` -> `a/index.html`, `/x.html` ->
    /// `x.html`, `/` -> `index.html`. `.` and empty segments are dropped (so
    /// `/./` is the home page and collides with it); `..`, backslashes,
    /// drive letters, control characters and names starting with
    /// `.waymark` are refused.
    pub fn from_url(site_path: &str) -> Result<OutputPath, PathError> {
        let err = |reason: String| Err(PathError { reason });
        if let Some(c) = site_path.chars().find(|c| c.is_control()) {
            return err(format!("it holds the control character U+{:04X}", c as u32));
        }
        if site_path.contains('\\') {
            return err("it holds a backslash (`\\`)".into());
        }
        let is_dir = site_path.is_empty() || site_path.ends_with('/');
        let mut segments = Vec::new();
        for seg in site_path.split('/') {
            match seg {
                "" | "." => {}
                ".." => return err("it climbs out of the site with `..`".into()),
                s if s.contains(':') => {
                    return err(format!(
                        "the segment `{s}` holds `:` (a drive letter or scheme)"
                    ));
                }
                s if s.starts_with(".waymark") => {
                    return err(format!("`{s}` is a name Waymark keeps for itself"));
                }
                s => segments.push(s),
            }
        }
        let mut file = segments.join("/");
        if is_dir || file.is_empty() {
            if !file.is_empty() {
                file.push('/');
            }
            file.push_str("index.html");
        }
        Ok(OutputPath(file))
    }

    /// The path relative to the output folder, with `/` separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file under `dir` (the output or staging folder).
    pub fn under(&self, dir: &Path) -> PathBuf {
        let mut p = dir.to_path_buf();
        p.extend(self.0.split('/'));
        p
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> String {
        OutputPath::from_url(p).unwrap().0
    }

    #[test]
    fn normalizes_site_paths() {
        assert_eq!(ok("/"), "index.html");
        assert_eq!(ok(""), "index.html");
        assert_eq!(ok("/./"), "index.html");
        assert_eq!(ok("//a//b/"), "a/b/index.html");
        assert_eq!(ok("/a/./x.html"), "a/x.html");
        assert_eq!(ok("robots.txt"), "robots.txt");
    }

    #[test]
    fn refuses_everything_that_leaves_the_output() {
        for bad in [
            "/../../x/",
            "../../../../some/dir/x.html",
            "/a/../../b",
            "..\\x",
            "/a\\..\\b/",
            "C:\\Windows\\x",
            "/C:/x",
            "/a\u{1}b/",
            "/.waymark-output",
            "/x/..",
        ] {
            assert!(OutputPath::from_url(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn under_stays_inside() {
        let p = OutputPath::from_url("/a/b/").unwrap();
        assert_eq!(p.under(Path::new("/out")), Path::new("/out/a/b/index.html"));
    }
}
