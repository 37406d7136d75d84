//! Team review through the real binary: agreement (table, CSV, JSON), disagreements, comments and
//! the review queue. Projects are seeded with codes and codings by `team_support`.

use std::path::PathBuf;

use crate::team_support::{code, coding, project_with};
use crate::util::{Scratch, fieldcode, s};

const NOTE: &str = "The link worker phoned the surgery twice before anyone picked up the referral.";
const VISIT: &str = "Home visit: Mrs K showed me the leaflet from the walking group and said she was nervous.";

/// A project where Ana and Ben coded the note (Access/Phone) and only Ana coded the visit.
fn seeded(scratch: &Scratch) -> PathBuf {
    let path = scratch.path("study.fieldcode");
    let project = project_with(Some(&path), &[("note", NOTE), ("visit", VISIT)]);
    coding(&project, "note", "Access/Phone", "Ana", 4, 30);
    coding(&project, "note", "Access/Phone", "Ben", 16, 30);
    coding(&project, "note", "Access/Referral", "Ana", 60, 78);
    coding(&project, "note", "Access/Referral", "Ben", 60, 78);
    coding(&project, "visit", "Access/Phone", "Ana", 0, 10);
    code(&project, "Unused");
    path
}

#[test]
fn agreement_prints_table_csv_and_json() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let json = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben", "--format", "json"]).ok().json();
    assert_eq!(json["unit"], "char");
    assert_eq!(json["coders"], serde_json::json!(["Ana", "Ben"]));
    assert_eq!(json["documents"], 1, "visit was coded by Ana only");
    let codes: Vec<&str> = json["codes"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["Access/Phone", "Access/Referral"], "codes nobody applied are left out");
    let len = NOTE.chars().count() as f64;
    let phone = &json["codes"][0];
    assert_eq!(phone["units"], NOTE.chars().count());
    assert_eq!(phone["coded_units"], serde_json::json!([26, 14]));
    assert!((phone["percent_agreement"].as_f64().unwrap() - 100.0 * (len - 12.0) / len).abs() < 1e-9);
    let referral = &json["codes"][1];
    assert_eq!(referral["krippendorff_alpha"], 1.0);
    assert_eq!(referral["cohen_kappa"], 1.0);
    assert_eq!(referral["alpha_u"], 1.0, "identical segments");
    assert_eq!(referral["u_alpha"], 1.0, "identical segments, 2016 form");
    assert!(json["unitizing"]["u_alpha"].is_f64() && json["unitizing"]["cu_alpha"].is_f64(), "{json}");
    assert!(json["pooled"]["krippendorff_alpha"].as_f64().unwrap() < 1.0);

    let csv = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben", "--format", "csv"]).ok().stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "code,units,percent_agreement,cohen_kappa,krippendorff_alpha,coded_units_Ana,coded_units_Ben,\
         light_kappa,fleiss_kappa,gwet_ac1,brennan_prediger_kappa,alpha_ci_low,alpha_ci_high,\
         p_alpha_below_0_667,p_alpha_below_0_800,in_pooled,left_out_reason,alpha_u,\
         units_Ana_vs_Ben,percent_agreement_Ana_vs_Ben,cohen_kappa_Ana_vs_Ben,u_alpha,bar_u_alpha,cu_alpha",
        "the original columns first, then the new ones"
    );
    assert!(lines[1].starts_with("Access/Phone,78,"), "{csv}");
    assert!(lines[3].starts_with("(pooled),156,"), "{csv}");
    let cu = json["unitizing"]["cu_alpha"].as_f64().unwrap();
    assert!(lines[3].ends_with(&format!(",{cu}")), "the pooled row ends with cuα across codes: {csv}");

    let table = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben"]).ok().stdout;
    assert!(
        table.contains("(pooled, 2 codes)") && table.contains("Access/Referral") && table.contains("1.000"),
        "{table}"
    );
    assert!(table.contains("% agreement is pairwise percent agreement"), "the definition is printed: {table}");
    assert!(table.contains("uα (2016)") && table.contains("Across all codes (2016): uα"), "{table}");
}

#[test]
fn agreement_methods_prints_the_paragraph_of_the_same_report() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let args = ["agreement", s(&project), "--coders", "Ana,Ben", "--bootstrap", "100", "--methods"];
    let text = fieldcode(&args).ok().stdout;
    assert!(text.contains("Ana") && text.contains("Ben"), "{text}");
    assert!(text.contains("Gwet") && text.contains("Krippendorff"), "every coefficient is named: {text}");
    assert!(text.contains("95"), "the bootstrap interval is given: {text}");
    assert!(!text.contains("NaN"));
    let refused = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben", "--methods", "--format", "csv"]);
    assert_eq!(refused.status, 2, "a usage error");
    assert!(refused.stderr.contains("--format"), "a paragraph has no format: {}", refused.stderr);
}

