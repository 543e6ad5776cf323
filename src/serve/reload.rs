//! The live-reload channel: events sent to open pages over Server-Sent
//! Events, the small script injected into served HTML, and its error overlay.
//!
//! Events (`event:` name, JSON `data:`):
//! - `reload` `{"paths": ["/a/", ...]}` or `{"all": true}`: reload if this
//!   page is listed;
//! - `css` `{"swaps": [["/css/site.1.css", "/css/site.2.css"]]}`: swap
//!   stylesheets in place, no reload;
//! - `error` `{"diagnostics": [{file, line, column, message, snippet, hint}]}`:
//!   show the overlay;
//! - `ok` `{}`: remove the overlay;
//! - `built` `{"ms", "rendered", "changed"}`: a rebuild finished (for tools;
//!   pages ignore it). A stream starts with `hello`.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::broadcast;

use crate::diagnostics::Diagnostic;

/// Path of the event stream, relative to the site root (`/sub/` included).
pub const EVENTS_PATH: &str = "__waymark/events";

/// One message to the open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `reload`, `css`, `error` or `ok`.
    pub event: &'static str,
    /// JSON.
    pub data: String,
}

#[derive(Serialize)]
struct ErrorItem<'a> {
    file: String,
    line: usize,
    column: usize,
    location: String,
    message: &'a str,
    snippet: Option<&'a str>,
    hint: Option<&'a str>,
    detail: Option<&'a str>,
}

impl Message {
    /// Reload the pages at these site paths (`/a/`, `/x.html`).
    pub fn reload(paths: &[String]) -> Message {
        let data = if paths.len() > 500 {
            serde_json::json!({ "all": true })
        } else {
            serde_json::json!({ "paths": paths })
        };
        Message {
            event: "reload",
            data: data.to_string(),
        }
    }

    /// Swap stylesheets: (old, new) site paths.
    pub fn css(swaps: &[(String, String)]) -> Message {
        Message {
            event: "css",
            data: serde_json::json!({ "swaps": swaps }).to_string(),
        }
    }

    /// Show the overlay with these problems.
    pub fn error(diagnostics: &[Diagnostic]) -> Message {
        let items: Vec<ErrorItem> = diagnostics
            .iter()
            .take(20)
            .map(|d| ErrorItem {
                file: d.file.display().to_string(),
                line: d.line,
                column: d.column,
                location: d.location(),
                message: &d.message,
                snippet: d.snippet.as_deref(),
                hint: d.hint.as_deref(),
                detail: d.detail.as_deref(),
            })
            .collect();
        Message {
            event: "error",
            data: serde_json::json!({ "diagnostics": items, "count": diagnostics.len() })
                .to_string(),
        }
    }

    /// A rebuild finished (for tools and tests; pages ignore it).
    pub fn built(ms: f64, rendered: usize, changed: usize) -> Message {
        Message {
            event: "built",
            data: serde_json::json!({ "ms": ms, "rendered": rendered, "changed": changed })
                .to_string(),
        }
    }

    /// Remove the overlay.
    pub fn ok() -> Message {
        Message {
            event: "ok",
            data: "{}".into(),
        }
    }
}

/// Fan-out of messages to every connected page, remembering the current
/// error so a page opened (or reloaded) while the build is broken shows it.
#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<Message>,
    current_error: Arc<Mutex<Option<Message>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// A hub with no listeners.
    pub fn new() -> Hub {
        let (tx, _) = broadcast::channel(64);
        Hub {
            tx,
            current_error: Arc::new(Mutex::new(None)),
        }
    }

    /// Sends to every listener; records or clears the current error.
    pub fn send(&self, msg: Message) {
        {
            let mut err = self.current_error.lock().unwrap_or_else(|e| e.into_inner());
            match msg.event {
                "error" => *err = Some(msg.clone()),
                "ok" => *err = None,
                _ => {}
            }
        }
        let _ = self.tx.send(msg);
    }

    /// A new listener and the error to show it first, if the build is broken.
    pub fn subscribe(&self) -> (broadcast::Receiver<Message>, Option<Message>) {
        let rx = self.tx.subscribe();
        let err = self
            .current_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        (rx, err)
    }

    /// True while the last build failed.
    pub fn has_error(&self) -> bool {
        self.current_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }
}

/// The script injected before `</body>` of every served HTML page.
/// `events` is the event-stream URL relative to the page; `paths` are the
/// site paths this page shows (`*` for any), so it can tell whether a
/// `reload` concerns it.
pub fn client_script(events: &str, paths: &[String]) -> String {
    let config = serde_json::json!({ "events": events, "paths": paths }).to_string();
    // `</` cannot appear in JSON produced from our paths, but be safe.
    let config = config.replace("</", "<\\/");
    format!(
        "<script data-waymark-live>{}</script>",
        CLIENT.replace("__CONFIG__", &config)
    )
}

