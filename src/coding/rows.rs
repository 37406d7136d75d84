//! Whole-row images of the tables the command layer changes (code, coding, memo, code_comment;
//! attribute names and values, see [`super::attribute_rows`]; coders and participants, see
//! [`super::people_rows`]; media links, see [`super::media_rows`]), and the four row operations undo and redo are built from: read, insert with its original id,
//! update every column, delete.
//!
//! A command records the before and after image of every row it touches; undo writes the
//! before images back and redo the after images, so ids and guids come back exactly.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

pub use super::attribute_rows::{AttributeRec, AttributeValueRec};
pub use super::media_rows::MediaLinkRec;
pub use super::people_rows::{People, PersonRec};
use crate::error::Result;
use crate::store::gap::{self, Frame};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRec {
    pub id: i64,
    pub guid: String,
    pub parent_id: Option<i64>,
    pub name: String,
    pub color: String,
    pub description: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
    pub status: String,
    pub position: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodingRec {
    pub id: i64,
    pub guid: String,
    pub document_id: i64,
    pub code_id: i64,
    pub coder_id: i64,
    pub start: i64,
    pub end: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoRec {
    pub id: i64,
    pub guid: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRec {
    pub id: i64,
    pub code_id: i64,
    pub author: String,
    pub created_at: String,
    pub body: String,
}

/// A row of one of the tables the command layer changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "table", rename_all = "lowercase")]
pub enum Row {
    Code(CodeRec),
    Coding(CodingRec),
    Memo(MemoRec),
    Comment(CommentRec),
    Attribute(AttributeRec),
    /// Keyed by owner and attribute, not by an id of its own.
    Value(AttributeValueRec),
    Coder(PersonRec),
    Participant(PersonRec),
    /// A document's media link, keyed by its document.
    #[serde(rename = "media_link")]
    MediaLink(MediaLinkRec),
}

/// One row changed by a command: `before` is `None` for an insert, `after` for a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Row>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Row>,
}

impl Row {
    /// The row's id; for an attribute value, its owner's id.
    pub fn id(&self) -> i64 {
        match self {
            Row::Code(r) => r.id,
            Row::Coding(r) => r.id,
            Row::Memo(r) => r.id,
            Row::Comment(r) => r.id,
            Row::Attribute(r) => r.id,
            Row::Value(r) => r.owner_id,
            Row::Coder(r) | Row::Participant(r) => r.id,
            Row::MediaLink(r) => r.document_id,
        }
    }

    /// The row as it is now in the database (same table and id), if it exists.
    pub fn current(&self, conn: &Connection) -> Result<Option<Row>> {
        let id = self.id();
        Ok(match self {
            Row::Code(_) => read_code(conn, id)?.map(Row::Code),
            Row::Coding(_) => read_coding(conn, id)?.map(Row::Coding),
            Row::Memo(_) => read_memo(conn, id)?.map(Row::Memo),
            Row::Comment(_) => read_comment(conn, id)?.map(Row::Comment),
            Row::Attribute(_) => AttributeRec::read(conn, id)?.map(Row::Attribute),
            Row::Value(r) => r.current(conn)?.map(Row::Value),
            Row::Coder(_) => People::Coders.read(conn, id)?.map(Row::Coder),
            Row::Participant(_) => People::Participants.read(conn, id)?.map(Row::Participant),
            Row::MediaLink(_) => MediaLinkRec::read(conn, id)?.map(Row::MediaLink),
        })
    }

    /// Drops the analysis cache entry of a coding's document (before it is written): the
    /// stored row's document too, for an update.
    fn invalidate_cache(&self, conn: &Connection) -> Result<()> {
        if let Row::Coding(r) = self {
            crate::store::coding_cache::invalidate_for_coding(conn, r.document_id, r.id)?;
        }
        Ok(())
    }

    /// Inserts the row with its own id.
    pub fn insert(&self, conn: &Connection) -> Result<()> {
        self.invalidate_cache(conn)?;
        match self {
            Row::Code(r) => conn
                .prepare_cached(
                    "INSERT INTO code (id, guid, parent_id, name, color, description, inclusion, exclusion, example,
                                       status, position, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    r.id,
                    r.guid,
                    r.parent_id,
                    r.name,
                    r.color,
                    r.description,
                    r.inclusion,
                    r.exclusion,
                    r.example,
                    r.status,
                    r.position,
                    r.created_at
                ])?,
            Row::Coding(r) => {
                let (start, end) = r.stored(conn)?;
                conn.prepare_cached(
                    "INSERT INTO coding_row (id, guid, document_id, code_id, coder_id, start, \"end\", created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    r.id,
                    r.guid,
                    r.document_id,
                    r.code_id,
                    r.coder_id,
                    start,
                    end,
                    r.created_at
                ])?
            }
            Row::Memo(r) => conn
                .prepare_cached(
                    "INSERT INTO memo (id, guid, target_kind, target_id, title, body, author, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    r.id,
                    r.guid,
                    r.target_kind,
                    r.target_id,
                    r.title,
                    r.body,
                    r.author,
                    r.created_at,
                    r.updated_at
                ])?,
            Row::Comment(r) => conn
                .prepare_cached(
                    "INSERT INTO code_comment (id, code_id, author, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![r.id, r.code_id, r.author, r.created_at, r.body])?,
            Row::Attribute(r) => return r.insert(conn),
            Row::Value(r) => return r.insert(conn),
            Row::Coder(r) => return People::Coders.insert(conn, r),
            Row::Participant(r) => return People::Participants.insert(conn, r),
            Row::MediaLink(r) => return r.insert(conn),
        };
        Ok(())
    }

    /// Writes every column of the row over the stored row with the same id.
    pub fn update(&self, conn: &Connection) -> Result<()> {
        self.invalidate_cache(conn)?;
        match self {
            Row::Code(r) => conn
                .prepare_cached(
                    "UPDATE code SET guid = ?2, parent_id = ?3, name = ?4, color = ?5, description = ?6,
                            inclusion = ?7, exclusion = ?8, example = ?9, status = ?10, position = ?11,
                            created_at = ?12 WHERE id = ?1",
                )?
                .execute(params![
                    r.id,
                    r.guid,
                    r.parent_id,
                    r.name,
                    r.color,
                    r.description,
                    r.inclusion,
                    r.exclusion,
                    r.example,
                    r.status,
                    r.position,
                    r.created_at
                ])?,
            Row::Coding(r) => {
                let (start, end) = r.stored(conn)?;
                conn.prepare_cached(
                    "UPDATE coding_row SET guid = ?2, document_id = ?3, code_id = ?4, coder_id = ?5, start = ?6,
                            \"end\" = ?7, created_at = ?8 WHERE id = ?1",
                )?
                .execute(params![
                    r.id,
                    r.guid,
                    r.document_id,
                    r.code_id,
                    r.coder_id,
                    start,
                    end,
                    r.created_at
                ])?
            }
            Row::Memo(r) => conn
                .prepare_cached(
                    "UPDATE memo SET guid = ?2, target_kind = ?3, target_id = ?4, title = ?5, body = ?6, author = ?7,
                            created_at = ?8, updated_at = ?9 WHERE id = ?1",
                )?
                .execute(params![
                    r.id,
                    r.guid,
                    r.target_kind,
                    r.target_id,
                    r.title,
                    r.body,
                    r.author,
                    r.created_at,
                    r.updated_at
                ])?,
            Row::Comment(r) => conn
                .prepare_cached(
                    "UPDATE code_comment SET code_id = ?2, author = ?3, created_at = ?4, body = ?5 WHERE id = ?1",
                )?
                .execute(params![r.id, r.code_id, r.author, r.created_at, r.body])?,
            Row::Attribute(r) => return r.update(conn),
            Row::Value(r) => return r.update(conn),
            Row::Coder(r) => return People::Coders.update(conn, r),
            Row::Participant(r) => return People::Participants.update(conn, r),
            Row::MediaLink(r) => return r.update(conn),
        };
        Ok(())
    }

    /// Deletes the stored row with this row's id (an attribute value: with its owner and attribute).
    pub fn delete(&self, conn: &Connection) -> Result<()> {
        self.invalidate_cache(conn)?;
        let table = match self {
            Row::Code(_) => "code",
            Row::Coding(_) => "coding_row",
            Row::Memo(_) => "memo",
            Row::Comment(_) => "code_comment",
            Row::Attribute(_) => "attribute",
            Row::Coder(_) => "coder",
            Row::Participant(_) => "participant",
            Row::Value(r) => return r.delete(conn),
            Row::MediaLink(r) => return r.delete(conn),
        };
        let sql = format!("DELETE FROM {table} WHERE id = ?1");
        conn.prepare_cached(&sql)?.execute([self.id()])?;
        Ok(())
    }
}

