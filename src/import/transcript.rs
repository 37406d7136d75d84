//! Whether a text with `Name:` lines is a transcript, or a field note or paper that happens to
//! have a few.
//!
//! Any line that starts `Word:` looks like a speaker label, so taking every such line for a turn
//! invents speakers: a conference paper's "Abstract:", "H1:" and "RQ1:" headings, a field note's
//! "TL1 said:", a comment that starts "Covid:". Real transcripts differ in two ways that headings
//! and quotes do not share: their turns make up most of the text, and their speakers speak again.
//! So a text keeps its turns only when
//!
//! - its turns **cover most of it**: more than half of its (non-blank) characters are in
//!   paragraphs that open with a label, or, when the speakers recur, at least half of its
//!   paragraphs open with one (long answers that run over several paragraphs); and
//! - the labels are speakers: **they recur** (at least half of the turns are by speakers with
//!   more than one turn), or every turn carries a time (`[00:01:02] Name:`, as transcribers and
//!   tools write), or the text is **nothing but turns** (at least two, every paragraph opening
//!   with a label, at least half of its lines labels: a short exchange typed as dialogue).
//!
//! Otherwise the text is a field note (or other) with no speakers. Captions and the exports of
//! transcription tools name their speakers explicitly and are not judged this way.

use std::collections::HashMap;

use super::ParsedTurn;

/// What the lines of a text look like, gathered while its turns are found
/// ([`super::speakers::scan_turns_within`]). A paragraph is a run of non-blank lines; a line that
/// opens a turn opens a paragraph too (as in [`super::paragraphs`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    pub lines: usize,
    pub label_lines: usize,
    pub paragraphs: usize,
    /// Paragraphs that open with a speaker label.
    pub labelled_paragraphs: usize,
    /// Non-whitespace characters (code points) of the text.
    pub chars: usize,
    /// Non-whitespace characters in paragraphs that open with a label.
    pub labelled_chars: usize,
    /// Whether the paragraph being walked opens with a label (`None` between paragraphs).
    open: Option<bool>,
}

impl Shape {
    /// Adds the next line of the text; `opens_turn` says whether it starts with a speaker label.
    pub fn add_line(&mut self, body: &str, opens_turn: bool) {
        let chars = non_blank_chars(body);
        if chars == 0 {
            self.open = None;
            return;
        }
        self.lines += 1;
        self.chars += chars;
        if opens_turn {
            self.label_lines += 1;
            self.open = Some(true);
            self.paragraphs += 1;
            self.labelled_paragraphs += 1;
        } else if self.open.is_none() {
            self.open = Some(false);
            self.paragraphs += 1;
        }
        if self.open == Some(true) {
            self.labelled_chars += chars;
        }
    }
}

/// Code points of `line` that are not ASCII whitespace (bytes that start a UTF-8 sequence): a
/// byte loop, because it runs over every line of every imported text.
fn non_blank_chars(line: &str) -> usize {
    line.bytes().filter(|&b| (b & 0xC0) != 0x80 && !b.is_ascii_whitespace()).count()
}

/// Whether `turns`, found in a text of this `shape`, make it a transcript (see the module docs).
pub fn is_transcript(turns: &[ParsedTurn], shape: &Shape) -> bool {
    if turns.is_empty() {
        return false;
    }
    let mut per_speaker: HashMap<&str, usize> = HashMap::new();
    for turn in turns {
        *per_speaker.entry(&*turn.speaker).or_default() += 1;
    }
    let recurring: usize = per_speaker.values().filter(|&&n| n > 1).sum();
    let recur = recurring >= 2 && recurring * 2 >= turns.len();
    let covered = shape.labelled_chars * 2 > shape.chars;
    let dense = recur && shape.labelled_paragraphs * 2 >= shape.paragraphs;
    let timed = turns.iter().all(|t| t.time_ms.is_some());
    let dialogue =
        turns.len() >= 2 && shape.labelled_paragraphs == shape.paragraphs && shape.label_lines * 2 >= shape.lines;
    (covered || dense) && (recur || timed || dialogue)
}

#[cfg(test)]
mod tests {
    use super::super::lines::Lines;
    use super::super::speakers::scan_turns_within;
    use super::*;

    fn judged(text: &str) -> bool {
        let (turns, shape) = scan_turns_within(Lines::of(text), usize::MAX).unwrap();
        is_transcript(&turns, &shape)
    }

    #[test]
    fn transcripts_typed_timed_or_short_are_transcripts() {
        assert!(judged("Interviewer: Where?\nLW1: Here.\nInterviewer: Why?\nLW1: Because.\n"));
        assert!(judged("[00:00:02] Facilitator: Start?\n[00:00:09] LW3: Yes.\n[laughter]\n[00:00:21] TL1: Fine.\n"));
        assert!(judged("Interviewer: Where do you sit?\n\nLW6: Wherever there is a room.\n"));
        let long_answers = "Interviewer: Tell me.\n\nP1: First part of a long answer.\n\nMore of it, a paragraph.\n\n\
                            Interviewer: And then?\n\nP1: Then this.\n\nAnd that.\n";
        assert!(judged(long_answers), "answers running over several paragraphs");
    }

    #[test]
    fn headings_quotes_and_stray_labels_are_not_speakers() {
        let body = "A paragraph of prose that goes on for a while and says a great deal about the study.\n\n";
        let paper = format!(
            "Abstract: we studied things.\n\n{body}{body}H1: more is better.\n\n{body}{body}H1: supported.\n\n{body}"
        );
        assert!(!judged(&paper), "headings that recur do not cover the text");
        let note = format!("{body}TL1 said: come back tomorrow.\n{body}{body}");
        assert!(!judged(&note), "a field note's `TL1 said:`");
        let comments = "Covid: what a story\nso many people said so\nand more\nPfizer: again\nthe end of it\nyes\n";
        assert!(!judged(comments), "labels that open a minority of lines and never recur");
        assert!(!judged("No labels here.\n"));
    }
}
