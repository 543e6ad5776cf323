//! Who may read the development site. The server listens on loopback, but
//! any page the visitor has open can still send requests to 127.0.0.1: a
//! `<script src>` of the search index, an `EventSource`, an image. Three
//! checks keep those pages out while same-origin pages, typed-in URLs,
//! links followed from elsewhere and tools such as curl keep working:
//!
//! - Host: on loopback, the `Host` header must name a loopback host (no DNS
//!   rebinding);
//! - Fetch Metadata: a request the browser marks `Sec-Fetch-Site:
//!   cross-site` or `same-site` (another port of 127.0.0.1 is the same site)
//!   is refused unless it is a top-level navigation, which cannot read the
//!   answer;
//! - Origin: a request that carries an `Origin` must come from this server's
//!   own origin (`null`, from `file://` pages and sandboxes, is refused).
//!
//! Clients that send no Fetch Metadata and no Origin (curl, scripts, older
//! browsers) are let through: a browser that sends neither also applies
//! `Cross-Origin-Resource-Policy: same-origin`, which every answer carries.

use axum::http::{HeaderMap, HeaderValue, header};

/// Why a request is refused (the text of the 403 answer).
pub type Refusal = &'static str;

/// Checks a request's headers; `loopback_only` when listening on loopback.
pub fn check(headers: &HeaderMap, loopback_only: bool) -> Result<(), Refusal> {
    let host = headers.get(header::HOST);
    if loopback_only && !loopback_host(host) {
        return Err("forbidden: unexpected Host header");
    }
    if !fetch_metadata_allows(headers) {
        return Err("forbidden: a page from another site cannot read this development server");
    }
    if let Some(origin) = headers.get(header::ORIGIN)
        && !same_origin(origin, host)
    {
        return Err("forbidden: the request's Origin is not this server");
    }
    Ok(())
}

fn value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Fetch Metadata: same-origin, user-initiated (`none`) and absent are fine;
/// from another site only a top-level navigation (`navigate` + `document`).
fn fetch_metadata_allows(headers: &HeaderMap) -> bool {
    let Some(site) = value(headers, "sec-fetch-site") else {
        return true;
    };
    match site.trim().to_ascii_lowercase().as_str() {
        "same-origin" | "none" => true,
        _ => {
            value(headers, "sec-fetch-mode").is_some_and(|m| m.eq_ignore_ascii_case("navigate"))
                && value(headers, "sec-fetch-dest")
                    .is_none_or(|d| d.eq_ignore_ascii_case("document"))
        }
    }
}

/// `Origin: http://HOST` where HOST is exactly the request's `Host`.
fn same_origin(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), host.map(|h| h.to_str())) else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .is_some_and(|o| o.eq_ignore_ascii_case(host.trim()))
}

/// `localhost`, `127.x.y.z` or `[::1]`, with any port (or no Host at all,
/// as HTTP/1.0 clients send).
pub fn loopback_host(host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return host.is_none();
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(n, _)| n)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:1111"));
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_loopback_hosts() {
        let h = |s: &str| loopback_host(Some(&HeaderValue::from_str(s).unwrap()));
        assert!(h("127.0.0.1:1111") && h("localhost:1111") && h("[::1]:80") && h("127.0.0.2"));
        assert!(h("LOCALHOST") && h("app.localhost:3000"));
        assert!(!h("evil.example:1111") && !h("192.168.1.2:1111") && !h("[::2]:1"));
        assert!(loopback_host(None));
    }

    #[test]
    fn fetch_metadata_and_origin() {
        let ok = |p: &[(&'static str, &str)]| check(&headers(p), true).is_ok();
        assert!(ok(&[]));
        assert!(ok(&[
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "no-cors")
        ]));
        assert!(ok(&[
            ("sec-fetch-site", "none"),
            ("sec-fetch-mode", "navigate")
        ]));
        assert!(ok(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", "document")
        ]));
        assert!(!ok(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "no-cors"),
            ("sec-fetch-dest", "script")
        ]));
        assert!(!ok(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", "iframe")
        ]));
        assert!(!ok(&[
            ("sec-fetch-site", "same-site"),
            ("sec-fetch-mode", "cors")
        ]));
        assert!(ok(&[("origin", "http://127.0.0.1:1111")]));
        assert!(!ok(&[("origin", "http://127.0.0.1:2222")]));
        assert!(!ok(&[("origin", "null")]));
        assert!(!ok(&[("origin", "https://evil.example")]));
    }
}
