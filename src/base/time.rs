//! Human durations ("20s", "4m", "1h30m", "1.5h", "2d") and clocks ("08:30").
//!
//! Every duration in ccsim is a number of **seconds** (`f64`). In scenario files a duration
//! is a plain TOML number of seconds (`90`, `12.5`) or a string in one grammar:
//!
//! * one or more parts `<number><unit>`, with no spaces;
//! * a number is digits, optionally with a decimal point between digits (`1.5`, not `5.`
//!   or `.5`);
//! * units are `d`, `h`, `m`, `s`, `ms`, in that (decreasing) order, each at most once:
//!   `"1h30m"`, `"2d12h"`, `"4m"`, `"250ms"`, `"1.5h"`.
//!
//! Anything else is refused with the allowed forms and, where the intent is clear, a
//! suggestion: `"1 week"` → did you mean `"7d"`; `"20 sec"` → `"20s"`; `"30m1h"` →
//! `"1h30m"`; a string without a unit (`"90"`) → `"90s"`.
//!
//! Clock times are `"HH:MM"`, two digits each, from `"00:00"` to `"24:00"`.

use crate::Error;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// Days (whole or part) in a horizon of `horizon` seconds.
pub fn days_in(horizon: f64) -> usize {
    (horizon / DAY).ceil() as usize
}

/// Day of the week, Monday = 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekday(pub u8);

impl Weekday {
    /// Short names, Monday first.
    pub const NAMES: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// Parses a short or long English day name, any case.
    pub fn parse(s: &str) -> Option<Weekday> {
        let l = s.trim().to_ascii_lowercase();
        const LONG: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        (0..7).find(|&i| l == Self::NAMES[i] || l == LONG[i]).map(|i| Weekday(i as u8))
    }

    /// The weekday `days` days later.
    pub fn plus(self, days: usize) -> Weekday {
        Weekday(((usize::from(self.0) + days) % 7) as u8)
    }

    /// Short name (`mon` … `sun`).
    pub fn name(self) -> &'static str {
        Self::NAMES[usize::from(self.0)]
    }
}

/// Written as its short name (`"mon"`), read from a short or long name.
impl serde::Serialize for Weekday {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Weekday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Weekday::parse(&s).ok_or_else(|| de::Error::custom(format!("`{s}` is not mon … sun")))
    }
}

/// A duration in seconds as written in a scenario file: finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Seconds(pub f64);

const ALLOWED: &str = "a duration: seconds as a number (90) or a string of <number><unit> parts with units d, h, m, s, ms in that order, such as \"20s\", \"4m\", \"1h30m\", \"1.5h\", \"2d\"";

/// Units in the order they must appear, with their length in seconds.
const UNITS: [(&str, f64); 5] = [("d", 86_400.0), ("h", 3_600.0), ("m", 60.0), ("s", 1.0), ("ms", 0.001)];

/// Splits `s` into `(number, unit)` parts exactly as the grammar allows, or `None`.
fn strict_parts(s: &str) -> Option<Vec<(f64, usize)>> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut parts = Vec::new();
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let frac = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == frac {
                return None;
            }
        }
        let number: f64 = s[start..i].parse().ok()?;
        let ustart = i;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        let unit = UNITS.iter().position(|(u, _)| *u == &s[ustart..i])?;
        parts.push((number, unit));
    }
    // Units strictly in decreasing order of size, each once.
    (!parts.is_empty() && parts.windows(2).all(|w| w[0].1 < w[1].1)).then_some(parts)
}

/// What a loosely written duration most likely means, in seconds (aliases such as `sec`,
/// `min`, `hours`, `week`, spaces, any order), for a suggestion.
fn lenient_seconds(text: &str) -> Option<f64> {
    let s: String = text.trim().to_ascii_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    let b = s.as_bytes();
    let (mut i, mut total, mut parts) = (0, 0.0, 0);
    while i < b.len() {
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
        let number: f64 = if i == start { 1.0 } else { s[start..i].parse().ok()? };
        let ustart = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let factor = match &s[ustart..i] {
            "" if i == b.len() && parts == 0 => 1.0,
            "ms" | "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => 0.001,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
            "d" | "day" | "days" => 86_400.0,
            "w" | "wk" | "week" | "weeks" => 7.0 * 86_400.0,
            _ => return None,
        };
        total += number * factor;
        parts += 1;
    }
    (parts > 0 && total.is_finite() && total >= 0.0).then_some(total)
}

