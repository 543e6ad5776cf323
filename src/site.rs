//! The pipeline every command shares: load -> validate -> render -> write.
//!
//! [`Site::load`] does everything that can fail on user input and collects
//! all diagnostics; [`Site::render_all`] renders every output page in
//! parallel; [`Site::write`] writes into a staging folder and swaps it in.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Library, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Mode};
use crate::output::{self, LinkStyle, OutputPath, Staging, links};
use crate::render::{Dep, ExtraPage, Job, Renderer, SiteValues, Templates, ValuesMemo};
use crate::search;

/// What the command line can change about a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include drafts.
    pub drafts: bool,
    /// Override `base_url`.
    pub base_url: Option<String>,
    /// Links that name their files, for opening from disk.
    pub portable: bool,
}

/// A loaded, validated site, ready to render.
pub struct Site {
    /// Site folder.
    pub root: PathBuf,
    /// `site.yaml`.
    pub config: Config,
    /// Content.
    pub lib: Library,
    /// Assessments and other non-Markdown pages.
    pub extras: Vec<ExtraPage>,
    /// Files to copy.
    pub assets: Vec<output::Asset>,
    /// Templates with their data.
    pub renderer: Renderer,
    /// How long each stage took, for `--verbose`.
    pub timings: Vec<(&'static str, Duration)>,
    /// The checked assessments, for `check`'s outcome counts.
    pub assessments: Vec<crate::assessment::Assessment>,
    /// Assessment count, for the summary line.
    pub assessment_count: usize,
    /// The search client's files, when `search` is on.
    pub search: Option<search::client::Setup>,
    /// Sizes of the search index of the last [`Site::write`].
    pub search_stats: Option<search::Stats>,
    /// Images and social cards of this load, for `--verbose`.
    pub media: Media,
}

/// What the image and card stages did, for `--verbose` (and tests that
/// check a warm cache draws nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Media {
    /// Local images read and variants encoded.
    pub images: crate::images::Stats,
    /// Social cards in the site.
    pub cards: usize,
    /// Cards drawn in this load (the rest came from the cache).
    pub cards_drawn: usize,
}

/// What a successful write produced, for the summary line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    /// HTML pages rendered from templates.
    pub pages: usize,
    /// Files copied.
    pub assets: usize,
}

/// Work kept between loads of one site, so `serve` re-reads, re-parses and
/// re-renders the Markdown of only the files that changed. A load with a
/// cache gives exactly what a load without one gives.
#[derive(Default)]
pub struct LoadCache {
    content: content::ContentCache,
    markdown: HashMap<(bool, String), MarkdownMemo>,
    values: ValuesMemo,
    /// Image sizes and variants by source file.
    images: crate::images::Images,
    /// Social cards already rendered, by input hash.
    cards: crate::social::CardCache,
    /// Loading once, for a build that then ends: keep no copies for later.
    one_build: bool,
}

impl LoadCache {
    /// For [`Site::load`]: the Markdown output moves into the library instead
    /// of being copied into the cache, and page values are built as their
    /// pages render (see [`SiteValues::page`]); a 10,000-page build then
    /// holds each page's HTML once instead of three times.
    fn one_build() -> LoadCache {
        LoadCache {
            values: ValuesMemo::one_build(),
            cards: crate::social::CardCache::one_build(),
            one_build: true,
            ..LoadCache::default()
        }
    }

    /// Forgets what it knows about `paths` (absolute files or folders).
    pub fn invalidate(&mut self, paths: &[PathBuf]) {
        self.content.invalidate(paths);
    }
}

/// One page's Markdown output and the link lookups it made.
struct MarkdownMemo {
    source: Arc<str>,
    body_start: usize,
    /// [`markdown::shortcodes::Shortcodes::key`] of the templates used.
    shortcodes: u64,
    summary: Option<String>,
    resolved: Vec<(String, Option<String>)>,
    rendered: Arc<markdown::Rendered>,
    problems: Vec<(usize, markdown::Problem)>,
}

impl Site {
    /// Loads and validates everything; returns every problem found.
    pub fn load(root: &Path, opts: &BuildOptions) -> Result<Site, Diagnostics> {
        Site::load_cached(root, opts, &mut LoadCache::one_build())
    }

