//! Waymark: a static-site generator for playbook guides and self-scoring
//! assessments.
//!
//! The modules follow the pipeline: `config` and `content` load, `markdown`
//! and the assessment stage turn sources into HTML and data, `render` runs
//! the templates, `output` writes the site atomically. `site` strings the
//! stages together; `commands` holds one short file per CLI command.

// Diagnostics are rich values on the error path only; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod alloc;
pub mod assessment;
pub mod brand;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod digest;
pub mod html;
pub mod images;
pub mod markdown;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod social;
pub mod theme;
pub mod yaml;
