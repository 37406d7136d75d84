//! The analysis engine: which codes occur together, how that differs between sites and roles, and
//! the codings behind every number.
//!
//! Everything here is a pure function over a [`Corpus`], a compact in-memory copy of a project's
//! codings, turns, paragraphs, attributes and code tree loaded in one pass ([`Corpus::load`]). No
//! query is run per code pair: co-occurrence is a per-document sort-and-sweep over coding intervals
//! (O(n log n + pairs)). The sweep's output is kept in a [`CooccurIndex`], so regrouping the same
//! selection by another attribute is one pass over the kept pairs.
//!
//! # Definitions
//!
//! * **Selection.** A [`Filter`] (documents, kinds, coders, attribute values, code subtree) picks
//!   the codings that take part; everything else is computed over the selection only.
//! * **Passages.** Codings of the same code on an identical span of a document, by several coders
//!   (or one coder twice), are one passage: a sentence two coders coded identically with A and B
//!   counts once, not four times ([`passages`]). [`Options::per_coder`] counts every coding on
//!   its own instead. Co-occurrence counts passages; crosstabs and frequencies count codings.
//! * **Theme roll-up** (on by default in the CLI). A coding of `Theme/Code` also counts for
//!   `Theme` (and every further ancestor). A code is never paired with itself, nor with its own
//!   ancestor or descendant.
//! * **Units** ([`Unit`]). `overlap`: two passages whose spans intersect (share at least one
//!   character). `near:N`: the gap between the two spans is at most N characters (overlapping or
//!   touching spans have gap 0). `turn` / `paragraph`: a passage occurs in every speaker turn /
//!   paragraph its span intersects; passages outside every turn / paragraph take no part.
//!   `document`: a passage occurs in its document.
//! * **Count n12.** For `overlap` and `near:N`: the number of distinct (passage of a, passage of
//!   b) pairs that overlap / are near. For `turn`, `paragraph`, `document`: the number of unit
//!   instances in which both codes occur.
//! * **Totals n1.** For `overlap`/`near`: the number of passages of the code. For the other
//!   units: the number of unit instances in which the code occurs.
//! * **Jaccard** = n12' / (n1 + n2 - n12'), always in [0, 1]. For the unit measures n12' = n12.
//!   For `overlap`/`near`, where one passage may overlap several, n12' = min(passages of a that
//!   overlap some passage of b, passages of b that overlap some passage of a), so
//!   n12' ≤ min(n1, n2).
//! * **Documents.** The number of distinct documents in which the pair co-occurs at least once.
//! * **Speaker.** A coding belongs to the participant whose turn holds its start; a start in a
//!   speaker label (`[00:00:04] LW10: `) belongs to the turn that label opens.
//! * **Groups** ([`Grouping`]). Each coding gets one value of the grouping attribute: for `ATTR`
//!   the speaker's value, else the document's value; for `document:ATTR` the document's; for
//!   `participant:ATTR` the speaker's; else `(none)`. A pair counts in a group when both
//!   passages fall in that group (for units: both codes occur in the unit within that group);
//!   pairs across groups count in [`Cooccurrence::across`], labelled [`ACROSS_LABEL`].
//!
//! Matrices are symmetric: one value per unordered pair, keyed by code index ([`SymMatrix`]).

mod accumulate;
mod cooccur;
mod crosstab;
mod drill;
mod filter;
mod frequencies;
mod group;
mod index;
mod load;
mod matrix;
mod passage;
mod rules;

pub mod retrieval;

pub use cooccur::{Cooccurrence, GroupMatrix, Measure, Options, PairValue, Unit, cooccur};
pub use crosstab::{Crosstab, CrosstabCell, CrosstabRow, crosstab};
pub use drill::{Bucket, DrillItem, Passage, drill};
pub use filter::{Filter, Selection};
pub use frequencies::{Frequency, FrequencyBy, frequencies};
pub use group::{ACROSS_LABEL, Grouping, NONE_LABEL, Scope};
pub use index::CooccurIndex;
pub use load::{Attribute, CodeInfo, Codings, Corpus, DocInfo, NONE, SpanU32, TurnSpan};
pub use matrix::SymMatrix;
pub use passage::{passages, same_span};
pub use rules::Rules;
