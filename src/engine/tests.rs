//! White-box checks of the rules the event loop implements, driven event by event.

use super::Model;
use super::contacts::{Contact, State};
use super::core::NewContact;
use super::issues::NO_ISSUE;
use super::recorder::{AgentChange, Answer, At, Recorder};
use super::sim::Sim;
use crate::scenario::Scenario;

/// What the white-box tests look at: per channel and interval, contacts answered;
/// per channel, completed, their handle time and the waits of the answered; per group,
/// agents present and in overtime.
#[derive(Default)]
struct Counts {
    answered: std::collections::HashMap<(usize, usize), u64>,
    completed: Vec<(u64, f64, f64)>,
    present: Vec<f64>,
    overtime: Vec<f64>,
}

impl Counts {
    fn at(v: &mut Vec<(u64, f64, f64)>, c: usize) -> &mut (u64, f64, f64) {
        if v.len() <= c {
            v.resize(c + 1, (0, 0.0, 0.0));
        }
        &mut v[c]
    }
}

fn level(v: &mut Vec<f64>, g: usize) -> &mut f64 {
    if v.len() <= g {
        v.resize(g + 1, 0.0);
    }
    &mut v[g]
}

impl Recorder for Counts {
    fn answered(&mut self, e: Answer<'_>) {
        *self.answered.entry((e.contact.channel(), e.contact.interval())).or_default() += 1;
        Counts::at(&mut self.completed, e.contact.channel()).2 += e.wait;
    }
    fn completed(&mut self, e: At<'_>) {
        let x = Counts::at(&mut self.completed, e.contact.channel());
        x.0 += 1;
        x.1 += e.contact.handle_time();
    }
    fn present(&mut self, e: AgentChange) {
        *level(&mut self.present, e.group) += e.delta;
    }
    fn overtime(&mut self, e: AgentChange) {
        *level(&mut self.overtime, e.group) += e.delta;
    }
}

type TestSim<'m> = Sim<'m, Counts, false>;

fn sim(m: &Model) -> TestSim<'_> {
    Sim::new(m, 0, Counts::default())
}

fn model(kind: &str, extra_group: &str) -> Model {
    let text = format!(
        r#"
name = "t"
horizon = "2h"
interval = "30m"
[[channel]]
name = "c"
kind = "{kind}"
service_level = {{ target = 0.8, within = "20s" }}
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "deterministic", value = "1000s" }}
{stretch}
[[agents]]
name = "team"
skills = ["c"]
staff = 1
{extra_group}
"#,
        stretch = if kind == "chat" { "concurrency_stretch = [1.0, 1.5, 2.0]" } else { "" }
    );
    Model::compile(Scenario::from_toml(&text, "t.toml").unwrap())
}

/// Advances to `t`, processing every calendar event up to it with the loop's dispatch.
fn advance(sim: &mut TestSim, t: f64) {
    while sim.core.cal.next_time() <= t {
        let (at, ev) = sim.core.cal.pop().unwrap();
        let before = sim.core.now;
        sim.core.now = at;
        sim.dispatch(ev, before);
    }
    sim.core.now = t;
}

impl TestSim<'_> {
    /// Starts the run's timelines and advances to `t`.
    fn run_until_for_test(&mut self, t: f64) {
        self.start_timelines();
        advance(self, t);
    }

    fn answered(&self, c: usize, i: usize) -> u64 {
        self.core.rec.answered.get(&(c, i)).copied().unwrap_or(0)
    }

    /// A fresh contact of channel `c`, type `ty`, segment 0, arriving now.
    fn admit_at(&mut self, c: usize, ty: usize, handle: f64, abandon_at: f64) {
        let n =
            NewContact { channel: c, ty, segment: 0, handle, patience: f64::INFINITY, issue: NO_ISSUE, repeat: false };
        self.admit(n, abandon_at);
    }

    fn waiting(&self, c: usize) -> u32 {
        self.core.waiting(c)
    }
}

