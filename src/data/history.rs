//! Contact history: one row per contact, as a centre's ACD or ticketing system exports it.
//!
//! * [`ContactLog`] is a [`Recorder`] that writes a replication's contacts in this form
//!   (`ccsim run … --log FILE`), so that the fitting and the comparison with actuals can be
//!   tested on data of known truth.
//! * [`read`] parses a history file: columns found by name (renamed with a [`Columns`]
//!   map), every bad row reported at its line and column.
//!
//! The columns (header names, in any order): `channel`, `arrival_s` (seconds from time 0)
//! or `arrival` (a date-time `YYYY-MM-DD HH:MM[:SS]`; time 0 is midnight of the first
//! date), `wait_s` (seconds from arrival to answer or to abandonment, or to the end of the
//! record for contacts still waiting), `outcome` (`answered`, `abandoned` or `waiting`),
//! `handle_s` (answered contacts), and optionally `type` and `group`. Other columns are
//! ignored.

use crate::Error;
use crate::base::time::format_when;
use crate::data::cells::{self, DateOrder};
use crate::engine::recorder::{Abandonment, Answer, At, Heard};
use crate::engine::{Contact, Recorder};
use crate::scenario::{ChannelKind, DAY, Scenario, Weekday};
use std::io::{self, Write};

/// What happened to a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its service started after `wait_s`.
    Answered,
    /// It left the queue after `wait_s`.
    Abandoned,
    /// It was still waiting `wait_s` after arrival when the record ends (censored).
    Waiting,
}

impl Outcome {
    /// The outcome called `name` (any case, surrounding spaces ignored).
    pub fn parse(name: &str) -> Option<Outcome> {
        match name.trim().to_ascii_lowercase().as_str() {
            "answered" => Some(Outcome::Answered),
            "abandoned" => Some(Outcome::Abandoned),
            "waiting" => Some(Outcome::Waiting),
            _ => None,
        }
    }

    /// The name used in history files.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::Waiting => "waiting",
        }
    }
}

/// One contact of a history.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Channel name.
    pub channel: String,
    /// Contact type, if the history has them.
    pub contact_type: Option<String>,
    /// Arrival, seconds from time 0.
    pub arrival_s: f64,
    /// Time in queue (s).
    pub wait_s: f64,
    /// What happened.
    pub outcome: Outcome,
    /// Handle time of an answered contact (s).
    pub handle_s: Option<f64>,
    /// The group that answered it, if known.
    pub group: Option<String>,
}

/// A parsed history.
#[derive(Debug, Clone)]
pub struct History {
    /// The contacts, in file order.
    pub records: Vec<Record>,
    /// Weekday of time 0.
    pub start_day: Weekday,
    /// Rows read (after the header).
    pub rows: usize,
    /// Bad rows, located: `(line, column, message)` (only with `drop_bad_rows`).
    pub dropped: Vec<(usize, usize, String)>,
    /// Channel kinds the log states (its `kind` column), by channel.
    pub kinds: Vec<(String, ChannelKind)>,
    /// How numeric arrivals were read, when as Unix time (time 0 is then midnight, UTC,
    /// of the first date).
    pub unix_time: Option<cells::NumericTime>,
}

/// The header names of the history's columns, when they differ from the standard ones.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// `(standard name, name in the file)`.
    pub renamed: Vec<(String, String)>,
}

impl Columns {
    /// Renamed columns as given (`(standard name, name in the file)`), checked: every
    /// standard name must be one of [`Columns::STANDARD`].
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the first unknown standard name.
    pub fn renamed(renamed: Vec<(String, String)>) -> Result<Columns, Error> {
        if let Some((s, _)) = renamed.iter().find(|(s, _)| !Columns::STANDARD.contains(&s.as_str())) {
            return Err(Error::Input(format!(
                "--column {s}=…: `{s}` is not a standard column; they are {}",
                Columns::STANDARD.join(", ")
            )));
        }
        Ok(Columns { renamed })
    }

