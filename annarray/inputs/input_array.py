"""``InputArray``: a rate-coded population whose ``r`` is set by the user."""

from annarray.core.neuron import Neuron
from annarray.core.population import Population
from annarray.inputs._common import copy_population_state

__all__ = ["InputArray"]


class InputArray(Population):
    """Rate-coded inputs held in the (recordable) variable ``r``, with no processing.

    :param geometry: number of neurons or a tuple of sizes.
    :param name: unique name.

    ``inp.r = values`` sets the inputs at any time; projections from this population read
    them at the next step. Nothing is computed at each step.
    """

    def __init__(self, geometry=None, name=None, copied=False, network=None):
        neuron = Neuron(parameters="", equations="r = r", name="Input Array",
                        description="Input array source.")
        super().__init__(geometry, neuron, name=name, network=network)

    def _build_ops(self, code, backend, ns):
        # ``r = r``: nothing to compute
        self._global_ops = []
        return []

    def _copy(self, network):
        return copy_population_state(self, InputArray(self.geometry, name=self.name, network=network))
