//! Arrival generation inside a replication: each channel's own non-homogeneous Poisson
//! process (exact inversion, [`crate::base::rates`]), the forecast-error factor that makes
//! it doubly stochastic, and the second process of the contacts events add, with the
//! thinning of its own arrivals inside events that lower volume (`docs/model.md` §14).
//!
//! Every contact draws its type, handle time and patience when it arrives, from streams of
//! its own channel (of its process: own or added by events), so that two scenarios
//! differing only in staffing or routing see the same customers. The loop asks for the
//! earliest next arrival ([`Arrivals::next`]) and takes it ([`Arrivals::take`]); nothing
//! here runs for features a channel does not use.

use super::Model;
use super::streams::{Purpose, Stream, stream, uniform};
use crate::base::rates::{ArrivalClock, RateFn};
use crate::base::time::{DAY, days_in};

/// A contact as its channel's process draws it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drawn {
    /// Its channel.
    pub channel: usize,
    /// Its type (index within the channel).
    pub ty: usize,
    /// Drawn handle time (s), × the events' handle-time factor.
    pub handle: f64,
    /// Drawn patience (s; ∞: never abandons).
    pub patience: f64,
}

/// A channel's arrival process and per-contact streams.
struct ChannelArrivals {
    clock: ArrivalClock,
    /// Time of the channel's next arrival, own or added by events (∞: none).
    next: f64,
    /// Time of the next arrival of its own process.
    own_next: f64,
    arrivals: Stream,
    types: Stream,
    handle: Stream,
    patience: Stream,
    /// This replication's arrival rate under forecast uncertainty (else the scenario's).
    rate: Option<RateFn>,
    /// The arrivals events add, and the thinning of its own (channels with events).
    events: Option<Box<EventArrivals>>,
    /// Neither forecast uncertainty nor events: the scenario's arrivals as they are.
    plain: bool,
}

/// A second arrival process for the contacts events add, with its own streams: its
/// contacts draw their type, handle time and patience from streams of their own, so that
/// the channel's own contacts draw exactly what they would without events.
struct EventArrivals {
    clock: ArrivalClock,
    next: f64,
    rate: RateFn,
    stream: Stream,
    thin: Stream,
    types: Stream,
    handle: Stream,
    patience: Stream,
}

/// Every channel's arrivals in one replication, and the earliest next one.
pub(crate) struct Arrivals {
    channels: Vec<ChannelArrivals>,
    /// The earliest next arrival over the channels (∞: none left).
    pub next: f64,
    /// Its channel (the lowest index on ties).
    pub next_channel: usize,
}

/// Draws a contact of channel `c`: its type (index within the channel), handle time (s)
/// and patience (s, ∞ without), in that order, each from its stream.
#[inline(always)]
fn draw_contact(m: &Model, c: usize, types: &mut Stream, handle: &mut Stream, patience: &mut Stream) -> Drawn {
    let spec = &m.scenario.channels[c];
    let ty = if spec.types.len() == 1 {
        0
    } else {
        let u = uniform(types);
        m.channels[c].type_cum.iter().position(|&x| u < x).unwrap_or(spec.types.len() - 1)
    };
    let ty_spec = &spec.types[ty];
    let h = ty_spec.handle_time.sample(handle);
    let p = match &ty_spec.patience {
        Some(d) => d.sample(patience),
        None => f64::INFINITY,
    };
    Drawn { channel: c, ty, handle: h, patience: p }
}

/// Makes the draws of an own arrival that an event thinned out (rare: only inside events
/// that lower volume), so the channel's later contacts draw what they would without events.
#[cold]
#[inline(never)]
fn thinned_out(m: &Model, c: usize, types: &mut Stream, handle: &mut Stream, patience: &mut Stream) {
    draw_contact(m, c, types, handle, patience);
}

/// The forecast-error multiplier of channel `c`'s arrival rate in replication `rep`, as a
/// step function (`None` without forecast uncertainty): per day a gamma variable of mean 1
/// and cv `day_cv`, times per interval one of cv `interval_cv`, drawn in that order from the
/// channel's [`Purpose::Forecast`] stream.
pub fn forecast_factor(m: &Model, rep: u64, c: usize) -> Option<RateFn> {
    let s = &m.scenario;
    let f = s.channels[c].forecast;
    if !f.is_uncertain() {
        return None;
    }
    let mut rng = stream(s.seed, rep, m.channels[c].salt, Purpose::Forecast);
    let mut gamma = |cv: f64| -> f64 {
        if cv > 0.0 { crate::base::portable::gamma(1.0 / (cv * cv), cv * cv, &mut rng) } else { 1.0 }
    };
    let days: Vec<f64> = (0..days_in(s.horizon)).map(|_| gamma(f.day_cv)).collect();
    let steps: Vec<(f64, f64)> = (0..s.n_intervals())
        .map(|i| {
            let t = i as f64 * s.interval;
            let day = days[((t / DAY) as usize).min(days.len() - 1)];
            (t, day * gamma(f.interval_cv))
        })
        .collect();
    Some(RateFn::from_steps(&steps, s.horizon))
}

