//! Assessments embedded in Markdown with ```` ```assessment ````, expanded
//! where a template printed them.
//!
//! The Markdown stage leaves a marker, `<!--waymark:assessment:ID-->`, in
//! the page's HTML ([`ASSESSMENT_MARKER`]); the library keeps it as is, so
//! `page.content` carries it. After a page's template has run, each marker
//! of the page's own embeds becomes `assessment_embed.html`, rendered with
//! the page's context plus `assessment` and `embed` (`{uid, index}`: `uid`
//! is unique on the page, so one page can hold several assessments, or one
//! twice). A marker of another text (a section printing its pages'
//! content), and every marker when the theme has no `assessment_embed.html`,
//! becomes the assessment's link card.
//!
//! Nothing is searched for in the output but the marker itself, and a page
//! whose template dropped one of its own markers (it did not print
//! `page.content`, or escaped it) is an error, not a missing embed.

use std::collections::BTreeMap;

use tera::Value;

use crate::diagnostics::Diagnostic;
pub use crate::markdown::ASSESSMENT_MARKER;

/// The template that renders an embedded assessment, when the theme has it.
pub const EMBED_TEMPLATE: &str = "assessment_embed.html";

/// An assessment Markdown can embed: its link card (what themes without
/// `assessment_embed.html` and other pages' listings show) and the
/// `assessment` value that `assessment_embed.html` renders.
#[derive(Debug, Clone)]
pub struct Embed {
    /// The HTML of the link card.
    pub card: String,
    /// The `assessment` template value.
    pub value: Value,
}

/// The `embed` template value of the `n`th (from 1) expanded embed of `id`
/// on a page.
pub fn embed_value(id: &str, n: usize) -> Value {
    let mut embed = tera::Map::new();
    embed.insert("uid".into(), format!("wm-{id}-{n}").into());
    embed.insert("index".into(), n.into());
    Value::from(embed)
}

/// One marker in a text: where it is and the id it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker<'a> {
    /// Byte offset of `<!--`.
    pub start: usize,
    /// Byte offset just past `-->`.
    pub end: usize,
    /// The assessment id.
    pub id: &'a str,
}

/// Every marker of `html`, in order, in one pass.
pub fn markers(html: &str) -> impl Iterator<Item = Marker<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + html[from..].find(ASSESSMENT_MARKER)?;
        let id_at = start + ASSESSMENT_MARKER.len();
        let id_len = html[id_at..].find("-->")?;
        from = id_at + id_len + 3;
        Some(Marker {
            start,
            end: from,
            id: &html[id_at..id_at + id_len],
        })
    })
}

/// Renders `assessment_embed.html` for an `assessment` value and an
/// `embed` value.
pub type RenderEmbed<'a> = dyn FnMut(&Value, Value) -> Result<String, Diagnostic> + 'a;

/// What replaces the markers of one rendered page.
pub struct Expander<'a> {
    /// Every assessment that can be embedded, by id.
    pub embeds: &'a BTreeMap<String, Embed>,
    /// The ids the page's own Markdown embeds, in order.
    pub own: &'a [String],
    /// Renders `assessment_embed.html` for an embed value and its `embed`
    /// value; `None` when the theme has no such template.
    pub template: Option<&'a mut RenderEmbed<'a>>,
}

/// The result of [`Expander::expand`].
#[derive(Debug)]
pub struct Expanded {
    /// The page with every known marker replaced.
    pub html: String,
    /// Own embeds whose marker the output did not hold (the template left
    /// the content out): the caller reports them.
    pub missing: Vec<String>,
}

impl Expander<'_> {
    /// Replaces each marker of a known assessment in `html`: an own embed
    /// through the embed template (numbered from 1 in page order), any
    /// other with its card. Markers of unknown ids stay (the assessment
    /// stage reported them). Records `Dep::Embed` per assessment met, so
    /// `serve` re-renders the page when one changes.
    pub fn expand(mut self, html: String) -> Result<Expanded, Diagnostic> {
        let mut met: Vec<&str> = Vec::new();
        let mut out = String::new();
        let mut cursor = 0;
        let mut n = 0;
        for m in markers(&html) {
            let Some(e) = self.embeds.get(m.id) else {
                continue;
            };
            met.push(m.id);
            if out.is_empty() {
                out.reserve(html.len());
            }
            out.push_str(&html[cursor..m.start]);
            cursor = m.end;
            let own = self.own.iter().any(|id| id == m.id);
            match self.template.as_mut().filter(|_| own) {
                Some(render) => {
                    n += 1;
                    out.push_str(&render(&e.value, embed_value(m.id, n))?);
                }
                None => out.push_str(&e.card),
            }
        }
        self.record(&met);
        let missing = self
            .own
            .iter()
            .filter(|id| self.embeds.contains_key(id.as_str()) && !met.contains(&id.as_str()))
            .cloned()
            .collect();
        if cursor == 0 {
            return Ok(Expanded { html, missing });
        }
        out.push_str(&html[cursor..]);
        Ok(Expanded { html: out, missing })
    }

    fn record(&self, met: &[&str]) {
        use super::functions::{Dep, record};
        if self.own.is_empty() && met.is_empty() {
            return;
        }
        record(|| Dep::Template(EMBED_TEMPLATE.into()));
        let mut ids: Vec<&str> = self.own.iter().map(String::as_str).collect();
        ids.extend(met);
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            record(|| Dep::Embed(id.to_string()));
        }
    }
}

