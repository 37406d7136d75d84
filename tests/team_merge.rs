//! `fieldcode merge` through the real binary: a lead's project, two coders' copies, codes by GUID
//! then path, codings under their coder, conflicts reported, nothing merged twice, dry runs and
//! bad input changing nothing.

use std::path::{Path, PathBuf};

use crate::team_support::{code, coding, project_with};
use crate::util::{Scratch, fieldcode, s};
use fieldcode::Project;

const NOTE: &str = "The link worker phoned the surgery twice before anyone picked up the referral.";
const VISIT: &str = "Home visit: Mrs K showed me the leaflet from the walking group and said she was nervous.";
const EXTRA: &str = "A document only Ben imported.";

/// The lead's project (two documents, one code) and copies for Ana and Ben.
fn team(scratch: &Scratch) -> (PathBuf, PathBuf, PathBuf) {
    let lead = scratch.path("lead.fieldcode");
    let project = project_with(Some(&lead), &[("note", NOTE), ("visit", VISIT)]);
    code(&project, "Access/Phone");
    drop(project);
    let (ana, ben) = (scratch.path("ana.fieldcode"), scratch.path("ben.fieldcode"));
    std::fs::copy(&lead, &ana).unwrap();
    std::fs::copy(&lead, &ben).unwrap();
    (lead, ana, ben)
}

/// Writes a memo (guid, title, body, author) on the code at `path`, straight into the file as a
/// team member's copy would hold it.
fn code_memo(p: &Project, path: &str, memo: (&str, &str, &str, &str)) {
    memo_on(p, "code", code(p, path), memo);
}

/// Writes a memo (guid, title, body, author) on a target of `kind` (code, participant, …).
fn memo_on(p: &Project, kind: &str, target: i64, (guid, title, body, author): (&str, &str, &str, &str)) {
    let row = |id| {
        fieldcode::coding::rows::Row::Memo(fieldcode::coding::rows::MemoRec {
            id,
            guid: guid.into(),
            target_kind: kind.into(),
            target_id: Some(target),
            title: title.into(),
            body: body.into(),
            author: author.into(),
            created_at: "now".into(),
            updated_at: "now".into(),
        })
    };
    fieldcode::coding::Recorder::unrecorded(p.conn()).insert_new("memo", row).unwrap();
}

