//! `waymark check`: everything a build validates, without writing.

use super::{Failure, Output, find_root};
use crate::cli::{CheckArgs, Format};
use crate::diagnostics::Diagnostics;
use crate::site::{BuildOptions, Site};

/// Runs the checks.
pub fn run(root: Option<&std::path::Path>, args: &CheckArgs, out: Output) -> Result<(), Failure> {
    let root = find_root(root)?;
    let opts = BuildOptions {
        drafts: args.site.drafts,
        base_url: args.site.base_url.clone(),
        portable: false,
    };
    let result = Site::load(&root, &opts).and_then(|site| {
        let jobs = site.all_jobs();
        let errors = site.render_jobs(&jobs, &|_, _| Ok(()));
        if errors.is_empty() {
            Ok(site)
        } else {
            Err(Diagnostics(errors))
        }
    });
    match (result, args.format) {
        (Ok(site), Format::Human) => {
            for a in &site.assessments {
                let counts = crate::assessment::outcome_counts(a);
                let total: u128 = counts.iter().map(|(_, n)| *n).fold(0, u128::saturating_add);
                out.status(&format!(
                    "{} ({}): {total} distinct answer sets",
                    a.id,
                    a.file.display()
                ));
                for (outcome, n) in counts {
                    let share = if total > 0 {
                        n as f64 * 100.0 / total as f64
                    } else {
                        0.0
                    };
                    out.status(&format!("  {outcome:<28} {n:>12} {share:>6.1}%"));
                }
            }
            out.status(&format!(
                "No problems: {} pages, {} sections, {} assessments.",
                site.lib.pages.len(),
                site.lib.sections.len(),
                site.assessment_count
            ));
            Ok(())
        }
        (Ok(site), Format::Json) => {
            let assessments: Vec<_> = site
                .assessments
                .iter()
                .map(|a| {
                    let counts: serde_json::Map<String, serde_json::Value> =
                        crate::assessment::outcome_counts(a)
                            .into_iter()
                            .map(|(id, n)| (id, n.to_string().into()))
                            .collect();
                    serde_json::json!({ "id": a.id, "file": a.file, "outcome_counts": counts })
                })
                .collect();
            println!(
                "{}",
                serde_json::json!({ "ok": true, "diagnostics": [], "assessments": assessments })
            );
            Ok(())
        }
        (Err(d), Format::Json) => {
            println!("{}", serde_json::json!({ "ok": false, "diagnostics": d.0 }));
            Err(Failure::Content(Diagnostics::default()))
        }
        (Err(d), Format::Human) => Err(Failure::Content(d)),
    }
}
