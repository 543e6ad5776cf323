//! Local images: every image a page shows must exist, gets `width` and
//! `height` (no layout shift), `loading="lazy"` below the first one, and,
//! when it is wider than the content column, resized variants with
//! `srcset`/`sizes`. Variants live in a cache folder keyed by content hash
//! and width, so an unchanged image costs a hash on the next build and
//! nothing at all in `serve` (which also remembers file stamps).
//!
//! Two ways in:
//! - [`enrich_library`] runs after the Markdown stage over the HTML of every
//!   page and section (so shortcodes and raw HTML are covered too) and
//!   reports missing images at the Markdown file's line and column;
//! - [`Images::lookup`] answers for one `src` on one page, for code that
//!   needs the size or the variants itself (a shortcode, a social card).

mod html;
mod process;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::digest::sha256;
use rayon::prelude::*;

pub use html::{Found, SIZES, enrich};
pub use process::{Info, VARIANT_WIDTHS, Variant, encode_png, write_atomic};

use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::output::Asset;

/// Where resized images go, under the site root (ignored by git and serve).
pub const CACHE_DIR: &str = ".waymark-cache/images";

/// `root/.waymark-cache/SUB`, or, when `.waymark-cache` is a symbolic link
/// (which must be neither written nor read through), a folder of this
/// process under the system's temporary folder.
pub fn cache_dir(root: &Path, sub: &str) -> PathBuf {
    let top = root.join(".waymark-cache");
    let linked = std::fs::symlink_metadata(&top).is_ok_and(|m| m.file_type().is_symlink());
    if linked {
        std::env::temp_dir()
            .join(format!("waymark-cache-{}", std::process::id()))
            .join(sub)
    } else {
        top.join(sub)
    }
}

/// The hint of a missing image.
pub const MISSING_HINT: &str = "put it in static/ (and write `/name.png`), or make the page a bundle: move `page.md` to `page/index.md` with the image beside it";

/// Image info by source file, kept across builds of one `serve`, plus
/// counters for `--verbose` and tests.
#[derive(Default)]
pub struct Images {
    memo: Mutex<HashMap<PathBuf, Stamped>>,
    encoded: AtomicUsize,
    looked_up: AtomicUsize,
}

/// What one source file gave, with the stamp it had.
struct Stamped {
    len: u64,
    modified: Option<SystemTime>,
    result: Result<Arc<Info>, String>,
}

/// Counts for `--verbose`: how many images were read and how many variants
/// had to be encoded (0 on a rebuild with a warm cache).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Distinct local images read.
    pub images: usize,
    /// Variants encoded in this build (the others came from the cache).
    pub encoded: usize,
}

/// What [`Images::lookup`] found for a `src`.
pub enum Lookup {
    /// The image, its site path and its source file.
    Found(Arc<Info>, String),
    /// No file at that path.
    Missing,
    /// Not a local image (external URL, data URI, empty).
    External,
    /// The file exists but cannot be read as an image.
    Unreadable(String),
}

impl Images {
    /// Counts since the last call, then resets them.
    pub fn take_stats(&self) -> Stats {
        Stats {
            images: self.looked_up.swap(0, Ordering::Relaxed),
            encoded: self.encoded.swap(0, Ordering::Relaxed),
        }
    }

    /// The info of `source` (a file), processing it if it is new or changed.
    pub fn info(&self, root: &Path, source: &Path) -> Result<Arc<Info>, String> {
        let meta = std::fs::metadata(source).map_err(|e| e.to_string())?;
        let (len, modified) = (meta.len(), meta.modified().ok());
        if let Some(s) = self
            .memo
            .lock()
            .expect("no panics holding the lock")
            .get(source)
            && s.len == len
            && s.modified == modified
            && modified.is_some()
        {
            return s.result.clone();
        }
        self.looked_up.fetch_add(1, Ordering::Relaxed);
        let result = std::fs::read(source)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                let hash = hex16(&sha256(&bytes));
                let (info, encoded) =
                    process::process(source, &bytes, &hash, &cache_dir(root, "images"))?;
                self.encoded.fetch_add(encoded, Ordering::Relaxed);
                Ok(Arc::new(info))
            });
        self.memo
            .lock()
            .expect("no panics holding the lock")
            .insert(
                source.to_path_buf(),
                Stamped {
                    len,
                    modified,
                    result: result.clone(),
                },
            );
        result
    }

    /// Looks up `src` as written on the page at `page_path` (`/a/b/`):
    /// relative paths are relative to the page's folder (its bundle), `/x`
    /// is a file under `static/` or `content/`. `files` maps site paths to
    /// source files (see [`files_by_site_path`]).
    pub fn lookup(
        &self,
        root: &Path,
        files: &HashMap<String, PathBuf>,
        page_path: &str,
        src: &str,
    ) -> Lookup {
        let Some(site) = site_path(page_path, src) else {
            return Lookup::External;
        };
        let Some(source) = files.get(&site) else {
            return Lookup::Missing;
        };
        match self.info(root, source) {
            Ok(info) => Lookup::Found(info, site),
            Err(e) => Lookup::Unreadable(e),
        }
    }
}

/// Site path -> source file of every static and content file.
pub fn files_by_site_path(assets: &[Asset]) -> HashMap<String, PathBuf> {
    assets
        .iter()
        .map(|a| (a.output.clone(), a.source.clone()))
        .collect()
}

