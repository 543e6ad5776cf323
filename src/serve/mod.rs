//! `waymark serve`: build into memory, serve over HTTP, watch the sources,
//! rebuild what changed and tell open pages to reload.
//!
//! - [`watch`] (notify): debounced batches of changed paths;
//! - [`incremental`]: the last good build, which pages to re-render (with
//!   `plan`), then one emit of the site into memory (`memory`), pages
//!   compressed (`packed`);
//! - [`reload`]: the event channel, the injected script and error overlay;
//! - [`http`] (axum): serving the in-memory site and the event stream.
//!
//! Nothing is written to `public/`: the served site lives in memory, so
//! serve can never leave a half-written output folder behind.

pub mod conn;
pub mod guard;
pub mod http;
pub mod incremental;
mod memory;
pub mod packed;
mod plan;
pub mod reload;
pub mod watch;

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::watch as tokio_watch;

pub use incremental::{Changes, Engine, Published, Rebuilt};
pub use memory::{Body, Files};
pub use reload::{Hub, Message};

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::Diagnostics;
use crate::site::BuildOptions;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `base_url`; only its path is used (the site is served under it).
    pub base_url: Option<String>,
    /// Quiet period after the last file event before rebuilding.
    pub debounce: Duration,
    /// Print status lines and diagnostics to the terminal.
    pub log: bool,
    /// Print per-rebuild detail.
    pub verbose: bool,
    /// Connections open at once; more wait until one closes.
    pub max_connections: usize,
    /// A connection that moves no byte for this long is closed (live-reload
    /// streams send a keep-alive every 15 s, so they stay open).
    pub idle_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            base_url: None,
            debounce: Duration::from_millis(5),
            log: true,
            verbose: false,
            max_connections: 256,
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// The port is taken or the address is not ours.
    Bind(SocketAddr, std::io::Error),
    /// The runtime, watcher or another part of the machine failed.
    Io(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(addr, e) => write!(
                f,
                "cannot listen on {addr}: {e} (choose another port with --port N, or --port 0 for any free one)"
            ),
            StartError::Io(e) => f.write_str(e),
        }
    }
}

enum Msg {
    Batch(watch::Batch),
    Stop,
}

