//! The pipeline every command shares: load -> validate -> render -> emit.
//!
//! [`Site::load`] runs the stages that can fail on user input (content,
//! Markdown, assessments, templates, static files, images, social cards)
//! and collects all their diagnostics into one immutable [`Site`].
//! [`outputs::emit`] then yields every file of the site, in one fixed
//! order, into a [`outputs::Sink`]: the staging folder of `build`
//! ([`Site::write_to`]), the in-memory site of `serve`, or `check`'s
//! collector. Nothing else assembles output files.

pub mod outputs;
mod retext;
pub use retext::Retexted;
mod search_stage;
mod stages;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, Library};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown;
use crate::output::{self, LinkStyle, Staging, links};
use crate::render::{Dep, ExtraPage, Job, Renderer, SiteValues, ValuesMemo};
use crate::search;
use stages::{
    Files, collect_files, finish, load_config, load_content, load_templates, markdown_stage,
    template_choices,
};

pub use outputs::{Emitted, Fresh, Plan, Search, Sink};

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

/// A loaded, validated site, ready to render: immutable once loaded, read
/// through methods by the templates' renderer, `serve`'s planner and
/// `check`.
pub struct Site {
    root: PathBuf,
    config: Config,
    lib: Library,
    /// Assessments and other non-Markdown pages.
    extras: Vec<ExtraPage>,
    /// Files to copy.
    assets: Vec<output::Asset>,
    renderer: Renderer,
    /// The shortcode templates the Markdown was rendered with.
    shortcodes: crate::markdown::shortcodes::Shortcodes,
    /// The checked assessments, for `check`'s outcome counts.
    assessments: Vec<crate::assessment::Assessment>,
    assessment_count: usize,
    /// The search client's files, when `search` is on.
    search: Option<search::client::Setup>,
    timings: Vec<(&'static str, Duration)>,
    media: Media,
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

/// Work kept between loads of one site, so `serve` re-reads, re-parses and
/// re-renders the Markdown of only the files that changed. A load with a
/// cache gives exactly what a load without one gives.
#[derive(Default)]
pub struct LoadCache {
    content: content::ContentCache,
    markdown: markdown::stage::Cache,
    values: ValuesMemo,
    /// Image sizes and variants by source file.
    images: crate::images::Images,
    /// Social cards already rendered, by input hash.
    cards: crate::social::CardCache,
    /// Assessments already checked, by file and text.
    assessments: crate::assessment::stage::Cache,
    /// Loading once, for a build that then ends: keep no copies for later.
    one_build: bool,
    /// Free the Markdown bodies once the last stage reading them is done
    /// (see [`Site::load_to_write`]).
    forget_bodies: bool,
}

impl LoadCache {
    /// For [`Site::load`]: the Markdown output moves into the library instead
    /// of being copied into the cache, and page values are built as their
    /// pages render (see [`SiteValues::page`]); a 10,000-page build then
    /// holds each page's HTML once instead of three times.
    fn one_build() -> LoadCache {
        LoadCache {
            one_build: true,
            ..LoadCache::default()
        }
    }

    /// Forgets what it knows about `paths` (absolute files or folders).
    pub fn invalidate(&mut self, paths: &[PathBuf]) {
        self.content.invalidate(paths);
    }
}

/// How long each stage took, for `--verbose`.
struct Timer {
    timings: Vec<(&'static str, Duration)>,
    t: Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            timings: Vec::new(),
            t: Instant::now(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        self.timings.push((name, self.t.elapsed()));
        self.t = Instant::now();
    }
}

impl Site {
    /// Loads and validates everything; returns every problem found.
    pub fn load(root: &Path, opts: &BuildOptions) -> Result<Site, Diagnostics> {
        Site::load_cached(root, opts, &mut LoadCache::one_build())
    }

    /// [`Site::load`] for a site about to be written once (`build`):
    /// rendering reads no Markdown, so the bodies are freed as soon as the
    /// image stage (the last to quote them) is done, before the template
    /// values and social cards are made: 50 MB less at the peak of a
    /// 10,000-page build. Front matter stays for the messages that quote it.
    pub fn load_to_write(root: &Path, opts: &BuildOptions) -> Result<Site, Diagnostics> {
        let mut cache = LoadCache {
            forget_bodies: true,
            ..LoadCache::one_build()
        };
        Site::load_cached(root, opts, &mut cache)
    }

    /// [`Site::load`], reusing the work in `cache` for files that did not
    /// change since (see [`LoadCache::invalidate`]).
    pub fn load_cached(
        root: &Path,
        opts: &BuildOptions,
        cache: &mut LoadCache,
    ) -> Result<Site, Diagnostics> {
        let mut timer = Timer::new();
        let config = load_config(root, opts)?;
        let mut errors = Vec::new();
        let mut lib = load_content(root, &config, opts, cache, &mut errors)?;
        timer.lap("load");
        let (mut errs, shortcodes) = markdown_stage(root, &config, &mut lib, cache);
        errors.append(&mut errs);
        timer.lap("markdown");
        let checked = (!cache.one_build).then_some(&cache.assessments);
        let (assessments, mut errs) = crate::assessment::stage::load(&lib, checked);
        errors.append(&mut errs);
        crate::assessment::stage::check_embeds(&lib, &assessments, &mut errors);
        let mut extras = assessments.pages.clone();
        timer.lap("assessments");
        let templates = load_templates(root, &config, &lib, &assessments, &mut extras, &mut errors);
        let Files {
            mut assets,
            asset_map,
            search,
        } = collect_files(root, &config, &lib, &extras, &mut errors)?;
        let files = crate::images::files_by_site_path(&assets);
        timer.lap("static files");
        let (mut errs, variants) =
            crate::images::enrich_library(root, &mut lib, &files, &cache.images);
        errors.append(&mut errs);
        assets.extend(variants);
        if cache.forget_bodies {
            lib.forget_bodies();
        }
        timer.lap("images");
        let Some(templates) = templates else {
            return Err(finish(errors));
        };
        let values = SiteValues::build_cached(
            &config,
            &lib,
            &assessments.summaries,
            (!cache.one_build).then_some(&mut cache.values),
            templates.mention("get_page"),
        );
        let mut renderer = Renderer::new(templates, &lib, values, asset_map).map_err(|d| {
            errors.push(d);
            finish(std::mem::take(&mut errors))
        })?;
        renderer.set_embeds(assessments.embeds());
        errors.extend(template_choices(&renderer, &lib, &extras));
        timer.lap("templates");
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            lib,
            assessment_count: assessments.summaries.len(),
            assessments: assessments.assessments,
            extras,
            assets,
            renderer,
            shortcodes,
            timings: Vec::new(),
            search,
            media: Media::default(),
        };
        // A build that already failed draws no cards.
        if errors.is_empty() {
            site.social_stage(&files, cache, &mut errors);
        }
        site.media.images = cache.images.take_stats();
        timer.lap("cards");
        if !errors.is_empty() {
            return Err(finish(errors));
        }
        site.timings = timer.timings;
        Ok(site)
    }

    /// Social cards and the `social` template value of every page.
    fn social_stage(
        &mut self,
        files: &std::collections::HashMap<String, PathBuf>,
        cache: &LoadCache,
        errors: &mut Vec<Diagnostic>,
    ) {
        let inputs = crate::social::Inputs {
            root: &self.root,
            config: &self.config,
            lib: &self.lib,
            extras: &self.extras,
            templates: self.renderer.templates(),
            files,
            images: &cache.images,
        };
        match crate::social::build(&inputs, &cache.cards, !cache.one_build) {
            Ok(s) => {
                self.assets.extend(s.assets);
                self.renderer.set_social(s.values);
                (self.media.cards, self.media.cards_drawn) = (s.cards, s.drawn);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `site.yaml`, with the command line's overrides.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The content: pages, sections, taxonomies, their rendered Markdown.
    pub fn library(&self) -> &Library {
        &self.lib
    }

    /// Pages that do not come from Markdown (assessments, search).
    pub fn extras(&self) -> &[ExtraPage] {
        &self.extras
    }

    /// Static and content files copied into the output.
    pub fn assets(&self) -> &[output::Asset] {
        &self.assets
    }

    /// The templates with the data they read.
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// The checked assessments (for `check`'s outcome counts).
    pub fn assessments(&self) -> &[crate::assessment::Assessment] {
        &self.assessments
    }

    /// How many assessments the site has, for summary lines.
    pub fn assessment_count(&self) -> usize {
        self.assessment_count
    }

    /// The search client's files, when `search` is on.
    pub fn search_setup(&self) -> Option<&search::client::Setup> {
        self.search.as_ref()
    }

    /// How long each loading stage took, for `--verbose`.
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timings
    }

    /// What the image and card stages did, for `--verbose`.
    pub fn media(&self) -> Media {
        self.media
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
        output::base_path(self.config.base_url())
    }

    /// Every job of the site, in the order [`outputs::emit`] renders them.
    pub fn jobs(&self) -> Vec<Job> {
        Renderer::jobs(&self.lib, &self.extras)
    }

    /// The site path a job writes (`/a/`, `/404.html`).
    pub fn path_of(&self, job: Job) -> String {
        Renderer::path(job, &self.lib, &self.extras)
    }

    /// The template a job renders with.
    pub fn template_for(&self, job: Job) -> Result<String, Diagnostic> {
        self.renderer.template_for(job, &self.lib, &self.extras)
    }

    /// Renders one job into its final HTML (links made relative), returning
    /// its site path and what its templates looked up through functions.
    /// `base_path` is [`Site::base_path`], passed in to compute it once.
    pub fn render_one(
        &self,
        job: Job,
        base_path: &str,
    ) -> (Result<(String, String), Diagnostic>, Vec<Dep>) {
        let path = self.path_of(job);
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

    /// [`Site::write_to`] after checking `out` with [`output::Target::check`]
    /// (no `--force`); a refused output is an error at `out`.
    pub fn write(&self, out: &Path) -> Result<Written, Diagnostics> {
        let refused = |m: String| Diagnostics::from(Diagnostic::error(out, m));
        let target = output::Target::check(&self.root, out, false).map_err(refused)?;
        let staging = Staging::new(&target).map_err(|e| refused(e.to_string()))?;
        self.write_to(staging)
    }

    /// Emits everything into `staging` and swaps it in as the output. On
    /// any error the output is left exactly as it was.
    pub fn write_to(&self, staging: Staging) -> Result<Written, Diagnostics> {
        let sink = outputs::StagingSink::new(&staging);
        let emitted = outputs::emit(self, Plan::everything(), &sink)?;
        let t = Instant::now();
        let out = staging.target().to_path_buf();
        staging.commit().map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                out,
                format!("cannot write the site: {e}"),
            ))
        })?;
        let mut timings = emitted.timings;
        timings.push(("swap", t.elapsed()));
        Ok(Written {
            pages: emitted.pages,
            assets: emitted.assets,
            search: emitted.search,
            timings,
        })
    }
}

/// What a successful write produced, for the summary line and `--verbose`.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// HTML pages rendered from templates.
    pub pages: usize,
    /// Files copied.
    pub assets: usize,
    /// Sizes of the search index, when `search` is on.
    pub search: Option<search::Stats>,
    /// How long rendering, the search index and writing took.
    pub timings: Vec<(&'static str, Duration)>,
}
