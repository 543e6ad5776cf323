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
//!
//! Bounded, because a CI may check a site it does not trust:
//! - the whole run has a time budget ([`Options::budget`]); links not asked
//!   when it runs out are reported as skipped;
//! - at most two requests per host are in flight, and after a host times out
//!   once its other links are skipped, not each waited for;
//! - a link, or a redirect, to an address on this machine or its networks
//!   (loopback, private, link-local, unique-local) is refused unless
//!   [`Options::allow_private`] says otherwise;
//! - the cache is never read or written through a symbolic link.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
    /// The longest the whole check may take; links not asked by then are
    /// skipped, and a request under way is cut at the deadline.
    pub budget: Duration,
    /// Ask addresses on this machine and its networks too (loopback,
    /// private, link-local): refused by default, since a link or redirect
    /// there lets an untrusted site probe the network the check runs in.
    pub allow_private: bool,
    /// Single addresses asked even when private ones are refused (a test's
    /// local server, a known internal mirror).
    pub allowed_addrs: Vec<SocketAddr>,
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
            budget: Duration::from_secs(300),
            allow_private: false,
            allowed_addrs: Vec::new(),
        }
    }
}

/// Requests in flight to one host at once.
const PER_HOST: usize = 2;

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
    /// Not asked, or refused before an answer: the host timed out on an
    /// earlier link, the time budget ran out, or the link (or a redirect)
    /// leads to a private address.
    Skipped {
        /// Why, for people.
        reason: String,
    },
}

impl Outcome {
    /// A failure worth another try.
    fn may_pass(&self) -> bool {
        match self {
            Outcome::Ok { .. } => false,
            Outcome::Broken { status, .. } => status.is_some_and(|s| s == 429 || s >= 500),
            Outcome::Unreachable { reason } => !reason.starts_with("timed out"),
            Outcome::Skipped { .. } => false,
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
    let agent = agent(opts);
    let deadline = Instant::now() + opts.budget;
    let workers = opts.concurrency.max(1).min(queue.len().max(1));
    let sched = Sched {
        state: Mutex::new(Queue {
            waiting: queue,
            busy: HashMap::new(),
            dead: HashMap::new(),
            done: Vec::new(),
        }),
        changed: Condvar::new(),
        deadline,
        budget: opts.budget,
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((url, host)) = sched.next() {
                    let outcome = probe(&agent, &url, opts, deadline);
                    sched.finish(url, host, outcome);
                }
            });
        }
    });
    let fresh = sched.state.into_inner().map(|q| q.done).unwrap_or_default();
    for (url, outcome) in fresh {
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
        match cache.save(path, now, opts.ttl) {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                eprintln!("warning: {e}");
            }
            _ => {}
        }
    }
    results
}

/// The shared queue: which URL a worker takes next, per-host limits, and
/// hosts given up on.
struct Sched {
    state: Mutex<Queue>,
    changed: Condvar,
    deadline: Instant,
    budget: Duration,
}

struct Queue {
    waiting: VecDeque<String>,
    /// Host -> requests in flight.
    busy: HashMap<String, usize>,
    /// Host -> why it was given up on.
    dead: HashMap<String, String>,
    done: Vec<(String, Outcome)>,
}

impl Sched {
    /// The next URL to ask and its host; links that will not be asked (dead
    /// host, budget spent) are settled on the way. None when all are taken.
    fn next(&self) -> Option<(String, String)> {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if q.waiting.is_empty() {
                return None;
            }
            if Instant::now() >= self.deadline {
                let reason = format!(
                    "not checked: the time budget for external links ({} s) ran out",
                    self.budget.as_secs()
                );
                let left: Vec<String> = q.waiting.drain(..).collect();
                for url in left {
                    q.done.push((
                        url,
                        Outcome::Skipped {
                            reason: reason.clone(),
                        },
                    ));
                }
                self.changed.notify_all();
                return None;
            }
            let mut i = 0;
            while i < q.waiting.len() {
                let h = host(&q.waiting[i]);
                if let Some(why) = q.dead.get(&h) {
                    let reason = format!("not checked: {h} {why} on an earlier link");
                    let url = q.waiting.remove(i).unwrap_or_default();
                    q.done.push((url, Outcome::Skipped { reason }));
                    continue;
                }
                if q.busy.get(&h).copied().unwrap_or(0) < PER_HOST {
                    let url = q.waiting.remove(i).unwrap_or_default();
                    *q.busy.entry(h.clone()).or_default() += 1;
                    return Some((url, h));
                }
                i += 1;
            }
            if q.waiting.is_empty() {
                return None;
            }
            // Every waiting link's host is busy: wait for one to finish.
            let left = self.deadline.saturating_duration_since(Instant::now());
            q = self
                .changed
                .wait_timeout(q, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn finish(&self, url: String, host: String, outcome: Outcome) {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = q.busy.get_mut(&host) {
            *n = n.saturating_sub(1);
        }
        if let Outcome::Unreachable { reason } = &outcome
            && reason.starts_with("timed out")
        {
            q.dead.entry(host).or_insert_with(|| "timed out".into());
        }
        q.done.push((url, outcome));
        self.changed.notify_all();
    }
}

fn agent(opts: &Options) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "waymark-link-check/",
            env!("CARGO_PKG_VERSION"),
            " (+https://crates.io/crates/waymark)"
        ))
        .build();
    let guard = Guard {
        inner: ureq::unversioned::resolver::DefaultResolver::default(),
        allow_private: opts.allow_private,
        allowed: opts.allowed_addrs.clone(),
    };
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        guard,
    )
}