    /// The standard names.
    pub const STANDARD: [&'static str; 13] = [
        "channel",
        "kind",
        "arrival_s",
        "arrival",
        "wait_s",
        "outcome",
        "handle_s",
        "talk_s",
        "hold_s",
        "wrap_s",
        "type",
        "group",
        "day",
    ];

    fn name_of<'a>(&'a self, standard: &'a str) -> &'a str {
        self.renamed.iter().find(|(s, _)| s == standard).map_or(standard, |(_, f)| f.as_str())
    }
}

/// How an export writes its contacts: column names, outcome names, date order.
#[derive(Debug, Clone, Default)]
pub struct LogFormat {
    /// Renamed columns.
    pub columns: Columns,
    /// The export's own outcome names mapped to ours (`Handled` → answered), matched in
    /// any case; `answered`, `abandoned` and `waiting` are always known, in any case.
    pub outcomes: Vec<(String, Outcome)>,
    /// The order of slashed dates (`01/09/2025`), when the file's dates do not settle it.
    pub date_order: Option<DateOrder>,
}

impl LogFormat {
    /// Outcome mappings as given (`(name in the file, answered|abandoned|waiting)`).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming a target that is not an outcome.
    pub fn outcomes(pairs: Vec<(String, String)>) -> Result<Vec<(String, Outcome)>, Error> {
        pairs
            .into_iter()
            .map(|(from, to)| match Outcome::parse(&to) {
                Some(o) => Ok((from, o)),
                None => Err(Error::Input(format!(
                    "--outcome {from}={to}: `{to}` is not an outcome; map to answered, abandoned or waiting"
                ))),
            })
            .collect()
    }

    fn outcome(&self, cell: &str) -> Option<Outcome> {
        let cell = cell.trim();
        self.outcomes
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(cell))
            .map(|x| x.1)
            .or_else(|| Outcome::parse(cell))
    }
}

/// Longest history read (days from its first arrival to its last).
pub const MAX_HISTORY_DAYS: f64 = 3660.0;
/// Longest wait or handle time read (s): a year.
pub const MAX_DURATION_S: f64 = 366.0 * DAY;

/// `YYYY-MM-DD HH:MM[:SS]` (or with a `T`) as seconds from 1970-01-01 00:00 (see
/// [`cells::datetime`] for every form read).
pub fn parse_datetime(s: &str) -> Option<f64> {
    cells::datetime(s, None)
}

/// Reads a history file's text. `file` names it in messages. With `drop_bad_rows`, bad
/// rows are left out and listed in [`History::dropped`]; otherwise the first ones are the
/// error (`file:line:column: …`, at most 20, and how many more).
///
/// # Errors
///
/// [`Error::Input`] when the header lacks a required column, when a row is bad (without
/// `drop_bad_rows`), or when no row is usable.
pub fn read(text: &str, file: &str, format: &LogFormat, drop_bad_rows: bool) -> Result<History, Error> {
    read_rows(text, file, format, drop_bad_rows).map_err(Error::Input)
}

/// An arrival as read: a number (seconds, or Unix time) or a date-time (s since 1970).
#[derive(Clone, Copy)]
enum Arrival {
    Number(f64),
    Civil(f64),
}

