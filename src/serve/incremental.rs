//! Incremental rebuilds: which outputs to re-render for a set of changed
//! files, then one [`emit`] into the in-memory site ([`Memory`]).
//!
//! Every rebuild loads the site the way `waymark build` does (so errors are
//! the same), then asks the planner ([`super::plan`]) per output page
//! whether anything it reads changed since the last good build:
//!
//! - its context values (`page`, `section`, `taxonomy`, `term`, assessment
//!   variables) and the values every page gets (`site`, `assessments`, the
//!   base path);
//! - its template, and every template that one extends, includes or imports;
//! - what its templates looked up through functions (`get_page`, `get_section`,
//!   `get_term`, `url`, ...), and the assessments its Markdown embeds (with
//!   their template), recorded while it was last rendered.
//!
//! Pages whose inputs are equal keep their previous bytes; the others are
//! rendered again. The files come from the same [`emit`] as `build`'s, so
//! the result equals a clean build byte for byte (tests/serve.rs checks this).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output;
use crate::render::{Dep, Job};
use crate::search;
use crate::site::{BuildOptions, LoadCache, Plan, Search, Site, outputs::emit};

use super::memory::{Files, Finished, Memory, Records, diff, diff_given};
use super::packed::Packer;
use super::plan::{Check, Need};

/// What changed on disk, by kind.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// `site.yaml`: everything is rebuilt.
    pub config: bool,
    /// Something under `content/`.
    pub content: bool,
    /// A template (theme or override).
    pub templates: bool,
    /// A static file (theme or site `static/`).
    pub statics: bool,
    /// Only `.css` files changed among the static files.
    pub css_only: bool,
    /// The changed paths themselves.
    pub paths: Vec<PathBuf>,
}

impl Changes {
    /// Adds what `more` says changed.
    pub fn merge(&mut self, more: Changes) {
        let was_empty = self.is_empty();
        self.css_only = if was_empty {
            more.css_only
        } else {
            self.css_only && (more.is_empty() || more.css_only)
        };
        self.config |= more.config;
        self.content |= more.content;
        self.templates |= more.templates;
        self.statics |= more.statics;
        self.paths.extend(more.paths);
    }

    /// True when nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        !(self.config || self.content || self.templates || self.statics)
    }

    /// Everything changed (the first build, or a rescan).
    pub fn everything() -> Changes {
        Changes {
            config: true,
            content: true,
            templates: true,
            statics: true,
            css_only: false,
            paths: Vec::new(),
        }
    }
}

/// What a successful rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Files whose bytes changed, appeared or disappeared (`a/index.html`).
    pub changed: Vec<String>,
    /// Stylesheets whose fingerprinted path changed: (old, new) site paths.
    pub css: Vec<(String, String)>,
    /// Pages rendered this time.
    pub rendered: usize,
    /// Pages in the site.
    pub pages: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// True for a full rebuild.
    pub full: bool,
    /// True when only the text of pages changed and the loaded site was
    /// changed in place instead of loaded again (see [`Site::retext`]).
    pub in_place: bool,
}

struct State {
    site: Site,
    records: Records,
    files: Arc<Files>,
}

/// Owns the last good build and rebuilds it.
pub struct Engine {
    root: PathBuf,
    opts: BuildOptions,
    state: Option<State>,
    cache: LoadCache,
    /// The search index of the last good build, updated in place.
    search: Option<search::Index>,
    /// Compresses the pages held in memory.
    packer: Packer,
    loaded_hook: Option<Box<dyn FnMut() + Send>>,
}

/// The files and lookups of the last step of a rebuild, what changed and
/// how many pages were rendered.
struct Stepped {
    files: Arc<Files>,
    records: Records,
    changed: Vec<String>,
    rendered: usize,
}

impl Engine {
    /// An engine for the site at `root`, built with `opts`.
    pub fn new(root: &Path, opts: BuildOptions) -> Engine {
        Engine {
            root: root.to_path_buf(),
            opts,
            state: None,
            search: None,
            packer: Packer::default(),
            cache: LoadCache::default(),
            loaded_hook: None,
        }
    }

