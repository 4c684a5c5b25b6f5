"""save_parameters() / load_parameters() (JSON) and the deprecated load_parameter() (XML),
against the reference's behaviour (docs/reference_facts.md O2)."""

import json
import logging

import pytest

import annarray as ann
from annarray.core.state_files import StateFileError

NEURON = ann.Neuron(
    parameters="tau = 10.0 : population\nI = 0.5\nni = 3 : population, int\nflag = True : population, bool",
    equations="tau * dv/dt + v = I\nr = pos(v)\ng = mean(r) : population\nm = 1.0 : population",
)
SYNAPSE = ann.Synapse(parameters="eta = 0.01 : projection\nk = 2.0 : postsynaptic",
                      equations="gv = 1.0 : projection\ndw/dt = eta")

# Written by ANNarchy 4.8.2 for the network of _network() (docs/reference_facts.md O2)
REFERENCE_JSON = """{
    "populations": {
        "A": {
            "tau": 12.0,
            "ni": 3,
            "flag": true,
            "g": 0.0,
            "m": 0.0
        }
    },
    "projections": {
        "AA": {
            "eta": 0.01,
            "gv": 0.0
        }
    },
    "network": {},
    "constants": {
        "cst": 2.5
    }
}"""


def _network():
    ann.Constant("cst", 2.5)
    pop = ann.Population(3, NEURON, name="A")
    proj = ann.Projection(pop, pop, "exc", SYNAPSE, name="AA").connect_all_to_all(0.1)
    pop.tau = 12.0
    ann.compile()
    ann.simulate(3.0)
    return pop, proj


def test_save_parameters_writes_the_references_json():
    """Same text as the reference's file: global parameters (current values) and global
    variables (initial values) in declaration order, constants, indent 4."""
    _network()
    ann.save_parameters("params.json")
    with open("params.json") as f:
        assert f.read() == REFERENCE_JSON


def test_load_parameters_sets_global_parameters_and_returns_network_values():
    pop, proj = _network()
    desc = json.loads(REFERENCE_JSON)
    desc["populations"]["A"].update(tau=20.0, ni=7, flag=False, I=3.0)
    desc["projections"]["AA"]["eta"] = 0.5
    desc["network"] = {"foo": 2}
    desc["constants"] = {"cst": 4.0, "fresh": 1.5}
    with open("p.json", "w") as f:
        json.dump(desc, f)
    result = ann.load_parameters("p.json")
    assert result == {"foo": 2.0} and isinstance(result["foo"], float)
    assert (pop.tau, pop.ni, pop.flag, proj.eta) == (20.0, 7, False, 0.5)
    assert pop.I.tolist() == [0.5, 0.5, 0.5]  # not population-wide: skipped (global_only)
    constants = ann.core.globals.constants()
    assert constants["cst"].value == 4.0 and constants["fresh"].value == 1.5


def test_global_only_false_sets_per_neuron_parameters_to_one_value():
    pop, _ = _network()
    with open("p.json", "w") as f:
        json.dump({"populations": {"A": {"I": 3.0}}}, f)
    assert ann.load_parameters("p.json", global_only=False) == {}
    assert pop.I.tolist() == [3.0, 3.0, 3.0]


def test_unknown_population_is_skipped_with_a_warning(caplog):
    """(The reference warns, then wrongly applies the values to the previous population.)"""
    pop, _ = _network()
    with open("p.json", "w") as f:
        json.dump({"populations": {"Z": {"tau": 1.0}, "A": {"tau": 5.0}}}, f)
    with caplog.at_level(logging.WARNING):
        ann.load_parameters("p.json")
    assert "'Z'" in caplog.text and pop.tau == 5.0


def test_verbose_prints_the_changes(capsys):
    _network()
    with open("p.json", "w") as f:
        json.dump({"populations": {"A": {"tau": 5.0}}}, f)
    ann.load_parameters("p.json", verbose=True)
    assert "tau : 12.0 -> 5.0" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"populations": {"A": {"tau": [1, 2]}}}'])
def test_bad_json_is_refused_and_nothing_changes(content):
    pop, _ = _network()
    with open("p2.json", "w") as f:
        f.write(content)
    with pytest.raises(StateFileError):
        ann.load_parameters("p2.json")
    assert pop.tau == 12.0


def test_missing_json_is_refused():
    _network()
    with pytest.raises(StateFileError, match="does not exist"):
        ann.load_parameters("nowhere.json")


def test_load_parameter_reads_the_old_xml_files():
    """Values as int, float or text, as the reference's reader (O2)."""
    with open("old.xml", "w") as f:
        f.write("<root><parameter><name>a</name><value>1</value></parameter>"
                "<parameter><name>b</name><value>2.5</value></parameter>"
                "<parameter><name>c</name><value>xy</value></parameter></root>")
    assert ann.load_parameter("old.xml") == {"a": 1, "b": 2.5, "c": "xy"}


def test_load_parameter_refuses_a_missing_file():
    with pytest.raises(StateFileError):
        ann.load_parameter("missing.xml")
