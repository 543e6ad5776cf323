//! `waymark new PATH` and `waymark new --assessment ID`: a page or an
//! assessment with its front matter filled in, so authors start from a file
//! that builds instead of copying one and deleting its text.

use std::path::{Path, PathBuf};

use super::{Failure, Output, find_root};
use crate::cli::NewArgs;

/// Creates the file; refuses to overwrite one.
pub fn run(root: Option<&Path>, args: &NewArgs, out: Output) -> Result<(), Failure> {
    let root = find_root(root)?;
    let (rel, text) = match (&args.path, &args.assessment) {
        (_, Some(id)) => assessment(id)?,
        (Some(path), None) => page(path, &today())?,
        (None, None) => return Err(Failure::Usage("give a PATH or --assessment ID".into())),
    };
    let file = root.join(&rel);
    if file.exists() {
        return Err(Failure::Usage(format!(
            "{} already exists; choose another name (waymark new never overwrites)",
            rel.display()
        )));
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(&file, text)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", rel.display())))?;
    out.status(&format!("Created {}", rel.display()));
    Ok(())
}

/// `guides/pricing.md` (or `content/guides/pricing.md`, or without `.md`)
/// -> (`content/guides/pricing.md`, front matter and a first line).
fn page(path: &Path, date: &str) -> Result<(PathBuf, String), Failure> {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./");
    let text = text.strip_prefix("content/").unwrap_or(text);
    if text.is_empty()
        || text.split('/').any(|part| part == ".." || part.is_empty())
        || text.starts_with('/')
    {
        return Err(Failure::Usage(format!(
            "`{}` is not a path inside content/; write it like guides/pricing.md",
            path.display()
        )));
    }
    let rel = if text.ends_with(".md") {
        text.to_string()
    } else {
        format!("{text}.md")
    };
    let rel_path = PathBuf::from("content").join(&rel);
    let stem = rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let is_section = stem == "_index";
    let named = if is_section || stem == "index" {
        rel_path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "Home".into())
    } else {
        stem
    };
    let title = title_from(&named);
    let body = if is_section {
        format!(
            "---\ntitle: {}\ndescription: \"\"\nsort_by: weight\n---\n\nWhat this section holds, in a sentence or two. Its pages are listed below this text.\n",
            yaml_str(&title)
        )
    } else {
        format!(
            "---\ntitle: {}\ndescription: \"\"\ndate: {date}\n---\n\nStart writing here. Add `draft: true` above to keep the page out of builds until it is ready.\n",
            yaml_str(&title)
        )
    };
    Ok((rel_path, body))
}

/// `my-first-guide` -> `My first guide`.
fn title_from(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Untitled".into(),
    }
}

/// A YAML scalar that stays a string whatever the title holds.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// A small valid assessment: one dimension, two questions, two outcomes.
fn assessment(id: &str) -> Result<(PathBuf, String), Failure> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-');
    if !ok {
        return Err(Failure::Usage(format!(
            "`{id}` is not an assessment id; use lowercase letters, digits and hyphens, e.g. team-readiness"
        )));
    }
    let title = title_from(id);
    let text = format!(
        r#"title: {title}
description: One sentence on what this assessment tells the reader.
intro: |
  Two short questions to start from. Edit this file, then run `waymark serve`
  to try it; docs/assessments.md lists every key.

dimensions:
  - id: readiness
    label: Readiness
    low: Not yet
    high: Ready

questions:
  - id: first
    text: How clear is the goal?
    type: single
    options:
      - id: clear
        label: Clear and written down
        scores: {{ readiness: 2 }}
      - id: partly
        label: Partly clear
        scores: {{ readiness: 1 }}
      - id: unclear
        label: Not clear yet
        scores: {{ readiness: 0 }}

  - id: second
    text: Who owns the result?
    type: single
    options:
      - id: one-person
        label: One named person
        scores: {{ readiness: 2 }}
      - id: nobody
        label: Nobody yet
        scores: {{ readiness: 0 }}

outcomes:
  - id: ready
    title: Ready to start
    summary: The goal and the owner are clear. Start with the first step.
    when: {{ readiness: ">= 75" }}
  - id: not-yet
    title: Not ready yet
    summary: Agree on the goal and one owner before you start.

examples:
  - answers: {{ first: clear, second: one-person }}
    outcome: ready
  - answers: {{ first: unclear, second: nobody }}
    outcome: not-yet
"#,
        title = yaml_str(&title)
    );
    Ok((
        PathBuf::from("content/assessments").join(format!("{id}.yaml")),
        text,
    ))
}

/// Today's date (UTC) as `YYYY-MM-DD`, without a date crate.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 -> `YYYY-MM-DD` (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_titles() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(title_from("my-first_guide"), "My first guide");
    }

    #[test]
    fn page_paths() {
        let (p, text) = page(Path::new("content/guides/pricing"), "2026-12-01").unwrap();
        assert_eq!(p, PathBuf::from("content/guides/pricing.md"));
        assert!(text.contains("title: \"Pricing\"\n") && text.contains("date: 2026-12-01\n"));
        let (p, text) = page(Path::new("guides/_index.md"), "2026-12-01").unwrap();
        assert_eq!(p, PathBuf::from("content/guides/_index.md"));
        assert!(text.contains("title: \"Guides\"") && text.contains("sort_by"));
        assert!(page(Path::new("../x.md"), "2026-12-01").is_err());
        assert!(assessment("Bad Id").is_err());
    }
}
