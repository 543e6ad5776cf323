//! Every file of a site, in one place: who may write which output path
//! ([`claims`], checked once while loading, so `build`, `serve` and `check`
//! refuse the same sites) and the one function that produces the files
//! ([`emit`]) into a [`Sink`].
//!
//! [`emit`] yields, in this order: the pages (sections, Markdown pages,
//! taxonomy and term pages, assessment and other extra pages, `404.html`;
//! rendered in parallel), the static and content files, the alias
//! redirects, `sitemap.xml`, `feed.xml`, `robots.txt` and the search files
//! (in a whole build, the index's text files already come while the pages
//! render, as their documents are made).
//! Every file reaches the sink as an [`OutputPath`], so no sink can write
//! outside the output folder.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::Site;
use crate::config::Config;
use crate::content::{self, Library};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::claims::{Claim, Claims, Owner};
use crate::output::{Asset, OutputPath, Staging, generated};
use crate::render::{Dep, ExtraPage, Job, Renderer};
use crate::search;

/// Where emitted files go: the staging folder of `build`, the in-memory
/// site of `serve`, `check`'s collector. Pages arrive from many threads at
/// once; the other files after every page, in the order of [`emit`].
pub trait Sink: Sync {
    /// A page rendered now.
    fn page(&self, file: OutputPath, page: Fresh) -> Result<(), Diagnostic>;

    /// A page the plan did not render: the sink keeps the bytes it has for
    /// it and returns their size. Only `serve` renders part of a site.
    fn keep(&self, path: &str, _file: &OutputPath, _job: Job) -> Result<usize, Diagnostic> {
        Err(Diagnostic::error(
            path,
            "this output keeps no earlier pages",
        ))
    }

    /// A static or content file, copied from its source.
    fn asset(&self, file: OutputPath, asset: &Asset) -> Result<(), Diagnostic>;

    /// A generated file: a redirect, the sitemap, feed, robots.txt or a
    /// search file.
    fn file(&self, file: OutputPath, body: &str) -> Result<(), Diagnostic>;

    /// [`Sink::file`] for a body that another holder keeps as well (the
    /// search index's text files): a sink that holds bodies shares it.
    fn shared(&self, file: OutputPath, body: Arc<str>) -> Result<(), Diagnostic> {
        self.file(file, &body)
    }

    /// The search files stay as the sink has them; the files given next
    /// (if any) replace or add to them. Only `serve` follows the index.
    fn keep_search(&self) {}

    /// A search file that is no longer part of the index.
    fn remove(&self, _file: &OutputPath) {}
}

/// One page rendered by [`emit`].
pub struct Fresh {
    /// Its site path (`/a/`, `/404.html`).
    pub path: String,
    /// What was rendered.
    pub job: Job,
    /// The final HTML, links made relative.
    pub html: String,
    /// What its templates looked up through functions.
    pub deps: Vec<Dep>,
}

/// How the search files are made.
pub enum Search<'a> {
    /// The whole index, built in parallel with the pages (`build`, `check`).
    Full,
    /// `serve`: the index of the last build, updated in place (only the
    /// files its changed documents touch are emitted); `None` builds it
    /// anew and keeps it, with its documents, for the next edit.
    Follow(&'a mut Option<search::Index>),
    /// `serve`'s first publish of two: the search files stay as they are
    /// until the second.
    Later,
}

/// What one [`emit`] renders.
pub struct Plan<'a> {
    /// The jobs to render; `None` renders every job. The sink keeps the
    /// others (see [`Sink::keep`]).
    pub render: Option<&'a HashSet<Job>>,
    /// How the search files are made.
    pub search: Search<'a>,
}

impl Plan<'static> {
    /// Every page rendered, the whole search index built.
    pub fn everything() -> Plan<'static> {
        Plan {
            render: None,
            search: Search::Full,
        }
    }
}

