//! Inter-coder agreement per code and pooled: percent agreement, Cohen's kappa (two coders) and
//! Krippendorff's alpha (nominal, any number of coders, missing data).
//!
//! Units are either characters (each code point of each document: 1 if the coder's codings of
//! the code cover it, else 0) or segments (each turn or paragraph: 1 if the coder has a coding of
//! the code overlapping it). Character units are counted run by run with interval arithmetic, so
//! a long project costs as much as its number of codings, not its number of characters.
//! Only documents that at least two of the chosen coders coded take part (see [`super::scope`]).

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use super::intervals::{overlaps, sweep, union};
use super::reliability::{Pattern, Tally, cohen_kappa, krippendorff_alpha_nominal, percent_agreement};
use super::scope::{self, Coders};
use crate::error::Result;
use crate::model::{CodeId, DocumentId, Span};
use crate::store::documents;

/// What one unit of analysis is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Char,
    Turn,
    Paragraph,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Char => "char",
            Unit::Turn => "turn",
            Unit::Paragraph => "paragraph",
        }
    }
}

impl std::str::FromStr for Unit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "char" | "character" | "characters" => Ok(Unit::Char),
            "turn" | "turns" => Ok(Unit::Turn),
            "paragraph" | "paragraphs" => Ok(Unit::Paragraph),
            other => Err(format!("unknown unit {other:?}; use char, turn or paragraph")),
        }
    }
}

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct AgreementRequest {
    /// Coder names, at least two.
    pub coders: Vec<String>,
    /// A code path: that code and its descendants, each on its own; `None` for the codebook.
    pub code: Option<String>,
    pub unit: Unit,
}

/// The coefficients for one code, or pooled over codes. `None` means undefined (printed `n/a`,
/// JSON `null`): no pairable units, or no variation for kappa/alpha.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficients {
    /// Units with values from at least two coders.
    pub units: u64,
    /// Units each coder marked as coded, in coder order.
    pub coded_units: Vec<u64>,
    /// Percent (0–100) of agreeing coder pairs; pairwise when more than two coders.
    pub percent_agreement: Option<f64>,
    /// Cohen's kappa; only for exactly two coders.
    pub cohen_kappa: Option<f64>,
    /// Krippendorff's alpha, nominal.
    pub krippendorff_alpha: Option<f64>,
}

impl Coefficients {
    /// The coefficients of a tally of binary (coded / not coded) units.
    pub fn of(tally: &Tally, coders: usize) -> Coefficients {
        Coefficients {
            units: tally.pairable_units(),
            coded_units: (0..coders).map(|i| tally.units_with(i, 1)).collect(),
            percent_agreement: percent_agreement(tally).map(|p| p * 100.0),
            cohen_kappa: if coders == 2 { cohen_kappa(tally, 0, 1) } else { None },
            krippendorff_alpha: krippendorff_alpha_nominal(tally),
        }
    }
}

/// Agreement on one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    pub code_id: CodeId,
    pub code: String,
    #[serde(flatten)]
    pub coefficients: Coefficients,
}

/// The result of [`agreement`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    pub unit: Unit,
    pub coders: Vec<String>,
    /// True when percent agreement is averaged over coder pairs (more than two coders).
    pub pairwise: bool,
    /// Documents coded by at least two of the coders.
    pub documents: usize,
    pub codes: Vec<CodeAgreement>,
    /// All codes together: units × codes.
    pub pooled: Coefficients,
}

