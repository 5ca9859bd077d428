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
use crate::engine::recorder::{Abandonment, Answer, At, Heard};
use crate::engine::{Contact, Recorder};
use crate::scenario::{DAY, Scenario, Weekday};
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
    pub const STANDARD: [&'static str; 9] =
        ["channel", "arrival_s", "arrival", "wait_s", "outcome", "handle_s", "type", "group", "day"];

    fn name_of<'a>(&'a self, standard: &'a str) -> &'a str {
        self.renamed.iter().find(|(s, _)| s == standard).map_or(standard, |(_, f)| f.as_str())
    }
}

/// Days from 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD HH:MM[:SS]` (or with a `T`) as seconds from 1970-01-01 00:00.
pub fn parse_datetime(s: &str) -> Option<f64> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T'])?;
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    if d.len() != 3 || !(2..=3).contains(&t.len()) || d[0].len() != 4 || d[1].len() != 2 || d[2].len() != 2 {
        return None;
    }
    let (y, mo, da): (i64, i64, i64) = (d[0].parse().ok()?, d[1].parse().ok()?, d[2].parse().ok()?);
    let (h, mi): (i64, i64) = (t[0].parse().ok()?, t[1].parse().ok()?);
    let sec: f64 = if t.len() == 3 { t[2].parse().ok()? } else { 0.0 };
    if !(1..=12).contains(&mo)
        || !(1..=31).contains(&da)
        || !(0..24).contains(&h)
        || !(0..60).contains(&mi)
        || !(0.0..61.0).contains(&sec)
    {
        return None;
    }
    Some(days_from_civil(y, mo, da) as f64 * DAY + (h * 3600 + mi * 60) as f64 + sec)
}

/// Reads a history file's text. `file` names it in messages. With `drop_bad_rows`, bad
/// rows are left out and listed in [`History::dropped`]; otherwise the first ones are the
/// error (`file:line:column: …`, at most 20, and how many more).
///
/// # Errors
///
/// [`Error::Input`] when the header lacks a required column, when a row is bad (without
/// `drop_bad_rows`), or when no row is usable.
pub fn read(text: &str, file: &str, cols: &Columns, drop_bad_rows: bool) -> Result<History, Error> {
    read_rows(text, file, cols, drop_bad_rows).map_err(Error::Input)
}

