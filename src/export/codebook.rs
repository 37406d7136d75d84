//! Codebook export (REFI `.qdc`, Markdown, CSV, DOCX). Import lives in
//! [`crate::import::codebook`].

use std::collections::HashMap;
use std::path::Path;

use super::matrix::Table;
use crate::error::{Error, Result};
use crate::model::CodeNode;
use crate::refi::xml_write;
use crate::store::{Project, codes};

/// Output formats of a codebook export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodebookFormat {
    Qdc,
    Md,
    Csv,
    Docx,
}

impl CodebookFormat {
    pub const ALL: [CodebookFormat; 4] =
        [CodebookFormat::Qdc, CodebookFormat::Md, CodebookFormat::Csv, CodebookFormat::Docx];

    /// The format's name, which is also its file extension.
    pub fn name(self) -> &'static str {
        match self {
            CodebookFormat::Qdc => "qdc",
            CodebookFormat::Md => "md",
            CodebookFormat::Csv => "csv",
            CodebookFormat::Docx => "docx",
        }
    }
}

pub use crate::import::codebook::CSV_COLUMNS;

/// Writes the codebook; returns the number of codes.
pub fn export(project: &Project, format: CodebookFormat, out: &Path) -> Result<usize> {
    let list = codes::list(project.conn())?;
    let name = project.info("name")?.unwrap_or_default();
    match format {
        CodebookFormat::Qdc => {
            let tree = crate::refi::export::code_tree(&list, None, &HashMap::new());
            std::fs::write(out, xml_write::write_codebook(&tree)).map_err(|e| Error::io(out, e))?
        }
        CodebookFormat::Md => {
            std::fs::write(out, super::markdown::codebook(&name, &list)).map_err(|e| Error::io(out, e))?
        }
        CodebookFormat::Csv => super::csv::write_table(&csv_table(&list), out, false)?,
        CodebookFormat::Docx => super::docx::codebook(&name, &list, out)?,
    }
    Ok(list.len())
}

fn csv_table(list: &[CodeNode]) -> Table {
    let rows = list
        .iter()
        .map(|c| {
            vec![
                c.path.as_str().into(),
                c.color.as_str().into(),
                c.status.as_str().into(),
                c.description.as_str().into(),
                c.inclusion.as_str().into(),
                c.exclusion.as_str().into(),
                c.example.as_str().into(),
                c.codings.into(),
                c.guid.as_str().into(),
            ]
        })
        .collect();
    Table { header: CSV_COLUMNS.map(String::from).to_vec(), rows }
}
