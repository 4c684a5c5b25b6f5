"""A population's step as one loop over its neurons (source for the CPU JIT).

The kernels of a population are element-wise: each statement reads and writes the values of
one neuron (and population-wide scalars). Running all of them for neuron ``i`` before
neuron ``i + 1`` therefore gives the same numbers as running each statement over all the
neurons in turn, and one pass over the arrays replaces a dozen. For a spiking population the
loop also zeroes the input conductances, tests the spike condition, applies the reset, notes
the spike time, lists the spiking ranks, handles the axonal spike and counts the refractory
periods down — in the order of :func:`annarray.codegen.population_code._spiking_code`.

The generated function is ``population_step(n, <arrays…>) -> (spikes, axon_spikes)``; the
arguments are the arrays named in :attr:`FusedStep.args` (per-neuron arrays of shape
``(n,)``, population-wide values as 0-d arrays), then the output buffers ``_ranks_out`` and
``_axon_out`` (int arrays of shape ``(n,)``), which receive the ranks that spiked.
"""

from dataclasses import dataclass, field

from annarray.codegen.jit_expr import scalar_expression

__all__ = ["FusedStep", "population_step_source"]

_SPIKED, _AXON, _REMAINING = "_spiked", "_axon_spiked", "_refractory_remaining"


@dataclass
class FusedStep:
    """What the loop runs for each neuron, in order.

    :param update: element-wise kernels (:class:`~annarray.codegen.code.KernelSpec`), each
        writing a per-neuron array.
    :param conductances: ``g_*`` arrays set to 0 after the update.
    :param spike: the ``_spiked`` condition kernel, or None (rate-coded: update only).
    :param reset: kernels run where the neuron spiked.
    :param axon_spike: the ``_axon_spiked`` condition kernel, or None.
    :param axon_reset: kernels run where the axonal spike condition held.
    :param refractory: None, 'period' (whole steps in the ``_refractory`` int array) or the
        name of the attribute (ms) holding the period.
    :param dt: time step (ms), for a refractory attribute.
    """

    update: list
    conductances: list = field(default_factory=list)
    spike: object = None
    reset: list = field(default_factory=list)
    axon_spike: object = None
    axon_reset: list = field(default_factory=list)
    refractory: str | None = None
    dt: float = 1.0


class _Body:
    """Lines of the loop body; per-element values are read once into locals ``l_<name>``.

    :param arrays: names of the per-element arrays (``a_<name>``, indexed by ``index``).
    :param index: the loop variable of the element.
    :param indent: indentation level of the body (4 spaces each).
    Names in :attr:`temps` are values computed in the body (locals ``l_<name>``, not stored).
    """

    def __init__(self, arrays, index="i", indent=2):
        self.arrays = arrays
        self.index = index
        self.lines = []
        self.loaded = set()
        self.temps = set()
        self.indent = indent
        self.hoisted = {}  # text of a population-wide sub-expression → its variable

    def hoist(self, text):
        if text not in self.hoisted:
            self.hoisted[text] = f"h_{len(self.hoisted)}"
        return self.hoisted[text]

    def emit(self, text):
        self.lines.append("    " * self.indent + text)

    def load(self, names):
        for name in names:
            if name in self.arrays and name not in self.loaded:
                self.emit(f"l_{name} = a_{name}[{self.index}]")
                self.loaded.add(name)

    def rename(self, names):
        return {n: (f"l_{n}" if n in self.arrays or n in self.temps else f"s_{n}") for n in names}

    def assign(self, target, expression, store=True):
        """``l_target = expression``, stored into ``a_target`` when ``store`` and it is an array
        (any other target becomes a temporary of the body)."""
        self.emit(f"l_{target} = {expression}")
        if store and target in self.arrays:
            self.emit(f"a_{target}[{self.index}] = l_{target}")
        elif target not in self.arrays:
            self.temps.add(target)
        self.loaded.add(target)

    def computed(self, name):
        """Whether ``name`` is a value computed in the body (not an argument)."""
        return name in self.temps

    def gather(self, out, source, index):
        """``l_out = a_source[a_index[<element>]]``: a neuron value of the element."""
        self.emit(f"l_{out} = a_{source}[a_{index}[{self.index}]]")
        self.temps.add(out)

    def kernel(self, spec):
        self.load(spec.args)
        text = scalar_expression(spec.source, self.rename(spec.args), lambda n: n.startswith(("s_", "h_")), self.hoist)
        self.assign(spec.target, text)

    def block(self, condition, statements):
        """``if condition:`` around the lines ``statements()`` emits. Values first read inside
        are forgotten after it (they may be unset when the branch is not taken)."""
        before = set(self.loaded)
        self.emit(f"if {condition}:")
        self.indent += 1
        statements()
        self.indent -= 1
        self.loaded = before


