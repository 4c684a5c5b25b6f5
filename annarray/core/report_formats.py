"""Writers of a :class:`~annarray.core.report.NetworkDescription`: LaTeX and Markdown.

Both show the same content: the structure of the network (populations, projections,
monitors), the neuron and synapse types (parameters, equations, events), and the
parameter values of each population and projection. LaTeX equations are in ``equation*``
environments (package ``amsmath``), tables in ``tabularx``; Markdown equations are
``$$`` blocks (pandoc, MathJax) and tables are pipe tables.
"""

from annarray.core.report_math import tex_escape

__all__ = ["latex_report", "markdown_report"]


# -- Markdown -------------------------------------------------------------------------------
def _md_cell(text):
    """Table cell text: pipes and Markdown emphasis characters escaped."""
    text = str(text).replace("\n", " ")
    for c in ("\\", "|", "_", "*"):
        text = text.replace(c, "\\" + c)
    return text


def _md_text(text):
    """Running text (names) with the emphasis characters escaped."""
    return str(text).replace("_", "\\_").replace("*", "\\*")


def _md_table(header, rows):
    """A pipe table: bold header, separator, then one line per row (``|`` escaped)."""
    lines = ["| " + " | ".join(f"**{h}**" for h in header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"table row {row!r} has {len(row)} cells for {len(header)} columns")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _md_math(latex):
    """Inline math in a table cell (the cell's pipes are escaped)."""
    return "$" + latex.replace("|", r"\vert ") + "$"


def _size_text(pop):
    if len(pop.geometry) == 1:
        return str(pop.size)
    return f"{pop.size} ({' x '.join(str(g) for g in pop.geometry)})"


def markdown_report(desc, standalone=True, title=None, author=None, date=None):
    """Markdown text of the description ``desc`` (``standalone`` is ignored)."""
    parts = []
    front = [(k, v) for k, v in (("title", title), ("author", author), ("date", date)) if v]
    if front:
        parts.append("---\n" + "".join(f"{k}: {v}\n" for k, v in front) + "---\n")
    parts.append(_md_structure(desc))
    parts.append("# Neuron models\n")
    parts += [_md_model(m, "neuron") for m in desc.neurons]
    parts.append("# Synapse models\n")
    parts += [_md_model(m, "synapse") for m in desc.synapses] or ["No projection.\n"]
    if desc.functions or desc.constants:
        parts.append(_md_globals(desc))
    parts.append(_md_parameters(desc))
    return "\n".join(parts)


def _md_structure(desc):
    lines = ["# Structure of the network\n",
             f"* annarray {desc.version}, paradigm `{desc.paradigm}` ({desc.precision} precision).",
             f"* Time step: {desc.dt} ms.\n",
             "## Populations\n",
             _md_table(["Population", "Size", "Neuron type"],
                       [[_md_cell(p.name), _size_text(p), _md_cell(p.neuron)] for p in desc.populations]),
             "## Projections\n"]
    if desc.projections:
        lines.append(_md_table(
            ["Source", "Destination", "Target", "Synapse type", "Pattern"],
            [[_md_cell(p.pre), _md_cell(p.post), _md_cell(p.target), _md_cell(p.synapse), _md_cell(p.pattern)]
             for p in desc.projections]))
    else:
        lines.append("No projection.\n")
    lines.append("## Monitors\n")
    if desc.monitors:
        lines.append(_md_table(["Object", "Variables", "Period (ms)"],
                               [[_md_cell(m.obj), _md_cell(", ".join(m.variables)), str(m.period)]
                                for m in desc.monitors]))
    else:
        lines.append("No monitor.\n")
    return "\n".join(lines)


def _md_attribute_line(attr):
    facts = [attr.locality, f"initial value {attr.init}"]
    if attr.bounds:
        facts.append(attr.bounds)
    if attr.method:
        facts.append(f"{attr.method} numerical method")
    return f"* Variable ${attr.latex}$: " + ", ".join(facts)


def _md_model(model, owner):
    out = [f"## {_md_text(model.name)}\n", model.description + "\n" if model.description else ""]
    params = [a for a in model.attributes if a.kind == "parameter"]
    out.append("**Parameters:**\n")
    out.append(_md_table(["Name", "Default value", "Locality", "Type"],
                         [[_md_math(a.latex), a.init, a.locality, a.ctype] for a in params])
               if params else "None.\n")
    rendered = model.rendered
    if rendered.error:
        out.append(f"The equations could not be rendered ({_md_text(rendered.error)}); as written:\n")
        out.append("```\n" + model.text + "\n```\n")
        return "\n".join(out)
    variables = {a.name: a for a in model.attributes}
    if rendered.equations:
        out.append("**Equations:**\n")
        for eq in rendered.equations:
            out.append(_md_attribute_line(variables[eq.target]) if eq.target in variables else "*")
            out.append(f"\n$$\n{eq.latex}\n$$\n")
    if rendered.psp is not None:
        out.append(f"**Transmission ({model.operation} over the synapses of a dendrite):**\n")
        out.append(f"$$\n{rendered.psp}\n$$\n")
    if rendered.spike is not None:
        out.append("**Spike emission:**\n")
        out.append(f"if ${rendered.spike}$:\n")
        out.append("* emit a spike at time $t$" + (f" (refractory period {model.refractory})"
                                                   if model.refractory else ""))
        out += [f"* ${eq.latex}$" for eq in rendered.reset]
        out.append("")
    for label, events in (("Presynaptic spike", rendered.pre_spike), ("Postsynaptic spike", rendered.post_spike)):
        if events:
            out.append(f"**{label}:**\n")
            out += [f"* ${eq.latex}$" for eq in events]
            out.append("")
    if model.functions:
        out.append("**Functions:**\n")
        out += [f"$$\n{latex}\n$$\n" for latex, _ in model.functions]
    return "\n".join(out)


def _md_globals(desc):
    out = ["# Global functions and constants\n"]
    out += [f"$$\n{latex}\n$$\n" for latex, _ in desc.functions]
    if desc.constants:
        out.append(_md_table(["Constant", "Value"], [[_md_math(n), v] for n, v in desc.constants]))
    return "\n".join(out)


def _md_parameters(desc):
    out = ["# Parameters\n", "## Population parameters\n"]
    rows = []
    for pop in desc.populations:
        for k, (attr, value) in enumerate(pop.parameters):
            first = k == 0
            rows.append([_md_cell(pop.name) if first else "", _md_cell(pop.neuron) if first else "",
                         _md_math(attr.latex), _md_cell(value)])
    out.append(_md_table(["Population", "Neuron type", "Name", "Value"], rows) if rows else "None.\n")
    out.append("## Projection parameters\n")
    rows = []
    for proj in desc.projections:
        label = f"{proj.pre} -> {proj.post} ({proj.target})"
        for k, (attr, value) in enumerate(proj.parameters):
            first = k == 0
            rows.append([_md_cell(label) if first else "", _md_cell(proj.synapse) if first else "",
                         _md_math(attr.latex), _md_cell(value)])
    out.append(_md_table(["Projection", "Synapse type", "Name", "Value"], rows) if rows else "None.\n")
    return "\n".join(out)


# -- LaTeX ----------------------------------------------------------------------------------
_PREAMBLE = r"""\documentclass[a4paper,10pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{tabularx}
\renewcommand\arraystretch{1.2}
"""
_PACKAGES = "% needs: \\usepackage{amsmath,amssymb,tabularx}\n"


def _tex_table(columns, title, header, rows):
    """A ``tabularx`` table over the line width with a title row and a bold header."""
    n = len(header)
    out = [r"\noindent", rf"\begin{{tabularx}}{{\linewidth}}{{{columns}}}\hline",
           rf"\multicolumn{{{n}}}{{|l|}}{{\textbf{{{title}}}}} \\ \hline",
           " & ".join(rf"\textbf{{{h}}}" for h in header) + r" \\ \hline"]
    for row in rows:
        if len(row) != n:
            raise ValueError(f"table row {row!r} has {len(row)} cells for {n} columns")
        out.append(" & ".join(row) + r" \\ \hline")
    out.append(r"\end{tabularx}")
    out.append(r"\vspace{2ex}")
    return "\n".join(out) + "\n"


def _tex_equation(latex):
    return "\\begin{equation*}\n" + latex + "\n\\end{equation*}"


def latex_report(desc, standalone=True, title=None, author=None, date=None):
    """LaTeX text of the description ``desc``: a document, or a part to ``\\input``."""
    body = [_tex_summary(desc), _tex_structure(desc), r"\section*{Neuron models}"]
    body += [_tex_model(m) for m in desc.neurons if not m.bold]
    body.append(r"\section*{Synapse models}")
    body += [_tex_model(m) for m in desc.synapses] or ["No projection."]
    if desc.functions or desc.constants:
        body.append(_tex_globals(desc))
    body.append(_tex_parameters(desc))
    bold = [m for m in desc.neurons if m.bold]
    if bold:
        body.append(r"\section*{Measurements: BOLD models}")
        body += [_tex_model(m) for m in bold]
    text = "\n".join(body)
    if not standalone:
        return _PACKAGES + text + "\n"
    head = _PREAMBLE
    titles = [(k, v) for k, v in (("title", title), ("author", author), ("date", date)) if v]
    head += "".join(rf"\{k}{{{tex_escape(v)}}}" + "\n" for k, v in titles)
    begin = "\\begin{document}\n" + ("\\maketitle\n" if title else "")
    return head + begin + text + "\n\\end{document}\n"


def _tex_summary(desc):
    inputs = [p.name for p in desc.populations if p.kind == "input"]
    measured = [m.name for m in desc.neurons if m.bold]
    plastic = [m.name for m in desc.synapses if any(a.kind == "variable" for a in m.attributes)]
    patterns = sorted({p.pattern.split(",")[0] for p in desc.projections})
    rows = [
        ("Populations", f"{len(desc.populations)}: " + ", ".join(p.name for p in desc.populations)),
        ("Connectivity", ", ".join(patterns) or "---"),
        ("Neuron models", ", ".join(m.name for m in desc.neurons if not m.bold) or "---"),
        ("Synapse models", ", ".join(m.name for m in desc.synapses) or "---"),
        ("Plasticity", ", ".join(plastic) or "---"),
        ("Input", ", ".join(inputs) or "---"),
        ("Measurements", ", ".join(
            [f"{len(desc.monitors)} monitor" + ("s" if len(desc.monitors) != 1 else "")] + measured)),
    ]
    lines = [r"\section*{Model summary}",
             f"annarray {tex_escape(desc.version)}, paradigm {tex_escape(desc.paradigm)} "
             f"({tex_escape(desc.precision)} precision), time step {desc.dt} ms.\n"]
    lines.append(_tex_table("|l|X|", "A: Summary", ["Aspect", "Description"],
                            [[rf"\textbf{{{k}}}", tex_escape(v)] for k, v in rows]))
    return "\n".join(lines)


def _tex_structure(desc):
    out = [_tex_table("|l|l|X|", "B: Populations", ["Name", "Elements", "Size"],
                      [[tex_escape(p.name), tex_escape(p.neuron), tex_escape(_size_text(p))]
                       for p in desc.populations])]
    if desc.projections:
        out.append(_tex_table("|l|l|l|l|X|", "C: Connectivity",
                              ["Source", "Destination", "Target", "Synapse", "Pattern"],
                              [[tex_escape(p.pre), tex_escape(p.post), tex_escape(p.target),
                                tex_escape(p.synapse), tex_escape(p.pattern)] for p in desc.projections]))
    if desc.monitors:
        out.append(_tex_table("|l|X|l|", "Monitors", ["Object", "Variables", "Period (ms)"],
                              [[tex_escape(m.obj), tex_escape(", ".join(m.variables)), str(m.period)]
                               for m in desc.monitors]))
    return "\n".join(out)


def _tex_model(model):
    out = [rf"\subsection*{{{tex_escape(model.name)}}}"]
    if model.description:
        out.append(model.description + "\n")
    params = [a for a in model.attributes if a.kind == "parameter"]
    if params:
        out.append(_tex_table("|l|l|l|X|", "Parameters", ["Name", "Default value", "Locality", "Type"],
                              [[f"${a.latex}$", tex_escape(a.init), a.locality, a.ctype] for a in params]))
    rendered = model.rendered
    if rendered.error:
        out.append(r"The equations could not be rendered (" + tex_escape(rendered.error) + "); as written:")
        out.append("\\begin{verbatim}\n" + model.text + "\n\\end{verbatim}")
        return "\n".join(out)
    variables = {a.name: a for a in model.attributes}
    for eq in rendered.equations:
        attr = variables.get(eq.target)
        if attr is not None:
            facts = [attr.locality, f"initial value {tex_escape(attr.init)}"]
            facts += [tex_escape(attr.bounds)] if attr.bounds else []
            facts += [f"{attr.method} method"] if attr.method else []
            out.append(rf"\noindent Variable ${attr.latex}$: " + ", ".join(facts) + ".")
        out.append(_tex_equation(eq.latex))
    if rendered.psp is not None:
        out.append(rf"\noindent Transmission ({model.operation} over the synapses of a dendrite):")
        out.append(_tex_equation(rendered.psp))
    if rendered.spike is not None:
        refractory = f" (refractory period {tex_escape(model.refractory)})" if model.refractory else ""
        out.append(rf"\noindent Spike emission if ${rendered.spike}${refractory}, then:")
        out.append(_tex_list(["emit a spike at time $t$"] + [f"${eq.latex}$" for eq in rendered.reset]))
    for label, events in (("Presynaptic spike", rendered.pre_spike), ("Postsynaptic spike", rendered.post_spike)):
        if events:
            out.append(rf"\noindent {label}:")
            out.append(_tex_list([f"${eq.latex}$" for eq in events]))
    for latex, _ in model.functions:
        out.append(r"\noindent Function:")
        out.append(_tex_equation(latex))
    return "\n".join(out)


def _tex_list(items):
    return "\\begin{itemize}\n" + "\n".join(rf"\item {i}" for i in items) + "\n\\end{itemize}"


def _tex_globals(desc):
    out = [r"\section*{Global functions and constants}"]
    out += [_tex_equation(latex) for latex, _ in desc.functions]
    if desc.constants:
        out.append(_tex_table("|l|X|", "Constants", ["Name", "Value"], [[f"${n}$", v] for n, v in desc.constants]))
    return "\n".join(out)


def _tex_parameters(desc):
    out = [r"\section*{Parameters}"]
    rows = []
    for pop in desc.populations:
        for k, (attr, value) in enumerate(pop.parameters):
            rows.append([tex_escape(pop.name) if k == 0 else "", f"${attr.latex}$", tex_escape(value)])
    if rows:
        out.append(_tex_table("|l|l|X|", "F: Population parameters", ["Population", "Parameter", "Value"], rows))
    rows = []
    for proj in desc.projections:
        label = tex_escape(f"{proj.pre} -> {proj.post} ({proj.target})").replace("->", r"$\rightarrow$")
        for k, (attr, value) in enumerate(proj.parameters):
            rows.append([label if k == 0 else "", f"${attr.latex}$", tex_escape(value)])
    if rows:
        out.append(_tex_table("|l|l|X|", "F: Projection parameters", ["Projection", "Parameter", "Value"], rows))
    if len(out) == 1:
        out.append("No parameters.")
    return "\n".join(out)
