//! Property tests: the analysis engine against a deliberately simple O(n²) reference written
//! here from the definitions (every unit, with and without grouping and roll-up, with filters),
//! on random projects with turns, paragraphs, attributes on both scopes and a three-level codebook.

use std::collections::{BTreeMap, BTreeSet};

use fieldcode::Project;
use fieldcode::analysis::{
    CooccurIndex, Corpus, Filter, FrequencyBy, Grouping, Options, Unit, cooccur, crosstab, drill, frequencies,
};
use fieldcode::coding::Recorder;
use fieldcode::coding::rows::{CodeRec, CodingRec, Row};
use fieldcode::import::{ParsedDocument, ParsedTurn};
use fieldcode::model::{AttributeScope, DocumentKind, Span};
use fieldcode::store::documents;
use proptest::prelude::*;

const TEXT_LEN: u32 = 160;
/// The codebook: (path, parent path).
const CODES: [&str; 7] = ["Care", "Care/Trust", "Care/Trust/Early", "Care/Time", "Work", "Work/Forms", "Work/Targets"];
const SPEAKERS: [&str; 3] = ["P0", "P1", "P2"];

#[derive(Debug, Clone)]
struct Doc {
    site: Option<&'static str>,
    /// (start, end, speaker)
    turns: Vec<(u32, u32, usize)>,
    paragraphs: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Coding {
    doc: usize,
    code: usize,
    coder: usize,
    start: u32,
    end: u32,
}

#[derive(Debug, Clone)]
struct World {
    docs: Vec<Doc>,
    codings: Vec<Coding>,
}

/// Disjoint spans from alternating (gap, length) pieces, clipped to the text.
fn spans(pieces: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut at = 0;
    let mut out = Vec::new();
    for &(gap, len) in pieces {
        let start = at + gap;
        let end = (start + len).min(TEXT_LEN);
        if start >= end {
            break;
        }
        out.push((start, end));
        at = end;
    }
    out
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    let site = prop_oneof![Just(None), Just(Some("clinic")), Just(Some("home"))];
    let pieces = || prop::collection::vec((0..6u32, 1..40u32), 0..8);
    (site, pieces(), prop::collection::vec(0..3usize, 8), pieces()).prop_map(|(site, t, who, p)| Doc {
        site,
        turns: spans(&t).into_iter().zip(who).map(|((s, e), w)| (s, e, w)).collect(),
        paragraphs: spans(&p),
    })
}

fn world_strategy() -> impl Strategy<Value = World> {
    let coding =
        (0..3usize, 0..CODES.len(), 0..2usize, 0..TEXT_LEN - 1, 1..50u32).prop_map(|(doc, code, coder, start, len)| {
            Coding { doc, code, coder, start, end: (start + len).min(TEXT_LEN) }
        });
    (prop::collection::vec(doc_strategy(), 3), prop::collection::vec(coding, 0..45)).prop_map(|(docs, raw)| {
        let mut codings: Vec<Coding> = Vec::new();
        for c in raw {
            if !codings.contains(&c) {
                codings.push(c);
            }
        }
        World { docs, codings }
    })
}

/// Writes the world into an in-memory project with plain SQL inserts.
fn build(world: &World) -> Project {
    let mut project = Project::in_memory().unwrap();
    let tx = project.conn_mut().transaction().unwrap();
    let mut doc_ids = Vec::new();
    for (d, doc) in world.docs.iter().enumerate() {
        let text: String = format!("doc{d}:").chars().chain(std::iter::repeat('x')).take(TEXT_LEN as usize).collect();
        let parsed = ParsedDocument {
            name: format!("D{d}"),
            char_len: text.chars().count(),
            text,
            turns: doc
                .turns
                .iter()
                .map(|&(s, e, w)| ParsedTurn {
                    speaker: SPEAKERS[w].into(),
                    start: s as usize,
                    end: e as usize,
                    time_ms: None,
                })
                .collect(),
            paragraphs: doc.paragraphs.iter().map(|&(s, e)| Span { start: s as usize, end: e as usize }).collect(),
            attributes: doc.site.map(|s| vec![("site".to_string(), s.to_string())]).unwrap_or_default(),
        };
        let new = documents::NewDocument {
            parsed: &parsed,
            kind: if d == 2 { DocumentKind::FieldNote } else { DocumentKind::Interview },
            guid: None,
            sha256: None,
            source_path: None,
            extra_attributes: &[],
        };
        doc_ids.push(documents::insert(&tx, &new).unwrap());
    }
    let mut rec = Recorder::unrecorded(&tx);
    // P0 and P1 have roles; P1 also has a site of their own, which wins over the document's.
    for (label, role, site) in [("P0", Some("link worker"), None), ("P1", Some("team leader"), Some("office"))] {
        let id = rec.participant_labelled(label).unwrap();
        if let Some(role) = role {
            rec.set_value(AttributeScope::Participant, id, "role", Some(role)).unwrap();
        }
        if let Some(site) = site {
            rec.set_value(AttributeScope::Participant, id, "site", Some(site)).unwrap();
        }
    }
    let mut code_ids: Vec<i64> = Vec::new();
    for (i, path) in CODES.iter().enumerate() {
        let (parent, name) = match path.rsplit_once('/') {
            Some((parent, name)) => (Some(code_ids[CODES.iter().position(|p| *p == parent).unwrap()]), name),
            None => (None, *path),
        };
        let code = |id| {
            Row::Code(CodeRec {
                id,
                guid: format!("code-{i}"),
                parent_id: parent,
                name: name.into(),
                color: "#808080".into(),
                description: String::new(),
                inclusion: String::new(),
                exclusion: String::new(),
                example: String::new(),
                status: "proposed".into(),
                position: i as i64,
                created_at: "now".into(),
            })
        };
        code_ids.push(rec.insert_new("code", code).unwrap());
    }
    let coder_ids = ["ann", "bob"].map(|name| rec.coder_named(name).unwrap());
    for (i, c) in world.codings.iter().enumerate() {
        let coding = |id| {
            Row::Coding(CodingRec {
                id,
                guid: format!("g{i}"),
                document_id: doc_ids[c.doc],
                code_id: code_ids[c.code],
                coder_id: coder_ids[c.coder],
                start: c.start as i64,
                end: c.end as i64,
                created_at: "now".into(),
            })
        };
        rec.insert_new("coding", coding).unwrap();
    }
    drop(rec);
    tx.commit().unwrap();
    project
}

// ---------- the reference ----------

fn expand(code: usize, rollup: bool) -> Vec<&'static str> {
    let path = CODES[code];
    if !rollup {
        return vec![path];
    }
    CODES.iter().copied().filter(|p| *p == path || path.starts_with(&format!("{p}/"))).collect()
}

fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/"))
}

fn group_of(world: &World, c: &Coding, by: Option<&str>) -> String {
    let Some(by) = by else { return String::new() };
    let doc = &world.docs[c.doc];
    let speaker = doc.turns.iter().find(|t| t.0 <= c.start && c.start < t.1).map(|t| t.2);
    let person = match (by, speaker) {
        ("role", Some(0)) => Some("link worker"),
        ("role", Some(1)) => Some("team leader"),
        ("site", Some(1)) => Some("office"),
        _ => None,
    };
    let doc_value = if by == "site" { doc.site } else { None };
    person.or(doc_value).unwrap_or("(none)").to_owned()
}

fn units(doc: &Doc, unit: Unit) -> Vec<(u32, u32)> {
    match unit {
        Unit::Turn => doc.turns.iter().map(|t| (t.0, t.1)).collect(),
        Unit::Paragraph => doc.paragraphs.clone(),
        _ => vec![(0, u32::MAX)],
    }
}

fn close(a: &Coding, b: &Coding, unit: Unit) -> bool {
    let gap = a.start.max(b.start) as i64 - a.end.min(b.end) as i64;
    match unit {
        Unit::Overlap => gap < 0,
        Unit::Near(n) => gap <= n as i64,
        _ => unreachable!(),
    }
}

type Key = (String, String, String);

#[derive(Debug, Default, PartialEq)]
struct Expected {
    /// (group, a, b) with a < b → (count, documents, jaccard)
    pairs: BTreeMap<Key, (u32, u32, f64)>,
    /// (group, code) → n1
    totals: BTreeMap<(String, String), u32>,
}

