//! Runs the Tera 2 templates over the library: one job per output page,
//! rendered in parallel from shared, read-only data.

mod embeds;
pub mod engine;
mod functions;
pub mod template_deps;
mod templates;
mod values;

use std::path::PathBuf;
use std::sync::Arc;

use tera::Context;

/// The value templates read, and its map: the rest of the crate names them
/// through here, so the engine (Tera 2) stays behind this module.
pub use tera::{Map, Value};

pub use embeds::{EMBED_TEMPLATE, Embed};
pub use functions::{Dep, Lookup};
pub use templates::Templates;
pub use values::{
    AssessmentSummary, CARD_FIELDS, Card, FieldMask, PageView, SiteValues, ValuesMemo,
};

use crate::content::Library;
use crate::diagnostics::Diagnostic;

/// A page that does not come from Markdown (assessments, search), rendered
/// with its own template and variables.
#[derive(Debug, Clone)]
pub struct ExtraPage {
    /// Site path, `/assessments/x/`.
    pub path: String,
    /// Template name.
    pub template: String,
    /// Variables besides the global ones.
    pub vars: Vec<(&'static str, Value)>,
    /// Source file, for messages.
    pub file: PathBuf,
    /// Title for the sitemap and search.
    pub title: String,
    /// Listed in the sitemap.
    pub in_sitemap: bool,
}

/// One output page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// A Markdown page.
    Page(usize),
    /// A section (index 0 is home).
    Section(usize),
    /// `/TAXONOMY/`.
    Taxonomy(usize),
    /// `/TAXONOMY/TERM/`.
    Term(usize, usize),
    /// An [`ExtraPage`].
    Extra(usize),
    /// `404.html`.
    NotFound,
}

/// Templates plus the data they read.
pub struct Renderer {
    templates: Templates,
    values: Arc<SiteValues>,
    lookup: Arc<Lookup>,
    embeds: std::collections::BTreeMap<String, Embed>,
    social: std::collections::HashMap<String, Value>,
}

impl Renderer {
    /// Registers the functions and readies rendering.
    pub fn new(
        mut templates: Templates,
        lib: &Library,
        values: SiteValues,
        assets: std::collections::BTreeMap<String, String>,
    ) -> Result<Renderer, Diagnostic> {
        let values = Arc::new(values);
        let lookup = Arc::new(Lookup::new(lib, values.clone(), assets));
        functions::register(&mut templates.tera, lookup.clone());
        templates.parse()?;
        Ok(Renderer {
            templates,
            values,
            lookup,
            embeds: Default::default(),
            social: Default::default(),
        })
    }

    /// The data templates read, for comparing two builds.
    pub fn values(&self) -> &SiteValues {
        &self.values
    }

    /// The values, to change in place for `serve`'s text-only saves (see
    /// [`SiteValues::retext_page`]); the undo is [`Renderer::restore_values`].
    /// The template functions keep the values they were registered with:
    /// a page another one reads through them is not changed this way.
    pub fn values_mut(&mut self) -> &mut SiteValues {
        Arc::make_mut(&mut self.values)
    }

    /// The values as they are now, to put back with [`Renderer::restore_values`].
    pub fn shared_values(&self) -> Arc<SiteValues> {
        self.values.clone()
    }

    /// Puts back values taken with [`Renderer::shared_values`].
    pub fn restore_values(&mut self, values: Arc<SiteValues>) {
        self.values = values;
    }

    /// What the template functions look up, for comparing two builds.
    pub fn lookup(&self) -> &Lookup {
        &self.lookup
    }

    /// The assessments Markdown can embed, by id.
    pub fn set_embeds(&mut self, embeds: std::collections::BTreeMap<String, Embed>) {
        self.embeds = embeds;
    }

    /// The `social` value (og:image, icons, JSON-LD) of each output path.
    pub fn set_social(&mut self, social: std::collections::HashMap<String, Value>) {
        self.social = social;
    }

    /// The `social` value of one output path, for comparing two builds.
    pub fn social_of(&self, path: &str) -> Option<&Value> {
        self.social.get(path)
    }

    /// The embed of one assessment, for comparing two builds.
    pub fn embed_of(&self, id: &str) -> Option<&Embed> {
        self.embeds.get(id)
    }

