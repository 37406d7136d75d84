//! Editing a document's text with everything anchored in it kept in place.
//!
//! A [`DocEdit`] is what the history keeps of one command's changes to one document: the
//! replacements (range, old text, new text), the document's new name if it was renamed, and the
//! few positions the inverse edit would not restore ([`Fixup`]s). Not images of the spans it
//! moved: those follow from the replacements by the one rule of [`super::shift`], so an edit's
//! record stays small however many codings the document has.
//!
//! [`forward`] makes the edit (a command, or its redo) and [`backward`] reverts it (undo). Both
//! move every span anchored by offsets, in this order: codings (through [`super::rows`]),
//! speaker turns, paragraphs, then the text with its length and hash, the earlier version kept in
//! `document_version`. The coding cache entry is dropped and the word index marked stale (word
//! search rebuilds it). A command that makes codings empty, or identical to another, removes them
//! through the recorder *before* its edits (so undo restores them with id, guid and memos, and
//! redo removes them again first): [`doomed`] names them.
//!
//! Speed: one keystroke's edit of a 5 MB transcript with 20,000 codings must not read the text
//! twice, so a command hands what it read to [`forward_known`] ([`Known`]). Only the codings and
//! turns that reach the edit ([`reach`]) are read and run through the rule; those before it stay
//! and the thousands after it move by one `UPDATE` each table (see
//! [`super::rows::move_codings`]). The rest of the cost is the database's: the new text is
//! stored whole (with its hash), and every moved coding and turn row is rewritten.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::rows;
use super::shift::{self, Anchored, Fixup, Splice};
use crate::error::{Error, Result};
use crate::model::{DocumentId, Span};
use crate::store::documents;
use crate::store::time_map::{self, TimePoint};
use crate::store::versions::{self, Replacement, VersionRow};

/// One command's changes to one document's text and name (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocEdit {
    pub document: DocumentId,
    /// Ascending, apart, in the coordinates of the text before the command.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<Replacement>,
    /// The version number the replaced text gets, and when and by whom it was replaced.
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub at: String,
    #[serde(default)]
    pub actor: String,
    /// The name before and after, when the command renamed the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rename: Option<(String, String)>,
    #[serde(default, skip_serializing_if = "Fixups::is_empty")]
    pub fixups: Fixups,
}

/// The positions the inverse edit would not restore, per kind of anchored span.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixups {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codings: Vec<Fixup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns: Vec<Fixup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paragraphs: Vec<Fixup>,
    /// Points of the document's time map (see `store::time_map`), keyed by their index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<Fixup>,
}

impl Fixups {
    pub fn is_empty(&self) -> bool {
        self.codings.is_empty() && self.turns.is_empty() && self.paragraphs.is_empty() && self.times.is_empty()
    }
}

/// How an edit moved a document's codings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// Same length, new place.
    pub moved: usize,
    pub grown: usize,
    pub shrunk: usize,
}

impl DocEdit {
    /// The splices of the edit, for the shift engine.
    pub fn splices(&self) -> Vec<Splice> {
        splices_of(&self.edits)
    }
}

/// The splices of a list of replacements.
pub fn splices_of(edits: &[Replacement]) -> Vec<Splice> {
    edits.iter().map(|r| Splice { start: r.start, end: r.end, len: r.new.chars().count() }).collect()
}

/// The codings of `document` that the splices would leave empty or identical to another coding
/// (same code, coder and span; the one with the lowest id stays): a command removes these first.
pub fn doomed(conn: &Connection, document: DocumentId, splices: &[Splice]) -> Result<Vec<i64>> {
    let Some((lo, hi)) = reach(splices) else { return Ok(Vec::new()) };
    Ok(doomed_among(&rows::coding_spans_near(conn, document, lo, hi)?, splices))
}

/// The range of a batch in the text before it, from its first start to its last end: codings
/// and turns outside it either stay or move by one bulk shift, so only those reaching it are
/// read (see [`rows::coding_spans_near`]).
pub fn reach(splices: &[Splice]) -> Option<(usize, usize)> {
    Some((splices.first()?.start, shift::tail_from(splices)))
}

