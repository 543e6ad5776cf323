//! Static files: the theme's `static/`, the site's `static/` (wins on the
//! same name) and files under `content/`. CSS and JS get a content hash in
//! their name so hosts can cache them forever.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use walkdir::WalkDir;

/// One file to copy.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where it comes from.
    pub source: PathBuf,
    /// Its site path in the output (`/css/site.1a2b3c4d.css`).
    pub output: String,
}

/// Collects static files and returns (files to copy, name -> output path).
/// `extra` are content files already mapped to site paths.
pub fn collect_assets(
    dirs: &[PathBuf],
    extra: &[(PathBuf, String)],
) -> std::io::Result<(Vec<Asset>, BTreeMap<String, String>)> {
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs {
        for entry in WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file()
                || crate::content::is_ignored_name(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let rel = rel_name(dir, entry.path());
            by_name.insert(rel, entry.path().to_path_buf());
        }
    }
    let mut assets = Vec::new();
    let mut map = BTreeMap::new();
    for (name, source) in by_name {
        let output = if name.ends_with(".css") || name.ends_with(".js") {
            fingerprinted(&name, &std::fs::read(&source)?)
        } else {
            format!("/{name}")
        };
        map.insert(name, output.clone());
        assets.push(Asset { source, output });
    }
    for (source, site) in extra {
        map.insert(site.trim_start_matches('/').to_string(), site.clone());
        assets.push(Asset {
            source: source.clone(),
            output: site.clone(),
        });
    }
    Ok((assets, map))
}

fn rel_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `css/site.css` + bytes -> `/css/site.1a2b3c4d.css`.
pub fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let short: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("/{stem}.{short}.{ext}"),
        None => format!("/{name}.{short}"),
    }
}
