"""``Neuron``: a neuron type described by equation strings."""

import logging

from annarray.errors import ModelError
from annarray.parser.declarations import parse_parameters, parse_variables

__all__ = ["Neuron"]

logger = logging.getLogger(__name__)

_counter = [0]


class Neuron:
    """A neuron type: parameters and equations as text (the manual's equation language).

    :param parameters: ``name = value : flags`` lines (or a dict name → value).
    :param equations: assignments and ODEs, one per line, evaluated at each step.
    :param spike: spike condition (spiking neurons), e.g. ``v > v_thresh``.
    :param axon_spike: condition of an axonal spike (spiking neurons).
    :param reset: statements applied to the neurons that spiked.
    :param axon_reset: statements applied after an axonal spike.
    :param refractory: refractory period (ms): a number or a parameter name.
    :param functions: local functions, ``f(x) = expression`` lines.
    :param name: name shown in reports and messages.
    :param description: free text for reports.
    """

    def __init__(self, parameters="", equations="", spike=None, axon_spike=None, reset=None,
                 axon_reset=None, refractory=None, functions=None, name=None, description=None,
                 extra_values=None):
        _counter[0] += 1
        self.name = name or f"Neuron{_counter[0]}"
        self.parameters = parameters or ""
        self.equations = equations or ""
        self.spike = spike
        self.axon_spike = axon_spike
        self.reset = reset
        self.axon_reset = axon_reset
        self.refractory = refractory
        self.functions = functions
        self.description = description
        self.type = "spike" if spike else "rate"
        from annarray.core.globals import constant_values

        constants = constant_values()
        params = parse_parameters(self.parameters, self.name, constants)
        variables = parse_variables(self.equations, self.name, params, constants)
        self.attributes = {**params, **variables}
        if not self.spike and "r" not in self.attributes:
            raise ModelError(
                "a rate-coded neuron must define the variable 'r' (its firing rate), "
                "e.g. 'r = pos(v)' in equations=",
                self.name,
            )

    @property
    def model_key(self):
        """Text that determines this neuron's generated code (for the compile cache)."""
        return repr((self.parameters, self.equations, self.spike, self.axon_spike, self.reset,
                     self.axon_reset, self.refractory, self.functions))

    def __repr__(self):
        return f"Neuron(name={self.name!r}, parameters={self.parameters!r}, equations={self.equations!r})"
