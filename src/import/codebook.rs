//! Codebook import (`fieldcode import-codebook`): a REFI-QDA `.qdc` or a `.csv` codebook read
//! into [`IncomingCode`]s, checked, then merged into the codebook by one
//! [`Command::ImportCodebook`], so the whole import undoes and redoes as one step and a bad row
//! or file changes nothing.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::coding::{self, Command, IncomingCode, Mode};
use crate::error::{Error, Result};
use crate::model::ReviewStatus;
use crate::refi::{definition, guid, model::Code, qde_read};
use crate::store::{Project, codes};

/// Codebook CSV columns, in order. Import needs `path`; the others are optional.
pub const CSV_COLUMNS: [&str; 9] =
    ["path", "color", "status", "description", "inclusion", "exclusion", "example", "codings", "guid"];

/// Deepest code tree a codebook file may hold.
pub const MAX_DEPTH: usize = 1000;

/// What an import changed, and the rows of the file it could not take as they were.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodebookImport {
    pub added: usize,
    pub updated: usize,
    /// One line per row the import read differently from what it says (a repeated GUID, say).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A parsed codebook file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Codebook {
    pub codes: Vec<IncomingCode>,
    pub notes: Vec<String>,
}

/// Imports a `.qdc` (or `.xml`) or `.csv` codebook into the project as one undoable command.
pub fn import(project: &mut Project, file: &Path, actor: &str) -> Result<CodebookImport> {
    let book = read(file)?;
    crate::store::backup::take(project, "before-codebook-import")?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let command = Command::ImportCodebook { file: name.clone(), codes: book.codes.clone() };
    let written = coding::record(project, actor, &command, Mode::Commit, |rec| {
        coding::codebook_ops::import(rec, &name, &book.codes)
    })?;
    Ok(CodebookImport { added: written.value.added, updated: written.value.updated, notes: book.notes })
}

/// Reads and checks a codebook file without touching any project.
pub fn read(file: &Path) -> Result<Codebook> {
    let bytes = crate::import::read_input(file, crate::import::MAX_FILE_BYTES)?;
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut book = match ext.as_str() {
        "qdc" | "xml" | "qde" => from_qdc(&qde_read::read_codebook(&bytes, file)?, file)?,
        "csv" => from_csv(&bytes, file)?,
        _ => return Err(Error::import(file, "unsupported codebook file; use a REFI-QDA .qdc or a .csv")),
    };
    drop_repeated_guids(&mut book);
    Ok(book)
}

fn code_name(raw: &str) -> String {
    let name = raw.trim().replace('/', "∕");
    if name.is_empty() { "(unnamed code)".into() } else { name }
}

/// The codes of a `.qdc` tree in file order, each after its parent; walked with an explicit
/// stack, so depth costs no native stack.
fn from_qdc(codes: &[Code], file: &Path) -> Result<Codebook> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Code, Option<usize>, usize)> = codes.iter().rev().map(|c| (c, None, 1)).collect();
    while let Some((c, parent, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(too_deep(file, None));
        }
        let def = definition::parse(&c.description);
        out.push(IncomingCode {
            parent,
            name: code_name(&c.name),
            guid: Some(c.guid.clone()),
            color: c.color.as_deref().and_then(normalise_color),
            status: def.status,
            description: def.description,
            inclusion: def.inclusion,
            exclusion: def.exclusion,
            example: def.example,
        });
        let me = out.len() - 1;
        stack.extend(c.children.iter().rev().map(|child| (child, Some(me), depth + 1)));
    }
    Ok(Codebook { codes: out, notes: Vec::new() })
}

fn too_deep(file: &Path, line: Option<usize>) -> Error {
    let reason = format!("the code tree is deeper than {MAX_DEPTH} levels; Fieldcode reads codebooks up to that depth");
    match line {
        Some(line) => Error::Parse { path: file.to_path_buf(), line, reason },
        None => Error::import(file, reason),
    }
}