    /// Forgets the last build and every cache: the next rebuild is a
    /// clean one.
    pub fn reset(&mut self) {
        self.state = None;
        self.search = None;
        self.packer = Packer::default();
        self.cache = LoadCache::default();
    }

    /// The last good site, if any.
    pub fn files(&self) -> Option<Arc<Files>> {
        self.state.as_ref().map(|s| s.files.clone())
    }

    /// The loaded site of the last good build.
    pub fn site(&self) -> Option<&Site> {
        self.state.as_ref().map(|s| &s.site)
    }

    /// Rebuilds after `changes`. On error the last good build is kept.
    ///
    /// `publish` is called with each new state of the site: once, or twice
    /// when many pages must be rendered again. Then the pages whose own
    /// content changed (the page being edited) and the static files go out
    /// first, so open browsers reload them at once; the pages that merely
    /// list or look up those pages follow. The second state, like the only
    /// one, equals a clean build.
    ///
    /// A source that changes while it is being read (an editor's save in
    /// several writes, a stylesheet read mid-write) is caught before the
    /// first publish: the files just changed are stamped before loading and
    /// compared after rendering, and every fingerprinted file's bytes must
    /// hash to its name. If not, the rebuild starts over with those files
    /// invalidated, so a half-written file's hash is never served.
    pub fn rebuild(
        &mut self,
        changes: &Changes,
        publish: &mut dyn FnMut(Published),
    ) -> Result<Rebuilt, Diagnostics> {
        let mut changes = changes.clone();
        for _ in 0..SETTLE_TRIES {
            match self.attempt(&changes, publish) {
                Ok(r) => return Ok(r),
                Err(Attempt::Failed(d)) => return Err(d),
                Err(Attempt::Moved(paths)) => {
                    let theme = self.site().map(|s| s.config().theme.clone());
                    let more = super::classify(&self.root, theme.as_deref(), &paths);
                    changes.merge(more);
                }
            }
        }
        Err(Diagnostics(vec![
            Diagnostic::error(
                crate::diagnostics::display_path(
                    &self.root,
                    changes.paths.first().map_or(&self.root, |p| p.as_path()),
                ),
                "the sources kept changing while the site was being rebuilt",
            )
            .with_hint(
                "the last good version is still served; save again once writing has finished",
            ),
        ]))
    }

    /// Runs after the site is loaded and before anything is read for
    /// output; tests use it to change a file in the middle of a rebuild.
    #[doc(hidden)]
    pub fn set_loaded_hook(&mut self, hook: Box<dyn FnMut() + Send>) {
        self.loaded_hook = Some(hook);
    }

    /// Loads the site, plans which pages to render, emits and publishes.
    fn attempt(
        &mut self,
        changes: &Changes,
        publish: &mut dyn FnMut(Published),
    ) -> Result<Rebuilt, Attempt> {
        if let Some(done) = self.retext(changes, publish) {
            return Ok(done);
        }
        let start = Instant::now();
        let stamps = stamps(&changes.paths);
        self.forget(changes);
        let site =
            Site::load_cached(&self.root, &self.opts, &mut self.cache).map_err(Attempt::Failed)?;
        if let Some(hook) = &mut self.loaded_hook {
            hook();
        }
        let t_load = start.elapsed();
        let full = self.state.is_none() || changes.config;
        let old = self.state.take();
        let steps = plan(old.as_ref().filter(|_| !full), &site);
        let t_plan = start.elapsed();
        let stepped = self.steps(&site, &steps, old.as_ref(), changes, &stamps, publish);
        let stepped = match stepped {
            Ok(s) => s,
            Err(e) => {
                self.state = old;
                return Err(e);
            }
        };
        if crate::diagnostics::tracing() {
            eprintln!(
                "rebuild (full: {full}, steps: {}, paths: {:?}): load {t_load:?} plan {:?} render+publish {:?} ({}) {:?}",
                steps.len(),
                changes.paths.iter().take(2).collect::<Vec<_>>(),
                t_plan - t_load,
                start.elapsed() - t_plan,
                stepped.rendered,
                site.timings()
            );
        }
        let pages = site.jobs().len();
        // The new state replaces the old before the old is dropped, so
        // two copies of the site never outlive this swap.
        drop(old);
        self.state = Some(State {
            site,
            records: stepped.records,
            files: stepped.files,
        });
        Ok(Rebuilt {
            changed: stepped.changed,
            css: Vec::new(),
            rendered: stepped.rendered,
            pages,
            elapsed: start.elapsed(),
            full,
            in_place: false,
        })
    }

