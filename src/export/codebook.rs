//! Codebook export (REFI `.qdc`, Markdown, CSV, DOCX) and import (`.qdc`, CSV).
//!
//! Import is a bulk edit in one transaction: codes are matched by GUID, else by path; matched
//! codes get the file's non-empty fields, unmatched ones are created (with missing parent codes
//! for CSV paths). Any bad row or file changes nothing.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::matrix::Table;
use crate::coding::{Command, history, rows};
use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, ReviewStatus};
use crate::refi::{definition, guid, model::Code, qde_read, xml_write};
use crate::store::{self, Project, codes};

/// Output formats of `fieldcode export-codebook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CodebookFormat {
    Qdc,
    Md,
    Csv,
    Docx,
}

/// CSV columns, in order. Import needs `path`; the others are optional.
pub const CSV_COLUMNS: [&str; 9] =
    ["path", "color", "status", "description", "inclusion", "exclusion", "example", "codings", "guid"];

/// Writes the codebook; returns the number of codes.
pub fn export(project: &Project, format: CodebookFormat, out: &Path) -> Result<usize> {
    let list = codes::list(project.conn())?;
    let name = project.info("name")?.unwrap_or_default();
    match format {
        CodebookFormat::Qdc => {
            let tree = crate::refi::export::code_tree(&list, None, &HashMap::new());
            std::fs::write(out, xml_write::write_codebook(&tree)).map_err(|e| Error::io(out, e))?
        }
        CodebookFormat::Md => {
            std::fs::write(out, super::markdown::codebook(&name, &list)).map_err(|e| Error::io(out, e))?
        }
        CodebookFormat::Csv => super::csv::write_table(&csv_table(&list), out, false)?,
        CodebookFormat::Docx => super::docx::codebook(&name, &list, out)?,
    }
    Ok(list.len())
}

fn csv_table(list: &[CodeNode]) -> Table {
    let rows = list
        .iter()
        .map(|c| {
            vec![
                c.path.as_str().into(),
                c.color.as_str().into(),
                c.status.as_str().into(),
                c.description.as_str().into(),
                c.inclusion.as_str().into(),
                c.exclusion.as_str().into(),
                c.example.as_str().into(),
                c.codings.into(),
                c.guid.as_str().into(),
            ]
        })
        .collect();
    Table { header: CSV_COLUMNS.map(String::from).to_vec(), rows }
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodebookImport {
    pub added: usize,
    pub updated: usize,
}

/// One code from a file, flattened: path parts plus the fields to set.
#[derive(Debug, Clone, Default)]
struct Incoming {
    parts: Vec<String>,
    guid: Option<String>,
    color: Option<String>,
    status: Option<ReviewStatus>,
    description: String,
    inclusion: String,
    exclusion: String,
    example: String,
}

/// Imports a `.qdc` (or `.xml`) or `.csv` codebook into the project in one transaction.
pub fn import(project: &mut Project, file: &Path, actor: &str) -> Result<CodebookImport> {
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Missing { path: file.to_path_buf() },
        _ => Error::io(file, e),
    })?;
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let incoming = match ext.as_str() {
        "qdc" | "xml" | "qde" => from_qdc(&qde_read::read_codebook(&bytes, file)?),
        "csv" => from_csv(&bytes, file)?,
        _ => return Err(Error::import(file, "unsupported codebook file; use a REFI-QDA .qdc or a .csv")),
    };
    let tx = project.conn_mut().transaction()?;
    let before = rows::all_codes(&tx)?;
    let mut report = CodebookImport::default();
    for code in &incoming {
        apply(&tx, code, &mut report)?;
    }
    record_in_history(&tx, file, actor, before, &report)?;
    tx.commit()?;
    Ok(report)
}

/// Records the code rows the import added or changed as one history entry, so `undo` takes the
/// whole import back and `redo` restores it.
fn record_in_history(
    tx: &Connection,
    file: &Path,
    actor: &str,
    before: Vec<rows::CodeRec>,
    report: &CodebookImport,
) -> Result<()> {
    let mut old: HashMap<i64, rows::CodeRec> = before.into_iter().map(|c| (c.id, c)).collect();
    let mut changes = Vec::new();
    let mut created = Vec::new();
    for code in rows::all_codes(tx)? {
        match old.remove(&code.id) {
            None => {
                created.push(code.id);
                changes.push(rows::Change { before: None, after: Some(rows::Row::Code(code)) });
            }
            Some(previous) if previous != code => changes
                .push(rows::Change { before: Some(rows::Row::Code(previous)), after: Some(rows::Row::Code(code)) }),
            Some(_) => {}
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let summary = format!("imported codebook {name}: {} codes added, {} updated", report.added, report.updated);
    let command = Command::ImportCodebook { file: name };
    history::append(tx, &store::now_utc(), actor, &command, &summary, &changes, &created)?;
    Ok(())
}

fn from_qdc(codes: &[Code]) -> Vec<Incoming> {
    fn walk(codes: &[Code], prefix: &[String], out: &mut Vec<Incoming>) {
        for c in codes {
            let mut parts = prefix.to_vec();
            let name = c.name.trim().replace('/', "∕");
            parts.push(if name.is_empty() { "(unnamed code)".into() } else { name });
            let def = definition::parse(&c.description);
            out.push(Incoming {
                parts: parts.clone(),
                guid: Some(c.guid.clone()),
                color: c.color.as_deref().and_then(normalise_color),
                status: def.status,
                description: def.description,
                inclusion: def.inclusion,
                exclusion: def.exclusion,
                example: def.example,
            });
            walk(&c.children, &parts, out);
        }
    }
    let mut out = Vec::new();
    walk(codes, &[], &mut out);
    out
}

fn normalise_color(raw: &str) -> Option<String> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        3 => Some(format!("#{}", hex.chars().flat_map(|c| [c, c]).collect::<String>())),
        6 | 8 => Some(format!("#{}", &hex[..6])),
        _ => None,
    }
}