/// A running server. [`Handle::stop`] (or dropping it) shuts it down.
pub struct Handle {
    /// The address listened on.
    pub addr: SocketAddr,
    /// The site's URL, with its sub-path: `http://127.0.0.1:1111/sub/`.
    pub url: String,
    /// The site's title, when site.yaml could be read.
    pub title: Option<String>,
    /// The problems of the first build, if it failed (the server still runs
    /// and shows them; it picks up the fix by itself).
    pub initial_error: Option<Diagnostics>,
    build_options: BuildOptions,
    files: Arc<RwLock<Option<Arc<Files>>>>,
    hub: Hub,
    shutdown: tokio_watch::Sender<bool>,
    engine_tx: mpsc::Sender<Msg>,
    engine: Option<JoinHandle<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Handle {
    /// The options the served site is built with (`base_url` pointing here),
    /// so a clean build with them can be compared with what is served.
    pub fn build_options(&self) -> &BuildOptions {
        &self.build_options
    }

    /// The last good build, if any.
    pub fn files(&self) -> Option<Arc<Files>> {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .cloned()
    }

    /// The live-reload hub (to send or observe messages in-process).
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Blocks until Ctrl+C.
    pub fn wait_for_ctrl_c(&self) {
        if let Some(rt) = &self.runtime {
            let _ = rt.block_on(tokio::signal::ctrl_c());
        }
    }

    /// Stops watching and serving; returns once everything has ended.
    pub fn stop(mut self) {
        self.shutdown_now();
    }

    fn shutdown_now(&mut self) {
        let _ = self.shutdown.send(true);
        let _ = self.engine_tx.send(Msg::Stop);
        if let Some(t) = self.engine.take() {
            let _ = t.join();
        }
        if let Some(rt) = self.runtime.take() {
            if let Some(server) = self.server.take() {
                let _ = rt
                    .block_on(async { tokio::time::timeout(Duration::from_secs(5), server).await });
            }
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}

/// Builds the site at `root`, starts serving and watching, and returns once
/// the first build is done (successful or not).
pub fn start(root: &Path, opts: Options) -> Result<Handle, StartError> {
    let root = root
        .canonicalize()
        .map_err(|e| StartError::Io(format!("cannot open {}: {e}", root.display())))?;
    let config = Config::load(&root).ok();
    let base = crate::output::base_path(
        opts.base_url
            .as_deref()
            .or(config.as_ref().map(|c| c.base_url()))
            .unwrap_or("/"),
    );
    let (listener, addr) = bind(&opts)?;
    let url = format!("http://{}:{}{base}", browser_host(addr.ip()), addr.port());
    let build_options = BuildOptions {
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        portable: false,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("waymark-http")
        .enable_all()
        .build()
        .map_err(|e| StartError::Io(format!("cannot start the HTTP runtime: {e}")))?;
    let (shutdown, shutdown_rx) = tokio_watch::channel(false);
    let files: Arc<RwLock<Option<Arc<Files>>>> = Arc::new(RwLock::new(None));
    let hub = Hub::new();

    // Watch first, so nothing saved during the first build is missed.
    let (engine_tx, engine_rx) = mpsc::channel::<Msg>();
    let tx = engine_tx.clone();
    let watcher = watch::Watcher::new(&root, opts.debounce, move |b| {
        let _ = tx.send(Msg::Batch(b));
    })
    .map_err(|e| StartError::Io(format!("cannot watch {}: {e}", root.display())))?;

    let mut engine = Engine::new(&root, build_options.clone());
    let t = Instant::now();
    let first = engine.rebuild(&Changes::everything(), &mut |p| {
        *files.write().unwrap_or_else(|e| e.into_inner()) = Some(p.files);
    });
    let initial_error = report_first_build(first, t, &hub, opts.log);
    let title = (engine.site().map(|s| s.config().title.clone())).or(config.map(|c| c.title));
    let state = http::AppState {
        files: files.clone(),
        hub: hub.clone(),
        base: base.clone(),
        root: root.clone(),
        shutdown: shutdown_rx.clone(),
        loopback_only: addr.ip().is_loopback(),
        idle_timeout: opts.idle_timeout,
    };
    let server = spawn_server(&runtime, listener, state, &opts, shutdown_rx)?;
    let shared = (files.clone(), hub.clone());
    let engine_thread = std::thread::Builder::new()
        .name("waymark-rebuild".into())
        .spawn(move || {
            rebuild_loop(
                &root, engine, watcher, engine_rx, &shared.0, &shared.1, &opts,
            )
        })
        .map_err(|e| StartError::Io(e.to_string()))?;
    Ok(Handle {
        addr,
        url,
        title,
        initial_error,
        build_options,
        files,
        hub,
        shutdown,
        engine_tx,
        engine: Some(engine_thread),
        server: Some(server),
        runtime: Some(runtime),
    })
}

/// Starts the HTTP server on `listener` inside `runtime`.
fn spawn_server(
    runtime: &tokio::runtime::Runtime,
    listener: TcpListener,
    state: http::AppState,
    opts: &Options,
    shutdown: tokio_watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, StartError> {
    let _guard = runtime.enter();
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(|e| StartError::Io(e.to_string()))?;
    let limits = http::Limits {
        max_connections: opts.max_connections,
        idle_timeout: opts.idle_timeout,
    };
    Ok(runtime.spawn(http::serve(listener, state, limits, shutdown)))
}

/// Binds the listener (non-blocking, for tokio) and reports the address
/// actually bound, so `--port 0` works.
fn bind(opts: &Options) -> Result<(TcpListener, SocketAddr), StartError> {
    let requested = SocketAddr::new(opts.bind, opts.port);
    let listener = TcpListener::bind(requested).map_err(|e| StartError::Bind(requested, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Io(e.to_string()))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| StartError::Io(e.to_string()))?;
    Ok((listener, addr))
}

/// The host a browser should open: a wildcard bind is reached on loopback.
fn browser_host(ip: IpAddr) -> String {
    match ip {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    }
}

/// Logs the first build and hands a failure to the overlay, returning it
/// so the caller can say the site starts broken.
fn report_first_build(
    first: Result<incremental::Rebuilt, Diagnostics>,
    started: Instant,
    hub: &Hub,
    log: bool,
) -> Option<Diagnostics> {
    match first {
        Ok(r) => {
            if log {
                println!(
                    "Built {} in {} ms",
                    crate::commands::count(r.pages, "page"),
                    started.elapsed().as_millis()
                );
            }
            None
        }
        Err(d) => {
            if log {
                print_diagnostics(&d);
            }
            hub.send(Message::error(&d.0));
            Some(d)
        }
    }
}

fn rebuild_loop(
    root: &Path,
    mut engine: Engine,
    mut watcher: watch::Watcher,
    rx: mpsc::Receiver<Msg>,
    files: &RwLock<Option<Arc<Files>>>,
    hub: &Hub,
    opts: &Options,
) {
    let mut publisher = Publisher {
        files,
        hub,
        broken: hub.has_error(),
        ever_built: !hub.has_error(),
    };
    while let Ok(msg) = rx.recv() {
        let Some(changes) = next_changes(root, msg, &rx, &mut watcher, &engine) else {
            return;
        };
        if changes.is_empty() {
            continue;
        }
        let t = Instant::now();
        let outcome = rebuild_guarded(&mut engine, &changes, &mut |p| publisher.publish(p));
        match outcome {
            Ok(r) => report_rebuild(&r, t, hub, opts),
            Err(d) => {
                if opts.log {
                    print_diagnostics(&d);
                    eprintln!("The last good version is still served.");
                }
                hub.send(Message::error(&d.0));
                publisher.broken = true;
            }
        }
    }
}

/// The changes of `first` and every message that queued up behind it;
/// `None` when asked to stop. A top folder removed or replaced loses its
/// watch: it is watched anew.
fn next_changes(
    root: &Path,
    first: Msg,
    rx: &mpsc::Receiver<Msg>,
    watcher: &mut watch::Watcher,
    engine: &Engine,
) -> Option<Changes> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut rescan = false;
    for m in std::iter::once(first).chain(rx.try_iter()) {
        match m {
            Msg::Stop => return None,
            Msg::Batch(watch::Batch::Rescan) => rescan = true,
            Msg::Batch(watch::Batch::Paths(p)) => paths.extend(p),
        }
    }
    for p in &paths {
        if let Ok(rel) = p.strip_prefix(root)
            && rel.components().count() == 1
            && watch::WATCHED_DIRS.iter().any(|d| rel == Path::new(d))
        {
            watcher.forget(p);
        }
    }
    paths.extend(watcher.refresh());
    if rescan {
        return Some(Changes::everything());
    }
    let theme = engine.site().map(|s| s.config().theme.clone());
    Some(classify(root, theme.as_deref(), &paths))
}

/// Hands each published state to the server and tells open pages.
struct Publisher<'a> {
    files: &'a RwLock<Option<Arc<Files>>>,
    hub: &'a Hub,
    /// The overlay shows an error.
    broken: bool,
    /// A build succeeded since the server started.
    ever_built: bool,
}

impl Publisher<'_> {
    fn publish(&mut self, p: Published) {
        *self.files.write().unwrap_or_else(|e| e.into_inner()) = Some(p.files);
        if self.broken {
            self.hub.send(Message::ok());
            self.broken = false;
        }
        if !self.ever_built {
            if p.last {
                self.hub.send(Message::reload(&["*".into()]));
                self.ever_built = true;
            }
        } else if p.css_only && !p.css.is_empty() {
            self.hub.send(Message::css(&p.css));
        } else if p.css_only
            && p.changed
                .iter()
                .all(|k| k.ends_with(".html") || k.ends_with(".css"))
        {
            // Pages whose only change is the new stylesheet name, and the
            // old stylesheet going away: open pages swapped it already.
        } else if !p.changed.is_empty() {
            let paths: Vec<String> = p.changed.iter().map(|k| http::site_path(k)).collect();
            self.hub.send(Message::reload(&paths));
        }
    }
}

/// [`Engine::rebuild`], turning a panic (a bug, not the site's fault) into
/// an error that says so; the next rebuild starts afresh.
fn rebuild_guarded(
    engine: &mut Engine,
    changes: &Changes,
    publish: &mut dyn FnMut(Published),
) -> Result<Rebuilt, Diagnostics> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.rebuild(changes, publish)
    }));
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        engine.reset();
        Err(Diagnostics(vec![
            crate::diagnostics::Diagnostic::error(
                "waymark serve",
                format!("internal error while rebuilding: {what}"),
            )
            .with_hint("save again to rebuild everything; please report this"),
        ]))
    })
}

