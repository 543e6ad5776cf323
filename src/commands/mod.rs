//! One file per command, each a short script of pipeline stages.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;

/// How a command ended, mapped to the exit code by `main`.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the site's files: exit 1.
    Content(Diagnostics),
    /// Bad command line or environment: exit 2.
    Usage(String),
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Content(d)
    }
}

/// Printing options shared by all commands.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Only errors.
    pub quiet: bool,
    /// Stage timings and detail.
    pub verbose: bool,
}

impl Output {
    /// Prints diagnostics to stderr, coloured only on a terminal.
    pub fn diagnostics(&self, d: &Diagnostics) {
        let color = std::io::stderr().is_terminal();
        for diag in &d.0 {
            eprintln!("{}\n", diag.render(color));
        }
    }

    /// Prints a status line unless quiet.
    pub fn status(&self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }
}

/// `--base-url` must be an absolute http(s) URL: a usage error (exit 2)
/// before any work, rather than a problem found in the site.
pub fn check_base_url_flag(site: &crate::cli::SiteArgs) -> Result<(), Failure> {
    match &site.base_url {
        Some(url) => crate::config::check_base_url(url)
            .map(|_| ())
            .map_err(|why| Failure::Usage(format!("--base-url: {why}"))),
        None => Ok(()),
    }
}

/// `--root`, or the nearest folder upwards from the current one holding `site.yaml`.
pub fn find_root(root: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(r) = root {
        return if r.join(crate::config::CONFIG_FILE).is_file() {
            Ok(r.to_path_buf())
        } else {
            Err(Failure::Usage(format!("{} has no site.yaml", r.display())))
        };
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::Usage(e.to_string()))?;
    cwd.ancestors()
        .find(|d| d.join(crate::config::CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Failure::Usage("no site.yaml here or in any parent folder; pass --root DIR or run `waymark init DIR`".into())
        })
}

/// `1 page`, `2 pages`: counts in status lines read as English.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
