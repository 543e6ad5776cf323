//! The one place that decides what a build may replace and delete.
//!
//! A build writes into a staging folder beside the output and swaps it in
//! only when everything succeeded. Before any of that, [`Target::check`]
//! refuses outputs that would destroy an author's files: the site itself,
//! a folder holding it, its sources, a symbolic link, or a non-empty folder
//! Waymark did not write (every output carries a [`MARKER`] file). A lock
//! beside the output keeps two builds from swapping at once, and the start
//! of every build repairs what a killed build left behind.
//!
//! Deletions happen only here, and only of: our own staging folders, the
//! previous output moved aside (`.waymark-old-NAME`), and the output itself
//! when it carries the marker or `--force` was given.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::paths::OutputPath;

/// The file every output holds, so a later build knows it may replace it.
pub const MARKER: &str = ".waymark-output";

/// The site's own files and folders, which no output may be, hold or lie in.
const SOURCES: &[&str] = &[
    crate::config::CONFIG_FILE,
    "content",
    "themes",
    "templates",
    "static",
    ".git",
];

/// A checked output folder: absolute, not a link, not the site's sources.
#[derive(Debug, Clone)]
pub struct Target {
    /// The output folder (absolute, its parent resolved through links).
    path: PathBuf,
    /// Its parent, where staging folders, the lock and the old output live.
    parent: PathBuf,
    /// Its file name.
    name: String,
}

impl Target {
    /// Checks `out` as the output of the site at `root`; the message says
    /// why not (a usage error). `force` allows replacing a non-empty folder
    /// without the marker, never the site's sources.
    pub fn check(root: &Path, out: &Path, force: bool) -> Result<Target, String> {
        let shown = out.display();
        if let Ok(meta) = std::fs::symlink_metadata(out)
            && meta.file_type().is_symlink()
        {
            let to =
                std::fs::read_link(out).map_or_else(|_| "?".into(), |p| p.display().to_string());
            return Err(format!(
                "--output {shown} is a symbolic link (to {to}); Waymark does not replace a link's target: pass the real folder, e.g. --output {to}"
            ));
        }
        let path = absolute(out).map_err(|e| format!("--output {shown}: {e}"))?;
        let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
        if root.starts_with(&path) {
            return Err(format!(
                "--output {shown} is the site folder or holds it ({}); a build replaces its output, which would delete the site",
                root.display()
            ));
        }
        for s in SOURCES {
            // A source may be a link to a folder elsewhere: check where it leads too.
            let real = std::fs::canonicalize(root.join(s)).ok();
            for source in [Some(root.join(s)), real].into_iter().flatten() {
                if path.starts_with(&source) {
                    return Err(format!(
                        "--output {shown} lies in the site's sources (`{s}`); a build replaces its output, which would delete them; use a folder of its own, e.g. --output public"
                    ));
                }
                if source.starts_with(&path) {
                    return Err(format!(
                        "--output {shown} holds the site's `{s}` ({}); a build replaces its output, which would delete it",
                        source.display()
                    ));
                }
            }
        }
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(format!("--output {shown} names no folder"));
        };
        let target = Target {
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            path: path.clone(),
        };
        if path.exists() {
            if !path.is_dir() {
                return Err(format!("--output {shown} is a file, not a folder"));
            }
            let empty = std::fs::read_dir(&path)
                .map_err(|e| format!("--output {shown}: {e}"))?
                .next()
                .is_none();
            if !empty && !path.join(MARKER).is_file() && !force {
                return Err(format!(
                    "--output {shown} is a folder Waymark did not write (it has no {MARKER} file); a build would replace everything in it. Choose an empty or new folder, or pass --force to replace it"
                ));
            }
        }
        Ok(target)
    }

    /// The output folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, prefix: &str) -> PathBuf {
        self.parent.join(format!("{prefix}{}", self.name))
    }

    /// Takes the lock of this output, waiting (with a note on stderr) while
    /// another build holds it. The lock is released when the guard drops,
    /// and by the system when the process dies.
    fn lock(&self) -> std::io::Result<Lock> {
        std::fs::create_dir_all(&self.parent)?;
        let path = self.sibling(".waymark-lock-");
        let mut noted = false;
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !noted {
                        eprintln!(
                            "note: another build is writing {}; waiting for it to finish",
                            self.path.display()
                        );
                        noted = true;
                    }
                    file.lock()?;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
            // The holder removes the file before unlocking it: a lock taken
            // on a removed file protects nothing, so take it again.
            if same_file(&file, &path) {
                return Ok(Lock { file, path });
            }
        }
    }

    /// Repairs what a killed build left: puts back the previous output when
    /// the build died between the two renames of the swap, and removes
    /// staging folders and a stale old output. Call with the lock held.
    fn recover(&self) -> std::io::Result<()> {
        let old = self.sibling(".waymark-old-");
        if is_real_dir(&old) {
            if std::fs::symlink_metadata(&self.path).is_err() {
                std::fs::rename(&old, &self.path)?;
                eprintln!(
                    "note: restored the previous output of {} that an interrupted build had moved aside",
                    self.path.display()
                );
            } else {
                std::fs::remove_dir_all(&old)?;
            }
        }
        let staging = format!(".waymark-staging-{}-", self.name);
        for entry in std::fs::read_dir(&self.parent)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&staging)
                && is_real_dir(&entry.path())
            {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
        Ok(())
    }
}

