//! Speaker turns in plain-text transcripts.
//!
//! A line that starts with a speaker label (`Name:`), optionally after a timestamp such as
//! `[00:01:02]`, `00:01:02` or `(01:02)`, starts a turn; following lines without a label continue
//! it. Bracketed annotations such as `[laughter]` are never speakers, and common header words
//! (`Note:`, `Date:`, …) are not taken for speakers either. The text itself is kept verbatim; a
//! turn's span covers the utterance after the label, up to the end of its last non-blank line.
//! Whether a text keeps the turns found here (is a transcript at all) is decided by
//! [`super::transcript`], from the [`Shape`] gathered on the same walk.

use std::sync::LazyLock;

use regex::Regex;

use super::lines::Lines;
use super::transcript::Shape;
use super::{ParsedTurn, SpeakerLabels};

static TURN_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^[\ \t]*
        (?: (?: \[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\]
                  | \(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\)
                  | \d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})? ) [\ \t]* )?
        (?: [\p{Lu}\p{Lt}][\p{L}\p{N}.'’\-]*(?:[\ ][\p{L}\p{N}.'’\-]+){0,3} )
        [\ \t]*:(?:[\ \t]+|$)",
    )
    .expect("speaker regex is valid")
});

/// Header words that look like labels but are not speakers (ASCII, compared ignoring case).
const NOT_SPEAKERS: &[&str] = &[
    "note",
    "notes",
    "nb",
    "date",
    "time",
    "location",
    "place",
    "site",
    "setting",
    "present",
    "attendees",
    "observer",
    "summary",
    "subject",
    "re",
    "ps",
    "update",
    "example",
    "source",
    "title",
    "duration",
    "transcript",
    "transcriber",
    "recording",
    "topic",
    "agenda",
    "action",
    "actions",
    "reflection",
    "context",
    "http",
    "https",
];

/// A label and timestamp found at the start of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnStart<'a> {
    pub speaker: &'a str,
    pub time_ms: Option<i64>,
    /// Byte offset within the line where the utterance starts.
    pub content_byte: usize,
}

/// Recognises a turn-starting line.
///
/// The regex has no capture groups so the lazy DFA answers (fast on long transcripts); the short
/// matched prefix is then split into timestamp and label by hand.
pub fn turn_start(line: &str) -> Option<TurnStart<'_>> {
    // Most lines of field notes have no colon at all; a SIMD search rules them out before the regex.
    memchr::memchr(b':', line.as_bytes())?;
    let matched = TURN_LINE.find(line)?;
    let prefix = &line[..matched.end()];
    let head = prefix[..prefix.rfind(':')?].trim();
    let (timestamp, label) = split_timestamp(head);
    let label = label.trim();
    if label.len() > 40 || NOT_SPEAKERS.iter().any(|word| word.eq_ignore_ascii_case(label)) {
        return None;
    }
    Some(TurnStart { speaker: label, time_ms: timestamp.and_then(parse_timestamp), content_byte: matched.end() })
}

/// Splits `[00:01] Name` into the timestamp (if any) and the label.
fn split_timestamp(head: &str) -> (Option<&str>, &str) {
    let close = match head.as_bytes().first() {
        Some(b'[') => head.find(']').map(|i| i + 1),
        Some(b'(') => head.find(')').map(|i| i + 1),
        Some(b) if b.is_ascii_digit() => head.find([' ', '\t']),
        _ => None,
    };
    match close {
        Some(end) => (Some(&head[..end]), &head[end..]),
        None => (None, head),
    }
}

/// Parses `[hh:mm:ss.fff]`, `(mm:ss)`, `hh:mm:ss,fff` and similar into milliseconds.
pub fn parse_timestamp(raw: &str) -> Option<i64> {
    let raw = raw.trim().trim_start_matches(['[', '(']).trim_end_matches([']', ')']);
    let (clock, fraction) = match raw.bytes().position(|b| b == b'.' || b == b',') {
        Some(dot) => (&raw[..dot], Some(&raw[dot + 1..])),
        None => (raw, None),
    };
    let mut parts = [0i64; 3];
    let mut count = 0;
    for part in clock.split(':') {
        *parts.get_mut(count)? = digits_value(part)?;
        count += 1;
    }
    let seconds = match &parts[..count] {
        [m, s] => m * 60 + s,
        [h, m, s] => h * 3600 + m * 60 + s,
        _ => return None,
    };
    let millis = match fraction {
        Some(f) if !f.is_empty() => {
            let digits = f.get(..f.len().min(3))?;
            digits_value(digits)? * 10_i64.pow(3 - digits.len() as u32)
        }
        _ => 0,
    };
    Some(seconds * 1000 + millis)
}

/// The value of a run of 1 to 9 ASCII digits (a clock field), else `None`.
fn digits_value(digits: &str) -> Option<i64> {
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().fold(0, |value, b| value * 10 + i64::from(b - b'0')))
}

