//! `waymark serve`: build, serve, watch, rebuild, reload.

use std::net::IpAddr;

use super::{Failure, Output, find_root};
use crate::cli::ServeArgs;
use crate::serve;

/// Runs the development server until Ctrl+C.
pub fn run(root: Option<&std::path::Path>, args: &ServeArgs, out: Output) -> Result<(), Failure> {
    let root = find_root(root)?;
    let bind: IpAddr = match args.bind.as_str() {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        s => s.trim_matches(['[', ']']).parse().map_err(|_| {
            Failure::Usage(format!(
                "--bind `{}` is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0)",
                args.bind
            ))
        })?,
    };
    let opts = serve::Options {
        bind,
        port: args.port,
        drafts: args.site.drafts,
        base_url: args.site.base_url.clone(),
        log: !out.quiet,
        verbose: out.verbose,
        ..serve::Options::default()
    };
    let handle = serve::start(&root, opts).map_err(|e| Failure::Usage(e.to_string()))?;
    let title = handle.title.as_deref().unwrap_or("the site");
    // Always say where the site is, even with --quiet.
    println!("Serving {title} at {} (Ctrl+C to stop)", handle.url);
    if bind.is_unspecified() {
        println!(
            "Listening on every network interface ({}), as --bind asked.",
            handle.addr
        );
    }
    if args.open
        && let Err(e) = serve::open_browser(&handle.url)
    {
        eprintln!("warning: cannot open a browser: {e}");
    }
    handle.wait_for_ctrl_c();
    out.status("Stopping.");
    handle.stop();
    Ok(())
}
