//! Team review commands: agreement, disagreements, merge, code comments and the review queue.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::Outcome;
use super::agreement_out::{TableFormat, print_agreement};
use super::output::{print_json, print_table};
use crate::coding::{self, Command};
use crate::error::Result;
use crate::store::{Project, codes, default_actor};
use crate::team::agreement::{AgreementRequest, BootstrapSettings, Unit, agreement};
use crate::team::compare::{DisagreementRequest, disagreements};
use crate::team::overlap::{OverlapReport, OverlapRequest, segment_overlap};
use crate::team::{merge, review};

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Inter-coder agreement per code and pooled: percent agreement, Cohen's kappa per coder pair
    /// and Light's kappa, Fleiss' kappa, Gwet's AC1, Brennan–Prediger kappa, Krippendorff's alpha.
    Agreement {
        project: PathBuf,
        /// Coders to compare, comma separated (two or more).
        #[arg(long, value_delimiter = ',', required = true)]
        coders: Vec<String>,
        /// Only this code and its sub-codes (Theme/Code path).
        #[arg(long)]
        code: Option<String>,
        /// Unit of analysis: char, turn, paragraph or document.
        #[arg(long, default_value = "char")]
        unit: Unit,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
        /// Bootstrap a 95 % interval for alpha from N resamples of the documents.
        #[arg(long, value_name = "N")]
        bootstrap: Option<usize>,
        /// Seed of the bootstrap (the same seed gives the same interval).
        #[arg(long, value_name = "S", default_value_t = 1, requires = "bootstrap")]
        seed: u64,
        /// Print a methods paragraph for a paper instead of the table: the unit, coders, codes
        /// included and left out, the missing-data rule and every coefficient.
        #[arg(long, conflicts_with = "format")]
        methods: bool,
    },
    /// Segment-overlap agreement as MAXQDA reports it: a coded segment matches another coder when
    /// that coder has a segment of the code overlapping it by at least --min-overlap percent
    /// (intersection over union); per code, with the segments that do not match.
    SegmentAgreement {
        project: PathBuf,
        #[arg(long, value_delimiter = ',', required = true)]
        coders: Vec<String>,
        #[arg(long)]
        code: Option<String>,
        /// Minimum overlap in percent.
        #[arg(long, value_name = "PERCENT", default_value_t = 90.0)]
        min_overlap: f64,
        #[arg(long)]
        json: bool,
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
        /// What one disagreement is, as in `agreement --unit`: char (a run of characters), turn,
        /// paragraph or document.
        #[arg(long, default_value = "char")]
        unit: Unit,
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
            TeamCommand::Agreement { project, coders, code, unit, format, bootstrap, seed, methods } => {
                let bootstrap = bootstrap.map(|replicates| BootstrapSettings { replicates, seed });
                let request = AgreementRequest { coders, code: code.clone(), unit, bootstrap };
                let report = agreement(Project::open(&project)?.conn(), &request)?;
                match methods {
                    true => println!("{}", crate::team::methods_text::methods_paragraph(&report, code.as_deref())),
                    false => print_agreement(&report, format)?,
                }
            }
            TeamCommand::SegmentAgreement { project, coders, code, min_overlap, json } => {
                let request = OverlapRequest { coders, code, min_overlap };
                print_overlap(&segment_overlap(Project::open(&project)?.conn(), &request)?, json)?;
            }
            TeamCommand::Disagreements { project, coders, code, document, unit, json } => {
                let request = DisagreementRequest { coders, code, document, unit };
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

fn print_overlap(report: &OverlapReport, json: bool) -> Result<()> {
    if json {
        return print_json(report);
    }
    let percent = |p: Option<f64>| p.map_or_else(|| "n/a".to_owned(), |p| format!("{p:.1}"));
    let mut rows: Vec<Vec<String>> = report
        .codes
        .iter()
        .map(|c| {
            vec![
                c.code.clone(),
                c.counts.comparisons.to_string(),
                c.counts.matched.to_string(),
                percent(c.counts.percent_agreement),
            ]
        })
        .collect();
    let t = &report.total;
    rows.push(vec![
        "(all codes)".into(),
        t.comparisons.to_string(),
        t.matched.to_string(),
        percent(t.percent_agreement),
    ]);
    print_table(&["code", "comparisons", "matched", "% agreement"], &rows);
    println!(
        "A segment matches another coder when one of their segments of the code overlaps it by at least {}% \
         (intersection over union); each segment is compared with every other coder who coded its document.",
        report.min_overlap
    );
    if report.unmatched.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = report
        .unmatched
        .iter()
        .map(|u| {
            let span = format!("{}-{}", u.start, u.end);
            vec![
                u.document.clone(),
                u.code.clone(),
                u.coder.clone(),
                span,
                u.other.clone(),
                format!("{:.1}", u.best_overlap),
            ]
        })
        .collect();
    println!();
    print_table(&["document", "code", "segment of", "span", "no match with", "best overlap %"], &rows);
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