/// Inserts `script` before the last `</body>` (or at the end).
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let pos = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The browser side. Plain ES2017, no external request; builds the overlay
/// with DOM APIs and `textContent` only (messages may quote user text).
const CLIENT: &str = r#"(function () {
  "use strict";
  var cfg = __CONFIG__;
  if (!window.EventSource || window.__waymarkLive) return;
  window.__waymarkLive = true;
  var url = new URL(cfg.events, location.href).href;
  var OVERLAY_ID = "waymark-error-overlay";
  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function hideOverlay() {
    var o = document.getElementById(OVERLAY_ID);
    if (o) o.remove();
  }
  function showOverlay(data) {
    hideOverlay();
    var box = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem;");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "Build error");
    var n = data.count || (data.diagnostics || []).length;
    box.appendChild(el("h2", "margin:0 0 1rem;font-size:18px;color:#fca5a5;",
      "Build failed: " + n + " problem" + (n === 1 ? "" : "s") + " (the last good version is still served)"));
    (data.diagnostics || []).forEach(function (d) {
      var item = el("section", "margin:0 0 1.5rem;border-left:3px solid #f87171;padding-left:1rem;");
      item.appendChild(el("div", "color:#93c5fd;", d.location));
      item.appendChild(el("div", "font-weight:bold;white-space:pre-wrap;", d.message));
      if (d.snippet != null) {
        var pre = el("pre", "margin:.5rem 0;padding:.5rem;background:#27272a;white-space:pre-wrap;");
        var num = d.line ? String(d.line) + " | " : "";
        pre.appendChild(el("span", "color:#a1a1aa;", num));
        pre.appendChild(document.createTextNode(d.snippet));
        if (d.column > 0) {
          var pad = new Array(num.length + d.column).join(" ");
          pre.appendChild(el("span", "display:block;color:#f87171;", pad + "^"));
        }
        item.appendChild(pre);
      }
      if (d.detail) item.appendChild(el("pre", "margin:.5rem 0;white-space:pre-wrap;color:#d4d4d8;", d.detail));
      if (d.hint) item.appendChild(el("div", "color:#86efac;white-space:pre-wrap;", "help: " + d.hint));
      box.appendChild(item);
    });
    box.appendChild(el("p", "color:#a1a1aa;", "Fix the file and save: this page updates by itself."));
    (document.body || document.documentElement).appendChild(box);
  }
  function swapCss(swaps) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    swaps.forEach(function (s) {
      for (var i = 0; i < links.length; i++) {
        var l = links[i];
        var u = new URL(l.getAttribute("href"), location.href);
        if (u.pathname.slice(-s[0].length) === s[0]) {
          u.pathname = u.pathname.slice(0, u.pathname.length - s[0].length) + s[1];
          var next = l.cloneNode();
          next.href = u.href;
          next.addEventListener("load", function (old) { return function () { old.remove(); }; }(l));
          l.parentNode.insertBefore(next, l.nextSibling);
        }
      }
    });
  }
  function connect() {
    var es = new EventSource(url);
    es.addEventListener("hello", function () { window.__waymarkConnected = true; });
    es.addEventListener("reload", function (e) {
      var d = JSON.parse(e.data);
      var mine = cfg.paths.indexOf("*") >= 0 || (d.paths || []).some(function (p) {
        return p === "*" || cfg.paths.indexOf(p) >= 0;
      });
      if (d.all || mine) location.reload();
    });
    es.addEventListener("css", function (e) { swapCss(JSON.parse(e.data).swaps || []); });
    es.addEventListener("error", function (e) { if (e.data) showOverlay(JSON.parse(e.data)); });
    es.addEventListener("ok", hideOverlay);
  }
  connect();
})();"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_tag() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(html, "<script></script>")).unwrap();
        assert_eq!(out, "<html><body><p>x</p><script></script></BODY></html>");
        let out = String::from_utf8(inject(b"<p>no body</p>", "<s>")).unwrap();
        assert_eq!(out, "<p>no body</p><s>");
    }

    #[test]
    fn script_carries_a_relative_endpoint() {
        let s = client_script("../../__waymark/events", &["/a/b/".to_string()]);
        assert!(s.contains(r#""events":"../../__waymark/events""#));
        assert!(!s.contains("innerHTML"));
    }

    #[test]
    fn hub_remembers_the_current_error() {
        let hub = Hub::new();
        hub.send(Message::error(&[Diagnostic::error("x.md", "bad")]));
        assert!(hub.subscribe().1.is_some());
        hub.send(Message::ok());
        assert!(hub.subscribe().1.is_none());
    }
}