/// The site path of a variant of the image at `site` (`/a/p.jpg` ->
/// `/a/p.720w.jpg`).
pub fn variant_path(site: &str, v: &Variant) -> String {
    let (dir, name) = site.rsplit_once('/').unwrap_or(("", site));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    format!("{dir}/{stem}.{}w.{}", v.width, v.ext)
}

/// The site path `src` names from the page at `page_path`, or None for
/// anything that is not a local file (a scheme, `//host`, `data:`, `#x`).
fn site_path(page_path: &str, src: &str) -> Option<String> {
    let src = src.split(['?', '#']).next().unwrap_or_default();
    if src.is_empty() || src.starts_with("//") || src.contains(':') {
        return None;
    }
    let src = percent_encoding::percent_decode_str(src)
        .decode_utf8()
        .ok()?
        .into_owned();
    let joined = if src.starts_with('/') {
        src
    } else {
        let dir = match page_path.rfind('/') {
            Some(i) => &page_path[..=i],
            None => "/",
        };
        format!("{dir}{src}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Enriches the `<img>` tags of every page and section (body and summary)
/// of `lib`, in parallel. Returns the errors (missing or unreadable images,
/// at the Markdown file's line and column) and the variant files to copy.
pub fn enrich_library(
    root: &Path,
    lib: &mut Library,
    files: &HashMap<String, PathBuf>,
    images: &Images,
) -> (Vec<Diagnostic>, Vec<Asset>) {
    let variants = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let one = |file: &Path,
               source: &str,
               body_start: usize,
               page_path: &str,
               html: &mut String,
               first_eager: bool| {
        if !html.contains("<img") {
            return;
        }
        let mut problems = Vec::new();
        let (new, _) = enrich(html, first_eager, &mut |src| {
            match images.lookup(root, files, page_path, src) {
                Lookup::Found(info, site) => {
                    let mut v = variants.lock().expect("no panics holding the lock");
                    for var in &info.variants {
                        v.push(Asset {
                            source: var.file.clone(),
                            output: variant_path(&site, var),
                        });
                    }
                    Found::Local(info, site)
                }
                Lookup::Missing => {
                    problems.push(src.to_string());
                    Found::Missing
                }
                // A file we cannot read as an image (a format imagesize does
                // not know, a placeholder) is copied and shown as written.
                Lookup::Unreadable(_) => Found::Skip,
                Lookup::External => Found::Skip,
            }
        });
        if let Some(new) = new {
            *html = new;
        }
        let mut errs = errors.lock().expect("no panics holding the lock");
        for src in problems {
            let offset = body_start + locate(&source[body_start..], &src);
            errs.push(
                Diagnostic::at_offset(
                    file,
                    source,
                    offset,
                    format!("image `{src}` does not exist"),
                )
                .with_hint(MISSING_HINT),
            );
        }
    };
    let pages = lib.pages.par_iter_mut().map(|p| &mut p.doc);
    let sections = lib.sections.par_iter_mut().map(|s| &mut s.doc);
    pages.chain(sections).for_each(|d| {
        // Only a text with an image is copied (the Markdown output is
        // shared with `serve`'s cache) and checked.
        if !d.rendered.has_images {
            return;
        }
        let r = std::sync::Arc::make_mut(&mut d.rendered);
        let (file, source, start, path) = (&d.file, &d.source, d.body_start, &d.path);
        one(file, source, start, path, &mut r.html, true);
        one(file, source, start, path, &mut r.summary, false);
    });
    let mut variants = variants.into_inner().unwrap_or_default();
    variants.sort_by(|a, b| a.output.cmp(&b.output));
    variants.dedup_by(|a, b| a.output == b.output);
    (errors.into_inner().unwrap_or_default(), variants)
}

/// The offset in `markdown` of the image whose source is `src`: the `!` of
/// `![alt](src)`, else where `src` is written (a shortcode, raw HTML), else 0.
pub fn locate(markdown: &str, src: &str) -> usize {
    use crate::markdown::scan::{Dialect, Mark, scan};
    for (offset, mark) in scan(markdown, Dialect::Site) {
        if let Mark::Image(dest) = mark
            && dest == src
        {
            return offset;
        }
    }
    markdown.find(src).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_resolve_against_the_page_folder() {
        assert_eq!(site_path("/a/b/", "p.png").as_deref(), Some("/a/b/p.png"));
        assert_eq!(
            site_path("/a/b/", "./x/p.png").as_deref(),
            Some("/a/b/x/p.png")
        );
        assert_eq!(
            site_path("/a/b/", "../p%20q.png").as_deref(),
            Some("/a/p q.png")
        );
        assert_eq!(
            site_path("/a/b/", "/img/p.png?v=1").as_deref(),
            Some("/img/p.png")
        );
        assert_eq!(site_path("/", "https://x.org/p.png"), None);
        assert_eq!(site_path("/", "//cdn/p.png"), None);
        assert_eq!(site_path("/", "data:image/png;base64,xx"), None);
    }

    #[test]
    fn variant_paths_keep_the_folder() {
        let v = Variant {
            width: 720,
            height: 1,
            file: "x".into(),
            ext: "jpg",
        };
        assert_eq!(variant_path("/a/photo.jpeg", &v), "/a/photo.720w.jpg");
    }

    #[test]
    fn locate_finds_the_image_not_the_text() {
        let md = "See photo.png here.\n\n![A photo](photo.png)\n";
        assert_eq!(locate(md, "photo.png"), 21);
        assert_eq!(locate("{{ figure(src=\"m.png\") }}", "m.png"), 15);
    }
}
