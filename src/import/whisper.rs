//! Whisper and WhisperX JSON transcripts.
//!
//! OpenAI Whisper writes `{"text": …, "segments": [{"start": 0.0, "end": 2.5, "text": " Hello"},
//! …]}` (times in seconds); WhisperX adds a `speaker` (`SPEAKER_00`, …) to each diarised segment
//! and `words` with their own `start`/`end`. Segments become cues ([`CueWriter`]): speakers become
//! participants (renamable later like any other), consecutive segments of one speaker merge into
//! one turn, and every segment's start and end and every word's start go into the time map.
//! Without speakers, segments run on as prose, with a paragraph break at each pause of two
//! seconds or more.
//!
//! Only the fields Fieldcode uses are kept while the file is read (serde skips the rest, such as
//! Whisper's token lists), so memory stays close to the size of the text.

use serde::Deserialize;

use super::cues::{Cue, CueWriter};
use crate::store::time_map::MAX_MS;

/// A pause at least this long (ms) between speakerless segments starts a new paragraph.
const PARAGRAPH_PAUSE_MS: i64 = 2000;

#[derive(Deserialize)]
struct File {
    segments: Vec<Segment>,
}

#[derive(Deserialize)]
struct Segment {
    start: f64,
    end: f64,
    text: String,
    #[serde(default)]
    speaker: Option<String>,
    #[serde(default)]
    words: Vec<Word>,
}

#[derive(Deserialize)]
struct Word {
    word: String,
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    speaker: Option<String>,
}

/// Whether `text` looks like JSON (its first non-blank character is `{`): such a file is read as
/// JSON whatever its extension says.
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// The text, turns and time map of a Whisper or WhisperX JSON transcript, or why it is not one.
pub fn parse_whisper(json: &str) -> Result<super::Timed, String> {
    let file: File = serde_json::from_str(json).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => format!(
            "it is JSON but not a Whisper or WhisperX transcript ({e}); Fieldcode reads a `segments` list whose \
             items have `start`, `end` and `text`"
        ),
        _ => format!("its JSON is malformed ({e}); nothing was imported"),
    })?;
    let mut writer = CueWriter::new("the Whisper segments");
    let mut last_end: Option<i64> = None;
    for (index, segment) in file.segments.iter().enumerate() {
        let at = |what: &str, seconds: f64| {
            millis(seconds).ok_or_else(|| {
                format!("segment {} has a {what} time of {seconds} s, which is not a time in a recording", index + 1)
            })
        };
        let start = at("start", segment.start)?;
        let end = at("end", segment.end)?;
        // WhisperX leaves `speaker` off a segment it could not assign, though its words may have one.
        let speaker = segment.speaker.clone().or_else(|| segment.words.iter().find_map(|w| w.speaker.clone()));
        let new_paragraph = speaker.is_none() && last_end.is_some_and(|last| start - last >= PARAGRAPH_PAUSE_MS);
        let words = word_times(&segment.text, &segment.words);
        writer.add(Cue {
            start_ms: Some(start),
            end_ms: Some(end),
            speaker,
            text: segment.text.clone(),
            words,
            new_paragraph,
        })?;
        last_end = Some(end);
    }
    if !writer.has_cues() {
        return Err(format!("its {} segment(s) have no text; there is nothing to import", file.segments.len()));
    }
    Ok(writer.finish())
}

/// Seconds as milliseconds, if they are a time in a recording (finite, not negative, within the
/// time map's range).
fn millis(seconds: f64) -> Option<i64> {
    let ms = (seconds * 1000.0).round();
    (ms.is_finite() && (0.0..=MAX_MS as f64).contains(&ms)).then_some(ms as i64)
}

/// Where each timed word is in the segment's text (byte offset) with its start time: each word is
/// looked for after the one before it, and one that is not found (or has no time) is skipped.
fn word_times(text: &str, words: &[Word]) -> Vec<(usize, i64)> {
    let mut found = Vec::new();
    let mut from = 0usize;
    for word in words {
        let needle = word.word.trim();
        if needle.is_empty() {
            continue;
        }
        let Some(at) = text.get(from..).and_then(|rest| rest.find(needle)) else { continue };
        let at = from + at;
        from = at + needle.len();
        if let Some(ms) = word.start.and_then(millis) {
            found.push((at, ms));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whisperx_speakers_merge_and_words_keep_their_times() {
        let json = r#"{"segments": [
            {"start": 0.5, "end": 2.0, "text": " Hello there.", "speaker": "SPEAKER_00",
             "words": [{"word": "Hello", "start": 0.5, "end": 0.9, "speaker": "SPEAKER_00"},
                       {"word": "there.", "start": 1.1, "end": 2.0}]},
            {"start": 2.2, "end": 3.0, "text": " Go on.", "speaker": "SPEAKER_00", "words": []},
            {"start": 3.5, "end": 5.0, "text": " Well, 20 years.", "speaker": "SPEAKER_01",
             "words": [{"word": "Well,", "start": 3.5}, {"word": "20"}, {"word": "years.", "start": 4.2}]}
        ], "word_segments": []}"#;
        let (text, turns, times) = parse_whisper(json).unwrap();
        assert_eq!(text, "[00:00:00] SPEAKER_00: Hello there. Go on.\n[00:00:03] SPEAKER_01: Well, 20 years.\n");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].time_ms, Some(500));
        let chars: Vec<char> = text.chars().collect();
        let at =
            |ms: i64| times.iter().find(|p| p.ms == ms).map(|p| chars[p.offset..].iter().take(5).collect::<String>());
        assert_eq!(at(1100).as_deref(), Some("there"));
        assert_eq!(at(2200).as_deref(), Some("Go on"));
        assert_eq!(at(4200).as_deref(), Some("years"));
        assert!(times.windows(2).all(|w| w[0].offset <= w[1].offset));
    }

    #[test]
    fn plain_whisper_runs_on_with_paragraphs_at_pauses() {
        let json = r#"{"text": "x", "language": "en", "segments": [
            {"id": 0, "seek": 0, "start": 0.0, "end": 1.0, "text": " One.", "tokens": [1, 2]},
            {"id": 1, "seek": 0, "start": 1.2, "end": 2.0, "text": " Two."},
            {"id": 2, "seek": 0, "start": 9.0, "end": 10.0, "text": " Three."}]}"#;
        let (text, turns, times) = parse_whisper(json).unwrap();
        assert_eq!(text, "One. Two.\n\nThree.\n");
        assert!(turns.is_empty());
        assert_eq!(times.len(), 6);
    }

    #[test]
    fn malformed_and_foreign_json_are_refused_with_the_reason() {
        assert!(
            parse_whisper(r#"{"segments": [{"start": 0, "end": 1, "text": "a"},"#).unwrap_err().contains("malformed")
        );
        let err = parse_whisper(r#"{"name": "not a transcript"}"#).unwrap_err();
        assert!(err.contains("not a Whisper") && err.contains("segments"), "{err}");
        assert!(
            parse_whisper(r#"{"segments": [{"start": -1, "end": 1, "text": "a"}]}"#).unwrap_err().contains("segment 1")
        );
        assert!(
            parse_whisper(r#"{"segments": [{"start": 0, "end": 1, "text": "  "}]}"#).unwrap_err().contains("no text")
        );
    }
}
