"""NumPy with CuPy's boundary between host and device arrays, for the emulated cuda paradigm.

The emulated cuda paradigm (``ANNARRAY_CUDA_MODE=emulate``) runs on NumPy arrays, where
mixing a host array with a state array is harmless. On a GPU it is an error: CuPy refuses an
operation between a ``numpy.ndarray`` and a ``cupy.ndarray``, and a ``cupy`` function given a
host array. ``ANNARRAY_CUDA_MODE=strict`` uses this namespace instead of NumPy so that the
emulated runs find such places before a GPU does:

* state arrays are :class:`DeviceArray` (a NumPy subclass);
* a ufunc (``+``, ``np.add``, ``.sum()``…) mixing a :class:`DeviceArray` with a host array of
  one or more dimensions raises TypeError, as CuPy does;
* the namespace's functions (``xp.concatenate``…) refuse host arrays, except the ones that
  copy to the device (``xp.asarray``, ``xp.array``…).

* ``np.asarray``, ``np.array``, ``np.ascontiguousarray`` and ``np.asanyarray`` given a device
  array raise TypeError (CuPy refuses the implicit copy to the host; ``backend.to_host`` or
  ``.get()`` make it). NumPy does not consult a subclass there, so :func:`install` replaces
  these four functions of the ``numpy`` module, for the whole process, with versions that
  check their argument and otherwise do what NumPy does.

NumPy functions given device arrays (``np.sum(state)``) work, as CuPy's dispatch makes them
work.
"""

import numpy as np

__all__ = ["DeviceArray", "StrictNumpy", "install"]

#: NumPy's own conversions, kept before :func:`install` replaces them
_CONVERSIONS = {name: getattr(np, name) for name in ("asarray", "array", "ascontiguousarray", "asanyarray")}

#: functions that take host data and make device arrays
_TO_DEVICE = {"asarray", "array", "ascontiguousarray", "asanyarray", "frombuffer", "fromiter", "copyto"}


def _is_host(x):
    return type(x) is np.ndarray and x.ndim > 0


def _device(x):
    if type(x) is np.ndarray:
        return x.view(DeviceArray)
    if isinstance(x, tuple):
        return tuple(_device(v) for v in x)
    if isinstance(x, list):
        return [_device(v) for v in x]
    return x


def _plain(x):
    if isinstance(x, DeviceArray):
        return x.view(np.ndarray)
    if isinstance(x, (tuple, list)):
        return type(x)(_plain(v) for v in x)
    return x


class DeviceArray(np.ndarray):
    """A NumPy array standing for a device array (see the module docstring)."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out", ())
        for x in list(inputs) + list(out):
            if _is_host(x):
                raise TypeError(f"{ufunc.__name__}: a host (NumPy) array mixed with a device array "
                                "(CuPy refuses this; copy it with xp.asarray first)")
        if out:
            kwargs["out"] = tuple(_plain(o) for o in out)
        result = getattr(ufunc, method)(*[_plain(x) for x in inputs], **kwargs)
        if out:
            return out[0] if len(out) == 1 else out
        return _device(result)

    def __array_function__(self, func, types, args, kwargs):
        return _device(func(*_plain(list(args)), **{k: _plain(v) for k, v in kwargs.items()}))

    def nonzero(self):
        return _device(self.view(np.ndarray).nonzero())

    def get(self):
        """The host copy (``cupy.ndarray.get``)."""
        return _CONVERSIONS["array"](self.view(np.ndarray), copy=True)


class _Function:
    def __init__(self, name, function):
        self.name, self.function = name, function

    def __call__(self, *args, **kwargs):
        if self.name not in _TO_DEVICE:
            for x in list(args) + list(kwargs.values()):
                items = x if isinstance(x, (list, tuple)) else (x,)
                if any(_is_host(v) for v in items):
                    raise TypeError(f"xp.{self.name}: a host (NumPy) array given to a device function "
                                    "(CuPy refuses this; copy it with xp.asarray first)")
        if self.name == "repeat" and len(args) > 1 and getattr(args[1], "ndim", 0) > 0:
            raise TypeError("xp.repeat with an array of counts: CuPy (before 14) refuses it")
        result = self.function(*_plain(list(args)), **{k: _plain(v) for k, v in kwargs.items()})
        return _device(result)

    def __getattr__(self, name):  # ufunc methods (xp.add.at…) and attributes
        return getattr(self.function, name)


def _contains_device(value):
    if isinstance(value, DeviceArray):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_device(v) for v in value)
    return False


def _host_conversion(name):
    original = _CONVERSIONS[name]

    def convert(value, *args, **kwargs):
        if _contains_device(value):
            raise TypeError(f"np.{name}() of a device array: CuPy refuses the implicit copy to the host "
                            "(use backend.to_host(), or xp.asarray to stay on the device)")
        return original(value, *args, **kwargs)

    convert.__name__ = name
    convert.__doc__ = original.__doc__
    return convert


def install():
    """Replaces NumPy's host conversions by checking versions (once per process)."""
    for name in _CONVERSIONS:
        if getattr(np, name) is _CONVERSIONS[name]:
            setattr(np, name, _host_conversion(name))


class StrictNumpy:
    """The ``xp`` namespace of the strict emulation: NumPy's names, returning DeviceArrays."""

    ndarray = DeviceArray

    def __init__(self):
        install()

    def __getattr__(self, name):
        value = _CONVERSIONS.get(name) or getattr(np, name)
        if callable(value) and not isinstance(value, type):
            value = _Function(name, value)
        setattr(self, name, value)
        return value
