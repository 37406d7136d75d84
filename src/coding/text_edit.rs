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
//! turns that reach the edit ([`reach`]) are read, run through the rule and written; those before
//! it stay, and the thousands after it move with the text's length without a write, as the
//! offsets are stored relative to the document's edit gap, which the edit first moves into its
//! reach (`store::gap`). The rest of the cost is the database's: the new text is stored whole
//! (with its hash).

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::rows;
use super::shift::{self, Anchored, Fixup, Splice};
use crate::error::{Error, Result};
use crate::model::{DocumentId, Span};
use crate::store::documents;
use crate::store::gap::{self, Frame};
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
    /// The document's edit gap before the edit (see `store::gap`), which undo puts back so that
    /// every stored row is as it was, byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<usize>,
}

impl Fixups {
    pub fn is_empty(&self) -> bool {
        self.codings.is_empty()
            && self.turns.is_empty()
            && self.paragraphs.is_empty()
            && self.times.is_empty()
            && self.gap.is_none()
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
    let splices = edit.splices();
    if let Some((lo, hi)) = reach(&splices) {
        if !shift::check_batch(&splices, chars) {
            return Err(Error::invalid(format!("the edit of {name:?} has overlapping or out-of-range parts")));
        }
        let read;
        let (text, codings) = match known {
            Some(Known { text, codings }) => (text, codings),
            None => {
                read = documents::text(conn, edit.document)?;
                (read.as_str(), rows::coding_spans_near(conn, edit.document, lo, hi)?)
            }
        };
        let new_text = versions::apply_replacements(text, &edit.edits).ok_or_else(|| changed_since(&name))?;
        let delta = shift::total_delta(&splices);
        let frame = Moving::to(conn, edit.document, (lo, hi), delta)?;
        // Counted before any write: the codings after the reach move with the text unwritten.
        let after_reach = match delta {
            0 => 0,
            _ => rows::codings_after(conn, edit.document, frame.now, hi)?,
        };
        fixups.gap = Some(frame.before.gap);
        (fixups.codings, moved) = move_codings(conn, edit.document, codings, &splices, Direction::Forward, frame)?;
        moved.moved += after_reach;
        fixups.turns = move_turns(conn, edit.document, &splices, Direction::Forward, frame)?;
        fixups.times = move_times(conn, edit.document, &splices, Direction::Forward)?;
        let mut paras = to_anchored(&paragraphs);
        fixups.paragraphs = shift::forward(&mut paras, &splices);
        documents::set_text(conn, edit.document, &new_text, frame.after, &from_anchored(&paras))?;
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
    let (name, _sha, _chars, paragraphs) = documents::text_state(conn, edit.document)?;
    if let Some((from, to)) = &edit.rename {
        if &name != to {
            return Err(changed_since(&name));
        }
        documents::rename(conn, edit.document, from)?;
    }
    let splices = edit.splices();
    let Some((lo, hi)) = reach(&splices) else { return Ok(()) };
    let text = documents::text(conn, edit.document)?;
    let old_text = versions::undo_replacements(&text, &edit.edits).ok_or_else(|| changed_since(&name))?;
    let delta = shift::total_delta(&splices);
    // The edit's reach in the edited text, and the inverse's length change.
    let hi_now = (hi as i64 + delta).max(lo as i64) as usize;
    let frame = Moving::to(conn, edit.document, (lo, hi_now), -delta)?;
    let back = Direction::Backward(&edit.fixups);
    let near = rows::coding_spans_near(conn, edit.document, lo, hi_now)?;
    move_codings(conn, edit.document, near, &splices, back, frame)?;
    move_turns(conn, edit.document, &splices, back, frame)?;
    move_times(conn, edit.document, &splices, back)?;
    let mut paras = to_anchored(&paragraphs);
    shift::backward(&mut paras, &splices, &edit.fixups.paragraphs);
    let restored = match edit.fixups.gap {
        Some(g) => gap::move_into(conn, edit.document, frame.after, g, g)?,
        None => frame.after,
    };
    documents::set_text(conn, edit.document, &old_text, restored, &from_anchored(&paras))?;
    versions::delete(conn, edit.document, edit.version)?;
    index_is_stale(conn)
}

fn changed_since(name: &str) -> Error {
    Error::invalid(format!("document {name:?} was changed outside the history since this edit; nothing was changed"))
}

/// Which way a batch runs: forward, or backward with the fixups to restore.
#[derive(Clone, Copy)]
enum Direction<'a> {
    Forward,
    Backward(&'a Fixups),
}

/// Where the document's offsets are stored during one batch (see `store::gap`): the gap moved
/// into the batch's reach, so the spans clear of the reach need no write, and the frame the
/// spans that reach it are written in — the gap at the end of the reach's new text, where the
/// next keystroke's edit finds it.
#[derive(Clone, Copy)]
struct Moving {
    /// As stored before the batch, and with the gap moved into its reach.
    before: Frame,
    now: Frame,
    /// The frame the spans that reach the batch are written in.
    after: Frame,
}

impl Moving {
    /// Moves the gap into `reach` (`lo` to `hi`, in the text before the batch; a gap just after
    /// `hi` will do) and returns the frame after a batch that changes the length by `delta`.
    fn to(conn: &Connection, document: DocumentId, (lo, hi): (usize, usize), delta: i64) -> Result<Moving> {
        let now_was = gap::frame(conn, document)?;
        let now = gap::move_into(conn, document, now_was, lo, hi + 1)?;
        let grow = |n: usize| (n as i64 + delta).max(0) as usize;
        Ok(Moving { before: now_was, now, after: Frame { gap: grow(hi).max(lo), len: grow(now.len) } })
    }
}

/// A span's new place: (key, start, end).
type Write = (i64, i64, i64);

/// Runs the batch over `spans` (those that reach it) in memory, returning them moved, the
/// fixups (forward), and the writes: (key, start, end) of each.
fn plan(
    original: &[Anchored],
    splices: &[Splice],
    dir: Direction<'_>,
    fixups_of: impl Fn(&Fixups) -> &[Fixup],
) -> (Vec<Anchored>, Vec<Fixup>, Vec<Write>) {
    let mut spans = original.to_vec();
    let fixups = match dir {
        Direction::Forward => shift::forward(&mut spans, splices),
        Direction::Backward(f) => {
            shift::backward(&mut spans, splices, fixups_of(f));
            Vec::new()
        }
    };
    let writes = spans.iter().map(|b| (b.key, b.start as i64, b.end as i64)).collect();
    (spans, fixups, writes)
}

/// Moves the document's codings: `spans` are those that reach the batch (the rest need no write:
/// see [`Moving`]). The ones after the reach are counted by the caller.
fn move_codings(
    conn: &Connection,
    document: DocumentId,
    spans: Vec<rows::CodingSpan>,
    splices: &[Splice],
    dir: Direction<'_>,
    frame: Moving,
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
    rows::move_codings(conn, document, frame.after, &writes)?;
    Ok((fixups, moved))
}

fn move_turns(
    conn: &Connection,
    document: DocumentId,
    splices: &[Splice],
    dir: Direction<'_>,
    frame: Moving,
) -> Result<Vec<Fixup>> {
    let Some((lo, hi)) = reach(splices) else { return Ok(Vec::new()) };
    let hi = match dir {
        Direction::Forward => hi,
        Direction::Backward(_) => (hi as i64 + shift::total_delta(splices)).max(lo as i64) as usize,
    };
    let turns = documents::turn_spans_near(conn, document, lo, hi)?;
    let original: Vec<Anchored> =
        turns.iter().map(|&(key, s, e)| Anchored { key, start: s.max(0) as usize, end: e.max(0) as usize }).collect();
    let (_, fixups, writes) = plan(&original, splices, dir, |f| &f.turns);
    documents::move_turns(conn, frame.after, &writes)?;
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
