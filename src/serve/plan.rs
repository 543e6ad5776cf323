//! Deciding what a rebuild must render: compares what each output page
//! read in the last good build with what it would read now.
//!
//! Kept apart from the engine (`incremental.rs`), which only assembles and
//! publishes the files, so that finer-grained dependencies can change here
//! without touching how the site is emitted.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use crate::content::Target;
use crate::render::template_deps::stale_templates;
use crate::render::{Dep, FieldMask, Job};
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
    /// The fields of a page in lists that templates may read: a page whose
    /// other fields changed (its word count, on almost every save) leaves
    /// the lists showing it as they were.
    mask: FieldMask,
    /// What was found out so far, shared by the threads that check pages
    /// (a 10,000-page site is checked in parallel).
    pages: Vec<OnceLock<bool>>,
    sections: Vec<OnceLock<bool>>,
    taxonomies: Memo<(usize, usize)>,
    terms: Memo<(usize, usize, usize, usize)>,
    deps: Memo<Dep>,
}

/// Answers found out while checking, by key.
type Memo<K> = Mutex<HashMap<K, bool>>;

/// The memo's answer for `key`, else `find`'s (found without holding the
/// lock: finding may ask the memo again; two threads may both find it).
fn memo<K: std::hash::Hash + Eq + Clone>(
    m: &Memo<K>,
    key: &K,
    find: impl FnOnce() -> bool,
) -> bool {
    if let Some(&c) = lock(m).get(key) {
        return c;
    }
    let c = find();
    lock(m).insert(key.clone(), c);
    c
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
            mask: new.renderer().templates().field_mask(),
            pages: (0..new.library().pages.len())
                .map(|_| OnceLock::new())
                .collect(),
            sections: (0..new.library().sections.len())
                .map(|_| OnceLock::new())
                .collect(),
            taxonomies: Mutex::default(),
            terms: Mutex::default(),
            deps: Mutex::default(),
        }
    }

    pub(super) fn needs_render(&self, job: Job, records: &super::memory::Records) -> Need {
        let path = self.new.path_of(job);
        let Some(record) = records.get(&path) else {
            return Need::First;
        };
        let when = if self.own_source_changed(job, record.job) {
            Need::First
        } else {
            Need::Later
        };
        if self.globals_changed {
            return when;
        }
        if job == Job::NotFound {
            return if self.not_found_changed(record) {
                when
            } else {
                Need::Nothing
            };
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

    /// `404.html` reads only the values every page gets (compared before
    /// this), its template and what it looked up; the built-in page reads
    /// the home page's title.
    fn not_found_changed(&self, record: &Record) -> bool {
        let (ot, nt) = (
            self.old.renderer().templates(),
            self.new.renderer().templates(),
        );
        let name = "404.html";
        if ot.has(name) != nt.has(name) {
            return true;
        }
        if !nt.has(name) {
            let title = |lib: &crate::content::Library| lib.sections[0].front.title.clone();
            return title(self.old.library()) != title(self.new.library());
        }
        let social = self.old.renderer().social_of("/404.html")
            != self.new.renderer().social_of("/404.html");
        social
            || self.stale_templates.contains(name)
            || record.deps.iter().any(|d| self.dep_changed(d))
    }

    /// The job's own source file changed (the page being edited), as
    /// opposed to something it lists or looks up.
    fn own_source_changed(&self, job: Job, old_job: Job) -> bool {
        let target = match job {
            Job::Page(i) => Target::Page(i),
            Job::Section(i) => Target::Section(i),
            Job::Extra(i) => {
                return match old_job {
                    Job::Extra(oi) => self
                        .old
                        .extras()
                        .get(oi)
                        .is_none_or(|o| o.vars != self.new.extras()[i].vars),
                    _ => true,
                };
            }
            _ => return false,
        };
        let (old, new) = (self.old.library(), self.new.library().document(target));
        // The same file as a page before and now (or a section both times).
        match old.by_rel.get(&new.rel) {
            Some(&o) if std::mem::discriminant(&o) == std::mem::discriminant(&target) => {
                let source = &old.document(o).source;
                !(Arc::ptr_eq(source, &new.source) || *source == new.source)
            }
            _ => true,
        }
    }

    /// The page at new index `i` reads a different `page` value than before.
    fn page_changed(&self, i: usize) -> bool {
        *self.pages[i].get_or_init(|| self.find_page_changed(i))
    }

    fn find_page_changed(&self, i: usize) -> bool {
        let p = &self.new.library().pages[i];
        match self.old.library().by_rel.get(&p.rel) {
            Some(Target::Page(oi)) => {
                let (o, n) = (
                    &self.old.renderer().values().views[*oi],
                    &self.new.renderer().values().views[i],
                );
                !(Arc::ptr_eq(o, n) || o == n)
            }
            _ => true,
        }
    }

    fn section_changed(&self, i: usize) -> bool {
        *self.sections[i].get_or_init(|| self.find_section_changed(i))
    }

    fn find_section_changed(&self, i: usize) -> bool {
        let s = &self.new.library().sections[i];
        match self.old.library().by_rel.get(&s.rel) {
            Some(Target::Section(oi)) => {
                let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
                !self.listing_same(
                    (&ov.sections[*oi], &self.old.library().sections[*oi].pages),
                    (&nv.sections[i], &s.pages),
                    "pages",
                )
            }
            _ => true,
        }
    }

    /// Two values that list pages under `key` (a section, a term) show the
    /// same: equal in every other key, and listing the same pages equal in
    /// the fields templates read.
    fn listing_same(
        &self,
        (old, old_pages): (&crate::render::Value, &[usize]),
        (new, new_pages): (&crate::render::Value, &[usize]),
        key: &str,
    ) -> bool {
        if old == new {
            return true;
        }
        let (Some(om), Some(nm)) = (old.as_map(), new.as_map()) else {
            return false;
        };
        let others_same = om.len() == nm.len()
            && om
                .iter()
                .zip(nm.iter())
                .all(|((ok, ov), (nk, nv))| ok == nk && (ok.as_str() == Some(key) || ov == nv));
        let (oc, nc) = (
            &self.old.renderer().values().views,
            &self.new.renderer().values().views,
        );
        others_same
            && old_pages.len() == new_pages.len()
            && old_pages.iter().zip(new_pages).all(|(&a, &b)| {
                Arc::ptr_eq(&oc[a], &nc[b]) || oc[a].card.same_for(&nc[b].card, self.mask)
            })
    }

    fn taxonomy_changed(&self, old: usize, new: usize) -> bool {
        memo(&self.taxonomies, &(old, new), || {
            self.find_taxonomy_changed(old, new)
        })
    }

    fn find_taxonomy_changed(&self, old: usize, new: usize) -> bool {
        let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
        match (ov.taxonomies.get(old), nv.taxonomies.get(new)) {
            (Some(o), Some(n)) if o == n => false,
            (Some(o), Some(n)) => {
                let heads_same = match (o.as_map(), n.as_map()) {
                    (Some(om), Some(nm)) => {
                        om.len() == nm.len()
                            && om.iter().zip(nm.iter()).all(|((ok, ov), (nk, nv))| {
                                ok == nk && (ok.as_str() == Some("terms") || ov == nv)
                            })
                    }
                    _ => false,
                };
                let (ot, nt) = (&ov.terms[old], &nv.terms[new]);
                !(heads_same
                    && ot.len() == nt.len()
                    && (0..nt.len()).all(|j| !self.term_changed((old, j, new, j))))
            }
            (None, None) => false,
            _ => true,
        }
    }

    fn term_changed(&self, key: (usize, usize, usize, usize)) -> bool {
        memo(&self.terms, &key, || self.find_term_changed(key))
    }

    fn find_term_changed(&self, key: (usize, usize, usize, usize)) -> bool {
        let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
        let (oi, oj, i, j) = key;
        let old = ov.terms.get(oi).and_then(|t| t.get(oj));
        let new = nv.terms.get(i).and_then(|t| t.get(j));
        match (old, new) {
            (Some(o), Some(n)) => !self.listing_same(
                (o, &self.old.library().taxonomies[oi].terms[oj].pages),
                (n, &self.new.library().taxonomies[i].terms[j].pages),
                "pages",
            ),
            (None, None) => false,
            _ => true,
        }
    }

    /// A lookup through a function answers differently now.
    fn lookup_changed(&self, dep: &Dep) -> bool {
        let (ol, nl) = (self.old.renderer().lookup(), self.new.renderer().lookup());
        match dep {
            Dep::Section(path) => {
                let rel = path.trim_start_matches("@/");
                match (
                    self.old.library().by_rel.get(rel),
                    self.new.library().by_rel.get(rel),
                ) {
                    (Some(Target::Section(_)), Some(Target::Section(i))) => {
                        self.section_changed(*i)
                    }
                    (None, None) => false,
                    _ => true,
                }
            }
            Dep::Taxonomy(name) => match (ol.taxonomies.get(name), nl.taxonomies.get(name)) {
                (Some((o, _)), Some((n, _))) => self.taxonomy_changed(*o, *n),
                (None, None) => false,
                _ => true,
            },
            Dep::Term(taxonomy, term) => {
                let slug = crate::content::slugify(term);
                let find = |l: &crate::render::Lookup| {
                    l.taxonomies
                        .get(taxonomy)
                        .map(|(i, terms)| (*i, terms.get(&slug).copied()))
                };
                match (find(ol), find(nl)) {
                    (Some((oi, Some(oj))), Some((i, Some(j)))) => self.term_changed((oi, oj, i, j)),
                    (a, b) => a != b,
                }
            }
            _ => ol.eval(dep) != nl.eval(dep),
        }
    }

    fn dep_changed(&self, dep: &Dep) -> bool {
        memo(&self.deps, dep, || self.find_dep_changed(dep))
    }

    fn find_dep_changed(&self, dep: &Dep) -> bool {
        match dep {
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
            _ => self.lookup_changed(dep),
        }
    }
}
