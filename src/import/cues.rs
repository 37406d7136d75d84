//! Writing timed cues (captions, Whisper segments, Otter and Teams turns) as transcript text.
//!
//! Every tool's cues become the same text: one `[hh:mm:ss] Name: words` line per run of cues of
//! one speaker, the shape of a typed transcript, so the viewer, autocode and analysis see one
//! kind of transcript whatever made it. A cue without a speaker continues the run before it.
//! The writer keeps what the text loses: each turn, and every cue's (and word's) time in the
//! document's time map, so any span can later be played from the recording.
//!
//! The text is checked against the text limit ([`super::MAX_FILE_BYTES`]) and the turns against
//! [`super::MAX_TURNS`] as they grow, and time points are at most a few per cue (one per word),
//! so memory stays a small multiple of the input's size.

use super::subtitles::format_clock;
use super::{ParsedTurn, SpeakerLabels};
use crate::store::time_map::TimePoint;

/// One cue: a caption, a segment or a turn of a transcription tool.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cue {
    /// When the cue starts, if known (milliseconds into the recording).
    pub start_ms: Option<i64>,
    /// When it ends, if known.
    pub end_ms: Option<i64>,
    pub speaker: Option<String>,
    /// The words, on one line.
    pub text: String,
    /// Times of words within `text`: (byte offset in `text`, milliseconds), in text order.
    pub words: Vec<(usize, i64)>,
    /// Start a new paragraph (a blank line before it) even when the speaker does not change; for
    /// long runs of cues without speakers, broken at pauses.
    pub new_paragraph: bool,
}

/// The transcript being written.
#[derive(Debug, Default)]
pub struct CueWriter {
    text: String,
    /// The text's length in code points.
    chars: usize,
    turns: Vec<ParsedTurn>,
    times: Vec<TimePoint>,
    labels: SpeakerLabels,
    /// The speaker of the line still open, if a line is open.
    open: Option<Option<String>>,
    /// What made the text, for messages ("the captions", "the Whisper segments").
    source: &'static str,
}

impl CueWriter {
    /// A writer whose messages call its input `source` ("the captions").
    pub fn new(source: &'static str) -> CueWriter {
        CueWriter { source, ..CueWriter::default() }
    }

