//! A generator of large synthetic projects (`fieldcode synth`), for benchmarks and for trying
//! Fieldcode at scale: focus-group transcripts with timestamped speaker turns, document attributes
//! `site` and `provider`, participant attribute `role`, a two-level codebook (themes with codes)
//! and random, partly overlapping codings of realistic length by three coders.
//!
//! Output is deterministic for a seed (text, attributes, codebook, codings and their guids).
//! Documents go through the real parser and [`documents::insert`] so turns and paragraphs are
//! genuine; codes, codings, coders and participants go through the coding engine's
//! [`Recorder`] (unrecorded: a new project has nothing to undo). Everything is written in one
//! transaction: a failure leaves no project behind.

use std::collections::HashSet;
use std::path::Path;

use crate::coding::Recorder;
use crate::coding::rows::{CodeRec, CodingRec, Row};
use crate::error::{Error, Result};
use crate::import::{self, Format, ParsedDocument};
use crate::model::{AttributeScope, ReviewStatus};
use crate::store::Project;
use crate::store::documents::{self, NewDocument};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How big a project to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthOptions {
    pub docs: usize,
    /// Approximate characters of transcript per document.
    pub chars: usize,
    /// Codebook entries, themes included (about one theme per 15 codes).
    pub codes: usize,
    pub codings: usize,
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthReport {
    pub documents: usize,
    pub participants: usize,
    pub codes: usize,
    pub codings: usize,
}

const SITES: [&str; 5] = ["GP surgery", "client home", "provider office", "staff meeting", "community venue"];
const PROVIDERS: [&str; 2] = ["Northfield Wellbeing", "Riverside Community Partnership"];
const CODERS: [&str; 3] = ["Amira", "Ben", "Chloe"];
const THEMES: [&str; 10] = [
    "Referral work",
    "Client relationships",
    "Boundaries",
    "Team support",
    "Clinical setting",
    "Community resources",
    "Measuring outcomes",
    "Workload",
    "Professional identity",
    "Funding",
];
const WORDS: [&str; 40] = [
    "referral",
    "surgery",
    "client",
    "questionnaire",
    "phone",
    "visit",
    "the",
    "and",
    "we",
    "she",
    "really",
    "community",
    "walking",
    "group",
    "practice",
    "manager",
    "caseload",
    "café",
    "outcome",
    "payment",
    "know",
    "housing",
    "benefits",
    "lonely",
    "GP",
    "receptionist",
    "form",
    "weeks",
    "support",
    "team",
    "leader",
    "time",
    "trust",
    "home",
    "list",
    "waiting",
    "funding",
    "target",
    "listen",
    "called",
];
/// (label prefix, how many, role)
const PEOPLE: [(&str, usize, &str); 3] =
    [("LW", 40, "link worker"), ("TL", 8, "team leader"), ("FAC", 4, "facilitator")];

/// Writes a new synthetic project at `path` (which must not exist).
pub fn generate(path: &Path, options: &SynthOptions) -> Result<SynthReport> {
    if options.docs == 0 || options.codes == 0 || options.chars < 200 {
        return Err(Error::invalid("synth needs --docs ≥ 1, --codes ≥ 1 and --chars ≥ 200"));
    }
    let mut project = Project::create(path)?;
    let result = fill(&mut project, options);
    if result.is_err() {
        drop(project);
        let _ = std::fs::remove_file(path);
    }
    result
}

fn fill(project: &mut Project, options: &SynthOptions) -> Result<SynthReport> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let tx = project.write_transaction()?;
    let mut rec = Recorder::unrecorded(&tx);
    let coder_ids: Vec<i64> = CODERS.iter().map(|n| rec.coder_named(n)).collect::<Result<_>>()?;
    let people = add_people(&mut rec, &mut rng)?;
    let leaves = add_codebook(&mut rec, &mut rng, options.codes)?;
    let mut written = 0;
    for d in 0..options.docs {
        let wanted = options.codings / options.docs + usize::from(d < options.codings % options.docs);
        let parsed = transcript(&mut rng, d, options.chars, &people);
        let guid = guid(&mut rng);
        let new = NewDocument {
            parsed: &parsed,
            kind: parsed.inferred_kind(),
            guid: Some(&guid),
            sha256: None,
            source_path: None,
            extra_attributes: &[],
        };
        let doc = documents::insert(&tx, &new)?;
        written += add_codings(&mut rec, &mut rng, doc, &parsed, wanted, &leaves, &coder_ids)?;
    }
    drop(rec);
    tx.commit()?;
    Ok(SynthReport { documents: options.docs, participants: people.len(), codes: options.codes, codings: written })
}

fn guid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string()
}

fn add_people(rec: &mut Recorder<'_>, rng: &mut StdRng) -> Result<Vec<String>> {
    let mut labels = Vec::new();
    for (prefix, count, role) in PEOPLE {
        for k in 1..=count {
            let label = format!("{prefix}{k:02}");
            let id = rec.participant_labelled(&label)?;
            let provider = PROVIDERS[rng.random_range(0..PROVIDERS.len())];
            rec.set_value(AttributeScope::Participant, id, "role", Some(role))?;
            rec.set_value(AttributeScope::Participant, id, "provider", Some(provider))?;
            labels.push(label);
        }
    }
    Ok(labels)
}

