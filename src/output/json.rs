//! JSON output: the contract scripts rely on (`docs/kpis.md`, "JSON").

use super::Exporter;
use crate::report::Report;
use serde::Serialize;
use std::io::{self, Write};

/// Pretty-printed JSON, one document.
pub struct Json;

impl Exporter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut ser = serde_json::Serializer::pretty(&mut *out);
        report.serialize(&mut ser).map_err(io::Error::from)?;
        writeln!(out)
    }
}
