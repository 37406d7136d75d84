//! Codebook versions: named snapshots of the codebook and the diff between two of them (or a
//! snapshot and the current codebook) — codes added, removed, renamed, moved, merged and split,
//! with coding counts. Snapshots are tags, not commands: they are not undone.
//!
//! Codes are matched by guid. Merges and splits are named from the history entries recorded
//! between the two versions (`history_id` of each snapshot).

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::command::Command;
use super::history::{self, EntryState, Recorded};
use crate::error::{Error, Result};
use crate::store::codes;

/// One code as recorded in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapCode {
    pub id: i64,
    pub guid: String,
    pub parent_guid: Option<String>,
    pub name: String,
    pub path: String,
    pub color: String,
    pub status: String,
    pub codings: usize,
}

/// A snapshot's identity, without its codes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotInfo {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub history_id: Option<i64>,
    pub codes: usize,
}

/// The codebook as it is now.
pub fn current(conn: &Connection) -> Result<Vec<SnapCode>> {
    let nodes = codes::list(conn)?;
    let guids: HashMap<i64, String> = nodes.iter().map(|c| (c.id, c.guid.clone())).collect();
    Ok(nodes
        .into_iter()
        .map(|c| SnapCode {
            id: c.id,
            parent_guid: c.parent_id.and_then(|p| guids.get(&p).cloned()),
            guid: c.guid,
            name: c.name,
            path: c.path,
            color: c.color,
            status: c.status.as_str().to_owned(),
            codings: c.codings,
        })
        .collect())
}

fn latest_history(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT max(id) FROM history", [], |r| r.get(0))?)
}

/// Tags the current codebook as `name`.
pub fn take(conn: &Connection, name: &str) -> Result<SnapshotInfo> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a snapshot needs a name, e.g. \"after team meeting 3\""));
    }
    if find(conn, name)?.is_some() {
        return Err(Error::invalid(format!("there is already a snapshot named {name:?}; choose another name")));
    }
    let codes = current(conn)?;
    let json = serde_json::to_string(&codes).map_err(|e| Error::invalid(format!("cannot record the snapshot: {e}")))?;
    let now = crate::store::now_utc();
    let history_id = latest_history(conn)?;
    conn.execute(
        "INSERT INTO snapshot (name, created_at, history_id, codebook) VALUES (?1, ?2, ?3, ?4)",
        params![name, now, history_id, json],
    )?;
    Ok(SnapshotInfo {
        id: conn.last_insert_rowid(),
        name: name.to_owned(),
        created_at: now,
        history_id,
        codes: codes.len(),
    })
}

/// Records a snapshot carried in from another copy of the project (a REFI-QDA export), under its
/// name and date, with its codebook JSON as that copy stored it ([`find`] checks it when read).
/// It has no history entry: the history it was taken in is not part of the copy.
pub fn restore(conn: &Connection, name: &str, created_at: &str, json: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO snapshot (name, created_at, history_id, codebook) VALUES (?1, ?2, NULL, ?3)",
        params![name, created_at, json],
    )?;
    Ok(())
}

fn find(conn: &Connection, name: &str) -> Result<Option<(SnapshotInfo, Vec<SnapCode>)>> {
    let row: Option<(i64, String, Option<i64>, String)> = conn
        .query_row("SELECT id, created_at, history_id, codebook FROM snapshot WHERE name = ?1", [name], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((id, created_at, history_id, json)) = row else { return Ok(None) };
    let codes: Vec<SnapCode> =
        serde_json::from_str(&json).map_err(|e| Error::invalid(format!("snapshot {name:?} cannot be read ({e})")))?;
    Ok(Some((SnapshotInfo { id, name: name.to_owned(), created_at, history_id, codes: codes.len() }, codes)))
}

/// All snapshots, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<SnapshotInfo>> {
    let mut stmt = conn.prepare("SELECT name FROM snapshot ORDER BY id")?;
    let names: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    names.iter().filter_map(|n| find(conn, n).transpose()).map(|r| r.map(|(info, _)| info)).collect()
}

/// A code in a diff with its coding count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffCode {
    pub path: String,
    pub codings: usize,
}

/// A code present in both versions whose name, place or count differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub from_path: String,
    pub to_path: String,
    pub codings_before: usize,
    pub codings_after: usize,
}

/// A code merged into another between the versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Merged {
    pub from_path: String,
    pub into_path: String,
    /// Codings the merged code had (moved, or dropped as duplicates).
    pub codings: usize,
}

/// A code split between the versions: codings moved to a new code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split {
    pub from_path: String,
    pub new_path: String,
    pub codings: usize,
}

