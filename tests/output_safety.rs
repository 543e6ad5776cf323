//! Issue 10: no input or flag may write outside the output or delete an
//! author's files, and no two sources may claim one output file. Each site
//! lives two folders deep in a temporary folder holding a sentinel file, so
//! a write that climbs out of the output shows up in the folder's tree.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

/// The basic fixture at `TMP/outer/site`, with `TMP/outer/sentinel.txt`.
struct Nested {
    tmp: tempfile::TempDir,
}

impl Nested {
    fn new() -> Nested {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("outer/site");
        std::fs::create_dir_all(&site).unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
            &site,
        );
        std::fs::write(tmp.path().join("outer/sentinel.txt"), "keep me").unwrap();
        Nested { tmp }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("outer/site")
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn edit_config(&self, from: &str, to: &str) {
        let cfg = std::fs::read_to_string(self.root().join("site.yaml")).unwrap();
        assert!(cfg.contains(from), "site.yaml has no `{from}`");
        self.write("site.yaml", &cfg.replace(from, to));
    }

    /// Every file in the temporary folder but the image and card cache
    /// (`.waymark-cache/`, kept between builds on purpose).
    fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        let mut t = read_tree(self.tmp.path());
        t.retain(|k, _| !k.contains(".waymark-cache/"));
        t
    }

    /// `waymark ARGS --root ROOT`, run from the site folder.
    fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(args)
            .args(["--root", self.root().to_str().unwrap()])
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// A build into `site/public` that must fail with exit code 1 and
    /// change no file anywhere; returns stderr.
    fn failing_build(&self) -> String {
        let before = self.tree();
        let o = self.run(&["build"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "expected exit 1, got:\n{err}");
        assert_eq!(self.tree(), before, "files changed:\n{err}");
        assert!(!self.root().join("public").exists());
        err
    }

    /// A build with `args` that must be refused with exit code 2 and
    /// change no file anywhere; returns stderr.
    fn refused(&self, args: &[&str]) -> String {
        let before = self.tree();
        let o = self.run(&[&["build"], args].concat());
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: expected exit 2, got:\n{err}"
        );
        assert_eq!(self.tree(), before, "{args:?} changed files:\n{err}");
        err
    }
}

fn assert_has(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "missing `{p}` in:\n{err}");
    }
}

fn beta_with(front: &str) -> String {
    format!("---\ntitle: Beta\n{front}\n---\nBeta.\n")
}

#[test]
fn aliases_that_climb_out_of_the_output_are_errors_at_their_line() {
    let cases = [
        ("aliases: [\"/../../../../x/\"]", "climbs out", ":3:11"),
        (
            "aliases: [\"../../../../../some/dir/x.html\"]",
            "climbs out",
            ":3:11",
        ),
        ("aliases:\n  - '..\\..\\x.html'", "backslash", ":4:5"),
        ("aliases: ['C:\\Users\\x.html']", "backslash", ":3:11"),
        ("aliases: ['/C:/x/']", "drive letter", ":3:11"),
        ("aliases: [\"/x\\u0001/\"]", "control character", ":3:11"),
    ];
    for (front, why, at) in cases {
        let n = Nested::new();
        n.write("content/guides/beta.md", &beta_with(front));
        let err = n.failing_build();
        assert_has(
            &err,
            &[
                "cannot be written",
                why,
                &format!("content/guides/beta.md{at}"),
                "help: write a path inside the site",
            ],
        );
    }
}

#[test]
fn a_taxonomy_path_that_climbs_out_is_an_error_in_site_yaml() {
    for path in ["/../../../../x/", "..\\\\x", "C:/x/"] {
        let n = Nested::new();
        n.edit_config(
            "taxonomies: [tags]",
            &format!("taxonomies:\n  - {{ name: tags, path: \"{path}\" }}"),
        );
        let err = n.failing_build();
        assert_has(
            &err,
            &[
                "the path",
                "of taxonomy `tags` cannot be written",
                "site.yaml:11:",
            ],
        );
    }
}

#[test]
fn output_may_not_be_hold_or_lie_in_the_sources() {
    let n = Nested::new();
    let root = n.root();
    for out in [
        ".",
        "..",
        "content",
        "content/guides",
        "static",
        "themes",
        "themes/mini/out",
        "templates",
        "site.yaml",
        root.to_str().unwrap(),
        root.parent().unwrap().to_str().unwrap(),
        "/",
        "./content/../.",
    ] {
        let err = n.refused(&["--output", out]);
        assert!(
            err.contains("is the site folder or holds it")
                || err.contains("lies in the site's sources"),
            "{out}: {err}"
        );
    }
    // --force never allows it.
    n.refused(&["--output", ".", "--force"]);
    n.refused(&["--output", "content", "--force"]);
}

