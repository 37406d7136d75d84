//! Offsets stored relative to a document's edit gap, so that an edit writes only the spans that
//! reach it.
//!
//! Why: a one-character edit in the middle of a 5 MB transcript moves the 10,000 codings and
//! turns after it. Stored as plain positions, each of those rows — and its entry in the codings'
//! unique index — had to be rewritten, which was most of the edit's cost. So `coding_row` and
//! `turn_row` store each position relative to the document's gap (`document.gap`, NULL meaning
//! past the end): a position before the gap as itself, one at or after it counted from the end
//! of the text (`position - char_count - 1`, negative). When the text's length changes, every
//! position after the gap moves with it and nothing is written. The views `coding` and `turn`
//! read the positions back (schema.sql), so nothing that reads them knows.
//!
//! An edit whose reach (first replaced start to last replaced end) does not hold the gap moves
//! it there first ([`move_into`]): the offsets between the old and the new place are
//! re-encoded, a cost that grows with the distance, as in a text editor's gap buffer. Typing
//! moves on from the last edit, so the gap is already there. Re-encoding changes no position, so
//! no two codings can meet on the unique index on the way.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::model::DocumentId;

/// How one document's offsets are stored: its gap and text length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Positions before this are stored as they are; at or after it, from the end.
    pub gap: usize,
    /// The text's length in code points.
    pub len: usize,
}

impl Frame {
    /// The frame of a text of `len` code points with the gap past its end (every position
    /// stored as it is): a new document's.
    pub fn plain(len: usize) -> Frame {
        Frame { gap: len + 1, len }
    }

    /// The stored form of `position`.
    pub fn encode(self, position: i64) -> i64 {
        match position < self.gap as i64 {
            true => position,
            false => position - self.len as i64 - 1,
        }
    }

    /// The position a stored offset stands for (the inverse of [`Frame::encode`]).
    pub fn decode(self, stored: i64) -> i64 {
        match stored >= 0 {
            true => stored,
            false => stored + self.len as i64 + 1,
        }
    }
}

/// The tables whose offsets follow the gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Codings,
    Turns,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Codings => "coding_row",
            Table::Turns => "turn_row",
        }
    }
}

/// The document's frame as stored.
pub fn frame(conn: &Connection, document: DocumentId) -> Result<Frame> {
    conn.prepare_cached("SELECT gap, char_count FROM document WHERE id = ?1")?
        .query_row([document], |r| {
            let len = r.get::<_, i64>(1)?.max(0) as usize;
            let gap = r.get::<_, Option<i64>>(0)?.map_or(len + 1, |g| g.clamp(0, len as i64 + 1) as usize);
            Ok(Frame { gap, len })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("document", format!("#{document}")))
}

/// Moves the document's gap into `[lo, hi]` (positions in the current text), re-encoding the
/// offsets of both tables that lie between its old and new place. Returns the frame the offsets
/// are now stored in; the caller stores the gap with the text (`documents::set_text`: one write
/// of the document's row, which holds the whole text).
pub fn move_into(conn: &Connection, document: DocumentId, now: Frame, lo: usize, hi: usize) -> Result<Frame> {
    let target = now.gap.clamp(lo, hi.max(lo));
    if target == now.gap {
        return Ok(now);
    }
    let n = now.len as i64 + 1;
    // Stored range [from, to) and what to add to it.
    let (from, to, add) = match target > now.gap {
        true => (now.gap as i64 - n, target as i64 - n, n),
        false => (target as i64, now.gap as i64, -n),
    };
    for table in [Table::Codings, Table::Turns] {
        reencode(conn, document, table, from, to, add)?;
    }
    Ok(Frame { gap: target, len: now.len })
}

fn reencode(conn: &Connection, document: DocumentId, table: Table, from: i64, to: i64, add: i64) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET start = start + CASE WHEN start >= ?2 AND start < ?3 THEN ?4 ELSE 0 END,
                 \"end\" = \"end\" + CASE WHEN \"end\" >= ?2 AND \"end\" < ?3 THEN ?4 ELSE 0 END
         WHERE document_id = ?1 AND ((start >= ?2 AND start < ?3) OR (\"end\" >= ?2 AND \"end\" < ?3))",
        table.name()
    );
    conn.prepare_cached(&sql)?.execute(params![document, from, to, add])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_position_comes_back_from_its_stored_form() {
        for gap in 0..=11 {
            let frame = Frame { gap, len: 10 };
            let stored: Vec<i64> = (0..=10).map(|p| frame.encode(p)).collect();
            let back: Vec<i64> = stored.iter().map(|&s| frame.decode(s)).collect();
            assert_eq!(back, (0..=10).collect::<Vec<i64>>(), "gap {gap}");
            assert!(stored.iter().enumerate().all(|(p, &s)| (s >= 0) == (p < gap)), "gap {gap}: {stored:?}");
        }
    }

    #[test]
    fn a_position_after_the_gap_moves_with_the_length_without_a_write() {
        let before = Frame { gap: 4, len: 10 };
        let stored = before.encode(7);
        let after = Frame { gap: 5, len: 12 };
        assert_eq!(after.decode(stored), 9);
        assert_eq!(after.decode(before.encode(3)), 3);
    }
}
