//! Waiting-time announcements (`[channel.announce]`, `docs/model.md` §16): what a live
//! channel tells waiting customers about their wait, and how they react
//! (`[channel.reaction]`).

use super::check::{Check, at_most_a_day};
use super::contact_type::ContactType;
use super::kind::ChannelKind;
use super::locate::FieldPath;
use crate::base::dist::Dist;
use crate::base::portable::Portable;
use crate::base::time::{DAY, Seconds, format_duration, format_number};
use serde::Deserialize;

/// A live channel's waiting-time announcements (`[channel.announce]`, `docs/model.md` §16):
/// the predictor, when and how a prediction is told, and the customers' reaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Announce {
    /// How the wait is predicted.
    pub predictor: Predictor,
    /// Repeat the announcement every this many seconds while the contact waits.
    pub update: Option<f64>,
    /// Tell only predictions of at least this many seconds.
    pub threshold: f64,
    /// Point or range, and its rounding.
    pub format: AnnounceFormat,
    /// Padding: the told wait starts from prediction × `pad_factor` + `pad_add` (s).
    pub pad_factor: f64,
    /// Seconds added to the prediction (after `pad_factor`).
    pub pad_add: f64,
    /// How the channel's customers react (`[channel.reaction]`; none by default).
    pub reaction: Reaction,
}

/// How a channel's customers react to what they are told (`[channel.reaction]`). The
/// default is no reaction at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    /// Balking on the arrival announcement (`None`: nobody balks).
    pub balk: Option<Balk>,
    /// Customers who stay wait at least this share of the wait they heard.
    pub stay_share: f64,
    /// Once a promise is broken, the patience left is multiplied by this (< 1: angrier).
    pub broken_promise: f64,
}

impl Default for Reaction {
    fn default() -> Self {
        Reaction { balk: None, stay_share: 0.0, broken_promise: 1.0 }
    }
}

/// A waiting-time predictor, computed when an announcement is made from what the ACD
/// knows then (`docs/model.md` §16.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predictor {
    /// Nothing is predicted, so nothing is told (a baseline for comparisons).
    None,
    /// (k + 1) / (n·μ): k contacts ahead, n agents serving the queue at rate μ each.
    QueueLength,
    /// Σ_{i=0..k} 1 / (n·μ + i·θ): queue length with exponential abandonment at rate θ.
    QueueLengthAbandon,
    /// The wait of the last contact of the channel to start service.
    LastToEnterService,
    /// The elapsed wait of the contact at the head of the contact's queue.
    HeadOfLine,
    /// The mean wait of the channel's last N answered contacts.
    MovingAverage(u32),
}

impl Predictor {
    /// Every predictor's name in files.
    pub const ALLOWED: &'static str = "\"none\", \"queue_length\", \"queue_length_abandon\", \"last_to_enter_service\", \"head_of_line\" or \"moving_average\"";

    /// The predictor's name in files and output.
    pub fn name(self) -> &'static str {
        match self {
            Predictor::None => "none",
            Predictor::QueueLength => "queue_length",
            Predictor::QueueLengthAbandon => "queue_length_abandon",
            Predictor::LastToEnterService => "last_to_enter_service",
            Predictor::HeadOfLine => "head_of_line",
            Predictor::MovingAverage(_) => "moving_average",
        }
    }
}

/// How a prediction p (after padding) is told.
#[derive(Debug, Clone, PartialEq)]
pub enum AnnounceFormat {
    /// One value: p rounded up to a multiple of `step` (s; 0: not rounded).
    Point {
        /// Rounding step (s).
        step: f64,
    },
    /// From p × `low` rounded down to p × `high` rounded up, to multiples of `step`.
    Range {
        /// Factor of the lower end.
        low: f64,
        /// Factor of the upper end (≥ `low`).
        high: f64,
        /// Rounding step (s; 0: not rounded).
        step: f64,
    },
    /// Fixed buckets: bounds b₁ < b₂ < … (s) give "0 to b₁", "b₁ to b₂", …, "more than bₙ".
    Buckets(Vec<f64>),
}

/// The share of customers who hang up at once on hearing a wait of w seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Balk {
    /// `share` / (1 + exp(−(w − `half`) / `spread`)).
    Logistic {
        /// The wait at which half of `share` balk (s).
        half: f64,
        /// How fast balking rises around `half` (s, > 0).
        spread: f64,
        /// The largest share that balks, in [0, 1].
        share: f64,
    },
    /// `share` of those told more than `above` seconds; nobody else.
    Step {
        /// Told waits above this balk (s).
        above: f64,
        /// The share of them that balks, in [0, 1].
        share: f64,
    },
}

