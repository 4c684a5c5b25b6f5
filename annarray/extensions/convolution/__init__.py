"""Projections sharing their weights: convolution, pooling, copies and transposes.

Import them as in the reference::

    from annarray.extensions.convolution import Convolution, Pooling, Copy, Transpose

* :class:`Convolution`: one filter, or a bank of filters, applied at every post neuron
  (``proj.w`` is the filter itself, stored once);
* :class:`Pooling`: max-, min- or mean-pooling over windows of the presynaptic population;
* :class:`Copy`: another projection's synapses and weights, between other populations;
* :class:`Transpose`: another projection's weights, from its post- to its pre-synaptic
  population.

Rate-coded presynaptic populations only (spiking for :class:`Transpose`), as the reference.
"""

from annarray.extensions.convolution.convolution import Convolution
from annarray.extensions.convolution.copy_projection import Copy
from annarray.extensions.convolution.pooling import Pooling
from annarray.extensions.convolution.transpose import Transpose

__all__ = ["Convolution", "Pooling", "Copy", "Transpose"]
