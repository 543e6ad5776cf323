//! Issue 10: a build is all or nothing. Builds killed at any moment (also
//! between the two renames of the swap), and builds running at once into one
//! output, never leave a partial site, never lose the previous one, and
//! leave nothing beside the output once the next build has run.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn build_cmd(f: &Fixture) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_waymark"));
    c.args(["build", "--quiet", "--root", f.root().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Files Waymark keeps beside the output (staging, old output, lock).
fn leftovers(f: &Fixture) -> Vec<String> {
    std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The image and card cache is kept on purpose.
        .filter(|n| n.starts_with(".waymark") && n != ".waymark-cache")
        .collect()
}

const GOOD_BETA: &str = "---\ntitle: Beta\ndate: 2026-02-03\nweight: 2\ntags: [AI]\n---\nBeta intro.\n\n## Details\n\nBack to [alpha](@/guides/alpha.md#when-to-use).\n";

/// Breaks the site, runs a build (which must fail), and restores it: the
/// output must then be exactly `expected`, with nothing left beside it.
fn assert_failing_build_restores(f: &Fixture, expected: &BTreeMap<String, Vec<u8>>, what: &str) {
    f.write("content/guides/beta.md", "---\ntitle: [broken\n---\n");
    let o = build_cmd(f).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
    f.write("content/guides/beta.md", GOOD_BETA);
    let out = f.path("public");
    assert!(out.join(".waymark-output").is_file(), "{what}: no output");
    assert!(
        read_tree(&out) == *expected,
        "{what}: output differs from a complete build"
    );
    assert_eq!(leftovers(f), Vec::<String>::new(), "{what}");
}

#[test]
fn a_crash_between_the_renames_is_repaired_by_the_next_build() {
    let f = Fixture::new("basic");
    let complete = read_tree(&f.build_ok(&[]));
    let o = build_cmd(&f)
        .env("WAYMARK_TEST_FAULT", "between-renames")
        .output()
        .unwrap();
    assert!(!o.status.success(), "the fault hook must stop the build");
    assert!(
        !f.path("public").exists(),
        "the crash hit between the renames"
    );
    assert!(f.path(".waymark-old-public").is_dir());
    // Even a build that fails restores the previous output first.
    assert_failing_build_restores(&f, &complete, "after the crash");
}

#[test]
fn builds_killed_at_any_moment_never_lose_the_previous_output() {
    let f = Fixture::new("basic");
    let t = Instant::now();
    let complete = read_tree(&f.build_ok(&[]));
    let span = t.elapsed().as_micros().max(1000) as u64 * 3 / 2;
    // A fixed pseudo-random sequence (xorshift), so a failure can be replayed.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..40 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut cmd = build_cmd(&f);
        if round % 8 == 7 {
            cmd.env("WAYMARK_TEST_FAULT", "between-renames");
        }
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_micros(seed % span));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let out = f.path("public");
        let old = f.path(".waymark-old-public");
        // Right after the kill the site is whole, or moved aside whole.
        if out.exists() {
            assert!(read_tree(&out) == complete, "round {round}: partial output");
        } else {
            assert!(
                read_tree(&old) == complete,
                "round {round}: previous output lost"
            );
        }
        assert_failing_build_restores(&f, &complete, &format!("round {round}"));
    }
}

#[test]
fn builds_into_one_output_at_once_take_turns() {
    let f = Fixture::new("basic");
    let complete = read_tree(&f.build_ok(&[]));
    for _ in 0..3 {
        let children: Vec<_> = (0..4).map(|_| build_cmd(&f).spawn().unwrap()).collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
        }
        assert!(
            read_tree(&f.path("public")) == complete,
            "a partial site was swapped in"
        );
        assert_eq!(leftovers(&f), Vec::<String>::new());
    }
}