fn reference(world: &World, selected: &[usize], by: Option<&str>, unit: Unit, rollup: bool) -> Expected {
    let mut count: BTreeMap<Key, u32> = BTreeMap::new();
    let mut docs: BTreeMap<Key, BTreeSet<usize>> = BTreeMap::new();
    let mut totals: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut linked: BTreeMap<(String, String, String), BTreeSet<usize>> = BTreeMap::new();
    let key = |g: &str, a: &str, b: &str| (g.to_owned(), a.min(b).to_owned(), a.max(b).to_owned());
    let cs = &world.codings;
    if matches!(unit, Unit::Overlap | Unit::Near(_)) {
        for &i in selected {
            for a in expand(cs[i].code, rollup) {
                *totals.entry((group_of(world, &cs[i], by), a.into())).or_default() += 1;
            }
        }
        for &i in selected {
            for &j in selected {
                let (x, y) = (&cs[i], &cs[j]);
                let g = group_of(world, x, by);
                if i == j || x.doc != y.doc || g != group_of(world, y, by) || !close(x, y, unit) {
                    continue;
                }
                for a in expand(x.code, rollup) {
                    for b in expand(y.code, rollup) {
                        if related(a, b) {
                            continue;
                        }
                        linked.entry((g.clone(), a.into(), b.into())).or_default().insert(i);
                        if i < j {
                            *count.entry(key(&g, a, b)).or_default() += 1;
                            docs.entry(key(&g, a, b)).or_default().insert(x.doc);
                        }
                    }
                }
            }
        }
    } else {
        let mut present: BTreeSet<(usize, usize, String, &str)> = BTreeSet::new();
        for &i in selected {
            let c = &cs[i];
            for (u, span) in units(&world.docs[c.doc], unit).into_iter().enumerate() {
                if c.start < span.1 && span.0 < c.end {
                    for a in expand(c.code, rollup) {
                        present.insert((c.doc, u, group_of(world, c, by), a));
                    }
                }
            }
        }
        for (d, u, g, a) in &present {
            *totals.entry((g.clone(), (*a).into())).or_default() += 1;
            for (d2, u2, g2, b) in &present {
                if (d, u, g) == (d2, u2, g2) && a < b && !related(a, b) {
                    *count.entry(key(g, a, b)).or_default() += 1;
                    docs.entry(key(g, a, b)).or_default().insert(*d);
                }
            }
        }
    }
    let mut expected = Expected { totals, ..Expected::default() };
    for (k, n12) in count {
        let (g, a, b) = &k;
        let n1 = expected.totals[&(g.clone(), a.clone())];
        let n2 = expected.totals[&(g.clone(), b.clone())];
        let shared = if matches!(unit, Unit::Overlap | Unit::Near(_)) {
            let side = |p: &str, q: &str| linked.get(&(g.clone(), p.into(), q.into())).map_or(0, |s| s.len() as u32);
            side(a, b).min(side(b, a))
        } else {
            n12
        };
        let jaccard = f64::from(shared) / f64::from(n1 + n2 - shared);
        let documents = docs[&k].len() as u32;
        expected.pairs.insert(k, (n12, documents, jaccard));
    }
    expected
}

// ---------- the engine, in the same shape ----------

fn engine(corpus: &Corpus, selection: &[u32], by: Option<&str>, unit: Unit, rollup: bool) -> Expected {
    let grouping = match by {
        Some(name) => Grouping::by_attribute(corpus, name).unwrap(),
        None => Grouping::overall(),
    };
    let result = cooccur(corpus, selection, &grouping, Options { unit, rollup, jaccard: true });
    let counts_only = cooccur(corpus, selection, &grouping, Options { unit, rollup, jaccard: false });
    for (g, h) in result.groups.iter().zip(&counts_only.groups) {
        assert_eq!(g.count.nonzero(), h.count.nonzero(), "counts do not depend on the jaccard option");
    }
    let mut out = Expected::default();
    for g in &result.groups {
        for (c, &n) in g.totals.iter().enumerate() {
            if n > 0 {
                out.totals.insert((g.label.clone(), corpus.codes[c].path.clone()), n);
            }
        }
        for p in g.pairs() {
            let (a, b) = (&corpus.codes[p.a as usize].path, &corpus.codes[p.b as usize].path);
            let key = (g.label.clone(), a.min(b).clone(), a.max(b).clone());
            let jaccard = p.jaccard.expect("computed");
            assert!((0.0..=1.0).contains(&jaccard), "jaccard out of range: {p:?}");
            out.pairs.insert(key, (p.count, p.documents, jaccard));
        }
    }
    out
}

