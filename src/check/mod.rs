//! `waymark check`: what a build validates (the site loads and every page
//! renders), plus what a build lets pass:
//!
//! - errors: internal links and anchors in the rendered pages that lead
//!   nowhere (links from raw HTML and templates included; `@/` links are
//!   already build errors);
//! - warnings ([`Kind`]): images without alt text, pages nothing links to,
//!   headings that skip a level, duplicate titles, missing or empty
//!   descriptions, contact details still on example.org;
//! - with `--external`, external links ([`external`]).
//!
//! "Links to" means: some other rendered page (not the 404 page) has a link
//! to it, in its content, in a section's page list, a taxonomy page or the
//! menu, whatever the templates write. The home page is never an orphan.

pub mod external;
mod links;
mod lints;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};
use crate::output::OutputPath;
use crate::site::{Fresh, Plan, Sink, Site, outputs};

pub use links::Rendered;

/// What kind of problem a finding is, named in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Anything `build` rejects.
    Build,
    /// An internal link to a file the site does not have.
    BrokenLink,
    /// An internal link to an id the page does not have.
    BrokenAnchor,
    /// An image without alt text.
    ImageAlt,
    /// A page no other page links to.
    OrphanPage,
    /// A heading that skips a level.
    HeadingSkip,
    /// A title used by two pages.
    DuplicateTitle,
    /// A missing or empty description.
    Description,
    /// An external link that answered "not found" or "gone".
    ExternalBroken,
    /// An external link that answered with another error.
    ExternalStatus,
    /// A host that could not be reached.
    UnreachableHost,
    /// Contact details in site.yaml on a placeholder domain (example.org).
    PlaceholderContact,
    /// A site static file that replaces a theme asset the templates use.
    ThemeOverride,
    /// An external link not asked: its host timed out before, the time
    /// budget ran out, or it leads to a private address.
    ExternalSkipped,
    /// A `javascript:`, `vbscript:` or `data:` link in page Markdown.
    ScriptUrl,
}

/// One problem.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: Kind,
    /// Where and what.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

impl Finding {
    /// A finding of `kind`.
    pub fn new(kind: Kind, diagnostic: Diagnostic) -> Finding {
        Finding { kind, diagnostic }
    }
}

/// For each assessment, how many distinct answer sets lead to each outcome.
#[derive(Debug, Clone)]
pub struct AssessmentCounts {
    /// Assessment id.
    pub id: String,
    /// Its file.
    pub file: PathBuf,
    /// Outcome id -> number of answer sets, in the file's order.
    pub outcomes: Vec<(String, u128)>,
}

impl AssessmentCounts {
    /// All answer sets.
    pub fn total(&self) -> u128 {
        self.outcomes
            .iter()
            .map(|(_, n)| *n)
            .fold(0, u128::saturating_add)
    }
}

/// JSON: `{id, file, outcome_counts: {outcome: "count"}}`; counts are
/// strings because they can exceed what JavaScript numbers hold exactly.
impl Serialize for AssessmentCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let counts: serde_json::Map<String, serde_json::Value> = self
            .outcomes
            .iter()
            .map(|(id, n)| (id.clone(), n.to_string().into()))
            .collect();
        let mut st = s.serialize_struct("AssessmentCounts", 3)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("outcome_counts", &counts)?;
        st.end()
    }
}

/// Everything `check` found.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Errors and warnings, sorted by file and line.
    pub findings: Vec<Finding>,
    /// Outcome counts per assessment.
    pub assessments: Vec<AssessmentCounts>,
    /// External links, when checked.
    pub external: Option<ExternalSummary>,
}

impl Report {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.severity == severity)
            .count()
    }

    /// `--strict`: every warning becomes an error.
    pub fn strict(&mut self) {
        for f in &mut self.findings {
            f.diagnostic.severity = Severity::Error;
        }
    }
}

