"""Benchmarks of annarray (not tests: they print figures and ratios, and assert nothing).

Run a suite with ``python3 -m benchmarks SUITE [options]`` from the repository root:

* ``foundation``: ``compile()`` time (cold and warm compile cache), import time, and the
  per-step cost of a ``LeakyIntegrator`` population against a bare-NumPy program doing the
  same arithmetic (see :mod:`benchmarks.foundation`).
* ``projections``: per-step cost of rate-coded projections (non-plastic and Hebb) against a
  bare SciPy SpMV of the same matrix, memory per synapse, connector build and compile time
  (see :mod:`benchmarks.projections`).
* ``run``: the reference's benchmark models (COBA, CUBA, Izhikevich, rate networks at 1 % and
  10 %, STDP) on annarray and on ANNarchy 4.8.2 (and optionally Brian2) in the same run:
  compile and simulate times, firing rates, ratios annarray / reference (see
  :mod:`benchmarks.runner`).
* ``scaling``: cost per step of COBA and of the rate network against their size, with the
  growth exponent (see :mod:`benchmarks.scaling`).

Every suite prints human-readable tables and writes its figures as JSON
(``--out FILE``, by default ``benchmarks/results/<suite>.json``). Timings from the shared
CPU machines are only meaningful as ratios measured in the same run.
"""

SUITES = {
    "foundation": "benchmarks.foundation",
    "gpu": "benchmarks.gpu",
    "projections": "benchmarks.projections",
    "run": "benchmarks.runner",
    "scaling": "benchmarks.scaling",
}

__all__ = ["SUITES"]
