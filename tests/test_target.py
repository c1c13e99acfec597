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
