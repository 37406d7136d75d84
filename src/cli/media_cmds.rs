//! Recordings linked to documents: `link-media`, `unlink-media`, `embed-media`, `unembed-media`
//! and `media`. Linking measures the file (size, SHA-256), checks it decodes and hands one
//! undoable `LinkMedia` command to the library; with `--embed` (or `embed-media` later) a copy
//! is stored in the project, its size printed before the copying starts; `media` lists every
//! link with whether its file is still there and the same, and whether it plays from a copy
//! stored in the project.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use super::Outcome;
use super::output::{print_json, print_table};
use crate::coding::{self, Command};
use crate::error::{Error, Result};
use crate::media::link::{self, LinkState};
use crate::store::{Project, default_actor, documents};

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// Link a recording (WAV, MP3, M4A/AAC, FLAC, OGG/Vorbis, the audio of MP4/MOV) to a
    /// document. The project stores the file's path relative to the project file (so a study
    /// folder can move), its size and hash; the recording is not copied into the project.
    LinkMedia {
        project: PathBuf,
        #[arg(long, value_name = "NAME")]
        doc: String,
        file: PathBuf,
        /// Seconds to add to the document's times to get the recording's (negative when the
        /// recording starts after the transcript's zero).
        #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, default_value_t = 0.0)]
        offset: f64,
        /// Also store a copy of the recording in the project (the project file grows by its size,
        /// printed first), so the project plays without the external file.
        #[arg(long)]
        embed: bool,
        /// The name the history records for this change.
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
    },
    /// Store a copy of a document's linked recording in the project (the project file grows by
    /// its size, printed first); the document then plays even when the external file is gone.
    EmbedMedia {
        project: PathBuf,
        #[arg(long, value_name = "NAME")]
        doc: String,
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
    },
    /// Play a document's recording from its linked file again instead of the copy stored in the
    /// project; refused when that file is missing or changed.
    UnembedMedia {
        project: PathBuf,
        #[arg(long, value_name = "NAME")]
        doc: String,
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
    },
    /// Remove a document's link to its recording (the file itself is not touched).
    UnlinkMedia {
        project: PathBuf,
        #[arg(long, value_name = "NAME")]
        doc: String,
        #[arg(long = "coder", value_name = "NAME")]
        coder: Option<String>,
    },
    /// List the linked recordings and whether each is still there and unchanged (ok, missing,
    /// changed with the reason).
    Media {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn actor(coder: Option<String>) -> String {
    coder.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).unwrap_or_else(default_actor)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One link as `fieldcode media --json` prints it.
#[derive(Serialize)]
struct Listed {
    document: String,
    path: String,
    /// Where the file is looked for.
    resolved: String,
    size: u64,
    sha256: String,
    offset_ms: i64,
    /// Plays from a copy stored in the project.
    stored: bool,
    /// The state of the linked file (a stored recording plays whatever it is).
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

impl MediaCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            MediaCommand::LinkMedia { project, doc, file, offset, embed, coder } => {
                if !offset.is_finite() || offset.abs() > 1e9 {
                    return Err(Error::invalid(format!("--offset {offset}: give the offset in seconds, e.g. 1.5")));
                }
                let mut p = Project::open(project)?;
                let id = documents::id_by_name(p.conn(), &doc)?;
                let mut command = link::prepare(p.path(), id, &file, (offset * 1000.0).round() as i64)?;
                if let Command::LinkMedia { size, embed: e, .. } = &mut command {
                    *e = embed;
                    if embed {
                        announce(&file.display().to_string(), *size, p.path());
                    }
                }
                let applied = coding::apply(&mut p, &actor(coder), command)?;
                println!("{}", capitalise(&applied.summary));
            }
            MediaCommand::EmbedMedia { project, doc, coder } => {
                let mut p = Project::open(project)?;
                let id = documents::id_by_name(p.conn(), &doc)?;
                if let Some(l) = link::link_for_document(p.conn(), id)?.filter(|l| !l.embedded) {
                    announce(&link::resolve(&l, p.path()).display().to_string(), l.size, p.path());
                }
                let applied = coding::apply(&mut p, &actor(coder), Command::EmbedMedia { document: id })?;
                println!("{}", capitalise(&applied.summary));
            }
            MediaCommand::UnembedMedia { project, doc, coder } => {
                let mut p = Project::open(project)?;
                let id = documents::id_by_name(p.conn(), &doc)?;
                let applied = coding::apply(&mut p, &actor(coder), Command::UnembedMedia { document: id })?;
                println!("{}", capitalise(&applied.summary));
            }
            MediaCommand::UnlinkMedia { project, doc, coder } => {
                let mut p = Project::open(project)?;
                let id = documents::id_by_name(p.conn(), &doc)?;
                let applied = coding::apply(&mut p, &actor(coder), Command::UnlinkMedia { document: id })?;
                println!("{}", capitalise(&applied.summary));
            }
            MediaCommand::Media { project, json } => list(project, json)?,
        }
        Ok(Outcome::Exit(ExitCode::SUCCESS))
    }
}

/// Says how much the project file is about to grow, before the copying starts.
fn announce(file: &str, size: u64, project: &std::path::Path) {
    use std::io::Write;
    println!("Storing a copy of {file} ({}) in {} …", crate::media::store::human_size(size), project.display());
    let _ = std::io::stdout().flush();
}

fn list(project: PathBuf, json: bool) -> Result<()> {
    let p = Project::open(project)?;
    let listed: Vec<Listed> = link::links(p.conn())?
        .into_iter()
        .map(|l| {
            let state = link::check(&l, p.path(), true);
            let detail = match (&state, l.embedded) {
                (LinkState::Ok, _) => None,
                (LinkState::Missing, true) => {
                    Some("the linked file is not there; it plays from the stored copy".into())
                }
                (LinkState::Changed { detail }, true) => {
                    Some(format!("the linked file changed ({detail}); it plays from the stored copy"))
                }
                (LinkState::Missing, false) => {
                    Some("the file is not there: move it back, or link the document again".to_owned())
                }
                (LinkState::Changed { detail }, false) => {
                    Some(format!("{detail}: if it is the right recording, link the document to it again"))
                }
            };
            Listed {
                resolved: link::resolve(&l, p.path()).display().to_string(),
                document: l.document,
                path: l.path,
                size: l.size,
                sha256: l.sha256,
                offset_ms: l.offset_ms,
                stored: l.embedded,
                state: state.as_str(),
                detail,
            }
        })
        .collect();
    if json {
        return print_json(&listed);
    }
    if listed.is_empty() {
        println!("No recordings are linked; link one with `fieldcode link-media PROJECT --doc NAME FILE`.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|l| {
            vec![
                l.document.clone(),
                l.path.clone(),
                crate::media::store::human_size(l.size),
                if l.stored { "in the project".to_owned() } else { "linked file".to_owned() },
                match l.offset_ms {
                    0 => String::new(),
                    ms => format!("{:+.3} s", ms as f64 / 1000.0),
                },
                match &l.detail {
                    Some(why) => format!("{} ({why})", l.state),
                    None => l.state.to_owned(),
                },
            ]
        })
        .collect();
    print_table(&["document", "recording", "size", "plays from", "offset", "state"], &rows);
    Ok(())
}
