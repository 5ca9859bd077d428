"""The Python face against the command line: the same scenario, seed and replications
give the same document, parsed and compared whole; errors are the CLI's located lines;
tidy tables pivot back to the JSON's numbers. Run by `.ci/run` in a fresh virtual
environment (`pip install ./bindings/python` then pytest).

The CLI is `target/release/ccsim` (built by `cargo build --release`), or `$CCSIM`.
"""

import json
import os
import pathlib
import runpy
import subprocess
import sys

import pytest

import ccsim

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.toml"))
CLI = os.environ.get("CCSIM", str(ROOT / "target" / "release" / "ccsim"))


def cli(*args, ok=True):
    out = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)
    if ok:
        assert out.returncode == 0, out.stderr
    return out


def cli_json(*args):
    return json.loads(cli(*args, "--format", "json").stdout)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_example_runs_as_the_cli_does(path):
    s = ccsim.Scenario.load(path)
    got = s.run(replications=2, seed=11).to_dict()
    assert got == cli_json("run", path, "-r", 2, "--seed", 11)


def test_overrides_sweep_and_staffing_equal_the_cli():
    path = ROOT / "scenarios" / "retail-day.toml"
    s = ccsim.Scenario.load(path)
    plus = s.with_overrides({"agents.phone team.staff": "+2", "channel.phone.arrivals.scale": 1.1})
    assert plus.overrides == {"agents.phone team.staff": "+2", "channel.phone.arrivals.scale": "1.1"}
    assert plus.run(replications=3).to_dict() == cli_json(
        "run", path, "-r", 3, "--set", "agents.phone team.staff=+2", "--set", "channel.phone.arrivals.scale=1.1")
    sw = ccsim.sweep(s, {"agents.phone team.staff": range(40, 43)}, replications=4)
    assert sw.to_dict() == cli_json("sweep", path, "--set", "agents.phone team.staff=40,41,42", "-r", 4, "-q")
    zipped = ccsim.sweep(s, {"agents.phone team.staff": "+0..=2", "channel.phone.arrivals.scale": [1.1]}, zip=True,
                         baseline=1, replications=3)
    assert zipped.to_dict() == cli_json("sweep", path, "--set", "agents.phone team.staff=+0..=2", "--set",
                                        "channel.phone.arrivals.scale=1.1", "--zip", "--baseline", 1, "-r", 3, "-q")
    st = ccsim.staff(s, targets=["80/20s", "90/30s"], max_abandon=0.05, confidence=0.9, replications=4)
    assert st.to_dict() == cli_json("staff", path, "--target", "80/20s", "--target", "90/30s", "--max-abandon", "5%",
                                    "--confidence", 0.9, "-r", 4, "-q")
    # The plan written back runs, as `ccsim staff --write` writes it.
    written = ROOT / "target" / "py-staffed.toml"
    st.write(written)
    cli("staff", path, "--target", "80/20s", "--target", "90/30s", "--max-abandon", "5%", "--confidence", 0.9,
        "-r", 4, "-q", "--write", ROOT / "target" / "cli-staffed.toml")
    assert written.read_text() == (ROOT / "target" / "cli-staffed.toml").read_text()


def test_schedule_equals_the_cli():
    path = ROOT / "scenarios" / "retail-day.toml"
    r = ccsim.schedule(ccsim.Scenario.load(path), confidence=0.8, replications=6)
    assert r.to_dict() == cli_json("schedule", path, "--confidence", 0.8, "-r", 6, "-q")
    assert r.cost == sum(s["cost"] for s in r.shifts) > 0
    written = ROOT / "target" / "py-rostered.toml"
    r.write(written)
    cli("schedule", path, "--confidence", 0.8, "-r", 6, "-q", "--write", ROOT / "target" / "cli-rostered.toml")
    assert written.read_text() == (ROOT / "target" / "cli-rostered.toml").read_text()
    assert r.scenario.run(replications=2).to_dict()["replications"] == 2
    with pytest.raises(ValueError, match="max_occupancy"):
        ccsim.schedule(ccsim.Scenario.load(path), max_occupancy=1.5)


