//! `waymark serve`, end to end: a server on a free port over a copy of the
//! basic fixture; files are edited, added, renamed and deleted, and the
//! tests observe the live-reload events and the new content over plain
//! HTTP. No timed assertions: every wait is for an event, with a generous
//! time limit for slow machines.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use waymark::serve::{self, Handle, Options};
use waymark::site::Site;

const WAIT: Duration = Duration::from_secs(60);

fn start(f: &Fixture) -> Handle {
    let opts = Options {
        port: 0,
        log: false,
        ..Options::default()
    };
    let h = serve::start(f.root(), opts).expect("server starts");
    assert!(
        h.initial_error.is_none(),
        "first build failed: {:?}",
        h.initial_error
    );
    h
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// GET with the path sent exactly as given (no client-side normalising).
fn get(addr: SocketAddr, raw_path: &str) -> Reply {
    get_as(addr, raw_path, &addr.to_string())
}

/// GET with a chosen Host header.
fn get_as(addr: SocketAddr, raw_path: &str, host: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "GET {raw_path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read reply");
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let headers = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    Reply {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

/// A Server-Sent Events listener.
struct Events {
    rx: mpsc::Receiver<(String, String)>,
}

impl Events {
    /// Connects and waits for the `hello` event, so nothing sent after this
    /// returns can be missed.
    fn connect(addr: SocketAddr, path: &str) -> Events {
        let mut s = TcpStream::connect(addr).expect("connect");
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(s);
            let mut line = String::new();
            // Skip the response headers.
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let (mut event, mut data) = (String::new(), String::new());
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if let Some(v) = l.strip_prefix("event:") {
                    event = v.trim().to_string();
                } else if let Some(v) = l.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                } else if l.is_empty()
                    && !event.is_empty()
                    && tx
                        .send((std::mem::take(&mut event), std::mem::take(&mut data)))
                        .is_err()
                {
                    return;
                }
                // Chunked-encoding size lines and comments fall through.
            }
        });
        let ev = Events { rx };
        ev.wait("hello", |_| true);
        ev
    }

    /// Waits for an event named `name` whose data satisfies `pred`,
    /// skipping others; returns its data.
    fn wait(&self, name: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((e, d)) if e == name && pred(&d) => return d,
                Ok(other) => seen.push(other),
                Err(_) => panic!("no `{name}` event came; saw {seen:?}"),
            }
        }
    }

    /// Every event up to and including the next `built`.
    fn until_built(&self) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        loop {
            match self.rx.recv_timeout(WAIT) {
                Ok(e) => {
                    let done = e.0 == "built";
                    seen.push(e);
                    if done {
                        return seen;
                    }
                }
                Err(_) => panic!("no `built` event came; saw {seen:?}"),
            }
        }
    }

    /// Every event up to a `built` after which nothing comes for a moment:
    /// on a busy machine one save can reach the watcher as two bursts, and
    /// the second rebuild is the one that shows the whole change.
    fn until_settled(&self) -> Vec<(String, String)> {
        let mut seen = self.until_built();
        while let Ok(e) = self.rx.recv_timeout(Duration::from_millis(400)) {
            let built = e.0 == "built";
            seen.push(e);
            if !built {
                seen.extend(self.until_built());
            }
        }
        seen
    }

    /// Drops the events of rebuilds still finishing (a save seen as two
    /// bursts on a busy machine rebuilds twice) until nothing comes for a
    /// moment, so the next step's events are its own.
    fn quiet(&self) {
        while self.rx.recv_timeout(Duration::from_millis(400)).is_ok() {}
    }

    /// Waits for a `reload` naming `path`.
    fn reload_of(&self, path: &str) -> String {
        let quoted = format!("\"{path}\"");
        self.wait("reload", |d| d.contains(&quoted) || d.contains("\"all\""))
    }
}

fn events(h: &Handle) -> Events {
    Events::connect(h.addr, &format!("{}__waymark/events", base(h)))
}

fn base(h: &Handle) -> String {
    waymark::output::base_path(&h.url)
}

fn page(h: &Handle, path: &str) -> Reply {
    get(
        h.addr,
        &format!("{}{}", base(h), path.trim_start_matches('/')),
    )
}