impl CodingRec {
    /// The coding's offsets as `coding_row` stores them (see `store::gap`). A start or end
    /// outside the document's text is refused, as the table's old CHECK did.
    fn stored(&self, conn: &Connection) -> Result<(i64, i64)> {
        let frame = gap::frame(conn, self.document_id)?;
        if !(0 <= self.start && self.start < self.end && self.end <= frame.len as i64) {
            return Err(crate::Error::invalid(format!(
                "coding #{} would span {}..{} of a text of {} characters; nothing was changed",
                self.id, self.start, self.end, frame.len
            )));
        }
        Ok((frame.encode(self.start), frame.encode(self.end)))
    }

    /// A new coding (fresh guid) of `span` by `coder`, with row id `id`.
    pub fn for_span(id: i64, span: &crate::coding::SpanRef, coder: i64, created_at: &str) -> CodingRec {
        CodingRec {
            id,
            guid: crate::store::new_guid(),
            document_id: span.document,
            code_id: span.code,
            coder_id: coder,
            start: span.start as i64,
            end: span.end as i64,
            created_at: created_at.to_owned(),
        }
    }

    /// Inserts the coding with its own id unless the same coding (document, code, coder and
    /// span) is stored already; returns whether it was inserted. One statement instead of a
    /// look-up followed by an insert; other constraint violations are still errors.
    pub fn insert_if_new(&self, conn: &Connection) -> Result<bool> {
        let (start, end) = self.stored(conn)?;
        let inserted = conn
            .prepare_cached(
                "INSERT INTO coding_row (id, guid, document_id, code_id, coder_id, start, \"end\", created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (document_id, code_id, coder_id, start, \"end\") DO NOTHING",
            )?
            .execute(params![
                self.id,
                self.guid,
                self.document_id,
                self.code_id,
                self.coder_id,
                start,
                end,
                self.created_at
            ])?;
        if inserted == 1 {
            crate::store::coding_cache::invalidate(conn, self.document_id)?;
        }
        Ok(inserted == 1)
    }
}

