#!/usr/bin/env python3
"""The what-if page end to end in headless Chromium (Debian's, driven by Playwright):

    python bindings/wasm/tests/test_page.py PAGE.html CCSIM [--screenshot PNG]

* the page loads from file:// with no console error and no network request;
* for the same scenario, seed and replications its JSON equals the CLI's byte for byte;
* moving a staffing control changes the numbers (more agents: a higher service level), and
  a newer change overtakes an older run;
* a bad edit shows the located error and no numbers change;
* logs the time per re-simulation (the omnichannel example's busiest day and its whole
  week, 20 replications) against the CLI's, the page size and the first-load time.

Needs `pip install playwright` and a Chromium (CHROMIUM, else /usr/bin/chromium); no
browser download. Exits 1 on a failed check.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[3]
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def cli_json(ccsim, scenario, reps, seed, sets):
    cmd = [ccsim, "run", str(scenario), "--replications", str(reps), "--seed", str(seed), "--format", "json", "--threads", "1"]
    for p, v in sets:
        cmd += ["--set", f"{p}={v}"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True).stdout.decode()
    return out, (time.perf_counter() - t0) * 1000


def wait_final(page, after_id):
    page.wait_for_function(
        "(id) => window.ccsimLast && window.ccsimLast.final && window.ccsimLast.id > id",
        arg=after_id, timeout=120_000)
    return page.evaluate("window.ccsimLast")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page", type=pathlib.Path)
    ap.add_argument("ccsim")
    ap.add_argument("--screenshot", type=pathlib.Path)
    a = ap.parse_args()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    url = a.page.resolve().as_uri()
    print(f"page size: {a.page.stat().st_size / 1e6:.2f} MB")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors, requests = [], []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        t0 = time.perf_counter()
        page.goto(url)
        last = wait_final(page, 0)
        load_ms = (time.perf_counter() - t0) * 1000
        print(f"first load to first full result: {load_ms:.0f} ms "
              f"(page's own count: {page.evaluate('window.ccsimLoadMs'):.0f} ms to the first request)")
        network = [u for u in requests if not u.startswith(("file:", "blob:", "data:"))]
        check(not network, f"no network request (saw {network[:3]})")

        # Byte for byte against the CLI: the scenario as built, 20 replications, its seed.
        scenario = ROOT / "scenarios/omnichannel.toml"
        seed = page.evaluate("window.ccsim.state.outline.seed")
        cli, cli_ms = cli_json(a.ccsim, scenario, last["replications"], seed, [])
        check(last["json"] == cli, f"page JSON equals the CLI's ({len(cli)} bytes, {last['replications']} replications, seed {seed})")

        # A staffing control: two more agents in the first group.
        group = page.evaluate("window.ccsim.state.outline.groups[0].name")
        sl = lambda doc: json.loads(doc)["channels"]["phone"]["service_level"]["mean"]
        before = last
        slider = page.locator(f'input[data-path="agents.{group}.staff"][type=range]')
        mark = last["id"]
        slider.fill("2")
        after = wait_final(page, mark)
        check(after["set"] == [[f"agents.{group}.staff", "+2"]], f"the slider sets agents.{group}.staff=+2 ({after['set']})")
        check(sl(after["json"]) > sl(before["json"]),
              f"two more {group} agents raise phone's service level ({sl(before['json']):.4f} → {sl(after['json']):.4f})")
        cli2, _ = cli_json(a.ccsim, scenario, after["replications"], seed, [(f"agents.{group}.staff", "+2")])
        check(after["json"] == cli2, "the changed run's JSON equals `ccsim run --set` byte for byte")
        # A newer change overtakes an older one: two moves in a row end on the second.
        mark = after["id"]
        slider.fill("1")
        slider.fill("3")
        latest = wait_final(page, mark)
        check(latest["set"] == [[f"agents.{group}.staff", "+3"]],
              f"a newer change overtakes an older run (ends on {latest['set']})")
        slider.fill("2")
        wait_final(page, latest["id"])
        shown = page.inner_text("#kpis")

        # A bad edit: located error, numbers unchanged.
        text = page.input_value("#text")
        bad = text.replace('kind = "voice"', 'kind = "voise"', 1)
        page.fill("#text", bad)
        page.click("#apply")
        page.wait_for_function("() => document.getElementById('errors').textContent.length > 0", timeout=30_000)
        err = page.inner_text("#errors")
        line = bad[: bad.index('kind = "voise"')].count("\n") + 1
        check(f"omnichannel.toml:{line}:" in err and "voise" in err, f"the bad edit's error names line {line}: {err[:120]!r}")
        time.sleep(0.5)
        check(page.inner_text("#kpis") == shown, "after the bad edit the numbers stay as they were")

        # Speed: the busiest day (Monday, the first day) and the whole week, 20 replications.
        for label, sets in [("busiest day (Monday)", [["horizon", "1d"]]), ("whole week", [])]:
            req = {"op": "run", "toml": scenario.read_text(), "file": "omnichannel.toml", "set": sets,
                   "replications": 20, "seed": seed, "charts": False}
            times = page.evaluate("""async (req) => { const t = [];
                for (let i = 0; i < 5; i++) { const t0 = performance.now(); await window.ccsim.ask('run', req);
                  t.push(performance.now() - t0); } return t; }""", req)
            wasm_ms = sorted(times)[len(times) // 2]
            natives = sorted(cli_json(a.ccsim, scenario, 20, seed, [tuple(s) for s in sets])[1] for _ in range(5))
            print(f"re-simulation, {label} x 20 replications: browser {wasm_ms:.0f} ms (median of 5, worker round trip); "
                  f"CLI one thread {natives[2]:.0f} ms (median, whole process); ratio {wasm_ms / natives[2]:.2f}")
        if a.screenshot:
            page.goto(url)
            wait_final(page, 0)
            page.locator(f'input[data-path="agents.{group}.staff"][type=range]').fill("2")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(a.screenshot), full_page=True)
        check(not errors, f"no console error ({errors[:3]})")
        browser.close()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
