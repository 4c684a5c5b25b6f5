"""``parallel_run()``: the same simulation method on several networks, in other processes.

Two ways to give the networks, as in the reference:

* ``number=N``: N copies of the default network (as ``Network(everything=True)`` makes
  them: the values the objects had when created/set before compile). Copy ``n`` gets the
  seed ``seed + n`` (``seed``: the configuration's seed, or one drawn at random when none
  is set), or the same seed for all with ``same_seed=True``; the per-step draws of the copy
  and the process-wide generators used by ``RandomDistribution`` objects are seeded with it.
* ``networks=[net1, net2…]``: these networks, with their own seeds.

``method(idx, net, **args)`` runs once per network; the list of its return values comes back
in the order of the networks. Arguments given as a list/tuple/array with one value per
network are split between them; other values go to every network unchanged (the reference
requires the list form).

Where the jobs run:

* ``sequential=True``: one after another in this process (the given networks themselves,
  or fresh copies in ``number`` mode).
* default: a ``multiprocessing`` pool of ``max_processes`` processes. The start method is the
  one set with ``multiprocessing.set_start_method()``, else ``fork`` where the platform has
  it and the paradigm is ``openmp``, else ``spawn`` (``cuda``: a CUDA context does not
  survive ``fork``). With ``fork`` the processes inherit everything, so the given networks
  are used as they are and ``method`` may be any callable. With ``spawn`` (and ``forkserver``)
  the script must guard its ``parallel_run()`` call with ``if __name__ == '__main__':``, as
  Python requires; ``method`` must be a module-level function; each network is sent as its
  definition (the values an ``add()`` copy takes) and compiled in the process;
  ``net.get(obj)`` finds the copies of objects that the re-imported script created again, by
  name.
* ``client=<dask.distributed.Client>`` (annarray's addition, extra ``distributed``): the jobs
  run on that Dask cluster, sent as with ``spawn``. Jobs in one worker process run one at a
  time.
"""

import contextlib
import inspect
import logging
import multiprocessing
import os
import pickle
import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from annarray import config
from annarray.errors import NetworkError

__all__ = ["parallel_run"]

logger = logging.getLogger(__name__)

_context = None  # the _Context of this worker process (set by the pool initializer)
_init_error = None  # traceback of a worker that could not take its context
_job_lock = threading.Lock()  # one job at a time per process (Dask workers may have threads)


@dataclass
class _Context:
    """What every job needs, sent once to each worker process."""

    method: object
    blueprints: list  # pickled uncompiled networks (one per network, or one for number mode)
    compile_job: list  # compile the network made from each blueprint
    directory: str  # compile folder (its disk cache holds the generated code)
    settings: dict  # configuration, constants and functions, for fresh processes
    networks: list = None  # the given networks themselves (sequential / fork)
    visible_cores: list = field(default_factory=list)
    max_processes: int = 1
    parent_pid: int = 0
    portable: bool = False  # sent to processes that do not share this one's memory


@dataclass
class _Job:
    idx: int
    seed: object  # None: keep the network's seeds (networks mode)
    kwargs: dict


@dataclass
class _Failure:
    idx: int
    text: str