/// [`doomed`] over the document's codings already read. Only codings that touch a replaced
/// range (an edge inside it or at either end) can end up empty or on the same span as another:
/// the rule moves every other position by the same strictly increasing map, so codings clear of
/// every splice keep distinct spans, and a coding that touches a splice covers or borders the
/// new text, where no clear coding can be. So only those few are run through the engine.
pub fn doomed_among(spans: &[rows::CodingSpan], splices: &[Splice]) -> Vec<i64> {
    let touches = |c: &rows::CodingSpan| {
        let (start, end) = (c.start.max(0) as usize, c.end.max(0) as usize);
        splices.iter().any(|s| start <= s.end && end >= s.start)
    };
    let near: Vec<&rows::CodingSpan> = spans.iter().filter(|c| touches(c)).collect();
    let mut anchored: Vec<Anchored> = near.iter().map(|c| anchored(c)).collect();
    shift::forward(&mut anchored, splices);
    let mut out = Vec::new();
    let mut seen: HashMap<(i64, i64, usize, usize), i64> = HashMap::with_capacity(near.len());
    let mut order: Vec<usize> = (0..near.len()).collect();
    order.sort_unstable_by_key(|&i| near[i].id);
    for i in order {
        let (c, a) = (near[i], &anchored[i]);
        if a.start >= a.end || seen.insert((c.code_id, c.coder_id, a.start, a.end), c.id).is_some() {
            out.push(c.id);
        }
    }
    out
}

/// What the command making an edit has already read inside its transaction (the document's
/// current text, and its codings that reach the edit: [`reach`]), so that [`forward_known`]
/// does not read a long transcript and its codings a second time.
pub struct Known<'a> {
    pub text: &'a str,
    pub codings: Vec<rows::CodingSpan>,
}

fn anchored(c: &rows::CodingSpan) -> Anchored {
    Anchored { key: c.id, start: c.start.max(0) as usize, end: c.end.max(0) as usize }
}

/// Makes the edit (a command's, or its redo): see the module docs. Returns the fixups undo will
/// need and how the codings moved. Refused, with nothing written, if the text does not hold
/// the old texts where the edit says.
pub fn forward(conn: &Connection, edit: &DocEdit) -> Result<(Fixups, Moved)> {
    forward_known(conn, edit, None)
}

/// [`forward`] with the document's current text and codings as the caller read them in this
/// transaction (they must be current: the codings after any removed first).
pub fn forward_known(conn: &Connection, edit: &DocEdit, known: Option<Known<'_>>) -> Result<(Fixups, Moved)> {
    let (name, sha, chars, paragraphs) = documents::text_state(conn, edit.document)?;
    let mut fixups = Fixups::default();
    let mut moved = Moved::default();
    if !edit.edits.is_empty() {
        let splices = edit.splices();
        if !shift::check_batch(&splices, chars) {
            return Err(Error::invalid(format!("the edit of {name:?} has overlapping or out-of-range parts")));
        }
        let read;
        let (text, codings) = match known {
            Some(Known { text, codings }) => (text, codings),
            None => {
                read = documents::text(conn, edit.document)?;
                let (lo, hi) = reach(&splices).unwrap_or_default();
                (read.as_str(), rows::coding_spans_near(conn, edit.document, lo, hi)?)
            }
        };
        let new_text = versions::apply_replacements(text, &edit.edits).ok_or_else(|| changed_since(&name))?;
        let threshold = shift::tail_from(&splices);
        let delta = shift::total_delta(&splices);
        (fixups.codings, moved) =
            move_codings(conn, edit.document, codings, &splices, Direction::Forward(threshold, delta))?;
        fixups.turns = move_turns(conn, edit.document, &splices, Direction::Forward(threshold, delta))?;
        fixups.times = move_times(conn, edit.document, &splices, Direction::Forward(threshold, delta))?;
        let mut paras = to_anchored(&paragraphs);
        fixups.paragraphs = shift::forward(&mut paras, &splices);
        let new_chars = (chars as i64 + delta).max(0) as usize;
        documents::set_text(conn, edit.document, &new_text, new_chars, &from_anchored(&paras))?;
        versions::insert(
            conn,
            &VersionRow {
                document_id: edit.document,
                number: edit.version,
                replaced_at: edit.at.clone(),
                replaced_by: edit.actor.clone(),
                sha256: sha,
                char_count: chars,
                edits: edit.edits.clone(),
            },
        )?;
        index_is_stale(conn)?;
    }
    if let Some((from, to)) = &edit.rename {
        if &name != from {
            return Err(changed_since(&name));
        }
        documents::rename(conn, edit.document, to)?;
    }
    Ok((fixups, moved))
}

