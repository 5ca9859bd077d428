//! Agents and groups: who is on shift, idle, busy, in overtime, and how many chats each
//! holds.
//!
//! The workforce owns the agents' state and applies staffing changes (see
//! `docs/model.md`, "Staffing changes"); which contact an agent takes is decided by
//! [`super::routing`], and the loop in [`super::sim`] applies it. Agent-time measures go
//! to the [`Recorder`].

use super::Model;
use super::recorder::{AgentChange, Recorder};
use super::streams::{Purpose, Stream, stream, uniform};

/// A FIFO of agent ids in a ring whose size is a power of two (grows by doubling): the
/// idle queue, longest idle at the front. Every operation is O(1) and inlined.
#[derive(Debug, Default, Clone)]
pub(crate) struct IdleQueue {
    ring: Vec<u32>,
    head: usize,
    len: usize,
}

impl IdleQueue {
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The longest-idle agent.
    #[inline]
    pub fn front(&self) -> Option<&u32> {
        if self.len == 0 { None } else { self.ring.get(self.head) }
    }

    #[inline]
    pub fn pop_front(&mut self) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let a = self.ring[self.head];
        self.head = (self.head + 1) & (self.ring.len() - 1);
        self.len -= 1;
        Some(a)
    }

    /// The most recently idle agent.
    #[inline]
    pub fn pop_back(&mut self) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        Some(self.ring[(self.head + self.len) & (self.ring.len() - 1)])
    }

    #[inline(always)]
    pub fn push_back(&mut self, a: u32) {
        if self.len == self.ring.len() {
            self.grow();
        }
        let at = (self.head + self.len) & (self.ring.len() - 1);
        self.ring[at] = a;
        self.len += 1;
    }

    #[cold]
    fn grow(&mut self) {
        let mut ring = Vec::with_capacity((self.ring.len() * 2).max(8));
        for i in 0..self.len {
            ring.push(self.ring[(self.head + i) & (self.ring.len().max(1) - 1)]);
        }
        ring.resize(ring.capacity().next_power_of_two(), 0);
        self.ring = ring;
        self.head = 0;
    }
}

/// One agent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Agent {
    pub group: u32,
    /// Contacts in hand.
    pub held: u16,
    /// Channel of the contact picked up when it was free (busy-time attribution, and the
    /// only channel a chat agent holding chats takes more of).
    pub channel: u16,
    /// Present (on shift or finishing in overtime).
    pub present: bool,
    /// Cut from the schedule: finishes what it holds, then leaves.
    pub leaving: bool,
    /// When it last became idle (s).
    pub idle_since: f64,
    pub shift_start: f64,
    /// Chat load bucket it sits in (0: none) and its position there.
    bucket: u16,
    bucket_pos: u32,
    leave_pos: u32,
    /// Position in the group's list of interruptible deferred work.
    defer_pos: Option<u32>,
}

/// One agent group's people.
#[derive(Default)]
pub(crate) struct Group {
    /// Agents holding nothing, longest idle at the front.
    pub idle: IdleQueue,
    /// Chat agents by number of chats held (index = held, 1 ≤ held < concurrency).
    pub partial: Vec<Vec<u32>>,
    /// Agents off shift, reused before new ones are created.
    off: Vec<u32>,
    /// Agents in overtime.
    pub leaving: Vec<u32>,
    /// (agent, contact slot, since when the agent has it, s) of agents working on deferred
    /// contacts that a live contact may interrupt (groups with `interrupt_deferred` only).
    pub deferred_work: Vec<(u32, u32, f64)>,
    pub interrupt_deferred: bool,
    /// Every agent the group has had.
    members: Vec<u32>,
    /// Agents on shift (idle or busy, not leaving).
    pub on_shift: u32,
    pub concurrency: u16,
    rng: Option<Stream>,
    shrinkage: f64,
}

/// Every agent of a replication.
pub(crate) struct Workforce {
    pub agents: Vec<Agent>,
    pub groups: Vec<Group>,
}