    /// [`Site::load`], reusing the work in `cache` for files that did not
    /// change since (see [`LoadCache::invalidate`]).
    pub fn load_cached(
        root: &Path,
        opts: &BuildOptions,
        cache: &mut LoadCache,
    ) -> Result<Site, Diagnostics> {
        let mut timings = Vec::new();
        let mut t = Instant::now();
        let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
            timings.push((name, t.elapsed()));
            t = Instant::now();
        };
        let config = load_config(root, opts)?;
        let mut errors = Vec::new();
        let mut lib = match content::load_cached(
            root,
            &config,
            LoadOptions {
                drafts: opts.drafts,
            },
            &mut cache.content,
        ) {
            Ok(lib) => lib,
            Err(mut errs) => {
                // Content is broken, but template mistakes are independent: report them too.
                errs.extend(template_errors(root, &config));
                return Err(finish(errs));
            }
        };
        errors.extend(check_menu(&config, &lib));
        errors.extend(crate::brand::check(root, &config, &lib));
        errors.extend(crate::theme::check_data(root, &config, &lib));
        lap("load", &mut timings);

        let shortcodes = match markdown::shortcodes::Shortcodes::load(root, &config) {
            Ok(s) => s,
            Err(d) => {
                errors.push(d);
                markdown::shortcodes::Shortcodes::builtin()
            }
        };
        errors.extend(render_markdown(
            &mut lib,
            &shortcodes,
            &mut cache.markdown,
            !cache.one_build,
        ));
        lap("markdown", &mut timings);

        let (assessments, mut errs) = crate::assessments_stage::load(root, &lib);
        errors.append(&mut errs);
        crate::assessments_stage::embed(&mut lib, &assessments, &mut errors);
        let mut extras = assessments.pages.clone();
        lap("assessments", &mut timings);

