//! Reading everything a merge needs from the other project into memory, so the other file is
//! only read (never written) and the merge itself is one transaction on this project.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::Result;
use crate::model::{CodeNode, CodingRow, DocumentId};
use crate::store::{codes, codings};

/// A document of the other project, as far as matching needs it.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    pub name: String,
    pub sha256: String,
}

/// A memo of the other project.
#[derive(Debug, Clone)]
pub struct SourceMemo {
    pub guid: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A code comment of the other project.
#[derive(Debug, Clone)]
pub struct SourceComment {
    pub code_id: i64,
    pub author: String,
    pub created_at: String,
    pub body: String,
}

/// The other project's content.
#[derive(Debug, Clone)]
pub struct Source {
    pub guid: String,
    pub documents: HashMap<DocumentId, SourceDocument>,
    /// In tree order, so parents come before their children.
    pub codes: Vec<CodeNode>,
    pub codings: Vec<CodingRow>,
    pub participants: HashMap<i64, String>,
    pub memos: Vec<SourceMemo>,
    pub comments: Vec<SourceComment>,
}

/// Reads the other project.
pub fn read(conn: &Connection, guid: String) -> Result<Source> {
    Ok(Source {
        guid,
        documents: documents(conn)?,
        codes: codes::list(conn)?,
        codings: codings::list(conn, &codings::CodingFilter::default())?,
        participants: participants(conn)?,
        memos: memos(conn)?,
        comments: comments(conn)?,
    })
}

fn documents(conn: &Connection) -> Result<HashMap<DocumentId, SourceDocument>> {
    let mut stmt = conn.prepare("SELECT id, name, sha256 FROM document")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, SourceDocument { name: r.get(1)?, sha256: r.get(2)? })))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn participants(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, label FROM participant")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn memos(conn: &Connection) -> Result<Vec<SourceMemo>> {
    let mut stmt = conn.prepare(
        "SELECT guid, target_kind, target_id, title, body, author, created_at, updated_at FROM memo ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SourceMemo {
            guid: r.get(0)?,
            target_kind: r.get(1)?,
            target_id: r.get(2)?,
            title: r.get(3)?,
            body: r.get(4)?,
            author: r.get(5)?,
            created_at: r.get(6)?,
            updated_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn comments(conn: &Connection) -> Result<Vec<SourceComment>> {
    let mut stmt = conn.prepare("SELECT code_id, author, created_at, body FROM code_comment ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(SourceComment { code_id: r.get(0)?, author: r.get(1)?, created_at: r.get(2)?, body: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
