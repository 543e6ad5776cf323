//! The Markdown stage of a load: renders the Markdown of every page and
//! section of the library in parallel, then checks `@/` anchors against the
//! targets' headings.
//!
//! [`Cache`] keeps each text's output between loads (for `serve`): a text
//! whose source, summary, shortcode templates and link targets are
//! unchanged is not rendered again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::shortcodes::Shortcodes;
use super::{Mode, Problem, Rendered};
use crate::content::{Library, LinkHints};
use crate::diagnostics::Diagnostic;

/// Markdown output kept between loads of one site, by (is a section,
/// content path).
#[derive(Default)]
pub struct Cache {
    texts: HashMap<(bool, String), Memo>,
}

/// One text's Markdown output and the link lookups it made.
struct Memo {
    source: Arc<str>,
    body_start: usize,
    /// [`Shortcodes::key`] of the templates used.
    shortcodes: u64,
    summary: Option<String>,
    resolved: Vec<(String, Option<String>)>,
    /// Shared with the library: a kept memo costs no copy of the HTML.
    rendered: Arc<Rendered>,
    /// Problems with the offset their text starts at in the file.
    problems: Vec<(usize, Problem)>,
}

/// One text to render: its file's source, where the body starts, and the
/// front matter's `summary`.
struct Text<'a> {
    source: &'a Arc<str>,
    body_start: usize,
    summary: Option<&'a String>,
}

/// Renders every text of `lib` into its `rendered` field and returns the
/// problems found, anchors included. `cache` holds earlier results; with
/// `keep`, this load's results are kept there for the next (without, each
/// text's HTML moves into the library instead of being copied).
pub fn run(
    lib: &mut Library,
    shortcodes: &Shortcodes,
    cache: &mut Cache,
    keep: bool,
) -> Vec<Diagnostic> {
    let lookup: &Library = lib;
    let resolve = |rel: &str| lookup.resolve(rel);
    let mut old = std::mem::take(&mut cache.texts);
    let old_pages: Vec<Option<Memo>> = (lib.pages.iter())
        .map(|p| old.remove(&(false, p.rel.clone())))
        .collect();
    let old_sections: Vec<Option<Memo>> = (lib.sections.iter())
        .map(|s| old.remove(&(true, s.rel.clone())))
        .collect();
    drop(old);
    let page_memos: Vec<Memo> = (lib.pages.par_iter().zip(old_pages))
        .map(|(p, m)| {
            let text = Text {
                source: &p.source,
                body_start: p.body_start,
                summary: p.front.summary.as_ref(),
            };
            render_text(&text, m, shortcodes, &resolve, keep)
        })
        .collect();
    let section_memos: Vec<Memo> = (lib.sections.par_iter().zip(old_sections))
        .map(|(s, m)| {
            let text = Text {
                source: &s.source,
                body_start: s.body_start,
                summary: None,
            };
            render_text(&text, m, shortcodes, &resolve, keep)
        })
        .collect();
    // Sorting every path for hints is work only a broken link needs.
    let broken = (page_memos.iter().chain(&section_memos)).any(|m| !m.problems.is_empty());
    let hints = if broken {
        lib.link_hints()
    } else {
        crate::content::LinkHints::default()
    };
    let mut next = HashMap::new();
    let mut errors = if keep {
        next.reserve(page_memos.len() + section_memos.len());
        let mut errors = Vec::new();
        for (p, m) in lib.pages.iter_mut().zip(page_memos) {
            errors.extend(problems(&m, &p.file, &p.source, &hints));
            p.rendered = m.rendered.clone();
            next.insert((false, p.rel.clone()), m);
        }
        for (s, m) in lib.sections.iter_mut().zip(section_memos) {
            errors.extend(problems(&m, &s.file, &s.source, &hints));
            s.rendered = m.rendered.clone();
            next.insert((true, s.rel.clone()), m);
        }
        errors
    } else {
        // Nothing is kept: each text takes its HTML and drops the rest of
        // its memo on its own thread.
        let settle = |doc: &mut crate::content::Document, m: Memo| {
            let errors: Vec<Diagnostic> = problems(&m, &doc.file, &doc.source, &hints).collect();
            doc.rendered = m.rendered;
            errors
        };
        let pages = (lib.pages.par_iter_mut().zip(page_memos)).map(|(p, m)| settle(&mut p.doc, m));
        let sections =
            (lib.sections.par_iter_mut().zip(section_memos)).map(|(s, m)| settle(&mut s.doc, m));
        let mut errors: Vec<Vec<Diagnostic>> = pages.collect();
        errors.par_extend(sections);
        errors.into_iter().flatten().collect()
    };
    cache.texts = next;
    errors.extend(broken_anchors(lib));
    errors
}

