"""Synapse text → description: pre./post. references, localities and errors."""

import pytest

import annarray as ann
from annarray.codegen.projection_code import generate_projection_code
from annarray.errors import ModelError, ParserError
from annarray.parser.synapse import describe_synapse


def _neurons():
    pre = ann.Neuron(parameters="tau = 10.0 : population\n b = 1.0", equations="r = b")
    post = ann.Neuron(equations="v = sum(exc)\n r = v")
    return pre, post


def _describe(synapse):
    pre, post = _neurons()
    return describe_synapse(synapse, pre, post)


def test_pre_and_post_references_become_neuron_refs():
    desc = _describe(ann.Synapse(equations="dw/dt = pre.r * post.v + pre.tau + mean(post.r)"))
    refs = {name: (r.side, r.key, r.per_neuron) for name, r in desc.context.neuron_refs.items()}
    assert refs == {
        "_pre_r": ("pre", "r", True),
        "_post_v": ("post", "v", True),
        "_pre_tau": ("pre", "tau", False),
        "_post__mean_r": ("post", "_mean_r", False),
    }


def test_pre_sum_reference():
    desc = _describe(ann.Synapse(psp="w * pre.sum(exc)"))
    assert desc.context.neuron_refs["_pre__sum_exc"].key == "_sum_exc"


def test_default_psp_and_linear_mode():
    code = generate_projection_code(_describe(ann.Synapse()), 1.0)
    assert code.psp_mode == "linear" and code.psp_pre_key == "r" and code.psp_pre is None


def test_function_of_pre_is_linear_mode_with_a_pre_kernel():
    code = generate_projection_code(_describe(ann.Synapse(psp="w * pos(pre.r - 1)")), 1.0)
    assert code.psp_mode == "linear" and code.psp_pre is not None


@pytest.mark.parametrize("psp, operation", [("w * post.v", "sum"), ("w * pre.r", "max"), ("w * w * pre.r", "sum")])
def test_other_psp_are_per_synapse(psp, operation):
    code = generate_projection_code(_describe(ann.Synapse(psp=psp, operation=operation)), 1.0)
    assert code.psp_mode == "general"


def test_unknown_pre_attribute():
    with pytest.raises(ParserError, match="pre.foo.*no attribute 'foo'"):
        _describe(ann.Synapse(psp="w * pre.foo"))


def test_attribute_access_outside_pre_post():
    with pytest.raises(ParserError, match="only pre.x and post.x"):
        _describe(ann.Synapse(psp="w * other.r"))


def test_semiglobal_cannot_read_pre_values():
    desc = _describe(ann.Synapse(equations="x = pre.r : postsynaptic"))
    with pytest.raises(ModelError, match="mean\\(pre.r\\)"):
        generate_projection_code(desc, 1.0)


def test_unknown_operation():
    with pytest.raises(ModelError, match="operation"):
        ann.Synapse(operation="median")


def test_population_flag_refused_in_synapse():
    with pytest.raises(ParserError, match="projection or postsynaptic"):
        ann.Synapse(parameters="a = 1.0 : population")


def test_w_is_always_an_attribute():
    syn = ann.Synapse(parameters="eta = 0.1 : projection")
    assert "w" in syn.attributes and not syn.plastic
    assert ann.Hebb().plastic
