//! Loading the theme's templates and the site's overrides into Tera 2, and
//! turning Tera's errors into diagnostics that name the template file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, did_you_mean};

/// The loaded templates and where each came from.
pub struct Templates {
    /// The Tera instance with every template parsed.
    pub tera: Tera,
    /// Template name -> (file for messages, its source).
    pub files: BTreeMap<String, (PathBuf, String)>,
    /// The theme's templates folder as messages name it.
    pub theme_dir: PathBuf,
}

impl Templates {
    /// Reads `themes/NAME/templates/**` then `templates/**` (same name wins).
    pub fn load(root: &Path, config: &Config) -> Result<Templates, Vec<Diagnostic>> {
        let theme = crate::theme::locate(root, &config.theme);
        let theme_dir = theme.path.join("templates");
        let override_dir = root.join("templates");
        if !theme_dir.is_dir() && !override_dir.is_dir() {
            return Err(vec![
                Diagnostic::error(
                    "site.yaml",
                    format!("theme `{}` has no templates folder", config.theme),
                )
                .with_hint(format!("expected {}", theme_dir.display())),
            ]);
        }
        let mut files = BTreeMap::new();
        for (n, dir) in [&theme_dir, &override_dir].into_iter().enumerate() {
            for (name, path) in crate::content::files_under(dir) {
                let display = if n == 0 && theme.builtin {
                    PathBuf::from(crate::theme::display(&format!("templates/{name}")))
                } else {
                    crate::diagnostics::display_path(root, &path)
                };
                match std::fs::read_to_string(&path) {
                    Ok(src) => {
                        files.insert(name, (display, src));
                    }
                    Err(e) => {
                        return Err(vec![Diagnostic::error(
                            display,
                            format!("cannot read template: {e}"),
                        )]);
                    }
                }
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        let theme_dir = if theme.builtin {
            PathBuf::from(format!("themes/{}/templates", crate::theme::DEFAULT))
        } else {
            crate::diagnostics::display_path(root, &theme_dir)
        };
        Ok(Templates {
            tera,
            files,
            theme_dir,
        })
    }

    /// Parses every template. Call after registering functions and filters:
    /// Tera 2 checks that the ones a template uses exist.
    pub fn parse(&mut self) -> Result<(), Diagnostic> {
        let raw: Vec<(String, String)> = self
            .files
            .iter()
            .map(|(n, (_, s))| (n.clone(), s.clone()))
            .collect();
        self.tera
            .add_raw_templates(raw)
            .map_err(|e| self.diagnostic(&e, None))
    }

    /// True when some template's source mentions `name` (a function, say).
    pub fn mention(&self, name: &str) -> bool {
        self.files.values().any(|(_, src)| src.contains(name))
    }

    /// The fields of a page in lists that these templates may read.
    pub fn field_mask(&self) -> super::FieldMask {
        super::FieldMask::of_templates(self.files.values().map(|(_, src)| src.as_str()))
    }

    /// True when a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// An error for a page asking for a template that does not exist.
    pub fn unknown(&self, name: &str) -> String {
        let hint = did_you_mean(name, self.files.keys().map(String::as_str));
        format!(
            "{}available: {}",
            hint.map(|h| format!("{h} ")).unwrap_or_default(),
            self.files.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    }

    /// Converts a Tera error into a diagnostic at the template's file:line:col.
    /// `rendering` names the output being rendered, for context.
    pub fn diagnostic(&self, err: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        use tera::ErrorKind;
        let report = match err.kind() {
            ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let mut message = match report {
            Some(r) => r.message().to_string(),
            None => err.to_string(),
        };
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        if let Some(what) = rendering {
            message = format!("template error while rendering {what}: {message}");
        }
        let hint = "see docs/templates.md for the variables and functions templates can use";
        match report.and_then(|r| self.files.get(r.filename()).map(|f| (r, f))) {
            Some((r, (file, src))) => {
                let span = r.span();
                Diagnostic::at(file, src, span.start_line, span.start_col + 1, message)
                    .with_hint(hint)
            }
            None => {
                let mut d =
                    Diagnostic::error("templates", "the templates have errors").with_hint(hint);
                d.detail = Some(message);
                d
            }
        }
    }
}
