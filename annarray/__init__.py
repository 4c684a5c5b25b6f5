"""annarray: rate-coded and spiking neural networks in NumPy/CuPy arrays.

The interface is that of ANNarchy 4.8: ``import annarray as ann`` and write the model as
for the reference. See the README and ``examples/``.
"""

import logging

from annarray import config
from annarray.config import dt, get_config, setup
from annarray.core.callbacks import (
                                  callbacks_enabled,
                                  clear_all_callbacks,
                                  disable_callbacks,
                                  enable_callbacks,
                                  every,
)
from annarray.core.connectivity import CSR, LILConnectivity
from annarray.core.dendrite import Dendrite, IndividualSynapse
from annarray.core.globals import Constant, add_function, functions
from annarray.core.monitor import Monitor
from annarray.core.monitor_list import MonitorList
from annarray.core.network import Network
from annarray.core.neuron import Neuron
from annarray.core.parallel import parallel_run
from annarray.core.parameters_io import load_parameter, load_parameters, save_parameters
from annarray.core.population import IndividualNeuron, Population, PopulationView
from annarray.core.projection import Projection
from annarray.core.random import (
                                  Binomial,
                                  DiscreteUniform,
                                  Exponential,
                                  Gamma,
                                  LogNormal,
                                  Normal,
                                  RandomDistribution,
                                  Uniform,
)
from annarray.core.report import report
from annarray.core.saving import load, save
from annarray.core.simulation import (
                                  clear,
                                  compile,
                                  disable_learning,
                                  enable_learning,
                                  get_current_step,
                                  get_population,
                                  get_projection,
                                  get_time,
                                  monitors,
                                  populations,
                                  projections,
                                  reset,
                                  set_seed,
                                  set_current_step,
                                  set_time,
                                  simulate,
                                  simulate_until,
                                  step,
)
from annarray.core.spike_analysis import (
                                  coefficient_of_variation,
                                  histogram,
                                  inter_spike_interval,
                                  mean_fr,
                                  population_rate,
                                  raster_plot,
                                  smoothed_rate,
)
from annarray.core.synapse import Synapse
from annarray.errors import AnnarrayError, InvalidConfiguration
from annarray.inputs import (
                                  CurrentInjection,
                                  DecodingProjection,
                                  HomogeneousCorrelatedSpikeTrains,
                                  InputArray,
                                  PoissonPopulation,
                                  SpikeSourceArray,
                                  TimedArray,
                                  TimedPoissonPopulation,
)
from annarray.models import (
                                  IBCM,
                                  STDP,
                                  STP,
                                  DefaultRateCodedSynapse,
                                  DefaultSpikingSynapse,
                                  EIF_cond_alpha_isfa_ista,
                                  EIF_cond_exp_isfa_ista,
                                  Hebb,
                                  HH_cond_exp,
                                  IF_cond_alpha,
                                  IF_cond_exp,
                                  IF_curr_alpha,
                                  IF_curr_exp,
                                  Izhikevich,
                                  LeakyIntegrator,
                                  Oja,
)

__version__ = "0.1.0"

__all__ = [
    "setup", "get_config", "set_seed", "dt", "config",
    "Neuron", "Population", "PopulationView", "IndividualNeuron", "Monitor", "Network",
    "Constant", "add_function", "functions",
    "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma", "Binomial",
    "RandomDistribution",
    "compile", "simulate", "simulate_until", "step", "reset", "get_time", "set_time",
    "get_current_step", "set_current_step", "get_population", "populations", "projections",
    "monitors", "clear", "AnnarrayError", "InvalidConfiguration", "LeakyIntegrator",
    "Synapse", "Projection", "Dendrite", "IndividualSynapse", "CSR", "LILConnectivity",
    "get_projection", "enable_learning", "disable_learning",
    "report",
    "every", "enable_callbacks", "disable_callbacks", "clear_all_callbacks", "callbacks_enabled", "parallel_run",
    "DefaultRateCodedSynapse", "Hebb", "Oja", "IBCM", "DefaultSpikingSynapse", "STP", "STDP",
    "Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_cond_alpha", "HH_cond_exp",
    "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista",
    "InputArray", "TimedArray", "PoissonPopulation", "TimedPoissonPopulation", "SpikeSourceArray",
    "HomogeneousCorrelatedSpikeTrains", "CurrentInjection", "DecodingProjection",
    "raster_plot", "histogram", "inter_spike_interval", "coefficient_of_variation", "population_rate",
    "smoothed_rate", "mean_fr",
    "save", "load", "save_parameters", "load_parameters", "load_parameter", "MonitorList",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
