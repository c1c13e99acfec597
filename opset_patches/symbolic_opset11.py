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


def _result_type(a: Tensor, b_dtype: torch.dtype, b_rank: int) -> torch.dtype:
    """torch.result_type of tensor ``a`` and a tensor of ``b_dtype``/``b_rank`` (a 0-d one
    ranks below a dimensioned one)."""
    return torch.result_type(torch.empty((1,) * min(op.rank(a), 1), dtype=op.dtype(a)),
                             torch.empty((1,) * min(b_rank, 1), dtype=b_dtype))


def _search(
    sorted_sequence: Tensor,
    values: Tensor,
    right: bool,
    sorter: Tensor | None,
    out_int32: bool,
    values_dtype: torch.dtype | None = None,
) -> Tensor:
    """Eager's ``cus_lower_bound``/``cus_upper_bound`` step for step: ``start`` moves right of
    ``mid`` while ``!(b[mid] >= v)`` (``!(b[mid] > v)`` for ``right``), so NaN values land past
    the end and NaNs in the sequence steer the search exactly as they do in eager.
    ``_SEARCH_STEPS`` fixed steps, each a no-op once start == end. ``values_dtype`` is that
    of a 0-d constant ``values`` (whose dtype the dynamo exporter does not record)."""
    if values_dtype is None:
        values_dtype = op.dtype(values)
        common = _result_type(sorted_sequence, values_dtype, op.rank(values))
    else:
        common = values_dtype
    b, work = _order.order_key(sorted_sequence if op.dtype(sorted_sequence) == common
                               else op.cast(sorted_sequence, common), common)
    v = values if values_dtype == common else op.cast(values, common)
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


def _scalar_value(sorted_sequence: Tensor, value: float) -> tuple[Tensor, torch.dtype]:
    """A Python-number search value as a 0-d tensor of torch's promoted dtype, and that dtype."""
    dtype = torch.result_type(torch.empty(1, dtype=op.dtype(sorted_sequence)), value)
    return op.const(value, dtype), dtype


@_symbolic("aten::searchsorted.Scalar")
def searchsorted_scalar(
    sorted_sequence: Tensor,
    self: float,
    out_int32: bool = False,
    right: bool = False,
    side: Optional[str] = None,
    sorter: Optional[Tensor] = None,
) -> Tensor:
    """searchsorted.Scalar(Tensor sorted_sequence, Scalar self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None) -> Tensor

    As searchsorted.Tensor for one Python number (a 0-d result).
    """
    value, dtype = _scalar_value(sorted_sequence, self)
    return _search(sorted_sequence, value, _side_right(right, side), sorter, out_int32, dtype)


@_symbolic("aten::bucketize.Tensor", dynamo=())  # the dynamo decomposition is exact (binary search)
def bucketize(self: Tensor, boundaries: Tensor, out_int32: bool = False, right: bool = False) -> Tensor:
    """bucketize.Tensor(Tensor self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor

    searchsorted(boundaries, self) (eager's own definition), exact for NaNs too. torch's
    TorchScript symbolic (opset 9, which serves by default) counts ``self > boundaries``
    and so puts a NaN value in bucket 0 where eager puts it past the end (right=False).
    """
    if op.rank(boundaries) != 1:
        raise OpfillError("bucketize: boundaries must be 1-D")
    return _search(boundaries, self, bool(right), None, out_int32)


@_symbolic("aten::bucketize.Scalar")
def bucketize_scalar(self: float, boundaries: Tensor, out_int32: bool = False, right: bool = False) -> Tensor:
    """bucketize.Scalar(Scalar self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor

    As bucketize.Tensor for one Python number (a 0-d result).
    """
    if op.rank(boundaries) != 1:
        raise OpfillError("bucketize: boundaries must be 1-D")
    value, dtype = _scalar_value(boundaries, self)
    return _search(boundaries, value, bool(right), None, out_int32, dtype)


# Order statistics: _order.stable_argsort (TopK, ties in index order, NaNs last) gives the
# order eager's comparators define; the statistic is read at a position of it.


def _sorted_position(x: Tensor, d: int, dtype: torch.dtype, pos: Tensor, per_slice: bool) -> Tensor:
    """Index (keeping axis d, size 1) of the element at sorted position ``pos`` along d:
    ``pos`` is [1] (one position for every slice) or, ``per_slice``, x's shape with size 1 at d."""
    perm = _order.stable_argsort(x, d, dtype)
    return op.GatherElements(perm, pos, axis=d) if per_slice else op.Gather(perm, pos, axis=d)


