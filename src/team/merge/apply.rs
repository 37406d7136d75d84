//! Writing a read [`Source`] into this project, inside the caller's transaction: codes by GUID
//! then by path, coders by name, documents by text hash, codings and memos by GUID, comments by
//! their exact content. Whatever is already here is skipped, so a second run adds nothing.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::report::{BadSpan, CodeConflict, MergeReport, MissingDocument};
use super::source::{Source, SourceMemo};
use crate::error::Result;
use crate::model::{CodeId, CodeNode, CodingId, CodingRow, DocumentId};
use crate::store::{coders, codes, now_utc, participants};

/// What the merge created, by stable identity, recorded with the merge so it can be inverted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Created {
    pub codes: Vec<String>,
    pub codings: Vec<String>,
    pub memos: Vec<String>,
    pub comments: Vec<i64>,
    pub coders: Vec<String>,
}

/// Other project's ids → ids here.
#[derive(Default)]
struct Maps {
    codes: HashMap<CodeId, CodeId>,
    documents: HashMap<DocumentId, (DocumentId, usize)>,
    codings: HashMap<CodingId, CodingId>,
}

/// Applies `source` to `conn` (a transaction), filling `report`.
pub fn apply(conn: &Connection, source: &Source, report: &mut MergeReport) -> Result<Created> {
    let mut created = Created::default();
    let mut maps = Maps::default();
    match_documents(conn, source, report, &mut maps)?;
    merge_codes(conn, source, report, &mut created, &mut maps)?;
    merge_codings(conn, source, report, &mut created, &mut maps)?;
    for memo in &source.memos {
        merge_memo(conn, source, memo, &maps, report, &mut created)?;
    }
    merge_comments(conn, source, &maps, report, &mut created)?;
    Ok(created)
}

