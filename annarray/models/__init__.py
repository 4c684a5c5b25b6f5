"""Built-in models: neuron and synapse types with the reference's names and defaults."""

from annarray.models.neurons import LeakyIntegrator
from annarray.models.synapses import IBCM, DefaultRateCodedSynapse, Hebb, Oja

__all__ = ["LeakyIntegrator", "DefaultRateCodedSynapse", "Hebb", "Oja", "IBCM"]
