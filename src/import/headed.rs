//! Transcripts whose turns open with a heading line of the speaker's name and a time: Otter.ai's
//! TXT export (`Speaker Name  0:02`, the words on the next lines, a blank line between turns) and
//! Microsoft Teams' `.docx` transcript (a paragraph `Jane Doe   0:03`, the words in the next).
//!
//! The heading has no colon, so the plain-text reader would see no speakers at all. A text is
//! read this way only when such headings recur and open most of its paragraphs; text before the
//! first heading (a Teams meeting title and date) is kept as a preamble without speaker, and
//! Otter's closing "Transcribed by https://otter.ai" line is kept after the last turn.

use std::sync::LazyLock;

use regex::Regex;

use super::cues::{Cue, CueWriter};
use super::speakers::parse_timestamp;

/// `Name  0:02`, `Name Surname 1:02:03`: a name of one to six words (starting with a letter, no
/// colon), spaces, a clock time, nothing else.
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\ \t]*(\p{L}[^\t:]{0,59}?)[\ \t\u{A0}]+(\d{1,2}:\d{2}(?::\d{2})?)[\ \t]*$")
        .expect("heading regex is valid")
});

/// A speaker heading: the name and the time in milliseconds.
fn heading(line: &str) -> Option<(&str, i64)> {
    if !line.as_bytes().contains(&b':') {
        return None;
    }
    let caps = HEADING.captures(line)?;
    let name = caps.get(1)?.as_str().trim();
    if name.split_whitespace().count() > 6 {
        return None;
    }
    Some((name, parse_timestamp(caps.get(2)?.as_str())?))
}

/// The text, turns and time map of a headed transcript, or `None` when `text` is not one: fewer
/// than two headings, or headings that open fewer than a third of its paragraphs.
pub fn parse_headed(text: &str) -> Option<Result<super::Timed, String>> {
    let mut headings = 0usize;
    let mut paragraphs = 0usize;
    let mut in_paragraph = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            in_paragraph = false;
        } else if heading(line).is_some() {
            headings += 1;
            paragraphs += 1;
            in_paragraph = true;
        } else if !in_paragraph {
            paragraphs += 1;
            in_paragraph = true;
        }
    }
    if headings < 2 || headings * 3 < paragraphs {
        return None;
    }
    Some(write(text))
}

fn write(text: &str) -> Result<super::Timed, String> {
    let mut writer = CueWriter::new("the transcript's turns");
    let mut current: Option<Cue> = None;
    let mut words: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some((name, ms)) = heading(line) {
            if let Some(cue) = current.take() {
                writer.add(Cue { text: words.join(" "), ..cue })?;
            }
            words.clear();
            current = Some(Cue { start_ms: Some(ms), speaker: Some(name.to_owned()), ..Cue::default() });
        } else if current.is_none() {
            writer.preamble(line)?;
        } else if !line.trim().is_empty() {
            words.push(line.trim());
        }
    }
    let closing = if words.last().is_some_and(|last| last.starts_with("Transcribed by ")) { words.pop() } else { None };
    if let Some(cue) = current.take() {
        writer.add(Cue { text: words.join(" "), ..cue })?;
    }
    if let Some(closing) = closing {
        writer.preamble(closing)?;
    }
    Ok(writer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otter_headings_open_turns_with_times() {
        let otter = "Speaker 1  0:02\nSo how did you start?\n\nDana Reyes  0:07\nIn housing.\nThen this.\n\n\
                     Speaker 1  1:02:03\nRight.\n\nTranscribed by https://otter.ai\n";
        let (text, turns, times) = parse_headed(otter).unwrap().unwrap();
        assert_eq!(
            text,
            "[00:00:02] Speaker 1: So how did you start?\n[00:00:07] Dana Reyes: In housing. Then this.\n\
             [01:02:03] Speaker 1: Right.\nTranscribed by https://otter.ai\n"
        );
        assert_eq!(turns.iter().map(|t| &*t.speaker).collect::<Vec<_>>(), ["Speaker 1", "Dana Reyes", "Speaker 1"]);
        assert_eq!(times.iter().map(|p| p.ms).collect::<Vec<_>>(), [2000, 7000, 3_723_000]);
        assert_eq!(times[1].offset, turns[1].start);
    }

    #[test]
    fn prose_with_a_time_or_two_is_not_headed() {
        assert!(parse_headed("We met at 10:30\n\nA long paragraph.\n\nAnother one.\n").is_none());
        assert!(parse_headed("Lunch 12:30\n\nTalk 13:00\n\nP\n\nQ\n\nR\n\nS\n\nT\n").is_none());
        assert_eq!(heading("Meeting notes: 10:30"), None);
        assert_eq!(heading("Jane Doe   0:03"), Some(("Jane Doe", 3000)));
    }
}
