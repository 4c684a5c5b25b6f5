"""The reference's benchmark models on annarray and on the reference, ANNarchy 4.8.2, in one run.

    python3 -m benchmarks run [--models coba,cuba,izhikevich,rate1,rate10,stdp]
                              [--simulators annarray,ANNarchy[,brian2,brian2-cython]]
                              [--brian2-python PYTHON] [-j 1,2] [--repeats 3]
                              [--seed 42] [--out benchmarks/results/run.json]

Models (:mod:`benchmarks.models`, identical code for both simulators, only the module passed
in differs): ``coba`` and ``cuba`` (Brette et al. 2007 benchmarks 1 and 2, 4000 neurons, 2 %,
dt 0.1 ms), ``izhikevich`` (pulse-coupled, 1000 neurons, all-to-all, dt 1 ms), ``rate1`` and
``rate10`` (10,000 ``LeakyIntegrator`` neurons, 1 % and 10 %, dt 1 ms), ``stdp`` (1000 Poisson
inputs onto 100 IF neurons, all-to-all STDP, dt 0.1 ms); 1 s of simulated time each.

Brian2 (a second peer, optional): ``brian2`` (numpy runtime) and ``brian2-cython`` run the
translations of COBA, CUBA and the 1 % rate network in :mod:`benchmarks.brian2_models`, with
the interpreter of ``--brian2-python`` (one that has Brian2 installed; annarray never depends
on it). Brian2's runtimes use one thread: they run with the first thread count only, and
the table prints annarray / Brian2 for every thread count. Their *compile* is
``Network.run(0 ms)`` (code generation, and Cython compilation into the case's own cache).

**One case per process.** Every model x simulator x thread count runs in a fresh child
process (``python3 -m benchmarks.runner --child ...``; for the reference
``reference-sim -m benchmarks.runner --child ...``, the wrapper running the reference's
virtualenv, with ``PYTHONPATH`` set to this repository; ``--reference`` names another
interpreter). The child does, and times each part with ``time.perf_counter``:

1. ``setup(num_threads=N, seed=SEED)``, then ``build(sim)`` of the model (``setup(dt=...)``,
   populations, projections, connectors): *build*. The reference creates the synapses of a
   connector inside ``compile()``, annarray when the connector is called, so *build +
   compile* is the fair figure for the start-up cost; both are reported.
2. ``compile(directory=DIR, silent=True)``: *compile*.
3. ``simulate(duration)``, nothing recorded: *simulate*. Reported as seconds and as simulated
   seconds per wall-clock second.
4. Sanity check, not timed: for spiking models, ``pop.compute_firing_rate(duration)`` and a
   second ``simulate(duration)``; the mean of ``pop.r`` is the mean firing rate (Hz) over that
   second period, from ``duration`` to ``2 * duration`` (the timed period is left unrecorded
   because a spike ``Monitor`` or the firing-rate window costs time per step: the window
   doubles the reference's COBA simulate time). For rate models, the mean and the maximum of
   ``pop.r`` after step 3.

**One annarray version per run.** The parent copies the ``annarray`` package of the working
tree into the work directory at the start, and every annarray child imports that copy
(``PYTHONPATH``), so that a run measures one version of the code even while others edit the
tree; the results file records the copy's hash, the git commit and the uncommitted changes
under ``annarray/``.

**Disturbed runs.** Each child measures the CPU time the rest of the machine used during its
timed ``simulate`` (``/proc/stat`` minus its own ``os.times()``). On a 2-core machine another
user's process costs a 1-thread run little but can make a 2-thread OpenMP run of the
reference tens to a hundred times slower (CUBA: 21 s instead of 0.15 s, measured). A run during which other processes used more than
``--max-foreign`` CPUs (default 0.1) on average is run again after ``--retry-wait`` seconds,
up to ``--retries`` times (a cold case again in a fresh directory); the discarded attempts
stay in the JSON, and the table counts the disturbed runs that had to be kept.

**Order and repeats.** ``for repeat: for model: for threads: for simulator``, so that slow
drifts of a shared machine hit every case alike; the table shows the median over
``--repeats`` (and the JSON every run). The seed is the same in every repeat, so every
repeat simulates the same network (annarray's runs are deterministic, and so were the
reference's, with 1 and 2 threads, in the runs made so far).

**Compile directories.** Each case (model, simulator, threads) has its own compile
directory. Repeat 0 compiles in a fresh, empty one (*cold*: the reference spends ~25 s in
code generation and g++, annarray fills its code cache); later repeats reuse that directory
(*warm*: the reference finds its generated code unchanged and skips g++, annarray hits its
on-disk code cache; its compiled-loop cache, normally one per user, is put in the case's
folder with ``ANNARRAY_CACHE_DIR``, so that a cold case compiles every loop). The table shows the cold compile (repeat 0) and the median warm compile
(repeats 1..); ``--cold-always`` compiles every repeat in a fresh directory instead (the cold
figure is then the median, at ~25 s per reference case and repeat). Each child also runs
with its compile directory's parent as working directory, so that nothing lands in the
repository. The directories are removed at the end (``--keep`` keeps them, ``--work`` chooses
where they go).

Ratios are annarray / ANNarchy of medians measured in this run with the same thread count:
below 1 annarray is faster. These are benchmarks, not tests: nothing is asserted.
"""

