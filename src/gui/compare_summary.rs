//! The pooled summary under the compare-coders view's agreement table: every coefficient the
//! library computes (each name explains itself on hover, since readers come from tools that
//! report different ones), the unitizing alphas of Krippendorff et al. (2016) across all codes
//! (characters of the documents every coder took part in, whatever the unit), the per-pair table, the codes left out of the pooled figure and why,
//! and the "Copy methods paragraph" button. Undefined values read "n/a", never NaN.

use egui::Ui;

use crate::gui::compare_state::CompareState;
use crate::gui::workbench::Workbench;
use crate::team::AgreementReport;
use crate::team::agreement::{AlphaInterval, Coefficients};

pub const PERCENT: Named = ("% agreement", "Share of coder pairs that agree, over the units both gave a value to.");
pub const COHEN: Named =
    ("Cohen's kappa", "Two coders' agreement corrected for the chance agreement their own coding rates imply.");
pub const LIGHT: Named = ("Light's kappa", "The mean of the coder pairs' Cohen's kappas (Light 1971).");
pub const FLEISS: Named =
    ("Fleiss' kappa", "Chance-corrected agreement for any number of coders, chance from the pooled value shares.");
pub const AC1: Named =
    ("Gwet's AC1", "Chance-corrected agreement that stays stable for rarely applied codes (the prevalence paradox).");
pub const BP: Named = (
    "Brennan–Prediger kappa",
    "Chance-corrected agreement with chance fixed at 1/2 (coded / not coded); MAXQDA's default.",
);
pub const ALPHA: Named = (
    "Krippendorff's alpha",
    "Nominal alpha: any number of coders, missing values allowed; 0.8 is the usual bar, 0.667 for tentative claims.",
);

pub const ALPHA_U: Named = (
    "αu",
    "Unitizing alpha (Krippendorff 1995/2004): where the code's segments begin and end, non-matching parts squared.",
);
pub const U_ALPHA: Named = (
    "uα",
    "Unitizing alpha (Krippendorff et al. 2016): characters coded or not, each coded segment kept whole; near alpha.",
);
pub const U_ALPHA_ALL: Named = (
    "uα, all codes",
    "Unitizing alpha (Krippendorff et al. 2016) across codes: where segments lie and which code, gaps included.",
);
pub const BAR_U_ALPHA_ALL: Named =
    ("|uα, all codes", "Unitizing alpha (Krippendorff et al. 2016): coded with any code or not, position by position.");
pub const CU_ALPHA_ALL: Named = (
    "cuα, all codes",
    "Coding alpha (Krippendorff et al. 2016): which code, only where both coders of a pair coded something.",
);

/// A coefficient's name and its one-line explanation.
pub type Named = (&'static str, &'static str);
/// Reads one coefficient of a row.
pub type Pick = fn(&Coefficients) -> Option<f64>;

/// A coefficient to `decimals` decimals; "n/a" when undefined.
pub fn number(value: Option<f64>, decimals: usize) -> String {
    value.filter(|v| v.is_finite()).map_or_else(|| "n/a".to_owned(), |v| format!("{v:.decimals$}"))
}

/// A column head or row name with its one-line explanation on hover.
pub fn named(ui: &mut Ui, (name, explanation): (&str, &str)) {
    ui.strong(name).on_hover_text(explanation);
}

/// The kappa for this many coders: Cohen's for two, Light's for more.
pub fn kappa(report: &AgreementReport) -> (Named, Pick) {
    if report.coders.len() == 2 { (COHEN, |c| c.cohen_kappa) } else { (LIGHT, |c| c.light_kappa) }
}

pub fn summary_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench) {
    let Some(report) = &state.report else { return };
    ui.add_space(6.0);
    ui.strong(format!("Pooled over {} codes ({} units)", report.pooled_codes, report.pooled.units));
    pooled_grid(ui, report);
    pairs_ui(ui, report);
    left_out_ui(ui, report);
    ui.add_space(4.0);
    copy_button_ui(ui, state, wb);
}

