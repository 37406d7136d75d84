//! The demo study's codebook and codings: eight themes of the link-worker ethnography with
//! definitions, a few hundred codings by two coders ("rosa" and "sam") placed by each coder's own
//! rule per code, memos, a snapshot ("initial codebook") and a few later changes, so every view
//! (codes, codings, history, codebook diff, agreement, co-occurrence) has meaningful data.
//!
//! The content is the readable data file `assets/codebook/demo-codebook.json`; everything is
//! applied through the command layer, so the demo's history is real and deterministic.

use serde::Deserialize;

use crate::coding::autocode::{self, Pattern, Rule, Scope};
use crate::coding::units::Unit;
use crate::coding::{Command, MemoTarget, apply, snapshot};
use crate::error::{Error, Result};
use crate::model::{CodeId, ReviewStatus};
use crate::store::{Project, codes, documents};

const SOURCE: &str = include_str!("../assets/codebook/demo-codebook.json");
const SHOWN: &str = "assets/codebook/demo-codebook.json";
const CODERS: [&str; 2] = ["rosa", "sam"];

#[derive(Deserialize)]
struct Book {
    themes: Vec<Theme>,
    memos: Vec<MemoSpec>,
    statuses: Vec<StatusSpec>,
    snapshot: String,
    after_snapshot: Vec<Change>,
}

#[derive(Deserialize)]
struct Definition {
    name: String,
    description: String,
    inclusion: String,
    exclusion: String,
    example: String,
}

#[derive(Deserialize)]
struct Theme {
    #[serde(flatten)]
    def: Definition,
    color: String,
    codes: Vec<CodeSpec>,
}

#[derive(Deserialize)]
struct CodeSpec {
    #[serde(flatten)]
    def: Definition,
    rosa: RuleSpec,
    sam: RuleSpec,
}

#[derive(Deserialize)]
struct RuleSpec {
    regex: String,
    unit: String,
}

#[derive(Deserialize)]
struct MemoSpec {
    target: String,
    author: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct StatusSpec {
    code: String,
    status: ReviewStatus,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Change {
    Rename { rename: String, to: String },
    Merge { merge: String, into: String },
    Describe { describe: String, description: String },
}

fn bad(reason: impl std::fmt::Display) -> Error {
    Error::import(SHOWN, reason.to_string())
}

/// Adds the demo codebook, codings, memos, snapshot and later changes to the demo project.
pub fn populate(project: &mut Project) -> Result<()> {
    let book: Book = serde_json::from_str(SOURCE).map_err(bad)?;
    for theme in &book.themes {
        let id = create(project, None, &theme.def, Some(&theme.color))?;
        for code in &theme.codes {
            create(project, Some(id), &code.def, Some(&theme.color))?;
        }
    }
    for coder in CODERS {
        code_all(project, &book, coder)?;
    }
    for spec in &book.statuses {
        let code = codes::id_by_path(project.conn(), &spec.code)?;
        apply(project, "rosa", Command::SetStatus { code, status: spec.status })?;
    }
    for memo in &book.memos {
        let target = memo_target(project, &memo.target)?;
        let command = Command::SetMemo { memo: None, target, title: memo.title.clone(), body: memo.body.clone() };
        apply(project, &memo.author, command)?;
    }
    snapshot::take(project.conn(), &book.snapshot)?;
    for change in &book.after_snapshot {
        apply(project, "rosa", later_change(project, change)?)?;
    }
    Ok(())
}

fn create(project: &mut Project, parent: Option<CodeId>, def: &Definition, color: Option<&str>) -> Result<CodeId> {
    let command = Command::CreateCode {
        parent,
        path: def.name.clone(),
        color: color.map(str::to_owned),
        description: Some(def.description.clone()),
    };
    let applied = apply(project, "rosa", command)?;
    let id = *applied.created.last().ok_or_else(|| bad(format!("code {:?} was not created", def.name)))?;
    let describe = Command::DescribeCode {
        code: id,
        description: None,
        inclusion: Some(def.inclusion.clone()),
        exclusion: Some(def.exclusion.clone()),
        example: Some(def.example.clone()),
    };
    apply(project, "rosa", describe)?;
    Ok(id)
}

/// One autocode run per code with this coder's rule.
fn code_all(project: &mut Project, book: &Book, coder: &str) -> Result<()> {
    for theme in &book.themes {
        for code in &theme.codes {
            let spec = if coder == "rosa" { &code.rosa } else { &code.sam };
            let path = format!("{}/{}", theme.def.name, code.def.name);
            let id = codes::id_by_path(project.conn(), &path)?;
            let rule = Rule { pattern: Pattern::Regex(spec.regex.clone()), ignore_case: true, whole_word: false };
            let unit: Unit = spec.unit.parse().map_err(bad)?;
            autocode::run(project, coder, coder.into(), id, &rule, &Scope::default(), unit)?;
        }
    }
    Ok(())
}

fn memo_target(project: &Project, target: &str) -> Result<MemoTarget> {
    match target.split_once(':') {
        None if target == "project" => Ok(MemoTarget::Project),
        Some(("code", path)) => Ok(MemoTarget::Code(codes::id_by_path(project.conn(), path)?)),
        Some(("document", name)) => Ok(MemoTarget::Document(documents::id_by_name(project.conn(), name)?)),
        _ => Err(bad(format!("unknown memo target {target:?}"))),
    }
}

fn later_change(project: &Project, change: &Change) -> Result<Command> {
    let id = |path: &str| codes::id_by_path(project.conn(), path);
    Ok(match change {
        Change::Rename { rename, to } => Command::RenameCode { code: id(rename)?, name: to.clone() },
        Change::Merge { merge, into } => Command::MergeCodes { from: id(merge)?, into: id(into)? },
        Change::Describe { describe, description } => Command::DescribeCode {
            code: id(describe)?,
            description: Some(description.clone()),
            inclusion: None,
            exclusion: None,
            example: None,
        },
    })
}
