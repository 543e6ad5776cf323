//! Builds the [`Library`] from the walked files.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::front_matter::{self, SortBy};
use super::read::{self, ContentCache, Loaded, LoadedFiles};
use super::taxonomies::{self, Taxonomy};
use super::walk::{Entry, Kind};
use super::{Document, Page, Section};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, display_path};

/// Options that change what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

/// An assessment source file, parsed later by the assessment stage.
#[derive(Debug, Clone)]
pub struct AssessmentFile {
    /// Path for messages.
    pub file: PathBuf,
    /// Absolute path.
    pub path: PathBuf,
    /// File stem: the assessment id.
    pub id: String,
}

/// The paths `@/` links may name, for "did you mean" (see [`Library::link_hints`]).
#[derive(Debug, Clone, Default)]
pub struct LinkHints {
    known: Vec<String>,
    example: String,
}

impl LinkHints {
    /// The closest real path to `target`, else an example from this site.
    pub fn hint(&self, target: &str) -> String {
        match crate::diagnostics::did_you_mean(target, self.known.iter().map(String::as_str)) {
            Some(h) => format!(
                "{} (paths are relative to content/)",
                h.replacen('`', "`@/", 1)
            ),
            None => self.example.clone(),
        }
    }
}

/// What an `@/` path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A page index.
    Page(usize),
    /// A section index.
    Section(usize),
}

/// Everything under `content/`, loaded and linked.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// All pages, in file order.
    pub pages: Vec<Page>,
    /// All sections; index 0 is home.
    pub sections: Vec<Section>,
    /// `content/assessments/*.yaml`.
    pub assessment_files: Vec<AssessmentFile>,
    /// Taxonomies in `site.yaml` order.
    pub taxonomies: Vec<Taxonomy>,
    /// `@/` key -> page or section.
    pub by_rel: HashMap<String, Target>,
    /// Files under `content/` that belong to no bundle: (source, site path).
    pub loose_assets: Vec<(PathBuf, String)>,
}

impl Library {
    /// Resolves `a/b.md` (without `@/`) to its site path.
    pub fn path_of(&self, rel: &str) -> Option<&str> {
        let target = *self.by_rel.get(rel)?;
        Some(&self.document(target).path)
    }

    /// Resolves `assessments/ID.yaml` (without `@/`) to the assessment's page,
    /// so Markdown can link to an assessment by its file like to any page.
    pub fn assessment_path(&self, rel: &str) -> Option<String> {
        let id = rel.strip_prefix("assessments/")?.strip_suffix(".yaml")?;
        self.assessment_files
            .iter()
            .any(|a| a.id == id)
            .then(|| format!("/assessments/{id}/"))
    }

    /// The site path of an `@/` link target (without `@/`): a page or
    /// section (`a/b.md`), or an assessment (`assessments/x.yaml`).
    pub fn resolve(&self, rel: &str) -> Option<String> {
        match self.path_of(rel) {
            Some(path) => Some(path.to_string()),
            None => self.assessment_path(rel),
        }
    }

    /// Every `@/` link target (`a/b.md`, `assessments/x.yaml`) -> its site
    /// path, taken once by the stages that resolve many links (Markdown,
    /// the templates' `url()`).
    pub fn link_targets(&self) -> HashMap<String, String> {
        let mut paths: HashMap<String, String> = (self.by_rel.keys())
            .filter_map(|k| self.path_of(k).map(|p| (k.clone(), p.to_string())))
            .collect();
        for a in &self.assessment_files {
            paths.insert(
                format!("assessments/{}.yaml", a.id),
                format!("/assessments/{}/", a.id),
            );
        }
        paths
    }