    /// Text that belongs to no turn and has no time (a meeting title before the first cue), on
    /// its own line before the cues.
    pub fn preamble(&mut self, line: &str) -> Result<(), String> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(());
        }
        if self.open.take().is_some() {
            self.push("\n")?;
        }
        self.push(line)?;
        self.push("\n")
    }

    /// Whether any cue with text was added.
    pub fn has_cues(&self) -> bool {
        !self.turns.is_empty() || !self.times.is_empty() || self.open.is_some()
    }

    /// Adds a cue; an empty one is skipped.
    pub fn add(&mut self, cue: Cue) -> Result<(), String> {
        let text = cue.text.trim();
        if text.is_empty() {
            return Ok(());
        }
        let lead = cue.text.len() - cue.text.trim_start().len();
        match &self.open {
            Some(speaker) if !cue.new_paragraph && (cue.speaker.is_none() || &cue.speaker == speaker) => {
                let has_turn = speaker.is_some();
                self.push(" ")?;
                self.push_timed(text, lead, &cue)?;
                if has_turn && let Some(turn) = self.turns.last_mut() {
                    turn.end = self.chars;
                }
                return Ok(());
            }
            Some(_) if cue.new_paragraph && cue.speaker.is_none() => self.push("\n\n")?,
            Some(_) => self.push("\n")?,
            None => {}
        }
        let prefix = match (&cue.speaker, cue.start_ms) {
            (Some(name), Some(ms)) => format!("[{}] {name}: ", format_clock(ms)),
            (Some(name), None) => format!("{name}: "),
            (None, _) => String::new(),
        };
        self.push(&prefix)?;
        let start = self.chars;
        self.push_timed(text, lead, &cue)?;
        if let Some(speaker) = &cue.speaker {
            if self.turns.len() == super::MAX_TURNS {
                return Err(format!(
                    "{} make more than {} speaker turns, the most one document may have; split the file",
                    self.source,
                    super::MAX_TURNS
                ));
            }
            let speaker = self.labels.intern(speaker);
            self.turns.push(ParsedTurn { speaker, start, end: self.chars, time_ms: cue.start_ms });
        }
        self.open = Some(cue.speaker);
        Ok(())
    }

    /// Pushes a cue's trimmed text (`lead` bytes were trimmed from its start), recording its start
    /// time, its words' times and its end time.
    fn push_timed(&mut self, text: &str, lead: usize, cue: &Cue) -> Result<(), String> {
        let start = self.chars;
        if let Some(ms) = cue.start_ms {
            self.point(start, ms);
        }
        let mut done = 0usize;
        let mut done_chars = start;
        for &(at, ms) in &cue.words {
            let Some(at) = at.checked_sub(lead).filter(|&a| a >= done && a < text.len()) else { continue };
            let Some(before) = text.get(done..at) else { continue };
            done_chars += before.chars().count();
            done = at;
            self.point(done_chars, ms);
        }
        self.push(text)?;
        if let Some(ms) = cue.end_ms {
            self.point(self.chars, ms);
        }
        Ok(())
    }

    /// Records a time point, keeping the map sorted: a point at the offset of the one before it
    /// replaces it only when it is a word's time at a cue's start (the same time).
    fn point(&mut self, offset: usize, ms: i64) {
        if let Some(last) = self.times.last_mut()
            && last.offset == offset
        {
            last.ms = ms;
            return;
        }
        self.times.push(TimePoint { offset, ms });
    }

    fn push(&mut self, piece: &str) -> Result<(), String> {
        if (self.text.len() + piece.len()) as u64 > super::MAX_FILE_BYTES {
            return Err(format!(
                "the transcript made from {} is over {} MB, the limit for one document; split the file",
                self.source,
                super::MAX_FILE_BYTES >> 20
            ));
        }
        self.text.push_str(piece);
        self.chars += piece.chars().count();
        Ok(())
    }

    /// The text (ending in a newline), its turns and its time map.
    pub fn finish(mut self) -> (String, Vec<ParsedTurn>, Vec<TimePoint>) {
        if self.open.is_some() {
            self.text.push('\n');
        }
        self.turns.shrink_to_fit();
        self.times.shrink_to_fit();
        (self.text, self.turns, self.times)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start: i64, end: i64, speaker: Option<&str>, text: &str) -> Cue {
        Cue {
            start_ms: Some(start),
            end_ms: Some(end),
            speaker: speaker.map(str::to_owned),
            text: text.to_owned(),
            ..Cue::default()
        }
    }

    #[test]
    fn runs_of_one_speaker_merge_and_every_cue_keeps_its_time() {
        let mut w = CueWriter::new("the test");
        w.add(cue(1000, 2000, Some("A"), "Hello")).unwrap();
        w.add(cue(2500, 3000, Some("A"), " there")).unwrap();
        w.add(cue(4000, 5000, Some("B"), "Hi")).unwrap();
        let (text, turns, times) = w.finish();
        assert_eq!(text, "[00:00:01] A: Hello there\n[00:00:04] B: Hi\n");
        assert_eq!(turns.len(), 2);
        assert_eq!((turns[0].start, turns[0].end, turns[0].time_ms), (14, 25, Some(1000)));
        let pairs: Vec<(usize, i64)> = times.iter().map(|p| (p.offset, p.ms)).collect();
        assert_eq!(pairs, [(14, 1000), (19, 2000), (20, 2500), (25, 3000), (40, 4000), (42, 5000)]);
    }

    #[test]
    fn word_times_land_on_their_words_and_pauses_break_paragraphs() {
        let mut w = CueWriter::new("the test");
        let mut first = cue(0, 900, None, " Zoë said yes");
        first.words = vec![(1, 0), (6, 400), (11, 700)];
        w.add(first).unwrap();
        let mut second = cue(5000, 6000, None, "Later");
        second.new_paragraph = true;
        w.add(second).unwrap();
        let (text, turns, times) = w.finish();
        assert_eq!(text, "Zoë said yes\n\nLater\n");
        assert!(turns.is_empty());
        let pairs: Vec<(usize, i64)> = times.iter().map(|p| (p.offset, p.ms)).collect();
        assert_eq!(pairs, [(0, 0), (4, 400), (9, 700), (12, 900), (14, 5000), (19, 6000)]);
    }
}