def parallel_run(method, networks=None, number=0, max_processes=-1, measure_time=False, sequential=False,
                 same_seed=False, annarchy_json="", visible_cores=(), client=None, **args):
    """Runs ``method(idx, net, **args)`` for several networks, in parallel processes.

    :param method: a function ``f(idx, net, ...)``; ``idx`` is the position of the network
        (0, 1…), ``net`` the :class:`Network`.
    :param networks: a list of networks to run; or
    :param number: the number of copies of the default network to run (compiled first if
        needed).
    :param max_processes: processes started at most (default: one per network, at most the
        number of CPUs; 1 for the ``cuda`` paradigm).
    :param measure_time: print the total time, as the reference.
    :param sequential: run the jobs one after another in this process.
    :param same_seed: ``number`` mode: the same seed for all copies.
    :param annarchy_json: accepted for compatibility (no compiler configuration here).
    :param visible_cores: CPU ids; job ``n`` runs on ``visible_cores[n % max_processes]``
        (needs ``max_processes`` and as many ids).
    :param client: a ``dask.distributed.Client``: run the jobs on its cluster instead.
    :param args: further arguments of ``method``: one value per network (list/tuple/array of
        that length) or one value for all.
    :returns: the values returned by ``method``, in the order of the networks.
    """
    from annarray.core.network import Network, default_network

    visible_cores = list(visible_cores or [])
    _check_request(method, networks, number, max_processes, visible_cores)
    if networks is not None and len(networks) > 0:
        networks = list(networks)
        if not all(isinstance(net, Network) for net in networks):
            raise NetworkError("parallel_run(networks=...): give a list of Network objects")
        count, base = len(networks), None
    else:
        networks, count, base = None, int(number), default_network()
        if not base.compiled:
            logger.warning("parallel_run(): the network is not compiled yet, compiling it now")
            base.compile()
    per_network = _split_arguments(method, args, count)
    seeds = _seeds(count, same_seed) if base is not None else [None] * count
    jobs = [_Job(n, seeds[n], per_network[n]) for n in range(count)]
    if max_processes < 0:
        max_processes = min(count, os.cpu_count() or 1)
        if config.get_config("paradigm") == "cuda":
            logger.warning("parallel_run(): the cuda paradigm runs one process at a time on its GPU")
            max_processes = 1
    start = time.perf_counter()
    ctx = _Context(method, None, None, None, {}, networks, visible_cores, max_processes, os.getpid())
    if sequential:
        outcomes = _run_sequential(ctx, base, jobs)
    elif client is not None:
        outcomes = _run_dask(client, ctx, base, jobs)
    else:
        outcomes = _run_pool(ctx, base, jobs)
    for outcome in outcomes:
        if isinstance(outcome, _Failure):
            raise NetworkError(f"parallel_run(): the run of network {outcome.idx} failed:\n{outcome.text}")
    if measure_time:
        how = "sequentially" if sequential else "in parallel"
        print(f"Running {count} networks {how} took: {time.perf_counter() - start} ")
    return outcomes


# -- checks and job lists --------------------------------------------------------------------
def _check_request(method, networks, number, max_processes, visible_cores):
    if not callable(method):
        raise NetworkError(f"parallel_run(): method must be a function f(idx, net, ...), got {type(method).__name__}")
    if networks is not None and not isinstance(networks, (list, tuple)):
        raise NetworkError("parallel_run(networks=...): give a list of Network objects")
    if not networks and int(number) < 1:
        raise NetworkError("parallel_run(): give the networks to run (networks=[...]) or their number (number=N)")
    if visible_cores and max_processes < 1:
        raise NetworkError("parallel_run(visible_cores=...): set max_processes as well")
    if visible_cores and len(visible_cores) != max_processes:
        raise NetworkError(f"parallel_run(): visible_cores has {len(visible_cores)} entries, "
                           f"max_processes is {max_processes}; give one core per process")


def _split_arguments(method, args, count):
    """One keyword dict per network: sequences of ``count`` values are split, other values
    are given to every network; checks that ``method`` accepts them."""
    per_network = [{} for _ in range(count)]
    for name, value in args.items():
        if isinstance(value, (list, tuple, np.ndarray)):
            if len(value) != count:
                raise NetworkError(
                    f"parallel_run(): the argument '{name}' has {len(value)} values for {count} networks; "
                    "give one value per network, or a single value for all")
            for n in range(count):
                per_network[n][name] = value[n]
        else:
            for n in range(count):
                per_network[n][name] = value
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return per_network
    try:
        signature.bind(0, None, **per_network[0])
    except TypeError as err:
        name = getattr(method, "__name__", repr(method))
        raise NetworkError(f"parallel_run(): {name}(idx, net, ...) cannot be called with the arguments "
                           f"{sorted(args)}: {err}") from None
    return per_network


def _seeds(count, same_seed):
    """``number`` mode: the seed of each copy (config seed + n, or one random base)."""
    seed = config.get_config("seed")
    if seed in (-1, None):
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    return [seed if same_seed else (seed + n) % 2**32 for n in range(count)]


