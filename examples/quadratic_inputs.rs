//! Time of the inputs that used to be quadratic (a benchmark, not a test;
//! issue 10): many equal headings, and many assessment embeds.
//!
//! ```text
//! cargo run --release --example quadratic_inputs
//! cargo run --release --example quadratic_inputs -- 80000   # headings; embeds are half
//! ```
//!
//! Prints the time to render the Markdown of N equal headings, and to load
//! and write a site whose one page embeds an assessment N/2 times, for N/4,
//! N/2 and N: linear inputs take about twice as long for twice the input.

use std::path::Path;
use std::time::Instant;

use waymark::markdown::{self, Mode};
use waymark::site::{BuildOptions, Site};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(40_000);
    for size in [n / 4, n / 2, n] {
        let text = "## Step\n\nText.\n\n".repeat(size);
        let t = Instant::now();
        let (r, _) = markdown::render(&text, Mode::default(), &|_| None);
        assert_eq!(r.anchors.len(), size);
        println!(
            "{size:>7} equal headings: {:>8.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    for size in [n / 8, n / 4, n / 2] {
        let dir = tempfile::tempdir().expect("temp dir");
        site_with_embeds(dir.path(), size);
        let t = Instant::now();
        let site = Site::load(dir.path(), &BuildOptions::default()).expect("site loads");
        site.write(&dir.path().join("public")).expect("site writes");
        println!(
            "{size:>7} embeds:         {:>8.1} ms (whole build)",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The basic test fixture, with one page embedding its assessment `count` times.
fn site_with_embeds(root: &Path, count: usize) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    for e in walkdir::WalkDir::new(&fixture).into_iter().flatten() {
        let to = root.join(e.path().strip_prefix(&fixture).expect("inside"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
    let write = |rel: &str, text: &str| std::fs::write(root.join(rel), text).expect("write");
    write(
        "themes/mini/templates/assessment_embed.html",
        "<div id=\"{{ embed.uid }}\">{{ assessment.title }}</div>",
    );
    write(
        "content/guides/beta.md",
        &format!(
            "---\ntitle: Beta\n---\n## Details\n\n{}",
            "```assessment\nquiz\n```\n\n".repeat(count)
        ),
    );
}