fn read_rows(text: &str, file: &str, cols: &Columns, drop_bad_rows: bool) -> Result<History, String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("{file}:1: cannot read the header: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let find = |standard: &str| header.iter().position(|h| h == cols.name_of(standard));
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
    let handle = need("handle_s");
    let (arrival_s, arrival_dt) = (find("arrival_s"), find("arrival"));
    if arrival_s.is_none() && arrival_dt.is_none() {
        missing.push(format!("{} (or {})", cols.name_of("arrival_s"), cols.name_of("arrival")));
    }
    if !missing.is_empty() {
        return Err(format!(
            "{file}:1: missing column{} {}; the header has: {}. Rename with --column STANDARD=NAME (for example --column wait_s=QueueSeconds)",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            header.join(", ")
        ));
    }
    let ty = find("type");
    let group = find("group");
    let mut records = Vec::new();
    let mut bad: Vec<(usize, usize, String)> = Vec::new();
    let mut first_dt: Option<f64> = None;
    let mut rows = 0;
    let mut raw_arrivals: Vec<f64> = Vec::new();
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
                Ok(x) if x.is_finite() && x >= 0.0 => x,
                _ => {
                    problem(i, format!("column `{}`: `{}` is not a time in seconds ≥ 0", header[i], cell(i)));
                    continue;
                }
            },
            (None, Some(i)) => match parse_datetime(cell(i)) {
                Some(x) => {
                    first_dt = Some(first_dt.map_or(x, |f: f64| f.min(x)));
                    x
                }
                None => {
                    problem(
                        i,
                        format!("column `{}`: `{}` is not a date-time YYYY-MM-DD HH:MM[:SS]", header[i], cell(i)),
                    );
                    continue;
                }
            },
            (None, None) => unreachable!("checked above"),
        };
        let w = match cell(wait).parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => x,
            Ok(x) if x < 0.0 => {
                problem(wait, format!("column `{}`: the wait {} is negative", header[wait], cell(wait)));
                continue;
            }
            _ => {
                problem(wait, format!("column `{}`: `{}` is not a number of seconds", header[wait], cell(wait)));
                continue;
            }
        };
        let o = match cell(outcome) {
            "answered" => Outcome::Answered,
            "abandoned" => Outcome::Abandoned,
            "waiting" => Outcome::Waiting,
            other => {
                problem(
                    outcome,
                    format!("column `{}`: `{other}` is not answered, abandoned or waiting", header[outcome]),
                );
                continue;
            }
        };
        let h = match (o, cell(handle)) {
            (Outcome::Answered, s) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    problem(handle, format!("column `{}`: `{s}` is not a handle time in seconds ≥ 0", header[handle]));
                    continue;
                }
            },
            _ => None,
        };
        raw_arrivals.push(arrival);
        records.push(Record {
            channel: name.to_string(),
            contact_type: ty.map(|i| cell(i).to_string()).filter(|s| !s.is_empty()),
            arrival_s: arrival,
            wait_s: w,
            outcome: o,
            handle_s: h,
            group: group.map(|i| cell(i).to_string()).filter(|s| !s.is_empty()),
        });
    }
    if !bad.is_empty() && !drop_bad_rows {
        let shown: Vec<String> = bad.iter().take(20).map(|(l, c, m)| format!("{file}:{l}:{c}: {m}")).collect();
        let more = if bad.len() > 20 { format!("\n… and {} more bad rows", bad.len() - 20) } else { String::new() };
        return Err(format!(
            "{}{more}\n{} of {rows} rows are bad; fix them, or leave them out with --drop-bad-rows",
            shown.join("\n"),
            bad.len()
        ));
    }
    if records.is_empty() {
        return Err(format!("{file}: no usable contact row"));
    }
    // Date-times: time 0 is midnight of the first date.
    let mut start_day = Weekday(0);
    if let Some(first) = first_dt {
        let day0 = (first / DAY).floor();
        // 1970-01-01 was a Thursday (Monday = 0 → Thursday = 3).
        start_day = Weekday(((day0 as i64 + 3).rem_euclid(7)) as u8);
        for r in &mut records {
            r.arrival_s -= day0 * DAY;
        }
    }
    Ok(History { records, start_day, rows, dropped: bad })
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
        out.write_record(["channel", "type", "arrival_s", "day", "time", "wait_s", "outcome", "handle_s", "group"])
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
        let r = self.out.write_record([
            s.channels[k.channel()].name.as_str(),
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
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 1, 1), 19_723);
        assert_eq!(parse_datetime("2024-01-01 09:30"), Some(19_723.0 * DAY + 9.5 * 3600.0));
        assert_eq!(parse_datetime("2024-02-29T23:59:30"), Some(days_from_civil(2024, 2, 29) as f64 * DAY + 86_370.0));
        assert_eq!(parse_datetime("2024-13-01 09:30"), None);
        assert_eq!(parse_datetime("09:30"), None);
    }

    #[test]
    fn bad_rows_are_located() {
        let text = "channel,arrival_s,wait_s,outcome,handle_s\nphone,10,5,answered,200\nphone,x,5,answered,200\nphone,20,-3,abandoned,\nphone,30,1,hung up,\n";
        let e = read(text, "h.csv", &Columns::default(), false).unwrap_err().to_string();
        assert!(e.contains("h.csv:3:2: column `arrival_s`: `x`"), "{e}");
        assert!(e.contains("h.csv:4:3: column `wait_s`: the wait -3 is negative"), "{e}");
        assert!(e.contains("h.csv:5:4: column `outcome`: `hung up`"), "{e}");
        assert!(e.contains("3 of 4 rows are bad"), "{e}");
        let h = read(text, "h.csv", &Columns::default(), true).unwrap();
        assert_eq!((h.records.len(), h.dropped.len(), h.rows), (1, 3, 4));
        let e = read("channel,when,wait_s\n", "h.csv", &Columns::default(), false).unwrap_err().to_string();
        assert!(e.contains("h.csv:1: missing columns outcome, handle_s, arrival_s (or arrival)"), "{e}");
        let cols = Columns { renamed: vec![("arrival".into(), "when".into())] };
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
pub fn load(path: &std::path::Path, cols: &Columns, drop_bad_rows: bool) -> Result<History, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    read(&text, &path.display().to_string(), cols, drop_bad_rows)
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
