//! Inter-coder agreement per code and pooled: percent agreement, Cohen's kappa (two coders), the
//! per-pair table with Light's kappa, Fleiss' kappa, Gwet's AC1, the Brennan–Prediger kappa and
//! Krippendorff's alpha (nominal, any number of coders, missing data), with an optional bootstrap
//! interval for alpha.
//!
//! Units are characters (each code point of each document: 1 if the coder's codings of the code
//! cover it, else 0), segments (each turn or paragraph: 1 if the coder has a coding of the code
//! overlapping it) or documents (1 if the coder applied the code anywhere in it). Counting is in
//! [`super::units`]: a long project costs as much as its number of codings, not its number of
//! characters. Only documents that at least two of the chosen coders coded take part (see
//! [`super::scope`]). A code enters the pooled row only with units from two coders and some
//! variation ([`Exclusion`]); the report names the codes left out and why.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

pub use super::bootstrap::{AlphaInterval, BootstrapSettings};
use super::bootstrap::{Coincidences, add, bootstrap};
pub use super::coefficients::{Coefficients, Exclusion, PERCENT_AGREEMENT_DEFINITION};
use super::reliability::Tally;
use super::scope;
pub use super::unitizing_family::UnitizingFamily;
use super::units::{self, CodeCount, MaskTally, Scratch, SharedDoc};
use super::{unitizing, unitizing_family};
use crate::error::Result;
use crate::model::{CodeId, CodeNode, DocumentId, Span};

/// What one unit of analysis is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Char,
    Turn,
    Paragraph,
    /// A code is present or absent in each document per coder (MAXQDA's "code occurrence in
    /// the document").
    Document,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Char => "char",
            Unit::Turn => "turn",
            Unit::Paragraph => "paragraph",
            Unit::Document => "document",
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
            "document" | "documents" | "doc" => Ok(Unit::Document),
            other => Err(format!("unknown unit {other:?}; use char, turn, paragraph or document")),
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
    /// Bootstrap alpha (resampling documents) with these settings; `None` for no interval.
    pub bootstrap: Option<BootstrapSettings>,
}

/// Agreement on one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    pub code_id: CodeId,
    pub code: String,
    #[serde(flatten)]
    pub coefficients: Coefficients,
    /// Why the code is not in the pooled row; `None` when it is.
    pub left_out_of_pooled: Option<Exclusion>,
    /// Krippendorff's unitizing alpha (αu) of the code over the documents every coder took
    /// part in, characters as the continuum ([`super::unitizing`]); `None` when undefined.
    pub alpha_u: Option<f64>,
    /// The code's unitizing alpha of Krippendorff et al. (2016), |uα of this code alone (coded
    /// or not, position by position, units kept whole in the expected disagreement), on the same
    /// continuum ([`super::unitizing_family`]); `None` when undefined.
    pub u_alpha: Option<f64>,
}

/// A code left out of the pooled row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    pub code_id: CodeId,
    pub code: String,
    pub reason: Exclusion,
    /// [`Exclusion::explain`].
    pub explanation: String,
}

/// The result of [`agreement`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    pub unit: Unit,
    pub coders: Vec<String>,
    /// True when percent agreement is over coder pairs (more than two coders).
    pub pairwise: bool,
    /// [`PERCENT_AGREEMENT_DEFINITION`].
    pub percent_agreement_definition: &'static str,
    /// Documents coded by at least two of the coders.
    pub documents: usize,
    pub codes: Vec<CodeAgreement>,
    /// The codes with units from two coders and some variation, together: units × codes.
    /// Every coefficient is undefined when no code qualifies.
    pub pooled: Coefficients,
    /// How many codes the pooled row holds.
    pub pooled_codes: usize,
    /// The codes left out of the pooled row, with why.
    pub left_out_of_pooled: Vec<LeftOut>,
    /// The bootstrap settings used, if any.
    pub bootstrap: Option<BootstrapSettings>,
    /// uα, |uα and cuα of Krippendorff et al. (2016) across all the codes, on the characters of
    /// the documents every coder took part in ([`super::unitizing_family`]).
    pub unitizing: UnitizingFamily,
}

