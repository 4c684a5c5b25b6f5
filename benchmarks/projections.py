"""Projections benchmark: transmission cost against a bare SciPy SpMV, memory per synapse,
connector build time.

    python3 -m benchmarks projections [--out FILE] [--quick] [--threads 1] [--size 10000]

Every measurement runs in a fresh subprocess (``python3 -m benchmarks.projections --child
...``) so that the memory figures (RSS) and the kernel caches of one case do not leak into
another. Four parts:

1. **Transmission (per-step cost)** of a rate-coded projection ``size x size`` (default
   10,000 x 10,000) at 1 % and 10 % density::

       pre  = Population(size, Neuron(parameters='r0 = 0.0', equations='r = r0'))  # r0 ~ U(0, 1)
       post = Population(size, Neuron(equations='r = sum(exc)'))
       Projection(pre, post, 'exc').connect_fixed_probability(p, Uniform(0, 1))

   with ``setup(num_threads=1)`` (``--threads``). The same two populations without the
   projection are copied into a second ``Network`` (``Network().add([pre, post])``), and
   in the same process, interleaved (the order rotates between repeats):

   * *annarray*: ``simulate(steps)`` of the network with the projection, per step;
   * *no projection*: ``simulate(steps)`` of the copy without it, per step;
   * *SciPy A @ x*: ``A @ x`` with ``A = proj.sparse_matrix()`` (the same CSR matrix) and
     ``x`` the presynaptic rates (SciPy allocates the result);
   * *csr_matvec*: ``scipy.sparse._sparsetools.csr_matvec`` of the same arrays accumulated
     into a preallocated output: the least a SciPy program can spend on the product.

   The projection's cost per step is *annarray - no projection* (whole-step ``simulate``
   timings of both networks, nothing internal is timed). Reported: that cost over each
   SpMV (target <= 1.3) and the whole step over each SpMV; medians of ``--repeats``
   ratios, each taken from timings of the same repeat. Steps per timing: ``--steps``
   (default 200 at 1 %, 50 at 10 %). A correctness check compares ``post.r`` after one
   step with ``A @ pre.r``; ``tracemalloc`` gives the largest temporary allocation during
   a step (a per-step allocation shows up there).

2. **Plastic projection**: the same with ``synapse=Hebb(eta=1e-6)`` (a learning rate
   small enough that the weights stay finite during the run; the cost does not depend on
   it); steps ``--plastic-steps`` (default 100 at 1 %, 20 at 10 %). No target: the ratio to
   the SpMV tells how much learning costs per step.

3. **Memory per synapse** of a non-plastic and a Hebb projection of ``size x size`` at
   10 % (about 10 million synapses, ``Uniform(0, 1)`` weights): every NumPy array
   reachable from the projection after ``compile()`` and one step (``proj._runtime``: its
   ``__dict__``, ``state``, ``ns``, ``indices``, ``full_indptr``, ``_index_cache`` and the
   arrays bound in its step operations; ``proj.__dict__``: ``_conn``, ``_reset_values``),
   deduplicated by memory buffer (``arr.base`` chains, ``np.may_share_memory``), arrays of
   the populations and of the network left out. The same model is compiled at 100 x 100
   and cleared first in that process, so that SymPy's import and code generation do not
   count in the RSS growth. Bytes / nb_synapses is compared with the
   minimum "weights + indices" (8 B float64 + 4 B int32 = 12 B / synapse); buffers whose
   content equals another's (weights, indices) are reported as copies. Cross-checks: the
   process RSS (``/proc/self/statm``) and ``tracemalloc`` (NumPy's allocations) across
   connect, compile and the first steps.

4. **Connector build time** for about 10 million synapses: ``connect_fixed_probability(0.1,
   1.0)`` and ``connect_fixed_number_pre(size/10, 1.0)`` on ``size x size``,
   ``connect_all_to_all(1.0)`` on ``m x m`` with ``m = ceil(size * sqrt(0.1))`` (3163
   for 10,000), each in a fresh process: seconds to connect, then seconds of ``compile()``
   of that network. The same model is first compiled at 100 x 100 and ``clear()``-ed in
   that process (as in part 3), so the timed compile hits the compile cache and shows the
   size-dependent part only.

``--quick``: 2000 x 2000 (400,000 synapses at 10 %), 3 repeats, about 20 s.

These are benchmarks, not tests: nothing is asserted; the figures are printed and written
as JSON (``--out``, default ``benchmarks/results/projections.json``). Timings on shared
machines vary: compare the ratios measured in one run, not lone absolute times.
"""

