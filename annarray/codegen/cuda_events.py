"""A spike event's statements as one CUDA kernel over the synapses it reaches.

The GPU counterpart of :mod:`annarray.codegen.jit_events`, generated from the same
:class:`~annarray.codegen.jit_events.EventLoop`: one block per spiking neuron, its threads
over that neuron's synapses, each thread running all the statements of one synapse. A
synapse is reached at most once per launch and its statements read and write only its own
values (and neuron values, which events do not change), so the threads never write the same
synapse; the ``g_target`` increments of synapses onto one neuron are added atomically.

The kernel is ``spike_event(int n_ranks, const RANK_T* ranks, long long now, long long ref,
<arrays…>)``: ``ranks`` the spiking neurons, ``now`` the current step (stored as each
synapse's last event), ``ref`` the step from which elapsed times are measured; the arrays are
those of :func:`~annarray.codegen.jit_events.event_loop_source`, in its order (per-synapse,
gathered and index arrays, and 1-element arrays for projection-wide values).
"""

from annarray.codegen.cuda_population import _Body
from annarray.codegen.jit_events import emit_event_steps

__all__ = ["event_kernel_source", "EVENT_KERNEL_NAME"]

EVENT_KERNEL_NAME = "spike_event"


def event_kernel_source(loop, names, arrays, types, rank_type, real="double"):
    """CUDA source of ``spike_event`` for :class:`~annarray.codegen.jit_events.EventLoop`
    ``loop``.

    :param names: the array arguments in order (those of ``event_loop_source``).
    :param arrays: the names among them that hold one value per element (the others hold one).
    :param types: C type of each name's elements.
    :param rank_type: C type of the ranks.
    :param real: 'double' or 'float', the type of literals.
    """
    body = _Body(set(loop.local), types, real, index="s", indent=3)
    if loop.event_driven:
        body.emit("const ann_real l__elapsed = (ann_real)(ref - a__last_event[s]) * s__event_dt;")
        body.emit("a__last_event[s] = now;")
        body.declared.add("_elapsed")
    emit_event_steps(body, loop)
    if loop.increments:
        body.emit("ann_atomic_add(&a__g[a__post_of_syn[s]], (ann_real)l__g_inc);")
    params = ["int n_ranks", f"const {rank_type}* ranks", "long long now", "long long ref"]
    params += [f"{types.get(n, 'ann_real')}* a_{n}" for n in names]
    head = [f"ANN_KERNEL void {EVENT_KERNEL_NAME}({', '.join(params)})", "{"]
    head += [f"    const {types.get(n, 'ann_real')} s_{n} = a_{n}[0];" for n in names
             if n not in arrays and not n.startswith("_seg_")]
    head += ["    ANN_FOR_BLOCKS(k, n_ranks) {",
             "        const long long r = (long long)ranks[k];",
             "        const long long first = (long long)a__seg_start[r];",
             "        ANN_FOR_THREADS(j, a__seg_count[r]) {"]
    if loop.layout == "ordered":
        head.append("            const long long s = (long long)a__seg_order[first + j];")
    else:
        head.append("            const long long s = first + j;")
    return "\n".join(head + body.lines + ["        }", "    }", "}"]) + "\n"
