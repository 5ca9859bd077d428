//! Sweep axes as written on the command line or in a scenario's `[sweep]` table: a field
//! path (as for [`Scenario::with_overrides`](super::Scenario::with_overrides)) and the
//! values it takes, with numeric ranges expanded.

use super::check::Check;
use super::locate::FieldPath;
use crate::Error;

/// One axis of a sweep: a field path and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Field path, as for [`super::Scenario::with_overrides`].
    pub path: String,
    /// Values, as override texts.
    pub values: Vec<String>,
}

/// Largest number of values one range may expand to.
pub const MAX_RANGE_VALUES: usize = 10_000;

impl Axis {
    /// Parses `PATH=V1,V2,…` where each item is a value or a range `A..=B` or `A..=B:STEP`
    /// (numbers; the step is > 0). The error names the argument and says what is allowed.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the argument: no `=`, an empty value, a bad or empty range,
    /// or more values than allowed.
    pub fn parse(arg: &str) -> Result<Axis, Error> {
        let bad = |why: String| Error::Input(format!("--set {arg}: {why}"));
        let (path, list) = arg
            .split_once('=')
            .filter(|(p, _)| !p.trim().is_empty())
            .ok_or_else(|| bad("write PATH=V1,V2,… or PATH=A..=B[:STEP], such as agents.team.staff=40..=46".into()))?;
        let mut values = Vec::new();
        for item in split_top_level(list).into_iter().map(str::trim) {
            if item.is_empty() {
                return Err(bad("has an empty value".into()));
            }
            match item.split_once("..=") {
                None => values.push(item.to_owned()),
                Some((a, rest)) => {
                    let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
                    let (a_text, b_text, step_text) = (a.trim(), b.trim(), step.trim());
                    let num = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite());
                    let (Some(a), Some(b), Some(step)) = (num(a), num(b), num(step)) else {
                        return Err(bad(format!("`{item}` is not a range; write A..=B or A..=B:STEP with numbers")));
                    };
                    if step <= 0.0 {
                        return Err(bad(format!("`{item}`: the step must be > 0")));
                    }
                    if b < a {
                        return Err(bad(format!("`{item}` is an empty range (its end is below its start)")));
                    }
                    let count = ((b - a) / step + 1e-9).floor() + 1.0;
                    if count.is_nan() || count > MAX_RANGE_VALUES as f64 {
                        return Err(bad(format!("`{item}` gives more than {MAX_RANGE_VALUES} values")));
                    }
                    // Values with as many decimals as the range is written with (0.1..=0.3:0.1
                    // gives 0.1, 0.2, 0.3, not 0.30000000000000004).
                    let decimals = [a_text, b_text, step_text]
                        .iter()
                        .map(|t| t.split_once('.').map_or(0, |(_, d)| d.len()))
                        .max()
                        .unwrap_or(0);
                    let scale = 10f64.powi(decimals.min(12) as i32);
                    // A range written with a sign (`+0..=9`) stays relative: plan arithmetic
                    // (`+N`) on every value.
                    let relative = a_text.starts_with('+');
                    values.extend((0..count as usize).map(|i| {
                        let v = ((a + i as f64 * step) * scale).round() / scale;
                        let text = crate::base::time::format_number(v);
                        if relative { format!("+{text}") } else { text }
                    }));
                }
            }
        }
        Ok(Axis { path: path.trim().to_owned(), values })
    }
}

/// Splits at commas outside brackets, braces and quotes (`{ per_interval = [3, 4] }` is
/// one value).
fn split_top_level(list: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start, mut out) = (0i32, false, 0, Vec::new());
    for (i, ch) in list.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

/// A saved study as written: the axes `ccsim sweep` uses when given no `--set`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub set: Option<Vec<String>>,
    pub zip: Option<bool>,
    pub baseline: Option<u64>,
}

/// A study saved in the scenario's `[sweep]` table: the axes of `ccsim sweep` when it is
/// given no `--set`, as `PATH=VALUES` texts (checked), whether they zip, and the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedSweep {
    /// Axes, each `PATH=V1,V2,…` (ranges allowed), as on the command line.
    pub set: Vec<String>,
    /// Pair the axes' values one by one.
    pub zip: bool,
    /// The variant the others are compared with.
    pub baseline: usize,
}

/// The `[sweep]` table at `sp`: every axis parses, and the baseline is one of the variants.
/// (That each axis names a field of the scenario is checked when the sweep runs.)
pub(crate) fn saved_sweep(ck: &mut Check, sp: &FieldPath, sw: &RawSweep) -> SavedSweep {
    let set = sw.set.as_deref().unwrap_or_default();
    if set.is_empty() {
        ck.err(sp.key("set"), "is missing or empty: list axes such as set = [\"agents.team.staff=40..=46\"]");
    }
    let mut lens = Vec::new();
    for (i, axis) in set.iter().enumerate() {
        match Axis::parse(axis) {
            Ok(a) => lens.push(a.values.len()),
            Err(e) => ck.err(sp.key("set").at(i), e.to_string().replacen(&format!("--set {axis}: "), "", 1)),
        }
    }
    let zip = sw.zip.unwrap_or(false);
    let variants = if zip {
        lens.iter().copied().max().unwrap_or(0)
    } else {
        lens.iter().try_fold(1usize, |a, &n| a.checked_mul(n)).unwrap_or(usize::MAX)
    };
    if let Some(b) = sw.baseline
        && !lens.is_empty()
        && b as usize >= variants
    {
        ck.err(
            sp.key("baseline"),
            format!("is {b}, but the sweep has {variants} variants (0 to {})", variants.saturating_sub(1)),
        );
    }
    SavedSweep { set: set.to_vec(), zip, baseline: sw.baseline.unwrap_or(0) as usize }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_parse() {
        assert_eq!(
            Axis::parse("agents.team.staff=40..=46").unwrap().values,
            ["40", "41", "42", "43", "44", "45", "46"]
        );
        assert_eq!(Axis::parse("a.b=40..=60:10,70").unwrap().values, ["40", "50", "60", "70"]);
        assert_eq!(Axis::parse("x=0.5..=1:0.25").unwrap().values, ["0.5", "0.75", "1"]);
        assert_eq!(Axis::parse("x=0.1..=0.3:0.1").unwrap().values, ["0.1", "0.2", "0.3"]);
        assert_eq!(Axis::parse("s={ per_interval = [3, 4] },5").unwrap().values, ["{ per_interval = [3, 4] }", "5"]);
        assert!(Axis::parse("x=0..=1e20").is_err() && Axis::parse("x=0..=1:1e-300").is_err(), "too many values");
        assert_eq!(Axis::parse("c.w.within=20s,30s").unwrap().values, ["20s", "30s"]);
        // A signed range stays relative (plan arithmetic on each value).
        assert_eq!(Axis::parse("agents.team.staff=+0..=2").unwrap().values, ["+0", "+1", "+2"]);
        for bad in ["x=5..=4", "x=1..=2:0", "x=a..=b", "=3", "x=1,,2", "noequals"] {
            assert!(Axis::parse(bad).is_err(), "{bad}");
        }
    }
}