def test_erlang_and_fit_equal_the_cli():
    assert ccsim.erlang.c(120, 240, 10, 20) == cli_json("erlang", "c", "--per-hour", 120, "--aht", "240s", "--agents",
                                                        10, "--within", "20s")
    assert ccsim.erlang.agents(120, 240, "80/20s", patience_s=120) == cli_json(
        "erlang", "agents", "--per-hour", 120, "--aht", "240s", "--target", "80/20s", "--patience", "2m")
    h = ROOT / "scenarios" / "history"
    f = ccsim.fit(h / "contacts.csv", name="fitted", days=14, template=h / "truth.toml")
    assert f.text.replace("contacts.csv", "X") == (h / "fitted.toml").read_text().replace("contacts.csv", "X")
    assert f.scenario.name == "fitted" and f.to_dict()["days"] == 14
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(h / "contacts.csv")
    assert ccsim.fit(frame, name="fitted", days=14, template=h / "truth.toml").to_dict()["channels"] == f.to_dict()["channels"]


def test_a_bad_scenario_raises_the_cli_lines():
    text = 'name = "x"\nhorizon = "1d"\n[[channel]]\nname = "p"\narrivals = { per_hour = -3 }\n'
    bad = ROOT / "target" / "py-bad.toml"
    bad.write_text(text)
    with pytest.raises(ccsim.ScenarioError) as e:
        ccsim.Scenario.load(bad)
    assert isinstance(e.value, ValueError)
    lines = cli("validate", bad, ok=False).stderr.splitlines()
    assert [str(p) for p in e.value.problems] == lines
    assert all(p.line is not None or p.field is not None for p in e.value.problems)
    with pytest.raises(ccsim.ScenarioError) as e:
        ccsim.Scenario.load(ROOT / "scenarios" / "single-queue.toml").with_overrides({"agents.nope.staff": 3})
    assert "no entry `nope` in `agents`" in str(e.value)


def test_bad_arguments_name_the_argument():
    s = ccsim.Scenario.load(ROOT / "scenarios" / "single-queue.toml")
    with pytest.raises(TypeError, match="replications"):
        s.run(replications="many")
    with pytest.raises(ValueError, match="replications"):
        s.run(replications=0)
    with pytest.raises(TypeError, match="axes"):
        ccsim.sweep(s, {})
    with pytest.raises(ValueError, match="targets"):
        ccsim.staff(s, targets=["eighty"])
    with pytest.raises(ValueError, match="confidence"):
        ccsim.staff(s, confidence=1.5)
    with pytest.raises(TypeError, match="overrides"):
        s.with_overrides(["agents.team.staff=3"])
    with pytest.raises(ValueError, match="offered load"):
        ccsim.erlang.b(-1, 3)
    with pytest.raises(ValueError, match="agents"):
        ccsim.erlang.c(120, 240, 0, 20)


def test_to_pandas_is_tidy_and_pivots_back_to_the_json():
    pd = pytest.importorskip("pandas")
    r = ccsim.Scenario.load(ROOT / "scenarios" / "retail-day.toml").run(replications=3)
    df = r.to_pandas()
    assert list(df.columns) == ["scope", "name", "start_s", "kpi", "mean", "ci95", "day", "time"]
    key = ["scope", "name", "start_s", "kpi"]
    assert not df.duplicated(key).any(), "one row per (scope, name, interval, kpi)"
    doc = r.to_dict()
    sl = df[(df.scope == "interval") & (df.kpi == "service_level")].pivot(index="start_s", columns="name", values="mean")
    for row in doc["intervals"]:
        want = row["service_level"]["mean"]
        got = sl.loc[row["start_s"], row["channel"]]
        assert (want is None and pd.isna(got)) or got == want
    total = df[(df.scope == "channel") & (df.name == "phone") & (df.kpi == "offered")]
    assert total["mean"].item() == doc["channels"]["phone"]["offered"]["mean"]
    sw = ccsim.sweep(ccsim.Scenario.load(ROOT / "scenarios" / "retail-day.toml"),
                     {"agents.phone team.staff": ["+0", "+1"]}, replications=3)
    t = sw.to_pandas()
    assert {"variant", "agents.phone team.staff", "diff_mean", "diff_ci95"} <= set(t.columns)
    d = sw.to_dict()["variants"][1]["vs_baseline"]["channels"]["phone"]["service_level"]
    row = t[(t.variant == 1) & (t.scope == "channel") & (t.kpi == "service_level")]
    assert row["diff_mean"].item() == d["mean"] and row["diff_ci95"].item() == d["ci95"]


