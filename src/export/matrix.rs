//! Generic tables (matrices, crosstabs, excerpt lists) written as CSV or XLSX. Analysis code
//! builds a [`Table`] and calls [`write_csv`] or [`write_xlsx`].

use std::path::Path;

use crate::error::Result;

/// One cell: text, or a number (written as a number in XLSX so spreadsheets can sum it).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as CSV / plain text.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

/// A header row and data rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes a table as UTF-8 CSV (with a BOM when `bom`, for Excel).
pub fn write_csv(table: &Table, path: &Path, bom: bool) -> Result<()> {
    super::csv::write_table(table, path, bom)
}

/// Writes a table as CSV after a `# …` line saying how it was made.
pub fn write_csv_noted(table: &Table, note: &str, path: &Path) -> Result<()> {
    super::csv::write_noted(table, Some(note), path, false)
}

/// Writes a table as a one-sheet XLSX workbook.
pub fn write_xlsx(table: &Table, path: &Path) -> Result<()> {
    super::xlsx::write_workbook(&[("Table".to_owned(), table.clone())], path)
}
