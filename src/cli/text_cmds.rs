//! Commands that correct and pseudonymise document texts: `edit-text`, `replace`, `versions`,
//! `rename-speaker`, `pseudonymise` and `release`. Each resolves names to ids and hands one command to the library
//! (`coding::text_ops`, `coding::pseudonymise`, `store::release`), which keeps every coding in
//! place and records one undoable change.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::Outcome;
use super::output::{print_json, print_table};
use crate::coding::pseudonymise::{self, NameMap, PseudonymReport};
use crate::coding::speaker_ops::{self, SpeakerRename};
use crate::coding::text_ops::{self, EditReport, RemovedCoding};
use crate::coding::{Command, Mode};
use crate::error::{Error, Result};
use crate::model::DocumentKind;
use crate::store::{Project, default_actor, documents, participants, release, versions};

#[derive(Debug, Subcommand)]
pub enum TextCommand {
    /// Replace the characters START..END of a document's text by NEW (an insertion when START
    /// equals END, a deletion when NEW is empty); every coding, turn and paragraph moves with the
    /// text, codings left empty are removed (undo brings them back).
    EditText {
        project: PathBuf,
        #[arg(long, value_name = "NAME")]
        doc: String,
        #[arg(long, value_name = "S")]
        start: usize,
        #[arg(long, value_name = "E")]
        end: usize,
        #[arg(long, value_name = "NEW", allow_hyphen_values = true)]
        text: String,
        /// The name the history records for this change.
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Find and replace across documents as one undoable change; --dry-run lists every hit in
    /// context with the codings it touches.
    Replace {
        project: PathBuf,
        #[arg(long, value_name = "PATTERN", allow_hyphen_values = true)]
        find: String,
        /// PATTERN is a regular expression; the replacement may use $1, $2, ….
        #[arg(long)]
        regex: bool,
        /// Ignore case.
        #[arg(short = 'i', long)]
        ignore_case: bool,
        /// Whole words only.
        #[arg(short = 'w', long)]
        whole_word: bool,
        #[arg(long = "with", value_name = "TEXT", allow_hyphen_values = true)]
        with: String,
        /// Only these documents (repeatable).
        #[arg(long = "doc", value_name = "NAME")]
        docs: Vec<String>,
        /// Only documents of this kind (repeatable).
        #[arg(long = "kind", value_name = "KIND")]
        kinds: Vec<DocumentKind>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List a document's text versions (who replaced each and when); --text N prints version N.
    Versions {
        project: PathBuf,
        #[arg(long, value_name = "NAME")]
        doc: String,
        #[arg(long, value_name = "N")]
        text: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Replace real names by pseudonyms everywhere (texts, document names, participant labels,
    /// memos, comments, code definitions, attribute values): whole words, case-insensitive,
    /// longest first. MAP.csv has the columns real,pseudonym; it is never stored in the project.
    Pseudonymise {
        project: PathBuf,
        #[arg(long, value_name = "MAP.csv")]
        map: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Rename a speaker: the participant's label and the label at the start of each of their
    /// turns in every document, as one undoable change (codings stay on their words).
    RenameSpeaker {
        project: PathBuf,
        #[arg(long, value_name = "OLD")]
        from: String,
        #[arg(long, value_name = "NEW")]
        to: String,
        #[arg(long)]
        dry_run: bool,
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a copy for sharing or archiving with the current state only (no history, earlier
    /// texts or snapshots; vacuumed). With --map, the copy is searched for every real name and
    /// deleted if one is left.
    Release {
        project: PathBuf,
        #[arg(long, value_name = "COPY.fieldcode")]
        out: PathBuf,
        #[arg(long, value_name = "MAP.csv")]
        map: Option<PathBuf>,
        /// Keep the recordings stored in the project (left out by default: a voice cannot be
        /// pseudonymised; the links stay and play from the linked files).
        #[arg(long)]
        with_recordings: bool,
        #[arg(long)]
        json: bool,
    },
}

fn actor(coder: Option<String>) -> String {
    coder.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).unwrap_or_else(default_actor)
}

fn done() -> Result<Outcome> {
    Ok(Outcome::Exit(ExitCode::SUCCESS))
}

fn mode(dry_run: bool) -> Mode {
    if dry_run { Mode::DryRun } else { Mode::Commit }
}

impl TextCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            TextCommand::EditText { project, doc, start, end, text, coder, json } => {
                let mut p = Project::open(project)?;
                let doc = documents::id_by_name(p.conn(), &doc)?;
                let command = Command::EditText { doc, start, end, text, expect_sha256: None };
                let written = text_ops::run(&mut p, &actor(coder), &command, Mode::Commit)?;
                print_edit(&written.summary, &written.value, json, false)
            }
            TextCommand::Replace {
                project,
                find,
                regex,
                ignore_case,
                whole_word,
                with,
                docs,
                kinds,
                dry_run,
                coder,
                json,
            } => {
                let mut p = Project::open(project)?;
                let documents = docs.iter().map(|d| documents::id_by_name(p.conn(), d)).collect::<Result<Vec<_>>>()?;
                let command = Command::ReplaceText { find, regex, ignore_case, whole_word, with, documents, kinds };
                let written = text_ops::run(&mut p, &actor(coder), &command, mode(dry_run))?;
                print_edit(&written.summary, &written.value, json, dry_run)
            }
            TextCommand::Versions { project, doc, text, json } => {
                let p = Project::open(project)?;
                let id = documents::id_by_name(p.conn(), &doc)?;
                if let Some(n) = text {
                    print!("{}", versions::text_of(p.conn(), id, n)?);
                    return done();
                }
                let list = versions::list(p.conn(), id)?;
                if json {
                    print_json(&list)?;
                } else {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|v| {
                            vec![
                                v.number.to_string(),
                                v.since.clone(),
                                v.by.clone().unwrap_or_else(|| "(imported)".into()),
                                v.chars.to_string(),
                                v.sha256.chars().take(12).collect(),
                                if v.current { "current".into() } else { format!("{} edits", v.edits) },
                            ]
                        })
                        .collect();
                    print_table(&["version", "since", "by", "chars", "sha256", "state"], &rows);
                }
                done()
            }
            TextCommand::Pseudonymise { project, map, dry_run, coder, json } => {
                let names = NameMap::read(&map)?;
                let mut p = Project::open(project)?;
                let written = pseudonymise::pseudonymise(&mut p, &actor(coder), &names, mode(dry_run))?;
                print_pseudonyms(&written.summary, &written.value, json, dry_run)
            }
            TextCommand::RenameSpeaker { project, from, to, dry_run, coder, json } => {
                let mut p = Project::open(project)?;
                let participant = participants::find(p.conn(), &from)?.ok_or_else(|| {
                    Error::invalid(format!(
                        "there is no speaker called {from:?}; `fieldcode speakers PROJECT` lists them"
                    ))
                })?;
                let written = speaker_ops::run(&mut p, &actor(coder), participant, &to, mode(dry_run))?;
                print_speaker(&written.summary, &written.value, json, dry_run)
            }
            TextCommand::Release { project, out, map, with_recordings, json } => {
                let names: Vec<String> = match map {
                    Some(path) => NameMap::read(&path)?.entries().iter().map(|e| e.real.clone()).collect(),
                    None => Vec::new(),
                };
                let report = release::release_with(&project, &out, &names, with_recordings)?;
                if json {
                    print_json(&report)?;
                } else {
                    println!(
                        "Wrote {} ({} documents, {} bytes): current state only, no history or earlier texts{}",
                        report.out.display(),
                        report.documents,
                        report.bytes,
                        match report.names_checked {
                            0 => String::new(),
                            n => format!("; none of the {n} real names is left in it"),
                        }
                    );
                    if report.recordings_left_out > 0 {
                        println!(
                            "Left out {} recording(s) stored in the project (a voice cannot be pseudonymised); \
                             their links stay and play from the linked files. Add --with-recordings to keep them.",
                            report.recordings_left_out
                        );
                    }
                    if report.recordings_kept > 0 {
                        println!("Kept {} recording(s) stored in the project.", report.recordings_kept);
                    }
                }
                done()
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A command's report as JSON: its summary line, whether it was a dry run, and the report's fields.
fn print_report_json<T: serde::Serialize>(summary: &str, report: &T, dry_run: bool) -> Result<Outcome> {
    #[derive(serde::Serialize)]
    struct Out<'a, T> {
        summary: &'a str,
        dry_run: bool,
        #[serde(flatten)]
        report: &'a T,
    }
    print_json(&Out { summary, dry_run, report })?;
    done()
}

/// One line for each coding an edit removed.
fn print_removed(removed: &[RemovedCoding]) {
    for r in removed {
        println!("removed coding #{} {} {}..{} {:?} ({} memos)", r.id, r.code, r.start, r.end, r.text, r.memos);
    }
}

fn print_edit(summary: &str, report: &EditReport, json: bool, dry_run: bool) -> Result<Outcome> {
    if json {
        return print_report_json(summary, report, dry_run);
    }
    if dry_run {
        for hit in &report.hits {
            let codes: Vec<&str> = hit.codings.iter().map(|c| c.code.as_str()).collect();
            println!(
                "{} {}..{}: …{}[{} -> {}]{}…{}",
                hit.document,
                hit.start,
                hit.end,
                hit.left,
                hit.matched,
                hit.replacement,
                hit.right,
                if codes.is_empty() { String::new() } else { format!("  codings: {}", codes.join(", ")) }
            );
        }
        println!("Dry run, nothing changed: {summary}");
    } else {
        println!("{}", capitalise(summary));
    }
    print_removed(&report.removed);
    done()
}

fn print_speaker(summary: &str, report: &SpeakerRename, json: bool, dry_run: bool) -> Result<Outcome> {
    if json {
        return print_report_json(summary, report, dry_run);
    }
    match dry_run {
        true => println!("Dry run, nothing changed: {summary}"),
        false => println!("{}", capitalise(summary)),
    }
    print_removed(&report.edits.removed);
    done()
}

fn print_pseudonyms(summary: &str, report: &PseudonymReport, json: bool, dry_run: bool) -> Result<Outcome> {
    if json {
        return print_report_json(summary, report, dry_run);
    }
    if dry_run {
        for hit in &report.texts.hits {
            println!(
                "{} {}..{}: …{}[{} -> {}]{}…",
                hit.document, hit.start, hit.end, hit.left, hit.matched, hit.replacement, hit.right
            );
        }
        for f in &report.fields {
            println!("{}: {:?} -> {:?}", f.place, f.before, f.after);
        }
        for name in &report.unmatched {
            println!("matches nothing: {name:?}");
        }
        println!("Dry run, nothing changed: {summary}");
    } else {
        println!("{}", capitalise(summary));
    }
    done()
}
