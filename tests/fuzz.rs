//! Mutation fuzzing of the parsers that read untrusted or careless input:
//! front matter (through a whole site load), the YAML layer, site.yaml,
//! the Markdown stage and the assessment loader with its analysis.
//!
//! Each target starts from its corpus (`fuzz/corpus/TARGET/`, small and
//! committed) and every input in `fuzz/regressions/TARGET/` (inputs that once
//! crashed or hung), then runs mutated inputs: byte flips, inserted syntax
//! tokens, deleted, duplicated and spliced ranges. A panic or an input that
//! takes longer than [`HANG`] fails the test and is written to
//! `fuzz/artifacts/TARGET/` to be turned into a regression.
//!
//! `cargo test --test fuzz` runs a short, deterministic round. For a longer
//! run (see docs/fuzzing.md):
//! `WAYMARK_FUZZ_SECS=600 WAYMARK_FUZZ_SEED=$RANDOM cargo test --release --test fuzz -- --nocapture`.
//! The targets live in `fuzz/targets.rs`; `fuzz/` also holds cargo-fuzz
//! harnesses for the same targets (coverage guided; see docs/fuzzing.md).

#[path = "../fuzz/targets.rs"]
mod targets;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use targets::{assessment, config, markdown, page, yaml};
/// SplitMix64, shared with the assessment test vectors: a seed replays a run.
use waymark::assessment::vectors::Rng;

/// An input that takes longer than this is a hang (debug build, busy CI).
const HANG: Duration = Duration::from_secs(20);
/// Mutated inputs never grow past this (bounded memory per input).
const MAX_LEN: usize = 64 * 1024;

/// Syntax that matters to the parsers under test.
const TOKENS: &[&str] = &[
    "---\n",
    "+++\n",
    "\n",
    "\r\n",
    ":",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "|\n",
    ">-\n",
    "#",
    "\t",
    "\u{feff}",
    "\"",
    "'",
    "\\",
    "%YAML 1.2\n",
    "<<: *a\n",
    "? ",
    "...\n",
    "~",
    "null",
    "true",
    "1e999",
    "-9223372036854775809",
    "0x",
    ".nan",
    "```",
    "```assessment\n",
    "~~~",
    "    ",
    "> ",
    "* ",
    "1. ",
    "| a | b |\n|---|---|\n",
    "[^1]",
    "[^1]: x\n",
    "{#id}",
    "{.cls}",
    "## ",
    "###### ",
    "](@/",
    "(@/guides/alpha.md#x)",
    "![a](",
    "<script>",
    "</",
    "<!--",
    "-->",
    "&#x0;",
    "&amp;",
    "\u{0}",
    "\u{1}",
    "\u{202e}",
    "\u{1F600}",
    "é",
    "\u{200b}",
    "$$",
    "{{",
    "}}",
    "{%",
    "%}",
    "title: ",
    "draft: true\n",
    "date: 2024-02-30\n",
    "aliases: [\"/../x/\"]\n",
    "weight: ",
    "tags: [",
    "questions:\n",
    "options:\n",
    "id: ",
    "type: ",
    "scale",
    "multiple",
    "single",
    "next: ",
    "when: ",
    "up_to: ",
    "score: ",
    "scores: {",
    "min: ",
    "max: ",
    "dimensions:\n",
    "outcomes:\n",
    "bands:\n",
    "examples:\n",
    ">= ",
    "< ",
    "%",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next_u64() as u8;
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, t.iter().copied());
            }
            4 if !out.is_empty() => {
                let len = 1 + rng.below(64.min(out.len() - at.min(out.len() - 1)));
                let from = at.min(out.len() - 1);
                out.drain(from..(from + len).min(out.len()));
            }
            5 if !out.is_empty() => {
                // Repeat a range many times: the inputs that go quadratic.
                let from = rng.below(out.len());
                let len = 1 + rng.below(256.min(out.len() - from));
                let piece = out[from..from + len].to_vec();
                for _ in 0..1 + rng.below(64) {
                    out.splice(at..at, piece.iter().copied());
                }
            }
            6 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let len = 1 + rng.below(other.len() - from);
                    out.splice(at..at, other[from..from + len].iter().copied());
                }
            }
            _ => out.truncate(at),
        }
        out.truncate(MAX_LEN);
    }
    out
}

fn files_in(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

/// Runs `target` on one input in its own thread: Ok, or why not.
fn run_one(target: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let owned = input.to_vec();
    std::thread::Builder::new()
        .name("fuzz-target".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let r = std::panic::catch_unwind(AssertUnwindSafe(|| target(&owned)));
            let _ = tx.send(r.map_err(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into())
            }));
        })
        .expect("spawn");
    match rx.recv_timeout(HANG) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(panic)) => Err(format!("panicked: {panic}")),
        // The thread is left running: the test fails right after.
        Err(_) => Err(format!("hang: still running after {HANG:?}")),
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// Fuzzes `target` from `fuzz/corpus/NAME` and `fuzz/regressions/NAME`.
fn fuzz(name: &str, target: fn(&[u8]), default_iters: u64) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = files_in(&root.join("corpus").join(name));
    assert!(!corpus.is_empty(), "no corpus for {name}");
    let seed = env_u64("WAYMARK_FUZZ_SEED").unwrap_or(0x5eed);
    let secs = env_u64("WAYMARK_FUZZ_SECS");
    let iters = env_u64("WAYMARK_FUZZ_ITERS").unwrap_or(default_iters);
    let deadline = secs.map(|s| Instant::now() + Duration::from_secs(s));
    let mut rng = Rng(seed
        ^ name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31) ^ b as u64));
    let mut failures = Vec::new();
    let check = |input: &[u8], failures: &mut Vec<String>| {
        if let Err(why) = run_one(target, input) {
            let dir = root.join("artifacts").join(name);
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("crash-{:016x}", fnv(input)));
            let _ = std::fs::write(&file, input);
            failures.push(format!("{why}; input saved to {}", file.display()));
        }
    };
    for input in corpus
        .iter()
        .chain(&files_in(&root.join("regressions").join(name)))
    {
        check(input, &mut failures);
    }
    let mut n = 0u64;
    loop {
        let done = match deadline {
            Some(d) => Instant::now() >= d,
            None => n >= iters,
        };
        if done || failures.len() >= 5 {
            break;
        }
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base, &corpus);
        check(&input, &mut failures);
        n += 1;
    }
    eprintln!("fuzz {name}: {n} mutated inputs (seed {seed:#x})");
    assert!(failures.is_empty(), "fuzz {name}:\n{}", failures.join("\n"));
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn fuzz_front_matter_and_pages() {
    fuzz("page", page, 150);
}

#[test]
fn fuzz_markdown() {
    fuzz("markdown", markdown, 1500);
}

#[test]
fn fuzz_yaml() {
    fuzz("yaml", yaml, 1500);
}

#[test]
fn fuzz_site_config() {
    fuzz("config", config, 400);
}

#[test]
fn fuzz_assessments() {
    fuzz("assessment", assessment, 600);
}