# -- the three ways of running -------------------------------------------------------------
def _start_method():
    """The multiprocessing start method (see the module docstring)."""
    chosen = multiprocessing.get_start_method(allow_none=True)
    if chosen:
        return chosen
    if config.get_config("paradigm") == "openmp" and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _run_pool(ctx, base, jobs):
    method = _start_method()
    if method != "fork":
        _make_portable(ctx, base)
    elif base is not None:
        ctx.blueprints, ctx.compile_job, ctx.directory = [_blueprint(base)], [True], base.directory
    processes = max(1, min(ctx.max_processes, len(jobs)))
    shipped = ctx
    if ctx.portable:  # pickled here, unpickled by the initializer (which reports failures)
        try:
            shipped = pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError) as err:
            raise NetworkError(f"parallel_run(): cannot send the jobs to '{method}' processes ({err}); the "
                               "method must be a module-level function") from None
    with multiprocessing.get_context(method).Pool(processes, initializer=_init_worker, initargs=(shipped,)) as pool:
        return pool.map(_pool_job, jobs, chunksize=1)


def _run_dask(client, ctx, base, jobs):
    _make_portable(ctx, base)
    shared = client.scatter(ctx, broadcast=True)
    futures = [client.submit(_dask_job, shared, job, pure=False) for job in jobs]
    return client.gather(futures)


def _make_portable(ctx, base):
    """Prepares ``ctx`` for processes that do not share this one's memory."""
    sources = [base] if base is not None else ctx.networks
    ctx.blueprints = [_blueprint(net, carry_values=base is None) for net in sources]
    ctx.compile_job = [net.compiled for net in sources]
    ctx.directory = next((net.directory for net in sources if net.directory), None)
    ctx.settings = _settings()
    ctx.networks = None
    ctx.portable = True


# -- network blueprints ------------------------------------------------------------------------
def _blueprint(net, carry_values=False):
    """``net`` as an uncompiled copy (``Network.add`` of all its objects), pickled; its map
    of copies also answers for the objects ``net`` itself was copied from. With
    ``carry_values``, the copy's populations start from ``net``'s current parameter and
    variable values instead of their initial ones."""
    from annarray.core.network import Network, _networks

    copy = Network()
    try:
        copy.add(net.populations + net.projections + net.monitors)
        for key, obj in net._copies.items():
            if id(obj) in copy._copies:
                copy._copies[key] = copy._copies[id(obj)]
        copy._seed = net._seed_entropy()
        if copy._seed is None:
            copy._seed = -1
        if carry_values and net.compiled:
            _carry_population_values(net, copy)
        try:
            return pickle.dumps(copy, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError) as err:
            raise NetworkError(f"parallel_run(): network {net.id} cannot be sent to another process ({err}); "
                               "use sequential=True") from None
    finally:
        _networks.pop(copy.id, None)


def _carry_population_values(net, copy):
    """Sets the attributes of ``copy``'s populations (uncompiled) to the current values of
    ``net``'s populations, through the public getters and setters."""
    from annarray.errors import AnnarrayError

    for pop in net.populations:
        target = copy._copies[id(pop)]
        for name in pop.attributes:
            try:
                setattr(target, name, np.array(getattr(pop, name)))
            except (AnnarrayError, ValueError, TypeError) as err:
                logger.debug("parallel_run(): %s.%s keeps its initial value (%s)", pop.name, name, err)


def _adopt(blob, match_by_name):
    """A network unpickled from ``blob``, registered under a new id in this process."""
    from annarray.core.network import Network, _networks

    net = pickle.loads(blob)
    Network._counter += 1
    net.id = Network._counter
    _networks[net.id] = net
    if match_by_name:  # the caller's objects are other objects here: find copies by name
        net._copies = {}
        net._match_by_name = True
    return net


# -- process-wide settings ----------------------------------------------------------------------
def _settings():
    """Configuration, constants and global functions of this process."""
    from annarray.core.globals import constants, global_functions

    values = {key: config.get_config(key) for key in config._config}  # noqa: SLF001 (no public listing)
    values.pop("seed", None)
    values["clean"] = False
    return {
        "config": values,
        "seed": config.get_config("seed"),
        "constants": {name: c.value for name, c in constants().items()},
        "functions": global_functions(),
    }