fn match_documents(conn: &Connection, source: &Source, report: &mut MergeReport, maps: &mut Maps) -> Result<()> {
    let mut stmt = conn.prepare("SELECT id, char_count FROM document WHERE sha256 = ?1")?;
    let mut missing: BTreeMap<String, MissingDocument> = BTreeMap::new();
    for (&id, doc) in &source.documents {
        let here: Option<(DocumentId, i64)> =
            stmt.query_row([&doc.sha256], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        match here {
            Some((ours, chars)) => {
                maps.documents.insert(id, (ours, chars as usize));
                report.documents_matched += 1;
            }
            None => {
                let codings = source.codings.iter().filter(|c| c.document_id == id).count();
                let entry = MissingDocument { name: doc.name.clone(), sha256: doc.sha256.clone(), codings };
                missing.insert(doc.name.clone(), entry);
            }
        }
    }
    report.documents_missing = missing.into_values().collect();
    Ok(())
}

fn merge_codes(
    conn: &Connection,
    source: &Source,
    report: &mut MergeReport,
    created: &mut Created,
    maps: &mut Maps,
) -> Result<()> {
    let mut path_to_id: HashMap<String, CodeId> = HashMap::new();
    let mut id_to_path: HashMap<CodeId, String> = HashMap::new();
    for code in codes::list(conn)? {
        path_to_id.insert(code.path.clone(), code.id);
        id_to_path.insert(code.id, code.path);
    }
    let mut by_guid = conn.prepare("SELECT id FROM code WHERE guid = ?1")?;
    for code in &source.codes {
        if let Some(ours) = by_guid.query_row([&code.guid], |r| r.get::<_, CodeId>(0)).optional()? {
            let here = id_to_path.get(&ours).cloned().unwrap_or_default();
            if here != code.path {
                report.code_conflicts.push(CodeConflict { guid: code.guid.clone(), here, there: code.path.clone() });
            }
            maps.codes.insert(code.id, ours);
            report.codes_matched += 1;
            continue;
        }
        let parent = code.parent_id.and_then(|p| maps.codes.get(&p).copied());
        let path = match parent.and_then(|p| id_to_path.get(&p)) {
            Some(prefix) => format!("{prefix}/{}", code.name),
            None => code.name.clone(),
        };
        if let Some(&ours) = path_to_id.get(&path) {
            maps.codes.insert(code.id, ours);
            report.codes_matched += 1;
            continue;
        }
        let ours = insert_code(conn, code, parent)?;
        maps.codes.insert(code.id, ours);
        path_to_id.insert(path.clone(), ours);
        id_to_path.insert(ours, path.clone());
        created.codes.push(code.guid.clone());
        report.codes_created.push(path);
    }
    Ok(())
}

fn insert_code(conn: &Connection, code: &CodeNode, parent: Option<CodeId>) -> Result<CodeId> {
    conn.execute(
        "INSERT INTO code (guid, parent_id, name, color, description, inclusion, exclusion, example, status, position, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            code.guid,
            parent,
            code.name,
            code.color,
            code.description,
            code.inclusion,
            code.exclusion,
            code.example,
            code.status.as_str(),
            code.position,
            now_utc()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn merge_codings(
    conn: &Connection,
    source: &Source,
    report: &mut MergeReport,
    created: &mut Created,
    maps: &mut Maps,
) -> Result<()> {
    let mut coder_ids: HashMap<String, i64> = HashMap::new();
    let code_paths: HashMap<CodeId, &str> = source.codes.iter().map(|c| (c.id, c.path.as_str())).collect();
    let mut by_guid = conn.prepare("SELECT id FROM coding WHERE guid = ?1")?;
    let mut by_span = conn.prepare(
        "SELECT id FROM coding WHERE document_id = ?1 AND code_id = ?2 AND coder_id = ?3 AND start = ?4 AND \"end\" = ?5",
    )?;
    for row in &source.codings {
        let Some(&(doc, length)) = maps.documents.get(&row.document_id) else { continue };
        let Some(&code) = maps.codes.get(&row.code_id) else { continue };
        if let Some(ours) = by_guid.query_row([&row.guid], |r| r.get(0)).optional()? {
            maps.codings.insert(row.id, ours);
            report.codings_already_present += 1;
            continue;
        }
        if row.end > length || row.start >= row.end {
            report.codings_out_of_range.push(bad_span(source, row, &code_paths, length));
            continue;
        }
        let coder = coder_id(conn, &row.coder, &mut coder_ids, created)?;
        let span = params![doc, code, coder, row.start as i64, row.end as i64];
        if let Some(ours) = by_span.query_row(span, |r| r.get(0)).optional()? {
            maps.codings.insert(row.id, ours);
            report.codings_already_present += 1;
            continue;
        }
        conn.execute(
            "INSERT INTO coding (guid, document_id, code_id, coder_id, start, \"end\", created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![row.guid, doc, code, coder, row.start as i64, row.end as i64, row.created_at],
        )?;
        maps.codings.insert(row.id, conn.last_insert_rowid());
        created.codings.push(row.guid.clone());
        report.codings_added += 1;
    }
    report.coders_created = created.coders.clone();
    Ok(())
}

fn bad_span(source: &Source, row: &CodingRow, code_paths: &HashMap<CodeId, &str>, length: usize) -> BadSpan {
    BadSpan {
        document: source.documents.get(&row.document_id).map(|d| d.name.clone()).unwrap_or_default(),
        code: code_paths.get(&row.code_id).map(|p| p.to_string()).unwrap_or_default(),
        coder: row.coder.clone(),
        start: row.start,
        end: row.end,
        length,
    }
}

fn coder_id(conn: &Connection, name: &str, cache: &mut HashMap<String, i64>, created: &mut Created) -> Result<i64> {
    if let Some(&id) = cache.get(name) {
        return Ok(id);
    }
    if coders::find(conn, name)?.is_none() {
        created.coders.push(name.to_owned());
    }
    let id = coders::id_for_name(conn, name)?;
    cache.insert(name.to_owned(), id);
    Ok(id)
}

fn merge_memo(
    conn: &Connection,
    source: &Source,
    memo: &SourceMemo,
    maps: &Maps,
    report: &mut MergeReport,
    created: &mut Created,
) -> Result<()> {
    let exists = conn.prepare_cached("SELECT 1 FROM memo WHERE guid = ?1")?.exists([&memo.guid])?;
    if exists {
        report.memos_already_present += 1;
        return Ok(());
    }
    let target = match (memo.target_kind.as_str(), memo.target_id) {
        ("project", id) => Some(id),
        ("document", Some(id)) => maps.documents.get(&id).map(|(d, _)| Some(*d)),
        ("code", Some(id)) => maps.codes.get(&id).map(|c| Some(*c)),
        ("coding", Some(id)) => maps.codings.get(&id).map(|c| Some(*c)),
        ("participant", Some(id)) => match source.participants.get(&id) {
            Some(label) => Some(Some(participants::id_for_label(conn, label)?)),
            None => None,
        },
        _ => None,
    };
    let Some(target_id) = target else {
        report.memos_without_target += 1;
        return Ok(());
    };
    conn.execute(
        "INSERT INTO memo (guid, target_kind, target_id, title, body, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            memo.guid,
            memo.target_kind,
            target_id,
            memo.title,
            memo.body,
            memo.author,
            memo.created_at,
            memo.updated_at
        ],
    )?;
    created.memos.push(memo.guid.clone());
    report.memos_added += 1;
    Ok(())
}

fn merge_comments(
    conn: &Connection,
    source: &Source,
    maps: &Maps,
    report: &mut MergeReport,
    created: &mut Created,
) -> Result<()> {
    let mut exists = conn
        .prepare("SELECT 1 FROM code_comment WHERE code_id = ?1 AND author = ?2 AND created_at = ?3 AND body = ?4")?;
    for comment in &source.comments {
        let Some(&code) = maps.codes.get(&comment.code_id) else { continue };
        if exists.exists(params![code, comment.author, comment.created_at, comment.body])? {
            continue;
        }
        conn.execute(
            "INSERT INTO code_comment (code_id, author, created_at, body) VALUES (?1, ?2, ?3, ?4)",
            params![code, comment.author, comment.created_at, comment.body],
        )?;
        created.comments.push(conn.last_insert_rowid());
        report.comments_added += 1;
    }
    Ok(())
}
