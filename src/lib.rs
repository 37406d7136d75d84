//! Fieldcode: a workbench for qualitative research.
//!
//! The library is headless: the domain model ([`model`]), the SQLite project file ([`store`]),
//! importers ([`import`]) and the demo study ([`demo`]). The command-line interface ([`cli`]) and
//! the desktop GUI (`gui`, behind the default `gui` feature) are thin layers over it.

pub mod cli;
pub mod coding;
pub mod demo;
pub mod demo_codebook;
pub mod error;
pub mod export;
#[cfg(feature = "gui")]
pub mod gui;
pub mod import;
pub mod model;
pub mod refi;
pub mod store;
pub mod text;

pub use error::{Error, Result};
pub use store::Project;
