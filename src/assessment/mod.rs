//! Self-scoring assessments, in two parts:
//!
//! - [`engine`]: one assessment file on its own: the YAML model, the checks
//!   (references, exhaustive reachability, the author's examples), the one
//!   scoring engine and the JSON the browser runs on. It knows nothing of
//!   the site.
//! - [`stage`]: the pipeline stage that connects assessments to the site:
//!   loads every `content/assessments/*.yaml` with the engine, checks its
//!   links against the library, and turns each into template values, pages,
//!   the self-scoring worksheet and what Markdown embeds.
//!
//! The engine's main items are re-exported here, so callers write
//! `assessment::load` and `assessment::scoring::Answers`.

pub mod engine;
pub mod stage;

pub use engine::{
    Answer, Answers, Assessment, Evaluation, MarkdownField, NOT_ASSESSED, analysis,
    json_for_script, load, model, outcome_counts, scoring, vectors,
};
