//! Analysis commands: co-occurrence matrices (overall or split by an attribute), the quotes
//! behind one cell, code × attribute crosstabs, frequencies, and the synthetic project generator.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::Outcome;
use super::output::print_json;
use crate::analysis::{
    ACROSS_LABEL, Bucket, Cooccurrence, Corpus, DrillItem, Filter, FrequencyBy, Grouping, Measure, Options, Rules,
    Selection, Unit, cooccur, crosstab, drill, frequencies,
};
use crate::error::{Error, Result};
use crate::model::DocumentKind;
use crate::store::{Project, documents};
use crate::synth::{SynthOptions, generate};
use crate::text::CharIndex;

/// How tables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Csv,
    Json,
}

/// How excerpts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExcerptFormat {
    Text,
    Json,
}

/// Which codings an analysis looks at.
#[derive(Debug, Clone, Args)]
pub struct Selector {
    /// Only codings by this coder (repeatable).
    #[arg(long = "coder", value_name = "NAME")]
    coders: Vec<String>,
    /// Only these documents, by name (repeatable).
    #[arg(long = "document", value_name = "NAME")]
    documents: Vec<String>,
    /// Only documents of this kind (repeatable): field-note, interview, focus-group, other.
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<DocumentKind>,
    /// Only codings whose attribute has this value (speaker's, else document's; or document:ATTR /
    /// participant:ATTR for one of them), e.g. --where role="link worker".
    #[arg(long = "where", value_name = "ATTR=VALUE", value_parser = parse_condition)]
    conditions: Vec<(String, String)>,
    /// Only this code and its descendants, by path (Theme/Code).
    #[arg(long = "code", value_name = "PATH")]
    code: Option<String>,
    /// Count each coding for its own code only, not for the code's ancestors (themes).
    #[arg(long)]
    no_rollup: bool,
}

fn parse_condition(raw: &str) -> std::result::Result<(String, String), String> {
    match raw.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("expected ATTR=VALUE, found {raw:?}")),
    }
}

