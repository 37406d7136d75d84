//! The append-only history of commands, and undo / redo over it.
//!
//! Each entry stores its forward command and the before/after image of every row it changed
//! (`payload` JSON; long runs of inserted codings column-wise, see `compact`). `undone` is 0 for a done entry, 1 for an undone entry that can be redone,
//! and 2 for an undone entry whose redo was given up because a new command came after it.
//! Undo reverts the newest done entry; redo re-applies the oldest redoable one. Both check
//! first that the rows are still as the entry left them, so changes made outside the command
//! layer are never overwritten silently. The history lives in the project file, so undo and
//! redo work after the project is closed and reopened.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::command::Command;
use super::rows::{Change, Row};
use super::text_edit::DocEdit;
use crate::error::{Error, Result};
use crate::store::Project;

/// State of a history entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    Done,
    Undone,
    /// Undone, and no longer redoable because a newer command was applied after the undo.
    Discarded,
}

impl EntryState {
    fn from_flag(flag: i64) -> EntryState {
        match flag {
            0 => EntryState::Done,
            1 => EntryState::Undone,
            _ => EntryState::Discarded,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Done => "done",
            EntryState::Undone => "undone",
            EntryState::Discarded => "discarded",
        }
    }
}

/// One entry of the history, for display.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub summary: String,
    pub state: EntryState,
}

/// What a history entry records as its forward change: a command, or a bulk change a library
/// operation made through the recorder (a team merge), which is undone and redone from its row
/// images like any command but is not re-applied from the entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Recorded {
    Command(Command),
    Bulk(Bulk),
}

/// The bulk changes that are recorded without being [`Command`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Bulk {
    /// A team member's project merged in by `fieldcode merge` ([`crate::team::merge`]).
    MergeProject { source: String, source_guid: String },
    /// Real names replaced by pseudonyms across the project (`fieldcode pseudonymise`,
    /// [`crate::coding::pseudonymise`]). The map itself is not recorded, only how many names
    /// it had; undo needs the replaced texts, which the entry's edits and row images hold.
    Pseudonymise { names: usize },
}

/// What can be written as an entry's forward change: a [`Command`] or a [`Bulk`] change (both
/// serialise as a [`Recorded`] reads them back).
pub trait Entry: Serialize {
    /// The short name stored in `history.kind`.
    fn kind(&self) -> &'static str;
}

impl Entry for Command {
    fn kind(&self) -> &'static str {
        Command::kind(self)
    }
}

impl Entry for Bulk {
    fn kind(&self) -> &'static str {
        match self {
            Bulk::MergeProject { .. } => "merge-project",
            Bulk::Pseudonymise { .. } => "pseudonymise",
        }
    }
}

/// What an entry's `payload` column holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Payload {
    pub command: Recorded,
    #[serde(default)]
    pub created: Vec<i64>,
    #[serde(deserialize_with = "super::compact::deserialize")]
    pub changes: Vec<Change>,
    /// Edits of document texts and names, made after `changes` (see [`super::text_edit`]).
    #[serde(default)]
    pub texts: Vec<DocEdit>,
}

#[derive(Serialize)]
struct PayloadRef<'a, E: Entry> {
    command: &'a E,
    created: &'a [i64],
    #[serde(serialize_with = "super::compact::serialize")]
    changes: &'a [Change],
    #[serde(skip_serializing_if = "<[DocEdit]>::is_empty")]
    texts: &'a [DocEdit],
}