    /// What [`LinkHints::hint`] needs, taken once so hints can be made
    /// while pages are being changed.
    pub fn link_hints(&self) -> LinkHints {
        let mut known: Vec<String> = self.by_rel.keys().cloned().collect();
        known.extend(
            self.assessment_files
                .iter()
                .map(|a| format!("assessments/{}.yaml", a.id)),
        );
        known.sort();
        let example = self
            .pages
            .iter()
            .map(|p| p.rel.as_str())
            .min()
            .or_else(|| self.sections.iter().map(|s| s.rel.as_str()).min())
            .unwrap_or("_index.md");
        let assessment = self
            .assessment_files
            .iter()
            .map(|a| a.id.as_str())
            .min()
            .map(|id| format!(", or `@/assessments/{id}.yaml` for an assessment"))
            .unwrap_or_default();
        LinkHints {
            known,
            example: format!(
                "the path is relative to content/ and names the file, e.g. `@/{example}`{assessment}"
            ),
        }
    }

    /// The hint for an `@/` link to `target` that names nothing.
    pub fn link_hint(&self, target: &str) -> String {
        self.link_hints().hint(target)
    }

    /// The ids (headings, footnotes) a `@/rel#id` link may target, once the
    /// Markdown stage has run; none if `rel` names no page or section.
    pub fn anchors(&self, rel: &str) -> Option<&std::collections::HashSet<String>> {
        let target = *self.by_rel.get(rel)?;
        Some(&self.document(target).rendered.anchors)
    }

    /// Sections from home down to `section` (inclusive).
    pub fn section_chain(&self, mut section: usize) -> Vec<usize> {
        let mut chain = vec![section];
        while let Some(p) = self.sections[section].parent {
            chain.push(p);
            section = p;
        }
        chain.reverse();
        chain
    }
}

/// Loads `root/content` into a [`Library`], collecting every problem.
pub fn load(root: &Path, config: &Config, opts: LoadOptions) -> Result<Library, Vec<Diagnostic>> {
    load_cached(root, config, opts, &mut ContentCache::default(), false)
}

/// [`load`], reusing what `cache` holds for files not invalidated since,
/// and with `keep`, keeping this load's files there for the next.
pub fn load_cached(
    root: &Path,
    config: &Config,
    opts: LoadOptions,
    cache: &mut ContentCache,
    keep: bool,
) -> Result<Library, Vec<Diagnostic>> {
    let taxonomy_names = config.taxonomy_names();
    let (
        entries,
        LoadedFiles {
            sections,
            pages,
            mut errors,
        },
    ) = read::load_files(root, &taxonomy_names, opts, cache, keep);
    let (sections, section_by_dir) = build_sections(root, config, sections);
    let pages = pages
        .into_iter()
        .map(|l| new_page(root, l, &section_by_dir))
        .collect();
    let mut lib = Library {
        pages,
        sections,
        ..Library::default()
    };
    attach_files(root, entries, &mut lib, &mut errors);
    index_rels(&mut lib);
    errors.extend(check_unique_paths(&lib));
    order_sections(&mut lib);
    match taxonomies::build(config, &lib) {
        Ok(t) => lib.taxonomies = t,
        Err(mut e) => errors.append(&mut e),
    }

    if errors.is_empty() {
        Ok(lib)
    } else {
        Err(errors)
    }
}

/// Sections are numbered by folder, home (``) first, before any is built,
/// so that parents and pages can refer to them by index.
fn section_indices(sections: &[Loaded]) -> BTreeMap<String, usize> {
    let mut section_by_dir: BTreeMap<String, usize> = BTreeMap::new();
    for l in sections {
        let dir = parent_dir(&l.entry.rel).to_string();
        section_by_dir.insert(dir, usize::MAX);
    }
    if !section_by_dir.contains_key("") {
        section_by_dir.insert(String::new(), usize::MAX);
    }
    for (i, index) in section_by_dir.values_mut().enumerate() {
        *index = i;
    }
    section_by_dir
}

