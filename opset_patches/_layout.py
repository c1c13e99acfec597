"""Shape-generic building blocks for the layout, ``*_copy`` and scatter ops (group L6).

Sizes are read from the graph (``Shape``/``Gather``), never baked in from the traced example,
so every op keeps the input's dynamic dims. Two ONNX traps shape the helpers:

- ``Reshape`` reads a 0 in its shape as "copy this dim" unless ``allowzero=1`` (opset 14):
  :func:`reshape` sets it from opset 14 and, below, reshapes an empty input through a shape
  without zeros and Expand (given the target's static length).
- onnxruntime's ``ScatterElements`` max/min reductions do not propagate a NaN update (they keep
  the first operand of ``std::max``): :func:`scatter_reduce` tracks NaNs separately.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from opset_patches import _order
from opset_patches._order import I64, FLOATS, arange, ints, size, unsqueeze, wrap_dim
from torch_opfill import OpfillError, Tensor, op

INT64_MIN = -(2**63)


def i1(x: Tensor) -> Tensor:
    """A rank-0 int64 tensor as a 1-element 1-D one (for Concat/Slice inputs)."""
    return unsqueeze(x, [0])


def dims(x: Tensor, start: int, end: int) -> Tensor:
    """``x.shape[start:end]`` as a 1-D int64 tensor (possibly empty)."""
    return _order.slice_axis(op.Shape(x), 0, start, end)


def imin(a: Tensor, b: Tensor) -> Tensor:
    return op.Where(op.Less(a, b), a, b)


def imax(a: Tensor, b: Tensor) -> Tensor:
    return op.Where(op.Less(a, b), b, a)


def c64(v: int) -> Tensor:
    return op.const(v, I64)


def reshape(x: Tensor, shape: Tensor, rank: int | None = None) -> Tensor:
    """``Reshape`` where a 0 in ``shape`` means size 0: ``allowzero`` from opset 14; below,
    for a ``shape`` of known length ``rank``, an empty input is reshaped from 1-D to
    [0, 1, ..., 1] (its 0 copies the 0 of the 1-D input) and Expand-ed to ``shape``."""
    if op.opset >= 14:
        return op.Reshape(x, shape, allowzero=1)
    if rank is None:
        return op.Reshape(x, shape)
    empty = op.Equal(op.Size(x), c64(0))
    safe = op.Where(empty, ints([0] + [1] * (rank - 1)), shape)
    return op.Expand(op.Reshape(flat(x), safe), shape)


def flat(x: Tensor) -> Tensor:
    return op.Reshape(x, ints([-1]))


def transpose(x: Tensor, perm: Sequence[int]) -> Tensor:
    if list(perm) == sorted(perm):
        return op.Identity(x)
    return op.Transpose(x, perm=list(perm))


def inverse(perm: Sequence[int]) -> list[int]:
    out = [0] * len(perm)
    for i, p in enumerate(perm):
        out[p] = i
    return out


def flip(x: Tensor, axes: Sequence[int]) -> Tensor:
    """``x`` reversed along ``axes`` (Slice with step -1, opset 10)."""
    if not axes:
        return op.Identity(x)
    n = len(axes)
    return op.Slice(x, ints([-1] * n), ints([INT64_MIN] * n), ints(list(axes)), ints([-1] * n))


def swap_last(x: Tensor, name: str) -> Tensor:
    rank = op.rank(x)
    if rank < 2:
        raise OpfillError(f"{name}: needs a tensor of rank >= 2 (got rank {rank})")
    perm = list(range(rank))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return op.Transpose(x, perm=perm)


def shape_with(x: Tensor, values: Sequence[int | None]) -> Tensor:
    """A shape of len(values): each ``None`` takes the dim of ``x`` it stands for (aligned
    right, like broadcasting), each int is itself."""
    rank = op.rank(x)
    lead = len(values) - rank
    parts = []
    for i, v in enumerate(values):
        if v is None or v == -1:
            if i < lead:
                raise OpfillError(f"size -1 at a new leading dim {i}")
            parts.append(dims(x, i - lead, i - lead + 1))
        else:
            parts.append(ints([v]))
    return op.Concat(*parts, axis=0) if parts else ints([])


def promote(tensors: Sequence[Tensor]) -> tuple[list[Tensor], torch.dtype]:
    """The tensors cast to their common dtype (eager's promotion among tensors of one kind)."""
    dts = [op.dtype(t) for t in tensors]
    out = dts[0]
    for d in dts[1:]:
        out = torch.promote_types(out, d)
    return [t if d == out else op.cast(t, out) for t, d in zip(tensors, dts)], out


# ---------------------------------------------------------------- diagonals


def move_to_end(x: Tensor, d1: int, d2: int, rank: int) -> tuple[Tensor, list[int]]:
    perm = [i for i in range(rank) if i not in (d1, d2)] + [d1, d2]
    return transpose(x, perm), perm


def diag_dims(dim1: int, dim2: int, rank: int, name: str) -> tuple[int, int]:
    d1, d2 = wrap_dim(dim1, rank), wrap_dim(dim2, rank)
    if d1 == d2:
        raise OpfillError(f"{name}: dim1 and dim2 cannot be the same dimension ({dim1}, {dim2})")
    return d1, d2


def diag_len(n1: Tensor, n2: Tensor, offset: int) -> Tensor:
    """Length of the ``offset`` diagonal of an n1 x n2 matrix (rank-0 int64)."""
    a, b = max(-offset, 0), max(offset, 0)
    return imax(c64(0), imin(op.Sub(n1, c64(a)), op.Sub(n2, c64(b))))


def diagonal(x: Tensor, offset: int, dim1: int, dim2: int, name: str) -> Tensor:
    """``torch.diagonal``: the diagonal of dims (dim1, dim2) as the last dim.

    Two gathers (rows, then each row's column with GatherElements), so NaN/inf elsewhere in
    the matrix never reach the result (a mask-and-multiply would give 0 * inf = NaN).
    """
    rank = op.rank(x)
    d1, d2 = diag_dims(dim1, dim2, rank, name)
    xt, _ = move_to_end(x, d1, d2, rank)
    n1, n2 = size(xt, rank - 2), size(xt, rank - 1)
    k = arange(diag_len(n1, n2, offset))
    rows = op.Gather(xt, op.Add(k, c64(max(-offset, 0))), axis=rank - 2)  # [..., L, n2]
    cols = unsqueeze(op.Add(k, c64(max(offset, 0))), [1])  # [L, 1]
    cols = op.Expand(cols, op.Concat(dims(rows, 0, rank - 1), ints([1]), axis=0))
    picked = op.GatherElements(rows, cols, axis=rank - 1)
    return _order.squeeze(picked, [rank - 1])


def diag_index(n1: Tensor, n2: Tensor, offset: int, length: Tensor) -> tuple[Tensor, Tensor]:
    """For an n1 x n2 matrix: the mask of its ``offset`` diagonal and, per element, the index
    into the diagonal (``length`` off it: the slot a 1-padded diagonal keeps for "none")."""
    i = unsqueeze(arange(n1), [1])
    j = unsqueeze(arange(n2), [0])
    mask = op.Equal(op.Sub(j, i), c64(offset))
    k = op.Where(mask, op.Sub(i, c64(max(-offset, 0))), length)
    return mask, k


def pad_last(x: Tensor, n: int, rank: int) -> Tensor:
    """``x`` (rank ``rank``) with n zeros appended along its last dim (Pad, opset 11)."""
    return op.Pad(x, ints([0] * (2 * rank - 1) + [n]))


def embed_diagonal(src: Tensor, base: Tensor | None, n1: Tensor, n2: Tensor, offset: int,
                   rank: int) -> Tensor:
    """The last dim of ``src`` (rank ``rank``) laid on the ``offset`` diagonal of trailing
    n1 x n2 matrices; off it ``base`` (its trailing dims n1 x n2) or zeros. Gathers from the
    zero-padded src."""
    length = size(src, rank - 1)
    mask, k = diag_index(n1, n2, offset, length)
    gathered = op.Gather(pad_last(src, 1, rank), k, axis=rank - 1)
    return gathered if base is None else op.Where(mask, gathered, base)


def diag_embed(x: Tensor, offset: int, dim1: int, dim2: int, name: str, rank: int | None = None) -> Tensor:
    """``torch.diag_embed``; ``rank``: that of ``x`` where it is an intermediate (the dynamo
    exporter knows only its inputs' ranks)."""
    rank = op.rank(x) if rank is None else rank
    if rank == 0:
        raise OpfillError(f"{name}: needs a tensor of rank >= 1")
    d1, d2 = diag_dims(dim1, dim2, rank + 1, name)
    m = op.Add(size(x, rank - 1), c64(abs(offset)))
    out = embed_diagonal(x, None, m, m, offset, rank)  # [..., m, m]
    perm = [i for i in range(rank + 1) if i not in (d1, d2)] + [d1, d2]
    return transpose(out, inverse(perm))


# ---------------------------------------------------------------- splits


def slices(x: Tensor, axis: int, bounds: Sequence[tuple[Tensor, Tensor]]) -> Tensor:
    """A sequence of ``x[start:end]`` along ``axis`` (Python slicing: negative and
    out-of-range bounds as ``Slice`` takes them)."""
    axes = ints([axis])
    return op.SequenceConstruct(*[op.Slice(x, s, e, axes) for s, e in bounds])


def split_sections(x: Tensor, axis: int, sections: int, name: str) -> Tensor:
    if sections <= 0:
        raise OpfillError(f"{name}: sections must be positive (got {sections})")
    chunk = op.Div(size(x, axis), c64(sections))
    at = [i1(op.Mul(chunk, c64(i))) for i in range(sections + 1)]
    return slices(x, axis, list(zip(at[:-1], at[1:])))


def split_indices(x: Tensor, axis: int, indices: Sequence[int]) -> Tensor:
    at = [ints([0])] + [ints([i]) for i in indices] + [ints([2**62])]
    return slices(x, axis, list(zip(at[:-1], at[1:])))


# ---------------------------------------------------------------- scatters


def along_index(index: Tensor, d: int, like: Tensor, rank: int) -> Tensor:
    """1-D ``index`` placed along dim ``d`` and expanded to the shape of ``like`` (rank ``rank``)."""
    return op.Expand(_order.along(index, d, rank), op.Shape(like))


def fill_like(x: Tensor, value: float | int, dtype: torch.dtype) -> Tensor:
    return op.Expand(op.const(value, dtype), op.Shape(x))


def floor_div_int(a: Tensor, b: Tensor) -> Tensor:
    """Floor division of integers by a positive divisor (ONNX Div truncates)."""
    return op.Div(op.Sub(a, op.Mod(a, b)), b)


_IDENTITY = {"prod": 1, "mean": 0, "sum": 0}
_REDUCTION = {"sum": "add", "mean": "add", "prod": "mul", "amax": "max", "amin": "min"}


def scatter_reduce(self: Tensor, index: Tensor, src: Tensor, axis: int, reduce: str, include_self: bool,
                   name: str) -> Tensor:
    """``self`` with ``src`` reduced in along ``axis`` at ``index`` (index and src of one
    shape), as eager's scatter_reduce/index_reduce: include_self=False starts each indexed
    slot from the reduction's identity; mean divides by the count (plus one for self), with
    floor division for integers; amax/amin propagate NaN.
    """
    if reduce not in _REDUCTION:
        raise OpfillError(f"{name}: reduce={reduce!r} is not supported (sum, prod, mean, amax, amin)")
    if op.opset < 18 and reduce in ("amax", "amin"):
        raise OpfillError(f"{name}: reduce={reduce!r} needs opset 18 (ScatterElements max/min); "
                          "export with opset >= 18")
    dtype = op.dtype(self)
    floating = dtype in FLOATS
    base = self
    if not include_self:
        if reduce in ("amax", "amin"):
            ident = _order.lowest(dtype) if reduce == "amax" else _order.highest(dtype)
        else:
            ident = _IDENTITY[reduce]
        base = op.ScatterElements(self, index, fill_like(src, ident, dtype), axis=axis)
    out = op.ScatterElements(base, index, src, axis=axis, reduction=_REDUCTION[reduce])
    if reduce == "mean":
        ones = fill_like(src, 1, dtype)
        count = op.ScatterElements(fill_like(self, 1 if include_self else 0, dtype), index, ones, axis=axis,
                                   reduction="add")
        count = op.Where(op.equal(count, op.const(0, dtype)), op.const(1, dtype), count)
        out = op.Div(out, count) if floating else floor_div_int(out, count)
    elif reduce in ("amax", "amin") and floating:
        nan_src = op.cast(op.IsNaN(src), torch.float32)
        zeros = fill_like(self, 0.0, torch.float32)
        seen = op.ScatterElements(zeros, index, nan_src, axis=axis, reduction="max")
        nan = op.Or(op.IsNaN(base), op.Greater(seen, op.const(0.0, torch.float32)))
        out = op.Where(nan, op.const(float("nan"), dtype), out)
    return out


def strided_index(size_: Sequence[int], stride: Sequence[int], storage_offset: int | None) -> Tensor:
    """The flat element index of every element of an ``as_strided`` view (a constant)."""
    if len(size_) != len(stride):
        raise OpfillError("as_strided: size and stride must have the same length")
    idx = torch.full(tuple(size_), int(storage_offset or 0), dtype=torch.int64)
    for d, (n, s) in enumerate(zip(size_, stride)):
        shape = [1] * len(size_)
        shape[d] = n
        idx = idx + (torch.arange(n, dtype=torch.int64) * s).reshape(shape)
    return op.Reshape(op.const(idx.reshape(-1).tolist(), I64), ints(list(size_)))