/// The differences between two codebook versions.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CodebookDiff {
    pub from: String,
    pub to: String,
    pub added: Vec<DiffCode>,
    pub removed: Vec<DiffCode>,
    pub renamed: Vec<Changed>,
    pub moved: Vec<Changed>,
    pub merged: Vec<Merged>,
    pub split: Vec<Split>,
    /// Codes in both versions whose number of codings changed.
    pub recounted: Vec<Changed>,
}

impl CodebookDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.moved.is_empty()
            && self.merged.is_empty()
            && self.split.is_empty()
            && self.recounted.is_empty()
    }
}

/// Differences from snapshot `a` to snapshot `b`, or to the current codebook if `b` is `None`.
pub fn diff(conn: &Connection, a: &str, b: Option<&str>) -> Result<CodebookDiff> {
    let missing = |n: &str| Error::NotFound { what: "snapshot", name: n.to_owned(), hint: String::new() };
    let (info_a, codes_a) = find(conn, a)?.ok_or_else(|| missing(a))?;
    let (to, hist_b, codes_b) = match b {
        Some(b) => {
            let (info, codes) = find(conn, b)?.ok_or_else(|| missing(b))?;
            (info.name, info.history_id, codes)
        }
        None => ("current codebook".to_owned(), latest_history(conn)?, current(conn)?),
    };
    let events = events_between(conn, info_a.history_id.unwrap_or(0), hist_b.unwrap_or(0))?;
    Ok(compare(info_a.name, to, &codes_a, &codes_b, &events))
}

/// Merges and splits recorded in the history between two versions (done entries only).
struct Events {
    /// (from id, into id, codings of the merged code)
    merges: Vec<(i64, i64, usize)>,
    /// (source id, new id, codings moved)
    splits: Vec<(i64, i64, usize)>,
}

fn events_between(conn: &Connection, after: i64, upto: i64) -> Result<Events> {
    let mut events = Events { merges: Vec::new(), splits: Vec::new() };
    for entry in history::history(conn)? {
        if entry.id <= after || entry.id > upto || entry.state != EntryState::Done {
            continue;
        }
        if entry.kind != "merge-codes" && entry.kind != "split-code" {
            continue;
        }
        let payload = history::payload(conn, entry.id)?;
        let codings = payload.changes.iter().filter(|c| matches!(c.before, Some(super::rows::Row::Coding(_)))).count();
        match payload.command {
            Recorded::Command(Command::MergeCodes { from, into }) => events.merges.push((from, into, codings)),
            Recorded::Command(Command::SplitCode { code, .. }) => {
                if let Some(&new) = payload.created.first() {
                    events.splits.push((code, new, codings));
                }
            }
            _ => {}
        }
    }
    Ok(events)
}

fn compare(from: String, to: String, a: &[SnapCode], b: &[SnapCode], events: &Events) -> CodebookDiff {
    let by_guid_a: BTreeMap<&str, &SnapCode> = a.iter().map(|c| (c.guid.as_str(), c)).collect();
    let by_guid_b: BTreeMap<&str, &SnapCode> = b.iter().map(|c| (c.guid.as_str(), c)).collect();
    let path_of =
        |id: i64| b.iter().chain(a).find(|c| c.id == id).map(|c| c.path.clone()).unwrap_or_else(|| format!("#{id}"));
    let mut diff = CodebookDiff { from, to, ..CodebookDiff::default() };
    let merged_away: Vec<i64> = events.merges.iter().map(|m| m.0).collect();
    let split_new: Vec<i64> = events.splits.iter().map(|s| s.1).collect();
    for (from, into, codings) in &events.merges {
        if a.iter().any(|c| c.id == *from) {
            diff.merged.push(Merged { from_path: path_of(*from), into_path: path_of(*into), codings: *codings });
        }
    }
    for (source, new, codings) in &events.splits {
        if b.iter().any(|c| c.id == *new) {
            diff.split.push(Split { from_path: path_of(*source), new_path: path_of(*new), codings: *codings });
        }
    }
    for code in b {
        match by_guid_a.get(code.guid.as_str()) {
            None if !split_new.contains(&code.id) => {
                diff.added.push(DiffCode { path: code.path.clone(), codings: code.codings })
            }
            None => {}
            Some(old) => {
                let change = Changed {
                    from_path: old.path.clone(),
                    to_path: code.path.clone(),
                    codings_before: old.codings,
                    codings_after: code.codings,
                };
                if old.name != code.name {
                    diff.renamed.push(change.clone());
                }
                if old.parent_guid != code.parent_guid {
                    diff.moved.push(change.clone());
                }
                if old.codings != code.codings {
                    diff.recounted.push(change);
                }
            }
        }
    }
    for code in a {
        if !by_guid_b.contains_key(code.guid.as_str()) && !merged_away.contains(&code.id) {
            diff.removed.push(DiffCode { path: code.path.clone(), codings: code.codings });
        }
    }
    diff
}