/// Every site has a home section, with or without `content/_index.md`,
/// and every other section a parent: the tree pages and menus hang from.
/// Returns the sections and their indices by folder.
fn build_sections(
    root: &Path,
    config: &Config,
    loaded: Vec<Loaded>,
) -> (Vec<Section>, BTreeMap<String, usize>) {
    let section_by_dir = section_indices(&loaded);
    let mut sections: Vec<Option<Section>> = vec![None; section_by_dir.len()];
    for l in loaded {
        let dir = parent_dir(&l.entry.rel);
        let idx = section_by_dir[dir];
        sections[idx] = Some(new_section(
            display_path(root, &l.entry.path),
            &l.entry.rel,
            l.source,
            l.parsed,
            dir,
        ));
    }
    let home_idx = section_by_dir[""];
    if sections[home_idx].is_none() {
        let mut home = empty_section(PathBuf::from("content/_index.md"), "_index.md", "");
        Arc::make_mut(&mut home.front).title = Some(config.title.clone());
        sections[home_idx] = Some(home);
    }
    let mut sections: Vec<Section> = sections
        .into_iter()
        .map(|s| s.expect("every section slot filled"))
        .collect();
    for (dir, &idx) in &section_by_dir {
        if !dir.is_empty() {
            let parent = nearest_section(&section_by_dir, parent_dir(dir));
            sections[idx].parent = Some(parent);
        }
    }
    // Home must be index 0 for readers; the BTreeMap puts "" first already.
    debug_assert_eq!(home_idx, 0);
    (sections, section_by_dir)
}

/// A page's URL comes from its folder and slug (a bundle's folder is its
/// stem), and its section is the nearest above it. Takes the parsed file
/// by move: front matter and source are not copied.
fn new_page(root: &Path, l: Loaded, section_by_dir: &BTreeMap<String, usize>) -> Page {
    let Loaded {
        entry,
        source,
        parsed,
    } = l;
    let bundle = entry.kind == (Kind::Page { bundle: true });
    let page_dir = if bundle {
        parent_dir(parent_dir(&entry.rel))
    } else {
        parent_dir(&entry.rel)
    };
    let stem = if bundle {
        file_name(parent_dir(&entry.rel))
    } else {
        file_name(&entry.rel).trim_end_matches(".md")
    };
    let slug = parsed
        .front
        .slug
        .as_deref()
        .map_or_else(|| super::slugify(stem), super::slugify);
    let path = format!("{}{}/", dir_path(page_dir), slug);
    let section = nearest_section(section_by_dir, page_dir);
    Page {
        doc: Document {
            file: display_path(root, &entry.path),
            rel: entry.rel,
            source,
            front: parsed.front,
            body_start: parsed.body_start,
            body_line_offset: parsed.body_line_offset,
            path,
            assets: Vec::new(),
            rendered: Arc::default(),
        },
        taxonomies: parsed.taxonomies,
        slug,
        section,
        previous: None,
        next: None,
    }
}

/// The files beside pages and sections: bundle files go next to their
/// page, others keep their folder, and assessments are listed for the
/// assessment stage (an invalid id is an error in `errors`).
fn attach_files(root: &Path, entries: &[Entry], lib: &mut Library, errors: &mut Vec<Diagnostic>) {
    let bundle_pages: HashMap<&str, usize> = lib
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.rel.ends_with("/index.md"))
        .map(|(i, p)| (parent_dir(&p.rel), i))
        .collect();
    let mut bundle_assets: Vec<(usize, PathBuf, String)> = Vec::new();
    for e in entries {
        match e.kind {
            Kind::Asset => {
                let dir = parent_dir(&e.rel);
                if let Some(&page) = bundle_pages.get(dir) {
                    let site_path = format!("{}{}", lib.pages[page].path, file_name(&e.rel));
                    bundle_assets.push((page, e.path.clone(), site_path));
                } else {
                    lib.loose_assets
                        .push((e.path.clone(), format!("/{}", e.rel)));
                }
            }
            Kind::Assessment => match assessment_file(e, display_path(root, &e.path)) {
                Ok(a) => lib.assessment_files.push(a),
                Err(d) => errors.push(d),
            },
            _ => {}
        }
    }
    for (page, src, site) in bundle_assets {
        lib.pages[page].assets.push((src, site));
    }
}

