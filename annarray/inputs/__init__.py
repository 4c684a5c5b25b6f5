"""Input generators: populations that produce inputs and projections that convert them.

* rate-coded inputs: :class:`InputArray` (``r`` set by the user), :class:`TimedArray`
  (``r`` follows a schedule of inputs);
* spiking inputs: :class:`PoissonPopulation`, :class:`TimedPoissonPopulation`,
  :class:`SpikeSourceArray`, :class:`HomogeneousCorrelatedSpikeTrains`;
* conversions: :class:`CurrentInjection` (rates → conductances of spiking neurons),
  :class:`DecodingProjection` (spikes → rates).
"""

from annarray.inputs.correlated import HomogeneousCorrelatedSpikeTrains
from annarray.inputs.current_injection import CurrentInjection
from annarray.inputs.decoding import DecodingProjection
from annarray.inputs.input_array import InputArray
from annarray.inputs.poisson import PoissonPopulation
from annarray.inputs.spike_source import SpikeSourceArray
from annarray.inputs.timed_array import TimedArray, TimedPoissonPopulation

__all__ = [
    "InputArray", "TimedArray", "PoissonPopulation", "TimedPoissonPopulation", "SpikeSourceArray",
    "HomogeneousCorrelatedSpikeTrains", "CurrentInjection", "DecodingProjection",
]
