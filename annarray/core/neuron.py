"""``Neuron``: a neuron type described by equation strings."""

import logging
import numbers
import re

from annarray.errors import ModelError
from annarray.parser.declarations import Attribute, parse_attributes
from annarray.parser.statements import _logical_lines, split_statements

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
    :param refractory: refractory period (ms) of spiking neurons: a number, or the name of
        a parameter (or variable) holding it per neuron. During it the neuron's equations are
        not evaluated (except those of the conductances ``g_*``) and it cannot spike.
    :param functions: local functions, ``f(x) = expression`` lines.
    :param name: name shown in reports and messages.
    :param description: free text for reports.

    Spiking neurons (``spike=`` given) also get, as the reference gives them:

    * a variable ``r`` (per neuron, 0.0) holding the mean firing rate in Hz once
      ``Population.compute_firing_rate(window)`` is called (``r`` may not be declared);
    * one variable ``g_<target>`` (per neuron, 0.0) for each conductance ``g_<target>`` that
      the equations read but do not define: spiking projections add their weights into it,
      and it is set back to 0 at each step after the equations (a ``g_<target>`` with its own
      equation is left to it);
    * ``t_last`` (alias ``t_last_spike``) in equations: the time of the neuron's last spike
      in ms (``-10000 * dt`` before the first one).
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
        self.attributes = parse_attributes(self.parameters, self.equations, self.name)
        self.conductances = []  # g_<target> variables added here (set back to 0 each step)
        self.conductance_targets = []  # every <target> of a g_<target> the equations read
        if self.spike:
            self._add_spiking_attributes()
            self._check_refractory()
        elif "r" not in self.attributes:
            self._missing_rate()

    def _missing_rate(self):
        """A rate-coded model without ``r``: refused (subclasses that supply one override it)."""
        raise ModelError(
            "a rate-coded neuron must define the variable 'r' (its firing rate), "
            "e.g. 'r = pos(v)' in equations=",
            self.name,
        )

    def _add_spiking_attributes(self):
        """``r`` and the undeclared conductances ``g_<target>`` of a spiking neuron."""
        for reserved in ("t_last", "t_last_spike"):
            if reserved in self.attributes:
                raise ModelError(
                    f"'{reserved}' is a reserved name in spiking neurons (time of the last spike); "
                    "rename the attribute",
                    self.name,
                )
        if "r" in self.attributes:
            raise ModelError(
                "spiking neurons use the variable 'r' for their mean firing rate "
                "(see Population.compute_firing_rate()); give this attribute another name",
                self.name,
            )
        self.attributes["r"] = Attribute("r", "variable", "local", "double", 0.0, {})
        self.conductance_targets = _conductance_targets(self.equations, self.name)
        for target in self.conductance_targets:
            name = f"g_{target}"
            if name not in self.attributes:
                self.attributes[name] = Attribute(name, "variable", "local", "double", 0.0, {})
                self.conductances.append(name)

    def _check_refractory(self):
        """Validates ``refractory=`` (a non-negative number of ms or an attribute name)."""
        value = self.refractory
        if value is None:
            return
        if isinstance(value, str):
            if not _is_number(value):
                self.refractory = self._check_refractory_attribute(value.strip())
                return
            value = float(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ModelError(
                f"refractory= takes a number of ms or a parameter name, got {value!r}",
                self.name,
            )
        if value < 0:
            raise ModelError(f"the refractory period must be >= 0 ms, got {value}", self.name,
                             f"refractory = {value}")
        self.refractory = float(value)

    def _check_refractory_attribute(self, name):
        if name not in self.attributes:
            raise ModelError(
                f"refractory='{name}' names no parameter or variable of this neuron; "
                "give a number of ms or the name of a parameter declared in parameters=",
                self.name,
                f"refractory = {name}",
            )
        init = self.attributes[name].init
        if isinstance(init, (int, float)) and init < 0:
            raise ModelError(
                f"the refractory period '{name}' is negative ({init} ms); it must be >= 0",
                self.name,
                f"refractory = {name}",
            )
        return name

    @property
    def model_key(self):
        """Text that determines this neuron's generated code (for the compile cache)."""
        return repr((self.parameters, self.equations, self.spike, self.axon_spike, self.reset,
                     self.axon_reset, self.refractory, self.functions))

    def __repr__(self):
        return f"Neuron(name={self.name!r}, parameters={self.parameters!r}, equations={self.equations!r})"


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


_CONDUCTANCE_RE = re.compile(r"(?<![\w.])g_(\w+)")


def _conductance_targets(equations, obj_name):
    """Sorted targets ``t`` of the conductances ``g_t`` read by the equations (as the
    reference finds them: ``g_`` not preceded by a letter, digit, ``_`` or ``.``)."""
    split_statements(equations, obj_name)  # reports syntax errors as the parser does
    text = "\n".join(line for _, line in _logical_lines(equations or ""))
    return sorted({m.group(1) for m in _CONDUCTANCE_RE.finditer(text)})