/// `@/` links, `get_page` and `get_section` find files by their path
/// under `content/`.
fn index_rels(lib: &mut Library) {
    for (i, p) in lib.pages.iter().enumerate() {
        lib.by_rel.insert(p.rel.clone(), Target::Page(i));
    }
    for (i, s) in lib.sections.iter().enumerate() {
        lib.by_rel.insert(s.rel.clone(), Target::Section(i));
    }
}

/// The largest source file (Markdown, YAML) Waymark reads. Rendering holds a few copies
/// of a page (events, HTML, search text), so a file far larger than any
/// real page could take gigabytes; it is refused with a clear error instead.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a source file (Markdown, YAML) as UTF-8, refusing files over
/// [`MAX_FILE_BYTES`] and pointing at the first byte that is not UTF-8.
/// `file` is the path shown in messages.
pub fn read_text(path: &Path, file: &Path) -> Result<String, Diagnostic> {
    let cannot = |e: std::io::Error| Diagnostic::error(file, format!("cannot read file: {e}"));
    // The size comes from the open file (one `stat` fewer a page than
    // asking by path, and no window for the file to change between).
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    let len = f.metadata().map_err(cannot)?.len();
    if len > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            file,
            format!(
                "this file is {:.1} MB; source files are limited to {} MB",
                len as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
        )
        .with_hint("split it into several pages, or move large data into a static file"));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    std::io::Read::read_to_end(&mut f, &mut bytes).map_err(cannot)?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
        let (line, column) = crate::diagnostics::line_col(&text, good);
        let mut d = Diagnostic::at(
            file,
            &String::from_utf8_lossy(e.as_bytes()),
            line,
            column,
            format!(
                "this file is not valid UTF-8 (byte 0x{:02X})",
                e.as_bytes()[good]
            ),
        );
        d.snippet = d.snippet.map(|s| s.replace('\u{fffd}', "?"));
        d.with_hint("save the file as UTF-8 in your editor")
    })
}

/// An assessment source file, whose name is its id: an error unless the
/// id is safe in URLs and HTML.
fn assessment_file(e: &Entry, file: PathBuf) -> Result<AssessmentFile, Diagnostic> {
    let id = file_name(&e.rel)
        .rsplit_once('.')
        .map_or("", |(s, _)| s)
        .to_string();
    if !super::is_safe_id(&id) {
        return Err(Diagnostic::error(
            file,
            format!(
                "the assessment id `{}` (the file name) is not valid",
                id.escape_default()
            ),
        )
        .with_hint(format!(
            "ids become URLs: use lowercase letters, digits and `-` only, e.g. rename the file to `{}.yaml`",
            super::slugify(&id)
        )));
    }
    Ok(AssessmentFile {
        file,
        path: e.path.clone(),
        id,
    })
}

fn new_section(
    file: PathBuf,
    rel: &str,
    source: Arc<str>,
    parsed: front_matter::Parsed,
    dir: &str,
) -> Section {
    let mut s = empty_section(file, rel, dir);
    s.source = source;
    s.front = parsed.front;
    s.body_start = parsed.body_start;
    s.body_line_offset = parsed.body_line_offset;
    s
}

fn empty_section(file: PathBuf, rel: &str, dir: &str) -> Section {
    Section {
        doc: Document {
            file,
            rel: rel.to_string(),
            source: Arc::from(""),
            front: Default::default(),
            body_start: 0,
            body_line_offset: 0,
            path: dir_path(dir),
            assets: Vec::new(),
            rendered: Arc::default(),
        },
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
    }
}

/// `a/b/c.md` -> `a/b`; `c.md` -> ``.
fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit_once('/').map_or(rel, |(_, f)| f)
}