fn read_rows(text: &str, file: &str, format: &LogFormat, drop_bad_rows: bool) -> Result<History, String> {
    let cols = &format.columns;
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = cells::sniff_delimiter(header_line).map_err(|m| format!("{file}:1: {m}"))?;
    let reader = || csv::ReaderBuilder::new().flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rdr = reader();
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("{file}:1: cannot read the header: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let find = |standard: &str| header.iter().position(|h| h.eq_ignore_ascii_case(cols.name_of(standard)));
    let mut missing = Vec::new();
    let mut need = |standard: &str| {
        let i = find(standard);
        if i.is_none() {
            missing.push(cols.name_of(standard).to_string());
        }
        i.unwrap_or(0)
    };
    let channel = need("channel");
    let wait = need("wait_s");
    let outcome = need("outcome");
    let (handle, talk) = (find("handle_s"), find("talk_s"));
    let (hold, wrap) = (find("hold_s"), find("wrap_s"));
    if handle.is_none() && talk.is_none() {
        missing.push(format!(
            "{} (or {} with {} and {})",
            cols.name_of("handle_s"),
            cols.name_of("talk_s"),
            cols.name_of("hold_s"),
            cols.name_of("wrap_s")
        ));
    }
    let (arrival_s, arrival_dt) = (find("arrival_s"), find("arrival"));
    if arrival_s.is_none() && arrival_dt.is_none() {
        missing.push(format!("{} (or {})", cols.name_of("arrival_s"), cols.name_of("arrival")));
    }
    if !missing.is_empty() {
        return Err(format!(
            "{file}:1: missing column{} {}; the header has: {}. Name your columns with --column STANDARD=NAME (for example --column wait_s=QueueSeconds)",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            header.join(", ")
        ));
    }
    let (ty, group, kind_col) = (find("type"), find("group"), find("kind"));
    // Slashed dates: the order the file's dates settle (or the one given).
    let mut order = format.date_order;
    if let (Some(i), None) = (arrival_dt.filter(|_| arrival_s.is_none()), order) {
        let mut r = reader();
        let cells: Vec<(usize, String)> =
            r.records().enumerate().filter_map(|(n, row)| Some((n + 2, row.ok()?.get(i)?.to_owned()))).collect();
        order = match cells::slashed_order(cells.iter().map(|(n, c)| (*n, c.as_str()))) {
            Ok(o) => o,
            Err([(l1, d), (l2, m)]) => {
                return Err(format!(
                    "{file}:{l1}: `{d}` puts the day first but line {l2} `{m}` puts the month first; make the dates consistent"
                ));
            }
        };
    }
    let mut records = Vec::new();
    let mut arrivals: Vec<(Arrival, usize, usize)> = Vec::new();
    let mut kinds: Vec<(String, ChannelKind, usize)> = Vec::new();
    let mut bad: Vec<(usize, usize, String)> = Vec::new();
    let mut rows = 0;
    for (n, row) in rdr.records().enumerate() {
        let line = n + 2;
        rows += 1;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                bad.push((line, 1, format!("not a CSV row: {e}")));
                continue;
            }
        };
        let cell = |i: usize| row.get(i).unwrap_or("").trim();
        let mut problem = |col: usize, msg: String| bad.push((line, col + 1, msg));
        let name = cell(channel);
        if name.is_empty() {
            problem(channel, format!("column `{}` is empty", header[channel]));
            continue;
        }
        let arrival = match (arrival_s, arrival_dt) {
            (Some(i), _) => match cell(i).parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => (Arrival::Number(x), i),
                _ => {
                    problem(
                        i,
                        format!("column `{}`: `{}` is not a time in seconds ≥ 0 (or Unix time)", header[i], cell(i)),
                    );
                    continue;
                }
            },
            (None, Some(i)) => match (cells::datetime(cell(i), order), cell(i).parse::<f64>()) {
                (Some(x), _) => (Arrival::Civil(x), i),
                (None, Ok(x)) if x.is_finite() && x >= cells::EPOCH_SECONDS_FROM => (Arrival::Number(x), i),
                _ => {
                    let hint = if order.is_none() && cell(i).contains('/') {
                        "; no date in the file has a day above 12, so its order is unknown: say --date-order dmy (01/09 is 1 September) or mdy"
                    } else {
                        ""
                    };
                    problem(
                        i,
                        format!(
                            "column `{}`: `{}` is not a date-time (YYYY-MM-DD HH:MM[:SS], with T and an offset or not; DD/MM/YYYY or MM/DD/YYYY HH:MM; DD.MM.YYYY HH:MM; Unix time){hint}",
                            header[i],
                            crate::base::bounded(cell(i), 40)
                        ),
                    );
                    continue;
                }
            },
            (None, None) => unreachable!("checked above"),
        };
        let duration = |i: usize, what: &str| -> Result<f64, String> {
            match cells::duration(cell(i)) {
                Some(x) if x < 0.0 => Err(format!("column `{}`: the {what} {} is negative", header[i], cell(i))),
                Some(x) if x <= MAX_DURATION_S => Ok(x),
                Some(_) => Err(format!("column `{}`: the {what} {} is longer than a year", header[i], cell(i))),
                None => Err(format!(
                    "column `{}`: `{}` is not a {what} (seconds, or H:MM:SS)",
                    header[i],
                    crate::base::bounded(cell(i), 40)
                )),
            }
        };
        let w = match duration(wait, "wait") {
            Ok(x) => x,
            Err(m) => {
                problem(wait, m);
                continue;
            }
        };
        let Some(o) = format.outcome(cell(outcome)) else {
            let known: Vec<String> = format.outcomes.iter().map(|(n, _)| n.clone()).collect();
            let also = if known.is_empty() { String::new() } else { format!(", {}", known.join(", ")) };
            problem(
                outcome,
                format!(
                    "column `{}`: `{}` is not answered, abandoned or waiting{also}; map the export's names with --outcome NAME=answered",
                    header[outcome],
                    crate::base::bounded(cell(outcome), 40)
                ),
            );
            continue;
        };
        let h = if o != Outcome::Answered {
            None
        } else if let Some(i) = handle {
            match duration(i, "handle time") {
                Ok(x) => Some(x),
                Err(m) => {
                    problem(i, m);
                    continue;
                }
            }
        } else {
            // Talk, hold and wrap-up: the handle time is their sum (empty hold or wrap: 0).
            let mut sum = 0.0;
            let mut failed = false;
            for (i, part, required) in
                [(talk, "talk time", true), (hold, "hold time", false), (wrap, "wrap-up time", false)]
            {
                let Some(i) = i else { continue };
                if cell(i).is_empty() && !required {
                    continue;
                }
                match duration(i, part) {
                    Ok(x) => sum += x,
                    Err(m) => {
                        problem(i, m);
                        failed = true;
                        break;
                    }
                }
            }
            if failed {
                continue;
            }
            Some(sum)
        };
        if let Some(i) = kind_col
            && !cell(i).is_empty()
        {
            match ChannelKind::parse(&cell(i).to_ascii_lowercase()) {
                Some(k) => match kinds.iter().find(|(c, _, _)| c == name) {
                    Some((_, other, first)) if *other != k => {
                        problem(
                            i,
                            format!(
                                "column `{}`: `{name}` is {} here but {} on line {first}",
                                header[i],
                                k.name(),
                                other.name()
                            ),
                        );
                        continue;
                    }
                    Some(_) => {}
                    None => kinds.push((name.to_owned(), k, line)),
                },
                None => {
                    problem(
                        i,
                        format!("column `{}`: `{}` is not a kind; use {}", header[i], cell(i), ChannelKind::ALLOWED),
                    );
                    continue;
                }
            }
        }
        arrivals.push((arrival.0, line, arrival.1));
        records.push(Record {
            channel: name.to_string(),
            contact_type: ty.map(|i| cell(i).to_string()).filter(|s| !s.is_empty()),
            arrival_s: 0.0,
            wait_s: w,
            outcome: o,
            handle_s: h,
            group: group.map(|i| cell(i).to_string()).filter(|s| !s.is_empty()),
        });
    }
    // Numbers read as seconds from time 0, or as Unix time (seconds or milliseconds).
    let numbers = arrivals.iter().filter_map(|a| if let Arrival::Number(x) = a.0 { Some(x) } else { None });
    let reading = numbers.reduce(f64::min).map_or(cells::NumericTime::Seconds, cells::NumericTime::of);
    let civil = reading != cells::NumericTime::Seconds || arrivals.iter().any(|a| matches!(a.0, Arrival::Civil(_)));
    let secs = |a: Arrival| match a {
        Arrival::Number(x) => reading.seconds(x),
        Arrival::Civil(x) => x,
    };
    let mut start_day = Weekday(0);
    let mut day0 = 0.0;
    if civil {
        // Date-times: time 0 is midnight of the first date.
        if let Some((a, line, col)) =
            arrivals.iter().find(|a| matches!(a.0, Arrival::Number(_)) && reading == cells::NumericTime::Seconds)
        {
            bad.push((
                *line,
                col + 1,
                format!("`{}` is a number of seconds among date-times; write every arrival the same way", secs(*a)),
            ));
        }
        let first = arrivals.iter().map(|a| secs(a.0)).fold(f64::INFINITY, f64::min);
        day0 = (first / DAY).floor();
        // 1970-01-01 was a Thursday (Monday = 0 → Thursday = 3).
        start_day = Weekday(((day0 as i64 + 3).rem_euclid(7)) as u8);
    }
    for (r, (a, line, col)) in records.iter_mut().zip(&arrivals) {
        r.arrival_s = secs(*a) - day0 * DAY;
        if r.arrival_s > MAX_HISTORY_DAYS * DAY {
            bad.push((*line, col + 1, format!(
                "the arrival is {:.0} days after the history's start; a history spans at most {MAX_HISTORY_DAYS} days",
                r.arrival_s / DAY
            )));
        }
    }
    if !bad.is_empty() {
        bad.sort_by_key(|b| (b.0, b.1));
        if drop_bad_rows {
            let lines: std::collections::HashSet<usize> = bad.iter().map(|b| b.0).collect();
            let keep: Vec<bool> = arrivals.iter().map(|a| !lines.contains(&a.1)).collect();
            let mut k = keep.iter();
            records.retain(|_| *k.next().unwrap_or(&true));
        } else {
            let shown: Vec<String> = bad.iter().take(20).map(|(l, c, m)| format!("{file}:{l}:{c}: {m}")).collect();
            let more =
                if bad.len() > 20 { format!("\n… and {} more bad rows", bad.len() - 20) } else { String::new() };
            return Err(format!(
                "{}{more}\n{} of {rows} rows are bad; fix them, or leave them out with --drop-bad-rows",
                shown.join("\n"),
                bad.len()
            ));
        }
    }
    if records.is_empty() {
        return Err(format!("{file}: no usable contact row"));
    }
    let time = (reading != cells::NumericTime::Seconds).then_some(reading);
    Ok(History {
        records,
        start_day,
        rows,
        dropped: bad,
        kinds: kinds.into_iter().map(|(c, k, _)| (c, k)).collect(),
        unix_time: time,
    })
}

