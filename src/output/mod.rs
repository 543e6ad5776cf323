//! Writing the site: where files may go (paths, claims), a staging folder
//! beside the output, swapped in only when everything succeeded; static
//! files with fingerprinted names; the sitemap, feed, robots.txt and alias
//! redirects ([`generated`]); relative links.

mod assets;
pub mod claims;
mod feeds;
pub mod generated;
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

/// The path part of a base URL, with slashes on both ends: `/` or `/sub/`.
/// The one place that reads it: the 404 page's links, `serve`'s sub-path
/// and `check`'s hints agree.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let path = if base_url.contains("://") {
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("https://example.org"), "/");
        assert_eq!(base_path("https://example.org/sub"), "/sub/");
        assert_eq!(base_path("https://example.org/a/b/"), "/a/b/");
        assert_eq!(base_path("https://example.org/a/?x#y"), "/a/");
        assert_eq!(base_path("/docs/"), "/docs/");
    }
}