impl Workforce {
    pub fn new(m: &Model, rep: u64) -> Workforce {
        let s = &m.scenario;
        let max_agents: usize = s.groups.iter().map(|g| g.headcount.max() as usize).sum();
        let groups = s
            .groups
            .iter()
            .enumerate()
            .map(|(g, grp)| Group {
                partial: vec![Vec::new(); grp.concurrency as usize],
                concurrency: grp.concurrency as u16,
                interrupt_deferred: grp.interrupt_deferred,
                rng: (grp.shrinkage > 0.0).then(|| stream(s.seed, rep, m.groups[g].salt, Purpose::Shrinkage)),
                shrinkage: grp.shrinkage,
                ..Group::default()
            })
            .collect();
        Workforce { agents: Vec::with_capacity(max_agents), groups }
    }

    /// Available headcount after shrinkage: scheduled × (1 − s), rounded at random so that
    /// its mean is exact.
    pub fn shrink(&mut self, g: usize, scheduled: u32) -> u32 {
        let grp = &mut self.groups[g];
        let Some(rng) = grp.rng.as_mut() else {
            return scheduled;
        };
        let x = f64::from(scheduled) * (1.0 - grp.shrinkage);
        let base = x.floor();
        let frac = x - base;
        base as u32 + u32::from(uniform(rng) < frac)
    }

    /// Brings group `g` to `n` agents on shift at `now`. On an increase, agents in overtime
    /// are kept on first, then agents off shift come back, then new ones are hired; the
    /// agents who gain capacity are left in `fresh` for the loop to hand work to. On a cut,
    /// idle agents leave first (most recently idle first), then the busy agents longest on
    /// shift (ties: lowest id) go into overtime; `fresh` is left empty.
    pub fn set_on_shift<R: Recorder>(&mut self, g: usize, n: u32, now: f64, rec: &mut R, fresh: &mut Vec<u32>) {
        fresh.clear();
        let on = self.groups[g].on_shift;
        if n > on {
            let mut need = n - on;
            while need > 0 {
                let Some(a) = self.groups[g].leaving.pop() else {
                    break;
                };
                self.agents[a as usize].leaving = false;
                self.groups[g].on_shift += 1;
                rec.overtime(AgentChange { now, group: g, delta: -1.0 });
                need -= 1;
                fresh.push(a);
            }
            while need > 0 {
                let a = match self.groups[g].off.pop() {
                    Some(a) => a,
                    None => self.hire(g, now),
                };
                let agent = &mut self.agents[a as usize];
                agent.present = true;
                agent.shift_start = now;
                agent.idle_since = now;
                self.groups[g].on_shift += 1;
                rec.present(AgentChange { now, group: g, delta: 1.0 });
                need -= 1;
                fresh.push(a);
            }
        } else if n < on {
            let mut cut = on - n;
            while cut > 0 {
                let grp = &mut self.groups[g];
                let Some(a) = grp.idle.pop_back() else { break };
                self.agents[a as usize].present = false;
                grp.on_shift -= 1;
                grp.off.push(a);
                rec.present(AgentChange { now, group: g, delta: -1.0 });
                cut -= 1;
            }
            if cut > 0 {
                // Busy agents longest on shift leave after their current contacts.
                for &a in &self.groups[g].members {
                    let x = &self.agents[a as usize];
                    if x.present && !x.leaving && x.held > 0 {
                        fresh.push(a);
                    }
                }
                let agents = &self.agents;
                fresh.sort_by(|&x, &y| {
                    agents[x as usize].shift_start.total_cmp(&agents[y as usize].shift_start).then(x.cmp(&y))
                });
                for &a in fresh.iter().take(cut as usize) {
                    let grp = &mut self.groups[g];
                    grp.on_shift -= 1;
                    let agent = &mut self.agents[a as usize];
                    agent.leaving = true;
                    agent.leave_pos = grp.leaving.len() as u32;
                    grp.leaving.push(a);
                    rec.overtime(AgentChange { now, group: g, delta: 1.0 });
                    if grp.concurrency > 1 {
                        self.set_bucket(a);
                    }
                    // An agent in overtime is never interrupted for new work.
                    self.drop_deferred_work(a);
                }
                fresh.clear();
            }
        }
    }

