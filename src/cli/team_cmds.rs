//! Team review commands: agreement, disagreements, merge, code comments and the review queue.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::Outcome;
use super::output::{print_json, print_table};
use crate::coding::{self, Command};
use crate::error::{Error, Result};
use crate::store::{Project, codes, default_actor};
use crate::team::agreement::{AgreementReport, AgreementRequest, Coefficients, Unit, agreement};
use crate::team::compare::{DisagreementRequest, disagreements};
use crate::team::{merge, review};

/// How `fieldcode agreement` prints its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Inter-coder agreement per code and pooled: percent agreement, Cohen's kappa, Krippendorff's alpha.
    Agreement {
        project: PathBuf,
        /// Coders to compare, comma separated (two or more).
        #[arg(long, value_delimiter = ',', required = true)]
        coders: Vec<String>,
        /// Only this code and its sub-codes (Theme/Code path).
        #[arg(long)]
        code: Option<String>,
        /// Unit of analysis: char, turn or paragraph.
        #[arg(long, default_value = "char")]
        unit: Unit,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Spans where coders differ, per document and code, with who coded them.
    Disagreements {
        project: PathBuf,
        #[arg(long, value_delimiter = ',', required = true)]
        coders: Vec<String>,
        #[arg(long)]
        code: Option<String>,
        /// Only this document.
        #[arg(long = "doc")]
        document: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Bring a team member's project in: codes, codings (under their coder), memos and comments.
    Merge {
        project: PathBuf,
        other: PathBuf,
        /// Report what would be merged and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Add a comment to a code's discussion thread.
    Comment {
        project: PathBuf,
        /// The code (Theme/Code path).
        code: String,
        text: String,
        /// Who wrote it; default --coder / FIELDCODE_CODER / the OS user.
        #[arg(long)]
        author: Option<String>,
    },
    /// Show a code's discussion thread, oldest first.
    Comments {
        project: PathBuf,
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Codes not yet agreed, with definitions, counts and example excerpts.
    ReviewQueue {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

impl TeamCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            TeamCommand::Agreement { project, coders, code, unit, format } => {
                let report = agreement(Project::open(&project)?.conn(), &AgreementRequest { coders, code, unit })?;
                print_agreement(&report, format)?;
            }
            TeamCommand::Disagreements { project, coders, code, document, json } => {
                let request = DisagreementRequest { coders, code, document };
                print_disagreements(&disagreements(Project::open(&project)?.conn(), &request)?, json)?;
            }
            TeamCommand::Merge { project, other, dry_run, json } => {
                let mut project = Project::open(&project)?;
                let options = merge::MergeOptions { dry_run, actor: default_actor() };
                let report = merge::merge(&mut project, &other, &options)?;
                print_merge(&report, json)?;
            }
            TeamCommand::Comment { project, code, text, author } => {
                let mut project = Project::open(&project)?;
                let id = codes::id_by_path(project.conn(), &code)?;
                let author = author.unwrap_or_else(default_actor);
                coding::apply(&mut project, &author, Command::AddComment { code: id, body: text })?;
                println!("Commented on {code} as {}.", author.trim());
            }
            TeamCommand::Comments { project, code, json } => {
                let project = Project::open(&project)?;
                let thread = review::comments(project.conn(), codes::id_by_path(project.conn(), &code)?)?;
                print_comments(&code, &thread, json)?;
            }
            TeamCommand::ReviewQueue { project, json } => {
                print_queue(&review::queue(Project::open(&project)?.conn())?, json)?;
            }
        }
        Ok(Outcome::Exit(ExitCode::SUCCESS))
    }
}

/// A coefficient to 3 decimals, `n/a` when undefined.
fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map(|v| format!("{v:.decimals$}")).unwrap_or_else(|| "n/a".into())
}

fn coefficient_cells(c: &Coefficients) -> Vec<String> {
    vec![c.units.to_string(), cell(c.percent_agreement, 1), cell(c.cohen_kappa, 3), cell(c.krippendorff_alpha, 3)]
}

fn print_agreement(report: &AgreementReport, format: TableFormat) -> Result<()> {
    match format {
        TableFormat::Json => print_json(report),
        TableFormat::Csv => write_agreement_csv(report),
        TableFormat::Table => {
            let mut rows: Vec<Vec<String>> = report
                .codes
                .iter()
                .map(|c| [vec![c.code.clone()], coefficient_cells(&c.coefficients)].concat())
                .collect();
            rows.push([vec!["(pooled)".to_owned()], coefficient_cells(&report.pooled)].concat());
            let units = format!("{} units", report.unit.as_str());
            print_table(&["code", &units, "% agreement", "kappa", "alpha"], &rows);
            println!(
                "{} coders ({}), {} documents coded by at least two of them.",
                report.coders.len(),
                report.coders.join(", "),
                report.documents
            );
            if report.pairwise {
                println!("Percent agreement is pairwise (over every pair of coders); kappa needs exactly two coders.");
            }
            Ok(())
        }
    }
}

fn write_agreement_csv(report: &AgreementReport) -> Result<()> {
    let fail = |e: csv::Error| Error::invalid(format!("cannot write CSV: {e}"));
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    let mut header: Vec<String> =
        ["code", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"].map(String::from).to_vec();
    header.extend(report.coders.iter().map(|c| format!("coded_units_{c}")));
    out.write_record(&header).map_err(fail)?;
    let pooled = ("(pooled)", &report.pooled);
    for (code, c) in report.codes.iter().map(|c| (c.code.as_str(), &c.coefficients)).chain([pooled]) {
        let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut record = vec![
            code.to_owned(),
            c.units.to_string(),
            number(c.percent_agreement),
            number(c.cohen_kappa),
            number(c.krippendorff_alpha),
        ];
        record.extend(c.coded_units.iter().map(u64::to_string));
        out.write_record(&record).map_err(fail)?;
    }
    out.flush().map_err(|e| Error::invalid(format!("cannot write CSV: {e}")))
}

fn print_disagreements(list: &[crate::team::Disagreement], json: bool) -> Result<()> {
    if json {
        return print_json(list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            vec![
                d.document.clone(),
                d.code.clone(),
                format!("{}-{}", d.start, d.end),
                d.coded_by.join(", "),
                d.not_coded_by.join(", "),
                d.excerpt.replace('\n', " "),
            ]
        })
        .collect();
    print_table(&["document", "code", "span", "coded by", "not by", "text"], &rows);
    println!("{} disagreements", list.len());
    Ok(())
}

fn print_merge(report: &merge::MergeReport, json: bool) -> Result<()> {
    if json {
        return print_json(report);
    }
    for line in report.lines() {
        println!("{line}");
    }
    Ok(())
}

fn print_comments(code: &str, thread: &[review::Comment], json: bool) -> Result<()> {
    if json {
        return print_json(thread);
    }
    if thread.is_empty() {
        println!("No comments on {code} yet.");
    }
    for comment in thread {
        println!("{} — {}\n{}\n", comment.author, comment.created_at, comment.body);
    }
    Ok(())
}

fn print_queue(queue: &[review::QueueEntry], json: bool) -> Result<()> {
    if json {
        return print_json(queue);
    }
    for entry in queue {
        println!(
            "{} [{}] — {} codings in {} documents by {}; {} comments",
            entry.code,
            entry.status.as_str(),
            entry.codings,
            entry.documents,
            if entry.coders.is_empty() { "nobody".into() } else { entry.coders.join(", ") },
            entry.comments
        );
        for (label, text) in
            [("definition", &entry.description), ("include", &entry.inclusion), ("exclude", &entry.exclusion)]
        {
            if !text.is_empty() {
                println!("  {label}: {text}");
            }
        }
        for ex in &entry.examples {
            println!("  > {} ({} at {}, {})", ex.text.replace('\n', " "), ex.document, ex.start, ex.coder);
        }
    }
    println!("{} codes waiting for agreement", queue.len());
    Ok(())
}
