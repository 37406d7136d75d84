//! `fieldcode merge` when both copies of a transcript were corrected in different places: the
//! document matches by GUID, the colleague's codings are carried onto this text through a diff
//! and keep their words; a coding over text this side deleted is reported, not brought in; undo
//! restores the project exactly.

use std::path::{Path, PathBuf};

use crate::team_support::{code, coding, project_with};
use crate::util::{Scratch, fieldcode, s};
use fieldcode::Project;

const TEXT: &str = "Interviewer: How did you hear about the group?\n\
Mrs K: My neighbour told me about it at the bus stop.\n\
Interviewer: And the first visit?\n\
Mrs K: I was nervous, very nervous, but the leader was kind and the tea was awful.\n";

fn team(scratch: &Scratch) -> (PathBuf, PathBuf) {
    let lead = scratch.path("lead.fieldcode");
    let project = project_with(Some(&lead), &[("k", TEXT)]);
    code(&project, "Access");
    drop(project);
    let ana = scratch.path("ana.fieldcode");
    std::fs::copy(&lead, &ana).unwrap();
    (lead, ana)
}

fn at(text: &str, words: &str) -> (usize, usize) {
    let byte = text.find(words).unwrap();
    let start = text[..byte].chars().count();
    (start, start + words.chars().count())
}

fn edit(path: &Path, start: usize, end: usize, new: &str) {
    let (a, b) = (start.to_string(), end.to_string());
    fieldcode(&["edit-text", s(path), "--doc", "k", "--start", &a, "--end", &b, "--text", new]).ok();
}

fn text_of(path: &Path) -> String {
    Project::open(path).unwrap().conn().query_row("SELECT text FROM document", [], |r| r.get(0)).unwrap()
}

