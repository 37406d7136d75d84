//! Renaming a speaker ([`Command::RenameParticipant`]): the participant's label changes, and so
//! does the label written at the start of each of that participant's turns, in every document.
//!
//! Why both: a participant is one row shared by every document it speaks in, but transcripts
//! carry the label in their text (`LW01: I think…`); renaming only the row would leave the texts
//! saying the old name (and a re-import would bring it back). The labels in the text are
//! replaced by ordinary text edits ([`super::text_ops::apply_edits`]), so codings, turns and
//! paragraphs move by the one rule of [`super::shift`] — a coding that covers a label covers the
//! new label — and the whole rename is one undoable command.
//!
//! A turn whose label is not in the text (subtitles, WhisperX segments: the speaker is only
//! metadata) keeps its text; it follows the participant's new label all the same, and the report
//! counts it.
//!
//! [`Command::RenameParticipant`]: super::Command::RenameParticipant

use serde::Serialize;

use super::command::Command;
use super::people_rows::People;
use super::recorder::{self, Mode, Recorder, Written};
use super::rows::{PersonRec, Row};
use super::text_ops::{self, EditReport};
use crate::error::{Error, Result};
use crate::model::{DocumentId, ParticipantId};
use crate::store::versions::Replacement;
use crate::store::{documents, participants};
use crate::text::CharIndex;

/// What a speaker rename did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpeakerRename {
    pub from: String,
    pub to: String,
    /// Turns whose label in the text was rewritten.
    pub relabelled: usize,
    /// Turns of the participant with no label of theirs in the text (kept as they are).
    pub unlabelled: usize,
    /// The text edits: documents changed, codings moved or grown, codings removed (none, unless
    /// two codings became identical). Flattened into the report's JSON.
    #[serde(flatten)]
    pub edits: EditReport,
}

/// Runs [`super::Command::RenameParticipant`] (committed, or worked out and rolled back on a dry
/// run) and returns its report.
pub fn run(
    project: &mut crate::store::Project,
    actor: &str,
    participant: ParticipantId,
    label: &str,
    mode: Mode,
) -> Result<Written<SpeakerRename>> {
    let command = Command::RenameParticipant { participant, label: label.to_owned() };
    recorder::record(project, actor, &command, mode, |rec| rename(rec, participant, label))
}

/// Renames participant `participant` to `label` and rewrites the label of each of their turns.
pub(crate) fn rename(
    rec: &mut Recorder<'_>,
    participant: ParticipantId,
    label: &str,
) -> Result<(String, SpeakerRename)> {
    let person = People::Participants
        .read(rec.conn, participant)?
        .ok_or_else(|| Error::not_found("participant", format!("#{participant}")))?;
    let label = check_label(label)?;
    let mut report = SpeakerRename { from: person.name.clone(), to: label.clone(), ..SpeakerRename::default() };
    if person.name == label {
        return Ok((format!("speaker {label:?} already has that name; nothing changed"), report));
    }
    if participants::find(rec.conn, &label)?.is_some_and(|other| other != participant) {
        return Err(Error::invalid(format!(
            "there is already a speaker called {label:?}; choose another name (nothing was changed)"
        )));
    }
    for doc in documents_of(rec, participant)? {
        let text = documents::text(rec.conn, doc)?;
        let index = CharIndex::new(&text);
        let mut edits = Vec::new();
        for turn in documents::turns(rec.conn, doc)?.into_iter().filter(|t| t.participant_id == Some(participant)) {
            match label_before(&text, &index, index.byte_of(&text, turn.start), &person.name) {
                Some((start, end)) => {
                    edits.push(Replacement { start, end, old: person.name.clone(), new: label.clone() })
                }
                None => report.unlabelled += 1,
            }
        }
        edits.sort_by_key(|r| r.start);
        edits.dedup_by_key(|r| r.start);
        report.relabelled += edits.len();
        if !edits.is_empty() {
            text_ops::apply_edits(rec, doc, &text, edits, None, &mut report.edits)?;
        }
    }
    let after = PersonRec { name: label.clone(), ..person.clone() };
    rec.update(Row::Participant(person), Row::Participant(after))?;
    let summary = format!(
        "renamed speaker {:?} to {label:?}: {} turns relabelled in {} documents{}",
        report.from,
        report.relabelled,
        report.edits.documents.len(),
        match report.unlabelled {
            0 => String::new(),
            n => format!(", {n} turns with no label in the text"),
        },
    );
    let summary = text_ops::with_counts(summary, &report.edits);
    Ok((summary, report))
}

/// A speaker label as it can stand at the start of a turn: trimmed, not empty, on one line,
/// without a colon (which would end the label early when the text is read again).
pub fn check_label(label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid("a speaker needs a name; nothing was changed"));
    }
    if label.contains(['\n', '\r', '\t', ':']) {
        return Err(Error::invalid(format!(
            "{label:?} cannot be a speaker label: it may not hold a colon, a tab or a line break (nothing was changed)"
        )));
    }
    Ok(label.to_owned())
}

fn documents_of(rec: &Recorder<'_>, participant: ParticipantId) -> Result<Vec<DocumentId>> {
    let mut stmt =
        rec.conn.prepare("SELECT DISTINCT document_id FROM turn WHERE participant_id = ?1 ORDER BY document_id")?;
    let rows = stmt.query_map([participant], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The code point range of the label `name` that opens the turn starting at byte `at`: on the
/// turn's first line (`LW01: text`), or the line before when the utterance begins on a line of
/// its own (`LW01:` then the text). `None` when neither line opens with that label.
pub fn label_before(text: &str, index: &CharIndex, at: usize, name: &str) -> Option<(usize, usize)> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut candidates = vec![(line_start, at)];
    if line_start == at && at > 0 {
        let prev = text.get(..at - 1)?.rfind('\n').map_or(0, |i| i + 1);
        candidates.push((prev, at - 1));
    }
    candidates.into_iter().find_map(|(from, to)| {
        let line = text.get(from..to)?;
        let found = crate::import::speakers::turn_start(line)?;
        if found.speaker != name {
            return None;
        }
        let byte = from + (found.speaker.as_ptr() as usize - line.as_ptr() as usize);
        let start = index.char_of(text, byte);
        Some((start, start + name.chars().count()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_of_a_turn_is_found_on_its_line_or_the_line_before() {
        let text = "Intro line\n[00:01] LW01: Hello there\nLW01:\nOn a line of its own\nNote: not a speaker";
        let index = CharIndex::new(text);
        let first = text.find("Hello").unwrap();
        let start = text.find("LW01").unwrap();
        assert_eq!(label_before(text, &index, first, "LW01"), Some((start, start + 4)));
        let second = text.find("On a line").unwrap();
        let start2 = text.rfind("LW01").unwrap();
        assert_eq!(label_before(text, &index, second, "LW01"), Some((start2, start2 + 4)));
        assert_eq!(label_before(text, &index, first, "LW02"), None, "another speaker's label");
        assert_eq!(label_before(text, &index, text.find("not a").unwrap(), "Note"), None);
    }

    #[test]
    fn labels_that_would_not_read_back_are_refused() {
        assert_eq!(check_label("  Rosa J ").unwrap(), "Rosa J");
        assert!(check_label(" ").is_err());
        assert!(check_label("A: B").is_err());
        assert!(check_label("A\nB").is_err());
    }
}