    /// The fast path for saves that changed only the text of pages (see
    /// [`Site::retext`]): the last good site is changed in place and those
    /// pages alone are rendered. None, with the site as it was, when it
    /// does not apply or anything fails: the full path then runs, and
    /// reports what a build would.
    fn retext(&mut self, changes: &Changes, publish: &mut dyn FnMut(Published)) -> Option<Rebuilt> {
        if changes.config || changes.templates || changes.statics || !changes.content {
            return None;
        }
        let start = Instant::now();
        let state = self.state.as_ref()?;
        let pages = state.site.pages_of(&changes.paths)?;
        let lib = state.site.library();
        let rels: HashSet<&str> = pages.iter().map(|&i| lib.pages[i].rel.as_str()).collect();
        // A page another page reads through `get_page` changes that page too.
        let read_elsewhere = (state.records.values()).any(|r| {
            (r.deps.iter()).any(|d| matches!(d, Dep::Page(rel) if rels.contains(rel.as_str())))
        });
        if read_elsewhere {
            return None;
        }
        let mask = state.site.renderer().templates().field_mask();
        let stamps = stamps(&changes.paths);
        let mut state = self.state.take()?;
        let Some(done) = state.site.retext(&pages, mask) else {
            self.state = Some(state);
            return None;
        };
        if let Some(hook) = &mut self.loaded_hook {
            hook();
        }
        let jobs: HashSet<Job> = pages.iter().map(|&i| Job::Page(i)).collect();
        let stepped = self.steps(
            &state.site,
            &[jobs],
            Some(&state),
            changes,
            &stamps,
            publish,
        );
        let Ok(stepped) = stepped else {
            state.site.undo_retext(done);
            self.state = Some(state);
            return None;
        };
        // The next full load reads these files again.
        self.forget(changes);
        let pages = state.site.jobs().len();
        self.state = Some(State {
            site: state.site,
            records: stepped.records,
            files: stepped.files,
        });
        Some(Rebuilt {
            changed: stepped.changed,
            css: Vec::new(),
            rendered: stepped.rendered,
            pages,
            elapsed: start.elapsed(),
            full: false,
            in_place: true,
        })
    }

    /// Forgets cached work on the files `changes` names (all of it when
    /// site.yaml changed).
    fn forget(&mut self, changes: &Changes) {
        if changes.config {
            self.cache = LoadCache::default();
            return;
        }
        let content = self.root.join("content");
        let paths: Vec<PathBuf> = (changes.paths.iter())
            .filter(|p| p.starts_with(&content))
            .cloned()
            .collect();
        self.cache.invalidate(&paths);
    }

    /// Emits and publishes each step of `steps`; the search index follows
    /// in the last. Before the first publish, sources that changed while
    /// being read make the attempt start over.
    fn steps(
        &mut self,
        site: &Site,
        steps: &[HashSet<Job>],
        old: Option<&State>,
        changes: &Changes,
        stamps: &[(PathBuf, Stamp)],
        publish: &mut dyn FnMut(Published),
    ) -> Result<Stepped, Attempt> {
        let full = old.is_none() || changes.config;
        if full {
            self.search = None;
        }
        let mut done: Option<Stepped> = None;
        let mut all_changed = Vec::new();
        let mut rendered = 0;
        for (n, render) in steps.iter().enumerate() {
            let last = n + 1 == steps.len();
            let before = done.as_ref();
            let previous = before.map(|d| &d.files).or(old.map(|o| &o.files));
            let records = before.map(|d| &d.records).or(old.map(|o| &o.records));
            let emitted = self.emit_step(site, render, last, previous.map(|f| &**f), records);
            let Finished {
                mut files,
                records,
                moved,
                given,
            } = match emitted {
                Ok(e) => e,
                Err(d) => {
                    // If a first step was published, serve the last good state again.
                    if n > 0
                        && let (Some(o), Some(p)) = (old, previous)
                    {
                        publish(Published::again(o.files.clone(), p));
                    }
                    return Err(Attempt::Failed(d));
                }
            };
            rendered += render.len();
            if n == 0 {
                self.settled(moved, stamps)?;
            }
            if !last && let Some(prev) = previous {
                keep_gone(&mut files, prev);
            }
            let t = Instant::now();
            let files = Arc::new(files);
            let changed = diff_given(previous.map(|f| &**f), &files, &given);
            if crate::diagnostics::tracing() {
                eprintln!("diff {:?}", t.elapsed());
            }
            let css = match n {
                0 => css_swaps(old.map(|o| &o.site), site),
                _ => Vec::new(),
            };
            publish(Published {
                files: files.clone(),
                changed: changed.clone(),
                css,
                last,
                css_only: changes.css_only,
            });
            all_changed.extend(changed);
            done = Some(Stepped {
                files,
                records,
                changed: Vec::new(),
                rendered: 0,
            });
        }
        all_changed.sort();
        all_changed.dedup();
        let mut done = done.expect("a rebuild has at least one step");
        (done.changed, done.rendered) = (all_changed, rendered);
        Ok(done)
    }
}

