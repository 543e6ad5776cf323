//! Deciding what a rebuild must render: compares what each output page
//! read in the last good build with what it would read now.
//!
//! Kept apart from the engine (`incremental.rs`), which only assembles and
//! publishes the files, so that finer-grained dependencies can change here
//! without touching how the site is emitted.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::content::Target;
use crate::render::template_deps::stale_templates;
use crate::render::{Dep, Job};
use crate::site::Site;

/// What one output page read last time it was rendered.
pub(super) struct Record {
    pub(super) job: Job,
    pub(super) template: String,
    pub(super) deps: Vec<Dep>,
}

/// Whether and when a page must be rendered again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Its inputs are unchanged.
    Nothing,
    /// Its own content changed, or it is new: render it first.
    First,
    /// Something it lists or looks up changed.
    Later,
}

/// Compares what a job read in the old build with what it would read now.
pub(super) struct Check<'a> {
    old: &'a Site,
    new: &'a Site,
    /// Everything every page reads changed: re-render all.
    globals_changed: bool,
    /// Templates whose own source or anything they pull in changed.
    stale_templates: HashSet<String>,
    pages: Vec<Option<bool>>,
    sections: Vec<Option<bool>>,
    taxonomies: HashMap<(usize, usize), bool>,
    terms: HashMap<(usize, usize, usize, usize), bool>,
    deps: HashMap<Dep, bool>,
}

impl<'a> Check<'a> {
    pub(super) fn new(old: &'a Site, new: &'a Site) -> Check<'a> {
        let (ov, nv) = (old.renderer().values(), new.renderer().values());
        // The static-file map is not here: templates reach it only through
        // `url(path=...)`, recorded per page.
        let globals_changed = ov.site != nv.site
            || ov.assessments != nv.assessments
            || old.base_path() != new.base_path()
            || old.link_style() != new.link_style();
        Check {
            old,
            new,
            globals_changed,
            stale_templates: stale_templates(
                &old.renderer().templates().files,
                &new.renderer().templates().files,
            ),
            pages: vec![None; new.library().pages.len()],
            sections: vec![None; new.library().sections.len()],
            taxonomies: HashMap::new(),
            terms: HashMap::new(),
            deps: HashMap::new(),
        }
    }

    pub(super) fn needs_render(&mut self, job: Job, records: &HashMap<String, Record>) -> Need {
        let path = self.new.path_of(job);
        let Some(record) = records.get(&path) else {
            return Need::First;
        };
        let when = if self.own_source_changed(job, record.job) {
            Need::First
        } else {
            Need::Later
        };
        if self.globals_changed || job == Job::NotFound {
            return when;
        }
        let Ok(template) = self.new.template_for(job) else {
            return when;
        };
        if template != record.template || self.stale_templates.contains(&template) {
            return when;
        }
        let context_changed = match (job, record.job) {
            (Job::Page(i), Job::Page(_)) => {
                self.page_changed(i) || self.section_changed(self.new.library().pages[i].section)
            }
            (Job::Section(i), Job::Section(_)) => self.section_changed(i),
            (Job::Taxonomy(i), Job::Taxonomy(oi)) => self.taxonomy_changed(oi, i),
            (Job::Term(i, j), Job::Term(oi, oj)) => {
                self.taxonomy_changed(oi, i) || self.term_changed((oi, oj, i, j))
            }
            (Job::Extra(i), Job::Extra(oi)) => match self.old.extras().get(oi) {
                Some(o) => {
                    let n = &self.new.extras()[i];
                    o.vars != n.vars || o.template != n.template
                }
                None => true,
            },
            _ => true,
        };
        let social_changed =
            self.old.renderer().social_of(&path) != self.new.renderer().social_of(&path);
        if context_changed || social_changed || record.deps.iter().any(|d| self.dep_changed(d)) {
            return when;
        }
        Need::Nothing
    }

    /// The job's own source file changed (the page being edited), as
    /// opposed to something it lists or looks up.
    fn own_source_changed(&self, job: Job, old_job: Job) -> bool {
        let same = |a: &Arc<str>, b: &Arc<str>| Arc::ptr_eq(a, b) || a == b;
        match job {
            Job::Page(i) => {
                let p = &self.new.library().pages[i];
                match self.old.library().by_rel.get(&p.rel) {
                    Some(Target::Page(oi)) => {
                        !same(&self.old.library().pages[*oi].source, &p.source)
                    }
                    _ => true,
                }
            }
            Job::Section(i) => {
                let s = &self.new.library().sections[i];
                match self.old.library().by_rel.get(&s.rel) {
                    Some(Target::Section(oi)) => {
                        !same(&self.old.library().sections[*oi].source, &s.source)
                    }
                    _ => true,
                }
            }
            Job::Extra(i) => match old_job {
                Job::Extra(oi) => self
                    .old
                    .extras()
                    .get(oi)
                    .is_none_or(|o| o.vars != self.new.extras()[i].vars),
                _ => true,
            },
            _ => false,
        }
    }

    /// The page at new index `i` reads a different `page` value than before.
    fn page_changed(&mut self, i: usize) -> bool {
        if let Some(c) = self.pages[i] {
            return c;
        }
        let p = &self.new.library().pages[i];
        let changed = match self.old.library().by_rel.get(&p.rel) {
            Some(Target::Page(oi)) => {
                self.old.renderer().values().pages[*oi] != self.new.renderer().values().pages[i]
            }
            _ => true,
        };
        self.pages[i] = Some(changed);
        changed
    }

    fn section_changed(&mut self, i: usize) -> bool {
        if let Some(c) = self.sections[i] {
            return c;
        }
        let s = &self.new.library().sections[i];
        let changed = match self.old.library().by_rel.get(&s.rel) {
            Some(Target::Section(oi)) => {
                self.old.renderer().values().sections[*oi]
                    != self.new.renderer().values().sections[i]
            }
            _ => true,
        };
        self.sections[i] = Some(changed);
        changed
    }

    fn taxonomy_changed(&mut self, old: usize, new: usize) -> bool {
        let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
        *self
            .taxonomies
            .entry((old, new))
            .or_insert_with(|| ov.taxonomies.get(old) != nv.taxonomies.get(new))
    }

    fn term_changed(&mut self, key: (usize, usize, usize, usize)) -> bool {
        let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
        let (oi, oj, i, j) = key;
        *self.terms.entry(key).or_insert_with(|| {
            ov.terms.get(oi).and_then(|t| t.get(oj)) != nv.terms.get(i).and_then(|t| t.get(j))
        })
    }

    fn dep_changed(&mut self, dep: &Dep) -> bool {
        if let Some(&c) = self.deps.get(dep) {
            return c;
        }
        let changed = match dep {
            Dep::Embed(id) => match (
                self.old.renderer().embed_of(id),
                self.new.renderer().embed_of(id),
            ) {
                (Some(o), Some(n)) => o.card != n.card || o.value != n.value,
                (None, None) => false,
                _ => true,
            },
            Dep::Template(name) => {
                self.stale_templates.contains(name)
                    || self.old.renderer().templates().has(name)
                        != self.new.renderer().templates().has(name)
            }
            _ => self.old.renderer().lookup().eval(dep) != self.new.renderer().lookup().eval(dep),
        };
        self.deps.insert(dep.clone(), changed);
        changed
    }
}