fn count(path: &Path, sql: &str) -> i64 {
    Project::open(path).unwrap().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn merging_two_coders_copies_brings_codings_in_under_their_coder() {
    let scratch = Scratch::new();
    let (lead, ana, ben) = team(&scratch);
    {
        let p = Project::open(&ana).unwrap();
        coding(&p, "note", "Access/Phone", "Ana", 4, 30);
        coding(&p, "visit", "Access/Phone", "Ana", 0, 10);
        coding(&p, "visit", "Support/Walking group", "Ana", 37, 50);
    }
    {
        let p = Project::open(&ben).unwrap();
        coding(&p, "note", "Access/Phone", "Ben", 16, 30);
        coding(&p, "visit", "Support/Walking group", "Ben", 37, 60);
        code_memo(&p, "Access/Phone", ("memo-1", "Scope", "Phone includes text messages.", "Ben"));
    }
    fieldcode(&["comment", s(&ben), "Access/Phone", "Texts count too."]).ok();

    let first = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(first["codings_added"], 3);
    assert_eq!(first["documents_matched"], 2);
    assert_eq!(first["codes_matched"], 2, "Access and Access/Phone, by GUID");
    assert_eq!(first["codes_created"], serde_json::json!(["Support", "Support/Walking group"]));
    assert_eq!(first["coders_created"], serde_json::json!(["Ana"]));

    let second = fieldcode(&["merge", s(&lead), s(&ben), "--json"]).ok().json();
    assert_eq!(second["codings_added"], 2);
    assert_eq!(second["codes_created"], serde_json::json!([]), "Ben's Support codes match Ana's by path");
    assert_eq!(second["codes_matched"], 4);
    assert_eq!(second["memos_added"], 1);
    assert_eq!(second["comments_added"], 1);
    assert_eq!(second["previous_merges"], 1, "all copies share the lead's project GUID");

    assert_eq!(count(&lead, "SELECT count(*) FROM coding"), 5);
    assert_eq!(count(&lead, "SELECT count(*) FROM code WHERE name = 'Walking group'"), 1);
    assert_eq!(count(&lead, "SELECT count(*) FROM merge_source"), 2);
    let memo_target = count(&lead, "SELECT target_id FROM memo WHERE guid = 'memo-1'");
    assert_eq!(memo_target, count(&lead, "SELECT id FROM code WHERE name = 'Phone'"));
    let thread = fieldcode(&["comments", s(&lead), "Access/Phone", "--json"]).ok().json();
    assert_eq!(thread[0]["body"], "Texts count too.");

    let agreement = fieldcode(&["agreement", s(&lead), "--coders", "Ana,Ben", "--format", "json"]).ok().json();
    assert_eq!(agreement["documents"], 2);
    let disagreements = fieldcode(&["disagreements", s(&lead), "--coders", "Ana,Ben", "--json"]).ok().json();
    assert!(!disagreements.as_array().unwrap().is_empty());
}

#[test]
fn merging_again_adds_nothing() {
    let scratch = Scratch::new();
    let (lead, ana, _) = team(&scratch);
    coding(&Project::open(&ana).unwrap(), "note", "Access/Phone", "Ana", 0, 12);
    fieldcode(&["comment", s(&ana), "Access/Phone", "Is voicemail phone?"]).ok();
    fieldcode(&["merge", s(&lead), s(&ana)]).ok();
    let again = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(again["codings_added"], 0);
    assert_eq!(again["codings_already_present"], 1);
    assert_eq!(again["comments_added"], 0);
    assert_eq!(again["codes_created"], serde_json::json!([]));
    assert_eq!(count(&lead, "SELECT count(*) FROM coding"), 1);
    assert_eq!(count(&lead, "SELECT count(*) FROM code_comment"), 1);
    let text = fieldcode(&["merge", s(&lead), s(&ana)]).ok().stdout;
    assert!(text.contains("merged in 2 time(s) before"), "{text}");
}

#[test]
fn conflicts_are_reported_and_ours_are_kept() {
    let scratch = Scratch::new();
    let (lead, _, ben) = team(&scratch);
    {
        let p = Project::open(&ben).unwrap();
        let parsed =
            fieldcode::import::parse_bytes("extra", fieldcode::import::Format::Text, EXTRA.as_bytes()).unwrap();
        let mut p2 = p;
        fieldcode::import::run::store_parsed(&mut p2, &parsed, None, &Default::default()).unwrap();
        coding(&p2, "extra", "Access/Phone", "Ben", 0, 5);
        coding(&p2, "note", "Access/Phone", "Ben", 0, 5);
        // A coding past the end of the text, as a damaged file or another tool might hold: the
        // write path refuses to make one, so it is put in by hand.
        let len = NOTE.chars().count() as i64;
        coding(&p2, "note", "Access/Phone", "Ben", 70, len as usize);
        let sql = "UPDATE coding_row SET \"end\" = ?1 + 9 WHERE start = 70 AND \"end\" = ?1";
        assert_eq!(p2.conn().execute(sql, [len]).unwrap(), 1);
        p2.conn().execute("UPDATE code SET name = 'Telephone' WHERE name = 'Phone'", []).unwrap();
    }
    let run = fieldcode(&["merge", s(&lead), s(&ben)]).ok();
    assert!(run.stdout.contains("is \"Access/Phone\" here and \"Access/Telephone\" there"), "{}", run.stdout);
    assert!(
        run.stdout.contains("document \"extra\" is not in this project; its 1 codings were skipped"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("lies outside \"note\""), "{}", run.stdout);
    let json = fieldcode(&["merge", s(&lead), s(&ben), "--json", "--dry-run"]).ok().json();
    assert_eq!(json["code_conflicts"][0]["here"], "Access/Phone");
    assert_eq!(json["documents_missing"][0]["name"], "extra");
    assert_eq!(json["codings_out_of_range"][0]["length"], NOTE.chars().count());
    assert_eq!(count(&lead, "SELECT count(*) FROM code WHERE name = 'Telephone'"), 0, "our name is kept");
    assert_eq!(count(&lead, "SELECT count(*) FROM coding"), 1, "the note coding came in under our Phone");
}

#[test]
fn a_dry_run_changes_nothing() {
    let scratch = Scratch::new();
    let (lead, ana, _) = team(&scratch);
    coding(&Project::open(&ana).unwrap(), "note", "New/Code", "Ana", 0, 12);
    let json = fieldcode(&["merge", s(&lead), s(&ana), "--dry-run", "--json"]).ok().json();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["codings_added"], 1);
    assert_eq!(count(&lead, "SELECT count(*) FROM coding"), 0);
    assert_eq!(count(&lead, "SELECT count(*) FROM code"), 2, "only Access and Access/Phone");
    assert_eq!(count(&lead, "SELECT count(*) FROM merge_source"), 0);
    let text = fieldcode(&["merge", s(&lead), s(&ana), "--dry-run"]).ok().stdout;
    assert!(text.starts_with("Would merge"), "{text}");
}

#[test]
fn bad_sources_are_refused_and_change_nothing() {
    let scratch = Scratch::new();
    let (lead, _, _) = team(&scratch);
    let before = count(&lead, "SELECT count(*) FROM code");
    let run = fieldcode(&["merge", s(&lead), s(&lead)]).fails();
    assert!(run.stderr.contains("this project itself"), "{}", run.stderr);
    let run = fieldcode(&["merge", s(&lead), s(&scratch.path("nope.fieldcode"))]).fails();
    assert!(run.stderr.contains("no such file"), "{}", run.stderr);
    let junk = scratch.write("junk.fieldcode", "not a database at all, just text");
    let run = fieldcode(&["merge", s(&lead), s(&junk)]).fails();
    assert!(run.stderr.contains("not a Fieldcode project"), "{}", run.stderr);
    assert_eq!(count(&lead, "SELECT count(*) FROM code"), before);
    assert_eq!(count(&lead, "SELECT count(*) FROM merge_source"), 0);
}

#[test]
fn a_merge_undoes_and_redoes_as_one_step() {
    let scratch = Scratch::new();
    let (lead, ana, _) = team(&scratch);
    {
        let p = Project::open(&ana).unwrap();
        coding(&p, "note", "Access/Phone", "Ana", 0, 12);
        coding(&p, "visit", "Support/Walking group", "Ana", 37, 50);
        code_memo(&p, "Access/Phone", ("memo-a", "", "Calls only.", "Ana"));
    }
    fieldcode(&["comment", s(&ana), "Support", "New theme from the visits."]).ok();
    let json = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert!(json["history_id"].is_i64(), "{json}");
    let all = "SELECT (SELECT count(*) FROM coding) + (SELECT count(*) FROM code) + (SELECT count(*) FROM memo) \
               + (SELECT count(*) FROM code_comment)";
    assert_eq!(count(&lead, all), 2 + 4 + 1 + 1);
    let history = fieldcode(&["history", s(&lead), "--json"]).ok().json();
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "merge-project");

    let undo = fieldcode(&["undo", s(&lead)]).ok().stdout;
    assert!(undo.contains("merged") && undo.contains("2 codings"), "{undo}");
    assert_eq!(count(&lead, all), 2, "only the lead's own Access and Access/Phone remain");
    fieldcode(&["redo", s(&lead)]).ok();
    assert_eq!(count(&lead, all), 8);
    let memo_target = count(&lead, "SELECT target_id FROM memo WHERE guid = 'memo-a'");
    assert_eq!(memo_target, count(&lead, "SELECT id FROM code WHERE name = 'Phone'"), "redo restores the same ids");

    fieldcode(&["undo", s(&lead)]).ok();
    let again = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(again["codings_added"], 2, "after undo the merge can be made again");
    let nothing = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert!(nothing["history_id"].is_null(), "a merge that adds nothing is not a history entry");
}