/// Inserts themes and their codes; returns the ids of the codes codings go on (the leaves, or the
/// single code when `total` is 1).
fn add_codebook(rec: &mut Recorder<'_>, rng: &mut StdRng, total: usize) -> Result<Vec<i64>> {
    let themes = if total < 2 { total } else { (total / 15).clamp(1, total - 1) };
    let mut theme_ids = Vec::new();
    for t in 0..themes {
        let name = format!("{} {}", THEMES[t % THEMES.len()], t / THEMES.len() + 1);
        let color = format!("#{:06x}", rng.random_range(0..0xff_ffffu32));
        let guid = guid(rng);
        theme_ids.push(rec.insert_new("code", |id| code_row(id, guid, None, name, color, t))?);
    }
    if total < 2 {
        return Ok(theme_ids);
    }
    let mut leaves = Vec::new();
    for k in 0..total - themes {
        let parent = theme_ids[k % themes];
        let name = format!("{} {} {}", WORDS[k % WORDS.len()], WORDS[(k / WORDS.len() + 7) % WORDS.len()], k + 1);
        let guid = guid(rng);
        leaves.push(rec.insert_new("code", |id| code_row(id, guid, Some(parent), name, "#808080".into(), k / themes))?);
    }
    Ok(leaves)
}

fn code_row(id: i64, guid: String, parent_id: Option<i64>, name: String, color: String, position: usize) -> Row {
    Row::Code(CodeRec {
        id,
        guid,
        parent_id,
        name,
        color,
        description: String::new(),
        inclusion: String::new(),
        exclusion: String::new(),
        example: String::new(),
        status: ReviewStatus::Proposed.as_str().to_owned(),
        position: position as i64,
        created_at: crate::store::now_utc(),
    })
}

/// A focus-group transcript of about `chars` characters with front-matter attributes.
fn transcript(rng: &mut StdRng, index: usize, chars: usize, people: &[String]) -> ParsedDocument {
    let site = SITES[rng.random_range(0..SITES.len())];
    let provider = PROVIDERS[rng.random_range(0..PROVIDERS.len())];
    let mut text = format!("---\nsite: {site}\nprovider: {provider}\n---\n");
    let facilitator = &people[people.len() - 1 - rng.random_range(0..4)];
    let speakers: Vec<&String> = (0..rng.random_range(2..6)).map(|_| &people[rng.random_range(0..48)]).collect();
    let body_start = text.len();
    let mut seconds = 0;
    let mut turn = 0usize;
    while text.len() - body_start < chars {
        let who = if turn.is_multiple_of(4) { facilitator } else { speakers[rng.random_range(0..speakers.len())] };
        text.push_str(&format!("[{:02}:{:02}:{:02}] {who}: ", seconds / 3600, seconds / 60 % 60, seconds % 60));
        let words: usize = rng.random_range(8..90);
        for w in 0..words {
            if w > 0 && w.is_multiple_of(30) {
                text.push('\n');
            }
            text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
            text.push_str(if rng.random_range(0..12) == 0 { ". " } else { " " });
        }
        text.push_str(if rng.random_range(0..3) == 0 { "\n\n" } else { "\n" });
        seconds += rng.random_range(3..40);
        turn += 1;
    }
    let name = format!("FG{:05}", index + 1);
    // The generated text always parses; fall back to a plain document if the parser ever refuses.
    let attributes = vec![("site".into(), site.into()), ("provider".into(), provider.into())];
    import::parse_bytes(&name, Format::Text, text.as_bytes())
        .unwrap_or_else(|_| ParsedDocument::from_text(&name, text.clone(), attributes))
}

fn add_codings(
    rec: &mut Recorder<'_>,
    rng: &mut StdRng,
    doc: i64,
    parsed: &ParsedDocument,
    wanted: usize,
    codes: &[i64],
    coders: &[i64],
) -> Result<usize> {
    let len = parsed.text.chars().count();
    if len < 2 || wanted == 0 {
        return Ok(0);
    }
    let now = crate::store::now_utc();
    let mut next = rec.next_id("coding")?;
    let mut seen = HashSet::with_capacity(wanted);
    let mut written = 0;
    for _ in 0..wanted * 4 {
        if written == wanted {
            break;
        }
        let skew: f64 = rng.random::<f64>();
        let code = codes[((skew * skew) * codes.len() as f64) as usize % codes.len()];
        let coder = coders[rng.random_range(0..coders.len())];
        let length = (20.0 + rng.random::<f64>().powi(2) * 380.0) as usize;
        let start = match parsed.turns.len() {
            0 => rng.random_range(0..len - 1),
            n if rng.random_range(0..10) < 7 => {
                let t = &parsed.turns[rng.random_range(0..n)];
                (t.start + rng.random_range(0..(t.end - t.start).clamp(1, 60))).min(len - 1)
            }
            _ => rng.random_range(0..len - 1),
        };
        let end = (start + length).min(len);
        if !seen.insert((code, coder, start, end)) {
            continue;
        }
        let guid = guid(rng);
        let row = CodingRec {
            id: next,
            guid,
            document_id: doc,
            code_id: code,
            coder_id: coder,
            start: start as i64,
            end: end as i64,
            created_at: now.clone(),
        };
        rec.insert(Row::Coding(row))?;
        next += 1;
        written += 1;
    }
    Ok(written)
}