fn normalise_color(raw: &str) -> Option<String> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        3 => Some(format!("#{}", hex.chars().flat_map(|c| [c, c]).collect::<String>())),
        6 | 8 => Some(format!("#{}", &hex[..6])),
        _ => None,
    }
}

/// The entries of a CSV codebook: one per path segment not seen before (a trie keyed by
/// parent entry and name, so long paths cost time linear in their length).
#[derive(Default)]
struct CsvTree {
    codes: Vec<IncomingCode>,
    /// The line that listed each entry, or 0 for a parent no row listed.
    lines: Vec<usize>,
    index: HashMap<(Option<usize>, String), usize>,
}

impl CsvTree {
    /// The entry of `parts`, creating bare entries for missing segments.
    fn entry(&mut self, parts: &[&str]) -> usize {
        let mut parent = None;
        for part in parts {
            let key = (parent, (*part).to_owned());
            let next = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.codes.push(IncomingCode { parent, name: (*part).to_owned(), ..IncomingCode::default() });
                    self.lines.push(0);
                    self.index.insert(key, self.codes.len() - 1);
                    self.codes.len() - 1
                }
            };
            parent = Some(next);
        }
        parent.unwrap_or_default()
    }
}

/// Writes a row's non-empty fields over an entry (a path listed twice: the later row wins).
fn merge_fields(entry: &mut IncomingCode, row: IncomingCode) {
    entry.guid = row.guid.or(entry.guid.take());
    entry.color = row.color.or(entry.color.take());
    entry.status = row.status.or(entry.status);
    for (field, value) in [
        (&mut entry.description, row.description),
        (&mut entry.inclusion, row.inclusion),
        (&mut entry.exclusion, row.exclusion),
        (&mut entry.example, row.example),
    ] {
        if !value.is_empty() {
            *field = value;
        }
    }
}

/// One data row of a CSV codebook.
struct CsvRow {
    line: usize,
    /// The code path (Fieldcode's `path`), or one tag's name (Taguette's `tag`).
    name: String,
    /// The parent tag's name (Taguette 1.5's `parent`), empty at the top.
    parent: String,
    fields: IncomingCode,
}