import argparse
import hashlib
import importlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks.brian2_models import MODELS as BRIAN2_MODELS
from benchmarks.common import REPO, emit, median, new_results, run_child, stats, write_results

__all__ = ["main"]

_DEFAULT_OUT = os.path.join(REPO, "benchmarks", "results", "run.json")
_DEFAULT_REFERENCE = "/work/shared/tools/reference-sim"
MODEL_NAMES = ("coba", "cuba", "izhikevich", "rate1", "rate10", "stdp")
SIMULATORS = ("annarray", "ANNarchy", "brian2", "brian2-cython")
DEFAULT_SIMULATORS = ("annarray", "ANNarchy")
#: Brian2 runtimes: simulator name → code generation target (models in benchmarks.brian2_models)
BRIAN2_TARGETS = {"brian2": "numpy", "brian2-cython": "cython"}


# ---------------------------------------------------------------------------------------
# Child: one model, one simulator, one thread count
# ---------------------------------------------------------------------------------------


def child(args):
    if args.simulator in BRIAN2_TARGETS:
        return brian2_child(args)
    import numpy as np

    from benchmarks.models import MODELS, build_model

    sim = importlib.import_module(args.simulator)
    t = time.perf_counter()
    sim.setup(num_threads=args.nthreads, seed=args.seed)
    if args.paradigm != "openmp":
        sim.setup(paradigm=args.paradigm)
    model = build_model(args.model, sim, **_model_params(args.params))
    build_s = time.perf_counter() - t

    t = time.perf_counter()
    sim.compile(directory=args.dir, silent=True)
    compile_s = time.perf_counter() - t

    dt = float(sim.dt())
    steps = int(round(model.duration / dt))
    cpu0 = _cpu_counters()
    t = time.perf_counter()
    sim.simulate(model.duration)
    simulate_s = time.perf_counter() - t
    cpu1 = _cpu_counters()

    pop = model.population
    result = {
        "model": args.model,
        "model_module": MODELS[args.model][0],
        "description": model.description,
        "simulator": args.simulator,
        "simulator_version": _version(sim),
        "threads": args.nthreads,
        "paradigm": args.paradigm,
        "seed": args.seed,
        "neurons": int(pop.size),
        "synapses": int(sum(p.nb_synapses for p in model.projections)),
        "dt_ms": dt,
        "duration_ms": float(model.duration),
        "steps": steps,
        "build_s": build_s,
        "compile_s": compile_s,
        "simulate_s": simulate_s,
        "us_per_step": simulate_s / steps * 1e6,
        "realtime_factor": model.duration / 1000.0 / simulate_s,
        "spiking": model.spiking,
        "python_path": os.path.dirname(os.path.dirname(os.path.abspath(sim.__file__))),
    }
    result.update(_cpu_use(cpu0, cpu1, simulate_s))
    if model.spiking:
        pop.compute_firing_rate(model.duration)
        t = time.perf_counter()
        sim.simulate(model.duration)
        result["check_simulate_s"] = time.perf_counter() - t
        rates = np.asarray(pop.r, dtype=float)
        result["mean_rate_hz"] = float(rates.mean())
        result["rate_window_ms"] = [float(model.duration), 2.0 * float(model.duration)]
    else:
        r = np.asarray(pop.r, dtype=float)
        result["mean_r"] = float(r.mean())
        result["max_r"] = float(r.max())
    result["finite"] = bool(np.all(np.isfinite(np.asarray(pop.r, dtype=float))))
    emit(result)
    return 0


