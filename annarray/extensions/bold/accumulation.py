"""The projections that feed a BOLD model: the mean of a variable of a recorded population.

Each step, ``sum(target)`` of the BOLD population receives ``scale_factor * mean(x)``, the
mean of the variable ``x`` over the recorded population (or view), read as transmission
reads it (the values after the previous step). It is an ordinary rate-coded projection
(all-to-all, weights ``scale_factor``, psp ``w * pre.x``, operation ``mean``).

With a baseline (``normalize_input`` ms), the first ``normalize_input`` ms after
:meth:`BoldInputProjection.start_baseline` send nothing and accumulate ``mean(x)``; from
then on the input is the relative change ``scale_factor * (mean(x) - m) / (|m| + 1e-7)``
from that baseline mean ``m`` (as the reference).
"""

import numpy as np

from annarray.core.population import population_of
from annarray.core.projection import Projection
from annarray.core.synapse import Synapse
from annarray.errors import NetworkError

__all__ = ["BoldInputProjection"]

_EPSILON = 1e-7  # keeps the relative change finite for a zero baseline (reference value)


class BoldInputProjection(Projection):
    """``post.sum(target) += scale_factor * mean(pre.variable)`` at each step.

    :param pre: recorded population or view.
    :param post: the BOLD model's population (one neuron).
    :param target: the model's input (``'I_CBF'``).
    :param variable: the name of the recorded variable of ``pre`` (``'r'``).
    :param scale_factor: weight of this population in the input.
    :param normalize_input: baseline period in ms (0: no baseline).
    """

    def __init__(self, pre, post, target, variable, scale_factor=1.0, normalize_input=0.0,
                 name=None, network=None):
        synapse = Synapse(psp=f"w * pre.{variable}", operation="mean", name="BOLD input",
                          description=f"Mean of the presynaptic '{variable}', times the "
                                      "population's scale factor.")
        super().__init__(pre, post, target, synapse, name=name)
        self.variable = variable
        self.scale_factor = float(scale_factor)
        self.normalize_input = float(normalize_input)
        self._baseline_end = None  # step at which the baseline mean is taken
        self._baseline_sum = 0.0
        self._baseline_count = 0
        self._baseline_mean = 0.0
        self.connect_all_to_all(weights=self.scale_factor if not self.normalize_input else 1.0)
        self.connector_description = f"mean of {variable}, scale {self.scale_factor:g}" + (
            f", baseline {self.normalize_input:g} ms" if self.normalize_input else "")

    def baseline_steps(self):
        """Length of the baseline period in steps."""
        return int(self.normalize_input / self._net.dt + 1e-9)

    def start_baseline(self):
        """Starts a new baseline period at the current step (nothing without a baseline)."""
        if not self.normalize_input:
            return
        self._baseline_end = self._net._step + self.baseline_steps()
        self._baseline_sum = 0.0
        self._baseline_count = 0
        self._baseline_mean = 0.0

    # -- per-step operation ---------------------------------------------------------------
    def _psp_ops(self):
        if not self.normalize_input:
            return super()._psp_ops()
        return [self._normalized_input]

    def _pre_values(self):
        """The recorded values (xp array) of the presynaptic neurons."""
        pre = population_of(self.pre)
        values = pre._state[self.variable]
        if values.ndim == 0 or self.pre is pre:
            return values
        if getattr(self, "_pre_index", None) is None:
            self._pre_index = self._net.backend().xp.asarray(np.asarray(self.pre.ranks))
        return values[self._pre_index]

    def _normalized_input(self):
        """One step with a baseline: accumulate the mean, or send its relative change."""
        xp = self._net.backend().xp
        mean = xp.mean(self._pre_values())
        step = self._net._step
        end = self._baseline_end
        if end is not None and step < end:
            self._baseline_sum = self._baseline_sum + mean
            self._baseline_count += 1
            return
        if step == end:
            self._baseline_mean = self._baseline_sum / self._baseline_count
        base = self._baseline_mean
        total = population_of(self.post)._state[f"_sum_{self.target}"]
        total += self.scale_factor * (mean - base) / (abs(base) + _EPSILON)

    def _copy(self, network):
        pre, post = network.get(self.pre), network.get(self.post)
        proj = BoldInputProjection(pre, post, self.target, self.variable, self.scale_factor,
                                   self.normalize_input, self.name)
        proj._baseline_end = self._baseline_end  # a baseline started before the copy goes on
        return proj


def check_baseline(normalize_input, dt, obj_name):
    """Refuses baselines that are negative or shorter than one step."""
    if normalize_input < 0 or 0 < normalize_input < dt:
        raise NetworkError(f"{obj_name}: normalize_input={normalize_input} ms must be 0 (no "
                           f"baseline) or at least one step (dt = {dt} ms)")
