"""``Synapse``: a synapse type described by equation strings."""

import logging

from annarray.errors import InvalidConfiguration, ModelError
from annarray.parser.declarations import Attribute, parse_attributes

__all__ = ["Synapse", "OPERATIONS"]

logger = logging.getLogger(__name__)

OPERATIONS = ("sum", "max", "min", "mean")
_counter = [0]


class Synapse:
    """A synapse type: parameters and equations as text (the manual's equation language).

    Attributes without flags are per synapse; ``postsynaptic`` makes one value per
    postsynaptic neuron, ``projection`` one value per projection. Neuron values are read as
    ``pre.x`` / ``post.x`` (and ``pre.sum(exc)``, ``mean(pre.r)``).

    :param parameters: ``name = value : flags`` lines.
    :param equations: updates of the synaptic variables at each step (learning rules).
    :param psp: rate-coded: what one synapse transmits (default ``w * pre.r``).
    :param operation: how the psp of a dendrite are combined: 'sum', 'max', 'min' or 'mean'.
    :param pre_spike: spiking: statements run when the presynaptic neuron spikes.
    :param post_spike: spiking: statements run when the postsynaptic neuron spikes.
    :param functions: local functions, ``f(x) = expression`` lines.
    :param creating: structural plasticity: ``'condition : proba = p, w = w0, d = delay'``,
        when new synapses are created (see :mod:`annarray.core.structural`).
    :param pruning: structural plasticity: ``'condition : proba = p'``, when synapses are
        removed.
    """

    def __init__(self, parameters="", equations="", psp=None, operation="sum", pre_spike=None,
                 post_spike=None, pre_axon_spike=None, functions=None, pruning=None, creating=None,
                 name=None, description=None, extra_values=None):
        _counter[0] += 1
        self.name = name or f"Synapse{_counter[0]}"
        if operation not in OPERATIONS:
            raise ModelError(f"operation='{operation}' is not one of {', '.join(OPERATIONS)}", self.name)
        self.parameters = parameters or ""
        self.equations = equations or ""
        self.psp = psp
        self.operation = operation
        self.pre_spike = pre_spike
        self.post_spike = post_spike
        self.pre_axon_spike = pre_axon_spike
        self.functions = functions
        self.pruning = pruning
        self.creating = creating
        self.description = description
        self.type = "spike" if (pre_spike or post_spike or pre_axon_spike) else "rate"
        self.attributes = parse_attributes(self.parameters, self.equations, self.name, owner="synapse")
        if "w" not in self.attributes:  # every synapse has a weight
            self.attributes["w"] = Attribute("w", "parameter", "local", "double", 0.0, {})
        self._creating_rule = self._structural_rule(creating, "creating")
        self._pruning_rule = self._structural_rule(pruning, "pruning")

    def _structural_rule(self, text, kind):
        """The parsed ``creating=``/``pruning=`` argument (None when not given). As in the
        reference, these arguments need ``setup(structural_plasticity=True)`` first."""
        if text is None:
            return None
        from annarray import config
        from annarray.parser.synapse import split_structural_rule

        if not config.get_config("structural_plasticity"):
            raise InvalidConfiguration(
                f"{self.name}: {kind}= needs structural plasticity; call "
                "setup(structural_plasticity=True) before defining the synapse")
        return split_structural_rule(text, kind, self.name)

    @property
    def plastic(self):
        """True when the equations update ``w`` (a learning rule)."""
        return self.attributes["w"].kind == "variable"

    @property
    def model_key(self):
        """Text that determines this synapse's generated code (for the compile cache)."""
        return repr((self.parameters, self.equations, self.psp, self.operation, self.pre_spike,
                     self.post_spike, self.pre_axon_spike, self.functions))

    def __repr__(self):
        return f"Synapse(name={self.name!r}, parameters={self.parameters!r}, equations={self.equations!r})"
