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
            out.status(&format!(
                "No problems: {} pages, {} sections, {} assessments.",
                site.lib.pages.len(),
                site.lib.sections.len(),
                site.assessment_count
            ));
            Ok(())
        }
        (Ok(_), Format::Json) => {
            println!("{}", serde_json::json!({ "ok": true, "diagnostics": [] }));
            Ok(())
        }
        (Err(d), Format::Json) => {
            println!("{}", serde_json::json!({ "ok": false, "diagnostics": d.0 }));
            Err(Failure::Content(Diagnostics::default()))
        }
        (Err(d), Format::Human) => Err(Failure::Content(d)),
    }
}