fn from_csv(bytes: &[u8], path: &Path) -> Result<Vec<Incoming>> {
    let text = crate::import::decode::decode_text(bytes).map_err(|r| Error::import(path, r))?;
    let text = crate::text::normalise_newlines(&text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let parse_err = |line: usize, reason: String| Error::Parse { path: path.to_path_buf(), line, reason };
    let headers: Vec<String> =
        reader.headers().map_err(|e| parse_err(1, e.to_string()))?.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let path_col = col("path").or_else(|| col("code")).ok_or_else(|| {
        parse_err(1, format!("the CSV needs a `path` column; columns are {}", CSV_COLUMNS.join(", ")))
    })?;
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| parse_err(line, e.to_string()))?;
        let get = |name: &str| col(name).and_then(|c| record.get(c)).map(str::trim).unwrap_or("").to_owned();
        let raw_path = record.get(path_col).unwrap_or("").trim();
        if raw_path.is_empty() {
            continue;
        }
        let parts = codes::split_path(raw_path).map_err(|e| parse_err(line, e.to_string()))?;
        let color = match get("color") {
            c if c.is_empty() => None,
            c => Some(
                normalise_color(&c).ok_or_else(|| parse_err(line, format!("{c:?} is not a colour like #1f77b4")))?,
            ),
        };
        let status = match get("status") {
            s if s.is_empty() => None,
            s => Some(s.parse::<ReviewStatus>().map_err(|e| parse_err(line, e))?),
        };
        let guid_cell = get("guid");
        out.push(Incoming {
            parts: parts.into_iter().map(str::to_owned).collect(),
            guid: (!guid_cell.is_empty()).then(|| guid::normalise(&guid_cell)),
            color,
            status,
            description: get("description"),
            inclusion: get("inclusion"),
            exclusion: get("exclusion"),
            example: get("example"),
        });
    }
    Ok(out)
}

fn apply(tx: &Connection, code: &Incoming, report: &mut CodebookImport) -> Result<()> {
    let by_guid: Option<CodeId> = match &code.guid {
        Some(g) => tx.prepare_cached("SELECT id FROM code WHERE guid = ?1")?.query_row([g], |r| r.get(0)).ok(),
        None => None,
    };
    let existing = match by_guid {
        Some(id) => Some(id),
        None => find_path(tx, &code.parts)?,
    };
    let id = match existing {
        Some(id) => id,
        None => {
            report.added += create_path(tx, &code.parts, code.guid.as_deref())?;
            find_path(tx, &code.parts)?.ok_or_else(|| Error::invalid("a created code could not be found"))?
        }
    };
    let fields = [
        ("description", &code.description),
        ("inclusion", &code.inclusion),
        ("exclusion", &code.exclusion),
        ("example", &code.example),
    ];
    let mut changed = 0;
    for (column, value) in fields {
        if !value.is_empty() {
            changed += tx.execute(
                &format!("UPDATE code SET {column} = ?1 WHERE id = ?2 AND {column} <> ?1"),
                params![value, id],
            )?;
        }
    }
    if let Some(color) = &code.color {
        changed += tx.execute("UPDATE code SET color = ?1 WHERE id = ?2 AND color <> ?1", params![color, id])?;
    }
    if let Some(status) = code.status {
        changed +=
            tx.execute("UPDATE code SET status = ?1 WHERE id = ?2 AND status <> ?1", params![status.as_str(), id])?;
    }
    if changed > 0 && existing.is_some() {
        report.updated += 1;
    }
    Ok(())
}

fn find_path(tx: &Connection, parts: &[String]) -> Result<Option<CodeId>> {
    let mut parent: Option<CodeId> = None;
    for part in parts {
        let found: Option<CodeId> = tx
            .prepare_cached("SELECT id FROM code WHERE coalesce(parent_id, 0) = ?1 AND name = ?2")?
            .query_row(params![parent.unwrap_or(0), part], |r| r.get(0))
            .ok();
        match found {
            Some(id) => parent = Some(id),
            None => return Ok(None),
        }
    }
    Ok(parent)
}

/// Creates the missing codes along `parts`; the last one gets `guid` if it is free.
fn create_path(tx: &Connection, parts: &[String], guid: Option<&str>) -> Result<usize> {
    let mut parent: Option<CodeId> = None;
    let mut created = 0;
    for (i, part) in parts.iter().enumerate() {
        if let Some(id) = find_path(tx, &parts[..=i])? {
            parent = Some(id);
            continue;
        }
        let wanted = if i + 1 == parts.len() { guid } else { None };
        let free = match wanted {
            Some(g) => !tx.prepare_cached("SELECT 1 FROM code WHERE guid = ?1")?.exists([g])?,
            None => false,
        };
        let guid = if free { wanted.unwrap_or_default().to_owned() } else { store::new_guid() };
        let position: i64 = tx.query_row(
            "SELECT coalesce(max(position) + 1, 0) FROM code WHERE coalesce(parent_id, 0) = ?1",
            [parent.unwrap_or(0)],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO code (guid, parent_id, name, position, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![guid, parent, part, position, store::now_utc()],
        )?;
        parent = Some(tx.last_insert_rowid());
        created += 1;
    }
    Ok(created)
}
