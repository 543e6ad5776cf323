//! `check --external`: is every external link still there?
//!
//! Each URL is tried with `HEAD`, then `GET` when a server refuses `HEAD`,
//! following redirects, with a per-request timeout, at most
//! [`Options::concurrency`] requests at a time, and [`Options::retries`]
//! retries with doubling back-off for failures that may pass (no connection,
//! timeouts, 429 and 5xx answers). Links that answered well are remembered in
//! a cache file for [`Options::ttl`], so repeated runs are fast and polite;
//! failures are always tried again, since they are what an author is fixing.
//!
//! Outcomes keep apart a link that is broken (the server answered 404) from a
//! host that could not be reached at all (no DNS entry, connection refused,
//! TLS failure, timeout), which usually says more about the network than
//! about the link.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// How links are checked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Longest wait for one request, redirects included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Further tries after a failure that may pass.
    pub retries: u32,
    /// Wait before the first retry; doubled for each next one.
    pub backoff: Duration,
    /// Where good results are remembered, if anywhere.
    pub cache: Option<PathBuf>,
    /// How long a good result is trusted.
    pub ttl: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            retries: 2,
            backoff: Duration::from_millis(500),
            cache: None,
            ttl: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// The cache file, relative to the site root.
pub const CACHE_FILE: &str = ".waymark-cache/links.json";

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// A 2xx answer, after redirects.
    Ok {
        /// HTTP status.
        status: u16,
    },
    /// The server answered, but not with the page.
    Broken {
        /// HTTP status, when there was an answer.
        status: Option<u16>,
        /// What went wrong, for people.
        reason: String,
    },
    /// No answer from the host at all.
    Unreachable {
        /// Why, for people (`connection refused`, `no such host`...).
        reason: String,
    },
}

impl Outcome {
    /// A failure worth another try.
    fn may_pass(&self) -> bool {
        match self {
            Outcome::Ok { .. } => false,
            Outcome::Broken { status, .. } => status.is_some_and(|s| s == 429 || s >= 500),
            Outcome::Unreachable { .. } => true,
        }
    }

    /// A definite broken link (gone or not found), not a server's mood.
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            Outcome::Broken {
                status: Some(404 | 410),
                ..
            }
        ) || matches!(self, Outcome::Broken { status: None, .. })
    }
}

/// One URL's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Taken from the cache instead of asked.
    pub cached: bool,
}

/// The host part of a URL, lower-cased (`example.org:8080`).
pub fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    authority.to_ascii_lowercase()
}

/// Checks every URL; the result has one entry per URL given.
pub fn check(urls: &[String], opts: &Options) -> BTreeMap<String, Checked> {
    let now = unix_now();
    let mut cache = opts.cache.as_deref().map(Cache::load).unwrap_or_default();
    let mut results = BTreeMap::new();
    let mut queue = VecDeque::new();
    for url in urls {
        match cache.fresh(url, now, opts.ttl) {
            Some(status) => {
                results.insert(
                    url.clone(),
                    Checked {
                        outcome: Outcome::Ok { status },
                        cached: true,
                    },
                );
            }
            None => queue.push_back(url.clone()),
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "waymark-link-check/",
            env!("CARGO_PKG_VERSION"),
            " (+https://crates.io/crates/waymark)"
        ))
        .build()
        .into();
    let queue = Mutex::new(queue);
    let fresh = Mutex::new(Vec::new());
    let workers = opts.concurrency.max(1).min(urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("queue lock").pop_front();
                    let Some(url) = next else { break };
                    let outcome = probe(&agent, &url, opts);
                    fresh.lock().expect("results lock").push((url, outcome));
                }
            });
        }
    });
    for (url, outcome) in fresh.into_inner().unwrap_or_default() {
        match &outcome {
            Outcome::Ok { status } => cache.remember(&url, *status, now),
            _ => cache.forget(&url),
        }
        results.insert(
            url,
            Checked {
                outcome,
                cached: false,
            },
        );
    }
    if let Some(path) = &opts.cache {
        // A cache that cannot be written only makes the next run slower.
        let _ = cache.save(path, now, opts.ttl);
    }
    results
}

/// Asks, and asks again while the failure may pass.
fn probe(agent: &ureq::Agent, url: &str, opts: &Options) -> Outcome {
    let mut attempt = 0;
    loop {
        let outcome = once(agent, url);
        if !outcome.may_pass() || attempt >= opts.retries {
            return outcome;
        }
        std::thread::sleep(opts.backoff * 2u32.pow(attempt));
        attempt += 1;
    }
}

