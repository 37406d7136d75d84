//! Property tests: the analysis engine against a deliberately simple O(n²) reference written
//! here from the definitions (every unit, with and without grouping and roll-up, passages merged
//! or per coder, scoped attributes, the pairs across groups, filters), on random projects with
//! turns, paragraphs, attributes on both scopes, a three-level codebook, codings that two coders
//! made identically and codings that start between turns (in a speaker's label).

use std::collections::{BTreeMap, BTreeSet};

use fieldcode::Project;
use fieldcode::analysis::{
    ACROSS_LABEL, Bucket, CooccurIndex, Corpus, Filter, FrequencyBy, Grouping, Options, Unit, cooccur, crosstab, drill,
    frequencies,
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

/// Random codings, some of them (where `twin` says so) also made identically by the other coder.
fn world_strategy() -> impl Strategy<Value = World> {
    let coding =
        (0..3usize, 0..CODES.len(), 0..2usize, 0..TEXT_LEN - 1, 1..50u32).prop_map(|(doc, code, coder, start, len)| {
            Coding { doc, code, coder, start, end: (start + len).min(TEXT_LEN) }
        });
    let twins = prop::collection::vec(prop::bool::weighted(0.3), 45);
    (prop::collection::vec(doc_strategy(), 3), prop::collection::vec(coding, 0..45), twins).prop_map(
        |(docs, raw, twins)| {
            let mut codings: Vec<Coding> = Vec::new();
            for (c, twin) in raw.into_iter().zip(twins) {
                let other = Coding { coder: 1 - c.coder, ..c };
                for c in if twin { vec![c, other] } else { vec![c] } {
                    if !codings.contains(&c) {
                        codings.push(c);
                    }
                }
            }
            World { docs, codings }
        },
    )
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
            times: Vec::new(),
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

/// The speaker a coding starting at `s` belongs to: of the turn holding `s`, else of the next
/// turn when no paragraph text lies between `s` and it (`s` is in that turn's label).
fn speaker_of(doc: &Doc, s: u32) -> Option<usize> {
    if let Some(turn) = doc.turns.iter().find(|t| t.0 <= s && s < t.1) {
        return Some(turn.2);
    }
    let next = doc.turns.iter().filter(|t| t.0 > s).min_by_key(|t| t.0)?;
    let text_between = doc.paragraphs.iter().any(|p| p.1 > s && p.0 < next.0);
    (!text_between).then_some(next.2)
}

/// The group of a coding; `by` is `ATTR`, `document:ATTR` or `participant:ATTR`.
fn group_of(world: &World, c: &Coding, by: Option<&str>) -> String {
    let Some(by) = by else { return String::new() };
    let (scope, name) = by.split_once(':').unwrap_or(("", by));
    let doc = &world.docs[c.doc];
    let person = match (name, speaker_of(doc, c.start)) {
        ("role", Some(0)) => Some("link worker"),
        ("role", Some(1)) => Some("team leader"),
        ("site", Some(1)) => Some("office"),
        _ => None,
    };
    let doc_value = if name == "site" { doc.site } else { None };
    let value = match scope {
        "document" => doc_value,
        "participant" => person,
        _ => person.or(doc_value),
    };
    value.unwrap_or("(none)").to_owned()
}

/// The selected codings with identical (document, code, span) merged, the first standing for
/// all; every coding on its own with `per_coder`.
fn passages(world: &World, selected: &[usize], per_coder: bool) -> Vec<usize> {
    let same = |x: &Coding, y: &Coding| (x.doc, x.code, x.start, x.end) == (y.doc, y.code, y.start, y.end);
    let cs = &world.codings;
    selected
        .iter()
        .copied()
        .filter(|&i| per_coder || !selected.iter().any(|&j| j < i && same(&cs[i], &cs[j])))
        .collect()
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
type Pair = (String, String);

#[derive(Debug, Default, PartialEq)]
struct Expected {
    /// (group, a, b) with a < b → (count, documents, jaccard)
    pairs: BTreeMap<Key, (u32, u32, f64)>,
    /// (group, code) → n1
    totals: BTreeMap<(String, String), u32>,
    /// group → passages taking part
    codings: BTreeMap<String, u32>,
    /// (a, b) with a < b → (count, documents) across groups
    across: BTreeMap<Pair, (u32, u32)>,
    /// Unit measures, reference only: (a, b) → units where both codes occur within some group.
    reached: BTreeMap<Pair, u32>,
}

struct Case<'a> {
    by: Option<&'a str>,
    unit: Unit,
    rollup: bool,
    per_coder: bool,
}

fn reference(world: &World, selected: &[usize], case: &Case) -> Expected {
    let Case { by, unit, rollup, per_coder } = *case;
    let mut expected = Expected::default();
    let mut count: BTreeMap<Key, u32> = BTreeMap::new();
    let mut docs: BTreeMap<Key, BTreeSet<usize>> = BTreeMap::new();
    let mut across_docs: BTreeMap<Pair, BTreeSet<usize>> = BTreeMap::new();
    let mut linked: BTreeMap<(String, String, String), BTreeSet<usize>> = BTreeMap::new();
    let key = |g: &str, a: &str, b: &str| (g.to_owned(), a.min(b).to_owned(), a.max(b).to_owned());
    let pair = |a: &str, b: &str| (a.min(b).to_owned(), a.max(b).to_owned());
    let cs = &world.codings;
    let ps = passages(world, selected, per_coder);
    if matches!(unit, Unit::Overlap | Unit::Near(_)) {
        for &i in &ps {
            let g = group_of(world, &cs[i], by);
            for a in expand(cs[i].code, rollup) {
                *expected.totals.entry((g.clone(), a.into())).or_default() += 1;
            }
            *expected.codings.entry(g).or_default() += 1;
        }
        for &i in &ps {
            for &j in &ps {
                let (x, y) = (&cs[i], &cs[j]);
                if i == j || x.doc != y.doc || !close(x, y, unit) {
                    continue;
                }
                let (g, h) = (group_of(world, x, by), group_of(world, y, by));
                for a in expand(x.code, rollup) {
                    for b in expand(y.code, rollup) {
                        if related(a, b) {
                            continue;
                        }
                        if g != h {
                            if i < j {
                                expected.across.entry(pair(a, b)).or_default().0 += 1;
                                across_docs.entry(pair(a, b)).or_default().insert(x.doc);
                            }
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
        for &i in &ps {
            let c = &cs[i];
            let g = group_of(world, c, by);
            let mut hit = false;
            for (u, span) in units(&world.docs[c.doc], unit).into_iter().enumerate() {
                if c.start < span.1 && span.0 < c.end {
                    hit = true;
                    for a in expand(c.code, rollup) {
                        present.insert((c.doc, u, g.clone(), a));
                    }
                }
            }
            if hit {
                *expected.codings.entry(g).or_default() += 1;
            }
        }
        for (d, u, g, a) in &present {
            *expected.totals.entry((g.clone(), (*a).into())).or_default() += 1;
            for (d2, u2, g2, b) in &present {
                if (d, u, g) == (d2, u2, g2) && a < b && !related(a, b) {
                    *count.entry(key(g, a, b)).or_default() += 1;
                    docs.entry(key(g, a, b)).or_default().insert(*d);
                }
            }
        }
        let unit_keys: BTreeSet<(usize, usize)> = present.iter().map(|o| (o.0, o.1)).collect();
        for (d, u) in unit_keys {
            let here: Vec<&(usize, usize, String, &str)> = present.iter().filter(|o| (o.0, o.1) == (d, u)).collect();
            let codes: BTreeSet<&str> = here.iter().map(|o| o.3).collect();
            let in_group =
                |a: &str, b: &str| here.iter().any(|o| o.3 == a && here.iter().any(|p| p.2 == o.2 && p.3 == b));
            for &a in &codes {
                for &b in codes.iter().filter(|&&b| a < b && !related(a, b)) {
                    if in_group(a, b) {
                        *expected.reached.entry(pair(a, b)).or_default() += 1;
                    } else {
                        expected.across.entry(pair(a, b)).or_default().0 += 1;
                        across_docs.entry(pair(a, b)).or_default().insert(d);
                    }
                }
            }
        }
    }
    for (k, entry) in expected.across.iter_mut() {
        entry.1 = across_docs[k].len() as u32;
    }
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

fn options(case: &Case, jaccard: bool) -> Options {
    Options { unit: case.unit, rollup: case.rollup, jaccard, per_coder: case.per_coder }
}

fn grouping(corpus: &Corpus, by: Option<&str>) -> Grouping {
    by.map_or_else(Grouping::overall, |name| Grouping::by_attribute(corpus, name).unwrap())
}

fn engine(corpus: &Corpus, selection: &[u32], case: &Case) -> Expected {
    let grouping = grouping(corpus, case.by);
    let result = cooccur(corpus, selection, &grouping, options(case, true));
    let counts_only = cooccur(corpus, selection, &grouping, options(case, false));
    for (g, h) in result.groups.iter().chain(&result.across).zip(counts_only.groups.iter().chain(&counts_only.across)) {
        assert_eq!(g.count.nonzero(), h.count.nonzero(), "counts do not depend on the jaccard option");
    }
    assert_eq!(result.across.is_some(), case.by.is_some(), "pairs across groups exactly when grouped");
    let mut out = Expected::default();
    for g in &result.groups {
        out.codings.insert(g.label.clone(), g.codings);
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
    if let Some(across) = &result.across {
        assert_eq!(across.label, ACROSS_LABEL);
        for p in across.pairs() {
            assert_eq!(p.jaccard, None, "the pairs across groups have counts only");
            let (a, b) = (&corpus.codes[p.a as usize].path, &corpus.codes[p.b as usize].path);
            out.across.insert((a.min(b).clone(), a.max(b).clone()), (p.count, p.documents));
        }
    }
    out
}

fn assert_same(expected: &Expected, got: &Expected, context: &str) {
    assert_eq!(expected.totals, got.totals, "totals differ ({context})");
    assert_eq!(expected.codings, got.codings, "codings taking part differ ({context})");
    assert_eq!(expected.across, got.across, "pairs across groups differ ({context})");
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
const GROUPINGS: [Option<&str>; 6] =
    [None, Some("site"), Some("role"), Some("document:site"), Some("participant:site"), Some("participant:role")];

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

/// Whether grouping by `by` is refused because no document has a site (every document's value
/// would be `(none)`); the refusal names the attribute.
fn refused(world: &World, corpus: &Corpus, by: Option<&str>) -> bool {
    let Some(by) = by.filter(|b| b.starts_with("document:")) else { return false };
    match Grouping::by_attribute(corpus, by) {
        Ok(_) => false,
        Err(err) => {
            assert!(world.docs.iter().all(|d| d.site.is_none()), "refused although a document has a site: {err}");
            assert!(err.to_string().contains("site"), "{err}");
            true
        }
    }
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
            for by in GROUPINGS.into_iter().filter(|&by| !refused(&world, &corpus, by)) {
                for rollup in [true, false] {
                    for per_coder in [false, true] {
                        let case = Case { by, unit, rollup, per_coder };
                        let context = format!("{unit} by {by:?} rollup {rollup} per coder {per_coder}");
                        assert_same(&reference(&world, &everything, &case), &engine(&corpus, &all, &case), &context);
                    }
                }
            }
        }
    }

    #[test]
    fn the_groups_and_the_pairs_across_them_reconcile_with_the_overall_matrix(world in world_strategy()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let all = Filter::all(&corpus);
        let everything: Vec<usize> = (0..world.codings.len()).collect();
        for unit in UNITS {
            for per_coder in [false, true] {
                let overall = engine(&corpus, &all, &Case { by: None, unit, rollup: true, per_coder });
                for by in GROUPINGS[1..].iter().copied().filter(|&by| !refused(&world, &corpus, by)) {
                    let case = Case { by, unit, rollup: true, per_coder };
                    let grouped = engine(&corpus, &all, &case);
                    let mut in_groups: BTreeMap<Pair, u32> = BTreeMap::new();
                    for ((_, a, b), (n, _, _)) in &grouped.pairs {
                        *in_groups.entry((a.clone(), b.clone())).or_default() += n;
                    }
                    let reached = reference(&world, &everything, &case).reached;
                    let mut pairs: BTreeSet<Pair> = in_groups.keys().chain(grouped.across.keys()).cloned().collect();
                    for ((_, a, b), (n, _, _)) in &overall.pairs {
                        let key = (a.clone(), b.clone());
                        let across = grouped.across.get(&key).map_or(0, |x| x.0);
                        let grouped_count = in_groups.get(&key).copied().unwrap_or(0);
                        if unit.pairs_codings() {
                            prop_assert_eq!(grouped_count + across, *n, "{} {:?} by {:?}", unit, key, by);
                        } else {
                            let reached = reached.get(&key).copied().unwrap_or(0);
                            prop_assert_eq!(reached + across, *n, "{} {:?} by {:?}", unit, key, by);
                            prop_assert!(grouped_count >= reached);
                        }
                        pairs.remove(&key);
                    }
                    prop_assert!(pairs.is_empty(), "pairs counted in groups but not overall: {:?}", pairs);
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
            for (rollup, per_coder) in [(true, false), (false, true)] {
                let options = Options { unit, rollup, jaccard: true, per_coder };
                let index = CooccurIndex::build(&corpus, &all, options);
                for by in [Some("role"), None, Some("site"), None, Some("participant:site")] {
                    let grouping = grouping(&corpus, by);
                    let (kept, fresh) = (index.matrices(&grouping), cooccur(&corpus, &all, &grouping, options));
                    prop_assert_eq!(kept.groups.len(), fresh.groups.len());
                    for (k, f) in kept.groups.iter().chain(&kept.across).zip(fresh.groups.iter().chain(&fresh.across)) {
                        prop_assert_eq!(&k.label, &f.label);
                        prop_assert_eq!(&k.totals, &f.totals);
                        prop_assert_eq!(k.codings, f.codings);
                        prop_assert_eq!(k.pairs(), f.pairs(), "{} by {:?} rollup {}", unit, by, rollup);
                    }
                }
            }
        }
    }

    #[test]
    fn filters_select_what_the_reference_selects(
        world in world_strategy(),
        coder in 0..2usize,
        theme in 0..2usize,
        kind in any::<bool>(),
        condition in 0..4usize,
    ) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let root = ["Care", "Work"][theme];
        let condition = [None, Some(("site", "clinic")), Some(("document:site", "clinic")), Some(("participant:site", "office"))][condition];
        let condition = condition.filter(|(by, _)| !refused(&world, &corpus, Some(by)));
        let filter = Filter {
            coders: Some(vec![corpus.coders[corpus.coder_by_name(["ann", "bob"][coder]).unwrap() as usize].0]),
            code: Some(corpus.codes[corpus.code_by_path(root).unwrap() as usize].id),
            kinds: kind.then(|| vec![DocumentKind::Interview]),
            attributes: condition.iter().map(|(by, value)| (by.to_string(), value.to_string())).collect(),
            ..Filter::default()
        };
        let selection = filter.select(&corpus).unwrap();
        let selected: Vec<usize> = (0..world.codings.len())
            .filter(|&i| {
                let c = &world.codings[i];
                c.coder == coder
                    && CODES[c.code].starts_with(root)
                    && (!kind || c.doc != 2)
                    && condition.is_none_or(|(by, value)| group_of(&world, c, Some(by)) == value)
            })
            .collect();
        let order = corpus_order(&world, &corpus);
        let mut expected: Vec<u32> = selected.iter().map(|&i| order[i] as u32).collect();
        expected.sort_unstable();
        prop_assert_eq!(&selection, &expected);
        for unit in [Unit::Overlap, Unit::Paragraph] {
            let case = Case { by: Some("site"), unit, rollup: true, per_coder: false };
            assert_same(&reference(&world, &selected, &case), &engine(&corpus, &selection, &case), "filtered");
        }
    }

    #[test]
    fn drill_down_lists_what_every_cell_counts(world in world_strategy()) {
        let project = build(&world);
        let corpus = Corpus::load(&project).unwrap();
        let all = Filter::all(&corpus);
        let c = &corpus.codings;
        let index_of = |id: i64| c.id.iter().position(|&x| x == id).unwrap() as u32;
        for (by, per_coder) in [(Some("site"), false), (Some("role"), true), (None, false)] {
            let grouping = grouping(&corpus, by);
            for unit in [Unit::Overlap, Unit::Near(3), Unit::Turn, Unit::Paragraph, Unit::Document] {
                let options = Options { unit, rollup: true, jaccard: false, per_coder };
                let result = cooccur(&corpus, &all, &grouping, options);
                let buckets = result.groups.iter().map(|g| (g, Bucket::Group(grouping.label_index(&g.label).unwrap())));
                for (g, bucket) in buckets.chain(result.across.iter().map(|g| (g, Bucket::Across))) {
                    for p in g.pairs() {
                        let items = drill(&corpus, &all, &grouping, bucket, options, p.a, p.b);
                        let context = format!("{unit} {bucket:?} {:?} per coder {per_coder}", (p.a, p.b));
                        prop_assert_eq!(items.len() as u32, p.count, "{}", context);
                        let docs: BTreeSet<i64> = items.iter().map(|d| d.document).collect();
                        prop_assert_eq!(docs.len() as u32, p.documents);
                        let units: BTreeSet<_> = items.iter().map(|d| (d.document, d.unit)).collect();
                        if !unit.pairs_codings() {
                            prop_assert_eq!(units.len(), items.len(), "one item per unit ({})", context);
                        }
                        for item in &items {
                            prop_assert!(!item.a.is_empty() && !item.b.is_empty());
                            prop_assert_eq!(item.pairs().count(), item.a.len() * item.b.len());
                            let (xs, ys): (Vec<u32>, Vec<u32>) = (
                                item.a.iter().map(|s| index_of(s.coding)).collect(),
                                item.b.iter().map(|s| index_of(s.coding)).collect(),
                            );
                            for &x in &xs {
                                prop_assert!(corpus.chain(c.code[x as usize], true).contains(&p.a));
                            }
                            for &y in &ys {
                                prop_assert!(corpus.chain(c.code[y as usize], true).contains(&p.b));
                            }
                            let groups = |v: &[u32]| v.iter().map(|&i| grouping.of(i)).collect::<BTreeSet<u32>>();
                            match bucket {
                                Bucket::Group(g) => {
                                    prop_assert!(groups(&xs).iter().chain(&groups(&ys)).all(|&h| h == g), "{}", context);
                                }
                                Bucket::Across => {
                                    prop_assert!(groups(&xs).is_disjoint(&groups(&ys)), "{}", context);
                                }
                            }
                            for passage in item.a.iter().chain(&item.b) {
                                let i = index_of(passage.coding) as usize;
                                prop_assert!(!per_coder || passage.merged.is_empty());
                                for &id in &passage.merged {
                                    let j = index_of(id) as usize;
                                    prop_assert!(j > i, "the first coding stands for its passage");
                                    prop_assert_eq!((c.doc[j], c.code[j], c.start[j], c.end[j]), (c.doc[i], c.code[i], c.start[i], c.end[i]));
                                }
                            }
                        }
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
            let speaker = speaker_of(&world.docs[c.doc], c.start);
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
