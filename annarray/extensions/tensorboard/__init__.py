"""Logging simulations for TensorBoard (needs ``tensorboardX``):
``from annarray.extensions.tensorboard import Logger``."""

from annarray.extensions.tensorboard.logger import Logger

__all__ = ["Logger"]