#[test]
fn a_folder_waymark_did_not_write_is_replaced_only_with_force() {
    let n = Nested::new();
    let out = n.tmp.path().join("outer/mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "years of work").unwrap();
    let err = n.refused(&["--output", out.to_str().unwrap()]);
    assert_has(
        &err,
        &["Waymark did not write", ".waymark-output", "--force"],
    );
    // An empty folder is fine, and the build marks it as its own.
    let empty = n.tmp.path().join("outer/empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = n.run(&["build", "--output", empty.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(empty.join(".waymark-output").is_file());
    assert!(empty.join("index.html").is_file());
    // So is the second build into it.
    let o = n.run(&["build", "--output", empty.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // --force replaces the foreign folder.
    let o = n.run(&["build", "--force", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("thesis.txt").exists());
    assert!(out.join("index.html").is_file());
    assert!(n.tmp.path().join("outer/sentinel.txt").is_file());
    // A file is never an output.
    n.refused(&[
        "--output",
        n.tmp.path().join("outer/sentinel.txt").to_str().unwrap(),
    ]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_refused_and_its_target_kept() {
    let n = Nested::new();
    let real = n.tmp.path().join("outer/real");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(real.join("keep.txt"), "x").unwrap();
    let link = n.root().join("public");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let err = n.refused(&["--output", "public", "--force"]);
    assert_has(&err, &["is a symbolic link", "real"]);
    // An output holding where a linked source folder leads.
    let data = n.tmp.path().join("outer/data");
    std::fs::create_dir_all(data.join("content")).unwrap();
    std::fs::rename(n.root().join("content"), data.join("content/site")).unwrap();
    std::os::unix::fs::symlink(data.join("content/site"), n.root().join("content")).unwrap();
    let err = n.refused(&["--output", data.to_str().unwrap(), "--force"]);
    assert_has(&err, &["holds the site's `content`"]);
    // Even a link to the site's own content.
    let link2 = n.tmp.path().join("outer/to-content");
    std::os::unix::fs::symlink(n.root().join("content"), &link2).unwrap();
    n.refused(&["--output", link2.to_str().unwrap()]);
}

#[test]
fn a_static_file_may_not_replace_a_page() {
    let n = Nested::new();
    n.write("static/guides/alpha/index.html", "<p>static</p>");
    let err = n.failing_build();
    assert_has(
        &err,
        &[
            "`guides/alpha/index.html` would be written twice",
            "content/guides/alpha.md:1:1",
            "the static file static/guides/alpha/index.html",
            "help: rename or move the file",
        ],
    );
}

#[test]
fn aliases_and_slugs_may_not_replace_the_home_page_or_generated_files() {
    let n = Nested::new();
    n.write(
        "content/guides/beta.md",
        &beta_with("aliases: [\"/./\", /robots.txt, /sitemap.xml]"),
    );
    let err = n.failing_build();
    assert_has(
        &err,
        &[
            "`index.html` would be written twice",
            "an alias at content/guides/beta.md:3:11",
            "`robots.txt` would be written twice: by Waymark's own robots.txt",
            "`sitemap.xml` would be written twice",
            "help: remove the alias",
        ],
    );
    let n = Nested::new();
    n.write("content/guides/beta.md", &beta_with("slug: \"/\""));
    let err = n.failing_build();
    assert_has(
        &err,
        &[
            "has no letters or digits to make a URL of",
            "content/guides/beta.md:3:1",
        ],
    );
}

#[test]
fn a_file_name_without_letters_collides_with_its_section() {
    let n = Nested::new();
    n.write("content/guides/!!!.md", "---\ntitle: Bangs\n---\nBody\n");
    let err = n.failing_build();
    assert_has(
        &err,
        &[
            "two pages claim the URL `/guides//`",
            "content/guides/!!!.md:1:1",
            "content/guides/_index.md",
        ],
    );
}

#[test]
fn taxonomy_terms_without_a_url_are_errors() {
    for term in ["\"..\"", "\".\"", "\"/\"", "\"\"", "\"?!\""] {
        let n = Nested::new();
        n.write(
            "content/guides/beta.md",
            &beta_with(&format!("tags: [{term}]")),
        );
        let err = n.failing_build();
        assert_has(
            &err,
            &[
                "`tags` term",
                "has no letters or digits",
                "content/guides/beta.md:3:1",
            ],
        );
    }
}

#[test]
fn two_files_on_one_path_are_an_error_not_a_race() {
    let n = Nested::new();
    // A loose content file and a static file on `/guides/notes.txt`.
    n.write("content/guides/notes.txt", "from content");
    n.write("static/guides/notes.txt", "from static");
    let err = n.failing_build();
    assert_has(
        &err,
        &[
            "`guides/notes.txt` would be written twice",
            "static/guides/notes.txt",
            "content/guides/notes.txt",
        ],
    );
    // A static file where a page needs a folder.
    let n = Nested::new();
    n.write("static/guides", "a file named like a section");
    let err = n.failing_build();
    assert_has(
        &err,
        &["`guides` would be both a file, by the static file static/guides, and the folder of"],
    );
    // A bundle file named like its page's HTML.
    let n = Nested::new();
    n.write("content/guides/bundle/index.html", "<p>x</p>");
    let err = n.failing_build();
    assert_has(&err, &["`guides/bundle/index.html` would be written twice"]);
}
