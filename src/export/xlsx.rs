//! XLSX output with rust_xlsxwriter: one sheet per table, a bold frozen header row, numbers as
//! numbers. Sheet names are made valid (31 characters, no `[]:*?/\`) and unique.

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use super::matrix::{Cell, Table};
use crate::error::{Error, Result};

/// Excel's limit on the text in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Writes named tables as the sheets of one workbook.
pub fn write_workbook(sheets: &[(String, Table)], path: &Path) -> Result<()> {
    let fail = |e: rust_xlsxwriter::XlsxError| Error::import(path, format!("cannot write the workbook: {e}"));
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used = HashSet::new();
    for (name, table) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(name, &mut used)).map_err(fail)?;
        for (col, title) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, title, &bold).map_err(fail)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Number(n) => sheet.write_number(r, c as u16, *n).map_err(fail)?,
                    Cell::Text(s) => sheet.write_string(r, c as u16, clip(s)).map_err(fail)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
    }
    workbook.save(path).map_err(fail)
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CELL_CHARS {
        return s.to_owned();
    }
    s.chars().take(MAX_CELL_CHARS - 1).collect::<String>() + "…"
}

/// A valid, unused sheet name for `wanted`.
pub fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '-' } else { c })
        .collect::<String>()
        .trim_matches('\'')
        .trim()
        .to_owned();
    let base: String = if cleaned.is_empty() { "Sheet".into() } else { cleaned.chars().take(31).collect() };
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = base.chars().take(31 - suffix.chars().count()).collect::<String>() + &suffix;
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(sheet_name("Access/Waiting: [GP]?", &mut used), "Access-Waiting- -GP--");
        let long = "A very long theme name that goes on and on";
        let a = sheet_name(long, &mut used);
        let b = sheet_name(long, &mut used);
        assert_eq!(a.chars().count(), 31);
        assert!(b.ends_with(" (2)") && b.chars().count() == 31, "{b}");
    }
}