#[test]
fn serves_the_site_with_content_types_and_the_live_reload_script() {
    let f = Fixture::new("basic");
    f.write("static/app.js", "console.log(1);\n");
    f.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    f.write("static/data.json", "{\"a\": 1}\n");
    let h = start(&f);
    assert!(h.url.starts_with("http://127.0.0.1:"), "{}", h.url);
    assert!(
        h.url.ends_with("/sub/"),
        "served under base_url's path: {}",
        h.url
    );
    assert!(h.addr.ip().is_loopback());

    let home = page(&h, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let html = home.text();
    assert!(html.contains("<h1>Home</h1>"), "{html}");
    let script = html.find("data-waymark-live").expect("script injected");
    assert!(script < html.rfind("</body>").unwrap(), "before </body>");
    assert!(html.contains(r#""events":"__waymark/events""#));
    let alpha = page(&h, "/guides/alpha/").text();
    assert!(
        alpha.contains(r#""events":"../../__waymark/events""#),
        "endpoint relative to the page"
    );
    assert!(alpha.contains("<h1>Alpha</h1>"));

    // Canonical-style absolute URLs point at this server.
    let sitemap = page(&h, "/sitemap.xml");
    assert_eq!(
        sitemap.header("content-type").as_deref(),
        Some("application/xml")
    );
    assert!(sitemap.text().contains(&format!("{}guides/alpha/", h.url)));
    assert!(
        !sitemap.text().contains("data-waymark-live"),
        "only HTML gets the script"
    );

    let css_path = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|l| l.ends_with(".css"))
        .expect("stylesheet link")
        .to_string();
    let css = page(&h, &css_path);
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    for (path, ctype) in [
        ("/guides/bundle/pic.png", "image/png"),
        ("/hello.txt", "text/plain; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/feed.xml", "application/xml"),
    ] {
        let r = page(&h, path);
        if path == "/app.js" {
            // Fingerprinted: find its real name in the served files.
            let files = h.files().unwrap();
            let key = files
                .keys()
                .find(|k| k.starts_with("app.") && k.ends_with(".js"))
                .expect("app.js served")
                .clone();
            let r = page(&h, &key);
            assert_eq!(r.status, 200, "{key}");
            assert_eq!(r.header("content-type").as_deref(), Some(ctype));
            continue;
        }
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type").as_deref(), Some(ctype), "{path}");
    }

    // Folders redirect to their slash form, as a static host does.
    let r = page(&h, "/guides/alpha");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/sub/guides/alpha/"));
    let r = get(h.addr, "/");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/sub/"));
    h.stop();
}

#[test]
fn unknown_paths_get_the_sites_404_page_and_no_listing() {
    let f = Fixture::new("basic");
    let h = start(&f);
    let r = page(&h, "/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("<h1>Not found</h1>"), "{}", r.text());
    assert!(r.text().contains(r#""events":"../../../__waymark/events""#));
    // A folder without index.html is not listed.
    let r = page(&h, "/css/");
    assert_eq!(r.status, 404);
    assert!(
        r.text().contains("<h1>Not found</h1>"),
        "no listing: {}",
        r.text()
    );
    let r = get(h.addr, "/elsewhere/");
    assert_eq!(r.status, 404, "outside the base path");
    h.stop();
}

#[test]
fn path_traversal_is_refused() {
    let f = Fixture::new("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP SECRET").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), f.path("static/leak.txt"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), f.path("static/leakdir")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            f.path("content/guides/bundle/leak.txt"),
        )
        .unwrap();
    }
    let h = start(&f);
    // Another site's page cannot read this one through DNS rebinding.
    let port = h.addr.port();
    assert_eq!(
        get_as(h.addr, "/sub/", &format!("evil.example:{port}")).status,
        403
    );
    assert_eq!(
        get_as(h.addr, "/sub/", &format!("localhost:{port}")).status,
        200
    );
    for path in [
        "/sub/../site.yaml",
        "/sub/%2e%2e/site.yaml",
        "/sub/%2E%2E/%2E%2E/etc/passwd",
        "/sub/guides/..%2f..%2fsite.yaml",
        "/sub/.%2e/site.yaml",
        "/sub/%2e/index.html",
        "/sub/..%5csite.yaml",
        "/sub//etc/passwd",
        "/sub/leak.txt",
        "/sub/leakdir/secret.txt",
        "/sub/guides/bundle/leak.txt",
        "/site.yaml",
        "/sub/site.yaml",
        "/sub/content/guides/alpha.md",
    ] {
        let r = get(h.addr, path);
        assert!(
            r.status == 403 || r.status == 404 || r.status == 400,
            "{path} -> {}",
            r.status
        );
        let body = r.text();
        assert!(
            !body.contains("TOP SECRET") && !body.contains("base_url") && !body.contains("root:"),
            "{path} leaked: {body}"
        );
    }
    h.stop();
}

#[test]
fn edits_additions_renames_and_deletions_reload_the_pages() {
    let f = Fixture::new("basic");
    let h = start(&f);
    let ev = events(&h);

    // Edit.
    let alpha = f.path("content/guides/alpha.md");
    let text = std::fs::read_to_string(&alpha).unwrap();
    std::fs::write(
        &alpha,
        text.replace("Alpha intro paragraph.", "Alpha intro EDITED."),
    )
    .unwrap();
    ev.reload_of("/guides/alpha/");
    assert!(
        page(&h, "/guides/alpha/")
            .text()
            .contains("Alpha intro EDITED.")
    );

    // Add.
    f.write(
        "content/guides/gamma.md",
        "---\ntitle: Gamma\nweight: 9\n---\nGamma body.\n",
    );
    ev.reload_of("/guides/gamma/");
    assert!(page(&h, "/guides/gamma/").text().contains("Gamma body."));
    assert!(
        page(&h, "/guides/").text().contains("Gamma"),
        "section list updated"
    );

    // Rename.
    std::fs::rename(
        f.path("content/guides/gamma.md"),
        f.path("content/guides/delta.md"),
    )
    .unwrap();
    ev.reload_of("/guides/delta/");
    assert_eq!(page(&h, "/guides/delta/").status, 200);
    assert_eq!(page(&h, "/guides/gamma/").status, 404);

    // Delete.
    std::fs::remove_file(f.path("content/guides/delta.md")).unwrap();
    ev.reload_of("/guides/delta/");
    assert_eq!(page(&h, "/guides/delta/").status, 404);
    assert!(!page(&h, "/guides/").text().contains("Gamma"));

    // An editor saving through a temporary file and a rename.
    let tmp = f.path("content/guides/.beta.md.tmp");
    let beta = std::fs::read_to_string(f.path("content/guides/beta.md")).unwrap();
    std::fs::write(&tmp, beta.replace("Beta intro.", "Beta via temp file.")).unwrap();
    std::fs::rename(&tmp, f.path("content/guides/beta.md")).unwrap();
    ev.reload_of("/guides/beta/");
    assert!(
        page(&h, "/guides/beta/")
            .text()
            .contains("Beta via temp file.")
    );

    // A new folder with a section and a page.
    std::fs::create_dir_all(f.path("content/news/deep")).unwrap();
    f.write(
        "content/news/_index.md",
        "---\ntitle: News\n---\nNews list.\n",
    );
    f.write(
        "content/news/deep/item.md",
        "---\ntitle: Item\n---\nDeep item.\n",
    );
    ev.reload_of("/news/deep/item/");
    assert!(page(&h, "/news/deep/item/").text().contains("Deep item."));
    assert_eq!(page(&h, "/news/").status, 200);
    assert_equals_clean_build(&f, &h);
    h.stop();
}

#[test]
fn a_broken_file_shows_the_overlay_and_the_fix_clears_it() {
    let f = Fixture::new("basic");
    let h = start(&f);
    let ev = events(&h);
    let beta = f.path("content/guides/beta.md");
    let good = std::fs::read_to_string(&beta).unwrap();
    std::fs::write(&beta, "---\ntitle: Beta\ntags: [AI\n---\nBroken body.\n").unwrap();
    let data = ev.wait("error", |_| true);
    assert!(data.contains("content/guides/beta.md"), "{data}");
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let d = &v["diagnostics"][0];
    assert!(d["line"].as_u64().unwrap() >= 2, "a line number: {data}");
    assert!(
        d["location"]
            .as_str()
            .unwrap()
            .starts_with("content/guides/beta.md:")
    );
    assert!(!d["message"].as_str().unwrap().is_empty());
    assert!(d["snippet"].is_string(), "the offending line: {data}");

    // The last good site is still served.
    let r = page(&h, "/guides/beta/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Beta intro."));
    // A page opened now gets the error straight away.
    let late = events(&h);
    late.wait("error", |d| d.contains("content/guides/beta.md"));

    std::fs::write(&beta, good.replace("Beta intro.", "Beta fixed.")).unwrap();
    ev.wait("ok", |_| true);
    ev.reload_of("/guides/beta/");
    late.wait("ok", |_| true);
    assert!(page(&h, "/guides/beta/").text().contains("Beta fixed."));
    assert!(!h.hub().has_error());

    // A template error names the template file and line.
    let tpl = f.path("themes/mini/templates/page.html");
    let good_tpl = std::fs::read_to_string(&tpl).unwrap();
    std::fs::write(
        &tpl,
        good_tpl.replace("{{ page.title }}</h1>", "{{ page.title </h1>"),
    )
    .unwrap();
    let data = ev.wait("error", |_| true);
    assert!(data.contains("themes/mini/templates/page.html"), "{data}");
    std::fs::write(&tpl, &good_tpl).unwrap();
    ev.wait("ok", |_| true);
    h.stop();
}

#[test]
fn a_site_that_does_not_build_at_start_is_picked_up_once_fixed() {
    let f = Fixture::new("basic");
    let beta = f.path("content/guides/beta.md");
    let good = std::fs::read_to_string(&beta).unwrap();
    std::fs::write(&beta, "---\ntitle: [\n---\n").unwrap();
    let h = serve::start(
        f.root(),
        Options {
            port: 0,
            log: false,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(h.initial_error.is_some());
    let r = page(&h, "/guides/alpha/");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("data-waymark-live"));
    let ev = events(&h);
    ev.wait("error", |d| d.contains("beta.md"));
    std::fs::write(&beta, good).unwrap();
    ev.wait("ok", |_| true);
    ev.wait("reload", |d| d.contains("*"));
    assert_eq!(page(&h, "/guides/alpha/").status, 200);
    h.stop();
}

#[test]
fn only_dependent_pages_change_and_the_result_equals_a_clean_build() {
    let f = Fixture::new("basic");
    let h = start(&f);
    let ev = events(&h);
    assert_equals_clean_build(&f, &h);

    // A body edit further down a page: that page only.
    let alpha = f.path("content/guides/alpha.md");
    let text = std::fs::read_to_string(&alpha).unwrap();
    std::fs::write(&alpha, text.replace("Text.", "Changed text.")).unwrap();
    let d = ev.reload_of("/guides/alpha/");
    assert!(
        !d.contains("\"/guides/beta/\""),
        "beta does not show alpha's body: {d}"
    );
    assert_equals_clean_build(&f, &h);

    // A title change: the page, its neighbours, its section, taxonomy pages.
    std::fs::write(
        &alpha,
        std::fs::read_to_string(&alpha)
            .unwrap()
            .replace("title: Alpha", "title: Alpha Prime"),
    )
    .unwrap();
    let d = ev.reload_of("/guides/alpha/");
    for p in ["/guides/", "/guides/beta/", "/tags/ai/", "/tags/strategy/"] {
        assert!(
            d.contains(&format!("\"{p}\"")),
            "{p} shows alpha's title: {d}"
        );
    }
    assert_equals_clean_build(&f, &h);

    // Reordering by weight changes previous/next.
    let beta = f.path("content/guides/beta.md");
    std::fs::write(
        &beta,
        std::fs::read_to_string(&beta)
            .unwrap()
            .replace("weight: 2", "weight: 0"),
    )
    .unwrap();
    ev.reload_of("/guides/beta/");
    assert_equals_clean_build(&f, &h);

    // Tags change: term pages appear and disappear.
    std::fs::write(
        &beta,
        std::fs::read_to_string(&beta)
            .unwrap()
            .replace("tags: [AI]", "tags: [Brand New]"),
    )
    .unwrap();
    ev.reload_of("/tags/brand-new/");
    assert_eq!(page(&h, "/tags/brand-new/").status, 200);
    assert_equals_clean_build(&f, &h);

    // A page that links to another changes when the target moves.
    std::fs::write(
        &beta,
        std::fs::read_to_string(&beta)
            .unwrap()
            .replace("title: Beta", "title: Beta\nslug: beta-moved"),
    )
    .unwrap();
    let d = ev.reload_of("/guides/beta-moved/");
    assert!(d.contains("\"/guides/alpha/\""), "alpha links to beta: {d}");
    assert_equals_clean_build(&f, &h);

    // A template used by pages only: pages re-render, the home does not change.
    let tpl = f.path("themes/mini/templates/page.html");
    std::fs::write(
        &tpl,
        std::fs::read_to_string(&tpl).unwrap().replace(
            "<h1>{{ page.title }}</h1>",
            "<h1 class=\"t\">{{ page.title }}</h1>",
        ),
    )
    .unwrap();
    let d = ev.reload_of("/guides/alpha/");
    assert!(!d.contains("\"/\""), "home does not use page.html: {d}");
    assert!(!d.contains("\"/tags/\""), "{d}");
    assert!(
        page(&h, "/guides/alpha/")
            .text()
            .contains("<h1 class=\"t\">")
    );
    assert_equals_clean_build(&f, &h);

    // A template included by every page (base.html).
    let base = f.path("themes/mini/templates/base.html");
    std::fs::write(
        &base,
        std::fs::read_to_string(&base)
            .unwrap()
            .replace("<main>", "<main class=\"m\">"),
    )
    .unwrap();
    let d = ev.reload_of("/");
    assert!(d.contains("\"/tags/\"") || d.contains("\"all\""), "{d}");
    assert_equals_clean_build(&f, &h);

    // An override template in templates/ (a new folder).
    f.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Override {{ section.title }}</h1>{% endblock main %}",
    );
    ev.reload_of("/guides/");
    assert!(page(&h, "/guides/").text().contains("Override Guides"));
    assert_equals_clean_build(&f, &h);

    // An assessment: its page and the home page (which lists assessments).
    let quiz = f.path("content/assessments/quiz.yaml");
    let quiz_src = std::fs::read_to_string(&quiz).unwrap();
    std::fs::write(
        &quiz,
        quiz_src.replacen("title: Quiz", "title: Quiz Two", 1),
    )
    .unwrap();
    ev.reload_of("/assessments/quiz/");
    assert!(page(&h, "/").text().contains("Quiz Two"));
    assert_equals_clean_build(&f, &h);

    // A page embedding the assessment re-renders when it changes.
    f.write(
        "content/guides/embed.md",
        "---\ntitle: Embed\n---\nTry it:\n\n```assessment\nquiz\n```\n",
    );
    ev.reload_of("/guides/embed/");
    std::fs::write(
        &quiz,
        quiz_src.replacen("title: Quiz", "title: Quiz Three", 1),
    )
    .unwrap();
    ev.reload_of("/guides/embed/");
    assert!(page(&h, "/guides/embed/").text().contains("Quiz Three"));
    assert_equals_clean_build(&f, &h);

    // A static file.
    f.write("static/hello.txt", "Changed file\n");
    ev.reload_of("/hello.txt");
    assert_eq!(page(&h, "/hello.txt").text(), "Changed file\n");
    assert_equals_clean_build(&f, &h);

    // The configuration: everything.
    let cfg = f.path("site.yaml");
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("title: Fixture Site", "title: Renamed Site"),
    )
    .unwrap();
    let d = ev.reload_of("/");
    assert!(
        !d.contains("\"/guides/alpha/\""),
        "pages whose bytes do not change are not reloaded: {d}"
    );
    assert!(page(&h, "/").text().contains("<title>Renamed Site</title>"));
    assert_equals_clean_build(&f, &h);
    h.stop();
}

#[test]
fn a_css_change_is_swapped_without_a_reload() {
    let f = Fixture::new("basic");
    let h = start(&f);
    let ev = events(&h);
    let css = f.path("themes/mini/static/css/site.css");
    std::fs::write(&css, "body { color: rebeccapurple; }\n").unwrap();
    let data = ev.wait("css", |_| true);
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let swap = &v["swaps"][0];
    let (old, new) = (swap[0].as_str().unwrap(), swap[1].as_str().unwrap());
    assert!(old.starts_with("/css/site.") && new.starts_with("/css/site.") && old != new);
    let r = page(&h, new);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("rebeccapurple"));
    assert!(page(&h, "/").text().contains(new.trim_start_matches('/')));
    assert_equals_clean_build(&f, &h);
    h.stop();
}

