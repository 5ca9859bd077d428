//! Checks across tables, once each table is checked: the staffing against the demand
//! (problems: a channel nobody serves, a backlog too large to simulate), and plans that are
//! legal but almost certainly mistakes (warnings, each at the field to look at).

use super::agents::AgentGroup;
use super::build::open_seconds;
use super::channel::{Channel, RawChannel};
use super::check::{Check, Ctx, Errors};
use super::events::{DemandEvent, RawEvent};
use super::limits::{MAX_AGENTS_TOTAL, MAX_CONTACTS_IN_SYSTEM};
use super::locate::FieldPath;
use crate::base::portable::Portable;
use crate::base::time::{format_duration, format_number};

/// Scenario-wide checks of the staffing against the demand, as `(field, message)`
/// problems (for checked changes of a sealed scenario).
pub(crate) fn staffing_problems(channels: &[Channel], groups: &[AgentGroup], horizon: f64) -> Errors {
    let mut ck = Check::default();
    cross_checks(&mut ck, channels, groups, horizon);
    ck.errors
}

/// The groups that serve channel `c`.
fn servers_of(groups: &[AgentGroup], c: usize) -> Vec<&AgentGroup> {
    groups.iter().filter(|g| g.skills.iter().any(|s| s.channel == c)).collect()
}

/// Every channel with arrivals is served by a group with agents, and no backlog outgrows
/// what the simulator holds; the total headcount is bounded.
pub(crate) fn cross_checks(ck: &mut Check, channels: &[Channel], groups: &[AgentGroup], horizon: f64) {
    let total: u64 = groups.iter().map(|g| u64::from(g.headcount.max())).sum();
    if total > MAX_AGENTS_TOTAL {
        ck.err(FieldPath::root().key("agents"), format!("{total} agents in all; at most {MAX_AGENTS_TOTAL}"));
    }
    for (c, ch) in channels.iter().enumerate() {
        let expected = ch.arrivals.expected(0.0, horizon);
        if expected <= 0.0 {
            continue;
        }
        let servers = servers_of(groups, c);
        let p = FieldPath::root().key("channel").at(c);
        if servers.is_empty() {
            ck.err(
                p.key("name"),
                format!("no agent group has `{}` in its skills, so its contacts can never be served", ch.name),
            );
        } else if servers.iter().all(|g| g.headcount.max() == 0) {
            ck.err(
                p.key("name"),
                format!(
                    "`{}` has arrivals but every group serving it ({}) has zero agents",
                    ch.name,
                    servers.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            );
        } else if let Some((peak, at)) = fluid_backlog_peak(ch, &servers, horizon) {
            let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
            let peak_rate = ch.arrivals.max_rate();
            ck.err(
                p.key("arrivals"),
                format!(
                    "`{}` would queue about {} contacts at once (by {}: up to {} an hour at a mean handle time of {} for at most {} agent(s)); the simulator holds at most {MAX_CONTACTS_IN_SYSTEM} (about 1 GB) — add agents or patience, or lower the volume",
                    ch.name,
                    format_number(peak.round()),
                    format_duration(at),
                    format_number((peak_rate * 3600.0).round()),
                    format_duration(aht),
                    servers.iter().map(|g| g.headcount.max()).sum::<u32>(),
                ),
            );
        }
    }
}

/// The peak of a fluid approximation of a channel's backlog over the horizon, and when,
/// if it exceeds [`MAX_CONTACTS_IN_SYSTEM`]: arrivals at the channel's rate, service at the
/// full capacity of every group serving it (scheduled headcount × concurrency / mean handle
/// time, as if it served nothing else: an optimistic capacity, so no plan that fits is
/// refused), and abandonment at backlog / mean patience. Evaluated exactly per step of
/// the rate and the headcounts.
fn fluid_backlog_peak(ch: &Channel, servers: &[&AgentGroup], horizon: f64) -> Option<(f64, f64)> {
    let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
    // Chat agents holding several chats may handle each faster or slower: the capacity
    // takes the fastest factor, so that it stays optimistic.
    let fastest = ch.stretch.iter().copied().fold(1.0, f64::min);
    let mut cuts: Vec<f64> = ch.arrivals.segments().map(|s| s.0).collect();
    for g in servers {
        cuts.extend(g.headcount.steps.iter().map(|s| s.0));
    }
    cuts.push(horizon);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    // One fluid queue per contact type, each with its share of the arrivals, its own
    // patience and all of the capacity (optimistic again); the backlog is their sum.
    let mut q = vec![0.0f64; ch.types.len()];
    let (mut peak, mut when) = (0.0f64, 0.0);
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if b <= a || a >= horizon {
            continue;
        }
        let lambda = ch.arrivals.rate_at(a);
        let capacity: f64 = servers
            .iter()
            .map(|g| f64::from(g.headcount.at(a)) * f64::from(g.concurrency) * (1.0 - g.shrinkage))
            .sum::<f64>()
            / (aht * fastest).max(1e-9);
        let len = b - a;
        for (qt, t) in q.iter_mut().zip(&ch.types) {
            let net = lambda * t.share - capacity;
            let patience = t.patience.as_ref().map_or(f64::INFINITY, |d| d.mean());
            *qt = if patience.is_finite() {
                // dq/dt = net − q / patience, with q ≥ 0.
                let eq = (net * patience).max(0.0);
                eq + (*qt - eq) * (-len / patience).p_exp()
            } else {
                (*qt + net * len).max(0.0)
            };
        }
        let total: f64 = q.iter().sum();
        if total > peak {
            (peak, when) = (total, b);
        }
    }
    (peak > MAX_CONTACTS_IN_SYSTEM as f64).then_some((peak, when))
}