def _model_params(text):
    """``'n=1000,probability=0.08'`` → ``{'n': 1000, 'probability': 0.08}`` (the scaling sweep)."""
    params = {}
    for item in (text or "").split(","):
        if item:
            key, value = item.split("=", 1)
            params[key] = int(value) if value.lstrip("-").isdigit() else float(value)
    return params


def brian2_child(args):
    """The child of a Brian2 case: build (objects), compile (``run(0 ms)``: Brian2 generates
    and, with Cython, compiles its code objects there), simulate; then the activity check."""
    import brian2 as b2
    import numpy as np

    from benchmarks.brian2_models import build

    b2.prefs.codegen.runtime.cython.cache_dir = os.path.join(args.dir, "cython")
    b2.set_device("runtime")
    t = time.perf_counter()
    model = build(args.model, BRIAN2_TARGETS[args.simulator], args.seed)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    model.net.run(0 * b2.ms)
    compile_s = time.perf_counter() - t
    dt = float(b2.defaultclock.dt / b2.ms)
    steps = int(round(model.duration / dt))
    cpu0 = _cpu_counters()
    t = time.perf_counter()
    model.net.run(model.duration * b2.ms)
    simulate_s = time.perf_counter() - t
    cpu1 = _cpu_counters()
    n = len(model.group)
    result = {
        "model": args.model, "model_module": "benchmarks.brian2_models", "description": model.description,
        "simulator": args.simulator, "simulator_version": f"{b2.__version__} ({BRIAN2_TARGETS[args.simulator]})",
        "threads": args.nthreads, "seed": args.seed, "neurons": n,
        "synapses": int(sum(len(s) for s in model.synapses)), "dt_ms": dt, "duration_ms": float(model.duration),
        "steps": steps, "build_s": build_s, "compile_s": compile_s, "simulate_s": simulate_s,
        "us_per_step": simulate_s / steps * 1e6, "realtime_factor": model.duration / 1000.0 / simulate_s,
        "spiking": model.spiking, "python_path": os.path.dirname(os.path.dirname(os.path.abspath(b2.__file__))),
    }
    result.update(_cpu_use(cpu0, cpu1, simulate_s))
    if model.spiking:
        monitor = b2.SpikeMonitor(model.group)
        model.net.add(monitor)
        t = time.perf_counter()
        model.net.run(model.duration * b2.ms)
        result["check_simulate_s"] = time.perf_counter() - t
        result["mean_rate_hz"] = float(monitor.num_spikes) / n / (model.duration / 1000.0)
        result["rate_window_ms"] = [float(model.duration), 2.0 * float(model.duration)]
        result["finite"] = bool(np.all(np.isfinite(np.asarray(model.group.v))))
    else:
        r = np.asarray(model.group.r, dtype=float)
        result.update(mean_r=float(r.mean()), max_r=float(r.max()), finite=bool(np.all(np.isfinite(r))))
    emit(result)
    return 0