/// Pages not rendered yet still name the old stylesheet: a step before the
/// last keeps the files of `previous` that went away, until the last step.
fn keep_gone(files: &mut Files, previous: &Files) {
    for (k, v) in previous {
        if !files.contains_key(k) {
            files.insert(k.clone(), v.clone());
        }
    }
}

impl Engine {
    /// One emit into memory: the jobs of `render` rendered, the other
    /// pages kept from `previous`; the search index follows in the last
    /// step only.
    fn emit_step(
        &mut self,
        site: &Site,
        render: &HashSet<Job>,
        last: bool,
        previous: Option<&Files>,
        records: Option<&Records>,
    ) -> Result<Finished, Diagnostics> {
        let sink = Memory::new(site, &self.packer, previous, records);
        let search = match last {
            true => Search::Follow(&mut self.search),
            false => Search::Later,
        };
        let plan = Plan {
            render: Some(render),
            search,
        };
        let t = std::time::Instant::now();
        let emitted = emit(site, plan, &sink)?;
        let t_emit = t.elapsed();
        let done = sink.finish();
        if crate::diagnostics::tracing() {
            eprintln!(
                "emit {t_emit:?} {:?}, finish {:?}",
                emitted.timings,
                t.elapsed() - t_emit
            );
        }
        Ok(done)
    }

    /// Before anything is published: `Moved` (with the caches of those
    /// files forgotten) when a source changed while being read.
    fn settled(
        &mut self,
        mut moved: Vec<PathBuf>,
        stamps: &[(PathBuf, Stamp)],
    ) -> Result<(), Attempt> {
        moved.extend(moved_since(stamps));
        if moved.is_empty() {
            return Ok(());
        }
        if crate::diagnostics::tracing() {
            eprintln!("sources moved while being read: {moved:?}");
        }
        self.cache.invalidate(&moved);
        // The search index is kept even when it followed this attempt: it
        // holds the documents it was made from and the next attempt's
        // refresh compares against those, whatever they were. (Building it
        // whole again cost 270 ms at 10,000 pages, and a save that lands
        // during a rebuild makes this happen on every such save.)
        Err(Attempt::Moved(moved))
    }
}

