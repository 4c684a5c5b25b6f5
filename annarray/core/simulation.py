"""Module-level simulation functions, acting on the default network (id 0)."""

from annarray import config
from annarray.core.network import _networks, clear_networks, default_network
from annarray.core.population import population_of

__all__ = [
    "compile", "simulate", "simulate_until", "step", "reset", "get_time", "set_time",
    "get_current_step", "set_current_step", "get_population", "populations", "monitors",
    "projections", "clear", "get_projection", "enable_learning", "disable_learning",
]


def _net(net_id=0):
    return default_network() if net_id == 0 else _networks[net_id]


def compile(directory="__annarray__", clean=False, populations=None, projections=None, compiler="default",
            compiler_flags="", add_sources="", extra_libs="", cuda_config=None, annarchy_json="",
            silent=False, debug_build=False, profile_enabled=False, net_id=0):
    """Generates and builds the kernels of the default network (see :meth:`Network.compile`)."""
    _net(net_id).compile(directory, clean, compiler, compiler_flags, add_sources, extra_libs,
                         cuda_config, annarchy_json, silent, debug_build, profile_enabled)


def simulate(duration, measure_time=False, progress_bar=False, callbacks=True, net_id=0):
    """Simulates ``duration`` ms."""
    return _net(net_id).simulate(duration, measure_time, progress_bar, callbacks)


def simulate_until(max_duration, population, operator="and", measure_time=False, net_id=0):
    """Simulates until the stop condition(s) of ``population`` hold; returns the duration (ms)."""
    return _net(net_id).simulate_until(max_duration, population, operator, measure_time)


def set_seed(seed, use_seed_seq=True, net_id=0):
    """Seeds annarray's and NumPy's generators (:func:`annarray.config.set_seed`). If network
    ``net_id`` (default: the default network) is compiled, its per-step generators restart
    from the new seed, as the reference's do after ``compile()``."""
    config.set_seed(seed, use_seed_seq)
    net = default_network() if net_id == 0 else _networks.get(net_id)
    if net is not None and net.compiled:
        net.reseed()


def step(net_id=0):
    """Simulates a single step."""
    _net(net_id).step()


def reset(populations=True, projections=False, synapses=False, monitors=True, net_id=0):
    """Restores the compile-time state and sets the time back to 0."""
    _net(net_id).reset(populations, projections, synapses, monitors)


def get_time(net_id=0):
    """Current time (ms)."""
    return _net(net_id).get_time()


def set_time(t, net_id=0):
    _net(net_id).set_time(t)


def get_current_step(net_id=0):
    return _net(net_id).get_current_step()


def set_current_step(t, net_id=0):
    _net(net_id).set_current_step(t)


def get_population(name, net_id=0):
    return _net(net_id).get_population(name)


def populations(net_id=0):
    return list(_net(net_id).populations)


def get_projection(name, net_id=0):
    return _net(net_id).get_projection(name)


def projections(net_id=0, post=None, pre=None, target=None, suppress_error=False):
    """The projections of the network, optionally only those with the given post, pre or target."""
    found = [p for p in _net(net_id).projections
             if (post is None or population_of(p.post) is population_of(post))
             and (pre is None or population_of(p.pre) is population_of(pre))
             and (target is None or p.target == target)]
    return found


def enable_learning(projections=None, period=None, offset=None, net_id=0):
    """Enables learning in all projections (or the listed ones)."""
    net = _net(net_id)
    net._learning_enabled = True
    for proj in projections if projections is not None else net.projections:
        proj.enable_learning(period, offset)  # no period: every step again, as the reference
    net._plan_dirty = True


def disable_learning(projections=None, net_id=0):
    """Disables learning in all projections (or the listed ones)."""
    net = _net(net_id)
    for proj in projections if projections is not None else net.projections:
        proj.disable_learning()
    net._plan_dirty = True


def monitors(net_id=0):
    return list(_net(net_id).monitors)


def clear(functions=True, neurons=True, synapses=True, constants=True):
    """Forgets every population, monitor and network (and global functions/constants)."""
    from annarray.core import globals as g

    clear_networks()
    if functions or constants:
        g.clear_globals()
