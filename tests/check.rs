//! `waymark check` on crafted fixtures: each problem kind at file:line,
//! human and JSON output, `--strict`, and `--external` against a local server.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// `check --format json` plus extra arguments: (exit code, report).
fn check_json(f: &Fixture, extra: &[&str]) -> (i32, Value) {
    let o = f.run(&[&["check", "--format", "json"], extra].concat());
    let json: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(&o)
        )
    });
    (o.status.code().unwrap_or(-1), json)
}

/// (kind, severity, "file:line") of every diagnostic, in report order.
fn found(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                format!("{}:{}", d["file"].as_str().unwrap(), d["line"]),
            )
        })
        .collect()
}

fn row(kind: &str, severity: &str, at: &str) -> (String, String, String) {
    (kind.into(), severity.into(), at.into())
}

#[test]
fn each_warning_kind_is_reported_at_file_and_line() {
    let f = Fixture::new("check-lints");
    let (code, report) = check_json(&f, &[]);
    assert_eq!(code, 0, "warnings alone pass: {report:#}");
    assert_eq!(report["ok"], true);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 9);
    assert_eq!(
        found(&report),
        [
            row(
                "description",
                "warning",
                "content/docs/empty-description.md:3"
            ),
            row("heading-skip", "warning", "content/docs/headings.md:9"),
            row("heading-skip", "warning", "content/docs/headings.md:13"),
            row("description", "warning", "content/docs/no-description.md:2"),
            row("orphan-page", "warning", "content/docs/orphan.md:2"),
            row("image-alt", "warning", "content/docs/pictures.md:7"),
            row("image-alt", "warning", "content/docs/pictures.md:9"),
            row("duplicate-title", "warning", "content/docs/same-a.md:2"),
            row("duplicate-title", "warning", "content/docs/same-b.md:3"),
        ]
    );
    let d = &report["diagnostics"][1];
    assert_eq!(d["message"], "heading level skips from h3 to h5");
    assert_eq!(d["snippet"], "##### Skips h4");
    assert_eq!(d["column"], 1);
    assert_eq!(report["assessments"], Value::Array(vec![]));
    assert!(!f.path("public").exists(), "check writes nothing");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let f = Fixture::new("check-lints");
    let (code, report) = check_json(&f, &["--strict"]);
    assert_eq!(code, 1);
    assert_eq!(report["ok"], false);
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(9), Some(0))
    );
    // Human output: warnings on stderr with file:line, a summary, exit code.
    let o = f.run(&["check"]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("warning: no page links to /docs/orphan/"),
        "{err}"
    );
    assert!(err.contains("content/docs/orphan.md:2:1"), "{err}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("9 warnings"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = f.run(&["check", "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: no page links to /docs/orphan/"),
        "{err}"
    );
    assert!(err.contains("error: 9 errors (--strict"), "{err}");
}

#[test]
fn broken_internal_links_and_anchors_are_errors() {
    let f = Fixture::new("check-links");
    let (code, report) = check_json(&f, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        found(&report),
        [
            row("broken-link", "error", "content/docs/source.md:7"),
            row("broken-anchor", "error", "content/docs/source.md:9"),
            row("broken-link", "error", "content/docs/source.md:11"),
            row("broken-link", "error", "themes/plain/templates/base.html:5"),
            row("image-alt", "warning", "themes/plain/templates/base.html:4"),
        ]
    );
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[1].contains("has no id `nowhere`"), "{messages:?}");
    assert!(
        messages[3].ends_with("(and on 4 other pages)"),
        "a template's broken link is reported once: {messages:?}"
    );
    assert_eq!(report["diagnostics"][1]["hint"], "ids on that page: here");
}

#[test]
fn build_errors_are_reported_as_json_too() {
    let f = Fixture::new("check-links");
    f.write(
        "content/docs/bad.md",
        "---\ntitle: Bad\ntitel: typo\n---\n[x](@/nope.md)\n",
    );
    let (code, report) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let kinds: Vec<_> = found(&report);
    assert!(
        kinds.contains(&row("build", "error", "content/docs/bad.md:3")),
        "{kinds:?}"
    );
}

#[test]
fn urls_claimed_twice_are_build_errors() {
    let f = Fixture::new("check-links");
    // A taxonomy named like a section writes /docs/ twice; so does a search
    // page over a `search` section.
    let yaml = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write("site.yaml", &format!("{yaml}taxonomies: [docs]\n"));
    f.write(
        "content/search/_index.md",
        "---\ntitle: Find\ndescription: x\n---\n",
    );
    let (code, report) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "build")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("docs/index.html") && m.contains("written twice")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("search/index.html") && m.contains("written twice")),
        "{messages:?}"
    );
}