import argparse
import functools
import math
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
import types

from benchmarks.common import REPO, emit, median, new_results, run_child, stats, write_results

__all__ = ["main"]

_DEFAULT_OUT = os.path.join(REPO, "benchmarks", "results", "projections.json")

STEP_METHODS = ("annarray", "no_projection", "scipy_matmul", "csr_matvec")
SPMV_REFS = (("scipy_matmul", "A @ x"), ("csr_matvec", "csr_matvec"))
TARGET_RATIO = 1.3
HEBB_ETA = 1e-6
MIN_BYTES_PER_SYNAPSE = 12  # float64 weight + int32 presynaptic index
CONNECTORS = ("fixed_probability", "fixed_number_pre", "all_to_all")

# ---------------------------------------------------------------------------------------
# The model (shared by the children)
# ---------------------------------------------------------------------------------------


def build_populations(ann, np, size, seed=1234, pre_size=None):
    """The presynaptic (``r = r0``, r0 ~ U(0, 1)) and postsynaptic (``r = sum(exc)``) populations."""
    pre_size = size if pre_size is None else pre_size
    pre = ann.Population(pre_size, ann.Neuron(parameters="r0 = 0.0", equations="r = r0"), name="pre")
    post = ann.Population(size, ann.Neuron(equations="r = sum(exc)"), name="post")
    pre.r0 = np.random.default_rng(seed).uniform(0.0, 1.0, pre_size)
    return pre, post


def _synapse(ann, name):
    return ann.Hebb(eta=HEBB_ETA) if name == "hebb" else None


def _connect(ann, proj, kind, size, density, weights):
    """Calls the connector ``kind`` on ``proj``."""
    if kind == "fixed_probability":
        return proj.connect_fixed_probability(density, weights)
    if kind == "fixed_number_pre":
        return proj.connect_fixed_number_pre(max(1, int(round(size * density))), weights)
    if kind == "all_to_all":
        return proj.connect_all_to_all(weights)
    raise ValueError(kind)


def _all_to_all_side(size, density):
    """Side of the all-to-all projection with as many synapses as ``size`` x ``size`` at ``density``."""
    return max(1, math.ceil(size * math.sqrt(density) - 1e-9))


# ---------------------------------------------------------------------------------------
# Memory: RSS, and the arrays reachable from a projection
# ---------------------------------------------------------------------------------------


