//! The time map of a typed transcript: the time of each turn (`[00:01:02] Name:`) and of every
//! timestamp inside the text (`… and then [00:01:40] she left`, as noScribe and transcribers
//! write them), so a plain-text transcript keeps every time it has, like a caption file.

use std::sync::LazyLock;

use regex::Regex;

use super::ParsedTurn;
use super::speakers::parse_timestamp;
use crate::store::time_map::TimePoint;

/// A bracketed timestamp at the start of the text it is matched against.
static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\]").expect("timestamp regex is valid"));

/// The time points of a transcript's text: each timed turn at its utterance, and each bracketed
/// timestamp that does not open a line at the text just after it. A text without turns is no
/// transcript and has no time map (a field note's "[10:30]" is a time of day, not of a recording).
///
/// One pass over the `[` of the text: most open a line (a turn's time) and are passed over at
/// once; code points are counted only up to the inline timestamps found.
pub fn text_times(text: &str, turns: &[ParsedTurn]) -> Vec<TimePoint> {
    if turns.is_empty() {
        return Vec::new();
    }
    let mut times: Vec<TimePoint> =
        turns.iter().filter_map(|t| t.time_ms.map(|ms| TimePoint { offset: t.start, ms })).collect();
    let bytes = text.as_bytes();
    let (mut counted_bytes, mut counted_chars) = (0usize, 0usize);
    let mut inline = false;
    for at in memchr::memchr_iter(b'[', bytes) {
        let indent = bytes[..at].iter().rev().take_while(|&&b| b == b' ' || b == b'\t').count();
        if at == indent || bytes[at - indent - 1] == b'\n' {
            continue; // opens the line: a turn's time (or a time with no words before it)
        }
        let Some(found) = text.get(at..).and_then(|rest| BRACKETED.find(rest)) else { continue };
        let Some(ms) = parse_timestamp(found.as_str()) else { continue };
        let after = &text[at + found.end()..];
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        let end = at + found.end() + spaces;
        counted_chars += code_points(&bytes[counted_bytes..end]);
        counted_bytes = end;
        times.push(TimePoint { offset: counted_chars, ms });
        inline = true;
    }
    if inline {
        times.sort_by_key(|p| p.offset);
    }
    times.shrink_to_fit();
    times
}

/// Code points in UTF-8 bytes that begin and end on character boundaries.
fn code_points(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::speakers::find_turns;

    #[test]
    fn turn_times_and_inline_timestamps() {
        let text = "[00:00:05] S01: Hello. [00:00:09] Then more.\n[00:00:12] S02: Yes.\nS01: untimed\n";
        let times = text_times(text, &find_turns(text));
        let chars: Vec<char> = text.chars().collect();
        let pairs: Vec<(String, i64)> =
            times.iter().map(|p| (chars[p.offset..].iter().take(4).collect(), p.ms)).collect();
        assert_eq!(pairs, [("Hell".into(), 5000), ("Then".into(), 9000), ("Yes.".into(), 12_000)]);
        assert!(text_times("A note at [10:30] today.\n", &[]).is_empty());
    }
}