/// How external links fared.
#[derive(Debug, Default, Serialize)]
pub struct ExternalSummary {
    /// Distinct URLs.
    pub checked: usize,
    /// Of which answered from the cache.
    pub cached: usize,
    /// Answered 404/410 (or could not be a URL).
    pub broken: usize,
    /// Answered another error.
    pub erroring: usize,
    /// Hosts that did not answer at all, with why and how many links.
    pub unreachable_hosts: Vec<UnreachableHost>,
    /// Not asked (host timed out before, budget spent, private address).
    pub skipped: usize,
}

/// A host no request reached.
#[derive(Debug, Serialize)]
pub struct UnreachableHost {
    /// `example.org`.
    pub host: String,
    /// Why, from the first failure.
    pub reason: String,
    /// Distinct URLs on it.
    pub links: usize,
}

/// The sink `check` gives to [`outputs::emit`]: the links and ids of each
/// rendered page, and every file the site has (with a digest of its bytes,
/// or the source it is copied from), exactly as `build` would write it.
#[derive(Debug, Default)]
pub struct Collector {
    pages: Mutex<Vec<Rendered>>,
    files: Mutex<BTreeMap<String, Produced>>,
}

/// What the emit path produced for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Produced {
    /// Generated bytes, by digest ([`digest`]).
    Bytes(u64),
    /// A copy of this source file.
    Copy(PathBuf),
}

/// A digest of generated bytes: equal bytes, equal digests (one process).
pub fn digest(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl Collector {
    /// Every file of the site (`/a/index.html`) and what it holds.
    pub fn files(&self) -> BTreeMap<String, Produced> {
        lock(&self.files).clone()
    }

    fn produced(&self, file: &OutputPath, what: Produced) {
        lock(&self.files).insert(format!("/{file}"), what);
    }

    fn into_parts(self) -> (Vec<Rendered>, BTreeSet<String>) {
        let mut pages = self.pages.into_inner().unwrap_or_default();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        let files = self.files.into_inner().unwrap_or_default();
        (pages, files.into_keys().collect())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().expect("no panics while holding the lock")
}

impl Sink for Collector {
    fn page(&self, file: OutputPath, page: Fresh) -> Result<(), Diagnostic> {
        self.produced(&file, Produced::Bytes(digest(page.html.as_bytes())));
        let r = links::scan(&page.path, &page.html);
        lock(&self.pages).push(r);
        Ok(())
    }

    fn asset(&self, file: OutputPath, asset: &crate::output::Asset) -> Result<(), Diagnostic> {
        self.produced(&file, Produced::Copy(asset.source.clone()));
        Ok(())
    }

    fn file(&self, file: OutputPath, body: &str) -> Result<(), Diagnostic> {
        self.produced(&file, Produced::Bytes(digest(body.as_bytes())));
        Ok(())
    }
}

/// Options of a check run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Check external links with these settings.
    pub external: Option<external::Options>,
}

/// Runs every check on a loaded site whose pages were all rendered into
/// `rendered`.
pub fn run(site: &Site, rendered: Collector, opts: &Options) -> Report {
    let (pages, files) = rendered.into_parts();
    let sources = Sources::new(site);
    let mut findings = lints::markdown(site.library());
    findings.extend(lints::metadata(
        site.library(),
        site.assessments(),
        site.config()
            .description
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty()),
    ));
    findings.extend(lints::contact(site.config()));
    let graph = Graph::new(files, &pages);
    findings.extend(graph.broken(site, &pages, &sources));
    findings.extend(graph.orphans(site));
    findings.extend(replaced_theme_assets(site));
    let external = opts
        .external
        .as_ref()
        .map(|o| check_external(site, &pages, &sources, o, &mut findings));
    findings.sort_by(|a, b| {
        let (x, y) = (&a.diagnostic, &b.diagnostic);
        (x.severity, &x.file, x.line, x.column, a.kind, &x.message)
            .cmp(&(y.severity, &y.file, y.line, y.column, b.kind, &y.message))
    });
    Report {
        findings,
        assessments: assessment_counts(site),
        external,
    }
}