/// The Markdown output of one page's text, alone (`serve`'s text-only
/// saves): None when it has a problem, which the full stage reports.
pub fn render_alone(
    source: &Arc<str>,
    body_start: usize,
    summary: Option<&String>,
    shortcodes: &Shortcodes,
    lib: &Library,
) -> Option<Rendered> {
    let resolve = |rel: &str| lib.resolve(rel);
    let text = Text {
        source,
        body_start,
        summary,
    };
    let mut m = render_text(&text, None, shortcodes, &resolve, false);
    m.problems
        .is_empty()
        .then(|| std::mem::take(Arc::make_mut(&mut m.rendered)))
}

/// One text's output, reusing `old` when it still holds. With `keep`, the
/// links it resolved are recorded, to tell when they resolve differently.
fn render_text(
    text: &Text,
    old: Option<Memo>,
    shortcodes: &Shortcodes,
    resolve: &(dyn Fn(&str) -> Option<String> + Sync),
    keep: bool,
) -> Memo {
    if let Some(mut m) = old
        && (Arc::ptr_eq(&m.source, text.source) || m.source == *text.source)
        && m.body_start == text.body_start
        && m.shortcodes == shortcodes.key
        && m.summary.as_ref() == text.summary
        && m.resolved.iter().all(|(t, p)| resolve(t) == *p)
    {
        m.source = text.source.clone();
        return m;
    }
    let resolved = Mutex::new(Vec::new());
    let recording = |t: &str| {
        let r = resolve(t);
        if keep {
            resolved
                .lock()
                .expect("no panics while holding the lock")
                .push((t.to_string(), r.clone()));
        }
        r
    };
    let start = text.body_start;
    let (mut rendered, found) = super::shortcodes::render(
        &text.source[start..],
        Mode::default(),
        &recording,
        shortcodes,
    );
    let mut problems: Vec<(usize, Problem)> = found.into_iter().map(|p| (start, p)).collect();
    if let Some(summary) = text.summary {
        let (r, more) = super::render(summary, Mode::default(), &recording);
        rendered.summary = r.html;
        problems.extend(more.into_iter().map(|p| (0, p)));
    }
    rendered.has_images = rendered.html.contains("<img") || rendered.summary.contains("<img");
    Memo {
        source: text.source.clone(),
        body_start: start,
        shortcodes: shortcodes.key,
        summary: text.summary.cloned(),
        resolved: resolved.into_inner().unwrap_or_default(),
        rendered: Arc::new(rendered),
        problems,
    }
}

/// One text's problems as diagnostics at their place in `file`.
fn problems<'a>(
    m: &'a Memo,
    file: &'a std::path::Path,
    source: &'a str,
    hints: &'a LinkHints,
) -> impl Iterator<Item = Diagnostic> + 'a {
    m.problems.iter().map(move |(start, pr)| {
        Diagnostic::at_offset(file, source, start + pr.offset, pr.message.clone())
            .with_hint(link_hint(hints, pr))
    })
}

/// Every `@/x.md#id` must name a heading or footnote of x.md.
fn broken_anchors(lib: &Library) -> Vec<Diagnostic> {
    let pages = lib.pages.par_iter().map(|p| &p.doc);
    let docs = pages.chain(lib.sections.par_iter().map(|s| &s.doc));
    let errors: Vec<Vec<Diagnostic>> = docs.map(|d| broken_anchors_in(lib, d)).collect();
    errors.into_iter().flatten().collect()
}

/// The broken `@/x.md#id` links of one text.
pub fn broken_anchors_in(lib: &Library, doc: &crate::content::Document) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for link in &doc.rendered.anchor_links {
        let Some(anchors) = lib.anchors(&link.target) else {
            continue;
        };
        if anchors.contains(&link.anchor) {
            continue;
        }
        let hint = crate::diagnostics::anchor_hint(
            &link.anchor,
            anchors.iter().map(String::as_str),
            "headings",
        );
        let message = format!(
            "broken anchor: `@/{}` has no heading `#{}`",
            link.target, link.anchor
        );
        errors.push(
            Diagnostic::at_offset(
                &doc.file,
                &doc.source,
                doc.body_start + link.offset,
                message,
            )
            .with_hint(hint),
        );
    }
    errors
}

/// A Markdown problem's hint; a broken `@/` link gets the closest real path
/// (or an example from this site) instead of the Markdown stage's generic one.
fn link_hint(hints: &LinkHints, p: &Problem) -> String {
    p.message
        .strip_prefix("broken internal link: `@/")
        .and_then(|rest| rest.split_once('`'))
        .map(|(target, _)| hints.hint(target.split('#').next().unwrap_or(target)))
        .unwrap_or_else(|| p.hint.clone())
}
