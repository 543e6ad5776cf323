//! Shortcodes in Zola's syntax, expanded while Markdown renders:
//!
//! - inline: `{{ figure(src="map.png", alt="…", caption="…") }}`
//! - with a body: `{% callout(kind="warning") %}Markdown{% end %}`
//! - `{{/* figure(...) */}}` writes the call itself, for documentation.
//!
//! Templates are `templates/shortcodes/NAME.html` of the site over the
//! theme's, over the built-in `figure`, `callout` and `in_brief`. Arguments
//! arrive as variables, the body as `body` (rendered Markdown). Calls in
//! code spans and fenced code stay text. Each call becomes a placeholder
//! comment before pulldown-cmark runs (a block of its own when the call
//! fills its lines, so no `<p>` wraps a `<figure>`), and the placeholder is
//! swapped for the template's HTML afterwards; the HTML is part of the
//! page's rendered content, so the image pipeline sees a figure's `<img>`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::digest::Hasher;
use crate::render::Value;
use crate::render::engine::{TemplateSet, Vars};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Mode, Problem, Rendered};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, did_you_mean};

/// The shortcodes every site has, whatever its theme.
const BUILTIN: [(&str, &str); 3] = [
    (
        "figure",
        include_str!("../../themes/default/templates/shortcodes/figure.html"),
    ),
    (
        "callout",
        include_str!("../../themes/default/templates/shortcodes/callout.html"),
    ),
    (
        "in_brief",
        include_str!("../../themes/default/templates/shortcodes/in_brief.html"),
    ),
];