/// A warning for each site static file that replaces a theme asset the
/// templates link to (a one-rule `static/css/site.css` drops the whole
/// theme stylesheet).
fn replaced_theme_assets(site: &Site) -> Vec<Finding> {
    let overrides = crate::theme::overrides(site.root(), &site.config().theme);
    let sources: Vec<&str> = site
        .renderer()
        .templates()
        .files
        .values()
        .map(|(_, src)| src.as_str())
        .collect();
    crate::theme::replaced_assets(&overrides, &sources)
        .into_iter()
        .map(|name| {
            let d = Diagnostic::error(
                format!("static/{name}"),
                format!("replaces the theme's `{name}`, which the templates load on every page"),
            )
            .with_hint(
                "to add to the theme's styles, rename the file (e.g. static/css/brand.css) and list it under `extra_css:` in site.yaml",
            )
            .warning();
            Finding::new(Kind::ThemeOverride, d)
        })
        .collect()
}

/// Outcome counts per assessment, from the exact analysis the build ran.
fn assessment_counts(site: &Site) -> Vec<AssessmentCounts> {
    site.assessments()
        .iter()
        .map(|a| AssessmentCounts {
            id: a.id.clone(),
            file: a.file.clone(),
            outcomes: crate::assessment::outcome_counts(a),
        })
        .collect()
}

/// The source files a problem in the rendered pages may come from, to find
/// its line.
struct Sources {
    /// (file for messages, text): Markdown, assessments, site.yaml, templates.
    files: Vec<(PathBuf, std::sync::Arc<str>)>,
    /// Site path of a rendered page -> index in `files` of its own source.
    own: HashMap<String, usize>,
    /// Site path -> the template that renders it.
    template: HashMap<String, PathBuf>,
}

impl Sources {
    fn new(site: &Site) -> Sources {
        // A link on a page is written in its own source, the menu or a
        // template (looked at in that order), or, in a list of summaries,
        // in another page.
        let mut files: Vec<(PathBuf, std::sync::Arc<str>)> = Vec::new();
        files.push((
            PathBuf::from(crate::config::CONFIG_FILE),
            site.config().source.as_str().into(),
        ));
        for (file, src) in site.renderer().templates().files.values() {
            files.push((file.clone(), src.as_str().into()));
        }
        let mut own = HashMap::new();
        for p in &site.library().pages {
            own.insert(p.path.clone(), files.len());
            files.push((p.file.clone(), p.source.clone()));
        }
        for s in site
            .library()
            .sections
            .iter()
            .filter(|s| !s.source.is_empty())
        {
            own.insert(s.path.clone(), files.len());
            files.push((s.file.clone(), s.source.clone()));
        }
        for a in site.assessments() {
            own.insert(format!("/assessments/{}/", a.id), files.len());
            files.push((a.file.clone(), a.source.clone()));
        }
        let mut template = HashMap::new();
        for job in site.jobs() {
            let path = site.path_of(job);
            if let Ok(name) = site.template_for(job)
                && let Some((file, _)) = site.renderer().templates().files.get(&name)
            {
                template.insert(path, file.clone());
            }
        }
        Sources {
            files,
            own,
            template,
        }
    }

    /// True when the page's own source has one of `needles`.
    fn own_source_has(&self, page: &str, needles: &[&str]) -> bool {
        self.own.get(page).is_some_and(|&i| {
            needles
                .iter()
                .any(|n| !n.is_empty() && self.files[i].1.contains(n))
        })
    }

    /// The first place one of `needles` is written, looking first in the
    /// page's own source: a diagnostic there, or at the page's template.
    fn locate(&self, page: &str, needles: &[&str], message: String) -> Diagnostic {
        let order = self
            .own
            .get(page)
            .copied()
            .into_iter()
            .chain(0..self.files.len());
        for i in order {
            let (file, src) = &self.files[i];
            if let Some(offset) = needles
                .iter()
                .filter(|n| !n.is_empty())
                .find_map(|n| src.find(n))
            {
                return Diagnostic::at_offset(file, src, offset, message);
            }
        }
        let file = self
            .template
            .get(page)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(page));
        Diagnostic::error(file, message)
    }
}

