"""Pack ops whose ONNX form needs opset 11."""

from __future__ import annotations

import functools
from typing import Optional

import torch

from opset_patches import _order
from torch_opfill import OpfillError, Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=11)


# --- group G4: scans, order statistics, search ---
# Scans along a dynamic axis use _order's triangular mask (Range + Greater): exact, O(n^2)
# memory per slice along the scanned axis; see _order's docstring.


def _as_1d(x: Tensor) -> tuple[Tensor, int, bool]:
    """``x`` (rank >= 1), its rank, and whether a 0-d input was lifted to 1-D."""
    rank = op.rank(x)
    if rank == 0:
        return _order.unsqueeze(x, [0]), 1, True
    return x, rank, False


def _cum_extreme(self: Tensor, dim: int, largest: bool) -> tuple[Tensor, Tensor]:
    """cummax / cummin: the running extreme and the index of its LAST occurrence so far
    (eager updates on ``x >= best`` / ``x <= best``); once a NaN is seen the value is NaN and
    the index that of the latest NaN."""
    x, rank, lifted = _as_1d(self)
    d = _order.wrap_dim(dim, op.rank(self))
    key, dtype = _order.order_key(x, op.dtype(self))
    floating = dtype in _order.FLOATS
    mask = _order.tri_mask(x, d, rank)
    fill = op.const(_order.lowest(dtype) if largest else _order.highest(dtype), dtype)
    if floating:
        nan = op.IsNaN(key)
        key = op.Where(nan, fill, key)
    kj = _order.pairs_j(key, d)
    best = _order.reduce("Max" if largest else "Min", op.Where(mask, kj, fill), [d + 1], True)
    hit = op.Equal(kj, best)
    if floating:
        seen_nan = op.Greater(op.CumSum(op.cast(nan, _order.I64), op.const(d, _order.I64)), op.const(0, _order.I64))
        seen_nan = _order.unsqueeze(seen_nan, [d + 1])  # onnxruntime's Where takes no bool data
        hit = op.Or(op.And(seen_nan, _order.pairs_j(nan, d)), op.And(op.Not(seen_nan), hit))
    j = _order.along(_order.arange(_order.size(x, d)), d + 1, rank + 1)
    last = op.Where(op.And(mask, hit), j, op.const(-1, _order.I64))
    indices = _order.reduce("Max", last, [d + 1], False)
    values = op.GatherElements(x, indices, axis=d)
    if lifted:
        return _order.squeeze(values, [0]), _order.squeeze(indices, [0])
    return values, indices


