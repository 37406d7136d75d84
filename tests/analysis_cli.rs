//! The analysis commands through the real binary: cooccur (overall, by attribute, units,
//! measures, filters), cooccur-excerpts, crosstab, frequencies and synth, on a small project
//! whose codings are placed on known quotes, and the errors for bad input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{Scratch, bytes, fieldcode, s};
use fieldcode::coding::Recorder;
use fieldcode::coding::rows::{CodeRec, CodingRec, Row};
use rusqlite::{Connection, OptionalExtension, params};

const GP_VISIT: &str = "---\nsite: GP surgery\n---\n[00:00:01] LW1: The referral form takes ages to fill in.\n\
[00:00:09] TL1: We trust the practice manager with that.\n";
const HOME_VISIT: &str =
    "---\nsite: client home\n---\nVisited Mrs B at home. The referral came from the GP.\n\nShe trusts us now.\n";

/// The id of the code at `path`, creating it and its parents through the library's recorder.
fn code(conn: &Connection, path: &str) -> i64 {
    let mut parent: Option<i64> = None;
    for name in path.split('/') {
        let found: Option<i64> = conn
            .query_row(
                "SELECT id FROM code WHERE coalesce(parent_id, 0) = ?1 AND name = ?2",
                params![parent.unwrap_or(0), name],
                |r| r.get(0),
            )
            .optional()
            .unwrap();
        parent = Some(found.unwrap_or_else(|| {
            let row = |id| {
                Row::Code(CodeRec {
                    id,
                    guid: format!("{path}-{name}"),
                    parent_id: parent,
                    name: name.into(),
                    color: "#808080".into(),
                    description: String::new(),
                    inclusion: String::new(),
                    exclusion: String::new(),
                    example: String::new(),
                    status: "proposed".into(),
                    position: 0,
                    created_at: "now".into(),
                })
            };
            Recorder::unrecorded(conn).insert_new("code", row).unwrap()
        }));
    }
    parent.unwrap()
}

/// Codes the first occurrence of `quote` in `document` with `path`, as `coder`.
pub fn code_quote(conn: &Connection, document: &str, path: &str, coder: &str, quote: &str) {
    let (doc, text): (i64, String) = conn
        .query_row("SELECT id, text FROM document WHERE name = ?1", [document], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let byte = text.find(quote).unwrap_or_else(|| panic!("{quote:?} not in {document}"));
    let start = text[..byte].chars().count() as i64;
    let end = start + quote.chars().count() as i64;
    let coder = Recorder::unrecorded(conn).coder_named(coder).unwrap();
    let code = code(conn, path);
    let row = |id| {
        Row::Coding(CodingRec {
            id,
            guid: format!("{document}-{path}-{start}-{coder}"),
            document_id: doc,
            code_id: code,
            coder_id: coder,
            start,
            end,
            created_at: "now".into(),
        })
    };
    Recorder::unrecorded(conn).insert_new("coding", row).unwrap();
}

/// Two documents (a GP-surgery transcript with a link worker and a team leader, a home-visit
/// field note), participant roles, and five codings on known quotes by two coders.
fn study(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    let gp = scratch.write("in/gp.txt", GP_VISIT);
    let home = scratch.write("in/home.txt", HOME_VISIT);
    fieldcode(&["import", s(&project), s(&gp), s(&home)]).ok();
    let people = scratch.write("people.csv", "participant,role\nLW1,link worker\nTL1,team leader\n");
    fieldcode(&["attributes", s(&project), s(&people)]).ok();
    let conn = Connection::open(&project).unwrap();
    code_quote(&conn, "gp", "Referral/Forms", "ann", "referral form takes ages");
    code_quote(&conn, "gp", "Workload", "ann", "takes ages to fill in");
    code_quote(&conn, "gp", "Trust", "bob", "We trust the practice manager");
    code_quote(&conn, "home", "Referral/Forms", "ann", "The referral came from the GP");
    code_quote(&conn, "home", "Trust", "bob", "She trusts us now");
    project
}

fn rows(csv: &str) -> Vec<String> {
    csv.lines().map(str::to_owned).collect()
}

fn run(project: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec![args[0], s(project)];
    all.extend_from_slice(&args[1..]);
    rows(&fieldcode(&all).ok().stdout)
}

/// A `cooccur` CSV without its first line, which states the rules (checked to be one).
fn table(project: &Path, args: &[&str]) -> Vec<String> {
    let mut lines = run(project, args);
    assert!(lines[0].starts_with("# unit: "), "{lines:?}");
    lines.remove(0);
    lines
}

#[test]
fn overlap_matrix_overall_and_without_rollup() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    assert_eq!(
        table(&project, &["cooccur"]),
        ["group,code_a,code_b,value", ",Referral,Workload,1", ",Referral/Forms,Workload,1"]
    );
    assert_eq!(
        table(&project, &["cooccur", "--no-rollup"]),
        ["group,code_a,code_b,value", ",Referral/Forms,Workload,1"]
    );
    assert_eq!(
        table(&project, &["cooccur", "--measure", "jaccard", "--no-rollup"]),
        ["group,code_a,code_b,value", ",Referral/Forms,Workload,0.5000"]
    );
    assert_eq!(
        run(&project, &["cooccur"])[0],
        "# unit: overlap; measure: count; coders: all (identical spans once); by: nothing; roll-up: on"
    );
}