/// Reverts the edit (undo), restoring every span, the text and the name exactly.
pub fn backward(conn: &Connection, edit: &DocEdit) -> Result<()> {
    let (name, _sha, chars, paragraphs) = documents::text_state(conn, edit.document)?;
    if let Some((from, to)) = &edit.rename {
        if &name != to {
            return Err(changed_since(&name));
        }
        documents::rename(conn, edit.document, from)?;
    }
    if edit.edits.is_empty() {
        return Ok(());
    }
    let text = documents::text(conn, edit.document)?;
    let old_text = versions::undo_replacements(&text, &edit.edits).ok_or_else(|| changed_since(&name))?;
    let splices = edit.splices();
    let delta = shift::total_delta(&splices);
    let threshold = (shift::tail_from(&splices) as i64 + delta).max(0) as usize;
    let back = Direction::Backward(threshold, -delta, &edit.fixups);
    let near = rows::coding_spans_near(conn, edit.document, splices.first().map_or(0, |s| s.start), threshold)?;
    move_codings(conn, edit.document, near, &splices, back)?;
    move_turns(conn, edit.document, &splices, back)?;
    move_times(conn, edit.document, &splices, back)?;
    let mut paras = to_anchored(&paragraphs);
    shift::backward(&mut paras, &splices, &edit.fixups.paragraphs);
    let old_chars = (chars as i64 - delta).max(0) as usize;
    documents::set_text(conn, edit.document, &old_text, old_chars, &from_anchored(&paras))?;
    versions::delete(conn, edit.document, edit.version)?;
    index_is_stale(conn)
}

fn changed_since(name: &str) -> Error {
    Error::invalid(format!("document {name:?} was changed outside the history since this edit; nothing was changed"))
}

/// Which way a batch runs: forward with the bulk threshold and delta, or backward with them and
/// the fixups to restore.
#[derive(Clone, Copy)]
enum Direction<'a> {
    Forward(usize, i64),
    Backward(usize, i64, &'a Fixups),
}

impl Direction<'_> {
    fn bulk(self) -> (usize, i64) {
        match self {
            Direction::Forward(t, d) | Direction::Backward(t, d, _) => (t, d),
        }
    }
}

/// A span's new place: (key, start, end).
type Write = (i64, i64, i64);

/// Runs the batch over `spans` in memory, returning the fixups (forward) and the writes needed
/// after one bulk move of everything from the threshold on: (key, start, end) of each span whose
/// place differs from where the bulk move puts it.
fn plan(
    original: &[Anchored],
    splices: &[Splice],
    dir: Direction<'_>,
    fixups_of: impl Fn(&Fixups) -> &[Fixup],
) -> (Vec<Anchored>, Vec<Fixup>, Vec<Write>) {
    let mut spans = original.to_vec();
    let fixups = match dir {
        Direction::Forward(..) => shift::forward(&mut spans, splices),
        Direction::Backward(_, _, f) => {
            shift::backward(&mut spans, splices, fixups_of(f));
            Vec::new()
        }
    };
    let (threshold, delta) = dir.bulk();
    let writes = original
        .iter()
        .zip(&spans)
        .filter_map(|(a, b)| {
            let bulk = match a.start >= threshold {
                true => (a.start as i64 + delta, a.end as i64 + delta),
                false => (a.start as i64, a.end as i64),
            };
            (bulk != (b.start as i64, b.end as i64)).then_some((b.key, b.start as i64, b.end as i64))
        })
        .collect();
    (spans, fixups, writes)
}