#[test]
fn serves_at_the_root_when_base_url_has_no_path() {
    let f = Fixture::new("basic");
    let cfg = f.path("site.yaml");
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("https://example.org/sub/", "https://example.org/"),
    )
    .unwrap();
    let h = start(&f);
    assert!(
        h.url.ends_with(&format!(":{}/", h.addr.port())),
        "{}",
        h.url
    );
    assert_eq!(get(h.addr, "/").status, 200);
    assert_eq!(get(h.addr, "/guides/alpha/").status, 200);
    let ev = Events::connect(h.addr, "/__waymark/events");
    f.write(
        "content/guides/alpha.md",
        "---\ntitle: Alpha\n---\nNew.\n\n## When to use {#when-to-use}\n",
    );
    ev.reload_of("/guides/alpha/");
    h.stop();
}

#[test]
fn the_binary_serves_and_prints_the_url() {
    let f = Fixture::new("basic");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["serve", "--port", "0", "--root"])
        .arg(f.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut url = None;
    for _ in 0..10 {
        line.clear();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.strip_prefix("Serving Fixture Site at ") {
            url = Some(rest.split_whitespace().next().unwrap().to_string());
            assert!(line.contains("(Ctrl+C to stop)"));
            break;
        }
    }
    let url = url.expect("a Serving line");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/sub/"),
        "{url}"
    );
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(get(addr, "/sub/").status, 200);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !Path::new(&f.path("public")).exists(),
        "serve writes no public/"
    );
}