fn from_csv(bytes: &[u8], path: &Path) -> Result<Codebook> {
    let text = crate::import::decode::decode_text(bytes).map_err(|r| Error::import(path, r))?;
    let text = crate::text::normalise_newlines(&text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let parse_err = |line: usize, reason: String| Error::Parse { path: path.to_path_buf(), line, reason };
    let headers: Vec<String> =
        reader.headers().map_err(|e| parse_err(1, e.to_string()))?.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    // Taguette's codebook CSV names each tag in `tag` (1.4: tag, description, number of
    // highlights; 1.5 adds `parent`, the parent tag's name). A tag is one name, not a path.
    let taguette = col("path").is_none() && col("code").is_none() && col("tag").is_some();
    let path_col = col("path").or_else(|| col("code")).or_else(|| col("tag")).ok_or_else(|| {
        parse_err(
            1,
            format!("the CSV needs a `path` column (or Taguette's `tag`); columns are {}", CSV_COLUMNS.join(", ")),
        )
    })?;
    let parent_col = if taguette { col("parent") } else { None };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| parse_err(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let get = |name: &str| col(name).and_then(|c| record.get(c)).map(str::trim).unwrap_or("").to_owned();
        let name = record.get(path_col).unwrap_or("").trim().to_owned();
        if name.is_empty() {
            continue;
        }
        let parent = parent_col.and_then(|c| record.get(c)).unwrap_or("").trim().to_owned();
        rows.push(CsvRow { line, name, parent, fields: csv_fields(&get, line, &parse_err)? });
    }
    let parents: HashMap<&str, &str> =
        if taguette { rows.iter().map(|r| (r.name.as_str(), r.parent.as_str())).collect() } else { HashMap::new() };
    let mut tree = CsvTree::default();
    let mut notes = Vec::new();
    for row in &rows {
        let parts: Vec<String> = if taguette {
            tag_path(&row.name, &parents).map_err(|why| match why {
                TagPath::TooDeep => too_deep(path, Some(row.line)),
                TagPath::Cycle => {
                    parse_err(row.line, format!("the tag {:?} is its own ancestor through `parent`", row.name))
                }
            })?
        } else {
            codes::split_path(&row.name)
                .map_err(|e| parse_err(row.line, e.to_string()))?
                .into_iter()
                .map(str::to_owned)
                .collect()
        };
        if parts.len() > MAX_DEPTH {
            return Err(too_deep(path, Some(row.line)));
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let at = tree.entry(&parts);
        let line = row.line;
        if tree.lines[at] != 0 {
            let first = tree.lines[at];
            notes.push(format!(
                "{}:{line}: {} is listed again (first on line {first}); its fields were added",
                path.display(),
                row.name
            ));
        } else {
            tree.lines[at] = line;
        }
        merge_fields(&mut tree.codes[at], row.fields.clone());
    }
    let mut book = Codebook { codes: tree.codes, notes };
    drop_repeated_csv_guids(&mut book, &tree.lines, path);
    Ok(book)
}

/// Why a Taguette tag has no path.
enum TagPath {
    TooDeep,
    Cycle,
}

/// A Taguette tag's path: its ancestors' names through `parent`, then its own; a parent that
/// no row lists is taken as a top-level tag. Each name is one segment (`/` becomes `∕`).
fn tag_path(name: &str, parents: &HashMap<&str, &str>) -> std::result::Result<Vec<String>, TagPath> {
    let mut chain = vec![name];
    let mut seen = std::collections::HashSet::from([name]);
    let mut at = name;
    while let Some(&parent) = parents.get(at) {
        if parent.is_empty() {
            break;
        }
        if !seen.insert(parent) {
            return Err(TagPath::Cycle);
        }
        if chain.len() >= MAX_DEPTH {
            return Err(TagPath::TooDeep);
        }
        chain.push(parent);
        at = parent;
    }
    Ok(chain.into_iter().rev().map(code_name).collect())
}

/// A GUID on two rows: the later rows are matched by their path, and each is reported.
fn drop_repeated_csv_guids(book: &mut Codebook, lines: &[usize], path: &Path) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (code, &line) in book.codes.iter_mut().zip(lines) {
        let Some(g) = code.guid.clone() else { continue };
        if let Some(first) = seen.get(&g) {
            book.notes.push(format!(
                "{}:{line}: {} repeats the GUID of line {first}; matched by its path instead",
                path.display(),
                code.name
            ));
            code.guid = None;
        } else {
            seen.insert(g, line);
        }
    }
}

/// A `.qdc` with one GUID on two codes: the later ones are matched by path, with a note.
fn drop_repeated_guids(book: &mut Codebook) {
    let mut seen = std::collections::HashSet::new();
    for code in &mut book.codes {
        if let Some(g) = &code.guid
            && !seen.insert(g.clone())
        {
            book.notes.push(format!("code {:?} repeats GUID {g}; matched by its path instead", code.name));
            code.guid = None;
        }
    }
}

/// The fields of one CSV row.
fn csv_fields(
    get: &dyn Fn(&str) -> String,
    line: usize,
    parse_err: &dyn Fn(usize, String) -> Error,
) -> Result<IncomingCode> {
    let color = match get("color") {
        c if c.is_empty() => None,
        c => Some(normalise_color(&c).ok_or_else(|| parse_err(line, format!("{c:?} is not a colour like #1f77b4")))?),
    };
    let status = match get("status") {
        s if s.is_empty() => None,
        s => Some(s.parse::<ReviewStatus>().map_err(|e| parse_err(line, e))?),
    };
    let guid_cell = get("guid");
    Ok(IncomingCode {
        guid: (!guid_cell.is_empty()).then(|| guid::normalise(&guid_cell)),
        color,
        status,
        description: get("description"),
        inclusion: get("inclusion"),
        exclusion: get("exclusion"),
        example: get("example"),
        ..IncomingCode::default()
    })
}
