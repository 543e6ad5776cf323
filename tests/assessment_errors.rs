//! Every build-time check of assessments, one fixture file per mistake.
//!
//! Each `tests/fixtures/assessments/err-*.yaml` states what it must produce
//! in comment lines `# expect: LINE: message fragment | hint fragment`
//! (the hint part is optional). Loading must fail with exactly that many
//! errors, each at the stated line with the stated text: an extra or a
//! missing error fails the test, and so does an error at the wrong line.

use std::path::{Path, PathBuf};

use waymark::assessment::load;
use waymark::diagnostics::Diagnostic;

struct Expect {
    line: usize,
    message: String,
    hint: Option<String>,
}

fn expectations(source: &str) -> Vec<Expect> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|rest| {
            let (line, text) = rest.split_once(": ").expect("# expect: LINE: text");
            let (message, hint) = match text.split_once(" | ") {
                Some((m, h)) => (m, Some(h.to_owned())),
                None => (text, None),
            };
            Expect {
                line: line.parse().expect("a line number"),
                message: message.to_owned(),
                hint,
            }
        })
        .collect()
}

fn error_fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/assessments")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("err-"))
        .collect();
    files.sort();
    files
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "  {}: {} | {}",
                d.line,
                d.message,
                d.hint.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(path: &Path) -> Result<(), String> {
    let source = std::fs::read_to_string(path).unwrap();
    let expected = expectations(&source);
    if expected.is_empty() {
        return Err("states no `# expect:` line".into());
    }
    let diags = match load(path, &source) {
        Ok(_) => return Err("loaded without errors".into()),
        Err(d) => d,
    };
    for d in &diags {
        if d.file != path {
            return Err(format!(
                "an error names the wrong file {}",
                d.file.display()
            ));
        }
    }
    if diags.len() != expected.len() {
        return Err(format!(
            "expected {} error(s), got:\n{}",
            expected.len(),
            show(&diags)
        ));
    }
    for e in &expected {
        let found = diags.iter().any(|d| {
            d.line == e.line
                && d.message.contains(&e.message)
                && e.hint
                    .as_ref()
                    .is_none_or(|h| d.hint.as_deref().unwrap_or("").contains(h.as_str()))
        });
        if !found {
            return Err(format!(
                "no error at line {} saying `{}` (hint `{}`); got:\n{}",
                e.line,
                e.message,
                e.hint.as_deref().unwrap_or(""),
                show(&diags)
            ));
        }
    }
    Ok(())
}

#[test]
fn every_error_fixture_reports_its_errors_at_their_lines() {
    let files = error_fixtures();
    assert!(
        files.len() >= 20,
        "expected the err-*.yaml fixtures, found {}",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| check(f).err().map(|e| format!("{}: {e}", f.display())))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn the_expectation_parser_reads_hints() {
    let e = expectations("# expect: 3: unknown key `x` | did you mean `y`?\n");
    assert_eq!(
        (e[0].line, e[0].message.as_str(), e[0].hint.as_deref()),
        (3, "unknown key `x`", Some("did you mean `y`?"))
    );
}

#[test]
fn errors_render_with_file_line_and_snippet() {
    let path = Path::new("tests/fixtures/assessments/err-unknown-dimension.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let diags = load(path, &source).unwrap_err();
    let text = diags[0].render(false);
    assert!(text.contains("err-unknown-dimension.yaml:11:"), "{text}");
    assert!(text.contains("horizn: 2"), "{text}");
    assert!(text.contains("did you mean `horizon`?"), "{text}");
}

#[test]
fn exclusive_on_a_single_choice_question_names_line_and_column() {
    let path = Path::new("tests/fixtures/assessments/err-exclusive.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let diags = load(path, &source).expect_err("must be rejected");
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    let d = &diags[0];
    let text = d.to_string();
    assert_eq!((d.line, d.column), (12, 20), "{text}");
    assert!(
        text.contains("err-exclusive.yaml:12:20"),
        "the message names file:line:col: {text}"
    );
}
