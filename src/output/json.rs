//! JSON output: the document as serde writes it, pretty-printed, with a final newline —
//! the contract scripts rely on (`docs/kpis.md`, "JSON").

use serde::Serialize;
use std::io::{self, Write};

/// Writes `doc` as one pretty-printed JSON document.
pub(super) fn write<D: Serialize + ?Sized>(doc: &D, out: &mut dyn Write) -> io::Result<()> {
    let mut ser = serde_json::Serializer::pretty(&mut *out);
    doc.serialize(&mut ser).map_err(io::Error::from)?;
    writeln!(out)
}
