//! Property tests of the command layer: any sequence of commands followed by undoing all of them
//! returns the project to its starting state; undo then redo is the identity; a refused command
//! changes nothing. States are compared through a canonical dump of codes, codings, memos and
//! comments (history excluded).

use fieldcode::Project;
use fieldcode::coding::{self, Command, MemoTarget, SpanRef, rows};
use fieldcode::import::{self, ImportOptions, run::store_parsed};
use fieldcode::model::ReviewStatus;
use proptest::prelude::*;

const TRANSCRIPT: &str = "Interviewer: Where do you see clients?\nLW1: Wherever there is a room. Often the café.\n\
Interviewer: And the GP?\nLW1: The GP refers, mostly by phone. Sometimes a letter.\n";
const NOTE: &str = "Arrived at the surgery at eight. No room again.\n\nThe link worker saw two clients by phone.\n";
const NAMES: [&str; 4] = ["Alpha", "Beta", "Gamma", "Beta"];

type Dump = (Vec<rows::CodeRec>, Vec<rows::CodingRec>, Vec<rows::MemoRec>);

fn dump(p: &Project) -> Dump {
    let c = p.conn();
    (rows::all_codes(c).unwrap(), rows::all_codings(c).unwrap(), rows::all_memos(c).unwrap())
}

fn project() -> Project {
    let mut p = Project::in_memory().unwrap();
    for (name, text) in [("interview.txt", TRANSCRIPT), ("note.txt", NOTE)] {
        let format = import::Format::of(std::path::Path::new(name)).unwrap();
        let parsed = import::parse_bytes(name, format, text.as_bytes()).unwrap();
        store_parsed(&mut p, &parsed, None, &ImportOptions::default()).unwrap();
    }
    for coder in ["rosa", "sam"] {
        fieldcode::coding::Recorder::unrecorded(p.conn()).coder_named(coder).unwrap();
    }
    coding::apply(
        &mut p,
        "rosa",
        Command::CreateCode { parent: None, path: "Theme/Code".into(), color: None, description: None },
    )
    .unwrap();
    p
}

