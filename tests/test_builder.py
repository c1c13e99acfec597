"""The builder both exporters share: attributes, constants, and the traps it guards against."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import torch_opfill
from torch_opfill import builder
from test_exporters import export_bytes, run


@pytest.mark.parametrize(
    ("key", "value", "name", "converted"),
    [
        ("axis", 1, "axis_i", 1),
        ("keepdims", True, "keepdims_i", 1),
        ("alpha", 0.5, "alpha_f", 0.5),
        ("mode", "linear", "mode_s", "linear"),
        ("axes", [0, 2], "axes_i", [0, 2]),  # g.op pluralizes lists itself
        ("scales", [1, 2.5], "scales_f", [1.0, 2.5]),
        ("value", torch.tensor(1.0), "value_t", None),
    ],
)
def test_torchscript_attribute_suffix_follows_the_python_type(key, value, name, converted):
    assert builder._ts_attr_name(key, value) == name
    if converted is not None:
        assert builder._ts_attr_value(value) == converted


def test_unsupported_attribute_type_is_a_clear_error():
    with pytest.raises(builder.OpfillError, match="attribute x=.*unsupported attribute type dict"):
        builder._ts_attr_name("x", {"a": 1})


def test_python_number_as_input_is_refused_with_the_fix():
    with pytest.raises(builder.OpfillError, match=r"op.Add: input 1 is the Python number 1.0; use op.const"):
        builder.op.Add(object(), 1.0)


NEAR_IDENTITY_PACK = '''
from __future__ import annotations
import torch
from torch_opfill import Tensor, op, symbolic

@symbolic("aten::angle", opset=18)  # above the bundled pack's angle (9): exported at 18
def angle(self: Tensor) -> Tensor:
    """angle(Tensor self) -> Tensor"""
    dt = op.dtype(self)
    tiny = op.Add(self, op.const(3e-9, dt))              # the optimizer takes c ~ 0 for 0...
    scaled = op.Mul(op.const(1.0 + 3e-6, dt), tiny)      # ...and c ~ 1 for 1
    return op.Div(op.Sub(scaled, op.const(-5e-9, dt)), op.const(1.0 - 2e-6, dt))
'''


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
@pytest.mark.parametrize("dynamo", [False, True])
def test_constants_near_identity_survive_the_exporters_optimizer(clean_state, make_pack, dynamo, shape):
    if not dynamo and shape == ():
        pytest.skip("TorchScript computes 0-d float64 inputs in float32 (its scalar type analysis)")
    make_pack("nearpack", {"symbolic_opset9.py": NEAR_IDENTITY_PACK})
    torch_opfill.enable(override={"aten::angle"})

    class Angle(torch.nn.Module):
        def forward(self, x):
            return torch.angle(x)

    x = torch.full(shape, 0.25, dtype=torch.float64)
    (got,) = run(export_bytes(Angle(), (x,), dynamo=dynamo, opset=18), x)
    expected = ((x.numpy() + 3e-9) * (1.0 + 3e-6) + 5e-9) / (1.0 - 2e-6)
    assert got.shape == shape
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