#[test]
fn many_dependents_render_after_the_edited_page_and_still_equal_a_clean_build() {
    let f = Fixture::new("basic");
    // Enough pages listing each other (page.html shows the section's pages)
    // for the edited page to go out before the others.
    for i in 0..70 {
        f.write(
            &format!("content/guides/many-{i:02}.md"),
            &format!(
                "---\ntitle: Many {i}\nweight: {}\ntags: [Bulk]\n---\nBody {i}.\n",
                10 + i
            ),
        );
    }
    f.write(
        "content/guides/many-33.md",
        "---\ntitle: Many 33\nweight: 43\ntags: [Bulk]\n---\nBody 33.\n\nSecond one.\n",
    );
    let h = start(&f);
    let ev = events(&h);
    let p = f.path("content/guides/many-33.md");
    std::fs::write(
        &p,
        "---\ntitle: Many Renamed\nweight: 43\ntags: [Bulk]\n---\nBody 33.\n\nSecond one.\n",
    )
    .unwrap();
    // The edited page first, with the pages listing it (its section, its
    // term) and its neighbours; the pages that merely show the section's
    // list after.
    let first = ev.reload_of("/guides/many-33/");
    assert!(!first.contains("\"/guides/many-00/\""), "{first}");
    for p in [
        "/guides/",
        "/tags/bulk/",
        "/guides/many-32/",
        "/guides/many-34/",
    ] {
        assert!(first.contains(&format!("\"{p}\"")), "{p} in {first}");
    }
    ev.reload_of("/guides/many-00/");
    let built = ev.wait("built", |_| true);
    let v: serde_json::Value = serde_json::from_str(&built).unwrap();
    assert!(v["rendered"].as_u64().unwrap() > 70, "{built}");
    assert!(page(&h, "/guides/many-00/").text().contains("Many Renamed"));
    assert_equals_clean_build(&f, &h);

    // An edit that changes nothing any other page shows (not the summary,
    // not the word count) renders that page alone.
    std::fs::write(
        &p,
        "---\ntitle: Many Renamed\nweight: 43\ntags: [Bulk]\n---\nBody 33.\n\nSecond two.\n",
    )
    .unwrap();
    ev.reload_of("/guides/many-33/");
    let built = ev.wait("built", |_| true);
    let v: serde_json::Value = serde_json::from_str(&built).unwrap();
    assert!(v["rendered"].as_u64().unwrap() <= 3, "{built}");
    assert_equals_clean_build(&f, &h);

    // A stylesheet: swapped first, pages re-rendered with its new name
    // after, and no page is told to reload.
    ev.quiet();
    std::fs::write(
        f.path("themes/mini/static/css/site.css"),
        "body { margin: 0; }\n",
    )
    .unwrap();
    let seen = ev.until_built();
    let names: Vec<&str> = seen.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names, ["css", "built"], "{seen:?}");
    let v: serde_json::Value = serde_json::from_str(&seen[1].1).unwrap();
    assert!(v["rendered"].as_u64().unwrap() > 70, "{seen:?}");
    assert_equals_clean_build(&f, &h);
    h.stop();
}

