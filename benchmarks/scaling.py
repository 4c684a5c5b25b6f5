"""How the cost of a step grows with the network: COBA and the rate network over sizes.

    python3 -m benchmarks scaling [--sweeps coba,rate] [--simulators annarray[,ANNarchy]]
                                  [-j 1] [--repeats 3] [--out benchmarks/results/scaling.json]

* ``coba``: the COBA network (:mod:`benchmarks.models.coba`) at 100, 1000, 4000, 16,000 and
  64,000 neurons with a fixed fan-in of 80 synapses per neuron (p = 80 / N, 4000 neurons is
  the benchmark's p = 2 %), so that the activity stays the same and the synaptic events grow
  as N; 1 s simulated (200 ms above 4000 neurons).
* ``rate``: the rate network (:mod:`benchmarks.models.rate_network`) at 100 to 1,000,000
  neurons with a fan-in of 100 (all-to-all at 100 neurons); 1 s simulated up to 10,000
  neurons, 100 ms at 100,000 and 20 ms at 1,000,000.

Each size runs in a fresh child process (``benchmarks.runner``'s child with the size
parameters), ``--repeats`` times (the first compiles cold), and the table shows the median
cost per step, the cost per synapse (rate) or per synaptic event (spikes x fan-out, COBA)
and the growth exponent between neighbouring sizes (the slope of log cost over log size:
1 means linear). The smallest network gives the per-step floor: the fixed cost of a step
whatever its size.
"""

import argparse
import math
import os
import shutil
import sys
import tempfile
import time

from benchmarks.common import REPO, median, new_results, run_child, write_results
from benchmarks.runner import annarray_env, snapshot_annarray

__all__ = ["main", "SWEEPS"]

#: sweep → (model, {size: simulated ms}, fan-in); small networks run longer, so that every
#: size runs for a similar wall time and the fixed cost of the first steps does not count
SWEEPS = {
    "coba": ("coba", {100: 1000.0, 1000: 1000.0, 4000: 1000.0, 16000: 200.0, 64000: 200.0}, 80),
    "rate": ("rate1", {100: 1000.0, 1000: 1000.0, 10000: 1000.0, 100000: 100.0, 1000000: 20.0}, 100),
}
_DEFAULT_OUT = os.path.join(REPO, "benchmarks", "results", "scaling.json")


def _params(model, n, fan_in, duration):
    return {"n": n, "probability": min(1.0, fan_in / n), "duration": duration}


def run(opts, work, snapshot):
    rows = []
    for sweep in opts.sweeps:
        model, sizes, fan_in = SWEEPS[sweep]
        for n, duration in sizes.items():
            if opts.max_size and n > opts.max_size:
                continue
            for simulator in opts.simulators:
                case = os.path.join(work, f"{sweep}-{n}-{simulator}")
                os.makedirs(case, exist_ok=True)
                params = _params(model, n, fan_in, duration)
                argv = ["--model", model, "--simulator", simulator, "--nthreads", str(opts.threads),
                        "--seed", str(opts.seed), "--dir", os.path.join(case, "compile"),
                        "--params", ",".join(f"{k}={v}" for k, v in params.items())]
                runs = []
                for repeat in range(opts.repeats):
                    print(f"{sweep} N={n} {simulator} repeat {repeat} ...", end=" ", flush=True)
                    if simulator == "annarray":
                        r = run_child("benchmarks.runner", argv, case, opts.timeout, path=[snapshot],
                                      env=annarray_env(case))
                    else:
                        r = run_child("benchmarks.runner", argv, case, opts.timeout, interpreter=opts.reference)
                    if "error" in r:
                        print("FAILED")
                        break
                    print(f"{r['us_per_step']:.1f} us/step")
                    runs.append(r)
                rows.append(_row(sweep, n, fan_in, simulator, runs))
    return rows


def _row(sweep, n, fan_in, simulator, runs):
    row = {"sweep": sweep, "neurons": n, "fan_in": fan_in, "simulator": simulator, "runs": runs}
    if not runs:
        return row
    first = runs[0]
    us = median([r["us_per_step"] for r in runs])
    row.update(synapses=first["synapses"], us_per_step=us, steps=first["steps"],
               compile_cold_s=first["compile_s"], build_s=median([r["build_s"] for r in runs]))
    if first["spiking"]:
        rate = median([r["mean_rate_hz"] for r in runs])
        # synaptic events per step: spikes per step x mean fan-out
        events = rate * n * first["dt_ms"] / 1000.0 * first["synapses"] / n
        row.update(mean_rate_hz=rate, events_per_step=events, ns_per_event=us * 1000.0 / events if events else None)
    else:
        row.update(ns_per_synapse=us * 1000.0 / first["synapses"], mean_r=median([r["mean_r"] for r in runs]))
    return row


