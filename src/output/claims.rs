//! One URL space for every file a build writes. Pages, sections, taxonomy
//! listings, assessment pages, aliases, static files, bundle files and the
//! generated files each claim the file they become; a second claim on one
//! file is an error that names both sources. ([`super::Staging`] also
//! refuses to write one file twice, for anything that slips past.)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::paths::{OutputPath, PATH_HINT};
use crate::diagnostics::Diagnostic;

/// Who wants to write a file, with where it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A Markdown page or section (its URL comes from its file and `slug`).
    Markdown,
    /// A taxonomy listing or term page from `site.yaml`.
    Taxonomy {
        /// The taxonomy's name.
        name: String,
    },
    /// An assessment page or another generated page with a source file.
    Extra,
    /// An alias redirect in front matter.
    Alias,
    /// A file of `static/` (site or theme).
    Static,
    /// A file under `content/` (bundle or loose).
    ContentFile,
    /// A file Waymark makes (`robots.txt`, `sitemap.xml`, `404.html`, ...).
    Generated,
}

/// One claim: the owner and where to point the author.
#[derive(Debug, Clone)]
pub struct Claim {
    /// What kind of source.
    pub owner: Owner,
    /// The source file (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based line and column in `file`, 0 when not known.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// The text of `file`, for the snippet, when at hand.
    pub source: Option<Arc<str>>,
}

impl Claim {
    /// A claim by `owner` at `file:line:column`.
    pub fn new(owner: Owner, file: impl Into<PathBuf>, line: usize, column: usize) -> Claim {
        Claim {
            owner,
            file: file.into(),
            line,
            column,
            source: None,
        }
    }

    /// The same claim with the text of its file, for snippets.
    pub fn with_source(mut self, source: &Arc<str>) -> Claim {
        self.source = Some(source.clone());
        self
    }

    fn location(&self) -> String {
        let f = self.file.display();
        match (self.line, self.column) {
            (0, _) => f.to_string(),
            (l, 0) => format!("{f}:{l}"),
            (l, c) => format!("{f}:{l}:{c}"),
        }
    }

    fn describe(&self) -> String {
        let at = self.location();
        match &self.owner {
            Owner::Markdown => at,
            Owner::Taxonomy { name } => format!("the `{name}` taxonomy of {at}"),
            Owner::Extra => at,
            Owner::Alias => format!("an alias at {at}"),
            Owner::Static => format!("the static file {at}"),
            Owner::ContentFile => format!("the content file {at}"),
            Owner::Generated => format!("Waymark's own {at}"),
        }
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        match &self.source {
            Some(src) if self.line > 0 => {
                Diagnostic::at(&self.file, src, self.line, self.column, message)
            }
            _ => {
                let mut d = Diagnostic::error(&self.file, message);
                d.line = self.line;
                d.column = self.column;
                d
            }
        }
    }
}

/// Every file of the output and who claimed it first.
#[derive(Default)]
pub struct Claims {
    files: BTreeMap<OutputPath, Claim>,
    errors: Vec<Diagnostic>,
}

impl Claims {
    /// Claims the file of `site_path` for `claim`: an error when the path
    /// leaves the output or another source claimed the file already.
    pub fn claim(&mut self, site_path: &str, claim: Claim) {
        let file = match OutputPath::from_url(site_path) {
            Ok(f) => f,
            Err(e) => {
                let d = claim
                    .diagnostic(format!("`{site_path}` cannot be written: {e}"))
                    .with_hint(PATH_HINT);
                self.errors.push(d);
                return;
            }
        };
        let Some(first) = self.files.get(&file) else {
            self.files.insert(file, claim);
            return;
        };
        // Two Markdown files on one URL are reported at the file by content loading.
        if first.owner == Owner::Markdown && claim.owner == Owner::Markdown {
            return;
        }
        let hint = match (&first.owner, &claim.owner) {
            (Owner::Taxonomy { .. }, _) | (_, Owner::Taxonomy { .. }) => {
                "give the taxonomy its own path in site.yaml: `taxonomies: [{ name: playbooks, path: /case-studies/by-playbook/ }]`"
            }
            (_, Owner::Alias) => "remove the alias or point it at a path no other page uses",
            (_, Owner::Static | Owner::ContentFile) => {
                "rename or move the file; every file of the site needs its own path"
            }
            _ => "rename one of them, or give one a different `slug`",
        };
        let message = format!(
            "`{file}` would be written twice: by {} and by {}",
            first.describe(),
            claim.describe()
        );
        self.errors.push(claim.diagnostic(message).with_hint(hint));
    }

    /// The problems found, with files that another file needs as a folder
    /// (a static file `guides` and the page `guides/index.html`).
    pub fn into_errors(mut self) -> Vec<Diagnostic> {
        for (file, claim) in &self.files {
            let mut dir = file.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                dir = parent;
                // A prefix of a valid path is valid and its own output
                // path: `dir` names a file here.
                let Some(first) = self.files.get(dir) else {
                    continue;
                };
                if first.owner == Owner::Markdown && claim.owner == Owner::Markdown {
                    continue;
                }
                let message = format!(
                    "`{dir}` would be both a file, by {}, and the folder of `{file}`, by {}",
                    first.describe(),
                    claim.describe()
                );
                self.errors.push(claim.diagnostic(message).with_hint(
                    "rename or move one of them; a file and a folder cannot share a name",
                ));
                break;
            }
        }
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_claim_names_both_sources() {
        let mut c = Claims::default();
        c.claim("/", Claim::new(Owner::Markdown, "content/_index.md", 1, 1));
        c.claim("/./", Claim::new(Owner::Alias, "content/a.md", 4, 5));
        c.claim("/../x/", Claim::new(Owner::Alias, "content/a.md", 5, 5));
        let errs = c.into_errors();
        assert_eq!(errs.len(), 2);
        assert!(
            errs[0].message.contains("content/_index.md:1:1"),
            "{}",
            errs[0].message
        );
        assert!(errs[0].message.contains("an alias at content/a.md:4:5"));
        assert_eq!((errs[0].line, errs[0].column), (4, 5));
        assert!(
            errs[1].message.contains("climbs out"),
            "{}",
            errs[1].message
        );
    }

    #[test]
    fn a_file_may_not_stand_where_a_folder_is_needed() {
        let mut c = Claims::default();
        c.claim("/guides", Claim::new(Owner::Static, "static/guides", 0, 0));
        c.claim(
            "/guides/a/",
            Claim::new(Owner::Markdown, "content/guides/a.md", 1, 1),
        );
        let errs = c.into_errors();
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0]
                .message
                .contains("`guides` would be both a file, by the static file static/guides"),
            "{}",
            errs[0].message
        );
    }
}