// --- hardening: who may read the site, resources, temp files, races -----

/// Sends `request` (a full HTTP/1.1 head, `\r\n\r\n` included) and returns
/// the status line's code and the headers, without reading the body.
fn head_of(addr: SocketAddr, request: &str) -> (u16, String, TcpStream) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => panic!("connection ended inside the headers: {head:?}"),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, s)
}

/// GET `path` with extra header lines (`Name: value`), closing after.
fn get_with(addr: SocketAddr, path: &str, headers: &[&str]) -> (u16, String) {
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    let (status, head, _) = head_of(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n"),
    );
    (status, head)
}

#[test]
fn pages_of_other_sites_cannot_read_the_dev_site() {
    let f = Fixture::new("basic");
    f.write(
        "content/guides/hidden.md",
        "---\ntitle: Hidden\ndraft: true\n---\nDraft text.\n",
    );
    let h = start(&f);
    let files = h.files().unwrap();
    let css = files
        .keys()
        .find(|k| k.ends_with(".css"))
        .expect("a stylesheet")
        .clone();
    let addr = h.addr;
    let sub = |p: &str| format!("/sub/{p}");
    // A foreign page including our files as script, style, image or fetch.
    for (path, dest, mode) in [
        (sub("sitemap.xml"), "script", "no-cors"),
        (sub(&css), "style", "no-cors"),
        (sub("guides/bundle/pic.png"), "image", "no-cors"),
        (sub("guides/alpha/"), "empty", "cors"),
        (sub("guides/alpha/"), "iframe", "navigate"),
        (sub("hello.txt"), "empty", "no-cors"),
    ] {
        for site in ["cross-site", "same-site"] {
            let (status, head) = get_with(
                addr,
                &path,
                &[
                    &format!("Sec-Fetch-Site: {site}"),
                    &format!("Sec-Fetch-Mode: {mode}"),
                    &format!("Sec-Fetch-Dest: {dest}"),
                ],
            );
            assert_eq!(status, 403, "{site} {dest} {path}: {head}");
        }
    }
    // The live-reload stream from another origin, by Origin or Fetch Metadata.
    let events = sub("__waymark/events");
    for headers in [
        vec!["Origin: http://evil.example"],
        vec!["Origin: null"],
        vec![&*Box::leak(
            format!("Origin: http://127.0.0.1:{}", addr.port() + 1).into_boxed_str(),
        )],
        vec!["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: cors"],
    ] {
        let (status, head) = get_with(addr, &events, &headers);
        assert_eq!(status, 403, "{headers:?}: {head}");
    }

    // Same-origin pages, typed-in URLs, followed links and curl still work.
    let own_origin = format!("Origin: http://{addr}");
    let allowed: Vec<(String, Vec<&str>)> = vec![
        (
            sub(&css),
            vec![
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: no-cors",
                "Sec-Fetch-Dest: style",
            ],
        ),
        (
            sub("guides/alpha/"),
            vec![
                "Sec-Fetch-Site: none",
                "Sec-Fetch-Mode: navigate",
                "Sec-Fetch-Dest: document",
            ],
        ),
        (
            sub("guides/alpha/"),
            vec![
                "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: navigate",
                "Sec-Fetch-Dest: document",
            ],
        ),
        (sub("sitemap.xml"), vec![]),
        (
            sub("hello.txt"),
            vec![
                &own_origin,
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
            ],
        ),
    ];
    for (path, headers) in &allowed {
        let (status, head) = get_with(addr, path, headers);
        assert_eq!(status, 200, "{path} {headers:?}: {head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("cross-origin-resource-policy: same-origin"),
            "{head}"
        );
    }
    for headers in [
        vec![],
        vec![
            own_origin.as_str(),
            "Sec-Fetch-Site: same-origin",
            "Sec-Fetch-Mode: cors",
        ],
    ] {
        let mut req =
            format!("GET {events} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n");
        for h in &headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        let (status, head, _) = head_of(addr, &req);
        assert_eq!(status, 200, "{headers:?}: {head}");
        assert!(head.contains("text/event-stream"), "{head}");
    }
    h.stop();
}

