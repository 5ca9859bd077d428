//! Reporting windows (`[report] windows = [..]`, or `--window` on the command line): spans
//! of the horizon over which every channel and group KPI is also aggregated — "Wednesday
//! 19:00–21:00", "every weekday morning", "each day" — with a confidence interval from the
//! replications, like every other KPI (`docs/kpis.md` §14).
//!
//! A window is written `[DAYS] [HH:MM-HH:MM] [daily]`, at least one part:
//!
//! * `DAYS` — a weekday (`Wed`), a list (`Mon,Wed`) or a range (`Mon-Fri`); left out: every
//!   day;
//! * `HH:MM-HH:MM` — a clock span on those days, on interval boundaries (`24:00` ends the
//!   day); left out: the whole day;
//! * `daily` — one window per day of the horizon instead of one for all the days together.
//!
//! `Wed 19:00-21:00` aggregates every Wednesday evening of the horizon into one set of
//! KPIs; `daily` alone reports each day; `Mon-Fri 08:00-12:00 daily` each weekday morning.
//! Only counted intervals (after the warm-up) take part.

use super::check::{Check, Ctx};
use super::locate::FieldPath;
use crate::base::time::{DAY, Weekday, format_clock, format_duration, parse_clock};
use serde::Deserialize;

/// `[report]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub windows: Option<Vec<String>>,
}

/// Most windows a scenario reports (after `daily` expands).
pub const MAX_WINDOWS: usize = 400;

/// A reporting window, checked: the counted intervals it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Its name in reports: the spec as written, or with `daily` the day it is
    /// (`Wed 19:00-21:00`, `day 3 Wed`, `day 3 Wed 19:00-21:00`).
    pub name: String,
    /// The days part, for tables (`Wed`, `Mon-Fri`, `day 3 Wed`; `every day`).
    pub days: String,
    /// The clock part, for tables (`19:00-21:00`; `all day`).
    pub clock: String,
    /// Indices (in the horizon) of the counted intervals it covers, increasing; at least one.
    pub intervals: Vec<usize>,
}

/// A window spec, parsed: the weekdays it takes, its clock span (s of the day), whether it
/// splits by day.
struct Spec {
    days: [bool; 7],
    days_text: Option<String>,
    clock: Option<(f64, f64)>,
    daily: bool,
}

/// Parses `[DAYS] [HH:MM-HH:MM] [daily]`, or says what is allowed.
fn parse(text: &str) -> Result<Spec, String> {
    let mut spec = Spec { days: [true; 7], days_text: None, clock: None, daily: false };
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return Err("is empty; write a window such as \"Wed 19:00-21:00\", \"Mon-Fri 08:00-12:00\" or \"daily\"".into());
    }
    for w in words {
        if w.eq_ignore_ascii_case("daily") && !spec.daily {
            spec.daily = true;
        } else if w.contains(':') && spec.clock.is_none() {
            let (a, b) = w
                .split_once('-')
                .ok_or_else(|| format!("`{w}` is not a clock span; write HH:MM-HH:MM such as 19:00-21:00"))?;
            let (a, b) = (parse_clock(a).map_err(|e| e.to_string())?, parse_clock(b).map_err(|e| e.to_string())?);
            if b <= a {
                return Err(format!("`{w}` ends before it starts; a window lies within one day (24:00 ends it)"));
            }
            spec.clock = Some((a, b));
        } else if spec.days_text.is_none() {
            spec.days = weekdays(w)?;
            spec.days_text = Some(w.to_owned());
        } else {
            return Err(format!(
                "`{w}` is not understood; a window is [DAYS] [HH:MM-HH:MM] [daily], such as \"Wed 19:00-21:00\""
            ));
        }
    }
    Ok(spec)
}

/// The weekdays of `Wed`, `Mon,Wed` or `Mon-Fri`.
fn weekdays(text: &str) -> Result<[bool; 7], String> {
    let day = |d: &str| {
        Weekday::parse(d).ok_or_else(|| format!("`{d}` is not a day of the week; use mon, tue, …, sun (or Mon-Fri)"))
    };
    let mut set = [false; 7];
    for part in text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    set[usize::from(d.0)] = true;
                    if d == b {
                        break;
                    }
                    d = d.plus(1);
                }
            }
            None => set[usize::from(day(part)?.0)] = true,
        }
    }
    Ok(set)
}

/// The windows of `specs` (written at `p`, an array) over the horizon of `ctx` whose first
/// counted interval is `first`.
pub(crate) fn windows(ck: &mut Check, ctx: &Ctx, p: &FieldPath, specs: &[String], first: usize) -> Vec<Window> {
    let mut out = Vec::new();
    if !ctx.usable {
        return out;
    }
    for (i, text) in specs.iter().enumerate() {
        let at = p.at(i);
        let spec = match parse(text) {
            Ok(s) => s,
            Err(m) => {
                ck.err(at, m);
                continue;
            }
        };
        if let Some((a, b)) = spec.clock {
            if let Some(bad) = [a, b].into_iter().find(|t| (t / ctx.interval).fract().abs() > 1e-9) {
                ck.err(
                    at,
                    format!(
                        "{} is not on an interval boundary; windows are whole {} intervals",
                        format_clock(bad),
                        format_duration(ctx.interval)
                    ),
                );
                continue;
            }
        }
        let made = expand(ctx, text, &spec, first);
        if made.is_empty() {
            ck.err(at, format!("`{text}` covers no counted interval of the horizon (after the warm-up)"));
        }
        out.extend(made);
    }
    let mut seen = std::collections::HashSet::new();
    for w in &out {
        if !seen.insert(w.name.as_str()) {
            ck.err(p.clone(), format!("the window `{}` is given twice", w.name));
            break;
        }
    }
    if out.len() > MAX_WINDOWS {
        ck.err(p.clone(), format!("make {} windows; at most {MAX_WINDOWS} are reported", out.len()));
    }
    out
}

