"""Pack ops whose ONNX form needs opset 14."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import torch

from opset_patches import _layout, _order
from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=14)


# --- group L6 ---
def _squeeze_dims(x: Tensor, dims: Sequence[int]) -> Tensor:
    """Drop those of ``dims`` whose (dynamic) size is 1, as eager's squeeze(dim): the input's
    shape with those entries compressed out, known only at run time. Reshape needs
    allowzero (opset 14) for it: below, an empty input's 0 would read as "copy that dim"."""
    rank = op.rank(x)
    if rank == 0:
        return op.Identity(x)
    wanted = {_order.wrap_dim(d, rank) for d in dims}
    picked = op.const([i in wanted for i in range(rank)], torch.bool)
    shape = op.Shape(x)
    drop = op.And(picked, op.Equal(shape, op.const(1, torch.int64)))
    return _layout.reshape(x, op.Compress(shape, op.Not(drop), axis=0))


@_symbolic("aten::squeeze_copy.dim", dynamo=())
def squeeze_copy_dim(self: Tensor, dim: int) -> Tensor:
    """squeeze_copy.dim(Tensor self, int dim) -> Tensor

    ``dim`` dropped where its size is 1 (run time: Compress of the shape, Reshape). Exact.
    """
    return _squeeze_dims(self, [dim])


@_symbolic("aten::squeeze_copy.dims", dynamo=())
def squeeze_copy_dims(self: Tensor, dim: Sequence[int]) -> Tensor:
    """squeeze_copy.dims(Tensor self, int[] dim) -> Tensor

    Those of ``dim`` whose size is 1 dropped (run time). Exact.
    """
    return _squeeze_dims(self, dim)


# --- end group L6 ---
