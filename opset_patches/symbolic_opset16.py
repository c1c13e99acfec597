"""Pack ops whose ONNX form needs opset 16."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=16)


# --- group L6 ---
# ScatterElements with reduction="add" (opset 16). Helpers: opset_patches/_layout.py.
from typing import Optional  # noqa: E402

import torch  # noqa: E402

from opset_patches import _layout as _l6  # noqa: E402
from opset_patches import _order as _l6_order  # noqa: E402
from torch_opfill import OpfillError  # noqa: E402


@_symbolic("aten::put")
def put(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """put(Tensor self, Tensor index, Tensor source, bool accumulate=False) -> Tensor

    ScatterElements into the flattened input at the flattened index (negative ones from
    the end), reduction "add" when accumulating (in index order, as eager's loop), reshaped
    back. Exact; eager leaves duplicate indices without accumulate undefined.
    """
    flat = _l6.flat(self)
    idx = _l6.flat(index)
    idx = op.Where(op.Less(idx, _l6.c64(0)), op.Add(idx, op.Size(self)), idx)
    kw = {"reduction": "add"} if accumulate else {}
    out = op.ScatterElements(flat, idx, _l6.flat(source), axis=0, **kw)
    return _l6.reshape(out, op.Shape(self))


@_symbolic("aten::index_add", wraps_builtin=True)
def index_add(self: Tensor, dim: int, index: Tensor, source: Tensor, alpha: float = 1) -> Tensor:
    """index_add(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor

    ScatterElements with reduction "add" of alpha * source along ``dim`` (duplicate indices
    accumulate in index order, as eager's loop). Eager fuses ``self + alpha * src`` into one
    FMA on CPU where the graph rounds the product first: exact for integers and for
    alpha = +-2^k; otherwise 1 ULP, and where alpha * src overflows but the sum would not,
    eager stays finite where the graph gives inf (or NaN once +inf and -inf meet).
    In front of torch's TorchScript index_add (opset 9), which refuses alpha != 1: this one
    takes those calls. torch's keeps alpha = 1, though it is wrong where indices repeat (it
    warns); TORCH_OPFILL_OVERRIDE=aten::index_add gives this one for every call.
    """
    if op.may_defer and alpha == 1:
        return NotImplemented
    rank = op.rank(self)
    if rank == 0:
        raise OpfillError("index_add: 0-D input is not supported")
    dtype = op.dtype(self)
    d = _l6_order.wrap_dim(dim, rank)
    if alpha != 1:
        if dtype not in _l6_order.FLOATS and alpha != int(alpha):
            raise OpfillError(f"index_add: float alpha={alpha} for an integer tensor")
        source = op.Mul(source, op.const(alpha if dtype in _l6_order.FLOATS else int(alpha), dtype))
    idx = _l6.along_index(index, d, source, rank)
    return op.ScatterElements(self, idx, source, axis=d, reduction="add")


# --- end group L6 ---
