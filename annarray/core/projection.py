"""``Projection``: the synapses from one population (or view) to another, for one target.

The synapses are stored grouped by postsynaptic neuron (CSR over the post population):
``indices`` holds the presynaptic rank of each synapse, the dendrite of post neuron
``post_ranks[k]`` holds the synapses ``indptr[k]:indptr[k+1]``. Synaptic attributes live in
one array each: shape ``(nb_synapses,)`` per synapse, ``(size,)`` per dendrite
(``postsynaptic``) and ``()`` per projection. The weights array is the data array of the
sparse matrix used for transmission, so learning rules and ``proj.w = ...`` act on it
directly, with no copy.
"""

import logging

import numpy as np

from annarray.core.dendrite import Dendrite
from annarray.core.population import population_of as _population
from annarray.core.random import RandomDistribution
from annarray.core.synapse import Synapse
from annarray.errors import NetworkError

__all__ = ["Projection"]

logger = logging.getLogger(__name__)

STORAGE_FORMATS = ("lil", "csr", "ell", "ellr", "sell", "dense", "bsr", "auto")


class Projection:
    """Synapses of type ``synapse`` from ``pre`` to ``post``, feeding ``sum(target)``.

    :param pre: presynaptic :class:`Population` or :class:`PopulationView`.
    :param post: postsynaptic population or view.
    :param target: name of the input the post neurons read with ``sum(target)``.
    :param synapse: a :class:`Synapse` (default: the weighted sum ``w * pre.r``).
    :param name: unique name (default ``proj<id>``).
    """

    def __init__(self, pre, post, target, synapse=None, name=None, disable_omp=True, copied=False,
                 net_id=0, network=None):
        from annarray.core.population import Population, PopulationView

        for role, obj in (("pre", pre), ("post", post)):
            if not isinstance(obj, (Population, PopulationView)):
                raise NetworkError(f"Projection({role}=...) expects a Population or PopulationView, got {type(obj).__name__}")
        if not isinstance(target, str) or not target.isidentifier():
            raise NetworkError(f"Projection(target=...) must be a name such as 'exc', got {target!r}")
        net = _population(pre)._net
        if _population(post)._net is not net:
            raise NetworkError("Projection: pre and post belong to different networks")
        if synapse is None:
            from annarray.models.synapses import DefaultRateCodedSynapse, DefaultSpikingSynapse

            spiking = _population(pre).neuron_type.type == "spike"
            synapse = DefaultSpikingSynapse() if spiking else DefaultRateCodedSynapse()
        if isinstance(synapse, type) and issubclass(synapse, Synapse):
            synapse = synapse()
        if not isinstance(synapse, Synapse):
            raise NetworkError(f"Projection(synapse=...) expects a Synapse object, got {type(synapse).__name__}")
        self.pre, self.post, self.target = pre, post, target
        self.synapse_type = synapse
        self.id = net._next_projection_id()
        self.name = name or f"proj{self.id}"
        self._net = net
        self.parameters = [n for n, a in synapse.attributes.items() if a.kind == "parameter"]
        self.variables = [n for n, a in synapse.attributes.items() if a.kind == "variable"]
        self._conn = None
        self._state = None  # attribute arrays (host before compile, xp after)
        self._delay_steps = 0  # int, or int array (nb_synapses,) for non-uniform delays
        self._single_weight = False
        self._connector_name = None
        self._learning = {"enabled": True, "period": 1, "offset": 0}  # in steps
        self._ops = {}
        self._structural = None  # StructuralPlasticity once compiled (annarray.core.structural)
        self._creation_defaults = {}  # numbers set before compile(): values of created synapses
        self._storage_format = "csr"
        self.connector_description = ""
        net._add_projection(self)
        post_pop = _population(post)
        if target not in post_pop.targets:
            post_pop.targets.append(target)

    # -- structure ------------------------------------------------------------------------
    @property
    def attributes(self):
        return self.parameters + self.variables

    @property
    def initialized(self):
        return self._net.compiled

    @property
    def size(self):
        """Number of postsynaptic neurons that receive synapses (dendrites)."""
        return 0 if self._conn is None else len(self._conn.post_ranks)

    def __len__(self):
        return self.size

    @property
    def nb_synapses(self):
        return 0 if self._conn is None else int(self._conn.indptr[-1])

    @property
    def post_ranks(self):
        """Ranks of the postsynaptic neurons that receive synapses (list)."""
        return [] if self._conn is None else self._conn.post_ranks.tolist()

    @property
    def dendrites(self):
        return [Dendrite(self, r, k) for k, r in enumerate(self.post_ranks)]

    def __repr__(self):
        return (f"Projection(name={self.name!r}, pre={_population(self.pre).name!r}, "
                f"post={_population(self.post).name!r}, target={self.target!r})")

    def _check_connected(self):
        if self._conn is None:
            raise NetworkError(f"projection '{self.name}' has no synapses yet; call one of its connect_*() methods")

    # -- connecting -----------------------------------------------------------------------
    def _connect(self, builder, description, storage_format=None,
                 force_multiple_weights=False, **kwargs):
        if self._conn is not None:
            raise NetworkError(
                f"projection '{self.name}' is already connected ({self.connector_description}); "
                "create a new Projection for other synapses")
        if self._net.compiled:
            raise NetworkError(f"projection '{self.name}' cannot be connected after compile()")
        if storage_format is not None and storage_format not in STORAGE_FORMATS:
            raise NetworkError(
                f"projection '{self.name}': storage_format={storage_format!r} is not one of "
                f"{', '.join(STORAGE_FORMATS)}")
        if isinstance(builder, str):
            from annarray.core import connectors

            builder = getattr(connectors, builder)
        conn = builder(self.pre, self.post, obj_name=self.name, **kwargs)
        self._set_connectivity(conn, force_multiple_weights)
        self._storage_format = storage_format or "csr"
        self.connector_description = description
        return self

    def _set_connectivity(self, conn, force_multiple_weights=False):
        self._delay_steps = self._round_delays(conn.delays)
        self._conn = conn
        nnz, ndend = int(conn.indptr[-1]), len(conn.post_ranks)
        from annarray import config

        self._single_weight = (np.ndim(conn.weights) == 0 and not force_multiple_weights
                               and not self.synapse_type.plastic
                               and not config.get_config("structural_plasticity"))
        state = {}
        for name, attr in self.synapse_type.attributes.items():
            dtype = self._dtype(attr)
            shape = {"local": (nnz,), "semiglobal": (ndend,), "global": ()}[attr.locality]
            if name == "w" and np.ndim(conn.weights) and attr.locality == "local" and conn.weights.dtype == dtype:
                state[name] = conn.weights  # the connector's array becomes the weights: no copy
            else:
                state[name] = np.full(shape, attr.init, dtype=dtype)
        if state["w"] is not conn.weights:
            state["w"][...] = conn.weights
        conn.weights = 0.0  # the weights live in the state only
        self._state = state

    def _round_delays(self, delays):
        dt = self._net.dt
        values = np.asarray(delays, dtype=np.float64)
        if np.any(values < 0):
            raise NetworkError(f"projection '{self.name}': delays must be positive or zero (ms), got {values.min()}")
        steps = np.rint(values / dt).astype(np.int64)
        if values.ndim == 0:
            return int(steps)
        if steps.size and steps.min() == steps.max():
            return int(steps[0])
        return steps

    def _dtype(self, attr):
        if attr.ctype == "int":
            return np.int64
        if attr.ctype == "bool":
            return np.bool_
        return self._net._backend.float_dtype if self._net._backend else np.float64

    def connect_all_to_all(self, weights=1.0, delays=0.0, allow_self_connections=False,
                           force_multiple_weights=False, storage_format=None, storage_order=None):
        """Every presynaptic neuron to every postsynaptic neuron."""
        return self._connect("all_to_all", "all-to-all", storage_format,
                             force_multiple_weights, weights=weights, delays=delays,
                             allow_self_connections=allow_self_connections)

    def connect_one_to_one(self, weights=1.0, delays=0.0, force_multiple_weights=False,
                           storage_format=None, storage_order=None):
        """Neuron i of pre to neuron i of post (same sizes)."""
        return self._connect("one_to_one", "one-to-one", storage_format,
                             force_multiple_weights, weights=weights, delays=delays)

    def connect_gaussian(self, amp, sigma, delays=0.0, limit=0.01, allow_self_connections=False,
                         storage_format=None):
        """Weights ``amp * exp(-d²/2σ²)`` of the normalized distance between neurons."""
        return self._connect("gaussian", "gaussian", storage_format, True, amp=amp,
                             sigma=sigma, delays=delays, limit=limit,
                             allow_self_connections=allow_self_connections)

    def connect_dog(self, amp_pos, sigma_pos, amp_neg, sigma_neg, delays=0.0, limit=0.01,
                    allow_self_connections=False, storage_format=None):
        """Difference of two Gaussians of the normalized distance."""
        return self._connect("dog", "difference-of-Gaussians", storage_format, True,
                             amp_pos=amp_pos, sigma_pos=sigma_pos, amp_neg=amp_neg,
                             sigma_neg=sigma_neg, delays=delays, limit=limit,
                             allow_self_connections=allow_self_connections)

    def connect_fixed_probability(self, probability, weights, delays=0.0, allow_self_connections=False,
                                  force_multiple_weights=False, storage_format=None, storage_order=None):
        """Each pair connected independently with ``probability``."""
        return self._connect("fixed_probability", f"random (p = {probability})",
                             storage_format, force_multiple_weights, probability=probability,
                             weights=weights, delays=delays, allow_self_connections=allow_self_connections)

    def connect_fixed_number_pre(self, number, weights, delays=0.0, allow_self_connections=False,
                                 force_multiple_weights=False, storage_format=None, storage_order=None):
        """Each postsynaptic neuron receives ``number`` distinct presynaptic neurons."""
        return self._connect("fixed_number_pre", f"fixed number of {number} pre",
                             storage_format, force_multiple_weights, number=number, weights=weights,
                             delays=delays, allow_self_connections=allow_self_connections)

    def connect_fixed_number_post(self, number, weights=1.0, delays=0.0, allow_self_connections=False,
                                  force_multiple_weights=False, storage_format=None, storage_order=None):
        """Each presynaptic neuron projects to ``number`` distinct postsynaptic neurons."""
        return self._connect("fixed_number_post", f"fixed number of {number} post",
                             storage_format, force_multiple_weights, number=number, weights=weights,
                             delays=delays, allow_self_connections=allow_self_connections)

    def connect_from_list(self, synapses, storage_format=None, storage_order=None):
        """Synapses listed as ``(pre, post, weight, delay)`` tuples."""
        return self._connect("from_list", "from list", storage_format, True,
                             synapses=synapses)

    def connect_from_matrix(self, weights, delays=0.0, pre_post=False, storage_format=None,
                            storage_order=None):
        """Weights from a (post, pre) matrix; ``None`` entries are absent synapses."""
        return self._connect("from_matrix", "from matrix", storage_format, True,
                             weights=weights, delays=delays, pre_post=pre_post)

    def connect_from_sparse(self, weights, delays=0.0, storage_format=None, storage_order=None):
        """Synapses and weights from a SciPy sparse matrix."""
        return self._connect("from_sparse", "from sparse matrix", storage_format, True,
                             weights=weights, delays=delays)

    def connect_from_file(self, filename, pickle_encoding=None, storage_format=None, storage_order=None):
        """Synapses saved earlier with :meth:`save_connectivity`."""
        return self._connect("from_file", f"from file {filename}", storage_format, True,
                             filename=filename)

    def connect_with_func(self, method, storage_format=None, storage_order=None, **args):
        """Synapses from ``method(pre, post, **args)``, which returns a ``CSR``/``LILConnectivity``."""
        return self._connect("with_func", f"with function {getattr(method, '__name__', method)}",
                             storage_format, True, method=method, **args)

    # -- attribute access -----------------------------------------------------------------
    def _attribute(self, name):
        attr = self.synapse_type.attributes.get(name)
        if attr is None:
            raise NetworkError(
                f"projection '{self.name}' has no attribute '{name}'; its attributes are "
                f"{', '.join(self.attributes)}")
        return attr

    def _host(self, name):
        self._check_connected()
        arr = self._state[name]
        return self._net._backend.to_host(arr) if self._net.compiled else arr

    def _split(self, values):
        """Per-synapse ``values`` (nb_synapses,) → list of per-dendrite lists."""
        return [values[a:b].tolist() for a, b in zip(self._conn.indptr[:-1], self._conn.indptr[1:])]

    def get(self, name):
        """Values of ``name``: a float (projection-wide, or a single shared weight), a list per
        dendrite (``postsynaptic``), or a list of per-dendrite lists (per synapse)."""
        if isinstance(name, (list, tuple)):
            return {n: self.get(n) for n in name}
        if name == "delay":
            return self._get_delay()
        attr = self._attribute(name)
        values = self._host(name)
        if attr.locality == "global":
            return values.item()
        if attr.locality == "semiglobal":
            return values.tolist()
        if name == "w" and self._single_weight:
            return values[0].item() if values.size else 0.0
        return self._split(values)

    def _get_delay(self):
        self._check_connected()
        dt = self._net.dt
        if np.ndim(self._delay_steps) == 0:  # 0 and 1 step are the same delay (reads dt)
            return max(self._delay_steps, 1) * dt
        return self._split(self._delay_steps * dt)

    def set(self, values):
        """Sets attributes from ``{name: value}``: a number, a list per dendrite (``postsynaptic``),
        a list of per-dendrite lists, an array of ``nb_synapses`` values, or a distribution."""
        if not isinstance(values, dict):
            raise NetworkError(f"projection '{self.name}': set() takes a dict {{name: value}}")
        prepared = {n: self._prepare(n, v) for n, v in values.items()}
        for name, value in prepared.items():
            self._store(name, value, slice(None))
            # one number (not a list per dendrite, which may be ragged, nor a distribution)
            number = np.isscalar(values[name]) or (isinstance(values[name], np.ndarray) and values[name].ndim == 0)
            if not self._net.compiled:  # created synapses take the numbers set before compile()
                if number:
                    self._creation_defaults[name] = value.item()
                else:
                    self._creation_defaults.pop(name, None)
            if name == "w" and not number:
                self._single_weight = False

    def _prepare(self, name, value):
        attr = self._attribute(name)
        self._check_connected()
        n = self._state[name].size
        if isinstance(value, RandomDistribution):
            value = value.get_values(n)
        if attr.locality == "local" and isinstance(value, (list, tuple)) and value and \
                all(np.ndim(v) > 0 for v in value):
            if len(value) != self.size:
                raise NetworkError(f"projection '{self.name}': '{name}' needs one list per dendrite ({self.size}), got {len(value)}")
            value = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in value])
        value = np.asarray(value)
        if value.ndim and value.size != n:
            raise NetworkError(f"projection '{self.name}': '{name}' takes a number or {n} values, got {value.size}")
        return value.reshape(-1) if value.ndim else value

    def _store(self, name, value, index):
        arr = self._state[name]
        if self._net.compiled:
            value = self._net._backend.xp.asarray(value)
        if arr.ndim == 0:
            arr[...] = value
        else:
            arr[index] = value
        if self._net.compiled:
            self._runtime.changed(name)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        syn = self.__dict__.get("synapse_type")
        if syn is not None and (name in syn.attributes or name == "delay"):
            return self.get(name)
        raise AttributeError(f"'Projection' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        syn = self.__dict__.get("synapse_type")
        if syn is not None and name in syn.attributes:
            self.set({name: value})
        else:
            object.__setattr__(self, name, value)

    # -- dendrites ------------------------------------------------------------------------
    def dendrite(self, post):
        """The dendrite of postsynaptic neuron ``post`` (a rank or coordinates)."""
        self._check_connected()
        post_pop = _population(self.post)
        rank = post_pop.rank_from_coordinates(post) if isinstance(post, tuple) else int(post)
        k = int(np.searchsorted(self._conn.post_ranks, rank))
        if k >= len(self._conn.post_ranks) or self._conn.post_ranks[k] != rank:
            raise NetworkError(f"projection '{self.name}': post neuron {rank} receives no synapse")
        return Dendrite(self, rank, k)

    def __getitem__(self, rank):
        return self.dendrite(rank)

    def synapse(self, pre, post):
        """The synapse from pre rank ``pre`` to post rank ``post``."""
        return self.dendrite(post).synapse(pre)

    # -- connectivity export --------------------------------------------------------------
    def connectivity_matrix(self, fill=0.0):
        """Dense ``(post.size, pre.size)`` matrix of the weights (``fill`` where no synapse)."""
        return self._dense("w", fill)

    def _dense(self, variable, fill):
        """Per-synapse ``variable`` as a dense ``(post.size, pre.size)`` array."""
        self._check_connected()
        post_pop, pre_pop = _population(self.post), _population(self.pre)
        res = np.full((post_pop.size, pre_pop.size), fill, dtype=np.float64)
        rows = np.repeat(self._conn.post_ranks, np.diff(self._conn.indptr))
        res[rows, self._conn.indices] = self._host(variable)
        return res

    def sparse_matrix(self, variable="w"):
        """The weights (or another per-synapse variable) as a SciPy CSR matrix of shape
        ``(post.size, pre.size)`` sharing nothing with the simulation."""
        import scipy.sparse

        self._check_connected()
        values = self._host(variable)
        if values.ndim == 0 or values.size != self.nb_synapses:
            raise NetworkError(f"projection '{self.name}': '{variable}' is not a per-synapse variable")
        post_pop, pre_pop = _population(self.post), _population(self.pre)
        return scipy.sparse.csr_matrix(
            (np.array(values, dtype=np.float64), self._conn.indices.copy(), self._full_indptr()),
            shape=(post_pop.size, pre_pop.size))

    def _full_indptr(self):
        post_size = _population(self.post).size
        counts = np.zeros(post_size, dtype=np.int64)
        counts[self._conn.post_ranks] = np.diff(self._conn.indptr)
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def receptive_fields(self, variable="w", in_post_geometry=True):
        """All receptive fields tiled in one array: for 2-D pre and post, the field of post
        neuron (i, j) is the block (i, j) of size pre.geometry; otherwise one row per post
        neuron."""
        fields = self._dense(variable, 0.0)
        post_pop, pre_pop = _population(self.post), _population(self.pre)
        if in_post_geometry and post_pop.dimension == 2 and pre_pop.dimension == 2:
            (pi, pj), (qi, qj) = post_pop.geometry, pre_pop.geometry
            return fields.reshape(pi, pj, qi, qj).transpose(0, 2, 1, 3).reshape(pi * qi, pj * qj)
        return fields

    def save_connectivity(self, filename):
        """Saves the synapses (ranks, weights, delays) for :meth:`connect_from_file`."""
        from annarray.core.connectivity import save_connectivity

        self._check_connected()
        save_connectivity(self._current_connectivity(), filename)

    def save(self, filename):
        """Saves the synapses (ranks, weights, delays) and attribute values; the format
        follows the extension (see :func:`annarray.save`)."""
        from annarray.core.saving import save_projection

        save_projection(self, filename)

    def load(self, filename, pickle_encoding=None):
        """Restores the synapses and values saved by :meth:`save` (see :func:`annarray.load`)."""
        from annarray.core.saving import load_projection

        load_projection(self, filename, pickle_encoding)

    def _current_connectivity(self):
        """The connectivity with the current weights and delays."""
        from dataclasses import replace

        w = self._host("w")
        delays = self._delay_steps * self._net.dt
        return replace(self._conn, weights=np.array(w, dtype=np.float64, copy=True),
                       delays=float(delays) if np.ndim(delays) == 0 else np.asarray(delays, dtype=np.float64))

    # -- learning -------------------------------------------------------------------------
    def enable_learning(self, period=None, offset=None):
        """Updates the synaptic variables at each step, or every ``period`` ms.

        As in the reference, the updates happen at the steps where ``(step - offset) % period
        == 0`` (``offset`` counted from the current time when given, else 0), and the
        equations then integrate over ``period`` ms (their ``dt`` becomes ``period``).
        """
        dt = self._net.dt
        if period is None:
            if offset is not None:
                raise NetworkError(f"projection '{self.name}': enable_learning(offset=) needs a period")
            period_steps, offset_steps = 1, 0
        else:
            period_steps = int(period / dt)
            if period_steps < 1:
                raise NetworkError(f"projection '{self.name}': the learning period ({period} ms) is shorter than dt")
            offset_steps = 0
            if offset is not None:
                if not 0 <= offset < period:
                    raise NetworkError(f"projection '{self.name}': the learning offset must lie in [0, period)")
                offset_steps = int(int((self._net.get_time() % period + offset) % period) / dt)
        self._learning = {"enabled": True, "period": period_steps, "offset": offset_steps}
        self._apply_learning_dt()
        self._net._plan_dirty = True

    def _apply_learning_dt(self):
        runtime = getattr(self, "_runtime", None)
        if runtime is not None:
            runtime.learning_dt[...] = self._net.dt * self._learning["period"]

    def disable_learning(self, update=None):
        """Freezes the synaptic variables (transmission goes on)."""
        self._learning["enabled"] = False
        self._net._plan_dirty = True

    def reset(self, attributes=-1, synapses=False):
        """Restores the synaptic variables (all, or the listed ones) to their values at
        compile time. Parameters keep their current values."""
        if not self._net.compiled or self._conn is None:
            return
        names = self.variables if attributes == -1 else [n for n in attributes if n in self.variables]
        xp = self._net._backend.xp
        for name in names:
            self._attribute(name)
            self._state[name][...] = xp.asarray(self._reset_values[name])
            self._runtime.changed(name)

    # -- compilation ----------------------------------------------------------------------
    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        """Moves the attributes to the backend and builds the step operations."""
        from annarray import config

        self._build_args = (code, backend, shared, delay_buffer, ops_class)
        self._runtime = ops_class(self, code, backend, shared, delay_buffer)
        self._state = self._runtime.state
        self._apply_learning_dt()
        syn = self.synapse_type
        if config.get_config("structural_plasticity") or syn._creating_rule or syn._pruning_rule:
            from annarray.core.structural import StructuralPlasticity

            self._structural = StructuralPlasticity(self, backend, shared)
        # reset() restores the variables (parameters keep their values: no copy of the weights
        # of non-plastic projections is kept)
        self._reset_values = {n: backend.to_host(self._state[n]) for n in self.variables}

    def _psp_ops(self):
        return self._runtime.psp_ops

    def _rebuild_runtime(self):
        """Builds the step operations again from the current connectivity and host
        attributes (after a structural change; see :mod:`annarray.core.structural`)."""
        code, backend, shared, delay_buffer, ops_class = self._build_args
        if self._structural is not None:  # its own stream: other objects' draws stay the same
            shared = {**shared, "_seed_sequence": self._structural.seed_sequence}
        self._runtime = ops_class(self, code, backend, shared, delay_buffer)
        self._state = self._runtime.state
        self._apply_learning_dt()

    def _check_structural_allowed(self):
        self._check_connected()
        if self._net.compiled and getattr(self, "_build_args", None) is None:
            raise NetworkError(
                f"projection '{self.name}' ({type(self).__name__}) does not support structural plasticity")

    def _structural_control(self, what):
        from annarray.core.structural import require_enabled

        if not self._net.compiled:
            raise NetworkError(f"projection '{self.name}': {what} needs a compiled network; call compile() first")
        require_enabled(what)
        if self._structural is None:
            raise NetworkError(
                f"projection '{self.name}': its synapse defines no creating/pruning argument "
                "(or this projection type does not support structural plasticity)")
        return self._structural

    def start_creating(self, period=None):
        """Checks the synapse's ``creating`` condition every ``period`` ms (default: each
        step) from now on; needs ``setup(structural_plasticity=True)``."""
        self._structural_control("start_creating()").start("creating", period)

    def stop_creating(self):
        """Stops checking the ``creating`` condition."""
        self._structural_control("stop_creating()").stop("creating")

    def start_pruning(self, period=None):
        """Checks the synapse's ``pruning`` condition every ``period`` ms (default: each
        step) from now on; needs ``setup(structural_plasticity=True)``."""
        self._structural_control("start_pruning()").start("pruning", period)

    def stop_pruning(self):
        """Stops checking the ``pruning`` condition."""
        self._structural_control("stop_pruning()").stop("pruning")

    def _learning_ops(self):
        """Learning operations for the plan, honouring enable/disable_learning(period, offset)."""
        ops = self._runtime.learning_ops
        learning = self._learning
        if not ops or not learning["enabled"] or not self._net._learning_enabled:
            return []
        if learning["period"] == 1:
            return list(ops)
        period, offset, net = learning["period"], learning["offset"], self._net

        def gated():
            if (net._step - offset) % period == 0:
                for op in ops:
                    op()

        return [gated]

    def _structural_ops(self):
        """Creating/pruning when started: at the end of the step, after the learning rules
        and the postsynaptic events (the reference's order)."""
        sp = self._structural
        return [sp.step] if sp is not None and sp.active else []

    def _copy(self, network):
        pre, post = network.get(self.pre), network.get(self.post)
        proj = Projection(pre, post, self.target, self.synapse_type, self.name, network=network)
        return self._carry_synapses(proj)

    def _carry_synapses(self, copy):
        """Gives ``copy`` (a projection in another network) these synapses and their values."""
        if self._conn is not None:
            copy._conn = self._conn
            copy._delay_steps = self._delay_steps
            copy._single_weight = self._single_weight
            copy._state = {k: np.array(self._host(k)) for k in self._state}  # host copies of device values
            copy._storage_format = self._storage_format
            copy.connector_description = self.connector_description
        copy._creation_defaults = dict(self._creation_defaults)
        return copy
