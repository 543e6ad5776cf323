//! Writing the site: a staging folder beside the output, swapped in only
//! when everything succeeded; static files with fingerprinted names; the
//! sitemap, feed, robots.txt and alias redirects.

mod assets;
mod feeds;
pub mod links;

use std::path::{Path, PathBuf};

pub use assets::{Asset, collect_assets, fingerprinted};
pub use feeds::{FeedEntry, SitemapEntry, alias_page, atom_feed, robots_txt, sitemap, xml_escape};
pub use links::LinkStyle;

/// A build folder that becomes the output only on [`Staging::commit`].
/// Dropped without committing, it deletes itself and the output is untouched.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.waymark-staging-PID` next to `target`, and clears leftovers of crashed builds.
    pub fn new(target: &Path) -> std::io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().to_string());
        for entry in std::fs::read_dir(parent)?.flatten() {
            let n = entry.file_name().to_string_lossy().to_string();
            if n.starts_with(&format!(".waymark-staging-{name}-"))
                || n == format!(".waymark-old-{name}")
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = parent.join(format!(".waymark-staging-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at the site path `rel` (`a/b/index.html`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(rel.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Copies a file to the site path `rel`.
    pub fn copy(&self, from: &Path, rel: &str) -> std::io::Result<()> {
        let path = self.dir.join(rel.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, path).map(|_| ())
    }

    /// Swaps the staging folder in place of the target. The old output is
    /// moved aside first, so at no moment does the target hold a mix.
    pub fn commit(mut self) -> std::io::Result<()> {
        let parent = self
            .target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = self
            .target
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().to_string());
        let old = parent.join(format!(".waymark-old-{name}"));
        if self.target.exists() {
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous site back rather than leave nothing.
            let _ = std::fs::rename(&old, &self.target);
            return Err(e);
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The file a site path is written to: `/a/` -> `a/index.html`.
pub fn file_for(site_path: &str) -> String {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}
