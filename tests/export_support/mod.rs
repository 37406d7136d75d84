//! Test helpers for export and REFI-QDA tests: seeding codes, codings and memos with exact
//! fields through the library's recorder (unrecorded, like an import), a snapshot, dumping a
//! project for comparison, and validating XML against the REFI schemas with xmllint.

use std::path::Path;
use std::process::Command;

use fieldcode::Project;
use fieldcode::coding::Recorder;
use fieldcode::coding::rows::{CodeRec, CodingRec, MemoRec, Row};
use fieldcode::store::documents;
use serde_json::{Value, json};

pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/refi/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Validates `xml` against a schema in tests/fixtures/refi with xmllint.
pub fn assert_valid(xml: &Path, schema: &str) {
    let output = Command::new("xmllint").args(["--noout", "--schema", &fixture(schema)]).arg(xml).output();
    let output = match output {
        Ok(o) => o,
        Err(e) => panic!(
            "xmllint is needed to validate REFI-QDA output ({e}); install it with `apt-get install libxml2-utils`"
        ),
    };
    assert!(
        output.status.success(),
        "{} does not validate against {schema}:\n{}",
        xml.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn insert_code(p: &Project, parent: Option<i64>, name: &str, color: &str, description: &str) -> i64 {
    let row = |id| {
        Row::Code(CodeRec {
            id,
            guid: uuid::Uuid::new_v4().to_string(),
            parent_id: parent,
            name: name.into(),
            color: color.into(),
            description: description.into(),
            inclusion: if parent.is_some() { format!("{name} is talked about") } else { String::new() },
            exclusion: String::new(),
            example: if parent.is_some() { "\"an example\"\n\nsecond paragraph".into() } else { String::new() },
            status: if parent.is_some() { "agreed" } else { "proposed" }.into(),
            position: 0,
            created_at: "2024-05-01T10:00:00.000Z".into(),
        })
    };
    Recorder::unrecorded(p.conn()).insert_new("code", row).unwrap()
}

pub fn coder(p: &Project, name: &str) -> i64 {
    Recorder::unrecorded(p.conn()).coder_named(name).unwrap()
}

/// Codes `needle`'s first occurrence in `doc`; returns the coding id.
pub fn code_text(p: &Project, doc: &str, needle: &str, code: i64, coder: i64, at: &str) -> i64 {
    let id = documents::id_by_name(p.conn(), doc).unwrap();
    let text = documents::text(p.conn(), id).unwrap();
    let byte = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {doc}"));
    let start = text[..byte].chars().count() as i64;
    let end = start + needle.chars().count() as i64;
    let guid = uuid::Uuid::new_v4().to_string();
    let document_id = id;
    let row = |id| {
        Row::Coding(CodingRec {
            id,
            guid,
            document_id,
            code_id: code,
            coder_id: coder,
            start,
            end,
            created_at: at.into(),
        })
    };
    Recorder::unrecorded(p.conn()).insert_new("coding", row).unwrap()
}

pub fn memo(p: &Project, kind: &str, target: Option<i64>, title: &str, body: &str, author: &str) {
    let row = |id| {
        Row::Memo(MemoRec {
            id,
            guid: uuid::Uuid::new_v4().to_string(),
            target_kind: kind.into(),
            target_id: target,
            title: title.into(),
            body: body.into(),
            author: author.into(),
            created_at: "2024-05-02T09:00:00.000Z".into(),
            updated_at: "2024-05-03T09:00:00.000Z".into(),
        })
    };
    Recorder::unrecorded(p.conn()).insert_new("memo", row).unwrap();
}

/// Seeds the demo study with a codebook, codings by two coders, memos on every kind of target
/// and a snapshot. Returns nothing; the project is closed when this returns.
pub fn seed_demo(path: &Path) {
    let p = Project::open(path).unwrap();
    let access = insert_code(&p, None, "Access", "#1f77b4", "Getting to and through the service");
    let waiting = insert_code(&p, Some(access), "Waiting", "#aec7e8", "Delays & <queues>");
    let routes = insert_code(&p, Some(access), "Referral routes", "#ff7f0e", "");
    let rel = insert_code(&p, None, "Relationships", "#2ca02c", "");
    let trust = insert_code(&p, Some(rel), "Trust", "#98df8a", "Clients trusting link workers");
    let alice = coder(&p, "alice");
    let bob = coder(&p, "bob");
    coder(&p, "carol (no codings yet)");
    p.conn()
        .execute("INSERT INTO snapshot (name, created_at, codebook) VALUES ('after meeting 1', '2024-05-01T12:00:00.000Z', '{}')", [])
        .unwrap();
    let c1 = code_text(
        &p,
        "FG1-northfield",
        "Link worker, four years, give or take.",
        trust,
        alice,
        "2024-05-01T11:00:00.000Z",
    );
    code_text(&p, "FG1-northfield", "Link worker, four years, give or take.", waiting, bob, "2024-05-02T11:00:00.000Z");
    code_text(&p, "FG1-northfield", "I’m the baby. [laughs]", routes, alice, "2024-05-02T11:05:00.000Z");
    let fg1 = documents::id_by_name(p.conn(), "FG1-northfield").unwrap();
    let docs = documents::list(p.conn()).unwrap();
    for (i, doc) in docs.iter().enumerate().take(12) {
        let text = documents::text(p.conn(), doc.id).unwrap();
        let words: String = text.chars().skip(10 + i).take(40).collect();
        code_text(
            &p,
            &doc.name,
            &words,
            if i % 2 == 0 { waiting } else { trust },
            if i % 3 == 0 { bob } else { alice },
            "2024-05-03T08:00:00.000Z",
        );
    }
    let lw01 = fieldcode::store::participants::find(p.conn(), "LW01").unwrap().unwrap();
    memo(&p, "coding", Some(c1), "Why trust?", "She *frames* experience as credibility.", "alice");
    memo(&p, "code", Some(waiting), "Scope", "Includes GP waits.", "bob");
    memo(&p, "document", Some(fg1), "Context", "Recorded in the staff room.", "dana (supervisor)");
    memo(&p, "participant", Some(lw01), "LW01", "Longest in post.", "alice");
    memo(&p, "project", None, "Aims", "Understand referral work.\n\nSecond para.", "alice");
}

/// Everything the round trip must preserve, in a comparable form.
pub fn dump(path: &Path) -> Value {
    let p = Project::open(path).unwrap();
    let c = p.conn();
    let q = |sql: &str| -> Vec<Value> {
        let mut stmt = c.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok(Value::Array(
                    (0..n)
                        .map(|i| match r.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Integer(v) => json!(v),
                            rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                            rusqlite::types::ValueRef::Null => Value::Null,
                            _ => json!("?"),
                        })
                        .collect(),
                ))
            })
            .unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let codes: Vec<Value> = fieldcode::store::codes::list(c)
        .unwrap()
        .into_iter()
        .map(|k| {
            json!([k.path, k.guid, k.color, k.description, k.inclusion, k.exclusion, k.example, k.status, k.codings])
        })
        .collect();
    json!({
        "documents": q("SELECT guid, name, kind, text, sha256 FROM document ORDER BY name"),
        "turns": q("SELECT d.name, p.label, t.start, t.\"end\", t.time_ms FROM turn t JOIN document d ON d.id = t.document_id LEFT JOIN participant p ON p.id = t.participant_id ORDER BY d.name, t.start"),
        "document_attributes": q("SELECT d.name, a.name, v.value FROM document_attribute v JOIN document d ON d.id = v.document_id JOIN attribute a ON a.id = v.attribute_id ORDER BY 1, 2"),
        "participants": q("SELECT guid, label FROM participant ORDER BY label"),
        "participant_attributes": q("SELECT p.label, a.name, v.value FROM participant_attribute v JOIN participant p ON p.id = v.participant_id JOIN attribute a ON a.id = v.attribute_id ORDER BY 1, 2"),
        "codes": codes,
        "coders": q("SELECT guid, name FROM coder ORDER BY name"),
        "codings": q("SELECT g.guid, d.name, k.name, g.start, g.\"end\", g.created_at, g.code_id IS NOT NULL FROM coding g JOIN document d ON d.id = g.document_id JOIN coder k ON k.id = g.coder_id ORDER BY g.guid"),
        "coding_codes": q("SELECT g.guid, c.guid FROM coding g JOIN code c ON c.id = g.code_id ORDER BY g.guid"),
        "memos": q("SELECT m.guid, m.target_kind, coalesce(d.guid, p.guid, c.guid, g.guid), m.title, m.body, m.author, m.created_at, m.updated_at FROM memo m
                    LEFT JOIN document d ON m.target_kind = 'document' AND d.id = m.target_id
                    LEFT JOIN participant p ON m.target_kind = 'participant' AND p.id = m.target_id
                    LEFT JOIN code c ON m.target_kind = 'code' AND c.id = m.target_id
                    LEFT JOIN coding g ON m.target_kind = 'coding' AND g.id = m.target_id ORDER BY m.guid"),
    })
}