@_symbolic("aten::cummax")
def cummax(self: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """cummax(Tensor self, int dim) -> (Tensor values, Tensor indices)

    Masked ReduceMax over the prefix, the index of the last element equal to it (ties go to the
    later element, as eager's ``x >= best`` update), NaN sticky with the latest NaN's index
    (CumSum of IsNaN); values gathered at the index (GatherElements), so -0.0/0.0 ties keep
    the chosen element's sign. Exact; O(n^2) memory along ``dim``.
    """
    return _cum_extreme(self, dim, largest=True)


@_symbolic("aten::cummin")
def cummin(self: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """cummin(Tensor self, int dim) -> (Tensor values, Tensor indices)

    As cummax with ReduceMin (eager's ``x <= best``: ties go to the later element). Exact;
    O(n^2) memory along ``dim``.
    """
    return _cum_extreme(self, dim, largest=False)


@_symbolic("aten::cumprod")
def cumprod(self: Tensor, dim: int, dtype: Optional[int] = None) -> Tensor:
    """cumprod(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor

    ReduceProd of the prefix (masked with 1) in eager's accumulation type: float32 products in
    float64 (eager's CPU kernel accumulates in double, so a float32 prefix may overflow and
    come back), float16 in float32; integers and bool give int64 unless ``dtype`` says
    otherwise. O(n^2) memory along ``dim``.
    """
    x, rank, lifted = _as_1d(self)
    d = _order.wrap_dim(dim, op.rank(self))
    in_dtype = op.dtype(self)
    out_dtype = _order.to_dtype(dtype)
    if out_dtype is None:
        out_dtype = in_dtype if in_dtype in _order.FLOATS else _order.I64
    acc = {torch.float16: torch.float32, torch.bfloat16: torch.float32, torch.float32: torch.float64}.get(
        out_dtype, out_dtype if out_dtype in _order.FLOATS else _order.I64
    )
    xa = op.cast(x, acc) if in_dtype != acc else x
    masked = op.Where(_order.tri_mask(x, d, rank), _order.pairs_j(xa, d), op.const(1, acc))
    out = _order.reduce("Prod", masked, [d + 1], False)
    if acc != out_dtype:
        out = op.cast(out, out_dtype)
    return _order.squeeze(out, [0]) if lifted else out


@_symbolic("aten::logcumsumexp")
def logcumsumexp(self: Tensor, dim: int) -> Tensor:
    """logcumsumexp(Tensor self, int dim) -> Tensor

    Stable: m_i + log(sum_{j<=i} exp(x_j - m_i)) with m_i the running max (masked ReduceMax),
    in eager's accumulation type (float32 in float64, float16 in float32); +inf where the
    prefix holds +inf, -inf where it is all -inf, NaN from the first NaN on, as eager.
    O(n^2) memory along ``dim``. torchlib's own (dynamo) version subtracts the max of the
    whole axis, so an early element far below a later maximum underflows to -inf
    (logcumsumexp([-1000, 0]) gives [-inf, 0]; eager [-1000, 0]).
    Max error vs eager: float32 0 ULP, float64 ... (n=1e5 sweep, OpInfo samples).
    """
    x, rank, lifted = _as_1d(self)
    d = _order.wrap_dim(dim, op.rank(self))
    out_dtype = op.dtype(self)
    acc = torch.float64 if out_dtype == torch.float32 else op.compute_dtype(self)
    xa = op.cast(x, acc) if out_dtype != acc else x
    ninf = op.const(float("-inf"), acc)
    nan = op.IsNaN(xa)
    mask = _order.tri_mask(x, d, rank)
    masked = op.Where(mask, _order.pairs_j(op.Where(nan, ninf, xa), d), ninf)
    m = _order.reduce("Max", masked, [d + 1], True)
    # A +-inf maximum is shifted by 0: exp(+inf) = +inf and exp(-inf) = 0 then give it back.
    shift = op.Where(op.IsInf(m), op.const(0.0, acc), m)
    total = _order.reduce("Sum", op.Exp(op.Sub(masked, shift)), [d + 1], False)
    out = op.Add(_order.squeeze(shift, [d + 1]), op.Log(total))
    seen_nan = op.Greater(op.CumSum(op.cast(nan, _order.I64), op.const(d, _order.I64)), op.const(0, _order.I64))
    out = op.Where(seen_nan, op.const(float("nan"), acc), out)
    if acc != out_dtype:
        out = op.cast(out, out_dtype)
    return _order.squeeze(out, [0]) if lifted else out


# Binary-search steps: exact for sorted sequences of up to 2**40 - 1 elements per row.
_SEARCH_STEPS = 40


def _result_type(a: Tensor, b: Tensor) -> torch.dtype:
    """torch.result_type of two tensors (a 0-d one ranks below a dimensioned one)."""
    da, db = op.dtype(a), op.dtype(b)
    return torch.result_type(torch.empty((1,) * min(op.rank(a), 1), dtype=da),
                             torch.empty((1,) * min(op.rank(b), 1), dtype=db))


def _search(sorted_sequence: Tensor, values: Tensor, right: bool, sorter: Tensor | None, out_int32: bool) -> Tensor:
    """Eager's ``cus_lower_bound``/``cus_upper_bound`` step for step: ``start`` moves right of
    ``mid`` while ``!(b[mid] >= v)`` (``!(b[mid] > v)`` for ``right``), so NaN values land past
    the end and NaNs in the sequence steer the search exactly as they do in eager.
    ``_SEARCH_STEPS`` fixed steps, each a no-op once start == end."""
    common = _result_type(sorted_sequence, values)
    b, work = _order.order_key(sorted_sequence if op.dtype(sorted_sequence) == common
                               else op.cast(sorted_sequence, common), common)
    v = values if op.dtype(values) == common else op.cast(values, common)
    if work != common:
        v = op.cast(v, work)
    nd = op.rank(sorted_sequence) > 1
    if sorter is not None:
        b = op.GatherElements(b, sorter, axis=-1) if nd else op.Gather(b, sorter, axis=0)
    i64 = _order.I64
    m = _order.size(sorted_sequence, op.rank(sorted_sequence) - 1)
    # One padding element keeps the probe in range when start == end == len.
    if nd:
        lead = op.Slice(op.Shape(sorted_sequence), _order.ints([0]), _order.ints([-1]))
        pad = op.Expand(op.const(0, work), op.Concat(lead, _order.ints([1]), axis=0))
    else:
        pad = op.const([0], work)
    b = op.Concat(b, pad, axis=-1)
    shape = op.Shape(values)
    start = op.Expand(op.const(0, i64), shape)
    end = op.Expand(m, shape)
    one, two = op.const(1, i64), op.const(2, i64)
    for _ in range(_SEARCH_STEPS):
        mid = op.Add(start, op.Div(op.Sub(end, start), two))
        probe = op.GatherElements(b, mid, axis=-1) if nd else op.Gather(b, mid, axis=0)
        if right:
            go_right = op.Not(op.Greater(probe, v))
        else:
            go_right = op.Not(op.Or(op.Greater(probe, v), op.Equal(probe, v)))
        moved = op.Where(go_right, op.Add(mid, one), start)
        # start == end (done): mid + 1 would overshoot; Min has no int64 kernel before opset 12.
        start, end = op.Where(op.Greater(moved, end), end, moved), op.Where(go_right, end, mid)
    return op.cast(start, torch.int32) if out_int32 else start


def _side_right(right: bool, side: str | None) -> bool:
    if side is not None and side not in ("left", "right"):
        raise OpfillError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if side == "left" and right:
        raise OpfillError("searchsorted: side='left' and right=True contradict each other")
    return bool(right) or side == "right"


@_symbolic("aten::searchsorted.Tensor")
def searchsorted(
    sorted_sequence: Tensor,
    self: Tensor,
    out_int32: bool = False,
    right: bool = False,
    side: Optional[str] = None,
    sorter: Optional[Tensor] = None,
) -> Tensor:
    """searchsorted.Tensor(Tensor sorted_sequence, Tensor self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None) -> Tensor

    Eager's binary search unrolled (``_SEARCH_STEPS`` = 40 steps of Gather/GatherElements,
    Greater/Equal, Where): indices identical to eager's for every input, NaNs in the
    values or the sequence included, for sequences of up to 2**40 - 1 elements per row.
    1-D or N-D ``sorted_sequence`` (rows matching ``self``'s leading dims), ``sorter``,
    ``right``/``side``, ``out_int32``; inputs of different dtypes compare in their promoted
    dtype, like eager. O(numel(self)) memory.
    """
    return _search(sorted_sequence, self, _side_right(right, side), sorter, out_int32)


@_symbolic("aten::bucketize.Tensor")
def bucketize(self: Tensor, boundaries: Tensor, out_int32: bool = False, right: bool = False) -> Tensor:
    """bucketize.Tensor(Tensor self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor

    searchsorted(boundaries, self) (eager's own definition), exact for NaNs too. torch's
    TorchScript symbolic (opset 9, which serves by default) counts ``self > boundaries``
    and so puts a NaN value in bucket 0 where eager puts it past the end (right=False).
    """
    if op.rank(boundaries) != 1:
        raise OpfillError("bucketize: boundaries must be 1-D")
    return _search(boundaries, self, bool(right), None, out_int32)
