"""``BoldMonitor``: records a BOLD signal computed from the activity of populations.

The monitor is made of annarray's own objects: one :class:`~annarray.core.population.Population`
of a single neuron of the BOLD model (disabled until :meth:`BoldMonitor.start`), one
:class:`~annarray.extensions.bold.accumulation.BoldInputProjection` per (input, recorded
population) pair, and a :class:`~annarray.core.monitor.Monitor` of the model's variables.
"""

import inspect
import numbers

from annarray.core.monitor import Monitor
from annarray.core.population import Population, PopulationView, population_of
from annarray.errors import NetworkError
from annarray.extensions.bold.accumulation import BoldInputProjection, check_baseline
from annarray.extensions.bold.balloon import balloon_RN
from annarray.extensions.bold.model import BoldModel

__all__ = ["BoldMonitor"]


class BoldMonitor:
    """Monitors the BOLD signal of a group of populations through a BOLD model.

    :param populations: a population (or view) or a list of them: the recorded region.
    :param bold_model: a :class:`BoldModel` instance or class (default :class:`balloon_RN`).
    :param mapping: model input → variable of the recorded populations, e.g. ``{'I_CBF': 'r'}``
        (each step the input receives the weighted mean of that variable).
    :param scale_factor: one weight per population (or one number for all). Default: each
        population's share of the neurons, ``size / total size``.
    :param normalize_input: baseline period in ms per population (or one number for all);
        0 means no baseline. With a baseline, the input is the relative change of the mean
        from its mean over the first ``normalize_input`` ms after :meth:`start`.
    :param recorded_variables: variables of the model to record; the model's outputs
        (``BOLD``) are always added (the list is then sorted, as the reference does).
    :param start: start at once (with a baseline, it starts at the first step).
    :param net_id: accepted for compatibility: the objects are created in the network of
        the recorded populations.
    :param copied: accepted for compatibility (the reference's internal flag).

    The model's attributes are read and set on the monitor (``bold.phi = 0.8``).
    ``get(variable)`` returns an array of shape ``(steps, 1)``.
    """

    def __init__(self, populations=None, bold_model=balloon_RN, mapping=None, scale_factor=None,
                 normalize_input=None, recorded_variables=None, start=False, net_id=0, copied=False):
        model = bold_model() if inspect.isclass(bold_model) else bold_model
        if not isinstance(model, BoldModel):
            raise NetworkError(f"BoldMonitor: bold_model must be a BoldModel (or its class), got "
                               f"{type(model).__name__}")
        mapping = {"I_CBF": "r"} if mapping is None else dict(mapping)
        pops = _population_list(populations)
        net = population_of(pops[0])._net
        if any(population_of(p)._net is not net for p in pops):
            raise NetworkError("BoldMonitor: the recorded populations belong to different networks")
        scales = _per_population(scale_factor, pops, "scale_factor")
        if not scales:
            total = sum(p.size for p in pops)
            scales = [p.size / total for p in pops]
        baselines = _per_population(normalize_input, pops, "normalize_input") or [0] * len(pops)
        for value in baselines:
            check_baseline(value, net.dt, "BoldMonitor")
        _check_mapping(mapping, model, pops)
        recorded = _recorded_variables(recorded_variables, model)
        self._build(net, model, pops, mapping, scales, baselines, recorded, start)
        self.name = "bold_monitor"
        self._initialized = True

    def _build(self, net, model, pops, mapping, scales, baselines, recorded, start):
        """Creates the population, its input projections and the monitor (inputs checked)."""
        model._model_instantiated = True
        pop = Population(1, model, name=_unique_name(net, model.name), network=net)
        if not start:
            pop.disable()
        self._bold_pop = pop
        self._monitor = Monitor(pop, recorded, start=start)
        self._acc_proj = [
            BoldInputProjection(p, pop, target, variable, scale, baseline)
            for target, variable in mapping.items()
            for p, scale, baseline in zip(pops, scales, baselines, strict=True)
        ]
        if start:
            for proj in self._acc_proj:
                proj.start_baseline()
        self._populations = pops
        self._bold_model = model
        self._mapping = mapping
        self._scale_factor = scales
        self._normalize_input = baselines
        self._recorded_variables = recorded
        self._start = start

    # -- recording --------------------------------------------------------------------------
    def start(self):
        """Starts recording and computing the model (and the baselines, if any)."""
        self._monitor.start()
        self._bold_pop.enable()
        for proj in self._acc_proj:
            proj.start_baseline()

    def stop(self):
        """Stops recording (the data not yet read is discarded) and freezes the model."""
        self._monitor.stop()
        self._bold_pop.disable()

    def get(self, variable):
        """Recorded values of ``variable`` since the last ``get()``, shape ``(steps, 1)``."""
        return self._monitor.get(variable)

    @property
    def population(self):
        """The population of the BOLD model (one neuron)."""
        return self._bold_pop

    @property
    def monitor(self):
        """The :class:`Monitor` recording the model's variables."""
        return self._monitor

    @property
    def projections(self):
        """The input projections, one per (input, recorded population)."""
        return list(self._acc_proj)

    # -- the model's attributes -------------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("_") or "_bold_pop" not in self.__dict__:
            raise AttributeError(name)
        pop = self.__dict__["_bold_pop"]
        if name in pop.attributes:
            return getattr(pop, name)
        raise AttributeError(f"'BoldMonitor' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if not self.__dict__.get("_initialized") or name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name in self._bold_pop.attributes:
            setattr(self._bold_pop, name, value)
        else:
            raise AttributeError(f"BoldMonitor: '{name}' is not an attribute of the BOLD model "
                                 f"'{self._bold_model.name}' ({', '.join(self._bold_pop.attributes)})")


def _population_list(populations):
    if populations is None:
        raise NetworkError("BoldMonitor: give the recorded population or list of populations "
                           "(populations=...)")
    pops = list(populations) if isinstance(populations, (list, tuple)) else [populations]
    if not pops:
        raise NetworkError("BoldMonitor: populations= is an empty list")
    for p in pops:
        if not isinstance(p, (Population, PopulationView)):
            raise NetworkError(f"BoldMonitor: populations= takes populations or views, got "
                               f"{type(p).__name__}")
    return pops


def _per_population(value, pops, what):
    """One number per population: a list as given, a number repeated, [] when None."""
    if value is None:
        return []
    values = list(value) if isinstance(value, (list, tuple)) else [value] * len(pops)
    if len(values) != len(pops):
        raise NetworkError(f"BoldMonitor: {what} has {len(values)} values for {len(pops)} populations")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise NetworkError(f"BoldMonitor: {what} takes numbers, got {v!r}")
    return [float(v) for v in values]


def _check_mapping(mapping, model, pops):
    if not mapping:
        raise NetworkError("BoldMonitor: mapping= is empty; map each model input to a variable, "
                           "e.g. {'I_CBF': 'r'}")
    for target, variable in mapping.items():
        if target not in model.inputs:
            raise NetworkError(f"BoldMonitor: the key '{target}' of mapping is not an input of the "
                               f"BOLD model '{model.name}' (inputs: {', '.join(model.inputs)})")
        for p in pops:
            attributes = population_of(p).neuron_type.attributes
            if variable not in attributes:
                raise NetworkError(f"BoldMonitor: mapping['{target}'] = '{variable}' is not an "
                                   f"attribute of population '{population_of(p).name}' "
                                   f"({', '.join(attributes)})")


def _recorded_variables(recorded_variables, model):
    names = [recorded_variables] if isinstance(recorded_variables, str) else list(recorded_variables or [])
    for name in names:
        if name not in model.attributes:
            raise NetworkError(f"BoldMonitor: '{name}' in recorded_variables is not an attribute of "
                               f"the BOLD model '{model.name}' ({', '.join(model.attributes)})")
    if not names:
        return model.output
    return sorted(set(names) | set(model.output))


def _unique_name(net, name):
    """``name``, or ``name (2)``, ``name (3)``… when the network already has it."""
    taken = {p.name for p in net.populations}
    candidate, k = name, 1
    while candidate in taken:
        k += 1
        candidate = f"{name} ({k})"
    return candidate