#[test]
fn the_other_project_is_only_read_even_when_it_is_an_older_version() {
    let scratch = Scratch::new();
    let (lead, _, _) = team(&scratch);
    let old = scratch.path("old-copy.fieldcode");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.fieldcode"), &old).unwrap();
    let before = std::fs::read(&old).unwrap();
    fieldcode(&["merge", s(&lead), s(&old)]).ok();
    assert_eq!(std::fs::read(&old).unwrap(), before, "the team member's file is not upgraded or touched");
    assert!(!scratch.path("old-copy.fieldcode-wal").exists());
}

/// Sets a document's (by name) or a participant's (by label) attribute in a project file.
fn set_value(path: &Path, owner: &str, name: &str, value: &str) {
    use fieldcode::model::AttributeScope;
    let p = Project::open(path).unwrap();
    let mut rec = fieldcode::coding::Recorder::unrecorded(p.conn());
    match fieldcode::store::documents::id_by_name(p.conn(), owner) {
        Ok(doc) => rec.set_value(AttributeScope::Document, doc, name, Some(value)).unwrap(),
        Err(_) => {
            let person = rec.participant_labelled(owner).unwrap();
            rec.set_value(AttributeScope::Participant, person, name, Some(value)).unwrap()
        }
    };
}

#[test]
fn attribute_values_come_across_conflicts_keep_ours_and_undo_takes_them_back() {
    let scratch = Scratch::new();
    let (lead, ana, _) = team(&scratch);
    set_value(&lead, "LW1", "role", "link worker");
    set_value(&lead, "note", "site", "GP surgery");
    set_value(&lead, "visit", "site", "office");
    std::fs::copy(&lead, &ana).unwrap();
    set_value(&ana, "visit", "site", "client home");
    set_value(&ana, "note", "provider", "Northfield");
    set_value(&ana, "LW1", "team", "north");
    set_value(&ana, "Zed", "role", "team leader");
    let values = "SELECT (SELECT count(*) FROM document_attribute) + (SELECT count(*) FROM participant_attribute)";

    let json = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(json["attribute_values_added"], 2, "{json}");
    assert_eq!(json["attribute_values_already_present"], 2, "note's site and LW1's role: {json}");
    assert_eq!(json["attribute_values_without_owner"], 1, "Zed is only in Ana's copy");
    let conflict = serde_json::json!([
        {"scope": "document", "owner": "visit", "attribute": "site", "here": "office", "there": "client home"}
    ]);
    assert_eq!(json["attribute_conflicts"], conflict);
    assert_eq!(count(&lead, values), 3 + 2);
    assert_eq!(count(&lead, "SELECT count(*) FROM attribute WHERE name IN ('provider', 'team')"), 2);
    let kept = "SELECT count(*) FROM document_attribute WHERE value = 'office'";
    assert_eq!(count(&lead, kept), 1, "ours is kept");

    let human = fieldcode(&["merge", s(&lead), s(&ana), "--dry-run"]).ok().stdout;
    assert!(human.contains("conflict: site of document \"visit\""), "{human}");

    fieldcode(&["undo", s(&lead)]).ok();
    assert_eq!(count(&lead, values), 3, "undo removes the merged values");
    assert_eq!(count(&lead, "SELECT count(*) FROM attribute WHERE name IN ('provider', 'team')"), 0);
    fieldcode(&["redo", s(&lead)]).ok();
    assert_eq!(count(&lead, values), 5);
    let again = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(again["attribute_values_added"], 0);
    assert!(again["history_id"].is_null(), "nothing new: {again}");
}

