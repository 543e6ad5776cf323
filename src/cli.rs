//! Command-line definitions (clap). Parsing only; the work is in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Waymark builds playbook guides and self-scoring assessments into a static site.
#[derive(Debug, Parser)]
#[command(name = "waymark", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The site folder (default: the nearest folder upwards holding site.yaml).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print per-stage timings and more detail.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/ (or --output DIR).
    Build(BuildArgs),
    /// Build, serve with live reload and rebuild on changes.
    Serve(ServeArgs),
    /// Validate everything a build validates, and more, without writing.
    Check(CheckArgs),
    /// Write a new site that builds as is.
    Init(InitArgs),
    /// Start a new page (content/PATH) or assessment, front matter filled in.
    New(NewArgs),
}

/// Options shared by build, serve and check.
#[derive(Debug, Args, Clone, Default)]
pub struct SiteArgs {
    /// Override base_url from site.yaml (e.g. https://example.org/sub/).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked draft: true.
    #[arg(long)]
    pub drafts: bool,
}

/// `waymark build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Make every link name its file so the site works opened from disk.
    #[arg(long)]
    pub portable: bool,
    /// Replace the output folder even if Waymark did not write it (it has
    /// no .waymark-output file). Never allowed for the site's own folders.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

/// `waymark serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind; only loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

/// `waymark check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Also check external links (network; off by default).
    #[arg(long)]
    pub external: bool,
    /// With --external: the longest the link check may take, in seconds;
    /// links not asked by then are reported as skipped.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub external_budget: u64,
    /// With --external: also ask links and redirects that lead to loopback,
    /// private or link-local addresses (refused by default).
    #[arg(long)]
    pub allow_private: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    #[command(flatten)]
    pub site: SiteArgs,
}

/// How `check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For CI.
    Json,
}

/// `waymark init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (must be empty or missing).
    pub dir: PathBuf,
}

/// `waymark new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Page to create under content/, e.g. guides/pricing.md (or guides/_index.md for a section).
    #[arg(required_unless_present = "assessment", conflicts_with = "assessment")]
    pub path: Option<PathBuf>,
    /// Write content/assessments/ID.yaml, a small valid assessment to start from.
    #[arg(long, value_name = "ID")]
    pub assessment: Option<String>,
}