/// Folder -> site path, slugifying each segment: `Case Studies/x` -> `/case-studies/x/`.
fn dir_path(dir: &str) -> String {
    let mut out = String::from("/");
    for seg in dir.split('/').filter(|s| !s.is_empty()) {
        out.push_str(&super::slugify(seg));
        out.push('/');
    }
    out
}

fn nearest_section(section_by_dir: &BTreeMap<String, usize>, mut dir: &str) -> usize {
    loop {
        if let Some(&i) = section_by_dir.get(dir) {
            return i;
        }
        dir = parent_dir(dir);
    }
}

/// Two sources may not claim one URL.
fn check_unique_paths(lib: &Library) -> Vec<Diagnostic> {
    // Keyed by the file written, so `/a//` and `/a/` are one URL.
    let mut claimed: HashMap<String, &Path> = HashMap::new();
    let mut errors = Vec::new();
    let sources = lib
        .sections
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_path(), &s.source))
        .chain(
            lib.pages
                .iter()
                .map(|p| (p.path.as_str(), p.file.as_path(), &p.source)),
        );
    for (path, file, source) in sources {
        if let Some(other) = claimed.insert(crate::output::file_for(path), file) {
            errors.push(
                Diagnostic::at(
                    file,
                    source,
                    1,
                    1,
                    format!("two pages claim the URL `{path}`"),
                )
                .with_hint(format!(
                    "`{}` has the same URL; rename one file or give one a different `slug`",
                    other.display()
                )),
            );
        }
    }
    // Aliases join the one URL space of every output file (site.rs).
    errors
}

/// `old/path` -> `/old/path/`; paths naming a file (`x.html`) stay as they are.
pub fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim().trim_start_matches('/');
    let has_ext = trimmed
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    if has_ext || trimmed.is_empty() || trimmed.ends_with('/') {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

/// Sorts each section's pages, links previous/next and subsections.
fn order_sections(lib: &mut Library) {
    for (i, p) in lib.pages.iter().enumerate() {
        lib.sections[p.section].pages.push(i);
    }
    for i in 1..lib.sections.len() {
        if let Some(parent) = lib.sections[i].parent {
            lib.sections[parent].subsections.push(i);
        }
    }
    let pages = &lib.pages;
    for s in &mut lib.sections {
        let sort_by = s
            .front
            .sort_by
            .as_ref()
            .map(|s| s.value)
            .unwrap_or_default();
        s.pages
            .sort_by(|&a, &b| compare(&pages[a], &pages[b], sort_by));
    }
    let sections_snapshot: Vec<(Option<i64>, String)> = lib
        .sections
        .iter()
        .map(|s| (s.front.weight, s.front.title.clone().unwrap_or_default()))
        .collect();
    for s in &mut lib.sections {
        s.subsections.sort_by(|&a, &b| {
            let (wa, ta) = &sections_snapshot[a];
            let (wb, tb) = &sections_snapshot[b];
            (wa.unwrap_or(i64::MAX), ta).cmp(&(wb.unwrap_or(i64::MAX), tb))
        });
    }
    for s in 0..lib.sections.len() {
        let order = lib.sections[s].pages.clone();
        for (pos, &p) in order.iter().enumerate() {
            lib.pages[p].previous = pos.checked_sub(1).map(|q| order[q]);
            lib.pages[p].next = order.get(pos + 1).copied();
        }
    }
}

fn compare(a: &Page, b: &Page, by: SortBy) -> std::cmp::Ordering {
    let date = |p: &Page| p.front.date;
    match by {
        SortBy::Weight => (a.front.weight.unwrap_or(i64::MAX), a.title(), &a.rel).cmp(&(
            b.front.weight.unwrap_or(i64::MAX),
            b.title(),
            &b.rel,
        )),
        SortBy::Date => date(b)
            .cmp(&date(a))
            .then_with(|| (a.title(), &a.rel).cmp(&(b.title(), &b.rel))),
        SortBy::Title => {
            (a.title().to_lowercase(), &a.rel).cmp(&(b.title().to_lowercase(), &b.rel))
        }
    }
}
