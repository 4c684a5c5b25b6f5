"""``Logger``: logs scalars, images, histograms, figures and hyperparameters of simulations
for TensorBoard, through ``tensorboardX.SummaryWriter`` (extra ``annarray[tensorboard]``).

``tensorboard --logdir runs`` then shows the logs written under ``runs/``.
"""

import logging
import os
import socket
from datetime import datetime

import numpy as np

from annarray.errors import InvalidConfiguration, NetworkError

__all__ = ["Logger"]

logger = logging.getLogger(__name__)


def _summary_writer(logdir):
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise InvalidConfiguration(
            "the tensorboard extension needs tensorboardX; install it with "
            "'pip install tensorboardX' (or the extra annarray[tensorboard])") from None
    return SummaryWriter(logdir, comment="", purge_step=None, max_queue=10, flush_secs=10,
                         filename_suffix="", write_to_disk=True)


def _rescaled(img):
    """``img`` as floats rescaled to [0, 1] by its min and max (zeros if it is constant)."""
    img = np.asarray(img, dtype=np.float64)
    lo, hi = img.min(), img.max()
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)


class Logger:
    """Writes TensorBoard logs in ``logdir/experiment``; close it (or use ``with``).

    :param logdir: parent folder of the logs (created if needed), default ``runs/``.
    :param experiment: sub-folder of this run; default: the date, time and host name
        (``Apr22_12-11-22_machine``). Reusing a name appends to its logs.

    Image values should be floats in [0, 1] or integers in [0, 255]; ``equalize=True``
    rescales them by the array's min and max. ``step`` is the x-axis index of a value
    (trial number, simulated time…).
    """

    def __init__(self, logdir="runs/", experiment=None):
        self.logdir = logdir
        self.experiment = experiment
        os.makedirs(logdir, exist_ok=True)
        if not experiment:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            self.currentlogdir = os.path.join(logdir, f"{stamp}_{socket.gethostname()}")
        else:
            self.currentlogdir = os.path.join(logdir, experiment)
        logger.info("Logging in %s", self.currentlogdir)
        self._summary = _summary_writer(self.currentlogdir)

    # -- values -----------------------------------------------------------------------------
    def add_scalar(self, tag, value, step=None):
        """Logs one value (e.g. an accuracy) under ``tag`` (``'Accuracy/Train'`` groups plots)."""
        self._summary.add_scalar(tag=tag, scalar_value=float(value), global_step=step)

    def add_scalars(self, tag, value, step=None):
        """Logs several values in one plot: ``value`` maps a name to each value."""
        if not isinstance(value, dict):
            raise NetworkError(f"Logger.add_scalars('{tag}'): value must be a dict name -> number")
        values = {name: float(v) for name, v in value.items()}
        self._summary.add_scalars(main_tag=tag, tag_scalar_dict=values, global_step=step)

    def add_histogram(self, tag, hist, step=None):
        """Logs the distribution of the values of ``hist`` (a list or an array, flattened)."""
        self._summary.add_histogram(tag, np.asarray(hist, dtype=np.float64).ravel(), step)

    def add_parameters(self, params, metrics):
        """Logs the parameters of a run with the metrics it reached (TensorBoard's HPARAMS
        tab compares runs). Call it once per run, typically at the end."""
        if not isinstance(params, dict) or not isinstance(metrics, dict):
            raise NetworkError("Logger.add_parameters(params, metrics) takes two dicts")
        self._summary.add_hparams(params, metrics)

    # -- images -----------------------------------------------------------------------------
    def add_image(self, tag, img, step=None, equalize=False):
        """Logs an image of shape ``(height, width)`` (grey) or ``(height, width, 3)`` (RGB).

        :param equalize: rescale the values to [0, 1] with the array's min and max.
        """
        img = np.asarray(img)
        if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] != 3):
            raise NetworkError(f"Logger.add_image('{tag}'): images have the shape (H, W) or (H, W, 3), "
                               f"got {img.shape}")
        if equalize:
            img = _rescaled(img)
        self._summary.add_image(tag=tag, img_tensor=img, global_step=step,
                                dataformats="HW" if img.ndim == 2 else "HWC")

    def add_images(self, tag, img, step=None, equalize=False, equalize_per_image=False):
        """Logs a set of images, shape ``(number, height, width)`` or ``(number, height, width, 3)``
        (e.g. receptive fields).

        :param equalize: rescale the values to [0, 1] with the min and max of the whole array.
        :param equalize_per_image: with ``equalize``, rescale each image by its own min and max.
        """
        img = np.asarray(img)
        if img.ndim == 3:
            img = img[..., np.newaxis]
        if img.ndim != 4 or img.shape[3] not in (1, 3):
            raise NetworkError(f"Logger.add_images('{tag}'): images have the shape (N, H, W) or "
                               f"(N, H, W, 3), got {np.shape(img)}")
        if equalize:
            img = np.stack([_rescaled(i) for i in img]) if equalize_per_image else _rescaled(img)
        self._summary.add_images(tag=tag, img_tensor=img, global_step=step, dataformats="NHWC")

    def add_figure(self, tag, figure, step=None, close=True):
        """Logs a Matplotlib figure as an image (slow and large: use sparingly).

        :param close: close the figure once logged.
        """
        self._summary.add_figure(tag, figure, global_step=step, close=close)

    # -- resources --------------------------------------------------------------------------
    def flush(self):
        """Asks tensorboardX to write the pending logs to disk (its writer thread may still
        hold the very last ones; :meth:`close` writes everything)."""
        self._summary.flush()

    def close(self):
        """Writes the pending logs and closes the files."""
        self._summary.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()