/// A [`Recorder`] writing every contact of a replication as a history row (the columns of
/// the module documentation, plus `day` and `time` for people).
pub struct ContactLog<'m, W: Write> {
    s: &'m Scenario,
    out: csv::Writer<W>,
    /// Name of each global contact type.
    type_names: Vec<&'m str>,
    error: Option<io::Error>,
}

impl<'m, W: Write> ContactLog<'m, W> {
    /// A log of the contacts of a run of `s` into `out`, header written.
    ///
    /// # Errors
    ///
    /// The I/O error of writing the header.
    pub fn new(s: &'m Scenario, out: W) -> io::Result<ContactLog<'m, W>> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record([
            "channel",
            "kind",
            "type",
            "arrival_s",
            "day",
            "time",
            "wait_s",
            "outcome",
            "handle_s",
            "group",
        ])
        .map_err(crate::base::csv_io_error)?;
        let type_names = s.channels.iter().flat_map(|c| c.types.iter().map(|t| t.name.as_str())).collect();
        Ok(ContactLog { s, out, type_names, error: None })
    }

    fn row(&mut self, k: &Contact, wait: f64, outcome: Outcome, group: Option<usize>) {
        if self.error.is_some() {
            return;
        }
        let s = self.s;
        let when = format_when(k.arrival(), s.start_day);
        let (day, time) = when.split_once(' ').unwrap_or((&when, ""));
        let handle = if outcome == Outcome::Answered { format!("{:.3}", k.handle_time()) } else { String::new() };
        let group = group.map_or("", |g| s.groups[g].name.as_str());
        let seconds = format!("{:.3}", k.arrival());
        let channel = &s.channels[k.channel()];
        let r = self.out.write_record([
            channel.name.as_str(),
            channel.kind.name(),
            self.type_names[k.contact_type()],
            &seconds,
            day,
            time,
            &format!("{wait:.3}"),
            outcome.name(),
            &handle,
            group,
        ]);
        if let Err(e) = r {
            self.error = Some(crate::base::csv_io_error(e));
        }
    }