/// Computes agreement between coders over the codes in scope. Codes that none of the chosen
/// coders applied are left out (they would only add agreement on "not coded").
pub fn agreement(conn: &Connection, request: &AgreementRequest) -> Result<AgreementReport> {
    let coders = scope::resolve_coders(conn, &request.coders)?;
    let codes = scope::codes_in_scope(conn, request.code.as_deref())?;
    let scan = scope::scan(conn, &coders, &codes)?;
    let docs = shared_documents(conn, request.unit, &scan.present)?;
    let counts = units::count_codes(request.unit, &docs, &scan.codings, codes.len(), request.bootstrap.is_some());
    let (mut rows, pooled) = code_rows(&codes, counts, &coders.names, docs.len());
    let unitizing = unitizing_figures(&docs, &scan, codes.len(), coders.names.len());
    let position: HashMap<CodeId, usize> = codes.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    for row in &mut rows {
        let figures = position.get(&row.row.code_id).and_then(|&i| unitizing.per_code.get(i));
        row.row.alpha_u = figures.and_then(|f| f.0);
        row.row.u_alpha = figures.and_then(|f| f.1);
    }
    let mut pooled_row = Coefficients::of(&pooled.tally.to_tally(coders.names.len()), &coders.names);
    if let Some(settings) = request.bootstrap {
        let mut per_doc: Vec<Vec<Coincidences>> = rows.iter_mut().map(|r| std::mem::take(&mut r.per_doc)).collect();
        per_doc.push(pooled.per_doc);
        let mut intervals = bootstrap(&per_doc, settings).into_iter();
        rows.iter_mut().for_each(|r| r.row.coefficients.alpha_bootstrap = intervals.next().flatten());
        pooled_row.alpha_bootstrap = intervals.next().flatten();
    }
    let rows: Vec<CodeAgreement> = rows.into_iter().map(|r| r.row).collect();
    Ok(AgreementReport {
        unit: request.unit,
        pairwise: coders.names.len() > 2,
        coders: coders.names,
        percent_agreement_definition: PERCENT_AGREEMENT_DEFINITION,
        documents: docs.len(),
        left_out_of_pooled: left_out(&rows),
        codes: rows,
        pooled: pooled_row,
        pooled_codes: pooled.codes,
        bootstrap: request.bootstrap,
        unitizing: unitizing.family,
    })
}

/// The unitizing alphas: per code (1995/2004 αu, 2016 uα) and the 2016 family across codes.
struct Unitizing {
    per_code: Vec<(Option<f64>, Option<f64>)>,
    family: UnitizingFamily,
}

/// Computes [`Unitizing`]: each coder's units of each code are merged once and serve the
/// 1995/2004 αu, the code's 2016 uα and, tagged with the code, the 2016 family across codes.
fn unitizing_figures(docs: &[SharedDoc], scan: &scope::Scan, codes: usize, coders: usize) -> Unitizing {
    let (len, layers) = unitizing::layers(docs, &scan.codings, codes, coders);
    let mut across: Vec<Vec<unitizing_family::Unit>> = vec![Vec::new(); coders];
    let mut per_code = Vec::with_capacity(codes);
    for (code, per_coder) in layers.iter().enumerate() {
        if per_coder.iter().all(Vec::is_empty) {
            per_code.push((None, None));
            continue;
        }
        let sections: Vec<unitizing::Sections> = per_coder.iter().map(|u| unitizing::sections(len, u)).collect();
        let merged: Vec<&[unitizing::Stretch]> = sections.iter().map(|s| s.0.as_slice()).collect();
        per_code.push((unitizing::alpha_of(len, &sections), unitizing_family::code_alpha_of_merged(len, &merged)));
        for (coder, (units, _)) in sections.iter().enumerate() {
            across[coder].extend(units.iter().map(|&(b, e)| (b, e, code as u32)));
        }
    }
    Unitizing { per_code, family: unitizing_family::family_of_merged(len, codes, &across) }
}

