//! Classification sheets (`fieldcode attributes`, and CSV import in the workbench's sheet): a
//! CSV whose first header is `document` or `participant` and whose other headers are
//! attribute names. The file is read and checked whole first — an unclosed quote, a repeated
//! or blank header, an unknown document are refused with `file:line` — then applied as one
//! [`Command::SetAttributes`], so a sheet undoes as one step. Empty cells are left alone.

use std::collections::HashSet;
use std::path::Path;

use crate::coding::{self, AttributeCell, Command};
use crate::error::{Error, Result};
use crate::model::AttributeScope;
use crate::store::{Project, documents};

/// What a classification sheet changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetReport {
    pub scope: AttributeScope,
    pub rows: usize,
    pub values: usize,
    /// The history entry, if anything changed.
    pub history_id: Option<i64>,
}

/// A parsed sheet: its scope, rows and the cells to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub scope: AttributeScope,
    pub rows: usize,
    pub cells: Vec<AttributeCell>,
}

/// Reads, checks and applies the sheet at `path` as one undoable command by `actor`.
pub fn apply_sheet(project: &mut Project, path: &Path, actor: &str) -> Result<SheetReport> {
    let bytes = crate::import::read_input(path, crate::import::MAX_FILE_BYTES)?;
    apply_sheet_bytes(project, path, &bytes, actor)
}

/// [`apply_sheet`] on bytes already read; `path` names them in errors.
pub fn apply_sheet_bytes(project: &mut Project, path: &Path, bytes: &[u8], actor: &str) -> Result<SheetReport> {
    let sheet = parse(project, path, bytes)?;
    let (scope, rows, values) = (sheet.scope, sheet.rows, sheet.cells.len());
    if sheet.cells.is_empty() {
        return Ok(SheetReport { scope, rows, values, history_id: None });
    }
    let applied = coding::apply(project, actor, Command::SetAttributes { scope, cells: sheet.cells })?;
    Ok(SheetReport { scope, rows, values, history_id: applied.history_id })
}

fn parse_error(path: &Path, line: usize, reason: impl Into<String>) -> Error {
    Error::Parse { path: path.to_path_buf(), line, reason: reason.into() }
}

/// Reads a sheet and checks it against the project (documents must exist) without writing.
pub fn parse(project: &Project, path: &Path, bytes: &[u8]) -> Result<Sheet> {
    let text = crate::import::decode::decode_text(bytes).map_err(|reason| Error::import(path, reason))?;
    let text = crate::text::normalise_newlines(&text);
    if let Some(line) = unclosed_quote(&text) {
        return Err(parse_error(path, line, "a quote opened on this line is never closed; close it or remove it"));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| parse_error(path, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let scope = scope_of(&headers)
        .ok_or_else(|| parse_error(path, 1, "the first column header must be `document` or `participant`"))?;
    check_headers(path, &headers)?;
    let mut sheet = Sheet { scope, rows: 0, cells: Vec::new() };
    for record in reader.records() {
        let record =
            record.map_err(|e| parse_error(path, e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let key = record.get(0).unwrap_or("").trim();
        if key.is_empty() {
            continue;
        }
        if scope == AttributeScope::Document {
            documents::id_by_name(project.conn(), key).map_err(|e| parse_error(path, line, e.to_string()))?;
        }
        for (name, value) in headers.iter().zip(record.iter()).skip(1) {
            let value = value.trim();
            if !value.is_empty() {
                let cell = AttributeCell { owner: key.to_owned(), name: name.clone(), value: Some(value.to_owned()) };
                sheet.cells.push(cell);
            }
        }
        sheet.rows += 1;
    }
    Ok(sheet)
}

fn scope_of(headers: &[String]) -> Option<AttributeScope> {
    match headers.first().map(|h| h.to_lowercase()).as_deref() {
        Some("document") => Some(AttributeScope::Document),
        Some("participant") => Some(AttributeScope::Participant),
        _ => None,
    }
}

/// Every attribute column needs a name, and no name twice (the last column would win silently).
fn check_headers(path: &Path, headers: &[String]) -> Result<()> {
    let mut seen = HashSet::new();
    for (i, header) in headers.iter().enumerate().skip(1) {
        if header.is_empty() {
            return Err(parse_error(path, 1, format!("column {} has no header", i + 1)));
        }
        if !seen.insert(header.to_lowercase()) {
            return Err(parse_error(path, 1, format!("the column {header:?} appears twice; keep one")));
        }
    }
    Ok(())
}

/// The line of a quote that is still open at the end of the text, if any (a quoted field runs
/// from a `"` at its start to the next lone `"`; `""` inside it is a quote character).
pub fn unclosed_quote(text: &str) -> Option<usize> {
    let (mut line, mut opened_on) = (1, None);
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, opened_on) {
            ('"', Some(_)) if chars.peek() == Some(&'"') => {
                chars.next();
            }
            ('"', Some(_)) => opened_on = None,
            ('"', None) if at_field_start => opened_on = Some(line),
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
        at_field_start = opened_on.is_none() && (c == ',' || c == '\n');
    }
    opened_on
}

#[cfg(test)]
mod tests {
    use super::unclosed_quote;

    #[test]
    fn an_unclosed_quote_is_found_on_its_line() {
        assert_eq!(unclosed_quote("participant,role\nA,\"link worker\nB,lead\n"), Some(2));
        assert_eq!(unclosed_quote("participant,role\nA,\"said \"\"hi\"\"\"\nB,x\n"), None);
        assert_eq!(unclosed_quote("a,b\nc,d\"e\n"), None);
    }
}