#[test]
fn grouping_by_role_uses_the_speaker_and_by_site_the_document() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    assert_eq!(
        table(&project, &["cooccur", "--by", "role"]),
        ["group,code_a,code_b,value", "link worker,Referral,Workload,1", "link worker,Referral/Forms,Workload,1"]
    );
    let by_site: BTreeSet<String> =
        table(&project, &["cooccur", "--by", "site", "--unit", "document"]).into_iter().collect();
    let expected: BTreeSet<String> = [
        "group,code_a,code_b,value",
        "GP surgery,Referral,Trust,1",
        "GP surgery,Referral,Workload,1",
        "GP surgery,Referral/Forms,Trust,1",
        "GP surgery,Referral/Forms,Workload,1",
        "GP surgery,Trust,Workload,1",
        "client home,Referral,Trust,1",
        "client home,Referral/Forms,Trust,1",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(by_site, expected);
}

#[test]
fn units_and_filters_change_what_counts() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    // The two turns of the GP transcript are separate units; the Trust quote is in the second.
    assert_eq!(table(&project, &["cooccur", "--unit", "turn", "--no-rollup"]).len(), 2);
    // Within 40 characters, the home visit's two quotes (separated by a blank line) co-occur.
    let near = table(&project, &["cooccur", "--unit", "near:40", "--no-rollup"]);
    assert!(near.contains(&",Referral/Forms,Trust,2".to_owned()), "{near:?}");
    // Only bob's codings: nothing overlaps.
    assert_eq!(table(&project, &["cooccur", "--coder", "bob"]), ["group,code_a,code_b,value"]);
    assert_eq!(
        table(&project, &["cooccur", "--where", "site=client home", "--unit", "document", "--no-rollup"]).len(),
        2
    );
}

#[test]
fn json_output_carries_every_measure() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    let out = fieldcode(&["cooccur", s(&project), "--by", "role", "--format", "json"]).ok().json();
    assert_eq!(out["unit"], "overlap");
    assert_eq!(out["by"], "role");
    let groups = out["groups"].as_array().unwrap();
    let labels: Vec<&str> = groups.iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(labels, ["link worker", "team leader", "(none)"]);
    let pair = &groups[0]["pairs"][1];
    assert_eq!((pair["code_a"].as_str(), pair["code_b"].as_str()), (Some("Referral/Forms"), Some("Workload")));
    assert_eq!((pair["count"].as_u64(), pair["documents"].as_u64()), (Some(1), Some(1)));
    assert_eq!(pair["jaccard"].as_f64(), Some(1.0));
    assert_eq!(out["coders"], "all (identical spans once)");
    assert_eq!(out["by_rule"], "the speaker's value, else the document's");
    assert_eq!(out["across_groups"]["group"], "(across groups)");
    // Under --unit turn only codings inside some turn take part: the field note's two do not.
    let turns = fieldcode(&["cooccur", s(&project), "--unit", "turn", "--format", "json"]).ok().json();
    assert_eq!(turns["groups"][0]["codings"], 3);
    assert_eq!(turns["across_groups"], serde_json::Value::Null);
}

#[test]
fn excerpts_show_the_quotes_behind_a_cell() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    let args = ["cooccur-excerpts", s(&project), "--code-a", "Referral/Forms", "--code-b", "Workload"];
    let text = fieldcode(&args).ok().stdout;
    assert!(text.contains("referral form takes ages") && text.contains("takes ages to fill in"), "{text}");
    let mut json_args = args.to_vec();
    json_args.extend(["--by", "role", "--value", "link worker", "--format", "json"]);
    let pairs = fieldcode(&json_args).ok().json();
    assert_eq!(pairs.as_array().unwrap().len(), 1);
    assert_eq!(pairs[0]["a"][0]["text"], "referral form takes ages");
    assert_eq!(pairs[0]["b"][0]["coder"], "ann");
    assert_eq!(pairs[0]["b"][0]["coders"], serde_json::json!(["ann"]));
    assert_eq!(pairs[0]["pairs"][0][0], pairs[0]["a"][0]["id"]);
    json_args[9] = "team leader";
    assert_eq!(fieldcode(&json_args).ok().json().as_array().unwrap().len(), 0);
}

