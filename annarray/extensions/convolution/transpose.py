"""``Transpose``: a projection running an existing one backwards, with its weights.

For a forward projection from ``A`` to ``B`` with weights ``w[b, a]``, ``Transpose(proj,
target)`` projects from ``B`` to ``A``: rate-coded, neuron ``a`` receives in
``sum(target)`` the sum of ``w[b, a] * B.r[b]`` over its forward synapses (measured on the
reference, docs/reference_facts.md section Q); spiking, each spike of ``b`` adds
``w[b, a]`` to ``g_target`` of every ``a`` it is connected to. The forward weights are read
at every step (learning and new values show at once); the transpose cannot learn, nor have
its own weights, nor transposed delays (a forward projection with delays is refused, as in
the reference).
"""

import numpy as np

from annarray.core.connectivity import Connectivity
from annarray.core.population import population_of
from annarray.core.projection import Projection
from annarray.errors import NetworkError
from annarray.inputs._common import instantiate_direct

__all__ = ["Transpose"]


def _transposed(conn, pre_size, post_size):
    """The forward connectivity grouped by presynaptic neuron, and the permutation from
    transposed synapse order to forward synapse order."""
    post_of = np.repeat(conn.post_ranks, np.diff(conn.indptr))
    order = np.lexsort((post_of, conn.indices))
    rows = np.asarray(conn.indices)[order]
    ranks, counts = np.unique(rows, return_counts=True)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    transposed = Connectivity(pre_size, post_size, ranks, indptr, post_of[order], 0.0, 0.0)
    return transposed, order.astype(np.int64)