/// A code's row with its per-document coincidences (for the bootstrap).
struct Row {
    row: CodeAgreement,
    per_doc: Vec<Coincidences>,
}

/// One row per code some coder applied, and the pooled units of those that qualify.
fn code_rows(codes: &[CodeNode], counts: Vec<Option<CodeCount>>, coders: &[String], docs: usize) -> (Vec<Row>, Pooled) {
    let mut pooled = Pooled { tally: MaskTally::default(), per_doc: vec![[0.0; 3]; docs], codes: 0 };
    let mut rows = Vec::new();
    for (code, count) in codes.iter().zip(counts) {
        let Some(count) = count else { continue };
        let tally = count.tally.to_tally(coders.len());
        let left_out_of_pooled = Exclusion::of(&tally);
        if left_out_of_pooled.is_none() {
            pooled.absorb(&count);
        }
        let coefficients = Coefficients::of(&tally, coders);
        let row = CodeAgreement {
            code_id: code.id,
            code: code.path.clone(),
            coefficients,
            left_out_of_pooled,
            alpha_u: None,
            u_alpha: None,
        };
        rows.push(Row { row, per_doc: count.per_doc });
    }
    (rows, pooled)
}

/// The pooled row as it is built: units of the codes that qualify, per document too.
struct Pooled {
    tally: MaskTally,
    per_doc: Vec<Coincidences>,
    codes: usize,
}

impl Pooled {
    fn absorb(&mut self, count: &CodeCount) {
        self.tally.absorb(&count.tally);
        for (sum, doc) in self.per_doc.iter_mut().zip(&count.per_doc) {
            add(sum, doc, 1.0);
        }
        self.codes += 1;
    }
}

fn left_out(rows: &[CodeAgreement]) -> Vec<LeftOut> {
    rows.iter()
        .filter_map(|r| {
            let reason = r.left_out_of_pooled?;
            Some(LeftOut { code_id: r.code_id, code: r.code.clone(), reason, explanation: reason.explain().to_owned() })
        })
        .collect()
}

/// The documents at least two coders took part in (by name), with their units.
fn shared_documents(conn: &Connection, unit: Unit, present: &HashMap<DocumentId, u64>) -> Result<Vec<SharedDoc>> {
    let shared: Vec<(DocumentId, usize, u64)> = scope::document_lengths(conn)?
        .into_iter()
        .filter_map(|(id, len)| present.get(&id).filter(|m| m.count_ones() >= 2).map(|&m| (id, len, m)))
        .collect();
    let wanted: HashSet<DocumentId> = shared.iter().map(|d| d.0).collect();
    let mut segments = scope::segments(conn, unit, &wanted)?;
    Ok(shared
        .into_iter()
        .map(|(id, len, present)| {
            let segments = segments.remove(&id).unwrap_or_default();
            let units = match unit {
                Unit::Char => len as u64,
                Unit::Turn | Unit::Paragraph => units::segment_count(&segments),
                Unit::Document => 1,
            };
            SharedDoc { id, len, present, segments, units }
        })
        .collect())
}

/// Character units of one document of length `len`: for each coder, `None` when missing, else the
/// spans of their codings of one code (any order, may overlap).
pub fn char_tally(len: usize, coders: &[Option<Vec<Span>>]) -> Tally {
    let (present, spans) = units::from_layers(coders);
    let mut out = MaskTally::default();
    units::char_units(len, present, &spans, &mut Scratch::default(), &mut out);
    out.to_tally(coders.len())
}

/// Segment units (turns or paragraphs, any order, not overlapping): a coder's value is 1 when
/// one of their codings overlaps the segment. Empty segments are not units.
pub fn segment_tally(segments: &[Span], coders: &[Option<Vec<Span>>]) -> Tally {
    let (present, spans) = units::from_layers(coders);
    let mut sorted = segments.to_vec();
    sorted.sort_unstable();
    let mut out = MaskTally::default();
    units::segment_units(&sorted, present, &spans, &mut Scratch::default(), &mut out);
    out.to_tally(coders.len())
}
