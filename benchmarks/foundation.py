"""Foundation benchmark: compile() time and the per-step cost of a rate-coded population.

    python3 -m benchmarks foundation [--out FILE] [--quick] [--module annarray]

Two parts, each run in fresh subprocesses (``python3 -m benchmarks.foundation --child ...``)
so that Python-level caches (imported modules, the in-memory kernel cache) do not distort
the figures:

1. **compile()** of a rate neuron with ten equations (ODEs with the exponential, midpoint,
   explicit, rk4 and implicit methods, assignments, ``ite()``, a global ``mean()``, a
   ``Normal`` draw, a ``Constant`` and an ``add_function`` function), 1000 neurons:

   * *cold*: a fresh compile directory (SymPy parse + code generation + kernel build);
   * *warm, new process*: the directory of an earlier run (the disk cache is hit: no
     parsing, no code generation), as when an unchanged script is run again;
   * *warm, new process, SymPy preloaded*: the same with ``import sympy`` done before the
     timer, which shows how much of the warm compile is SymPy's import alone;
   * *warm, same process*: ``compile()``, ``clear()``, the same model again and a second
     ``compile()`` into the same directory (the literal "after clear()" case).

   Each case is run ``--compile-runs`` times (default 5), interleaved; the median is
   reported, with the import time of NumPy and of annarray.
   Targets (from the issue): warm < 0.1 s, cold < 1 s.

2. **Per-step cost** of ``LeakyIntegrator(noise=None)`` with ``setup(dt=1.0)`` at 1e2, 1e4
   and 1e6 neurons with 1 and 2 threads: each measurement runs enough steps for at least
   ``--min-time`` seconds (default 0.5). In the same process, for reference:

   * *plan ops*: annarray's step plan called directly (``for op in plan: op()``), i.e.
     the step without the loop of ``Network._run``;
   * *bare NumPy*: the same arithmetic written by hand with preallocated arrays and
     ``out=`` ufuncs (``v += k*(sum_exc - sum_inh + B - v)``, ``r = max(v - T, 0)``,
     ``k = 1 - exp(-dt/tau)`` computed once): the minimum a NumPy program would spend;
   * *bare numexpr*: the same as two precompiled numexpr expressions called with
     ``out=``, with the same thread count as annarray.

   The configurations are interleaved and the whole sweep repeated ``--repeats`` times
   (default 3); medians are reported, and the ratios annarray / reference.

These are benchmarks, not tests: nothing is asserted; the figures are printed and written
as JSON (``--out``, default ``benchmarks/results/foundation.json``). Timings on shared
machines vary: compare the ratios measured in one run, not lone absolute times.

``--module NAME`` runs the same model scripts on another module with the same interface
(e.g. ``--module ANNarchy`` for the reference simulator, where it is installed); the
annarray-only figures (plan ops, cache hits) are then left out.
"""

import argparse
import math
import os
import shutil
import sys
import tempfile
import time

from benchmarks.common import REPO, emit, median, new_results, run_child, stats, write_results

__all__ = ["main"]

_DEFAULT_OUT = os.path.join(REPO, "benchmarks", "results", "foundation.json")

COMPILE_CASES = (
    ("cold", "cold (fresh directory)"),
    ("warm", "warm, new process"),
    ("warm_sympy", "warm, new process, SymPy preloaded"),
    ("warm_inproc", "warm, same process (after clear())"),
)
COMPILE_SIZE = 1000
TARGETS = {"cold": 1.0, "warm": 0.1, "warm_sympy": 0.1, "warm_inproc": 0.1}

STEP_METHODS = ("annarray", "plan_ops", "numpy", "numexpr")

# ---------------------------------------------------------------------------------------
# The models (shared by the children; ``ann`` is annarray or a module with its interface)
# ---------------------------------------------------------------------------------------

RICH_PARAMETERS = """
    tau = 10.0 : population
    tau_u = 50.0 : population
    tau_w = 100.0 : population
    baseline = 0.1
    eta = 0.01 : population
    thr = 0.5 : population
"""