/// A coding's place in its document, as a text edit moves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodingSpan {
    pub id: i64,
    pub code_id: i64,
    pub coder_id: i64,
    pub start: i64,
    pub end: i64,
}

/// The codings of one document, by start (then id).
///
/// Read without `ORDER BY` and sorted here: so SQLite answers from the covering unique index
/// (document, code, coder, start, end; the id comes with it) instead of looking each row up in the
/// table, about three times faster for a transcript with 20,000 codings.
pub fn coding_spans(conn: &Connection, document: i64) -> Result<Vec<CodingSpan>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, code_id, coder_id, start, \"end\" FROM coding WHERE document_id = ?1")?;
    let rows = stmt.query_map([document], |r| {
        Ok(CodingSpan { id: r.get(0)?, code_id: r.get(1)?, coder_id: r.get(2)?, start: r.get(3)?, end: r.get(4)? })
    })?;
    let mut spans: Vec<CodingSpan> = rows.collect::<rusqlite::Result<_>>()?;
    spans.sort_unstable_by_key(|c| (c.start, c.id));
    Ok(spans)
}

/// The codings of `document` that reach the code point range `[lo, hi]` (an edge inside it or
/// at either end), ordered by start: the only ones an edit of that range moves otherwise than
/// by one bulk shift (see `coding::text_edit`). Read from the unique index, which holds every
/// column asked for, so the document's other codings cost an index entry each, not a row.
pub fn coding_spans_near(conn: &Connection, document: i64, lo: usize, hi: usize) -> Result<Vec<CodingSpan>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code_id, coder_id, start, \"end\" FROM coding WHERE document_id = ?1 AND \"end\" >= ?2 AND start <= ?3",
    )?;
    let rows = stmt.query_map(params![document, lo as i64, hi as i64], |r| {
        Ok(CodingSpan { id: r.get(0)?, code_id: r.get(1)?, coder_id: r.get(2)?, start: r.get(3)?, end: r.get(4)? })
    })?;
    let mut spans: Vec<CodingSpan> = rows.collect::<rusqlite::Result<_>>()?;
    spans.sort_unstable_by_key(|c| (c.start, c.id));
    Ok(spans)
}

