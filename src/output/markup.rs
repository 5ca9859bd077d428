//! Table markups: the hooks a table format implements. Every document lays out its tables
//! through these hooks ([`super::Document::tables`]), so a new table format is one markup.
//!
//! A markup says how a title, a table caption, a row and the divider under a table's
//! header are written; cells arrive as plain text with the width of their column, the
//! first column left-aligned and the others right-aligned.

/// A table format: hooks called by the renderer, in this order per table: `caption`,
/// `row` (the header), `divider`, `row` per data row, `table_end`. Only `intervals`,
/// `title`, `caption`, `row` and `divider` are required; the rest default to what plain
/// text needs.
pub trait Markup {
    /// Whether per-interval tables are wanted.
    fn intervals(&self) -> bool;

    /// The widest line a table may have, in characters; a wider side-by-side table is
    /// written as one table per channel (or group) instead. `None`: no limit (default).
    fn max_width(&self) -> Option<usize> {
        None
    }

    /// Whether to start with a table of the scenario's key inputs (default: no).
    fn inputs(&self) -> bool {
        false
    }

    /// Whether to end with the definition of every KPI (default: no).
    fn definitions(&self) -> bool {
        false
    }

    /// The report's title line, written once at the top.
    fn title(&self, text: &str) -> String;

    /// A table's caption, written before its header.
    fn caption(&self, text: &str) -> String;

    /// One row of cells; `widths[i]` is the widest cell of column i, in characters.
    fn row(&self, cells: &[String], widths: &[usize]) -> String;

    /// The line between a table's header and its rows.
    fn divider(&self, widths: &[usize]) -> String;

    /// Written after a table's last row (default: a blank line).
    fn table_end(&self) -> String {
        "\n".into()
    }

    /// A long table's caption (per-interval tables): one a reader may fold away (default:
    /// as [`Markup::caption`]).
    fn folded_caption(&self, text: &str) -> String {
        self.caption(text)
    }

    /// Written after a long table's last row (default: as [`Markup::table_end`]).
    fn folded_end(&self) -> String {
        self.table_end()
    }

    /// Written before a channel's per-interval table: its charts, for markups that show
    /// them (default: nothing).
    fn channel_figures(&self, _channel: &str) -> String {
        String::new()
    }

    /// A line of explanation (the legend of marks), written after the tables it explains.
    fn note(&self, text: &str) -> String {
        format!("{text}\n\n")
    }

    /// Written once at the very end (default: nothing).
    fn end(&self) -> String {
        String::new()
    }

    /// A short list of labelled values (an analytic result) — default: a two-column table
    /// `quantity | value` through [`Markup::row`] and [`Markup::divider`].
    fn fields(&self, items: &[(String, String)]) -> String {
        let header = ["quantity".to_string(), "value".to_string()];
        let mut widths = [header[0].chars().count(), header[1].chars().count()];
        for (l, v) in items {
            widths[0] = widths[0].max(l.chars().count());
            widths[1] = widths[1].max(v.chars().count());
        }
        let mut out = self.row(&header, &widths) + &self.divider(&widths);
        for (l, v) in items {
            out += &self.row(&[l.clone(), v.clone()], &widths);
        }
        out + &self.table_end()
    }
}

/// Pads `s` to `w` characters, on the right (`left`-aligned) or on the left.
pub fn pad(s: &str, w: usize, left: bool) -> String {
    let n = w.saturating_sub(s.chars().count());
    if left { format!("{s}{}", " ".repeat(n)) } else { format!("{}{s}", " ".repeat(n)) }
}

/// Aligned text tables for the terminal. `intervals` adds per-interval tables.
pub struct Table {
    /// Add per-interval tables.
    pub intervals: bool,
    /// The terminal's width in characters: channels and groups side by side that would
    /// not fit are stacked, one table each. `None`: always side by side.
    pub width: Option<usize>,
}

impl Markup for Table {
    fn intervals(&self) -> bool {
        self.intervals
    }

    fn max_width(&self) -> Option<usize> {
        self.width
    }

    fn title(&self, text: &str) -> String {
        format!("{text}\n\n")
    }

    fn caption(&self, text: &str) -> String {
        format!("{text}\n")
    }

    fn row(&self, cells: &[String], widths: &[usize]) -> String {
        let cells: Vec<String> = cells.iter().enumerate().map(|(i, c)| pad(c, widths[i], i == 0)).collect();
        format!("{}\n", cells.join("  "))
    }

    fn divider(&self, widths: &[usize]) -> String {
        format!("{}\n", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  "))
    }

    /// Indented `label  value` lines, values aligned.
    fn fields(&self, items: &[(String, String)]) -> String {
        let w = items.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
        items.iter().map(|(l, v)| format!("  {}  {v}\n", pad(l, w, true))).collect()
    }
}

/// Markdown tables. `intervals` adds per-interval tables.
pub struct Markdown {
    /// Add per-interval tables.
    pub intervals: bool,
}

impl Markup for Markdown {
    fn intervals(&self) -> bool {
        self.intervals
    }

    fn title(&self, text: &str) -> String {
        format!("## {text}\n\n")
    }

    fn caption(&self, text: &str) -> String {
        format!("### {text}\n\n")
    }

    fn row(&self, cells: &[String], _widths: &[usize]) -> String {
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        format!("| {} |\n", cells.join(" | "))
    }

    fn note(&self, text: &str) -> String {
        format!("_{text}_\n\n")
    }

    fn divider(&self, widths: &[usize]) -> String {
        let cols: String = (0..widths.len()).map(|i| if i == 0 { " :-- |" } else { " --: |" }).collect();
        format!("|{cols}\n")
    }
}