impl Balk {
    /// The probability of balking on hearing a wait of `w` s.
    pub fn probability(&self, w: f64) -> f64 {
        match *self {
            Balk::Logistic { half, spread, share } => share / (1.0 + (-(w - half) / spread).p_exp()),
            Balk::Step { above, share } => {
                if w > above {
                    share
                } else {
                    0.0
                }
            }
        }
    }
}

/// What one announcement tells: the wait heard, and the range it promises (s from the
/// announcement).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Told {
    /// The wait the customer hears: the point, the middle of a range, or the lower bound
    /// of an open-ended bucket.
    pub heard: f64,
    /// The lower end (the point itself for a point).
    pub low: f64,
    /// The upper end: the promise (∞ for "more than bₙ").
    pub high: f64,
}

impl Announce {
    /// What is told for a prediction of `p` s, or `None` when it is below the threshold.
    pub fn tell(&self, p: f64) -> Option<Told> {
        if p.is_nan() || p < self.threshold {
            return None;
        }
        let x = p * self.pad_factor + self.pad_add;
        let up = |v: f64, step: f64| if step > 0.0 { (v / step).ceil() * step } else { v };
        let down = |v: f64, step: f64| if step > 0.0 { (v / step).floor() * step } else { v };
        Some(match &self.format {
            AnnounceFormat::Point { step } => {
                let v = up(x, *step);
                Told { heard: v, low: v, high: v }
            }
            AnnounceFormat::Range { low, high, step } => {
                let (l, h) = (down(x * low, *step), up(x * high, *step));
                Told { heard: 0.5 * (l + h), low: l, high: h }
            }
            AnnounceFormat::Buckets(b) => {
                let j = b.partition_point(|&bound| bound <= x);
                let low = if j == 0 { 0.0 } else { b[j - 1] };
                match b.get(j) {
                    Some(&high) => Told { heard: 0.5 * (low + high), low, high },
                    None => Told { heard: low, low, high: f64::INFINITY },
                }
            }
        })
    }

    /// The policy and the customers' reaction in words, for reports: `queue_length; point,
    /// rounded up to 1m; from 1m; balk logistic (half 5m, spread 1m, up to 50 %); stay 50 %
    /// of the wait heard; patience × 0.5 once a promise is broken`.
    pub fn describe(&self) -> String {
        use crate::base::time::{format_duration as d, format_number as n};
        let mut parts = vec![self.predictor.name().to_string()];
        if let Predictor::MovingAverage(w) = self.predictor {
            parts[0] = format!("moving_average of {w}");
        }
        let step = |s: f64| if s > 0.0 { format!(", rounded to {}", d(s)) } else { String::new() };
        parts.push(match &self.format {
            AnnounceFormat::Point { step: s } if *s > 0.0 => format!("point, rounded up to {}", d(*s)),
            AnnounceFormat::Point { .. } => "point".to_string(),
            AnnounceFormat::Range { low, high, step: s } => {
                format!("range × {} to × {}{}", n(*low), n(*high), step(*s))
            }
            AnnounceFormat::Buckets(b) => format!("buckets {}", b.iter().map(|x| d(*x)).collect::<Vec<_>>().join(", ")),
        });
        match (self.pad_factor != 1.0, self.pad_add > 0.0) {
            (true, true) => parts.push(format!("padded × {} + {}", n(self.pad_factor), d(self.pad_add))),
            (true, false) => parts.push(format!("padded × {}", n(self.pad_factor))),
            (false, true) => parts.push(format!("padded + {}", d(self.pad_add))),
            (false, false) => {}
        }
        if self.threshold > 0.0 {
            parts.push(format!("from {}", d(self.threshold)));
        }
        if let Some(u) = self.update {
            parts.push(format!("updated every {}", d(u)));
        }
        let r = &self.reaction;
        match r.balk {
            Some(Balk::Logistic { half, spread, share }) => parts.push(format!(
                "balk logistic (half {}, spread {}, up to {} %)",
                d(half),
                d(spread),
                n(100.0 * share)
            )),
            Some(Balk::Step { above, share }) => parts.push(format!("balk {} % above {}", n(100.0 * share), d(above))),
            None => {}
        }
        if r.stay_share > 0.0 {
            parts.push(format!("stay {} % of the wait heard", n(100.0 * r.stay_share)));
        }
        if r.broken_promise != 1.0 {
            parts.push(format!("patience × {} once a promise is broken", n(r.broken_promise)));
        }
        parts.join("; ")
    }