/// What one [`emit`] did.
#[derive(Debug, Default)]
pub struct Emitted {
    /// Pages of the site (rendered or kept).
    pub pages: usize,
    /// Pages rendered this time.
    pub rendered: usize,
    /// Static and content files.
    pub assets: usize,
    /// Sizes of the search index, when it was built whole.
    pub search: Option<search::Stats>,
    /// How long rendering, writing and the search index took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Yields every file of `site` into `sink` (see the module documentation
/// for the order). Stops at the first file the sink refuses, and returns
/// every page that failed to render.
pub fn emit(site: &Site, plan: Plan, sink: &dyn Sink) -> Result<Emitted, Diagnostics> {
    let t = Instant::now();
    let jobs = site.jobs();
    let full_search = matches!(plan.search, Search::Full);
    // The generated files read only the library, and the search documents
    // the library and the assessments: they are built and tokenised while
    // the pages render rather than after.
    // The search index's text files go to the sink as soon as their
    // documents are made (see [`search::index::Builder::prepare_all`]).
    let put_text = |p: &str, body: &str| {
        let put = file(p).and_then(|f| sink.file(f, body));
        put.map_err(|d| std::io::Error::other(d.message))
    };
    // A whole index is also merged on this side, so the merge overlaps
    // the last pages rendering instead of following them.
    let whole_index = || {
        let prepared = full_search
            .then(|| site.search_prepare(&put_text))
            .flatten()?;
        Some(prepared.map(|(builder, docs)| site.search_finish(builder, docs)))
    };
    let (pages, (generated, index)) = rayon::join(
        || emit_pages(site, &jobs, plan.render, sink),
        || rayon::join(|| generated_files(site), whole_index),
    );
    let (rendered, html_bytes) = pages?;
    let index = index.transpose().map_err(|e| {
        Diagnostics::from(Diagnostic::error("search", format!("cannot write: {e}")))
    })?;
    let mut timings = vec![("render", t.elapsed())];
    let t = Instant::now();
    let refused = |d: Diagnostic| Diagnostics::from(d);
    site.assets
        .par_iter()
        .try_for_each(|a| sink.asset(file(&a.output)?, a))
        .map_err(refused)?;
    for (path, body) in generated {
        sink.file(file(&path)?, &body).map_err(refused)?;
    }
    timings.push(("write", t.elapsed()));
    let t = Instant::now();
    let stats = match plan.search {
        Search::Full => match index {
            Some((files, mut stats)) => {
                stats.html_bytes = html_bytes;
                put_all(sink, files)?;
                Some(stats)
            }
            None => None,
        },
        Search::Follow(kept) => {
            follow_search(site, kept, html_bytes, sink)?;
            None
        }
        Search::Later => {
            sink.keep_search();
            None
        }
    };
    timings.push(("search index", t.elapsed()));
    Ok(Emitted {
        pages: jobs.len(),
        rendered,
        assets: site.assets.len(),
        search: stats,
        timings,
    })
}

/// The file of a site path; claims made sure every path is valid.
fn file(site_path: &str) -> Result<OutputPath, Diagnostic> {
    OutputPath::from_url(site_path)
        .map_err(|e| Diagnostic::error(site_path, format!("cannot write: {e}")))
}

/// Renders the planned jobs in parallel into `sink` and keeps the others;
/// returns how many were rendered and the size of all HTML (for the search
/// index's statistics).
fn emit_pages(
    site: &Site,
    jobs: &[Job],
    render: Option<&HashSet<Job>>,
    sink: &dyn Sink,
) -> Result<(usize, usize), Diagnostics> {
    let base_path = site.base_path();
    let html_bytes = AtomicUsize::new(0);
    let rendered = AtomicUsize::new(0);
    // Small pieces: a piece runs on one thread to its end, and the list
    // pages at the end of `jobs` take 2-3 ms each; in pieces of hundreds
    // the last one kept one core busy for 60 ms while the other idled.
    let errors: Vec<Diagnostic> = jobs
        .par_iter()
        .with_max_len(8)
        .filter_map(|&job| {
            let done = if render.is_none_or(|r| r.contains(&job)) {
                rendered.fetch_add(1, Ordering::Relaxed);
                let (result, deps) = site.render_one(job, &base_path);
                result.and_then(|(path, html)| {
                    html_bytes.fetch_add(html.len(), Ordering::Relaxed);
                    let page = Fresh {
                        job,
                        html,
                        deps,
                        path,
                    };
                    sink.page(file(&page.path)?, page)
                })
            } else {
                let path = site.path_of(job);
                file(&path)
                    .and_then(|f| sink.keep(&path, &f, job))
                    .map(|n| {
                        html_bytes.fetch_add(n, Ordering::Relaxed);
                    })
            };
            done.err()
        })
        .collect();
    if errors.is_empty() {
        Ok((rendered.into_inner(), html_bytes.into_inner()))
    } else {
        let mut d = Diagnostics(errors);
        d.sort();
        Err(d)
    }
}

/// Redirects, sitemap, feed and robots.txt: (site path, body).
fn generated_files(site: &Site) -> Vec<(String, String)> {
    let (c, lib) = (&site.config, &site.lib);
    let mut files = generated::redirects(c, lib, site.link_style());
    files.push((
        "/sitemap.xml".into(),
        generated::sitemap(c, lib, &site.extras),
    ));
    if let Some(feed) = generated::feed(c, lib) {
        files.push(("/feed.xml".into(), feed));
    }
    files.push(("/robots.txt".into(), generated::robots(c)));
    files
}

/// Gives the search files to the sink, in parallel.
fn put_all(sink: &dyn Sink, files: Vec<search::index::File>) -> Result<(), Diagnostics> {
    files
        .into_par_iter()
        .try_for_each(|(path, body)| sink.shared(file(&path)?, body))
        .map_err(Diagnostics::from)
}

/// `serve`'s search files: only those the changed documents touch when the
/// index of the last build could follow the edit, else all of them.
fn follow_search(
    site: &Site,
    kept: &mut Option<search::Index>,
    html_bytes: usize,
    sink: &dyn Sink,
) -> Result<(), Diagnostics> {
    let (index, refresh) = site.search_refresh(html_bytes, kept.take());
    *kept = index;
    if !refresh.everything {
        sink.keep_search();
    }
    for p in &refresh.remove {
        sink.remove(&file(p)?);
    }
    put_all(sink, refresh.write)
}

/// The staging folder of `build`: every file written as it comes.
pub struct StagingSink<'a> {
    staging: &'a Staging,
}