/// Plans that are legal but almost certainly mistakes, each at the field to look at
/// (`raw`: the channels as written, to point at their `open` or `arrivals`).
pub(crate) fn plan_warnings(
    raw: &[RawChannel],
    channels: &[Channel],
    groups: &[AgentGroup],
    ctx: &Ctx,
    warmup: f64,
) -> Errors {
    let mut w = Check::default();
    let root = FieldPath::root();
    if channels.iter().all(|c| c.arrivals.expected(0.0, ctx.horizon) <= 0.0) {
        w.err(
            root.key("channel"),
            "no channel receives any contact: every volume is zero, so there is nothing to simulate",
        );
    }
    for (c, ch) in channels.iter().enumerate() {
        let p = root.key("channel").at(c);
        let at = if raw[c].open.is_some() { p.key("open") } else { p.key("arrivals") };
        unstaffed(&mut w, ctx, at, ch, &servers_of(groups, c));
        target_warnings(&mut w, &p, ch);
    }
    return_reach(&mut w, channels, ctx, warmup);
    for (g, grp) in groups.iter().enumerate() {
        if grp.shrinkage >= 0.6 {
            w.err(
                root.key("agents").at(g).key("shrinkage"),
                format!(
                    "is {}: only {} % of scheduled time is left for contacts (typical shrinkage is 0.2 to 0.4)",
                    format_number(grp.shrinkage),
                    format_number((100.0 * (1.0 - grp.shrinkage) * 10.0).round() / 10.0)
                ),
            );
        }
    }
    w.errors
}

/// Returns that take long against the horizon: the first counted days miss the returns of
/// issues opened before the run began unless the warm-up lasts a few return delays, and the
/// last days miss those due after the horizon unless many delays are counted. A warning at
/// `horizon` (or `warmup`) naming the slowest return.
fn return_reach(w: &mut Check, channels: &[Channel], ctx: &Ctx, warmup: f64) {
    let slowest = channels
        .iter()
        .flat_map(|c| c.types.iter().map(move |t| (c, t)))
        .filter(|(_, t)| t.resolution.fcr < 1.0 || t.assistant.as_ref().is_some_and(|a| a.recontact > 0.0))
        .filter_map(|(c, t)| t.resolution.returns.as_ref().map(|r| (c, t, r.after.mean())))
        .fold(None, |best: Option<(&Channel, _, f64)>, x| if best.is_none_or(|b| x.2 > b.2) { Some(x) } else { best });
    let Some((c, t, delay)) = slowest else { return };
    let who = if c.types.len() > 1 { format!("`{}/{}`", c.name, t.name) } else { format!("`{}`", c.name) };
    let counted = ctx.horizon - warmup;
    let root = FieldPath::root();
    if warmup < 3.0 * delay {
        w.err(
            root.key("warmup"),
            format!(
                "is {}, but unresolved customers of {who} come back after {} on average: the first counted days lack the returns of issues opened before the run, so repeat load is too low there; use a warm-up of at least {} (three return delays)",
                format_duration(warmup),
                format_duration(delay),
                format_duration(3.0 * delay)
            ),
        );
    } else if counted < 5.0 * delay {
        w.err(
            root.key("horizon"),
            format!(
                "counts {} after the warm-up, but unresolved customers of {who} come back after {} on average: returns due after the horizon are never offered, so the last days carry too little repeat load; count at least {} (five return delays)",
                format_duration(counted),
                format_duration(delay),
                format_duration(5.0 * delay)
            ),
        );
    }
}

