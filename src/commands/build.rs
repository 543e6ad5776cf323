//! `waymark build`: load, render, write atomically, print one summary line.

use std::time::Instant;

use super::{Failure, Output, find_root};
use crate::cli::BuildArgs;
use crate::site::{BuildOptions, Site};

/// Runs the build.
pub fn run(root: Option<&std::path::Path>, args: &BuildArgs, out: Output) -> Result<(), Failure> {
    let start = Instant::now();
    let root = find_root(root)?;
    super::check_base_url_flag(&args.site)?;
    let target = args.output.clone().unwrap_or_else(|| root.join("public"));
    let target =
        crate::output::Target::check(&root, &target, args.force).map_err(Failure::Usage)?;
    // Locks the output and repairs what an interrupted build left, before
    // anything can fail, so even a failing build restores the last output.
    let staging = crate::output::Staging::new(&target)
        .map_err(|e| Failure::Usage(format!("cannot prepare {}: {e}", target.path().display())))?;
    let opts = BuildOptions {
        drafts: args.site.drafts,
        base_url: args.site.base_url.clone(),
        portable: args.portable,
    };
    let site = Site::load_to_write(&root, &opts)?;
    let written = site.write_to(staging)?;
    if out.verbose {
        let o = crate::theme::overrides(&root, &site.config().theme);
        for name in &o.templates {
            println!("  templates/{name} replaces the theme's template");
        }
        for name in &o.statics {
            println!("  static/{name} replaces the theme's file");
        }
        for (stage, t) in site.timings().iter().chain(&written.timings) {
            println!("  {stage:<12} {:>8.1} ms", t.as_secs_f64() * 1000.0);
        }
        let m = site.media();
        println!(
            "  images: {} read, {} variants encoded; social cards: {}, {} drawn",
            m.images.images, m.images.encoded, m.cards, m.cards_drawn
        );
        if let Some(s) = &written.search {
            let kb = |n: usize| n.div_ceil(1024);
            println!(
                "  search index: {} documents, {} terms, {} KB ({} KB of HTML); manifest {} KB, {} vocabulary and {} postings shards, {} document groups, {} text files",
                s.documents,
                s.terms,
                kb(s.index_bytes),
                kb(s.html_bytes),
                kb(s.manifest_bytes),
                s.shards.0,
                s.shards.1,
                s.shards.2,
                s.text_files,
            );
            println!(
                "  search query: a 1-, 2- and 3-word query loads {}, {} and {} KB (first 8 results)",
                kb(s.query_bytes[0]),
                kb(s.query_bytes[1]),
                kb(s.query_bytes[2]),
            );
        }
    }
    out.status(&format!(
        "Built {}, {}, {} in {} ms -> {}",
        super::count(written.pages, "page"),
        super::count(site.assessment_count(), "assessment"),
        super::count(written.assets, "asset"),
        start.elapsed().as_millis(),
        target.path().display()
    ));
    // The process ends here: let the OS reclaim the library, the template
    // values and the templates at once instead of freeing them object by
    // object (a tenth of a 10,000-page build's CPU time).
    std::mem::forget(site);
    Ok(())
}
