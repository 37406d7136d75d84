//! Documents and their turns: inserting parsed documents, listing and looking them up.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::import::ParsedDocument;
use crate::model::{DocumentId, DocumentKind, DocumentSummary, Span, Turn};

use super::gap::Frame;
use super::{attributes, participants};

/// The hex sha256 of a document's text, used to skip re-imports and to match documents in merges.
pub fn text_sha256(text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    hex_digest(hasher)
}

/// A finished SHA-256 as Fieldcode stores hashes: lowercase hex.
pub fn hex_digest(hasher: Sha256) -> String {
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The name of the document that already has this text, if any.
pub fn name_with_sha(conn: &Connection, sha: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT name FROM document WHERE sha256 = ?1", [sha], |r| r.get(0)).optional()?)
}

/// `base`, or `base (2)`, `base (3)`, … whichever no document has yet.
pub fn unique_name(conn: &Connection, base: &str) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM document WHERE name = ?1")?;
    let mut candidate = base.to_owned();
    let mut n = 2;
    while stmt.exists([&candidate])? {
        candidate = format!("{base} ({n})");
        n += 1;
    }
    Ok(candidate)
}

/// What to store for one new document.
pub struct NewDocument<'a> {
    pub parsed: &'a ParsedDocument,
    pub kind: DocumentKind,
    pub guid: Option<&'a str>,
    /// The text's sha256 when the caller already computed it.
    pub sha256: Option<&'a str>,
    pub source_path: Option<&'a str>,
    pub extra_attributes: &'a [(String, String)],
}

/// Inserts a document with its turns, speakers, time map and attributes. Run it inside a
/// transaction.
pub fn insert(conn: &Connection, doc: &NewDocument<'_>) -> Result<DocumentId> {
    let parsed = doc.parsed;
    let name = unique_name(conn, &parsed.name)?;
    let guid = doc.guid.map(str::to_owned).unwrap_or_else(super::new_guid);
    conn.prepare_cached(
        "INSERT INTO document (guid, name, kind, text, char_count, paragraphs, source_path, sha256, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        guid,
        name,
        doc.kind.as_str(),
        parsed.text,
        parsed.char_len as i64,
        encode_spans(&parsed.paragraphs),
        doc.source_path,
        doc.sha256.map_or_else(|| text_sha256(&parsed.text), str::to_owned),
        super::now_utc(),
    ])?;
    let id = conn.last_insert_rowid();
    insert_turns(conn, id, parsed)?;
    if !parsed.times.is_empty() {
        super::time_map::store(conn, id, &parsed.times)?;
    }
    for (key, value) in parsed.attributes.iter().chain(doc.extra_attributes) {
        attributes::set_document_value(conn, id, key, value)?;
    }
    Ok(id)
}

/// Turns per multi-row INSERT: fewer statement executions make long transcripts import faster.
const TURN_BATCH: usize = 64;

fn insert_turns(conn: &Connection, document_id: DocumentId, parsed: &ParsedDocument) -> Result<()> {
    let speaker_ids = turn_speaker_ids(conn, parsed)?;
    let sql = |rows: usize| {
        let values = vec!["(?, ?, ?, ?, ?)"; rows].join(", ");
        format!("INSERT INTO turn_row (document_id, participant_id, start, \"end\", time_ms) VALUES {values}")
    };
    let mut full = conn.prepare_cached(&sql(TURN_BATCH))?;
    for (chunk, ids) in parsed.turns.chunks(TURN_BATCH).zip(speaker_ids.chunks(TURN_BATCH)) {
        let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(chunk.len() * 5);
        for (turn, &speaker_id) in chunk.iter().zip(ids) {
            values.push(document_id.into());
            values.push(speaker_id.into());
            values.push((turn.start as i64).into());
            values.push((turn.end as i64).into());
            values.push(turn.time_ms.into());
        }
        let params = rusqlite::params_from_iter(values);
        if chunk.len() == TURN_BATCH {
            full.execute(params)?;
        } else {
            conn.prepare_cached(&sql(chunk.len()))?.execute(params)?;
        }
    }
    Ok(())
}

