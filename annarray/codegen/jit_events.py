"""A spike event's statements as one loop over the synapses it reaches (source for the CPU JIT).

On the NumPy path a ``pre_spike``/``post_spike`` program gathers the reached synapses'
values into small arrays, runs one kernel per statement, scatters the written values back
and scatter-adds the ``g_target`` increments: a dozen array calls per event kind and step,
whatever the number of synapses. Each synapse is reached at most once per call and the
statements of one synapse read and write only its own values (plus neuron values, which
events do not change), so running all the statements synapse by synapse gives the same
numbers, in one compiled loop.

The generated function is ``spike_event(<arrays…>, ranks, now, ref)``:

* ``ranks``: the spiking neurons (int array);
* their synapses: ``seg_start[r]`` to ``seg_start[r] + seg_count[r]`` in ``seg_order``
  (``ordered`` layout, presynaptic events) or the synapse indices themselves (``direct``
  layout: the synapses of a dendrite are contiguous, postsynaptic events);
* ``now``: the current step, stored as each synapse's last event; ``ref``: the step from
  which the elapsed time of event-driven variables is measured (``now - lag``), in steps of
  ``_event_dt`` ms (a 0-d array).
"""

from dataclasses import dataclass

from annarray.codegen.code import Gather
from annarray.codegen.jit_population import _Body

__all__ = ["EventLoop", "emit_event_steps", "event_loop_source"]

#: index array of each gather kind (argument names of the generated function)
_GATHER_INDEX = {"pre": "_pre_index", "post": "_post_of_syn", "sg": "_dend_of_syn"}


@dataclass
class EventLoop:
    """What the loop runs for each reached synapse.

    :param steps: the program (:class:`~annarray.codegen.code.Gather` and
        :class:`~annarray.codegen.code.KernelSpec` items, in order).
    :param local: names of the per-synapse attributes (arrays of shape ``(nnz,)``).
    :param aliases: targets of the kernel items that merely copy another value (``target → name``).
    :param layout: 'ordered' or 'direct' (see the module docstring).
    :param event_driven: whether ``_elapsed`` (ms since the synapse's last event) is computed.
    :param increments: whether ``_g_inc`` is added to the postsynaptic conductance ``_g``.
    """

    steps: list
    local: set
    aliases: dict
    layout: str
    event_driven: bool
    increments: bool


def emit_event_steps(body, loop, use=None):
    """Emits the statements of ``loop.steps`` for synapse ``s`` into ``body`` (a loop body of
    this module's or of :mod:`annarray.codegen.cuda_events`'s language): gathers of neuron
    values, copies of aliased values, kernels. ``use(name, array=False)`` is told each
    argument the statements read."""
    use = use or (lambda name, array=False: None)
    for item in loop.steps:
        if isinstance(item, Gather):
            index = _GATHER_INDEX[item.kind]
            use(f"_src_{item.out}", array=True)
            use(index, array=True)
            body.gather(item.out, f"_src_{item.out}", index)
            continue
        for name in item.args:
            if not body.computed(name):
                use(name)
        if item.target in loop.local:
            use(item.target)
        alias = loop.aliases.get(item.target)
        if alias is not None:
            body.load([alias])
            body.assign(item.target, body.rename([alias])[alias])
        else:
            body.kernel(item)


def event_loop_source(loop):
    """``(source, args)``: Python source of ``spike_event`` for :class:`EventLoop` ``loop``
    and the names of its arguments before ``ranks, now, ref``. Array arguments are named
    after the synapse attribute, gathered neuron array (``_src_<out>``), or index array;
    every other name is a 0-d array (a projection-wide value or a shared constant)."""
    body = _Body(set(loop.local), index="s", indent=3)
    names = []  # arguments, in order of first use
    arrays = set(loop.local)  # the arguments that are arrays (every other one is 0-d)

    def use(name, array=False):
        if name not in names:
            names.append(name)
        if array:
            arrays.add(name)

    if loop.event_driven:
        use("_last_event", array=True)
        use("_event_dt")
        body.emit("l__elapsed = float(ref - a__last_event[s]) * s__event_dt")
        body.emit("a__last_event[s] = now")
        body.temps.add("_elapsed")
    emit_event_steps(body, loop, use)
    if loop.increments:
        use("_g", array=True)
        use("_post_of_syn", array=True)
        body.emit("a__g[a__post_of_syn[s]] += l__g_inc")
    layout = ["_seg_start", "_seg_count"] + (["_seg_order"] if loop.layout == "ordered" else [])
    args = layout + [n for n in names if n not in layout]
    scalars = [n for n in args if n not in arrays and n not in layout]
    head = [f"def spike_event({', '.join('a_' + a for a in args)}, ranks, now, ref):"]
    head += [f"    s_{n} = a_{n}[()]" for n in scalars]
    head += [f"    {var} = {text}" for text, var in body.hoisted.items()]
    head += ["    for k in range(ranks.shape[0]):", "        r = ranks[k]",
             "        first = a__seg_start[r]"]
    if loop.layout == "ordered":
        head += ["        for j in range(first, first + a__seg_count[r]):", "            s = a__seg_order[j]"]
    else:
        head += ["        for s in range(first, first + a__seg_count[r]):"]
    return "\n".join(head + body.lines) + "\n", args