/// The `built` event, and the status line when logging.
fn report_rebuild(r: &Rebuilt, started: Instant, hub: &Hub, opts: &Options) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    hub.send(Message::built(ms, r.rendered, r.changed.len()));
    if !opts.log {
        return;
    }
    let n = r.changed.len();
    println!(
        "Rebuilt in {} ms: {} of {} pages rendered, {n} file{} changed{}",
        started.elapsed().as_millis(),
        r.rendered,
        r.pages,
        if n == 1 { "" } else { "s" },
        // The fast path for saves that changed only a page's text.
        if r.in_place { " (text only)" } else { "" }
    );
    if opts.verbose {
        for c in r.changed.iter().take(20) {
            println!("  {}", http::site_path(c));
        }
    }
}

fn print_diagnostics(d: &Diagnostics) {
    let color = std::io::stderr().is_terminal();
    for diag in &d.0 {
        eprintln!("{}\n", diag.render(color));
    }
}

/// Sorts changed paths into what they affect. `theme` is the active theme,
/// when known; changes in other themes are ignored.
pub fn classify(root: &Path, theme: Option<&str>, paths: &[PathBuf]) -> Changes {
    let mut c = Changes::default();
    let mut css_seen = false;
    let mut other_static = false;
    for p in paths {
        let Ok(rel) = p.strip_prefix(root) else {
            continue;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some(first) = parts.first() else {
            continue;
        };
        if parts.iter().any(|name| crate::content::is_ignored(name)) {
            continue;
        }
        let is_css = p.extension().is_some_and(|e| e == "css");
        let mut statics = |c: &mut Changes| {
            c.statics = true;
            if is_css {
                css_seen = true;
            } else {
                other_static = true;
            }
        };
        match first.as_str() {
            CONFIG_FILE if parts.len() == 1 => c.config = true,
            "content" => c.content = true,
            "templates" => c.templates = true,
            "static" => statics(&mut c),
            "themes" => {
                let in_active = match (theme, parts.get(1)) {
                    (Some(t), Some(name)) => t == name,
                    _ => true,
                };
                if !in_active {
                    continue;
                }
                match parts.get(2).map(String::as_str) {
                    Some("templates") => c.templates = true,
                    Some("static") => statics(&mut c),
                    Some(_) => {}
                    None => {
                        c.templates = true;
                        c.statics = true;
                        other_static = true;
                    }
                }
            }
            _ => continue,
        }
        c.paths.push(p.clone());
    }
    c.css_only = css_seen && !other_static && !c.config && !c.content && !c.templates;
    c
}

/// Opens `url` in the default browser, without waiting for it.
pub fn open_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let root = Path::new("/s");
        let c = classify(
            root,
            Some("default"),
            &[
                PathBuf::from("/s/themes/other/templates/page.html"),
                PathBuf::from("/s/content/.x.md.swp"),
                PathBuf::from("/s/content/x.md___jb_tmp___"),
                PathBuf::from("/s/content/x.md___jb_old___"),
                PathBuf::from("/s/content/.#x.md"),
                PathBuf::from("/s/content/x.md~"),
                PathBuf::from("/s/content/4913"),
                PathBuf::from("/s/static/x.tmp"),
                PathBuf::from("/s/static/.DS_Store"),
                PathBuf::from("/s/themes/default/static/css/site.css___jb_old___"),
                PathBuf::from("/s/public/index.html"),
            ],
        );
        assert!(c.is_empty());
        let c = classify(
            root,
            Some("default"),
            &[PathBuf::from("/s/themes/default/static/css/site.css")],
        );
        assert!(c.statics && c.css_only);
        let c = classify(root, None, &[PathBuf::from("/s/site.yaml")]);
        assert!(c.config && !c.css_only);
        let c = classify(
            root,
            Some("default"),
            &[
                PathBuf::from("/s/static/a.css"),
                PathBuf::from("/s/content/a.md"),
            ],
        );
        assert!(c.content && c.statics && !c.css_only);
    }
}