/// A duration in the grammar, exactly (`7d`, `1h30m`, `1.5s`, `250ms`).
pub fn canonical_duration(secs: f64) -> String {
    if secs == 0.0 {
        return "0s".into();
    }
    let whole_ms = (secs * 1000.0).round();
    if (whole_ms / 1000.0 - secs).abs() > 1e-9 * secs.max(1.0) || whole_ms > 9e15 {
        return format!("{}s", format_number(secs));
    }
    let mut ms = whole_ms as u64;
    let mut out = String::new();
    for (unit, size) in [("d", 86_400_000u64), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
        if ms >= size {
            out.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    out
}

/// Parses a human duration into seconds. The error says what is allowed, and suggests
/// the intended form where it can tell.
///
/// # Errors
///
/// [`Error::Input`] when `text` is not in the grammar, with the allowed forms and, where
/// the intent is clear, a suggestion.
pub fn parse_duration(text: &str) -> Result<f64, Error> {
    duration_seconds(text).map_err(Error::Input)
}

/// [`parse_duration`] with the message alone.
fn duration_seconds(text: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Err(format!("empty duration; expected {ALLOWED}"));
    }
    if let Some(parts) = strict_parts(text) {
        let total: f64 = parts.iter().map(|&(n, u)| n * UNITS[u].1).sum();
        return check_seconds(total, text);
    }
    let shown = super::bounded(text, 40);
    if text.trim_start().starts_with('-') {
        return Err(format!("`{shown}` is negative; durations must be ≥ 0"));
    }
    let hint = match lenient_seconds(text) {
        Some(secs) => format!("; did you mean `{}`?", canonical_duration(secs)),
        None => String::new(),
    };
    Err(format!("`{shown}` is not a duration; expected {ALLOWED}{hint}"))
}

fn check_seconds(v: f64, text: &str) -> Result<f64, String> {
    let shown = super::bounded(text, 40);
    if !v.is_finite() {
        return Err(format!("`{shown}` is not a finite duration"));
    }
    if v < 0.0 {
        return Err(format!("`{shown}` is negative; durations must be ≥ 0"));
    }
    Ok(v)
}

/// Parses a clock time of day `HH:MM` (two digits each) into seconds after midnight.
/// `24:00` is allowed (end of day).
///
/// # Errors
///
/// [`Error::Input`] when `text` is not `HH:MM` from 00:00 to 24:00, with a suggestion where
/// the intent is clear.
pub fn parse_clock(text: &str) -> Result<f64, Error> {
    clock_seconds(text).map_err(Error::Input)
}

/// [`parse_clock`] with the message alone.
fn clock_seconds(text: &str) -> Result<f64, String> {
    let shown = super::bounded(text, 40);
    let bad = |hint: String| {
        format!("`{shown}` is not a time of day; expected \"HH:MM\" such as \"08:30\" (00:00 to 24:00){hint}")
    };
    let b = text.as_bytes();
    let two = |x: &[u8]| x.len() == 2 && x.iter().all(u8::is_ascii_digit);
    if b.len() == 5 && b[2] == b':' && two(&b[..2]) && two(&b[3..]) {
        let (h, m) = (
            u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'),
            u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0'),
        );
        if m < 60 && (h < 24 || (h == 24 && m == 0)) {
            return Ok(f64::from(h * 3600 + m * 60));
        }
        return Err(bad(String::new()));
    }
    // A suggestion for `8:00`, `08:0`, ` 08:00`, `08:00:00`.
    let parts: Vec<&str> = text.trim().split(':').collect();
    let nums: Option<Vec<u32>> =
        parts.iter().map(|p| (!p.is_empty() && p.len() <= 2).then(|| p.parse().ok()).flatten()).collect();
    let hint = match nums.as_deref() {
        Some([h, m]) | Some([h, m, 0]) if *m < 60 && (*h < 24 || (*h == 24 && *m == 0)) => {
            format!("; did you mean \"{h:02}:{m:02}\"?")
        }
        _ => String::new(),
    };
    Err(bad(hint))
}

/// A number for messages, in a bounded form: `-1e15`, not sixteen digits; `0.25`, `1200`.
pub fn format_number(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 || (1e-4..1e9).contains(&a) || !x.is_finite() { format!("{x}") } else { format!("{x:e}") }
}

/// Formats seconds compactly for tables and messages: `45s`, `4m`, `1h30m`, `2d3h`;
/// beyond 10⁹ s (31 years) in scientific form (`1e308s`).
pub fn format_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "∞".into();
    }
    if secs.abs() >= 1e9 {
        return format!("{secs:e}s");
    }
    let mut rest = secs.round() as u64;
    if rest == 0 {
        return if secs == 0.0 { "0s".into() } else { format!("{secs:.3}s") };
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// Formats seconds after midnight as `HH:MM` (days wrap, `Mon 08:00` is the caller's job).
pub fn format_clock(secs_of_day: f64) -> String {
    let s = secs_of_day.round() as u64;
    format!("{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

/// A time of the horizon as planners read it: `Tue 08:30`, for a horizon starting on
/// `start_day` (time 0 is its midnight). The one clock-and-weekday formatter of reports
/// and messages.
pub fn format_when(t: f64, start_day: Weekday) -> String {
    let mut day = start_day.plus((t / DAY).floor() as usize).name().to_string();
    if let Some(c) = day.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    format!("{day} {}", format_clock(t.rem_euclid(DAY)))
}

impl<'de> serde::Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(ALLOWED)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds, E> {
                check_seconds(v as f64, &v.to_string()).map(Seconds).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                check_seconds(v as f64, &v.to_string()).map(Seconds).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Seconds, E> {
                check_seconds(v, &v.to_string()).map(Seconds).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Seconds, E> {
                duration_seconds(v).map(Seconds).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A time of day as written in a scenario file (`"08:30"`), in seconds after midnight.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Clock(pub f64);

impl<'de> serde::Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Clock;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time of day such as \"08:30\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Clock, E> {
                clock_seconds(v).map(Clock).map_err(E::custom)
            }
            /// An unquoted `08:30` is a TOML time (handed over as a table).
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Clock, A::Error> {
                Err(de::Error::custom(
                    "a time of day is written in quotes, such as \"08:30\" (unquoted, 08:30 is a TOML time)",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("20s"), Ok(20.0));
        assert_eq!(duration_seconds("4m"), Ok(240.0));
        assert_eq!(duration_seconds("1h30m"), Ok(5400.0));
        assert_eq!(duration_seconds("1.5h"), Ok(5400.0));
        assert_eq!(duration_seconds("2d12h"), Ok(216_000.0));
        assert_eq!(duration_seconds("250ms"), Ok(0.25));
        assert_eq!(duration_seconds("1m30s500ms"), Ok(90.5));
        assert_eq!(duration_seconds("0s"), Ok(0.0));
    }

    /// One grammar: the loose forms of the hardening issue are refused, each with the
    /// allowed forms and, where the intent is clear, the form meant.
    #[test]
    fn loose_durations_are_refused_with_a_suggestion() {
        for (bad, meant) in [
            ("30m1h", Some("1h30m")),
            ("1h1h", Some("2h")),
            (" 4m", Some("4m")),
            ("4m\n", Some("4m")),
            ("1h 30m", Some("1h30m")),
            ("20 sec", Some("20s")),
            ("90", Some("1m30s")),
            ("min", Some("1m")),
            ("hr", Some("1h")),
            ("seconds", Some("1s")),
            ("5 mins", Some("5m")),
            ("2 hour", Some("2h")),
            ("1 week", Some("7d")),
            ("5.h", Some("5h")),
            ("abc", None),
            ("1..2s", None),
            ("", None),
            ("inf", None),
            ("NaN", None),
        ] {
            let e = duration_seconds(bad).expect_err(bad);
            assert!(e.contains("units d, h, m, s, ms") || e.starts_with("empty"), "{bad:?}: {e}");
            match meant {
                Some(m) => assert!(e.contains(&format!("did you mean `{m}`?")), "{bad:?}: {e}"),
                None => assert!(!e.contains("did you mean"), "{bad:?}: {e}"),
            }
        }
        assert!(duration_seconds("-3s").unwrap_err().contains("negative"));
        // Messages quote input in a bounded form.
        let long = "x".repeat(10_000);
        assert!(duration_seconds(&long).unwrap_err().len() < 400);
    }

    #[test]
    fn clocks() {
        assert_eq!(clock_seconds("08:30"), Ok(30_600.0));
        assert_eq!(clock_seconds("00:00"), Ok(0.0));
        assert_eq!(clock_seconds("24:00"), Ok(86_400.0));
        for (bad, meant) in [
            ("08:0", Some("08:00")),
            ("8:00", Some("08:00")),
            ("08:00:59", None),
            ("08:00:00", Some("08:00")),
            (" 08:00", Some("08:00")),
            ("24:01", None),
            ("8", None),
            ("08:60", None),
            ("ab:cd", None),
            ("08:", None),
            ("-1:00", None),
            ("123:00", None),
        ] {
            let e = clock_seconds(bad).expect_err(bad);
            match meant {
                Some(m) => assert!(e.contains(&format!("did you mean \"{m}\"?")), "{bad:?}: {e}"),
                None => assert!(!e.contains("did you mean"), "{bad:?}: {e}"),
            }
        }
    }

    #[test]
    fn formats() {
        assert_eq!(format_duration(5400.0), "1h30m");
        assert_eq!(format_duration(20.0), "20s");
        assert_eq!(format_duration(0.0), "0s");
        assert_eq!(format_clock(30_600.0), "08:30");
    }
}