/// What the site has, and who links to what.
struct Graph {
    /// Every file of the output, as emitted (`/a/index.html`).
    files: BTreeSet<String>,
    /// Rendered page (site path) -> its ids.
    ids: HashMap<String, usize>,
    /// Page -> pages linking to it (never itself).
    inbound: HashMap<String, BTreeSet<String>>,
}

impl Graph {
    fn new(files: BTreeSet<String>, pages: &[Rendered]) -> Graph {
        let ids = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.clone(), i))
            .collect();
        let mut inbound: HashMap<String, BTreeSet<String>> = HashMap::new();
        for p in pages.iter().filter(|p| p.path != "/404.html") {
            for link in &p.links {
                if let links::Target::Internal(target, _) = links::resolve(&p.path, link) {
                    // `/a/b/index.html` and `/a/b` (a folder) are the page `/a/b/`.
                    let mut target = target
                        .strip_suffix("index.html")
                        .unwrap_or(&target)
                        .to_string();
                    if !target.ends_with('/') && files.contains(&format!("{target}/index.html")) {
                        target.push('/');
                    }
                    if target != p.path {
                        inbound.entry(target).or_default().insert(p.path.clone());
                    }
                }
            }
        }
        Graph {
            files,
            ids,
            inbound,
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.files.contains(&links::file_of(path))
            || (!path.ends_with('/') && self.files.contains(&format!("{path}/index.html")))
    }

    /// Internal links to missing files or ids, and images without `alt`.
    /// A problem a template repeats on many pages is reported once.
    fn broken(&self, site: &Site, pages: &[Rendered], sources: &Sources) -> Vec<Finding> {
        let mut once = Once::default();
        let base = site.base_path();
        for p in pages.iter().filter(|p| p.path != "/404.html") {
            for link in &p.links {
                if let Some((kind, key, d)) = self.link_problem(p, link, pages, sources, &base) {
                    once.report(kind, key, d);
                }
            }
            for src in &p.images_without_alt {
                if let Some((kind, key, d)) = image_problem(p, src, sources) {
                    once.report(kind, key, d);
                }
            }
        }
        once.finish()
    }

    /// A link of page `p` to a file or id the site does not have.
    fn link_problem(
        &self,
        p: &Rendered,
        link: &str,
        pages: &[Rendered],
        sources: &Sources,
        base: &str,
    ) -> Option<(Kind, String, Diagnostic)> {
        let links::Target::Internal(target, fragment) = links::resolve(&p.path, link) else {
            return None;
        };
        // Written as a site-root path in the source (before links were made relative).
        let written = match &fragment {
            Some(f) => format!("{target}#{f}"),
            None => target.clone(),
        };
        if !self.exists(&target) {
            let d = sources.locate(
                &p.path,
                &[link, &written, &target],
                format!(
                    "broken link: `{link}` on {} leads to `{target}`, which the site does not have",
                    p.path
                ),
            );
            let hint = format!(
                "link to a page with `@/path/to/page.md` so the build checks it; site paths start at the site root ({base})"
            );
            return Some((Kind::BrokenLink, target.clone(), d.with_hint(hint)));
        }
        let fragment = fragment.filter(|f| !f.is_empty() && f != "top")?;
        let page = target.strip_suffix("index.html").unwrap_or(&target);
        let &i = self.ids.get(page)?;
        if pages[i].ids.contains(&fragment) {
            return None;
        }
        let hint = crate::diagnostics::anchor_hint(
            &fragment,
            pages[i].ids.iter().map(String::as_str),
            "ids",
        );
        let d = sources.locate(
            &p.path,
            &[&format!("#{fragment}"), link],
            format!(
                "broken anchor: `{page}` has no id `{fragment}` (linked as `{link}` on {})",
                p.path
            ),
        );
        Some((Kind::BrokenAnchor, written, d.with_hint(hint)))
    }

    /// Pages, sections and assessments no other page links to.
    fn orphans(&self, site: &Site) -> Vec<Finding> {
        let lib = site.library();
        let mut candidates: Vec<(&str, &Path, &str)> = Vec::new();
        for p in &lib.pages {
            candidates.push((&p.path, &p.file, &p.source));
        }
        for s in lib.sections.iter().skip(1).filter(|s| !s.source.is_empty()) {
            candidates.push((&s.path, &s.file, &s.source));
        }
        let mut out = Vec::new();
        for (path, file, source) in candidates {
            if self.inbound.get(path).is_some_and(|s| !s.is_empty()) {
                continue;
            }
            let line = crate::content::key_position(source, "title").map_or(1, |at| at.0);
            out.push(Finding::new(
                Kind::OrphanPage,
                Diagnostic::at(file, source, line, 1, format!("no page links to {path}"))
                    .warning()
                    .with_hint("link to it from a related page, its section or the menu; or mark it `draft: true`"),
            ));
        }
        for e in site.extras().iter().filter(|e| crate::search::indexed(e)) {
            if self.inbound.get(&e.path).is_some_and(|s| !s.is_empty()) {
                continue;
            }
            let assessment = site.assessments().iter().find(|a| a.file == e.file);
            let src = assessment.map(|a| a.source.clone()).unwrap_or_default();
            let line = assessment.map_or(1, |a| crate::yaml::position(&a.spec.title).0.max(1));
            out.push(Finding::new(
                Kind::OrphanPage,
                Diagnostic::at(&e.file, &src, line, 1, format!("no page links to {}", e.path))
                    .warning()
                    .with_hint("link to it from a related page (a ```assessment block embeds it) or list assessments in a template"),
            ));
        }
        out
    }
}

