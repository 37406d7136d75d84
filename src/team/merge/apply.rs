//! Writing a read [`Source`] into this project, inside the caller's transaction: codes by GUID
//! then by path, coders by name, documents by GUID then text hash (an edited copy is realigned
//! through [`super::realign`]), codings and memos by GUID, comments by
//! their exact content, attribute values by owner and name ([`super::values`]). Whatever is
//! already here is skipped, so a second run adds nothing.
//!
//! Every row is written through the caller's [`Recorder`], so the merge is recorded as one
//! history entry and undoes and redoes like any other command.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::realign::Realign;
use super::report::{BadSpan, ChangedCoding, CodeConflict, MergeReport, MissingDocument};
use super::source::{Source, SourceMemo};
use crate::coding::Recorder;
use crate::coding::rows::{CodeRec, CodingRec, CommentRec, MemoRec, Row};
use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, CodingId, CodingRow, DocumentId};
use crate::store::{coders, codes, now_utc};

/// What the merge created, by stable identity (recorded in `merge_source`).
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
pub(super) struct Maps {
    codes: HashMap<CodeId, CodeId>,
    /// With the document's length here.
    pub(super) documents: HashMap<DocumentId, (DocumentId, usize)>,
    codings: HashMap<CodingId, CodingId>,
    /// Their documents matched by GUID whose text differs from ours.
    realign: HashMap<DocumentId, Realign>,
}

/// Applies `source` through `rec`, filling `report`.
pub fn apply(rec: &mut Recorder<'_>, source: &Source, report: &mut MergeReport) -> Result<Created> {
    let mut created = Created::default();
    let mut maps = Maps::default();
    match_documents(rec.conn(), source, report, &mut maps)?;
    merge_codes(rec, source, report, &mut created, &mut maps)?;
    merge_codings(rec, source, report, &mut created, &mut maps)?;
    for memo in &source.memos {
        merge_memo(rec, source, memo, &maps, report, &mut created)?;
    }
    merge_comments(rec, source, &maps, report, &mut created)?;
    super::values::merge_values(rec, source, &maps, report)?;
    Ok(created)
}

