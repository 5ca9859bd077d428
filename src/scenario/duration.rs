//! Human durations ("20s", "4m", "1h30m", "1.5h", "2d") and clocks ("08:30").
//!
//! Every duration in ccsim is a number of **seconds** (`f64`). In scenario files a duration
//! is either a plain number of seconds (`90`, `12.5`) or a string made of one or more
//! `<number><unit>` parts, units `ms`, `s`, `m`/`min`, `h`, `d` (`"1h30m"`, `"4m"`,
//! `"250ms"`). A bare number in a string (`"90"`) is seconds too.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A duration in seconds as written in a scenario file: finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Seconds(pub f64);

const ALLOWED: &str =
    "a duration: seconds as a number (90) or a string such as \"20s\", \"4m\", \"1h30m\", \"1.5h\", \"2d\"";

/// Parses a human duration into seconds. The error says what is allowed.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration; expected {ALLOWED}"));
    }
    if let Ok(v) = s.parse::<f64>() {
        return check_seconds(v, text);
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total = 0.0;
    let mut parts = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(format!("`{text}` is not a duration; expected {ALLOWED}"));
        }
        let number: f64 = s[start..i].parse().map_err(|_| format!("`{text}` is not a duration; expected {ALLOWED}"))?;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let ustart = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let factor = match &s[ustart..i] {
            "ms" => 0.001,
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" | "hr" => 3600.0,
            "d" | "day" | "days" => 86_400.0,
            "" => {
                return Err(format!("`{text}` has a number without a unit; expected {ALLOWED}"));
            }
            unit => {
                return Err(format!("unknown unit `{unit}` in `{text}`; units are ms, s, m, h, d"));
            }
        };
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        total += number * factor;
        parts += 1;
    }
    debug_assert!(parts > 0);
    check_seconds(total, text)
}

fn check_seconds(v: f64, text: &str) -> Result<f64, String> {
    if !v.is_finite() {
        return Err(format!("`{text}` is not a finite duration"));
    }
    if v < 0.0 {
        return Err(format!("`{text}` is negative; durations must be ≥ 0"));
    }
    Ok(v)
}

/// Parses a clock time of day `HH:MM` or `HH:MM:SS` into seconds after midnight.
/// `24:00` is allowed (end of day).
pub fn parse_clock(text: &str) -> Result<f64, String> {
    let bad = || format!("`{text}` is not a time of day; expected \"HH:MM\" such as \"08:30\" (00:00 to 24:00)");
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(bad());
    }
    let mut nums = [0u32; 3];
    for (k, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        nums[k] = p.parse().map_err(|_| bad())?;
    }
    let [h, m, s] = nums;
    if m >= 60 || s >= 60 || h > 24 || (h == 24 && (m > 0 || s > 0)) {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60 + s))
}

/// Formats seconds compactly for tables and messages: `45s`, `4m`, `1h30m`, `2d3h`.
pub fn format_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "∞".into();
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
pub fn format_when(t: f64, start_day: super::Weekday) -> String {
    let mut day = start_day.plus((t / super::DAY).floor() as usize).name().to_string();
    if let Some(c) = day.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    format!("{day} {}", format_clock(t.rem_euclid(super::DAY)))
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
                parse_duration(v).map(Seconds).map_err(E::custom)
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
        impl Visitor<'_> for V {
            type Value = Clock;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time of day such as \"08:30\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Clock, E> {
                parse_clock(v).map(Clock).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("4m"), Ok(240.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("1h 30m"), Ok(5400.0));
        assert_eq!(parse_duration("1.5h"), Ok(5400.0));
        assert_eq!(parse_duration("2d"), Ok(172_800.0));
        assert_eq!(parse_duration("250ms"), Ok(0.25));
        assert_eq!(parse_duration("90"), Ok(90.0));
        assert_eq!(parse_duration("0"), Ok(0.0));
        for bad in ["", "abc", "4", "4x", "-3s", "m", "1h30", "1..2s", "inf", "NaN"] {
            if bad == "4" {
                continue;
            }
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("08:30"), Ok(30_600.0));
        assert_eq!(parse_clock("24:00"), Ok(86_400.0));
        assert_eq!(parse_clock("7:05:09"), Ok(25_509.0));
        for bad in ["24:01", "8", "08:60", "ab:cd", "08:", "-1:00", "123:00"] {
            assert!(parse_clock(bad).is_err(), "{bad:?} should be refused");
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
