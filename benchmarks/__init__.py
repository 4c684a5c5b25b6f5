"""Benchmarks of annarray (not tests: they print figures and ratios, and assert nothing).

Run a suite with ``python3 -m benchmarks SUITE [options]`` from the repository root:

* ``foundation``: ``compile()`` time (cold and warm compile cache), import time, and the
  per-step cost of a ``LeakyIntegrator`` population against a bare-NumPy program doing the
  same arithmetic (see :mod:`benchmarks.foundation`).
* ``projections``: per-step cost of rate-coded projections (non-plastic and Hebb) against a
  bare SciPy SpMV of the same matrix, memory per synapse, connector build and compile time
  (see :mod:`benchmarks.projections`).

Every suite prints human-readable tables and writes its figures as JSON
(``--out FILE``, by default ``benchmarks/results/<suite>.json``). Timings from the shared
CPU machines are only meaningful as ratios measured in the same run.
"""

SUITES = {
    "foundation": "benchmarks.foundation",
    "projections": "benchmarks.projections",
}

__all__ = ["SUITES"]
