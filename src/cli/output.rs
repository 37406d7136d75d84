//! Output helpers shared by commands: JSON to stdout and simple aligned tables.

use serde::Serialize;

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> crate::Result<()> {
    let json =
        serde_json::to_string_pretty(value).map_err(|e| crate::Error::invalid(format!("cannot write JSON: {e}")))?;
    println!("{json}");
    Ok(())
}

/// Prints rows as a table with columns padded to their widest cell (counted in chars).
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| if i == last { c.to_string() } else { format!("{c:<w$}", w = widths[i]) })
            .collect::<Vec<_>>()
            .join("  ")
    };
    println!("{}", line(header.to_vec()));
    for row in rows {
        println!("{}", line(row.iter().map(String::as_str).collect()));
    }
}

/// `key=value; key=value` for an attribute map.
pub fn attributes_cell(attributes: &std::collections::BTreeMap<String, String>) -> String {
    attributes.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
}
