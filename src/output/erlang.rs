//! The analytic calculators' results in every format: a title saying what was asked and
//! the values computed (tables and Markdown), one row of named columns (CSV), JSON.

use super::{Document, Markup, Rows};
use crate::base::time::{format_duration, format_number};
use crate::report::erlang::{AbandonResult, AgentsResult, BlockingResult, WaitingResult};
use std::io::{self, Write};

/// A load or count for the terminal: three decimals, or scientific beyond 10⁹.
fn num(x: f64) -> String {
    if x.abs() >= 1e9 { format_number(x) } else { format!("{x:.3}") }
}

/// A share as a percentage with two decimals.
fn pct(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

/// A number for CSV: as Rust writes it, empty when undefined.
fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// Writes `title` and the labelled values through the markup.
fn write(m: &dyn Markup, out: &mut dyn Write, title: &str, items: &[(&str, String)]) -> io::Result<()> {
    let items: Vec<(String, String)> = items.iter().map(|(l, v)| ((*l).to_string(), v.clone())).collect();
    write!(out, "{}{}", m.title(title), m.fields(&items))
}

/// Writes a header row and one row of values.
fn one_row(rows: &mut dyn Rows, header: &[&str], values: &[String]) -> io::Result<()> {
    rows.row(header)?;
    rows.row(&values.iter().map(String::as_str).collect::<Vec<_>>())
}

impl Document for BlockingResult {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        let title = format!("Erlang B: {} Erlangs offered to {} lines", num(self.offered_erlangs), self.lines);
        let items = [
            ("blocking probability", format!("{:.4} %", 100.0 * self.blocking)),
            ("carried load", format!("{} Erlangs", num(self.carried_erlangs))),
        ];
        write(m, out, &title, &items)
    }

    fn rows(&self, rows: &mut dyn Rows) -> io::Result<()> {
        let v = [cell(self.offered_erlangs), self.lines.to_string(), cell(self.blocking), cell(self.carried_erlangs)];
        one_row(rows, &["offered_erlangs", "lines", "blocking", "carried_erlangs"], &v)
    }
}

impl Document for WaitingResult {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        let title = format!(
            "Erlang C: {} per hour, AHT {}, {} agents ({:.2} Erlangs offered)",
            self.per_hour,
            format_duration(self.aht_s),
            self.agents,
            self.offered_erlangs
        );
        if !self.stable {
            let why = format!(
                "unstable: the offered load needs more than {} agents; the queue grows without bound",
                self.agents
            );
            return write!(out, "{}{}", m.title(&title), m.note(&why));
        }
        let items = [
            ("probability of waiting", pct(self.p_wait)),
            (&*format!("service level ({})", format_duration(self.within_s)), pct(self.service_level)),
            ("ASA", format!("{:.1} s", self.asa_s.unwrap_or(f64::NAN))),
            ("occupancy", pct(self.occupancy)),
        ];
        write(m, out, &title, &items)
    }

    fn rows(&self, rows: &mut dyn Rows) -> io::Result<()> {
        let h = ["per_hour", "aht_s", "agents", "within_s", "offered_erlangs", "stable", "p_wait", "service_level"];
        let mut header = h.to_vec();
        header.extend(["asa_s", "occupancy"]);
        let v = [
            cell(self.per_hour),
            cell(self.aht_s),
            self.agents.to_string(),
            cell(self.within_s),
            cell(self.offered_erlangs),
            self.stable.to_string(),
            cell(self.p_wait),
            cell(self.service_level),
            cell(self.asa_s.unwrap_or(f64::NAN)),
            cell(self.occupancy),
        ];
        one_row(rows, &header, &v)
    }
}

impl Document for AbandonResult {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        let title = format!(
            "Erlang A: {} per hour, AHT {}, {} agents, mean patience {}",
            self.per_hour,
            format_duration(self.aht_s),
            self.agents,
            format_duration(self.patience_s)
        );
        let items = [
            ("probability of waiting", pct(self.p_wait)),
            ("abandon rate", pct(self.abandon_rate)),
            (&*format!("service level ({}, offered)", format_duration(self.within_s)), pct(self.service_level)),
            ("service level of answered", pct(self.service_level_of_answered)),
            ("ASA", format!("{:.1} s", self.asa_s)),
            ("mean wait (all callers)", format!("{:.1} s", self.mean_wait_s)),
            ("occupancy", pct(self.occupancy)),
        ];
        write(m, out, &title, &items)
    }

    fn rows(&self, rows: &mut dyn Rows) -> io::Result<()> {
        let header = [
            "per_hour",
            "aht_s",
            "agents",
            "patience_s",
            "within_s",
            "p_wait",
            "abandon_rate",
            "service_level",
            "service_level_of_answered",
            "asa_s",
            "mean_wait_s",
            "occupancy",
        ];
        let v = [
            cell(self.per_hour),
            cell(self.aht_s),
            self.agents.to_string(),
            cell(self.patience_s),
            cell(self.within_s),
            cell(self.p_wait),
            cell(self.abandon_rate),
            cell(self.service_level),
            cell(self.service_level_of_answered),
            cell(self.asa_s),
            cell(self.mean_wait_s),
            cell(self.occupancy),
        ];
        one_row(rows, &header, &v)
    }
}

impl Document for AgentsResult {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        let model = if self.patience_s.is_some() { "Erlang A" } else { "Erlang C" };
        let title = format!(
            "{model}: {} per hour, AHT {}, target {:.1} % in {}",
            self.per_hour,
            format_duration(self.aht_s),
            100.0 * self.target,
            format_duration(self.within_s)
        );
        let mut items =
            vec![("minimum agents", format!("{}  (service level {})", self.min_agents, pct(self.service_level)))];
        let fewer = format!("with {} agents", self.min_agents.saturating_sub(1));
        if let Some(sl) = self.one_fewer {
            items.push((&fewer, format!("service level {}", pct(sl))));
        }
        write(m, out, &title, &items)
    }

    fn rows(&self, rows: &mut dyn Rows) -> io::Result<()> {
        let header = ["per_hour", "aht_s", "target", "within_s", "patience_s", "min_agents", "service_level"];
        let v = [
            cell(self.per_hour),
            cell(self.aht_s),
            cell(self.target),
            cell(self.within_s),
            cell(self.patience_s.unwrap_or(f64::NAN)),
            self.min_agents.to_string(),
            cell(self.service_level),
        ];
        one_row(rows, &header, &v)
    }
}