/// Contacts that arrive while no group serving their channel is scheduled: a warning at
/// `at` (the channel's `open` or `arrivals`).
fn unstaffed(w: &mut Check, ctx: &Ctx, at: FieldPath, ch: &Channel, servers: &[&AgentGroup]) {
    let horizon = ctx.horizon;
    let staffed = |a: f64, b: f64| servers.iter().any(|g| g.headcount.agent_seconds(a, b) > 0.0);
    if !ch.kind.is_live() {
        if ch.arrivals.expected(0.0, horizon) > 0.0 && !ch.open.iter().any(|&(a, b)| staffed(a, b)) {
            w.err(
                at,
                format!("`{}` receives contacts but no group serving it is scheduled while it is open: its work is never done", ch.name),
            );
        }
        return;
    }
    // Per interval in one pass each: expected arrivals and scheduled agent time.
    let n = ctx.n_intervals;
    let expected_in = crate::base::steps::per_interval(ch.arrivals.segments(), n, ctx.interval, horizon);
    let mut staffed_in = vec![0.0; n];
    for g in servers {
        let ends = g.headcount.steps.iter().skip(1).map(|x| x.0).chain(std::iter::once(horizon));
        let segs = g.headcount.steps.iter().zip(ends).map(|(&(s, k), e)| (s, e, f64::from(k)));
        for (x, y) in staffed_in.iter_mut().zip(crate::base::steps::per_interval(segs, n, ctx.interval, horizon)) {
            *x += y;
        }
    }
    // Intervals with arrivals while nobody who could answer them is scheduled.
    let (mut count, mut contacts, mut first) = (0usize, 0.0, None);
    for i in 0..n {
        let expected = expected_in[i];
        if expected > 0.0 && staffed_in[i] <= 0.0 {
            count += 1;
            contacts += expected;
            first.get_or_insert(i as f64 * ctx.interval);
        }
    }
    if let Some(first) = first {
        w.err(
            at,
            format!(
                "`{}` receives about {} contacts in {count} interval(s) when no group serving it is scheduled (the first at {}); they can only wait or abandon — check the shifts against the opening hours",
                ch.name,
                format_number(contacts.round()),
                ctx.when(first)
            ),
        );
    }
}

/// A channel's target that counts almost nothing: a 0 s threshold, or a short-abandon
/// threshold not below it.
fn target_warnings(w: &mut Check, p: &FieldPath, ch: &Channel) {
    if ch.target.within == 0.0 {
        w.err(
            p.key("service_level").key("within"),
            "is 0 s: only contacts answered at once count as within the target; did you mean a threshold such as \"20s\"?",
        );
    }
    if ch.short_abandon > 0.0 && ch.short_abandon >= ch.target.within {
        w.err(
            p.key("service_level").key("short_abandon"),
            format!(
                "({}) is not below `within` ({}): every contact abandoning before the threshold leaves the service level, so abandoning hides misses",
                format_duration(ch.short_abandon),
                format_duration(ch.target.within)
            ),
        );
    }
}

/// Events that add volume while a live channel they affect is closed: nothing arrives then,
/// so the contacts an event adds there are lost, and a volume factor above 1 raises
/// nothing. Warned, at the window's end (`to` or `end`), with the contacts lost: for a
/// window of the clock (`from`/`to`) that runs past closing or falls on a closed day, and
/// for a range of the horizon (`start`/`end`) whose added contacts fall partly in closed
/// hours or that lies wholly in them. An event that only changes handle times warns
/// nothing (no contact is lost).
pub(crate) fn closed_event_warnings(raw: &[RawEvent], events: &[DemandEvent], channels: &[Channel]) -> Errors {
    let mut w = Check::default();
    for (i, (re, e)) in raw.iter().zip(events).enumerate() {
        let clock = re.to.is_some();
        let at = FieldPath::root().key("event").at(i).key(if clock { "to" } else { "end" });
        let length: f64 = e.windows.iter().map(|(a, b)| b - a).sum();
        for &c in &e.channels {
            let ch = &channels[c];
            if !ch.kind.is_live() {
                continue;
            }
            let (mut closed, mut lost) = (0.0, 0.0);
            for &(a, b) in &e.windows {
                let shut = (b - a) - open_seconds(&ch.open, a, b);
                closed += shut;
                lost += e.add * shut / (b - a);
            }
            let raises = e.volume > 1.0 && (clock || closed >= length - 1e-9);
            if closed <= 1e-9 || !(lost > 0.0 || raises) {
                continue;
            }
            let mut effect = Vec::new();
            if lost > 0.0 {
                effect.push(format!(
                    "about {} of the {} contacts it adds are lost",
                    format_number(lost.round()),
                    format_number((e.add * e.windows.len() as f64).round())
                ));
            }
            if raises {
                effect.push(format!("its volume × {} applies only while open", format_number(e.volume)));
            }
            w.err(
                at.clone(),
                format!(
                    "`{}` is closed for {} of this event's {} ({} % of its time: after closing or on closed days) and nothing arrives then: {}; move the window inside the opening hours if that is not meant",
                    ch.name,
                    format_duration(closed),
                    if e.windows.len() == 1 { "window".to_string() } else { format!("{} windows", e.windows.len()) },
                    format_number((closed / length * 1000.0).round() / 10.0),
                    effect.join(", and "),
                ),
            );
        }
    }
    w.errors
}
