//! Output: every result document written in every format that fits it, and the charts.
//!
//! A result document (a run's [`Report`](crate::report::Report), a
//! [`SweepReport`](crate::report::sweep::SweepReport), a
//! [`StaffingReport`](crate::report::staffing::StaffingReport), a
//! [`ScheduleReport`](crate::report::schedule::ScheduleReport), an Erlang result) is a
//! [`Document`]: it lays out its tables through the hooks of a [`markup::Markup`], gives
//! its tidy rows, and is serialised by serde. One dispatch, [`Format::write`], writes any
//! document in any format:
//!
//! * [`Format::Table`] — aligned text for the terminal; [`Format::Markdown`] — the same
//!   tables in Markdown (both markups, `markup.rs`);
//! * [`Format::Json`] — the machine-readable contract of `docs/kpis.md` (`json.rs`);
//! * [`Format::Csv`] — one tidy table, rounded to the confidence intervals (`csv.rs`);
//! * `Format::Xlsx` (feature `xlsx`) — an Excel workbook where one fits (`xlsx.rs`).
//!
//! A new format is one file (a markup, or a writer over serde or rows) and one arm of
//! [`Format::write`]. The HTML report is one more markup ([`Html`]), with charts
//! ([`charts`], feature `charts`) passed in as SVG.

#[cfg(feature = "charts")]
pub mod charts;
mod compare;
mod csv;
mod erlang;
pub mod html;
mod json;
pub mod markup;
mod run;
mod schedule;
mod staffing;
mod sweep;
pub(crate) mod text;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use self::html::{Figure, Html};
pub use self::markup::{Markdown, Markup, Table};

use std::io::{self, Write};

/// A result document, writable in every format.
pub trait Document: serde::Serialize {
    /// Writes the document's tables through `markup` (aligned text, Markdown, HTML).
    ///
    /// # Errors
    ///
    /// The first I/O error of `out`.
    fn tables(&self, markup: &dyn Markup, out: &mut dyn Write) -> io::Result<()>;

    /// Gives the document as one tidy table: the header row first, then every row.
    ///
    /// # Errors
    ///
    /// The first error of `rows`.
    fn rows(&self, rows: &mut dyn Rows) -> io::Result<()>;

    /// Writes the document as an Excel workbook (default: refused — no workbook fits it).
    ///
    /// # Errors
    ///
    /// The first I/O error of `out`, or [`io::ErrorKind::Unsupported`] when no workbook
    /// fits the document.
    #[cfg(feature = "xlsx")]
    fn workbook(&self, _out: &mut dyn Write) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this result is written as table, markdown, csv or json, not xlsx",
        ))
    }
}

/// Where a document's tidy rows go (CSV; a workbook sheet).
pub trait Rows {
    /// One row of cells (the first call gives the header).
    ///
    /// # Errors
    ///
    /// The sink's I/O error.
    fn row(&mut self, cells: &[&str]) -> io::Result<()>;
}

/// How tables are laid out (the table and Markdown formats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Add the per-interval tables (JSON and CSV always have them).
    pub intervals: bool,
    /// The terminal's width: side-by-side tables wider than this are stacked (`None`: never).
    pub width: Option<usize>,
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
    /// An Excel workbook (feature `xlsx`; runs only).
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

    /// What the format is, for a list of choices.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Table => "Aligned text tables",
            Format::Markdown => "Markdown tables",
            Format::Json => "The JSON contract",
            Format::Csv => "One tidy CSV table",
            #[cfg(feature = "xlsx")]
            Format::Xlsx => "An Excel workbook (runs only; needs --output unless standard output is redirected)",
        }
    }

    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        #[cfg(feature = "xlsx")]
        if self == Format::Xlsx {
            return true;
        }
        false
    }

    /// Writes `doc` in this format to `out`: the one dispatch of every document and format.
    ///
    /// # Errors
    ///
    /// The first I/O error of `out`; [`io::ErrorKind::Unsupported`] for a workbook of a
    /// document no workbook fits.
    pub fn write<D: Document + ?Sized>(self, doc: &D, options: TableOptions, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Format::Table => doc.tables(&Table { intervals: options.intervals, width: options.width }, out),
            Format::Markdown => doc.tables(&Markdown { intervals: options.intervals }, out),
            Format::Json => json::write(doc, out),
            Format::Csv => csv::write(doc, out),
            #[cfg(feature = "xlsx")]
            Format::Xlsx => doc.workbook(out),
        }
    }
}
