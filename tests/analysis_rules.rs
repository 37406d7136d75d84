//! Co-occurrence as a researcher reads it, each rule on a hand-made focus group through the real
//! binary: identical spans by two coders count once (`--per-coder` counts each), a coding that
//! starts in a speaker label belongs to that speaker, `--by` says whose attribute it means, pairs
//! across groups are reported and reconcile with the overall matrix, a drill-down lists what the
//! cell counts, Jaccard has four decimals, and `add-code --coder` records who made the change.

use std::path::{Path, PathBuf};

use crate::analysis_cli::code_quote;
use crate::util::{Scratch, fieldcode, s};
use rusqlite::Connection;

const FOCUS: &str = "---\nsite: GP surgery\nprovider: Mixed\n---\n\
[00:00:01] LW1: Referrals come by phone and we call back the same day.\n\
[00:00:09] TL1: We trust the practice manager with that.\n";

/// A focus group whose document says `provider: Mixed` while its speakers have their own
/// provider, coded by ann and bob: both coded "Referrals come by phone" as Access/Phone and "by
/// phone and we call back" as Workload; ann coded TL1's trust from the start of TL1's label;
/// bob coded Workload from LW1's last words into TL1's turn.
fn focus_group(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("focus.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let focus = scratch.write("in/focus.txt", FOCUS);
    fieldcode(&["import", s(&project), s(&focus)]).ok();
    let people = "participant,role,provider\nLW1,link worker,University\nTL1,team leader,NHS\n";
    fieldcode(&["attributes", s(&project), s(&scratch.write("people.csv", people))]).ok();
    let conn = Connection::open(&project).unwrap();
    for coder in ["ann", "bob"] {
        code_quote(&conn, "focus", "Access/Phone", coder, "Referrals come by phone");
        code_quote(&conn, "focus", "Workload", coder, "by phone and we call back");
    }
    code_quote(&conn, "focus", "Trust", "ann", "[00:00:09] TL1: We trust the practice manager");
    code_quote(&conn, "focus", "Workload", "bob", "the same day.\n[00:00:09] TL1: We trust");
    project
}

fn lines(project: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec![args[0], s(project)];
    all.extend_from_slice(&args[1..]);
    fieldcode(&all).ok().stdout.lines().map(str::to_owned).collect()
}

#[test]
fn identical_spans_by_two_coders_count_once_unless_per_coder() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    let merged = lines(&project, &["cooccur", "--no-rollup"]);
    assert!(merged[0].contains("coders: all (identical spans once)"), "{merged:?}");
    assert_eq!(merged[1..], ["group,code_a,code_b,value", ",Access/Phone,Workload,1", ",Trust,Workload,1"]);
    let per_coder = lines(&project, &["cooccur", "--no-rollup", "--per-coder"]);
    assert!(per_coder[0].contains("coders: all (each coder's codings separately)"), "{per_coder:?}");
    assert_eq!(per_coder[1..], ["group,code_a,code_b,value", ",Access/Phone,Workload,4", ",Trust,Workload,1"]);
    // The excerpts list the one pair, coded by both.
    let args =
        ["cooccur-excerpts", s(&project), "--code-a", "Access/Phone", "--code-b", "Workload", "--format", "json"];
    let items = fieldcode(&args).ok().json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["a"][0]["coders"], serde_json::json!(["ann", "bob"]));
    assert_eq!(items[0]["b"][0]["text"], "by phone and we call back");
    let mut per_coder = args.to_vec();
    per_coder.push("--per-coder");
    assert_eq!(fieldcode(&per_coder).ok().json().as_array().unwrap().len(), 4);
    // Only ann's codings: nothing to merge, the same one pair.
    assert_eq!(lines(&project, &["cooccur", "--no-rollup", "--coder", "ann"])[2], ",Access/Phone,Workload,1");
}

#[test]
fn a_coding_that_starts_in_a_speaker_label_belongs_to_that_speaker() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    let people = lines(&project, &["frequencies", "--by", "participant"]);
    // LW1: ann's and bob's four codings and bob's Workload; TL1: ann's Trust, although it starts
    // at "[00:00:09]"; nobody's codings are left without a speaker.
    assert_eq!(people, ["participant,codings,documents,characters", "LW1,5,1,134", "TL1,1,1,45"]);
    let json = fieldcode(&["cooccur", s(&project), "--by", "role", "--format", "json"]).ok().json();
    let groups: Vec<(&str, u64)> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["group"].as_str().unwrap(), g["codings"].as_u64().unwrap()))
        .collect();
    assert_eq!(groups, [("link worker", 3), ("team leader", 1)]);
}

