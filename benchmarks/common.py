"""Plumbing shared by the benchmark suites: child processes, statistics, the results file.

Each measured case runs in a fresh Python process (``python3 -m benchmarks.SUITE --child
…``) that prints one marked JSON line (:func:`emit`); the parent collects it with
:func:`run_child`, so that caches and allocators of one case never help another.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time

__all__ = ["REPO", "emit", "run_child", "median", "stats", "versions", "new_results", "write_results"]

MARK = "@@BENCH-RESULT "
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def emit(result):
    """Child side: prints ``result`` (a dict) for the parent."""
    sys.stdout.write("\n" + MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


def run_child(module, argv, cwd, timeout=600, interpreter=None, path=(), env=None):
    """Runs ``python3 -m module --child argv`` in ``cwd``; its result dict (with
    ``child_wall_s``), or ``{'error': ...}``.

    :param interpreter: the Python to run (default: this one; e.g. the reference's wrapper).
    :param path: folders put before the repository on ``PYTHONPATH`` (e.g. a snapshot).
    :param env: variables added to the child's environment.
    """
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join(list(path) + [REPO]
                                        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    cmd = [interpreter or sys.executable, "-m", module, "--child"] + argv
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s: {' '.join(argv)}"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
            result["child_wall_s"] = time.perf_counter() - start
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
    message = f"child {' '.join(argv)} failed (rc={proc.returncode}):\n    " + "\n    ".join(tail)
    print(message, file=sys.stderr)
    return {"error": message}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def versions():
    from importlib import metadata

    out = {}
    for name in ("numpy", "numexpr", "sympy", "scipy", "threadpoolctl"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def new_results(suite, settings, **extra):
    """The results dict of a run: suite, date, machine, versions, settings, git commit."""
    results = {
        "suite": suite, **extra,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine()},
        "versions": versions(),
        "settings": settings,
    }
    try:
        git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        results["git_commit"] = git.stdout.strip() or None
    except OSError:
        results["git_commit"] = None
    print(f"annarray {suite} benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          + ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v))
    return results


def write_results(results, path):
    """Writes the JSON results file and prints where."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\ntotal {results['total_s']:.0f} s; results written to {path}")
