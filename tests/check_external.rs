//! `check --external` against hostile targets: a host that never answers,
//! a time budget, links and redirects to private addresses, and a cache
//! folder that is a symbolic link. Local TCP servers stand in for the web;
//! the private-address guard lets exactly their addresses through
//! (`Options::allowed_addrs`) where a test needs them reachable.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use serde_json::Value;
use waymark::check::external::{self, Options, Outcome};

/// A local server: `answer` turns a request path into a full HTTP reply, or
/// None to hold the connection open without a word. Counts connections.
struct Server {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn start(answer: fn(&str, SocketAddr) -> Option<String>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().take(500) {
                let Ok(stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                match reply(&stream, answer, addr) {
                    Some(text) => {
                        let _ = (&stream).write_all(text.as_bytes());
                    }
                    None => held.push(stream),
                }
            }
        });
        Server { addr, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn reply(
    stream: &TcpStream,
    answer: fn(&str, SocketAddr) -> Option<String>,
    addr: SocketAddr,
) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    reader.read_line(&mut request).ok()?;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    answer(&path, addr)
}

fn silent(_: &str, _: SocketAddr) -> Option<String> {
    None
}

fn ok(_: &str, _: SocketAddr) -> Option<String> {
    Some("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into())
}

/// `/to/http://x/y` redirects to `http://x/y`.
fn redirect(path: &str, _: SocketAddr) -> Option<String> {
    let to = path.strip_prefix("/to/").unwrap_or("/");
    Some(format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ))
}

fn quick(allowed: &[&Server]) -> Options {
    Options {
        timeout: Duration::from_millis(300),
        backoff: Duration::from_millis(10),
        allowed_addrs: allowed.iter().map(|s| s.addr).collect(),
        ..Options::default()
    }
}

fn reason(o: &Outcome) -> &str {
    match o {
        Outcome::Ok { .. } => "ok",
        Outcome::Broken { reason, .. }
        | Outcome::Unreachable { reason }
        | Outcome::Skipped { reason } => reason,
    }
}

#[test]
fn a_host_that_never_answers_is_given_up_after_its_first_timeout() {
    let mute = Server::start(silent);
    let urls: Vec<String> = (0..40).map(|i| mute.url(&format!("/page{i}"))).collect();
    let results = external::check(&urls, &quick(&[&mute]));
    assert_eq!(results.len(), 40);
    let timed_out = results
        .values()
        .filter(|c| matches!(&c.outcome, Outcome::Unreachable { reason } if reason.starts_with("timed out")))
        .count();
    let skipped: Vec<&str> = results
        .values()
        .filter(|c| matches!(c.outcome, Outcome::Skipped { .. }))
        .map(|c| reason(&c.outcome))
        .collect();
    // At most two requests to one host at once; once one timed out, the
    // others are not asked (and a timeout is not retried).
    assert!((1..=2).contains(&timed_out), "{results:#?}");
    assert_eq!(skipped.len(), 40 - timed_out);
    assert!(
        skipped
            .iter()
            .all(|r| r.contains("timed out on an earlier link")
                && r.contains(&mute.addr.to_string())),
        "{skipped:?}"
    );
    assert!(
        mute.hits() <= 2,
        "{} connections to the mute host",
        mute.hits()
    );
}

#[test]
fn the_whole_check_has_a_time_budget() {
    let good = Server::start(ok);
    let urls: Vec<String> = (0..5).map(|i| good.url(&format!("/{i}"))).collect();
    let opts = Options {
        budget: Duration::ZERO,
        ..quick(&[&good])
    };
    let results = external::check(&urls, &opts);
    for (url, c) in &results {
        assert!(
            matches!(&c.outcome, Outcome::Skipped { reason } if reason.contains("time budget")),
            "{url}: {c:?}"
        );
    }
    assert_eq!(good.hits(), 0, "nothing is asked once the budget is spent");

    // A request under way is cut at the deadline, whatever its own timeout.
    let mute = Server::start(silent);
    let opts = Options {
        timeout: Duration::from_secs(600),
        budget: Duration::from_millis(300),
        ..quick(&[&mute])
    };
    let results = external::check(&[mute.url("/slow"), mute.url("/slower")], &opts);
    let first = reason(&results[&mute.url("/slow")].outcome).to_string();
    assert!(
        results
            .values()
            .any(|c| reason(&c.outcome).contains("time budget")),
        "{results:#?} {first}"
    );
}

#[test]
fn private_targets_and_redirects_are_refused_unless_allowed() {
    let inside = Server::start(ok);
    let hop = Server::start(redirect);
    let urls = vec![
        inside.url("/direct"),
        hop.url(&format!("/to/{}", inside.url("/via-redirect"))),
        hop.url(&format!("/to/http://localhost:{}/x", inside.addr.port())),
        hop.url("/to/http://169.254.169.254/latest/meta-data/"),
        hop.url("/to/http://[::1]:9/"),
        hop.url("/to/http://10.0.0.1/"),
    ];
    // The hop itself is allowed (it stands for a public site); where it
    // points is not.
    let results = external::check(&urls, &quick(&[&hop]));
    for url in &urls {
        let o = &results[url].outcome;
        assert!(
            matches!(o, Outcome::Skipped { reason } if reason.contains("private address") && reason.contains("--allow-private")),
            "{url}: {o:?}"
        );
    }
    assert_eq!(inside.hits(), 0, "no request reached the private server");
    assert!(hop.hits() >= 5, "the public hop was asked");

    // Asked for, they are checked.
    let opts = Options {
        allow_private: true,
        ..quick(&[])
    };
    let results = external::check(&urls[..2], &opts);
    for url in &urls[..2] {
        assert_eq!(results[url].outcome, Outcome::Ok { status: 200 }, "{url}");
    }
    assert!(inside.hits() >= 2);
}

fn check_json(f: &Fixture, extra: &[&str]) -> (Value, String) {
    let o = f.run(&[&["check", "--format", "json", "--external"], extra].concat());
    let json: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&o)));
    (json, stderr(&o))
}

#[test]
fn the_cli_refuses_private_links_and_a_symlinked_cache() {
    let inside = Server::start(ok);
    let f = Fixture::new("check-lints");
    f.write(
        "content/docs/inside.md",
        &format!(
            "---\ntitle: Inside\ndescription: A link inward.\n---\n[in]({})\n",
            inside.url("/admin")
        ),
    );
    let (report, _) = check_json(&f, &[]);
    let skipped: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "external-skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{report:#}");
    assert_eq!(skipped[0]["file"], "content/docs/inside.md");
    assert!(
        skipped[0]["message"]
            .as_str()
            .unwrap()
            .contains("private address")
    );
    assert_eq!(report["external"]["skipped"], 1);
    assert_eq!(inside.hits(), 0);

    // A cache folder that points elsewhere is neither written nor read.
    let elsewhere = tempfile::tempdir().unwrap();
    let _ = std::fs::remove_dir_all(f.path(".waymark-cache"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(elsewhere.path(), f.path(".waymark-cache")).unwrap();
    #[cfg(not(unix))]
    return;
    let (report, err) = check_json(&f, &["--allow-private"]);
    assert_eq!(report["external"]["skipped"], 0, "{report:#}");
    assert!(inside.hits() >= 1, "allowed, the link is asked");
    assert!(
        err.contains("warning") && err.contains("symbolic link"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
    assert!(
        std::fs::symlink_metadata(f.path(".waymark-cache"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}
