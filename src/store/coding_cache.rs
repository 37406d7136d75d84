//! The `coding_cache` table: each document's codings packed into one BLOB.
//!
//! Why it exists: stepping through 200,000 `coding` rows costs SQLite most of the analysis load
//! time (about 20 ms a column set), while reading a thousand BLOBs of the same data takes a few
//! milliseconds. The cache is derived data only. Every writer of `coding` calls [`invalidate`]
//! for the document it touched, in the same transaction (the command layer's row operations in
//! `coding::rows`, which also serve undo, redo and merge; the REFI-QDA importer; `synth`), so an
//! entry that exists is current; deleting a document cascades to its entry. A missing or
//! malformed entry is rebuilt from `coding`. (Triggers would also cover foreign writers, but a
//! trigger makes SQLite keep a statement journal for every coding INSERT: 3× slower bulk coding.)
//!
//! Format: a 4-byte tag `FCC1`, then per coding, sorted by (start, end, id), 32 bytes little
//! endian: id (i64), code id (i64), coder id (i64), start (u32), end (u32).

use rusqlite::{Connection, MAIN_DB, Transaction, TransactionBehavior, params};

use crate::error::Result;
use crate::model::DocumentId;

const TAG: &[u8; 4] = b"FCC1";
const ROW: usize = 32;

/// One coding as the analysis loader needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedCoding {
    pub id: i64,
    pub code: i64,
    pub coder: i64,
    pub start: u32,
    pub end: u32,
}

/// A document's codings, as read from `coding`.
pub type Entry = (DocumentId, Vec<CachedCoding>);

/// Packs codings (in any order) into an entry.
pub fn encode(codings: &mut [CachedCoding]) -> Vec<u8> {
    codings.sort_unstable_by_key(|c| (c.start, c.end, c.id));
    let mut out = Vec::with_capacity(TAG.len() + codings.len() * ROW);
    out.extend_from_slice(TAG);
    for c in codings.iter() {
        out.extend_from_slice(&c.id.to_le_bytes());
        out.extend_from_slice(&c.code.to_le_bytes());
        out.extend_from_slice(&c.coder.to_le_bytes());
        out.extend_from_slice(&c.start.to_le_bytes());
        out.extend_from_slice(&c.end.to_le_bytes());
    }
    out
}

/// Unpacks an entry, calling `each` per coding; `false` (and no call) when it is malformed.
pub fn decode(entry: &[u8], mut each: impl FnMut(CachedCoding)) -> bool {
    let Some(body) = entry.strip_prefix(TAG) else { return false };
    if body.len() % ROW != 0 {
        return false;
    }
    let i64_at = |b: &[u8], at: usize| i64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or([0; 4]));
    for b in body.chunks_exact(ROW) {
        each(CachedCoding {
            id: i64_at(b, 0),
            code: i64_at(b, 8),
            coder: i64_at(b, 16),
            start: u32_at(b, 24),
            end: u32_at(b, 28),
        });
    }
    true
}

/// Drops a document's entry because its codings changed. Call it inside the transaction that
/// changes them; repeated calls for the same document are cheap look-ups.
pub fn invalidate(conn: &Connection, document: DocumentId) -> Result<()> {
    conn.prepare_cached("DELETE FROM coding_cache WHERE document_id = ?1")?.execute([document])?;
    Ok(())
}

/// Drops the entries of a coding's document and, should the stored row with that id lie in
/// another document, of that one too: what a write of that coding row must do first.
pub fn invalidate_for_coding(conn: &Connection, document: DocumentId, coding: i64) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM coding_cache WHERE document_id IN (?1, (SELECT document_id FROM coding WHERE id = ?2))",
    )?
    .execute([document, coding])?;
    Ok(())
}

/// Calls `each` with every entry: the document id and the packed codings.
pub fn read_all(conn: &Connection, mut each: impl FnMut(DocumentId, &[u8])) -> Result<()> {
    let mut stmt = conn.prepare("SELECT document_id, codings FROM coding_cache")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(r.get(0)?, r.get_ref(1)?.as_blob().unwrap_or(&[]));
    }
    Ok(())
}

