//! `TestSite`: a site in a temporary folder that a test writes, builds,
//! changes and builds again, in the spirit of mdBook's `BookTest`.
//!
//! It drives the real `waymark` binary, the one stable entry point while the
//! library's internals move, so a test says what an author does (write a
//! file, run `build`) and what they get (files under `public/`), and nothing
//! about how the pipeline is put together.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::{copy_dir, read, read_tree, stderr, waymark};

/// A site folder of its own (removed on drop) and the build commands on it.
pub struct TestSite {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl TestSite {
    /// A fresh `waymark init` site: the starter content and site.yaml.
    pub fn init() -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        let o = waymark(&["init", root.to_str().unwrap()]);
        assert!(o.status.success(), "init failed:\n{}", stderr(&o));
        TestSite { _dir: dir, root }
    }

    /// An empty site folder, for a test that writes every file itself.
    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        TestSite { _dir: dir, root }
    }

    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        copy_dir(&repo().join("tests/fixtures").join(name), &root);
        TestSite { _dir: dir, root }
    }

    /// [`TestSite::fixture`] under the name tests used before `TestSite`.
    pub fn new(name: &str) -> TestSite {
        TestSite::fixture(name)
    }

    /// Copies the repository's `themes/default` into the site, so the site
    /// renders with the theme's files on disk rather than the built-in copy.
    pub fn with_default_theme(self) -> TestSite {
        copy_dir(
            &repo().join("themes/default"),
            &self.root.join("themes/default"),
        );
        self
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` in the site folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Where `build` writes: `public/` in the site folder.
    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Writes `text` to `rel` in the site, making folders as needed.
    pub fn write(&self, rel: &str, text: &str) -> &TestSite {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Replaces the first `from` in the site file `rel` with `to`; fails the
    /// test when `from` is not there, so a stale edit cannot pass silently.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &TestSite {
        let text = self.source(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// Deletes the site file `rel`.
    pub fn remove(&self, rel: &str) -> &TestSite {
        std::fs::remove_file(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        self
    }

    /// The text of the site file `rel` (a source, not an output).
    pub fn source(&self, rel: &str) -> String {
        read(&self.root, rel)
    }

    /// Runs `waymark ARGS --root ROOT`.
    pub fn run(&self, args: &[&str]) -> Output {
        waymark(&[args, &["--root", self.root.to_str().unwrap()]].concat())
    }

    /// Builds into `public/` and asserts success; returns the output folder.
    pub fn build(&self) -> PathBuf {
        self.build_with(&[])
    }

    /// `build` with more arguments, such as `--portable`.
    pub fn build_with(&self, extra: &[&str]) -> PathBuf {
        let o = self.run(&[&["build"], extra].concat());
        assert!(o.status.success(), "build failed:\n{}", stderr(&o));
        self.out()
    }

    /// [`TestSite::build_with`] under the name tests used before `TestSite`.
    pub fn build_ok(&self, extra: &[&str]) -> PathBuf {
        self.build_with(extra)
    }

    /// Builds, asserts the build fails with exit code 1 (bad input) and
    /// returns what it printed to stderr.
    pub fn build_err(&self) -> String {
        let o = self.run(&["build"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "build should fail:\n{err}");
        err
    }

    /// The text of the output file `rel` of the last build.
    pub fn page(&self, rel: &str) -> String {
        read(&self.out(), rel)
    }

    /// Whether the last build produced the file `rel`.
    pub fn has(&self, rel: &str) -> bool {
        self.out().join(rel).is_file()
    }

    /// The output files of the last build, sorted, as relative paths.
    pub fn files(&self) -> Vec<String> {
        read_tree(&self.out()).into_keys().collect()
    }
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
