"""Pack ops whose ONNX form needs opset 20."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=20)


# --- group V7 (issue 7 vision: grid sampling, unpooling, resampling) ---
from opset_patches import _vision as _v7  # noqa: E402


@_symbolic("aten::grid_sampler", dynamo=(), wraps_builtin=True, tensorrt_form=True)
def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """grid_sampler(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor

    torch's own symbolic (GridSample-20, any rank, float32/float16) where it stands behind this
    op; else the opset-9 Gather composition (always for 5-D under torch_opfill.target
    ("tensorrt"), and for float64) -- see _vision.grid_sampler_any.
    TensorRT: GridSample parses for 4-D input only.
    """
    return _v7.grid_sampler_any("grid_sampler", input, grid, interpolation_mode, padding_mode, align_corners)


@_symbolic("aten::grid_sampler_2d", dynamo=(), tensorrt_form=True)  # torchlib has it
def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler_2d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor

    The opset-9 Gather composition (the pack's own form; torchlib's GridSample serves the
    dynamo exporter by default). TensorRT: parsable.
    """
    return _v7.grid_sampler_any("grid_sampler_2d", input, grid, interpolation_mode, padding_mode, align_corners)


@_symbolic("aten::grid_sampler_3d", dynamo=(), tensorrt_form=True)  # torchlib has it
def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler_3d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor

    The opset-9 Gather composition (the pack's own form; torchlib's GridSample serves the
    dynamo exporter by default, and this one under torch_opfill.target("tensorrt"), as
    TensorRT parses 4-D GridSample only).
    """
    return _v7.grid_sampler_any("grid_sampler_3d", input, grid, interpolation_mode, padding_mode, align_corners)


# --- end group V7 ---