/// This process's resident memory in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[test]
fn big_static_files_are_streamed_not_read_whole() {
    const SIZE: u64 = 200 << 20;
    let f = Fixture::new("basic");
    {
        // Sparse: 200 MB that cost no disk, with a marker at the very end.
        use std::io::{Seek, SeekFrom};
        let mut file = std::fs::File::create(f.path("static/big.bin")).unwrap();
        file.set_len(SIZE).unwrap();
        file.seek(SeekFrom::Start(SIZE - 4)).unwrap();
        file.write_all(b"END!").unwrap();
    }
    let h = start(&f);
    let before = rss_kib();
    let request = format!(
        "GET /sub/big.bin HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        h.addr
    );
    // Eight downloads started at once, none of them read yet.
    let mut open = Vec::new();
    for _ in 0..8 {
        let (status, head, stream) = head_of(h.addr, &request);
        assert_eq!(status, 200, "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains(&format!("content-length: {SIZE}")),
            "{head}"
        );
        open.push(stream);
    }
    if let (Some(before), Some(after)) = (before, rss_kib()) {
        // Read whole, eight copies would be 1.6 GB; streamed, a few chunks.
        let grown_mib = after.saturating_sub(before) / 1024;
        assert!(grown_mib < 300, "memory grew by {grown_mib} MiB");
    }
    // One of them, read to the end, is the whole file.
    let mut stream = open.pop().unwrap();
    let mut total = 0u64;
    let mut tail = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = stream.read(&mut buf).expect("read body");
        if n == 0 {
            break;
        }
        total += n as u64;
        tail.extend_from_slice(&buf[..n]);
        let keep = tail.len().saturating_sub(4);
        tail.drain(..keep);
    }
    assert_eq!(total, SIZE);
    assert_eq!(tail, b"END!");
    drop(open);
    // HEAD says the size and sends nothing.
    let (status, head, mut s) = head_of(
        h.addr,
        &format!(
            "HEAD /sub/big.bin HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            h.addr
        ),
    );
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("content-length: {SIZE}"))
    );
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    h.stop();
}

/// True once the server has closed `s` (end of stream or reset).
fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut b = [0u8; 1];
    matches!(s.read(&mut b), Ok(0))
        || matches!(s.read(&mut b), Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset)
}

#[test]
fn idle_connections_are_closed_and_capped() {
    let f = Fixture::new("basic");
    let opts = Options {
        port: 0,
        log: false,
        idle_timeout: Duration::from_millis(500),
        max_connections: 16,
        ..Options::default()
    };
    let h = serve::start(f.root(), opts).expect("server starts");
    // 300 connections that never send a byte (or stop half-way).
    let mut silent: Vec<TcpStream> = (0..300)
        .map(|i| {
            let mut s = TcpStream::connect(h.addr).expect("connect");
            if i % 2 == 1 {
                s.write_all(b"GET /sub/ HTTP/1.1\r\nHost: 127").unwrap();
            }
            s.set_read_timeout(Some(WAIT)).unwrap();
            s
        })
        .collect();
    // A real request is answered once slots free up...
    let r = page(&h, "/");
    assert_eq!(r.status, 200);
    // ...and by then the server had closed some silent ones: at most 16
    // were open at once.
    let already: usize = silent
        .iter_mut()
        .filter_map(|s| {
            s.set_nonblocking(true).unwrap();
            let mut b = [0u8; 1];
            let done = matches!(s.read(&mut b), Ok(0));
            s.set_nonblocking(false).unwrap();
            done.then_some(())
        })
        .count();
    assert!(
        already >= 1,
        "a request got through while 300 idlers held every slot"
    );
    // Every one of them is closed by the server in the end.
    for (i, s) in silent.iter_mut().enumerate() {
        assert!(closed_by_server(s), "connection {i} still open");
    }
    h.stop();
}

