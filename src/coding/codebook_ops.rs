//! The codebook-import command: the codes of a `.qdc` or `.csv` file merged into the codebook
//! as one undoable change. Codes match by GUID, else by name under their (matched) parent;
//! matched codes get the file's non-empty fields, the others are created.
//!
//! The existing codebook is read into maps once, so an import takes time linear in the number
//! of codes, however deep the tree (the first version looked up every path prefix in SQL for
//! every code: cubic in the depth).

use std::collections::HashMap;

use super::command::IncomingCode;
use super::recorder::Recorder;
use super::rows::{self, CodeRec, Row};
use crate::error::{Error, Result};
use crate::model::{CodeId, ReviewStatus};

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
}

/// The codebook as it stands, kept in step while the import adds codes.
struct Book {
    by_guid: HashMap<String, CodeId>,
    by_name: HashMap<(Option<CodeId>, String), CodeId>,
    /// The position the next child of a parent gets.
    next_position: HashMap<Option<CodeId>, i64>,
    rows: HashMap<CodeId, CodeRec>,
}

impl Book {
    fn load(rec: &Recorder<'_>) -> Result<Book> {
        let mut book = Book {
            by_guid: HashMap::new(),
            by_name: HashMap::new(),
            next_position: HashMap::new(),
            rows: HashMap::new(),
        };
        for code in rows::all_codes(rec.conn)? {
            book.add(code);
        }
        Ok(book)
    }

    fn add(&mut self, code: CodeRec) {
        self.by_guid.insert(code.guid.clone(), code.id);
        self.by_name.insert((code.parent_id, code.name.clone()), code.id);
        let next = self.next_position.entry(code.parent_id).or_insert(0);
        *next = (*next).max(code.position + 1);
        self.rows.insert(code.id, code);
    }

    fn find(&self, parent: Option<CodeId>, code: &IncomingCode) -> Option<CodeId> {
        let by_guid = code.guid.as_ref().and_then(|g| self.by_guid.get(g));
        by_guid.or_else(|| self.by_name.get(&(parent, code.name.clone()))).copied()
    }
}

/// Imports the codes; returns the summary and the numbers of codes added and updated.
pub(crate) fn import(rec: &mut Recorder<'_>, file: &str, codes: &[IncomingCode]) -> Result<(String, Counts)> {
    let mut book = Book::load(rec)?;
    let mut resolved: Vec<CodeId> = Vec::with_capacity(codes.len());
    let (mut added, mut updated) = (0, 0);
    for (index, code) in codes.iter().enumerate() {
        let parent = match code.parent {
            Some(p) if p < index => Some(resolved[p]),
            Some(_) => return Err(Error::invalid(format!("codebook entry {index} names a parent after it"))),
            None => None,
        };
        let id = match book.find(parent, code) {
            Some(id) => {
                updated += usize::from(update(rec, &mut book, id, code)?);
                id
            }
            None => {
                added += 1;
                create(rec, &mut book, parent, code)?
            }
        };
        resolved.push(id);
    }
    let summary = format!("imported codebook {file}: {added} codes added, {updated} updated");
    Ok((summary, Counts { added, updated }))
}

/// The code's row with the file's non-empty fields written over it.
fn with_fields(mut row: CodeRec, code: &IncomingCode) -> CodeRec {
    let fields = [
        (&mut row.description, &code.description),
        (&mut row.inclusion, &code.inclusion),
        (&mut row.exclusion, &code.exclusion),
        (&mut row.example, &code.example),
    ];
    for (field, value) in fields {
        if !value.is_empty() {
            value.clone_into(field);
        }
    }
    if let Some(color) = &code.color {
        color.clone_into(&mut row.color);
    }
    if let Some(status) = code.status {
        row.status = status.as_str().to_owned();
    }
    row
}

/// Writes the file's fields over a matched code; returns whether anything changed.
fn update(rec: &mut Recorder<'_>, book: &mut Book, id: CodeId, code: &IncomingCode) -> Result<bool> {
    let before = book.rows.get(&id).cloned().ok_or_else(|| Error::not_found("code", format!("#{id}")))?;
    let after = with_fields(before.clone(), code);
    if after == before {
        return Ok(false);
    }
    book.rows.insert(id, after.clone());
    rec.update(Row::Code(before), Row::Code(after))?;
    Ok(true)
}

fn create(rec: &mut Recorder<'_>, book: &mut Book, parent: Option<CodeId>, code: &IncomingCode) -> Result<CodeId> {
    let name = super::validate::name(&code.name)?;
    let guid = match &code.guid {
        Some(g) if !g.is_empty() && !book.by_guid.contains_key(g) => g.clone(),
        _ => crate::store::new_guid(),
    };
    let id = rec.next_id("code")?;
    let bare = CodeRec {
        id,
        guid,
        parent_id: parent,
        name,
        color: "#808080".to_owned(),
        description: String::new(),
        inclusion: String::new(),
        exclusion: String::new(),
        example: String::new(),
        status: ReviewStatus::Proposed.as_str().to_owned(),
        position: book.next_position.get(&parent).copied().unwrap_or(0),
        created_at: rec.now.clone(),
    };
    let row = with_fields(bare, code);
    rec.insert(Row::Code(row.clone()))?;
    book.add(row);
    Ok(id)
}
