//! Reading codings. Changes go through the command layer.

use rusqlite::Connection;

use crate::error::Result;
use crate::model::{CodeId, CoderId, CodingRow, DocumentId};

/// Which codings to read; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct CodingFilter {
    pub document: Option<DocumentId>,
    pub codes: Option<Vec<CodeId>>,
    pub coder: Option<CoderId>,
}

/// Codings matching the filter, ordered by document then start.
pub fn list(conn: &Connection, filter: &CodingFilter) -> Result<Vec<CodingRow>> {
    let mut sql = String::from(
        "SELECT g.id, g.guid, g.document_id, g.code_id, g.coder_id, k.name, g.start, g.\"end\", g.created_at
         FROM coding g JOIN coder k ON k.id = g.coder_id WHERE 1 = 1",
    );
    let mut args: Vec<i64> = Vec::new();
    if let Some(doc) = filter.document {
        sql.push_str(" AND g.document_id = ?");
        args.push(doc);
    }
    if let Some(coder) = filter.coder {
        sql.push_str(" AND g.coder_id = ?");
        args.push(coder);
    }
    if let Some(codes) = &filter.codes {
        let marks = vec!["?"; codes.len()].join(",");
        sql.push_str(&format!(" AND g.code_id IN ({marks})"));
        args.extend(codes);
    }
    sql.push_str(" ORDER BY g.document_id, g.start, g.\"end\", g.id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(CodingRow {
            id: r.get(0)?,
            guid: r.get(1)?,
            document_id: r.get(2)?,
            code_id: r.get(3)?,
            coder_id: r.get(4)?,
            coder: r.get(5)?,
            start: r.get::<_, i64>(6)? as usize,
            end: r.get::<_, i64>(7)? as usize,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The codings of one document.
pub fn for_document(conn: &Connection, document: DocumentId) -> Result<Vec<CodingRow>> {
    list(conn, &CodingFilter { document: Some(document), ..CodingFilter::default() })
}