def _exponents(rows):
    """Slope of log(us/step) over log(synapses) from the previous size of the same sweep."""
    previous = {}
    for row in rows:
        key = (row["sweep"], row["simulator"])
        prev = previous.get(key)
        if prev is not None and row.get("us_per_step") and prev.get("us_per_step"):
            row["growth_exponent"] = (math.log(row["us_per_step"] / prev["us_per_step"])
                                      / math.log(row["synapses"] / prev["synapses"]))
        previous[key] = row


def print_table(rows):
    print()
    header = (f"{'sweep':>5s} {'simulator':>9s} {'neurons':>8s} {'synapses':>11s} | {'us/step':>9s} {'growth':>6s} |"
              f" {'per synapse / event':>20s} | {'activity':>10s} | {'cold compile':>12s}")
    print(header)
    print("-" * len(header))
    for row in rows:
        lead = f"{row['sweep']:>5s} {row['simulator']:>9s} {row['neurons']:>8d}"
        if "us_per_step" not in row:
            print(f"{lead} failed")
            continue
        growth = f"{row['growth_exponent']:6.2f}" if "growth_exponent" in row else f"{'':6s}"
        if "ns_per_event" in row:
            per = f"{row['ns_per_event']:8.1f} ns/event" if row["ns_per_event"] else "-"
            activity = f"{row['mean_rate_hz']:7.2f} Hz"
        else:
            per = f"{row['ns_per_synapse']:6.2f} ns/synapse"
            activity = f"r {row['mean_r']:8.4f}"
        print(f"{lead} {row['synapses']:>11d} | {row['us_per_step']:9.1f} {growth} | {per:>20s} | {activity:>10s} |"
              f" {row['compile_cold_s']:11.2f}s")
    print("  us/step: median over the repeats of the simulate time per step; growth: exponent of us/step against"
          " synapses from the previous size (1 = linear);")
    print("  COBA: events = spikes x fan-out per step (rate measured in an untimed second run); rate network:"
          " cost per synapse and step.")


def _parse(argv):
    p = argparse.ArgumentParser(prog="python3 -m benchmarks scaling", description="cost against network size")
    p.add_argument("--sweeps", default="coba,rate", help="comma-separated of coba, rate (default %(default)s)")
    p.add_argument("--simulators", default="annarray", help="annarray and/or ANNarchy (default %(default)s)")
    p.add_argument("-j", "--threads", type=int, default=1, help="num_threads (default 1)")
    p.add_argument("--repeats", type=int, default=3, help="runs per size (default 3)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--max-size", type=int, default=0, help="skip sizes above this many neurons")
    p.add_argument("--reference", default=os.environ.get("ANNARRAY_REFERENCE_SIM", "/work/shared/tools/reference-sim"),
                   help="interpreter of the reference (for --simulators ANNarchy)")
    p.add_argument("--timeout", type=int, default=1800)
    p.add_argument("--out", default=_DEFAULT_OUT)
    opts = p.parse_args(argv)
    opts.sweeps = [s for s in opts.sweeps.split(",") if s]
    opts.simulators = [s for s in opts.simulators.split(",") if s]
    for s in opts.sweeps:
        if s not in SWEEPS:
            p.error(f"unknown sweep {s!r}; sweeps: {', '.join(SWEEPS)}")
    return opts


def main(argv=None):
    opts = _parse(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    work = tempfile.mkdtemp(prefix="annarray-bench-scaling-")
    settings = {"sweeps": {s: SWEEPS[s] for s in opts.sweeps}, "simulators": opts.simulators,
                "threads": opts.threads, "repeats": opts.repeats, "seed": opts.seed}
    results = new_results("scaling", settings)
    snapshot, results["annarray_snapshot"] = snapshot_annarray(work)
    try:
        rows = run(opts, work, snapshot)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _exponents(rows)
    results["rows"] = rows
    results["total_s"] = time.perf_counter() - start
    print_table(rows)
    write_results(results, opts.out)
    return 0