    /// Flushes the log; the first write error, if any.
    ///
    /// # Errors
    ///
    /// The first I/O error met while writing rows.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }
}

impl<W: Write> Recorder for ContactLog<'_, W> {
    fn answered(&mut self, e: Answer<'_>) {
        self.row(e.contact, e.wait, Outcome::Answered, Some(e.group));
    }

    fn abandoned(&mut self, e: Abandonment<'_>) {
        self.row(e.contact, e.waited, Outcome::Abandoned, None);
    }

    fn waiting_at_end(&mut self, e: At<'_>) {
        self.row(e.contact, e.now - e.contact.arrival(), Outcome::Waiting, None);
    }

    /// A caller who hangs up on hearing the announced wait is, to an ACD, an abandon
    /// after 0 s in queue.
    fn balked(&mut self, e: Heard<'_>) {
        self.row(e.contact, 0.0, Outcome::Abandoned, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(cells::days_from_civil(1970, 1, 1), 0);
        assert_eq!(cells::days_from_civil(2024, 1, 1), 19_723);
        assert_eq!(parse_datetime("2024-01-01 09:30"), Some(19_723.0 * DAY + 9.5 * 3600.0));
        assert_eq!(
            parse_datetime("2024-02-29T23:59:30"),
            Some(cells::days_from_civil(2024, 2, 29) as f64 * DAY + 86_370.0)
        );
        assert_eq!(parse_datetime("2024-13-01 09:30"), None);
        assert_eq!(parse_datetime("09:30"), None);
    }

    #[test]
    fn bad_rows_are_located() {
        let text = "channel,arrival_s,wait_s,outcome,handle_s\nphone,10,5,answered,200\nphone,x,5,answered,200\nphone,20,-3,abandoned,\nphone,30,1,hung up,\n";
        let e = read(text, "h.csv", &LogFormat::default(), false).unwrap_err().to_string();
        assert!(e.contains("h.csv:3:2: column `arrival_s`: `x`"), "{e}");
        assert!(e.contains("h.csv:4:3: column `wait_s`: the wait -3 is negative"), "{e}");
        assert!(e.contains("h.csv:5:4: column `outcome`: `hung up`"), "{e}");
        assert!(e.contains("3 of 4 rows are bad"), "{e}");
        let h = read(text, "h.csv", &LogFormat::default(), true).unwrap();
        assert_eq!((h.records.len(), h.dropped.len(), h.rows), (1, 3, 4));
        let e = read("channel,when,wait_s\n", "h.csv", &LogFormat::default(), false).unwrap_err().to_string();
        assert!(
            e.contains(
                "h.csv:1: missing columns outcome, handle_s (or talk_s with hold_s and wrap_s), arrival_s (or arrival)"
            ),
            "{e}"
        );
        let cols =
            LogFormat { columns: Columns { renamed: vec![("arrival".into(), "when".into())] }, ..LogFormat::default() };
        let h =
            read("channel,when,wait_s,outcome,handle_s\nchat,2024-01-03 08:00,0,answered,60\n", "h.csv", &cols, false)
                .unwrap();
        assert_eq!(h.start_day, Weekday(2), "3 January 2024 was a Wednesday");
        assert_eq!(h.records[0].arrival_s, 8.0 * 3600.0);
    }
}

