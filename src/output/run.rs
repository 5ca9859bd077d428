//! A run's report in every format: its tables (`text.rs`), its tidy rows, its workbook.

use super::csv::{exact, rounded};
use super::{Document, Markup, Rows};
use crate::report::Report;
use std::io::{self, Write};

impl Document for Report {
    fn tables(&self, markup: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        super::text::render(markup, self, out)
    }

    /// Columns `scope,name,start_s,kpi,mean,ci95,day,time` (see `csv.rs`).
    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        out.row(&["scope", "name", "start_s", "kpi", "mean", "ci95", "day", "time"])?;
        self.values(true, &mut |v| {
            let [mean, ci] = rounded(v.estimate);
            let start = v.start.map_or(String::new(), exact);
            out.row(&[v.scope, &v.name, &start, v.kpi, &mean, &ci, &v.when[0], &v.when[1]])
        })
    }

    #[cfg(feature = "xlsx")]
    fn workbook(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut wb = super::xlsx::build(self).map_err(io::Error::other)?;
        let bytes = wb.save_to_buffer().map_err(io::Error::other)?;
        out.write_all(&bytes)
    }
}