/// The participant id of each turn's speaker, creating participants for new labels.
fn turn_speaker_ids(conn: &Connection, parsed: &ParsedDocument) -> Result<Vec<i64>> {
    let (speakers, turn_speakers) = parsed.speaker_indices();
    let ids = speakers.iter().map(|label| participants::id_for_label(conn, label)).collect::<Result<Vec<i64>>>()?;
    Ok(turn_speakers.into_iter().map(|speaker| ids[speaker]).collect())
}

/// Packs spans as little-endian u32 pairs.
pub fn encode_spans(spans: &[Span]) -> Vec<u8> {
    let mut out = Vec::with_capacity(spans.len() * 8);
    for span in spans {
        out.extend_from_slice(&(span.start as u32).to_le_bytes());
        out.extend_from_slice(&(span.end as u32).to_le_bytes());
    }
    out
}

/// Unpacks spans written by [`encode_spans`]; a trailing partial pair is ignored.
pub fn decode_spans(bytes: &[u8]) -> Vec<Span> {
    bytes
        .chunks_exact(8)
        .map(|c| Span {
            start: u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize,
            end: u32::from_le_bytes([c[4], c[5], c[6], c[7]]) as usize,
        })
        .collect()
}

/// The id of the document called `name`, or an error that suggests close names.
pub fn id_by_name(conn: &Connection, name: &str) -> Result<DocumentId> {
    let found: Option<DocumentId> =
        conn.query_row("SELECT id FROM document WHERE name = ?1", [name], |r| r.get(0)).optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let lower = name.to_lowercase();
    let mut stmt = conn.prepare("SELECT name FROM document ORDER BY name")?;
    let similar: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .filter_map(|n| n.ok())
        .filter(|n| n.to_lowercase().contains(&lower) || lower.contains(&n.to_lowercase()))
        .take(5)
        .collect();
    let hint = if similar.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", similar.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" or "))
    };
    Err(Error::NotFound { what: "document", name: name.to_owned(), hint })
}