impl<'a> StagingSink<'a> {
    /// Writes into `staging`.
    pub fn new(staging: &'a Staging) -> StagingSink<'a> {
        StagingSink { staging }
    }

    fn failed(&self, file: &OutputPath, e: std::io::Error) -> Diagnostic {
        Diagnostic::error(
            self.staging.target(),
            format!("cannot write the site: `{file}`: {e}"),
        )
    }
}

impl Sink for StagingSink<'_> {
    fn page(&self, file: OutputPath, page: Fresh) -> Result<(), Diagnostic> {
        self.staging
            .write(&file, page.html.as_bytes())
            .map_err(|e| Diagnostic::error(&page.path, format!("cannot write: {e}")))
    }

    fn asset(&self, file: OutputPath, asset: &Asset) -> Result<(), Diagnostic> {
        (self.staging.copy(&asset.source, &file)).map_err(|e| self.failed(&file, e))
    }

    fn file(&self, file: OutputPath, body: &str) -> Result<(), Diagnostic> {
        (self.staging.write(&file, body.as_bytes())).map_err(|e| self.failed(&file, e))
    }
}

/// Every file of the build joins one URL space (see [`output::claims`]):
/// pages, sections, taxonomy listings, assessment pages, the generated
/// files, static and content files, and alias redirects, in that order, so
/// an error points at the later, usually the author's newer, source. (The
/// order differs from [`emit`]'s on purpose: the author's files come last.)
pub(super) fn claims(
    root: &Path,
    config: &Config,
    lib: &Library,
    extras: &[ExtraPage],
    assets: &[Asset],
    builtin: &[&str],
) -> Vec<Diagnostic> {
    let mut claims = Claims::default();
    let config_source: Arc<str> = config.source.as_str().into();
    for job in Renderer::jobs(lib, extras) {
        let claim = job_claim(job, config, &config_source, lib, extras);
        claims.claim(&Renderer::path(job, lib, extras), claim);
    }
    let mut generated = vec!["/sitemap.xml", "/robots.txt"];
    if config.feed {
        generated.push("/feed.xml");
    }
    if config.search {
        generated.push(search::index::MANIFEST);
    }
    for g in generated.into_iter().chain(builtin.iter().copied()) {
        let claim = Claim::new(Owner::Generated, g.trim_start_matches('/'), 0, 0);
        claims.claim(g, claim);
    }
    let content = root.join("content");
    for a in assets {
        let owner = if a.source.starts_with(&content) {
            Owner::ContentFile
        } else {
            Owner::Static
        };
        let file = crate::diagnostics::display_path(root, &a.source);
        claims.claim(&a.output, Claim::new(owner, file, 0, 0));
    }
    for p in &lib.pages {
        for a in &p.front.aliases {
            let (l, c) = crate::yaml::position(a);
            let claim = Claim::new(Owner::Alias, &p.file, l + 1, c).with_source(&p.source);
            claims.claim(&content::normalize_alias(&a.value), claim);
        }
    }
    claims.into_errors()
}

/// Who asks for a job's page, and where.
fn job_claim(
    job: Job,
    config: &Config,
    config_source: &Arc<str>,
    lib: &Library,
    extras: &[ExtraPage],
) -> Claim {
    match job {
        Job::Page(i) => {
            let p = &lib.pages[i];
            Claim::new(Owner::Markdown, &p.file, 1, 1).with_source(&p.source)
        }
        Job::Section(i) => {
            let s = &lib.sections[i];
            let line = usize::from(!s.source.is_empty());
            Claim::new(Owner::Markdown, &s.file, line, line).with_source(&s.source)
        }
        Job::Taxonomy(i) | Job::Term(i, _) => {
            let name = lib.taxonomies[i].name.clone();
            let (line, col) = config.taxonomy_position(&name);
            Claim::new(
                Owner::Taxonomy { name },
                crate::config::CONFIG_FILE,
                line,
                col,
            )
            .with_source(config_source)
        }
        Job::Extra(i) => Claim::new(Owner::Extra, &extras[i].file, 0, 0),
        Job::NotFound => Claim::new(Owner::Generated, "404.html", 0, 0),
    }
}