RICH_EQUATIONS = """
    I = sum(exc) - sum(inh) + baseline + Normal(0.0, 0.05)
    tau * dv/dt + v = I : exponential
    tau_u * du/dt = v - u : midpoint
    tau_w * dw/dt = -w + eta * r * u : explicit
    dx/dt = (ite(v > thr, 1.0, 0.0) - x) / tau : rk4
    dy/dt = (mean(r) - y) / tau_u : implicit
    g = sigm(v - thr, gain)
    h = ite(g > 0.5, g * gain, 0.0)
    z = w * x + y : min=0.0, max=10.0
    r = pos(h + z)
"""


def build_rich_model(ann, size=COMPILE_SIZE):
    """The ten-equation rate neuron of the compile benchmark, in a population of ``size``."""
    ann.setup(dt=1.0)
    ann.add_function("sigm(x, g) = 1.0 / (1.0 + exp(-g * x))")
    ann.Constant("gain", 2.0)
    neuron = ann.Neuron(parameters=RICH_PARAMETERS, equations=RICH_EQUATIONS, name="rich")
    return ann.Population(size, neuron)


# ---------------------------------------------------------------------------------------
# Children (one measurement each, in a fresh interpreter)
# ---------------------------------------------------------------------------------------




def _cache_writes(directory, since_ns):
    """Number of compile-cache files (annarray's ``<dir>/cache/*.pkl``) written since ``since_ns``."""
    folder = os.path.join(directory, "cache")
    if not os.path.isdir(folder):
        return None
    count = 0
    for name in os.listdir(folder):
        if name.endswith(".pkl") and os.stat(os.path.join(folder, name)).st_mtime_ns >= since_ns:
            count += 1
    return count


def child_compile(args):
    import importlib

    t0 = time.perf_counter()
    import numpy as np  # noqa: F401  (timed: part of annarray's import)

    t1 = time.perf_counter()
    ann = importlib.import_module(args.module)
    t2 = time.perf_counter()
    result = {"mode": args.mode, "import_numpy_s": t1 - t0, "import_module_s": t2 - t0}
    if args.mode == "warm_sympy":
        t = time.perf_counter()
        import sympy  # noqa: F401

        result["import_sympy_s"] = time.perf_counter() - t
    if args.mode == "warm_inproc":
        build_rich_model(ann)
        t = time.perf_counter()
        ann.compile(directory=args.dir, silent=True)
        result["first_compile_s"] = time.perf_counter() - t
        ann.clear()
    t = time.perf_counter()
    pop = build_rich_model(ann)
    result["model_definition_s"] = time.perf_counter() - t
    since = time.time_ns()
    t = time.perf_counter()
    ann.compile(directory=args.dir, silent=True)
    result["compile_s"] = time.perf_counter() - t
    result["cache_writes"] = _cache_writes(args.dir, since)
    t = time.perf_counter()
    ann.simulate(1.0)
    result["first_step_s"] = time.perf_counter() - t
    result["sympy_imported"] = "sympy" in sys.modules
    result["r_mean"] = float(np.mean(pop.r))
    emit(result)


def _time_steps(run, min_time):
    """Seconds per step of ``run(n)`` (runs n steps), over at least ``min_time`` seconds.

    ``n`` grows by 4 until a call lasts 50 ms (calibration, which also warms up), then one
    timed call runs enough steps for ``min_time``.
    """
    n = 1
    while True:
        t = time.perf_counter()
        run(n)
        elapsed = time.perf_counter() - t
        if elapsed >= 0.05:
            break
        n *= 4
    nsteps = max(1, math.ceil(1.05 * min_time * n / elapsed))
    t = time.perf_counter()
    run(nsteps)
    elapsed = time.perf_counter() - t
    return {"s_per_step": elapsed / nsteps, "steps": nsteps, "elapsed_s": elapsed}


