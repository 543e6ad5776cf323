//! One error type for everything a user can get wrong, and one renderer.
//!
//! Every stage reports problems as [`Diagnostic`] values instead of returning
//! early, so a single run can show all the mistakes in a site at once. The
//! renderer (annotate-snippets) lives only here, so it can be swapped.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is: errors fail the build, warnings only fail `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// A problem in one file, at one place, with a hint on how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible, so messages stay short.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when we can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The offending source line, shown under the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Pre-rendered detail from a library that formats its own errors (Tera).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (no position).
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            snippet: None,
            detail: None,
        }
    }

    /// An error at a 1-based line and column of `source`; the line is kept as the snippet.
    pub fn at(
        file: impl Into<PathBuf>,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let mut d = Diagnostic::error(file, message);
        d.line = line;
        d.column = column;
        d.snippet = source
            .lines()
            .nth(line.saturating_sub(1))
            .filter(|_| line > 0)
            .map(str::to_owned);
        d
    }

    /// An error at a byte offset of `source` (what parsers usually give us).
    pub fn at_offset(
        file: impl Into<PathBuf>,
        source: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_col(source, offset);
        Diagnostic::at(file, source, line, column, message)
    }

    /// Adds a hint ("did you mean ...", "add a `title:` line").
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns the diagnostic into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Shifts the position by `lines` (for text embedded at an offset, such as
    /// a page body after its front matter) and re-reads the snippet.
    pub fn shifted(mut self, whole_source: &str, lines: usize) -> Self {
        if self.line > 0 {
            self.line += lines;
            self.snippet = whole_source.lines().nth(self.line - 1).map(str::to_owned);
        }
        self
    }

    /// `file:line:col` as editors and terminals link it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.display().to_string(),
            (l, 0) => format!("{}:{l}", self.file.display()),
            (l, c) => format!("{}:{l}:{c}", self.file.display()),
        }
    }

    /// Renders with a source snippet and caret; `color` only on a terminal.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.location();
        let file = self.file.display().to_string();
        let title = level.primary_title(&self.message);
        let first = if let Some(line) = &self.snippet {
            let start = char_to_byte(line, self.column.saturating_sub(1));
            let end = token_end(line, start);
            title.element(
                Snippet::source(line.as_str())
                    .line_start(self.line)
                    .path(file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        } else {
            title.element(annotate_snippets::Origin::path(path.as_str()))
        };
        let mut groups = vec![first];
        if let Some(hint) = &self.hint {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(hint.as_str()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = renderer.render(&groups).to_string();
        if let Some(detail) = &self.detail {
            out.push('\n');
            out.push_str(detail);
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A failed run: all the diagnostics collected, errors first, in file order.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorts by file then position so output is stable across parallel runs.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (a.severity, &a.file, a.line, a.column, &a.message)
                .cmp(&(b.severity, &b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

/// 1-based (line, column in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, source[line_start..offset].chars().count() + 1)
}

/// Byte offset of the 1-based `line` start, for turning line numbers back into spans.
pub fn line_offset(source: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    source
        .match_indices('\n')
        .nth(line - 2)
        .map_or(source.len(), |(i, _)| i + 1)
}

/// "did you mean `x`?" for a misspelt name among the valid ones.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// The hint for a link to a missing `#anchor`: the closest id, else the ids
/// there (sorted, at most 12), so the message is the same on every run.
/// `what` names the ids (`headings`, `ids`).
pub fn anchor_hint<'a>(
    anchor: &str,
    known: impl IntoIterator<Item = &'a str>,
    what: &str,
) -> String {
    let mut known: Vec<&str> = known.into_iter().collect();
    known.sort_unstable();
    if let Some(hint) = did_you_mean(anchor, known.iter().copied()) {
        return hint;
    }
    if known.is_empty() {
        return format!("that page has no {what} to link to");
    }
    let more = if known.len() > 12 { ", ..." } else { "" };
    format!(
        "{what} on that page: {}{more}",
        known[..known.len().min(12)].join(", ")
    )
}

/// Shows paths relative to the site root when they are inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_to_byte(line: &str, chars: usize) -> usize {
    line.char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| i)
}

/// The caret covers the word at the position, or one character.
fn token_end(line: &str, start: usize) -> usize {
    let rest = &line[start..];
    let word = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ':' | ',' | ']' | '}' | ')'))
        .map_or(rest.len(), |(i, _)| i);
    if word == 0 {
        start + rest.chars().next().map_or(0, char::len_utf8)
    } else {
        start + word
    }
}

/// Whether `WAYMARK_SERVE_TRACE` is set: `serve`'s rebuilds then print
/// their stages, and the search index its fallbacks, to stderr. Read once.
pub fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WAYMARK_SERVE_TRACE").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let src = "a\nbé c\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 2), (2, 1));
        assert_eq!(line_col(src, 6), (2, 4));
        assert_eq!(line_offset(src, 2), 2);
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("titel", ["title", "weight"]).as_deref(),
            Some("did you mean `title`?")
        );
        assert_eq!(did_you_mean("zzz", ["title"]), None);
    }

    #[test]
    fn renders_location_snippet_and_hint() {
        let d = Diagnostic::at("a.md", "x\ntitel: 1\n", 2, 1, "unknown key `titel`")
            .with_hint("did you mean `title`?");
        let out = d.render(false);
        assert!(out.contains("a.md:2:1"), "{out}");
        assert!(out.contains("titel: 1"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
    }
}
