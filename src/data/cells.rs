//! The cells of a contact log as centres export them: delimiters, date-times in the
//! common forms, durations in seconds or as clocks, outcomes in any case or mapped.
//! Each parser returns `None` (or a message) for what it cannot read; the reader locates
//! the cell.

use crate::scenario::DAY;

/// How a slashed or dotted date orders its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DateOrder {
    /// `01/09/2025` is 1 September (most of the world).
    DayFirst,
    /// `01/09/2025` is 9 January (the United States).
    MonthFirst,
}

impl DateOrder {
    /// `dmy` / `mdy` (as written after `--date-order`).
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" | "day-first" => Some(DateOrder::DayFirst),
            "mdy" | "month-first" => Some(DateOrder::MonthFirst),
            _ => None,
        }
    }
}

/// The field delimiter of a CSV export, sniffed from its header line: the most frequent
/// of comma, semicolon and tab outside quotes.
///
/// # Errors
///
/// A message when the header has none of them (one column cannot be a contact log).
pub fn sniff_delimiter(header: &str) -> Result<u8, String> {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|c| c.0 == b) {
            c.1 += 1;
        }
    }
    let best = counts.iter().max_by_key(|c| c.1).copied().unwrap_or((b',', 0));
    if best.1 == 0 {
        return Err(format!(
            "the header `{}` has one column: columns must be separated by commas, semicolons or tabs",
            crate::base::bounded(header.trim(), 80)
        ));
    }
    Ok(best.0)
}

/// A duration cell in seconds: a number (`151`, `151.5`) or a clock `H:MM:SS`,
/// `MM:SS` (`00:02:31`, `2:31`, fractions of a second allowed).
pub fn duration(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(x) = s.parse::<f64>() {
        return x.is_finite().then_some(x);
    }
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let (h, m, sec) = match parts.as_slice() {
        [m, sec] => ("0", *m, *sec),
        [h, m, sec] => (*h, *m, *sec),
        _ => return None,
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !(digits(h) && digits(m)) || (parts.len() == 3 && m.len() > 2) {
        return None;
    }
    let (h, m): (f64, f64) = (h.parse().ok()?, m.parse().ok()?);
    let sec: f64 = sec.parse().ok().filter(|x: &f64| x.is_finite() && (0.0..60.0).contains(x))?;
    if parts.len() == 3 && m >= 60.0 {
        return None;
    }
    Some(h * 3600.0 + m * 60.0 + sec)
}

/// Days from 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A clock `HH:MM[:SS[.fff]]`, with an optional offset (`Z`, `+02:00`, `-0500`) that is
/// dropped: a centre's day is its local day, which is the clock as written. Seconds of
/// the day.
fn clock(s: &str) -> Option<f64> {
    let s = s.trim();
    let end = s.find(['Z', 'z', '+']).or_else(|| s.rfind('-')).unwrap_or(s.len());
    let (t, offset) = s.split_at(end);
    let offset_ok = offset.is_empty()
        || offset.eq_ignore_ascii_case("z")
        || (offset.len() >= 3 && offset[1..].bytes().all(|b| b.is_ascii_digit() || b == b':'));
    if !offset_ok {
        return None;
    }
    let p: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&p.len()) || p[0].is_empty() || p[0].len() > 2 || p[1].len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (p[0].parse().ok()?, p[1].parse().ok()?);
    let sec: f64 = if p.len() == 3 { p[2].parse().ok()? } else { 0.0 };
    ((0..24).contains(&h) && (0..60).contains(&m) && (0.0..61.0).contains(&sec))
        .then(|| (h * 3600 + m * 60) as f64 + sec)
}

/// A date-time as seconds from 1970-01-01 00:00 of the clock as written (offsets
/// dropped). Forms: `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with `T`, and `Z` or `±HH:MM`),
/// `DD/MM/YYYY HH:MM[:SS]`, `MM/DD/YYYY …` and `DD.MM.YYYY …`. For slashed dates the
/// order is `order`; without one, `None` is returned for a date whose order the numbers
/// do not settle — [`slashed_order`] tells what a file's dates settle.
pub fn datetime(s: &str, order: Option<DateOrder>) -> Option<f64> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T'])?;
    let (y, m, d) = if date.contains('-') {
        let p: Vec<&str> = date.split('-').collect();
        if p.len() != 3 || p[0].len() != 4 || p[1].len() > 2 || p[2].len() > 2 {
            return None;
        }
        (p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?)
    } else {
        let sep = if date.contains('/') { '/' } else { '.' };
        let p: Vec<&str> = date.split(sep).collect();
        if p.len() != 3 || p[2].len() != 4 || p[0].len() > 2 || p[1].len() > 2 {
            return None;
        }
        let (a, b, y): (i64, i64, i64) = (p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?);
        let order = if sep == '.' { DateOrder::DayFirst } else { order.or_else(|| settled(a, b))? };
        match order {
            DateOrder::DayFirst => (y, b, a),
            DateOrder::MonthFirst => (y, a, b),
        }
    };
    let (y, m, d): (i64, i64, i64) = (y, m, d);
    if !((1900..=2200).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)) {
        return None;
    }
    Some(days_from_civil(y, m, d) as f64 * DAY + clock(time)?)
}