def _bare_numpy(np, size, B, k, T):
    """A hand-written NumPy step of the leaky integrator: preallocated arrays, out= ufuncs."""
    v = np.zeros(size)
    r = np.zeros(size)
    tmp = np.empty(size)
    se = np.zeros(size)
    si = np.zeros(size)
    B = np.array(B, dtype=np.float64)
    sub, add, mul, maximum = np.subtract, np.add, np.multiply, np.maximum

    def run(n):
        for _ in range(n):
            sub(se, si, out=tmp)
            add(tmp, B, out=tmp)
            sub(tmp, v, out=tmp)
            mul(tmp, k, out=tmp)
            add(v, tmp, out=v)
            sub(v, T, out=r)
            maximum(r, 0.0, out=r)

    return run, v, r


def _bare_numexpr(np, size, B, k, T):
    """The same step as two precompiled numexpr expressions evaluated in place."""
    from numexpr.necompiler import NumExpr

    f64 = np.float64
    v = np.zeros(size)
    r = np.zeros(size)
    se = np.zeros(size)
    si = np.zeros(size)
    B = np.array(B, dtype=f64)
    k_arr, t_arr = np.array(k), np.array(T)
    ex_v = NumExpr("v + k * (se - si + B - v)", signature=[(n, f64) for n in ("v", "k", "se", "si", "B")])
    ex_r = NumExpr("where(v > T, v - T, 0.0)", signature=[("v", f64), ("T", f64)])
    args_v = (v, k_arr, se, si, B)
    kw = {"order": "K", "casting": "unsafe", "ex_uses_vml": False}

    def run(n):
        for _ in range(n):
            ex_v(*args_v, out=v, **kw)
            ex_r(v, t_arr, out=r, **kw)

    return run, v, r


def child_step(args):
    import importlib

    import numpy as np

    ann = importlib.import_module(args.module)
    size, nthreads = args.size, args.nthreads
    tau, T, dt = 10.0, 0.0, 1.0
    k = 1.0 - math.exp(-dt / tau)
    B = np.random.default_rng(1234).uniform(0.0, 1.0, size)
    ann.setup(dt=dt, num_threads=nthreads)
    pop = ann.Population(size, ann.LeakyIntegrator(tau=tau, T=T, noise=None))
    pop.B = B
    ann.compile(directory=args.dir, silent=True)
    result = {"size": size, "threads": nthreads}
    try:
        import numexpr

        numexpr.set_num_threads(nthreads)  # what annarray sets too; explicit for other modules
        result["numexpr_threads"] = numexpr.get_num_threads() if hasattr(numexpr, "get_num_threads") else None
    except ImportError:
        numexpr = None

    # same number of steps from v = 0 in annarray and in bare NumPy: the same numbers?
    check_steps = 20
    ann.simulate(check_steps * dt)
    run_np, v_np, r_np = _bare_numpy(np, size, B, k, T)
    run_np(check_steps)
    result["max_abs_diff_v"] = float(np.max(np.abs(np.asarray(pop.v) - v_np)))
    result["max_abs_diff_r"] = float(np.max(np.abs(np.asarray(pop.r) - r_np)))

    runs = {
        "annarray": lambda n: ann.simulate(n * dt),
        "numpy": _bare_numpy(np, size, B, k, T)[0],
    }
    if numexpr is not None:
        runs["numexpr"] = _bare_numexpr(np, size, B, k, T)[0]
    plan = _annarray_plan(ann)
    if plan is not None:
        result["plan_length"] = len(plan)

        def run_plan(n, plan=plan):
            for _ in range(n):
                for op in plan:
                    op()

        runs["plan_ops"] = run_plan
    order = [m for m in STEP_METHODS if m in runs]
    shift = args.rotate % len(order)
    order = order[shift:] + order[:shift]  # rotate the order between repeats
    result["order"] = order
    for method in order:
        result[method] = _time_steps(runs[method], args.min_time)
    emit(result)