/// Codings are parked this far beyond any text (plus their id) while an edit writes a
/// document's codings, should the direct order of updates meet the unique constraint.
const PARKED: i64 = 1 << 40;

/// Writes one document's codings after a text edit (see `coding::text_edit`): each of `moves`
/// (id, start, end; positions in the edited text) stored in `frame`, the document's frame after
/// the edit. The codings not in `moves` need no write (see `store::gap`). Drops the document's
/// cache entry. The caller has made sure no two codings end up on the same span; should the
/// updates meet the unique constraint on the way (a coding moving onto a place another has not
/// left yet), every coding of `moves` is first parked on a place of its own beyond the text.
pub fn move_codings(conn: &Connection, document: i64, frame: Frame, moves: &[(i64, i64, i64)]) -> Result<()> {
    if moves.is_empty() {
        return Ok(());
    }
    crate::store::coding_cache::invalidate(conn, document)?;
    conn.execute_batch("SAVEPOINT move_codings")?;
    let outcome = match write_moves(conn, frame, moves) {
        Err(crate::Error::Sqlite(e)) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            conn.execute_batch("ROLLBACK TO move_codings")?;
            park(conn, moves).and_then(|()| write_moves(conn, frame, moves))
        }
        other => other,
    };
    match outcome {
        Ok(()) => conn.execute_batch("RELEASE move_codings")?,
        Err(_) => conn.execute_batch("ROLLBACK TO move_codings; RELEASE move_codings")?,
    }
    outcome
}

fn write_moves(conn: &Connection, frame: Frame, moves: &[(i64, i64, i64)]) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE coding_row SET start = ?2, \"end\" = ?3 WHERE id = ?1")?;
    for &(id, start, end) in moves {
        stmt.execute(params![id, frame.encode(start), frame.encode(end)])?;
    }
    Ok(())
}

fn park(conn: &Connection, moves: &[(i64, i64, i64)]) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE coding_row SET start = ?2, \"end\" = ?2 + 1 WHERE id = ?1")?;
    for &(id, ..) in moves {
        stmt.execute(params![id, PARKED + id])?;
    }
    Ok(())
}

/// How many of the document's codings start after `position`, with its offsets stored in
/// `frame` whose gap is at or before `position + 1` (so each of them is stored from the end):
/// counted on the stored offsets, without reading the positions back through the view.
pub fn codings_after(conn: &Connection, document: i64, frame: Frame, position: usize) -> Result<usize> {
    debug_assert!(frame.gap <= position + 1);
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM coding_row WHERE document_id = ?1 AND start < 0 AND start > ?2")?
        .query_row(params![document, position as i64 - frame.len as i64 - 1], |r| r.get(0))?;
    Ok(count as usize)
}

const CODE_COLUMNS: &str =
    "id, guid, parent_id, name, color, description, inclusion, exclusion, example, status, position, created_at";

fn code_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CodeRec> {
    Ok(CodeRec {
        id: r.get(0)?,
        guid: r.get(1)?,
        parent_id: r.get(2)?,
        name: r.get(3)?,
        color: r.get(4)?,
        description: r.get(5)?,
        inclusion: r.get(6)?,
        exclusion: r.get(7)?,
        example: r.get(8)?,
        status: r.get(9)?,
        position: r.get(10)?,
        created_at: r.get(11)?,
    })
}

const CODING_COLUMNS: &str = "id, guid, document_id, code_id, coder_id, start, \"end\", created_at";

