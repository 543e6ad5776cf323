//! The Rust scoring engine and the shipped browser script agree.
//!
//! Loads every valid assessment fixture (and the site's own assessments, if
//! any), writes >= 1,000 generated answer sets per assessment with the Rust
//! results, and runs `node --test tests/js/agreement.test.mjs`, which feeds
//! the same answers to `themes/default/static/js/assessment-engine.js`. A second
//! run on deliberately corrupted vectors must fail, proving the check bites.
//! Needs Node (CI has it); fails, rather than skips, without it.

use std::path::{Path, PathBuf};
use std::process::Command;

use waymark::assessment::{load, vectors::test_vectors};

const VECTORS: usize = 1500;

fn assessment_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (dir, skip_errors) in [
        ("tests/fixtures/assessments", true),
        ("content/assessments", false),
    ] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|x| x == "yaml")
                && !(skip_errors && name.starts_with("err-"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn run_node(dir: &Path) -> std::process::Output {
    Command::new("node")
        .args(["--test", "tests/js/agreement.test.mjs"])
        .env("WAYMARK_VECTORS_DIR", dir)
        .output()
        .expect("`node` (20 or later) must be installed to run the agreement test")
}

#[test]
fn rust_and_browser_engines_agree() {
    let files = assessment_files();
    assert!(
        files.len() >= 5,
        "expected the ok-*.yaml fixtures, found {files:?}"
    );
    let good = tempfile::tempdir().unwrap();
    let bad = tempfile::tempdir().unwrap();
    for (k, path) in files.iter().enumerate() {
        let source = std::fs::read_to_string(path).unwrap();
        let assessment = load(path, &source).unwrap_or_else(|diags| {
            let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            panic!("{} should load:\n{}", path.display(), text.join("\n"))
        });
        let vectors = test_vectors(&assessment, VECTORS, 0x5eed + k as u64);
        assert_eq!(vectors["vectors"].as_array().unwrap().len(), VECTORS);
        let name = format!("{}.json", assessment.id);
        std::fs::write(good.path().join(&name), vectors.to_string()).unwrap();
        if k == 0 {
            let mut broken = vectors.clone();
            broken["vectors"][7]["expected"]["outcome"] = "no-such-outcome".into();
            std::fs::write(bad.path().join(&name), broken.to_string()).unwrap();
        }
    }
    let out = run_node(good.path());
    assert!(
        out.status.success(),
        "browser engine disagrees with Rust:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_node(bad.path());
    assert!(
        !out.status.success(),
        "the agreement check passed corrupted vectors"
    );
}
