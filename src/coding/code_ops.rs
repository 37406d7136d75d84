//! The codebook commands: create, rename, recolour, describe, set status, move, merge, split and
//! delete codes. Each validates everything before its first write and returns a one-line summary.

use super::recorder::Recorder;
use super::rows::{self, CodeRec, CodingRec, Row};
use super::validate;
use crate::error::{Error, Result};
use crate::model::{CodeId, CodingId, ReviewStatus};

/// Colours given to new codes in turn when none is chosen (a colour-blind-safe qualitative set);
/// the workbench offers them as swatches when a code is recoloured.
pub const PALETTE: [&str; 12] = [
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
    "#AEC7E8", "#FFBB78",
];

pub(crate) fn create(
    rec: &mut Recorder<'_>,
    parent: Option<CodeId>,
    path: &str,
    color: Option<&str>,
    description: Option<&str>,
) -> Result<String> {
    let id = create_code(rec, parent, path, color, description)?;
    Ok(format!("created code {}", validate::path_of(rec.conn, id)?))
}

/// Creates the code at `path` under `parent` (and any missing codes on the way); returns its id.
pub(crate) fn create_code(
    rec: &mut Recorder<'_>,
    parent: Option<CodeId>,
    path: &str,
    color: Option<&str>,
    description: Option<&str>,
) -> Result<CodeId> {
    let parts = crate::store::codes::split_path(path)?;
    let names: Vec<String> = parts.iter().map(|p| validate::name(p)).collect::<Result<_>>()?;
    let color = color.map(validate::color).transpose()?;
    if let Some(p) = parent {
        validate::code(rec.conn, p)?;
    }
    let mut current = parent;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        match validate::child_named(rec.conn, current, name)? {
            Some(id) if !last => current = Some(id),
            Some(_) => validate::unique_sibling(rec.conn, current, name, None)?,
            None => {
                let id = rec.next_id("code")?;
                let chosen = color.clone().unwrap_or_else(|| PALETTE[(id as usize - 1) % PALETTE.len()].to_owned());
                let code = CodeRec {
                    id,
                    guid: crate::store::new_guid(),
                    parent_id: current,
                    name: name.clone(),
                    color: chosen,
                    description: if last { description.unwrap_or("").trim().to_owned() } else { String::new() },
                    inclusion: String::new(),
                    exclusion: String::new(),
                    example: String::new(),
                    status: ReviewStatus::Proposed.as_str().to_owned(),
                    position: validate::next_position(rec.conn, current)?,
                    created_at: rec.now.clone(),
                };
                rec.insert(Row::Code(code))?;
                current = Some(id);
            }
        }
    }
    current.ok_or_else(|| Error::invalid("empty code path"))
}

pub(crate) fn rename(rec: &mut Recorder<'_>, code: CodeId, name: &str) -> Result<String> {
    let before = validate::code(rec.conn, code)?;
    let name = validate::name(name)?;
    validate::unique_sibling(rec.conn, before.parent_id, &name, Some(code))?;
    let old_path = validate::path_of(rec.conn, code)?;
    let after = CodeRec { name: name.clone(), ..before.clone() };
    rec.update(Row::Code(before), Row::Code(after))?;
    Ok(format!("renamed code {old_path} to {name:?}"))
}

pub(crate) fn recolor(rec: &mut Recorder<'_>, code: CodeId, color: &str) -> Result<String> {
    let before = validate::code(rec.conn, code)?;
    let color = validate::color(color)?;
    let after = CodeRec { color: color.clone(), ..before.clone() };
    rec.update(Row::Code(before), Row::Code(after))?;
    Ok(format!("recoloured code {} to {color}", validate::path_of(rec.conn, code)?))
}

/// The definition fields of a code; `None` leaves a field as it is.
pub(crate) struct Definition<'a> {
    pub description: Option<&'a str>,
    pub inclusion: Option<&'a str>,
    pub exclusion: Option<&'a str>,
    pub example: Option<&'a str>,
}

pub(crate) fn describe(rec: &mut Recorder<'_>, code: CodeId, def: Definition<'_>) -> Result<String> {
    let before = validate::code(rec.conn, code)?;
    let pick = |new: Option<&str>, old: &str| new.map(|s| s.trim().to_owned()).unwrap_or_else(|| old.to_owned());
    let after = CodeRec {
        description: pick(def.description, &before.description),
        inclusion: pick(def.inclusion, &before.inclusion),
        exclusion: pick(def.exclusion, &before.exclusion),
        example: pick(def.example, &before.example),
        ..before.clone()
    };
    let fields: Vec<&str> = [
        ("description", def.description),
        ("inclusion", def.inclusion),
        ("exclusion", def.exclusion),
        ("example", def.example),
    ]
    .iter()
    .filter(|(_, v)| v.is_some())
    .map(|(k, _)| *k)
    .collect();
    if fields.is_empty() {
        return Err(Error::invalid("nothing to describe: give a description, inclusion, exclusion or example"));
    }
    rec.update(Row::Code(before), Row::Code(after))?;
    Ok(format!("described code {} ({})", validate::path_of(rec.conn, code)?, fields.join(", ")))
}

