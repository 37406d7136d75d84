//! The CSV excerpt export, written field by field straight from each borrowed excerpt: the same
//! cells as [`super::excerpts::row`], without building a row of owned cells for every excerpt
//! (at 200,000 excerpts the copies cost more than the writing).

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::excerpt_rows::ExcerptReader;
use super::excerpts::{Excerpt, ExcerptHeader, columns};
use super::matrix::Cell;
use crate::error::{Error, Result};

/// Writes the header row, then one row per excerpt read; returns how many.
pub fn write(reader: &ExcerptReader<'_>, w: &mut dyn Write, bom: bool, out: &Path) -> Result<usize> {
    if bom {
        w.write_all(&[0xEF, 0xBB, 0xBF]).map_err(|e| Error::io(out, e))?;
    }
    let mut writer = csv::Writer::from_writer(w);
    let fail = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(out, e),
        other => Error::invalid(format!("cannot write CSV: {other:?}")),
    };
    writer.write_record(columns(&reader.header)).map_err(fail)?;
    let mut number = String::new();
    let n = reader.for_each(|e| write_row(&mut writer, &reader.header, e, &mut number).map_err(fail))?;
    writer.flush().map_err(|e| Error::io(out, e))?;
    Ok(n)
}

/// One excerpt as the fields of [`columns`]; `number` is scratch space for the offsets.
fn write_row<W: Write>(
    w: &mut csv::Writer<W>,
    header: &ExcerptHeader,
    e: &Excerpt<'_>,
    number: &mut String,
) -> csv::Result<()> {
    for field in [
        &*e.code_path,
        &*e.theme,
        &*e.document,
        e.kind.as_str(),
        or_empty(e.speaker.as_deref()),
        or_empty(e.role.as_deref()),
    ] {
        w.write_field(field)?;
    }
    for a in &header.document_attributes {
        w.write_field(or_empty(e.document_attributes.get(a).map(String::as_str)))?;
    }
    for a in &header.speaker_attributes {
        w.write_field(or_empty(e.speaker_attributes.get(a).map(String::as_str)))?;
    }
    w.write_field(&*e.coder)?;
    w.write_field(offset(e.start, number))?;
    w.write_field(offset(e.end, number))?;
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
        w.write_field(field)?;
    }
    w.write_record(None::<&[u8]>)
}

/// An offset as [`Cell::to_text`] writes it, in `buf`.
fn offset(n: usize, buf: &mut String) -> &str {
    buf.clear();
    if n < 1_000_000_000_000_000 {
        // Writing to a String cannot fail.
        _ = write!(buf, "{n}");
    } else {
        buf.push_str(&Cell::from(n).to_text());
    }
    buf
}

fn or_empty(s: Option<&str>) -> &str {
    s.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_the_table_cells_do() {
        let mut buf = String::new();
        for n in [0, 7, 123_456, 999_999_999_999_999, 1_000_000_000_000_000, 1 << 60] {
            assert_eq!(offset(n, &mut buf), Cell::from(n).to_text());
        }
    }
}
