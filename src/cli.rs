//! The command-line interface: a thin layer over the library.
//!
//! Each area of commands lives in its own file under `src/cli/` as a clap `Subcommand` enum,
//! flattened into [`Command`]. Errors are printed once, here, as one or two plain sentences on
//! stderr, and the process exits 1. A command line the argument parser rejects (an unknown flag,
//! a missing argument, a value it cannot parse) exits 2, clap's convention, so a script can tell
//! a wrong call from a failed one; `--help` and `--version` exit 0.

mod agreement_out;
mod analysis_cmds;
mod backup_cmds;
mod coding_cmds;
mod export_cmds;
mod hints;
mod media_cmds;
mod output;
mod project_cmds;
mod team_cmds;
mod text_cmds;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Fieldcode: a workbench for qualitative research.
#[derive(Debug, Parser)]
#[command(name = "fieldcode", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A project file to open in the desktop workbench.
    pub project: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Project(project_cmds::ProjectCommand),
    #[command(flatten)]
    Coding(coding_cmds::CodingCommand),
    #[command(flatten)]
    Export(export_cmds::ExportCommand),
    #[command(flatten)]
    Team(team_cmds::TeamCommand),
    #[command(flatten)]
    Analysis(analysis_cmds::AnalysisCommand),
    #[command(flatten)]
    Backup(backup_cmds::BackupCommand),
    #[command(flatten)]
    Text(text_cmds::TextCommand),
    #[command(flatten)]
    Media(media_cmds::MediaCommand),
}

/// What a command asks the process to do once it has finished.
pub enum Outcome {
    /// Exit with this status.
    Exit(ExitCode),
    /// Open the GUI on this project.
    OpenGui(Option<PathBuf>),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        None => Ok(Outcome::OpenGui(cli.project)),
        Some(Command::Project(cmd)) => cmd.run(),
        Some(Command::Coding(cmd)) => cmd.run(),
        Some(Command::Export(cmd)) => cmd.run(),
        Some(Command::Team(cmd)) => cmd.run(),
        Some(Command::Analysis(cmd)) => cmd.run(),
        Some(Command::Backup(cmd)) => cmd.run(),
        Some(Command::Text(cmd)) => cmd.run(),
        Some(Command::Media(cmd)) => cmd.run(),
    };
    match outcome {
        Ok(Outcome::Exit(code)) => code,
        Ok(Outcome::OpenGui(project)) => open_gui(project),
        Err(err) => {
            eprintln!("fieldcode: {err}");
            if let Some(hint) = hints::hint(&err) {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn open_gui(project: Option<PathBuf>) -> ExitCode {
    crate::gui::run(project)
}

#[cfg(not(feature = "gui"))]
fn open_gui(_project: Option<PathBuf>) -> ExitCode {
    eprintln!(
        "fieldcode: this build has no desktop workbench (built without the `gui` feature); run `fieldcode --help` for the commands."
    );
    ExitCode::FAILURE
}
