//! Commands for the codebook, coding, autocoding, search, memos, history and codebook versions.
//! Each resolves paths and names to ids and hands one command to the coding engine.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Outcome;
use super::output::{print_json, print_table};
use crate::coding::autocode::{self, Pattern, Rule, Scope};
use crate::coding::units::{self, Unit};
use crate::coding::{self, Command, MemoTarget, SpanRef, memos, search, snapshot};
use crate::error::{Error, Result};
use crate::model::{DocumentKind, ReviewStatus};
use crate::store::{Project, codes, codings, default_actor, documents, participants};

#[derive(Debug, Subcommand)]
pub enum CodingCommand {
    /// Show the codebook as a tree with colours, status, coding counts and descriptions.
    Codes {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Add a code at PATH (Theme/Code/Sub-code), creating missing parents.
    AddCode {
        project: PathBuf,
        path: String,
        #[arg(long, value_name = "#RRGGBB")]
        color: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        who: Actor,
    },
    /// Set a code's definition: description, inclusion and exclusion criteria, example quote.
    DescribeCode {
        project: PathBuf,
        path: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        inclusion: Option<String>,
        #[arg(long)]
        exclusion: Option<String>,
        #[arg(long)]
        example: Option<String>,
        #[command(flatten)]
        who: Actor,
    },
    /// Change a code's colour.
    RecolorCode {
        project: PathBuf,
        path: String,
        #[arg(value_name = "#RRGGBB")]
        color: String,
        #[command(flatten)]
        who: Actor,
    },
    /// Set a code's review status: proposed, reviewed or agreed.
    SetStatus {
        project: PathBuf,
        path: String,
        status: ReviewStatus,
        #[command(flatten)]
        who: Actor,
    },
    /// Rename a code (the new name must be unique among its siblings).
    RenameCode {
        project: PathBuf,
        path: String,
        new_name: String,
        #[command(flatten)]
        who: Actor,
    },
    /// Move a code with its sub-codes under NEW_PARENT ("/" for the top level).
    MoveCode {
        project: PathBuf,
        path: String,
        new_parent: String,
        #[command(flatten)]
        who: Actor,
    },
    /// Merge code FROM into code INTO: codings, sub-codes and memos move; FROM is removed.
    MergeCodes {
        project: PathBuf,
        from: String,
        into: String,
        #[command(flatten)]
        who: Actor,
    },
    /// Split a code: move the chosen codings (ids from `codings --json`) to a new sibling code.
    SplitCode {
        project: PathBuf,
        path: String,
        new_name: String,
        #[arg(long, value_delimiter = ',', required = true, value_name = "ID,ID")]
        codings: Vec<i64>,
        #[command(flatten)]
        who: Actor,
    },
    /// Delete a code with its sub-codes and their codings, or reassign the codings first.
    DeleteCode {
        project: PathBuf,
        path: String,
        #[arg(long, value_name = "PATH")]
        reassign_to: Option<String>,
        #[command(flatten)]
        who: Actor,
    },
    /// Code a span, a speaker turn or a paragraph of a document.
    Code(CodeArgs),
    /// Remove codings by id (ids from `codings --json`).
    Uncode {
        project: PathBuf,
        #[arg(required = true)]
        ids: Vec<i64>,
        #[command(flatten)]
        who: Actor,
    },
    /// List codings with document, code path, coder, offsets and text.
    Codings {
        project: PathBuf,
        #[arg(long, value_name = "PATH")]
        code: Option<String>,
        /// Include codings of the code's sub-codes.
        #[arg(long, requires = "code")]
        with_subcodes: bool,
        #[arg(long, value_name = "NAME")]
        doc: Option<String>,
        #[arg(long, value_name = "NAME")]
        coder: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Code every match of a regex or keyword list (or its sentence, paragraph or turn).
    Autocode(AutocodeArgs),
    /// Code every turn of a participant, or of all participants with an attribute value.
    AutocodeSpeaker {
        project: PathBuf,
        #[arg(long, value_name = "PATH")]
        code: String,
        #[arg(long = "speaker", value_name = "LABEL", required_unless_present = "filter")]
        speakers: Vec<String>,
        /// Participants whose attribute has this value, e.g. --where role="team leader".
        #[arg(long = "where", value_name = "KEY=VALUE", conflicts_with = "speakers")]
        filter: Option<String>,
        #[arg(long)]
        coder: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Search the corpus for words (or a regex with --regex); keyword-in-context results.
    Search {
        project: PathBuf,
        query: String,
        #[arg(long)]
        regex: bool,
        /// With --regex: ignore case.
        #[arg(long, short = 'i')]
        ignore_case: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a markdown memo on the project, a document, a participant, a code or a coding.
    Memo(MemoArgs),
    /// List memos.
    Memos {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Delete a memo by id.
    DeleteMemo {
        project: PathBuf,
        id: i64,
        #[command(flatten)]
        who: Actor,
    },
    /// List every change made through the command layer, oldest first.
    History {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Undo the newest change.
    Undo { project: PathBuf },
    /// Redo the change undone last.
    Redo { project: PathBuf },
    /// Tag the current codebook as a named version.
    Snapshot { project: PathBuf, name: String },
    /// List codebook versions.
    Snapshots {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Codes added, removed, renamed, moved, merged and split between two versions (or since A).
    CodebookDiff {
        project: PathBuf,
        a: String,
        b: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Who a change is recorded for in the history.
#[derive(Debug, Args)]
pub struct Actor {
    /// The name the history records for this change (else FIELDCODE_CODER, else the OS user).
    #[arg(long = "coder", value_name = "NAME")]
    coder: Option<String>,
}

impl Actor {
    fn name(self) -> String {
        actor(self.coder)
    }
}

#[derive(Debug, Args)]
pub struct CodeArgs {
    project: PathBuf,
    #[arg(long, value_name = "NAME")]
    doc: String,
    #[arg(long, value_name = "PATH")]
    code: String,
    #[arg(long, requires = "end", conflicts_with_all = ["turn", "paragraph"], required_unless_present_any = ["turn", "paragraph"])]
    start: Option<usize>,
    #[arg(long, requires = "start")]
    end: Option<usize>,
    /// Code the whole n-th speaker turn (1-based).
    #[arg(long, conflicts_with = "paragraph")]
    turn: Option<usize>,
    /// Code the whole n-th paragraph (1-based).
    #[arg(long)]
    paragraph: Option<usize>,
    #[arg(long)]
    coder: Option<String>,
    /// A memo on the new coding.
    #[arg(long)]
    memo: Option<String>,
}

#[derive(Debug, Args)]
pub struct AutocodeArgs {
    project: PathBuf,
    #[arg(long, value_name = "PATH")]
    code: String,
    #[arg(long, value_name = "RE", required_unless_present = "words", conflicts_with = "words")]
    regex: Option<String>,
    #[arg(long, value_name = "W,W", value_delimiter = ',')]
    words: Vec<String>,
    #[arg(long, short = 'i')]
    ignore_case: bool,
    #[arg(long, short = 'w')]
    whole_word: bool,
    #[arg(long, default_value = "match")]
    unit: Unit,
    /// Only these documents (repeatable).
    #[arg(long = "doc", value_name = "NAME")]
    docs: Vec<String>,
    /// Only documents of these kinds (repeatable).
    #[arg(long = "kind")]
    kinds: Vec<DocumentKind>,
    /// Only matches in turns of these speakers (repeatable).
    #[arg(long = "speaker", value_name = "LABEL")]
    speakers: Vec<String>,
    #[arg(long)]
    coder: Option<String>,
    /// List the hits with context and change nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MemoArgs {
    project: PathBuf,
    /// The memo text (markdown).
    text: String,
    #[arg(long, default_value = "")]
    title: String,
    #[arg(long, value_name = "NAME", group = "target")]
    doc: Option<String>,
    #[arg(long, value_name = "LABEL", group = "target")]
    participant: Option<String>,
    #[arg(long, value_name = "PATH", group = "target")]
    code: Option<String>,
    #[arg(long, value_name = "ID", group = "target")]
    coding: Option<i64>,
    /// Replace the text of this existing memo instead of writing a new one.
    #[arg(long, value_name = "ID", conflicts_with = "target")]
    edit: Option<i64>,
    #[arg(long)]
    author: Option<String>,
}

fn done() -> Result<Outcome> {
    Ok(Outcome::Exit(ExitCode::SUCCESS))
}

/// Applies one command as `actor` and prints its summary.
fn apply_one(project: &mut Project, actor: &str, command: Command) -> Result<Outcome> {
    let applied = coding::apply(project, actor, command)?;
    println!("{}", capitalise(&applied.summary));
    done()
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn actor(coder: Option<String>) -> String {
    coder.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).unwrap_or_else(default_actor)
}

/// "/" or "" means the top level; anything else is a code path.
fn parent_id(project: &Project, path: &str) -> Result<Option<i64>> {
    match path.trim() {
        "" | "/" => Ok(None),
        p => codes::id_by_path(project.conn(), p).map(Some),
    }
}

impl CodingCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            CodingCommand::Codes { project, json } => list_codes(&Project::open(project)?, json),
            CodingCommand::AddCode { project, path, color, description, who } => {
                let mut p = Project::open(project)?;
                apply_one(&mut p, &who.name(), Command::CreateCode { parent: None, path, color, description })
            }
            CodingCommand::DescribeCode { project, path, description, inclusion, exclusion, example, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                apply_one(
                    &mut p,
                    &who.name(),
                    Command::DescribeCode { code, description, inclusion, exclusion, example },
                )
            }
            CodingCommand::RecolorCode { project, path, color, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                apply_one(&mut p, &who.name(), Command::RecolorCode { code, color })
            }
            CodingCommand::SetStatus { project, path, status, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                apply_one(&mut p, &who.name(), Command::SetStatus { code, status })
            }
            CodingCommand::RenameCode { project, path, new_name, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                apply_one(&mut p, &who.name(), Command::RenameCode { code, name: new_name })
            }
            CodingCommand::MoveCode { project, path, new_parent, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                let parent = parent_id(&p, &new_parent)?;
                apply_one(&mut p, &who.name(), Command::MoveCode { code, parent })
            }
            CodingCommand::MergeCodes { project, from, into, who } => {
                let mut p = Project::open(project)?;
                let (from, into) = (codes::id_by_path(p.conn(), &from)?, codes::id_by_path(p.conn(), &into)?);
                apply_one(&mut p, &who.name(), Command::MergeCodes { from, into })
            }
            CodingCommand::SplitCode { project, path, new_name, codings, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                apply_one(&mut p, &who.name(), Command::SplitCode { code, name: new_name, codings })
            }
            CodingCommand::DeleteCode { project, path, reassign_to, who } => {
                let mut p = Project::open(project)?;
                let code = codes::id_by_path(p.conn(), &path)?;
                let reassign_to = reassign_to.map(|r| codes::id_by_path(p.conn(), &r)).transpose()?;
                apply_one(&mut p, &who.name(), Command::DeleteCode { code, reassign_to })
            }
            CodingCommand::Code(args) => code(args),
            CodingCommand::Uncode { project, ids, who } => {
                let mut p = Project::open(project)?;
                apply_one(&mut p, &who.name(), Command::RemoveCodings { codings: ids })
            }
            CodingCommand::Codings { project, code, with_subcodes, doc, coder, json } => list_codings(
                &Project::open(project)?,
                code.as_deref(),
                with_subcodes,
                doc.as_deref(),
                coder.as_deref(),
                json,
            ),
            CodingCommand::Autocode(args) => run_autocode(args),
            CodingCommand::AutocodeSpeaker { project, code, speakers, filter, coder, dry_run } => {
                autocode_speaker(project, &code, &speakers, filter.as_deref(), coder, dry_run)
            }
            CodingCommand::Search { project, query, regex, ignore_case, json } => {
                run_search(&Project::open(project)?, &query, regex, ignore_case, json)
            }
            CodingCommand::Memo(args) => write_memo(args),
            CodingCommand::Memos { project, json } => list_memos(&Project::open(project)?, json),
            CodingCommand::DeleteMemo { project, id, who } => {
                let mut p = Project::open(project)?;
                apply_one(&mut p, &who.name(), Command::DeleteMemo { memo: id })
            }
            CodingCommand::History { project, json } => show_history(&Project::open(project)?, json),
            CodingCommand::Undo { project } => {
                match coding::undo(&mut Project::open(project)?)? {
                    Some(summary) => println!("Undid: {summary}"),
                    None => println!("Nothing to undo."),
                }
                done()
            }
            CodingCommand::Redo { project } => {
                match coding::redo(&mut Project::open(project)?)? {
                    Some(summary) => println!("Redid: {summary}"),
                    None => println!("Nothing to redo."),
                }
                done()
            }
            CodingCommand::Snapshot { project, name } => {
                let info = snapshot::take(Project::open(project)?.conn(), &name)?;
                println!("Saved snapshot {:?} of {} codes.", info.name, info.codes);
                done()
            }
            CodingCommand::Snapshots { project, json } => list_snapshots(&Project::open(project)?, json),
            CodingCommand::CodebookDiff { project, a, b, json } => {
                let diff = snapshot::diff(Project::open(project)?.conn(), &a, b.as_deref())?;
                if json {
                    print_json(&diff)?;
                } else {
                    print_diff(&diff);
                }
                done()
            }
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    let flat = text.replace(['\n', '\t'], " ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

fn list_codes(project: &Project, json: bool) -> Result<Outcome> {
    let nodes = codes::list(project.conn())?;
    if json {
        print_json(&nodes)?;
        return done();
    }
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|c| {
            let total: usize = codes::subtree(&nodes, c.id)
                .iter()
                .filter_map(|id| nodes.iter().find(|n| n.id == *id))
                .map(|n| n.codings)
                .sum();
            let count =
                if total == c.codings { total.to_string() } else { format!("{} ({total} with sub-codes)", c.codings) };
            vec![
                format!("{}{}", "  ".repeat(c.depth), c.name),
                c.color.clone(),
                c.status.as_str().to_owned(),
                count,
                shorten(&c.description, 70),
            ]
        })
        .collect();
    print_table(&["code", "colour", "status", "codings", "description"], &rows);
    println!("{} codes", nodes.len());
    done()
}

fn code(args: CodeArgs) -> Result<Outcome> {
    let mut p = Project::open(&args.project)?;
    let actor = actor(args.coder);
    let document = documents::id_by_name(p.conn(), &args.doc)?;
    let code = codes::id_by_path(p.conn(), &args.code)?;
    let span = match (args.start, args.end, args.turn, args.paragraph) {
        (_, _, Some(n), _) => units::turn(p.conn(), document, n)?,
        (_, _, _, Some(n)) => units::paragraph(p.conn(), document, n)?,
        (Some(start), Some(end), _, _) => crate::model::Span { start, end },
        _ => return Err(Error::invalid("say what to code: --start N --end N, --turn N or --paragraph N")),
    };
    let spans = vec![SpanRef { document, code, start: span.start, end: span.end }];
    apply_one(&mut p, &actor, Command::AddCodings { coder: actor.as_str().into(), spans, memo: args.memo })
}

/// One coding as `codings --json` prints it.
#[derive(serde::Serialize)]
struct CodingOut {
    id: i64,
    guid: String,
    document: String,
    code: String,
    coder: String,
    start: usize,
    end: usize,
    text: String,
    created_at: String,
}

fn list_codings(
    project: &Project,
    code: Option<&str>,
    with_subcodes: bool,
    doc: Option<&str>,
    coder: Option<&str>,
    json: bool,
) -> Result<Outcome> {
    let conn = project.conn();
    let nodes = codes::list(conn)?;
    let mut filter = codings::CodingFilter::default();
    if let Some(path) = code {
        let id = codes::id_by_path(conn, path)?;
        filter.codes = Some(if with_subcodes { codes::subtree(&nodes, id) } else { vec![id] });
    }
    if let Some(name) = doc {
        filter.document = Some(documents::id_by_name(conn, name)?);
    }
    if let Some(name) = coder {
        filter.coder = Some(crate::store::coders::find(conn, name)?.ok_or_else(|| Error::not_found("coder", name))?);
    }
    let rows = codings::list(conn, &filter)?;
    let paths: HashMap<i64, String> = nodes.into_iter().map(|c| (c.id, c.path)).collect();
    let names: HashMap<i64, String> = documents::list(conn)?.into_iter().map(|d| (d.id, d.name)).collect();
    let mut texts: HashMap<i64, (String, crate::text::CharIndex)> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = texts.entry(row.document_id) {
            let text = documents::text(conn, row.document_id)?;
            let index = crate::text::CharIndex::new(&text);
            slot.insert((text, index));
        }
        let (text, index) = &texts[&row.document_id];
        out.push(CodingOut {
            id: row.id,
            guid: row.guid,
            document: names.get(&row.document_id).cloned().unwrap_or_default(),
            code: paths.get(&row.code_id).cloned().unwrap_or_default(),
            coder: row.coder,
            start: row.start,
            end: row.end,
            text: index.slice(text, row.start, row.end).to_owned(),
            created_at: row.created_at,
        });
    }
    if json {
        print_json(&out)?;
        return done();
    }
    let table: Vec<Vec<String>> = out
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.document.clone(),
                c.code.clone(),
                c.coder.clone(),
                c.start.to_string(),
                c.end.to_string(),
                shorten(&c.text, 70),
            ]
        })
        .collect();
    print_table(&["id", "document", "code", "coder", "start", "end", "text"], &table);
    println!("{} codings", out.len());
    done()
}

fn participant_ids(project: &Project, labels: &[String]) -> Result<Vec<i64>> {
    labels
        .iter()
        .map(|l| {
            participants::find(project.conn(), l)?.ok_or_else(|| Error::NotFound {
                what: "participant",
                name: l.clone(),
                hint: "; `fieldcode speakers PROJECT` lists them".into(),
            })
        })
        .collect()
}

fn run_autocode(args: AutocodeArgs) -> Result<Outcome> {
    let mut p = Project::open(&args.project)?;
    let actor = actor(args.coder);
    let code = codes::id_by_path(p.conn(), &args.code)?;
    let pattern = match args.regex {
        Some(re) => Pattern::Regex(re),
        None => Pattern::Words(args.words),
    };
    let rule = Rule { pattern, ignore_case: args.ignore_case, whole_word: args.whole_word };
    let scope = Scope {
        documents: args.docs.iter().map(|d| documents::id_by_name(p.conn(), d)).collect::<Result<_>>()?,
        kinds: args.kinds,
        speakers: participant_ids(&p, &args.speakers)?,
    };
    if args.dry_run {
        let hits = autocode::find_hits(p.conn(), &rule, &scope, args.unit)?;
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|h| {
                vec![
                    h.document.clone(),
                    format!("{}..{}", h.start, h.end),
                    format!("{}..{}", h.unit_start, h.unit_end),
                    format!("{}[{}]{}", h.left, h.matched, h.right),
                ]
            })
            .collect();
        print_table(&["document", "match", args.unit.as_str(), "context"], &rows);
        let spans = autocode::spans_of(&hits, code).len();
        println!("{} hits, {spans} spans would be coded (dry run: nothing changed)", hits.len());
        return done();
    }
    let (hits, applied) = autocode::run(&mut p, &actor, actor.as_str().into(), code, &rule, &scope, args.unit)?;
    println!("{} ({} hits)", capitalise(&applied.summary), hits.len());
    done()
}

fn autocode_speaker(
    project: PathBuf,
    code: &str,
    speakers: &[String],
    filter: Option<&str>,
    coder: Option<String>,
    dry_run: bool,
) -> Result<Outcome> {
    let mut p = Project::open(project)?;
    let actor = actor(coder);
    let code = codes::id_by_path(p.conn(), code)?;
    let (ids, rule) = match filter {
        Some(f) => {
            let (key, value) = f.split_once('=').ok_or_else(|| {
                Error::invalid(format!("--where expects KEY=VALUE, e.g. role=\"team leader\"; found {f:?}"))
            })?;
            let value = value.trim().trim_matches('"');
            (autocode::participants_where(p.conn(), key, value)?, format!("speakers where {}={value}", key.trim()))
        }
        None => (participant_ids(&p, speakers)?, format!("speakers {}", speakers.join(","))),
    };
    let spans = autocode::speaker_spans(p.conn(), &ids, code)?;
    if dry_run {
        println!("{} turns of {} participants would be coded (dry run: nothing changed)", spans.len(), ids.len());
        return done();
    }
    apply_one(&mut p, &actor, Command::Autocode { coder: actor.as_str().into(), rule: format!("{rule} (turn)"), spans })
}

fn run_search(project: &Project, query: &str, regex: bool, ignore_case: bool, json: bool) -> Result<Outcome> {
    let hits =
        if regex { search::regex(project.conn(), query, ignore_case)? } else { search::words(project.conn(), query)? };
    if json {
        print_json(&hits)?;
        return done();
    }
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                h.document.clone(),
                h.start.to_string(),
                h.end.to_string(),
                format!("{:>40} [{}] {}", h.left, h.matched, h.right),
            ]
        })
        .collect();
    print_table(&["document", "start", "end", "context"], &rows);
    let docs: std::collections::BTreeSet<&str> = hits.iter().map(|h| h.document.as_str()).collect();
    println!("{} hits in {} documents", hits.len(), docs.len());
    done()
}

fn write_memo(args: MemoArgs) -> Result<Outcome> {
    let mut p = Project::open(&args.project)?;
    let conn = p.conn();
    let actor = actor(args.author);
    if let Some(id) = args.edit {
        let existing = memos::list(conn, None)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| Error::not_found("memo", format!("#{id}")))?;
        let title = if args.title.is_empty() { existing.title } else { args.title };
        let command = Command::SetMemo { memo: Some(id), target: existing.target, title, body: args.text };
        return apply_one(&mut p, &actor, command);
    }
    let target = if let Some(doc) = &args.doc {
        MemoTarget::Document(documents::id_by_name(conn, doc)?)
    } else if let Some(label) = &args.participant {
        MemoTarget::Participant(participant_ids(&p, std::slice::from_ref(label))?[0])
    } else if let Some(path) = &args.code {
        MemoTarget::Code(codes::id_by_path(conn, path)?)
    } else if let Some(id) = args.coding {
        MemoTarget::Coding(id)
    } else {
        MemoTarget::Project
    };
    apply_one(&mut p, &actor, Command::SetMemo { memo: None, target, title: args.title, body: args.text })
}

