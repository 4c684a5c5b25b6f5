"""Generated code as plain data (no SymPy), so that the compile cache loads without it.

:class:`PopulationCode` is what the code generator produces for one neuron type and what the
compile cache pickles; a warm ``compile()`` only unpickles it and builds the kernels.
"""

from dataclasses import dataclass, field

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
    """The generated code of one neuron type (see :func:`generate_population_code`)."""

    name: str
    targets: list
    random_draws: list
    global_ops: list
    update: list = field(default_factory=list)
    spike: KernelSpec | None = None
    reset: list = field(default_factory=list)
    stop: KernelSpec | None = None
    stop_mode: str = "any"

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
            lines += ["# spike", f"{self.spike.target} = {self.spike.source}"]
            lines += ["# reset"] + [f"{k.target} = {k.source}" for k in self.reset]
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
