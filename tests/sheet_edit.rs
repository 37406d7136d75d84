//! The classification sheet's library side: renaming an attribute is one undoable command that
//! keeps every value with its owner and refuses an empty or taken name, and `fieldcode attributes
//! --export` writes the sheet in the format `fieldcode attributes` reads back.

use std::path::PathBuf;

use fieldcode::Project;
use fieldcode::coding::{self, Command};
use fieldcode::model::AttributeScope;

use crate::util::{Scratch, fieldcode, s};

const INTERVIEW: &str = "Interviewer: Where do you see clients?\n\
LW1: Wherever there is a room.\n\
Interviewer: And the GP?\n\
LW2: The GP refers, mostly by phone.\n";

/// A project with one interview and a participant sheet (LW9 never speaks).
fn study(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let a = scratch.write("interview.txt", INTERVIEW);
    fieldcode(&["import", s(&project), s(&a), "--attr", "site=GP surgery"]).ok();
    let sheet = scratch.write("people.csv", "participant,role,provider\nLW1,link worker,Northfield\nLW9,volunteer,\n");
    fieldcode(&["attributes", s(&project), s(&sheet)]).ok();
    project
}

fn participant_attributes(project: &Project) -> Vec<(String, String, String)> {
    let mut stmt = project
        .conn()
        .prepare(
            "SELECT p.label, a.name, v.value FROM participant_attribute v
             JOIN participant p ON p.id = v.participant_id JOIN attribute a ON a.id = v.attribute_id
             ORDER BY p.label, a.name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_owned(), b.to_owned(), c.to_owned())
}

fn rename(from: &str, to: &str) -> Command {
    Command::RenameAttribute { scope: AttributeScope::Participant, from: from.into(), to: to.into() }
}

#[test]
fn renaming_an_attribute_keeps_its_values_and_undoes_and_redoes() {
    let scratch = Scratch::new();
    let mut project = Project::open(study(&scratch)).unwrap();
    let before = participant_attributes(&project);
    assert!(before.contains(&triple("LW1", "role", "link worker")), "{before:?}");

    let applied = coding::apply(&mut project, "tester", rename("role", "position")).unwrap();
    assert!(applied.history_id.is_some());
    assert!(applied.summary.contains("role") && applied.summary.contains("position"), "{}", applied.summary);
    let after = participant_attributes(&project);
    assert!(after.contains(&triple("LW1", "position", "link worker")), "{after:?}");
    assert!(after.contains(&triple("LW9", "position", "volunteer")), "{after:?}");
    assert!(!after.iter().any(|(_, name, _)| name == "role"), "{after:?}");
    let last = coding::history(project.conn()).unwrap().into_iter().last().unwrap();
    assert_eq!(last.kind, "rename-attribute");

    coding::undo(&mut project).unwrap();
    assert_eq!(participant_attributes(&project), before, "undo brings the old name back");
    coding::redo(&mut project).unwrap();
    assert_eq!(participant_attributes(&project), after, "redo renames it again");

    // Only the case of a name may change too.
    coding::apply(&mut project, "tester", rename("position", "Position")).unwrap();
    assert!(participant_attributes(&project).contains(&triple("LW1", "Position", "link worker")));
}

#[test]
fn renaming_to_an_empty_or_taken_name_or_from_an_unknown_one_is_refused() {
    let scratch = Scratch::new();
    let mut project = Project::open(study(&scratch)).unwrap();
    let before = participant_attributes(&project);
    let entries = coding::history(project.conn()).unwrap().len();
    for (command, says) in [
        (rename("role", "  "), "needs a name"),
        (rename("role", "provider"), "exists already"),
        (rename("role", "PROVIDER"), "exists already"),
        (rename("age", "years"), "no participant attribute called \"age\""),
    ] {
        let err = coding::apply(&mut project, "tester", command).unwrap_err().to_string();
        assert!(err.contains(says), "expected {says:?} in {err}");
    }
    assert_eq!(participant_attributes(&project), before);
    assert_eq!(coding::history(project.conn()).unwrap().len(), entries, "nothing was recorded");
    // A document attribute of the same name is another column: it is not "taken" here.
    let doc = Command::RenameAttribute { scope: AttributeScope::Document, from: "site".into(), to: "role".into() };
    coding::apply(&mut project, "tester", doc).unwrap();
}

#[test]
fn the_exported_sheet_lists_everyone_and_reads_back_without_a_change() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let out = scratch.path("people-out.csv");
    let run = fieldcode(&["attributes", s(&p), s(&out), "--export", "participant"]).ok();
    assert!(run.stdout.contains("rows"), "{}", run.stdout);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text, "participant,provider,role\nInterviewer,,\nLW1,Northfield,link worker\nLW2,,\nLW9,,volunteer\n",
        "every participant, attributes sorted, empty cells where there is no value"
    );
    let docs = scratch.path("docs-out.csv");
    fieldcode(&["attributes", s(&p), s(&docs), "--export", "document"]).ok();
    assert_eq!(std::fs::read_to_string(&docs).unwrap(), "document,site\ninterview,GP surgery\n");

    let entries = || {
        Project::open(&p).unwrap().conn().query_row("SELECT count(*) FROM history", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = entries();
    fieldcode(&["attributes", s(&p), s(&out)]).ok();
    assert_eq!(entries(), before, "reading the exported sheet back changes nothing");
}

#[test]
fn a_value_with_commas_quotes_and_a_newline_survives_the_round_trip() {
    let scratch = Scratch::new();
    let p = study(&scratch);
    let mut project = Project::open(&p).unwrap();
    let cell = fieldcode::coding::AttributeCell {
        owner: "LW2".into(),
        name: "note".into(),
        value: Some("said \"no\", then\nyes".into()),
    };
    coding::apply(
        &mut project,
        "tester",
        Command::SetAttributes { scope: AttributeScope::Participant, cells: vec![cell] },
    )
    .unwrap();
    drop(project);
    let out = scratch.path("people-out.csv");
    fieldcode(&["attributes", s(&p), s(&out), "--export", "participant"]).ok();
    let bytes = std::fs::read(&out).unwrap();
    let project = Project::open(&p).unwrap();
    let sheet = fieldcode::import::sheet::parse(&project, &out, &bytes).unwrap();
    let note = sheet.cells.iter().find(|c| c.owner == "LW2" && c.name == "note").unwrap();
    assert_eq!(note.value.as_deref(), Some("said \"no\", then\nyes"));
}
