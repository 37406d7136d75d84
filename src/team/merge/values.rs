//! Merging attribute values: a team member's document and participant attributes (site, role,
//! …) come across where this project has no value; a different value is reported as a conflict
//! and ours is kept. New attribute names and values are row images in the merge's history entry,
//! so undo takes them back with the rest of the merge.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::apply::{Created, Maps};
use super::report::{AttributeConflict, MergeReport};
use super::source::{Source, SourceValue};
use crate::coding::rows::{AttributeRec, AttributeValueRec, Change, Row};
use crate::error::Result;
use crate::model::AttributeScope;
use crate::store::participants;

/// Adds the attribute values this project lacks, for documents and participants it has; a value
/// that differs is reported and ours is kept.
pub(super) fn merge_values(
    conn: &Connection,
    source: &Source,
    maps: &Maps,
    report: &mut MergeReport,
    created: &mut Created,
) -> Result<()> {
    let mut attribute_ids: HashMap<(AttributeScope, String), i64> = HashMap::new();
    for theirs in &source.values {
        let Some((owner_id, owner)) = value_owner(conn, source, theirs, maps)? else {
            report.attribute_values_without_owner += 1;
            continue;
        };
        let attribute_id = attribute_id(conn, theirs, &mut attribute_ids, created)?;
        let scope = theirs.scope.as_str().to_owned();
        let row = AttributeValueRec { scope: scope.clone(), owner_id, attribute_id, value: theirs.value.clone() };
        match row.current(conn)? {
            None => {
                row.insert(conn)?;
                created.changes.push(Change { before: None, after: Some(Row::Value(row)) });
                report.attribute_values_added += 1;
            }
            Some(ours) if ours.value == theirs.value => report.attribute_values_already_present += 1,
            Some(ours) => report.attribute_conflicts.push(AttributeConflict {
                scope,
                owner,
                attribute: theirs.name.clone(),
                here: ours.value,
                there: theirs.value.clone(),
            }),
        }
    }
    Ok(())
}

/// The id here and the name (document) or label (participant) of a value's owner, if this
/// project has it: documents match by text, participants by label.
fn value_owner(conn: &Connection, source: &Source, value: &SourceValue, maps: &Maps) -> Result<Option<(i64, String)>> {
    Ok(match value.scope {
        AttributeScope::Document => maps
            .documents
            .get(&value.owner_id)
            .and_then(|&(id, _)| source.documents.get(&value.owner_id).map(|doc| (id, doc.name.clone()))),
        AttributeScope::Participant => match source.participants.get(&value.owner_id) {
            Some(label) => participants::find(conn, label)?.map(|id| (id, label.clone())),
            None => None,
        },
    })
}

/// The id of a value's attribute here, created (and recorded) if new.
fn attribute_id(
    conn: &Connection,
    value: &SourceValue,
    cache: &mut HashMap<(AttributeScope, String), i64>,
    created: &mut Created,
) -> Result<i64> {
    let key = (value.scope, value.name.clone());
    if let Some(&id) = cache.get(&key) {
        return Ok(id);
    }
    let scope = value.scope.as_str();
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM attribute WHERE name = ?1 AND scope = ?2")?
        .query_row([&value.name, scope], |r| r.get(0))
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => created.insert(conn, "attribute", |id| {
            Row::Attribute(AttributeRec { id, name: value.name.clone(), scope: scope.to_owned() })
        })?,
    };
    cache.insert(key, id);
    Ok(id)
}