/// The codings of `documents`, read from `coding` inside one write transaction that also stores
/// them as cache entries, so no other writer can change them in between. Returns `None` when the
/// project cannot be written now (read-only, locked, or already inside a transaction); the caller
/// then reads `coding` directly. `scan_all` reads the whole table once instead of per document,
/// which is faster when most documents are missing.
pub fn rebuild(conn: &Connection, documents: &[DocumentId], scan_all: bool) -> Result<Option<Vec<Entry>>> {
    if conn.is_readonly(MAIN_DB)? || !conn.is_autocommit() {
        return Ok(None);
    }
    // Busy (another writer holds the file): use the table this time.
    let Ok(tx) = Transaction::new_unchecked(conn, TransactionBehavior::Immediate) else { return Ok(None) };
    let entries = if scan_all { read_every_document(&tx, documents)? } else { read_documents(&tx, documents)? };
    let mut insert = tx.prepare("INSERT OR REPLACE INTO coding_cache (document_id, codings) VALUES (?1, ?2)")?;
    let mut packed = Vec::new();
    for (doc, codings) in &entries {
        packed.clear();
        packed.extend_from_slice(codings);
        insert.execute(params![doc, encode(&mut packed)])?;
    }
    drop(insert);
    tx.commit()?;
    Ok(Some(entries))
}

/// The codings of each of `documents` (empty for a document without codings).
pub fn read_documents(conn: &Connection, documents: &[DocumentId]) -> Result<Vec<Entry>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, code_id, coder_id, start, \"end\" FROM coding WHERE document_id = ?1")?;
    let mut out = Vec::with_capacity(documents.len());
    for &doc in documents {
        let rows = stmt.query_map([doc], row)?;
        out.push((doc, rows.collect::<rusqlite::Result<Vec<_>>>()?));
    }
    Ok(out)
}

/// Like [`read_documents`], with one scan of the covering index instead of a lookup per coding.
fn read_every_document(conn: &Connection, documents: &[DocumentId]) -> Result<Vec<Entry>> {
    let mut out: Vec<Entry> = documents.iter().map(|&d| (d, Vec::new())).collect();
    out.sort_unstable_by_key(|e| e.0);
    let mut stmt = conn.prepare("SELECT id, code_id, coder_id, start, \"end\", document_id FROM coding")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let doc: DocumentId = r.get(5)?;
        if let Ok(at) = out.binary_search_by_key(&doc, |e| e.0) {
            out[at].1.push(row(r)?);
        }
    }
    Ok(out)
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<CachedCoding> {
    Ok(CachedCoding { id: r.get(0)?, code: r.get(1)?, coder: r.get(2)?, start: r.get(3)?, end: r.get(4)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(id: i64, start: u32, end: u32) -> CachedCoding {
        CachedCoding { id, code: 7, coder: -1, start, end }
    }

    #[test]
    fn entries_round_trip_sorted_by_start() {
        let mut codings = vec![coding(3, 50, 60), coding(1, 10, 20), coding(2, 10, 15)];
        let entry = encode(&mut codings);
        let mut back = Vec::new();
        assert!(decode(&entry, |c| back.push(c)));
        assert_eq!(back, [coding(2, 10, 15), coding(1, 10, 20), coding(3, 50, 60)]);
    }

    #[test]
    fn malformed_entries_are_refused_whole() {
        let entry = encode(&mut [coding(1, 0, 5)]);
        let mut calls = 0;
        assert!(!decode(&entry[..entry.len() - 1], |_| calls += 1));
        assert!(!decode(b"XXXX", |_| calls += 1));
        assert!(!decode(&[], |_| calls += 1));
        assert_eq!(calls, 0);
        assert!(decode(b"FCC1", |_| calls += 1), "an empty document is a valid entry");
    }
}
