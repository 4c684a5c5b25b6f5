"""A population's step as one CUDA kernel: each thread updates its neurons completely.

The GPU counterpart of :mod:`annarray.codegen.jit_population`, generated from the same
:class:`~annarray.codegen.jit_population.FusedStep`. Element-wise kernels read and write the
values of one neuron, so one thread can run all of them for neuron ``i``: the update
statements, the conductance reset and, for spiking neurons, the spike condition, the reset,
the spike time, the axonal spike and the refractory counters, in the order of
:func:`annarray.codegen.population_code._spiking_code`.

The kernel is ``population_step(long long n, <arrays…>, int* _ranks_out, int* _n_spikes,
int* _axon_out, int* _n_axon)`` (the four spike outputs only for spiking neurons). Its
arrays are the names of :func:`kernel_arguments`, as pointers: per-neuron arrays of shape
``(n,)`` and population-wide values as 1-element arrays (0-d on the host), read once per
thread. A spiking neuron appends its rank to ``_ranks_out`` at position
``atomicAdd(_n_spikes, 1)``: the ranks of one step are in no particular order on the GPU
(ascending on the CPU build), and the caller zeroes ``_n_spikes`` / ``_n_axon`` before
each launch (the kernel cannot: its threads run concurrently).
"""

from annarray.codegen.cuda_expr import c_expression, c_literal
from annarray.codegen.jit_population import _AXON, _REMAINING, _SPIKED, _names

__all__ = ["kernel_arguments", "population_kernel_source", "KERNEL_NAME"]

KERNEL_NAME = "population_step"

_OUTPUTS = [("_ranks_out", "int"), ("_n_spikes", "int"), ("_axon_out", "int"), ("_n_axon", "int")]
_INTEGER_TYPES = {"int", "long long", "unsigned int", "unsigned long long", "signed char", "unsigned char"}


def kernel_arguments(step):
    """Names of the array arguments of the kernel for ``step``, in order (after ``n``), with
    the spike outputs last for spiking neurons."""
    names = _names(step)
    return names + ([n for n, _ in _OUTPUTS] if step.spike is not None else [])


class _Body:
    """Lines of the per-neuron body; values are read once into locals ``l_<name>``."""

    def __init__(self, arrays, types, real, index="i", indent=2):
        self.arrays, self.types, self.real, self.index = arrays, types, real, index
        self.lines, self.loaded, self.declared = [], set(), set()
        self.indent = indent

    def emit(self, text):
        self.lines.append("    " * self.indent + text)

    def _set_local(self, name, text):
        if name in self.declared:
            self.emit(f"l_{name} = {text};")
        else:
            self.emit(f"{self.types.get(name, 'ann_real')} l_{name} = {text};")
            self.declared.add(name)

    def load(self, names):
        for name in names:
            if name in self.arrays and name not in self.loaded:
                self._set_local(name, f"a_{name}[{self.index}]")
                self.loaded.add(name)

    def rename(self, names):
        return {n: (f"l_{n}" if n in self.arrays or n in self.declared else f"s_{n}") for n in names}

    def assign(self, target, text):
        """``l_target = text``, stored into ``a_target[i]`` when it is an array (any other
        target is a local of the body)."""
        self._set_local(target, text)
        if target in self.arrays:
            self.emit(f"a_{target}[{self.index}] = l_{target};")
        self.loaded.add(target)

    def computed(self, name):
        """Whether ``name`` is a local of the body."""
        return name in self.declared

    def gather(self, out, source, index):
        """``l_out = a_source[a_index[<element>]]``: a neuron value of the element."""
        self.emit(f"const {self.types.get(source, 'ann_real')} l_{out} = a_{source}[a_{index}[{self.index}]];")
        self.declared.add(out)

    def kernel(self, spec):
        self.load(spec.args)
        # an integer variable is computed with double literals (float's 24 bits would round it)
        real = "double" if self.types.get(spec.target) in _INTEGER_TYPES else self.real
        self.assign(spec.target, c_expression(spec.source, self.rename(spec.args), real))

    def block(self, condition, statements):
        """``if (condition) { … }``; locals first set inside stay declared only inside."""
        loaded, declared = set(self.loaded), set(self.declared)
        self.emit(f"if ({condition}) {{")
        self.indent += 1
        statements()
        self.indent -= 1
        self.emit("}")
        self.loaded, self.declared = loaded, declared