fn list_memos(project: &Project, json: bool) -> Result<Outcome> {
    let all = memos::list(project.conn(), None)?;
    if json {
        print_json(&all)?;
        return done();
    }
    let paths = codes::paths(project.conn())?;
    let names: HashMap<i64, String> = documents::list(project.conn())?.into_iter().map(|d| (d.id, d.name)).collect();
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|m| {
            let on = match m.target {
                MemoTarget::Project => "project".to_owned(),
                MemoTarget::Document(id) => format!("document {}", names.get(&id).cloned().unwrap_or_default()),
                MemoTarget::Code(id) => format!("code {}", paths.get(&id).cloned().unwrap_or_default()),
                MemoTarget::Participant(id) => format!("participant #{id}"),
                MemoTarget::Coding(id) => format!("coding #{id}"),
            };
            vec![
                m.id.to_string(),
                on,
                m.author.clone(),
                m.updated_at.clone(),
                shorten(format!("{} {}", m.title, m.body).trim(), 60),
            ]
        })
        .collect();
    print_table(&["id", "on", "author", "updated", "memo"], &rows);
    println!("{} memos", all.len());
    done()
}

fn show_history(project: &Project, json: bool) -> Result<Outcome> {
    let entries = coding::history(project.conn())?;
    if json {
        print_json(&entries)?;
        return done();
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| vec![e.id.to_string(), e.at.clone(), e.actor.clone(), e.state.as_str().to_owned(), e.summary.clone()])
        .collect();
    print_table(&["id", "at", "by", "state", "change"], &rows);
    println!("{} changes", entries.len());
    done()
}

