//! The compact form of a command's row changes in a history payload.
//!
//! A bulk coding command (an autocode run, 100,000 spans added at once) inserts long runs of
//! codings with consecutive ids. Stored as one JSON object per row image, such a run costs about
//! 200 bytes a coding; stored column-wise (the first id, then one array per column, and a single
//! value for a column that is the same in every row) it costs about a quarter of that. Every
//! other change keeps the plain `{"before": ..., "after": ...}` form, and payloads written
//! before this form existed (a list of plain changes) read back unchanged: the two forms are
//! told apart by their fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::rows::{Change, CodingRec, Row};

/// Runs shorter than this are stored as plain changes.
const MIN_RUN: usize = 2;

/// A column: one value shared by every row of the run, or one value per row.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Col<T> {
    Same(T),
    Each(Vec<T>),
}

impl<T: Clone + PartialEq> Col<T> {
    fn of(values: Vec<T>) -> Col<T> {
        match values.first() {
            Some(first) if values.iter().all(|v| v == first) => Col::Same(first.clone()),
            _ => Col::Each(values),
        }
    }

    fn get(&self, i: usize) -> Option<&T> {
        match self {
            Col::Same(v) => Some(v),
            Col::Each(vs) => vs.get(i),
        }
    }
}

/// Inserted codings with ids `codings_from`, `codings_from + 1`, ... in column form.
#[derive(Serialize, Deserialize)]
struct CodingRun<S> {
    codings_from: i64,
    guid: Vec<S>,
    document_id: Col<i64>,
    code_id: Col<i64>,
    coder_id: Col<i64>,
    start: Vec<i64>,
    end: Vec<i64>,
    created_at: Col<S>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ItemRef<'a> {
    Codings(CodingRun<&'a str>),
    One(&'a Change),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Item {
    Codings(CodingRun<String>),
    One(Box<Change>),
}

/// The coding a change inserts, if it is a plain insert of a coding.
fn inserted_coding(change: &Change) -> Option<&CodingRec> {
    match change {
        Change { before: None, after: Some(Row::Coding(c)) } => Some(c),
        _ => None,
    }
}

/// How many changes from the start of `changes` insert codings with consecutive ids.
fn run_length(changes: &[Change]) -> usize {
    let Some(first) = changes.first().and_then(inserted_coding) else { return 0 };
    changes
        .iter()
        .enumerate()
        .take_while(|(i, c)| inserted_coding(c).is_some_and(|c| c.id == first.id + *i as i64))
        .count()
}

fn run_of<'a>(codings: &[&'a CodingRec]) -> CodingRun<&'a str> {
    CodingRun {
        codings_from: codings[0].id,
        guid: codings.iter().map(|c| c.guid.as_str()).collect(),
        document_id: Col::of(codings.iter().map(|c| c.document_id).collect()),
        code_id: Col::of(codings.iter().map(|c| c.code_id).collect()),
        coder_id: Col::of(codings.iter().map(|c| c.coder_id).collect()),
        start: codings.iter().map(|c| c.start).collect(),
        end: codings.iter().map(|c| c.end).collect(),
        created_at: Col::of(codings.iter().map(|c| c.created_at.as_str()).collect()),
    }
}

/// Writes `changes` in compact form (a `serialize_with` function).
pub(crate) fn serialize<S: Serializer>(changes: &&[Change], serializer: S) -> Result<S::Ok, S::Error> {
    let mut items = Vec::new();
    let mut rest: &[Change] = changes;
    while let Some(first) = rest.first() {
        let n = run_length(rest);
        if n >= MIN_RUN {
            let codings: Vec<&CodingRec> = rest[..n].iter().filter_map(inserted_coding).collect();
            items.push(ItemRef::Codings(run_of(&codings)));
            rest = &rest[n..];
        } else {
            items.push(ItemRef::One(first));
            rest = &rest[1..];
        }
    }
    items.serialize(serializer)
}

/// Reads changes in compact or plain form (a `deserialize_with` function).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Change>, D::Error> {
    let mut changes = Vec::new();
    for item in Vec::<Item>::deserialize(deserializer)? {
        match item {
            Item::One(change) => changes.push(*change),
            Item::Codings(run) => expand(run, &mut changes).map_err(serde::de::Error::custom)?,
        }
    }
    Ok(changes)
}

fn expand(run: CodingRun<String>, changes: &mut Vec<Change>) -> Result<(), String> {
    let n = run.guid.len();
    if run.start.len() != n || run.end.len() != n {
        return Err(format!("a run of {n} codings has columns of different lengths"));
    }
    let short = || format!("a column of a run of {n} codings is too short");
    for (i, guid) in run.guid.into_iter().enumerate() {
        let coding = CodingRec {
            id: run.codings_from + i as i64,
            guid,
            document_id: *run.document_id.get(i).ok_or_else(short)?,
            code_id: *run.code_id.get(i).ok_or_else(short)?,
            coder_id: *run.coder_id.get(i).ok_or_else(short)?,
            start: run.start[i],
            end: run.end[i],
            created_at: run.created_at.get(i).ok_or_else(short)?.clone(),
        };
        changes.push(Change { before: None, after: Some(Row::Coding(coding)) });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Wrap<'a> {
        #[serde(serialize_with = "serialize", skip_deserializing)]
        changes: &'a [Change],
    }

    fn coding(id: i64, doc: i64) -> Change {
        Change {
            before: None,
            after: Some(Row::Coding(CodingRec {
                id,
                guid: format!("g{id}"),
                document_id: doc,
                code_id: 3,
                coder_id: 1,
                start: id,
                end: id + 5,
                created_at: "t".into(),
            })),
        }
    }

    fn round_trip(changes: &[Change]) -> (String, Vec<Change>) {
        let json = serde_json::to_string(&Wrap { changes }).expect("serialises");
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        let back = deserialize(&value["changes"]).expect("deserialises");
        (json, back)
    }

    #[test]
    fn runs_of_inserted_codings_round_trip_in_order_with_other_changes() {
        let mut changes: Vec<Change> = (10..20).map(|id| coding(id, id % 2)).collect();
        changes.push(Change { before: coding(30, 1).after, after: None });
        changes.extend((40..43).map(|id| coding(id, 1)));
        changes.push(coding(50, 1));
        let (json, back) = round_trip(&changes);
        assert_eq!(back, changes);
        assert_eq!(json.matches("codings_from").count(), 2, "{json}");
    }

    #[test]
    fn plain_payloads_written_before_the_compact_form_still_read() {
        let changes: Vec<Change> = (1..4).map(|id| coding(id, 1)).collect();
        let plain = serde_json::to_value(&changes).expect("json");
        assert_eq!(deserialize(&plain).expect("reads"), changes);
    }

    #[test]
    fn a_run_with_a_short_column_is_refused() {
        let bad = serde_json::json!([{
            "codings_from": 1, "guid": ["a", "b"], "document_id": [1], "code_id": 1, "coder_id": 1,
            "start": [0, 1], "end": [1, 2], "created_at": "t"
        }]);
        assert!(deserialize(&bad).is_err());
    }
}
