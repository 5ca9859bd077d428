//! What every table's checks share: the list of problems found so far (each at its field
//! path), the time axis, and small checks used by several tables (names, shares, targets,
//! lists of weekdays, durations of at most a day).

use super::locate::FieldPath;
use crate::base::time::{DAY, Seconds, Weekday, format_duration, format_number, format_when};

/// Problems (or warnings), each at its field path.
pub(crate) type Errors = Vec<(FieldPath, String)>;

/// Collects problems so that one run reports all of them.
#[derive(Default)]
pub(crate) struct Check {
    pub errors: Errors,
}

impl Check {
    /// A problem at `path`.
    pub fn err(&mut self, path: FieldPath, msg: impl Into<String>) {
        self.errors.push((path, msg.into()));
    }

    /// A required field: its value, or a problem at its place (the table that should hold
    /// it) saying what it must be.
    pub fn required<'a, T>(&mut self, p: &FieldPath, key: &str, v: &'a Option<T>, what: &str) -> Option<&'a T> {
        if v.is_none() {
            self.err(p.key(key), format!("is missing: {what}"));
        }
        v.as_ref()
    }

    /// Problems found so far (to tell whether a table added any).
    pub fn count(&self) -> usize {
        self.errors.len()
    }
}

/// Checks a name: not empty, at most `max` characters, no control characters (they would
/// be echoed raw into tables and break Markdown rows).
pub(crate) fn check_name(ck: &mut Check, p: &FieldPath, name: &str, max: usize) {
    if name.trim().is_empty() {
        ck.err(p.clone(), "must not be empty");
    } else if name.chars().count() > max {
        ck.err(p.clone(), format!("must be at most {max} characters, got {}", name.chars().count()));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        ck.err(
            p.clone(),
            format!("contains the control character U+{:04X}; names are printable text (letters, digits, spaces, punctuation)", c as u32),
        );
    }
}

/// A name as written, or "" when it is missing (the missing field is reported once).
pub(crate) fn name_of(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or("")
}

/// What channel and group checks need to know about the time axis.
pub(crate) struct Ctx {
    pub horizon: f64,
    pub interval: f64,
    pub n_intervals: usize,
    pub start_day: Weekday,
    /// Horizon and interval are valid (otherwise per-interval checks are skipped).
    pub usable: bool,
}

impl Ctx {
    pub fn days(&self) -> usize {
        (self.horizon / DAY).ceil() as usize
    }

    pub fn whole_days(&self) -> bool {
        let d = self.horizon / DAY;
        (d - d.round()).abs() < 1e-9 && d >= 1.0
    }

    pub fn per_day(&self) -> Option<usize> {
        let n = DAY / self.interval;
        ((n - n.round()).abs() < 1e-9).then(|| n.round() as usize)
    }

    pub fn weekday_at(&self, t: f64) -> Weekday {
        self.start_day.plus((t / DAY).floor() as usize)
    }

    /// Where an interval starts, for messages: "Tue 08:30".
    pub fn when(&self, t: f64) -> String {
        format_when(t, self.start_day)
    }

    /// Checks the length of a per-interval list: either the whole horizon or one day
    /// (repeated every day). Returns the value for every interval of the horizon.
    pub fn expand(&self, ck: &mut Check, p: &FieldPath, values: &[f64]) -> Option<Vec<f64>> {
        if values.is_empty() {
            ck.err(p.clone(), "is empty; give one value per planning interval");
            return None;
        }
        if values.len() == self.n_intervals {
            return Some(values.to_vec());
        }
        let per_day = self.per_day();
        if let Some(pd) = per_day
            && self.whole_days()
            && values.len() == pd
        {
            return Some((0..self.n_intervals).map(|i| values[i % pd]).collect());
        }
        let mut allowed =
            format!("{} (one per {} interval of the horizon)", self.n_intervals, format_duration(self.interval));
        if let (Some(pd), true) = (per_day, self.whole_days() && self.n_intervals != per_day.unwrap_or(0)) {
            allowed.push_str(&format!(" or {pd} (one day, repeated daily)"));
        }
        ck.err(p.clone(), format!("has {} values; expected {allowed}", values.len()));
        None
    }
}

/// Reports shares (of `what`) that do not add up to 1, saying by how much.
pub(crate) fn shares_add_up(ck: &mut Check, p: &FieldPath, what: &str, sum: f64) {
    if (sum - 1.0).abs() > 1e-6 {
        // Rounded to a millionth: shares are written with a few decimals.
        let r6 = |x: f64| (x * 1e6).round() / 1e6;
        let (gap, sum) = (r6(1.0 - sum), r6(sum));
        let by = if gap > 0.0 {
            format!("{} short of 1", format_number(gap))
        } else {
            format!("{} over 1", format_number(-gap))
        };
        ck.err(p.clone(), format!("{what} shares must add up to 1; they add up to {} ({by})", format_number(sum)));
    }
}

/// The days of a `days = [..]` list: every day when it is left out.
pub(crate) fn day_list(ck: &mut Check, p: &FieldPath, days: &Option<Vec<String>>) -> [bool; 7] {
    match days {
        None => [true; 7],
        Some(list) => {
            let mut set = [false; 7];
            if list.is_empty() {
                ck.err(p.clone(), "is empty; list days such as [\"mon\", \"tue\"] or leave it out for every day");
            }
            for (i, d) in list.iter().enumerate() {
                match Weekday::parse(d) {
                    Some(w) if set[usize::from(w.0)] => ck.err(p.at(i), format!("`{d}` is listed twice")),
                    Some(w) => set[usize::from(w.0)] = true,
                    None => ck.err(p.at(i), format!("`{d}` is not a day of the week; use mon, tue, …, sun")),
                }
            }
            set
        }
    }
}

/// Refuses the durations among `fields` (key, value) of table `p` that exceed a day.
pub(crate) fn at_most_a_day(ck: &mut Check, p: &FieldPath, fields: &[(&str, Option<Seconds>)]) {
    for &(key, v) in fields {
        if let Some(x) = v
            && x.0 > DAY
        {
            ck.err(p.key(key), format!("must be at most a day, got {}", format_duration(x.0)));
        }
    }
}