fn once(agent: &ureq::Agent, url: &str) -> Outcome {
    match agent.head(url).call() {
        Ok(r) if r.status().is_success() => Outcome::Ok {
            status: r.status().as_u16(),
        },
        // Many servers answer HEAD wrongly (405, 403, 404...); ask for the page.
        Ok(_) => get(agent, url),
        Err(e) => match from_error(&e) {
            unreachable @ Outcome::Unreachable { .. } if !matches!(e, ureq::Error::Protocol(_)) => {
                unreachable
            }
            _ => get(agent, url),
        },
    }
}

fn get(agent: &ureq::Agent, url: &str) -> Outcome {
    match agent.get(url).call() {
        // The body is not read: dropping the response closes the connection.
        Ok(r) => from_status(r.status().as_u16()),
        Err(e) => from_error(&e),
    }
}

fn from_status(status: u16) -> Outcome {
    if (200..300).contains(&status) {
        Outcome::Ok { status }
    } else {
        let reason = match status {
            404 => "not found (404)".to_string(),
            410 => "gone (410)".to_string(),
            401 | 403 => format!("access denied ({status}); the site may turn away link checkers"),
            429 => "too many requests (429); try again later".to_string(),
            s if s >= 500 => format!("server error ({s})"),
            s => format!("answered HTTP {s}"),
        };
        Outcome::Broken {
            status: Some(status),
            reason,
        }
    }
}

fn from_error(e: &ureq::Error) -> Outcome {
    use ureq::Error as E;
    let unreachable = |reason: String| Outcome::Unreachable { reason };
    match e {
        E::StatusCode(s) => from_status(*s),
        E::HostNotFound => unreachable("no such host (DNS lookup failed)".into()),
        E::ConnectionFailed => unreachable("could not connect".into()),
        E::Timeout(t) => unreachable(format!("timed out ({t})")),
        E::Io(io) => unreachable(match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::ConnectionReset => "connection reset".into(),
            std::io::ErrorKind::TimedOut => "timed out".into(),
            _ => io.to_string(),
        }),
        E::Tls(m) => unreachable(format!("TLS failed: {m}")),
        E::Rustls(r) => unreachable(format!("TLS failed: {r}")),
        E::Protocol(p) => unreachable(format!("not an HTTP answer: {p}")),
        E::BadUri(u) => Outcome::Broken {
            status: None,
            reason: format!("not a valid URL: {u}"),
        },
        E::TooManyRedirects | E::RedirectFailed => Outcome::Broken {
            status: None,
            reason: "redirects lead nowhere".into(),
        },
        other => unreachable(other.to_string()),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Good answers by URL, with when they were seen.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    version: u32,
    /// URL -> (status, unix time checked).
    links: BTreeMap<String, (u16, u64)>,
}

impl Cache {
    fn load(path: &Path) -> Cache {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.version == 1)
            .unwrap_or_default()
    }

    fn fresh(&self, url: &str, now: u64, ttl: Duration) -> Option<u16> {
        let (status, at) = *self.links.get(url)?;
        (now.saturating_sub(at) < ttl.as_secs()).then_some(status)
    }

    fn remember(&mut self, url: &str, status: u16, now: u64) {
        self.links.insert(url.to_string(), (status, now));
    }

    fn forget(&mut self, url: &str) {
        self.links.remove(url);
    }

    /// Writes the cache without expired entries, atomically.
    fn save(&mut self, path: &Path, now: u64, ttl: Duration) -> std::io::Result<()> {
        self.version = 1;
        self.links
            .retain(|_, (_, at)| now.saturating_sub(*at) < ttl.as_secs());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_found_in_urls() {
        assert_eq!(host("https://Example.org/a?b"), "example.org");
        assert_eq!(host("http://u:p@h.test:8080#x"), "h.test:8080");
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(from_status(204), Outcome::Ok { status: 204 });
        assert!(from_status(404).is_missing());
        assert!(from_status(410).is_missing());
        assert!(!from_status(403).is_missing());
        assert!(from_status(503).may_pass());
        assert!(from_status(429).may_pass());
        assert!(!from_status(404).may_pass());
    }

    #[test]
    fn cache_keeps_good_answers_for_the_ttl() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/links.json");
        let mut c = Cache::default();
        c.remember("https://a.test/", 200, 1000);
        c.remember("https://old.test/", 200, 10);
        c.save(&path, 1000, Duration::from_secs(100)).unwrap();
        let c = Cache::load(&path);
        assert_eq!(
            c.fresh("https://a.test/", 1050, Duration::from_secs(100)),
            Some(200)
        );
        assert_eq!(
            c.fresh("https://a.test/", 1200, Duration::from_secs(100)),
            None
        );
        assert!(
            !c.links.contains_key("https://old.test/"),
            "expired entries are dropped"
        );
    }
}
