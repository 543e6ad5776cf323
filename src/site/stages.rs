//! The loading stages [`super::Site::load_cached`] runs, each a function
//! that returns its result and adds its problems to the list of errors.

use std::collections::BTreeMap;
use std::path::Path;

use super::{BuildOptions, LoadCache, outputs};
use crate::config::Config;
use crate::content::{self, Library, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown;
use crate::output;
use crate::render::{ExtraPage, Job, Renderer, SiteValues, Templates};
use crate::search;

/// The static and content files of a site, and what templates' `url()`
/// resolves a static file name to.
pub(super) struct Files {
    pub(super) assets: Vec<output::Asset>,
    pub(super) asset_map: BTreeMap<String, String>,
    pub(super) search: Option<search::client::Setup>,
}

/// The content folder; when it is broken, the templates' own errors too
/// (they are independent of it). Menu, brand and theme data are checked
/// against it.
pub(super) fn load_content(
    root: &Path,
    config: &Config,
    opts: &BuildOptions,
    cache: &mut LoadCache,
    errors: &mut Vec<Diagnostic>,
) -> Result<Library, Diagnostics> {
    let load = LoadOptions {
        drafts: opts.drafts,
    };
    let lib = match content::load_cached(root, config, load, &mut cache.content, !cache.one_build) {
        Ok(lib) => lib,
        Err(mut errs) => {
            errs.extend(template_errors(root, config));
            return Err(finish(errs));
        }
    };
    errors.extend(check_menu(config, &lib));
    errors.extend(crate::brand::check(root, config, &lib));
    errors.extend(crate::theme::check_data(root, config, &lib));
    Ok(lib)
}

/// The Markdown stage, with the site's shortcode templates (the built-in
/// ones when the site's do not load).
pub(super) fn markdown_stage(
    root: &Path,
    config: &Config,
    lib: &mut Library,
    cache: &mut LoadCache,
) -> (Vec<Diagnostic>, markdown::shortcodes::Shortcodes) {
    let mut errors = Vec::new();
    let shortcodes = match markdown::shortcodes::Shortcodes::load(root, config) {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            markdown::shortcodes::Shortcodes::builtin()
        }
    };
    errors.extend(markdown::stage::run(
        lib,
        &shortcodes,
        &mut cache.markdown,
        !cache.one_build,
    ));
    (errors, shortcodes)
}

/// The templates (with the built-in search page when `search` is on), and
/// the search page among the extra pages. A scored assessment's outcome
/// pages need the theme's step template: without it they are left out.
pub(super) fn load_templates(
    root: &Path,
    config: &Config,
    lib: &Library,
    assessments: &crate::assessment::stage::Loaded,
    extras: &mut Vec<ExtraPage>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Templates> {
    if config.search {
        extras.push(search::page(lib));
    }
    match Templates::load(root, config) {
        Ok(mut t) => {
            if config.search {
                search::client::add_template(&mut t);
            }
            extras.retain(|e| t.has(&e.template) || !assessments.optional.contains(&e.path));
            Some(t)
        }
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    }
}

/// Static files (theme, then site), content files, the brand stylesheet
/// and the search client; then every output path claimed once (see
/// [`outputs::claims`]).
pub(super) fn collect_files(
    root: &Path,
    config: &Config,
    lib: &Library,
    extras: &[ExtraPage],
    errors: &mut Vec<Diagnostic>,
) -> Result<Files, Diagnostics> {
    let mut static_dirs = vec![config.theme_dir(root).join("static"), root.join("static")];
    static_dirs.retain(|d| d.is_dir());
    let mut content_files = lib.loose_assets.clone();
    for p in &lib.pages {
        content_files.extend(p.assets.iter().cloned());
    }
    let (mut assets, mut asset_map) = output::collect_assets(&static_dirs, &content_files)
        .map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "static",
                format!("cannot read static files: {e}"),
            ))
        })?;
    if let Err(d) = crate::brand::add_asset(config, &mut assets, &mut asset_map) {
        errors.push(d);
    }
    let search = config.search.then(|| search::client::setup(&mut asset_map));
    let builtin: Vec<&str> = (search.iter().flat_map(|s| &s.builtin))
        .map(|(p, _)| p.as_str())
        .collect();
    errors.extend(outputs::claims(
        root, config, lib, extras, &assets, &builtin,
    ));
    Ok(Files {
        assets,
        asset_map,
        search,
    })
}

/// Every job's template must exist (the 404 page has a fallback).
pub(super) fn template_choices(
    renderer: &Renderer,
    lib: &Library,
    extras: &[ExtraPage],
) -> Vec<Diagnostic> {
    Renderer::jobs(lib, extras)
        .into_iter()
        .filter(|&job| job != Job::NotFound)
        .filter_map(|job| renderer.template_for(job, lib, extras).err())
        .collect()
}

/// `site.yaml` with the command line's overrides (a checked `--base-url`).
pub(super) fn load_config(root: &Path, opts: &BuildOptions) -> Result<Config, Diagnostics> {
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
pub(super) fn template_errors(root: &Path, config: &Config) -> Vec<Diagnostic> {
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

pub(super) fn finish(errors: Vec<Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics(errors);
    d.sort();
    d
}

/// Menu entries with `@/` must name real content.
pub(super) fn check_menu(config: &Config, lib: &Library) -> Vec<Diagnostic> {
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
