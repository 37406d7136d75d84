//! Carrying a team member's codings onto this project's text when both copies of a document
//! (same GUID) were edited differently.
//!
//! The two texts are diffed with `imara-diff` — first by lines, then by characters (code points)
//! inside each changed run of lines, so a 5 MB transcript with a few corrections costs a line
//! diff plus a few small character diffs. The result is a batch of [`Splice`]s in the colleague's
//! coordinates that turns their text into ours; every coding is moved through it with the same
//! rule a text edit uses ([`Splice::span`]), so a coding keeps its words wherever they survive.

use std::ops::Range;

use imara_diff::intern::InternedInput;
use imara_diff::{Algorithm, diff};

use crate::coding::shift::{Splice, shift};

/// How a document of the colleague's maps onto ours.
#[derive(Debug, Clone)]
pub struct Realign {
    /// Theirs → ours, ascending and apart, in their coordinates.
    pub splices: Vec<Splice>,
    pub theirs: Vec<char>,
    pub ours: Vec<char>,
}

impl Realign {
    /// Diffs `theirs` against `ours`.
    pub fn new(theirs: &str, ours: &str) -> Realign {
        let theirs: Vec<char> = theirs.chars().collect();
        let ours: Vec<char> = ours.chars().collect();
        let splices = splices(&theirs, &ours);
        Realign { splices, theirs, ours }
    }

    /// Where the span `[start, end)` of their text lies in ours.
    pub fn map(&self, start: usize, end: usize) -> (usize, usize) {
        let s = map_pos(&self.splices, start, true);
        let e = map_pos(&self.splices, end, false).max(s);
        (s, e)
    }

    /// The text of `[start, end)` in their text.
    pub fn their_text(&self, start: usize, end: usize) -> String {
        slice(&self.theirs, start, end)
    }

    /// The text of `[start, end)` in ours.
    pub fn our_text(&self, start: usize, end: usize) -> String {
        slice(&self.ours, start, end)
    }
}

fn slice(chars: &[char], start: usize, end: usize) -> String {
    chars.get(start.min(chars.len())..end.min(chars.len())).unwrap_or_default().iter().collect()
}

/// Runs the batch over one position: the splices after it do not move it, those before it are
/// applied last first (each in the coordinates of the text before the batch), as
/// [`crate::coding::shift::forward_steps`] does.
fn map_pos(splices: &[Splice], pos: usize, is_start: bool) -> usize {
    let upto = splices.partition_point(|s| s.start <= pos);
    splices[..upto].iter().rev().fold(pos, |p, s| shift(p, s.start, s.end, s.len, is_start))
}

/// The splices (in `theirs`' coordinates) that turn `theirs` into `ours`.
pub fn splices(theirs: &[char], ours: &[char]) -> Vec<Splice> {
    let (their_lines, our_lines) = (line_starts(theirs), line_starts(ours));
    let mut input = InternedInput::default();
    input.update_before(lines(theirs, &their_lines));
    input.update_after(lines(ours, &our_lines));
    let mut hunks: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    diff(Algorithm::Histogram, &input, |b: Range<u32>, a: Range<u32>| {
        let span = |starts: &[usize], r: Range<u32>| starts[r.start as usize]..starts[r.end as usize];
        hunks.push((span(&their_lines, b), span(&our_lines, a)));
    });
    let mut out = Vec::new();
    for (b, a) in hunks {
        char_splices(&theirs[b.clone()], &ours[a.clone()], b.start, &mut out);
    }
    out
}

/// Offsets of each line's start, and the text's length last.
fn line_starts(text: &[char]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.iter().enumerate().filter(|(_, c)| **c == '\n').map(|(i, _)| i + 1));
    if starts.last() != Some(&text.len()) {
        starts.push(text.len());
    }
    starts
}

fn lines<'a>(text: &'a [char], starts: &'a [usize]) -> impl Iterator<Item = &'a [char]> + 'a {
    starts.windows(2).map(move |w| &text[w[0]..w[1]])
}

/// Character diff of one changed run of lines; `offset` is where `theirs` starts.
fn char_splices(theirs: &[char], ours: &[char], offset: usize, out: &mut Vec<Splice>) {
    let mut input = InternedInput::default();
    input.update_before(theirs.iter().copied());
    input.update_after(ours.iter().copied());
    diff(Algorithm::Myers, &input, |b: Range<u32>, a: Range<u32>| {
        out.push(Splice {
            start: offset + b.start as usize,
            end: offset + b.end as usize,
            len: (a.end - a.start) as usize,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies the splices to `theirs` (last first) and checks the result is `ours`.
    fn apply(theirs: &str, splices: &[Splice], ours: &str) -> String {
        let mut text: Vec<char> = theirs.chars().collect();
        let ours: Vec<char> = ours.chars().collect();
        // `len` characters taken from ours at the mapped start.
        let mut pieces = Vec::new();
        let mut delta: i64 = 0;
        for s in splices {
            let at = (s.start as i64 + delta) as usize;
            pieces.push((s.start, s.end, ours[at..at + s.len].to_vec()));
            delta += s.delta();
        }
        for (start, end, new) in pieces.into_iter().rev() {
            text.splice(start..end, new);
        }
        text.into_iter().collect()
    }

    #[test]
    fn splices_turn_theirs_into_ours() {
        let theirs = "Well I went to the market.\nThen we sat in the park.\nIt rained.\n";
        let ours = "Well, I think I went to the market.\nThen we sat in the park.\nIt snowed.\n";
        let r = Realign::new(theirs, ours);
        assert_eq!(apply(theirs, &r.splices, ours), ours);
        assert!(crate::coding::shift::check_batch(&r.splices, r.theirs.len()));
        // "market" keeps its words.
        let at = theirs.find("market").unwrap_or_default();
        let (s, e) = r.map(at, at + 6);
        assert_eq!(r.our_text(s, e), "market");
        // "park" on an untouched line too.
        let at = theirs.find("park").unwrap_or_default();
        let (s, e) = r.map(at, at + 4);
        assert_eq!(r.our_text(s, e), "park");
        // A coding over "rained" covers what replaced it.
        let at = theirs.find("rained").unwrap_or_default();
        let (s, e) = r.map(at, at + 6);
        assert_eq!(r.our_text(s, e), "snowed");
    }

    #[test]
    fn deleted_text_leaves_an_empty_span() {
        let theirs = "keep this, drop that, keep end";
        let ours = "keep this, keep end";
        let r = Realign::new(theirs, ours);
        let at = theirs.find("drop that").unwrap_or_default();
        let (s, e) = r.map(at, at + 9);
        assert_eq!(s, e);
        let at = theirs.find("keep end").unwrap_or_default();
        let (s, e) = r.map(at, at + 8);
        assert_eq!(r.our_text(s, e), "keep end");
    }

    #[test]
    fn identical_texts_need_no_splices() {
        let r = Realign::new("same\ntext", "same\ntext");
        assert!(r.splices.is_empty());
        assert_eq!(r.map(2, 7), (2, 7));
    }
}