/// (guid, coder, covered text) of every coding, sorted.
fn covered(path: &Path) -> Vec<(String, String, String)> {
    let p = Project::open(path).unwrap();
    let text: Vec<char> = text_of(path).chars().collect();
    let mut stmt = p
        .conn()
        .prepare("SELECT c.guid, k.name, c.start, c.\"end\" FROM coding c JOIN coder k ON k.id = c.coder_id")
        .unwrap();
    let mut out: Vec<(String, String, String)> = stmt
        .query_map([], |r| {
            let (s, e): (i64, i64) = (r.get(2)?, r.get(3)?);
            Ok((r.get(0)?, r.get(1)?, text[s as usize..e as usize].iter().collect()))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    out.sort();
    out
}

fn coding_dump(path: &Path) -> Vec<String> {
    let p = Project::open(path).unwrap();
    let mut stmt = p.conn().prepare("SELECT * FROM coding ORDER BY id").unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn codings_of_an_edited_copy_keep_their_words() {
    let scratch = Scratch::new();
    let (lead, ana) = team(&scratch);
    // Ana codes, then corrects late in the transcript (she codes before and after her edit).
    {
        let p = Project::open(&ana).unwrap();
        let (a, b) = at(TEXT, "My neighbour told me");
        coding(&p, "k", "Access", "Ana", a, b);
        let (a, b) = at(TEXT, "the leader was kind");
        coding(&p, "k", "Access", "Ana", a, b);
        let (a, b) = at(TEXT, "nervous, very nervous");
        coding(&p, "k", "Access", "Ana", a, b);
    }
    let (a, b) = at(TEXT, " and the tea was awful");
    edit(&ana, a, b, "");
    {
        let p = Project::open(&ana).unwrap();
        let (a, b) = at(&text_of(&ana), "the first visit");
        coding(&p, "k", "Access", "Ana", a, b);
    }
    // The lead inserts words early, replaces a word late, and deletes what one of Ana's codings covers.
    let (a, _) = at(TEXT, "at the bus stop");
    edit(&lead, a, a, "one morning ");
    let lead_text = text_of(&lead);
    let (a, b) = at(&lead_text, "nervous, very nervous");
    edit(&lead, a, b, "nervous");
    let lead_text = text_of(&lead);
    let (a, b) = at(&lead_text, "leader");
    edit(&lead, a, b, "organiser");
    let (a, b) = at(&text_of(&lead), "How did you hear");
    {
        let p = Project::open(&lead).unwrap();
        coding(&p, "k", "Access", "Lead", a, b);
    }
    let before = coding_dump(&lead);
    let lead_before = text_of(&lead);
    let ana_codings = covered(&ana);
    assert_eq!(ana_codings.len(), 4);

    let report = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(report["documents_realigned"], 1, "{report}");
    assert_eq!(report["documents_matched"], 0, "{report}");
    assert_eq!(report["codings_added"], 4, "{report}");
    assert_eq!(report["realigned_codings"], 4, "{report}");

    let merged = covered(&lead);
    let ana_here: Vec<_> = merged.iter().filter(|c| c.1 == "Ana").collect();
    // Every coding of Ana's whose words survive covers exactly the same words.
    for (guid, _, text) in &ana_codings {
        let here = ana_here.iter().find(|c| &c.0 == guid);
        match text.as_str() {
            // Which "nervous" survived is ambiguous to a diff ("nervous, " is one fair reading).
            "nervous, very nervous" => assert!(here.unwrap().2.starts_with("nervous"), "{here:?}"),
            "the leader was kind" => assert_eq!(here.unwrap().2, "the organiser was kind"),
            _ => assert_eq!(&here.unwrap().2, text),
        }
    }
    // The changed and the lost codings are listed.
    let mut changed: Vec<(String, String)> = report["changed_codings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!((c["document"].as_str(), c["code"].as_str()), (Some("k"), Some("Access")));
            (c["old_text"].as_str().unwrap().to_owned(), c["new_text"].as_str().unwrap().to_owned())
        })
        .collect();
    changed.sort();
    assert_eq!(changed.len(), 2, "{report}");
    assert_eq!(changed[0].0, "nervous, very nervous");
    assert!(changed[0].1.starts_with("nervous"), "{report}");
    assert_eq!(changed[1], ("the leader was kind".to_owned(), "the organiser was kind".to_owned()));
    let dropped = report["dropped_codings"].as_array().unwrap();
    assert!(dropped.is_empty(), "{report}");
    // The lead's text is untouched and the lead's own coding keeps its words.
    assert_eq!(text_of(&lead), lead_before);
    assert!(merged.iter().any(|c| c.1 == "Lead" && c.2 == "How did you hear"));

    let lines = fieldcode(&["merge", s(&lead), s(&ana), "--dry-run"]).ok().stdout;
    assert!(lines.contains("0 codings added"), "{lines}");

    fieldcode(&["undo", s(&lead)]).ok();
    assert_eq!(coding_dump(&lead), before, "undo restores the coding table exactly");
}

#[test]
fn a_coding_over_text_deleted_here_is_reported_not_brought_in() {
    let scratch = Scratch::new();
    let (lead, ana) = team(&scratch);
    {
        let p = Project::open(&ana).unwrap();
        let (a, b) = at(TEXT, " and the tea was awful");
        coding(&p, "k", "Access", "Ana", a + 1, b);
        let (a, b) = at(TEXT, "bus stop");
        coding(&p, "k", "Access", "Ana", a, b);
    }
    let (a, b) = at(TEXT, "the first visit");
    edit(&ana, a, b, "your first visit");
    let (a, b) = at(TEXT, " and the tea was awful");
    edit(&lead, a, b, "");
    let report = fieldcode(&["merge", s(&lead), s(&ana), "--json"]).ok().json();
    assert_eq!(report["codings_added"], 1, "{report}");
    let dropped = report["dropped_codings"].as_array().unwrap();
    assert_eq!(dropped.len(), 1, "{report}");
    assert_eq!(dropped[0]["old_text"], "and the tea was awful");
    assert_eq!(dropped[0]["new_text"], "");
    let merged = covered(&lead);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].2, "bus stop");
    let lines = fieldcode(&["merge", s(&lead), s(&ana), "--dry-run"]).ok().stdout;
    assert!(lines.contains("which this project deleted"), "{lines}");
}