    /// Whether a told value is a range (range coverage is reported for these).
    pub fn is_range(&self) -> bool {
        !matches!(self.format, AnnounceFormat::Point { .. })
    }
}

/// `[channel.announce]`: waiting-time announcements and the customers' reaction.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnnounce {
    pub predictor: Option<String>,
    pub window: Option<i64>,
    pub update: Option<Seconds>,
    pub threshold: Option<Seconds>,
    pub format: Option<String>,
    pub step: Option<Seconds>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub buckets: Option<Vec<Seconds>>,
    pub pad: Option<f64>,
    pub pad_add: Option<Seconds>,
}

/// `[channel.reaction]`: how the channel's customers react to what they are told.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReaction {
    pub balk: Option<RawBalk>,
    pub stay_share: Option<f64>,
    pub broken_promise: Option<f64>,
}

/// A balking curve: `curve = "logistic"` with `half` and `spread`, or `curve = "step"`
/// with `above`; `share` for both.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBalk {
    pub curve: Option<String>,
    pub half: Option<Seconds>,
    pub spread: Option<Seconds>,
    pub above: Option<Seconds>,
    pub share: Option<f64>,
}
/// Shortest announcement update period (s): a repeated message shorter than this is not
/// something a caller can hear.
const MIN_UPDATE_S: f64 = 10.0;
/// Largest moving-average window.
const MAX_WINDOW: i64 = 10_000;
/// Most buckets of a bucketed announcement.
const MAX_BUCKETS: usize = 100;

/// What a channel written at `p` tells waiting customers: its `[channel.announce]` with the
/// `[channel.reaction]` to it (`None`: no announcements, or a problem). `kind` is the
/// channel's checked kind (`None` when it has a problem); `types` its checked types.
pub(crate) fn channel_announce(
    ck: &mut Check,
    p: &FieldPath,
    raw: (Option<&RawAnnounce>, Option<&RawReaction>, Option<bool>),
    kind: Option<ChannelKind>,
    types: &[ContactType],
) -> Option<Announce> {
    let (ra, rr, preemptive) = raw;
    let announce = ra.and_then(|a| announce(ck, &p.key("announce"), a, kind?, types));
    let reaction = rr.and_then(|r| reaction(ck, &p.key("reaction"), r));
    if rr.is_some() && ra.is_none() {
        ck.err(
            p.key("reaction"),
            "has no effect without [channel.announce]: nobody is told a wait; to compare with telling nothing, keep the reaction and set announce = { predictor = \"none\" }",
        );
    }
    if preemptive == Some(true) && ra.is_some() {
        ck.err(
            p.key("preemptive"),
            "cannot be combined with [channel.announce] yet: the waiting-time predictors do not model preemption",
        );
    }
    announce.map(|a| Announce { reaction: reaction.unwrap_or_default(), ..a })
}

/// Checks `[channel.announce]` of a channel of `kind` with checked `types`.
fn announce(
    ck: &mut Check,
    p: &FieldPath,
    ra: &RawAnnounce,
    kind: ChannelKind,
    types: &[ContactType],
) -> Option<Announce> {
    let before = ck.count();
    if !kind.is_live() {
        ck.err(
            p.clone(),
            format!("{} contacts do not wait on line, so there is nobody to tell a wait; announcements are for voice and chat", kind.name()),
        );
        return None;
    }
    let predictor = predictor(ck, p, ra, types)?;
    let update = ra.update.map(|u| u.0);
    if let Some(u) = update
        && u < MIN_UPDATE_S
    {
        ck.err(
            p.key("update"),
            format!("must be at least {MIN_UPDATE_S} s (a message repeated more often cannot be heard), got {}; leave it out for no updates", format_duration(u)),
        );
    }
    // Announced waits are minutes, not days: a duration above a day is a typing error (and
    // would hold callers on line for days through the patience floor).
    at_most_a_day(
        ck,
        p,
        &[("threshold", ra.threshold), ("step", ra.step), ("pad_add", ra.pad_add), ("update", ra.update)],
    );
    if let Some(j) = ra.buckets.as_ref().and_then(|b| b.iter().position(|x| x.0 > DAY)) {
        ck.err(p.key("buckets").at(j), "bounds must be at most a day");
    }
    let format = announce_format(ck, p, ra);
    let pad_factor = ra.pad.unwrap_or(1.0);
    if !(pad_factor.is_finite() && pad_factor > 0.0 && pad_factor <= 100.0) {
        ck.err(
            p.key("pad"),
            format!(
                "must be a factor above 0 and at most 100 (1.2 tells 20 % more than predicted), got {}",
                format_number(pad_factor)
            ),
        );
    }
    (ck.count() == before).then(|| Announce {
        predictor,
        update,
        threshold: ra.threshold.map_or(0.0, |t| t.0),
        format,
        pad_factor,
        pad_add: ra.pad_add.map_or(0.0, |s| s.0),
        reaction: Reaction::default(),
    })
}

