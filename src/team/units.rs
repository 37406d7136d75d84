//! Counting units of analysis fast: one document's codings of one code become units by
//! (coders present, coders who coded) bit masks, a [`MaskTally`]. Agreement adds these up per
//! code; most (code, document) pairs have no codings at all, so their units are counted once per
//! presence mask for the whole project instead of once per pair, and a 200,000-coding project
//! costs what its codings cost, not codes × documents × characters.
//!
//! Character units are swept from sorted coding boundaries (overlapping codings of one coder
//! count once); segment units (turns, paragraphs) are 1 for a coder when one of their codings
//! overlaps the segment; a document unit is 1 for a coder with any coding of the code there.

use std::collections::HashMap;

use super::agreement::Unit;
use super::bootstrap::{Coincidences, add, coincidences};
use super::reliability::Tally;
use super::scope::ScopedCoding;
use crate::model::{DocumentId, Span};

/// The most coders one comparison can hold (one bit each).
pub const MAX_CODERS: usize = 64;

/// Units by (present, coded) coder bit masks: the compact form of a [`Tally`] of binary values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MaskTally {
    counts: Vec<(u64, u64, u64)>,
}

impl MaskTally {
    /// Adds `units` units where the coders in `present` gave a value and those in `coded` coded.
    pub fn add(&mut self, present: u64, coded: u64, units: u64) {
        if units == 0 {
            return;
        }
        match self.counts.iter_mut().find(|(p, c, _)| *p == present && *c == coded) {
            Some(entry) => entry.2 += units,
            None => self.counts.push((present, coded, units)),
        }
    }

    /// Takes `units` units of that pattern away (never below zero).
    pub fn remove(&mut self, present: u64, coded: u64, units: u64) {
        if let Some(entry) = self.counts.iter_mut().find(|(p, c, _)| *p == present && *c == coded) {
            entry.2 = entry.2.saturating_sub(units);
        }
    }

    pub fn absorb(&mut self, other: &MaskTally) {
        for &(present, coded, units) in &other.counts {
            self.add(present, coded, units);
        }
    }

    /// Every (present, coded, units) entry.
    pub fn entries(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.counts.iter().copied().filter(|e| e.2 > 0)
    }

    /// The same units as a [`Tally`] over `coders` coders (value 1 = coded, 0 = not coded).
    pub fn to_tally(&self, coders: usize) -> Tally {
        let mut tally = Tally::new();
        for (present, coded, units) in self.entries() {
            let pattern = (0..coders.min(MAX_CODERS))
                .map(|i| (present >> i & 1 == 1).then_some(u32::from(coded >> i & 1 == 1)))
                .collect();
            tally.add(pattern, units);
        }
        tally
    }
}

/// A bit mask with the bit of every listed coder set (coders past [`MAX_CODERS`] are ignored).
pub fn mask(coders: impl IntoIterator<Item = usize>) -> u64 {
    coders.into_iter().filter(|&c| c < MAX_CODERS).fold(0, |m, c| m | 1 << c)
}

/// Reusable buffers for [`char_units`].
#[derive(Debug, Default)]
pub struct Scratch {
    events: Vec<(usize, usize, i32)>,
    depth: Vec<i32>,
    segments: Vec<u64>,
}

/// Character units of a document of `len` code points: `spans` are the (coder, span) codings
/// of one code by coders in `present`.
pub fn char_units(len: usize, present: u64, spans: &[(usize, Span)], scratch: &mut Scratch, out: &mut MaskTally) {
    scratch.events.clear();
    for &(coder, span) in spans.iter().filter(|(c, _)| *c < MAX_CODERS) {
        let (start, end) = (span.start.min(len), span.end.min(len));
        if start < end {
            scratch.events.extend([(start, coder, 1), (end, coder, -1)]);
        }
    }
    scratch.events.sort_unstable();
    scratch.depth.clear();
    scratch.depth.resize(MAX_CODERS, 0);
    let (mut coded, mut at) = (0u64, 0usize);
    for &(pos, coder, delta) in &scratch.events {
        if pos > at {
            out.add(present, coded & present, (pos - at) as u64);
            at = pos;
        }
        scratch.depth[coder] += delta;
        if scratch.depth[coder] > 0 { coded |= 1 << coder } else { coded &= !(1 << coder) }
    }
    out.add(present, coded & present, len.saturating_sub(at) as u64);
}

/// Segment units: `segments` sorted by start and not overlapping (turns and paragraphs are);
/// empty segments are not units.
pub fn segment_units(
    segments: &[Span],
    present: u64,
    spans: &[(usize, Span)],
    scratch: &mut Scratch,
    out: &mut MaskTally,
) {
    scratch.segments.clear();
    scratch.segments.resize(segments.len(), 0);
    for &(coder, span) in spans.iter().filter(|(c, s)| *c < MAX_CODERS && s.start < s.end) {
        let first = segments.partition_point(|g| g.end <= span.start);
        for (i, g) in segments.iter().enumerate().skip(first).take_while(|(_, g)| g.start < span.end) {
            if g.start < g.end && g.end > span.start {
                scratch.segments[i] |= 1 << coder;
            }
        }
    }
    for (g, &coded) in segments.iter().zip(&scratch.segments) {
        if g.start < g.end {
            out.add(present, coded & present, 1);
        }
    }
}