def _apply_settings(settings):
    from annarray.core.globals import Constant, add_function, constants

    config.setup(**settings["config"])
    config.set_seed(settings["seed"])
    present = constants()
    for name, value in settings["constants"].items():
        if name in present:
            present[name].set(value)
        else:
            Constant(name, value)
    for name, (arguments, body) in settings["functions"].items():
        add_function(f"{name}({', '.join(arguments)}) = {body}")


@contextlib.contextmanager
def _job_generators(seed, restore):
    """Seeds the process-wide generators with ``seed`` (if not None) for one job; with
    ``restore``, gives the caller's generators back afterwards."""
    if seed is None:
        yield
        return
    saved = (config.get_config("seed"), config._seed_seq, config._rng, np.random.get_state())  # noqa: SLF001
    config.set_seed(seed)
    try:
        yield
    finally:
        if restore:
            config._config["seed"], config._seed_seq, config._rng, state = saved  # noqa: SLF001
            np.random.set_state(state)


@contextlib.contextmanager
def _no_clean():
    """Job networks compile into the shared folder: never empty it."""
    clean = config.get_config("clean")
    if clean:
        config.setup(clean=False)
    try:
        yield
    finally:
        if clean:
            config.setup(clean=True)


# -- one job -----------------------------------------------------------------------------------
def _execute(ctx, job, same_process):
    """Runs one job in this process and returns the method's value."""
    from annarray.core.network import _networks

    made = None
    try:
        with _job_generators(job.seed, restore=same_process), _no_clean():
            if ctx.networks is not None and job.seed is None:
                net = ctx.networks[job.idx]  # the network itself (sequential, or inherited by fork)
            else:
                k = 0 if len(ctx.blueprints) == 1 else job.idx
                net = made = _adopt(ctx.blueprints[k], match_by_name=ctx.portable)
                if job.seed is not None:
                    net.set_seed(job.seed)
                if ctx.compile_job[k]:
                    net.compile(directory=ctx.directory or "__annarray__", silent=True)
            return ctx.method(job.idx, net, **job.kwargs)
    finally:
        if made is not None:
            _networks.pop(made.id, None)


def _run_sequential(ctx, base, jobs):
    if base is not None:
        ctx.blueprints, ctx.compile_job, ctx.directory = [_blueprint(base)], [True], base.directory
    results = []
    for job in jobs:
        try:
            results.append(_execute(ctx, job, same_process=True))
        except Exception as err:
            raise NetworkError(f"parallel_run(): the run of network {job.idx} failed: "
                               f"{type(err).__name__}: {err}") from err
    return results


def _init_worker(shipped):
    """Pool initializer: keeps the context; a process that does not share the caller's memory
    unpickles it and takes the caller's settings."""
    global _context, _init_error
    try:
        if isinstance(shipped, bytes):
            shipped = pickle.loads(shipped)
            _apply_settings(shipped.settings)
        _context = shipped
    except Exception:  # noqa: BLE001 (reported by each job of this process)
        _init_error = traceback.format_exc()


def _pool_job(job):
    if _init_error is not None:
        return _Failure(job.idx, f"the worker process could not be set up:\n{_init_error}")
    ctx = _context
    try:
        if ctx.visible_cores and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {ctx.visible_cores[job.idx % ctx.max_processes]})
        return _execute(ctx, job, same_process=False)
    except Exception:  # noqa: BLE001 (sent back with its traceback)
        return _Failure(job.idx, traceback.format_exc())


def _dask_job(ctx, job):
    """One job on a Dask worker (one at a time per worker process)."""
    with _job_lock:
        here = os.getpid() == ctx.parent_pid
        try:
            if here:  # a worker thread of this very process: its state is already right
                ctx = _Context(**{**ctx.__dict__, "portable": False})
            else:
                _apply_settings(ctx.settings)
            return _execute(ctx, job, same_process=here)
        except Exception:  # noqa: BLE001 (sent back with its traceback)
            return _Failure(job.idx, traceback.format_exc())
