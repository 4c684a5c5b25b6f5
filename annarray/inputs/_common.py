"""Helpers shared by the input generators: time → step conversion and argument checks."""

import numbers

import numpy as np

from annarray.core.population import population_of
from annarray.core.projection_ops import ProjectionOps
from annarray.errors import NetworkError

__all__ = ["check_endpoints", "steps_floor", "steps_round", "extra_parameters", "check_rates", "is_number", "geometry_size",
           "copy_population_state", "DirectRuntime", "instantiate_direct", "copy_projection_state"]

_EPS = 1e-9  # tolerance for times that are whole multiples of dt up to rounding errors


def check_endpoints(kind, name, pre, post, pre_type, post_type, pre_role, post_role):
    """Checks the populations of an input projection ``kind`` ('CurrentInjection'…): both
    populations or views, of the neuron types 'rate'/'spike' required; ``pre_role`` and
    ``post_role`` say why (in the error). Returns the label used in messages."""
    from annarray.core.population import Population, PopulationView

    for role, obj in (("pre", pre), ("post", post)):
        if not isinstance(obj, (Population, PopulationView)):
            raise NetworkError(f"{kind}({role}=...) expects a Population or PopulationView, got {type(obj).__name__}")
    label = f"{kind} '{name}'" if name else kind
    words = {"rate": "rate-coded", "spike": "spiking"}
    for side, obj, wanted, role in (("pre", pre, pre_type, pre_role), ("post", post, post_type, post_role)):
        if population_of(obj).neuron_type.type != wanted:
            raise NetworkError(f"{label}: the {side}synaptic population '{population_of(obj).name}' must be "
                               f"{words[wanted]} ({role})")
    return label


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def geometry_size(geometry):
    """Number of neurons of ``geometry`` (an int or a tuple), or None if it is not valid
    (the population constructor then reports it)."""
    try:
        dims = (int(geometry),) if is_number(geometry) else tuple(int(g) for g in geometry)
    except (TypeError, ValueError):
        return None
    return int(np.prod(dims)) if dims and all(d > 0 for d in dims) else None


def copy_population_state(source, copy):
    """What ``Population._copy`` carries over, for the input populations' own copies."""
    copy._init = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in source._init.items()}
    copy.enabled = source.enabled
    copy._refractory_init = source._refractory_init
    copy._fr_window = source._fr_window
    return copy


def steps_floor(times, dt):
    """Times (ms) → whole steps, truncated as the reference does for schedules and periods
    (``int(t / dt)``), but immune to float noise: 0.3 ms with dt 0.1 gives 3, not 2."""
    values = np.asarray(times, dtype=np.float64) / dt
    return np.floor(values + _EPS * np.maximum(1.0, np.abs(values))).astype(np.int64)


def steps_round(times, dt):
    """Times (ms) → the nearest step (ties to even, as Python's ``round``)."""
    return np.rint(np.asarray(times, dtype=np.float64) / dt).astype(np.int64)


def extra_parameters(parameters, owner):
    """``parameters=`` of an input population (text or dict) as parameter lines."""
    if parameters is None:
        return ""
    if isinstance(parameters, str):
        return parameters
    if isinstance(parameters, dict):
        return "\n".join(f"{name} = {value}" for name, value in parameters.items())
    raise NetworkError(f"{owner}: parameters= takes a text of 'name = value' lines or a dict, "
                       f"got {type(parameters).__name__}")


def check_rates(values, owner, what="rates"):
    """Refuses negative or non-finite firing rates (Hz); returns them as a float array."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise NetworkError(f"{owner}: {what} must be numbers (Hz), got {values!r}") from None
    if not np.all(np.isfinite(arr)):
        raise NetworkError(f"{owner}: {what} must be finite numbers (Hz)")
    if np.any(arr < 0):
        raise NetworkError(f"{owner}: {what} must be >= 0 Hz, got {arr.min()}; "
                           "a negative rate has no meaning (the reference silently emits no spike)")
    return arr


class DirectRuntime(ProjectionOps):
    """The compiled part of a projection whose transmission is written by hand (no
    generated synapse code): what the network's step plan and ``Projection`` read from a
    :class:`~annarray.core.projection_ops.ProjectionOps` (its properties and methods, e.g.
    ``into_conductance`` and ``changed``, are inherited; its constructor, which builds the
    generated kernels, is not run).

    :param proj: the projection; its attributes move to the backend here.
    :param backend: the network's backend.
    """

    def __init__(self, proj, backend):  # ProjectionOps.__init__ is deliberately not called
        xp = backend.xp
        self.proj, self.code, self.backend, self.xp = proj, None, backend, xp
        self.pre, self.post = population_of(proj.pre), population_of(proj.post)
        self.state = {name: xp.asarray(np.asarray(proj._state[name], dtype=proj._dtype(attr)))
                      for name, attr in proj.synapse_type.attributes.items()}
        self.ns = dict(self.state)
        self.events = None  # no spike events
        self.reads_sums = False
        self.psp_ops = []
        self.learning_ops = []
        self.post_ops = []
        self.learning_dt = xp.asarray(np.asarray(proj._net.dt, dtype=backend.float_dtype))


def instantiate_direct(proj, backend, build_ops):
    """Compiles ``proj`` with a :class:`DirectRuntime` whose transmission is ``build_ops(runtime)``."""
    runtime = DirectRuntime(proj, backend)
    proj._runtime = runtime
    proj._state = runtime.state
    runtime.psp_ops = build_ops(runtime)
    proj._reset_values = {n: backend.to_host(runtime.state[n]) for n in proj.variables}


def copy_projection_state(source, copy):
    """What ``Projection._copy`` carries over (the synapses), for the inputs' projections."""
    return source._carry_synapses(copy)
