"""BOLD monitoring: a BOLD signal computed by a haemodynamic model from neural activity.

``from annarray.extensions.bold import BoldMonitor, balloon_RN`` as in the reference.
"""

from annarray.extensions.bold.accumulation import BoldInputProjection
from annarray.extensions.bold.balloon import (
    balloon_CL,
    balloon_CN,
    balloon_maith2021,
    balloon_RL,
    balloon_RN,
    balloon_two_inputs,
)
from annarray.extensions.bold.model import BoldModel
from annarray.extensions.bold.monitor import BoldMonitor

__all__ = ["BoldMonitor", "BoldModel", "BoldInputProjection", "balloon_maith2021", "balloon_CN",
           "balloon_CL", "balloon_RN", "balloon_RL", "balloon_two_inputs"]
