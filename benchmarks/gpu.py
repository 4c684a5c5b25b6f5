"""The cuda paradigm against openmp, on the GPU machine, in one run.

    python3 -m benchmarks gpu [--cases coba,coba80k,izhikevich,rate100k,floor1000]
                              [--paradigms cuda,openmp] [-j 16] [--repeats 3] [--scale 1]
                              [--bandwidth] [--emulate] [--out benchmarks/results/gpu.json]

Cases (the models of :mod:`benchmarks.models`, each in a fresh child process of
``benchmarks.runner``, the first repeat compiling cold):

* ``coba``: COBA, 4000 neurons, 2 %, dt 0.1 ms, 1 s (GeNN: 0.084 s per biological second on
  a GTX 1070; target here: at most 0.1 s wall on the H100);
* ``coba80k``: the same network at 80,000 neurons with the same fan-in (80), 200 ms;
* ``izhikevich``: the pulse-coupled network, 1000 neurons, all-to-all, 1 s;
* ``rate100k``: 100,000 ``LeakyIntegrator`` neurons with 1000 inputs each (10^8 synapses),
  100 ms;
* ``floor1000``: the rate network at 1000 neurons (fan-in 100), 1 s: the per-step floor
  (target: under 10 µs).

``--bandwidth`` also measures the weighted-sum kernel (CSR, 10^8 synapses) against the
device's copy bandwidth (target: at least 50 %). ``--scale`` multiplies every network's size
(``--scale 0.01 --emulate`` checks the script on a machine without a GPU: the cuda cases then
run the CUDA kernels built for the CPU, whose times mean nothing). The table prints the
median time per step and cuda / openmp ratios. These are benchmarks: nothing is asserted.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

from benchmarks.common import REPO, emit, median, new_results, run_child, write_results
from benchmarks.runner import annarray_env, snapshot_annarray

__all__ = ["main", "CASES"]

#: case → (model, parameters); sizes are multiplied by --scale
CASES = {
    "coba": ("coba", {"n": 4000, "probability": 0.02, "duration": 1000.0}),
    "coba80k": ("coba", {"n": 80000, "fan_in": 80, "duration": 200.0}),
    "izhikevich": ("izhikevich", {"n": 1000, "duration": 1000.0}),
    "rate100k": ("rate1", {"n": 100000, "fan_in": 1000, "duration": 100.0}),
    "floor1000": ("rate1", {"n": 1000, "fan_in": 100, "duration": 1000.0}),
}
_DEFAULT_OUT = os.path.join(REPO, "benchmarks", "results", "gpu.json")


def case_params(case, scale):
    """The model parameters of ``case`` with its size multiplied by ``scale``."""
    model, params = CASES[case]
    params = dict(params)
    n = max(10, int(round(params["n"] * scale)))
    params["n"] = n
    fan_in = params.pop("fan_in", None)
    if fan_in is not None:
        params["probability"] = min(1.0, fan_in / n)
    return model, params


def _env(case_dir, paradigm, emulate):
    env = annarray_env(case_dir)
    if paradigm == "cuda":
        env["ANNARRAY_CUDA_MODE"] = "emulate" if emulate else "gpu"
    return env


def run_cases(opts, work, snapshot):
    rows = []
    for case in opts.cases:
        model, params = case_params(case, opts.scale)
        for paradigm in opts.paradigms:
            case_dir = os.path.join(work, f"{case}-{paradigm}")
            os.makedirs(case_dir, exist_ok=True)
            argv = ["--model", model, "--simulator", "annarray", "--paradigm", paradigm,
                    "--nthreads", str(opts.threads if paradigm == "openmp" else 1), "--seed", str(opts.seed),
                    "--dir", os.path.join(case_dir, "compile"),
                    "--params", ",".join(f"{k}={v}" for k, v in params.items())]
            runs = []
            for repeat in range(opts.repeats):
                print(f"{case} {paradigm} repeat {repeat} ...", end=" ", flush=True)
                r = run_child("benchmarks.runner", argv, case_dir, opts.timeout, path=[snapshot],
                              env=_env(case_dir, paradigm, opts.emulate))
                if "error" in r:
                    print("FAILED:", str(r["error"])[-400:])
                    break
                print(f"{r['us_per_step']:.1f} us/step")
                runs.append(r)
            rows.append({"case": case, "paradigm": paradigm, "params": params, "runs": runs,
                         "us_per_step": median([r["us_per_step"] for r in runs]) if runs else None,
                         "simulate_s": median([r["simulate_s"] for r in runs]) if runs else None})
    return rows


def bandwidth_child(args):
    """Times the CSR weighted sum (``n`` rows of ``fan_in`` synapses) and a device copy of the
    same number of bytes; prints one JSON line."""
    import numpy as np

    from annarray.backend import select_backend

    backend = select_backend("cuda", device=args.device)
    xp, sync = backend.xp, backend.launcher.synchronize
    n, fan_in = args.n, args.fan_in
    nnz = n * fan_in
    indptr = xp.arange(0, nnz + 1, fan_in, dtype=np.int32)
    rng = np.random.default_rng(1)
    indices = xp.asarray(np.sort(rng.integers(0, n, size=(n, fan_in), dtype=np.int32), axis=1).reshape(-1))
    w, x, out = xp.asarray(rng.random(nnz)), xp.asarray(rng.random(n)), xp.zeros(n)
    matvec = backend.csr_matvec_plan((n, n), indptr, indices, w)

    def timed(call, repeats):
        call()
        sync()
        t = time.perf_counter()
        for _ in range(repeats):
            call()
        sync()
        return (time.perf_counter() - t) / repeats

    spmv_s = timed(lambda: matvec(x, out), args.repeats)
    # bytes the product must move at least: weights, indices, row pointers, x once, out read + written
    spmv_bytes = nnz * (8 + 4) + (n + 1) * 4 + n * 8 * 3
    a = xp.empty(spmv_bytes // 8, dtype=np.float64)
    b = xp.empty_like(a)
    copy_s = timed(lambda: xp.copyto(b, a), args.repeats)
    result = {"rows": n, "synapses": nnz, "spmv_s": spmv_s, "spmv_GBps": spmv_bytes / spmv_s / 1e9,
              "copy_GBps": 2 * a.nbytes / copy_s / 1e9, "emulated": backend.emulated}
    result["fraction_of_copy_bandwidth"] = result["spmv_GBps"] / result["copy_GBps"]
    emit(result)
    return 0


def _bandwidth(opts, work, snapshot):
    n = max(100, int(round(100000 * opts.scale)))
    argv = ["--n", str(n), "--fan-in", str(min(1000, n)), "--repeats", "20"]
    env = {"ANNARRAY_CUDA_MODE": "emulate" if opts.emulate else "gpu"}
    print("bandwidth ...", end=" ", flush=True)
    r = run_child("benchmarks.gpu", argv, work, opts.timeout, path=[snapshot], env=env)
    print("FAILED: " + str(r["error"])[-400:] if "error" in r else
          f"{r['spmv_GBps']:.0f} GB/s of {r['copy_GBps']:.0f} GB/s ({r['fraction_of_copy_bandwidth']:.0%})")
    return r


def print_table(rows):
    print(f"\n{'case':<12}{'paradigm':<10}{'us/step':>10}{'simulate s':>12}{'cuda/openmp':>13}")
    by_case = {}
    for row in rows:
        by_case.setdefault(row["case"], {})[row["paradigm"]] = row
    for case, per in by_case.items():
        for paradigm, row in per.items():
            ratio = ""
            if paradigm == "cuda" and "openmp" in per and row["us_per_step"] and per["openmp"]["us_per_step"]:
                ratio = f"{row['us_per_step'] / per['openmp']['us_per_step']:.3f}"
            us = f"{row['us_per_step']:.1f}" if row["us_per_step"] else "failed"
            sim = f"{row['simulate_s']:.3f}" if row["simulate_s"] else ""
            print(f"{case:<12}{paradigm:<10}{us:>10}{sim:>12}{ratio:>13}")


def _parse(argv):
    p = argparse.ArgumentParser(prog="python3 -m benchmarks gpu", description="cuda vs openmp (see the docstring)")
    p.add_argument("--cases", default=",".join(CASES), help="comma-separated (default %(default)s)")
    p.add_argument("--paradigms", default="cuda,openmp", help="comma-separated (default %(default)s)")
    p.add_argument("-j", "--threads", type=int, default=os.cpu_count() or 1, help="openmp threads (default: all)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies every network's size")
    p.add_argument("--bandwidth", action="store_true", help="also measure the weighted-sum bandwidth")
    p.add_argument("--emulate", action="store_true", help="run the cuda cases on the CPU (no GPU: checks the script)")
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--out", default=_DEFAULT_OUT)
    # bandwidth child
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=100000, help=argparse.SUPPRESS)
    p.add_argument("--fan-in", type=int, default=1000, help=argparse.SUPPRESS)
    p.add_argument("--device", type=int, default=0, help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    opts.cases = [c for c in opts.cases.split(",") if c]
    opts.paradigms = [x for x in opts.paradigms.split(",") if x]
    unknown = [c for c in opts.cases if c not in CASES] + [x for x in opts.paradigms if x not in ("cuda", "openmp")]
    if unknown:
        p.error(f"unknown case or paradigm: {', '.join(unknown)}")
    return opts


def main(argv=None):
    opts = _parse(sys.argv[1:] if argv is None else argv)
    if opts.child:
        return bandwidth_child(opts)
    start = time.perf_counter()
    work = tempfile.mkdtemp(prefix="annarray-bench-gpu-")
    try:
        snapshot, snapshot_info = snapshot_annarray(work)
        rows = run_cases(opts, work, snapshot)
        bandwidth = _bandwidth(opts, work, snapshot) if opts.bandwidth else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows)
    results = new_results("gpu", {k: v for k, v in vars(opts).items() if k not in ("child", "n", "fan_in")},
                          emulated=opts.emulate)
    results["annarray_snapshot"] = snapshot_info
    results["cases"] = rows
    results["bandwidth"] = bandwidth
    results["total_s"] = time.perf_counter() - start
    write_results(results, opts.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
