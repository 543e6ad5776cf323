//! Watching the site's sources (notify + notify-debouncer-full): `site.yaml`,
//! `content/`, `themes/`, `templates/` and `static/`, including folders
//! created after the start. Only this module touches notify.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// The folders under the site root whose contents are sources.
pub const WATCHED_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// What the watcher hands on: a batch of changed paths, or a request to
/// treat everything as changed (the watcher lost events).
#[derive(Debug)]
pub enum Batch {
    /// Paths that were created, written, renamed (both names) or removed.
    Paths(Vec<PathBuf>),
    /// Events were lost: rescan everything.
    Rescan,
}

/// Watches a site; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (absolute, canonical). Batches go to `tx`
    /// `debounce` after the last event of a burst.
    pub fn new(
        root: &Path,
        debounce: Duration,
        tx: impl Fn(Batch) + Send + 'static,
    ) -> notify::Result<Watcher> {
        let tick = (debounce / 4).max(Duration::from_millis(1)).min(debounce);
        let debouncer =
            new_debouncer(
                debounce,
                Some(tick),
                move |res: DebounceEventResult| match res {
                    Ok(events) => {
                        let mut paths = Vec::new();
                        let mut rescan = false;
                        for e in events {
                            if e.need_rescan() {
                                rescan = true;
                            }
                            if is_noise(&e.kind) {
                                continue;
                            }
                            paths.extend(e.paths.iter().cloned());
                        }
                        if rescan {
                            tx(Batch::Rescan);
                        } else if !paths.is_empty() {
                            tx(Batch::Paths(paths));
                        }
                    }
                    Err(_) => tx(Batch::Rescan),
                },
            )?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            debouncer,
            watched: BTreeSet::new(),
        };
        // The root itself, not recursively: site.yaml and new top folders.
        w.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        w.refresh();
        Ok(w)
    }

    /// Watches top folders that appeared and forgets ones that went away.
    /// Returns the folders newly watched: their whole content is new.
    pub fn refresh(&mut self) -> Vec<PathBuf> {
        let mut added = Vec::new();
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let present = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if present && !watched {
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert(dir.clone());
                    added.push(dir);
                }
            } else if !present && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(&dir);
            }
        }
        added
    }

    /// A folder we watch was removed or replaced (its watch is gone).
    pub fn forget(&mut self, dir: &Path) {
        if self.watched.remove(dir) {
            let _ = self.debouncer.unwatch(dir);
        }
    }
}

/// Opening or reading a file changes nothing (and we read files ourselves).
fn is_noise(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Open(_))
            | EventKind::Access(AccessKind::Read)
            | EventKind::Access(AccessKind::Close(AccessMode::Read))
            | EventKind::Access(AccessKind::Close(AccessMode::Execute))
            | EventKind::Access(AccessKind::Any)
            | EventKind::Access(AccessKind::Other)
    )
}