def _annarray_plan(ann):
    """annarray's step plan of the default network (internal; None for other modules)."""
    try:
        from annarray.core.network import default_network

        if getattr(ann, "__name__", "") != "annarray":
            return None
        plan = list(default_network()._plan)
        return plan or None
    except Exception:  # internals changed: leave this figure out
        return None


# ---------------------------------------------------------------------------------------
# Parent: runs the children, prints the tables, writes the JSON
# ---------------------------------------------------------------------------------------








def run_compile(opts, work):
    print(f"compile(): {len(COMPILE_CASES)} cases x {opts.compile_runs} fresh processes ...", flush=True)
    warm_dir = os.path.join(work, "compile-warm")
    prepared = run_child("benchmarks.foundation", ["compile", "--mode", "cold", "--dir", warm_dir, "--module", opts.module], work)
    raw = {case: [] for case, _ in COMPILE_CASES}
    for i in range(opts.compile_runs):
        for case, _ in COMPILE_CASES:
            directory = warm_dir if case in ("warm", "warm_sympy") else os.path.join(work, f"compile-{case}-{i}")
            raw[case].append(run_child("benchmarks.foundation", ["compile", "--mode", case, "--dir", directory, "--module", opts.module], work))
    results = {"model": {"parameters": RICH_PARAMETERS, "equations": RICH_EQUATIONS, "size": COMPILE_SIZE},
               "warm_cache_prepared": "error" not in prepared, "cases": {}}
    for case, label in COMPILE_CASES:
        ok = [r for r in raw[case] if "error" not in r]
        entry = {"label": label, "target_s": TARGETS[case], "errors": [r["error"] for r in raw[case] if "error" in r]}
        for key in ("compile_s", "model_definition_s", "first_step_s", "import_numpy_s", "import_module_s",
                    "import_sympy_s", "first_compile_s"):
            if any(key in r for r in ok):
                entry[key] = stats([r.get(key) for r in ok])
        entry["cache_writes"] = [r.get("cache_writes") for r in ok]
        entry["sympy_imported"] = [r.get("sympy_imported") for r in ok]
        results["cases"][case] = entry
    imports_numpy = [r["import_numpy_s"] for c in raw.values() for r in c if "error" not in r]
    imports_module = [r["import_module_s"] for c in raw.values() for r in c if "error" not in r]
    results["import"] = {"numpy_s": stats(imports_numpy), "module_s": stats(imports_module)}
    return results


def print_compile(res, opts):
    n = opts.compile_runs
    print()
    print(f"compile() of a 10-equation rate neuron ({COMPILE_SIZE} neurons), median of {n} fresh processes")
    header = (f"{'case':38s} {'compile':>9s} {'min':>8s} {'max':>8s} {'target':>7s} {'ratio':>6s}"
              f" {'model def':>10s} {'1st step':>9s} {'cache':>7s}")
    print(header)
    print("-" * len(header))
    for case, label in COMPILE_CASES:
        e = res["cases"].get(case, {})
        c = e.get("compile_s", {})
        if not c or c.get("median") is None:
            print(f"{label:38s} {'failed':>9s}")
            continue
        writes = [w for w in e["cache_writes"] if w is not None]
        cache = "n/a" if not writes else ("miss" if all(w > 0 for w in writes) else
                                          "hit" if all(w == 0 for w in writes) else "mixed")
        ratio = c["median"] / e["target_s"]
        print(f"{label:38s} {c['median']:8.3f}s {c['min']:7.3f}s {c['max']:7.3f}s {e['target_s']:6.2f}s"
              f" {ratio:5.2f}x {e['model_definition_s']['median'] * 1e3:8.1f}ms"
              f" {e['first_step_s']['median'] * 1e3:7.2f}ms {cache:>7s}")
    warm, warm_sympy = res["cases"].get("warm", {}), res["cases"].get("warm_sympy", {})
    if warm_sympy.get("import_sympy_s"):
        print(f"  import sympy alone (warm, SymPy preloaded case): {warm_sympy['import_sympy_s']['median']:.3f} s;"
              f" sympy imported during a warm compile: {all(warm.get('sympy_imported') or [False])}")
    imp = res["import"]
    if imp["module_s"]["median"] is not None:
        print(f"  import {opts.module} (incl. NumPy): {imp['module_s']['median']:.3f} s"
              f"  [NumPy alone: {imp['numpy_s']['median']:.3f} s]  median of {len(imp['module_s']['runs'])}"
              " fresh processes")
    print("  ratio = median / target (< 1 meets the target); cache: compile-cache files written (miss) or not (hit)")