#[test]
fn undoing_a_merge_removes_the_coders_and_participants_it_created() {
    let scratch = Scratch::new();
    let (lead, ana, _) = team(&scratch);
    {
        let p = Project::open(&ana).unwrap();
        coding(&p, "note", "Access/Phone", "Ana", 0, 12);
        let zoe = fieldcode::store::participants::id_for_label(p.conn(), "Zoe").unwrap();
        memo_on(&p, "participant", zoe, ("memo-z", "", "Joined in March.", "Ana"));
    }
    let people = "SELECT (SELECT count(*) FROM coder WHERE name = 'Ana') + (SELECT count(*) FROM participant WHERE label = 'Zoe')";
    let json = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(json["coders_created"], serde_json::json!(["Ana"]));
    assert_eq!(json["memos_added"], 1);
    assert_eq!(count(&lead, people), 2);
    fieldcode(&["undo", s(&lead)]).ok();
    assert_eq!(count(&lead, people), 0, "the coder and participant the merge made are gone");
    fieldcode(&["redo", s(&lead)]).ok();
    assert_eq!(count(&lead, people), 2);
    let target = count(&lead, "SELECT target_id FROM memo WHERE guid = 'memo-z'");
    assert_eq!(target, count(&lead, "SELECT id FROM participant WHERE label = 'Zoe'"), "redo restores the same ids");
}