/// The jobs to render, in one step or two: with the last good build
/// (`old`, `None` for a full rebuild), the pages whose own source changed
/// or that are new first, with the pages that list them or link to them as
/// neighbours, then the others that look them up; every page otherwise.
fn plan(old: Option<&State>, site: &Site) -> Vec<HashSet<Job>> {
    let jobs = site.jobs();
    let Some(old) = old else {
        return vec![jobs.into_iter().collect()];
    };
    let check = Check::new(&old.site, site);
    // Each page is checked on its own (in parallel, sharing what the
    // checks find out).
    let needs: Vec<(Job, Need)> = jobs
        .into_par_iter()
        .map(|job| {
            let has_bytes = || {
                let path = site.path_of(job);
                old.files.contains_key(&output::file_for(&path))
            };
            let need = match check.needs_render(job, &old.records) {
                Need::First => Need::First,
                _ if !has_bytes() => Need::First,
                need => need,
            };
            (job, need)
        })
        .collect();
    let mut first = HashSet::new();
    let mut rest = HashSet::new();
    for (job, need) in needs {
        match need {
            Need::First => first.insert(job),
            Need::Nothing => false,
            Need::Later => rest.insert(job),
        };
    }
    // The pages that list an edited page or link to it as a neighbour
    // show the edit itself (its new title in its section's list): they go
    // out with it. Pages that changed only because a value they share did
    // (every page of the section reads the section) follow.
    let lib = site.library();
    let edited: HashSet<usize> = (first.iter())
        .filter_map(|j| match *j {
            Job::Page(i) => Some(i),
            _ => None,
        })
        .collect();
    let shows_edit = |job: &Job| match *job {
        Job::Section(i) => lib.sections[i].pages.iter().any(|p| edited.contains(p)),
        Job::Term(t, j) => (lib.taxonomies[t].terms[j].pages.iter()).any(|p| edited.contains(p)),
        Job::Page(i) => {
            let p = &lib.pages[i];
            [p.previous, p.next]
                .into_iter()
                .flatten()
                .any(|n| edited.contains(&n))
        }
        _ => false,
    };
    if !edited.is_empty() {
        let (now, later): (HashSet<Job>, HashSet<Job>) = rest.drain().partition(shows_edit);
        first.extend(now);
        rest = later;
    }
    // Two steps only pay off when many pages follow.
    if rest.len() < SPLIT_AT {
        first.extend(rest);
        return vec![first];
    }
    vec![first, rest]
}

/// Pages to render before the others are worth a first publish only when
/// at least this many others follow.
const SPLIT_AT: usize = 48;

/// One state of the site handed to the server while rebuilding.
pub struct Published {
    /// The whole site.
    pub files: Arc<Files>,
    /// Files that differ from the previous state.
    pub changed: Vec<String>,
    /// Stylesheets whose fingerprinted path changed: (old, new) site paths.
    pub css: Vec<(String, String)>,
    /// True for the final state of this rebuild.
    pub last: bool,
    /// Only stylesheets changed (open pages can swap them in place).
    pub css_only: bool,
}

impl Published {
    /// `files` published again after a failed second step, which followed
    /// `shown`.
    fn again(files: Arc<Files>, shown: &Files) -> Published {
        Published {
            changed: diff(Some(shown), &files),
            files,
            css: Vec::new(),
            last: true,
            css_only: false,
        }
    }
}

/// How many times a rebuild starts over because its sources moved under it.
const SETTLE_TRIES: usize = 5;

/// Why one attempt at a rebuild did not finish.
enum Attempt {
    /// The site has errors.
    Failed(Diagnostics),
    /// These sources changed while being read: try again.
    Moved(Vec<PathBuf>),
}

/// A file's size and modification time, or None when it is absent.
type Stamp = Option<(u64, std::time::SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Stamps of the files just changed (folders are skipped: their files'
/// own events name them).
fn stamps(paths: &[PathBuf]) -> Vec<(PathBuf, Stamp)> {
    paths
        .iter()
        .filter(|p| !p.is_dir())
        .map(|p| (p.clone(), stamp(p)))
        .collect()
}

/// The files whose stamp is no longer what it was.
fn moved_since(before: &[(PathBuf, Stamp)]) -> Vec<PathBuf> {
    before
        .iter()
        .filter(|(p, s)| stamp(p) != *s)
        .map(|(p, _)| p.clone())
        .collect()
}

/// Stylesheets whose fingerprinted name changed between two builds.
fn css_swaps(old: Option<&Site>, new: &Site) -> Vec<(String, String)> {
    let Some(old) = old else {
        return Vec::new();
    };
    let before = &old.renderer().lookup().assets;
    new.renderer()
        .lookup()
        .assets
        .iter()
        .filter(|(name, _)| name.ends_with(".css"))
        .filter_map(|(name, new_path)| {
            let old_path = before.get(name)?;
            (old_path != new_path).then(|| (old_path.clone(), new_path.clone()))
        })
        .collect()
}
