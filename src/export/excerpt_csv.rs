//! The CSV excerpt export, written straight from each borrowed excerpt: the same cells as
//! [`super::excerpts::row`] without building a row of owned cells per excerpt, encoded as the
//! `csv` crate's default writer does (a field is quoted when it holds a comma, a quote, CR or
//! LF; quotes are doubled; rows end in LF). Each row is put together in one reused buffer and
//! handed to the file's writer whole: at 200,000 excerpts the per-field calls and copies of a
//! general CSV writer cost more than the text itself.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::excerpt_rows::ExcerptReader;
use super::excerpts::{Excerpt, ExcerptHeader, columns};
use super::matrix::Cell;
use crate::error::{Error, Result};

/// Writes the header row, then one row per excerpt read; returns how many.
pub fn write(reader: &ExcerptReader<'_>, w: &mut dyn Write, bom: bool, out: &Path) -> Result<usize> {
    let io = |e: std::io::Error| Error::io(out, e);
    if bom {
        w.write_all(&[0xEF, 0xBB, 0xBF]).map_err(io)?;
    }
    let mut row = Row::default();
    for name in columns(&reader.header) {
        row.field(&name);
    }
    row.end(w).map_err(io)?;
    reader.for_each(|e| {
        write_row(&mut row, &reader.header, e);
        row.end(w).map_err(io)
    })
}

/// One excerpt as the fields of [`columns`].
fn write_row(row: &mut Row, header: &ExcerptHeader, e: &Excerpt<'_>) {
    for field in [
        &*e.code_path,
        &*e.theme,
        &*e.document,
        e.kind.as_str(),
        or_empty(e.speaker.as_deref()),
        or_empty(e.role.as_deref()),
    ] {
        row.field(field);
    }
    for a in &header.document_attributes {
        row.field(or_empty(e.document_attributes.get(a).map(String::as_str)));
    }
    for a in &header.speaker_attributes {
        row.field(or_empty(e.speaker_attributes.get(a).map(String::as_str)));
    }
    row.field(&e.coder);
    row.offset(e.start);
    row.offset(e.end);
    for field in [
        or_empty(e.timestamp.as_deref()),
        or_empty(e.start_time.as_deref()),
        or_empty(e.end_time.as_deref()),
        &e.text,
        &e.memo,
        or_empty(e.snapshot.as_deref()),
        &e.coded_at,
        &e.coding_guid,
    ] {
        row.field(field);
    }
    row.offset(e.text_version.max(0) as usize);
}

fn or_empty(s: Option<&str>) -> &str {
    s.unwrap_or_default()
}

/// The row being written, and scratch space for numbers.
#[derive(Default)]
struct Row {
    bytes: Vec<u8>,
    fields: usize,
    number: String,
}

impl Row {
    /// Appends a field, quoted when it needs to be.
    fn field(&mut self, field: &str) {
        if self.fields > 0 {
            self.bytes.push(b',');
        }
        self.fields += 1;
        let raw = field.as_bytes();
        if memchr::memchr3(b',', b'"', b'\n', raw).is_none() && memchr::memchr(b'\r', raw).is_none() {
            self.bytes.extend_from_slice(raw);
            return;
        }
        self.bytes.push(b'"');
        let mut from = 0;
        for at in memchr::memchr_iter(b'"', raw) {
            self.bytes.extend_from_slice(&raw[from..=at]);
            self.bytes.push(b'"');
            from = at + 1;
        }
        self.bytes.extend_from_slice(&raw[from..]);
        self.bytes.push(b'"');
    }

    /// Appends an offset as [`Cell::to_text`] writes it.
    fn offset(&mut self, n: usize) {
        let mut number = std::mem::take(&mut self.number);
        number.clear();
        if n < 1_000_000_000_000_000 {
            // Writing to a String cannot fail.
            _ = write!(number, "{n}");
        } else {
            number.push_str(&Cell::from(n).to_text());
        }
        self.field(&number);
        self.number = number;
    }

    /// Ends the row and writes it out.
    fn end(&mut self, w: &mut dyn Write) -> std::io::Result<()> {
        if self.fields == 1 && self.bytes.is_empty() {
            // A lone empty field would read as an empty line.
            self.bytes.extend_from_slice(b"\"\"");
        }
        self.bytes.push(b'\n');
        let written = w.write_all(&self.bytes);
        self.bytes.clear();
        self.fields = 0;
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(fields: &[&str]) -> Vec<u8> {
        let mut row = Row::default();
        for f in fields {
            row.field(f);
        }
        let mut out = Vec::new();
        row.end(&mut out).unwrap();
        out
    }

    fn csv_crate(fields: &[&str]) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(fields).unwrap();
        writer.into_inner().unwrap()
    }

    #[test]
    fn rows_are_encoded_as_the_csv_crate_encodes_them() {
        let cases: [&[&str]; 8] = [
            &["plain", "two words", "é 😀"],
            &["a,b", "say \"hi\"", "\"", "\"\""],
            &["line\nbreak", "carriage\rreturn", "crlf\r\n"],
            &["", "", ""],
            &[""],
            &["#not a comment", " leading space", "trailing ", "tab\there"],
            &["mixed, \"quoted\"\nand more"],
            &["x"],
        ];
        for fields in cases {
            assert_eq!(ours(fields), csv_crate(fields), "{fields:?}");
        }
    }

    #[test]
    fn offsets_read_as_the_table_cells_do() {
        for n in [0, 7, 123_456, 999_999_999_999_999, 1_000_000_000_000_000, 1 << 60] {
            let mut row = Row::default();
            row.offset(n);
            assert_eq!(row.bytes, Cell::from(n).to_text().into_bytes());
        }
    }
}