#[test]
fn by_says_whose_attribute_it_means() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    let groups = |by: &str| -> Vec<String> {
        let json = fieldcode(&["cooccur", s(&project), "--by", by, "--format", "json"]).ok().json();
        assert!(json["by_rule"].is_string(), "{json}");
        json["groups"].as_array().unwrap().iter().map(|g| g["group"].as_str().unwrap().to_owned()).collect()
    };
    // The speakers' providers win over the document's, so `Mixed` never shows.
    assert_eq!(groups("provider"), ["NHS", "University"]);
    assert_eq!(groups("participant:provider"), ["NHS", "University"]);
    assert_eq!(groups("document:provider"), ["Mixed"]);
    let rule = |by: &str| lines(&project, &["cooccur", "--by", by])[0].clone();
    assert!(
        rule("provider").contains("by: provider (the speaker's value, else the document's)"),
        "{}",
        rule("provider")
    );
    assert!(rule("document:provider").contains("by: document:provider (the document's value)"));
    assert!(rule("participant:provider").contains("by: participant:provider (the speaker's value)"));
    // The document's provider puts the whole focus group in one group: nothing across groups.
    let one = lines(&project, &["cooccur", "--by", "document:provider", "--no-rollup"]);
    assert_eq!(one[1..], ["group,code_a,code_b,value", "Mixed,Access/Phone,Workload,1", "Mixed,Trust,Workload,1"]);
    let err = fieldcode(&["cooccur", s(&project), "--by", "document:role"]).fails().stderr;
    assert!(err.contains("no document has a value for the attribute \"role\""), "{err}");
    let where_doc = lines(&project, &["cooccur", "--where", "document:provider=Mixed", "--no-rollup"]);
    assert_eq!(where_doc.len(), 4, "{where_doc:?}");
    let crosstab = lines(&project, &["crosstab", "--by", "document:provider"]);
    assert!(crosstab.contains(&"Trust,Mixed,1,1,1".to_owned()), "{crosstab:?}");
}

#[test]
fn pairs_across_groups_have_their_own_bucket_and_reconcile() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    let rows = lines(&project, &["cooccur", "--by", "role", "--no-rollup"]);
    assert!(rows[0].contains("(across groups): pairs whose codings are in two groups"), "{rows:?}");
    // Bob's Workload starts in LW1's turn, ann's Trust in TL1's label: a pair across groups.
    assert_eq!(
        rows[1..],
        ["group,code_a,code_b,value", "link worker,Access/Phone,Workload,1", "(across groups),Trust,Workload,1"]
    );
    let overall = lines(&project, &["cooccur", "--no-rollup"]);
    assert_eq!(overall[2..], [",Access/Phone,Workload,1", ",Trust,Workload,1"], "the groups plus the bucket");
    let json = fieldcode(&["cooccur", s(&project), "--by", "role", "--format", "json", "--no-rollup"]).ok().json();
    let across = &json["across_groups"]["pairs"][0];
    assert_eq!((across["code_a"].as_str(), across["code_b"].as_str()), (Some("Trust"), Some("Workload")));
    assert_eq!((across["count"].as_u64(), across["documents"].as_u64()), (Some(1), Some(1)));
    // Under --unit turn the two meet in TL1's turn, but in two groups.
    let turns = lines(&project, &["cooccur", "--by", "role", "--unit", "turn", "--no-rollup"]);
    assert_eq!(turns[2..], ["link worker,Access/Phone,Workload,1", "(across groups),Trust,Workload,1"]);
    let args = ["cooccur-excerpts", s(&project), "--code-a", "Trust", "--code-b", "Workload", "--by", "role"];
    let items = fieldcode(&[&args[..], &["--value", "(across groups)", "--format", "json"]].concat()).ok().json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["a"][0]["coder"], "ann");
    assert_eq!(items[0]["b"][0]["coder"], "bob");
    let none = fieldcode(&[&args[..], &["--value", "team leader", "--format", "json"]].concat()).ok().json();
    assert_eq!(none.as_array().unwrap().len(), 0);
}

#[test]
fn a_turn_cell_lists_its_turns_with_the_pairs_under_each() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    let cell = lines(&project, &["cooccur", "--unit", "turn", "--no-rollup", "--per-coder"]);
    assert!(cell.contains(&",Access/Phone,Workload,1".to_owned()), "{cell:?}");
    let args = ["cooccur-excerpts", s(&project), "--code-a", "Access/Phone", "--code-b", "Workload", "--unit", "turn"];
    let per_coder = fieldcode(&[&args[..], &["--per-coder", "--format", "json"]].concat()).ok().json();
    // One turn, as the cell says; under it both coders' Access/Phone and all three Workloads.
    assert_eq!(per_coder.as_array().unwrap().len(), 1);
    let turn = &per_coder[0];
    assert_eq!((turn["a"].as_array().unwrap().len(), turn["b"].as_array().unwrap().len()), (2, 3));
    assert_eq!(turn["pairs"].as_array().unwrap().len(), 6);
    assert!(turn["unit"]["start"].is_u64() && turn["unit"]["end"].is_u64());
    let text = fieldcode(&args).ok().stdout;
    assert!(text.trim_end().ends_with("1 turn"), "{text}");
    assert!(text.contains("1 × 2 passages, 2 pairs") && text.contains("(ann & bob,"), "{text}");
}

#[test]
fn jaccard_has_four_decimals() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    let rows = lines(&project, &["cooccur", "--measure", "jaccard", "--no-rollup", "--by", "role"]);
    assert!(rows[0].contains("measure: jaccard"), "{rows:?}");
    // Pairs across groups have counts only, so the Jaccard table has the groups' rows alone.
    assert_eq!(rows[1..], ["group,code_a,code_b,value", "link worker,Access/Phone,Workload,0.5000"]);
}

#[test]
fn add_code_and_other_changes_record_the_coder_given() {
    let scratch = Scratch::new();
    let project = focus_group(&scratch);
    fieldcode(&["add-code", s(&project), "Space/Rooms", "--coder", "rosa"]).ok();
    fieldcode(&["recolor-code", s(&project), "Space/Rooms", "#112233", "--coder", "sam"]).ok();
    fieldcode(&["rename-code", s(&project), "Space/Rooms", "Offices"]).ok();
    let history = fieldcode(&["history", s(&project), "--json"]).ok().json();
    let actors: Vec<&str> =
        history.as_array().unwrap().iter().rev().take(3).map(|e| e["actor"].as_str().unwrap()).collect();
    assert_eq!(actors, ["tester", "sam", "rosa"]);
}