def _rss_bytes():
    """Current resident set size (Linux /proc/self/statm), or None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def _root_buffer(arr):
    """The array owning the memory of ``arr`` (end of its ``.base`` chain of arrays)."""
    import numpy as np

    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


_SKIP_KEYS = {
    "proj",
    "pre",
    "post",
    "backend",
    "code",
    "_net",
    "synapse_type",
    "xp",
    "rng",
    "_post_view",
    "_code",
}


def _walk(obj, path, found, seen, np, depth=0):
    """Collects ``(path, ndarray)`` for every NumPy array reachable from ``obj`` through dicts,
    lists, tuples, ``functools.partial`` objects, closures and plain objects' ``__dict__``
    (not through populations, networks, backends, code objects or modules)."""
    if isinstance(obj, np.ndarray):  # every path to an array is listed; buffers are merged later
        found.append((path, obj))
        return
    if depth > 8 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (str, bytes, int, float, bool, type(None), types.ModuleType, type)):
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key not in _SKIP_KEYS:
                _walk(value, f"{path}[{key!r}]", found, seen, np, depth + 1)
        return
    if isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            _walk(value, f"{path}[{i}]", found, seen, np, depth + 1)
        return
    if isinstance(obj, functools.partial):
        _walk(obj.args, f"{path}.args", found, seen, np, depth + 1)
        _walk(obj.keywords, f"{path}.keywords", found, seen, np, depth + 1)
        return
    if isinstance(obj, types.FunctionType):
        for name, cell in zip(obj.__code__.co_freevars, obj.__closure__ or (), strict=True):
            try:
                value = cell.cell_contents
            except ValueError:  # empty cell
                continue
            if name not in _SKIP_KEYS:
                _walk(value, f"{path}<{name}>", found, seen, np, depth + 1)
        return
    if isinstance(obj, types.MethodType):
        return
    name = type(obj).__name__
    if name in (
        "Population",
        "PopulationView",
        "Network",
        "CPUBackend",
        "ProjectionCode",
        "Generator",
        "SeedSequence",
        "NumExpr",
        "Synapse",
        "Neuron",
        "DelayBuffer",
    ):
        return
    attrs = getattr(obj, "__dict__", None)
    if isinstance(attrs, dict):
        for key, value in attrs.items():
            if key not in _SKIP_KEYS:
                _walk(value, f"{path}.{key}", found, seen, np, depth + 1)


def projection_arrays(proj, net, np):
    """The arrays held by ``proj`` (deduplicated by buffer), and those left out.

    :returns: ``(buffers, excluded)``; each buffer is a dict with its ``bytes``, ``dtype``,
        ``shape`` and the ``paths`` that reach it.
    """
    found, seen = [], set()
    runtime = getattr(proj, "_runtime", None)
    if runtime is not None:
        _walk(runtime.__dict__, "_runtime", found, seen, np)
    _walk({k: v for k, v in proj.__dict__.items() if k != "_runtime"}, "proj", found, seen, np)
    # arrays that belong to the populations or the network (read by the projection, not its own)
    foreign = []
    for pop in {
        id(p): p
        for p in (getattr(proj.pre, "population", proj.pre), getattr(proj.post, "population", proj.post))
    }.values():
        foreign += [a for a in (pop._state or {}).values() if isinstance(a, np.ndarray)]
        foreign += [
            a for a in (getattr(pop, "_reset_values", None) or {}).values() if isinstance(a, np.ndarray)
        ]
    for buf in getattr(net, "_delay_buffers", {}).values():
        foreign += [a for a in vars(buf).values() if isinstance(a, np.ndarray)]
    if getattr(net, "_t", None) is not None:
        foreign.append(net._t)
    buffers, excluded = [], []
    for path, arr in found:
        if any(np.may_share_memory(arr, f) for f in foreign):
            excluded.append(
                {"path": path, "bytes": int(arr.nbytes), "dtype": str(arr.dtype), "shape": list(arr.shape)}
            )
            continue
        root = _root_buffer(arr)
        for entry in buffers:
            if entry["root"] is root or np.may_share_memory(entry["root"], root):
                entry["paths"].append(path)
                if root.nbytes > entry["root"].nbytes:
                    entry["root"] = root
                break
        else:
            buffers.append({"root": root, "paths": [path], "example": arr})
    for entry in buffers:
        root = entry["root"]
        entry.update(bytes=int(root.nbytes), dtype=str(root.dtype), shape=list(root.shape))
    return buffers, excluded


def _content_copies(buffers, nnz, np):
    """Groups of distinct buffers (each >= nnz / 2 elements, not all zero) holding equal values."""
    big = [b for b in buffers if b["root"].size >= max(1, nnz // 2) and b["root"].ndim >= 1]
    groups, used = [], set()
    for i, a in enumerate(big):
        if i in used or not np.any(a["root"]):
            continue
        group = [a]
        for j in range(i + 1, len(big)):
            b = big[j]
            if j in used or b["root"].size != a["root"].size:
                continue
            if np.array_equal(a["root"].ravel(), b["root"].ravel()):
                group.append(b)
                used.add(j)
        if len(group) > 1:
            groups.append(
                {
                    "paths": [g["paths"][0] for g in group],
                    "bytes": [g["bytes"] for g in group],
                    "dtypes": [g["dtype"] for g in group],
                }
            )
    return groups


def memory_report(proj, net, np):
    """Bytes per synapse of the projection's arrays, with the list of arrays and the copies."""
    nnz = max(1, proj.nb_synapses)
    buffers, excluded = projection_arrays(proj, net, np)
    copies = _content_copies(buffers, nnz, np)
    rows = sorted(buffers, key=lambda b: -b["bytes"])
    total = sum(b["bytes"] for b in rows)
    runtime_only = sum(b["bytes"] for b in rows if any(p.startswith("_runtime") for p in b["paths"]))
    return {
        "nb_synapses": proj.nb_synapses,
        "total_bytes": total,
        "bytes_per_synapse": total / nnz,
        "runtime_bytes": runtime_only,
        "runtime_bytes_per_synapse": runtime_only / nnz,
        "minimum_bytes_per_synapse": MIN_BYTES_PER_SYNAPSE,
        "ratio_to_minimum": total / nnz / MIN_BYTES_PER_SYNAPSE,
        "arrays": [
            {
                "paths": b["paths"],
                "bytes": b["bytes"],
                "dtype": b["dtype"],
                "shape": b["shape"],
                "bytes_per_synapse": b["bytes"] / nnz,
            }
            for b in rows
        ],
        "excluded_population_arrays": excluded,
        "equal_content_copies": copies,
    }


# ---------------------------------------------------------------------------------------
# Children (one case each, in a fresh interpreter)
# ---------------------------------------------------------------------------------------