#[test]
fn editor_temp_files_never_join_the_site() {
    let f = Fixture::new("basic");
    let h = start(&f);
    let ev = events(&h);
    let temps = [
        "content/guides/alpha.md___jb_tmp___",
        "content/guides/alpha.md___jb_old___",
        "content/guides/.#alpha.md",
        "content/guides/#alpha.md#",
        "content/guides/alpha.md~",
        "content/guides/4913",
        "content/guides/5036",
        "content/guides/.alpha.md.swp",
        "content/guides/alpha.md.tmp",
        "content/guides/.DS_Store",
        "content/guides/bundle/index.md___jb_old___",
        "static/4913",
        "static/hello.txt~",
        "themes/mini/static/css/site.css___jb_tmp___",
        "themes/mini/templates/page.html___jb_old___",
    ];
    for t in temps {
        f.write(t, "---\ntitle: Temp\n---\nhalf a save\n");
    }
    let alpha = std::fs::read_to_string(f.path("content/guides/alpha.md")).unwrap();
    f.write(
        "content/guides/alpha.md",
        &alpha.replace("Alpha intro paragraph.", "Saved for real."),
    );
    ev.reload_of("/guides/alpha/");
    ev.wait("built", |_| true);
    let files = h.files().unwrap();
    for key in files.keys() {
        for t in temps {
            let name = t.rsplit('/').next().unwrap();
            assert!(!key.ends_with(name), "{key} served from {t}");
        }
    }
    assert!(
        page(&h, "/guides/alpha/")
            .text()
            .contains("Saved for real.")
    );
    assert_equals_clean_build(&f, &h);
    h.stop();
}

#[test]
fn a_source_written_again_during_a_rebuild_is_rebuilt_before_publishing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let f = Fixture::new("basic");
    let css = f.path("themes/mini/static/css/site.css");
    let opts = waymark::site::BuildOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1/sub/".into()),
        portable: false,
    };
    let mut engine = serve::Engine::new(f.root(), opts);
    engine
        .rebuild(&serve::Changes::everything(), &mut |_| {})
        .expect("first build");
    // The editor truncated the file (that is what the rebuild loads)...
    std::fs::write(&css, "").unwrap();
    let loads = Arc::new(AtomicUsize::new(0));
    let (hook_css, hook_loads) = (css.clone(), loads.clone());
    engine.set_loaded_hook(Box::new(move || {
        // ...and writes the rest while the rebuild runs.
        if hook_loads.fetch_add(1, Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(20));
            std::fs::write(&hook_css, "body { color: teal; }\n").unwrap();
        }
    }));
    let changes = serve::classify(f.root(), Some("mini"), std::slice::from_ref(&css));
    let mut published = Vec::new();
    engine
        .rebuild(&changes, &mut |p| published.push(p.files))
        .expect("rebuild");
    assert!(
        loads.load(Ordering::SeqCst) >= 2,
        "the rebuild started over"
    );
    assert!(!published.is_empty());
    for files in &published {
        let (key, body) = files
            .iter()
            .find(|(k, _)| k.starts_with("css/site.") && k.ends_with(".css"))
            .expect("stylesheet");
        let bytes = body.read().unwrap();
        assert_eq!(&*bytes, b"body { color: teal; }\n", "published {key}");
        let expected = waymark::output::fingerprinted("css/site.css", &bytes);
        assert_eq!(format!("/{key}"), expected, "name matches bytes");
    }
}

#[test]
fn the_live_reload_stream_outlives_the_idle_timeout() {
    let f = Fixture::new("basic");
    let opts = Options {
        port: 0,
        log: false,
        idle_timeout: Duration::from_millis(600),
        ..Options::default()
    };
    let h = serve::start(f.root(), opts).expect("server starts");
    let ev = events(&h);
    // Quiet for several idle timeouts: keep-alives keep the stream open...
    std::thread::sleep(Duration::from_millis(2500));
    let alpha = std::fs::read_to_string(f.path("content/guides/alpha.md")).unwrap();
    f.write(
        "content/guides/alpha.md",
        &alpha.replace("Alpha intro paragraph.", "Still connected."),
    );
    // ...so the reload still arrives on it.
    ev.reload_of("/guides/alpha/");
    h.stop();
}

// --- one emit path: build, serve and check produce the same files -------

/// A copy of the repository's own site: the default theme with its page
/// maps (every page lists its section's pages), two taxonomies, four
/// assessments embedded in guides, search, feed and social cards.
fn own_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    dir
}

/// `check` collects exactly the files of `clean`, with the same bytes.
/// What the server holds, as bytes.
fn served(h: &Handle) -> BTreeMap<String, Vec<u8>> {
    served_bytes(&h.files().expect("a good build"))
}

/// Every file the server holds equals a clean build with the same options.
fn assert_equals_clean_build(f: &Fixture, h: &Handle) {
    assert_serves_clean_build(
        &h.files().expect("a good build"),
        f.root(),
        h.build_options(),
    );
}

fn assert_check_collects(
    root: &Path,
    opts: &waymark::site::BuildOptions,
    clean: &BTreeMap<String, Vec<u8>>,
) {
    use waymark::check::{Produced, digest};
    let site = Site::load(root, opts).expect("check loads");
    let (collector, errors) = waymark::check::render(&site);
    assert!(errors.is_empty(), "{errors:?}");
    let collected = collector.files();
    let collected_keys: Vec<&str> = collected
        .keys()
        .map(|k| k.trim_start_matches('/'))
        .collect();
    let clean_keys: Vec<&str> = clean.keys().map(String::as_str).collect();
    assert_eq!(collected_keys, clean_keys, "check and build: same files");
    for (k, bytes) in clean {
        match &collected[&format!("/{k}")] {
            Produced::Bytes(d) => assert_eq!(*d, digest(bytes), "{k}: check saw other bytes"),
            Produced::Copy(src) => {
                assert!(
                    std::fs::read(src).unwrap() == *bytes,
                    "{k}: copied from elsewhere"
                )
            }
        }
    }
}

