//! Save-to-reload latency of `waymark serve` (a benchmark, not a test).
//!
//! ```text
//! cargo run --release --example serve_latency                 # generated 1,000-page site
//! cargo run --release --example serve_latency -- --pages 200
//! cargo run --release --example serve_latency -- --site .     # a real site (copied first)
//! python3 bench/gen_corpus.py /tmp/c10k --pages 10000 --theme themes/default
//! cargo run --release --example serve_latency -- --site /tmp/c10k --edits 10
//! ```
//!
//! Starts the server in-process on a free port over a copy of the site,
//! connects to the event stream like a browser, then edits one page's body
//! `--edits` times (default 30), each time adding a sentence of a different
//! length (so word counts and reading times in lists change too, as when a
//! person types), and measures the time from the write to
//! - the `reload` event naming that page (what the person sees), and
//! - the `built` event (every page depending on it rendered again).
//!
//! Then it changes the page's `title:` `--edits` times and measures the time
//! from the write to the `reload` event naming the page's section (its list
//! shows the new title). Prints the median, p90, min and max of each, the
//! pages rendered per save (independent of machine load) and the process's
//! resident memory (the server runs in this process): after the first build
//! and at the end, with the peak.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use waymark::serve::{self, Options};

fn main() {
    let mut pages = 1000usize;
    let mut edits = 30usize;
    let mut site: Option<PathBuf> = None;
    let mut page: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => pages = args.next().and_then(|v| v.parse().ok()).expect("--pages N"),
            "--edits" => edits = args.next().and_then(|v| v.parse().ok()).expect("--edits N"),
            "--site" => site = args.next().map(PathBuf::from),
            "--page" => page = args.next(),
            _ => {
                eprintln!(
                    "usage: serve_latency [--pages N] [--edits N] [--site DIR] [--page content/x.md]"
                );
                std::process::exit(2);
            }
        }
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let (label, rel) = match &site {
        Some(src) => {
            copy_site(src, &root);
            let rel = page.unwrap_or_else(|| pick_page(&root));
            (format!("{} ({})", src.display(), rel), rel)
        }
        None => {
            generate(&root, pages);
            let rel = page.unwrap_or_else(|| "content/s3/p503.md".into());
            (format!("generated {pages}-page site ({rel})"), rel)
        }
    };
    let t = Instant::now();
    let handle = serve::start(
        &root,
        Options {
            port: 0,
            log: false,
            ..Options::default()
        },
    )
    .expect("server starts");
    if let Some(d) = &handle.initial_error {
        eprintln!("the site does not build:\n{d}");
        std::process::exit(1);
    }
    let first = t.elapsed();
    let files = handle.files().map_or(0, |f| f.len());
    let site_path = handle
        .files()
        .and_then(|_| page_path(&root, &rel))
        .unwrap_or_default();
    let events = connect(
        handle.addr,
        &format!(
            "{}__waymark/events",
            waymark::output::base_path(&handle.url)
        ),
    );
    let rss_built = rss();
    if std::env::var_os("WM_SIZES").is_some() {
        let f = handle.files().unwrap();
        let mut by: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for (k, v) in f.iter() {
            let kind = if k.ends_with(".html") {
                "html"
            } else if k.starts_with("search-index") {
                "search"
            } else {
                "other"
            };
            let n = match v {
                waymark::serve::Body::Bytes(b) => b.len(),
                waymark::serve::Body::Packed(p) => p.packed_len(),
                _ => 0,
            };
            let e = by.entry(kind).or_default();
            e.0 += 1;
            e.1 += n;
        }
        eprintln!("files: {by:?}");
    }
    let file = root.join(&rel);
    let original = std::fs::read_to_string(&file).expect("page to edit");
    let quoted = format!("\"{site_path}\"");
    let body = measure(&events, &file, edits, &quoted, |i| {
        let words = "more words here ".repeat(1 + i % 7);
        format!("{original}\nEdit number {i}: {words}\n")
    });
    std::fs::write(&file, &original).expect("write");
    std::thread::sleep(Duration::from_millis(500));
    let section = format!("\"{}\"", section_of(&site_path));
    let title = measure(&events, &file, edits, &section, |i| {
        retitle(&original, &format!("Edited title {i}"))
    });
    let rss_end = rss();
    let rss_trimmed = trimmed_rss();
    handle.stop();
    println!("site: {label}");
    println!("files served: {files}; first build: {:.0} ms", ms(first));
    body.print("body edit");
    title.print("title edit (section list)");
    println!(
        "serve RSS: {} MiB after the first build, {} MiB at the end, peak {} MiB",
        rss_built.0 / 1024,
        rss_end.0 / 1024,
        rss_end.1 / 1024
    );
    if let Some(kib) = rss_trimmed {
        println!(
            "serve RSS once the allocator returns its free pages (mi_collect): {} MiB",
            kib / 1024
        );
    }
}

/// RSS after asking the allocator to return freed memory to the system:
/// how much of the RSS is memory in use rather than held for reuse.
fn trimmed_rss() -> Option<u64> {
    waymark::alloc::release_free_memory();
    Some(rss().0)
}

/// What one kind of edit measured.
struct Runs {
    reload: Vec<Duration>,
    built: Vec<Duration>,
    rendered: Vec<u64>,
}

impl Runs {
    fn print(mut self, what: &str) {
        report(&format!("{what}: save -> reload"), &mut self.reload);
        report(&format!("{what}: save -> rebuilt"), &mut self.built);
        self.rendered.sort();
        println!(
            "{what}: pages rendered per save: median {}, max {}",
            self.rendered[self.rendered.len() / 2],
            self.rendered[self.rendered.len() - 1]
        );
    }
}