fn bulk_arg(dir: Direction<'_>) -> Option<(i64, i64)> {
    let (threshold, delta) = dir.bulk();
    (delta != 0 && threshold != usize::MAX).then_some((threshold as i64, delta))
}

/// Moves the document's codings: `spans` are those that reach the batch (the rest stay, or move
/// by the bulk shift of everything from the threshold on, and count as moved).
fn move_codings(
    conn: &Connection,
    document: DocumentId,
    spans: Vec<rows::CodingSpan>,
    splices: &[Splice],
    dir: Direction<'_>,
) -> Result<(Vec<Fixup>, Moved)> {
    let original: Vec<Anchored> = spans.iter().map(anchored).collect();
    let (after, fixups, writes) = plan(&original, splices, dir, |f| &f.codings);
    let mut moved = Moved::default();
    for (a, b) in original.iter().zip(&after) {
        if b.start >= b.end {
            return Err(Error::invalid(format!(
                "the edit would leave coding #{} empty; remove it first (nothing was changed)",
                a.key
            )));
        }
        let (la, lb) = (a.end - a.start, b.end - b.start);
        match lb.cmp(&la) {
            std::cmp::Ordering::Greater => moved.grown += 1,
            std::cmp::Ordering::Less => moved.shrunk += 1,
            std::cmp::Ordering::Equal if a.start != b.start => moved.moved += 1,
            std::cmp::Ordering::Equal => {}
        }
    }
    let bulk = bulk_arg(dir);
    let shifted = rows::move_codings(conn, document, bulk, &writes)?;
    let reached = bulk.map_or(0, |(t, _)| original.iter().filter(|a| a.start as i64 >= t).count());
    moved.moved += shifted.saturating_sub(reached);
    Ok((fixups, moved))
}

fn move_turns(conn: &Connection, document: DocumentId, splices: &[Splice], dir: Direction<'_>) -> Result<Vec<Fixup>> {
    let (threshold, _) = dir.bulk();
    let turns = documents::turn_spans_near(conn, document, splices.first().map_or(0, |s| s.start), threshold)?;
    let original: Vec<Anchored> =
        turns.iter().map(|&(key, s, e)| Anchored { key, start: s.max(0) as usize, end: e.max(0) as usize }).collect();
    let (_, fixups, writes) = plan(&original, splices, dir, |f| &f.turns);
    documents::move_turns(conn, document, bulk_arg(dir), &writes)?;
    Ok(fixups)
}

/// Moves the points of the document's time map like the starts of spans (a point inside a
/// replaced range goes to its start: the new words take the time of the first replaced one).
fn move_times(conn: &Connection, document: DocumentId, splices: &[Splice], dir: Direction<'_>) -> Result<Vec<Fixup>> {
    let points = time_map::load(conn, document)?;
    if points.is_empty() {
        return Ok(Vec::new());
    }
    let original: Vec<Anchored> =
        points.iter().enumerate().map(|(i, p)| Anchored { key: i as i64, start: p.offset, end: p.offset }).collect();
    let (after, fixups, _) = plan(&original, splices, dir, |f| &f.times);
    let moved: Vec<TimePoint> =
        points.iter().zip(&after).map(|(p, a)| TimePoint { offset: a.start, ms: p.ms }).collect();
    time_map::store(conn, document, &moved)?;
    Ok(fixups)
}

fn to_anchored(spans: &[Span]) -> Vec<Anchored> {
    spans.iter().enumerate().map(|(i, s)| Anchored { key: i as i64, start: s.start, end: s.end }).collect()
}

fn from_anchored(spans: &[Anchored]) -> Vec<Span> {
    spans.iter().map(|a| Span { start: a.start, end: a.end }).collect()
}

/// The word index no longer matches the texts: word search rebuilds it before its next use
/// (see `coding::search`). Cheaper than re-indexing a long transcript on every keystroke.
fn index_is_stale(conn: &Connection) -> Result<()> {
    conn.prepare_cached("DELETE FROM project WHERE key = 'fts_indexed'")?.execute([])?;
    Ok(())
}