fn arrive(sim: &mut TestSim, t: f64, handle: f64) {
    advance(sim, t);
    sim.admit_at(0, 0, handle, f64::INFINITY);
}

fn busy_agents(sim: &TestSim) -> Vec<u32> {
    let work = &sim.core.work;
    (0..work.agents.len() as u32).filter(|&a| work.agents[a as usize].held > 0).collect()
}

fn in_service<'a>(sim: &'a TestSim) -> impl Iterator<Item = &'a Contact> {
    sim.core.contacts.all().iter().filter(|k| k.state == State::InService)
}

#[test]
fn cuts_take_idle_agents_first_then_longest_on_shift() {
    let m = model("voice", "");
    let mut sim = sim(&m);
    sim.set_available(0, 2);
    advance(&mut sim, 50.0);
    sim.set_available(0, 4); // agents 2 and 3 start later than 0 and 1
    arrive(&mut sim, 60.0, 1000.0); // agent 0 (longest idle)
    arrive(&mut sim, 61.0, 10.0); // agent 1, finishes first
    arrive(&mut sim, 62.0, 1000.0); // agent 2
    assert_eq!(busy_agents(&sim), vec![0, 1, 2]);
    advance(&mut sim, 100.0);
    // Agent 1 is idle again (since 71): the cut of 3 takes idle agents 3 and 1 first,
    // then the busy agent longest on shift, agent 0 — not agent 2, although both
    // finish at the same time.
    sim.set_available(0, 1);
    let g = &sim.core.work.groups[0];
    assert_eq!(g.on_shift, 1);
    assert_eq!(g.leaving, vec![0]);
    let agents = &sim.core.work.agents;
    assert!(agents[2].present && !agents[2].leaving);
    assert!(!agents[1].present && !agents[3].present);
    // An increase keeps the agent in overtime on before bringing anyone new.
    advance(&mut sim, 200.0);
    sim.set_available(0, 2);
    assert!(sim.core.work.groups[0].leaving.is_empty());
    assert!(!sim.core.work.agents[0].leaving);
    assert_eq!(sim.core.work.groups[0].on_shift, 2);
    assert_eq!(sim.core.work.agents.len(), 4, "no new agent was created");
    // The agent that leaves in overtime does so when its contact ends.
    sim.set_available(0, 1);
    let leaving = sim.core.work.groups[0].leaving.clone();
    assert_eq!(leaving, vec![0]);
    advance(&mut sim, 1061.0);
    assert!(!sim.core.work.agents[0].present, "left after finishing at 1060");
    assert_eq!(sim.core.rec.overtime[0], 0.0);
    assert_eq!(sim.core.rec.present[0], 1.0);
}

#[test]
fn chat_agents_hold_up_to_concurrency_with_stretch() {
    let m = model("chat", "concurrency = 3");
    let mut sim = sim(&m);
    sim.set_available(0, 1);
    for i in 0..4 {
        arrive(&mut sim, f64::from(i), 100.0);
    }
    assert_eq!(sim.core.work.agents[0].held, 3, "full at three chats");
    assert_eq!(sim.waiting(0), 1, "the fourth waits");
    // Handle times were stretched by the number held when each started: 1, 1.5, 2.
    let handles: Vec<f64> = in_service(&sim).map(|k| k.handle).collect();
    assert_eq!(handles, vec![100.0, 150.0, 200.0]);
    // The first chat ends at 100: the waiting chat takes the freed slot, stretched
    // for three chats held.
    advance(&mut sim, 100.0);
    assert_eq!(sim.core.work.agents[0].held, 3);
    assert_eq!(sim.waiting(0), 0);
    assert!(in_service(&sim).any(|k| k.handle == 200.0 && k.arrival == 3.0));
    assert_eq!(sim.core.work.groups[0].partial.iter().map(Vec::len).sum::<usize>(), 0, "a full agent is in no bucket");
    advance(&mut sim, 152.0);
    assert_eq!(sim.core.work.agents[0].held, 2);
    assert_eq!(sim.core.work.groups[0].partial[2], vec![0]);
}

