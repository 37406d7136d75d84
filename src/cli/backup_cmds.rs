//! Copies and checks: `backup` (a consistent single-file copy, also while the project is open
//! elsewhere), `backups` (the automatic copies kept beside the project), `restore` (which copies
//! the current project first) and `check` (the whole file checked for damage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::Outcome;
use super::output::{print_json, print_table};
use crate::error::Result;
use crate::store::{Project, backup, check_integrity};

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Write a consistent single-file copy of a project (also while it is open elsewhere).
    Backup {
        project: PathBuf,
        /// The copy to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// List the automatic copies kept beside a project (newest first).
    Backups {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Replace a project by one of its copies; the project as it is now is copied first.
    Restore { project: PathBuf, backup: PathBuf },
    /// Check a whole project file for damage.
    Check { project: PathBuf },
}

impl BackupCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            BackupCommand::Backup { project, out } => {
                backup::copy_to(&Project::open_to_read(&project)?, &out)?;
                println!("Wrote a copy of {} to {}.", project.display(), out.display());
            }
            BackupCommand::Backups { project, json } => list(&project, json)?,
            BackupCommand::Restore { project, backup: copy } => {
                let safety = backup::restore(&project, &copy)?;
                println!("Restored {} from {}.", project.display(), copy.display());
                if let Some(safety) = safety {
                    println!("The project as it was is kept in {}.", safety.path.display());
                }
            }
            BackupCommand::Check { project } => {
                check_integrity(&Project::open_to_read(&project)?)?;
                println!("{}: no damage found.", project.display());
            }
        }
        Ok(Outcome::Exit(ExitCode::SUCCESS))
    }
}

fn list(project: &std::path::Path, json: bool) -> Result<()> {
    let copies = backup::list(project)?;
    if json {
        return print_json(&copies);
    }
    match backup::folder(project) {
        None => println!("Automatic copies are off (FIELDCODE_BACKUPS=off)."),
        Some(dir) if copies.is_empty() => println!("No automatic copies yet; they go to {}.", dir.display()),
        Some(dir) => {
            println!("Automatic copies in {}:", dir.display());
            let rows: Vec<Vec<String>> = copies
                .iter()
                .map(|c| {
                    vec![
                        c.taken_at.clone(),
                        c.reason.clone(),
                        format!("{} KB", c.bytes.div_ceil(1024)),
                        c.path.display().to_string(),
                    ]
                })
                .collect();
            print_table(&["taken", "why", "size", "file"], &rows);
        }
    }
    Ok(())
}
