"""Built-in models: neuron and synapse types with the reference's names and defaults."""

from annarray.models.neurons import (
                                     EIF_cond_alpha_isfa_ista,
                                     EIF_cond_exp_isfa_ista,
                                     HH_cond_exp,
                                     IF_cond_alpha,
                                     IF_cond_exp,
                                     IF_curr_alpha,
                                     IF_curr_exp,
                                     Izhikevich,
                                     LeakyIntegrator,
)
from annarray.models.synapses import (
                                     IBCM,
                                     STDP,
                                     STP,
                                     DefaultRateCodedSynapse,
                                     DefaultSpikingSynapse,
                                     Hebb,
                                     Oja,
)

__all__ = ["LeakyIntegrator", "Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_cond_alpha",
           "HH_cond_exp", "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista", "DefaultRateCodedSynapse", "Hebb", "Oja", "IBCM",
           "DefaultSpikingSynapse", "STP", "STDP"]
