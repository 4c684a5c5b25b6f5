"""Random distributions used to initialise attributes, weights and delays.

``pop.v = Uniform(-70.0, -50.0)`` draws one value per neuron from the generator of the
configuration (seeded by ``setup(seed=)``). Inside equations the same names are parsed as
per-step draws instead (see :mod:`annarray.parser.expressions`).
"""

import numpy as np

from annarray.errors import AnnarrayError

__all__ = ["RandomDistribution", "Uniform", "DiscreteUniform", "Normal", "LogNormal",
           "Exponential", "Gamma", "Binomial"]


class RandomDistribution:
    """Base class: ``get_values(shape)`` returns a NumPy array of draws."""

    seed = -1

    def _rng(self, rng):
        if rng is not None:
            return rng
        if self.seed not in (-1, None):
            return np.random.default_rng(self.seed)
        from annarray import config

        return config.get_rng()

    def get_values(self, shape, rng=None):
        raise AnnarrayError(f"{type(self).__name__} cannot draw values")

    def get_list_values(self, size, rng=None):
        return list(self.get_values(size, rng))

    def get_value(self, rng=None):
        return self.get_values(1, rng)[0]

    def _clip(self, values):
        lo, hi = getattr(self, "min", None), getattr(self, "max", None)
        if lo is not None or hi is not None:
            values = np.clip(values, lo, hi)
        return values


class Uniform(RandomDistribution):
    """Uniform on [min, max)."""

    def __init__(self, min, max, seed=-1):
        self.seed = seed
        if max < min:
            raise AnnarrayError(f"Uniform({min}, {max}): max must not be below min")
        self.min, self.max = min, max

    def get_values(self, shape, rng=None):
        return self._rng(rng).uniform(self.min, self.max, shape)


class DiscreteUniform(RandomDistribution):
    """Integers from min to max, both included."""

    def __init__(self, min, max, seed=-1):
        self.seed = seed
        if max < min:
            raise AnnarrayError(f"DiscreteUniform({min}, {max}): max must not be below min")
        self.min, self.max = int(min), int(max)

    def get_values(self, shape, rng=None):
        return self._rng(rng).integers(self.min, self.max + 1, shape)


class Normal(RandomDistribution):
    """Normal with mean ``mu`` and standard deviation ``sigma``, optionally clipped."""

    def __init__(self, mu, sigma, min=None, max=None, seed=-1):
        self.seed = seed
        if sigma < 0:
            raise AnnarrayError(f"Normal({mu}, {sigma}): sigma must be positive")
        self.mu, self.sigma, self.min, self.max = mu, sigma, min, max

    def get_values(self, shape, rng=None):
        return self._clip(self._rng(rng).normal(self.mu, self.sigma, shape))


class LogNormal(RandomDistribution):
    """exp(Normal(mu, sigma)), optionally clipped."""

    def __init__(self, mu, sigma, min=None, max=None, seed=-1):
        self.seed = seed
        if sigma < 0:
            raise AnnarrayError(f"LogNormal({mu}, {sigma}): sigma must be positive")
        self.mu, self.sigma, self.min, self.max = mu, sigma, min, max

    def get_values(self, shape, rng=None):
        return self._clip(self._rng(rng).lognormal(self.mu, self.sigma, shape))


class Exponential(RandomDistribution):
    """Exponential with rate ``Lambda`` (mean 1/Lambda, as in equations), optionally clipped.

    The reference's Python-side object draws with mean ``Lambda`` (inconsistent with its
    equations); annarray uses the rate in both places.
    """

    def __init__(self, Lambda, min=None, max=None, seed=-1):
        self.seed = seed
        if Lambda <= 0:
            raise AnnarrayError(f"Exponential({Lambda}): the rate must be positive")
        self.Lambda, self.min, self.max = Lambda, min, max

    def get_values(self, shape, rng=None):
        return self._clip(self._rng(rng).exponential(1.0 / self.Lambda, shape))


class Gamma(RandomDistribution):
    """Gamma with shape ``alpha`` and scale ``beta``, optionally clipped."""

    def __init__(self, alpha, beta=1.0, seed=-1, min=None, max=None):
        self.seed = seed
        self.alpha, self.beta, self.min, self.max = alpha, beta, min, max

    def get_values(self, shape, rng=None):
        return self._clip(self._rng(rng).gamma(self.alpha, self.beta, shape))


class Binomial(RandomDistribution):
    """Number of successes in ``n`` trials of probability ``p``."""

    def __init__(self, n, p, seed=-1):
        self.seed = seed
        if not 0 <= p <= 1:
            raise AnnarrayError(f"Binomial({n}, {p}): p must lie in [0, 1]")
        self.n, self.p = int(n), p

    def get_values(self, shape, rng=None):
        return self._rng(rng).binomial(self.n, self.p, shape)
