//! Writing the site: a staging folder beside the output, swapped in only
//! when everything succeeded; static files with fingerprinted names; the
//! sitemap, feed, robots.txt and alias redirects.

mod assets;
pub mod claims;
mod feeds;
pub mod links;
pub mod paths;
pub mod target;

pub use assets::{Asset, collect_assets, fingerprinted};
pub use feeds::{FeedEntry, SitemapEntry, alias_page, atom_feed, robots_txt, sitemap, xml_escape};
pub use links::LinkStyle;
pub use paths::{OutputPath, PATH_HINT};
pub use target::{MARKER, Staging, Target};

/// The file a site path is written to: `/a/` -> `a/index.html` (see
/// [`OutputPath::from_url`]; paths it refuses never reach a build's output).
pub fn file_for(site_path: &str) -> String {
    if let Ok(p) = OutputPath::from_url(site_path) {
        return p.as_str().to_string();
    }
    let p = site_path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}
