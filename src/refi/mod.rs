//! REFI-QDA (QDA-XML 1.0) exchange: `.qdpx` projects and `.qdc` codebooks.
//!
//! REFI-QDA is how NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette move projects between each
//! other. The modules split the work by concern: [`model`] is the in-memory form of a QDA-XML
//! project, [`qde_read`] reads it tolerantly from what real tools write, [`xml_write`] writes it
//! strictly in schema order, [`qdpx`] handles the zip container with its safety checks,
//! [`positions`] reconciles the position conventions of different tools, [`guid`] normalises
//! identifiers, and [`export`] / [`import`] map between a Fieldcode project and the model.

pub mod definition;
pub mod export;
pub mod export_media;
pub mod guid;
pub mod import;
mod import_sources;
pub mod model;
pub mod positions;
pub mod qde_read;
pub mod qdpx;
pub mod report_text;
pub mod xml_write;

pub use export::export_qdpx;
pub use import::{ImportQdpxOptions, QdpxReport, import_qdpx};

/// The `origin` Fieldcode writes into every project and codebook it exports.
pub fn origin() -> String {
    format!("Fieldcode {}", env!("CARGO_PKG_VERSION"))
}
