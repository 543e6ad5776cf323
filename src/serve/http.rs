//! The HTTP side (axum): serves the last good build from memory, the event
//! stream, and the error page while no build has succeeded yet. Only this
//! module touches axum.
//!
//! Paths are looked up in the in-memory site, never joined onto a folder:
//! `..` and `.` segments (also percent-encoded) are refused with 403, so is
//! a static file whose real location is outside the site; there are no
//! directory listings; anything unknown gets the site's `404.html` with
//! status 404.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body as HttpBody, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};

use super::conn::Limited;
use super::guard;
use super::memory::{Body, Files};
use super::reload::{self, EVENTS_PATH, Hub, Message};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The last good build (None until one succeeds).
    pub files: Arc<RwLock<Option<Arc<Files>>>>,
    /// Live-reload fan-out.
    pub hub: Hub,
    /// Path prefix the site is served under: `/` or `/sub/`.
    pub base: String,
    /// The site folder, canonical: static files must stay inside it.
    pub root: PathBuf,
    /// Flips to true on shutdown, ending event streams.
    pub shutdown: watch::Receiver<bool>,
    /// Listening on loopback only: then requests must name a loopback host
    /// (a page elsewhere cannot read the site through DNS rebinding).
    pub loopback_only: bool,
    /// Connections idle this long are closed (see [`Limits`]).
    pub idle_timeout: Duration,
}

/// The router: one fallback handler does everything.
pub fn router(state: AppState) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// How many connections may be open at once, and how long one may idle.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// A connection that moves no byte for this long is closed.
    pub idle_timeout: Duration,
}

/// Serves `router` on `listener` until `shutdown` flips.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let listener = Limited::new(listener, limits.max_connections, limits.idle_timeout);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            let _ = shutdown.wait_for(|s| *s).await;
        })
        .await
}

async fn handle(State(app): State<AppState>, req: Request) -> Response {
    let mut res = respond(app, req).await;
    // Browsers without Fetch Metadata still keep other sites' pages from
    // embedding what we answer.
    res.headers_mut().insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    res
}

async fn respond(app: AppState, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    if let Err(why) = guard::check(req.headers(), app.loopback_only) {
        return plain(StatusCode::FORBIDDEN, why);
    }
    let head = req.method() == Method::HEAD;
    let raw = req.uri().path().to_string();
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let base = app.base.as_str();
    let Some(rest) = raw.strip_prefix(base) else {
        // `/sub` -> `/sub/`; `/` -> `/sub/` when the site lives under a sub-path.
        if raw == base.trim_end_matches('/') || raw == "/" {
            return redirect(&format!("{base}{query}"));
        }
        return not_found(&app, &raw, head).await;
    };
    if rest == EVENTS_PATH {
        return events(app).into_response();
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(rest).decode_utf8() else {
        return plain(
            StatusCode::BAD_REQUEST,
            "bad request: the path is not UTF-8",
        );
    };
    let decoded = decoded.into_owned();
    if decoded.split('/').any(|s| s == ".." || s == ".")
        || decoded.contains(['\\', '\0'])
        || decoded.starts_with('/')
    {
        return plain(StatusCode::FORBIDDEN, "forbidden");
    }
    let key = if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded.clone()
    };
    let Some(files) = current(&app) else {
        return no_build_yet(&app, &decoded, head);
    };
    if let Some(body) = files.get(&key) {
        return send(&app, &key, body, &decoded, StatusCode::OK, head).await;
    }
    if !decoded.is_empty() && files.contains_key(&format!("{decoded}/index.html")) {
        return redirect(&format!("{raw}/{query}"));
    }
    not_found(&app, &decoded, head).await
}

fn current(app: &AppState) -> Option<Arc<Files>> {
    app.files
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .cloned()
}

/// Sends one file; `requested` is the decoded path under the base, used to
/// make the injected script's URLs relative to where the browser is.
async fn send(
    app: &AppState,
    key: &str,
    body: &Body,
    requested: &str,
    status: StatusCode,
    head: bool,
) -> Response {
    let ctype = content_type(key);
    let html = ctype.starts_with("text/html");
    let bytes = match body {
        Body::Bytes(b) => b.clone(),
        Body::Packed(p) => Arc::from(p.unpack()),
        Body::File(path, _) => match open_static(app, path, html).await {
            Ok(Opened::Whole(b)) => b,
            Ok(Opened::Stream(file, len)) => {
                let body = if head {
                    HttpBody::empty()
                } else {
                    HttpBody::from_stream(stream_file(file, len))
                };
                return with_headers(Response::new(body), status, ctype, len);
            }
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return plain(StatusCode::FORBIDDEN, "forbidden");
            }
            Err(_) => return plain(StatusCode::NOT_FOUND, "not found"),
        },
    };
    let body: Bytes = if html {
        let mut paths = vec![site_path(key)];
        if status == StatusCode::NOT_FOUND {
            let req = format!("/{requested}");
            if !req.ends_with('/') && !req.contains('.') {
                paths.push(format!("{req}/"));
            }
            paths.push(req);
        }
        let script = reload::client_script(&events_url(requested), &paths);
        Bytes::from(reload::inject(&bytes, &script))
    } else {
        Bytes::from_owner(ArcBytes(bytes))
    };
    let len = body.len() as u64;
    let res = if head {
        Response::new(HttpBody::empty())
    } else {
        Response::new(HttpBody::from(body))
    };
    with_headers(res, status, ctype, len)
}