/// Saves `text(i)` into `file` `edits` times and times each save until a
/// `reload` naming `quoted` (a JSON string) and until `built`.
fn measure(
    events: &mpsc::Receiver<(String, String)>,
    file: &Path,
    edits: usize,
    quoted: &str,
    text: impl Fn(usize) -> String,
) -> Runs {
    let mut runs = Runs {
        reload: Vec::new(),
        built: Vec::new(),
        rendered: Vec::new(),
    };
    for i in 0..edits {
        // Let the previous rebuild settle, as between two saves by a person.
        std::thread::sleep(Duration::from_millis(150));
        while events.try_recv().is_ok() {}
        let text = text(i);
        let start = Instant::now();
        std::fs::write(file, text).expect("write");
        let mut got_reload = None;
        loop {
            let (event, data) = events
                .recv_timeout(Duration::from_secs(60))
                .expect("an event within 60 s");
            if event == "reload"
                && got_reload.is_none()
                && (data.contains(quoted) || data.contains("\"all\""))
            {
                got_reload = Some(start.elapsed());
            }
            if event == "built" {
                runs.built.push(start.elapsed());
                let v: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
                runs.rendered.push(v["rendered"].as_u64().unwrap_or(0));
                break;
            }
        }
        runs.reload
            .push(got_reload.unwrap_or_else(|| panic!("a reload naming {quoted}")));
    }
    runs
}

/// `source` with its front matter's `title:` line replaced.
fn retitle(source: &str, title: &str) -> String {
    let mut done = false;
    source
        .split_inclusive('\n')
        .map(|line| {
            if !done && line.starts_with("title:") {
                done = true;
                format!("title: \"{title}\"\n")
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// `/a/b/c/` -> `/a/b/`.
fn section_of(site_path: &str) -> String {
    let trimmed = site_path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => "/".into(),
    }
}

/// This process's resident memory and its peak, in KiB (Linux; 0 elsewhere).
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what} ({} edits): median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
}

/// The site path of a content file, from the file name (`content/a/b.md` ->
/// `/a/b/`); good enough for the pages this benchmark edits.
fn page_path(_root: &Path, rel: &str) -> Option<String> {
    let rel = rel.strip_prefix("content/")?.strip_suffix(".md")?;
    let rel = rel.strip_suffix("/index").unwrap_or(rel);
    Some(format!("/{rel}/"))
}

fn pick_page(root: &Path) -> String {
    let mut found: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy();
            n.ends_with(".md") && n != "_index.md" && n != "index.md"
        })
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    found.sort();
    found.get(found.len() / 2).cloned().expect("a page to edit")
}

fn copy_site(src: &Path, dst: &Path) {
    for name in ["site.yaml", "content", "themes", "templates", "static"] {
        let from = src.join(name);
        if !from.exists() {
            continue;
        }
        for e in walkdir::WalkDir::new(&from)
            .into_iter()
            .filter_map(Result::ok)
        {
            let to = dst.join(e.path().strip_prefix(src).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else if e.file_type().is_file() {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
    }
}

/// A site of `n` pages in 10 sections (plus the sections the default theme's
/// home page lists), with headings, tags and cross-links, on the default theme.
fn generate(root: &Path, n: usize) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
    copy_site(Path::new(env!("CARGO_MANIFEST_DIR")), root);
    let _ = theme;
    for name in ["content", "templates", "static"] {
        let _ = std::fs::remove_dir_all(root.join(name));
    }
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "site.yaml",
        "title: Bench Site\nbase_url: https://example.org/\ntheme: default\ntaxonomies: [tags]\nmenu:\n  - { title: Section 0, url: \"@/s0/_index.md\" }\n",
    );
    w("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    for s in ["playbooks", "case-studies"] {
        w(
            &format!("content/{s}/_index.md"),
            &format!("---\ntitle: {s}\n---\nList.\n"),
        );
    }
    let words = [
        "strategy",
        "execution",
        "gap",
        "team",
        "leader",
        "plan",
        "market",
        "data",
        "model",
        "risk",
        "value",
        "customer",
        "growth",
    ];
    let mut seed = 1u64;
    let mut rnd = move |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    for s in 0..10 {
        w(
            &format!("content/s{s}/_index.md"),
            &format!("---\ntitle: Section {s}\nsort_by: weight\n---\nSection {s} intro.\n"),
        );
    }
    for i in 0..n {
        let s = i % 10;
        let mut body = String::new();
        for h in 0..4 {
            body.push_str(&format!("## Heading {h}\n\n"));
            for _ in 0..3 {
                let para: Vec<&str> = (0..60).map(|_| words[rnd(words.len())]).collect();
                body.push_str(&para.join(" "));
                body.push_str("\n\n");
            }
        }
        let j = (i + 7) % n;
        body.push_str(&format!("See [page {j}](@/s{}/p{j}.md).\n", j % 10));
        let tags = format!("t{}, t{}", rnd(20), rnd(20));
        w(
            &format!("content/s{s}/p{i}.md"),
            &format!(
                "---\ntitle: Page {i}\nweight: {i}\ndate: 2026-01-{:02}\ntags: [{tags}]\n---\n{body}",
                1 + i % 28
            ),
        );
    }
}

/// Connects to the event stream; events arrive on the returned channel.
fn connect(addr: std::net::SocketAddr, path: &str) -> mpsc::Receiver<(String, String)> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).ok();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(s);
        let mut line = String::new();
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
        }
    });
    let (e, _) = rx.recv_timeout(Duration::from_secs(60)).expect("hello");
    assert_eq!(e, "hello");
    rx
}
