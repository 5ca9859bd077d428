//! Model construction from checked inputs: the step functions of arrival rates and of
//! scheduled headcount. Pure and infallible — `validate.rs` has checked every value it
//! passes here — so that checking and building stay apart.

use super::DAY;

/// Steps `(from, rate)` of a rate that holds while the channel is open: `rate(t)` (per s,
/// the day factor already applied) inside `windows`, 0 outside, split at midnights so that
/// day factors apply, over `[0, horizon)`.
pub(super) fn rate_while_open(windows: &[(f64, f64)], horizon: f64, rate: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut steps = Vec::new();
    let mut t = 0.0;
    for &(s, e) in windows {
        if s > t {
            steps.push((t, 0.0));
        }
        let mut u = s;
        while u < e {
            let next_midnight = ((u / DAY).floor() + 1.0) * DAY;
            steps.push((u, rate(u)));
            u = next_midnight.min(e);
        }
        t = e;
    }
    if t < horizon {
        steps.push((t, 0.0));
    }
    steps
}

/// Steps of a daily volume spread evenly over each day's open time: `volume(day)` contacts
/// on day `day` (0 for a day the channel is closed all of), over `[0, horizon)`.
pub(super) fn flat_days(
    windows: &[(f64, f64)],
    days: usize,
    horizon: f64,
    volume: impl Fn(usize) -> f64,
) -> Vec<(f64, f64)> {
    let mut steps = Vec::new();
    let mut t = 0.0;
    for day in 0..days {
        let a0 = day as f64 * DAY;
        let secs = open_seconds(windows, a0, a0 + DAY);
        let vol = volume(day);
        for &(s, e) in windows {
            let (s, e) = (s.max(a0), e.min(a0 + DAY));
            if e <= s {
                continue;
            }
            if s > t {
                steps.push((t, 0.0));
            }
            steps.push((s, vol / secs));
            t = e;
        }
    }
    if t < horizon {
        steps.push((t, 0.0));
    }
    steps
}

/// Steps of per-interval volumes, each spread evenly over the open part of its interval
/// (an interval with no open time must have volume 0).
pub(super) fn spread_volumes(volumes: &[f64], interval: f64, windows: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut steps = Vec::new();
    for (i, vol) in volumes.iter().enumerate() {
        let a0 = i as f64 * interval;
        let b0 = a0 + interval;
        let secs = open_seconds(windows, a0, b0);
        if secs <= 0.0 {
            steps.push((a0, 0.0));
            continue;
        }
        let rate = vol / secs;
        let mut t = a0;
        for &(s, e) in windows {
            let (s, e) = (s.max(a0), e.min(b0));
            if e <= s {
                continue;
            }
            if s > t {
                steps.push((t, 0.0));
            }
            steps.push((s, rate));
            t = e;
        }
        if t < b0 {
            steps.push((t, 0.0));
        }
    }
    steps
}

/// Open seconds of `windows` within `[a, b)`.
pub(crate) fn open_seconds(windows: &[(f64, f64)], a: f64, b: f64) -> f64 {
    crate::base::steps::integral(windows.iter().map(|&(s, e)| (s, e, 1.0)), a, b)
}

/// One shift pattern: `count` agents from `start` (s after midnight) for `len` s, minus
/// `breaks` (offsets from the start, s), on the days of the week marked in `days`.
pub(super) struct ShiftPattern<'a> {
    pub start: f64,
    pub len: f64,
    pub breaks: &'a [(f64, f64)],
    pub days: [bool; 7],
    pub count: i64,
}

/// The `(start, end)` of every occurrence of a shift within the horizon, for a horizon of
/// `days` days starting on weekday `start_day` (day −1 lets an overnight shift from before
/// time 0 reach in).
pub(super) fn occurrences<'a>(
    shift: &'a ShiftPattern<'a>,
    days: usize,
    start_day: u8,
    horizon: f64,
) -> impl Iterator<Item = (f64, f64)> + 'a {
    (-1..days as i64).filter_map(move |d| {
        let wd = (i64::from(start_day) + d).rem_euclid(7) as usize;
        let a = d as f64 * DAY + shift.start;
        let b = a + shift.len;
        (shift.days[wd] && b > 0.0 && a < horizon).then_some((a, b))
    })
}

/// `(time, ±count)` changes of one shift occurrence starting at `a`: on, off, and each
/// break.
pub(super) fn changes_of(shift: &ShiftPattern, (a, b): (f64, f64), out: &mut Vec<(f64, i64)>) {
    out.push((a, shift.count));
    out.push((b, -shift.count));
    for &(o0, o1) in shift.breaks {
        out.push((a + o0, -shift.count));
        out.push((a + o1, shift.count));
    }
}

/// Scheduled headcount steps `(from, n)` from `(time, ±count)` changes, over `[0, horizon)`:
/// changes at one instant apply together, times before 0 count from 0, equal neighbours
/// merge. Levels are never negative for changes made by [`changes_of`].
pub(super) fn headcount_steps(mut changes: Vec<(f64, i64)>, horizon: f64) -> Vec<(f64, u32)> {
    changes.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let mut level: i64 = 0;
    let mut steps: Vec<(f64, u32)> = vec![(0.0, 0)];
    let mut i = 0;
    while i < changes.len() {
        let t = changes[i].0;
        while i < changes.len() && changes[i].0 == t {
            level += changes[i].1;
            i += 1;
        }
        let at = t.max(0.0);
        if at >= horizon {
            break;
        }
        debug_assert!(level >= 0);
        let n = level.clamp(0, i64::from(u32::MAX)) as u32;
        match steps.last_mut() {
            Some(last) if last.0 == at => last.1 = n,
            Some(last) if last.1 == n => {}
            _ => steps.push((at, n)),
        }
    }
    steps
}

/// What the events affecting one channel do to it (see [`super::Overlay`]): `events` are
/// those events, `open` the channel's opening windows when it is live (added volume
/// arrives only while it is open), `None` for a deferred channel.
pub(super) fn overlay(
    base: &crate::base::rates::RateFn,
    events: &[&super::DemandEvent],
    open: Option<&[(f64, f64)]>,
    horizon: f64,
) -> super::Overlay {
    use crate::base::rates::RateFn;
    let mut cuts: Vec<f64> = base.segments().map(|s| s.0).collect();
    for e in events {
        for &(a, b) in &e.windows {
            cuts.extend([a, b]);
        }
    }
    for &(a, b) in open.unwrap_or(&[]) {
        cuts.extend([a, b]);
    }
    cuts.retain(|&t| (0.0..horizon).contains(&t));
    cuts.push(0.0);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let (mut extra, mut keep, mut handle) = (Vec::new(), Vec::new(), Vec::new());
    for &t in &cuts {
        let (mut m, mut add, mut h) = (1.0, 0.0, 1.0);
        for e in events {
            if let Some(&(a, b)) = e.windows.iter().find(|w| w.0 <= t && t < w.1) {
                m *= e.volume;
                add += e.add / (b - a);
                h *= e.handle;
            }
        }
        if let Some(open) = open
            && !open.iter().any(|w| w.0 <= t && t < w.1)
        {
            add = 0.0;
        }
        let lambda = base.rate_at(t);
        extra.push((t, (m - 1.0f64).max(0.0) * lambda + add));
        keep.push((t, m.min(1.0)));
        handle.push((t, h));
    }
    let keep = RateFn::from_steps(&keep, horizon);
    let thins = keep.segments().any(|s| s.2 < 1.0);
    super::Overlay {
        extra: RateFn::from_steps(&extra, horizon),
        keep,
        thins,
        handle: RateFn::from_steps(&handle, horizon),
    }
}