def run_step(opts, work):
    configs = [(size, threads) for threads in opts.threads for size in opts.sizes]
    print(f"per-step cost: {len(configs)} configurations x {opts.repeats} repeats, "
          f">= {opts.min_time} s per measurement ...", flush=True)
    step_dir = os.path.join(work, "step")
    raw = {c: [] for c in configs}
    for rep in range(opts.repeats):
        for size, threads in configs:
            argv = ["step", "--size", str(size), "--nthreads", str(threads), "--dir", step_dir,
                    "--min-time", str(opts.min_time), "--rotate", str(rep), "--module", opts.module]
            raw[(size, threads)].append(run_child("benchmarks.foundation", argv, work))
    rows = []
    for size, threads in configs:
        ok = [r for r in raw[(size, threads)] if "error" not in r]
        row = {"size": size, "threads": threads, "errors": [r["error"] for r in raw[(size, threads)] if "error" in r]}
        for method in STEP_METHODS:
            per = [r[method]["s_per_step"] for r in ok if method in r]
            if per:
                st = stats([p * 1e6 for p in per])
                row[method] = {"us_per_step": st, "ns_per_neuron_step": st["median"] * 1e3 / size,
                               "steps": [r[method]["steps"] for r in ok if method in r]}
        # ratios per repeat (annarray and the reference measured in the same process, one
        # after the other), then the median: less sensitive to load drifting between runs
        for ref in ("numpy", "numexpr", "plan_ops"):
            ratios = [r["annarray"]["s_per_step"] / r[ref]["s_per_step"] for r in ok if "annarray" in r and ref in r]
            row[f"ratio_annarray_over_{ref}"] = median(ratios)
            row[f"ratios_annarray_over_{ref}"] = ratios
        row["max_abs_diff_v"] = max((r.get("max_abs_diff_v", 0.0) for r in ok), default=None)
        row["max_abs_diff_r"] = max((r.get("max_abs_diff_r", 0.0) for r in ok), default=None)
        row["numexpr_threads"] = [r.get("numexpr_threads") for r in ok]
        row["plan_length"] = ok[0].get("plan_length") if ok else None
        rows.append(row)
    return {"model": "LeakyIntegrator(noise=None), setup(dt=1.0)", "rows": rows}


