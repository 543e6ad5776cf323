//! The fuzz targets, shared by `tests/fuzz.rs` (a mutation fuzzer that runs
//! in `cargo test`) and `fuzz/fuzz_targets/*.rs` (cargo-fuzz, coverage
//! guided). Each takes arbitrary bytes and must neither panic nor hang.

use std::path::{Path, PathBuf};

/// A copy of `tests/fixtures/basic` in a temporary folder, made once per
/// thread (the `page` target writes one page into it per input).
fn fixture() -> PathBuf {
    thread_local! {
        static SITE: tempfile::TempDir = {
            let dir = tempfile::tempdir().expect("temp dir");
            let src = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(if Path::new(env!("CARGO_MANIFEST_DIR")).ends_with("fuzz") { "../tests/fixtures/basic" } else { "tests/fixtures/basic" });
            copy(&src, dir.path());
            dir
        };
    }
    SITE.with(|d| d.path().to_path_buf())
}

fn copy(src: &Path, dst: &Path) {
    for entry in std::fs::read_dir(src).expect("fixture") {
        let entry = entry.expect("fixture entry");
        let to = dst.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
            copy(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
}

/// A page in a copy of the basic fixture: front matter, YAML, Markdown,
/// links and templates, loaded as `build` loads them and rendered as `check`
/// renders them.
pub fn page(input: &[u8]) {
    let root = fixture();
    std::fs::write(root.join("content/guides/fuzz.md"), input).expect("write page");
    let opts = waymark::site::BuildOptions {
        drafts: true,
        base_url: None,
        portable: false,
    };
    if let Ok(site) = waymark::site::Site::load(&root, &opts) {
        let _ = waymark::check::render(&site);
    }
}

/// The Markdown stage, for trusted pages and for escaped assessment text.
pub fn markdown(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let resolve = |p: &str| (!p.contains("missing")).then(|| format!("/{p}/"));
    for escape_html in [false, true] {
        let mode = waymark::markdown::Mode { escape_html };
        let _ = waymark::markdown::render(&text, mode, &resolve);
    }
}

/// The YAML layer.
pub fn yaml(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let _ = waymark::yaml::parse::<serde_json::Value>(Path::new("x.yaml"), &text, &text, 1);
    let _ = waymark::yaml::plain_flow_lists(&text);
}

/// `site.yaml`.
pub fn config(input: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("site.yaml"), input).expect("write site.yaml");
    let _ = waymark::config::Config::load(dir.path());
}

/// The assessment loader: parse, resolve, exhaustive analysis, examples;
/// then outcome counts and test vectors.
pub fn assessment(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    if let Ok(a) = waymark::assessment::load(Path::new("content/assessments/fuzz.yaml"), &text) {
        let _ = waymark::assessment::outcome_counts(&a);
        let _ = waymark::assessment::vectors::test_vectors(&a, 20, 1);
    }
}
