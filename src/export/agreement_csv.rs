//! The agreement report as CSV (`fieldcode agreement --format csv`, and Team > Export agreement
//! table… in the workbench): one row per code and the pooled row last. It lives in the library
//! so the command line and the window write the same bytes. Undefined values are empty.
//!
//! Columns only ever get appended, after the per-pair ones, so readers of older output still
//! line up: `u_alpha` is a code's 2016 unitizing alpha (on the pooled row: uα across the codes),
//! `bar_u_alpha` the 2016 |uα (coded or not; a code's equals its `u_alpha`) and `cu_alpha` the
//! 2016 cuα across codes (pooled row only).

use std::io::Write;
use std::path::Path;

use super::out_file::stream_atomically;
use crate::error::{Error, Result};
use crate::team::agreement::{AgreementReport, Coefficients};

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The CSV header: the original columns first, so readers of older output still line up.
fn csv_header(report: &AgreementReport) -> Vec<String> {
    let mut header: Vec<String> =
        ["code", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"].map(String::from).to_vec();
    header.extend(report.coders.iter().map(|c| format!("coded_units_{c}")));
    header.extend(
        [
            "light_kappa",
            "fleiss_kappa",
            "gwet_ac1",
            "brennan_prediger_kappa",
            "alpha_ci_low",
            "alpha_ci_high",
            "p_alpha_below_0_667",
            "p_alpha_below_0_800",
            "in_pooled",
            "left_out_reason",
            "alpha_u",
        ]
        .map(String::from),
    );
    for pair in &report.pooled.pairs {
        let [a, b] = &pair.coders;
        header.extend(["units", "percent_agreement", "cohen_kappa"].map(|m| format!("{m}_{a}_vs_{b}")));
    }
    header.extend(["u_alpha", "bar_u_alpha", "cu_alpha"].map(String::from));
    header
}

/// The unitizing columns of one row: `u_alpha`, `bar_u_alpha`, `cu_alpha`.
type UnitizingCells = [Option<f64>; 3];

/// One CSV row; `in_pooled` and `reason` are empty for the pooled row itself.
fn csv_record(
    code: &str,
    c: &Coefficients,
    in_pooled: &str,
    reason: &str,
    alpha_u: Option<f64>,
    unitizing: UnitizingCells,
) -> Vec<String> {
    let mut record = vec![
        code.to_owned(),
        c.units.to_string(),
        number(c.percent_agreement),
        number(c.cohen_kappa),
        number(c.krippendorff_alpha),
    ];
    record.extend(c.coded_units.iter().map(u64::to_string));
    let boot = c.alpha_bootstrap.as_ref();
    record.extend([
        number(c.light_kappa),
        number(c.fleiss_kappa),
        number(c.gwet_ac1),
        number(c.brennan_prediger_kappa),
        number(boot.and_then(|b| b.low)),
        number(boot.and_then(|b| b.high)),
        number(boot.and_then(|b| b.p_below_0_667)),
        number(boot.and_then(|b| b.p_below_0_800)),
        in_pooled.to_owned(),
        reason.to_owned(),
        number(alpha_u),
    ]);
    for pair in &c.pairs {
        record.extend([pair.units.to_string(), number(pair.percent_agreement), number(pair.cohen_kappa)]);
    }
    record.extend(unitizing.map(number));
    record
}

/// Writes the report as CSV to `out` (standard output for the command line).
pub fn write(report: &AgreementReport, out: impl Write) -> Result<()> {
    let fail = |e: csv::Error| Error::invalid(format!("cannot write CSV: {e}"));
    let mut out = csv::Writer::from_writer(out);
    out.write_record(csv_header(report)).map_err(fail)?;
    for row in &report.codes {
        let (in_pooled, reason) = match row.left_out_of_pooled {
            Some(r) => ("no", r.explain()),
            None => ("yes", ""),
        };
        let unitizing = [row.u_alpha, row.u_alpha, None];
        out.write_record(csv_record(&row.code, &row.coefficients, in_pooled, reason, row.alpha_u, unitizing))
            .map_err(fail)?;
    }
    let f = &report.unitizing;
    let unitizing = [f.u_alpha, f.bar_u_alpha, f.cu_alpha];
    out.write_record(csv_record("(pooled)", &report.pooled, "", "", None, unitizing)).map_err(fail)?;
    out.flush().map_err(|e| Error::invalid(format!("cannot write CSV: {e}")))
}

/// Writes the report as a CSV file that appears whole or not at all; returns its rows (codes
/// and the pooled row).
pub fn save(report: &AgreementReport, out: &Path) -> Result<usize> {
    stream_atomically(out, |w| write(report, w))?;
    Ok(report.codes.len() + 1)
}
