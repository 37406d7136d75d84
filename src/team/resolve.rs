//! Resolving a disagreement: turning a reviewer's decision on one [`Disagreement`] (accept one
//! coder's reading, accept both, or neither) into the one coding command that makes every
//! compared coder agree on that span.
//!
//! The model: a disagreement is a span of one code that some coders coded and others did not.
//! *Accept X's* gives every compared coder X's reading of the span (coded if X coded it, else
//! uncoded); *Accept both* keeps the span coded and codes it for the coders who had not
//! (the union); *Neither* uncodes it for the coders who had (their codings are trimmed around
//! it). Either way the result is a [`Command::ResolveSpan`], applied and undone as one step.

use rusqlite::Connection;

use super::compare::Disagreement;
use crate::coding::{Command, SpanRef};
use crate::error::{Error, Result};
use crate::model::CoderId;
use crate::store::coders;

/// A reviewer's decision on one disagreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// This coder's reading stands for everyone.
    Accept(String),
    /// The span stays coded, for every compared coder.
    Both,
    /// The span is coded by no compared coder.
    Neither,
}

/// The command that applies `resolution` to `disagreement`.
pub fn resolution_command(conn: &Connection, disagreement: &Disagreement, resolution: &Resolution) -> Result<Command> {
    let d = disagreement;
    let keep = match resolution {
        Resolution::Both => true,
        Resolution::Neither => false,
        Resolution::Accept(name) if d.coded_by.contains(name) => true,
        Resolution::Accept(name) if d.not_coded_by.contains(name) => false,
        Resolution::Accept(name) => {
            return Err(Error::invalid(format!(
                "{name} is not one of the coders compared on this span ({}); accept one of them",
                d.coded_by.iter().chain(&d.not_coded_by).cloned().collect::<Vec<_>>().join(", ")
            )));
        }
    };
    let span = SpanRef { document: d.document_id, code: d.code_id, start: d.start, end: d.end };
    let (coded, uncoded) =
        if keep { (ids(conn, &d.not_coded_by)?, Vec::new()) } else { (Vec::new(), ids(conn, &d.coded_by)?) };
    Ok(Command::ResolveSpan { span, coded, uncoded })
}

fn ids(conn: &Connection, names: &[String]) -> Result<Vec<CoderId>> {
    names.iter().map(|name| coders::find(conn, name)?.ok_or_else(|| Error::not_found("coder", name.clone()))).collect()
}