def test_results_display_and_draw_themselves():
    r = ccsim.Scenario.load(ROOT / "scenarios" / "retail-day.toml").run(replications=3, seed=5)
    html = r._repr_html_()
    assert "<table" in html and "phone" in html
    style = html[html.find("<style>") + 7:html.find("</style>")]
    rules = [line for line in style.splitlines() if "{" in line]
    assert rules and all(line.startswith(".ccsim") for line in rules), "the style stays inside the result"
    assert r.to_csv() == cli("run", ROOT / "scenarios" / "retail-day.toml", "-r", 3, "--seed", 5, "--format", "csv").stdout
    out = ROOT / "target" / "py-charts"
    charts = r.charts(out)
    assert "phone-service-level" in charts and charts["phone-service-level"].startswith("<svg")
    cli_dir = ROOT / "target" / "cli-charts"
    saved = ROOT / "target" / "py-run.json"
    r.write(saved)
    cli("chart", saved, "--out", cli_dir, "--image", "svg")
    assert (cli_dir / "phone-service-level.svg").read_text() == charts["phone-service-level"]


def test_the_example_answers_its_questions(capsys):
    runpy.run_path(str(ROOT / "bindings" / "python" / "examples" / "planner.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "What if" in out and "Sweep" in out and "Staffing plan" in out
    assert "cheapest in all" in out, "the sweep is tabulated with pandas"
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    assert "plotted to" in out and (ROOT / "target" / "planner-sweep.png").stat().st_size > 10_000


def test_progress_is_reported_and_ctrl_c_interrupts():
    s = ccsim.Scenario.load(ROOT / "scenarios" / "single-queue.toml")
    seen = []
    ccsim.sweep(s, {"agents.team.staff": [9, 10]}, replications=6, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (12, 12), seen
    # A long sweep in a child interpreter, interrupted by SIGINT: KeyboardInterrupt at once.
    import signal
    import time

    code = ("import ccsim; s = ccsim.Scenario.load(%r); "
            "ccsim.sweep(s, {'agents.team.staff': range(8, 40)}, replications=2000)") % str(
        ROOT / "scenarios" / "single-queue.toml")
    child = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = child.communicate(timeout=30)
    assert time.monotonic() - start < 2.0, "Ctrl-C returns within a fraction of a second"
    assert child.returncode != 0 and "KeyboardInterrupt" in err, err


def test_an_interrupted_sweep_stops_computing():
    """An exception in the progress callback (as Ctrl-C) ends the call at once, and the
    library stops simulating within a batch: the process goes idle."""
    import time

    s = ccsim.Scenario.load(ROOT / "scenarios" / "single-queue.toml")

    def interrupt(done, total):
        raise KeyboardInterrupt

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        ccsim.sweep(s, {"agents.team.staff": range(8, 40)}, replications=2000, progress=interrupt)
    assert time.monotonic() - start < 5.0
    time.sleep(0.3)
    cpu = time.process_time()
    time.sleep(1.0)
    assert time.process_time() - cpu < 0.2, "the abandoned sweep still computes"
