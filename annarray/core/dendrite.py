"""``Dendrite`` (the synapses of one postsynaptic neuron) and ``IndividualSynapse``."""

import numpy as np

from annarray.core.population import population_of
from annarray.core.random import RandomDistribution
from annarray.errors import NetworkError

__all__ = ["Dendrite", "IndividualSynapse"]


class Dendrite:
    """The synapses a postsynaptic neuron receives in one projection.

    Per-synapse attributes read as lists (one value per presynaptic neuron, in the order of
    ``pre_ranks``); ``postsynaptic`` and projection-wide attributes as one float.

    :param proj: the :class:`~annarray.core.projection.Projection`.
    :param post_rank: rank of the postsynaptic neuron.
    :param index: position of this dendrite in ``proj.post_ranks``.
    """

    def __init__(self, proj, post_rank, index):
        object.__setattr__(self, "proj", proj)
        object.__setattr__(self, "post_rank", int(post_rank))
        object.__setattr__(self, "_index", int(index))

    @property
    def _slice(self):
        """Positions of this dendrite's synapses (read at each use: structural plasticity
        moves them)."""
        indptr = self.proj._conn.indptr
        return slice(int(indptr[self._index]), int(indptr[self._index + 1]))

    @property
    def pre_ranks(self):
        """Ranks of the presynaptic neurons (list, ascending)."""
        return self.proj._conn.indices[self._slice].tolist()

    @property
    def size(self):
        return self._slice.stop - self._slice.start

    @property
    def nb_synapses(self):
        return self.size

    def __len__(self):
        return self.size

    @property
    def delay(self):
        """Delays in ms: one float when the projection's delay is uniform (steps * dt, as the
        reference, docs/reference_facts.md J), else a list per synapse."""
        steps = self.proj._delay_steps
        if np.ndim(steps) == 0:
            return steps * self.proj._net.dt
        return (steps[self._slice] * self.proj._net.dt).tolist()

    @property
    def synapses(self):
        return [IndividualSynapse(self, r) for r in self.pre_ranks]

    def __repr__(self):
        return f"Dendrite of post neuron {self.post_rank} in '{self.proj.name}' ({self.size} synapses)"

    # -- attributes -----------------------------------------------------------------------
    def _index_of(self, name):
        attr = self.proj._attribute(name)
        if attr.locality == "global":
            return attr, ()
        if attr.locality == "semiglobal":
            return attr, self._index
        return attr, self._slice

    def get(self, name):
        """Value of ``name`` for this dendrite (list per synapse, or a float)."""
        if isinstance(name, (list, tuple)):
            return {n: self.get(n) for n in name}
        if name == "delay":
            return self.delay
        attr, index = self._index_of(name)
        values = self.proj._host(name)[index]
        return values.tolist() if attr.locality == "local" else float(values)

    def set(self, values):
        """Sets attributes from ``{name: value}`` (a number, a distribution or one value per synapse)."""
        for name, value in values.items():
            attr, index = self._index_of(name)
            if isinstance(value, RandomDistribution):
                value = value.get_values(self.size if attr.locality == "local" else 1)
            value = np.asarray(value, dtype=np.float64)
            if attr.locality != "local" or value.ndim == 0:
                if value.size != 1:
                    raise NetworkError(f"dendrite {self.post_rank} of '{self.proj.name}': '{name}' takes one value")
                value = value.reshape(())
            elif value.size != self.size:
                raise NetworkError(
                    f"dendrite {self.post_rank} of '{self.proj.name}': '{name}' takes {self.size} values, got {value.size}")
            self.proj._store(name, value.ravel() if value.ndim else value, index)
            if name == "w" and value.ndim:
                self.proj._single_weight = False

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.proj.synapse_type.attributes:
            return self.get(name)
        raise AttributeError(f"'Dendrite' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in self.proj.synapse_type.attributes:
            self.set({name: value})
        else:
            object.__setattr__(self, name, value)

    # -- synapses and fields --------------------------------------------------------------
    def synapse(self, pre):
        """The synapse from presynaptic rank ``pre`` (or coordinates)."""
        pre_pop = population_of(self.proj.pre)
        rank = pre_pop.rank_from_coordinates(pre) if isinstance(pre, tuple) else int(pre)
        return IndividualSynapse(self, rank)

    def _position(self, pre_rank):
        ranks = self.proj._conn.indices[self._slice]
        k = int(np.searchsorted(ranks, pre_rank))
        if k >= len(ranks) or ranks[k] != pre_rank:
            raise NetworkError(f"dendrite {self.post_rank} of '{self.proj.name}' has no synapse from pre neuron {pre_rank}")
        return self._slice.start + k

    def receptive_field(self, variable="w", fill=0.0):
        """``variable`` of each synapse placed at its presynaptic neuron, shaped as the pre
        population's geometry (``fill`` where there is no synapse)."""
        pre_pop = population_of(self.proj.pre)
        res = np.full(pre_pop.size, fill, dtype=np.float64)
        res[self.proj._conn.indices[self._slice]] = self.get(variable)
        return res.reshape(pre_pop.geometry)

    # -- structural plasticity (setup(structural_plasticity=True)) ------------------------
    def create_synapse(self, rank, w=0.0, delay=0):
        """Adds a synapse from presynaptic neuron ``rank`` with weight ``w`` and ``delay`` ms
        (a projection with uniform delays keeps its delay; 0: the default). The other
        per-synapse attributes take their value before ``compile()``. It transmits from the
        next step on."""
        from annarray.core.structural import create_synapses

        create_synapses(self, [rank], [w], [None if delay == 0 else delay])

    def create_synapses(self, ranks, weights=None, delays=None):
        """Adds synapses from the presynaptic ``ranks`` (weights default 0.0, delays as
        :meth:`create_synapse`)."""
        from annarray.core.structural import create_synapses

        if delays is not None:
            delays = [None if d == 0 else d for d in np.asarray(delays, dtype=np.float64).ravel()]
        create_synapses(self, ranks, weights, delays)

    def prune_synapse(self, rank):
        """Removes the synapse from presynaptic neuron ``rank``."""
        from annarray.core.structural import prune_synapses

        prune_synapses(self, [rank])

    def prune_synapses(self, ranks):
        """Removes the synapses from the presynaptic ``ranks``."""
        from annarray.core.structural import prune_synapses

        prune_synapses(self, ranks)


class IndividualSynapse:
    """One synapse of a dendrite: attributes read and written as scalars."""

    def __init__(self, dendrite, pre_rank):
        object.__setattr__(self, "dendrite", dendrite)
        object.__setattr__(self, "pre_rank", int(pre_rank))
        dendrite._position(pre_rank)  # checks that the synapse exists

    @property
    def _pos(self):
        return self.dendrite._position(self.pre_rank)

    @property
    def delay(self):
        steps = self.dendrite.proj._delay_steps
        dt = self.dendrite.proj._net.dt
        return (steps if np.ndim(steps) == 0 else int(steps[self._pos])) * dt

    def get(self, name):
        if name == "delay":
            return self.delay
        attr, index = self.dendrite._index_of(name)
        if attr.locality == "local":
            index = self._pos
        return self.dendrite.proj._host(name)[index].item()

    def set(self, values):
        for name, value in values.items():
            attr, index = self.dendrite._index_of(name)
            if attr.locality == "local":
                index = self._pos
            self.dendrite.proj._store(name, np.asarray(value, dtype=np.float64), index)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.dendrite.proj.synapse_type.attributes:
            return self.get(name)
        raise AttributeError(f"'IndividualSynapse' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in self.dendrite.proj.synapse_type.attributes:
            self.set({name: value})
        else:
            object.__setattr__(self, name, value)

    def __repr__(self):
        return f"Synapse {self.pre_rank} -> {self.dendrite.post_rank} of '{self.dendrite.proj.name}'"