/// The order a slashed date's numbers settle on their own: a first number above 12 is a
/// day, a second above 12 is one.
fn settled(a: i64, b: i64) -> Option<DateOrder> {
    match (a > 12, b > 12) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// What the slashed dates of a column (`DD/MM/YYYY …` or `MM/DD/YYYY …`) settle: the
/// order, or `Err` with the first (index, cell) of each order when they contradict, or
/// `Ok(None)` when no date settles it.
///
/// # Errors
///
/// The first cell settling each order, when both are found.
pub fn slashed_order<'a>(
    cells: impl Iterator<Item = (usize, &'a str)>,
) -> Result<Option<DateOrder>, [(usize, String); 2]> {
    let mut day_first: Option<(usize, String)> = None;
    let mut month_first: Option<(usize, String)> = None;
    for (i, c) in cells {
        let Some((date, _)) = c.trim().split_once([' ', 'T']) else { continue };
        let p: Vec<&str> = date.split('/').collect();
        if p.len() != 3 {
            continue;
        }
        let (Ok(a), Ok(b)) = (p[0].parse::<i64>(), p[1].parse::<i64>()) else { continue };
        match settled(a, b) {
            Some(DateOrder::DayFirst) if day_first.is_none() => day_first = Some((i, c.to_owned())),
            Some(DateOrder::MonthFirst) if month_first.is_none() => month_first = Some((i, c.to_owned())),
            _ => {}
        }
    }
    match (day_first, month_first) {
        (Some(d), Some(m)) => Err([d, m]),
        (Some(_), None) => Ok(Some(DateOrder::DayFirst)),
        (None, Some(_)) => Ok(Some(DateOrder::MonthFirst)),
        (None, None) => Ok(None),
    }
}

/// Smallest number in an arrival column read as seconds since 1970 (2000-01-01): below
/// it, numbers are seconds from the history's own time 0 (no history spans 30 years).
pub const EPOCH_SECONDS_FROM: f64 = 946_684_800.0;

/// How numeric arrivals read: seconds from time 0, or Unix time in seconds or
/// milliseconds (told apart by size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NumericTime {
    /// Seconds from the history's time 0.
    Seconds,
    /// Seconds since 1970-01-01 00:00 UTC.
    EpochSeconds,
    /// Milliseconds since 1970-01-01 00:00 UTC.
    EpochMillis,
}

impl NumericTime {
    /// The reading of a column whose smallest value is `min`.
    pub fn of(min: f64) -> NumericTime {
        if min >= EPOCH_SECONDS_FROM * 1000.0 {
            NumericTime::EpochMillis
        } else if min >= EPOCH_SECONDS_FROM {
            NumericTime::EpochSeconds
        } else {
            NumericTime::Seconds
        }
    }

    /// `x` in seconds (from time 0, or since 1970).
    pub fn seconds(self, x: f64) -> f64 {
        if self == NumericTime::EpochMillis { x / 1000.0 } else { x }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("151"), Some(151.0));
        assert_eq!(duration(" 0.5 "), Some(0.5));
        assert_eq!(duration("00:02:31"), Some(151.0));
        assert_eq!(duration("2:31"), Some(151.0));
        assert_eq!(duration("1:00:00.5"), Some(3600.5));
        assert_eq!(duration("27:00:00"), Some(97200.0));
        for bad in ["", "2:61", "1:60:00", "a:bc", "1::2", "inf", "NaN"] {
            assert_eq!(duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetimes() {
        let sept1 = days_from_civil(2025, 9, 1) as f64 * DAY;
        assert_eq!(datetime("2025-09-01 08:00", None), Some(sept1 + 28_800.0));
        assert_eq!(datetime("2025-09-01T08:00:30.5+02:00", None), Some(sept1 + 28_830.5));
        assert_eq!(datetime("2025-09-01T08:00:00Z", None), Some(sept1 + 28_800.0));
        assert_eq!(datetime("2025-09-01T08:00:00-0500", None), Some(sept1 + 28_800.0));
        assert_eq!(datetime("01/09/2025 08:00", Some(DateOrder::DayFirst)), Some(sept1 + 28_800.0));
        assert_eq!(datetime("09/01/2025 08:00", Some(DateOrder::MonthFirst)), Some(sept1 + 28_800.0));
        assert_eq!(datetime("01.09.2025 08:00:00", None), Some(sept1 + 28_800.0));
        assert_eq!(datetime("01/09/2025 08:00", None), None, "ambiguous without an order");
        assert_eq!(datetime("13/09/2025 08:00", None), Some(sept1 + 12.0 * DAY + 28_800.0));
        for bad in ["2025-02-30 08:00", "2025-13-01 08:00", "2025-09-01 24:00", "2025-09-01", "08:00", "1e9"] {
            assert_eq!(datetime(bad, Some(DateOrder::DayFirst)), None, "{bad}");
        }
        let cells = ["05/09/2025 08:00", "13/09/2025 08:00"];
        assert_eq!(slashed_order(cells.iter().copied().enumerate()), Ok(Some(DateOrder::DayFirst)));
        let both = ["13/09/2025 08:00", "09/13/2025 08:00"];
        assert!(slashed_order(both.iter().copied().enumerate()).is_err());
    }

    #[test]
    fn delimiters_and_epochs() {
        assert_eq!(sniff_delimiter("channel;arrival;wait_s"), Ok(b';'));
        assert_eq!(sniff_delimiter("channel\tarrival\twait_s"), Ok(b'\t'));
        assert_eq!(sniff_delimiter("\"a;b\",c,d"), Ok(b','));
        assert!(sniff_delimiter("channel").is_err());
        assert_eq!(NumericTime::of(3600.0), NumericTime::Seconds);
        assert_eq!(NumericTime::of(1.7e9), NumericTime::EpochSeconds);
        assert_eq!(NumericTime::of(1.7e12), NumericTime::EpochMillis);
    }
}