def population_kernel_source(step, arrays, types, real="double"):
    """``(source, args)``: CUDA source of ``population_step`` for
    :class:`~annarray.codegen.jit_population.FusedStep` ``step`` and its array arguments.

    :param arrays: names of the per-neuron arrays (every other name is a 1-element array).
    :param types: C type of each name's elements ('ann_real', 'double', 'float', 'bool',
        'int', 'long long'); names missing are ``ann_real``.
    :param real: 'double' or 'float', the type of the literals (the state precision).
    """
    names = _names(step)
    arrays = {n for n in names if n in arrays}
    body = _Body(arrays, types, real)
    for spec in step.update:
        body.kernel(spec)
    zero = c_literal(0.0, real)
    for g in step.conductances:
        body.emit(f"a_{g}[i] = {zero};")
        body.loaded.discard(g)
    if step.spike is not None:
        _spiking(body, step, real)
    args = kernel_arguments(step)
    types = {**dict(_OUTPUTS), **types}  # the rank buffers may be of another integer type
    params = ", ".join(["long long n"] + [f"{types.get(a, 'ann_real')}* a_{a}" for a in args])
    head = [f"ANN_KERNEL void {KERNEL_NAME}({params})", "{"]
    head += [f"    const {types.get(n, 'ann_real')} s_{n} = a_{n}[0];" for n in names if n not in arrays]
    head += ["    ANN_FOR_EACH(i, n) {"]
    return "\n".join(head + body.lines + ["    }", "}"]) + "\n", args


def _spiking(body, step, real):
    body.kernel(step.spike)
    axon = step.axon_spike is not None
    if step.refractory is not None and not axon:
        _count_down(body, real)

    def on_spike():
        for spec in step.reset:
            body.kernel(spec)
        body.emit("a__t_last[i] = s_t;")
        body.emit(f"a__ranks_out[ann_atomic_add(a__n_spikes, 1)] = ({body.types.get('_ranks_out', 'int')})i;")
        if step.refractory is not None and not axon:
            body.emit(f"a_{_REMAINING}[i] = {_period(body, step, real)};")

    body.block(f"l_{_SPIKED}", on_spike)
    if not axon:
        return
    body.kernel(step.axon_spike)

    def on_axon_spike():
        for spec in step.axon_reset:
            body.kernel(spec)
        body.emit(f"a__axon_out[ann_atomic_add(a__n_axon, 1)] = ({body.types.get('_axon_out', 'int')})i;")

    body.block(f"l_{_AXON}", on_axon_spike)
    if step.refractory is not None:  # after the axonal condition, which reads the counters
        _count_down(body, real)
        body.emit(f"if (l_{_SPIKED}) a_{_REMAINING}[i] = {_period(body, step, real)};")


def _count_down(body, real):
    """The refractory periods running since before this step lose one step."""
    body.load([_REMAINING])
    one, zero = c_literal(1.0, real), c_literal(0.0, real)
    body.assign(_REMAINING, f"(l_{_REMAINING} - {one} > {zero}) ? l_{_REMAINING} - {one} : {zero}")


def _period(body, step, real):
    """Text of the refractory period (whole steps) of neuron ``i``, started by its spike."""
    if step.refractory == "period":
        return "(ann_real)a__refractory[i]"
    name = step.refractory
    value = f"a_{name}[i]" if name in body.arrays else f"s_{name}"
    return f"trunc((ann_real){value} / {c_literal(step.dt, real)})"
