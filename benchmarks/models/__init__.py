"""Benchmark models: one module per model, each with ``build(sim, **params)``.

``sim`` is the simulator module, ``annarray`` or the reference ``ANNarchy`` (4.8.2): the model
code is the same for both, only the import differs. ``build`` sets the model's ``dt``
(``sim.setup(dt=...)``), creates the populations and projections of the default network
(nothing is compiled) and returns a :class:`BenchModel` that tells the runner how long to
simulate and what to observe. The runner calls ``sim.setup(num_threads=..., seed=...)``
before ``build``.

Models (``MODELS``: the runner's name -> module and fixed parameters):

* ``coba``: COBA network of Vogels & Abbott (2005) as in Brette et al. (2007), benchmark 1:
  4000 conductance-based IF neurons (3200 exc, 800 inh), 2 % connectivity, dt 0.1 ms, 1 s.
* ``cuba``: CUBA network, benchmark 2: the same network with current-based synapses.
* ``izhikevich``: Izhikevich's (2003) pulse-coupled network, 1000 neurons (800 exc, 200
  inh), all-to-all, noisy input, dt 1 ms, 1 s.
* ``rate1``, ``rate10``: 10,000 ``LeakyIntegrator`` neurons (8000 exc, 2000 inh) with random
  connectivity of 1 % and 10 %, dt 1 ms, 1 s.
* ``stdp``: Song, Miller & Abbott (2000): 1000 Poisson inputs (10 Hz) onto 100 IF neurons,
  all-to-all with additive STDP (100,000 plastic synapses), dt 0.1 ms, 1 s.
"""

import dataclasses
import importlib

__all__ = ["BenchModel", "MODELS", "build_model"]


@dataclasses.dataclass
class BenchModel:
    """What ``build`` returns.

    :param duration: simulated time (ms) of one benchmark run.
    :param spiking: whether ``population`` emits spikes (the runner then records them with a
        ``Monitor(population, 'spike')`` and reports the mean firing rate).
    :param population: the population whose activity is reported.
    :param projections: the projections (for the synapse count).
    :param description: one line for the results file.
    """

    duration: float
    spiking: bool
    population: object
    projections: list
    description: str


# runner name -> (module, parameters passed to build)
MODELS = {
    "coba": ("benchmarks.models.coba", {}),
    "cuba": ("benchmarks.models.cuba", {}),
    "izhikevich": ("benchmarks.models.izhikevich", {}),
    "rate1": ("benchmarks.models.rate_network", {"probability": 0.01}),
    "rate10": ("benchmarks.models.rate_network", {"probability": 0.1}),
    "stdp": ("benchmarks.models.stdp", {}),
}


def build_model(name, sim, **params):
    """Builds the model ``name`` of :data:`MODELS` with the simulator module ``sim``."""
    module, fixed = MODELS[name]
    return importlib.import_module(module).build(sim, **{**fixed, **params})
