//! The template engine (Tera 2) for the templates that are not the site's
//! page templates: shortcodes and the social card. With [`super::Templates`]
//! and the value types re-exported by [`super`], this is where Tera is
//! named, so swapping the engine touches the `render` module only.

use serde::Serialize;

use super::Value;

/// A set of templates by name, compiled once and rendered many times.
pub struct TemplateSet {
    tera: tera::Tera,
}

/// Variables for one rendering.
pub struct Vars(tera::Context);

/// What a template error says, reduced to what messages need.
#[derive(Debug, Clone)]
pub struct TemplateError {
    /// The template the error is in, when the engine names one.
    pub template: Option<String>,
    /// The engine's message without its causes (`Variable `x` is not defined`).
    pub message: String,
    /// The message followed by every cause, for the reader.
    pub full: String,
}

impl TemplateError {
    fn from(e: &tera::Error) -> TemplateError {
        let report = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let message = report.map_or_else(|| e.to_string(), |r| r.message().to_string());
        let mut full = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            full.push_str(": ");
            full.push_str(&s.to_string());
            source = s.source();
        }
        TemplateError {
            template: report.map(|r| r.filename().to_string()),
            message,
            full,
        }
    }
}

impl TemplateSet {
    /// Compiles `templates` (name, source); names ending in one of
    /// `autoescape` have their output escaped.
    pub fn new(
        autoescape: &[&'static str],
        templates: Vec<(String, String)>,
    ) -> Result<TemplateSet, TemplateError> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on(autoescape.to_vec());
        tera.add_raw_templates(templates)
            .map_err(|e| TemplateError::from(&e))?;
        Ok(TemplateSet { tera })
    }

    /// Renders template `name` with `vars`.
    pub fn render(&self, name: &str, vars: &Vars) -> Result<String, TemplateError> {
        self.tera
            .render(name, &vars.0)
            .map_err(|e| TemplateError::from(&e))
    }
}

impl Vars {
    /// No variables yet.
    pub fn new() -> Vars {
        Vars(tera::Context::new())
    }

    /// Adds `value`, serialised.
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.0.insert(key, value);
    }

    /// Adds a value already in the engine's form.
    pub fn insert_value(&mut self, key: impl Into<String>, value: Value) {
        self.0.insert_value(key.into(), value);
    }
}

impl Default for Vars {
    fn default() -> Self {
        Vars::new()
    }
}