/// Agents arriving with a staffing increase share the waiting chats instead of the
/// first of them filling up.
#[test]
fn new_agents_share_waiting_chats() {
    let m = model("chat", "concurrency = 3");
    let mut sim = sim(&m);
    sim.set_available(0, 1);
    for i in 0..6 {
        arrive(&mut sim, f64::from(i), 500.0);
    }
    assert_eq!(sim.waiting(0), 3);
    sim.set_available(0, 4);
    assert_eq!(sim.waiting(0), 0);
    let held: Vec<u16> = sim.core.work.agents.iter().map(|a| a.held).collect();
    assert_eq!(held, vec![3, 1, 1, 1]);
}

fn deferred_model() -> Model {
    let text = r#"
name = "t"
horizon = "2d"
interval = "30m"
[[channel]]
name = "email"
kind = "email"
service_level = { target = 1.0, within = "24h" }
open = { from = "08:00", to = "20:00" }
arrivals = { per_hour = 0 }
handle_time = { dist = "deterministic", value = "100s" }
[[channel]]
name = "social"
kind = "social"
service_level = { target = 1.0, within = "1h" }
open = { from = "08:00", to = "20:00" }
arrivals = { per_hour = 0 }
handle_time = { dist = "deterministic", value = "100s" }
[[agents]]
name = "office"
skills = ["social", "email"]
staff = { per_interval = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2] }
"#;
    Model::compile(Scenario::from_toml(text, "t.toml").unwrap())
}

/// Channels opening at the same instant open together, so the agent follows its skill
/// order; a channel closing at an instant is closed for agents starting then.
#[test]
fn simultaneous_openings_and_closing_before_new_shifts() {
    let m = deferred_model();
    let mut sim = sim(&m);
    sim.run_until_for_test(3600.0);
    sim.admit_at(0, 0, 100.0, f64::INFINITY); // email at 01:00
    sim.admit_at(1, 0, 100.0, f64::INFINITY); // social at 01:00
    advance(&mut sim, 8.0 * 3600.0);
    let taken: Vec<usize> = in_service(&sim).map(|k| k.channel as usize).collect();
    assert_eq!(taken, vec![1], "social first, by skill order, though email is channel 0");
    // At 20:00 both channels close and a second agent starts: it takes nothing, though
    // email is waiting.
    advance(&mut sim, 19.0 * 3600.0 + 50.0 * 60.0);
    for _ in 0..30 {
        sim.admit_at(0, 0, 100.0, f64::INFINITY);
    }
    advance(&mut sim, 20.0 * 3600.0 + 1.0);
    assert!(sim.waiting(0) > 20);
    assert_eq!(sim.core.work.groups[0].on_shift, 2);
    // The sixth email ended at exactly 20:00, when the channel closed: the first agent
    // took no seventh, and the new agent took none.
    let holding: Vec<u16> = sim.core.work.agents.iter().map(|a| a.held).collect();
    assert_eq!(holding, vec![0, 0]);
    assert_eq!(sim.waiting(0), 24);
}

fn blended_model(interrupt: bool) -> Model {
    let text = format!(
        r#"
name = "t"
horizon = "2h"
interval = "30m"
[[channel]]
name = "phone"
kind = "voice"
service_level = {{ target = 0.8, within = "20s" }}
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "deterministic", value = "50s" }}
[[channel]]
name = "email"
kind = "email"
service_level = {{ target = 1.0, within = "4h" }}
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "deterministic", value = "1000s" }}
[[agents]]
name = "blended"
skills = ["phone", "email"]
staff = 1
interrupt_deferred = {interrupt}
"#
    );
    Model::compile(Scenario::from_toml(&text, "t.toml").unwrap())
}