/// The error for a page whose template left out an embed of its content.
pub fn missing_error(template_file: &std::path::Path, path: &str, id: &str) -> Diagnostic {
    Diagnostic::error(
        template_file,
        format!("`{path}` embeds the assessment `{id}`, but its template left the embed out"),
    )
    .with_hint(
        "print the content unescaped (`{{ page.content | safe }}` or `{{ section.content | safe }}`): \
         it carries the ```assessment block, which becomes assessment_embed.html",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embeds() -> BTreeMap<String, Embed> {
        ["quiz", "tree"]
            .into_iter()
            .map(|id| {
                let embed = Embed {
                    card: format!("<a href=\"/assessments/{id}/\">{id}</a>"),
                    value: Value::from(id),
                };
                (id.to_string(), embed)
            })
            .collect()
    }

    fn marker(id: &str) -> String {
        format!("{ASSESSMENT_MARKER}{id}-->")
    }

    fn expand(html: &str, own: &[&str], with_template: bool) -> Expanded {
        let embeds = embeds();
        let own: Vec<String> = own.iter().map(|s| s.to_string()).collect();
        let mut render = |v: &Value, e: Value| -> Result<String, Diagnostic> {
            let e = e.as_map().cloned().unwrap_or_default();
            let field = |k: &'static str| e.get(&tera::value::Key::from(k)).map(Value::to_string);
            Ok(format!(
                "[{} {} {}]",
                v.as_str().unwrap_or_default(),
                field("uid").unwrap_or_default(),
                field("index").unwrap_or_default()
            ))
        };
        Expander {
            embeds: &embeds,
            own: &own,
            template: with_template.then_some(&mut render as _),
        }
        .expand(html.to_string())
        .unwrap()
    }

    #[test]
    fn markers_are_found_in_order_with_their_ids() {
        let html = format!("a{}b{}c{ASSESSMENT_MARKER}open", marker("x"), marker("y-2"));
        let found: Vec<&str> = markers(&html).map(|m| m.id).collect();
        assert_eq!(found, ["x", "y-2"], "an unclosed marker is no marker");
        let first = markers(&html).next().unwrap();
        assert_eq!(&html[first.start..first.end], marker("x"));
    }

    #[test]
    fn own_markers_become_the_template_numbered_in_page_order() {
        let html = format!(
            "<p>a</p>{}<p>b</p>{}{}",
            marker("quiz"),
            marker("tree"),
            marker("quiz")
        );
        let out = expand(&html, &["quiz", "tree", "quiz"], true);
        assert_eq!(
            out.html,
            "<p>a</p>[quiz wm-quiz-1 1]<p>b</p>[tree wm-tree-2 2][quiz wm-quiz-3 3]"
        );
        assert!(out.missing.is_empty());
    }

    #[test]
    fn other_markers_and_themes_without_the_template_get_the_card() {
        let html = format!("{}|{}", marker("quiz"), marker("tree"));
        let listed = expand(&html, &["quiz"], true);
        assert_eq!(
            listed.html, "[quiz wm-quiz-1 1]|<a href=\"/assessments/tree/\">tree</a>",
            "`tree` is another page's embed: its card"
        );
        let plain = expand(&html, &["quiz", "tree"], false);
        assert_eq!(
            plain.html,
            "<a href=\"/assessments/quiz/\">quiz</a>|<a href=\"/assessments/tree/\">tree</a>"
        );
    }

    #[test]
    fn unknown_markers_stay_and_text_without_markers_is_untouched() {
        let html = format!("x{}y", marker("nope"));
        assert_eq!(expand(&html, &["nope"], true).html, html);
        assert_eq!(expand("plain", &[], true).html, "plain");
    }

    #[test]
    fn a_template_that_drops_or_escapes_the_content_loses_no_embed_silently() {
        // The template printed `page.content` escaped: no marker survives.
        let escaped = "&lt;!--waymark:assessment:quiz--&gt;";
        let out = expand(escaped, &["quiz"], true);
        assert_eq!(out.missing, ["quiz"]);
        // It left the content out altogether.
        assert_eq!(
            expand("<main></main>", &["quiz", "tree"], false).missing,
            ["quiz", "tree"]
        );
        // An unknown id is the assessment stage's error, not this one.
        assert!(expand("", &["nope"], true).missing.is_empty());
    }

    #[test]
    fn what_was_met_is_recorded_for_serve() {
        use super::super::functions::{Dep, recording};
        let html = format!("{}{}", marker("tree"), marker("nope"));
        let (_, deps) = recording(|| expand(&html, &["quiz"], true));
        assert_eq!(
            deps,
            [
                Dep::Template(EMBED_TEMPLATE.into()),
                Dep::Embed("quiz".into()),
                Dep::Embed("tree".into()),
            ]
        );
        let (_, none) = recording(|| expand("text", &[], true));
        assert!(none.is_empty());
    }
}