#[test]
fn build_serve_after_edits_and_check_emit_identical_files() {
    let dir = own_site();
    let root = dir.path();
    let opts = Options {
        port: 0,
        log: false,
        ..Options::default()
    };
    let h = serve::start(root, opts).expect("server starts");
    assert!(h.initial_error.is_none(), "{:?}", h.initial_error);
    let bo = h.build_options().clone();
    let clean = clean_build(root, &bo);
    assert!(
        clean.keys().any(|k| k.starts_with("search-index/")),
        "search is on"
    );
    assert!(
        clean.contains_key("feed.xml") && clean.contains_key("case-studies/by-playbook/index.html")
    );
    assert_same_files(&served(&h), &clean, "first build");
    assert_check_collects(root, &bo, &clean);

    let ev = events(&h);
    let edit = |rel: &str, from: &str, to: &str| {
        let p = root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} has {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    let klarna = "content/case-studies/klarna.md";
    let new_page = "content/case-studies/a-new-case.md";
    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "a body edit",
            Box::new(|| {
                edit(
                    klarna,
                    "## The situation",
                    "A new sentence.\n\n## The situation",
                )
            }),
        ),
        (
            "a title in lists, sidebars and term pages",
            Box::new(|| edit(klarna, "title: \"Klarna:", "title: \"Klarna, renamed:")),
        ),
        (
            "a new page with a new term",
            Box::new(|| {
                std::fs::write(root.join(new_page), "---\ntitle: A new case\ndescription: Added while serving.\ndate: 2026-03-01\ntags: [brand-new-tag]\nplaybooks: [go-now]\n---\nA [Klarna](@/case-studies/klarna.md) follow-up.\n").unwrap()
            }),
        ),
        (
            "an embedded assessment",
            Box::new(|| {
                edit(
                    "content/assessments/seam-spotter.yaml",
                    "title: Seam spotter",
                    "title: Seam spotter, revised",
                )
            }),
        ),
        (
            "the new page removed",
            Box::new(|| std::fs::remove_file(root.join(new_page)).unwrap()),
        ),
    ];
    for (step, change) in steps {
        change();
        let seen = ev.until_settled();
        assert!(seen.iter().all(|(e, _)| e != "error"), "{step}: {seen:?}");
        let clean = clean_build(root, &bo);
        assert_same_files(&served(&h), &clean, step);
        assert_check_collects(root, &bo, &clean);
    }
    h.stop();
}

/// A save that changes only the text of a page is applied to the loaded
/// site in place and renders that page alone; a save whose effects reach
/// further (a new heading, a broken link, a changed front matter) takes
/// the full path. Either way the result equals a clean build.
#[test]
fn text_only_saves_render_the_page_alone_and_still_equal_a_clean_build() {
    let f = Fixture::new("basic");
    let beta = f.path("content/guides/beta.md");
    let opts = waymark::site::BuildOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1/".into()),
        portable: false,
    };
    let mut engine = serve::Engine::new(f.root(), opts.clone());
    engine
        .rebuild(&serve::Changes::everything(), &mut |_| {})
        .expect("first build");
    let mut save = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&beta).unwrap();
        assert!(text.contains(from), "{from} in {text}");
        std::fs::write(&beta, text.replacen(from, to, 1)).unwrap();
        let changes = serve::classify(f.root(), Some("mini"), std::slice::from_ref(&beta));
        let done = engine.rebuild(&changes, &mut |_| {});
        if let Ok(d) = &done {
            assert_serves_clean_build(&engine.files().unwrap(), f.root(), &opts);
            return Some((d.rendered, d.in_place, d.changed.clone()));
        }
        None
    };
    // Words changed, as many as before (the fixture's page template shows
    // the word count, which its lists could show too).
    let (rendered, in_place, changed) = save("Beta intro.", "Beta preface.").expect("rebuilt");
    assert!(in_place && rendered == 1, "only beta: {changed:?}");
    assert!(
        changed.contains(&"guides/beta/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|c| c.starts_with("guides/index")),
        "{changed:?}"
    );
    // A new heading: other pages may link to its anchor, so the full path.
    let (_, in_place, _) = save("## Details", "## Details\n\n## Extra part").expect("rebuilt");
    assert!(!in_place, "a new heading takes the full path");
    // A broken link is reported as a build would, and the last good
    // site stays.
    assert!(save("Beta preface.", "Beta [x](@/nowhere.md).").is_none());
    let (rendered, _, _) = save("Beta [x](@/nowhere.md).", "Beta preface.").expect("fixed");
    assert!(rendered >= 1);
    // Front matter changed: the full path (lists and alpha show the title).
    let (rendered, in_place, _) = save("title: Beta", "title: Beta Two").expect("rebuilt");
    assert!(!in_place && rendered > 1, "{rendered}");
    // Text again, after the full paths: still the page alone.
    let (rendered, in_place, _) = save("Beta preface.", "Beta opening.").expect("rebuilt");
    assert!(in_place && rendered == 1);
    // One more word: the fixture's templates show the word count, which a
    // list could show, so the full path.
    let (_, in_place, _) = save("Beta opening.", "Beta opening words.").expect("rebuilt");
    assert!(!in_place);
}