pub(crate) fn set_status(rec: &mut Recorder<'_>, code: CodeId, status: ReviewStatus) -> Result<String> {
    let before = validate::code(rec.conn, code)?;
    let after = CodeRec { status: status.as_str().to_owned(), ..before.clone() };
    rec.update(Row::Code(before), Row::Code(after))?;
    Ok(format!("set status of code {} to {}", validate::path_of(rec.conn, code)?, status.as_str()))
}

/// Refuses `target` if it lies in the subtree of `code` (the code itself included).
fn refuse_inside(rec: &Recorder<'_>, code: CodeId, target: CodeId, doing: &str, prep: &str) -> Result<()> {
    if validate::subtree(rec.conn, code)?.contains(&target) {
        let (from, to) = (validate::path_of(rec.conn, code)?, validate::path_of(rec.conn, target)?);
        let reason = if code == target {
            "that is the code itself".to_owned()
        } else {
            format!("{to:?} is one of its own sub-codes")
        };
        return Err(Error::invalid(format!(
            "cannot {doing} {from:?} {prep} {to:?}: {reason}; choose a code outside {from:?}"
        )));
    }
    Ok(())
}

pub(crate) fn move_code(rec: &mut Recorder<'_>, code: CodeId, parent: Option<CodeId>) -> Result<String> {
    let before = validate::code(rec.conn, code)?;
    if let Some(p) = parent {
        validate::code(rec.conn, p)?;
        refuse_inside(rec, code, p, "move", "under")?;
    }
    let old_path = validate::path_of(rec.conn, code)?;
    if before.parent_id == parent {
        return Ok(format!("code {old_path} is already there; nothing changed"));
    }
    validate::unique_sibling(rec.conn, parent, &before.name, Some(code))?;
    let position = validate::next_position(rec.conn, parent)?;
    let after = CodeRec { parent_id: parent, position, ..before.clone() };
    rec.update(Row::Code(before), Row::Code(after))?;
    Ok(format!("moved code {old_path} to {}", validate::path_of(rec.conn, code)?))
}

/// Gives a coding to code `into`; if `into` already has the same span by the same coder, the
/// coding is deleted instead and its memos move to the surviving coding. Returns true if moved.
fn reassign_coding(rec: &mut Recorder<'_>, coding: CodingRec, into: CodeId) -> Result<bool> {
    let existing: Option<i64> = {
        use rusqlite::OptionalExtension;
        rec.conn
            .prepare_cached(
                "SELECT id FROM coding WHERE document_id = ?1 AND code_id = ?2 AND coder_id = ?3 AND start = ?4
                 AND \"end\" = ?5",
            )?
            .query_row(rusqlite::params![coding.document_id, into, coding.coder_id, coding.start, coding.end], |r| {
                r.get(0)
            })
            .optional()?
    };
    match existing {
        Some(survivor) => {
            for memo in rows::memos_on(rec.conn, "coding", coding.id)? {
                let moved = rows::MemoRec { target_id: Some(survivor), ..memo.clone() };
                rec.update(Row::Memo(memo), Row::Memo(moved))?;
            }
            rec.delete(Row::Coding(coding))?;
            Ok(false)
        }
        None => {
            let moved = CodingRec { code_id: into, ..coding.clone() };
            rec.update(Row::Coding(coding), Row::Coding(moved))?;
            Ok(true)
        }
    }
}

/// Moves memos and team comments on code `from` to code `into`.
fn retarget_notes(rec: &mut Recorder<'_>, from: CodeId, into: CodeId) -> Result<()> {
    for memo in rows::memos_on(rec.conn, "code", from)? {
        let moved = rows::MemoRec { target_id: Some(into), ..memo.clone() };
        rec.update(Row::Memo(memo), Row::Memo(moved))?;
    }
    for comment in rows::comments_on(rec.conn, from)? {
        let moved = rows::CommentRec { code_id: into, ..comment.clone() };
        rec.update(Row::Comment(comment), Row::Comment(moved))?;
    }
    Ok(())
}

