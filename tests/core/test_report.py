"""``report()``: LaTeX and Markdown descriptions of a network.

The checks are structural (valid pipe tables, balanced LaTeX environments, escaped
underscores, every object present) and exact for the rendered names and equations
(SymPy's LaTeX of the parsed equations, written out by hand here).
"""

import re

import pytest

import annarray as ann
from annarray.core.report_math import latex_name
from annarray.errors import NetworkError


def _network():
    """Rate and spiking populations, four projections (one between views), two monitors."""
    rate = ann.Neuron(parameters="tau = 10.0 : population\ntau_exc = 5.0",
                      equations="tau * dv/dt + v = sum(exc) + Normal(0.0, 1.0)\nr = pos(v)",
                      name="Leaky_rate", description="Leaky rate neuron.")
    lif = ann.Neuron(parameters="tau_m = 20.0\nv_th = 1.0",
                     equations="tau_m * dv/dt = -v + g_exc", spike="v > v_th", reset="v = 0.0",
                     name="LIF")
    hebb = ann.Synapse(parameters="eta = 0.01 : projection", equations="dw/dt = eta * pre.r * post.r",
                       name="Hebb_rule")
    rates = ann.Population((2, 3), rate, name="rate_pop")
    spikes = ann.Population(10, lif, name="spiking_pop")
    inputs = ann.PoissonPopulation(10, rates=20.0, name="poisson_in")
    ann.Projection(rates, rates, "exc", hebb).connect_all_to_all(0.5, delays=2.0)
    ann.Projection(inputs, spikes, "exc").connect_one_to_one(1.0)
    ann.Projection(spikes[:5], spikes[5:], "exc").connect_all_to_all(0.2)
    ann.Projection(spikes[5:], spikes[:5], "exc").connect_all_to_all(0.3)
    ann.Monitor(rates, ["r", "v"], period=2.0)
    ann.Monitor(spikes, "spike")
    return rates, spikes, inputs


def _text(filename, **kwargs):
    ann.report(filename, **kwargs)
    with open(filename, encoding="utf-8") as f:
        return f.read()


