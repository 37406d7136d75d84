//! How `fieldcode agreement` prints its report: a table for people (with the definitions a
//! methods section needs underneath), CSV with one row per code and the pooled row last, or the
//! report as JSON. Undefined values are `n/a` in the table, empty in CSV and `null` in JSON.

use super::output::{print_json, print_table};
use crate::error::Result;
use crate::team::agreement::{AgreementReport, Coefficients};
use crate::team::bootstrap::AlphaInterval;

/// How `fieldcode agreement` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Table,
    Csv,
    Json,
}

pub fn print_agreement(report: &AgreementReport, format: TableFormat) -> Result<()> {
    match format {
        TableFormat::Json => print_json(report),
        TableFormat::Csv => write_csv(report),
        TableFormat::Table => {
            print_main_table(report);
            print_notes(report);
            print_pairs(report);
            Ok(())
        }
    }
}

/// A coefficient to `decimals` decimals, `n/a` when undefined.
fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map(|v| format!("{v:.decimals$}")).unwrap_or_else(|| "n/a".into())
}

fn interval_cells(interval: Option<&AlphaInterval>) -> Vec<String> {
    let Some(i) = interval else { return vec!["n/a".into(); 3] };
    let range = match (i.low, i.high) {
        (Some(low), Some(high)) => format!("{low:.3} – {high:.3}"),
        _ => "n/a".into(),
    };
    vec![range, cell(i.p_below_0_667, 3), cell(i.p_below_0_800, 3)]
}

fn coefficient_cells(c: &Coefficients, two_coders: bool, bootstrap: bool) -> Vec<String> {
    let mut cells = vec![
        c.units.to_string(),
        cell(c.percent_agreement, 1),
        cell(if two_coders { c.cohen_kappa } else { c.light_kappa }, 3),
        cell(c.fleiss_kappa, 3),
        cell(c.gwet_ac1, 3),
        cell(c.brennan_prediger_kappa, 3),
        cell(c.krippendorff_alpha, 3),
    ];
    if bootstrap {
        cells.extend(interval_cells(c.alpha_bootstrap.as_ref()));
    }
    cells
}

fn print_main_table(report: &AgreementReport) {
    let two = report.coders.len() == 2;
    let boot = report.bootstrap.is_some();
    let mut rows: Vec<Vec<String>> = report
        .codes
        .iter()
        .map(|c| {
            let name = if c.left_out_of_pooled.is_some() { format!("{} *", c.code) } else { c.code.clone() };
            let unitizing = vec![cell(c.alpha_u, 3), cell(c.u_alpha, 3)];
            [vec![name], coefficient_cells(&c.coefficients, two, boot), unitizing].concat()
        })
        .collect();
    let pooled = format!("(pooled, {} codes)", report.pooled_codes);
    let across = vec!["n/a".into(), format!("{} (all codes)", cell(report.unitizing.u_alpha, 3))];
    rows.push([vec![pooled], coefficient_cells(&report.pooled, two, boot), across].concat());
    let units = format!("{} units", report.unit.as_str());
    let kappa = if two { "Cohen κ" } else { "Light κ" };
    let mut header = vec!["code", &units, "% agreement", kappa, "Fleiss κ", "AC1", "BP κ", "alpha"];
    if boot {
        header.extend(["alpha 95% CI", "P(α<0.667)", "P(α<0.8)"]);
    }
    header.extend(["αu (1995)", "uα (2016)"]);
    print_table(&header, &rows);
}

fn print_notes(report: &AgreementReport) {
    println!(
        "{} coders ({}), {} documents coded by at least two of them.",
        report.coders.len(),
        report.coders.join(", "),
        report.documents
    );
    println!("% agreement is {}.", report.percent_agreement_definition);
    println!(
        "Fleiss κ, AC1 (Gwet) and BP κ (Brennan–Prediger) use the per-unit observed agreement of Gwet (2014); \
         alpha is Krippendorff's nominal alpha; q = 2 values (coded, not coded)."
    );
    println!(
        "αu is Krippendorff's unitizing alpha (1995, 2004): agreement on where each code's segments begin and end, \
         over the characters of the documents every coder took part in."
    );
    println!(
        "uα is the unitizing alpha of Krippendorff, Mathet, Bouvry & Milia (2016) on the same characters: per code, \
         coded or not position by position with each coded unit kept whole (the code's |uα); on the pooled line, \
         which code across all codes."
    );
    let f = &report.unitizing;
    println!(
        "Across all codes (2016): uα {}, |uα {} (coded with any code or not), cuα {} (which code, where both coders coded).",
        cell(f.u_alpha, 3),
        cell(f.bar_u_alpha, 3),
        cell(f.cu_alpha, 3)
    );
    if let Some(b) = report.bootstrap {
        println!(
            "Alpha intervals: 2.5 % and 97.5 % quantiles of {} bootstrap resamples of the documents (seed {}).",
            b.replicates, b.seed
        );
    }
    if report.left_out_of_pooled.is_empty() {
        return;
    }
    println!("* Left out of the pooled row ({} codes):", report.left_out_of_pooled.len());
    for left in &report.left_out_of_pooled {
        println!("  {} — {}", left.code, left.explanation);
    }
}

fn print_pairs(report: &AgreementReport) {
    if report.pooled.pairs.len() < 2 {
        return;
    }
    println!();
    println!("Coder pairs, pooled codes (Light's κ is the mean of the pairs' Cohen's κ):");
    let rows: Vec<Vec<String>> = report
        .pooled
        .pairs
        .iter()
        .map(|p| vec![p.coders.join(" – "), p.units.to_string(), cell(p.percent_agreement, 1), cell(p.cohen_kappa, 3)])
        .collect();
    print_table(&["pair", "units", "% agreement", "Cohen κ"], &rows);
}

fn write_csv(report: &AgreementReport) -> Result<()> {
    crate::export::agreement_csv::write(report, std::io::stdout().lock())
}
