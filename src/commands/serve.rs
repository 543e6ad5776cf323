//! `waymark serve`: build, serve, watch, rebuild, reload.

use super::{Failure, Output};
use crate::cli::ServeArgs;

/// Runs the development server.
pub fn run(
    _root: Option<&std::path::Path>,
    _args: &ServeArgs,
    _out: Output,
) -> Result<(), Failure> {
    Err(Failure::Usage(
        "serve is not available in this build yet".into(),
    ))
}