    fn hire(&mut self, g: usize, now: f64) -> u32 {
        let a = self.agents.len() as u32;
        self.agents.push(Agent {
            group: g as u32,
            held: 0,
            channel: 0,
            present: false,
            leaving: false,
            idle_since: now,
            shift_start: now,
            bucket: 0,
            bucket_pos: 0,
            leave_pos: 0,
            defer_pos: None,
        });
        self.groups[g].members.push(a);
        a
    }

    /// An agent in overtime finished its last contact and leaves.
    pub fn go_off_overtime<R: Recorder>(&mut self, a: u32, now: f64, rec: &mut R) {
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        agent.present = false;
        agent.leaving = false;
        let pos = agent.leave_pos as usize;
        let grp = &mut self.groups[g];
        grp.leaving.swap_remove(pos);
        if let Some(&moved) = grp.leaving.get(pos) {
            self.agents[moved as usize].leave_pos = pos as u32;
        }
        self.groups[g].off.push(a);
        rec.present(AgentChange { now, group: g, delta: -1.0 });
        rec.overtime(AgentChange { now, group: g, delta: -1.0 });
    }

    /// After taking work: an agent holding nothing joins the back of the idle queue; a
    /// chat agent moves to the bucket of its load.
    #[inline(always)]
    pub fn settle(&mut self, a: u32, now: f64) {
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        if agent.held == 0 {
            agent.idle_since = now;
            self.groups[g].idle.push_back(a);
        }
        if self.groups[g].concurrency > 1 {
            self.set_bucket(a);
        }
    }

    /// Puts a chat agent in the bucket of its load (or none when full, idle or leaving).
    pub fn set_bucket(&mut self, a: u32) {
        let agent = self.agents[a as usize];
        let g = agent.group as usize;
        let want = if !agent.leaving && agent.present && agent.held >= 1 && agent.held < self.groups[g].concurrency {
            agent.held
        } else {
            0
        };
        if want == agent.bucket {
            return;
        }
        if agent.bucket != 0 {
            let bucket = &mut self.groups[g].partial[agent.bucket as usize];
            let pos = agent.bucket_pos as usize;
            bucket.swap_remove(pos);
            if let Some(&moved) = bucket.get(pos) {
                self.agents[moved as usize].bucket_pos = pos as u32;
            }
        }
        let agent = &mut self.agents[a as usize];
        agent.bucket = want;
        if want != 0 {
            let bucket = &mut self.groups[g].partial[want as usize];
            agent.bucket_pos = bucket.len() as u32;
            bucket.push(a);
        }
    }

    /// Agent `a` of a group with `interrupt_deferred` started deferred contact `slot` at
    /// `now`.
    pub fn add_deferred_work(&mut self, a: u32, slot: u32, now: f64) {
        let g = self.agents[a as usize].group as usize;
        let list = &mut self.groups[g].deferred_work;
        self.agents[a as usize].defer_pos = Some(list.len() as u32);
        list.push((a, slot, now));
    }

    /// Removes an agent from its group's list of interruptible deferred work, if there.
    #[inline]
    pub fn drop_deferred_work(&mut self, a: u32) {
        let Some(pos) = self.agents[a as usize].defer_pos.take() else {
            return;
        };
        let g = self.agents[a as usize].group as usize;
        let list = &mut self.groups[g].deferred_work;
        list.swap_remove(pos as usize);
        if let Some(&(moved, _, _)) = list.get(pos as usize) {
            self.agents[moved as usize].defer_pos = Some(pos);
        }
    }
}