/// What a history observed in one interval of a scenario's week, folded over the history's
/// days with the same weekday and time of day. Undefined ratios are NaN (`null` in JSON).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Observed {
    /// Channel name.
    pub channel: String,
    /// Interval start in the scenario (s).
    pub start_s: f64,
    /// Days of the history folded into it.
    pub days: usize,
    /// Contacts per day.
    pub offered: f64,
    /// Answered within the channel's threshold / (offered − short abandons).
    #[serde(deserialize_with = "crate::base::serde_maps::nan_if_null")]
    pub service_level: f64,
    /// Mean wait of answered contacts (s).
    #[serde(deserialize_with = "crate::base::serde_maps::nan_if_null")]
    pub asa_s: f64,
    /// Abandoned / offered.
    #[serde(deserialize_with = "crate::base::serde_maps::nan_if_null")]
    pub abandon_rate: f64,
}

/// Reads a history file: [`read`] of the file's text.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read; as [`read`].
pub fn load(path: &std::path::Path, format: &LogFormat, drop_bad_rows: bool) -> Result<History, Error> {
    let text = crate::error::text::read(path)?;
    read(&text, &path.display().to_string(), format, drop_bad_rows)
}

/// The history's observations for every counted interval of `s` whose channel it has:
/// contacts by interval of arrival, each interval of the scenario matched with the
/// history's intervals of the same weekday and time of day (the history's time 0 is taken
/// to be on its own first weekday).
pub fn observed(h: &History, s: &crate::scenario::Scenario) -> Vec<Observed> {
    let interval = s.interval();
    let last = h.records.iter().map(|r| r.arrival_s).fold(0.0, f64::max);
    let days = (last / DAY).floor() as usize + 1;
    let per_day = (DAY / interval).round() as usize;
    let mut out = Vec::new();
    for ch in s.channels() {
        let recs: Vec<&Record> = h.records.iter().filter(|r| r.channel == ch.name).collect();
        if recs.is_empty() {
            continue;
        }
        // Per (weekday, interval of day): offered, answered within, short abandons,
        // answered, wait sum, abandoned.
        let mut cells = vec![[0.0f64; 6]; 7 * per_day];
        for r in &recs {
            let d = (r.arrival_s / DAY) as usize;
            let w = usize::from(h.start_day.plus(d).0);
            let j = (((r.arrival_s - d as f64 * DAY) / interval) as usize).min(per_day - 1);
            let c = &mut cells[w * per_day + j];
            c[0] += 1.0;
            match r.outcome {
                Outcome::Answered => {
                    c[1] += f64::from(u8::from(r.wait_s <= ch.target.within));
                    c[3] += 1.0;
                    c[4] += r.wait_s;
                }
                Outcome::Abandoned => {
                    c[2] += f64::from(u8::from(r.wait_s < ch.short_abandon));
                    c[5] += 1.0;
                }
                Outcome::Waiting => {}
            }
        }
        let mut on_weekday = [0usize; 7];
        for d in 0..days {
            on_weekday[usize::from(h.start_day.plus(d).0)] += 1;
        }
        let first = s.first_counted_interval();
        for i in first..s.n_intervals() {
            let t = i as f64 * interval;
            let d = (t / DAY) as usize;
            let w = usize::from(s.start_day().plus(d).0);
            let j = ((t - d as f64 * DAY) / interval).round() as usize % per_day;
            let c = cells[w * per_day + j];
            let n = on_weekday[w];
            if n == 0 {
                continue;
            }
            let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
            out.push(Observed {
                channel: ch.name.clone(),
                start_s: t,
                days: n,
                offered: c[0] / n as f64,
                service_level: ratio(c[1], c[0] - c[2]),
                asa_s: ratio(c[4], c[3]),
                abandon_rate: ratio(c[5], c[0]),
            });
        }
    }
    out
}