/// What the built-ins accept: (name, required, optional, allowed values).
type Spec = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [(&'static str, &'static [&'static str])],
);
const BUILTIN_ARGS: [Spec; 3] = [
    ("figure", &["src"], &["alt", "caption", "title"], &[]),
    (
        "callout",
        &[],
        &["kind", "title"],
        &[("kind", &["note", "tip", "warning"])],
    ),
    ("in_brief", &[], &["title"], &[]),
];

/// The shortcode templates of a site, parsed once per build.
pub struct Shortcodes {
    tera: TemplateSet,
    /// Name -> (file for messages, whether it is the built-in copy).
    files: BTreeMap<String, (PathBuf, bool)>,
    /// Hash of every template, so memoised Markdown is redone when one changes.
    pub key: u64,
}

impl Default for Shortcodes {
    fn default() -> Self {
        Shortcodes::builtin()
    }
}

impl Shortcodes {
    /// Only the built-in shortcodes (Markdown outside a site: assessments, tests).
    pub fn builtin() -> Shortcodes {
        let sources = BUILTIN
            .iter()
            .map(|(n, s)| {
                (
                    n.to_string(),
                    (
                        PathBuf::from(crate::theme::display(&format!(
                            "templates/shortcodes/{n}.html"
                        ))),
                        s.to_string(),
                        true,
                    ),
                )
            })
            .collect();
        Shortcodes::from_sources(sources).expect("the built-in shortcodes parse")
    }

    /// The built-ins, then the theme's `templates/shortcodes/`, then the site's.
    pub fn load(root: &Path, config: &Config) -> Result<Shortcodes, Diagnostic> {
        let mut sources = BTreeMap::new();
        for (n, s) in BUILTIN {
            let file = crate::theme::display(&format!("templates/shortcodes/{n}.html"));
            sources.insert(n.to_string(), (PathBuf::from(file), s.to_string(), true));
        }
        let theme = crate::theme::locate(root, &config.theme);
        for (n, dir) in [&theme.path, root].into_iter().enumerate() {
            for (name, path) in crate::content::files_under(&dir.join("templates/shortcodes")) {
                let Some(stem) = name.strip_suffix(".html") else {
                    continue;
                };
                if n == 0 && theme.builtin {
                    continue;
                }
                let src = std::fs::read_to_string(&path).map_err(|e| {
                    Diagnostic::error(&path, format!("cannot read shortcode template: {e}"))
                })?;
                let file = crate::diagnostics::display_path(root, &path);
                sources.insert(stem.to_string(), (file, src, false));
            }
        }
        Shortcodes::from_sources(sources)
    }

    fn from_sources(
        sources: BTreeMap<String, (PathBuf, String, bool)>,
    ) -> Result<Self, Diagnostic> {
        let mut h = Hasher::new();
        for (n, (_, s, _)) in &sources {
            h.update(n.as_bytes());
            h.update([0]);
            h.update(s.as_bytes());
            h.update([0]);
        }
        let key = u64::from_le_bytes(h.finish()[..8].try_into().unwrap_or_default());
        let raw: Vec<(String, String)> = sources
            .iter()
            .map(|(n, (_, s, _))| (format!("{n}.html"), s.clone()))
            .collect();
        let tera = match TemplateSet::new(&[".html"], raw) {
            Ok(t) => t,
            Err(e) => {
                let file = (e.template.as_deref())
                    .map_or_else(String::new, |t| t.trim_end_matches(".html").to_string());
                let message = e.message;
                let path = sources
                    .get(&file)
                    .map_or_else(|| PathBuf::from("templates/shortcodes"), |f| f.0.clone());
                return Err(Diagnostic::error(
                    path,
                    format!("shortcode template error: {message}"),
                ));
            }
        };
        let files = sources
            .into_iter()
            .map(|(n, (f, _, b))| (n, (f, b)))
            .collect();
        Ok(Shortcodes { tera, files, key })
    }

    /// The names, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// One call found in the text.
#[derive(Debug)]
struct Call {
    /// The whole call, `{{ ... }}` or `{% ... %}...{% end %}`.
    range: Range<usize>,
    name: String,
    args: Vec<(String, Value, usize)>,
    /// Byte range of the body in the text, for calls with one.
    body: Option<Range<usize>>,
    /// `{{/* ... */}}`: write `{{ ... }}` as text.
    literal: Option<String>,
}

/// [`super::render`] with shortcodes expanded; problems are at offsets of `text`.
pub fn render(
    text: &str,
    mode: Mode,
    resolve: &dyn Fn(&str) -> Option<String>,
    sc: &Shortcodes,
) -> (Rendered, Vec<Problem>) {
    if !(text.contains("{{") || text.contains("{%")) {
        return super::render(text, mode, resolve);
    }
    let code = code_ranges(text);
    let (calls, mut problems) = find_calls(text, &code);
    if calls.is_empty() {
        let (r, mut p) = super::render(text, mode, resolve);
        p.append(&mut problems);
        return (r, p);
    }
    // The text with placeholders, and where each piece came from.
    let mut out = String::with_capacity(text.len());
    let mut map: Vec<(usize, usize)> = Vec::new(); // (offset in out, offset in text)
    let mut html: Vec<String> = Vec::new();
    let mut last = 0;
    for (n, call) in calls.iter().enumerate() {
        map.push((out.len(), last));
        out.push_str(&text[last..call.range.start]);
        map.push((out.len(), call.range.start));
        if let Some(lit) = &call.literal {
            out.push_str(lit);
        } else {
            let block = fills_lines(text, &call.range);
            match expand(text, call, n, mode, resolve, sc) {
                Ok(h) if !block && starts_block(&h) => {
                    problems.push(Problem {
                        offset: call.range.start,
                        message: format!(
                            "shortcode `{}` makes a block (`{}`) but stands inside a paragraph",
                            call.name,
                            h.trim_start().split(['>', ' ']).next().unwrap_or("<")
                        ),
                        hint: "put it on a line of its own".into(),
                    });
                    html.push(String::new());
                }
                Ok(h) => html.push(h),
                Err(mut p) => {
                    problems.append(&mut p);
                    html.push(String::new());
                }
            }
            let marker = format!("<!--wm-shortcode:{}-->", html.len() - 1);
            if block {
                out.push_str(&format!("\n\n{marker}\n\n"));
            } else {
                out.push_str(&marker);
            }
        }
        last = call.range.end;
    }
    map.push((out.len(), last));
    out.push_str(&text[last..]);
    let (mut rendered, more) = super::render(&out, mode, resolve);
    for mut p in more {
        p.offset = original_offset(&map, p.offset);
        problems.push(p);
    }
    for link in &mut rendered.anchor_links {
        link.offset = original_offset(&map, link.offset);
    }
    for (i, h) in html.iter().enumerate() {
        let marker = format!("<!--wm-shortcode:{i}-->");
        rendered.html = rendered.html.replacen(&marker, h, 1);
        rendered.summary = rendered.summary.replacen(&marker, h, 1);
    }
    problems.sort_by_key(|p| p.offset);
    (rendered, problems)
}

/// True when HTML opens with an element that may not sit inside a `<p>`.
fn starts_block(html: &str) -> bool {
    const BLOCKS: [&str; 18] = [
        "address",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "header",
        "hr",
        "ol",
        "p",
        "section",
    ];
    const MORE: [&str; 4] = ["pre", "table", "ul", "nav"];
    let Some(rest) = html.trim_start().strip_prefix('<') else {
        return false;
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCKS.contains(&name.as_str())
        || MORE.contains(&name.as_str())
        || matches!(name.as_str(), "h4" | "h5" | "h6")
}

/// Offsets of `figure` calls without an `alt` argument (outside code), for
/// `check`'s "image without alt text" warning: the build lets them pass
/// with `alt=""`, as it does for `![](x.png)`.
pub fn figures_without_alt(text: &str) -> Vec<usize> {
    if !text.contains("figure") {
        return Vec::new();
    }
    let (calls, _) = find_calls(text, &code_ranges(text));
    calls
        .iter()
        .filter(|c| c.name == "figure" && !c.args.iter().any(|(k, ..)| k == "alt"))
        .map(|c| c.range.start)
        .collect()
}

/// Maps an offset of the text with placeholders back to the author's text.
fn original_offset(map: &[(usize, usize)], offset: usize) -> usize {
    match map.iter().rev().find(|(o, _)| *o <= offset) {
        Some((o, t)) => t + (offset - o),
        None => offset,
    }
}

/// True when only whitespace shares the call's first and last lines.
fn fills_lines(text: &str, r: &Range<usize>) -> bool {
    let before = text[..r.start].rsplit('\n').next().unwrap_or("");
    let after = text[r.end..].split('\n').next().unwrap_or("");
    before.trim().is_empty() && after.trim().is_empty()
}

/// Renders one call's template, its body first.
fn expand(
    text: &str,
    call: &Call,
    nth: usize,
    mode: Mode,
    resolve: &dyn Fn(&str) -> Option<String>,
    sc: &Shortcodes,
) -> Result<String, Vec<Problem>> {
    let at = call.range.start;
    let Some((_, builtin)) = sc.files.get(&call.name) else {
        let hint = did_you_mean(&call.name, sc.names()).unwrap_or_else(|| {
            format!(
                "the shortcodes of this site are: {}; add templates/shortcodes/{}.html to make one",
                sc.names().collect::<Vec<_>>().join(", "),
                call.name
            )
        });
        return Err(vec![Problem {
            offset: at,
            message: format!("unknown shortcode `{}`", call.name),
            hint,
        }]);
    };
    if *builtin {
        check_builtin(call)?;
    }
    let mut ctx = Vars::new();
    for (k, v, _) in &call.args {
        ctx.insert_value(k.clone(), v.clone());
    }
    ctx.insert("nth", &(nth + 1));
    if let Some(body) = &call.body {
        let (r, problems) = render(&text[body.clone()], mode, resolve, sc);
        if !problems.is_empty() {
            return Err(problems
                .into_iter()
                .map(|mut p| {
                    p.offset += body.start;
                    p
                })
                .collect());
        }
        ctx.insert_value("body", Value::safe_string(&r.html));
    }
    let template = format!("{}.html", call.name);
    sc.tera.render(&template, &ctx).map_err(|e| {
        let message = e.message;
        let missing = message
            .strip_prefix("Variable `")
            .and_then(|m| m.split_once('`'))
            .filter(|(_, rest)| rest.starts_with(" is not defined"))
            .map(|(v, _)| v.to_string());
        let (message, hint) = match missing {
            Some(v) if v == "body" => (
                format!("shortcode `{}` needs a body", call.name),
                format!("write it as {{% {}(...) %}}text{{% end %}}", call.name),
            ),
            Some(v) => (
                format!("shortcode `{}` needs the argument `{v}`", call.name),
                format!("write it like {{{{ {}({v}=\"...\") }}}}", call.name),
            ),
            None => (
                format!("shortcode `{}` failed: {message}", call.name),
                format!("see {}", sc.files[&call.name].0.display()),
            ),
        };
        vec![Problem {
            offset: at,
            message,
            hint,
        }]
    })
}

/// Required, known and allowed arguments of the built-in shortcodes.
fn check_builtin(call: &Call) -> Result<(), Vec<Problem>> {
    let Some((_, required, optional, allowed)) =
        BUILTIN_ARGS.iter().find(|(n, ..)| *n == call.name)
    else {
        return Ok(());
    };
    let mut problems = Vec::new();
    for (k, v, at) in &call.args {
        if !required.contains(&k.as_str()) && !optional.contains(&k.as_str()) {
            let known = required.iter().chain(optional.iter()).copied();
            problems.push(Problem {
                offset: *at,
                message: format!("shortcode `{}` has no argument `{k}`", call.name),
                hint: did_you_mean(k, known.clone()).unwrap_or_else(|| {
                    format!(
                        "its arguments are: {}",
                        known.collect::<Vec<_>>().join(", ")
                    )
                }),
            });
        }
        if let Some((_, values)) = allowed.iter().find(|(a, _)| a == k) {
            let given = v.as_str().unwrap_or_default();
            if !values.contains(&given) {
                problems.push(Problem {
                    offset: *at,
                    message: format!("`{k}=\"{given}\"` is not a {k} of `{}`", call.name),
                    hint: did_you_mean(given, values.iter().copied())
                        .unwrap_or_else(|| format!("use one of: {}", values.join(", "))),
                });
            }
        }
    }
    for r in *required {
        if !call.args.iter().any(|(k, ..)| k == r) {
            problems.push(Problem {
                offset: call.range.start,
                message: format!("shortcode `{}` needs the argument `{r}`", call.name),
                hint: format!("write it like {{{{ {}({r}=\"...\") }}}}", call.name),
            });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Byte ranges of code spans and code blocks, where calls stay text.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for (event, range) in Parser::new_ext(text, super::options()).into_offset_iter() {
        match event {
            Event::Code(_) => out.push(range),
            Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block.take() {
                    out.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    out
}

/// Every call outside code, in order, with problems in their syntax.
fn find_calls(text: &str, code: &[Range<usize>]) -> (Vec<Call>, Vec<Problem>) {
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    let mut i = 0;
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    while let Some(found) = text[i..].find('{') {
        let at = i + found;
        i = at + 1;
        if in_code(at) {
            continue;
        }
        let rest = &text[at..];
        if let Some(inner) = rest.strip_prefix("{{/*") {
            if let Some(end) = inner.find("*/}}") {
                let len = 4 + end + 4;
                calls.push(Call {
                    range: at..at + len,
                    name: String::new(),
                    args: Vec::new(),
                    body: None,
                    literal: Some(format!("{{{{{}}}}}", &inner[..end])),
                });
                i = at + len;
            }
            continue;
        }
        let (open, close) = if rest.starts_with("{{") {
            ("{{", "}}")
        } else if rest.starts_with("{%") {
            ("{%", "%}")
        } else {
            continue;
        };
        let Some(head) = parse_head(text, at + 2, close) else {
            continue;
        };
        let (name, args, head_end) = match head {
            Ok(h) => h,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if open == "{{" {
            calls.push(Call {
                range: at..head_end,
                name,
                args,
                body: None,
                literal: None,
            });
            i = head_end;
            continue;
        }
        match find_end(text, head_end, code) {
            Some((body_end, end)) => {
                calls.push(Call {
                    range: at..end,
                    name,
                    args,
                    body: Some(head_end..body_end),
                    literal: None,
                });
                i = end;
            }
            None => {
                problems.push(Problem {
                    offset: at,
                    message: format!("shortcode `{name}` has no `{{% end %}}`"),
                    hint: format!("close the body: {{% {name}(...) %}}text{{% end %}}"),
                });
                i = head_end;
            }
        }
    }
    (calls, problems)
}

type Head = (String, Vec<(String, Value, usize)>, usize);

/// Parses `name(args) }}` from `from`; `None` when it is not a call at all
/// (a brace in prose), `Some(Err)` when it is one with bad arguments.
fn parse_head(text: &str, from: usize, close: &str) -> Option<Result<Head, Problem>> {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let name_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    if i == name_start || b[name_start].is_ascii_digit() || b.get(i) != Some(&b'(') {
        return None;
    }
    let name = text[name_start..i].to_string();
    i += 1;
    let mut args = Vec::new();
    let bad = |at: usize, what: &str| Problem {
        offset: at,
        message: format!("shortcode `{name}`: {what}"),
        hint: format!(
            "write arguments as name=\"text\", name=3 or name=true, e.g. {{{{ {name}(kind=\"note\") }}}}"
        ),
    };
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i) {
            Some(b')') => {
                i += 1;
                break;
            }
            Some(b',') if !args.is_empty() => {
                i += 1;
                continue;
            }
            None => return Some(Err(bad(from - 2, "the call is not closed with `)`"))),
            _ => {}
        }
        let key_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == key_start {
            return Some(Err(bad(i, "expected an argument name")));
        }
        let key = text[key_start..i].to_string();
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return Some(Err(bad(i, &format!("expected `=` after `{key}`"))));
        }
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let (value, next) = match parse_value(text, i) {
            Some(v) => v,
            None => return Some(Err(bad(i, &format!("cannot read the value of `{key}`")))),
        };
        args.push((key, value, key_start));
        i = next;
    }
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if !text[i..].starts_with(close) {
        return Some(Err(bad(
            i,
            &format!("expected `{close}` after the arguments"),
        )));
    }
    Some(Ok((name, args, i + close.len())))
}

/// A quoted string, a number or a boolean at `i`, and the offset after it.
fn parse_value(text: &str, i: usize) -> Option<(Value, usize)> {
    let rest = &text[i..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let mut s = String::new();
        let mut chars = rest.char_indices().skip(1);
        while let Some((j, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        s.push(match n {
                            'n' => '\n',
                            other => other,
                        });
                    }
                }
                c if c == quote => return Some((Value::from(s), i + j + 1)),
                c => s.push(c),
            }
        }
        return None;
    }
    let end = rest
        .find(|c: char| c == ',' || c == ')' || c.is_whitespace())
        .unwrap_or(rest.len());
    let word = &rest[..end];
    let value = match word {
        "true" => Value::from(true),
        "false" => Value::from(false),
        _ => match word.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(word.parse::<f64>().ok()?),
        },
    };
    Some((value, i + end))
}

/// The `{% end %}` closing a body that starts at `from`, skipping nested
/// bodies: (end of the body, end of `{% end %}`).
fn find_end(text: &str, from: usize, code: &[Range<usize>]) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut i = from;
    while let Some(found) = text[i..].find("{%") {
        let at = i + found;
        i = at + 2;
        if code.iter().any(|r| r.contains(&at)) {
            continue;
        }
        let inner = &text[at + 2..];
        let trimmed = inner.trim_start();
        if let Some(after) = trimmed.strip_prefix("end") {
            let after = after.trim_start();
            if let Some(rest) = after.strip_prefix("%}") {
                if depth == 0 {
                    let end = text.len() - rest.len();
                    return Some((at, end));
                }
                depth -= 1;
                continue;
            }
        }
        if matches!(parse_head(text, at + 2, "%}"), Some(Ok(_))) {
            depth += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    fn run(text: &str) -> (Rendered, Vec<Problem>) {
        render(text, Mode::default(), &none, &Shortcodes::builtin())
    }

    #[test]
    fn builtins_expand() {
        let (r, p) = run(
            "Intro.\n\n{{ figure(src=\"/map.png\", alt=\"A map\", caption=\"The map\") }}\n\n{% callout(kind=\"warning\") %}Mind **this**.{% end %}\n\n{% in_brief() %}\n- one\n- two\n{% end %}\n",
        );
        assert!(p.is_empty(), "{p:?}");
        assert!(r.html.contains("<figure class=\"figure\">"), "{}", r.html);
        assert!(r.html.contains("<img src=\"/map.png\" alt=\"A map\">"));
        assert!(r.html.contains("<figcaption>The map</figcaption>"));
        assert!(!r.html.contains("<p><figure"), "{}", r.html);
        assert!(
            r.html
                .contains("<aside class=\"callout callout--warning\">")
        );
        assert!(r.html.contains("Warning</p>"));
        assert!(r.html.contains("<strong>this</strong>"));
        assert!(r.html.contains("In brief</h2>") && r.html.contains("<li>two</li>"));
    }

    #[test]
    fn code_stays_text() {
        let (r, p) = run(
            "`{{ figure(src=\"x\") }}`\n\n```\n{% callout() %}x{% end %}\n```\n\n{{/* figure(src=\"y\") */}}\n",
        );
        assert!(p.is_empty(), "{p:?}");
        assert!(
            r.html.contains("<code>{{ figure(src=\"x\") }}</code>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("{% callout() %}x{% end %}"));
        assert!(r.html.contains("<p>{{ figure(src="), "{}", r.html);
        assert!(!r.html.contains("<figure"));
    }

    #[test]
    fn mistakes_are_problems_at_the_call() {
        let text = "Text.\n\n{{ figur(src=\"x\") }}\n";
        let (_, p) = run(text);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].offset, text.find("{{").unwrap());
        assert!(p[0].message.contains("unknown shortcode `figur`"));
        assert!(p[0].hint.contains("figure"), "{}", p[0].hint);

        let (_, p) = run("{{ figure(alt=\"x\") }}");
        assert!(p[0].message.contains("needs the argument `src`"), "{p:?}");
        let (_, p) = run("{% callout(kind=\"warnin\") %}x{% end %}");
        assert!(p[0].hint.contains("warning"), "{p:?}");
        let (_, p) = run("{% callout() %}x");
        assert!(p[0].message.contains("no `{% end %}`"), "{p:?}");
        let (_, p) = run("{{ figure(src=\"a\", captoin=\"b\") }}");
        assert!(p[0].hint.contains("caption"), "{p:?}");
    }

    #[test]
    fn offsets_after_a_call_map_back() {
        let text = "{{ figure(src=\"/a.png\") }}\n\n[x](@/missing.md)\n";
        let (_, p) = render(text, Mode::default(), &none, &Shortcodes::builtin());
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].offset, text.find("@/missing").unwrap());
    }

    #[test]
    fn a_block_inside_a_paragraph_is_a_problem() {
        let text = "Some text {{ figure(src=\"/a.png\") }} more.\n";
        let (r, p) = run(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].offset, text.find("{{").unwrap());
        assert!(p[0].message.contains("inside a paragraph"), "{p:?}");
        assert!(!r.html.contains("<figure"));
    }

    #[test]
    fn figures_without_alt_are_found() {
        let text = "{{ figure(src=\"a.png\") }}\n\n{{ figure(src=\"b.png\", alt=\"\") }}\n\n`{{ figure(src=\"c\") }}`";
        assert_eq!(figures_without_alt(text), vec![0]);
    }

    #[test]
    fn prose_braces_are_left_alone() {
        let (r, p) = run("A set {a, b} and {{ not a call }}.");
        assert!(p.is_empty());
        assert!(r.html.contains("{{ not a call }}"));
    }
}