/// The windows a parsed spec makes: one, or one per day with `daily` (days without a
/// counted interval left out).
fn expand(ctx: &Ctx, text: &str, spec: &Spec, first: usize) -> Vec<Window> {
    let (from, to) = spec.clock.unwrap_or((0.0, DAY));
    let days_text = spec.days_text.clone().unwrap_or_else(|| "every day".into());
    let clock = spec.clock.map_or("all day".to_string(), |(a, b)| format!("{}-{}", format_clock(a), format_clock(b)));
    let in_day = |d: usize| -> Vec<usize> {
        if !spec.days[usize::from(ctx.weekday_at(d as f64 * DAY).0)] {
            return Vec::new();
        }
        let (a, b) = (d as f64 * DAY + from, d as f64 * DAY + to);
        let i0 = (a / ctx.interval).round() as usize;
        let i1 = ((b.min(ctx.horizon)) / ctx.interval).round() as usize;
        (i0.max(first)..i1.min(ctx.n_intervals)).collect()
    };
    if !spec.daily {
        let intervals: Vec<usize> = (0..ctx.days()).flat_map(in_day).collect();
        if intervals.is_empty() {
            return Vec::new();
        }
        return vec![Window {
            name: text.split_whitespace().collect::<Vec<_>>().join(" "),
            days: days_text,
            clock,
            intervals,
        }];
    }
    (0..ctx.days())
        .filter_map(|d| {
            let intervals = in_day(d);
            (!intervals.is_empty()).then(|| {
                let mut day = ctx.weekday_at(d as f64 * DAY).name().to_string();
                day[..1].make_ascii_uppercase();
                let days = format!("day {} {day}", d + 1);
                let name = if spec.clock.is_some() { format!("{days} {clock}") } else { days.clone() };
                Window { name, days, clock: clock.clone(), intervals }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::time::Weekday;

    fn ctx(days: f64, interval: f64) -> Ctx {
        let horizon = days * DAY;
        Ctx { horizon, interval, n_intervals: (horizon / interval) as usize, start_day: Weekday(0), usable: true }
    }

    fn made(specs: &[&str], first: usize) -> Result<Vec<Window>, Vec<String>> {
        let mut ck = Check::default();
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        let w = windows(&mut ck, &ctx(14.0, 1800.0), &FieldPath::root().key("report").key("windows"), &specs, first);
        if ck.errors.is_empty() { Ok(w) } else { Err(ck.errors.into_iter().map(|e| e.1).collect()) }
    }

    #[test]
    fn windows_cover_the_intervals_they_say() {
        // Two weeks from a Monday, half-hour intervals: Wednesdays are days 2 and 9.
        let w = made(&["Wed 19:00-21:00"], 0).unwrap();
        assert_eq!(
            w[0].intervals,
            [2 * 48 + 38, 2 * 48 + 39, 2 * 48 + 40, 2 * 48 + 41, 9 * 48 + 38, 9 * 48 + 39, 9 * 48 + 40, 9 * 48 + 41]
        );
        let w = made(&["Mon-Fri 08:00-09:00 daily"], 0).unwrap();
        assert_eq!(w.len(), 10, "ten weekdays in two weeks");
        assert_eq!(w[0].name, "day 1 Mon 08:00-09:00");
        assert_eq!(w[5].intervals, [7 * 48 + 16, 7 * 48 + 17]);
        let w = made(&["daily"], 48).unwrap();
        assert_eq!(w.len(), 13, "the first day is warm-up");
        assert_eq!(w[0].intervals.len(), 48);
        let w = made(&["sat,sun"], 0).unwrap();
        assert_eq!(w[0].intervals.len(), 4 * 48);
        assert_eq!(made(&["22:00-24:00"], 0).unwrap()[0].intervals.len(), 14 * 4);
    }

    #[test]
    fn bad_windows_say_what_is_allowed() {
        for (spec, says) in [
            ("Wed 19:15-21:00", "19:15 is not on an interval boundary"),
            ("Wed 21:00-19:00", "ends before it starts"),
            ("Wedn 19:00-21:00", "not a day of the week"),
            ("Wed 19:00", "not a clock span"),
            ("", "is empty"),
            ("Wed Thu", "is not understood"),
        ] {
            let e = made(&[spec], 0).unwrap_err();
            assert!(e[0].contains(says), "{spec}: {e:?}");
        }
        assert!(made(&["Mon"], 13 * 48).unwrap_err()[0].contains("covers no counted interval"));
        assert!(made(&["Wed", "Wed"], 0).unwrap_err()[0].contains("given twice"));
    }
}