#[derive(Debug, Clone)]
enum Op {
    Create(Option<u8>, u8),
    Rename(u8, u8),
    Recolor(u8, u8),
    Describe(u8, u8),
    Status(u8, u8),
    Move(u8, Option<u8>),
    Merge(u8, u8),
    Split(u8, u8, u8),
    Delete(u8, Option<u8>),
    Add(u8, u8, u8, u8, bool, bool),
    Remove(u8),
    Memo(u8, u8),
    EditMemo(u8),
    DeleteMemo(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let i = any::<u8>;
    prop_oneof![
        (proptest::option::of(i()), i()).prop_map(|(a, b)| Op::Create(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::Rename(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::Recolor(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::Describe(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::Status(a, b)),
        (i(), proptest::option::of(i())).prop_map(|(a, b)| Op::Move(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::Merge(a, b)),
        (i(), i(), i()).prop_map(|(a, b, c)| Op::Split(a, b, c)),
        (i(), proptest::option::of(i())).prop_map(|(a, b)| Op::Delete(a, b)),
        (i(), i(), i(), i(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d, e, f)| Op::Add(a, b, c, d, e, f)),
        (i(), i(), i(), i(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d, e, f)| Op::Add(a, b, c, d, e, f)),
        i().prop_map(Op::Remove),
        (i(), i()).prop_map(|(a, b)| Op::Memo(a, b)),
        i().prop_map(Op::EditMemo),
        i().prop_map(Op::DeleteMemo),
    ]
}

fn pick<T: Copy>(items: &[T], i: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[i as usize % items.len()])
}

/// Turns an abstract op into a command against the project's current contents (ids may be
/// stale or invalid on purpose: the engine must refuse those cleanly).
fn command(p: &Project, op: &Op) -> Option<Command> {
    let (codes, codings, memos) = dump(p);
    let code_ids: Vec<i64> = codes.iter().map(|c| c.id).chain([999]).collect();
    let coding_ids: Vec<i64> = codings.iter().map(|c| c.id).collect();
    let memo_ids: Vec<i64> = memos.iter().map(|m| m.id).collect();
    let docs: Vec<(i64, i64)> = p
        .conn()
        .prepare("SELECT id, char_count FROM document ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let name = |n: u8| NAMES[n as usize % NAMES.len()].to_owned();
    Some(match *op {
        Op::Create(parent, n) => Command::CreateCode {
            parent: parent.and_then(|x| pick(&code_ids, x)),
            path: if n % 3 == 0 { format!("{}/{}", name(n), name(n / 3)) } else { name(n) },
            color: (n % 2 == 0).then(|| "#123ABC".into()),
            description: None,
        },
        Op::Rename(c, n) => Command::RenameCode { code: pick(&code_ids, c)?, name: name(n) },
        Op::Recolor(c, n) => Command::RecolorCode {
            code: pick(&code_ids, c)?,
            color: if n % 4 == 0 { "red".into() } else { format!("#{n:02X}{n:02X}00") },
        },
        Op::Describe(c, n) => Command::DescribeCode {
            code: pick(&code_ids, c)?,
            description: Some(format!("d{n}")),
            inclusion: (n % 2 == 0).then(|| "inc".into()),
            exclusion: None,
            example: Some("ex".into()),
        },
        Op::Status(c, n) => Command::SetStatus {
            code: pick(&code_ids, c)?,
            status: [ReviewStatus::Proposed, ReviewStatus::Reviewed, ReviewStatus::Agreed][n as usize % 3],
        },
        Op::Move(c, parent) => {
            Command::MoveCode { code: pick(&code_ids, c)?, parent: parent.and_then(|x| pick(&code_ids, x)) }
        }
        Op::Merge(a, b) => Command::MergeCodes { from: pick(&code_ids, a)?, into: pick(&code_ids, b)? },
        Op::Split(c, n, k) => {
            let code = pick(&code_ids, c)?;
            let mine: Vec<i64> = codings.iter().filter(|g| g.code_id == code).map(|g| g.id).collect();
            let take = (k as usize % 3).min(mine.len().max(1));
            Command::SplitCode { code, name: name(n), codings: mine.into_iter().take(take).collect() }
        }
        Op::Delete(c, to) => {
            Command::DeleteCode { code: pick(&code_ids, c)?, reassign_to: to.and_then(|x| pick(&code_ids, x)) }
        }
        Op::Add(d, c, s, len, second, memo) => {
            let (document, chars) = pick(&docs, d)?;
            let start = s as usize % (chars as usize + 2);
            Command::AddCodings {
                coder: (if second { 2 } else { 1 }).into(),
                spans: vec![SpanRef { document, code: pick(&code_ids, c)?, start, end: start + len as usize % 40 }],
                memo: memo.then(|| "why".into()),
            }
        }
        Op::Remove(g) => Command::RemoveCodings { codings: vec![pick(&coding_ids, g)?] },
        Op::Memo(kind, t) => {
            let target = match kind % 4 {
                0 => MemoTarget::Project,
                1 => MemoTarget::Code(pick(&code_ids, t)?),
                2 => MemoTarget::Coding(pick(&coding_ids, t)?),
                _ => MemoTarget::Document(pick(&docs, t)?.0),
            };
            Command::SetMemo { memo: None, target, title: "t".into(), body: format!("memo {t}") }
        }
        Op::EditMemo(m) => {
            let id = pick(&memo_ids, m)?;
            let memo = memos.iter().find(|x| x.id == id)?;
            let target = MemoTarget::from_columns(&memo.target_kind, memo.target_id)?;
            Command::SetMemo { memo: Some(id), target, title: "edited".into(), body: "new".into() }
        }
        Op::DeleteMemo(m) => Command::DeleteMemo { memo: pick(&memo_ids, m)? },
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn undoing_everything_restores_the_start_and_redo_replays_it(ops in proptest::collection::vec(op(), 1..24)) {
        let mut p = project();
        let start = dump(&p);
        let mut applied = 0;
        for op in &ops {
            let Some(cmd) = command(&p, op) else { continue };
            let before = dump(&p);
            match coding::apply(&mut p, "rosa", cmd.clone()) {
                Ok(a) if a.history_id.is_some() => {
                    applied += 1;
                    let after = dump(&p);
                    prop_assert!(coding::undo(&mut p).unwrap().is_some());
                    prop_assert_eq!(&dump(&p), &before, "undo of {:?}", cmd);
                    prop_assert!(coding::redo(&mut p).unwrap().is_some());
                    prop_assert_eq!(&dump(&p), &after, "redo of {:?}", cmd);
                }
                Ok(_) => prop_assert_eq!(&dump(&p), &before, "no-op {:?} changed the project", cmd),
                Err(e) => {
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert_eq!(&dump(&p), &before, "refused {:?} changed the project", cmd);
                }
            }
        }
        let end = dump(&p);
        for _ in 0..applied {
            prop_assert!(coding::undo(&mut p).unwrap().is_some());
        }
        // The initial CreateCode is still done; undoing everything stops exactly at the start.
        prop_assert_eq!(&dump(&p), &start);
        for _ in 0..applied {
            prop_assert!(coding::redo(&mut p).unwrap().is_some());
        }
        prop_assert!(coding::redo(&mut p).unwrap().is_none());
        prop_assert_eq!(&dump(&p), &end);
    }
}

#[test]
fn a_new_command_after_undo_discards_the_redo_stack() {
    let mut p = project();
    let code = rows::all_codes(p.conn()).unwrap()[0].id;
    coding::apply(&mut p, "rosa", Command::RenameCode { code, name: "One".into() }).unwrap();
    coding::apply(&mut p, "rosa", Command::RenameCode { code, name: "Two".into() }).unwrap();
    coding::undo(&mut p).unwrap();
    coding::undo(&mut p).unwrap();
    coding::apply(&mut p, "rosa", Command::RecolorCode { code, color: "#000000".into() }).unwrap();
    assert_eq!(coding::redo(&mut p).unwrap(), None);
    let states: Vec<_> = coding::history(p.conn()).unwrap().into_iter().map(|e| e.state.as_str()).collect();
    assert_eq!(states, ["done", "discarded", "discarded", "done"]);
    coding::undo(&mut p).unwrap();
    assert_eq!(coding::redo(&mut p).unwrap().as_deref(), Some("recoloured code Theme to #000000"));
}

#[test]
fn undo_refuses_when_rows_were_changed_outside_the_history() {
    let mut p = project();
    let code = rows::all_codes(p.conn()).unwrap()[1].id;
    coding::apply(&mut p, "rosa", Command::RenameCode { code, name: "Renamed".into() }).unwrap();
    p.conn().execute("UPDATE code SET name = 'Sneaky' WHERE id = ?1", [code]).unwrap();
    let err = coding::undo(&mut p).unwrap_err().to_string();
    assert!(err.contains("changed outside the history"), "{err}");
    assert_eq!(rows::read_code(p.conn(), code).unwrap().unwrap().name, "Sneaky");
}
