//! The HTML report: one self-contained page — the scenario's key inputs, every table of
//! the text report with its 95 % intervals and `▼` marks, each channel's charts as inline
//! SVG, and the definition of every KPI. No script, no external style sheet, font or
//! image: it opens offline, from a mail attachment or a shared drive.
//!
//! It is one more [`Markup`]: the same renderer as the terminal tables, with hooks that
//! write HTML. Charts are passed in already drawn (SVG text), so the exporter needs no
//! drawing library; the command line draws them with the `charts` feature.

use super::markup::Markup;
use std::cell::Cell;

/// A chart drawn as SVG, placed with its channel's tables.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The channel the chart belongs to.
    pub channel: String,
    /// Caption under the chart.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// The HTML report (see the module documentation).
pub struct Html {
    /// Charts, shown above each channel's per-interval table.
    pub figures: Vec<Figure>,
    /// Whether the rows being written are a table's header.
    in_header: Cell<bool>,
    /// Whether the table being written holds text (inputs, definitions): left-aligned.
    text_table: Cell<bool>,
}

impl Html {
    /// A report with these charts (none is fine: tables only).
    pub fn new(figures: Vec<Figure>) -> Html {
        Html { figures, in_header: Cell::new(false), text_table: Cell::new(false) }
    }
}

/// Text made safe for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: system-ui, 'DejaVu Sans', Arial, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; border-bottom: 2px solid #1f77b4; padding-bottom: .4rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; white-space: nowrap; }
th { background: #f3f6fa; text-align: right; }
.text th { text-align: left; }
th:first-child, td:first-child { text-align: left; }
td { text-align: right; font-variant-numeric: tabular-nums; }
td.below { color: #b30000; font-weight: bold; background: #fdecea; }
td.wrap { white-space: normal; text-align: left; max-width: 40rem; }
p.note { color: #555; font-size: .85rem; }
details { margin: .5rem 0 1.5rem; }
summary { cursor: pointer; font-weight: bold; font-size: 1.05rem; margin: 1rem 0 .5rem; }
.figures { display: block; }
figure { margin: 0 0 1rem; border: 1px solid #e3e3e3; padding: .4rem; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .8rem; color: #555; text-align: center; }
";

impl Markup for Html {
    fn intervals(&self) -> bool {
        true
    }

    /// Tables wider than the page (1200 px: about 150 characters of table text at its font
    /// and padding) are split into several, as on a terminal.
    fn max_width(&self) -> Option<usize> {
        Some(150)
    }

    fn inputs(&self) -> bool {
        true
    }

    fn definitions(&self) -> bool {
        true
    }

    fn title(&self, text: &str) -> String {
        let title = escape(text.split(" — ").next().unwrap_or(text));
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} — ccsim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            escape(text)
        )
    }

    fn caption(&self, text: &str) -> String {
        self.in_header.set(true);
        self.text_table.set(text == "Scenario" || text == "Definitions");
        let class = if self.text_table.get() { " class=\"text\"" } else { "" };
        format!("<h2>{}</h2>\n<table{class}>\n<thead>\n", escape(text))
    }

    fn folded_caption(&self, text: &str) -> String {
        self.in_header.set(true);
        self.text_table.set(false);
        format!("<details>\n<summary>{}</summary>\n<table>\n<thead>\n", escape(text))
    }

    fn row(&self, cells: &[String], _widths: &[usize]) -> String {
        let header = self.in_header.get();
        let mut out = String::from("<tr>");
        for c in cells {
            if header {
                out.push_str(&format!("<th>{}</th>", escape(c)));
            } else if c.ends_with(super::text::BELOW) {
                out.push_str(&format!("<td class=\"below\">{}</td>", escape(c)));
            } else if self.text_table.get() {
                out.push_str(&format!("<td class=\"wrap\">{}</td>", escape(c)));
            } else {
                out.push_str(&format!("<td>{}</td>", escape(c)));
            }
        }
        out.push_str("</tr>\n");
        out
    }

    fn divider(&self, _widths: &[usize]) -> String {
        self.in_header.set(false);
        "</thead>\n<tbody>\n".into()
    }

    fn table_end(&self) -> String {
        "</tbody>\n</table>\n".into()
    }

    fn folded_end(&self) -> String {
        "</tbody>\n</table>\n</details>\n".into()
    }

    fn channel_figures(&self, channel: &str) -> String {
        let figs: Vec<&Figure> = self.figures.iter().filter(|f| f.channel == channel).collect();
        if figs.is_empty() {
            return String::new();
        }
        let mut out = format!("<h2>Charts: {}</h2>\n<div class=\"figures\">\n", escape(channel));
        for f in figs {
            out.push_str(&format!("<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n", f.svg, escape(&f.caption)));
        }
        out.push_str("</div>\n");
        out
    }

    fn note(&self, text: &str) -> String {
        format!("<p class=\"note\">{}</p>\n", escape(text))
    }

    fn end(&self) -> String {
        "<p class=\"note\">Made by ccsim, a contact-centre simulator. Every value is the mean over replications with the half-width of its 95 % confidence interval (Student t).</p>\n</body>\n</html>\n".into()
    }
}