fn coding_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CodingRec> {
    Ok(CodingRec {
        id: r.get(0)?,
        guid: r.get(1)?,
        document_id: r.get(2)?,
        code_id: r.get(3)?,
        coder_id: r.get(4)?,
        start: r.get(5)?,
        end: r.get(6)?,
        created_at: r.get(7)?,
    })
}

const MEMO_COLUMNS: &str = "id, guid, target_kind, target_id, title, body, author, created_at, updated_at";

fn memo_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<MemoRec> {
    Ok(MemoRec {
        id: r.get(0)?,
        guid: r.get(1)?,
        target_kind: r.get(2)?,
        target_id: r.get(3)?,
        title: r.get(4)?,
        body: r.get(5)?,
        author: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

const COMMENT_COLUMNS: &str = "id, code_id, author, created_at, body";

fn comment_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CommentRec> {
    Ok(CommentRec { id: r.get(0)?, code_id: r.get(1)?, author: r.get(2)?, created_at: r.get(3)?, body: r.get(4)? })
}

pub fn read_code(conn: &Connection, id: i64) -> Result<Option<CodeRec>> {
    let sql = format!("SELECT {CODE_COLUMNS} FROM code WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], code_from).optional()?)
}

pub fn read_coding(conn: &Connection, id: i64) -> Result<Option<CodingRec>> {
    let sql = format!("SELECT {CODING_COLUMNS} FROM coding WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], coding_from).optional()?)
}

pub fn read_memo(conn: &Connection, id: i64) -> Result<Option<MemoRec>> {
    let sql = format!("SELECT {MEMO_COLUMNS} FROM memo WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], memo_from).optional()?)
}

pub fn read_comment(conn: &Connection, id: i64) -> Result<Option<CommentRec>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM code_comment WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], comment_from).optional()?)
}

/// Every code, by id.
pub fn all_codes(conn: &Connection) -> Result<Vec<CodeRec>> {
    let sql = format!("SELECT {CODE_COLUMNS} FROM code ORDER BY id");
    Ok(conn.prepare(&sql)?.query_map([], code_from)?.collect::<rusqlite::Result<_>>()?)
}

/// The codings of the given codes, by id.
pub fn codings_of_code(conn: &Connection, code: i64) -> Result<Vec<CodingRec>> {
    let sql = format!("SELECT {CODING_COLUMNS} FROM coding WHERE code_id = ?1 ORDER BY id");
    Ok(conn.prepare_cached(&sql)?.query_map([code], coding_from)?.collect::<rusqlite::Result<_>>()?)
}

/// Every coding, by id.
pub fn all_codings(conn: &Connection) -> Result<Vec<CodingRec>> {
    let sql = format!("SELECT {CODING_COLUMNS} FROM coding ORDER BY id");
    Ok(conn.prepare(&sql)?.query_map([], coding_from)?.collect::<rusqlite::Result<_>>()?)
}

/// Memos on one target, by id.
pub fn memos_on(conn: &Connection, kind: &str, target: i64) -> Result<Vec<MemoRec>> {
    let sql = format!("SELECT {MEMO_COLUMNS} FROM memo WHERE target_kind = ?1 AND target_id = ?2 ORDER BY id");
    Ok(conn.prepare_cached(&sql)?.query_map(params![kind, target], memo_from)?.collect::<rusqlite::Result<_>>()?)
}

/// Every memo, by id.
pub fn all_memos(conn: &Connection) -> Result<Vec<MemoRec>> {
    let sql = format!("SELECT {MEMO_COLUMNS} FROM memo ORDER BY id");
    Ok(conn.prepare(&sql)?.query_map([], memo_from)?.collect::<rusqlite::Result<_>>()?)
}

/// Every team comment, by id.
pub fn all_comments(conn: &Connection) -> Result<Vec<CommentRec>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM code_comment ORDER BY id");
    Ok(conn.prepare(&sql)?.query_map([], comment_from)?.collect::<rusqlite::Result<_>>()?)
}

/// Team comments on one code, by id.
pub fn comments_on(conn: &Connection, code: i64) -> Result<Vec<CommentRec>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM code_comment WHERE code_id = ?1 ORDER BY id");
    Ok(conn.prepare_cached(&sql)?.query_map([code], comment_from)?.collect::<rusqlite::Result<_>>()?)
}