class Transpose(Projection):
    """The transpose of ``proj``: from its post-synaptic population to its pre-synaptic one.

    :param proj: a connected ordinary projection (rate-coded or spiking at both ends, no delays).
    :param target: name of the input in ``proj.pre`` (may differ from ``proj.target``).
    :param name: unique name.

    As in the reference, call :meth:`connect` before ``compile()``.
    """

    _saveable = False  # save() leaves it out: it owns no synapses (as in the reference)

    def __init__(self, proj, target, name=None, network=None):
        from annarray.models.synapses import DefaultRateCodedSynapse, DefaultSpikingSynapse

        self._check_forward(proj, name)
        spiking = population_of(proj.pre).neuron_type.type == "spike"
        synapse = DefaultSpikingSynapse() if spiking else DefaultRateCodedSynapse()
        kwargs = {} if network is None else {"network": network}
        super().__init__(proj.post, proj.pre, target, synapse=synapse, name=name, **kwargs)
        self.fwd_proj = proj
        self._perm = None

    @staticmethod
    def _check_forward(proj, name):
        from annarray.extensions.convolution._shared import SharedProjection
        from annarray.extensions.convolution.copy_projection import Copy

        label = f"Transpose '{name}'" if name else "Transpose"
        if not isinstance(proj, Projection) or isinstance(proj, (SharedProjection, Copy, Transpose)) or \
                type(proj).__module__.startswith("annarray.inputs"):
            raise NetworkError(f"{label}: the forward projection must be an ordinary Projection, got "
                               f"{type(proj).__name__}")
        if proj._conn is None:
            raise NetworkError(f"{label}: '{proj.name}' has no synapses yet; connect it before transposing it")
        types = {population_of(proj.pre).neuron_type.type, population_of(proj.post).neuron_type.type}
        if len(types) != 1:
            raise NetworkError(f"{label}: '{proj.name}' joins a rate-coded and a spiking population; only "
                               "rate-to-rate or spike-to-spike projections can be transposed")
        if np.max(proj._delay_steps) > 1:
            raise NetworkError(f"{label}: '{proj.name}' has synaptic delays; a transpose cannot have delays")

    def connect(self):
        """Builds the transposed synapses (call it before ``compile()``)."""
        if self._conn is not None:
            raise NetworkError(f"Transpose '{self.name}' is already connected")
        if self._net.compiled:
            raise NetworkError(f"Transpose '{self.name}' cannot be connected after compile()")
        fwd = self.fwd_proj
        conn, perm = _transposed(fwd._conn, population_of(fwd.pre).size, population_of(fwd.post).size)
        self._perm = perm
        self._conn = conn
        self._delay_steps = 0
        self._single_weight = fwd._single_weight
        self._state = {"w": np.asarray(fwd._host("w"))[perm]}
        self.connector_description = f"Transpose of {fwd.name}"
        return self

    # -- attributes: the forward weights, transposed --------------------------------------
    def _host(self, name):
        self._check_connected()
        if name == "w":
            return np.asarray(self.fwd_proj._host("w"))[self._perm]
        return super()._host(name)

    def set(self, values):
        raise NetworkError(f"Transpose '{self.name}' uses the weights of '{self.fwd_proj.name}'; set them there")

    # -- compilation ----------------------------------------------------------------------
    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        if getattr(self.fwd_proj, "_runtime", None) is None:
            raise NetworkError(f"Transpose '{self.name}': '{self.fwd_proj.name}' is not compiled in this network")
        build = self._spiking_ops if code.spiking else self._rate_ops
        instantiate_direct(self, backend, build)

    def _rate_ops(self, runtime):
        """``sum(target) += W^T @ r``: the forward weights gathered into the transposed order,
        then a CSR product."""
        backend, xp = runtime.backend, runtime.xp
        conn, pre, post = self._conn, runtime.pre, runtime.post
        itype = backend.index_dtype(max(conn.nb_synapses, pre.size, post.size) + 1)
        perm = xp.asarray(self._perm.astype(itype))
        forward_w = self.fwd_proj._runtime.state["w"]
        w = runtime.state["w"]
        matvec = backend.csr_matvec_plan((post.size, pre.size), xp.asarray(self._full_indptr().astype(itype)),
                                         xp.asarray(np.asarray(conn.indices).astype(itype)), w)
        rates, total = pre._state["r"], runtime._sum_array()

        def transmit():
            backend.gather(forward_w, perm, w)
            matvec(rates, total)

        return [transmit]

    def _spiking_ops(self, runtime):
        """Each spike of a forward post neuron adds its forward weights to ``g_target`` of
        the forward pre neurons (spikes of the previous step, as every spiking projection)."""
        xp = runtime.xp
        fwd = self.fwd_proj._conn
        pre, post = runtime.pre, runtime.post
        if not runtime.into_conductance:
            raise NetworkError(f"Transpose '{self.name}': the neurons of '{post.name}' have no conductance "
                               f"g_{self.target}")
        dendrite = np.full(pre.size, -1, dtype=np.int64)
        dendrite[fwd.post_ranks] = np.arange(len(fwd.post_ranks))
        dendrite = xp.asarray(dendrite)
        starts = xp.asarray(fwd.indptr[:-1].astype(np.int64))
        lengths = xp.asarray(np.diff(fwd.indptr).astype(np.int64))
        targets = xp.asarray(np.asarray(fwd.indices).astype(np.int64))
        forward_w = self.fwd_proj._runtime.state["w"]
        g = runtime._sum_array()

        def transmit():
            ranks = pre._spike_ranks
            if ranks.shape[0] == 0:
                return
            k = dendrite[ranks]
            k = k[k >= 0]
            total = int(lengths[k].sum()) if k.shape[0] else 0
            if total == 0:
                return
            syn = runtime.backend.segment_ranges(starts[k], lengths[k], total)
            g[...] += xp.bincount(targets[syn], weights=forward_w[syn], minlength=post.size).astype(g.dtype)

        return [transmit]

    def _copy(self, network):
        copy = Transpose(network.get(self.fwd_proj), self.target, self.name, network=network)
        return copy.connect() if self._conn is not None else copy
