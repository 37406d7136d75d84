//! Carrying a team member's codings onto this project's text when both copies of a document
//! (same GUID) were edited differently.
//!
//! The two texts are diffed with `imara-diff` — first by lines, then by words and single other
//! characters (offsets in code points) inside each changed run of lines, so a 5 MB transcript with a few corrections costs a line
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
    /// `before[i]`: how far the splices before number `i` move the text after them.
    before: Vec<i64>,
    pub theirs: Vec<char>,
    pub ours: Vec<char>,
}

impl Realign {
    /// Diffs `theirs` against `ours`.
    pub fn new(theirs: &str, ours: &str) -> Realign {
        let theirs: Vec<char> = theirs.chars().collect();
        let ours: Vec<char> = ours.chars().collect();
        let splices = splices(&theirs, &ours);
        let before = splices
            .iter()
            .scan(0i64, |sum, s| {
                let here = *sum;
                *sum += s.delta();
                Some(here)
            })
            .collect();
        Realign { splices, before, theirs, ours }
    }

    /// Where the span `[start, end)` of their text lies in ours.
    pub fn map(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map_pos(start, true);
        let e = self.map_pos(end, false).max(s);
        (s, e)
    }

    /// Runs the batch over one position: the splices after it do not move it; the last one at
    /// or before it moves it by the rule, and those before that (which lie wholly below it, as
    /// diff hunks never touch) by their total delta — the same result as applying them last
    /// first ([`crate::coding::shift::forward_steps`]), in O(log n).
    fn map_pos(&self, pos: usize, is_start: bool) -> usize {
        let upto = self.splices.partition_point(|s| s.start <= pos);
        let Some(j) = upto.checked_sub(1) else { return pos };
        let s = self.splices[j];
        (shift(pos, s.start, s.end, s.len, is_start) as i64 + self.before[j]) as usize
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

/// The splices (in `theirs`' coordinates) that turn `theirs` into `ours`.
pub fn splices(theirs: &[char], ours: &[char]) -> Vec<Splice> {
    let (their_lines, our_lines) = (line_starts(theirs), line_starts(ours));
    let mut input = InternedInput::default();
    input.update_before(pieces(theirs, &their_lines));
    input.update_after(pieces(ours, &our_lines));
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

fn pieces<'a>(text: &'a [char], starts: &'a [usize]) -> impl Iterator<Item = &'a [char]> + 'a {
    starts.windows(2).map(move |w| &text[w[0]..w[1]])
}

/// Diff of one changed run of lines by words (runs of letters and digits) and single other
/// characters; `offset` is where `theirs` starts. Words as tokens keep the alignment on word
/// boundaries: a raw character diff pairs stray letters ("kind." → "kind and" may keep the `d`
/// of "and"), which would drag a coding's end into words it never covered.
fn char_splices(theirs: &[char], ours: &[char], offset: usize, out: &mut Vec<Splice>) {
    let (their_words, our_words) = (word_starts(theirs), word_starts(ours));
    let mut input = InternedInput::default();
    input.update_before(pieces(theirs, &their_words));
    input.update_after(pieces(ours, &our_words));
    diff(Algorithm::Histogram, &input, |b: Range<u32>, a: Range<u32>| {
        let start = their_words[b.start as usize];
        out.push(Splice {
            start: offset + start,
            end: offset + their_words[b.end as usize],
            len: our_words[a.end as usize] - our_words[a.start as usize],
        });
    });
}

/// Offsets where each word or other character starts, and the length last.
fn word_starts(text: &[char]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, c) in text.iter().enumerate() {
        let joins = c.is_alphanumeric() && i > 0 && text[i - 1].is_alphanumeric();
        if !joins {
            starts.push(i);
        }
    }
    starts.push(text.len());
    starts
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
    fn mapping_agrees_with_running_the_batch_last_first() {
        let theirs = "aa bb cc dd ee ff gg\nhh ii jj\nkk ll";
        let ours = "aa XX bb cc ee ff YY gg\nhh jj\nkk ll mm";
        let r = Realign::new(theirs, ours);
        assert_eq!(apply(theirs, &r.splices, ours), ours);
        for start in 0..=r.theirs.len() {
            for end in start..=r.theirs.len() {
                let slow =
                    crate::coding::shift::forward_steps(&r.splices).fold((start, end), |(s, e), (_, sp)| sp.span(s, e));
                assert_eq!(r.map(start, end), slow, "{start}..{end}");
            }
        }
    }

    #[test]
    fn text_added_after_a_coding_does_not_join_it() {
        let theirs = "the leader was kind.\n";
        let ours = "the organiser was kind and the tea was awful.\n";
        let r = Realign::new(theirs, ours);
        assert_eq!(apply(theirs, &r.splices, ours), ours);
        let (s, e) = r.map(0, 19);
        assert_eq!(r.our_text(s, e), "the organiser was kind");
    }

    #[test]
    fn identical_texts_need_no_splices() {
        let r = Realign::new("same\ntext", "same\ntext");
        assert!(r.splices.is_empty());
        assert_eq!(r.map(2, 7), (2, 7));
    }
}
