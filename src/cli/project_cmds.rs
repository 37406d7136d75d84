//! Commands that create projects, import material and list what is in it.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Subcommand;

use super::Outcome;
use super::output::{attributes_cell, print_json, print_table};
use crate::error::{Error, Result};
use crate::import::{ImportOptions, ImportOutcome, import_paths};
use crate::model::DocumentKind;
use crate::store::{Project, documents, participants};

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a new, empty project file.
    New {
        /// Path of the new project (conventionally ending in .fieldcode).
        project: PathBuf,
    },
    /// Import field notes and transcripts (.txt .md .docx .odt .vtt .srt, Whisper .json; Otter.ai
    /// and Teams exports are recognised by their content); folders recursively.
    Import {
        project: PathBuf,
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Document kind for every file (field-note, interview, focus-group, other); inferred if omitted.
        #[arg(long)]
        kind: Option<DocumentKind>,
        /// An attribute set on every imported document, e.g. --attr site="GP surgery".
        #[arg(long = "attr", value_name = "KEY=VALUE", value_parser = parse_key_value)]
        attributes: Vec<(String, String)>,
        /// Import a text file that is UTF-8 except for a few invalid bytes, with U+FFFD in their
        /// place (without it such a file is refused, naming the first bad byte).
        #[arg(long)]
        lossy: bool,
    },
    /// Set attributes in bulk from a CSV whose first column is `document` or `participant`; with
    /// --export, write the project's classification sheet of documents or participants to the CSV
    /// instead (the same format, so it can be edited and read back).
    Attributes {
        project: PathBuf,
        csv: PathBuf,
        /// Write the sheet of this scope (document or participant) to CSV instead of reading it.
        #[arg(long, value_enum, value_name = "SCOPE")]
        export: Option<SheetScope>,
    },
    /// List documents with kind, length, turns, speakers and attributes.
    Docs {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List participants with attributes, documents and turns.
    Speakers {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Build the demo study (a link-worker ethnography) and open it.
    Demo {
        /// Where to write it; default ./fieldcode-demo.fieldcode. An existing demo is reopened.
        path: Option<PathBuf>,
        /// Build it and print a summary instead of opening the workbench.
        #[arg(long)]
        no_gui: bool,
    },
}

/// `--export` of `attributes`: whose sheet to write.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SheetScope {
    Document,
    Participant,
}

impl From<SheetScope> for crate::model::AttributeScope {
    fn from(scope: SheetScope) -> Self {
        match scope {
            SheetScope::Document => crate::model::AttributeScope::Document,
            SheetScope::Participant => crate::model::AttributeScope::Participant,
        }
    }
}

fn parse_key_value(raw: &str) -> std::result::Result<(String, String), String> {
    match raw.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("expected KEY=VALUE, found {raw:?}")),
    }
}

impl ProjectCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            ProjectCommand::New { project } => {
                Project::create(&project)?;
                println!("Created {}", project.display());
                Ok(Outcome::Exit(ExitCode::SUCCESS))
            }
            ProjectCommand::Import { project, paths, kind, attributes, lossy } => {
                let mut project = Project::open(&project)?;
                import(&mut project, &paths, ImportOptions { kind, attributes, lossy })
            }
            ProjectCommand::Attributes { project, csv, export: Some(scope) } => {
                let project = Project::open(&project)?;
                let scope = scope.into();
                let rows = crate::export::sheet::write(&project, scope, &csv)?;
                println!("Wrote the {} sheet ({rows} rows) to {}", scope.as_str(), csv.display());
                Ok(Outcome::Exit(ExitCode::SUCCESS))
            }
            ProjectCommand::Attributes { project, csv, export: None } => {
                let mut project = Project::open(&project)?;
                let report = crate::import::sheet::apply_sheet(&mut project, &csv, &crate::store::default_actor())?;
                println!("Set {} values on {} {}s.", report.values, report.rows, report.scope.as_str());
                Ok(Outcome::Exit(ExitCode::SUCCESS))
            }
            ProjectCommand::Docs { project, json } => {
                docs(&Project::open(&project)?, json)?;
                Ok(Outcome::Exit(ExitCode::SUCCESS))
            }
            ProjectCommand::Speakers { project, json } => {
                speakers(&Project::open(&project)?, json)?;
                Ok(Outcome::Exit(ExitCode::SUCCESS))
            }
            ProjectCommand::Demo { path, no_gui } => demo(path, no_gui),
        }
    }
}

fn import(project: &mut Project, paths: &[PathBuf], options: ImportOptions) -> Result<Outcome> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let cancel = AtomicBool::new(false);
    let outcomes = import_paths(
        project,
        paths,
        &options,
        &mut |p| {
            if let Some(bar) = &bar {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                bar.set_message(p.current.display().to_string());
            }
        },
        &cancel,
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let (mut imported, mut skipped, mut failed) = (0, 0, 0);
    for outcome in &outcomes {
        match outcome {
            ImportOutcome::Imported { name, kind, chars, turns, speakers, .. } => {
                imported += 1;
                println!("imported {name} ({kind}, {chars} chars, {turns} turns, {speakers} speakers)");
            }
            ImportOutcome::Skipped { path, reason } => {
                skipped += 1;
                eprintln!("fieldcode: skipped {}: {reason}", path.display());
            }
            ImportOutcome::Failed { error, .. } => {
                failed += 1;
                eprintln!("fieldcode: {error}");
                if matches!(error, Error::InvalidUtf8 { .. }) {
                    eprintln!("  (pass --lossy to import it with U+FFFD in place of the invalid bytes)");
                }
            }
        }
    }
    println!("{imported} imported, {skipped} skipped, {failed} failed.");
    Ok(Outcome::Exit(if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }))
}

fn docs(project: &Project, json: bool) -> Result<()> {
    let docs = documents::list(project.conn())?;
    if json {
        return print_json(&docs);
    }
    let rows: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            vec![
                d.name.clone(),
                d.kind.to_string(),
                d.chars.to_string(),
                d.turns.to_string(),
                d.speakers.join(", "),
                attributes_cell(&d.attributes),
            ]
        })
        .collect();
    print_table(&["document", "kind", "chars", "turns", "speakers", "attributes"], &rows);
    println!("{} documents", docs.len());
    Ok(())
}

fn speakers(project: &Project, json: bool) -> Result<()> {
    let people = participants::list(project.conn())?;
    if json {
        return print_json(&people);
    }
    let rows: Vec<Vec<String>> = people
        .iter()
        .map(|p| {
            vec![p.label.clone(), attributes_cell(&p.attributes), p.documents.len().to_string(), p.turns.to_string()]
        })
        .collect();
    print_table(&["participant", "attributes", "documents", "turns"], &rows);
    println!("{} participants", people.len());
    Ok(())
}

fn demo(path: Option<PathBuf>, no_gui: bool) -> Result<Outcome> {
    let path = path.unwrap_or_else(|| PathBuf::from("fieldcode-demo.fieldcode"));
    if path.exists() {
        Project::open(&path)?;
        println!("Opening the existing demo study at {} (delete it to build it afresh).", path.display());
    } else {
        let project = crate::demo::build(&path)?;
        let docs = documents::count(project.conn())?;
        println!("Built the demo study at {} ({docs} documents).", path.display());
    }
    if no_gui || !cfg!(feature = "gui") {
        println!("List it with: fieldcode docs {}", path.display());
        return Ok(Outcome::Exit(ExitCode::SUCCESS));
    }
    Ok(Outcome::OpenGui(Some(path)))
}