/// Computes agreement between coders over the codes in scope. Codes that none of the chosen
/// coders applied are left out (they would only add agreement on "not coded").
pub fn agreement(conn: &Connection, request: &AgreementRequest) -> Result<AgreementReport> {
    let coders = scope::resolve_coders(conn, &request.coders)?;
    let codes = scope::codes_in_scope(conn, request.code.as_deref())?;
    let grouped = scope::grouped_codings(conn, &coders, &codes)?;
    let coded = scope::coded_documents(conn)?;
    let shared: Vec<(DocumentId, usize)> = documents::list(conn)?
        .into_iter()
        .filter(|d| coders.ids.iter().filter(|&&c| coded.contains(&(d.id, c))).count() >= 2)
        .map(|d| (d.id, d.chars))
        .collect();
    let segments = segments(conn, request.unit, &shared)?;
    let n = coders.ids.len();
    let mut pooled = Tally::new();
    let mut rows = Vec::new();
    for code in codes.iter().filter(|c| grouped.contains_key(&c.id)) {
        let mut tally = Tally::new();
        for &(doc, len) in &shared {
            let layers = scope::layers(doc, &coders, &coded, grouped.get(&code.id).and_then(|g| g.get(&doc)));
            let part = match segments.get(&doc) {
                Some(segs) => segment_tally(segs, &layers),
                None => char_tally(len, &layers),
            };
            tally.absorb(&part);
        }
        pooled.absorb(&tally);
        rows.push(CodeAgreement {
            code_id: code.id,
            code: code.path.clone(),
            coefficients: Coefficients::of(&tally, n),
        });
    }
    Ok(report(request.unit, coders, shared.len(), rows, &pooled))
}

fn report(unit: Unit, coders: Coders, documents: usize, codes: Vec<CodeAgreement>, pooled: &Tally) -> AgreementReport {
    let n = coders.ids.len();
    AgreementReport {
        unit,
        coders: coders.names,
        pairwise: n > 2,
        documents,
        codes,
        pooled: Coefficients::of(pooled, n),
    }
}

/// Turn or paragraph spans per document (empty map for character units).
fn segments(conn: &Connection, unit: Unit, docs: &[(DocumentId, usize)]) -> Result<HashMap<DocumentId, Vec<Span>>> {
    let mut out = HashMap::new();
    for &(doc, _) in docs {
        let spans = match unit {
            Unit::Char => continue,
            Unit::Turn => {
                documents::turns(conn, doc)?.into_iter().map(|t| Span { start: t.start, end: t.end }).collect()
            }
            Unit::Paragraph => documents::paragraphs(conn, doc)?,
        };
        out.insert(doc, spans);
    }
    Ok(out)
}

/// Character units of one document of length `len`: for each coder, `None` when missing, else the
/// spans of their codings of one code (any order, may overlap).
pub fn char_tally(len: usize, coders: &[Option<Vec<Span>>]) -> Tally {
    let unions: Vec<Option<Vec<Span>>> =
        coders.iter().map(|c| c.as_ref().map(|s| union(s.iter().copied(), len))).collect();
    let present: Vec<&[Span]> = unions.iter().flatten().map(Vec::as_slice).collect();
    let mut tally = Tally::new();
    for run in sweep(&present, len) {
        let mut covered = run.covered.iter();
        let pattern: Pattern =
            unions.iter().map(|u| u.as_ref().and_then(|_| covered.next().map(|&c| u32::from(c)))).collect();
        tally.add(pattern, (run.end - run.start) as u64);
    }
    tally
}

/// Segment units (turns or paragraphs): a coder's value is 1 when one of their codings overlaps
/// the segment. Empty segments are not units.
pub fn segment_tally(segments: &[Span], coders: &[Option<Vec<Span>>]) -> Tally {
    let end = segments.iter().map(|s| s.end).max().unwrap_or(0);
    let unions: Vec<Option<Vec<Span>>> =
        coders.iter().map(|c| c.as_ref().map(|s| union(s.iter().copied(), end))).collect();
    let mut tally = Tally::new();
    for seg in segments.iter().filter(|s| s.start < s.end) {
        let pattern: Pattern =
            unions.iter().map(|u| u.as_ref().map(|u| u32::from(overlaps(u, seg.start, seg.end)))).collect();
        tally.add(pattern, 1);
    }
    tally
}