        if config.search {
            extras.push(search::page(&lib));
        }
        let templates = match Templates::load(root, &config) {
            Ok(mut t) => {
                if config.search {
                    search::client::add_template(&mut t);
                }
                Some(t)
            }
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };
        if let Some(t) = &templates {
            // A scored assessment's outcome pages need the theme's step template.
            extras.retain(|e| t.has(&e.template) || !assessments.optional.contains(&e.path));
        }
        let mut static_dirs = vec![config.theme_dir(root).join("static"), root.join("static")];
        static_dirs.retain(|d| d.is_dir());
        let mut content_files = lib.loose_assets.clone();
        for p in &lib.pages {
            content_files.extend(p.assets.iter().cloned());
        }
        let (assets, mut asset_map) = output::collect_assets(&static_dirs, &content_files)
            .map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "static",
                    format!("cannot read static files: {e}"),
                ))
            })?;
        let mut assets = assets;
        if let Err(d) = crate::brand::add_asset(&config, &mut assets, &mut asset_map) {
            errors.push(d);
        }
        let search = config.search.then(|| search::client::setup(&mut asset_map));
        let builtin: Vec<&str> = search
            .iter()
            .flat_map(|s| &s.builtin)
            .map(|(p, _)| p.as_str())
            .collect();
        errors.extend(check_output_paths(
            root, &config, &lib, &extras, &assets, &builtin,
        ));
        let files = crate::images::files_by_site_path(&assets);
        lap("static files", &mut timings);
        let (mut errs, variants) =
            crate::images::enrich_library(root, &mut lib, &files, &cache.images);
        errors.append(&mut errs);
        assets.extend(variants);
        lap("images", &mut timings);
        let Some(templates) = templates else {
            return Err(finish(errors));
        };
        let get_page = templates.mention("get_page");
        let values = SiteValues::build_cached(
            &config,
            &lib,
            &assessments.summaries,
            &mut cache.values,
            get_page,
        );
        let mut renderer = Renderer::new(templates, &lib, values, asset_map).map_err(|d| {
            errors.push(d);
            finish(std::mem::take(&mut errors))
        })?;
        renderer.set_embeds(assessments.embeds());
        for job in Renderer::jobs(&lib, &extras) {
            if job == Job::NotFound {
                continue;
            }
            if let Err(d) = renderer.template_for(job, &lib, &extras) {
                errors.push(d);
            }
        }
        lap("templates", &mut timings);
        // A build that already failed draws no cards.
        let social = errors.is_empty().then(|| {
            crate::social::build(
                &crate::social::Inputs {
                    root,
                    config: &config,
                    lib: &lib,
                    extras: &extras,
                    templates: renderer.templates(),
                    files: &files,
                    images: &cache.images,
                },
                &cache.cards,
            )
        });
        let mut media = Media {
            images: cache.images.take_stats(),
            ..Media::default()
        };
        match social {
            None => {}
            Some(Ok(s)) => {
                assets.extend(s.assets);
                renderer.set_social(s.values);
                (media.cards, media.cards_drawn) = (s.cards, s.drawn);
            }
            Some(Err(mut e)) => errors.append(&mut e),
        }
        lap("cards", &mut timings);
        if !errors.is_empty() {
            return Err(finish(errors));
        }
        Ok(Site {
            root: root.to_path_buf(),
            config,
            lib,
            assessment_count: assessments.summaries.len(),
            assessments: assessments.assessments,
            extras,
            assets,
            renderer,
            timings,
            search,
            search_stats: None,
            media,
        })
    }

    /// The link style of this build.
    pub fn link_style(&self) -> LinkStyle {
        if self.config.portable {
            LinkStyle::Portable
        } else {
            LinkStyle::Relative
        }
    }

    /// The path part of `base_url` (`/sub/`), for `404.html`.
    pub fn base_path(&self) -> String {
        let url = self.config.base_url();
        let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
        after_scheme
            .find('/')
            .map_or("/".into(), |i| after_scheme[i..].to_string())
    }

    /// Renders `jobs` in parallel, giving each finished file (site path,
    /// final HTML) to `sink`; returns every error.
    pub fn render_jobs(
        &self,
        jobs: &[Job],
        sink: &(dyn Fn(&str, String) -> Result<(), Diagnostic> + Sync),
    ) -> Vec<Diagnostic> {
        let errors = Mutex::new(Vec::new());
        let base_path = self.base_path();
        jobs.par_iter().for_each(|&job| {
            let (result, _) = self.render_one(job, &base_path);
            if let Err(d) = result.and_then(|(path, html)| sink(&path, html)) {
                errors
                    .lock()
                    .expect("no panics while holding the lock")
                    .push(d);
            }
        });
        errors.into_inner().unwrap_or_default()
    }

    /// Renders one job into its final HTML (links made relative), returning
    /// its site path and what its templates looked up through functions.
    /// `base_path` is [`Site::base_path`], passed in to compute it once.
    pub fn render_one(
        &self,
        job: Job,
        base_path: &str,
    ) -> (Result<(String, String), Diagnostic>, Vec<Dep>) {
        let path = Renderer::path(job, &self.lib, &self.extras);
        let (html, deps) = self.renderer.render_recording(job, &self.lib, &self.extras);
        let result = html.map(|html| {
            let style = if job == Job::NotFound {
                LinkStyle::Absolute
            } else {
                self.link_style()
            };
            let html = links::rewrite(&html, links::dir_of(&path), style, base_path);
            (path, html)
        });
        (result, deps)
    }

    /// Every job of the site.
    pub fn all_jobs(&self) -> Vec<Job> {
        Renderer::jobs(&self.lib, &self.extras)
    }

    /// [`Site::write_to`] after checking `out` with [`output::Target::check`]
    /// (no `--force`); a refused output is an error at `out`.
    pub fn write(&mut self, out: &Path) -> Result<Written, Diagnostics> {
        let refused = |m: String| Diagnostics::from(Diagnostic::error(out, m));
        let target = output::Target::check(&self.root, out, false).map_err(refused)?;
        let staging = Staging::new(&target).map_err(|e| refused(e.to_string()))?;
        self.write_to(staging)
    }

    /// Renders everything into `staging` and swaps it in as the output. On
    /// any error the output is left exactly as it was.
    pub fn write_to(&mut self, staging: Staging) -> Result<Written, Diagnostics> {
        let t = Instant::now();
        let out = staging.target().to_path_buf();
        let out = out.as_path();
        let io = |e: std::io::Error| {
            Diagnostics::from(Diagnostic::error(
                out,
                format!("cannot write the site: {e}"),
            ))
        };
        let jobs = self.all_jobs();
        let html_bytes = AtomicUsize::new(0);
        // The sitemap, feed and redirects read only the library, and the
        // search documents the library and the assessments: they are built
        // and tokenised while the pages render rather than after.
        let this = &*self;
        let (errors, (machine_files, search_docs)) = rayon::join(
            || {
                this.render_jobs(&jobs, &|path, html| {
                    html_bytes.fetch_add(html.len(), Ordering::Relaxed);
                    let file = OutputPath::from_url(path)
                        .map_err(|e| Diagnostic::error(path, format!("cannot write: {e}")))?;
                    staging
                        .write(&file, html.as_bytes())
                        .map_err(|e| Diagnostic::error(path, format!("cannot write: {e}")))
                })
            },
            || rayon::join(|| this.machine_files(), || this.search_prepare()),
        );
        if !errors.is_empty() {
            return Err(finish(errors));
        }
        self.timings.push(("render", t.elapsed()));
        let t = Instant::now();
        let index =
            search_docs.map(|(b, docs)| self.search_finish(b, docs, html_bytes.into_inner()));
        self.timings.push(("search index", t.elapsed()));
        let t = Instant::now();
        let file = |p: &str| {
            OutputPath::from_url(p).map_err(|e| std::io::Error::other(format!("`{p}`: {e}")))
        };
        self.assets
            .par_iter()
            .try_for_each(|a| staging.copy(&a.source, &file(&a.output)?))
            .map_err(io)?;
        let put = |p: &str, body: &str| staging.write(&file(p)?, body.as_bytes());
        for (path, body) in machine_files {
            put(&path, &body).map_err(io)?;
        }
        if let Some((files, stats)) = index {
            files
                .par_iter()
                .try_for_each(|(path, body)| put(path, body))
                .map_err(io)?;
            self.search_stats = Some(stats);
        }
        staging.commit().map_err(io)?;
        self.timings.push(("write", t.elapsed()));
        Ok(Written {
            pages: jobs.len(),
            assets: self.assets.len(),
        })
    }

    /// Makes and tokenises every search document (in parallel), when
    /// `search` is on.
    fn search_prepare(&self) -> Option<(search::index::Builder, Vec<search::index::Prepared>)> {
        self.search.as_ref()?;
        let sources = search::Sources::new(&self.config, &self.lib, &self.extras);
        let builder = search::index::Builder::default();
        let docs = (0..sources.len())
            .into_par_iter()
            .map(|i| builder.prepare(i, &sources.document(i)))
            .collect();
        Some((builder, docs))
    }

    /// Merges the prepared documents into the index files, with the
    /// built-in client files, and their statistics.
    fn search_finish(
        &self,
        builder: search::index::Builder,
        docs: Vec<search::index::Prepared>,
        html_bytes: usize,
    ) -> (Vec<(String, String)>, search::Stats) {
        let setup = self.search.as_ref().expect("prepared only with search on");
        let mut index = builder.finish(
            docs,
            &setup.paths,
            self.config.portable,
            &search::Options::default(),
        );
        index.set_html_bytes(html_bytes);
        let mut files = index.take_files();
        let stats = index.stats(&files);
        self.add_client_files(&mut files);
        (files, stats)
    }

    /// The files of `index` plus the built-in client files, and statistics.
    pub fn search_files(
        &self,
        index: &mut search::Index,
    ) -> (Vec<(String, String)>, search::Stats) {
        let mut files = index.files();
        let stats = index.stats(&files);
        self.add_client_files(&mut files);
        (files, stats)
    }

    /// Adds the built-in search client files the theme lacks.
    fn add_client_files(&self, files: &mut Vec<(String, String)>) {
        if let Some(setup) = &self.search {
            files.extend(
                setup
                    .builtin
                    .iter()
                    .map(|(path, body)| (path.clone(), (*body).to_string())),
            );
        }
    }

    /// For `serve`: the search files after an edit. With the index of the
    /// previous build (`kept`), only the files the changed documents touch
    /// (see [`search::Index::update`]); else, or when documents were added
    /// or removed, every file. Returns the index to keep for next time.
    pub fn search_refresh(
        &self,
        html_bytes: usize,
        kept: Option<search::Index>,
    ) -> (Option<search::Index>, search::Refresh) {
        let mut refresh = search::Refresh::default();
        if self.search.is_none() {
            return (None, refresh);
        }
        if let Some(mut index) = kept {
            let sources = search::Sources::new(&self.config, &self.lib, &self.extras);
            if let Some(changes) = index.refresh(&sources) {
                index.set_html_bytes(html_bytes);
                refresh.write = changes.write;
                refresh.remove = changes.remove;
                self.add_client_files(&mut refresh.write);
                return (Some(index), refresh);
            }
        }
        let mut index = self.search_index(html_bytes).expect("search is on");
        refresh.everything = true;
        refresh.write = self.search_files(&mut index).0;
        (Some(index), refresh)
    }

    /// The search index of this site, kept with its documents so that
    /// [`search::Index::update`] can follow edits (for `serve`), when
    /// `search` is on. `html_bytes` is the size of all HTML written.
    pub fn search_index(&self, html_bytes: usize) -> Option<search::Index> {
        let setup = self.search.as_ref()?;
        let mut texts = search::text::TextCache::default();
        let docs =
            search::Sources::new(&self.config, &self.lib, &self.extras).all_cached(&mut texts);
        let mut index = search::Index::build(
            &docs,
            &setup.paths,
            self.config.portable,
            &search::Options::default(),
        );
        index.keep_documents(docs);
        index.texts = texts;
        index.set_html_bytes(html_bytes);
        Some(index)
    }

    /// sitemap.xml, feed.xml, robots.txt and alias redirects.
    pub fn machine_files(&self) -> Vec<(String, String)> {
        let c = &self.config;
        let lib = &self.lib;
        let mut files = Vec::new();
        let mut entries: Vec<output::SitemapEntry> = Vec::new();
        // RFC 3339, keeping a time when the page gives one.
        let date = |d: &Option<crate::yaml::Spanned<String>>| {
            d.as_ref().and_then(|d| content::dates::rfc3339(&d.value))
        };
        for s in &lib.sections {
            entries.push(output::SitemapEntry {
                permalink: c.permalink(&s.path),
                lastmod: None,
            });
        }
        for p in &lib.pages {
            entries.push(output::SitemapEntry {
                permalink: c.permalink(&p.path),
                lastmod: date(&p.front.updated).or_else(|| date(&p.front.date)),
            });
        }
        for t in &lib.taxonomies {
            entries.push(output::SitemapEntry {
                permalink: c.permalink(&t.path),
                lastmod: None,
            });
            for term in &t.terms {
                entries.push(output::SitemapEntry {
                    permalink: c.permalink(&term.path),
                    lastmod: None,
                });
            }
        }
        for e in self.extras.iter().filter(|e| e.in_sitemap) {
            entries.push(output::SitemapEntry {
                permalink: c.permalink(&e.path),
                lastmod: None,
            });
        }
        files.push(("sitemap.xml".into(), output::sitemap(entries)));
        if c.feed {
            // Feed readers need absolute URLs: `https://x.org/sub/a/`.
            let feed_entries = lib
                .pages
                .iter()
                .filter_map(|p| {
                    Some(output::FeedEntry {
                        title: p.title().to_string(),
                        permalink: c.permalink(&p.path),
                        date: date(&p.front.date)?,
                        updated: date(&p.front.updated),
                        summary: links::rewrite(
                            &p.rendered.summary,
                            "/",
                            LinkStyle::Absolute,
                            c.base_url(),
                        ),
                    })
                })
                .collect();
            files.push((
                "feed.xml".into(),
                output::atom_feed(&c.title, c.base_url(), c.author.as_deref(), feed_entries),
            ));
        }
        files.push(("robots.txt".into(), output::robots_txt(c.base_url())));
        for p in &lib.pages {
            for alias in &p.front.aliases {
                let from = content::normalize_alias(&alias.value);
                let rel = links::link(&p.path, links::dir_of(&from), self.link_style(), "/");
                files.push((
                    output::file_for(&from),
                    output::alias_page(&rel, &c.permalink(&p.path), &c.language),
                ));
            }
        }
        files
    }
}