fn list_snapshots(project: &Project, json: bool) -> Result<Outcome> {
    let all = snapshot::list(project.conn())?;
    if json {
        print_json(&all)?;
        return done();
    }
    let rows: Vec<Vec<String>> =
        all.iter().map(|s| vec![s.name.clone(), s.created_at.clone(), s.codes.to_string()]).collect();
    print_table(&["snapshot", "taken", "codes"], &rows);
    done()
}

fn print_diff(diff: &snapshot::CodebookDiff) {
    println!(
        "Codebook changes from {:?} to {}:",
        diff.from,
        if diff.to == "current codebook" { diff.to.clone() } else { format!("{:?}", diff.to) }
    );
    if diff.is_empty() {
        println!("  no changes");
    }
    for c in &diff.added {
        println!("  added    {} ({} codings)", c.path, c.codings);
    }
    for c in &diff.removed {
        println!("  removed  {} ({} codings)", c.path, c.codings);
    }
    for c in &diff.renamed {
        println!("  renamed  {} -> {} ({} -> {} codings)", c.from_path, c.to_path, c.codings_before, c.codings_after);
    }
    for c in &diff.moved {
        println!("  moved    {} -> {} ({} -> {} codings)", c.from_path, c.to_path, c.codings_before, c.codings_after);
    }
    for m in &diff.merged {
        println!("  merged   {} into {} ({} codings)", m.from_path, m.into_path, m.codings);
    }
    for s in &diff.split {
        println!("  split    {}: {} codings to new code {}", s.from_path, s.codings, s.new_path);
    }
    for c in &diff.recounted {
        println!("  recount  {}: {} -> {} codings", c.to_path, c.codings_before, c.codings_after);
    }
}
