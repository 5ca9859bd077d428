//! Output: every result document written in every format that fits it, and the charts.
//!
//! * [`Json`] — the machine-readable contract of `docs/kpis.md`.
//! * [`Csv`] — one tidy table: `scope,name,start_s,kpi,mean,ci95,day,time`, rounded to the CI.
//! * [`Table`] — aligned text for the terminal; [`Markdown`] — the same as Markdown tables.
//!   Both are a [`markup::Markup`]: a few row and divider hooks behind one renderer.
//! * `Xlsx` (feature `xlsx`) — an Excel workbook, one sheet per scope, numbers as numbers.
//! * [`Html`] — the shareable report: one more markup (`html.rs`), with the scenario's
//!   inputs, charts passed in as SVG, and the KPI definitions.
//! * `charts` (feature `charts`) — PNG and SVG charts of runs, sweeps and staffing plans.

#[cfg(feature = "charts")]
pub mod charts;
mod csv;
pub mod html;
mod json;
pub mod markup;
pub(crate) mod text;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use self::csv::Csv;
pub use self::html::{Figure, Html};
pub use self::json::Json;
pub use self::markup::{Markdown, Table};

use crate::report::Report;
use std::io::{self, Write};

/// Writes a report in one output format.
pub trait Exporter {
    /// Writes the whole report to `out`.
    ///
    /// # Errors
    ///
    /// The first I/O error of `out`.
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text tables (the default).
    Table,
    /// Markdown tables.
    Markdown,
    /// The JSON contract.
    Json,
    /// One tidy CSV table.
    Csv,
    /// An Excel workbook, one sheet per scope (feature `xlsx`).
    #[cfg(feature = "xlsx")]
    Xlsx,
}

impl Format {
    /// Every format, by name.
    pub fn all() -> Vec<(&'static str, Format)> {
        #[cfg_attr(not(feature = "xlsx"), allow(unused_mut))]
        let mut all = vec![
            ("table", Format::Table),
            ("json", Format::Json),
            ("csv", Format::Csv),
            ("markdown", Format::Markdown),
        ];
        #[cfg(feature = "xlsx")]
        all.push(("xlsx", Format::Xlsx));
        all
    }

    /// The format called `name` (`table`, `json`, `csv`, `markdown`, and `xlsx` with the
    /// feature).
    pub fn parse(name: &str) -> Option<Format> {
        Format::all().into_iter().find(|(n, _)| *n == name).map(|x| x.1)
    }

    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        #[cfg(feature = "xlsx")]
        if self == Format::Xlsx {
            return true;
        }
        false
    }

    /// The exporter of this format; `intervals` adds per-interval tables to the table and
    /// Markdown formats (JSON and CSV always have them); `width` is the terminal's width
    /// for the table format (`None`: channels always side by side).
    pub fn exporter(self, intervals: bool, width: Option<usize>) -> Box<dyn Exporter> {
        match self {
            Format::Table => Box::new(Table { intervals, width }),
            Format::Markdown => Box::new(Markdown { intervals }),
            Format::Json => Box::new(Json),
            Format::Csv => Box::new(Csv),
            #[cfg(feature = "xlsx")]
            Format::Xlsx => Box::new(xlsx::Xlsx),
        }
    }
}
