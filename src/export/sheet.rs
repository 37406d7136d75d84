//! The classification sheet as a CSV file, in the format `fieldcode attributes` reads back: a
//! first column `document` or `participant` naming the row, then one column per attribute of
//! that scope (sorted by name), one row per document or participant (sorted by name), empty
//! cells where there is no value. The CLI (`fieldcode attributes --export`) and the workbench's
//! sheet write the file through [`write`], so the two give the same bytes.

use std::path::Path;

use rusqlite::Connection;

use super::matrix::Table;
use crate::error::{Error, Result};
use crate::model::AttributeScope;
use crate::store::{Project, attributes};

/// The sheet of `scope`: the header row, then each owner's cells.
pub fn table(conn: &Connection, scope: AttributeScope) -> Result<Table> {
    let columns: Vec<String> =
        attributes::names(conn)?.into_iter().filter(|(_, s)| *s == scope).map(|(name, _)| name).collect();
    let (owners, mut values) = match scope {
        AttributeScope::Document => (names(conn, "SELECT id, name FROM document")?, attributes::document_values(conn)?),
        AttributeScope::Participant => {
            (names(conn, "SELECT id, label FROM participant")?, attributes::participant_values(conn)?)
        }
    };
    let header = std::iter::once(scope.as_str().to_owned()).chain(columns.iter().cloned()).collect();
    let rows = owners
        .into_iter()
        .map(|(id, name)| {
            let mut own = values.remove(&id).unwrap_or_default();
            std::iter::once(name)
                .chain(columns.iter().map(|c| own.remove(c).unwrap_or_default()))
                .map(super::matrix::Cell::Text)
                .collect()
        })
        .collect();
    Ok(Table { header, rows })
}

/// Every owner's id and name, sorted by name (then id).
fn names(conn: &Connection, sql: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut all: Vec<(i64, String)> = rows.collect::<rusqlite::Result<_>>()?;
    all.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(all)
}

/// The sheet of `scope` as CSV bytes (UTF-8, no byte-order mark, `\n` line ends).
pub fn csv_bytes(conn: &Connection, scope: AttributeScope) -> Result<Vec<u8>> {
    csv_of(&table(conn, scope)?)
}

fn csv_of(table: &Table) -> Result<Vec<u8>> {
    let fail = |e: String| Error::invalid(format!("cannot write the classification sheet as CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&table.header).map_err(|e| fail(e.to_string()))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|c| c.to_text())).map_err(|e| fail(e.to_string()))?;
    }
    writer.into_inner().map_err(|e| fail(e.to_string()))
}

/// Writes the sheet of `scope` to `out` (whole or not at all); returns the number of rows.
pub fn write(project: &Project, scope: AttributeScope, out: &Path) -> Result<usize> {
    let table = table(project.conn(), scope)?;
    let bytes = csv_of(&table)?;
    super::out_file::write_atomically(out, |partial| std::fs::write(partial, &bytes).map_err(|e| Error::io(out, e)))?;
    Ok(table.rows.len())
}