#[derive(Debug, Subcommand)]
pub enum AnalysisCommand {
    /// Which codes occur together: one matrix, or one per value of an attribute (--by).
    Cooccur {
        project: PathBuf,
        /// Split by this attribute: one matrix per value, plus pairs across groups. ATTR takes the
        /// speaker's value, else the document's; document:ATTR or participant:ATTR only that one.
        #[arg(long, value_name = "ATTR")]
        by: Option<String>,
        /// overlap, turn, paragraph, document or near:N.
        #[arg(long, default_value = "overlap")]
        unit: Unit,
        /// count or jaccard.
        #[arg(long, default_value = "count")]
        measure: Measure,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
        /// Count each coder's codings separately, instead of identical spans by several coders once.
        #[arg(long)]
        per_coder: bool,
        #[command(flatten)]
        select: Selector,
    },
    /// The coded quotes behind one cell of a co-occurrence matrix.
    CooccurExcerpts {
        project: PathBuf,
        #[arg(long, value_name = "PATH")]
        code_a: String,
        #[arg(long, value_name = "PATH")]
        code_b: String,
        /// The attribute of the matrix the cell is in (ATTR, document:ATTR or participant:ATTR).
        #[arg(long, requires = "value", value_name = "ATTR")]
        by: Option<String>,
        /// The attribute value (group) of the cell; `(none)` for codings without one,
        /// `(across groups)` for pairs whose codings fall in different groups.
        #[arg(long, requires = "by")]
        value: Option<String>,
        #[arg(long, default_value = "overlap")]
        unit: Unit,
        #[arg(long, value_enum, default_value = "text")]
        format: ExcerptFormat,
        /// Count each coder's codings separately, instead of identical spans by several coders once.
        #[arg(long)]
        per_coder: bool,
        #[command(flatten)]
        select: Selector,
    },
    /// Codes × values of an attribute: codings, documents and participants per cell.
    Crosstab {
        project: PathBuf,
        /// ATTR (speaker's value, else document's), document:ATTR or participant:ATTR.
        #[arg(long, value_name = "ATTR")]
        by: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
        #[command(flatten)]
        select: Selector,
    },
    /// Codings per code, document, participant or coder.
    Frequencies {
        project: PathBuf,
        /// code, document, participant or coder.
        #[arg(long, default_value = "code")]
        by: FrequencyBy,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
        #[command(flatten)]
        select: Selector,
    },
    /// Generate a large synthetic project (transcripts, attributes, codebook, codings by 3 coders).
    Synth {
        /// The new project file (must not exist).
        project: PathBuf,
        #[arg(long)]
        docs: usize,
        /// Characters of transcript per document.
        #[arg(long)]
        chars: usize,
        /// Codebook entries, themes included.
        #[arg(long)]
        codes: usize,
        #[arg(long)]
        codings: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

impl AnalysisCommand {
    pub fn run(self) -> Result<Outcome> {
        match self {
            AnalysisCommand::Cooccur { project, by, unit, measure, format, per_coder, select } => {
                let (corpus, selection) = load(&project, &select)?;
                let grouping = grouping(&corpus, by.as_deref())?;
                let jaccard = measure == Measure::Jaccard || format == TableFormat::Json;
                let options = Options { unit, rollup: !select.no_rollup, jaccard, per_coder };
                let result = cooccur(&corpus, &selection, &grouping, options);
                let rules = Rules::of(&select.coders, &grouping, options);
                write_cooccur(&corpus, &result, &rules, measure, format)?;
            }
            AnalysisCommand::CooccurExcerpts {
                project,
                code_a,
                code_b,
                by,
                value,
                unit,
                format,
                per_coder,
                select,
            } => {
                let opened = Project::open(&project)?;
                let corpus = Corpus::load(&opened)?;
                let selection = selector_filter(&opened, &corpus, &select)?.select(&corpus)?;
                let grouping = grouping(&corpus, by.as_deref())?;
                let bucket = value.as_deref().map_or(Ok(Bucket::Group(0)), |v| bucket_named(&grouping, v))?;
                let (a, b) = (code_index(&corpus, &code_a)?, code_index(&corpus, &code_b)?);
                let options = Options { unit, rollup: !select.no_rollup, jaccard: false, per_coder };
                let items = drill(&corpus, &selection, &grouping, bucket, options, a, b);
                write_excerpts(&opened, &corpus, &items, unit, format)?;
            }
            AnalysisCommand::Crosstab { project, by, format, select } => {
                let (corpus, selection) = load(&project, &select)?;
                let grouping = Grouping::by_attribute(&corpus, &by)?;
                let table = crosstab(&corpus, &selection, &grouping, !select.no_rollup);
                match format {
                    TableFormat::Json => print_json(&table)?,
                    TableFormat::Csv => {
                        let mut out = csv_writer(&["code", "value", "codings", "documents", "participants"])?;
                        for row in &table.rows {
                            for cell in &row.cells {
                                let numbers = [cell.codings, cell.documents, cell.participants].map(|n| n.to_string());
                                write_record(
                                    &mut out,
                                    [&row.code, &cell.value, &numbers[0], &numbers[1], &numbers[2]],
                                )?;
                            }
                        }
                        flush(out)?;
                    }
                }
            }
            AnalysisCommand::Frequencies { project, by, format, select } => {
                let (corpus, selection) = load(&project, &select)?;
                let rows = frequencies(&corpus, &selection, by, !select.no_rollup);
                match format {
                    TableFormat::Json => print_json(&rows)?,
                    TableFormat::Csv => {
                        let mut out = csv_writer(&[by.as_str(), "codings", "documents", "characters"])?;
                        for r in &rows {
                            let n = [r.codings.to_string(), r.documents.to_string(), r.characters.to_string()];
                            write_record(&mut out, [&r.key, &n[0], &n[1], &n[2]])?;
                        }
                        flush(out)?;
                    }
                }
            }
            AnalysisCommand::Synth { project, docs, chars, codes, codings, seed } => {
                let started = std::time::Instant::now();
                let report = generate(&project, &SynthOptions { docs, chars, codes, codings, seed })?;
                println!(
                    "Generated {}: {} documents, {} participants, {} codes, {} codings in {:.1} s.",
                    project.display(),
                    report.documents,
                    report.participants,
                    report.codes,
                    report.codings,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Ok(Outcome::Exit(ExitCode::SUCCESS))
    }
}

fn load(path: &std::path::Path, select: &Selector) -> Result<(Corpus, Selection)> {
    let project = Project::open(path)?;
    let corpus = Corpus::load(&project)?;
    let selection = selector_filter(&project, &corpus, select)?.select(&corpus)?;
    Ok((corpus, selection))
}

fn selector_filter(project: &Project, corpus: &Corpus, select: &Selector) -> Result<Filter> {
    let coders = select
        .coders
        .iter()
        .map(|name| {
            let i = corpus.coder_by_name(name).ok_or_else(|| Error::NotFound {
                what: "coder",
                name: name.clone(),
                hint: format!(
                    "; coders in this project: {}",
                    corpus.coders.iter().map(|c| c.1.as_str()).collect::<Vec<_>>().join(", ")
                ),
            })?;
            Ok(corpus.coders[i as usize].0)
        })
        .collect::<Result<Vec<_>>>()?;
    let documents =
        select.documents.iter().map(|n| documents::id_by_name(project.conn(), n)).collect::<Result<Vec<_>>>()?;
    let code = select.code.as_deref().map(|p| code_index(corpus, p)).transpose()?;
    Ok(Filter {
        documents: (!documents.is_empty()).then_some(documents),
        kinds: (!select.kinds.is_empty()).then(|| select.kinds.clone()),
        coders: (!coders.is_empty()).then_some(coders),
        attributes: select.conditions.clone(),
        code: code.map(|c| corpus.codes[c as usize].id),
    })
}

fn grouping(corpus: &Corpus, by: Option<&str>) -> Result<Grouping> {
    match by {
        Some(name) => Grouping::by_attribute(corpus, name),
        None => Ok(Grouping::overall()),
    }
}

/// The matrix a `--value` names: a group, or the pairs across groups.
fn bucket_named(grouping: &Grouping, value: &str) -> Result<Bucket> {
    if value.trim() == ACROSS_LABEL {
        return Ok(Bucket::Across);
    }
    let index = grouping.label_index(value).ok_or_else(|| Error::NotFound {
        what: "value",
        name: value.to_owned(),
        hint: format!(
            " of {}; its values: {}, and {ACROSS_LABEL} for pairs across groups",
            grouping.attribute.as_deref().unwrap_or("the attribute"),
            grouping.labels.join(", ")
        ),
    })?;
    Ok(Bucket::Group(index))
}

fn code_index(corpus: &Corpus, path: &str) -> Result<u32> {
    crate::store::codes::split_path(path)?;
    corpus.code_by_path(path).ok_or_else(|| Error::NotFound {
        what: "code",
        name: path.to_owned(),
        hint: "; give the full path (Theme/Code); `fieldcode frequencies PROJECT` lists every code".into(),
    })
}

/// One unordered pair of one group (or of the pairs across groups), named by code paths.
struct PairRow<'c> {
    group: &'c str,
    a: &'c str,
    b: &'c str,
    count: u32,
    jaccard: Option<f64>,
    documents: u32,
}

impl PairRow<'_> {
    /// The cell value under `measure`: `None` for Jaccard across groups (counts only there).
    fn value(&self, measure: Measure) -> Option<Value> {
        match measure {
            Measure::Count => Some(json!(self.count)),
            Measure::Jaccard => self.jaccard.map(|j| json!(round4(j))),
        }
    }

    fn csv_value(&self, measure: Measure) -> Option<String> {
        match measure {
            Measure::Count => Some(self.count.to_string()),
            Measure::Jaccard => self.jaccard.map(|j| format!("{:.4}", round4(j))),
        }
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One row per unordered pair with a non-zero value, code_a < code_b by path; the groups, then
/// the pairs across groups (which have counts only).
fn cooccur_rows<'c>(corpus: &'c Corpus, result: &'c Cooccurrence, measure: Measure) -> Vec<PairRow<'c>> {
    let mut rows = Vec::new();
    for group in result.groups.iter().chain(&result.across) {
        let mut pairs: Vec<PairRow<'c>> = group
            .pairs()
            .into_iter()
            .filter(|p| measure == Measure::Count || group.is_across() || p.jaccard.unwrap_or(0.0) > 0.0)
            .map(|p| {
                let (x, y) = (corpus.codes[p.a as usize].path.as_str(), corpus.codes[p.b as usize].path.as_str());
                let (a, b) = if x < y { (x, y) } else { (y, x) };
                PairRow { group: &group.label, a, b, count: p.count, jaccard: p.jaccard, documents: p.documents }
            })
            .collect();
        pairs.sort_unstable_by(|p, q| (p.a, p.b).cmp(&(q.a, q.b)));
        rows.extend(pairs);
    }
    rows
}

fn write_cooccur(
    corpus: &Corpus,
    result: &Cooccurrence,
    rules: &Rules,
    measure: Measure,
    format: TableFormat,
) -> Result<()> {
    let rows = cooccur_rows(corpus, result, measure);
    let measure_name = if measure == Measure::Count { "count" } else { "jaccard" };
    if format == TableFormat::Csv {
        return write_cooccur_csv(&rows, &rules.line(measure_name), measure);
    }
    fn pairs_of<'r>(rows: &'r [PairRow<'_>], label: &'r str) -> impl Iterator<Item = &'r PairRow<'r>> {
        rows.iter().filter(move |r| r.group == label)
    }
    let groups: Vec<Value> = result
        .groups
        .iter()
        .map(|g| {
            let codes: Vec<Value> = (0..corpus.codes.len())
                .filter(|&c| g.totals[c] > 0)
                .map(|c| json!({"code": corpus.codes[c].path, "n": g.totals[c]}))
                .collect();
            let pairs: Vec<Value> = pairs_of(&rows, &g.label)
                .map(|r| {
                    json!({"code_a": r.a, "code_b": r.b, "value": r.value(measure), "count": r.count,
                           "jaccard": r.jaccard, "documents": r.documents})
                })
                .collect();
            json!({"group": g.label, "codings": g.codings, "codes": codes, "pairs": pairs})
        })
        .collect();
    let across = result.across.as_ref().map(|g| {
        let pairs: Vec<Value> = pairs_of(&rows, &g.label)
            .map(|r| json!({"code_a": r.a, "code_b": r.b, "count": r.count, "documents": r.documents}))
            .collect();
        json!({"group": g.label, "pairs": pairs})
    });
    print_json(&json!({
        "unit": result.options.unit.to_string(),
        "measure": measure_name,
        "coders": rules.coders,
        "by": rules.by,
        "by_rule": rules.by_rule,
        "rollup": result.options.rollup,
        "groups": groups,
        "across_groups": across,
    }))
}

/// The CSV: the rules line, a header and one line per pair, through one buffered lock on
/// standard output.
fn write_cooccur_csv(rows: &[PairRow<'_>], rules: &str, measure: Measure) -> Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    writeln!(out, "{rules}").map_err(stdout_error)?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["group", "code_a", "code_b", "value"]).map_err(csv_error)?;
    for r in rows {
        if let Some(value) = r.csv_value(measure) {
            csv.write_record([r.group, r.a, r.b, value.as_str()]).map_err(csv_error)?;
        }
    }
    csv.flush().map_err(stdout_error)
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::invalid(format!("cannot write to standard output: {e}"))
}

/// One JSON object per counted item: `{document, unit, a: [passage], b: [passage], pairs}`.
fn write_excerpts(
    project: &Project,
    corpus: &Corpus,
    items: &[DrillItem],
    unit: Unit,
    format: ExcerptFormat,
) -> Result<()> {
    let wanted: std::collections::HashSet<i64> = items
        .iter()
        .flat_map(|item| item.a.iter().chain(&item.b))
        .flat_map(|p| std::iter::once(p.coding).chain(p.merged.iter().copied()))
        .collect();
    let index: HashMap<i64, usize> =
        corpus.codings.id.iter().enumerate().filter(|(_, id)| wanted.contains(id)).map(|(i, id)| (*id, i)).collect();
    let mut texts: HashMap<i64, (String, CharIndex)> = HashMap::new();
    let mut out = Vec::new();
    for item in items {
        if let std::collections::hash_map::Entry::Vacant(slot) = texts.entry(item.document) {
            let text = documents::text(project.conn(), item.document)?;
            let chars = CharIndex::new(&text);
            slot.insert((text, chars));
        }
        let (text, chars) = &texts[&item.document];
        let c = &corpus.codings;
        let coder = |i: usize| corpus.coders.get(c.coder[i] as usize).map(|k| k.1.as_str()).unwrap_or("");
        let side = |p: &crate::analysis::Passage| {
            let i = index[&p.coding];
            let (start, end) = (c.start[i], c.end[i]);
            let mut coders: Vec<&str> =
                std::iter::once(i).chain(p.merged.iter().map(|id| index[id])).map(coder).collect();
            coders.sort_unstable();
            coders.dedup();
            json!({
                "id": p.coding,
                "code": corpus.codes[c.code[i] as usize].path,
                "coder": coder(i),
                "coders": coders,
                "start": start,
                "end": end,
                "text": chars.slice(text, start as usize, end as usize),
            })
        };
        let name = corpus.documents.iter().find(|d| d.id == item.document).map(|d| d.name.as_str()).unwrap_or("");
        out.push(json!({
            "document": name,
            "unit": item.unit.map(|(s, e)| json!({"start": s, "end": e})),
            "a": item.a.iter().map(side).collect::<Vec<_>>(),
            "b": item.b.iter().map(side).collect::<Vec<_>>(),
            "pairs": item.pairs().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
        }));
    }
    if format == ExcerptFormat::Json {
        return print_json(&out);
    }
    let pairs_only = unit.pairs_codings();
    for item in &out {
        let unit = match &item["unit"] {
            Value::Null => String::new(),
            u => format!(" [{}–{}]", u["start"], u["end"]),
        };
        let (na, nb) = (item["a"].as_array().map_or(0, Vec::len), item["b"].as_array().map_or(0, Vec::len));
        if pairs_only {
            println!("{}{unit}", item["document"].as_str().unwrap_or(""));
        } else {
            println!("{}{unit}: {na} × {nb} passages, {} pairs", item["document"].as_str().unwrap_or(""), na * nb);
        }
        for key in ["a", "b"] {
            for s in item[key].as_array().into_iter().flatten() {
                let coders: Vec<&str> =
                    s["coders"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let side = if pairs_only { String::new() } else { format!("{key} ") };
                println!(
                    "  {side}{} ({}, {}, {}–{}): {}",
                    s["code"].as_str().unwrap_or(""),
                    coders.join(" & "),
                    s["id"],
                    s["start"],
                    s["end"],
                    s["text"]
                );
            }
        }
    }
    let noun = match unit {
        Unit::Overlap | Unit::Near(_) => "pair",
        Unit::Turn => "turn",
        Unit::Paragraph => "paragraph",
        Unit::Document => "document",
    };
    println!("{} {noun}{}", out.len(), if out.len() == 1 { "" } else { "s" });
    Ok(())
}

fn csv_writer(header: &[&str]) -> Result<csv::Writer<std::io::Stdout>> {
    let mut out = csv::Writer::from_writer(std::io::stdout());
    out.write_record(header).map_err(csv_error)?;
    Ok(out)
}

fn write_record<'a>(
    out: &mut csv::Writer<std::io::Stdout>,
    record: impl IntoIterator<Item = &'a String>,
) -> Result<()> {
    out.write_record(record).map_err(csv_error)
}

fn flush(mut out: csv::Writer<std::io::Stdout>) -> Result<()> {
    out.flush().map_err(|e| Error::invalid(format!("cannot write to standard output: {e}")))
}

fn csv_error(e: csv::Error) -> Error {
    Error::invalid(format!("cannot write CSV: {e}"))
}