fn pooled_grid(ui: &mut Ui, report: &AgreementReport) {
    let c = &report.pooled;
    let (kappa_name, kappa_of) = kappa(report);
    let rows = [
        (PERCENT, number(c.percent_agreement, 1)),
        (kappa_name, number(kappa_of(c), 3)),
        (FLEISS, number(c.fleiss_kappa, 3)),
        (AC1, number(c.gwet_ac1, 3)),
        (BP, number(c.brennan_prediger_kappa, 3)),
        (ALPHA, number(c.krippendorff_alpha, 3)),
    ];
    egui::Grid::new("compare-pooled-grid").striped(true).num_columns(2).show(ui, |ui| {
        for (name, value) in rows {
            named(ui, name);
            ui.label(value);
            ui.end_row();
        }
        if let Some(interval) = &c.alpha_bootstrap {
            named(ui, ("alpha 95 % interval", "Bootstrap over documents (Hayes & Krippendorff 2007)."));
            ui.label(interval_text(interval));
            ui.end_row();
        }
        let f = &report.unitizing;
        for (name, value) in [(U_ALPHA_ALL, f.u_alpha), (BAR_U_ALPHA_ALL, f.bar_u_alpha), (CU_ALPHA_ALL, f.cu_alpha)] {
            named(ui, name);
            ui.label(number(value, 3));
            ui.end_row();
        }
    });
}

fn interval_text(i: &AlphaInterval) -> String {
    match (i.low, i.high) {
        (Some(low), Some(high)) => format!("{low:.3} – {high:.3}"),
        _ => "n/a".to_owned(),
    }
}

/// Per coder pair, over the pooled codes; only worth a table with three or more coders.
fn pairs_ui(ui: &mut Ui, report: &AgreementReport) {
    if report.pooled.pairs.len() < 2 {
        return;
    }
    ui.add_space(4.0);
    ui.strong("Coder pairs").on_hover_text("Pooled codes; Light's kappa is the mean of these Cohen's kappas.");
    egui::Grid::new("compare-pairs-grid").striped(true).num_columns(4).show(ui, |ui| {
        ui.strong("pair");
        ui.strong("units");
        named(ui, PERCENT);
        named(ui, COHEN);
        ui.end_row();
        for p in &report.pooled.pairs {
            ui.label(p.coders.join(" – "));
            ui.label(p.units.to_string());
            ui.label(number(p.percent_agreement, 1));
            ui.label(number(p.cohen_kappa, 3));
            ui.end_row();
        }
    });
}

fn left_out_ui(ui: &mut Ui, report: &AgreementReport) {
    if report.left_out_of_pooled.is_empty() {
        return;
    }
    ui.add_space(4.0);
    ui.strong(format!("* Left out of the pooled figure ({})", report.left_out_of_pooled.len()))
        .on_hover_text("A code enters the pooled figure only with units from two coders and some variation.");
    for left in &report.left_out_of_pooled {
        ui.label(format!("{} — {}", left.code, left.explanation));
    }
}

/// Starts the paragraph (see [`CompareState::start_methods`]); it reaches the clipboard in the
/// frame it is ready, which [`poll_copy`] handles.
fn copy_button_ui(ui: &mut Ui, state: &mut CompareState, wb: &Workbench) {
    let busy = state.methods.is_some();
    let hint = "The unit, coders, codes in and out, missing-data rule and every coefficient, for a paper.";
    let enabled = !busy && !state.is_computing();
    let button = ui.add_enabled(enabled, egui::Button::new("Copy methods paragraph")).on_hover_text(hint);
    if button.clicked() {
        let ctx = ui.ctx().clone();
        state.start_methods(&wb.project, move || ctx.request_repaint());
    }
    if busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("Bootstrapping alpha for the paragraph…");
        });
    }
}

/// Puts a finished methods paragraph on the clipboard.
pub fn poll_copy(ui: &Ui, state: &mut CompareState) {
    if let Some(text) = state.poll_methods() {
        ui.ctx().copy_text(text);
    }
}
