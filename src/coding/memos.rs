//! Memos: markdown notes on the project, a document, a participant, a code or a coding, written
//! and deleted through the command layer, and read for display.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::command::{MemoId, MemoTarget};
use super::recorder::Recorder;
use super::rows::{self, MemoRec, Row};
use super::validate;
use crate::error::{Error, Result};

/// A memo for display, with its target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Memo {
    pub id: MemoId,
    pub guid: String,
    pub target: MemoTarget,
    pub title: String,
    pub body: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Every memo, oldest first; `target` narrows to memos on one thing.
pub fn list(conn: &Connection, target: Option<MemoTarget>) -> Result<Vec<Memo>> {
    Ok(rows::all_memos(conn)?
        .into_iter()
        .filter_map(|m| {
            let t = MemoTarget::from_columns(&m.target_kind, m.target_id)?;
            Some(Memo {
                id: m.id,
                guid: m.guid,
                target: t,
                title: m.title,
                body: m.body,
                author: m.author,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .filter(|m| target.is_none_or(|t| t == m.target))
        .collect())
}

fn check_target(conn: &Connection, target: MemoTarget) -> Result<()> {
    let table = match target {
        MemoTarget::Project => return Ok(()),
        MemoTarget::Document(id) => return validate::document(conn, id).map(|_| ()),
        MemoTarget::Code(id) => return validate::code(conn, id).map(|_| ()),
        MemoTarget::Participant(_) => "participant",
        MemoTarget::Coding(_) => "coding",
    };
    let id = target.id().unwrap_or_default();
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    match conn.query_row(&sql, [id], |_| Ok(())).optional()? {
        Some(()) => Ok(()),
        None => Err(Error::not_found(if table == "coding" { "coding" } else { "participant" }, format!("#{id}"))),
    }
}

fn describe(target: MemoTarget) -> String {
    match target.id() {
        Some(id) => format!("{} #{id}", target.kind()),
        None => "the project".to_owned(),
    }
}

pub(crate) fn set(
    rec: &mut Recorder<'_>,
    actor: &str,
    memo: Option<MemoId>,
    target: MemoTarget,
    title: &str,
    body: &str,
) -> Result<String> {
    check_target(rec.conn, target)?;
    let (title, body) = (title.trim().to_owned(), body.to_owned());
    match memo {
        None => {
            let id = rec.next_id("memo")?;
            rec.insert(Row::Memo(MemoRec {
                id,
                guid: crate::store::new_guid(),
                target_kind: target.kind().into(),
                target_id: target.id(),
                title,
                body,
                author: actor.to_owned(),
                created_at: rec.now.clone(),
                updated_at: rec.now.clone(),
            }))?;
            Ok(format!("wrote memo #{id} on {}", describe(target)))
        }
        Some(id) => {
            let before = rows::read_memo(rec.conn, id)?.ok_or_else(|| Error::not_found("memo", format!("#{id}")))?;
            let after = MemoRec {
                target_kind: target.kind().into(),
                target_id: target.id(),
                title,
                body,
                updated_at: rec.now.clone(),
                ..before.clone()
            };
            rec.update(Row::Memo(before), Row::Memo(after))?;
            Ok(format!("edited memo #{id} on {}", describe(target)))
        }
    }
}

pub(crate) fn delete(rec: &mut Recorder<'_>, memo: MemoId) -> Result<String> {
    let row = rows::read_memo(rec.conn, memo)?.ok_or_else(|| Error::not_found("memo", format!("#{memo}")))?;
    rec.delete(Row::Memo(row))?;
    Ok(format!("deleted memo #{memo}"))
}
