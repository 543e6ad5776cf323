//! The `waymark` binary: parse the command line, run one command, map the
//! outcome to an exit code (0 ok, 1 problems in the site, 2 usage errors).

use std::process::ExitCode;

use clap::Parser;
use waymark::cli::{Cli, Command};
use waymark::commands::{self, Failure, Output};

fn main() -> ExitCode {
    waymark::alloc::configure();
    let cli = Cli::parse();
    let out = Output {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let root = cli.root.as_deref();
    let result = match &cli.command {
        Command::Build(a) => commands::build::run(root, a, out),
        Command::Serve(a) => commands::serve::run(root, a, out),
        Command::Check(a) => commands::check::run(root, a, out),
        Command::Init(a) => commands::init::run(a, out),
        Command::New(a) => commands::new::run(root, a, out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Content(d)) => {
            out.diagnostics(&d);
            let n =
                d.0.iter()
                    .filter(|d| d.severity == waymark::diagnostics::Severity::Error)
                    .count();
            if n > 0 {
                eprintln!(
                    "error: {n} problem{} found; nothing was written",
                    if n == 1 { "" } else { "s" }
                );
            }
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
