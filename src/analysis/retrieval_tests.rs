//! Retrieval on the demo study plus codings placed by hand, with expectations from SQL.

use super::*;
use crate::coding::{CoderRef, Command, SpanRef, apply};
use crate::export::excerpts::gather;

/// The demo study in memory, with codes `T/A` and `T/B` coded on FN01 at known places:
/// A: 10–30 by ana and ben, 50–60 by ana (with a memo); B: 20–55 by ben.
fn project() -> (Project, DocumentId) {
    let mut p = Project::in_memory().unwrap();
    crate::demo::populate(&mut p).unwrap();
    let doc = documents::id_by_name(p.conn(), "FN01-provider-office").unwrap();
    for path in ["T/A", "T/B"] {
        apply(&mut p, "ana", Command::CreateCode { parent: None, path: path.into(), color: None, description: None })
            .unwrap();
    }
    let a = codes::id_by_path(p.conn(), "T/A").unwrap();
    let b = codes::id_by_path(p.conn(), "T/B").unwrap();
    let span = |code, start, end| SpanRef { document: doc, code, start, end };
    let add = |p: &mut Project, coder: &str, spans: Vec<SpanRef>, memo: Option<&str>| {
        let command = Command::AddCodings { coder: CoderRef::Name(coder.into()), spans, memo: memo.map(String::from) };
        apply(p, coder, command).unwrap();
    };
    add(&mut p, "ana", vec![span(a, 10, 30)], None);
    add(&mut p, "ana", vec![span(a, 50, 60)], Some("look again"));
    add(&mut p, "ben", vec![span(a, 10, 30), span(b, 20, 55)], None);
    (p, doc)
}

fn query(codes: &[&str]) -> RetrievalQuery {
    RetrievalQuery {
        filter: ExcerptFilter { codes: codes.iter().map(|c| c.to_string()).collect(), ..Default::default() },
        ..Default::default()
    }
}

fn spans(segments: &[Segment]) -> Vec<(usize, usize)> {
    segments.iter().map(|s| (s.start, s.end)).collect()
}

#[test]
fn identical_spans_by_several_coders_are_one_segment_unless_asked_per_coder() {
    let (p, doc) = project();
    let merged = retrieve(&p, &query(&["T/A"])).unwrap();
    assert_eq!(spans(&merged), [(10, 30), (50, 60)]);
    assert_eq!(merged[0].coders, ["ana", "ben"]);
    assert_eq!(merged[0].codings.len(), 2);
    assert!(!merged[0].has_memo() && merged[1].has_memo(), "the memo marker");
    let text = documents::text(p.conn(), doc).unwrap();
    assert_eq!(merged[0].text, crate::text::char_slice(&text, 10, 30), "the whole text");
    assert_eq!(merged[0].document, "FN01-provider-office");
    assert!(merged[0].context.start <= 10 && merged[0].context.end >= 30, "the context holds it");
    let apart = retrieve(&p, &RetrievalQuery { per_coder: true, ..query(&["T/A"]) }).unwrap();
    assert_eq!(spans(&apart), [(10, 30), (10, 30), (50, 60)]);
}

#[test]
fn all_is_the_text_every_code_covers_cut_into_pieces() {
    let (p, doc) = project();
    let both = retrieve(&p, &RetrievalQuery { combine: Combine::All, ..query(&["T/A", "T/B"]) }).unwrap();
    assert_eq!(spans(&both), [(20, 30), (50, 55)]);
    let text = documents::text(p.conn(), doc).unwrap();
    assert_eq!(both[0].text, crate::text::char_slice(&text, 20, 30));
    assert_eq!(both[0].code, "T/A & T/B");
    assert_eq!(both[0].coders, ["ana", "ben"]);
    assert_eq!(both[0].codings.len(), 3, "ana's and ben's A and ben's B");
    assert!(both[1].has_memo(), "ana's memo on 50–60");
    let any = retrieve(&p, &query(&["T/A", "T/B"])).unwrap();
    assert_eq!(spans(&any), [(10, 30), (50, 60), (20, 55)], "Any: each code's, codebook order");
    let mut only_ana = RetrievalQuery { combine: Combine::All, ..query(&["T/A", "T/B"]) };
    only_ana.filter.coder = Some("ana".into());
    assert!(retrieve(&p, &only_ana).unwrap().is_empty(), "ana never coded B");
    let theme = RetrievalQuery { combine: Combine::All, ..query(&["T", "T/B"]) };
    assert_eq!(spans(&retrieve(&p, &theme).unwrap()), [(20, 55)], "T with sub-codes covers 10–60");
    let mut bare = theme.clone();
    bare.filter.without_subcodes = true;
    assert!(retrieve(&p, &bare).unwrap().is_empty(), "T itself codes nothing");
}