/// The predictor of `[channel.announce]` at `p` (with its window), checked against the
/// channel's types.
fn predictor(ck: &mut Check, p: &FieldPath, ra: &RawAnnounce, types: &[ContactType]) -> Option<Predictor> {
    let name = ck.required(p, "predictor", &ra.predictor, &format!("predictor = {}", Predictor::ALLOWED))?;
    let predictor = match name.as_str() {
        "none" => Predictor::None,
        "queue_length" => Predictor::QueueLength,
        "queue_length_abandon" => Predictor::QueueLengthAbandon,
        "last_to_enter_service" => Predictor::LastToEnterService,
        "head_of_line" => Predictor::HeadOfLine,
        "moving_average" => match ra.window {
            None => Predictor::MovingAverage(20),
            Some(n) if (1..=MAX_WINDOW).contains(&n) => Predictor::MovingAverage(n as u32),
            Some(n) => {
                ck.err(
                    p.key("window"),
                    format!("must be a number of answered contacts from 1 to {MAX_WINDOW}, got {n}"),
                );
                Predictor::None
            }
        },
        other => {
            ck.err(p.key("predictor"), format!("`{other}` is not a predictor; use {}", Predictor::ALLOWED));
            Predictor::None
        }
    };
    if ra.window.is_some() && name != "moving_average" {
        ck.err(
            p.key("window"),
            format!("is the window of predictor = \"moving_average\"; predictor = \"{name}\" has none"),
        );
    }
    if predictor == Predictor::QueueLengthAbandon
        && let Some(t) = types.iter().find(|t| !t.patience.as_ref().is_some_and(Dist::is_exponential))
    {
        ck.err(
            p.key("predictor"),
            format!(
                "queue_length_abandon assumes exponential patience, but {} {}; give patience = {{ dist = \"exponential\", mean = \"3m\" }} or use queue_length",
                if types.len() == 1 { "the channel's patience".to_string() } else { format!("type `{}`'s patience", t.name) },
                if t.patience.is_some() { "is not exponential" } else { "is missing (its contacts never abandon)" }
            ),
        );
    }
    Some(predictor)
}

/// The format of `[channel.announce]` at `p`: point, range or buckets, each refusing the
/// fields of the others.
fn announce_format(ck: &mut Check, p: &FieldPath, ra: &RawAnnounce) -> AnnounceFormat {
    let step = ra.step.map_or(0.0, |s| s.0);
    let format_name = ra.format.as_deref().unwrap_or("point");
    let misplaced = |ck: &mut Check, key: &str, present: bool, belongs: &str| {
        if present {
            ck.err(p.key(key), format!("belongs to format = \"{belongs}\", not format = \"{format_name}\""));
        }
    };
    match format_name {
        "point" => {
            misplaced(ck, "low", ra.low.is_some(), "range");
            misplaced(ck, "high", ra.high.is_some(), "range");
            misplaced(ck, "buckets", ra.buckets.is_some(), "buckets");
            AnnounceFormat::Point { step }
        }
        "range" => {
            misplaced(ck, "buckets", ra.buckets.is_some(), "buckets");
            range(ck, p, ra, step)
        }
        "buckets" => {
            misplaced(ck, "low", ra.low.is_some(), "range");
            misplaced(ck, "high", ra.high.is_some(), "range");
            if ra.step.is_some() {
                ck.err(p.key("step"), "buckets are not rounded; remove step");
            }
            AnnounceFormat::Buckets(buckets(ck, p, ra))
        }
        other => {
            ck.err(
                p.key("format"),
                format!("`{other}` is not an announcement format; use \"point\", \"range\" or \"buckets\""),
            );
            AnnounceFormat::Point { step }
        }
    }
}