/// Every file of the build joins one URL space (see [`output::claims`]):
/// pages, sections, taxonomy listings, assessment pages, the generated
/// files, static and content files, and alias redirects, in that order, so
/// an error points at the later, usually the author's newer, source.
fn check_output_paths(
    root: &Path,
    config: &Config,
    lib: &Library,
    extras: &[ExtraPage],
    assets: &[output::Asset],
    builtin: &[&str],
) -> Vec<Diagnostic> {
    use output::claims::{Claim, Claims, Owner};
    let mut claims = Claims::default();
    let config_source: Arc<str> = config.source.as_str().into();
    for job in Renderer::jobs(lib, extras) {
        let claim = match job {
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
                .with_source(&config_source)
            }
            Job::Extra(i) => Claim::new(Owner::Extra, &extras[i].file, 0, 0),
            Job::NotFound => Claim::new(Owner::Generated, "404.html", 0, 0),
        };
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
        claims.claim(
            g,
            Claim::new(Owner::Generated, g.trim_start_matches('/'), 0, 0),
        );
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

/// `site.yaml` with the command line's overrides (a checked `--base-url`).
fn load_config(root: &Path, opts: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(root).map_err(Diagnostics::from)?;
    if let Some(url) = &opts.base_url {
        config.base_url.value = crate::config::check_base_url(url).map_err(|why| {
            Diagnostics::from(
                Diagnostic::error("--base-url", why)
                    .with_hint("pass it like --base-url https://example.org/guides/"),
            )
        })?;
    }
    config.portable |= opts.portable;
    Ok(config)
}

/// Parses the templates against an empty library, for their own errors.
fn template_errors(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let lib = Library::default();
    match Templates::load(root, config) {
        Ok(t) => Renderer::new(
            t,
            &lib,
            SiteValues::build(config, &lib, &[]),
            BTreeMap::new(),
        )
        .err()
        .into_iter()
        .collect(),
        Err(e) => e,
    }
}

fn finish(errors: Vec<Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics(errors);
    d.sort();
    d
}

/// Renders the Markdown of every page and section in parallel, then checks
/// `@/` anchors against the targets' headings. `memo` holds earlier results:
/// a text whose source and link targets are unchanged is not rendered again;
/// with `keep`, this build's results are kept there for the next.
fn render_markdown(
    lib: &mut Library,
    shortcodes: &markdown::shortcodes::Shortcodes,
    memo: &mut HashMap<(bool, String), MarkdownMemo>,
    keep: bool,
) -> Vec<Diagnostic> {
    let mut paths: HashMap<String, String> = lib
        .by_rel
        .keys()
        .filter_map(|k| lib.path_of(k).map(|p| (k.clone(), p.to_string())))
        .collect();
    for a in &lib.assessment_files {
        paths.insert(
            format!("assessments/{}.yaml", a.id),
            format!("/assessments/{}/", a.id),
        );
    }
    let resolve = |rel: &str| paths.get(rel).cloned();
    // One text (source, body start, summary), reusing `old` when it still holds.
    let render_one = |source: &Arc<str>,
                      body_start: usize,
                      summary: Option<&String>,
                      old: Option<MarkdownMemo>|
     -> MarkdownMemo {
        if let Some(mut m) = old
            && (Arc::ptr_eq(&m.source, source) || m.source == *source)
            && m.body_start == body_start
            && m.shortcodes == shortcodes.key
            && m.summary.as_ref() == summary
            && m.resolved.iter().all(|(t, p)| resolve(t) == *p)
        {
            m.source = source.clone();
            return m;
        }
        let resolved = std::sync::Mutex::new(Vec::new());
        let recording = |t: &str| {
            let r = resolve(t);
            resolved
                .lock()
                .expect("no panics while holding the lock")
                .push((t.to_string(), r.clone()));
            r
        };
        let (mut rendered, problems) = markdown::shortcodes::render(
            &source[body_start..],
            Mode::default(),
            &recording,
            shortcodes,
        );
        let mut problems: Vec<(usize, markdown::Problem)> =
            problems.into_iter().map(|p| (body_start, p)).collect();
        if let Some(summary) = summary {
            let (r, more) = markdown::render(summary, Mode::default(), &recording);
            rendered.summary = r.html;
            problems.extend(more.into_iter().map(|p| (0, p)));
        }
        MarkdownMemo {
            source: source.clone(),
            body_start,
            shortcodes: shortcodes.key,
            summary: summary.cloned(),
            resolved: resolved.into_inner().unwrap_or_default(),
            rendered: Arc::new(rendered),
            problems,
        }
    };
    let mut old = std::mem::take(memo);
    let old_pages: Vec<Option<MarkdownMemo>> = lib
        .pages
        .iter()
        .map(|p| old.remove(&(false, p.rel.clone())))
        .collect();
    let old_sections: Vec<Option<MarkdownMemo>> = lib
        .sections
        .iter()
        .map(|s| old.remove(&(true, s.rel.clone())))
        .collect();
    let page_memos: Vec<MarkdownMemo> = lib
        .pages
        .par_iter()
        .zip(old_pages)
        .map(|(p, m)| render_one(&p.source, p.body_start, p.front.summary.as_ref(), m))
        .collect();
    let section_memos: Vec<MarkdownMemo> = lib
        .sections
        .par_iter()
        .zip(old_sections)
        .map(|(s, m)| render_one(&s.source, s.body_start, None, m))
        .collect();
    let mut errors = Vec::new();
    let mut next = HashMap::with_capacity(page_memos.len() + section_memos.len());
    // Sorting every path for hints is work only a broken link needs.
    let broken = page_memos
        .iter()
        .chain(&section_memos)
        .any(|m| !m.problems.is_empty());
    let hints = if broken {
        lib.link_hints()
    } else {
        crate::content::LinkHints::default()
    };
    for (p, mut m) in lib.pages.iter_mut().zip(page_memos) {
        for (start, pr) in &m.problems {
            errors.push(
                Diagnostic::at_offset(&p.file, &p.source, start + pr.offset, pr.message.clone())
                    .with_hint(link_hint(&hints, pr)),
            );
        }
        if keep {
            p.rendered = m.rendered.clone();
            next.insert((false, p.rel.clone()), m);
        } else {
            p.rendered = std::mem::take(&mut m.rendered);
        }
    }
    for (s, mut m) in lib.sections.iter_mut().zip(section_memos) {
        for (start, pr) in &m.problems {
            errors.push(
                Diagnostic::at_offset(&s.file, &s.source, start + pr.offset, pr.message.clone())
                    .with_hint(link_hint(&hints, pr)),
            );
        }
        if keep {
            s.rendered = m.rendered.clone();
            next.insert((true, s.rel.clone()), m);
        } else {
            s.rendered = std::mem::take(&mut m.rendered);
        }
    }
    *memo = next;
    // Anchors: every `@/x.md#id` must name a heading or footnote of x.md.
    let sources = lib
        .pages
        .iter()
        .map(|p| (&p.file, &p.source, p.body_start, &p.rendered))
        .chain(
            lib.sections
                .iter()
                .map(|s| (&s.file, &s.source, s.body_start, &s.rendered)),
        );
    for (file, source, start, rendered) in sources {
        for link in &rendered.anchor_links {
            if let Some(anchors) = lib.anchors(&link.target)
                && !anchors.contains(&link.anchor)
            {
                let hint = crate::diagnostics::anchor_hint(
                    &link.anchor,
                    anchors.iter().map(String::as_str),
                    "headings",
                );
                errors.push(
                    Diagnostic::at_offset(
                        file,
                        source,
                        start + link.offset,
                        format!(
                            "broken anchor: `@/{}` has no heading `#{}`",
                            link.target, link.anchor
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    errors
}

/// A Markdown problem's hint; a broken `@/` link gets the closest real path
/// (or an example from this site) instead of the Markdown stage's generic one.
fn link_hint(hints: &crate::content::LinkHints, p: &markdown::Problem) -> String {
    p.message
        .strip_prefix("broken internal link: `@/")
        .and_then(|rest| rest.split_once('`'))
        .map(|(target, _)| hints.hint(target.split('#').next().unwrap_or(target)))
        .unwrap_or_else(|| p.hint.clone())
}

/// Menu entries with `@/` must name real content.
fn check_menu(config: &Config, lib: &Library) -> Vec<Diagnostic> {
    let source = &config.source;
    config
        .menu
        .iter()
        .filter_map(|m| {
            let rel = m.url.value.strip_prefix("@/")?;
            let rel = rel.split('#').next().unwrap_or(rel);
            if lib.path_of(rel).is_some() || lib.assessment_path(rel).is_some() {
                return None;
            }
            let (l, c) = crate::yaml::position(&m.url);
            Some(
                Diagnostic::at(
                    crate::config::CONFIG_FILE,
                    source,
                    l,
                    c,
                    format!("menu link `{}` names no page", m.url.value),
                )
                .with_hint(lib.link_hint(rel)),
            )
        })
        .collect()
}
