//! Throughput of the engine on the benchmark model (README, "Performance"): a voice
//! queue with 2 calls/s, mean handle time 240 s, 500 agents, mean patience 120 s
//! (Erlang A, 480 Erlangs offered). Reported as simulated calls per second of wall time,
//! single thread.
//!
//! `lean_reference` is a minimal M/M/c+M loop (binary heap of departures, FIFO with lazy
//! abandonment, no statistics beyond counts) run in the same process, so the ratio
//! engine / lean loop is meaningful on a noisy machine.
//!
//!     cargo bench --bench engine

use ccsim::base::portable::unit_exponential;
use ccsim::engine::Model;
use ccsim::scenario::Scenario;
use ccsim::stats::tally::replicate as simulate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

const HOURS: f64 = 6.0;

fn model() -> Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/benchmark.toml");
    let text = std::fs::read_to_string(path).unwrap().replace("horizon = \"24h\"", &format!("horizon = \"{HOURS}h\""));
    Model::compile(Scenario::from_toml(&text, path).unwrap())
}

/// Minimal M/M/c+M: returns calls answered (to keep the work observable).
fn lean_reference(seed: u64, horizon: f64) -> u64 {
    let (rate, aht, patience, agents) = (2.0f64, 240.0f64, 120.0f64, 500u32);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let exp = |r: &mut Xoshiro256PlusPlus| -> f64 { unit_exponential(r) };
    let mut departures: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(1024);
    let mut queue: VecDeque<(f64, f64)> = VecDeque::with_capacity(1024);
    let mut idle = agents;
    let mut answered = 0u64;
    let mut next_arrival = exp(&mut rng) / rate;
    loop {
        let next_dep = departures.peek().map_or(f64::INFINITY, |d| f64::from_bits(d.0));
        if next_arrival < horizon && next_arrival < next_dep {
            let t = next_arrival;
            next_arrival = t + exp(&mut rng) / rate;
            let service = aht * exp(&mut rng);
            let deadline = t + patience * exp(&mut rng);
            if idle > 0 {
                idle -= 1;
                answered += 1;
                departures.push(Reverse((t + service).to_bits()));
            } else {
                queue.push_back((deadline, service));
            }
        } else if next_dep.is_finite() {
            let t = next_dep;
            departures.pop();
            // Lazy abandonment: callers whose patience ran out have left.
            loop {
                match queue.pop_front() {
                    Some((deadline, _)) if deadline < t => continue,
                    Some((_, service)) => {
                        answered += 1;
                        departures.push(Reverse((t + service).to_bits()));
                        break;
                    }
                    None => {
                        idle += 1;
                        break;
                    }
                }
            }
        } else {
            break;
        }
    }
    let _ = rng.next_u64();
    answered
}

fn bench(c: &mut Criterion) {
    let m = model();
    let calls: u64 = simulate(&m, 0).unwrap().channel.iter().map(|x| x.offered).sum();
    let mut g = c.benchmark_group("benchmark-model");
    g.throughput(Throughput::Elements(calls));
    g.sample_size(20);
    let mut rep = 0u64;
    g.bench_function("engine", |b| {
        b.iter(|| {
            rep += 1;
            black_box(simulate(&m, rep % 8).unwrap())
        })
    });
    let mut seed = 0u64;
    g.bench_function("lean_reference", |b| {
        b.iter(|| {
            seed += 1;
            black_box(lean_reference(seed % 8, HOURS * 3600.0))
        })
    });
    g.finish();
}

/// The timing guard of error reporting: a group whose skills list names the same channel
/// 100,000 times (100,000 located problems, 50 shown). Must stay far below 0.5 s: locating
/// a problem is O(log lines), never a scan of the file.
fn validation(c: &mut Criterion) {
    let skills = vec!["\"phone\""; 100_000].join(", ");
    let text = format!(
        "name = \"s\"\nhorizon = \"4h\"\n[[channel]]\nname = \"phone\"\nkind = \"voice\"\nservice_level = {{ target = 0.8, within = \"20s\" }}\narrivals = {{ per_hour = 60 }}\nhandle_time = {{ dist = \"exponential\", mean = \"4m\" }}\n[[agents]]\nname = \"team\"\nstaff = 3\nskills = [{skills}]\n"
    );
    let mut g = c.benchmark_group("validation");
    g.sample_size(10);
    g.bench_function("100k-bad-skills", |b| {
        b.iter(|| {
            let e = Scenario::from_toml(black_box(&text), "skills.toml").unwrap_err();
            assert_eq!(e.problems.len(), 99_999);
            black_box(e.to_string().len())
        })
    });
    g.finish();
}

/// A sweep of 16 variants (8 replications each, 8 h of 1,200 calls an hour) on one and on
/// two worker threads: all (variant, replication) pairs share one pool, so the ratio of
/// the two times is the sweep's parallel speed-up.
fn sweep(c: &mut Criterion) {
    use ccsim::plan::sweep::Study;
    let text = "name = \"sweep\"\nseed = 3\nreplications = 8\nhorizon = \"8h\"\n[[channel]]\nname = \"phone\"\nkind = \"voice\"\nservice_level = { target = 0.8, within = \"20s\" }\narrivals = { per_hour = 1200 }\nhandle_time = { dist = \"exponential\", mean = \"4m\" }\npatience = { dist = \"exponential\", mean = \"2m\" }\n[[agents]]\nname = \"team\"\nskills = [\"phone\"]\nstaff = 80\n";
    let base = Scenario::from_toml(text, "sweep.toml").unwrap();
    let study = Study::new(base, &["agents.team.staff=80..=95".to_string()], false, None).unwrap();
    let mut g = c.benchmark_group("sweep-16-variants");
    g.sample_size(10);
    for threads in [1, 2] {
        g.bench_function(format!("{threads}-thread"), |b| {
            b.iter(|| black_box(ccsim::plan::with_threads(Some(threads), || study.run(|_, _| {})).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench, validation, sweep);
criterion_main!(benches);