impl Arrivals {
    /// Every channel's processes for replication `rep`, with their streams; nothing drawn.
    pub fn new(m: &Model, rep: u64) -> Arrivals {
        let s = &m.scenario;
        let channels = (0..s.channels.len())
            .map(|c| {
                let (spec, salt) = (&s.channels[c], m.channels[c].salt);
                let factor = forecast_factor(m, rep, c);
                let streams = |p| stream(s.seed, rep, salt, p);
                ChannelArrivals {
                    clock: ArrivalClock::new(),
                    next: f64::INFINITY,
                    own_next: f64::INFINITY,
                    arrivals: streams(Purpose::Arrivals),
                    types: streams(Purpose::Types),
                    handle: streams(Purpose::HandleTime),
                    patience: streams(Purpose::Patience),
                    plain: factor.is_none() && spec.overlay.is_none(),
                    rate: factor.as_ref().map(|f| spec.arrivals.times(f)),
                    events: spec.overlay.as_ref().map(|o| {
                        Box::new(EventArrivals {
                            clock: ArrivalClock::new(),
                            next: f64::INFINITY,
                            rate: factor.as_ref().map_or_else(|| o.extra.clone(), |f| o.extra.times(f)),
                            stream: streams(Purpose::EventArrivals),
                            thin: streams(Purpose::EventThinning),
                            types: streams(Purpose::EventTypes),
                            handle: streams(Purpose::EventHandleTime),
                            patience: streams(Purpose::EventPatience),
                        })
                    }),
                }
            })
            .collect();
        Arrivals { channels, next: f64::INFINITY, next_channel: 0 }
    }

    /// Draws the first arrival of every process.
    pub fn start(&mut self, m: &Model) {
        for c in 0..self.channels.len() {
            self.draw_next(m, c, false);
            if self.channels[c].events.is_some() {
                self.draw_next(m, c, true);
            }
        }
        self.refresh();
    }

    /// No more arrivals (the run stops).
    pub fn stop(&mut self) {
        self.next = f64::INFINITY;
    }

    /// Takes the earliest arrival (at [`Arrivals::next`] = `now`): its draws, then the
    /// next arrival of its process. The contact draws before the next arrival is drawn: a
    /// thinned-out arrival makes its draws when it is drawn, so the streams stay in
    /// arrival order.
    #[inline(always)]
    pub fn take(&mut self, m: &Model, now: f64) -> Drawn {
        let c = self.next_channel;
        let ch = &mut self.channels[c];
        // Which process this arrival came from (its own on a tie).
        let added = !ch.plain && ch.events.as_ref().is_some_and(|x| x.next < ch.own_next);
        let (types, handle, patience) = match &mut ch.events {
            Some(x) if added => (&mut x.types, &mut x.handle, &mut x.patience),
            _ => (&mut ch.types, &mut ch.handle, &mut ch.patience),
        };
        let mut drawn = draw_contact(m, c, types, handle, patience);
        if !ch.plain
            && let Some(o) = &m.scenario.channels[c].overlay
        {
            drawn.handle *= o.handle.rate_at(now);
        }
        self.draw_next(m, c, added);
        if self.channels.len() == 1 {
            self.next = self.channels[0].next;
        } else {
            self.refresh();
        }
        drawn
    }

    /// Draws the next arrival time of channel `c`'s own process, or with `added` of the
    /// process of contacts its events add (∞ when none is left before the horizon). Own
    /// arrivals in a window that lowers volume survive with the window's probability.
    #[inline(always)]
    fn draw_next(&mut self, m: &Model, c: usize, added: bool) {
        let spec = &m.scenario.channels[c];
        let ch = &mut self.channels[c];
        if ch.plain {
            ch.own_next = ch.clock.next(&spec.arrivals, &mut ch.arrivals).unwrap_or(f64::INFINITY);
            ch.next = ch.own_next;
            return;
        }
        if added {
            if let Some(x) = &mut ch.events {
                x.next = x.clock.next(&x.rate, &mut x.stream).unwrap_or(f64::INFINITY);
            }
        } else {
            let rate = ch.rate.as_ref().unwrap_or(&spec.arrivals);
            loop {
                ch.own_next = ch.clock.next(rate, &mut ch.arrivals).unwrap_or(f64::INFINITY);
                if let (Some(x), Some(o)) = (&mut ch.events, &spec.overlay)
                    && o.thins
                    && ch.own_next.is_finite()
                {
                    let keep = o.keep.rate_at(ch.own_next);
                    if keep < 1.0 && uniform(&mut x.thin) >= keep {
                        thinned_out(m, c, &mut ch.types, &mut ch.handle, &mut ch.patience);
                        continue;
                    }
                }
                break;
            }
        }
        ch.next = match &ch.events {
            Some(x) => ch.own_next.min(x.next),
            None => ch.own_next,
        };
    }

    /// The earliest next arrival over the channels (lowest index on ties).
    fn refresh(&mut self) {
        let mut best = f64::INFINITY;
        let mut who = 0;
        for (c, ch) in self.channels.iter().enumerate() {
            if ch.next < best {
                best = ch.next;
                who = c;
            }
        }
        self.next = best;
        self.next_channel = who;
    }
}
