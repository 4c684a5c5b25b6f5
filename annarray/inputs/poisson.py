"""``PoissonPopulation``: spiking neurons firing as Poisson processes.

As in the reference, the population is an ordinary spiking population whose neuron draws
``p = Uniform(0, 1) * 1000 / dt`` at each step and spikes when ``p < rates``: the
probability of a spike in one step is ``rates * dt / 1000`` (1 for rates >= 1000/dt).
The rate is a per-neuron parameter ``rates`` (a number or an array), a variable computed
from an equation of ``t`` (and of extra ``parameters``), or the weighted sum of the inputs
of a ``target`` (hybrid networks).
"""

from annarray.core.neuron import Neuron
from annarray.core.population import Population
from annarray.errors import NetworkError
from annarray.inputs._common import (
    check_rates,
    copy_population_state,
    extra_parameters,
    geometry_size,
    is_number,
)

__all__ = ["PoissonPopulation"]

_DRAW = "p = Uniform(0.0, 1.0) * 1000.0 / dt"


def _poisson_neuron(rates, target, parameters, refractory, owner):
    params = extra_parameters(parameters, owner)
    if target is not None:
        if not isinstance(target, str) or not target.isidentifier():
            raise NetworkError(f"{owner}: target= must be a name such as 'exc', got {target!r}")
        return Neuron(parameters=params, equations=f"rates = sum({target})\n{_DRAW}",
                      spike="p < rates", refractory=refractory, name="Hybrid",
                      description="Spiking neuron firing as a Poisson process at the rate given "
                                  "by the weighted sum of its inputs.")
    if isinstance(rates, str):
        return Neuron(parameters=params, equations=f"rates = {rates}\n{_DRAW}", spike="p < rates",
                      refractory=refractory, name="Poisson",
                      description="Spiking neuron firing as a Poisson process.")
    if is_number(rates):
        check_rates(rates, owner)
        init = float(rates)
    else:
        init = 10.0  # the array is set once the population exists
    params = "\n".join(p for p in (f"rates = {init!r}", params) if p)
    return Neuron(parameters=params, equations=_DRAW, spike="p < rates", refractory=refractory,
                  name="Poisson", description="Spiking neuron firing as a Poisson process.")


class PoissonPopulation(Population):
    """Spiking neurons emitting spikes as Poisson processes.

    :param geometry: number of neurons or a tuple of sizes.
    :param name: unique name.
    :param rates: mean firing rate in Hz: a number, an array (one per neuron, shaped as the
        geometry or flat), or an equation of ``t`` (text, e.g.
        ``'100 * (1 + sin(2*pi*t/1000))/2'``), which may use ``parameters``.
    :param target: instead of ``rates``: the rate of each neuron is its weighted sum of
        inputs ``sum(target)`` (for a rate-coded population projecting onto this one).
    :param parameters: extra parameters for the ``rates`` equation (text or dict).
    :param refractory: refractory period in ms.

    ``pop.rates`` reads the rates and, for a number or an array, can be set at any time
    (``pop.rates = np.linspace(10, 150, pop.size)``). Negative rates are refused; an
    equation or an input sum that becomes negative just gives no spike.
    """

    def __init__(self, geometry, name=None, rates=None, target=None, parameters=None,
                 refractory=None, copied=False, network=None):
        owner = f"PoissonPopulation '{name}'" if name else "PoissonPopulation"
        if rates is None and target is None:
            raise NetworkError(f"{owner}: give either rates= (Hz: number, array or equation) or "
                               "target= (the rates are then the summed inputs of that target)")
        if rates is not None and target is not None:
            raise NetworkError(f"{owner}: give rates= or target=, not both")
        array = None
        if rates is not None and not isinstance(rates, str) and not is_number(rates):
            array = check_rates(rates, owner)
            size = geometry_size(geometry)
            if array.ndim and size is not None and array.size != size:
                raise NetworkError(f"{owner}: rates has {array.size} values for {size} neurons; "
                                   "give one rate per neuron or a single number")
        neuron = _poisson_neuron(rates, target, parameters, refractory, owner)
        super().__init__(geometry, neuron, name=name, network=network)
        self._poisson_args = {"rates": rates, "target": target, "parameters": parameters,
                              "refractory": refractory}
        self.target = target
        if array is not None:
            self.set({"rates": array.reshape(-1) if array.ndim else array})

    @property
    def rates_init(self):
        """The ``rates`` argument given at construction."""
        return self._poisson_args["rates"]

    def _prepare(self, name, value, n):
        value = super()._prepare(name, value, n)
        if name == "rates" and self._attribute("rates").kind == "parameter":
            check_rates(value, f"PoissonPopulation '{self.name}'")
        return value

    def _copy(self, network):
        args = self._poisson_args
        pop = PoissonPopulation(self.geometry, name=self.name, rates=args["rates"], target=args["target"],
                                parameters=args["parameters"], refractory=args["refractory"],
                                network=network)
        return copy_population_state(self, pop)
