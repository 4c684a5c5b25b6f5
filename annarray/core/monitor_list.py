"""``MonitorList``: several monitors saved into one HDF5 file, and ``Monitor.save``.

As in the reference (ANNarchy 4.8.2, docs/reference_facts.md O), ``save_all()`` writes the
recordings of every monitor of the list to an ``.hdf5`` file, one dataset per recorded
variable named ``/<object name>/<variable>`` (``<object name>_<variable>`` with
``flat_keys=True``), holding what ``Monitor.get()`` returns. Spike recordings, which the
reference cannot store (its h5py call fails on the dictionary), are stored as a group with
one dataset per neuron rank (the steps of its spikes).
"""

import numpy as np

from annarray.core.monitor import Monitor
from annarray.core.state_files import atomic_write, write_h5_items
from annarray.errors import NetworkError

__all__ = ["MonitorList", "save_monitor"]


def _object_name(mon):
    return getattr(mon.object, "name", None) or mon._population.name


def _h5_value(data):
    """What ``Monitor.get()`` returned, ready for HDF5: spike dictionaries keyed by rank
    strings, per-dendrite lists as object arrays."""
    if isinstance(data, dict):
        return {str(rank): np.asarray(steps, dtype=np.int64) for rank, steps in data.items()}
    return data


def _read_monitors(monitors, keep, reshape):
    """``{monitor index: {variable: data}}`` without emptying the monitors (``keep=True``:
    nothing is lost if the file cannot be written)."""
    return {i: mon.get(list(mon.variables), keep=True, reshape=reshape, force_dict=True)
            for i, mon in enumerate(monitors) if mon.variables}


def _forget(monitors):
    """Empties the monitors as ``get(keep=False)`` does, once their data is on disk."""
    for mon in monitors:
        if mon.variables:
            mon.get(list(mon.variables), keep=False, force_dict=True)


class MonitorList(list):
    """A list of :class:`~annarray.core.monitor.Monitor` objects saved together.

    Example::

        monitors = MonitorList([Monitor(pop1, ['r', 'v']), Monitor(pop2, 'r')])
        ann.simulate(100.0)
        monitors.save_all('monitors.hdf5')
    """

    def save_all(self, filename, keep=False, reshape=False, flat_keys=False):
        """Saves the recordings of all monitors to the HDF5 file ``filename`` (written atomically).

        :param filename: must end with ``.hdf5``.
        :param keep: keep the recorded data in the monitors (default: they forget it, as
            ``Monitor.get()``).
        :param reshape: shape each recorded step as the population's geometry.
        :param flat_keys: name the datasets ``<object>_<variable>`` instead of
            ``<object>/<variable>``.
        :raises NetworkError: another extension, an item that is not a monitor, or two
            monitors giving the same dataset name.
        """
        if not str(filename).endswith(".hdf5"):
            raise NetworkError(f"MonitorList.save_all(): the file must end with .hdf5, got '{filename}'")
        monitors = list(self)
        for mon in monitors:
            if not isinstance(mon, Monitor):
                raise NetworkError(f"MonitorList.save_all(): {mon!r} is not a Monitor")
        sep = "_" if flat_keys else "/"
        paths = [(i, v, f"/{_object_name(mon)}{sep}{v}") for i, mon in enumerate(monitors) for v in mon.variables]
        names = [p for _, _, p in paths]
        repeated = sorted({p for p in names if names.count(p) > 1})
        if repeated:
            raise NetworkError(f"MonitorList.save_all(): several monitors give the dataset(s) {', '.join(repeated)}; "
                               "keep one monitor per object and variable")
        data = _read_monitors(monitors, keep, reshape)
        items = [(path, _h5_value(data[i][v])) for i, v, path in paths]
        atomic_write(filename, lambda f: write_h5_items(f, items), "monitor file")
        if not keep:
            _forget(monitors)


def save_monitor(monitor, filename, variables=None, keep=False, reshape=False, force_dict=False):
    """``Monitor.save()``: writes recorded variables to ``.npy`` (one variable: the array of
    ``get()``) or ``.hdf5`` (one dataset ``/<variable>`` each), atomically.

    :raises NetworkError: another extension, or ``.npy`` with several variables.
    """
    names = list(monitor.variables) if not variables else \
        ([variables] if isinstance(variables, str) else list(variables))
    name = str(filename)
    if name.endswith(".npy"):
        if len(names) != 1:
            raise NetworkError(f"Monitor.save(): a .npy file holds one variable, got {names}; use .hdf5")
        data = monitor.get(names, keep=True, reshape=reshape, force_dict=True)[names[0]]
        if isinstance(data, dict):
            raise NetworkError("Monitor.save(): spike recordings cannot be saved as .npy; use .hdf5")
        atomic_write(filename, lambda f: np.save(f, data), "monitor file")
    elif name.endswith(".hdf5"):
        data = monitor.get(names, keep=True, reshape=reshape, force_dict=True)
        atomic_write(filename, lambda f: write_h5_items(f, [(f"/{v}", _h5_value(data[v])) for v in names]),
                     "monitor file")
    else:
        raise NetworkError(f"Monitor.save(): the file must end with .hdf5 or .npy, got '{filename}'")
    if not keep:
        monitor.get(names, keep=False, force_dict=True)