def _alloc_peak(run):
    """Largest traced allocation (bytes above the start) during ``run()`` (tracemalloc)."""
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def _warm_compile(ann, np, args, synapse=None, kind="fixed_probability"):
    """Compiles the same model at 100 x 100 and clears it: SymPy imported, compile cache filled,
    so that what follows measures the size-dependent work only. Returns the compile time."""
    small = 100
    ann.setup(num_threads=args.nthreads, seed=args.seed)
    pre, post = build_populations(ann, np, small)
    _connect(ann, ann.Projection(pre, post, "exc", _synapse(ann, synapse)), kind, small, 0.1, 1.0)
    t = time.perf_counter()
    ann.compile(directory=args.dir, silent=True)
    elapsed = time.perf_counter() - t
    ann.clear()
    ann.setup(num_threads=args.nthreads, seed=args.seed)
    return elapsed


def child_step(args):
    import numpy as np
    from scipy.sparse._sparsetools import csr_matvec

    import annarray as ann

    size, density, steps = args.size, args.density, args.steps
    ann.setup(num_threads=args.nthreads, seed=args.seed)
    pre, post = build_populations(ann, np, size)
    t = time.perf_counter()
    proj = ann.Projection(pre, post, "exc", _synapse(ann, args.synapse))
    proj.connect_fixed_probability(density, ann.Uniform(0.0, 1.0))
    connect_s = time.perf_counter() - t
    base = ann.Network()
    base.add([pre, post])
    t = time.perf_counter()
    ann.compile(directory=args.dir, silent=True)
    compile_s = time.perf_counter() - t
    base.compile(directory=args.dir, silent=True)
    result = {
        "size": size,
        "density": density,
        "synapse": args.synapse,
        "threads": args.nthreads,
        "nb_synapses": proj.nb_synapses,
        "connect_s": connect_s,
        "compile_s": compile_s,
        "steps": steps,
    }

    # correctness: one step from the rates of the previous step gives post.r = A @ pre.r
    ann.step()
    base.step()
    matrix = proj.sparse_matrix()
    x_before = np.array(pre.r)
    ann.step()
    expected = matrix @ x_before
    result["max_abs_diff_post_r"] = float(np.max(np.abs(np.asarray(post.r) - expected)))
    result["max_rel_diff_post_r"] = result["max_abs_diff_post_r"] / max(
        1e-300, float(np.max(np.abs(expected)))
    )

    x = np.array(pre.r)
    out = np.zeros(matrix.shape[0])
    m, n, indptr, indices, data = matrix.shape[0], matrix.shape[1], matrix.indptr, matrix.indices, matrix.data
    result["scipy_index_dtype"] = str(indices.dtype)

    def run_matmul(k):
        for _ in range(k):
            matrix @ x

    def run_matvec(k):
        for _ in range(k):
            csr_matvec(m, n, indptr, indices, data, x, out)

    dt = ann.get_config("dt")
    runs = {
        "annarray": lambda k: ann.simulate(k * dt),
        "no_projection": lambda k: base.simulate(k * dt),
        "scipy_matmul": run_matmul,
        "csr_matvec": run_matvec,
    }
    for method in STEP_METHODS:  # warm-up
        runs[method](max(1, steps // 10))
    raw = {m: [] for m in STEP_METHODS}
    for rep in range(args.repeats):
        order = STEP_METHODS[rep % len(STEP_METHODS) :] + STEP_METHODS[: rep % len(STEP_METHODS)]
        for method in order:
            t = time.perf_counter()
            runs[method](steps)
            raw[method].append((time.perf_counter() - t) / steps)
    result["s_per_step"] = raw
    # largest temporary allocation during 2 steps (tracemalloc traces NumPy's buffers)
    result["alloc_peak_bytes"] = {method: _alloc_peak(lambda r=runs[method]: r(2)) for method in STEP_METHODS}
    result["plan_length"] = len(ann.core.network.default_network()._plan) if hasattr(ann, "core") else None
    result["weights_finite"] = bool(np.all(np.isfinite(proj._runtime.state["w"])))
    emit(result)


def child_memory(args):
    import numpy as np

    import annarray as ann

    _warm_compile(ann, np, args, args.synapse)
    pre, post = build_populations(ann, np, args.size)
    rss = {"start": _rss_bytes()}
    peak0 = _peak_rss_bytes()
    tracemalloc.start()
    traced = {}
    proj = ann.Projection(pre, post, "exc", _synapse(ann, args.synapse))
    proj.connect_fixed_probability(args.density, ann.Uniform(0.0, 1.0))
    rss["after_connect"] = _rss_bytes()
    traced["after_connect"] = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    ann.compile(directory=args.dir, silent=True)
    rss["after_compile"] = _rss_bytes()
    traced["after_compile"] = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    ann.step()
    ann.step()
    rss["after_2_steps"] = _rss_bytes()
    traced["after_2_steps"] = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nnz = max(1, proj.nb_synapses)
    result = {
        "size": args.size,
        "density": args.density,
        "synapse": args.synapse,
        "nb_synapses": proj.nb_synapses,
    }
    result["rss_bytes"] = rss
    result["rss_growth_bytes_per_synapse"] = {
        k: (v - rss["start"]) / nnz for k, v in rss.items() if v is not None and rss["start"] is not None
    }
    result["peak_rss_growth_bytes_per_synapse"] = (_peak_rss_bytes() - peak0) / nnz
    result["tracemalloc"] = {
        k: {
            "current_bytes": c,
            "peak_bytes": p,
            "current_bytes_per_synapse": c / nnz,
            "peak_bytes_per_synapse": p / nnz,
        }
        for k, (c, p) in traced.items()
    }
    result["arrays"] = memory_report(proj, ann.core.network.default_network(), np)
    emit(result)


def child_connector(args):
    import numpy as np

    import annarray as ann

    kind, size, density = args.connector, args.size, args.density
    small_compile = _warm_compile(ann, np, args, None, kind)
    n = _all_to_all_side(size, density) if kind == "all_to_all" else size
    pre, post = build_populations(ann, np, n)
    rss0 = _rss_bytes()
    peak0 = _peak_rss_bytes()
    proj = ann.Projection(pre, post, "exc")
    t = time.perf_counter()
    _connect(ann, proj, kind, n, density, 1.0)
    connect_s = time.perf_counter() - t
    rss_connect = _rss_bytes()
    peak_connect = _peak_rss_bytes()
    t = time.perf_counter()
    ann.compile(directory=args.dir, silent=True)
    compile_s = time.perf_counter() - t
    rss_compile = _rss_bytes()
    t = time.perf_counter()
    ann.step()
    first_step_s = time.perf_counter() - t
    nnz = max(1, proj.nb_synapses)
    mem = memory_report(proj, ann.core.network.default_network(), np)
    result = {
        "connector": kind,
        "pre_size": n,
        "post_size": n,
        "nb_synapses": proj.nb_synapses,
        "description": proj.connector_description,
        "connect_s": connect_s,
        "compile_s": compile_s,
        "compile_small_s": small_compile,
        "first_step_s": first_step_s,
        "rss_growth_connect_bytes_per_synapse": (rss_connect - rss0) / nnz if rss0 else None,
        "rss_growth_compile_bytes_per_synapse": (rss_compile - rss0) / nnz if rss0 else None,
        "peak_rss_growth_connect_bytes_per_synapse": (peak_connect - peak0) / nnz,
        "peak_rss_growth_bytes_per_synapse": (_peak_rss_bytes() - peak0) / nnz,
        "bytes_per_synapse": mem["bytes_per_synapse"],
        "arrays": [{"path": a["paths"][0], "bytes": a["bytes"], "dtype": a["dtype"]} for a in mem["arrays"]],
        "linear_dense": proj.nb_synapses == n * n,
    }
    emit(result)


# ---------------------------------------------------------------------------------------
# Parent: runs the children, prints the tables, writes the JSON
# ---------------------------------------------------------------------------------------




def _common(opts, work):
    """Options of every child: one compile directory for all (the compile cache is shared)."""
    return ["--dir", os.path.join(work, "compile"), "--seed", str(opts.seed)]


def run_step(opts, work):
    rows = []
    configs = [(syn, d, th) for syn in ("default", "hebb") for d in opts.densities for th in opts.threads]
    print(
        f"transmission: {len(configs)} configurations x {opts.repeats} repeats"
        f" ({opts.size} x {opts.size}) ...",
        flush=True,
    )
    for synapse, density, threads in configs:
        steps_list = opts.steps if synapse == "default" else opts.plastic_steps
        steps = steps_list[min(opts.densities.index(density), len(steps_list) - 1)]
        argv = [
            "step",
            "--size",
            str(opts.size),
            "--density",
            str(density),
            "--synapse",
            synapse,
            "--nthreads",
            str(threads),
            "--steps",
            str(steps),
            "--repeats",
            str(opts.repeats),
        ]
        r = run_child("benchmarks.projections", argv + _common(opts, work), work)
        row = {"synapse": synapse, "density": density, "threads": threads, "steps": steps}
        if "error" in r:
            row["error"] = r["error"]
            rows.append(row)
            continue
        row.update(
            {
                k: r[k]
                for k in (
                    "nb_synapses",
                    "connect_s",
                    "compile_s",
                    "child_wall_s",
                    "max_abs_diff_post_r",
                    "max_rel_diff_post_r",
                    "alloc_peak_bytes",
                    "weights_finite",
                    "plan_length",
                    "scipy_index_dtype",
                )
            }
        )
        raw = r["s_per_step"]
        for method in STEP_METHODS:
            row[method] = {"us_per_step": stats([v * 1e6 for v in raw[method]])}
        cost = [a - b for a, b in zip(raw["annarray"], raw["no_projection"], strict=True)]
        row["projection_cost"] = {"us_per_step": stats([v * 1e6 for v in cost])}
        for ref, _ in SPMV_REFS:
            ratios = [c / s for c, s in zip(cost, raw[ref], strict=True)]
            whole = [a / s for a, s in zip(raw["annarray"], raw[ref], strict=True)]
            row[f"ratio_cost_over_{ref}"] = median(ratios)
            row[f"ratios_cost_over_{ref}"] = ratios
            row[f"ratio_step_over_{ref}"] = median(whole)
            row[f"ratios_step_over_{ref}"] = whole
        row["ns_per_synapse_step"] = (
            row["projection_cost"]["us_per_step"]["median"] * 1e3 / max(1, r["nb_synapses"])
        )
        if synapse == "default":
            row["target_ratio"] = TARGET_RATIO
        rows.append(row)
    return {
        "model": {
            "pre": "Neuron(parameters='r0 = 0.0', equations='r = r0'), r0 ~ U(0, 1)",
            "post": "Neuron(equations='r = sum(exc)')",
            "projection": "Projection(pre, post, 'exc', synapse).connect_fixed_probability(p, Uniform(0, 1))",
            "plastic_synapse": f"Hebb(eta={HEBB_ETA})",
            "size": opts.size,
        },
        "rows": rows,
    }


def print_step(res, opts):
    print()
    print(
        f"Transmission, {opts.size} x {opts.size}, connect_fixed_probability(p, Uniform(0, 1)):"
        " time per step,"
        f" median of {opts.repeats} interleaved repeats"
    )
    header = (
        f"{'synapse':>8s} {'p':>5s} {'thr':>3s} {'synapses':>10s} | {'annarray':>10s} {'no proj':>9s}"
        f" {'proj cost':>10s} {'ns/syn':>6s} | {'A @ x':>10s} {'csr_matvec':>10s} |"
        f" {'cost/A@x':>8s} {'cost/mv':>8s} {'step/mv':>8s} | {'alloc/step':>10s} {'max|dr|':>7s}"
    )
    print(header)
    print("-" * len(header))

    def us(row, key):
        v = row.get(key, {}).get("us_per_step", {}).get("median")
        return f"{v:8.1f}us" if v is not None else f"{'-':>10s}"

    for row in res["rows"]:
        if "error" in row:
            print(
                f"{row['synapse']:>8s} {row['density']:5.2f} {row['threads']:>3d}"
                f" failed: {row['error'][:120]}"
            )
            continue
        alloc = row["alloc_peak_bytes"].get("annarray", 0)
        print(
            f"{row['synapse']:>8s} {row['density']:5.2f} {row['threads']:>3d} {row['nb_synapses']:>10d} |"
            f" {us(row, 'annarray')} {us(row, 'no_projection'):>9s} {us(row, 'projection_cost')}"
            f" {row['ns_per_synapse_step']:6.2f} | {us(row, 'scipy_matmul')} {us(row, 'csr_matvec')} |"
            f" {row['ratio_cost_over_scipy_matmul']:7.2f}x {row['ratio_cost_over_csr_matvec']:7.2f}x"
            f" {row['ratio_step_over_csr_matvec']:7.2f}x | {_fmt_bytes(alloc):>10s}"
            f" {row['max_rel_diff_post_r']:7.0e}"
        )
    print(
        f"  proj cost = annarray step - step of the same populations without the projection (both whole"
        f" simulate() steps); target cost / SpMV <= {TARGET_RATIO} (non-plastic);"
    )
    print(
        "  cost/A@x, cost/mv: proj cost over SciPy's A @ x and over csr_matvec into a preallocated output"
        " (same matrix, proj.sparse_matrix()); step/mv: whole annarray step over csr_matvec;"
    )
    print(
        "  ratios: median over the repeats of ratios of timings taken in the same repeat;"
        " alloc/step: tracemalloc peak during annarray steps;"
        " max|dr|: relative |post.r - A @ pre.r| after a step"
    )
    print(f"  hebb: Hebb(eta={HEBB_ETA}) (transmission + learning), no target")


def run_memory(opts, work):
    print(f"memory: non-plastic and Hebb, {opts.size} x {opts.size} at {opts.memory_density} ...", flush=True)
    out = {}
    for synapse in ("default", "hebb"):
        argv = [
            "memory",
            "--size",
            str(opts.size),
            "--density",
            str(opts.memory_density),
            "--synapse",
            synapse,
            "--nthreads",
            str(opts.threads[0]),
        ]
        out[synapse] = run_child("benchmarks.projections", argv + _common(opts, work), work)
    return out


def _fmt_bytes(n):
    if n is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.1f}{unit}"
    return f"{n:.0f}B"


def print_memory(res, opts):
    print()
    print(
        f"Memory per synapse, {opts.size} x {opts.size} at p = {opts.memory_density}, Uniform(0, 1) weights"
        f" (minimum weights + indices: {MIN_BYTES_PER_SYNAPSE} B/synapse)"
    )
    for synapse, r in res.items():
        if "error" in r:
            print(f"  {synapse}: failed: {r['error'][:200]}")
            continue
        a = r["arrays"]
        rss = r["rss_growth_bytes_per_synapse"]
        tm = r["tracemalloc"]
        print(
            f"  {synapse}: {r['nb_synapses']} synapses: arrays {a['bytes_per_synapse']:.1f} B/synapse"
            f" ({a['ratio_to_minimum']:.2f}x the minimum;"
            f" {a['runtime_bytes_per_synapse']:.1f} B/synapse under"
            f" proj._runtime);"
        )
        print(
            f"      RSS growth: connect {rss.get('after_connect', 0):.1f},"
            f" + compile {rss.get('after_compile', 0):.1f},"
            f" + 2 steps {rss.get('after_2_steps', 0):.1f} B/synapse (peak RSS growth"
            f" {r['peak_rss_growth_bytes_per_synapse']:.1f});"
            f" tracemalloc current after 2 steps {tm['after_2_steps']['current_bytes_per_synapse']:.1f},"
            f" peak during compile {tm['after_compile']['peak_bytes_per_synapse']:.1f} B/synapse"
        )
        for arr in a["arrays"]:
            paths = ", ".join(arr["paths"][:3]) + (" ..." if len(arr["paths"]) > 3 else "")
            print(
                f"      {arr['bytes_per_synapse']:6.2f} B/syn {_fmt_bytes(arr['bytes']):>8s}"
                f" {arr['dtype']:>8s}"
                f" {str(tuple(arr['shape'])):>12s}  {paths}"
            )
        for group in a["equal_content_copies"]:
            print(f"      COPY (equal content, distinct buffers): {', '.join(group['paths'])}")


def run_connectors(opts, work):
    print(
        f"connectors: {', '.join(CONNECTORS)} (~{int(opts.size**2 * opts.memory_density):,} synapses) ...",
        flush=True,
    )
    rows = []
    for kind in CONNECTORS:
        argv = [
            "connector",
            "--connector",
            kind,
            "--size",
            str(opts.size),
            "--density",
            str(opts.memory_density),
            "--nthreads",
            str(opts.threads[0]),
        ]
        r = run_child("benchmarks.projections", argv + _common(opts, work), work)
        r.setdefault("connector", kind)
        rows.append(r)
    return {"rows": rows}


def print_connectors(res, opts):
    print()
    print("Connector build time (weights 1.0), then compile() of that network (warm compile cache)")
    header = (
        f"{'connector':>18s} {'pre x post':>12s} {'synapses':>10s} | {'connect':>8s} {'ns/syn':>6s} |"
        f" {'compile':>8s} {'1st step':>8s} | {'B/syn':>6s} {'RSS B/syn':>9s}"
    )
    print(header)
    print("-" * len(header))
    for r in res["rows"]:
        if "error" in r:
            print(f"{r['connector']:>18s} failed: {r['error'][:160]}")
            continue
        shape = f"{r['pre_size']}x{r['post_size']}"
        print(
            f"{r['connector']:>18s} {shape:>12s} {r['nb_synapses']:>10d} | {r['connect_s']:7.3f}s"
            f" {r['connect_s'] * 1e9 / max(1, r['nb_synapses']):6.1f} | {r['compile_s']:7.3f}s"
            f" {r['first_step_s'] * 1e3:6.1f}ms |"
            f" {r['bytes_per_synapse']:6.1f} {r['rss_growth_compile_bytes_per_synapse']:9.1f}"
        )
    print(
        "  compile: compile() of the network, after the same model was compiled at 100 x 100"
        " and cleared in the"
        " same process (compile cache hit: the size-dependent part);"
    )
    print(
        "  B/syn: the projection's arrays after compile (see the memory part); RSS B/syn: RSS growth over"
        " connect + compile"
    )


def _parse(argv):
    p = argparse.ArgumentParser(
        prog="python3 -m benchmarks projections",
        description="projection transmission, memory and connectors (see the module docstring)",
    )
    p.add_argument("--out", default=_DEFAULT_OUT, help="JSON results file (default: %(default)s)")
    p.add_argument("--size", type=int, default=10000, help="pre and post population size (default 10000)")
    p.add_argument("--densities", default="0.01,0.1", help="connection probabilities (default %(default)s)")
    p.add_argument(
        "--steps",
        default="200,50",
        help="steps per timing of the non-plastic projection, per density (default %(default)s)",
    )
    p.add_argument(
        "--plastic-steps",
        default="100,20",
        help="steps per timing of the Hebb projection, per density (default %(default)s)",
    )
    p.add_argument("--repeats", type=int, default=5, help="interleaved repeats per configuration (default 5)")
    p.add_argument("--threads", default="1", help="num_threads of setup(), comma-separated (default 1)")
    p.add_argument(
        "--memory-density",
        type=float,
        default=0.1,
        help="density of the memory and connector cases (default 0.1)",
    )
    p.add_argument("--seed", type=int, default=1234, help="setup(seed=...) (default 1234)")
    p.add_argument("--skip-step", action="store_true", help="leave out the transmission part")
    p.add_argument("--skip-memory", action="store_true", help="leave out the memory part")
    p.add_argument("--skip-connectors", action="store_true", help="leave out the connector part")
    p.add_argument("--quick", action="store_true", help="smaller run: 2000 x 2000, 3 repeats (about 20 s)")
    p.add_argument("--keep", action="store_true", help="keep the temporary compile directories")
    # children
    p.add_argument("--child", choices=("step", "memory", "connector"), help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--density", type=float, help=argparse.SUPPRESS)
    p.add_argument("--synapse", choices=("default", "hebb"), default="default", help=argparse.SUPPRESS)
    p.add_argument("--nthreads", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--connector", choices=CONNECTORS, help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if opts.child == "step":
        opts.steps = int(opts.steps)
        return opts
    if opts.child:
        return opts
    if opts.quick:
        opts.size, opts.repeats = 2000, 3
        opts.steps, opts.plastic_steps = "2000,400", "1000,200"
    opts.densities = [float(d) for d in str(opts.densities).split(",") if d]
    opts.steps = [int(s) for s in str(opts.steps).split(",") if s]
    opts.plastic_steps = [int(s) for s in str(opts.plastic_steps).split(",") if s]
    opts.threads = [int(t) for t in str(opts.threads).split(",") if t]
    return opts


def main(argv=None):
    opts = _parse(sys.argv[1:] if argv is None else argv)
    if opts.child == "step":
        return child_step(opts)
    if opts.child == "memory":
        return child_memory(opts)
    if opts.child == "connector":
        return child_connector(opts)

    start = time.perf_counter()
    work = tempfile.mkdtemp(prefix="annarray-bench-proj-")
    results = new_results("projections", {
        "size": opts.size,
        "densities": opts.densities,
        "steps": opts.steps,
        "plastic_steps": opts.plastic_steps,
        "repeats": opts.repeats,
        "threads": opts.threads,
        "memory_density": opts.memory_density,
        "seed": opts.seed,
        "quick": opts.quick,
        "hebb_eta": HEBB_ETA,
        "target_ratio": TARGET_RATIO,
    })
    try:
        if not opts.skip_step:
            results["step"] = run_step(opts, work)
        if not opts.skip_memory:
            results["memory"] = run_memory(opts, work)
        if not opts.skip_connectors:
            results["connectors"] = run_connectors(opts, work)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["total_s"] = time.perf_counter() - start

    if "step" in results:
        print_step(results["step"], opts)
    if "memory" in results:
        print_memory(results["memory"], opts)
    if "connectors" in results:
        print_connectors(results["connectors"], opts)
    write_results(results, opts.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