/// Resolves host names like ureq does, then refuses private addresses:
/// every request and every redirect goes through it.
#[derive(Debug)]
struct Guard {
    inner: ureq::unversioned::resolver::DefaultResolver,
    allow_private: bool,
    allowed: Vec<SocketAddr>,
}

/// The message of a refused address (recognised in [`from_error`]).
const REFUSED: &str = "refused: resolves to a private address";

impl ureq::unversioned::resolver::Resolver for Guard {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        // The configured proxy is the user's own choice.
        let to_proxy = config
            .proxy()
            .is_some_and(|p| uri.host().is_some_and(|h| h.eq_ignore_ascii_case(p.host())));
        if self.allow_private || to_proxy {
            return Ok(addrs);
        }
        if let Some(bad) = addrs
            .iter()
            .find(|a| is_private(a.ip()) && !self.allowed.contains(a))
        {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{REFUSED} ({})", bad.ip()),
            )));
        }
        Ok(addrs)
    }
}

/// Addresses of this machine and of private networks: loopback, RFC 1918,
/// carrier-grade NAT, link-local (cloud metadata lives there), unique-local,
/// unspecified, multicast and broadcast.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Asks, and asks again while the failure may pass and the budget lasts.
fn probe(agent: &ureq::Agent, url: &str, opts: &Options, deadline: Instant) -> Outcome {
    let mut attempt = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = opts.timeout.min(left);
        let mut outcome = once(agent, url, timeout);
        if timeout < opts.timeout
            && let Outcome::Unreachable { reason } = &mut outcome
            && reason.starts_with("timed out")
        {
            reason.push_str("; the time budget for external links ran out");
        }
        let wait = opts.backoff * 2u32.pow(attempt);
        if !outcome.may_pass() || attempt >= opts.retries || Instant::now() + wait >= deadline {
            return outcome;
        }
        std::thread::sleep(wait);
        attempt += 1;
    }
}

fn once(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    let head = agent
        .head(url)
        .config()
        .timeout_global(Some(timeout))
        .build()
        .call();
    match head {
        Ok(r) if r.status().is_success() => Outcome::Ok {
            status: r.status().as_u16(),
        },
        // Many servers answer HEAD wrongly (405, 403, 404...); ask for the page.
        Ok(_) => get(agent, url, timeout),
        Err(e) => match from_error(&e) {
            settled @ (Outcome::Unreachable { .. } | Outcome::Skipped { .. })
                if !matches!(e, ureq::Error::Protocol(_)) =>
            {
                settled
            }
            _ => get(agent, url, timeout),
        },
    }
}

fn get(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    let get = agent
        .get(url)
        .config()
        .timeout_global(Some(timeout))
        .build()
        .call();
    match get {
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
        E::Io(io) if io.to_string().starts_with(REFUSED) => Outcome::Skipped {
            reason: format!(
                "not checked: {io}; a link there lets a site probe your network (--allow-private checks it)"
            ),
        },
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

/// Refuses a cache folder or file that is a symbolic link: the cache would
/// be read from, or written to, wherever it points.
fn no_symlink(path: &Path) -> std::io::Result<()> {
    for p in [path.parent(), Some(path)].into_iter().flatten() {
        if std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "not using the link cache: {} is a symbolic link (remove it to cache results)",
                    p.display()
                ),
            ));
        }
    }
    Ok(())
}

impl Cache {
    fn load(path: &Path) -> Cache {
        if no_symlink(path).is_err() {
            return Cache::default();
        }
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
        no_symlink(path)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        no_symlink(path)?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        // create_new: never through a link planted at the temporary name.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        std::io::Write::write_all(
            &mut file,
            &serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )?;
        drop(file);
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
    fn private_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "100.128.0.1",
            "172.32.0.1",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
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