fn assert_same(expected: &Expected, got: &Expected, context: &str) {
    assert_eq!(expected.totals, got.totals, "totals differ ({context})");
    let keys = |e: &Expected| e.pairs.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(expected), keys(got), "pairs differ ({context})");
    for (k, (count, docs, jaccard)) in &expected.pairs {
        let (c2, d2, j2) = got.pairs[k];
        assert_eq!((*count, *docs), (c2, d2), "count/documents of {k:?} ({context})");
        assert!((jaccard - j2).abs() < 1e-9, "jaccard of {k:?}: {jaccard} vs {j2} ({context})");
    }
}

/// Per (code, value): codings, documents and speakers.
type CrosstabCounts = (u32, BTreeSet<usize>, BTreeSet<usize>);

const UNITS: [Unit; 6] = [Unit::Overlap, Unit::Near(0), Unit::Near(7), Unit::Turn, Unit::Paragraph, Unit::Document];

/// Corpus coding index of each world coding (matched on document, code, coder and span).
fn corpus_order(world: &World, corpus: &Corpus) -> Vec<usize> {
    let c = &corpus.codings;
    world
        .codings
        .iter()
        .map(|w| {
            (0..c.len())
                .find(|&i| {
                    corpus.documents[c.doc[i] as usize].name == format!("D{}", w.doc)
                        && corpus.codes[c.code[i] as usize].path == CODES[w.code]
                        && corpus.coders[c.coder[i] as usize].1 == ["ann", "bob"][w.coder]
                        && (c.start[i], c.end[i]) == (w.start, w.end)
                })
                .expect("every coding is loaded")
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn cooccurrence_matches_the_reference(world in world_strategy()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let all = Filter::all(&corpus);
        let everything: Vec<usize> = (0..world.codings.len()).collect();
        for unit in UNITS {
            for by in [None, Some("site"), Some("role")] {
                for rollup in [true, false] {
                    let context = format!("{unit} by {by:?} rollup {rollup}");
                    assert_same(&reference(&world, &everything, by, unit, rollup), &engine(&corpus, &all, by, unit, rollup), &context);
                }
            }
        }
    }

    #[test]
    fn one_index_regroups_like_a_fresh_computation(world in world_strategy()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let all = Filter::all(&corpus);
        for unit in UNITS {
            for rollup in [true, false] {
                let options = Options { unit, rollup, jaccard: true };
                let index = CooccurIndex::build(&corpus, &all, options);
                for by in [Some("role"), None, Some("site"), None] {
                    let grouping = by.map_or_else(Grouping::overall, |name| Grouping::by_attribute(&corpus, name).unwrap());
                    let (kept, fresh) = (index.matrices(&grouping), cooccur(&corpus, &all, &grouping, options));
                    prop_assert_eq!(kept.groups.len(), fresh.groups.len());
                    for (k, f) in kept.groups.iter().zip(&fresh.groups) {
                        prop_assert_eq!(&k.label, &f.label);
                        prop_assert_eq!(&k.totals, &f.totals);
                        prop_assert_eq!(k.pairs(), f.pairs(), "{} by {:?} rollup {}", unit, by, rollup);
                    }
                }
            }
        }
    }

    #[test]
    fn filters_select_what_the_reference_selects(world in world_strategy(), coder in 0..2usize, theme in 0..2usize, kind in any::<bool>()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let root = ["Care", "Work"][theme];
        let filter = Filter {
            coders: Some(vec![corpus.coders[corpus.coder_by_name(["ann", "bob"][coder]).unwrap() as usize].0]),
            code: Some(corpus.codes[corpus.code_by_path(root).unwrap() as usize].id),
            kinds: kind.then(|| vec![DocumentKind::Interview]),
            ..Filter::default()
        };
        let selection = filter.select(&corpus).unwrap();
        let selected: Vec<usize> = (0..world.codings.len())
            .filter(|&i| {
                let c = &world.codings[i];
                c.coder == coder && CODES[c.code].starts_with(root) && (!kind || c.doc != 2)
            })
            .collect();
        let order = corpus_order(&world, &corpus);
        let mut expected: Vec<u32> = selected.iter().map(|&i| order[i] as u32).collect();
        expected.sort_unstable();
        prop_assert_eq!(&selection, &expected);
        for unit in [Unit::Overlap, Unit::Paragraph] {
            assert_same(&reference(&world, &selected, Some("site"), unit, true), &engine(&corpus, &selection, Some("site"), unit, true), "filtered");
        }
    }

    #[test]
    fn drill_down_explains_every_cell(world in world_strategy()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let all = Filter::all(&corpus);
        let grouping = Grouping::by_attribute(&corpus, "site").unwrap();
        let c = &corpus.codings;
        for unit in [Unit::Overlap, Unit::Near(3), Unit::Turn, Unit::Document] {
            let options = Options { unit, rollup: true, jaccard: false };
            let result = cooccur(&corpus, &all, &grouping, options);
            for g in &result.groups {
                let group = grouping.label_index(&g.label).unwrap();
                for p in g.pairs() {
                    let pairs = drill(&corpus, &all, &grouping, Some(group), options, p.a, p.b);
                    let distinct: BTreeSet<_> = if unit.pairs_codings() {
                        pairs.iter().map(|d| (d.coding_a, d.coding_b)).collect()
                    } else {
                        pairs.iter().map(|d| (d.document, d.unit.map_or(0, |u| i64::from(u.0)))).collect()
                    };
                    prop_assert_eq!(distinct.len() as u32, p.count, "{} {:?}", unit, (p.a, p.b));
                    let docs: BTreeSet<i64> = pairs.iter().map(|d| d.document).collect();
                    prop_assert_eq!(docs.len() as u32, p.documents);
                    for d in &pairs {
                        let ia = c.id.iter().position(|&id| id == d.coding_a).unwrap();
                        let ib = c.id.iter().position(|&id| id == d.coding_b).unwrap();
                        prop_assert!(corpus.chain(c.code[ia], true).contains(&p.a));
                        prop_assert!(corpus.chain(c.code[ib], true).contains(&p.b));
                        prop_assert_eq!(grouping.of(ia as u32), group);
                        prop_assert_eq!(grouping.of(ib as u32), group);
                    }
                }
            }
        }
    }

    #[test]
    fn crosstab_and_frequencies_match_the_reference(world in world_strategy()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let all = Filter::all(&corpus);
        let grouping = Grouping::by_attribute(&corpus, "role").unwrap();
        let table = crosstab(&corpus, &all, &grouping, true);
        let mut expected: BTreeMap<(String, String), CrosstabCounts> = BTreeMap::new();
        for c in &world.codings {
            let speaker = world.docs[c.doc].turns.iter().find(|t| t.0 <= c.start && c.start < t.1).map(|t| t.2);
            for a in expand(c.code, true) {
                let cell = expected.entry((a.to_owned(), group_of(&world, c, Some("role")))).or_default();
                cell.0 += 1;
                cell.1.insert(c.doc);
                cell.2.extend(speaker);
            }
        }
        let mut got = BTreeMap::new();
        for row in &table.rows {
            let mut row_pct = 0.0;
            for cell in &row.cells {
                row_pct += cell.row_pct;
                if cell.codings > 0 {
                    got.insert((row.code.clone(), cell.value.clone()), (cell.codings, cell.documents, cell.participants));
                }
            }
            prop_assert!((row_pct - 100.0).abs() < 0.5, "row percentages of {} add to {}", row.code, row_pct);
        }
        let expected: BTreeMap<_, _> = expected.into_iter().map(|(k, v)| (k, (v.0, v.1.len() as u32, v.2.len() as u32))).collect();
        prop_assert_eq!(got, expected);

        let freq = frequencies(&corpus, &all, FrequencyBy::Code, false);
        for (code, path) in CODES.iter().enumerate() {
            let n = world.codings.iter().filter(|c| c.code == code).count() as u32;
            let row = freq.iter().find(|f| f.key == *path).unwrap();
            prop_assert_eq!(row.codings, n);
        }
        let by_coder = frequencies(&corpus, &all, FrequencyBy::Coder, true);
        prop_assert_eq!(by_coder.iter().map(|f| f.codings as usize).sum::<usize>(), world.codings.len());
    }
}