#[test]
fn segments_match_sql_with_coder_date_and_attribute_filters() {
    let (p, _) = project();
    let conn = p.conn();
    let id: i64 = conn
        .query_row("SELECT code_id FROM coding GROUP BY code_id ORDER BY count(*) DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let busiest = codes::list(conn).unwrap().into_iter().find(|c| c.id == id).unwrap().path;
    let count_id = |sql: &str| conn.query_row(sql, [id], |r| r.get::<_, i64>(0)).unwrap() as usize;
    let mut q = query(&[&busiest]);
    q.filter.without_subcodes = true;
    let distinct =
        count_id("SELECT count(*) FROM (SELECT DISTINCT document_id, start, \"end\" FROM coding WHERE code_id = ?1)");
    assert_eq!(retrieve(&p, &q).unwrap().len(), distinct);
    q.per_coder = true;
    assert_eq!(retrieve(&p, &q).unwrap().len(), count_id("SELECT count(*) FROM coding WHERE code_id = ?1"));
    q.filter.coders = vec!["rosa".into()];
    let rosa = count_id(
        "SELECT count(*) FROM coding g JOIN coder c ON c.id = g.coder_id WHERE g.code_id = ?1 AND c.name = 'rosa'",
    );
    assert_eq!(retrieve(&p, &q).unwrap().len(), rosa);
    q.filter.coded_to = Some("2000-01-01".into());
    assert!(retrieve(&p, &q).unwrap().is_empty(), "nothing coded before 2000");
    let today: String = conn.query_row("SELECT substr(max(created_at), 1, 10) FROM coding", [], |r| r.get(0)).unwrap();
    q.filter.coded_to = Some(today.clone());
    q.filter.coded_from = Some(today);
    assert_eq!(retrieve(&p, &q).unwrap().len(), rosa, "the day itself is included");
    let site: String = conn
        .query_row(
            "SELECT da.value FROM document_attribute da JOIN attribute a ON a.id = da.attribute_id
             JOIN coding g ON g.document_id = da.document_id WHERE a.name = 'site' AND g.code_id = ?1 LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    let at_site = conn
        .query_row(
            "SELECT count(*) FROM coding g JOIN coder c ON c.id = g.coder_id
             JOIN document_attribute da ON da.document_id = g.document_id JOIN attribute a ON a.id = da.attribute_id
             WHERE g.code_id = ?1 AND c.name = 'rosa' AND a.name = 'site' AND da.value = ?2",
            (id, &site),
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize;
    q.filter.wheres = vec![("site".into(), site)];
    let found = retrieve(&p, &q).unwrap();
    assert!(at_site > 0 && at_site < rosa, "the site narrows it: {at_site} of {rosa}");
    assert_eq!(found.len(), at_site);
}

#[test]
fn sort_orders_list_by_document_position_and_length() {
    let (p, _) = project();
    let segments = retrieve(&p, &query(&["T/A", "T/B"])).unwrap();
    let listed = |by| sort_order(&segments, by).into_iter().map(|i| (segments[i].start, segments[i].end)).collect();
    let listed: &dyn Fn(SortBy) -> Vec<(usize, usize)> = &listed;
    assert_eq!(listed(SortBy::Codebook), [(10, 30), (50, 60), (20, 55)]);
    assert_eq!(listed(SortBy::Document), [(10, 30), (20, 55), (50, 60)]);
    assert_eq!(listed(SortBy::Position), [(10, 30), (20, 55), (50, 60)]);
    assert_eq!(listed(SortBy::Length), [(20, 55), (10, 30), (50, 60)]);
}

#[test]
fn the_export_filter_writes_exactly_the_shown_segments() {
    let (p, _) = project();
    let q = query(&["T/A"]);
    let shown = retrieve(&p, &q).unwrap();
    let set = gather(&p, &q.export_filter(&shown)).unwrap();
    let rows: Vec<(usize, usize, String)> =
        set.excerpts.iter().map(|e| (e.start, e.end, e.coder.to_string())).collect();
    assert_eq!(rows, [(10, 30, "ana, ben".to_owned()), (50, 60, "ana".to_owned())]);
    let first_only = q.export_filter(&shown[..1]);
    assert_eq!(gather(&p, &first_only).unwrap().excerpts.len(), 1, "only what is shown");
    let apart = RetrievalQuery { per_coder: true, ..q };
    let shown = retrieve(&p, &apart).unwrap();
    assert_eq!(gather(&p, &apart.export_filter(&shown)).unwrap().excerpts.len(), 3);
}
