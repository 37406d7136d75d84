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
    Cooccurrence, Corpus, Filter, FrequencyBy, Grouping, Measure, Options, Selection, Unit, cooccur, crosstab, drill,
    frequencies,
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
    /// Only codings whose attribute has this value (participant's, else document's), e.g. --where role="link worker".
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
        /// Split by this attribute (site, role, provider, …): one matrix per value.
        #[arg(long)]
        by: Option<String>,
        /// overlap, turn, paragraph, document or near:N.
        #[arg(long, default_value = "overlap")]
        unit: Unit,
        /// count or jaccard.
        #[arg(long, default_value = "count")]
        measure: Measure,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
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
        /// The attribute of the matrix the cell is in.
        #[arg(long, requires = "value")]
        by: Option<String>,
        /// The attribute value (group) of the cell; `(none)` for codings without one.
        #[arg(long, requires = "by")]
        value: Option<String>,
        #[arg(long, default_value = "overlap")]
        unit: Unit,
        #[arg(long, value_enum, default_value = "text")]
        format: ExcerptFormat,
        #[command(flatten)]
        select: Selector,
    },
    /// Codes × values of an attribute: codings, documents and participants per cell.
    Crosstab {
        project: PathBuf,
        #[arg(long)]
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
            AnalysisCommand::Cooccur { project, by, unit, measure, format, select } => {
                let (corpus, selection) = load(&project, &select)?;
                let grouping = grouping(&corpus, by.as_deref())?;
                let jaccard = measure == Measure::Jaccard || format == TableFormat::Json;
                let options = Options { unit, rollup: !select.no_rollup, jaccard };
                let result = cooccur(&corpus, &selection, &grouping, options);
                write_cooccur(&corpus, &result, by.as_deref(), measure, format)?;
            }
            AnalysisCommand::CooccurExcerpts { project, code_a, code_b, by, value, unit, format, select } => {
                let opened = Project::open(&project)?;
                let corpus = Corpus::load(&opened)?;
                let selection = selector_filter(&opened, &corpus, &select)?.select(&corpus)?;
                let grouping = grouping(&corpus, by.as_deref())?;
                let group = value.as_deref().map(|v| group_index(&grouping, v)).transpose()?;
                let (a, b) = (code_index(&corpus, &code_a)?, code_index(&corpus, &code_b)?);
                let options = Options { unit, rollup: !select.no_rollup, jaccard: false };
                let pairs = drill(&corpus, &selection, &grouping, group, options, a, b);
                write_excerpts(&opened, &corpus, &pairs, format)?;
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

fn group_index(grouping: &Grouping, value: &str) -> Result<u32> {
    grouping.label_index(value).ok_or_else(|| Error::NotFound {
        what: "value",
        name: value.to_owned(),
        hint: format!(
            " of {}; its values: {}",
            grouping.attribute.as_deref().unwrap_or("the attribute"),
            grouping.labels.join(", ")
        ),
    })
}

fn code_index(corpus: &Corpus, path: &str) -> Result<u32> {
    crate::store::codes::split_path(path)?;
    corpus.code_by_path(path).ok_or_else(|| Error::NotFound {
        what: "code",
        name: path.to_owned(),
        hint: "; give the full path (Theme/Code); `fieldcode frequencies PROJECT` lists every code".into(),
    })
}

/// One row per unordered pair with a non-zero value, code_a < code_b by path.
fn cooccur_rows(corpus: &Corpus, result: &Cooccurrence, measure: Measure) -> Vec<(String, String, String, Value)> {
    let mut rows = Vec::new();
    for group in &result.groups {
        let mut pairs: Vec<(String, String, Value)> = group
            .pairs()
            .into_iter()
            .filter(|p| measure == Measure::Count || p.jaccard.unwrap_or(0.0) > 0.0)
            .map(|p| {
                let (x, y) = (&corpus.codes[p.a as usize].path, &corpus.codes[p.b as usize].path);
                let (a, b) = if x < y { (x.clone(), y.clone()) } else { (y.clone(), x.clone()) };
                let value = match measure {
                    Measure::Count => json!(p.count),
                    Measure::Jaccard => json!((p.jaccard.unwrap_or(0.0) * 10_000.0).round() / 10_000.0),
                };
                let detail = json!({"count": p.count, "jaccard": p.jaccard, "documents": p.documents, "value": value});
                (a, b, detail)
            })
            .collect();
        pairs.sort_by(|p, q| (&p.0, &p.1).cmp(&(&q.0, &q.1)));
        rows.extend(pairs.into_iter().map(|(a, b, d)| (group.label.clone(), a, b, d)));
    }
    rows
}

fn write_cooccur(
    corpus: &Corpus,
    result: &Cooccurrence,
    by: Option<&str>,
    measure: Measure,
    format: TableFormat,
) -> Result<()> {
    let rows = cooccur_rows(corpus, result, measure);
    if format == TableFormat::Csv {
        let mut out = csv_writer(&["group", "code_a", "code_b", "value"])?;
        for (group, a, b, detail) in &rows {
            write_record(&mut out, [group, a, b, &detail["value"].to_string()])?;
        }
        return flush(out);
    }
    let groups: Vec<Value> = result
        .groups
        .iter()
        .map(|g| {
            let codes: Vec<Value> = (0..corpus.codes.len())
                .filter(|&c| g.totals[c] > 0)
                .map(|c| json!({"code": corpus.codes[c].path, "n": g.totals[c]}))
                .collect();
            let pairs: Vec<Value> = rows
                .iter()
                .filter(|r| r.0 == g.label)
                .map(|(_, a, b, d)| {
                    json!({"code_a": a, "code_b": b, "value": d["value"], "count": d["count"],
                           "jaccard": d["jaccard"], "documents": d["documents"]})
                })
                .collect();
            json!({"group": g.label, "codings": g.codings, "codes": codes, "pairs": pairs})
        })
        .collect();
    let measure = if measure == Measure::Count { "count" } else { "jaccard" };
    print_json(&json!({
        "unit": result.options.unit.to_string(),
        "measure": measure,
        "by": by,
        "rollup": result.options.rollup,
        "groups": groups,
    }))
}

fn write_excerpts(
    project: &Project,
    corpus: &Corpus,
    pairs: &[crate::analysis::DrillPair],
    format: ExcerptFormat,
) -> Result<()> {
    let wanted: std::collections::HashSet<i64> = pairs.iter().flat_map(|p| [p.coding_a, p.coding_b]).collect();
    let index: HashMap<i64, usize> =
        corpus.codings.id.iter().enumerate().filter(|(_, id)| wanted.contains(id)).map(|(i, id)| (*id, i)).collect();
    let mut texts: HashMap<i64, (String, CharIndex)> = HashMap::new();
    let mut out = Vec::new();
    for pair in pairs {
        if let std::collections::hash_map::Entry::Vacant(slot) = texts.entry(pair.document) {
            let text = documents::text(project.conn(), pair.document)?;
            let chars = CharIndex::new(&text);
            slot.insert((text, chars));
        }
        let (text, chars) = &texts[&pair.document];
        let side = |id: i64| {
            let i = index[&id];
            let c = &corpus.codings;
            let (start, end) = (c.start[i], c.end[i]);
            json!({
                "id": id,
                "code": corpus.codes[c.code[i] as usize].path,
                "coder": corpus.coders.get(c.coder[i] as usize).map(|k| k.1.as_str()).unwrap_or(""),
                "start": start,
                "end": end,
                "text": chars.slice(text, start as usize, end as usize),
            })
        };
        let name = corpus.documents.iter().find(|d| d.id == pair.document).map(|d| d.name.as_str()).unwrap_or("");
        out.push(json!({
            "document": name,
            "unit": pair.unit.map(|(s, e)| json!({"start": s, "end": e})),
            "a": side(pair.coding_a),
            "b": side(pair.coding_b),
        }));
    }
    if format == ExcerptFormat::Json {
        return print_json(&out);
    }
    for item in &out {
        let unit = match &item["unit"] {
            Value::Null => String::new(),
            u => format!(" [{}–{}]", u["start"], u["end"]),
        };
        println!("{}{unit}", item["document"].as_str().unwrap_or(""));
        for key in ["a", "b"] {
            let s = &item[key];
            println!(
                "  {} ({}, {}, {}–{}): {}",
                s["code"].as_str().unwrap_or(""),
                s["coder"].as_str().unwrap_or(""),
                s["id"],
                s["start"],
                s["end"],
                s["text"]
            );
        }
    }
    println!("{} pairs", out.len());
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
