//! Waiting-time announcements inside a replication: what each announcing channel's
//! predictors remember, what a waiting contact was told, and the predictors' formulas
//! (`docs/model.md` §16).
//!
//! The event loop asks for a prediction when a contact joins a queue (and at each update),
//! turns it into what is told with [`crate::scenario::Announce::tell`], and applies the
//! customer's reaction. Nothing here runs for a channel without announcements.

use super::streams::Stream;
use crate::scenario::Told;

/// What a waiting contact was told. Recorders receive it with the contact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Announcement {
    /// When the contact was first told a wait (s; NaN: never told).
    pub at: f64,
    /// What it was first told (the error metrics compare this with the wait from `at`).
    pub first: Told,
    /// When its latest promise runs out (s): the latest announcement's time + its upper
    /// end (∞ for an open-ended bucket or when never told).
    pub promise_at: f64,
    /// Contacts ahead of it (at its priority or above) when it was first told.
    pub ahead: u32,
}

impl Announcement {
    /// Not told anything (yet).
    pub const NONE: Announcement = Announcement {
        at: f64::NAN,
        first: Told { heard: 0.0, low: 0.0, high: 0.0 },
        promise_at: f64::INFINITY,
        ahead: 0,
    };

    /// Whether the contact was told a wait.
    #[inline]
    pub fn was_told(&self) -> bool {
        !self.at.is_nan()
    }

    /// The actual wait from the first announcement to `now` (s).
    #[inline]
    pub fn actual(&self, now: f64) -> f64 {
        now - self.at
    }
}

/// What one announcing channel's predictors remember during a replication.
pub(crate) struct ChannelAnnouncer {
    /// Balking uniforms, one per arrival (channels with a balking curve).
    pub balk: Option<Stream>,
    /// The wait of the last contact to start service (s; NaN: none yet).
    pub last_wait: f64,
    /// The waits of the last answered contacts, a ring of the moving average's window.
    recent: Vec<f64>,
    next: usize,
    filled: usize,
}

impl ChannelAnnouncer {
    /// A fresh announcer; `window` is the moving average's (0 for other predictors).
    pub fn new(balk: Option<Stream>, window: usize) -> ChannelAnnouncer {
        ChannelAnnouncer { balk, last_wait: f64::NAN, recent: vec![0.0; window], next: 0, filled: 0 }
    }

    /// A contact of the channel started service after waiting `wait` s. O(1).
    #[inline]
    pub fn answered(&mut self, wait: f64) {
        self.last_wait = wait;
        if !self.recent.is_empty() {
            self.recent[self.next] = wait;
            self.next = (self.next + 1) % self.recent.len();
            self.filled = (self.filled + 1).min(self.recent.len());
        }
    }

    /// The mean wait of the last answered contacts, up to the window (`None` before the
    /// first). O(window), summed afresh so that it carries no rounding drift.
    pub fn moving_average(&self) -> Option<f64> {
        (self.filled > 0).then(|| self.recent[..self.filled].iter().sum::<f64>() / self.filled as f64)
    }
}

/// The queue-length predictor: (k + 1) / rate, for `k` contacts ahead and a total service
/// completion rate of `rate` per second (n agents × μ); `None` with no agent serving.
#[inline]
pub fn queue_length(k: u32, rate: f64) -> Option<f64> {
    (rate > 0.0).then(|| f64::from(k + 1) / rate)
}

/// The queue-length predictor with exponential abandonment at rate `theta` per waiting
/// contact: Σ_{i=0..k} 1 / (rate + i·θ), the mean time for the k contacts ahead to leave
/// (served or abandoned) and one service to complete. O(k).
pub fn queue_length_abandon(k: u32, rate: f64, theta: f64) -> Option<f64> {
    (rate > 0.0).then(|| (0..=k).map(|i| 1.0 / (rate + f64::from(i) * theta)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predictors_reduce_to_each_other() {
        // Without abandonment QL_m is QL; with it, the expected wait is shorter.
        assert_eq!(queue_length(4, 0.5), Some(10.0));
        let plain = queue_length_abandon(4, 0.5, 0.0).unwrap();
        assert!((plain - 10.0).abs() < 1e-12);
        let m = queue_length_abandon(4, 0.5, 0.1).unwrap();
        assert!((m - (2.0 + 1.0 / 0.6 + 1.0 / 0.7 + 1.0 / 0.8 + 1.0 / 0.9)).abs() < 1e-12);
        assert_eq!(queue_length(0, 0.0), None);
        let mut a = ChannelAnnouncer::new(None, 3);
        assert_eq!(a.moving_average(), None);
        for w in [1.0, 2.0, 3.0, 10.0] {
            a.answered(w);
        }
        assert_eq!(a.moving_average(), Some(5.0), "the last three");
        assert_eq!(a.last_wait, 10.0);
    }
}