/// Appends an entry (inside the command's transaction) and gives up any pending redo.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append<E: Entry>(
    conn: &Connection,
    at: &str,
    actor: &str,
    command: &E,
    summary: &str,
    changes: &[Change],
    texts: &[DocEdit],
    created: &[i64],
) -> Result<i64> {
    let payload = serde_json::to_string(&PayloadRef { command, created, changes, texts })
        .map_err(|e| Error::invalid(format!("cannot record the command: {e}")))?;
    conn.execute("UPDATE history SET undone = 2 WHERE undone = 1", [])?;
    conn.prepare_cached("INSERT INTO history (at, actor, kind, summary, payload) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![at, actor, command.kind(), summary, payload])?;
    Ok(conn.last_insert_rowid())
}

/// The whole history, oldest first.
pub fn history(conn: &Connection) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare("SELECT id, at, actor, kind, summary, undone FROM history ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(HistoryEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            kind: r.get(3)?,
            summary: r.get(4)?,
            state: EntryState::from_flag(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored payload of one entry.
pub fn payload(conn: &Connection, id: i64) -> Result<Payload> {
    let text: String = conn
        .query_row("SELECT payload FROM history WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("history entry", format!("#{id}")))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("history entry #{id} cannot be read ({e}); it cannot be undone or redone")))
}

/// Reverts the newest done command. Returns its summary, or `None` if there is nothing to undo.
pub fn undo(project: &mut Project) -> Result<Option<String>> {
    let tx = project.write_transaction()?;
    let newest: Option<(i64, String)> = tx
        .query_row("SELECT id, summary FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((id, summary)) = newest else { return Ok(None) };
    let payload = payload(&tx, id)?;
    for text in payload.texts.iter().rev() {
        super::text_edit::backward(&tx, text).map_err(|e| refused(id, "undo", e))?;
    }
    for change in payload.changes.iter().rev() {
        write(&tx, id, "undo", change.after.as_ref(), change.before.as_ref())?;
    }
    tx.execute("UPDATE history SET undone = 1 WHERE id = ?1", [id])?;
    tx.commit()?;
    project.settle()?;
    Ok(Some(summary))
}

/// Re-applies the oldest undone command that can still be redone. Returns its summary, or
/// `None` if there is nothing to redo.
pub fn redo(project: &mut Project) -> Result<Option<String>> {
    let tx = project.write_transaction()?;
    let oldest: Option<(i64, String)> = tx
        .query_row("SELECT id, summary FROM history WHERE undone = 1 ORDER BY id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((id, summary)) = oldest else { return Ok(None) };
    let payload = payload(&tx, id)?;
    for change in &payload.changes {
        write(&tx, id, "redo", change.before.as_ref(), change.after.as_ref())?;
    }
    for text in &payload.texts {
        super::text_edit::forward(&tx, text).map_err(|e| refused(id, "redo", e))?;
    }
    tx.execute("UPDATE history SET undone = 0 WHERE id = ?1", [id])?;
    tx.commit()?;
    project.settle()?;
    Ok(Some(summary))
}

/// A text edit that cannot be undone or redone, named by its history entry.
fn refused(entry: i64, doing: &str, err: Error) -> Error {
    match err {
        Error::Invalid(why) => Error::invalid(format!("cannot {doing} history entry #{entry}: {why}")),
        other => other,
    }
}

/// Turns a row from `expected` into `target`, after checking it is still `expected`.
fn write(conn: &Connection, entry: i64, doing: &str, expected: Option<&Row>, target: Option<&Row>) -> Result<()> {
    let probe = expected.or(target).ok_or_else(|| Error::invalid(format!("history entry #{entry} is empty")))?;
    let current = probe.current(conn)?;
    if current.as_ref() != expected {
        return Err(Error::invalid(format!(
            "cannot {doing} history entry #{entry}: the project was changed outside the history since \
             (a {} row #{} differs); nothing was changed",
            table_word(probe),
            probe.id()
        )));
    }
    match (expected, target) {
        (None, Some(row)) => row.insert(conn),
        (Some(_), Some(row)) => row.update(conn),
        (Some(row), None) => row.delete(conn),
        (None, None) => Ok(()),
    }
}

fn table_word(row: &Row) -> &'static str {
    match row {
        Row::Code(_) => "code",
        Row::Coding(_) => "coding",
        Row::Memo(_) => "memo",
        Row::Comment(_) => "comment",
        Row::Attribute(_) => "attribute",
        Row::Value(_) => "attribute value",
        Row::Coder(_) => "coder",
        Row::Participant(_) => "participant",
        Row::MediaLink(_) => "media link",
    }
}