/// Reports each problem once: content problems where they are, a
/// template's once, with how many other pages repeat it.
#[derive(Default)]
struct Once {
    out: Vec<Finding>,
    /// (kind, file + target) -> (index in `out`, pages it was seen on).
    seen: BTreeMap<(Kind, String), (usize, usize)>,
}

impl Once {
    fn report(&mut self, kind: Kind, key: String, d: Diagnostic) {
        let key = (kind, format!("{}\u{0}{key}", d.file.display()));
        let entry = self.seen.entry(key).or_insert((self.out.len(), 0));
        entry.1 += 1;
        if entry.1 == 1 {
            self.out.push(Finding::new(kind, d));
        }
    }

    fn finish(mut self) -> Vec<Finding> {
        for (i, n) in self.seen.into_values().filter(|(_, n)| *n > 1) {
            let others = n - 1;
            self.out[i].diagnostic.message.push_str(&format!(
                " (and on {others} other page{})",
                if others == 1 { "" } else { "s" }
            ));
        }
        self.out
    }
}

/// An image without `alt` written by a template or raw HTML (images in
/// the page's own Markdown are reported by the lints).
fn image_problem(p: &Rendered, src: &str, sources: &Sources) -> Option<(Kind, String, Diagnostic)> {
    let site_path = match links::resolve(&p.path, src) {
        links::Target::Internal(t, _) => t,
        _ => src.to_string(),
    };
    if sources.own_source_has(&p.path, &[src, &site_path]) {
        return None;
    }
    let d = sources.locate(
        &p.path,
        &[&format!("src=\"{src}\""), &format!("src=\"{site_path}\"")],
        format!("image `{src}` on {} has no alt attribute", p.path),
    );
    let hint = "add alt=\"what the image shows\", or alt=\"\" when it is purely decorative";
    Some((Kind::ImageAlt, site_path, d.warning().with_hint(hint)))
}