def _md_tables(text):
    """The pipe tables of a Markdown text: lists of rows, each a list of cells."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
        elif current:
            tables.append(current)
            current = []
    return tables


def _without_math(tex):
    """LaTeX text with its math (``$…$``, ``equation*`` environments) removed."""
    tex = re.sub(r"\\begin\{equation\*\}.*?\\end\{equation\*\}", "", tex, flags=re.S)
    return re.sub(r"(?<!\\)\$.*?(?<!\\)\$", "", tex, flags=re.S)


# -- Markdown -------------------------------------------------------------------------------
def test_markdown_tables_are_valid():
    """Every pipe table has a bold header, a separator row and the same number of cells
    in each row."""
    _network()
    tables = _md_tables(_text("report.md"))
    assert len(tables) >= 5
    for table in tables:
        width = len(table[0])
        assert all(len(row) == width for row in table), table
        assert all(c.startswith("**") for c in table[0])
        assert all(set(c) == {"-"} for c in table[1])


def test_markdown_lists_every_population_and_projection():
    """The populations table names each population; the projections table has one row
    per projection (source, destination, target)."""
    _network()
    tables = _md_tables(_text("report.md"))
    populations = next(t for t in tables if t[0][0] == "**Population**" and len(t[0]) == 3)
    assert [row[0] for row in populations[2:]] == [r"rate\_pop", r"spiking\_pop", r"poisson\_in"]
    projections = next(t for t in tables if t[0][0] == "**Source**")
    assert [row[:3] for row in projections[2:]] == [
        [r"rate\_pop", r"rate\_pop", "exc"], [r"poisson\_in", r"spiking\_pop", "exc"],
        [r"spiking\_pop (5 neurons)", r"spiking\_pop (5 neurons)", "exc"],
        [r"spiking\_pop (5 neurons)", r"spiking\_pop (5 neurons)", "exc"]]


def test_markdown_front_matter():
    """title, author and date make a YAML front matter block (pandoc)."""
    _network()
    text = _text("report.md", title="My net", author="Me", date="2024")
    assert text.startswith("---\ntitle: My net\nauthor: Me\ndate: 2024\n---\n")


def test_markdown_renders_equations():
    """The ODE ``tau * dv/dt + v = sum(exc) + Normal(0, 1)`` is shown solved for dv/dt,
    with the sum and the distribution as calls (SymPy's LaTeX, written out by hand)."""
    _network()
    text = _text("report.md")
    assert ("$$\n\\frac{dv}{dt} = \\frac{\\operatorname{sum}(\\text{exc}) - v + "
            "\\mathcal{N}\\left(0.0, 1.0\\right)}{\\tau}\n$$") in text
    assert "if $v > v_{\\text{th}}$:" in text
    assert "* $v = 0.0$" in text


def test_markdown_parameter_values_are_current():
    """The parameters section shows the value set on the population, and the pattern the
    weights and delays of the connector."""
    rates, _, _ = _network()
    rates.tau = 7.5
    text = _text("report.md")
    assert r"| rate\_pop | Leaky\_rate | $\tau$ | 7.5 |" in text
    assert "all-to-all, weights 0.5, delays 2.0 ms" in text


# -- LaTeX ----------------------------------------------------------------------------------
def test_latex_environments_are_balanced():
    """Every ``\\begin{x}`` is closed by ``\\end{x}`` in the right order."""
    _network()
    text = _text("report.tex")
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", text):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack and stack.pop() == env
    assert not stack


def test_latex_underscores_are_escaped_outside_math():
    """Names with underscores are escaped in text (``rate\\_pop``); no bare ``_`` remains
    outside math."""
    _network()
    text = _text("report.tex")
    assert r"rate\_pop" in text and r"Hebb\_rule" in text
    assert re.search(r"(?<!\\)_", _without_math(text)) is None


def test_latex_standalone_document():
    """standalone=True gives a complete document; False the body only."""
    _network()
    full = _text("full.tex")
    part = _text("part.tex", standalone=False)
    assert full.startswith("\\documentclass") and full.rstrip().endswith("\\end{document}")
    assert "\\documentclass" not in part and "\\begin{document}" not in part
    assert "\\section*{Neuron models}" in part


def test_latex_lists_every_population_and_projection():
    """Each population and each (source, destination, target) appears in the tables."""
    _network()
    text = _text("report.tex")
    for name in (r"rate\_pop", r"spiking\_pop", r"poisson\_in"):
        assert f"\n{name} & " in text
    assert "\nrate\\_pop & rate\\_pop & exc & Hebb\\_rule & all-to-all" in text
    assert "\npoisson\\_in & spiking\\_pop & exc & " in text


def test_latex_renders_equations():
    """The LIF equation ``tau_m * dv/dt = -v + g_exc`` in an equation* environment."""
    _network()
    text = _text("report.tex")
    assert ("\\begin{equation*}\n\\frac{dv}{dt} = \\frac{g_{\\text{exc}} - v}{\\tau_{m}}\n"
            "\\end{equation*}") in text


# -- options --------------------------------------------------------------------------------
def test_gather_subprojections():
    """The two projections between views of spiking_pop become one row."""
    _network()
    tables = _md_tables(_text("report.md", gather_subprojections=True))
    projections = next(t for t in tables if t[0][0] == "**Source**")
    rows = [row for row in projections[2:] if row[0] == r"spiking\_pop"]
    assert len(rows) == 1 and rows[0][4].startswith("2 sub-projections")


def test_net_id_selects_the_network():
    """net_id describes another network (its copies of the objects)."""
    _network()
    net = ann.Network(everything=True)
    ann.Population(3, ann.LeakyIntegrator, name="only_in_default")
    text = _text("report.md", net_id=net.id)
    assert r"rate\_pop" in text and "only" not in text


def test_report_after_compile():
    """After compile() the values are read from the simulation's arrays."""
    rates, _, _ = _network()
    ann.compile()
    rates.tau = 3.0
    assert r"| rate\_pop | Leaky\_rate | $\tau$ | 3.0 |" in _text("report.md")


def test_filename_must_be_tex_or_md():
    """Other extensions are refused (nothing written)."""
    _network()
    with pytest.raises(NetworkError, match=r"\.tex .* or \.md"):
        ann.report("report.txt")


@pytest.mark.parametrize("name, latex", [
    ("v", "v"), ("tau", r"\tau"), ("tau_exc", r"\tau_{\text{exc}}"), ("E_0", "E_{0}"),
    ("baseline", r"\text{baseline}"), ("I_CBF", r"I_{\text{CBF}}"), ("a_b_c", r"\text{a\_b\_c}"),
])
def test_latex_names(name, latex):
    """Names as the manual describes: letters, Greek letters, one subscript, else text."""
    assert latex_name(name) == latex