def _cpu_counters():
    """(busy CPU seconds of the whole machine, CPU seconds of this process), or None."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:9]]
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    times = os.times()
    return (sum(values) - values[3] - values[4]) / ticks, times.user + times.system


def _cpu_use(before, after, wall):
    """CPU use during the timed simulate: this process's, and the rest of the machine's
    (other processes: another user's tests disturb a 2-core machine a lot)."""
    if before is None or after is None:
        return {"own_cpu_s": None, "foreign_cpu_s": None, "foreign_cpus": None}
    own = after[1] - before[1]
    foreign = max(0.0, (after[0] - before[0]) - own)
    return {"own_cpu_s": own, "foreign_cpu_s": foreign, "foreign_cpus": foreign / wall if wall > 0 else None}


def _version(sim):
    for attr in ("__release__", "__version__"):
        value = getattr(sim, attr, None)
        if value:
            return str(value)
    return None


# ---------------------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------------------


def _run_with(interpreter, argv, cwd, timeout, path=(), env=None):
    """:func:`benchmarks.common.run_child` of this module with a chosen interpreter (the
    reference's wrapper) and folders put before the repository on ``PYTHONPATH`` (the
    annarray snapshot)."""
    return run_child("benchmarks.runner", argv, cwd, timeout, interpreter=interpreter, path=path, env=env)


def annarray_env(case_dir):
    """annarray's compiled-loop cache inside the case's folder (``ANNARRAY_CACHE_DIR``): a
    cold case starts without any compiled loop, as the reference starts without its
    generated library, and the warm repeats find the case's own loops."""
    return {"ANNARRAY_CACHE_DIR": os.path.join(case_dir, "jit-cache")}


def snapshot_annarray(work):
    """Copies the ``annarray`` package of the working tree into ``work/snapshot``: every
    annarray child of the run imports that copy, so that the run measures one version of the
    code even while the working tree changes. Returns (folder, description)."""
    folder = os.path.join(work, "snapshot")
    shutil.copytree(os.path.join(REPO, "annarray"), os.path.join(folder, "annarray"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # the kernel sources are installed as annarray.kernels
    shutil.copytree(os.path.join(REPO, "kernels"), os.path.join(folder, "annarray", "kernels"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(os.path.join(folder, "annarray")):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as f:
                digest.update(f.read())
    info = {"sha256": digest.hexdigest()[:16]}
    try:
        status = subprocess.run(["git", "status", "--porcelain", "--", "annarray", "kernels"], cwd=REPO,
                                capture_output=True, text=True, timeout=60)
        info["working_tree_changes"] = [line for line in status.stdout.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError):
        info["working_tree_changes"] = None
    return folder, info


def _disturbed(r, opts):
    """Whether other processes used the CPU during the timed simulate of result ``r``."""
    foreign = r.get("foreign_cpu_s")
    return foreign is not None and foreign > max(0.03, opts.max_foreign * r["simulate_s"])


def _case_dir(work, model, simulator, threads, repeat, cold_always):
    name = f"{model}-{simulator}-j{threads}"
    if cold_always:
        name += f"-r{repeat}"
    return os.path.join(work, name)


def _runs(simulator, model, threads, opts):
    """Whether the case is run: Brian2 has its own models only, and its runtimes use one
    thread (run with the first thread count; its figures serve every row of the model)."""
    if simulator in BRIAN2_TARGETS:
        return model in BRIAN2_MODELS and threads == opts.threads[0]
    return True


def run_cases(opts, work, snapshot):
    """Runs every case ``repeats`` times, interleaved; returns the raw results per case and
    the discarded (disturbed) attempts."""
    raw, discarded = {}, []
    total = opts.repeats * sum(_runs(s, m, t, opts) for m in opts.models for t in opts.threads
                               for s in opts.simulators)
    done = 0
    for repeat in range(opts.repeats):
        for model in opts.models:
            for threads in opts.threads:
                for simulator in opts.simulators:
                    if not _runs(simulator, model, threads, opts):
                        continue
                    case_dir = _case_dir(work, model, simulator, threads, repeat, opts.cold_always)
                    cold = not os.path.isdir(case_dir)
                    done += 1
                    for attempt in range(opts.retries + 1):
                        if cold:  # a retry of a cold case compiles cold again
                            shutil.rmtree(case_dir, ignore_errors=True)
                        os.makedirs(case_dir, exist_ok=True)
                        argv = ["--model", model, "--simulator", simulator, "--nthreads", str(threads),
                                "--seed", str(opts.seed), "--dir", os.path.join(case_dir, "compile")]
                        print(f"[{done}/{total}] repeat {repeat} {model} {simulator} -j {threads}"
                              f" ({'cold' if cold else 'warm'} compile"
                              f"{f', retry {attempt}' if attempt else ''}) ...", end=" ", flush=True)
                        if simulator == "annarray":
                            r = _run_with(sys.executable, argv, case_dir, opts.timeout, path=[snapshot],
                                          env=annarray_env(case_dir))
                        elif simulator in BRIAN2_TARGETS:
                            r = _run_with(opts.brian2_python, argv, case_dir, opts.timeout)
                        else:
                            r = _run_with(opts.reference, argv, case_dir, opts.timeout)
                        r.update(repeat=repeat, cold_compile=cold, attempt=attempt)
                        if "error" in r:
                            print("FAILED")
                            break
                        activity = (f"{r['mean_rate_hz']:.2f} Hz" if r["spiking"]
                                    else f"mean r {r['mean_r']:.4f}")
                        r["disturbed"] = _disturbed(r, opts)
                        foreign = r.get("foreign_cpu_s")
                        print(f"compile {r['compile_s']:.2f} s, simulate {r['simulate_s']:.3f} s, {activity}"
                              + (f", other processes {foreign:.2f} CPU s" if foreign else ""))
                        if not r["disturbed"] or attempt == opts.retries:
                            break
                        discarded.append(r)
                        print(f"    disturbed by other processes: again in {opts.retry_wait} s", flush=True)
                        time.sleep(opts.retry_wait)
                    raw.setdefault((model, threads, simulator), []).append(r)
    return raw, discarded


def summarise(raw, opts):
    """One row per case: medians, cold and warm compile, activity, ratios to the reference."""
    rows = []
    for model in opts.models:
        for threads in opts.threads:
            by_sim = {}
            for simulator in opts.simulators:
                if not _runs(simulator, model, threads, opts):
                    continue
                runs = raw.get((model, threads, simulator), [])
                ok = [r for r in runs if "error" not in r]
                row = {"model": model, "threads": threads, "simulator": simulator,
                       "runs_ok": len(ok), "runs_failed": len(runs) - len(ok)}
                if runs and not ok:
                    row["error"] = runs[0]["error"]
                if ok:
                    first = ok[0]
                    cold = [r["compile_s"] for r in ok if r["cold_compile"]]
                    warm = [r["compile_s"] for r in ok if not r["cold_compile"]]
                    row.update({
                        "description": first["description"],
                        "simulator_version": first["simulator_version"],
                        "neurons": first["neurons"],
                        "synapses": stats([r["synapses"] for r in ok]),
                        "steps": first["steps"],
                        "duration_ms": first["duration_ms"],
                        "build_s": stats([r["build_s"] for r in ok]),
                        "compile_s": stats([r["compile_s"] for r in ok]),
                        "compile_cold_s": stats(cold),
                        "compile_warm_s": stats(warm),
                        "build_compile_cold_s": stats([r["build_s"] + r["compile_s"] for r in ok
                                                       if r["cold_compile"]]),
                        "simulate_s": stats([r["simulate_s"] for r in ok]),
                        "us_per_step": stats([r["us_per_step"] for r in ok]),
                        "child_wall_s": stats([r.get("child_wall_s") for r in ok]),
                        "finite": all(r["finite"] for r in ok),
                        "disturbed_runs": sum(bool(r.get("disturbed")) for r in ok),
                        "foreign_cpus": stats([r.get("foreign_cpus") for r in ok]),
                        "spiking": first["spiking"],
                    })
                    sim_med = row["simulate_s"]["median"]
                    row["realtime_factor"] = first["duration_ms"] / 1000.0 / sim_med
                    if first["spiking"]:
                        row["mean_rate_hz"] = stats([r["mean_rate_hz"] for r in ok])
                    else:
                        row["mean_r"] = stats([r["mean_r"] for r in ok])
                        row["max_r"] = stats([r["max_r"] for r in ok])
                by_sim[simulator] = row
                rows.append(row)
            ann, ref = by_sim.get("annarray"), by_sim.get("ANNarchy")
            if ann and ref and ann.get("runs_ok") and ref.get("runs_ok"):
                ann["ratio_to_reference"] = _ratios(ann, ref, raw[(model, threads, "annarray")],
                                                    raw[(model, threads, "ANNarchy")])
            for peer in BRIAN2_TARGETS:
                row = next((r for r in rows if r["model"] == model and r["simulator"] == peer), None)
                if ann and ann.get("runs_ok") and row and row.get("runs_ok"):
                    ann[f"ratio_to_{peer}"] = {key: _ratio(ann[key]["median"], row[key]["median"])
                                               for key in ("simulate_s", "compile_cold_s", "build_compile_cold_s")}
    return rows


def _ratio(a, b):
    return a / b if a is not None and b else None


def _ratios(ann, ref, ann_runs, ref_runs):
    """annarray / ANNarchy: of the medians, and per repeat (same repeat index)."""
    def med(row, key):
        return row[key]["median"]

    out = {key: _ratio(med(ann, key), med(ref, key))
           for key in ("simulate_s", "compile_cold_s", "compile_warm_s", "build_s", "build_compile_cold_s")}
    ref_by_repeat = {r["repeat"]: r for r in ref_runs if "error" not in r}
    per_repeat = [r["simulate_s"] / ref_by_repeat[r["repeat"]]["simulate_s"]
                  for r in ann_runs if "error" not in r and r["repeat"] in ref_by_repeat]
    out["simulate_s_per_repeat"] = per_repeat
    out["simulate_s_median_of_repeat_ratios"] = median(per_repeat)
    return out


def _fmt(value, spec, width, suffix=""):
    return f"{value:{width}{spec}}{suffix}" if value is not None else f"{'-':>{width + len(suffix)}s}"


def print_table(rows, opts, results):
    print()
    print(f"Benchmarks, 1 s of simulated time each; medians of {opts.repeats} interleaved repeats"
          f" (seed {opts.seed}); machine: {results['machine']['cpu_model']},"
          f" {results['machine']['cpu_count']} CPUs")
    header = (f"{'model':>10s} {'thr':>3s} {'simulator':>9s} {'synapses':>10s} | {'build':>7s} {'compile':>8s}"
              f" {'warm':>7s} | {'simulate':>8s} {'max/min':>7s} {'us/step':>8s} {'sim s/s':>7s} | {'activity':>13s} |"
              f" {'sim x':>6s} {'comp x':>7s} {'b+c x':>6s} | {'dist':>4s}")
    print(header)
    print("-" * len(header))
    for row in rows:
        lead = f"{row['model']:>10s} {row['threads']:>3d} {row['simulator']:>9s}"
        if not row.get("runs_ok"):
            print(f"{lead} failed: {row.get('error', 'no run')[:150]}")
            continue
        if row["spiking"]:
            activity = f"{row['mean_rate_hz']['median']:9.2f} Hz"
        else:
            activity = f"r {row['mean_r']['median']:11.4f}"
        ratio = row.get("ratio_to_reference", {})
        sim_spread = row["simulate_s"]["max"] / row["simulate_s"]["min"]
        print(
            f"{lead} {row['synapses']['median']:>10.0f} |"
            f" {_fmt(row['build_s']['median'], '.2f', 6, 's')} {_fmt(row['compile_cold_s']['median'], '.3f', 7, 's')}"
            f" {_fmt(row['compile_warm_s']['median'], '.3f', 6, 's')} |"
            f" {row['simulate_s']['median']:7.3f}s {sim_spread:7.2f} {row['us_per_step']['median']:8.1f}"
            f" {row['realtime_factor']:7.2f} | {activity:>13s} |"
            f" {_fmt(ratio.get('simulate_s'), '.2f', 6)} {_fmt(ratio.get('compile_cold_s'), '.4f', 7)}"
            f" {_fmt(ratio.get('build_compile_cold_s'), '.3f', 6)} | {row['disturbed_runs']:>4d}"
        )
    print("  build: setup + network construction (annarray creates the synapses here, the reference in compile);")
    print("  compile: cold compile in a fresh directory (repeat 0); warm: same directory again (median of the"
          " other repeats);")
    print("  simulate: simulate(1000 ms) with nothing recorded (median; max/min: its spread over the repeats);"
          " sim s/s: simulated seconds per wall second;")
    print("  activity: spiking models: mean firing rate (Hz) over a second, untimed simulate(1000 ms) after the"
          " timed one (compute_firing_rate); rate models: mean of r after the timed run;")
    print("  sim x, comp x, b+c x: annarray / ANNarchy of the medians of simulate, cold compile, and build +"
          " cold compile (same thread count; < 1: annarray faster);")
    print(f"  dist: runs kept although other processes used > {opts.max_foreign} CPU during their timed simulate"
          f" (after {opts.retries} retries);")
    peers = [(row, peer, row[f"ratio_to_{peer}"]) for row in rows for peer in BRIAN2_TARGETS
             if f"ratio_to_{peer}" in row]
    for row, peer, ratio in peers:
        print(f"  annarray / {peer} ({BRIAN2_TARGETS[peer]} runtime, 1 thread), {row['model']} -j {row['threads']}:"
              f" simulate {_fmt(ratio['simulate_s'], '.3f', 6)}, build + cold compile"
              f" {_fmt(ratio['build_compile_cold_s'], '.3f', 6)}")
    snap = results.get("annarray_snapshot", {})
    changes = snap.get("working_tree_changes")
    print(f"  annarray: snapshot {snap.get('sha256')} of the working tree at the start, git {results.get('git_commit')}"
          + (f" + {len(changes)} uncommitted change(s) under annarray/" if changes else "")
          + f"; reference: ANNarchy {results.get('simulator_versions', {}).get('ANNarchy', '-')}")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _compiler_version():
    try:
        out = subprocess.run(["g++", "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.splitlines()[0] if out.stdout else None
    except (OSError, subprocess.SubprocessError):
        return None


def _parse(argv):
    p = argparse.ArgumentParser(
        prog="python3 -m benchmarks run",
        description="the reference's benchmark models on annarray and ANNarchy (see the module docstring)",
    )
    p.add_argument("--models", default=",".join(MODEL_NAMES), help="comma-separated (default %(default)s)")
    p.add_argument("--simulators", default=",".join(DEFAULT_SIMULATORS),
                   help=f"comma-separated, of {', '.join(SIMULATORS)} (default %(default)s; the Brian2"
                        f" runtimes run {', '.join(BRIAN2_MODELS)} only)")
    p.add_argument("--brian2-python", default=os.environ.get("ANNARRAY_BRIAN2_PYTHON", sys.executable),
                   help="interpreter with Brian2 installed (default: this one; environment variable"
                        " ANNARRAY_BRIAN2_PYTHON)")
    p.add_argument("-j", "--threads", default="1", help="num_threads values, comma-separated (default 1)")
    p.add_argument("--repeats", type=int, default=3, help="interleaved repeats (default 3)")
    p.add_argument("--seed", type=int, default=42, help="setup(seed=...) of every run (default 42)")
    p.add_argument("--out", default=_DEFAULT_OUT, help="JSON results file (default: %(default)s)")
    p.add_argument("--reference", default=os.environ.get("ANNARRAY_REFERENCE_SIM", _DEFAULT_REFERENCE),
                   help="interpreter (or wrapper) of the reference's Python (default %(default)s;"
                        " environment variable ANNARRAY_REFERENCE_SIM)")
    p.add_argument("--cold-always", action="store_true",
                   help="compile in a fresh directory in every repeat (default: repeat 0 only)")
    p.add_argument("--max-foreign", type=float, default=0.1,
                   help="a run is disturbed when other processes used more than this many CPUs (on"
                        " average) during its timed simulate (default %(default)s)")
    p.add_argument("--retries", type=int, default=3,
                   help="runs again a disturbed case up to this many times (default %(default)s)")
    p.add_argument("--retry-wait", type=float, default=15.0,
                   help="seconds to wait before running a disturbed case again (default %(default)s)")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per child (default %(default)s)")
    p.add_argument("--work", default=None, help="folder for the compile directories (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the compile directories")
    # child
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", choices=MODEL_NAMES, help=argparse.SUPPRESS)
    p.add_argument("--simulator", choices=SIMULATORS, help=argparse.SUPPRESS)
    p.add_argument("--nthreads", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--params", default="", help=argparse.SUPPRESS)
    p.add_argument("--paradigm", default="openmp", help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if opts.child:
        return opts
    opts.models = [m for m in opts.models.split(",") if m]
    opts.simulators = [s for s in opts.simulators.split(",") if s]
    opts.threads = [int(t) for t in str(opts.threads).split(",") if t]
    for m in opts.models:
        if m not in MODEL_NAMES:
            p.error(f"unknown model {m!r}; models: {', '.join(MODEL_NAMES)}")
    for s in opts.simulators:
        if s not in SIMULATORS:
            p.error(f"unknown simulator {s!r}; simulators: {', '.join(SIMULATORS)}")
    if opts.repeats < 1:
        p.error("--repeats must be >= 1")
    return opts


def main(argv=None):
    opts = _parse(sys.argv[1:] if argv is None else argv)
    if opts.child:
        return child(opts)

    start = time.perf_counter()
    if opts.work:
        os.makedirs(opts.work, exist_ok=True)
        work = tempfile.mkdtemp(prefix="run-", dir=opts.work)
    else:
        work = tempfile.mkdtemp(prefix="annarray-bench-run-")
    settings = {
        "models": opts.models, "simulators": opts.simulators, "threads": opts.threads,
        "repeats": opts.repeats, "seed": opts.seed, "cold_always": opts.cold_always,
        "reference": opts.reference if "ANNarchy" in opts.simulators else None,
        "order": "for repeat: for model: for threads: for simulator",
        "timed": "simulate(duration) with nothing recorded",
    }
    snapshot, snapshot_info = snapshot_annarray(work)
    settings["max_foreign_cpus"] = opts.max_foreign
    settings["retries"] = opts.retries
    results = new_results("run", settings)
    results["annarray_snapshot"] = snapshot_info
    results["machine"]["cpu_model"] = _cpu_model()
    results["machine"]["compiler"] = _compiler_version()
    print(f"work directory {work}; {opts.repeats} repeats x {len(opts.models)} models x"
          f" {len(opts.threads)} thread counts x {len(opts.simulators)} simulators", flush=True)
    try:
        raw, discarded = run_cases(opts, work, snapshot)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["rows"] = summarise(raw, opts)
    results["runs"] = [r for runs in raw.values() for r in runs]
    results["discarded_runs"] = discarded
    versions = {r["simulator"]: r["simulator_version"] for r in results["runs"] if "simulator_version" in r}
    results["simulator_versions"] = versions
    results["total_s"] = time.perf_counter() - start
    print_table(results["rows"], opts, results)
    if discarded:
        print(f"  {len(discarded)} disturbed run(s) discarded and run again (in the JSON: discarded_runs)")
    write_results(results, opts.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