/// A tiny HTTP server on 127.0.0.1 for `--external`; stops by itself.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let flaky = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut served = 0;
            while Instant::now() < deadline && served < 200 {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        counter.fetch_add(1, Ordering::SeqCst);
                        answer(stream, &flaky);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server { port, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn answer(stream: TcpStream, flaky: &AtomicUsize) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let status = match path {
        "/ok" => "200 OK",
        "/gone" => "404 Not Found",
        "/error" => "500 Internal Server Error",
        "/head-refused" if method == "HEAD" => "405 Method Not Allowed",
        "/head-refused" => "200 OK",
        "/flaky" if flaky.fetch_add(1, Ordering::SeqCst) == 0 => "503 Service Unavailable",
        "/flaky" => "200 OK",
        _ => "404 Not Found",
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn external_links_are_checked_with_retries_a_cache_and_unreachable_hosts_apart() {
    let server = Server::start();
    // A port nobody listens on: connection refused.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let f = Fixture::new("check-lints");
    f.write(
        "content/docs/external.md",
        &format!(
            "---\ntitle: External\ndescription: Links elsewhere.\n---\n\
             [ok]({ok}) [head refused]({head}) [flaky]({flaky})\n\n\
             [gone]({gone})\n\n[error]({error})\n\n[closed](http://127.0.0.1:{closed}/page)\n",
            ok = server.url("/ok"),
            head = server.url("/head-refused"),
            flaky = server.url("/flaky"),
            gone = server.url("/gone"),
            error = server.url("/error"),
        ),
    );
    f.write(
        "content/docs/_index.md",
        &format!(
            "{}\n- [External](@/docs/external.md)\n",
            std::fs::read_to_string(f.path("content/docs/_index.md")).unwrap()
        ),
    );
    let (code, report) = check_json(&f, &["--external", "--allow-private"]);
    assert_eq!(code, 1, "a 404 is an error: {report:#}");
    let external: Vec<_> = found(&report)
        .into_iter()
        .filter(|(k, _, _)| k.contains("external") || k.contains("unreachable"))
        .collect();
    assert_eq!(
        external,
        [
            row("external-broken", "error", "content/docs/external.md:7"),
            row("external-status", "warning", "content/docs/external.md:9"),
            row("unreachable-host", "warning", "content/docs/external.md:11"),
        ]
    );
    let x = &report["external"];
    assert_eq!(x["checked"], 6);
    assert_eq!(x["cached"], 0);
    assert_eq!(
        (x["broken"].as_u64(), x["erroring"].as_u64()),
        (Some(1), Some(1))
    );
    let hosts = x["unreachable_hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0]["host"], format!("127.0.0.1:{closed}"));
    assert_eq!(hosts[0]["reason"], "connection refused");
    assert!(f.path(".waymark-cache/links.json").is_file());

    // Again: good links come from the cache, failures are asked again.
    let before = server.hits.load(Ordering::SeqCst);
    let (_, report) = check_json(&f, &["--external", "--allow-private"]);
    assert_eq!(report["external"]["cached"], 3, "{:#}", report["external"]);
    let asked = server.hits.load(Ordering::SeqCst) - before;
    // /gone (HEAD, GET) and /error (HEAD, GET, three times): no request for cached links.
    assert_eq!(asked, 2 + 6, "requests on the second run");

    // Without --external nothing is asked.
    let before = server.hits.load(Ordering::SeqCst);
    let (_, report) = check_json(&f, &[]);
    assert_eq!(report["external"], Value::Null);
    assert_eq!(server.hits.load(Ordering::SeqCst), before);
}

#[test]
fn placeholder_contact_details_warn_and_fail_strict() {
    let f = Fixture::new("basic");
    let yaml = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    let yaml = yaml.replace(
        "contact: { email: hi@example.org }",
        "contact:\n  email: hi@example.org\n  booking_url: https://book.example.com/me",
    );
    f.write("site.yaml", &yaml);
    let (code, report) = check_json(&f, &[]);
    assert_eq!(code, 0, "a placeholder is a warning: {report:#}");
    let contact: Vec<_> = found(&report)
        .into_iter()
        .filter(|(kind, _, _)| kind == "placeholder-contact")
        .collect();
    assert_eq!(
        contact,
        [
            row("placeholder-contact", "warning", "site.yaml:7"),
            row("placeholder-contact", "warning", "site.yaml:8"),
        ]
    );
    let o = f.run(&["check"]);
    let err = stderr(&o);
    assert!(
        err.contains("contact `email` still points at the placeholder domain example.org"),
        "{err}"
    );
    assert!(err.contains("site.yaml:8:16"), "{err}");
    // --strict: the site cannot be published with the starter's addresses.
    let (code, report) = check_json(&f, &["--strict"]);
    assert_eq!(code, 1, "{report:#}");
    assert!(
        found(&report).contains(&row("placeholder-contact", "error", "site.yaml:7")),
        "{report:#}"
    );

    // Real addresses: no finding (the fixture's other warnings remain).
    f.write(
        "site.yaml",
        &yaml
            .replace("hi@example.org", "hi@waymark-advisory.co")
            .replace(
                "https://book.example.com/me",
                "https://cal.waymark-advisory.co/",
            ),
    );
    let (_, report) = check_json(&f, &["--strict"]);
    assert!(
        !found(&report)
            .iter()
            .any(|(kind, _, _)| kind == "placeholder-contact"),
        "{report:#}"
    );
}