/// A held output lock; the lock file goes away with it, so a build leaves
/// nothing beside the output.
struct Lock {
    file: File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked; waiters then see a removed file and retry.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// True when `file` is still the file at `path`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so it is always the same.
#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

fn is_real_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

/// `p` made absolute with `.` and `..` resolved: the longest existing
/// ancestor is canonicalized (links resolved), the rest is taken as written.
fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    let joined = std::env::current_dir()?.join(p);
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            c => clean.push(c),
        }
    }
    let mut existing = clean.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        rest.push(existing.file_name().unwrap_or_default().to_owned());
        existing = existing.parent().unwrap_or(Path::new("/"));
    }
    let mut out = std::fs::canonicalize(existing)?;
    out.extend(rest.iter().rev());
    Ok(out)
}

/// A build folder that becomes the output only on [`Staging::commit`].
/// Dropped without committing, it deletes itself and the output is untouched.
pub struct Staging {
    dir: PathBuf,
    target: Target,
    committed: bool,
    /// Folders created so far, so that each is made once (a search index
    /// puts thousands of files in one folder; asking to create it again
    /// for each costs a failed `mkdir` and a `stat`).
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Held until the staging folder is gone or swapped in.
    _lock: Lock,
}

impl Staging {
    /// Locks the output, repairs what killed builds left, and creates
    /// `.waymark-staging-NAME-PID` beside it with the marker file.
    pub fn new(target: &Target) -> std::io::Result<Staging> {
        let lock = target.lock()?;
        target.recover()?;
        let dir = target.parent.join(format!(
            ".waymark-staging-{}-{}",
            target.name,
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join(MARKER),
            "This folder was written by `waymark build`; the next build replaces all of it.\n",
        )?;
        Ok(Staging {
            dir,
            target: target.clone(),
            committed: false,
            made: Default::default(),
            _lock: lock,
        })
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The output it will replace.
    pub fn target(&self) -> &Path {
        &self.target.path
    }

    /// Creates the file at `rel`; a second write to one path fails instead
    /// of overwriting (two outputs on one path are a bug or a collision).
    fn create(&self, rel: &OutputPath) -> std::io::Result<File> {
        let path = rel.under(&self.dir);
        if let Some(parent) = path.parent() {
            let known = self
                .made
                .lock()
                .expect("no panics while locked")
                .contains(parent);
            if !known {
                std::fs::create_dir_all(parent)?;
                let mut made = self.made.lock().expect("no panics while locked");
                made.insert(parent.to_path_buf());
            }
        }
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    std::io::Error::new(e.kind(), format!("`{rel}` would be written twice"))
                } else {
                    e
                }
            })
    }

    /// Writes `bytes` at `rel`.
    pub fn write(&self, rel: &OutputPath, bytes: &[u8]) -> std::io::Result<()> {
        self.create(rel)?.write_all(bytes)
    }

    /// Copies the file `from` to `rel`.
    pub fn copy(&self, from: &Path, rel: &OutputPath) -> std::io::Result<()> {
        let mut to = self.create(rel)?;
        std::io::copy(&mut File::open(from)?, &mut to).map(|_| ())
    }

    /// Swaps the staging folder in place of the target. The old output is
    /// moved aside first, so at no moment does the target hold a mix; a
    /// crash between the two renames is repaired by the next build.
    pub fn commit(mut self) -> std::io::Result<()> {
        let old = self.target.sibling(".waymark-old-");
        let had_old = std::fs::symlink_metadata(&self.target.path).is_ok();
        if had_old {
            std::fs::rename(&self.target.path, &old)?;
        }
        fault_point("between-renames");
        if let Err(e) = std::fs::rename(&self.dir, &self.target.path) {
            // Put the previous site back rather than leave nothing.
            if had_old {
                let _ = std::fs::rename(&old, &self.target.path);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// For the fault tests only: with `WAYMARK_TEST_FAULT=NAME`, the process
/// aborts at the point `NAME`, as a crash or kill there would.
fn fault_point(name: &str) {
    if std::env::var_os("WAYMARK_TEST_FAULT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}