def _finish(values: Tensor, indices: Tensor, d: int, keepdim: bool, lifted: bool) -> tuple[Tensor, Tensor]:
    if lifted:
        return _order.squeeze(values, [0]), _order.squeeze(indices, [0])
    if not keepdim:
        return _order.squeeze(values, [d]), _order.squeeze(indices, [d])
    return values, indices


@_symbolic("aten::kthvalue")
def kthvalue(self: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """kthvalue(Tensor self, SymInt k, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)

    The element at position k - 1 of the stable ascending order with NaNs last (TopK twice,
    GatherElements). Values are eager's exactly. Where the k-th value is tied, eager's
    quickselect returns the index of one of the tied elements depending on the data layout
    (no rule: its partition order); this returns the one earliest in index order among the
    ties ranked k-th and later, so such indices (and the sign of a tied zero) may differ.
    Distinct values (and any k-th value without ties) match exactly.
    """
    x, rank, lifted = _as_1d(self)
    d = _order.wrap_dim(dim, op.rank(self))
    idx = _sorted_position(x, d, op.dtype(self), _order.ints([k - 1]), per_slice=False)
    return _finish(op.GatherElements(x, idx, axis=d), idx, d, keepdim, lifted)


def _median_dim(self: Tensor, dim: int, keepdim: bool, ignore_nan: bool) -> tuple[Tensor, Tensor]:
    x, rank, lifted = _as_1d(self)
    d = _order.wrap_dim(dim, op.rank(self))
    dtype = op.dtype(self)
    i64 = _order.I64
    n = _order.size(x, d)
    floating = dtype in _order.FLOATS
    if ignore_nan and floating:
        # Position (n - #NaN - 1) / 2 of each slice, truncated as in C (0 for an all-NaN slice).
        valid = op.Sub(n, _order.count(op.IsNaN(x), [d], True))
        pos = op.Div(op.Sub(valid, op.const(1, i64)), op.const(2, i64))
        pos = op.Where(op.Less(pos, op.const(0, i64)), op.const(0, i64), pos)
    else:
        pos = op.Reshape(op.Div(op.Sub(n, op.const(1, i64)), op.const(2, i64)), _order.ints([1]))
    idx = _sorted_position(x, d, dtype, pos, per_slice=ignore_nan and floating)
    if floating and not ignore_nan:
        nan = op.IsNaN(x)
        any_nan = op.Greater(_order.count(nan, [d], True), op.const(0, i64))
        idx = op.Where(any_nan, _order.first_true(nan, d, True), idx)
    return _finish(op.GatherElements(x, idx, axis=d), idx, d, keepdim, lifted)


def _median_all(self: Tensor, ignore_nan: bool) -> Tensor:
    flat = op.Reshape(self, _order.ints([-1]))
    values, _ = _median_dim_of(flat, op.dtype(self), ignore_nan)
    return op.Reshape(values, _order.ints([]))


def _median_dim_of(flat: Tensor, dtype: torch.dtype, ignore_nan: bool) -> tuple[Tensor, Tensor]:
    """_median_dim of a 1-D intermediate (whose dtype the graph may not record), as [1] tensors.

    An empty input gives NaN (integers: their minimum), as eager: one padding element after
    the data is what position 0 of an empty order points at."""
    n = op.Reshape(_order.size(flat, 0), _order.ints([1]))
    floating = dtype in _order.FLOATS
    one, two, zero = _order.ints([1]), _order.ints([2]), _order.ints([0])
    if ignore_nan and floating:
        pos = op.Div(op.Sub(op.Sub(n, _order.count(op.IsNaN(flat), [0], True)), one), two)
        pos = op.Where(op.Less(pos, zero), zero, pos)
    else:
        pos = op.Div(op.Sub(n, one), two)  # (0 - 1) / 2 truncates to 0
    order = op.Concat(_order.stable_argsort(flat, 0, dtype), n, axis=0)
    idx = op.Gather(order, pos, axis=0)
    if floating and not ignore_nan:
        nan = op.IsNaN(flat)
        any_nan = op.Greater(_order.count(nan, [0], True), zero)
        first_nan = _order.first_true(op.Concat(nan, op.const([True], torch.bool), axis=0), 0, True)
        idx = op.Where(any_nan, first_nan, idx)
    # (A NaN in the Concat'ed constant trips the TorchScript exporter's constant tracking.)
    values = op.Gather(op.Concat(flat, op.const([0], dtype), axis=0), idx, axis=0)
    empty = float("nan") if floating else torch.iinfo(dtype).min
    return op.Where(op.Equal(n, zero), op.const([empty], dtype), values), idx


@_symbolic("aten::median")
def median(self: Tensor) -> Tensor:
    """median(Tensor self) -> Tensor

    Lower median of all elements (sorted position (n - 1) / 2, stable TopK); NaN if any
    element is NaN, as eager.
    """
    return _median_all(self, ignore_nan=False)


@_symbolic("aten::median.dim")
def median_dim(self: Tensor, dim: int, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """median.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)

    Position (n - 1) / 2 of the stable order, which is eager's (its nth_element comparator
    breaks ties by index), so indices match exactly, ties included; a slice holding NaN gives
    NaN and the index of its first NaN, as eager.
    """
    return _median_dim(self, dim, bool(keepdim), ignore_nan=False)


@_symbolic("aten::nanmedian")
def nanmedian(self: Tensor) -> Tensor:
    """nanmedian(Tensor self) -> Tensor

    Lower median of the non-NaN elements (NaN when all are NaN), as eager.
    """
    return _median_all(self, ignore_nan=True)


@_symbolic("aten::nanmedian.dim")
def nanmedian_dim(self: Tensor, dim: int, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """nanmedian.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)

    Position (n - #NaN - 1) / 2 of the stable order with NaNs last, per slice (GatherElements):
    eager's order, ties broken by index, so indices match exactly, except in an all-NaN
    slice, where eager's nth_element returns an unspecified NaN's index (this: the first).
    """
    return _median_dim(self, dim, bool(keepdim), ignore_nan=True)


@_symbolic("aten::msort", dynamo=())  # torch.export decomposes msort into sort
def msort(self: Tensor) -> Tensor:
    """msort(Tensor self) -> Tensor

    Stable ascending sort along dim 0 with NaNs last (TopK twice, GatherElements).
    """
    x, rank, lifted = _as_1d(self)
    out = op.GatherElements(x, _order.stable_argsort(x, 0, op.dtype(self)), axis=0)
    return _order.squeeze(out, [0]) if lifted else out


@_symbolic("aten::mode")
def mode(self: Tensor, dim: int = -1, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """mode(Tensor self, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)

    Eager's algorithm without its sort's instability: sort each slice (stable, NaNs last),
    find runs of equal values (NaN != NaN: each NaN its own run), take the first run of
    maximal length, i.e. the smallest most frequent value, and return its last element in
    index order (CumSum, NonZero and Gather over the flattened runs, O(numel) memory).
    Eager's std::sort is stable for slices of up to 16 elements, where its index is that of
    the last occurrence too; for longer slices with a tied mode its index is one of the
    occurrences (unspecified). An all-distinct slice holding NaN gives its smallest non-NaN
    value (eager's unstable sort of NaNs has no defined answer there).
    """
    x, rank, lifted = _as_1d(self)
    d = _order.wrap_dim(dim, op.rank(self))
    dtype = op.dtype(self)
    i64 = _order.I64
    # Work with the reduced axis last, flattened to [slices, n].
    perm_axes = [a for a in range(rank) if a != d] + [d]
    xt = _order.with_lists("Transpose", x, perm=perm_axes) if d != rank - 1 else x
    n = _order.size(xt, rank - 1)
    x2 = op.Reshape(xt, op.Concat(_order.ints([-1]), op.Reshape(n, _order.ints([1])), axis=0))
    perm = _order.stable_argsort(x2, 1, dtype)
    key, _ = _order.order_key(x2, dtype)
    s = op.GatherElements(key, perm, axis=1)
    j = _order.arange(n)
    prev = op.Concat(_order.slice_axis(s, 1, 0, 1), _order.slice_axis(s, 1, 0, -1), axis=1)
    new_run = op.Or(op.Not(op.Equal(s, prev)), op.Equal(j, op.const(0, i64)))
    flat_new = op.Reshape(new_run, _order.ints([-1]))
    starts = op.Reshape(op.NonZero(flat_new), _order.ints([-1]))
    run_id = op.Sub(op.CumSum(op.cast(flat_new, i64), op.const(0, i64)), op.const(1, i64))
    flat_pos = _order.arange(_order.size(flat_new, 0))
    run_len = op.Add(op.Sub(flat_pos, op.Gather(starts, run_id, axis=0)), op.const(1, i64))
    run_len = op.Reshape(run_len, op.Shape(s))
    longest = _order.reduce("Max", run_len, [1], True)
    at = _order.first_true(op.Equal(run_len, longest), 1, True)
    idx = op.GatherElements(perm, at, axis=1)
    values = op.GatherElements(x2, idx, axis=1)
    # Back to x's layout with the reduced axis kept (size 1) at d.
    kept = op.Concat(_order.slice_axis(op.Shape(xt), 0, 0, rank - 1), _order.ints([1]), axis=0)
    values, idx = op.Reshape(values, kept), op.Reshape(idx, kept)
    if d != rank - 1:
        inverse = [perm_axes.index(a) for a in range(rank)]
        values = _order.with_lists("Transpose", values, perm=inverse)
        idx = _order.with_lists("Transpose", idx, perm=inverse)
    return _finish(values, idx, d, keepdim, lifted)


@_symbolic("aten::histc")
def histc(self: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002 - ATen names
    """histc(Tensor self, int bins=100, Scalar min=0, Scalar max=0) -> Tensor

    Eager's linear-interpolation binning step for step: edges from ``min``/``max`` (from the
    data's extrema when equal, widened by 1 when those are equal too, in double, then in the
    input dtype), bin = trunc((x - lo) * bins / (hi - lo)) in the input dtype (float16:
    each step rounded to float16, as c10::Half arithmetic), x == hi in the last bin, NaN and
    out-of-range elements dropped; counts saturate where eager's in-dtype accumulation
    stops growing (2**11 float16, 2**8 bfloat16, 2**24 float32) in one thread (a multi-
    threaded eager sums per-thread partial counts, each saturated on its own, so its
    counts above those limits depend on the thread count). Counting: one-hot
    ReduceSum (O(numel * bins) memory) below opset 16, ScatterElements(reduction="add") from
    16. torchlib's own (dynamo) version differs at bin edges and for float16.
    """
    dtype = op.dtype(self)
    if dtype not in _order.FLOATS:
        raise OpfillError("histc: eager has no integer kernel")
    if bins <= 0:
        raise OpfillError("histc: bins must be > 0")
    work = op.compute_dtype(self)
    i64 = _order.I64
    x = op.Reshape(self, _order.ints([-1]))
    x = op.cast(x, work) if work != dtype else x

    def rounded(t: Tensor) -> Tensor:  # c10::Half / BFloat16 arithmetic rounds every step
        return op.cast(op.cast(t, dtype), work) if work != dtype else t

    if float(min) == float(max):
        # The data's extrema (exact in the input dtype), widened in double where equal.
        lo = op.cast(_order.reduce("Min", x, [0], True), torch.float64)
        hi = op.cast(_order.reduce("Max", x, [0], True), torch.float64)
        same = op.Equal(lo, hi)
        one = op.const([1.0], torch.float64)
        lo = op.Where(same, op.Sub(lo, one), lo)
        hi = op.Where(same, op.Add(hi, one), hi)
        lo, hi = rounded(op.cast(lo, work)), rounded(op.cast(hi, work))
    else:
        lo = op.const([float(torch.tensor(float(min), dtype=dtype))], work)
        hi = op.const([float(torch.tensor(float(max), dtype=dtype))], work)
    nbins = op.const([float(bins)], work)
    pos = rounded(op.Div(rounded(op.Mul(rounded(op.Sub(x, lo)), nbins)), rounded(op.Sub(hi, lo))))
    pos = op.Cast(pos, to=7)  # truncation toward zero, as static_cast<int64_t>
    last = op.const(bins - 1, i64)
    pos = op.Where(op.Equal(pos, op.const(bins, i64)), last, pos)
    outside = op.Or(op.Or(op.Less(x, lo), op.Greater(x, hi)), op.IsNaN(x))
    pos = op.Where(outside, op.const(bins, i64), pos)  # one extra bin collects the dropped ones
    if op.opset >= 16:
        zeros = op.Expand(op.const(0.0, torch.float32), op.const([bins + 1], i64))
        ones = op.Expand(op.const(1.0, torch.float32), op.Shape(pos))
        counts = op.ScatterElements(zeros, pos, ones, axis=0, reduction="add")
        counts = op.cast(counts, i64)
    else:
        hits = op.Equal(_order.unsqueeze(pos, [1]), _order.arange(op.const(bins + 1, i64)))
        counts = _order.count(hits, [0], False)
    counts = _order.slice_axis(counts, 0, 0, bins)
    cap = {torch.float16: 2**11, torch.bfloat16: 2**8, torch.float32: 2**24, torch.float64: 2**53}[dtype]
    counts = op.Where(op.Greater(counts, op.const(cap, i64)), op.const(cap, i64), counts)
    return op.cast(counts, dtype)


# --- group L6 (issue 6 layout, *_copy family, scatter family) ---
# --- end group L6 ---


# --- group B6 (issue 6 BLAS-like, statistics, remaining scans/reductions/order statistics) ---
# --- end group B6 ---


# --- group N7 (issue 7 losses and nn/vision) ---
# --- end group N7 ---
