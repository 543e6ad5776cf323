//! `waymark check`: everything a build validates, and the lints of
//! [`crate::check`], without writing the site. Exit 1 on any error (and on
//! any warning with `--strict`).

use std::io::{IsTerminal, Write};

use serde::Serialize;

use super::{Failure, Output, find_root};
use crate::check::{self, Finding, Kind, Report};
use crate::cli::{CheckArgs, Format};
use crate::diagnostics::{Diagnostics, Severity};
use crate::site::{BuildOptions, Site};

/// Runs the checks.
pub fn run(root: Option<&std::path::Path>, args: &CheckArgs, out: Output) -> Result<(), Failure> {
    let root = find_root(root)?;
    super::check_base_url_flag(&args.site)?;
    let opts = BuildOptions {
        drafts: args.site.drafts,
        base_url: args.site.base_url.clone(),
        portable: false,
    };
    let (mut report, site) = match Site::load(&root, &opts) {
        Err(d) => (build_failure(d), None),
        Ok(site) => {
            let (rendered, errors) = check::render(&site);
            let report = if errors.is_empty() {
                let external = args.external.then(|| check::external::Options {
                    cache: Some(root.join(check::external::CACHE_FILE)),
                    budget: std::time::Duration::from_secs(args.external_budget),
                    allow_private: args.allow_private,
                    ..check::external::Options::default()
                });
                check::run(&site, rendered, &check::Options { external })
            } else {
                build_failure(Diagnostics(errors))
            };
            (report, Some(site))
        }
    };
    if args.strict {
        report.strict();
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    match args.format {
        Format::Json => {
            let json = JsonReport {
                ok: errors == 0,
                errors,
                warnings,
                strict: args.strict,
                diagnostics: &report.findings,
                assessments: &report.assessments,
                external: report.external.as_ref(),
                pages: site.as_ref().map(|s| s.library().pages.len()),
                sections: site.as_ref().map(|s| s.library().sections.len()),
            };
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            // A closed pipe (`| head`) is not worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
        }
        Format::Human => print_human(&report, site.as_ref(), args, out, errors, warnings),
    }
    if errors > 0 {
        Err(Failure::Content(Diagnostics::default()))
    } else {
        Ok(())
    }
}

/// `--format json`: stable keys for CI.
#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    strict: bool,
    diagnostics: &'a [Finding],
    assessments: &'a [check::AssessmentCounts],
    external: Option<&'a check::ExternalSummary>,
    pages: Option<usize>,
    sections: Option<usize>,
}

fn build_failure(d: Diagnostics) -> Report {
    Report {
        findings: d
            .0
            .into_iter()
            .map(|d| Finding::new(Kind::Build, d))
            .collect(),
        ..Report::default()
    }
}

fn print_human(
    report: &Report,
    site: Option<&Site>,
    args: &CheckArgs,
    out: Output,
    errors: usize,
    warnings: usize,
) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for f in &report.findings {
        if out.quiet && f.diagnostic.severity == Severity::Warning {
            continue;
        }
        eprintln!("{}\n", f.diagnostic.render(color));
    }
    print_assessments(report, out);
    if let Some(x) = &report.external {
        out.status(&external_line(x));
    }
    let scope = site.map_or(String::new(), |s| {
        format!(
            "{}, {}, {}",
            super::count(s.library().pages.len(), "page"),
            super::count(s.library().sections.len(), "section"),
            super::count(s.assessment_count(), "assessment")
        )
    });
    if errors == 0 && warnings == 0 {
        out.status(&format!("No problems: {scope}."));
    } else if errors == 0 {
        out.status(&format!(
            "{warnings} warning{} in {scope} (`--strict` makes warnings errors).",
            plural(warnings)
        ));
    } else {
        eprintln!(
            "error: {errors} error{}{}{}",
            plural(errors),
            if warnings > 0 {
                format!(", {warnings} warning{}", plural(warnings))
            } else {
                String::new()
            },
            if args.strict && site.is_some() {
                " (--strict: warnings count as errors)"
            } else {
                ""
            }
        );
    }
}

/// Outcome counts per assessment.
fn print_assessments(report: &Report, out: Output) {
    for a in &report.assessments {
        let total = a.total();
        out.status(&format!(
            "{} ({}): {total} distinct answer sets",
            a.id,
            a.file.display()
        ));
        for (outcome, n) in &a.outcomes {
            let share = if total > 0 {
                *n as f64 * 100.0 / total as f64
            } else {
                0.0
            };
            out.status(&format!("  {outcome:<28} {n:>12} {share:>6.1}%"));
        }
    }
}

/// The summary line of `--external`.
fn external_line(x: &check::ExternalSummary) -> String {
    let mut line = format!(
        "External links: {} checked ({} from the cache), {} broken, {} answering with errors",
        x.checked, x.cached, x.broken, x.erroring
    );
    if x.skipped > 0 {
        line.push_str(&format!(", {} not checked", x.skipped));
    }
    if !x.unreachable_hosts.is_empty() {
        let hosts: Vec<String> = x
            .unreachable_hosts
            .iter()
            .map(|h| {
                format!(
                    "{} ({}, {} link{})",
                    h.host,
                    h.reason,
                    h.links,
                    if h.links == 1 { "" } else { "s" }
                )
            })
            .collect();
        line.push_str(&format!("; unreachable hosts: {}", hosts.join(", ")));
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