def _names(step):
    specs = list(step.update) + list(step.reset) + list(step.axon_reset)
    specs += [s for s in (step.spike, step.axon_spike) if s is not None]
    names = []
    for spec in specs:
        for n in list(spec.args) + [spec.target]:
            if n not in names:
                names.append(n)
    names += [g for g in step.conductances if g not in names]
    if step.spike is not None:
        names += [n for n in (_SPIKED, "_t_last", "t") if n not in names]
        if step.refractory is not None:
            extra = [_REMAINING] + (["_refractory"] if step.refractory == "period" else [step.refractory])
            names += [n for n in extra if n not in names]
    return names


def population_step_source(step, arrays):
    """``(source, args)``: Python source of ``population_step`` for :class:`FusedStep`
    ``step`` and the names of its array arguments in order (after ``n``).

    :param arrays: names of the per-neuron arrays (every other name is a 0-d array).
    """
    names = _names(step)
    arrays = {n for n in names if n in arrays}
    body = _Body(arrays)
    for spec in step.update:
        body.kernel(spec)
    for g in step.conductances:
        body.assign(g, "0.0")
    if step.spike is not None:
        _spiking(body, step)
    args = names + (["_ranks_out", "_axon_out"] if step.spike is not None else [])
    head = [f"def population_step(n, {', '.join('a_' + a for a in args)}):"]
    head += [f"    s_{n} = a_{n}[()]" for n in names if n not in arrays]
    head += [f"    {var} = {text}" for text, var in body.hoisted.items()]
    head += ["    k = 0", "    ka = 0", "    found = 0", "    for i in range(n):"]
    tail = ["    return k, ka"]
    return "\n".join(head + body.lines + tail) + "\n", args


def _spiking(body, step):
    """Spike condition in the first loop (kept branch-free so that it vectorises); the
    spiking neurons are handled in a second pass over the flags."""
    body.kernel(step.spike)
    axon = step.axon_spike is not None
    body.emit(f"found += l_{_SPIKED}")
    if step.refractory is not None and not axon:
        _count_down(body)
    body.emit("")
    body.indent -= 1
    # without axonal spikes the second pass stops after the last spiking neuron
    body.emit("for i in range(n):")
    body.indent += 1
    body.loaded = set()
    if not axon:
        body.emit("if k == found:")
        body.emit("    break")

    def on_spike():
        body.emit(f"l_{_SPIKED} = True")
        body.loaded.add(_SPIKED)
        for spec in step.reset:
            body.kernel(spec)
        body.emit("a__t_last[i] = s_t")
        body.emit("a__ranks_out[k] = i")
        body.emit("k += 1")
        if step.refractory is not None and not axon:
            body.emit(f"a_{_REMAINING}[i] = {_period(body, step)}")

    body.block(f"a_{_SPIKED}[i]", on_spike)
    if not axon:
        return
    body.kernel(step.axon_spike)

    def on_axon_spike():
        for spec in step.axon_reset:
            body.kernel(spec)
        body.emit("a__axon_out[ka] = i")
        body.emit("ka += 1")

    body.block(f"l_{_AXON}", on_axon_spike)
    if step.refractory is not None:  # after the axonal condition, which reads the counters
        _count_down(body)
        body.load([_SPIKED])
        body.emit(f"if l_{_SPIKED}:")
        body.emit(f"    a_{_REMAINING}[i] = {_period(body, step)}")


def _count_down(body):
    """The refractory periods running since before this step lose one step."""
    body.load([_REMAINING])
    body.emit(f"l_{_REMAINING} = l_{_REMAINING} - 1.0")
    body.assign(_REMAINING, f"l_{_REMAINING} if l_{_REMAINING} > 0.0 else 0.0")


def _period(body, step):
    """Text of the refractory period (whole steps) of neuron ``i``, started by its spike."""
    if step.refractory == "period":
        return "float(a__refractory[i])"
    name = step.refractory
    value = f"a_{name}[i]" if name in body.arrays else f"s_{name}"
    return f"np.trunc({value} / {float(step.dt)!r})"
