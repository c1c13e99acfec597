"""The deployment-target switch: ``torch_opfill.target`` and ``TORCH_OPFILL_TARGET``."""

from __future__ import annotations

import pytest

import torch_opfill
from torch_opfill import builder


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv(builder.TARGET_ENV, raising=False)
    monkeypatch.setattr(builder, "_target_setting", [])


@pytest.mark.parametrize(
    ("env", "calls", "expected"),
    [
        (None, [], "onnx"),
        ("tensorrt", [], "tensorrt"),
        ("TensorRT ", [], "tensorrt"),
        ("", [], "onnx"),
        ("tensorrt", ["onnx"], "onnx"),  # an explicit setting wins over the environment
        (None, ["tensorrt"], "tensorrt"),
        (None, ["tensorrt", "onnx"], "onnx"),  # the latest setting wins
    ],
)
def test_target_resolution(monkeypatch, env, calls, expected):
    if env is not None:
        monkeypatch.setenv(builder.TARGET_ENV, env)
    for name in calls:
        torch_opfill.target(name)
    assert torch_opfill.target() == expected
    assert builder.op.target == expected
    assert builder.op.for_tensorrt == (expected == "tensorrt")


def test_target_as_context_manager_restores():
    with torch_opfill.target("tensorrt") as name:
        assert name == "tensorrt"
        with torch_opfill.target("onnx"):
            assert torch_opfill.target() == "onnx"
        assert torch_opfill.target() == "tensorrt"
    assert torch_opfill.target() == "onnx"


def test_target_restores_after_an_error():
    with pytest.raises(KeyError), torch_opfill.target("tensorrt"):
        raise KeyError("boom")
    assert torch_opfill.target() == "onnx"


def test_unknown_target_names_the_choices(monkeypatch):
    with pytest.raises(ValueError, match="unknown target; use one of onnx, tensorrt"):
        torch_opfill.target("trt")
    monkeypatch.setenv(builder.TARGET_ENV, "cuda")
    with pytest.raises(torch_opfill.OpfillError, match="TORCH_OPFILL_TARGET='cuda' is not a target"):
        torch_opfill.target()


@pytest.mark.parametrize("dynamo", [False, True])
def test_tensorrt_target_changes_what_a_5d_grid_sample_exports_to(dynamo):
    """TensorRT parses 4-D GridSample only: under the tensorrt target a 5-D grid sample is the
    pack's Gather composition -- for dynamo too, where torchlib has the op."""
    import io

    import onnx
    import torch

    class Sample(torch.nn.Module):
        def forward(self, x, grid):
            return torch.nn.functional.grid_sample(x, grid, align_corners=False)

    args = (torch.randn(1, 2, 3, 4, 5), torch.rand(1, 2, 3, 4, 3) * 2 - 1)

    def node_types(target: str) -> set[str]:
        torch_opfill.enable(override=False)
        with torch_opfill.target(target):
            if dynamo:
                model = torch.onnx.export(Sample(), args, dynamo=True, opset_version=20).model_proto
            else:
                buf = io.BytesIO()
                torch.onnx.export(Sample(), args, buf, dynamo=False, opset_version=20)
                model = onnx.load_from_string(buf.getvalue())
        return {n.op_type for n in model.graph.node}

    assert "GridSample" in node_types("onnx")
    assert "GridSample" not in node_types("tensorrt")
    assert "GridSample" in node_types("onnx")  # and back