/// With `interrupt_deferred`, a call finding no free agent interrupts the email in
/// hand; the email resumes afterwards with the work it had left. Without it, the call
/// waits.
#[test]
fn live_contacts_interrupt_deferred_work_when_configured() {
    let m = blended_model(true);
    let mut sim = sim(&m);
    sim.set_available(0, 1);
    advance(&mut sim, 0.0);
    sim.admit_at(1, 0, 1000.0, f64::INFINITY); // email from 0 to 1000
    advance(&mut sim, 100.0);
    sim.admit_at(0, 0, 50.0, f64::INFINITY); // a call at 100
    assert_eq!(sim.waiting(1), 1, "the email went back to its queue");
    assert_eq!(sim.answered(0, 0), 1, "the call was answered at once");
    advance(&mut sim, 150.0);
    assert_eq!(sim.waiting(1), 0, "resumed when the call ended");
    advance(&mut sim, 1049.0);
    assert_eq!(sim.core.work.agents[0].held, 1);
    advance(&mut sim, 1050.0);
    assert_eq!(sim.core.work.agents[0].held, 0, "900 s of work were left at 150");
    let email = sim.core.rec.completed[1];
    assert_eq!((sim.answered(1, 0), email.0, email.1, email.2), (1, 1, 1000.0, 0.0));

    let m = blended_model(false);
    let mut sim = super::tests::sim(&m);
    sim.set_available(0, 1);
    advance(&mut sim, 0.0);
    sim.admit_at(1, 0, 1000.0, f64::INFINITY);
    advance(&mut sim, 100.0);
    sim.admit_at(0, 0, 50.0, f64::INFINITY);
    assert_eq!(sim.waiting(0), 1, "the call waits for the email to end");
    advance(&mut sim, 1000.0);
    assert_eq!(sim.waiting(0), 0);
}

#[test]
fn overflow_group_waits_for_its_delay() {
    let m = model("voice", "[[agents]]\nname = \"backup\"\nskills = [{ channel = \"c\", after = \"60s\" }]\nstaff = 1");
    let mut sim = sim(&m);
    sim.set_available(0, 1);
    sim.set_available(1, 1);
    arrive(&mut sim, 0.0, 1000.0); // the primary agent
    arrive(&mut sim, 10.0, 1000.0); // waits: the backup is not eligible yet
    assert_eq!(sim.waiting(0), 1);
    advance(&mut sim, 69.0);
    assert_eq!(sim.waiting(0), 1);
    advance(&mut sim, 70.0);
    assert_eq!(sim.waiting(0), 0, "taken by the backup at 10 + 60 s");
    assert_eq!(sim.core.work.agents[1].held, 1);
    // A backup agent freed later takes only contacts that have waited 60 s.
    arrive(&mut sim, 1000.5, 5.0);
    assert_eq!(sim.core.work.agents[0].held, 1, "primary agent free again at 1000 takes it");
}

/// The live count of each queue is exact: it equals the entries whose contact is
/// still waiting, through arrivals, abandonments, overflow and service.
#[test]
fn live_counts_are_exact() {
    let text = r#"
name = "t"
seed = 3
horizon = "3h"
interval = "30m"
[[channel]]
name = "c"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 400 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "1m" }
[[channel.type]]
name = "urgent"
share = 0.3
priority = 1
[[channel.type]]
name = "rest"
share = 0.7
priority = 2
[[agents]]
name = "team"
skills = ["c"]
staff = 20
[[agents]]
name = "backup"
skills = [{ channel = "c", after = "30s" }]
staff = 3
"#;
    let m = Model::compile(Scenario::from_toml(text, "t.toml").unwrap());
    let mut sim = sim(&m);
    sim.start_timelines();
    let mut checked = 0;
    while sim.step() {
        let waiting =
            sim.core.contacts.all().iter().filter(|k| matches!(k.state, State::Waiting | State::Interrupted)).count()
                as u32;
        assert_eq!(sim.waiting(0), waiting);
        checked += u64::from(waiting > 0);
    }
    assert!(checked > 100, "the queue was rarely occupied ({checked} events)");
}
