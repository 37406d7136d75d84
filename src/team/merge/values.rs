//! Merging attribute values: a team member's document and participant attributes (site, role,
//! …) come across where this project has no value; a different value is reported as a conflict
//! and ours is kept. New attribute names and values are row images in the merge's history entry,
//! so undo takes them back with the rest of the merge.

use std::collections::HashMap;

use rusqlite::Connection;

use super::apply::Maps;
use super::report::{AttributeConflict, MergeReport};
use super::source::{Source, SourceValue};
use crate::coding::Recorder;
use crate::coding::rows::AttributeValueRec;
use crate::error::Result;
use crate::model::AttributeScope;
use crate::store::participants;

/// Adds the attribute values this project lacks, for documents and participants it has; a value
/// that differs is reported and ours is kept.
pub(super) fn merge_values(
    rec: &mut Recorder<'_>,
    source: &Source,
    maps: &Maps,
    report: &mut MergeReport,
) -> Result<()> {
    let mut attribute_ids: HashMap<(AttributeScope, String), i64> = HashMap::new();
    for theirs in &source.values {
        let Some((owner_id, owner)) = value_owner(rec.conn(), source, theirs, maps)? else {
            report.attribute_values_without_owner += 1;
            continue;
        };
        let key = (theirs.scope, theirs.name.clone());
        let attribute_id = match attribute_ids.get(&key) {
            Some(&id) => id,
            None => *attribute_ids.entry(key).or_insert(rec.attribute(&theirs.name, theirs.scope)?),
        };
        let scope = theirs.scope.as_str().to_owned();
        let row = AttributeValueRec { scope: scope.clone(), owner_id, attribute_id, value: theirs.value.clone() };
        match row.current(rec.conn())? {
            None => {
                rec.set_value(theirs.scope, owner_id, &theirs.name, Some(&theirs.value))?;
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
