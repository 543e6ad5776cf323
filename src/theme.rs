//! The default theme, compiled into the binary.
//!
//! `theme: default` with no `themes/default/` folder in the site uses this
//! copy, so upgrading Waymark upgrades the theme and `init` writes no theme.
//! The rest of the pipeline reads themes from folders (templates, static
//! files, `serve`'s file bodies), so the embedded files are written once to a
//! per-version folder in the user's cache and read from there.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::digest::Hasher;
use include_dir::{Dir, include_dir};

/// The name that selects the built-in theme.
pub const DEFAULT: &str = "default";

static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a site's theme lives and whether it is the built-in copy.
#[derive(Debug, Clone)]
pub struct ThemeDir {
    /// The folder holding `templates/` and `static/`.
    pub path: PathBuf,
    /// True when this is the binary's own copy of the default theme.
    pub builtin: bool,
}

/// The theme folder for `name`: `root/themes/NAME` when it exists (a full
/// theme), else the built-in copy for `default`.
pub fn locate(root: &Path, name: &str) -> ThemeDir {
    let own = root.join("themes").join(name);
    if own.is_dir() || name != DEFAULT {
        return ThemeDir {
            path: own,
            builtin: false,
        };
    }
    match builtin_dir() {
        Some(path) => ThemeDir {
            path: path.clone(),
            builtin: true,
        },
        None => ThemeDir {
            path: own,
            builtin: false,
        },
    }
}

/// How a theme file is named in messages: `themes/default/templates/x.html
/// (built into waymark)` for the built-in copy.
pub fn display(rel: &str) -> String {
    format!("themes/{DEFAULT}/{rel} (built into waymark)")
}

/// The built-in theme's files as (relative path, bytes), in path order.
pub fn files() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    collect(&THEME, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        out.push((rel, f.contents()));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The folder the built-in theme was written to, made once per process.
fn builtin_dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let files = files();
        let mut h = Hasher::new();
        for (rel, bytes) in &files {
            h.update(rel.as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        let hash: String = h.finish()[..8].iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("theme-{DEFAULT}-{hash}");
        cache_roots()
            .into_iter()
            .map(|base| base.join(&name))
            .find(|dir| materialize(dir, &files).is_ok())
    })
    .as_ref()
}

