"""``Network``: populations and monitors simulated together, and the step plan.

Objects created at the top level of a script belong to the default network (id 0), which
the module-level functions (``compile()``, ``simulate()``…) drive. ``Network(everything=True)``
or ``Network.add()`` copies objects into another, independent network.

The step plan is a flat list of callables (kernels bound to their arrays), built once at
compile time and rebuilt only when a population is enabled/disabled or a monitor starts or
pauses. One step runs: random draws, neuron updates (with spike emission and reset),
recording; then the step counter advances.
"""

import logging
import os
import shutil
import time

import numpy as np

from annarray import config
from annarray.errors import AnnarrayError, NetworkError

__all__ = ["Network", "default_network", "clear_networks"]

logger = logging.getLogger(__name__)

_networks = {}
_default = []
_building = []  # network that receives objects while Network.add() copies them


def default_network():
    """The network that top-level objects belong to (id 0)."""
    if not _default:
        _default.append(Network(_default_network=True))
    return _default[0]


def _target_network():
    return _building[-1] if _building else default_network()


def clear_networks():
    """Forgets every network and object (``clear()``)."""
    _networks.clear()
    _default.clear()


class Network:
    """An independent simulation: its own populations, monitors, time and random streams.

    :param everything: copy every object of the default network into this one.
    """

    _counter = 0

    def __init__(self, everything=False, _default_network=False):
        if _default_network:
            self.id = 0
        else:
            Network._counter += 1
            self.id = Network._counter
        _networks[self.id] = self
        self.populations = []
        self.projections = []
        self.monitors = []
        self._copies = {}
        self._pop_counter = 0
        self._proj_counter = 0
        self._learning_enabled = True
        self._delay_buffers = {}
        self.compiled = False
        self._backend = None
        self._step = 0
        self._plan = []
        self._plan_dirty = True
        self.directory = None
        self.dt = config.get_config("dt")
        self._seed = None  # set_seed(): entropy of this network's generators (else the config seed)
        self._callbacks = []  # every() objects, in registration order (annarray.core.callbacks)
        self._callbacks_enabled = True
        self._match_by_name = False  # get() falls back on names (parallel_run() in other processes)
        if everything:
            base = default_network()
            self.add(base.populations + base.projections + base.monitors)

    def __repr__(self):
        return f"Network(id={self.id}, populations={[p.name for p in self.populations]})"

    # -- building ------------------------------------------------------------------------
    def _next_population_id(self):
        n = self._pop_counter
        self._pop_counter += 1
        return n

    def _next_projection_id(self):
        n = self._proj_counter
        self._proj_counter += 1
        return n

    def _add_projection(self, proj):
        self._register(proj, self.projections, "projection")

    def _add_population(self, pop):
        self._register(pop, self.populations, "population")

    def _register(self, obj, objects, kind):
        """Adds ``obj`` to ``objects`` (names are unique per kind; nothing after compile())."""
        if self.compiled:
            raise NetworkError(
                f"{kind} '{obj.name}' cannot be added to network {self.id} after compile(); "
                "create it before compiling, or use a new Network"
            )
        if any(o.name == obj.name for o in objects):
            raise NetworkError(f"a {kind} named '{obj.name}' already exists in network {self.id}")
        objects.append(obj)

    def _remove_population(self, pop):
        self.populations.remove(pop)
        self.monitors = [m for m in self.monitors if m._population is not pop]

    def _remove_projection(self, proj):
        self.projections.remove(proj)
        self.monitors = [m for m in self.monitors if m._population is not proj]

    def _add_monitor(self, monitor):
        self.monitors.append(monitor)

    def add(self, objects):
        """Copies populations and monitors (a single object or a list) into this network."""
        from annarray.core.monitor import Monitor
        from annarray.core.population import Population
        from annarray.core.projection import Projection

        objects = objects if isinstance(objects, (list, tuple)) else [objects]
        order = [o for kind in (Population, Projection, Monitor) for o in objects if isinstance(o, kind)]
        for obj in objects:
            if obj not in order:
                raise NetworkError(f"Network.add(): cannot add {type(obj).__name__} objects")
        _building.append(self)
        try:
            for obj in order:
                self._copies[id(obj)] = obj._copy(self)
        finally:
            _building.pop()

    def get(self, obj):
        """This network's copy of ``obj`` (an object added with :meth:`add`), or a list of them."""
        from annarray.core.population import IndividualNeuron, PopulationView

        if isinstance(obj, (list, tuple)):
            return [self.get(o) for o in obj]
        if isinstance(obj, IndividualNeuron):
            return IndividualNeuron(self.get(obj.population), obj.rank)
        if isinstance(obj, PopulationView):
            return PopulationView(self.get(obj.population), obj.ranks, obj.geometry)
        if obj in self.populations or obj in self.monitors or obj in self.projections:
            return obj
        if id(obj) in self._copies:
            return self._copies[id(obj)]
        found = self._same_name(obj) if self._match_by_name else None
        if found is None:
            raise NetworkError(f"{obj!r} was not added to network {self.id}")
        return found

    def _same_name(self, obj):
        """This network's only object of ``obj``'s kind and name, or None (networks rebuilt in
        another process by parallel_run(), where the caller's objects are other objects)."""
        from annarray.core.monitor import Monitor
        from annarray.core.population import Population
        from annarray.core.projection import Projection

        for kind, objects in ((Population, self.populations), (Projection, self.projections),
                              (Monitor, self.monitors)):
            if isinstance(obj, kind):
                matches = [o for o in objects if o.name == getattr(obj, "name", None)]
                return matches[0] if len(matches) == 1 else None
        return None

    def get_population(self, name):
        for pop in self.populations:
            if pop.name == name:
                return pop
        raise NetworkError(f"network {self.id} has no population named '{name}'")

    def get_projection(self, name):
        for proj in self.projections:
            if proj.name == name:
                return proj
        raise NetworkError(f"network {self.id} has no projection named '{name}'")

    def get_populations(self):
        return list(self.populations)

    def get_projections(self):
        return list(self.projections)

    def get_monitors(self):
        return list(self.monitors)

    # -- compilation ---------------------------------------------------------------------
    def backend(self):
        if self._backend is None:
            raise NetworkError(f"network {self.id} is not compiled yet; call compile() first")
        return self._backend

    def compile(self, directory="__annarray__", clean=False, compiler="default", compiler_flags="",
                add_sources="", extra_libs="", cuda_config=None, annarchy_json="", silent=False,
                debug_build=False, profile_enabled=False, net_id=None):
        """Generates and builds the kernels of every object of this network.

        :param directory: folder (relative to the working directory) for the generated
            sources and the compile cache.
        :param clean: empty that folder first (also ``--clean`` on the command line).
        :param compiler: accepted for compatibility; annarray does not run a C++ compiler.
        :param compiler_flags: accepted; flags with no meaning here are reported, not refused.
        :param cuda_config: ``{'device': N}`` for the cuda paradigm.
        """
        from annarray.backend import select_backend
        from annarray.codegen.kernel_cache import CodeCache

        if self.compiled:
            raise NetworkError(f"network {self.id} is already compiled")
        start = time.perf_counter()
        if cuda_config and "device" in cuda_config:
            config.setup(cuda_device=cuda_config["device"])
        paradigm = config.check_paradigm()
        if compiler not in ("default", None) or compiler_flags:
            logger.info("compiler=%r / compiler_flags=%r do not apply to the %s paradigm",
                        compiler, compiler_flags, paradigm)
        config.apply_threads(config.get_config("num_threads"))
        self.dt = config.get_config("dt")
        directory = os.path.abspath(os.path.join(os.getcwd(), directory))
        if _is_package_dir(directory):
            raise NetworkError(f"compile(directory={directory!r}) would write into the annarray package; choose another folder")
        if clean or config.get_config("clean"):
            shutil.rmtree(directory, ignore_errors=True)
        self.directory = directory
        backend = select_backend(paradigm, config.get_config("precision"), config.get_config("num_threads"),
                                 config.get_config("jit"), config.get_config("cuda_device"))
        backend.jit_directory = os.path.join(directory, "jit")
        cache = CodeCache(directory)
        codes = {}
        for pop in list(self.populations):
            try:
                codes[pop.name] = _population_code(pop, cache, self.dt)
            except AnnarrayError:
                self._remove_population(pop)  # leave the network usable without the bad model
                raise
        for proj in list(self.projections):
            try:
                codes[proj.name] = _projection_code(proj, cache, self.dt)
            except AnnarrayError:
                self._remove_projection(proj)
                raise
        self._write_sources(codes)
        self._instantiate(backend, codes)
        if not silent:
            logger.info("network %d compiled in %.3f s", self.id, time.perf_counter() - start)

    def _instantiate(self, backend, codes):
        from annarray.core.globals import constants

        self._backend = backend
        xp = backend.xp
        self._t = xp.zeros((), dtype=np.float64)
        shared = {
            "t": self._t,
            "_seed_sequence": np.random.SeedSequence(self._seed_entropy()),
        }
        for name, c in constants().items():
            shared[name] = c.array if xp is np else xp.asarray(c.array)
        self._shared = shared
        for pop in self.populations:
            pop._instantiate(codes[pop.name], backend, shared)
        self._instantiate_projections(backend, codes, shared)
        self.compiled = True
        for mon in self.monitors:
            mon._init_recording()
        self._plan_dirty = True

    def _instantiate_projections(self, backend, codes, shared):
        from annarray.core.delays import DelayBuffer
        from annarray.core.projection_ops import ProjectionOps

        depth = {}  # rows of each population's delay buffer: the longest delay in steps
        for proj in self.projections:
            if codes[proj.name].spiking:
                continue  # spikes are delayed in the projection's own SpikeQueue
            if np.size(proj._delay_steps) and np.max(proj._delay_steps) > 1:
                pre = getattr(proj.pre, "population", proj.pre)
                depth[pre.name] = max(depth.get(pre.name, 0), int(np.max(proj._delay_steps)))
        self._delay_buffers = {}
        for pop in self.populations:
            if pop.name in depth:
                if "r" not in pop._state:
                    raise NetworkError(f"population '{pop.name}' has no rate 'r' to delay")
                self._delay_buffers[pop.name] = DelayBuffer(backend, pop._state["r"], depth[pop.name])
        for proj in self.projections:
            proj._instantiate(codes[proj.name], backend, shared,
                              lambda pop: self._delay_buffers[pop.name], ProjectionOps)

    def _write_sources(self, codes):
        folder = os.path.join(self.directory, "generated")
        try:
            os.makedirs(folder, exist_ok=True)
            for name, code in codes.items():
                with open(os.path.join(folder, f"{name}.txt"), "w") as f:
                    f.write(code.source_text())
        except OSError as err:
            logger.warning("could not write the generated sources in %s: %s", folder, err)

    def _build_plan(self):
        plan = []
        fed = {}
        for proj in self.projections:
            if proj._runtime.events is not None or proj._runtime.into_conductance:
                continue  # spikes add to conductances, which the neurons reset themselves
            post = getattr(proj.post, "population", proj.post)
            arr = post._state[f"_sum_{proj.target}"]
            fed[id(arr)] = arr
        plan += [_filler(arr.fill) for arr in fed.values()]
        # projections reading pre.sum()/post.sum() transmit after the others (same-step sums)
        for proj in sorted(self.projections, key=lambda p: p._runtime.reads_sums):
            plan.extend(proj._psp_ops())
        # conductances are recorded after propagation, before the neurons use and reset them
        plan += [mon._record_early for mon in self.monitors if mon._recording and mon._early_sources]
        for pop in self.populations:
            if pop.enabled:
                plan.extend(pop._ops)
        plan += [buf.push for buf in self._delay_buffers.values()]  # the reference's delay queues
        # global operations see every population after its update (one-step lag in equations)
        for pop in self.populations:
            if pop.enabled:
                plan.extend(pop._global_ops)
        for proj in self.projections:
            plan.extend(proj._learning_ops())
        for proj in self.projections:  # postsynaptic events after the synaptic equations
            if proj._runtime.events is not None and proj._learning["enabled"]:
                plan.extend(proj._runtime.post_ops)
        for proj in self.projections:  # structural plasticity last, before recording
            plan.extend(proj._structural_ops())
        for mon in self.monitors:
            if mon._recording:
                plan.append(mon._record)
        self._plan = plan
        self._plan_dirty = False

    # -- simulation ----------------------------------------------------------------------
    def _check_compiled(self):
        if not self.compiled:
            raise NetworkError(f"network {self.id} is not compiled yet; call compile() first")

    def _duration_steps(self, duration):
        steps = duration / self.dt
        n = int(round(steps))
        if duration < 0 or abs(steps - n) > 1e-6 * max(1.0, steps):
            if duration < 0:
                raise AnnarrayError(f"simulate(): the duration must be positive, got {duration} ms")
            n = int(np.ceil(steps - 1e-9))
        return n

    def _run(self, nsteps, stop=None):
        """Runs ``nsteps`` steps; stops early when ``stop()`` returns True after a step."""
        t, dt = self._t, self.dt
        for _ in range(nsteps):
            if self._plan_dirty:
                self._build_plan()
            t[...] = self._step * dt
            for op in self._plan:
                op()
            self._step += 1
            if stop is not None and stop():
                return True
        return False

    def _advance(self, nsteps, bar=None):
        """Runs ``nsteps`` steps, in chunks of about 1 % when a progress bar is shown."""
        if bar is None:
            self._run(nsteps)
            return
        chunk = max(1, bar.total // 100)
        while nsteps > 0:
            n = min(chunk, nsteps)
            self._run(n)
            bar.update(n)
            nsteps -= n

    def simulate(self, duration, measure_time=False, progress_bar=False, callbacks=True):
        """Simulates ``duration`` ms (rounded up to a whole number of steps).

        :param measure_time: print the wall-clock time of the simulation, as the reference.
        :param progress_bar: show a tqdm progress bar.
        :param callbacks: call the functions declared with ``every()`` for this network
            (if any, and unless :func:`disable_callbacks`); the network then runs in chunks
            between the calls (see :mod:`annarray.core.callbacks`).
        :returns: the wall-clock time (s).
        """
        self._check_compiled()
        with_callbacks = callbacks and self._callbacks_enabled and self._callbacks
        # with callbacks the reference truncates duration/dt instead of rounding it up
        nsteps = self._truncated_steps(duration) if with_callbacks else self._duration_steps(duration)
        start = time.perf_counter()
        bar = None
        if progress_bar:
            from tqdm import tqdm

            bar = tqdm(total=nsteps, unit="step")
        try:
            if with_callbacks:
                self._simulate_with_callbacks(nsteps, bar)
            else:
                self._advance(nsteps, bar)
        finally:
            if bar is not None:
                bar.close()
        elapsed = time.perf_counter() - start
        if measure_time:
            which = "of the network" if self.id == 0 else f"of the network {self.id}"
            _print_like_reference("Simulating", duration / 1000.0, f"seconds {which} took", elapsed, "seconds.")
        return elapsed

    def _simulate_with_callbacks(self, nsteps, bar):
        from annarray.core.callbacks import callback_schedule

        end = self._step + nsteps
        for step, _, callback, n in callback_schedule(list(self._callbacks), self._step, nsteps, self.dt):
            if step > self._step:
                self._advance(step - self._step, bar)
            callback.func(n)
        if self._step < end:
            self._advance(end - self._step, bar)

    def _truncated_steps(self, duration):
        from annarray.core.callbacks import callback_steps

        if duration < 0:
            raise AnnarrayError(f"simulate(): the duration must be positive, got {duration} ms")
        return callback_steps(duration, self.dt)

    def simulate_until(self, max_duration, population, operator="and", measure_time=False):
        """Simulates at most ``max_duration`` ms, stopping after the first step at which the
        stop conditions of ``population`` (one or a list) hold. Callbacks are not called.

        :param operator: 'and': all the populations' conditions hold at the same step;
            'or': any of them.
        :returns: the simulated duration (ms): steps * dt. (The reference 4.8.2 returns
            steps / dt, the same value only for dt = 1; see docs/reference_facts.md P.)
        """
        self._check_compiled()
        pops = population if isinstance(population, (list, tuple)) else [population]
        if operator not in ("and", "or"):
            raise NetworkError(f"simulate_until(operator={operator!r}): use 'and' or 'or'")
        checked = [pop for pop in pops if getattr(pop, "_stop", None) is not None]
        if not checked:
            names = ", ".join(f"'{getattr(pop, 'name', pop)}'" for pop in pops)
            raise NetworkError(f"simulate_until(): population(s) {names} have no stop_condition; "
                               "give one to Population(..., stop_condition='r > 1.0')")
        for pop in pops:
            if pop not in checked:  # the reference leaves them out of the test
                logger.warning("simulate_until(): '%s' has no stop_condition; it is ignored", getattr(pop, "name", pop))
        combine = all if operator == "and" else any
        nsteps = self._duration_steps(max_duration)
        begin = self._step
        start = time.perf_counter()
        self._run(nsteps, stop=lambda: combine(pop._stop() for pop in checked))
        duration = (self._step - begin) * self.dt
        if measure_time:
            _print_like_reference("Simulating", duration / 1000.0, "seconds of the network took",
                                  time.perf_counter() - start, "seconds.")
        return duration

    def step(self):
        """Simulates one step (no callbacks)."""
        self._check_compiled()
        self._run(1)

    # -- random numbers --------------------------------------------------------------------
    def set_seed(self, seed, use_seed_seq=True):
        """Seeds this network's generators (the per-step draws of its populations and
        projections), instead of the configuration's seed. After :meth:`compile`, the
        generators start again from the new seed, as the reference's do: the same seed gives
        the same draws from there on.

        :param seed: an integer >= 0 (or a sequence of them: the entropy of a
            :class:`numpy.random.SeedSequence`); -1 or None: fresh entropy.
        :param use_seed_seq: accepted for compatibility; annarray always uses SeedSequence.
        """
        if seed is None or (np.ndim(seed) == 0 and int(seed) == -1):
            self._seed = -1
        elif np.ndim(seed) == 0:
            if int(seed) != seed or seed < 0:
                raise NetworkError(f"network {self.id}: set_seed({seed!r}) needs an integer >= 0, or -1/None")
            self._seed = int(seed)
        else:
            self._seed = [int(s) for s in seed]
        if self.compiled:
            self.reseed()

    def reseed(self):
        """Restarts the per-step generators of the compiled network from its seed
        (:meth:`_seed_entropy`), in place: each population's and projection's generator gets
        the child of the network's SeedSequence it got at compile time, so that the draws
        from here on are those of a network compiled with this seed."""
        base = np.random.SeedSequence(self._seed_entropy())
        self._shared["_seed_sequence"] = base
        backend = self._backend
        for pop in self.populations:
            backend.reseed(pop._rng, base.spawn(1)[0])
        for proj in self.projections:
            runtime = proj._runtime
            if getattr(runtime, "rng", None) is not None:
                backend.reseed(runtime.rng, base.spawn(1)[0])
            structural = getattr(proj, "_structural", None)
            if structural is not None:
                structural.reseed(base)

    def _seed_entropy(self):
        """Entropy of this network's SeedSequence: set_seed()'s value, else [config seed, id],
        else None (fresh entropy)."""
        if self._seed is not None:
            return None if self._seed == -1 else self._seed
        seed = config.get_config("seed")
        return None if seed in (-1, None) else [seed, self.id]

    def save(self, filename, populations=True, projections=True):
        """Saves the state of this network (see :func:`annarray.save`)."""
        from annarray.core.saving import network_description, write_state_file

        write_state_file(filename, network_description(self, populations, projections))

    def load(self, filename, populations=True, projections=True, pickle_encoding=None):
        """Restores the state of this network (see :func:`annarray.load`)."""
        from annarray.core.saving import load

        load(filename, populations, projections, pickle_encoding, net_id=self.id)

    def reset(self, populations=True, projections=False, synapses=False, monitors=True):
        """Restores the state at compile time and sets the time back to 0."""
        if populations:
            for pop in self.populations:
                pop.reset()
        if projections:
            for proj in self.projections:
                proj.reset()
        for buf in self._delay_buffers.values():
            buf.fill()
        for proj in self.projections if self.compiled else []:
            if proj._runtime.events is not None:
                proj._runtime.events.clear()
        if monitors:
            for mon in self.monitors:
                mon.reset()
        self._step = 0
        for mon in self.monitors:
            mon._periods = [[0, None]] if mon._recording else []

    def get_time(self):
        return self._step * self.dt

    def set_time(self, t):
        self._step = int(round(t / self.dt))

    def get_current_step(self):
        return self._step

    def set_current_step(self, step):
        self._step = int(step)


def _print_like_reference(*parts):
    """Prints ``parts`` separated by spaces, with the trailing space the reference prints."""
    print("".join(f"{p} " for p in parts))


def _filler(fill):
    return lambda: fill(0)


def _is_package_dir(directory):
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.commonpath([pkg, directory]) == pkg


def _population_code(pop, cache, dt):
    """Generated code for ``pop``'s neuron type, from the cache or from SymPy."""
    from annarray.codegen.kernel_cache import model_hash
    from annarray.core.globals import constants, global_functions

    neuron = pop.neuron_type
    method = config.get_config("method")
    consts = sorted(constants())
    funcs = global_functions()
    key = model_hash(neuron.model_key, pop.stop_condition, consts, sorted(funcs.items()), dt, method,
                     config.get_config("precision"))
    code = cache.get(key)
    if code is None:
        from annarray.codegen.population_code import generate_population_code
        from annarray.core.globals import parse_function_definitions
        from annarray.parser.neuron import describe_neuron

        local = parse_function_definitions(neuron.functions, neuron.name) if neuron.functions else {}
        desc = describe_neuron(neuron, consts, {**funcs, **local}, method, pop.stop_condition)
        code = generate_population_code(desc, dt)
        cache.put(key, code)
    return code


def _projection_code(proj, cache, dt):
    """Generated code for ``proj``'s synapse type between its neuron types."""
    from annarray.codegen.kernel_cache import model_hash
    from annarray.core.globals import constants, global_functions

    if proj._conn is None:
        raise NetworkError(
            f"projection '{proj.name}' has no synapses; call one of its connect_*() methods before compile()")
    synapse = proj.synapse_type
    pre = getattr(proj.pre, "population", proj.pre).neuron_type
    post = getattr(proj.post, "population", proj.post).neuron_type
    method = config.get_config("method")
    consts = sorted(constants())
    funcs = global_functions()
    key = model_hash("projection", synapse.model_key, pre.model_key, post.model_key, pre.type, consts,
                     sorted(funcs.items()), dt, method, config.get_config("precision"))
    code = cache.get(key)
    if code is None:
        from annarray.codegen.projection_code import generate_projection_code
        from annarray.core.globals import parse_function_definitions
        from annarray.parser.synapse import describe_synapse

        local = parse_function_definitions(synapse.functions, synapse.name) if synapse.functions else {}
        desc = describe_synapse(synapse, pre, post, consts, {**funcs, **local}, method,
                                spiking=pre.type == "spike")
        code = generate_projection_code(desc, dt)
        cache.put(key, code)
    return code