/// The document as one unit: 1 for each present coder with a coding of the code in it.
pub fn document_unit(present: u64, spans: &[(usize, Span)], out: &mut MaskTally) {
    let coded = mask(spans.iter().filter(|(_, s)| s.start < s.end).map(|(c, _)| *c));
    out.add(present, coded & present, 1);
}

/// Non-empty segments: the units a document without codings of a code adds.
pub fn segment_count(segments: &[Span]) -> u64 {
    segments.iter().filter(|g| g.start < g.end).count() as u64
}

/// (coder, span) pairs from per-coder layers (`None` = the coder is missing) and their mask.
pub fn from_layers(coders: &[Option<Vec<Span>>]) -> (u64, Vec<(usize, Span)>) {
    let present = mask(coders.iter().enumerate().filter(|(_, l)| l.is_some()).map(|(i, _)| i));
    let spans = coders.iter().enumerate().flat_map(|(i, l)| l.iter().flatten().map(move |&s| (i, s))).collect();
    (present, spans)
}

/// One document's units for one code's (coder, span) codings.
fn count_document(unit: Unit, doc: &SharedDoc, spans: &[(usize, Span)], scratch: &mut Scratch) -> MaskTally {
    let mut part = MaskTally::default();
    match unit {
        Unit::Char => char_units(doc.len, doc.present, spans, scratch, &mut part),
        Unit::Turn | Unit::Paragraph => segment_units(&doc.segments, doc.present, spans, scratch, &mut part),
        Unit::Document => document_unit(doc.present, spans, &mut part),
    }
    part
}

/// A document that at least two of the coders coded, ready for counting.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedDoc {
    pub id: DocumentId,
    /// Length in code points.
    pub len: usize,
    /// The coders who took part (bit i = coder i).
    pub present: u64,
    /// Turns or paragraphs, sorted; empty for character and document units.
    pub segments: Vec<Span>,
    /// Units the document holds for a code nobody applied in it.
    pub units: u64,
}

/// One code's units over the shared documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeCount {
    pub tally: MaskTally,
    /// Per shared document (same order), its coincidences; empty unless asked for.
    pub per_doc: Vec<Coincidences>,
}

/// Counts every code's units: `None` for a code none of the coders applied anywhere.
pub fn count_codes(
    unit: Unit,
    docs: &[SharedDoc],
    codings: &[ScopedCoding],
    codes: usize,
    per_doc: bool,
) -> Vec<Option<CodeCount>> {
    let position: HashMap<DocumentId, usize> = docs.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
    let mut zero = MaskTally::default();
    docs.iter().for_each(|d| zero.add(d.present, 0, d.units));
    let blank = || CodeCount {
        tally: zero.clone(),
        per_doc: if per_doc { docs.iter().map(|d| coincidences(d.present, 0, d.units)).collect() } else { Vec::new() },
    };
    let mut out: Vec<Option<CodeCount>> = vec![None; codes];
    let mut keyed: Vec<(usize, usize, usize, Span)> = Vec::with_capacity(codings.len());
    for c in codings {
        if let Some(slot) = out.get_mut(c.code).filter(|s| s.is_none()) {
            *slot = Some(CodeCount::default());
        }
        if let Some(&at) = position.get(&c.document) {
            keyed.push((c.code, at, c.coder, c.span));
        }
    }
    keyed.sort_unstable_by_key(|k| (k.0, k.1));
    for slot in out.iter_mut().flatten() {
        *slot = blank();
    }
    let (mut scratch, mut spans) = (Scratch::default(), Vec::new());
    for group in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let (code, at) = (group[0].0, group[0].1);
        let Some(Some(count)) = out.get_mut(code) else { continue };
        spans.clear();
        spans.extend(group.iter().map(|k| (k.2, k.3)));
        let doc = &docs[at];
        let part = count_document(unit, doc, &spans, &mut scratch);
        count.tally.remove(doc.present, 0, doc.units);
        count.tally.absorb(&part);
        if let Some(slot) = count.per_doc.get_mut(at) {
            *slot = [0.0; 3];
            part.entries().for_each(|(p, c, u)| add(slot, &coincidences(p, c, u), 1.0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    #[test]
    fn chars_count_overlaps_once_and_clip_to_the_document() {
        let mut out = MaskTally::default();
        let spans = [(0, sp(0, 4)), (0, sp(2, 6)), (1, sp(5, 30)), (2, sp(1, 2))];
        char_units(10, 0b011, &spans, &mut Scratch::default(), &mut out);
        let mut expected = MaskTally::default();
        expected.add(0b011, 0b001, 5); // 0..5: coder 0 only (coder 2 is not present)
        expected.add(0b011, 0b011, 1); // 5..6
        expected.add(0b011, 0b010, 4); // 6..10
        let sorted = |t: &MaskTally| {
            let mut e: Vec<_> = t.entries().collect();
            e.sort_unstable();
            e
        };
        assert_eq!(sorted(&out), sorted(&expected));
    }

    #[test]
    fn segments_are_hit_by_any_overlapping_coding() {
        let segments = [sp(0, 5), sp(5, 5), sp(5, 10), sp(12, 20)];
        let mut out = MaskTally::default();
        segment_units(&segments, 0b11, &[(0, sp(4, 6)), (1, sp(10, 12))], &mut Scratch::default(), &mut out);
        let tally = out.to_tally(2);
        assert_eq!(tally.pairable_units(), 3, "the empty segment is no unit");
        assert_eq!(tally.units_with(0, 1), 2);
        assert_eq!(tally.units_with(1, 1), 0, "10..12 falls between segments");
    }
}
