"""opfill-gen's two schema sources agree; the Operators.md parser; the ATen side; file editing.

Fast: no exports, no subprocesses. The fixtures are produced from the installed onnx by its own
doc generator (tests/fixtures/make_operators_md.py), so they are Operators.md / Changelog.md
in the exact format onnx publishes.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from torch_opfill.gen import aten, plan, schema, writer
from torch_opfill.gen.errors import GenError

FIXTURES = Path(__file__).parent / "fixtures"
OPERATORS_MD = FIXTURES / "Operators_excerpt.md"
CHANGELOG_MD = FIXTURES / "Changelog_excerpt.md"
FIXTURE_OPS = ("Abs", "Asinh", "Clip", "Dropout", "LeakyRelu", "Max", "Trilu", "Where")


@pytest.fixture(scope="module")
def defs():
    return schema.defs_catalog()


@pytest.fixture(scope="module")
def md():
    return schema.parse_operators_md(OPERATORS_MD)


def test_operators_md_lists_the_fixture_ops_with_every_version(md, defs):
    assert md.names() == sorted(FIXTURE_OPS)
    for name in FIXTURE_OPS:
        assert md.versions(name) == defs.versions(name), name
        # Operators.md details the latest version only.
        assert md.detailed(name) == [defs.versions(name)[-1]], name


@pytest.mark.parametrize("name", FIXTURE_OPS)
def test_operators_md_and_onnx_defs_give_the_same_schema(md, defs, name):
    latest = defs.versions(name)[-1]
    from_md, from_defs = md.at(name, latest), defs.at(name, latest)
    assert from_md.agrees_with(from_defs) == []
    assert from_md.since_version == latest


def test_changelog_md_gives_every_version(defs):
    cl = schema.parse_operators_md(CHANGELOG_MD)
    assert cl.names() == ["Abs", "Asinh", "LeakyRelu"]
    for name in cl.names():
        for v in cl.versions(name):
            assert cl.schema(name, v).agrees_with(defs.schema(name, v)) == [], (name, v)


def test_parsed_details(md):
    clip = md.at("Clip", 30)
    options = [(p.name, p.option) for p in clip.inputs]
    assert options == [("input", "single"), ("min", "optional"), ("max", "optional")]
    assert (clip.min_input, clip.max_input) == (1, 3)
    mx = md.at("Max", 30)
    assert mx.inputs[0].option == "variadic" and mx.max_input is None
    trilu = md.at("Trilu", 30)
    assert trilu.attribute("upper") == schema.Attribute("upper", "int", False, 1)
    leaky = md.at("LeakyRelu", 30)
    assert leaky.attribute("alpha").type == "float" and math.isclose(leaky.attribute("alpha").default, 0.01)
    where = md.at("Where", 30)
    assert where.allowed_types(where.inputs[0]) == ("tensor(bool)",)
    dropout = md.at("Dropout", 30)
    assert (dropout.min_output, dropout.max_output) == (1, 2)


def test_lookup_errors(md, defs):
    with pytest.raises(GenError, match=r"unknown ONNX operator 'Asnh' .*Did you mean: Asinh"):
        defs.resolve_name("Asnh")
    assert defs.resolve_name("asinh") == "Asinh"
    with pytest.raises(GenError, match=r"lowest opset is 9 \(Asinh-9\)"):
        defs.at("Asinh", 8)
    with pytest.raises(GenError, match=r"describes only Abs-13; Abs at opset 7 is Abs-6: pass onnx's Changelog"):
        md.at("Abs", 7)


MALFORMED = {
    "empty": ("", "no operator sections"),
    "not markdown": ("just some text\nnothing here\n", "no operator sections"),
    "no version": (
        '## ai.onnx (default)\n### <a name="Foo"></a><a name="foo">**Foo**</a>\n\n#### Inputs\n\n<dl>\n'
        "<dt><tt>X</tt> : T</dt>\n</dl>\n",
        r":2: Foo has no '#### Version' line",
    ),
    "bad input line": (
        '## ai.onnx (default)\n### <a name="Foo"></a><a name="foo">**Foo**</a>\n\n#### Version\n\n'
        "This version of the operator has been available since version 9 of the default ONNX operator set.\n\n"
        "#### Inputs\n\n<dl>\n<dt>X : T</dt>\n</dl>\n",
        r":11: malformed input entry",
    ),
    "bad attribute": (
        '## ai.onnx (default)\n### <a name="Foo"></a><a name="foo">**Foo**</a>\n\n#### Version\n\n'
        "This version of the operator has been available since version 9 of the default ONNX operator set.\n\n"
        "#### Attributes\n\n<dl>\n<dt><tt>alpha</tt> : float (sometimes)</dt>\n</dl>\n",
        r":11: attribute 'alpha': expected '\(required\)' or '\(default is ...\)'",
    ),
    "bad heading": (
        '## ai.onnx (default)\n### <a name="Foo"></a>Foo without bold\n',
        r":2: unrecognised operator heading",
    ),
    "binary": (b"\xff\xfe\x00garbage", "cannot read it as UTF-8"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_operators_md_is_one_clear_error(tmp_path, case):
    text, message = MALFORMED[case]
    path = tmp_path / "Operators.md"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(schema.SpecError, match=message) as info:
        schema.parse_operators_md(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_missing_spec_file(tmp_path):
    with pytest.raises(schema.SpecError, match="no such file"):
        schema.parse_operators_md(tmp_path / "nope.md")


# --------------------------------------------------------------------------- ATen side


@pytest.mark.parametrize(
    ("onnx_name", "expected"),
    [("Asinh", "asinh"), ("BitwiseXor", "bitwise_xor"), ("LeakyRelu", "leaky_relu"), ("IsNaN", "isnan"),
     ("MatMul", "matmul"), ("HardSwish", "hardswish"), ("Erf", "special_erf"), ("Det", "linalg_det")],
)
def test_name_matching(onnx_name, expected):
    assert expected in aten.candidates(onnx_name)


def test_aten_schema_read_from_torch():
    (leaky,) = [o for o in aten.overloads("leaky_relu") if o.overload == ""]
    assert leaky.schema_text == "leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor"
    assert [(p.name, p.kind, p.annotation, aten.default_literal(p)) for p in leaky.params] == [
        ("self", "tensor", "Tensor", None), ("negative_slope", "float", "float", "0.01")
    ]
    assert aten.lookup("aten::pow.Tensor_Tensor")[0].eager_expr() == "torch.pow"
    assert aten.lookup("leaky_relu")[0].eager_expr() == "torch.ops.aten.leaky_relu.default"
    assert aten.lookup("abs")[0].py_name() == "abs_"  # never shadow a builtin in a pack module
    with pytest.raises(GenError, match=r"no functional op aten::asinhh\. Did you mean: aten::asinh"):
        aten.lookup("aten::asinhh")
    with pytest.raises(GenError, match="has no overload 'Nope'"):
        aten.lookup("aten::pow.Nope")


def test_structural_mapping(defs):
    m = plan.structural(aten.lookup("leaky_relu")[0], defs.at("LeakyRelu", 7))
    assert m.one_to_one and [(p.name, a.name) for p, a in m.attrs] == [("negative_slope", "alpha")]
    m = plan.structural(aten.lookup("softplus")[0], defs.at("Softplus", 7))
    assert [p.name for p in m.left_aten] == ["beta", "threshold"] and not m.one_to_one
    m = plan.structural(aten.lookup("equal")[0], defs.at("Equal", 11))
    assert any("returns (bool)" in r for r in m.reasons)
    m = plan.choose(aten.lookup("triu"), defs.at("Trilu", 14))
    assert [p.name for p in m.left_aten] == ["diagonal"] and [p.name for p in m.left_onnx_inputs] == ["k"]


def test_torch_dispatch_rule_for_already_exported_ops():
    # torch's TorchScript registry looks *up* to opset 9 for targets below 9.
    assert aten.torch_ts_serves("aten::tan", 7) == 9
    assert aten.torch_ts_serves("aten::asinh", 20) is None
    assert "aten::asinh" in aten.missing_ops(20) and "aten::tan" not in aten.missing_ops(20)


# --------------------------------------------------------------------------- editing texts


ROW = '    # Generated by: opfill-gen Foo --opset 9\n    OpCase("aten::foo", torch.sin),'


@pytest.mark.parametrize(
    "cases_src",
    [
        "CASES: list[OpCase] = [\n]\n",
        "CASES = [\n    OpCase('aten::bar', torch.cos)  # no trailing comma\n]\n",
        "CASES = [OpCase('aten::bar', torch.cos)]\n",
        "CASES: list[OpCase] = []\n",
        "X = 1\n",
    ],
)
def test_insert_row_keeps_a_valid_list(cases_src):
    src = "import torch\nfrom torch_opfill.cases import OpCase\n" + cases_src
    out = writer.insert_row(src, ROW)
    namespace: dict = {}
    code = compile(out, "cases.py", "exec")
    exec(code, {"__name__": "x", "torch": __import__("torch")}, namespace)  # noqa: S102
    names = [c.name for c in namespace["CASES"]]
    assert names[-1] == "aten::foo"
    assert writer.find_row(out, "aten::foo").generated


def test_find_function_tells_generated_from_hand_written():
    src = textwrap.dedent(
        '''
        # a comment
        @_symbolic("aten::a")
        def a(self: Tensor) -> Tensor:
            return self


        # Generated by: opfill-gen B --opset 9
        @_symbolic("aten::b")
        def b(self: Tensor) -> Tensor:
            return self
        '''
    )
    block_a, name_a = writer.find_function(src, "aten::a")
    block_b, name_b = writer.find_function(src, "aten::b")
    assert (name_a, block_a.generated) == ("a", False)
    assert (name_b, block_b.generated) == ("b", True)
    assert block_b.text.startswith("# Generated by: opfill-gen B --opset 9\n@_symbolic")
    assert writer.find_function(src, "aten::c") is None


def test_a_later_interface_change_gets_a_guard(defs):
    """A 1:1 call valid at the target opset but not at a later version raises there instead."""
    import dataclasses

    from torch_opfill.gen import probe, render

    asinh9 = defs.at("Asinh", 9)
    m = plan.structural(aten.lookup("asinh")[0], asinh9)
    assert plan.fits(m, defs.at("Asinh", 22))
    changed = dataclasses.replace(
        asinh9, since_version=30, inputs=(*asinh9.inputs, asinh9.inputs[0]), min_input=2
    )
    assert not plan.fits(m, changed)
    text, names = render.function_1to1(
        m, probe.Probe(promotes_int=True, passed=[]), opset=9, py_name="asinh",
        cmd="opfill-gen Asinh --opset 9", has_partial=True, valid_until=30,
    )
    assert "    if op.opset >= 30:\n        raise OpfillError(" in text and "OpfillError" in names
    assert "ONNX Asinh-9 (opset 9 to 29)" in text
    compile(text, "x.py", "exec")