def print_step(res, opts):
    print()
    print(f"LeakyIntegrator(noise=None), dt=1.0: cost of one step, median of {opts.repeats} interleaved runs"
          f" (>= {opts.min_time} s each)")
    header = (f"{'neurons':>9s} {'thr':>3s} | {'annarray':>10s} {'ns/n-step':>9s} | {'plan ops':>10s} |"
              f" {'bare NumPy':>10s} {'ns/n-step':>9s} {'ann/NumPy':>9s} | {'bare numexpr':>12s} {'ann/nexpr':>9s}"
              f" | {'max|dv|':>7s}")
    print(header)
    print("-" * len(header))

    def us(row, m):
        v = row.get(m, {}).get("us_per_step", {}).get("median")
        return f"{v:8.2f}us" if v is not None else f"{'-':>10s}"

    def ns(row, m):
        v = row.get(m, {}).get("ns_per_neuron_step")
        return f"{v:9.3f}" if v is not None else f"{'-':>9s}"

    def ratio(row, ref):
        v = row.get(f"ratio_annarray_over_{ref}")
        return f"{v:8.2f}x" if v is not None else f"{'-':>9s}"

    for row in res["rows"]:
        if row.get("annarray") is None:
            print(f"{row['size']:>9d} {row['threads']:>3d} | failed: {row['errors'][:1]}")
            continue
        diff = row.get("max_abs_diff_v")
        print(f"{row['size']:>9d} {row['threads']:>3d} | {us(row, 'annarray')} {ns(row, 'annarray')} |"
              f" {us(row, 'plan_ops')} | {us(row, 'numpy')} {ns(row, 'numpy')} {ratio(row, 'numpy')} |"
              f" {us(row, 'numexpr'):>12s} {ratio(row, 'numexpr')} | {diff:7.0e}")
    print("  annarray: ann.simulate() per step; plan ops: the step plan's callables alone (no Network._run loop);")
    print("  bare NumPy: 7 out= ufuncs per step (single-threaded whatever thr); bare numexpr: 2 minimal expressions;")
    print("  ratios: median over the repeats of annarray / reference measured in the same process;")
    print("  max|dv|: largest |v_annarray - v_NumPy| after 20 steps from the same state (same arithmetic?)")




def _parse(argv):
    p = argparse.ArgumentParser(prog="python3 -m benchmarks foundation",
                                description="compile() time and per-step cost of annarray (see the module docstring)")
    p.add_argument("--out", default=_DEFAULT_OUT, help="JSON results file (default: %(default)s)")
    p.add_argument("--module", default="annarray", help="simulator module to benchmark (default: annarray)")
    p.add_argument("--compile-runs", type=int, default=5, help="fresh processes per compile case (default 5)")
    p.add_argument("--repeats", type=int, default=3, help="repeats of the per-step sweep (default 3)")
    p.add_argument("--min-time", type=float, default=0.5, help="seconds of work per step measurement (default 0.5)")
    p.add_argument("--sizes", default="100,10000,1000000", help="population sizes (default %(default)s)")
    p.add_argument("--threads", default="1,2", help="thread counts (default %(default)s)")
    p.add_argument("--skip-compile", action="store_true", help="leave out the compile() part")
    p.add_argument("--skip-step", action="store_true", help="leave out the per-step part")
    p.add_argument("--quick", action="store_true", help="smoke run: 1 repeat, 1 compile run, 0.1 s, sizes 100,10000")
    p.add_argument("--keep", action="store_true", help="keep the temporary compile directories")
    # children
    p.add_argument("--child", choices=("compile", "step"), help=argparse.SUPPRESS)
    p.add_argument("--mode", help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    p.add_argument("--nthreads", type=int, help=argparse.SUPPRESS)
    p.add_argument("--rotate", type=int, default=0, help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if opts.quick:
        opts.compile_runs, opts.repeats, opts.min_time = 1, 1, 0.1
        opts.sizes = "100,10000"
    opts.sizes = [int(float(s)) for s in str(opts.sizes).split(",") if s]
    opts.threads = [int(t) for t in str(opts.threads).split(",") if t]
    return opts


def main(argv=None):
    opts = _parse(sys.argv[1:] if argv is None else argv)
    if opts.child == "compile":
        return child_compile(opts)
    if opts.child == "step":
        return child_step(opts)

    start = time.perf_counter()
    work = tempfile.mkdtemp(prefix="annarray-bench-")
    results = new_results("foundation", {"compile_runs": opts.compile_runs, "repeats": opts.repeats,
                                         "min_time_s": opts.min_time, "sizes": opts.sizes,
                                         "threads": opts.threads}, module=opts.module)
    try:
        if not opts.skip_compile:
            results["compile"] = run_compile(opts, work)
        if not opts.skip_step:
            results["step"] = run_step(opts, work)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["total_s"] = time.perf_counter() - start

    if "compile" in results:
        print_compile(results["compile"], opts)
    if "step" in results:
        print_step(results["step"], opts)
    write_results(results, opts.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
