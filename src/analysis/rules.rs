//! The rules behind a co-occurrence table, in words: which unit, measure, coders (identical spans
//! once, or each coder's codings), grouping and roll-up. The CLI states them in its CSV's first
//! line and its JSON, and the workbench in its view and its CSV export, from this one place, so
//! a table never leaves Fieldcode without saying how it was counted.

use super::{ACROSS_LABEL, Grouping, Options};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub unit: String,
    pub by: Option<String>,
    pub by_rule: Option<&'static str>,
    /// Who was counted and how: `all (identical spans once)`, `rosa (…)`.
    pub coders: String,
    pub rollup: bool,
}

impl Rules {
    /// The rules of a co-occurrence of `coders`' codings (none named: everyone's).
    pub fn of(coders: &[String], grouping: &Grouping, options: Options) -> Rules {
        let who = if coders.is_empty() { "all".to_owned() } else { coders.join(", ") };
        Rules {
            unit: options.unit.to_string(),
            by: grouping.attribute.clone(),
            by_rule: grouping.rule(),
            coders: format!("{who} ({})", options.coders_rule()),
            rollup: options.rollup,
        }
    }

    /// `# unit: overlap; measure: count; coders: all (identical spans once); by: role (…); …`
    pub fn line(&self, measure: &str) -> String {
        let by = match (&self.by, self.by_rule) {
            (Some(by), Some(rule)) => format!("{by} ({rule}); {ACROSS_LABEL}: pairs whose codings are in two groups"),
            _ => "nothing".to_owned(),
        };
        let rollup = if self.rollup { "on" } else { "off" };
        format!("# unit: {}; measure: {measure}; coders: {}; by: {by}; roll-up: {rollup}", self.unit, self.coders)
    }
}
