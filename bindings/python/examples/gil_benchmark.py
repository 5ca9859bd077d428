"""Does a run release the GIL? Two scenarios one after the other, then in two Python
threads at once, each run on one library thread. On two cores the threaded pair should
take about half the time (a benchmark, printed, not asserted).

    python bindings/python/examples/gil_benchmark.py
"""

import pathlib
import threading
import time

import ccsim

ROOT = pathlib.Path(__file__).resolve().parents[3]
scenario = ccsim.Scenario.load(ROOT / "scenarios" / "omnichannel.toml")


def one():
    scenario.run(replications=60, threads=1)


one()  # warm caches
start = time.perf_counter()
one()
one()
sequential = time.perf_counter() - start
start = time.perf_counter()
workers = [threading.Thread(target=one) for _ in range(2)]
for w in workers:
    w.start()
for w in workers:
    w.join()
threaded = time.perf_counter() - start
print(f"two runs one after the other: {sequential:.2f} s; in two Python threads: {threaded:.2f} s "
      f"(ratio {threaded / sequential:.2f})")