#[test]
fn crosstab_counts_codings_documents_and_participants() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    let table = run(&project, &["crosstab", "--by", "site"]);
    assert_eq!(table[0], "code,value,codings,documents,participants");
    for row in [
        "Referral,GP surgery,1,1,1",
        "Referral/Forms,client home,1,1,0",
        "Trust,GP surgery,1,1,1",
        "Workload,client home,0,0,0",
    ] {
        assert!(table.contains(&row.to_owned()), "{row} missing from {table:?}");
    }
    let json = fieldcode(&["crosstab", s(&project), "--by", "role", "--format", "json"]).ok().json();
    let trust = json["rows"].as_array().unwrap().iter().find(|r| r["code"] == "Trust").unwrap();
    let pcts: Vec<f64> = trust["cells"].as_array().unwrap().iter().map(|c| c["row_pct"].as_f64().unwrap()).collect();
    assert_eq!(pcts.iter().sum::<f64>(), 100.0);
}

#[test]
fn frequencies_by_code_and_coder() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    let by_code = run(&project, &["frequencies"]);
    assert_eq!(by_code[0], "code,codings,documents,characters");
    assert!(by_code.contains(&"Referral,2,2,53".to_owned()), "{by_code:?}");
    assert_eq!(
        run(&project, &["frequencies", "--by", "coder"]),
        ["coder,codings,documents,characters", "ann,3,2,74", "bob,2,2,46"]
    );
    let people = run(&project, &["frequencies", "--by", "participant"]);
    assert_eq!(people, ["participant,codings,documents,characters", "LW1,2,1,45", "TL1,1,1,29", "(none),2,1,46"]);
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let scratch = Scratch::new();
    let project = study(&scratch);
    // A first analysis fills the derived coding cache; after that, analysing writes nothing.
    fieldcode(&["cooccur", s(&project)]).ok();
    let before = bytes(&project);
    let err = fieldcode(&["cooccur", s(&project), "--by", "colour"]).fails().stderr;
    assert!(err.contains("no attribute named \"colour\"") && err.contains("role, site"), "{err}");
    let bad_unit = fieldcode(&["cooccur", s(&project), "--unit", "sentence"]);
    assert_eq!(bad_unit.status, 2, "a usage error");
    assert!(bad_unit.stderr.contains("near:N"), "{}", bad_unit.stderr);
    let err = fieldcode(&["cooccur", s(&project), "--coder", "zoe"]).fails().stderr;
    assert!(err.contains("zoe") && err.contains("ann, bob"), "{err}");
    let err = fieldcode(&["cooccur-excerpts", s(&project), "--code-a", "Nope", "--code-b", "Trust"]).fails().stderr;
    assert!(err.contains("Nope"), "{err}");
    let err = fieldcode(&[
        "cooccur-excerpts",
        s(&project),
        "--code-a",
        "Trust",
        "--code-b",
        "Workload",
        "--by",
        "site",
        "--value",
        "moon",
    ])
    .fails()
    .stderr;
    assert!(err.contains("GP surgery"), "{err}");
    assert_eq!(fieldcode(&["crosstab", s(&project)]).status, 2, "--by is required");
    fieldcode(&["cooccur", s(&scratch.path("missing.fieldcode"))]).fails();
    assert_eq!(bytes(&project), before, "analysis never changes the project");
}

#[test]
fn synth_makes_a_deterministic_project_of_the_requested_size() {
    let scratch = Scratch::new();
    let (a, b) = (scratch.path("a.fieldcode"), scratch.path("b.fieldcode"));
    let args = |p: &Path| {
        ["synth", s(p), "--docs", "12", "--chars", "3000", "--codes", "32", "--codings", "600", "--seed", "7"]
            .map(String::from)
    };
    let out = fieldcode(&args(&a).iter().map(String::as_str).collect::<Vec<_>>()).ok().stdout;
    assert!(out.contains("12 documents") && out.contains("600 codings"), "{out}");
    fieldcode(&args(&b).iter().map(String::as_str).collect::<Vec<_>>()).ok();
    let docs = fieldcode(&["docs", s(&a), "--json"]).ok().json();
    assert_eq!(docs.as_array().unwrap().len(), 12);
    assert!(docs[0]["turns"].as_u64().unwrap() > 5 && docs[0]["attributes"]["site"].is_string());
    let coders = run(&a, &["frequencies", "--by", "coder"]);
    assert_eq!(coders.len(), 4);
    let total: u64 = coders[1..].iter().map(|r| r.split(',').nth(1).unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!(total, 600);
    assert_eq!(table(&a, &["cooccur", "--by", "role"]), table(&b, &["cooccur", "--by", "role"]));
    assert!(table(&a, &["cooccur", "--by", "site"]).len() > 50);
    let err = fieldcode(&args(&a).iter().map(String::as_str).collect::<Vec<_>>()).fails().stderr;
    assert!(err.contains("already exists"), "{err}");
}