/// A document's full text.
pub fn text(conn: &Connection, id: DocumentId) -> Result<String> {
    conn.query_row("SELECT text FROM document WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("document", format!("#{id}")))
}

/// A document's paragraph spans.
pub fn paragraphs(conn: &Connection, id: DocumentId) -> Result<Vec<Span>> {
    let blob: Vec<u8> = conn
        .query_row("SELECT paragraphs FROM document WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("document", format!("#{id}")))?;
    Ok(decode_spans(&blob))
}

/// A document's turns in text order.
pub fn turns(conn: &Connection, id: DocumentId) -> Result<Vec<Turn>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, document_id, participant_id, start, \"end\", time_ms FROM turn WHERE document_id = ?1 ORDER BY start",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Turn {
            id: r.get(0)?,
            document_id: r.get(1)?,
            participant_id: r.get(2)?,
            start: r.get::<_, i64>(3)? as usize,
            end: r.get::<_, i64>(4)? as usize,
            time_ms: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every document with its counts, speakers and attributes, ordered by kind then name.
pub fn list(conn: &Connection) -> Result<Vec<DocumentSummary>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.guid, d.name, d.kind, d.char_count, d.source_path, d.imported_at,
                (SELECT count(*) FROM turn t WHERE t.document_id = d.id)
         FROM document d ORDER BY d.name",
    )?;
    let mut docs: Vec<DocumentSummary> = stmt
        .query_map([], |r| {
            let kind: String = r.get(3)?;
            Ok(DocumentSummary {
                id: r.get(0)?,
                guid: r.get(1)?,
                name: r.get(2)?,
                kind: kind.parse().unwrap_or(DocumentKind::Other),
                chars: r.get::<_, i64>(4)? as usize,
                source_path: r.get(5)?,
                imported_at: r.get(6)?,
                turns: r.get::<_, i64>(7)? as usize,
                speakers: Vec::new(),
                attributes: BTreeMap::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut speakers = speakers_by_document(conn)?;
    let mut attrs = attributes::document_values(conn)?;
    for doc in &mut docs {
        doc.speakers = speakers.remove(&doc.id).unwrap_or_default();
        doc.attributes = attrs.remove(&doc.id).unwrap_or_default();
    }
    docs.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
    Ok(docs)
}

fn speakers_by_document(conn: &Connection) -> Result<BTreeMap<DocumentId, Vec<String>>> {
    let mut stmt = conn.prepare(
        "SELECT t.document_id, p.label, min(t.start) AS first FROM turn t JOIN participant p ON p.id = t.participant_id
         GROUP BY t.document_id, p.id ORDER BY t.document_id, first",
    )?;
    let mut map: BTreeMap<DocumentId, Vec<String>> = BTreeMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (doc, label) = row?;
        map.entry(doc).or_default().push(label);
    }
    Ok(map)
}

/// Number of documents in the project.
pub fn count(conn: &Connection) -> Result<usize> {
    Ok(conn.query_row("SELECT count(*) FROM document", [], |r| r.get::<_, i64>(0))? as usize)
}

/// The turns of `document` that reach the code point range `[lo, hi]` (an edge inside it or at
/// either end): the only ones an edit of that range moves otherwise than by one bulk shift.
pub fn turn_spans_near(conn: &Connection, id: DocumentId, lo: usize, hi: usize) -> Result<Vec<(i64, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, start, \"end\" FROM turn WHERE document_id = ?1 AND \"end\" >= ?2 AND start <= ?3 ORDER BY start, id",
    )?;
    let rows = stmt.query_map(params![id, lo as i64, hi as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes a document's turns after a text edit: each of `moves` (id, start, end; positions in
/// the edited text) stored in `frame`, the document's frame after the edit. The turns not in
/// `moves` need no write (see `store::gap`).
pub fn move_turns(conn: &Connection, frame: Frame, moves: &[(i64, i64, i64)]) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE turn_row SET start = ?2, \"end\" = ?3 WHERE id = ?1")?;
    for &(turn, start, end) in moves {
        stmt.execute(params![turn, frame.encode(start), frame.encode(end)])?;
    }
    Ok(())
}

/// The hex sha256 of a document's current text.
pub fn sha256(conn: &Connection, id: DocumentId) -> Result<String> {
    conn.prepare_cached("SELECT sha256 FROM document WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("document", format!("#{id}")))
}

/// A document's name, text hash, length and paragraph spans.
pub fn text_state(conn: &Connection, id: DocumentId) -> Result<(String, String, usize, Vec<Span>)> {
    conn.prepare_cached("SELECT name, sha256, char_count, paragraphs FROM document WHERE id = ?1")?
        .query_row([id], |r| {
            let blob: Vec<u8> = r.get(3)?;
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as usize, decode_spans(&blob)))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("document", format!("#{id}")))
}

/// Stores an edited document's text with its frame (length and edit gap: see `store::gap`),
/// hash and paragraphs. A text that another document already has is refused (each document's
/// text is unique; merges match by it).
pub fn set_text(conn: &Connection, id: DocumentId, text: &str, frame: Frame, paragraphs: &[Span]) -> Result<String> {
    let sha = text_sha256(text);
    let twin: Option<String> = conn
        .prepare_cached("SELECT name FROM document WHERE sha256 = ?1 AND id <> ?2")?
        .query_row(params![sha, id], |r| r.get(0))
        .optional()?;
    if let Some(twin) = twin {
        return Err(Error::invalid(format!(
            "the edit would make the text the same as document {twin:?}'s; nothing was changed"
        )));
    }
    // A gap past the end is stored as NULL, as a new document's is.
    let gap = (frame.gap <= frame.len).then_some(frame.gap as i64);
    conn.prepare_cached(
        "UPDATE document SET text = ?2, char_count = ?3, sha256 = ?4, paragraphs = ?5, gap = ?6 WHERE id = ?1",
    )?
    .execute(params![id, text, frame.len as i64, sha, encode_spans(paragraphs), gap])?;
    Ok(sha)
}

/// Renames a document; a name another document has is refused.
pub fn rename(conn: &Connection, id: DocumentId, name: &str) -> Result<()> {
    let taken: bool =
        conn.prepare_cached("SELECT 1 FROM document WHERE name = ?1 AND id <> ?2")?.exists(params![name, id])?;
    if taken {
        return Err(Error::invalid(format!("there is already a document named {name:?}; nothing was changed")));
    }
    conn.prepare_cached("UPDATE document SET name = ?2 WHERE id = ?1")?.execute(params![id, name])?;
    Ok(())
}
