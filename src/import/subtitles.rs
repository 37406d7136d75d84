//! WebVTT (`.vtt`) and SubRip (`.srt`) captions to transcript text.
//!
//! Each cue's speaker comes from a `<v Name>` voice tag (Microsoft Teams, YouTube) or a `Name:`
//! prefix (Zoom); a cue without one continues the previous speaker. Consecutive cues of the same
//! speaker merge into one turn, which keeps the first cue's start time; every cue's start and end
//! go into the document's time map. The text is written by [`CueWriter`] as `[hh:mm:ss] Name:
//! words` lines, the same shape as a plain-text transcript.

use std::sync::LazyLock;

use regex::Regex;

use super::ParsedTurn;
use super::cues::{Cue, CueWriter};
use super::speakers::{parse_timestamp, turn_start};

static TIMING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
        .expect("timing regex is valid")
});
static VOICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<v(?:\.[^ >]*)?\s+([^>]+)>").expect("voice regex is valid"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("tag regex is valid"));

/// Converts caption text (already decoded and newline-normalised) to transcript text and turns.
///
/// Cues are read and written out one at a time (never all held at once), so memory stays close
/// to the size of the transcript; a transcript over the text limit
/// ([`super::MAX_FILE_BYTES`]) or with more than [`super::MAX_TURNS`] turns is refused as soon
/// as it gets there.
pub fn parse_captions(text: &str) -> Result<(String, Vec<ParsedTurn>), (usize, String)> {
    parse_timed_captions(text).map(|(text, turns, _)| (text, turns))
}

/// [`parse_captions`] with the time map: every cue's start and end.
pub fn parse_timed_captions(text: &str) -> Result<super::Timed, (usize, String)> {
    let mut transcript = CueWriter::new("the captions");
    let mut cues = 0usize;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let Some(caps) = TIMING.captures(line) else {
            continue;
        };
        let time_ms = parse_timestamp(&caps[1]);
        if time_ms.is_none() {
            return Err((index + 1, format!("cannot read the cue time {:?}", &caps[1])));
        }
        let end_ms = parse_timestamp(&caps[2]);
        let mut payload = String::new();
        while let Some((_, next)) = lines.next_if(|(_, l)| !l.trim().is_empty()) {
            if !payload.is_empty() {
                payload.push(' ');
            }
            payload.push_str(next.trim());
        }
        cues += 1;
        transcript.add(cue_from_payload(time_ms, end_ms, &payload)).map_err(|reason| (index + 1, reason))?;
    }
    if cues == 0 {
        return Err((1, "no caption cues with a `00:00:00.000 --> 00:00:00.000` timing line were found".into()));
    }
    if !transcript.has_cues() {
        return Err((1, format!("none of its {cues} caption cue(s) has any text")));
    }
    Ok(transcript.finish())
}

/// Whether a text starts like SubRip: a cue number on the first line, a timing line on the second.
pub fn starts_like_srt(text: &str) -> bool {
    let mut lines = text.lines();
    let number = lines.next().is_some_and(|l| !l.trim().is_empty() && l.trim().bytes().all(|b| b.is_ascii_digit()));
    number && lines.next().is_some_and(|l| TIMING.is_match(l))
}

fn cue_from_payload(start_ms: Option<i64>, end_ms: Option<i64>, payload: &str) -> Cue {
    let mut speaker = VOICE.captures(payload).map(|c| c[1].trim().to_owned());
    let plain = TAG.replace_all(payload, "");
    let mut words = decode_entities(plain.trim());
    if speaker.is_none()
        && let Some(start) = turn_start(&words)
    {
        speaker = Some(start.speaker.to_owned());
        words = words[start.content_byte..].trim().to_owned();
    }
    let words = words.trim_start_matches("- ").to_owned();
    Cue { start_ms, end_ms, speaker, text: words, ..Cue::default() }
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&")
}

/// `hh:mm:ss` for a time in milliseconds.
pub fn format_clock(ms: i64) -> String {
    let s = ms / 1000;
    if !(0..100 * 3600).contains(&s) {
        return format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    }
    // The common case digit by digit: exports format a clock or three per excerpt.
    let mut out = String::with_capacity(12);
    for (i, part) in [s / 3600, (s / 60) % 60, s % 60].into_iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        push_digits(&mut out, part, 2);
    }
    out
}

/// `n` (not negative) in decimal, zero-padded to `width` digits.
pub fn push_digits(out: &mut String, n: i64, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10_i64.pow(place)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_as_the_formatted_ones() {
        for ms in [0, 999, 1_000, 61_500, 3_599_999, 3_600_000, 359_999_999, 360_000_000, 4_000_000_000, -1, -61_000] {
            let s = ms / 1000;
            assert_eq!(format_clock(ms), format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60), "{ms}");
        }
    }

    #[test]
    fn vtt_voice_tags_merge_consecutive_cues() {
        let vtt = "WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>How did you start?</v>\n\n00:00:03.500 --> 00:00:05.000\n<v LW2>In housing,\n\n00:00:05.000 --> 00:00:07.000\n<v LW2>then this job.\n\n00:01:05.000 --> 00:01:07.000 align:start\n<v.loud Interviewer><i>Right</i> &amp; then?\n";
        let (text, turns) = parse_captions(vtt).unwrap();
        assert_eq!(
            text,
            "[00:00:01] Interviewer: How did you start?\n[00:00:03] LW2: In housing, then this job.\n[00:01:05] Interviewer: Right & then?\n"
        );
        assert_eq!(turns.len(), 3);
        assert_eq!(&*turns[1].speaker, "LW2");
        assert_eq!(turns[1].time_ms, Some(3500));
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[turns[1].start..turns[1].end].iter().collect::<String>(), "In housing, then this job.");
    }

    #[test]
    fn srt_name_prefixes_and_unlabelled_continuations() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nTL1: Morning all.\n\n2\n00:00:02,500 --> 00:00:04,000\nShall we start?\n\n3\n00:00:04,000 --> 00:00:06,000\nLW7: Yes.\n";
        let (text, turns) = parse_captions(srt).unwrap();
        assert_eq!(text, "[00:00:01] TL1: Morning all. Shall we start?\n[00:00:04] LW7: Yes.\n");
        assert_eq!(turns.iter().map(|t| &*t.speaker).collect::<Vec<_>>(), ["TL1", "LW7"]);
    }

    #[test]
    fn captions_without_cues_are_refused() {
        assert!(parse_captions("WEBVTT\n\njust words\n").is_err());
    }

    #[test]
    fn captions_whose_cues_have_no_text_are_refused() {
        // Found by tests/fuzz_parsers.rs: a truncated SRT imported as an empty document.
        let err = parse_captions("1\n00:00:01,000 --> 00:00:02,0").unwrap_err();
        assert_eq!(err, (1, "none of its 1 caption cue(s) has any text".to_owned()));
        assert!(parse_captions("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i></i>\n").is_err());
    }
}
