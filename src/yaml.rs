//! The only module that touches the YAML crate (serde-saphyr).
//!
//! serde_yaml is deprecated; serde-saphyr is its maintained, safe-Rust
//! successor with the same serde model and line:column spans. Everything else
//! in Waymark sees typed structs, [`Spanned`] values and [`Diagnostic`]s.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, did_you_mean};

pub use serde_saphyr::Spanned;

/// Where a spanned YAML value sits: (1-based line, 1-based column); (0, 0) if unknown.
pub fn position<T>(value: &Spanned<T>) -> (usize, usize) {
    (
        value.referenced.line() as usize,
        value.referenced.column() as usize,
    )
}

/// Parses `source` (which starts at line `first_line` of `file`, for front
/// matter) into `T`, turning any failure into a diagnostic with a position,
/// the source line and a hint.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    whole_file: &str,
    source: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // An empty document is an empty mapping, not an error.
    let source = if source.trim().is_empty() {
        "{}"
    } else {
        source
    };
    serde_saphyr::from_str::<T>(source)
        .map_err(|err| to_diagnostic(file, whole_file, &err, first_line))
}

fn to_diagnostic(
    file: &Path,
    whole_file: &str,
    err: &serde_saphyr::Error,
    first_line: usize,
) -> Diagnostic {
    use serde_saphyr::Error as E;
    let inner = err.without_snippet();
    let (line, column) = inner
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((0, 0));
    let line = if line == 0 { 0 } else { line + first_line - 1 };
    let (message, hint) = match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => (
            format!("unknown key `{field}`"),
            Some(
                did_you_mean(field, expected.iter().copied()).unwrap_or_else(|| {
                    format!("the keys allowed here are: {}", expected.join(", "))
                }),
            ),
        ),
        E::SerdeMissingField { field, .. } => (
            format!("missing required key `{field}`"),
            Some(format!("add a line `{field}: ...`")),
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("unknown value `{variant}`"),
            Some(
                did_you_mean(variant, expected.iter().copied())
                    .unwrap_or_else(|| format!("use one of: {}", expected.join(", "))),
            ),
        ),
        other => (
            first_line_of(&other.to_string()),
            Some(
                "check the YAML syntax here: indentation, a missing `:` or an unclosed quote"
                    .into(),
            ),
        ),
    };
    let mut d = Diagnostic::at(file, whole_file, line, column, message);
    d.hint = hint;
    d
}

fn first_line_of(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim_start_matches("error: ")
        .to_string()
}

/// Parses only the keys `T` names, ignoring the rest (for a quick look at a
/// file another stage validates fully).
pub fn parse_lenient<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Diagnostic> {
    parse(file, source, source, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_has_position_and_suggestion() {
        let whole = "---\ntitle: A\nwieght: 3\n---\n";
        let err = parse::<Fm>(Path::new("a.md"), whole, "title: A\nwieght: 3\n", 2).unwrap_err();
        assert_eq!(err.message, "unknown key `wieght`");
        assert_eq!((err.line, err.column), (3, 1));
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn missing_key_and_syntax_errors_are_located() {
        let err = parse::<Fm>(Path::new("a.md"), "weight: 1\n", "weight: 1\n", 1).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
        let err = parse::<Fm>(Path::new("a.md"), "title: [a\n", "title: [a\n", 1).unwrap_err();
        assert!(err.line >= 1, "{err:?}");
    }
}
