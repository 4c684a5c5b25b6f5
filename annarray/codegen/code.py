"""Generated code as plain data (no SymPy), so that the compile cache loads without it.

:class:`PopulationCode` is what the code generator produces for one neuron type and what the
compile cache pickles; a warm ``compile()`` only unpickles it and builds the kernels.
"""

from dataclasses import dataclass, field, fields

__all__ = ["KernelSpec", "PopulationCode", "Gather", "ProjectionCode"]


@dataclass
class KernelSpec:
    """One element-wise kernel: ``target = source(args)``.

    :param target: array written (attribute or temporary name).
    :param source: numexpr expression text.
    :param args: names of the arrays it reads, in call order.
    :param like: for temporaries, the attribute whose shape and dtype they copy.
    :param text: the model line it comes from.
    """

    target: str
    source: str
    args: list
    like: str | None = None
    text: str = ""


@dataclass
class PopulationCode:
    """The generated code of one neuron type (see :func:`generate_population_code`).

    Spiking neurons have two variants of the per-step kernels, chosen per population at
    instantiation: without a refractory period (``update``, ``spike``, ``axon_spike``) and
    with one (``update_refractory``, ``spike_refractory``, ``axon_spike_refractory``), where
    the per-neuron step counter ``_refractory_remaining`` (> 0: refractory) freezes the
    neuron's variables (except the conductances ``g_*``) and blocks its spikes; the
    population counts it down and sets it at each spike.

    :param spike: ``_spiked = condition`` kernel (bool per neuron), or None (rate-coded).
    :param reset: kernels applied where ``_spiked``, in order.
    :param axon_spike: ``_axon_spiked = condition and not spike condition`` (evaluated after
        the reset), or None.
    :param axon_reset: kernels applied where ``_axon_spiked``.
    :param refractory: None, ``('value', ms)`` or ``('attribute', name)``.
    :param conductances: ``g_<target>`` arrays filled with 0 after the equations.
    :param conductance_targets: targets of every ``g_<target>`` the equations read.
    """

    name: str
    targets: list
    random_draws: list
    global_ops: list
    update: list = field(default_factory=list)
    spike: KernelSpec | None = None
    reset: list = field(default_factory=list)
    stop: KernelSpec | None = None
    stop_mode: str = "any"
    update_refractory: list = field(default_factory=list)
    spike_refractory: KernelSpec | None = None
    axon_spike: KernelSpec | None = None
    axon_spike_refractory: KernelSpec | None = None
    axon_reset: list = field(default_factory=list)
    refractory: tuple | None = None
    conductances: list = field(default_factory=list)
    conductance_targets: list = field(default_factory=list)

    def __setstate__(self, state):
        # code pickled by an older annarray lacks fields: the compile cache reads the
        # AttributeError as a miss and generates the code again
        missing = {f.name for f in fields(self)} - set(state)
        if missing:
            raise AttributeError(f"cached code of an older format (no {', '.join(sorted(missing))})")
        self.__dict__.update(state)

    def source_text(self):
        """Human-readable listing of the kernels, written to the compile directory."""
        lines = [f"# kernels of neuron '{self.name}' (numexpr)"]
        for d in self.random_draws:
            lines.append(f"{d.name} = random {d.kind}{d.args if d.args else ''}")
        for g in self.global_ops:
            lines.append(f"{g.name} = {g.op}({g.variable})")
        lines.append("# update")
        lines += [f"{k.target} = {k.source}" for k in self.update]
        if self.spike:
            lines += [f"{name} = 0.0" for name in self.conductances]
            lines += ["# spike", f"{self.spike.target} = {self.spike.source}"]
            lines += ["# reset"] + [f"{k.target} = {k.source}" for k in self.reset]
            if self.axon_spike:
                lines += ["# axon spike", f"{self.axon_spike.target} = {self.axon_spike.source}"]
                lines += ["# axon reset"] + [f"{k.target} = {k.source}" for k in self.axon_reset]
            lines += [f"# refractory period: {self.refractory}", "# update (refractory variant)"]
            lines += [f"{k.target} = {k.source}" for k in self.update_refractory]
            lines += [f"{self.spike_refractory.target} = {self.spike_refractory.source}"]
            if self.axon_spike_refractory:
                lines += [f"{self.axon_spike_refractory.target} = {self.axon_spike_refractory.source}"]
        return "\n".join(lines) + "\n"


@dataclass
class Gather:
    """``out = source[index]`` before a synaptic kernel: a neuron value per synapse.

    :param out: name of the gathered array (``_pre_r``, ``_post_v``, ``_postd_v``, ``_sg_y``).
    :param kind: 'pre' (pre value of each synapse), 'post' (post value of each synapse),
        'postd' (post value of each dendrite) or 'sg' (a per-dendrite synaptic variable
        repeated for each synapse of the dendrite).
    :param key: name of the source array (in the neuron's or the projection's state).
    """

    out: str
    kind: str
    key: str


@dataclass
class ProjectionCode:
    """The generated code of one synapse type in one projection.

    :param psp_mode: 'linear' (``w * g(pre)``: a sparse matrix-vector product with ``g``
        computed per presynaptic neuron), 'general' (psp per synapse, then reduced per
        dendrite) or None (no continuous transmission).
    :param psp_pre: kernel of ``g`` per presynaptic neuron (target ``_psp_pre``), or None
        when ``g`` is one presynaptic array (``psp_pre_key``).
    :param psp_steps: gathers and kernels computing ``_psp`` per synapse ('general' mode).
    :param learning: gathers and kernels of the synaptic equations, in order.
    :param localities: locality of every attribute and temporary written by the kernels.
    """

    name: str
    operation: str
    neuron_refs: list
    random_draws: list
    psp_mode: str | None = None
    psp_pre: KernelSpec | None = None
    psp_pre_key: str | None = None
    psp_steps: list = field(default_factory=list)
    learning: list = field(default_factory=list)
    localities: dict = field(default_factory=dict)
    spiking: bool = False
    pre_event: list = field(default_factory=list)
    post_event: list = field(default_factory=list)
    pre_axon_event: list = field(default_factory=list)
    event_driven: list = field(default_factory=list)

    def source_text(self):
        """Human-readable listing of the kernels, written to the compile directory."""
        def show(steps):
            out = []
            for s in steps:
                if isinstance(s, Gather):
                    out.append(f"{s.out} <- gather {s.kind} {s.key}")
                else:
                    out.append(f"{s.target} = {s.source}")
            return out

        lines = [f"# kernels of synapse '{self.name}' (numexpr), psp mode {self.psp_mode}, operation {self.operation}"]
        if self.psp_pre is not None:
            lines.append(f"_psp_pre = {self.psp_pre.source}")
        elif self.psp_pre_key:
            lines.append(f"_psp_pre = pre.{self.psp_pre_key}")
        lines += show(self.psp_steps)
        lines.append("# learning")
        lines += show(self.learning)
        return "\n".join(lines) + "\n"