/// The first writable cache folder (see [`cache_roots`]), for files
/// Waymark generates outside the site (the brand stylesheet).
pub fn cache_root() -> std::io::Result<PathBuf> {
    let mut last = None;
    for dir in cache_roots() {
        match std::fs::create_dir_all(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no cache folder")))
}

/// `$WAYMARK_CACHE`, `$XDG_CACHE_HOME/waymark`, `~/.cache/waymark`, then
/// the system temporary folder.
fn cache_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(d) = std::env::var_os("WAYMARK_CACHE") {
        roots.push(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        roots.push(PathBuf::from(d).join("waymark"));
    }
    if let Some(d) = std::env::var_os("HOME") {
        roots.push(PathBuf::from(d).join(".cache").join("waymark"));
    }
    roots.push(std::env::temp_dir().join("waymark"));
    roots
}

/// Makes `dir` hold exactly the embedded bytes of every file. Files that
/// already match are left alone; others are written to a temporary name and
/// renamed, so concurrent builds never see half a file.
fn materialize(dir: &Path, files: &[(String, &'static [u8])]) -> std::io::Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if std::fs::read(&path).is_ok_and(|on_disk| on_disk == *bytes) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(())
}

/// Site files that replace a theme file of the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Template names (`partials/header.html`) under the site's `templates/`.
    pub templates: Vec<String>,
    /// Static names (`css/site.css`) under the site's `static/`.
    pub statics: Vec<String>,
}

/// Which of the site's `templates/` and `static/` files replace the theme's.
pub fn overrides(root: &Path, theme: &str) -> Overrides {
    let t = locate(root, theme);
    let same = |sub: &str| -> Vec<String> {
        let theirs: std::collections::BTreeSet<String> =
            crate::content::files_under(&t.path.join(sub))
                .into_iter()
                .map(|(name, _)| name)
                .collect();
        let mut ours: Vec<String> = crate::content::files_under(&root.join(sub))
            .into_iter()
            .map(|(name, _)| name)
            .filter(|n| theirs.contains(n))
            .collect();
        ours.sort();
        ours
    };
    Overrides {
        templates: same("templates"),
        statics: same("static"),
    }
}

/// Static files the site replaces although a template links to them by
/// name (`url(path="css/site.css")`): the usual sign of a site that meant
/// to add a few rules and instead dropped the theme's stylesheet.
pub fn replaced_assets(overrides: &Overrides, templates: &[&str]) -> Vec<String> {
    overrides
        .statics
        .iter()
        .filter(|name| {
            let quoted = format!("\"{name}\"");
            templates.iter().any(|src| src.contains(&quoted))
        })
        .cloned()
        .collect()
}

/// The cells a page's `extra.quadrant` may name.
pub const QUADRANTS: [&str; 4] = ["top-left", "top-right", "bottom-left", "bottom-right"];

/// The data the default theme reads from front matter, checked when the
/// site uses it: a section's `extra.matrix` needs `x` and `y`, each with
/// `title`, `start` and `end`; a page's `extra.quadrant` names a cell.
/// Errors point at the key in the file instead of at the theme's template.
pub fn check_data(
    root: &Path,
    config: &crate::config::Config,
    lib: &crate::content::Library,
) -> Vec<crate::diagnostics::Diagnostic> {
    if config.theme != DEFAULT || !root.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // At the `extra.KEY` key of the file's front matter (line 2 on).
    let at = |file: &Path, source: &str, body_start: usize, key: &str, message, hint: String| {
        use crate::yaml::{Step, locate};
        let front = front_matter(source, body_start);
        let (line, col) = locate(front, 2, &[Step::Key("extra"), Step::Key(key)])
            .map_or((1, 1), |found| found.key);
        crate::diagnostics::Diagnostic::at(file, source, line, col, message).with_hint(hint)
    };
    for s in &lib.sections {
        let Some(m) = s.front.extra.get("matrix") else {
            continue;
        };
        let axis_ok = |name: &str| {
            m.get(name).and_then(|a| a.as_object()).is_some_and(|a| {
                ["title", "start", "end"]
                    .iter()
                    .all(|k| a.get(*k).is_some_and(|v| v.is_string()))
            })
        };
        if !(m.is_object() && axis_ok("x") && axis_ok("y")) {
            out.push(at(
                &s.file,
                &s.source,
                s.body_start,
                "matrix",
                "`extra.matrix` needs two axes, `x` and `y`, each with `title`, `start` and `end`".into(),
                "e.g. `x: { title: Time to results, start: Fast, end: Long }` (see docs/templates.md)".into(),
            ));
        }
    }
    for p in &lib.pages {
        let Some(q) = p.front.extra.get("quadrant") else {
            continue;
        };
        let name = q.as_str().unwrap_or_default();
        if !QUADRANTS.contains(&name) {
            let hint = crate::diagnostics::did_you_mean(name, QUADRANTS)
                .unwrap_or_else(|| format!("use one of: {}", QUADRANTS.join(", ")));
            out.push(at(
                &p.file,
                &p.source,
                p.body_start,
                "quadrant",
                format!(
                    "`extra.quadrant: {}` is not a cell of the map",
                    q.as_str().map_or_else(|| q.to_string(), str::to_string)
                ),
                hint,
            ));
        }
    }
    out
}

/// The YAML between a file's `---` lines (it starts on line 2), given
/// where the body starts (just after the closing `---` line).
fn front_matter(source: &str, body_start: usize) -> &str {
    let head = &source[..body_start.min(source.len())];
    let open = head.find('\n').map_or(head.len(), |i| i + 1);
    let close = head
        .trim_end_matches(['\n', '\r'])
        .rfind('\n')
        .map_or(open, |i| i + 1);
    &head[open..close.max(open)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_data_mistakes_point_at_the_key() {
        let site = tempfile::tempdir().unwrap();
        let w = |rel: &str, text: &str| {
            let p = site.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w("site.yaml", "title: T\nbase_url: https://example.org/\n");
        w("content/_index.md", "---\ntitle: Home\n---\n");
        w(
            "content/w/_index.md",
            // A text naming the key comes first: the key is found by the
            // YAML parser's spans, not by searching lines for `matrix:`.
            "---\ntitle: W\ndescription: \"the matrix: two axes\"\nextra:\n  matrix: { title: M }\n---\n",
        );
        w(
            "content/w/a.md",
            "---\ntitle: \"Where quadrant: sits\"\nextra: { quadrant: top-lef }\n---\nquadrant: in the body\n",
        );
        let config = crate::config::Config::load(site.path()).unwrap();
        let lib = crate::content::load(site.path(), &config, Default::default()).unwrap();
        let found = check_data(site.path(), &config, &lib);
        assert_eq!(found.len(), 2, "{found:?}");
        let text: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} {}",
                    d.line,
                    d.column,
                    d.message,
                    d.hint.clone().unwrap_or_default()
                )
            })
            .collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("5:3 `extra.matrix` needs")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("3:10 `extra.quadrant: top-lef`") && t.contains("top-left")),
            "{text:?}"
        );
    }

    #[test]
    fn a_site_without_a_theme_folder_gets_the_built_in_copy() {
        let site = tempfile::tempdir().unwrap();
        let t = locate(site.path(), DEFAULT);
        assert!(t.builtin);
        let base = std::fs::read_to_string(t.path.join("templates/base.html")).unwrap();
        assert_eq!(
            base.as_bytes(),
            files()
                .iter()
                .find(|(r, _)| r == "templates/base.html")
                .unwrap()
                .1
        );
    }

    #[test]
    fn a_theme_folder_in_the_site_wins() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("themes/default/templates")).unwrap();
        let t = locate(site.path(), DEFAULT);
        assert!(!t.builtin);
        assert_eq!(t.path, site.path().join("themes/default"));
        assert!(!locate(site.path(), "other").builtin);
    }
}