fn with_headers(mut res: Response, status: StatusCode, ctype: &'static str, len: u64) -> Response {
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// HTML static files at most this big get the live-reload script (they are
/// read whole to insert it); bigger ones are streamed as they are.
const INJECT_LIMIT: u64 = 8 << 20;

/// Bytes read from disk per chunk of a streamed file.
const CHUNK: usize = 64 << 10;

enum Opened {
    Whole(Arc<[u8]>),
    Stream(std::fs::File, u64),
}

/// Opens a static file if its real location is inside the site. Small HTML
/// is read whole (to inject the script); everything else is streamed.
async fn open_static(
    app: &AppState,
    path: &std::path::Path,
    html: bool,
) -> std::io::Result<Opened> {
    let path = path.to_path_buf();
    let root = app.root.clone();
    let opened = tokio::task::spawn_blocking(move || {
        let real = path.canonicalize()?;
        if !real.starts_with(&root) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "outside the site",
            ));
        }
        let file = std::fs::File::open(real)?;
        let len = file.metadata()?.len();
        if html && len <= INJECT_LIMIT {
            let mut bytes = Vec::with_capacity(len as usize);
            std::io::Read::read_to_end(&mut std::io::Read::take(file, INJECT_LIMIT), &mut bytes)?;
            return Ok(Opened::Whole(Arc::from(bytes)));
        }
        Ok(Opened::Stream(file, len))
    })
    .await;
    opened.unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// The first `len` bytes of `file`, one chunk at a time: memory per download
/// stays at one chunk whatever the file's size. A file that shrinks while
/// being sent ends the connection with an error (the length was promised).
fn stream_file(
    file: std::fs::File,
    len: u64,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    stream::unfold(Some((file, len)), |state| async move {
        let (mut file, left) = state?;
        if left == 0 {
            return None;
        }
        let want = left.min(CHUNK as u64) as usize;
        let read = tokio::task::spawn_blocking(move || {
            let mut buf = vec![0u8; want];
            let n = std::io::Read::read(&mut file, &mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((file, buf))
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        match read {
            Ok((_, buf)) if buf.is_empty() => Some((
                Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file shrank while being sent",
                )),
                None,
            )),
            Ok((file, buf)) => {
                let rest = left - buf.len() as u64;
                Some((Ok(Bytes::from(buf)), Some((file, rest))))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

struct ArcBytes(Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// `a/b/index.html` -> `/a/b/`; `x.html` -> `/x.html`.
pub fn site_path(key: &str) -> String {
    match key.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{key}"),
    }
}

/// The event stream's URL relative to the page the browser asked for.
fn events_url(requested: &str) -> String {
    let depth = requested.matches('/').count();
    format!("{}{EVENTS_PATH}", "../".repeat(depth))
}

async fn not_found(app: &AppState, requested: &str, head: bool) -> Response {
    let requested = requested.trim_start_matches('/');
    let Some(files) = current(app) else {
        return no_build_yet(app, requested, head);
    };
    match files.get("404.html") {
        Some(body) => {
            send(
                app,
                "404.html",
                body,
                requested,
                StatusCode::NOT_FOUND,
                head,
            )
            .await
        }
        None => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Before the first good build: a page that shows the overlay and reloads
/// itself once the site builds.
fn no_build_yet(_app: &AppState, requested: &str, head: bool) -> Response {
    let script = reload::client_script(&events_url(requested), &["*".to_string()]);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site does not build yet</h1><p>See the terminal, or the message over this page. This page reloads by itself once the site builds.</p>{script}</body></html>"
    );
    let mut res = if head {
        Response::new(HttpBody::empty())
    } else {
        Response::new(HttpBody::from(html))
    };
    *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut res = Response::new(HttpBody::from(text));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

fn redirect(location: &str) -> Response {
    let mut res = Response::new(HttpBody::empty());
    *res.status_mut() = StatusCode::MOVED_PERMANENTLY;
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The Server-Sent Events stream: `hello` first (so a client knows it is
/// subscribed), then the current error if the build is broken, then every
/// message until shutdown.
fn events(app: AppState) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (rx, current_error) = app.hub.subscribe();
    let mut first = vec![Message {
        event: "hello",
        data: "{}".into(),
    }];
    first.extend(current_error);
    first.reverse();
    let state = (rx, first, app.shutdown.clone());
    let s = stream::unfold(state, |(mut rx, mut pending, mut shutdown)| async move {
        if let Some(m) = pending.pop() {
            return Some((Ok(to_event(&m)), (rx, pending, shutdown)));
        }
        if *shutdown.borrow() {
            return None;
        }
        let msg = tokio::select! {
            m = rx.recv() => m,
            _ = shutdown.wait_for(|s| *s) => return None,
        };
        let msg = match msg {
            Ok(m) => m,
            // Missed messages: the page may be stale, reload it.
            Err(broadcast::error::RecvError::Lagged(_)) => Message::reload(&["*".into()]),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(to_event(&msg)), (rx, pending, shutdown)))
    });
    // A keep-alive well inside the idle timeout keeps the stream open.
    let every = (app.idle_timeout / 2).clamp(Duration::from_millis(100), Duration::from_secs(15));
    Sse::new(s).keep_alive(KeepAlive::new().interval(every))
}

fn to_event(m: &Message) -> Event {
    Event::default().event(m.event).data(&m.data)
}

/// Content type by extension; text types say UTF-8.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "yaml" | "yml" => "text/yaml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_and_relative_endpoints() {
        assert_eq!(site_path("index.html"), "/");
        assert_eq!(site_path("a/b/index.html"), "/a/b/");
        assert_eq!(site_path("404.html"), "/404.html");
        assert_eq!(site_path("xindex.html"), "/xindex.html");
        assert_eq!(events_url(""), "__waymark/events");
        assert_eq!(events_url("a/b/"), "../../__waymark/events");
        assert_eq!(events_url("a/x.html"), "../__waymark/events");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