/// `format = "range"`: the factors of its lower and upper ends.
fn range(ck: &mut Check, p: &FieldPath, ra: &RawAnnounce, step: f64) -> AnnounceFormat {
    let low = ra.low.unwrap_or(1.0);
    let high =
        ck.required(p, "high", &ra.high, "high = 2.0, the factor of the range's upper end").copied().unwrap_or(low);
    for (key, v) in [("low", low), ("high", high)] {
        if !(v.is_finite() && (0.0..=100.0).contains(&v)) {
            ck.err(p.key(key), format!("must be a factor of the prediction from 0 to 100, got {}", format_number(v)));
        }
    }
    if high <= 0.0 {
        ck.err(p.key("high"), "must be above 0: a range up to 0 s tells every caller \"no wait\"");
    }
    if low > high {
        ck.err(
            p.key("low"),
            format!(
                "is {} but high is {}: the range's lower end must not exceed its upper end",
                format_number(low),
                format_number(high)
            ),
        );
    }
    AnnounceFormat::Range { low, high, step }
}

/// `format = "buckets"`: the bounds of the ranges told (s), above 0 and increasing.
fn buckets(ck: &mut Check, p: &FieldPath, ra: &RawAnnounce) -> Vec<f64> {
    let b: Vec<f64> = ck
        .required(p, "buckets", &ra.buckets, "buckets = [\"2m\", \"5m\", \"10m\"], the bounds of the ranges told")
        .map(|v| v.iter().map(|s| s.0).collect())
        .unwrap_or_default();
    if ra.buckets.is_some() && (b.is_empty() || b.len() > MAX_BUCKETS) {
        ck.err(p.key("buckets"), format!("needs 1 to {MAX_BUCKETS} bounds, got {}", b.len()));
    } else if let Some(j) = (0..b.len()).find(|&j| b[j] <= 0.0 || (j > 0 && b[j] <= b[j - 1])) {
        ck.err(
            p.key("buckets").at(j),
            format!(
                "bounds must be above 0 and increasing, but {} follows {}",
                format_duration(b[j]),
                if j == 0 { "0 s".into() } else { format_duration(b[j - 1]) }
            ),
        );
    }
    b
}

/// Checks `[channel.reaction]`.
fn reaction(ck: &mut Check, rp: &FieldPath, r: &RawReaction) -> Option<Reaction> {
    let before = ck.errors.len();
    let mut out = Reaction::default();
    if let Some(b) = &r.balk {
        out.balk = balk_curve(ck, &rp.key("balk"), b);
    }
    if let Some(x) = r.stay_share {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            out.stay_share = x;
        } else {
            ck.err(
                rp.key("stay_share"),
                format!("must be a share from 0 to 1 of the wait heard, got {}", format_number(x)),
            );
        }
    }
    if let Some(x) = r.broken_promise {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            out.broken_promise = x;
        } else {
            ck.err(
                rp.key("broken_promise"),
                format!(
                    "must be a factor from 0 to 1 of the patience left (0.5 halves it, 0 hangs up at once; a broken promise never makes a caller more patient), got {}",
                    format_number(x)
                ),
            );
        }
    }
    (ck.errors.len() == before).then_some(out)
}

/// A balking curve at `p`: logistic (half, spread) or step (above), with a share.
fn balk_curve(ck: &mut Check, p: &FieldPath, b: &RawBalk) -> Option<Balk> {
    let share = b.share.unwrap_or(1.0);
    if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
        ck.err(p.key("share"), format!("must be a share from 0 to 1, got {}", format_number(share)));
    }
    let curve =
        ck.required(p, "curve", &b.curve, "curve = \"logistic\" (with half and spread) or \"step\" (with above)")?;
    let unused = |ck: &mut Check, key: &str, present: bool| {
        if present {
            ck.err(p.key(key), format!("is not used by curve = \"{curve}\""));
        }
    };
    at_most_a_day(ck, p, &[("half", b.half), ("spread", b.spread), ("above", b.above)]);
    match curve.as_str() {
        "logistic" => {
            unused(ck, "above", b.above.is_some());
            let half = ck.required(p, "half", &b.half, "half = \"10m\", the wait heard at which half balk")?.0;
            let spread = ck.required(p, "spread", &b.spread, "spread = \"2m\", how fast balking rises around half")?.0;
            if spread <= 0.0 {
                ck.err(p.key("spread"), "must be above 0 s (a sudden jump is curve = \"step\")");
            }
            Some(Balk::Logistic { half, spread, share })
        }
        "step" => {
            unused(ck, "half", b.half.is_some());
            unused(ck, "spread", b.spread.is_some());
            let above = ck.required(p, "above", &b.above, "above = \"10m\": customers told more than this balk")?.0;
            Some(Balk::Step { above, share })
        }
        other => {
            ck.err(p.key("curve"), format!("`{other}` is not a balking curve; use \"logistic\" or \"step\""));
            None
        }
    }
}
