//! Fieldcode: a workbench for qualitative research.
//!
//! The library is headless: the domain model ([`model`]), the SQLite project file ([`store`]),
//! importers ([`import`]), the command layer for every change with undo and history ([`coding`]),
//! analysis ([`analysis`]), team review ([`team`]), exports ([`export`]) and REFI-QDA exchange
//! ([`refi`]), the demo study ([`demo`]) and synthetic projects ([`synth`]). The command-line
//! interface ([`cli`]) and the desktop GUI (`gui`, behind the default `gui` feature) are thin
//! layers over it.

pub mod analysis;
pub mod cli;
pub mod coding;
pub mod demo;
pub mod demo_codebook;
pub mod error;
pub mod export;
#[cfg(feature = "gui")]
pub mod gui;
pub mod import;
pub mod media;
pub mod model;
pub mod refi;
pub mod store;
pub mod synth;
pub mod team;
pub mod text;

pub use error::{Error, Result};
pub use store::Project;