fn match_documents(conn: &Connection, source: &Source, report: &mut MergeReport, maps: &mut Maps) -> Result<()> {
    let mut stmt = conn.prepare("SELECT id, char_count FROM document WHERE sha256 = ?1")?;
    let mut by_guid = conn.prepare("SELECT id, char_count, sha256, text FROM document WHERE guid = ?1")?;
    let mut missing: BTreeMap<String, MissingDocument> = BTreeMap::new();
    for (&id, doc) in &source.documents {
        let same_guid: Option<(DocumentId, i64, String, String)> =
            by_guid.query_row([&doc.guid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional()?;
        if let Some((ours, chars, sha, text)) = same_guid {
            if sha != doc.sha256 {
                maps.realign.insert(id, Realign::new(&doc.text, &text));
                report.documents_realigned += 1;
            } else {
                report.documents_matched += 1;
            }
            maps.documents.insert(id, (ours, chars as usize));
            continue;
        }
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
    rec: &mut Recorder<'_>,
    source: &Source,
    report: &mut MergeReport,
    created: &mut Created,
    maps: &mut Maps,
) -> Result<()> {
    let mut path_to_id: HashMap<String, CodeId> = HashMap::new();
    let mut id_to_path: HashMap<CodeId, String> = HashMap::new();
    let conn = rec.conn();
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
        let ours = insert_code(rec, code, parent)?;
        maps.codes.insert(code.id, ours);
        path_to_id.insert(path.clone(), ours);
        id_to_path.insert(ours, path.clone());
        created.codes.push(code.guid.clone());
        report.codes_created.push(path);
    }
    Ok(())
}

fn insert_code(rec: &mut Recorder<'_>, code: &CodeNode, parent: Option<CodeId>) -> Result<CodeId> {
    rec.insert_new("code", |id| {
        Row::Code(CodeRec {
            id,
            guid: code.guid.clone(),
            parent_id: parent,
            name: code.name.clone(),
            color: code.color.clone(),
            description: code.description.clone(),
            inclusion: code.inclusion.clone(),
            exclusion: code.exclusion.clone(),
            example: code.example.clone(),
            status: code.status.as_str().to_owned(),
            position: code.position,
            created_at: now_utc(),
        })
    })
}

fn merge_codings(
    rec: &mut Recorder<'_>,
    source: &Source,
    report: &mut MergeReport,
    created: &mut Created,
    maps: &mut Maps,
) -> Result<()> {
    let mut coder_ids: HashMap<String, i64> = HashMap::new();
    let code_paths: HashMap<CodeId, &str> = source.codes.iter().map(|c| (c.id, c.path.as_str())).collect();
    let conn = rec.conn();
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
        let realign = maps.realign.get(&row.document_id);
        let their_length = realign.map_or(length, |r| r.theirs.len());
        if row.end > their_length || row.start >= row.end {
            report.codings_out_of_range.push(bad_span(source, row, &code_paths, their_length));
            continue;
        }
        let (start, end) = match realign {
            None => (row.start, row.end),
            Some(r) => {
                let (start, end) = r.map(row.start, row.end);
                let (old_text, new_text) = (r.their_text(row.start, row.end), r.our_text(start, end));
                if old_text != new_text {
                    let changed = ChangedCoding {
                        document: source.documents.get(&row.document_id).map(|d| d.name.clone()).unwrap_or_default(),
                        code: code_paths.get(&row.code_id).map(|p| p.to_string()).unwrap_or_default(),
                        coder: row.coder.clone(),
                        old_text,
                        new_text,
                    };
                    if start >= end {
                        report.dropped_codings.push(changed);
                        continue;
                    }
                    report.changed_codings.push(changed);
                }
                report.realigned_codings += 1;
                (start, end)
            }
        };
        let coder = coder_id(rec, &row.coder, &mut coder_ids, created)?;
        let span = params![doc, code, coder, start as i64, end as i64];
        if let Some(ours) = by_span.query_row(span, |r| r.get(0)).optional()? {
            maps.codings.insert(row.id, ours);
            report.codings_already_present += 1;
            continue;
        }
        let ours = rec.insert_new("coding", |id| {
            Row::Coding(CodingRec {
                id,
                guid: row.guid.clone(),
                document_id: doc,
                code_id: code,
                coder_id: coder,
                start: start as i64,
                end: end as i64,
                created_at: row.created_at.clone(),
            })
        })?;
        maps.codings.insert(row.id, ours);
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

fn coder_id(
    rec: &mut Recorder<'_>,
    name: &str,
    cache: &mut HashMap<String, i64>,
    created: &mut Created,
) -> Result<i64> {
    if let Some(&id) = cache.get(name) {
        return Ok(id);
    }
    if name.trim().is_empty() {
        return Err(Error::invalid("the other project has a coding without a coder name; nothing was merged"));
    }
    if coders::find(rec.conn(), name)?.is_none() {
        created.coders.push(name.to_owned());
    }
    let id = rec.coder_named(name)?;
    cache.insert(name.to_owned(), id);
    Ok(id)
}

fn merge_memo(
    rec: &mut Recorder<'_>,
    source: &Source,
    memo: &SourceMemo,
    maps: &Maps,
    report: &mut MergeReport,
    created: &mut Created,
) -> Result<()> {
    let exists = rec.conn().prepare_cached("SELECT 1 FROM memo WHERE guid = ?1")?.exists([&memo.guid])?;
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
            Some(label) => Some(Some(rec.participant_labelled(label)?)),
            None => None,
        },
        _ => None,
    };
    let Some(target_id) = target else {
        report.memos_without_target += 1;
        return Ok(());
    };
    rec.insert_new("memo", |id| {
        Row::Memo(MemoRec {
            id,
            guid: memo.guid.clone(),
            target_kind: memo.target_kind.clone(),
            target_id,
            title: memo.title.clone(),
            body: memo.body.clone(),
            author: memo.author.clone(),
            created_at: memo.created_at.clone(),
            updated_at: memo.updated_at.clone(),
        })
    })?;
    created.memos.push(memo.guid.clone());
    report.memos_added += 1;
    Ok(())
}

fn merge_comments(
    rec: &mut Recorder<'_>,
    source: &Source,
    maps: &Maps,
    report: &mut MergeReport,
    created: &mut Created,
) -> Result<()> {
    let conn = rec.conn();
    let mut exists = conn
        .prepare("SELECT 1 FROM code_comment WHERE code_id = ?1 AND author = ?2 AND created_at = ?3 AND body = ?4")?;
    for comment in &source.comments {
        let Some(&code) = maps.codes.get(&comment.code_id) else { continue };
        if exists.exists(params![code, comment.author, comment.created_at, comment.body])? {
            continue;
        }
        let id = rec.insert_new("code_comment", |id| {
            Row::Comment(CommentRec {
                id,
                code_id: code,
                author: comment.author.clone(),
                created_at: comment.created_at.clone(),
                body: comment.body.clone(),
            })
        })?;
        created.comments.push(id);
        report.comments_added += 1;
    }
    Ok(())
}
