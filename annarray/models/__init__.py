"""Built-in models (neurons now; synapses come with projections)."""

from annarray.models.neurons import LeakyIntegrator

__all__ = ["LeakyIntegrator"]