#[test]
fn agreement_carries_new_coefficients_pairs_and_bootstrap_in_every_format() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let args = ["agreement", s(&project), "--coders", "Ana,Ben", "--bootstrap", "200", "--seed", "9"];
    let json = fieldcode(&[&args[..], &["--format", "json"]].concat()).ok().json();
    assert_eq!(json, fieldcode(&[&args[..], &["--format", "json"]].concat()).ok().json(), "deterministic");
    assert_eq!(json["bootstrap"], serde_json::json!({"replicates": 200, "seed": 9}));
    assert!(json["percent_agreement_definition"].as_str().unwrap().starts_with("pairwise percent agreement"));
    let phone = &json["codes"][0];
    for key in ["light_kappa", "fleiss_kappa", "gwet_ac1", "brennan_prediger_kappa", "krippendorff_alpha"] {
        assert!(phone[key].is_number(), "{key}: {phone}");
    }
    assert_eq!(phone["light_kappa"], phone["cohen_kappa"], "two coders: Light's kappa is Cohen's");
    assert_eq!(phone["pairs"][0]["coders"], serde_json::json!(["Ana", "Ben"]));
    assert_eq!(phone["pairs"][0]["units"], 78);
    // One document: every resample is that document, so the interval is the point value.
    let alpha = phone["krippendorff_alpha"].as_f64().unwrap();
    let boot = &phone["alpha_bootstrap"];
    assert!(
        (boot["low"].as_f64().unwrap() - alpha).abs() < 1e-12 && (boot["high"].as_f64().unwrap() - alpha).abs() < 1e-12
    );
    assert_eq!(boot["p_below_0_667"], 1.0, "alpha {alpha} < 0.667 in every resample");
    assert_eq!(json["left_out_of_pooled"], serde_json::json!([]));
    let csv = fieldcode(&[&args[..], &["--format", "csv"]].concat()).ok().stdout;
    let record: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(record[0], "Access/Phone");
    assert_eq!(record[11].parse::<f64>().unwrap(), boot["low"].as_f64().unwrap(), "alpha_ci_low: {csv}");
    assert_eq!(record[15], "yes", "in_pooled");
    let table = fieldcode(&args).ok().stdout;
    assert!(
        table.contains("alpha 95% CI") && table.contains("200 bootstrap resamples of the documents (seed 9)"),
        "{table}"
    );
    let run = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben", "--seed", "3"]);
    assert_ne!(run.status, 0, "--seed needs --bootstrap");
}

