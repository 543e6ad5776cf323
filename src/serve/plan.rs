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
            mask: new.renderer().templates().field_mask(),
            pages: vec![None; new.library().pages.len()],
            sections: vec![None; new.library().sections.len()],
            taxonomies: HashMap::new(),
            terms: HashMap::new(),
            deps: HashMap::new(),
        }
    }

    pub(super) fn needs_render(&mut self, job: Job, records: &super::memory::Records) -> Need {
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
    fn not_found_changed(&mut self, record: &Record) -> bool {
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
    fn page_changed(&mut self, i: usize) -> bool {
        if let Some(c) = self.pages[i] {
            return c;
        }
        let p = &self.new.library().pages[i];
        let changed = match self.old.library().by_rel.get(&p.rel) {
            Some(Target::Page(oi)) => {
                let (o, n) = (
                    &self.old.renderer().values().views[*oi],
                    &self.new.renderer().values().views[i],
                );
                !(Arc::ptr_eq(o, n) || o == n)
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
                let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
                !self.listing_same(
                    (&ov.sections[*oi], &self.old.library().sections[*oi].pages),
                    (&nv.sections[i], &s.pages),
                    "pages",
                )
            }
            _ => true,
        };
        self.sections[i] = Some(changed);
        changed
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

    fn taxonomy_changed(&mut self, old: usize, new: usize) -> bool {
        if let Some(&c) = self.taxonomies.get(&(old, new)) {
            return c;
        }
        let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
        let changed = match (ov.taxonomies.get(old), nv.taxonomies.get(new)) {
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
        };
        self.taxonomies.insert((old, new), changed);
        changed
    }

    fn term_changed(&mut self, key: (usize, usize, usize, usize)) -> bool {
        if let Some(&c) = self.terms.get(&key) {
            return c;
        }
        let (ov, nv) = (self.old.renderer().values(), self.new.renderer().values());
        let (oi, oj, i, j) = key;
        let old = ov.terms.get(oi).and_then(|t| t.get(oj));
        let new = nv.terms.get(i).and_then(|t| t.get(j));
        let changed = match (old, new) {
            (Some(o), Some(n)) => !self.listing_same(
                (o, &self.old.library().taxonomies[oi].terms[oj].pages),
                (n, &self.new.library().taxonomies[i].terms[j].pages),
                "pages",
            ),
            (None, None) => false,
            _ => true,
        };
        self.terms.insert(key, changed);
        changed
    }

    /// A lookup through a function answers differently now.
    fn lookup_changed(&mut self, dep: &Dep) -> bool {
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
            _ => self.lookup_changed(dep),
        };
        self.deps.insert(dep.clone(), changed);
        changed
    }
}