pub(crate) fn merge(rec: &mut Recorder<'_>, from: CodeId, into: CodeId) -> Result<String> {
    let source = validate::code(rec.conn, from)?;
    validate::code(rec.conn, into)?;
    refuse_inside(rec, from, into, "merge", "into")?;
    let (from_path, into_path) = (validate::path_of(rec.conn, from)?, validate::path_of(rec.conn, into)?);
    let children: Vec<CodeRec> = rows::all_codes(rec.conn)?.into_iter().filter(|c| c.parent_id == Some(from)).collect();
    for child in &children {
        validate::unique_sibling(rec.conn, Some(into), &child.name, None).map_err(|_| {
            Error::invalid(format!(
                "cannot merge {from_path:?} into {into_path:?}: both have a sub-code named {:?}; rename or merge \
                 that sub-code first",
                child.name
            ))
        })?;
    }
    for child in children {
        let position = validate::next_position(rec.conn, Some(into))?;
        let moved = CodeRec { parent_id: Some(into), position, ..child.clone() };
        rec.update(Row::Code(child), Row::Code(moved))?;
    }
    let (mut moved, mut dropped) = (0, 0);
    for coding in rows::codings_of_code(rec.conn, from)? {
        if reassign_coding(rec, coding, into)? { moved += 1 } else { dropped += 1 }
    }
    retarget_notes(rec, from, into)?;
    rec.delete(Row::Code(source))?;
    Ok(format!("merged code {from_path} into {into_path} ({moved} codings moved, {dropped} duplicates dropped)"))
}

pub(crate) fn split(rec: &mut Recorder<'_>, code: CodeId, name: &str, codings: &[CodingId]) -> Result<String> {
    let source = validate::code(rec.conn, code)?;
    let name = validate::name(name)?;
    let path = validate::path_of(rec.conn, code)?;
    if codings.is_empty() {
        return Err(Error::invalid(format!("choose at least one coding of {path:?} to move to the new code")));
    }
    let mut chosen = Vec::with_capacity(codings.len());
    for &id in codings {
        let coding = rows::read_coding(rec.conn, id)?.ok_or_else(|| Error::not_found("coding", format!("#{id}")))?;
        if coding.code_id != code {
            return Err(Error::invalid(format!("coding #{id} is not a coding of {path:?}; only its codings can move")));
        }
        if !chosen.iter().any(|c: &CodingRec| c.id == id) {
            chosen.push(coding);
        }
    }
    validate::unique_sibling(rec.conn, source.parent_id, &name, None)?;
    let id = rec.next_id("code")?;
    let new_code = CodeRec {
        id,
        guid: crate::store::new_guid(),
        name: name.clone(),
        description: String::new(),
        inclusion: String::new(),
        exclusion: String::new(),
        example: String::new(),
        status: ReviewStatus::Proposed.as_str().to_owned(),
        position: validate::next_position(rec.conn, source.parent_id)?,
        created_at: rec.now.clone(),
        ..source
    };
    rec.insert(Row::Code(new_code))?;
    let count = chosen.len();
    for coding in chosen {
        let moved = CodingRec { code_id: id, ..coding.clone() };
        rec.update(Row::Coding(coding), Row::Coding(moved))?;
    }
    Ok(format!("split code {path}: {count} codings moved to new code {}", validate::path_of(rec.conn, id)?))
}

pub(crate) fn delete(rec: &mut Recorder<'_>, code: CodeId, reassign_to: Option<CodeId>) -> Result<String> {
    validate::code(rec.conn, code)?;
    let path = validate::path_of(rec.conn, code)?;
    if let Some(target) = reassign_to {
        validate::code(rec.conn, target)?;
        refuse_inside(rec, code, target, "delete", "reassigning its codings to")?;
    }
    let doomed = validate::subtree(rec.conn, code)?;
    let mut affected = 0;
    for &id in doomed.iter().rev() {
        for coding in rows::codings_of_code(rec.conn, id)? {
            affected += 1;
            match reassign_to {
                Some(target) => {
                    reassign_coding(rec, coding, target)?;
                }
                None => remove_coding(rec, coding)?,
            }
        }
        match reassign_to {
            Some(target) => retarget_notes(rec, id, target)?,
            None => remove_notes(rec, id)?,
        }
        let row = validate::code(rec.conn, id)?;
        rec.delete(Row::Code(row))?;
    }
    let subs = doomed.len() - 1;
    let fate = match reassign_to {
        Some(target) => format!("{affected} codings reassigned to {}", validate::path_of(rec.conn, target)?),
        None => format!("{affected} codings deleted"),
    };
    Ok(format!("deleted code {path} with {subs} sub-codes ({fate})"))
}

/// Deletes a coding and the memos written on it.
pub(crate) fn remove_coding(rec: &mut Recorder<'_>, coding: CodingRec) -> Result<()> {
    for memo in rows::memos_on(rec.conn, "coding", coding.id)? {
        rec.delete(Row::Memo(memo))?;
    }
    rec.delete(Row::Coding(coding))
}

fn remove_notes(rec: &mut Recorder<'_>, code: CodeId) -> Result<()> {
    for memo in rows::memos_on(rec.conn, "code", code)? {
        rec.delete(Row::Memo(memo))?;
    }
    for comment in rows::comments_on(rec.conn, code)? {
        rec.delete(Row::Comment(comment))?;
    }
    Ok(())
}
