//! CSV output: UTF-8, one header row, an optional byte-order mark so Excel reads it as UTF-8.

use std::path::Path;

use super::matrix::Table;
use crate::error::{Error, Result};

/// Writes a table as CSV.
pub fn write_table(table: &Table, path: &Path, bom: bool) -> Result<()> {
    write_noted(table, None, path, bom)
}

/// Writes a table as CSV, after a first `# …` line saying how it was made when `note` is given
/// (as the CLI's analysis tables do).
pub fn write_noted(table: &Table, note: Option<&str>, path: &Path, bom: bool) -> Result<()> {
    let mut bytes: Vec<u8> = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
    if let Some(note) = note {
        bytes.extend_from_slice(note.as_bytes());
        bytes.push(b'\n');
    }
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        let fail = |e: csv::Error| Error::invalid(format!("cannot write CSV: {e}"));
        writer.write_record(&table.header).map_err(fail)?;
        for row in &table.rows {
            writer.write_record(row.iter().map(|c| c.to_text())).map_err(fail)?;
        }
        writer.flush().map_err(|e| Error::io(path, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}
