"""Three planner questions about the retail day, answered from Python.

    python bindings/python/examples/planner.py

1. What if calls are 10 % above forecast — and how many agents win the service level back?
2. A sweep of the phone team's headcount, tabulated (and plotted, when matplotlib is there)
   with pandas: service level and the cost of agents and of lost customers.
3. The staffing plan that meets 80 % in 20 s with 90 % confidence, interval by interval.
"""

import pathlib

import ccsim

ROOT = pathlib.Path(__file__).resolve().parents[3]
day = ccsim.Scenario.load(ROOT / "scenarios" / "retail-day.toml")


def sl(results, channel="phone"):
    e = results.to_dict()["channels"][channel]["service_level"]
    return f"{100 * e['mean']:.1f} % ± {100 * e['ci95']:.1f}"


# 1. What if: 10 % more calls, then one to three agents more in every interval.
print("What if calls run 10 % above forecast?")
print(f"  as planned:           {sl(day.run(replications=20))}")
busy = day.with_overrides({"channel.phone.arrivals.scale": 1.1})
print(f"  10 % more calls:      {sl(busy.run(replications=20))}")
for extra in (1, 2, 3):
    print(f"  … with {extra} more agent(s): {sl(busy.with_overrides({'agents.phone team.staff': f'+{extra}'}).run(replications=20))}")

# 2. A sweep with common random numbers: each variant's difference from the plan is paired.
print("\nSweep of the phone team (+0 to +4 agents in every interval):")
sweep = ccsim.sweep(day, {"agents.phone team.staff": "+0..=4"}, replications=20)
try:
    frame = sweep.to_pandas()
except ImportError as e:
    print(f"  ({e})")
else:
    kpis = frame[(frame.scope.isin(["channel", "group"])) & frame.kpi.isin(["service_level", "abandon_cost", "cost"])]
    table = kpis.pivot_table(index="agents.phone team.staff", columns="kpi", values="mean")
    table["total_cost"] = table["cost"] + table["abandon_cost"]
    print(table.round(3).to_string())
    best = table["total_cost"].idxmin()
    print(f"  cheapest in all (agents + lost customers): {best}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        ax = table[["cost", "abandon_cost", "total_cost"]].plot(
            marker="o", title="retail day: cost of agents, of lost customers, and both", ylabel="cost per day")
        ax.set_xticks(range(len(table.index)), table.index)
        out = ROOT / "target" / "planner-sweep.png"
        ax.figure.savefig(out)
        print(f"  plotted to {out}")
    except ImportError:
        pass

# 3. The staffing plan.
print("\nStaffing plan for 80 % in 20 s (90 % confidence):")
plan = ccsim.staff(day, targets=["80/20s"], confidence=0.9, replications=20).plans[0]
print(f"  {plan['agent_hours']:.1f} agent hours, cost {plan['cost']:.0f}")
interval = day.interval
for i, n in enumerate(plan["plan"]):
    if n:
        h, m = divmod(int(i * interval) // 60, 60)
        print(f"  {h:02d}:{m:02d}  {n:3d} agents  (SIPP alone: {plan['sipp'][i]})")
