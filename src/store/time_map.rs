//! A document's time map: where in the recording each stretch of its text was spoken.
//!
//! Transcripts from transcription tools carry a time for every cue, segment or word, not only for
//! each turn, and a later feature plays any span of the recording. So each document that has
//! times keeps them all as [`TimePoint`]s — "the text from code point `offset` on is spoken at
//! `ms`" — sorted by offset, stored compactly as one BLOB per document (`time_map` table,
//! little-endian u32 pairs, 8 bytes a point: an hour of WhisperX word times is about 80 KB).
//!
//! A span's times are read with [`start_time`] (the last point at or before its start) and
//! [`end_time`] (the first point at or after its end). When a document's text is edited, its
//! points move by the one rule of `coding::shift` (as span starts), in `coding::text_edit`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::model::DocumentId;

/// One point of a time map: the text from code point `offset` on is spoken at `ms`
/// milliseconds into the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimePoint {
    pub offset: usize,
    pub ms: i64,
}

/// Largest time a map holds (u32 milliseconds: 1,193 hours); longer times are stored as this.
pub const MAX_MS: i64 = u32::MAX as i64;

/// The time at which the text at `offset` starts: that of the last point at or before it.
/// `None` when the map is empty or `offset` comes before its first point (text with no time, such
/// as a header before the first cue).
pub fn start_time(points: &[TimePoint], offset: usize) -> Option<i64> {
    let after = points.partition_point(|p| p.offset <= offset);
    after.checked_sub(1).map(|i| points[i].ms)
}

/// The time at which the text ending at `offset` (exclusive) is done: that of the first point at
/// or after it (the end of its cue or the start of the next), else the map's last time.
pub fn end_time(points: &[TimePoint], offset: usize) -> Option<i64> {
    let at = points.partition_point(|p| p.offset < offset);
    points.get(at).or_else(|| points.last()).map(|p| p.ms)
}

/// The stretch of text spoken at `ms`: from the offset of the last point whose time is at or
/// before `ms` to the offset of the next point (`None`: to the end of the text). `None` before the
/// first time. Maps are sorted by offset; a map whose times go backwards (a hand-edited
/// transcript) is searched point by point instead of by bisection, so the answer is still the
/// latest point already reached.
pub fn span_at(points: &[TimePoint], ms: i64) -> Option<(usize, Option<usize>)> {
    let at = if points.windows(2).all(|w| w[0].ms <= w[1].ms) {
        points.partition_point(|p| p.ms <= ms).checked_sub(1)?
    } else {
        points.iter().rposition(|p| p.ms <= ms)?
    };
    let start = points[at].offset;
    let next = points[at + 1..].iter().map(|p| p.offset).find(|&o| o > start);
    Some((start, next))
}

/// Packs points as little-endian u32 pairs (offset, ms); times outside `0..=MAX_MS` are clamped.
pub fn encode(points: &[TimePoint]) -> Vec<u8> {
    let mut out = Vec::with_capacity(points.len() * 8);
    for point in points {
        out.extend_from_slice(&u32::try_from(point.offset).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&(point.ms.clamp(0, MAX_MS) as u32).to_le_bytes());
    }
    out
}

/// Unpacks points written by [`encode`]; a trailing partial pair is ignored.
pub fn decode(bytes: &[u8]) -> Vec<TimePoint> {
    bytes
        .chunks_exact(8)
        .map(|c| TimePoint {
            offset: u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize,
            ms: i64::from(u32::from_le_bytes([c[4], c[5], c[6], c[7]])),
        })
        .collect()
}

/// Stores (or replaces) a document's time map; an empty map removes it. Run it inside the
/// transaction that writes the document.
pub fn store(conn: &Connection, document_id: DocumentId, points: &[TimePoint]) -> Result<()> {
    if points.is_empty() {
        conn.prepare_cached("DELETE FROM time_map WHERE document_id = ?1")?.execute([document_id])?;
        return Ok(());
    }
    conn.prepare_cached("INSERT OR REPLACE INTO time_map (document_id, points) VALUES (?1, ?2)")?
        .execute(params![document_id, encode(points)])?;
    Ok(())
}

/// A document's time map, empty when it has none.
pub fn load(conn: &Connection, document_id: DocumentId) -> Result<Vec<TimePoint>> {
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT points FROM time_map WHERE document_id = ?1")?
        .query_row([document_id], |r| r.get(0))
        .optional()?;
    Ok(blob.map(|b| decode(&b)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(pairs: &[(usize, i64)]) -> Vec<TimePoint> {
        pairs.iter().map(|&(offset, ms)| TimePoint { offset, ms }).collect()
    }

    #[test]
    fn start_and_end_times_take_the_neighbouring_points() {
        let map = points(&[(10, 1000), (20, 2500), (30, 3000), (31, 3500)]);
        assert_eq!(start_time(&map, 5), None, "text before the first cue has no time");
        assert_eq!(start_time(&map, 10), Some(1000));
        assert_eq!(start_time(&map, 25), Some(2500));
        assert_eq!(end_time(&map, 25), Some(3000));
        assert_eq!(end_time(&map, 30), Some(3000));
        assert_eq!(end_time(&map, 40), Some(3500), "past the last point: the last time");
        assert_eq!((start_time(&[], 3), end_time(&[], 3)), (None, None));
    }

    #[test]
    fn the_span_at_a_time_runs_to_the_next_point() {
        let map = points(&[(10, 1000), (20, 2500), (30, 3000), (31, 3500)]);
        assert_eq!(span_at(&map, 999), None, "before the first time");
        assert_eq!(span_at(&map, 1000), Some((10, Some(20))));
        assert_eq!(span_at(&map, 2999), Some((20, Some(30))));
        assert_eq!(span_at(&map, 9000), Some((31, None)), "after the last point: to the end");
        let unordered = points(&[(0, 5000), (10, 1000), (20, 2000)]);
        assert_eq!(span_at(&unordered, 1500), Some((10, Some(20))));
        assert_eq!(span_at(&[], 10), None);
    }

    #[test]
    fn encode_round_trips_and_clamps() {
        let map = points(&[(0, 0), (7, 65_000), (1 << 20, MAX_MS)]);
        assert_eq!(decode(&encode(&map)), map);
        assert_eq!(decode(&encode(&points(&[(1, -5), (2, MAX_MS + 9)]))), points(&[(1, 0), (2, MAX_MS)]));
        assert_eq!(decode(&[1, 2, 3]), Vec::new());
    }
}
