//! Static files: the theme's `static/`, the site's `static/` (wins on the
//! same name) and files under `content/`. CSS and JS get a content hash in
//! their name so hosts can cache them forever.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::digest::sha256;

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
        by_name.extend(crate::content::files_under(dir));
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

/// `css/site.css` + bytes -> `/css/site.1a2b3c4d.css`.
pub fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let hash = sha256(bytes);
    let short: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("/{stem}.{short}.{ext}"),
        None => format!("/{name}.{short}"),
    }
}
