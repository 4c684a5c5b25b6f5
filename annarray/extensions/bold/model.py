"""``BoldModel``: a rate-coded neuron type that turns neural activity into a BOLD signal.

A BOLD model is an ordinary :class:`~annarray.core.neuron.Neuron` (one neuron per
:class:`~annarray.extensions.bold.BoldMonitor`) that also names its input targets (read in
its equations with ``sum(I_CBF)``) and its output variables (``BOLD``).
"""

import re

from annarray.core.neuron import Neuron
from annarray.errors import ModelError
from annarray.parser.declarations import Attribute

__all__ = ["BoldModel"]


def _as_names(value, what, obj_name):
    names = [value] if isinstance(value, str) else list(value or [])
    if not names or not all(isinstance(n, str) and n.isidentifier() for n in names):
        raise ModelError(f"{what} must be a name or a list of names, got {value!r}", obj_name)
    return names


class BoldModel(Neuron):
    """Base class of the models used by :class:`~annarray.extensions.bold.BoldMonitor`.

    :param parameters: parameter declarations, as for a :class:`Neuron`.
    :param equations: the model's equations; each input ``X`` is read as ``sum(X)``.
    :param inputs: the input target(s), e.g. ``'I_CBF'`` or ``['I_CBF', 'I_CMRO2']``: the
        keys of the monitor's ``mapping``.
    :param output: the output variable(s) (default ``'BOLD'``), always recorded.
    :param name: name shown in reports and given to the monitor's population.
    :param description: free text for reports.

    As in the reference, a model that declares no ``r`` gets a per-neuron variable ``r``
    (0.0) that no equation updates.
    """

    def __init__(self, parameters, equations, inputs, output=("BOLD",), name="Custom BOLD model",
                 description=""):
        self._inputs = _as_names(inputs, "inputs", name)
        self._output = _as_names(output, "output", name)
        super().__init__(parameters=parameters, equations=equations, name=name, description=description)
        self._check_names(equations)
        self._model_instantiated = False  # set by the BoldMonitor that uses it (reports)

    def _missing_rate(self):
        """BOLD models need no rate of their own: they get an unused ``r`` (as in the reference)."""
        self.attributes["r"] = Attribute("r", "variable", "local", "double", 0.0, {})

    def _check_names(self, equations):
        for out in self._output:
            if out not in self.attributes:
                raise ModelError(f"the output '{out}' is not a variable of this model; declare it "
                                 "in equations= or change output=", self.name)
        for target in self._inputs:
            if not re.search(rf"\bsum\s*\(\s*{target}\s*\)", equations or ""):
                raise ModelError(f"the input '{target}' is never read: the equations need "
                                 f"'sum({target})'", self.name)

    @property
    def inputs(self):
        """Names of the input targets (the keys allowed in the monitor's ``mapping``)."""
        return list(self._inputs)

    @property
    def output(self):
        """Names of the output variables (recorded by every monitor)."""
        return list(self._output)