/// Finds the speaker turns of a whole text (offsets in code points).
pub fn find_turns(text: &str) -> Vec<ParsedTurn> {
    find_turns_in(Lines::of(text))
}

/// [`find_turns`] over a walk of the text's lines.
pub fn find_turns_in(lines: Lines<'_>) -> Vec<ParsedTurn> {
    find_turns_within(lines, usize::MAX).unwrap_or_default()
}

/// [`find_turns_in`], giving up (`None`) as soon as there are more than `max` turns.
pub fn find_turns_within(lines: Lines<'_>, max: usize) -> Option<Vec<ParsedTurn>> {
    scan_turns_within(lines, max).map(|(turns, _)| turns)
}

/// [`find_turns_within`] with the [`Shape`] of the text: how much of it the turns make up, which
/// says whether it is a transcript at all ([`super::transcript::is_transcript`]).
pub fn scan_turns_within(lines: Lines<'_>, max: usize) -> Option<(Vec<ParsedTurn>, Shape)> {
    let mut turns: Vec<ParsedTurn> = Vec::new();
    let mut labels = SpeakerLabels::default();
    let mut shape = Shape::default();
    for line in lines {
        let body = line.body;
        let start = turn_start(body);
        shape.add_line(body, start.is_some());
        if let Some(start) = start {
            if turns.len() == max {
                return None;
            }
            let content_char = line.start + body[..start.content_byte].chars().count();
            let has_content = !body[start.content_byte..].trim().is_empty();
            turns.push(ParsedTurn {
                speaker: labels.intern(start.speaker),
                start: content_char,
                end: if has_content { trimmed_end(body, line.end) } else { content_char },
                time_ms: start.time_ms,
            });
        } else if !body.trim().is_empty()
            && let Some(turn) = turns.last_mut()
        {
            if turn.start == turn.end {
                turn.start = line.start + leading_ws_chars(body);
            }
            turn.end = trimmed_end(body, line.end);
        }
    }
    Some((turns, shape))
}

fn leading_ws_chars(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// Where the line's content ends: its end less its trailing whitespace (counted from the end, so
/// the line is not counted twice).
fn trimmed_end(line: &str, line_end_char: usize) -> usize {
    line_end_char - line[line.trim_end().len()..].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speakers(text: &str) -> Vec<String> {
        find_turns(text).into_iter().map(|t| t.speaker.to_string()).collect()
    }

    #[test]
    fn labels_with_and_without_timestamps() {
        for (line, speaker, ms) in [
            ("LW3: hello", "LW3", None),
            ("[00:01:02] Interviewer: so", "Interviewer", Some(62_000)),
            ("00:01:02 Dr Shah: yes", "Dr Shah", Some(62_000)),
            ("(01:02) P1: ok", "P1", Some(62_000)),
            ("[1:02:03.5] TL1: right", "TL1", Some(3_723_500)),
        ] {
            let start = turn_start(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(start.speaker, speaker);
            assert_eq!(start.time_ms, ms);
        }
    }

    #[test]
    fn timestamps_in_every_written_form() {
        for (raw, ms) in [
            ("1:02", Some(62_000)),
            ("[00:01:02]", Some(62_000)),
            ("(01:02)", Some(62_000)),
            ("01:02:03,5", Some(3_723_500)),
            ("00:00:03.250", Some(3_250)),
            ("1:02.", Some(62_000)),
            ("1:2:3:4", None),
            ("ab:cd", None),
            ("12", None),
            ("", None),
            ("1:0x", None),
        ] {
            assert_eq!(parse_timestamp(raw), ms, "{raw:?}");
        }
    }

    #[test]
    fn annotations_headers_and_prose_are_not_speakers() {
        for line in [
            "[laughter]",
            "[inaudible] something: else",
            "Note: the GP was late",
            "she said: come back tomorrow",
            "http://example.org",
            "10:30 we met in the café",
            "A very long sentence that happens to have five words: no",
        ] {
            assert_eq!(turn_start(line), None, "{line}");
        }
    }

    #[test]
    fn continuation_lines_extend_the_turn_and_offsets_are_code_points() {
        let text = "Header line\n[00:00:01] Zoë: première ligne\nsuite ici  \n\n[00:00:09] LW1: ok\n[pause]\n";
        let turns = find_turns(text);
        assert_eq!(speakers(text), ["Zoë", "LW1"]);
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        assert_eq!(slice(turns[0].start, turns[0].end), "première ligne\nsuite ici");
        assert_eq!(slice(turns[1].start, turns[1].end), "ok\n[pause]");
        assert_eq!(turns[1].time_ms, Some(9000));
    }

    #[test]
    fn label_alone_on_its_line_takes_the_next_lines() {
        let text = "Interviewer:\n  How did it start?\nLW2: Well.";
        let turns = find_turns(text);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[turns[0].start..turns[0].end].iter().collect::<String>(), "How did it start?");
    }
}