fn check_external(
    site: &Site,
    pages: &[Rendered],
    sources: &Sources,
    opts: &external::Options,
    findings: &mut Vec<Finding>,
) -> ExternalSummary {
    let on = external_links(site, pages);
    let urls: Vec<String> = on.keys().cloned().collect();
    let results = external::check(&urls, opts);
    let mut summary = ExternalSummary {
        checked: urls.len(),
        ..ExternalSummary::default()
    };
    let mut hosts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (url, checked) in &results {
        if checked.cached {
            summary.cached += 1;
        }
        let (kind, reason) = match &checked.outcome {
            external::Outcome::Ok { .. } => continue,
            external::Outcome::Unreachable { reason } => {
                let h = hosts
                    .entry(external::host(url))
                    .or_insert_with(|| (reason.clone(), 0));
                h.1 += 1;
                (Kind::UnreachableHost, reason)
            }
            external::Outcome::Skipped { reason } => {
                summary.skipped += 1;
                (Kind::ExternalSkipped, reason)
            }
            o @ external::Outcome::Broken { reason, .. } => {
                if o.is_missing() {
                    summary.broken += 1;
                    (Kind::ExternalBroken, reason)
                } else {
                    summary.erroring += 1;
                    (Kind::ExternalStatus, reason)
                }
            }
        };
        findings.extend(external_findings(kind, url, reason, &on[url], sources));
    }
    summary.unreachable_hosts = hosts
        .into_iter()
        .map(|(host, (reason, links))| UnreachableHost {
            host,
            reason,
            links,
        })
        .collect();
    summary
}

/// External URL -> pages it is on. The site's own base_url is not external.
fn external_links<'a>(site: &Site, pages: &'a [Rendered]) -> BTreeMap<String, Vec<&'a str>> {
    let own = site.config().base_url();
    let mut on: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for p in pages.iter().filter(|p| p.path != "/404.html") {
        for link in &p.links {
            if let links::Target::External(url) = links::resolve(&p.path, link)
                && !url.starts_with(own)
            {
                let url = url.split('#').next().unwrap_or(&url).to_string();
                let list = on.entry(url).or_default();
                if !list.contains(&p.path.as_str()) {
                    list.push(&p.path);
                }
            }
        }
    }
    on
}

/// One finding per place an external link that failed is written.
fn external_findings(
    kind: Kind,
    url: &str,
    reason: &str,
    on: &[&str],
    sources: &Sources,
) -> Vec<Finding> {
    let mut places: Vec<Diagnostic> = Vec::new();
    for page in on {
        let message = match kind {
            Kind::UnreachableHost => format!(
                "could not reach {} for `{url}`: {reason}",
                external::host(url)
            ),
            Kind::ExternalBroken => format!("broken external link `{url}`: {reason}"),
            _ => format!("external link `{url}`: {reason}"),
        };
        let d = sources.locate(page, &[url], message);
        if !places.iter().any(|p| p.file == d.file && p.line == d.line) {
            places.push(d);
        }
    }
    let hinted = |d: Diagnostic| {
        match kind {
        Kind::ExternalBroken => d.with_hint("update or remove the link"),
        Kind::UnreachableHost => d.warning().with_hint(
            "the host did not answer at all: check the address, or your network if every host fails",
        ),
        Kind::ExternalSkipped => d
            .warning()
            .with_hint("this link was not checked; see why above"),
        _ => d
            .warning()
            .with_hint("the server answered with an error; open the link to see whether it works"),
    }
    };
    places
        .into_iter()
        .map(|d| Finding::new(kind, hinted(d)))
        .collect()
}

/// Emits the whole site into a [`Collector`]; the render errors are
/// returned (as findings of kind [`Kind::Build`] for the caller).
pub fn render(site: &Site) -> (Collector, Vec<Diagnostic>) {
    let collector = Collector::default();
    let errors = match outputs::emit(site, Plan::everything(), &collector) {
        Ok(_) => Vec::new(),
        Err(d) => d.0,
    };
    (collector, errors)
}