#[test]
fn an_all_left_out_pooled_row_is_empty_null_and_na_never_one_or_nan() {
    let scratch = Scratch::new();
    let path = scratch.path("study.fieldcode");
    let project = project_with(Some(&path), &[("note", NOTE), ("visit", VISIT)]);
    coding(&project, "note", "Access", "Ana", 0, NOTE.chars().count());
    coding(&project, "note", "Access", "Ben", 0, NOTE.chars().count());
    coding(&project, "visit", "Walking", "Ana", 0, 10);
    drop(project);
    let json = fieldcode(&["agreement", s(&path), "--coders", "Ana,Ben", "--format", "json"]).ok().json();
    assert!(json["pooled"]["krippendorff_alpha"].is_null() && json["pooled"]["percent_agreement"].is_null());
    assert!(json["pooled"]["gwet_ac1"].is_null() && json["pooled"]["cohen_kappa"].is_null());
    assert_eq!(json["pooled_codes"], 0);
    let left: Vec<(&str, &str)> = json["left_out_of_pooled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["code"].as_str().unwrap(), l["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(left, [("Access", "coded_everywhere"), ("Walking", "only_where_one_coder_coded")]);
    let table = fieldcode(&["agreement", s(&path), "--coders", "Ana,Ben"]).ok().stdout;
    let pooled = table.lines().find(|l| l.starts_with("(pooled")).unwrap();
    assert!(!pooled.contains("1.000") && !table.contains("NaN") && pooled.contains("n/a"), "{table}");
    assert!(table.contains("Left out of the pooled row (2 codes)") && table.contains("Walking *"), "{table}");
    let csv = fieldcode(&["agreement", s(&path), "--coders", "Ana,Ben", "--format", "csv"]).ok().stdout;
    let pooled = csv.lines().last().unwrap();
    assert!(pooled.starts_with("(pooled),0,,,,"), "{pooled}");
    assert!(!csv.contains("NaN"), "{csv}");
}

#[test]
fn agreement_reports_undefined_coefficients_as_null_and_na() {
    let scratch = Scratch::new();
    let path = scratch.path("study.fieldcode");
    let project = project_with(Some(&path), &[("note", NOTE)]);
    coding(&project, "note", "Access", "Ana", 0, NOTE.chars().count());
    coding(&project, "note", "Access", "Ben", 0, NOTE.chars().count());
    drop(project);
    let json = fieldcode(&["agreement", s(&path), "--coders", "Ana,Ben", "--format", "json"]).ok().json();
    assert!(json["codes"][0]["krippendorff_alpha"].is_null(), "no variation: alpha undefined");
    assert!(json["codes"][0]["cohen_kappa"].is_null());
    assert_eq!(json["codes"][0]["percent_agreement"], 100.0);
    let table = fieldcode(&["agreement", s(&path), "--coders", "Ana,Ben"]).ok().stdout;
    assert!(table.contains("n/a"), "{table}");
}

#[test]
fn agreement_by_paragraph_and_code_subtree() {
    let scratch = Scratch::new();
    let path = scratch.path("study.fieldcode");
    let text = "First paragraph about phones.\n\nSecond paragraph about walking.\n\nThird one.";
    let project = project_with(Some(&path), &[("note", text)]);
    coding(&project, "note", "Access/Phone", "Ana", 0, 5);
    coding(&project, "note", "Access/Phone", "Ben", 10, 20);
    coding(&project, "note", "Activity", "Ana", 31, 40);
    coding(&project, "note", "Activity", "Ben", 70, 72);
    drop(project);
    let json = fieldcode(&[
        "agreement",
        s(&path),
        "--coders",
        "Ana,Ben",
        "--unit",
        "paragraph",
        "--code",
        "Access",
        "--format",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(json["unit"], "paragraph");
    assert_eq!(json["codes"].as_array().unwrap().len(), 1, "only the Access subtree");
    assert_eq!(json["codes"][0]["units"], 3);
    assert_eq!(json["codes"][0]["percent_agreement"], 100.0, "both coded inside paragraph 1");
    let all = fieldcode(&["agreement", s(&path), "--coders", "Ana,Ben", "--unit", "paragraph", "--format", "json"])
        .ok()
        .json();
    let activity = all["codes"].as_array().unwrap().iter().find(|c| c["code"] == "Activity").unwrap();
    assert!((activity["percent_agreement"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9);
}

#[test]
fn agreement_refuses_bad_requests_clearly() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let run = fieldcode(&["agreement", s(&project), "--coders", "Ana,Zed"]).fails();
    assert!(run.stderr.contains("Zed") && run.stderr.contains("\"Ben\""), "{}", run.stderr);
    let run = fieldcode(&["agreement", s(&project), "--coders", "Ana"]).fails();
    assert!(run.stderr.contains("at least two"), "{}", run.stderr);
    let run = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben", "--code", "Nope"]).fails();
    assert!(run.stderr.contains("Nope"), "{}", run.stderr);
    let run = fieldcode(&["agreement", s(&project), "--coders", "Ana,Ben", "--unit", "word"]);
    assert_ne!(run.status, 0);
    assert!(run.stderr.contains("char, turn, paragraph or document"), "{}", run.stderr);
}

#[test]
fn disagreements_list_spans_with_who_coded_them() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let json = fieldcode(&["disagreements", s(&project), "--coders", "Ana,Ben", "--json"]).ok().json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 1, "{json}");
    let d = &list[0];
    assert_eq!((d["document"].as_str(), d["code"].as_str()), (Some("note"), Some("Access/Phone")));
    assert_eq!((d["start"].as_u64(), d["end"].as_u64()), (Some(4), Some(16)));
    assert_eq!(d["coded_by"], serde_json::json!(["Ana"]));
    assert_eq!(d["not_coded_by"], serde_json::json!(["Ben"]));
    assert_eq!(d["excerpt"], NOTE.chars().skip(4).take(12).collect::<String>());
    let none =
        fieldcode(&["disagreements", s(&project), "--coders", "Ana,Ben", "--doc", "visit", "--json"]).ok().json();
    assert_eq!(none, serde_json::json!([]), "Ben never coded the visit");
    let run = fieldcode(&["disagreements", s(&project), "--coders", "Ana,Ben", "--doc", "notes"]).fails();
    assert!(run.stderr.contains("did you mean \"note\""), "{}", run.stderr);
    let table = fieldcode(&["disagreements", s(&project), "--coders", "Ana,Ben"]).ok().stdout;
    assert!(table.contains("4-16") && table.contains("1 disagreements"), "{table}");
    let by_doc =
        fieldcode(&["disagreements", s(&project), "--coders", "Ana,Ben", "--unit", "document", "--json"]).ok().json();
    assert_eq!(by_doc, serde_json::json!([]), "both applied both codes in the note");
}

/// In the note, Ana's Access/Phone is 4..30 and Ben's 16..30: 14 of 26 characters, 53.8 %; both
/// Access/Referral segments are 60..78. Ben never coded the visit, so Ana's visit segment is not
/// compared. At 90 %: Phone 0 of 2, Referral 2 of 2; at 50 % all four match.
#[test]
fn segment_agreement_matches_segments_by_overlap() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    let json = fieldcode(&["segment-agreement", s(&project), "--coders", "Ana,Ben", "--json"]).ok().json();
    assert_eq!(json["min_overlap"], 90.0);
    let counts: Vec<(&str, u64, u64)> = json["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), c["comparisons"].as_u64().unwrap(), c["matched"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("Access/Phone", 2, 0), ("Access/Referral", 2, 2)]);
    assert_eq!(json["total"]["percent_agreement"], 50.0);
    let unmatched = json["unmatched"].as_array().unwrap();
    assert_eq!(unmatched.len(), 2);
    assert_eq!((unmatched[0]["coder"].as_str(), unmatched[0]["start"].as_u64()), (Some("Ana"), Some(4)));
    assert!((unmatched[0]["best_overlap"].as_f64().unwrap() - 1400.0 / 26.0).abs() < 1e-9);
    let loose = fieldcode(&["segment-agreement", s(&project), "--coders", "Ana,Ben", "--min-overlap", "50", "--json"])
        .ok()
        .json();
    assert_eq!(loose["total"]["percent_agreement"], 100.0);
    let table = fieldcode(&["segment-agreement", s(&project), "--coders", "Ana,Ben"]).ok().stdout;
    assert!(table.contains("(all codes)") && table.contains("no match with") && table.contains("53.8"), "{table}");
    let run = fieldcode(&["segment-agreement", s(&project), "--coders", "Ana,Ben", "--min-overlap", "0"]).fails();
    assert!(run.stderr.contains("minimum overlap"), "{}", run.stderr);
}

#[test]
fn comments_form_a_thread_per_code() {
    let scratch = Scratch::new();
    let project = seeded(&scratch);
    fieldcode(&["comment", s(&project), "Access/Phone", "Does voicemail count?", "--author", "Ana"]).ok();
    fieldcode(&["comment", s(&project), "Access/Phone", "Yes, if the client rang back."]).ok();
    let thread = fieldcode(&["comments", s(&project), "Access/Phone", "--json"]).ok().json();
    let thread = thread.as_array().unwrap();
    assert_eq!(thread.len(), 2);
    assert_eq!(
        (thread[0]["author"].as_str(), thread[0]["body"].as_str()),
        (Some("Ana"), Some("Does voicemail count?"))
    );
    assert_eq!(thread[1]["author"], "tester", "the default author is the coder");
    let empty = fieldcode(&["comments", s(&project), "Access/Referral"]).ok().stdout;
    assert!(empty.contains("No comments"), "{empty}");
    let run = fieldcode(&["comment", s(&project), "Access/Nope", "text"]).fails();
    assert!(run.stderr.contains("Access/Nope"), "{}", run.stderr);
    let run = fieldcode(&["comment", s(&project), "Access/Phone", "   "]).fails();
    assert!(run.stderr.contains("empty"), "{}", run.stderr);
}

#[test]
fn review_queue_lists_codes_not_agreed_with_examples() {
    let scratch = Scratch::new();
    let path = seeded(&scratch);
    {
        let project = fieldcode::Project::open(&path).unwrap();
        coding(&project, "visit", "Access/Phone", "Ben", 20, 40);
        coding(&project, "note", "Access/Phone", "Cy", 0, 3);
    }
    fieldcode(&["set-status", s(&path), "Access/Referral", "agreed"]).ok();
    fieldcode(&["set-status", s(&path), "Access", "reviewed"]).ok();
    fieldcode(&["comment", s(&path), "Access/Phone", "Merge with Referral?"]).ok();
    let queue = fieldcode(&["review-queue", s(&path), "--json"]).ok().json();
    let codes: Vec<&str> = queue.as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["Access/Phone", "Unused", "Access"], "proposed first, agreed left out");
    let phone = &queue[0];
    assert_eq!(phone["status"], "proposed");
    assert_eq!(phone["description"], "About Phone.");
    assert_eq!(phone["codings"], 5);
    assert_eq!(phone["documents"], 2);
    assert_eq!(phone["coders"], serde_json::json!(["Ana", "Ben", "Cy"]));
    assert_eq!(phone["comments"], 1);
    let examples = phone["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 3);
    let docs: Vec<&str> = examples.iter().map(|e| e["document"].as_str().unwrap()).collect();
    assert_eq!(&docs[..2], &["note", "visit"], "one example per document before a second from any");
    assert_eq!(examples[0]["text"], NOTE.chars().take(3).collect::<String>());
    let text = fieldcode(&["review-queue", s(&path)]).ok().stdout;
    assert!(text.contains("3 codes waiting for agreement") && text.contains("definition: About Phone."), "{text}");
}