    /// The loaded templates.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// Every job of the site, in a stable order.
    pub fn jobs(lib: &Library, extras: &[ExtraPage]) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..lib.sections.len()).map(Job::Section).collect();
        jobs.extend((0..lib.pages.len()).map(Job::Page));
        for (i, t) in lib.taxonomies.iter().enumerate() {
            jobs.push(Job::Taxonomy(i));
            jobs.extend((0..t.terms.len()).map(|j| Job::Term(i, j)));
        }
        jobs.extend((0..extras.len()).map(Job::Extra));
        jobs.push(Job::NotFound);
        jobs
    }

    /// The site path a job writes.
    pub fn path(job: Job, lib: &Library, extras: &[ExtraPage]) -> String {
        match job {
            Job::Page(i) => lib.pages[i].path.clone(),
            Job::Section(i) => lib.sections[i].path.clone(),
            Job::Taxonomy(i) => lib.taxonomies[i].path.clone(),
            Job::Term(i, j) => lib.taxonomies[i].terms[j].path.clone(),
            Job::Extra(i) => extras[i].path.clone(),
            Job::NotFound => "/404.html".into(),
        }
    }

    /// The template a job uses, or an error at the line asking for a missing one.
    pub fn template_for(
        &self,
        job: Job,
        lib: &Library,
        extras: &[ExtraPage],
    ) -> Result<String, Diagnostic> {
        let (name, origin) = match job {
            Job::Page(i) => {
                let p = &lib.pages[i];
                let s = &lib.sections[p.section];
                match (&p.front.template, &s.front.page_template) {
                    (Some(t), _) => (
                        t.value.clone(),
                        Some((&p.file, &p.source, crate::yaml::position(t))),
                    ),
                    (None, Some(t)) => (
                        t.value.clone(),
                        Some((&s.file, &s.source, crate::yaml::position(t))),
                    ),
                    _ => ("page.html".to_string(), None),
                }
            }
            Job::Section(0) => ("index.html".into(), None),
            Job::Section(_) => ("section.html".into(), None),
            Job::Taxonomy(_) => ("taxonomy_list.html".into(), None),
            Job::Term(..) => ("taxonomy_term.html".into(), None),
            Job::Extra(i) => (extras[i].template.clone(), None),
            Job::NotFound => ("404.html".into(), None),
        };
        if self.templates.has(&name) {
            return Ok(name);
        }
        let message = format!("unknown template `{name}`");
        let hint = self.templates.unknown(&name);
        Err(match origin {
            // Front matter starts on line 2 of the file.
            Some((file, src, (l, c))) => Diagnostic::at(file, src, l + 1, c, message),
            None => Diagnostic::error(self.templates.theme_dir.join(&name), message),
        }
        .with_hint(hint))
    }

    /// Like [`Renderer::render`], also returning what the templates looked up
    /// through functions (`get_page`, `url`, ...).
    pub fn render_recording(
        &self,
        job: Job,
        lib: &Library,
        extras: &[ExtraPage],
    ) -> (Result<String, Diagnostic>, Vec<Dep>) {
        functions::recording(|| self.render(job, lib, extras))
    }

    /// Renders one job to HTML with site-root links (the output stage makes them relative).
    pub fn render(
        &self,
        job: Job,
        lib: &Library,
        extras: &[ExtraPage],
    ) -> Result<String, Diagnostic> {
        if job == Job::NotFound && !self.templates.has("404.html") {
            return Ok(fallback_404(lib));
        }
        let template = self.template_for(job, lib, extras)?;
        let path = Self::path(job, lib, extras);
        let v = &self.values;
        let mut ctx = Context::new();
        ctx.insert_value("site", v.site.clone());
        ctx.insert_value("assessments", v.assessments.clone());
        ctx.insert("current_path", &path);
        if let Some(social) = self.social.get(&path) {
            ctx.insert_value("social", social.clone());
        }
        match job {
            Job::Page(i) => {
                ctx.insert_value("page", v.page(i));
                ctx.insert_value("section", v.sections[lib.pages[i].section].clone());
            }
            Job::Section(i) => ctx.insert_value("section", v.sections[i].clone()),
            Job::Taxonomy(i) => ctx.insert_value("taxonomy", v.taxonomies[i].clone()),
            Job::Term(i, j) => {
                ctx.insert_value("taxonomy", v.taxonomies[i].clone());
                ctx.insert_value("term", v.terms[i][j].clone());
            }
            Job::Extra(i) => {
                for (k, val) in &extras[i].vars {
                    ctx.insert_value(*k, val.clone());
                }
            }
            Job::NotFound => {}
        }
        let html = self
            .templates
            .tera
            .render(&template, &ctx)
            .map_err(|e| self.templates.diagnostic(&e, Some(&path)))?;
        self.expand_embeds(html, job, lib, &template, ctx, &path)
    }

    /// Expands the embed markers of a rendered job (see [`embeds`]): its
    /// own through `assessment_embed.html`, with the job's context plus
    /// `assessment` and `embed`; an own embed the output lost is an error
    /// at the job's template.
    fn expand_embeds(
        &self,
        html: String,
        job: Job,
        lib: &Library,
        template: &str,
        mut ctx: Context,
        path: &str,
    ) -> Result<String, Diagnostic> {
        let own: &[String] = match job {
            Job::Page(i) => &lib.pages[i].rendered.assessments,
            Job::Section(i) => &lib.sections[i].rendered.assessments,
            _ => &[],
        };
        if own.is_empty() && !html.contains(embeds::ASSESSMENT_MARKER) {
            return Ok(html);
        }
        let mut render = |value: &Value, embed: Value| {
            ctx.insert_value("assessment", value.clone());
            ctx.insert_value("embed", embed);
            self.templates
                .tera
                .render(EMBED_TEMPLATE, &ctx)
                .map_err(|err| self.templates.diagnostic(&err, Some(path)))
        };
        let has_template = self.templates.has(EMBED_TEMPLATE);
        let expanded = embeds::Expander {
            embeds: &self.embeds,
            own,
            template: has_template.then_some(&mut render as _),
        }
        .expand(html)?;
        if let Some(id) = expanded.missing.first() {
            let file = self.templates.files.get(template).map_or_else(
                || self.templates.theme_dir.join(template),
                |(file, _)| file.clone(),
            );
            return Err(embeds::missing_error(&file, path, id));
        }
        Ok(expanded.html)
    }
}

fn fallback_404(lib: &Library) -> String {
    let title = lib.sections[0].front.title.as_deref().unwrap_or("Home");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Page not found</title></head>\n<body><main><h1>Page not found</h1><p>Try the <a href=\"/\">{}</a> home page.</p></main></body>\n</html>\n",
        crate::output::xml_escape(title)
    )
}
