//! Waymark: a static-site generator for playbook guides and self-scoring
//! assessments.
//!
//! The modules follow the pipeline: `config` and `content` load, `markdown`
//! and `assessment` turn sources into HTML and data, `render` runs the
//! templates, `output` writes the site atomically. `commands` strings the
//! stages together for each CLI command.

// Diagnostics are rich values on the error path only; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod assessment;
pub mod diagnostics;
pub mod yaml;
