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
# Layout ops and the functionalized *_copy / *_scatter ops. Sizes come from the graph (Range,
# Slice/Gather on Shape), so dynamic dims stay dynamic; list results are ONNX sequences (the
# TorchScript exporter turns the prim::ListUnpack after them into SequenceAt). dynamo=()
# where the dynamo exporter already exports the op right. Helpers: opset_patches/_layout.py.
from collections.abc import Sequence  # noqa: E402

from opset_patches import _layout as _l6  # noqa: E402


@_symbolic("aten::diag", dynamo=())
def diag(self: Tensor, diagonal: int = 0) -> Tensor:
    """diag(Tensor self, int diagonal=0) -> Tensor

    1-D: the vector on the ``diagonal`` of a square zero matrix (a Gather from the vector
    padded with one zero); 2-D: that diagonal (Gather, GatherElements). Exact; NaN/inf off
    the diagonal never leak into it.
    """
    rank = op.rank(self)
    if rank == 1:
        return _l6.diag_embed(self, diagonal, 0, 1, "diag")
    if rank == 2:
        return _l6.diagonal(self, diagonal, 0, 1, "diag")
    raise OpfillError(f"diag: needs a 1-D or 2-D tensor (got rank {rank})")


@_symbolic("aten::diag_embed", dynamo=())
def diag_embed(self: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """diag_embed(Tensor self, int offset=0, int dim1=-2, int dim2=-1) -> Tensor

    The last dim laid on the ``offset`` diagonal of new dims (dim1, dim2) (Pad, Gather,
    Transpose). Exact.
    """
    return _l6.diag_embed(self, offset, dim1, dim2, "diag_embed")


@_symbolic("aten::diagflat", dynamo=())
def diagflat(self: Tensor, offset: int = 0) -> Tensor:
    """diagflat(Tensor self, int offset=0) -> Tensor

    diag of the flattened input. Exact.
    """
    return _l6.diag_embed(_l6.flat(self), offset, 0, 1, "diagflat", rank=1)


@_symbolic("aten::linalg_diagonal", dynamo=())
def linalg_diagonal(A: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """linalg_diagonal(Tensor(a) A, *, int offset=0, int dim1=-2, int dim2=-1) -> Tensor(a)

    Gather of the rows, GatherElements of each row's column. Exact.
    """
    return _l6.diagonal(A, offset, dim1, dim2, "linalg_diagonal")


@_symbolic("aten::trace")
def trace(self: Tensor) -> Tensor:
    """trace(Tensor self) -> Tensor

    ReduceSum of the diagonal (integers and bool summed as int64, like eager). The sum's
    order differs from eager's loop: float results agree to rounding of the partial sums.
    """
    if op.rank(self) != 2:
        raise OpfillError(f"trace: needs a 2-D tensor (got rank {op.rank(self)})")
    d = _l6.diagonal(self, 0, 0, 1, "trace")
    if op.dtype(self) not in _order.FLOATS:
        d = op.cast(d, torch.int64)
    return _order.reduce("Sum", d, [0], False)


@_symbolic("aten::kron", dynamo=())  # torch.export decomposes kron before the ONNX step (static shapes)
def kron(self: Tensor, other: Tensor) -> Tensor:
    """kron(Tensor self, Tensor other) -> Tensor

    Ranks padded with leading 1s, dims interleaved by Unsqueeze so that one Mul gives
    [a0, b0, a1, b1, ...], then merged pairwise (Flatten for rank <= 2, else _layout.reshape,
    zero-size safe at every opset). Exact (one product per element, as eager). Dynamo:
    torch.export specializes every dim of both inputs before the ONNX step (ATen's kron,
    CompositeImplicitAutograd, reads self.sizes() as ints in KronImpl); static shapes export
    through torch's decomposition (dynamo=()). Only torch can fix that (or a sym-size Python
    CompositeImplicitAutograd kernel installed during the export).
    """
    ra, rb = op.rank(self), op.rank(other)
    (a, b), _ = _l6.promote([self, other])
    r = max(ra, rb, 1)
    a = _order.unsqueeze(a, list(range(r - ra)))
    b = _order.unsqueeze(b, list(range(r - rb)))
    a_spread = _order.unsqueeze(a, [2 * i + 1 for i in range(r)])  # [a0, 1, a1, 1, ...]
    b_spread = _order.unsqueeze(b, [2 * i for i in range(r)])  # [1, b0, 1, b1, ...]
    prod = op.Mul(a_spread, b_spread)
    if r == 1:
        return _order.squeeze(op.Flatten(prod, axis=0), [0])
    if r == 2:
        return op.Flatten(prod, axis=2)
    return _l6.reshape(prod, op.Mul(op.Shape(a), op.Shape(b)), r)


@_symbolic("aten::block_diag", dynamo=())
def block_diag(tensors: Sequence[Tensor]) -> Tensor:
    """block_diag(Tensor[] tensors) -> Tensor

    Each block (0-D as 1x1, 1-D as one row) cast to the common dtype and Pad-ded with zero
    columns left and right to the total width (pads computed from the shapes), then
    Concat-ed along rows. Exact.
    """
    if not tensors:
        raise OpfillError("block_diag: needs at least one tensor")
    ranks = [op.rank(t) for t in tensors]
    blocks, _ = _l6.promote(list(tensors))
    mats = []
    for t, r in zip(blocks, ranks):
        if r > 2:
            raise OpfillError(f"block_diag: inputs must have at most 2 dims (got rank {r})")
        if r < 2:
            t = op.Reshape(t, _order.ints([1, 1])) if r == 0 else _order.unsqueeze(t, [0])
        mats.append(t)
    widths = [_l6.dims(m, 1, 2) for m in mats]
    total = widths[0]
    for w in widths[1:]:
        total = op.Add(total, w)
    out, before, zero = [], _order.ints([0]), _order.ints([0])
    for m, w in zip(mats, widths):
        after = op.Sub(op.Sub(total, before), w)
        out.append(op.Pad(m, op.Concat(zero, before, zero, after, axis=0)))
        before = op.Add(before, w)
    return out[0] if len(out) == 1 else op.Concat(*out, axis=0)


@_symbolic("aten::cartesian_prod", dynamo=())
def cartesian_prod(tensors: Sequence[Tensor]) -> Tensor:
    """cartesian_prod(Tensor[] tensors) -> Tensor

    Each 1-D input Expand-ed over the grid of all, Flatten-ed to a row; rows Concat-ed and
    transposed to [N, k] (a single input is returned as is, like eager). Exact.
    """
    vecs, _ = _l6.promote(list(tensors))
    k = len(vecs)
    if k == 1:
        return op.Identity(vecs[0])
    shape = op.Concat(*[op.Shape(v) for v in vecs], axis=0)
    rows = []
    for i, v in enumerate(vecs):
        grid = op.Expand(_order.along(v, i, k), shape)
        rows.append(op.Flatten(grid, axis=0))  # [1, N]; Flatten handles N = 0
    return op.Transpose(op.Concat(*rows, axis=0), perm=[1, 0])


@_symbolic("aten::combinations", dynamo=())  # torch.export cannot trace it (see the docstring)
def combinations(self: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """combinations(Tensor self, int r=2, bool with_replacement=False) -> Tensor

    The r-dim grid of index tuples masked to i1 < i2 < ... (<= with replacement); NonZero
    lists the kept tuples in row-major order, which is eager's lexicographic order; the
    values are gathered. O(n^r) memory. Exact. Dynamo: torch.export cannot trace ATen's
    combinations (CompositeImplicitAutograd; its masked_select has a data-dependent size:
    PendingUnbackedSymbolNotFound, static shapes too); only torch can fix that.
    """
    if op.rank(self) != 1:
        raise OpfillError(f"combinations: needs a 1-D tensor (got rank {op.rank(self)})")
    if r <= 0:
        raise OpfillError("combinations: r must be positive (eager returns an empty 1-D tensor for r = 0)")
    idx = _order.arange(_order.size(self, 0))
    axes = [_order.along(idx, k, r) for k in range(r)]
    mask = op.Equal(axes[0], axes[0])
    for lo, hi in zip(axes[:-1], axes[1:]):
        keep = op.Not(op.Greater(lo, hi)) if with_replacement else op.Less(lo, hi)
        mask = op.And(mask, keep)
    tuples = op.Transpose(op.NonZero(mask), perm=[1, 0])  # [M, r]
    return op.Gather(self, tuples, axis=0)


@_symbolic("aten::rot90", dynamo=())
def rot90(self: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """rot90(Tensor self, int k=1, int[] dims=[0, 1]) -> Tensor

    As eager: k mod 4 quarter turns, each a flip (Slice with step -1) and a Transpose of
    the two dims. Exact.
    """
    rank = op.rank(self)
    if len(dims) != 2 or rank < 2:
        raise OpfillError("rot90: needs two dims and a tensor of rank >= 2")
    d0, d1 = _l6.diag_dims(dims[0], dims[1], rank, "rot90")
    perm = list(range(rank))
    perm[d0], perm[d1] = d1, d0
    turns = k % 4
    if turns == 0:
        return op.Identity(self)
    if turns == 2:
        return _l6.flip(self, [d0, d1])
    return op.Transpose(_l6.flip(self, [d1] if turns == 1 else [d0]), perm=perm)


@_symbolic("aten::fliplr", dynamo=())
def fliplr(self: Tensor) -> Tensor:
    """fliplr(Tensor self) -> Tensor

    Slice of dim 1 with step -1 (rank >= 2). Exact.
    """
    if op.rank(self) < 2:
        raise OpfillError("fliplr: needs a tensor of rank >= 2")
    return _l6.flip(self, [1])


@_symbolic("aten::flipud", dynamo=())
def flipud(self: Tensor) -> Tensor:
    """flipud(Tensor self) -> Tensor

    Slice of dim 0 with step -1 (rank >= 1). Exact.
    """
    if op.rank(self) < 1:
        raise OpfillError("flipud: needs a tensor of rank >= 1")
    return _l6.flip(self, [0])


def _split_axis(x: Tensor, name: str, min_rank: int, axis: int) -> int:
    rank = op.rank(x)
    if rank < min_rank:
        raise OpfillError(f"{name}: needs a tensor of rank >= {min_rank} (got {rank})")
    return axis


@_symbolic("aten::hsplit.int", dynamo=())
def hsplit_int(self: Tensor, sections: int) -> Tensor:
    """hsplit.int(Tensor(a -> *) self, int sections) -> Tensor(a)[]

    ``sections`` equal Slices of dim 1 (dim 0 for 1-D), their size from the dynamic dim;
    a sequence. Exact.
    """
    axis = 1 if op.rank(self) > 1 else _split_axis(self, "hsplit", 1, 0)
    return _l6.split_sections(self, axis, sections, "hsplit")


@_symbolic("aten::hsplit.array", dynamo=())
def hsplit_array(self: Tensor, indices: Sequence[int]) -> Tensor:
    """hsplit.array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]

    Slices between the indices (Python slicing bounds, as eager's tensor_split). Exact.
    """
    axis = 1 if op.rank(self) > 1 else _split_axis(self, "hsplit", 1, 0)
    return _l6.split_indices(self, axis, indices)


@_symbolic("aten::vsplit.int", dynamo=())
def vsplit_int(self: Tensor, sections: int) -> Tensor:
    """vsplit.int(Tensor(a -> *) self, int sections) -> Tensor(a)[]

    ``sections`` equal Slices of dim 0 (rank >= 2). Exact.
    """
    return _l6.split_sections(self, _split_axis(self, "vsplit", 2, 0), sections, "vsplit")


@_symbolic("aten::vsplit.array", dynamo=())
def vsplit_array(self: Tensor, indices: Sequence[int]) -> Tensor:
    """vsplit.array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]

    Slices of dim 0 between the indices. Exact.
    """
    return _l6.split_indices(self, _split_axis(self, "vsplit", 2, 0), indices)


@_symbolic("aten::dsplit.int", dynamo=())
def dsplit_int(self: Tensor, sections: int) -> Tensor:
    """dsplit.int(Tensor(a -> *) self, int sections) -> Tensor(a)[]

    ``sections`` equal Slices of dim 2 (rank >= 3). Exact.
    """
    return _l6.split_sections(self, _split_axis(self, "dsplit", 3, 2), sections, "dsplit")


@_symbolic("aten::dsplit.array", dynamo=())
def dsplit_array(self: Tensor, indices: Sequence[int]) -> Tensor:
    """dsplit.array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]

    Slices of dim 2 between the indices. Exact.
    """
    return _l6.split_indices(self, _split_axis(self, "dsplit", 3, 2), indices)


@_symbolic("aten::take_along_dim", dynamo=())
def take_along_dim(self: Tensor, indices: Tensor, dim: Optional[int] = None) -> Tensor:
    """take_along_dim(Tensor self, Tensor indices, int? dim=None) -> Tensor

    dim=None: Gather from the flattened input. Else both broadcast against each other except
    along ``dim`` (Expand to shapes computed at run time), then GatherElements. Exact.
    Dynamo: with ``dim``, torch.export specializes the inputs' dims before the ONNX step
    (ATen's take_along_dim, CompositeImplicitAutograd, reads self.size(dim) as an int in
    _take_along_dim_helper); static shapes and dim=None export through torch's decomposition.
    """
    if dim is None:
        return op.Gather(_l6.flat(self), _l6.flat(indices), axis=0)
    rank = op.rank(self)
    if op.rank(indices) != rank:
        raise OpfillError("take_along_dim: input and indices must have the same number of dims")
    d = _order.wrap_dim(dim, rank)
    s, i = op.Shape(self), op.Shape(indices)
    one = op.const(1, torch.int64)
    both = op.Where(op.Equal(s, one), i, s)  # the broadcast shape (eager checks it is valid)
    at_dim = op.Equal(_order.arange(op.const(rank, torch.int64)), op.const(d, torch.int64))
    x = op.Expand(self, op.Where(at_dim, s, both))
    idx = op.Expand(indices, op.Where(at_dim, i, both))
    return op.GatherElements(x, idx, axis=d)


@_symbolic("aten::diagonal_copy", dynamo=())
def diagonal_copy(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """diagonal_copy(Tensor self, int offset=0, int dim1=0, int dim2=1) -> Tensor

    As linalg_diagonal (Gather, GatherElements). Exact.
    """
    return _l6.diagonal(self, offset, dim1, dim2, "diagonal_copy")


@_symbolic("aten::narrow_copy", dynamo=())
def narrow_copy(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    """narrow_copy(Tensor self, int dim, SymInt start, SymInt length) -> Tensor

    Slice [start, start + length) of ``dim``; a negative start counts from the dynamic end.
    Exact.
    """
    d = _order.wrap_dim(dim, op.rank(self))
    begin = op.const(start, torch.int64)
    if start < 0:
        begin = op.Add(_order.size(self, d), begin)
    begin = _l6.i1(begin)
    return op.Slice(self, begin, op.Add(begin, _order.ints([length])), _order.ints([d]))


@_symbolic("aten::unfold_copy", dynamo=())
def unfold_copy(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """unfold_copy(Tensor self, int dimension, int size, int step) -> Tensor

    Gather of the window index grid start * step + offset ([count, size], count from the
    dynamic dim), then the window dim Transpose-d to the end. Exact.
    """
    rank = op.rank(self)
    if rank == 0:
        raise OpfillError("unfold_copy: 0-D input is not supported")
    d = _order.wrap_dim(dimension, rank)
    n = _order.size(self, d)
    count = op.Add(op.Div(op.Sub(n, op.const(size, torch.int64)), op.const(step, torch.int64)),
                   op.const(1, torch.int64))
    starts = _order.unsqueeze(op.Mul(_order.arange(count), op.const(step, torch.int64)), [1])
    grid = op.Add(starts, _order.unsqueeze(_order.arange(op.const(size, torch.int64)), [0]))
    windows = op.Gather(self, grid, axis=d)  # [..., count, size, ...]
    perm = [i for i in range(rank + 1) if i != d + 1] + [d + 1]
    return _l6.transpose(windows, perm)


@_symbolic("aten::unbind_copy.int", dynamo=())
def unbind_copy(self: Tensor, dim: int = 0) -> Tensor:
    """unbind_copy.int(Tensor self, int dim=0) -> Tensor[]

    SplitToSequence into size-1 pieces with keepdims=0: as many as the dynamic dim. Exact.
    """
    d = _order.wrap_dim(dim, op.rank(self))
    return op.SplitToSequence(self, axis=d, keepdims=0)


@_symbolic("aten::split_with_sizes_copy", dynamo=())
def split_with_sizes_copy(self: Tensor, split_sizes: Sequence[int], dim: int = 0) -> Tensor:
    """split_with_sizes_copy(Tensor self, SymInt[] split_sizes, int dim=0) -> Tensor[]

    SplitToSequence with the (constant) sizes. Exact.
    """
    d = _order.wrap_dim(dim, op.rank(self))
    return op.SplitToSequence(self, _order.ints(list(split_sizes)), axis=d)


@_symbolic("aten::as_strided_copy", dynamo=())
def as_strided_copy(self: Tensor, size: Sequence[int], stride: Sequence[int],
                    storage_offset: Optional[int] = None) -> Tensor:
    """as_strided_copy(Tensor self, SymInt[] size, SymInt[] stride, SymInt? storage_offset=None) -> Tensor

    Gather from the flattened input at the view's constant element indices. Exact for a
    contiguous input (what functionalization produces); eager indexes a non-contiguous
    input's storage, which the graph does not have.
    """
    return op.Gather(_l6.flat(self), _l6.strided_index(size, stride, storage_offset), axis=0)


@_symbolic("aten::select_scatter", dynamo=())
def select_scatter(self: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """select_scatter(Tensor self, Tensor src, int dim, SymInt index) -> Tensor

    ScatterElements of src (unsqueezed at ``dim``) at ``index`` (negative: from the
    dynamic end). Exact.
    """
    d = _order.wrap_dim(dim, op.rank(self))
    at = op.const(index, torch.int64)
    if index < 0:
        at = op.Add(_order.size(self, d), at)
    src = _order.unsqueeze(src, [d])
    return op.ScatterElements(self, _l6.along_index(_l6.i1(at), d, src, op.rank(self)), src, axis=d)


@_symbolic("aten::slice_scatter", dynamo=())
def slice_scatter(self: Tensor, src: Tensor, dim: int = 0, start: Optional[int] = None, end: Optional[int] = None,
                  step: int = 1) -> Tensor:
    """slice_scatter(Tensor self, Tensor src, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor

    ScatterElements of src at start + i * step along ``dim`` (start clamped as Python
    slicing does, against the dynamic size). Exact.
    """
    d = _order.wrap_dim(dim, op.rank(self))
    n = _order.size(self, d)
    begin = op.const(start or 0, torch.int64)
    if start is not None and start < 0:
        begin = _l6.imax(op.Add(n, begin), op.const(0, torch.int64))
    begin = _l6.imin(begin, n)
    pos = op.Add(begin, op.Mul(_order.arange(_order.size(src, d)), op.const(step, torch.int64)))
    return op.ScatterElements(self, _l6.along_index(pos, d, src, op.rank(self)), src, axis=d)


@_symbolic("aten::diagonal_scatter")
def diagonal_scatter(self: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """diagonal_scatter(Tensor self, Tensor src, int offset=0, int dim1=0, int dim2=1) -> Tensor

    dims (dim1, dim2) moved last; Where on the diagonal mask between ``self`` and src
    gathered (from src padded with one zero) at each element's diagonal index. Exact.
    """
    rank = op.rank(self)
    d1, d2 = _l6.diag_dims(dim1, dim2, rank, "diagonal_scatter")
    xt, perm = _l6.move_to_end(self, d1, d2, rank)
    n1, n2 = _order.size(xt, rank - 2), _order.size(xt, rank - 1)
    out = _l6.embed_diagonal(src, xt, n1, n2, offset, rank - 1)
    return _l6.transpose(out, _l6.inverse(perm))


@_symbolic("aten::as_strided_scatter")
def as_strided_scatter(self: Tensor, src: Tensor, size: Sequence[int], stride: Sequence[int],
                       storage_offset: Optional[int] = None) -> Tensor:
    """as_strided_scatter(Tensor self, Tensor src, SymInt[] size, SymInt[] stride, SymInt? storage_offset=None) -> Tensor

    ScatterElements of the flattened src into the flattened input at the view's constant
    element indices (contiguous input, as functionalization gives; overlapping views are
    not defined in eager either).
    """
    idx = _l6.flat(_l6.strided_index(size, stride, storage_offset))
    out = op.ScatterElements(_l6.flat(self), idx, _l6.flat(src), axis=0)
    return _l6.reshape(out, op.Shape(self), op.rank(self))


# --- end group L6 ---


# --- group B6 (issue 6 BLAS-like, statistics, remaining scans/reductions/order statistics) ---
from collections.abc import Sequence  # noqa: E402
from typing import Optional  # noqa: E402

from opset_patches import _blas  # noqa: E402


@_symbolic("aten::masked_select", wraps_builtin=True)
def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """masked_select(Tensor self, Tensor mask) -> Tensor

    The opset-9 form again (Expand both ways, Compress): the dynamo exporter (which has none)
    dispatches here from opset 18. In front of torch's opset-11 TorchScript symbolic, which
    fails where self broadcasts against the mask (GatherND: invalid index): this one takes
    every call where the shapes may differ (ranks differ, or a size is dynamic or unequal).
    """
    if op.may_defer:
        a, b = op.sizes(self), op.sizes(mask)
        if len(a) == len(b) and all(x is not None and x == y for x, y in zip(a, b)):
            return NotImplemented
    return _blas.masked_select(self, mask)
def _b6_cdist(x1: Tensor, x2: Tensor, p: float, compute_mode: Optional[int], name: str) -> Tensor:
    dtype = op.dtype(x1)
    if dtype not in (torch.float32, torch.float64):
        raise OpfillError(f"{name}: eager supports float32 and float64 only")
    if p < 0:
        raise OpfillError(f"{name}: p must be non-negative")
    r1, r2 = op.rank(x1), op.rank(x2)
    rank = max(r1, r2) + 1
    diff = op.Sub(_order.unsqueeze(x1, [r1 - 1]), _order.unsqueeze(x2, [r2 - 2]))  # [..., P, R, M]
    direct = _blas.vector_norm(diff, float(p), [rank - 1], False, dtype, rank, distance="cdist")
    mode = 0 if compute_mode is None else int(compute_mode)
    if p != 2 or mode == 2:
        return direct
    mm = _b6_euclidean(x1, x2, dtype, r1, r2)
    if mode == 1:
        return mm
    # Eager takes the matrix-product form where either set holds more than 25 points.
    limit = op.const(25, _order.I64)
    big = op.Or(op.Greater(_order.size(x1, r1 - 2), limit), op.Greater(_order.size(x2, r2 - 2), limit))
    return op.Where(big, mm, direct)



def _b6_euclidean(x1: Tensor, x2: Tensor, dtype: torch.dtype, r1: int, r2: int) -> Tensor:
    """Eager's _euclidean_dist step for step: [-2 x1, |x1|^2, 1] @ [x2, 1, |x2|^2]^T, clamped at
    0 (NaN kept), square root."""
    n1 = _order.reduce("Sum", op.Mul(x1, x1), [r1 - 1], True)
    n2 = _order.reduce("Sum", op.Mul(x2, x2), [r2 - 1], True)
    one = _blas.const_rank(1.0, dtype, r1)
    a = op.Concat(op.Mul(x1, _blas.const_rank(-2.0, dtype, r1)), n1, op.Expand(one, op.Shape(n1)), axis=-1)
    b = op.Concat(x2, op.Expand(_blas.const_rank(1.0, dtype, r2), op.Shape(n2)), n2, axis=-1)
    perm = list(range(r2 - 2)) + [r2 - 1, r2 - 2]
    out = op.MatMul(a, _order.with_lists("Transpose", b, perm=perm))
    rank = max(r1, r2)
    zero = _blas.const_rank(0.0, dtype, rank)
    return op.Sqrt(op.Where(op.Less(out, zero), zero, out))


@_symbolic("aten::cdist", dynamo=("aten::_cdist_forward",), wraps_builtin=True)
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: Optional[int] = None) -> Tensor:
    """cdist(Tensor x1, Tensor x2, float p=2., int? compute_mode=None) -> Tensor

    Eager's two algorithms: the direct p-norm of x1[..., :, None, :] - x2[..., None, :, :]
    (_blas.vector_norm: p = 0, 1, 2, inf and any other p >= 0, with eager's NaN rules for
    p = 0 and inf), and for p = 2 its matrix-product
    form (_euclidean_dist: MatMul of padded operands, clamp at 0, Sqrt), taken as eager does:
    always for compute_mode 1, never for 2, and by default where either set holds more than 25
    points (Where on the runtime sizes, so both forms are computed). Batch dims broadcast.
    The dynamo exporter reaches aten::_cdist_forward (same arguments), which torchlib lacks.
    In front of torch's own TorchScript symbolic (opset 9), which is wrong for p != 2 (it
    adds pairwise_distance's eps) and ignores compute_mode 2 where sizes are dynamic: this one
    takes those calls, torch's keeps p = 2 (TORCH_OPFILL_OVERRIDE=aten::cdist for all).
    """
    if op.may_defer and p == 2 and compute_mode != 2:
        return NotImplemented
    return _b6_cdist(x1, x2, p, compute_mode, "cdist")


@_symbolic("aten::_pdist_forward", dynamo=("aten::_pdist_forward",))
def _pdist_forward(self: Tensor, p: float = 2.0) -> Tensor:
    """_pdist_forward(Tensor self, float p=2.) -> Tensor

    The direct p-norm of every pair of rows (i < j, row-major order, as eager): the [N, N]
    table of norms (O(N^2 M) memory), compressed by the mask j > i (Range, Compress).
    """
    return _b6_pdist(self, p)


@_symbolic("aten::pdist", dynamo=())
def pdist(self: Tensor, p: float = 2.0) -> Tensor:
    """pdist(Tensor self, float p=2.) -> Tensor

    _pdist_forward (which the dynamo exporter reaches).
    """
    return _b6_pdist(self, p)


def _b6_pdist(self: Tensor, p: float) -> Tensor:
    dtype = op.dtype(self)
    if dtype not in (torch.float32, torch.float64) or op.rank(self) != 2:
        raise OpfillError("pdist: expects a 2-D float32 or float64 tensor")
    if p < 0:
        raise OpfillError("pdist: p must be non-negative")
    diff = op.Sub(_order.unsqueeze(self, [1]), _order.unsqueeze(self, [0]))  # [N, N, M]
    table = _blas.vector_norm(diff, float(p), [2], False, dtype, 3, distance="pdist")
    idx = _order.arange(_order.size(self, 0))
    upper = op.Greater(_order.unsqueeze(idx, [0]), _order.unsqueeze(idx, [1]))
    flat = _order.ints([-1])
    return op.Compress(op.Reshape(table, flat), op.Reshape(upper, flat), axis=0)


def _b6_cumsum(x: Tensor, d: int, dtype: torch.dtype) -> Tensor:
    """CumSum in eager's CPU accumulation type (float32 in float64, float16 in float32)."""
    acc = {torch.float32: torch.float64, torch.float16: torch.float32,
           torch.bfloat16: torch.float32}.get(dtype, dtype)
    xa = op.cast(x, acc) if acc != dtype else x
    out = op.CumSum(xa, op.const(d, _order.I64))
    return op.cast(out, dtype) if acc != dtype else out


@_symbolic("aten::cumulative_trapezoid.dx", dynamo=())  # the dynamo decomposition exports
def cumulative_trapezoid_dx(y: Tensor, dx: float = 1, dim: int = -1) -> Tensor:
    """cumulative_trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor

    cumsum(dx / 2 * (y[:-1] + y[1:])) along dim, eager's formula (Slice, CumSum in eager's
    accumulation type); integers give float32.
    """
    dtype = op.dtype(y)
    if dtype == torch.bool:
        raise OpfillError("cumulative_trapezoid: bool inputs are not supported (eager rejects them)")
    d = _order.wrap_dim(dim, op.rank(y))
    floating = dtype in _order.FLOATS
    yw = y if floating else op.cast(y, torch.int64)
    pair = op.Add(_order.slice_axis(yw, d, 0, -1), _order.slice_axis(yw, d, 1, 2**63 - 1))
    out_dtype = dtype if floating else torch.float32
    work = _blas.work_dtype(out_dtype)
    pair = _blas.to_work(pair, dtype) if floating else op.cast(pair, work)
    if floating and work != dtype:
        pair = op.cast(op.cast(pair, dtype), work)
    terms = op.Mul(_blas.const_rank(float(dx) / 2.0, work, op.rank(y)), pair)
    if work != out_dtype:
        terms = op.cast(terms, out_dtype)
    return _b6_cumsum(terms, d, out_dtype)


@_symbolic("aten::cumulative_trapezoid.x", dynamo=())
def cumulative_trapezoid_x(y: Tensor, x: Tensor, dim: int = -1) -> Tensor:
    """cumulative_trapezoid.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor

    cumsum((y[:-1] + y[1:]) * diff(x)) / 2 along dim, eager's formula; x viewed as trapezoid.x.
    """
    terms, d, common, out_dtype = _blas.trapezoid_terms(y, x, dim)
    if common not in _order.FLOATS:
        total = op.cast(op.CumSum(terms, op.const(d, _order.I64)), torch.float32)
    else:
        total = _b6_cumsum(_blas.from_work(terms, common), d, common)
    work = _blas.work_dtype(out_dtype)
    out = op.Div(_blas.to_work(total, out_dtype), _blas.const_rank(2.0, work, max(op.rank(y), op.rank(x))))
    return _blas.from_work(out, out_dtype)


_B6_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _b6_lerp(start: Tensor, end: Tensor, weight: Tensor, dtype: torch.dtype, rank: int) -> Tensor:
    """Eager's vectorized lerp: fma(w, end - start, start) where |w| < 0.5, else
    fma(w - 1, end - start, end). float32 runs in float64, where the product is exact and
    the sum rounds once; float64 adds the product's rounding error back (Dekker's
    TwoProduct), so a result that cancels keeps the fused step's accuracy."""
    wide = torch.float64
    diff = op.Sub(end, start)
    if dtype != wide:
        start, end, weight, diff = (op.cast(t, wide) for t in (start, end, weight, diff))
    c = functools.partial(_blas.const_rank, dtype=wide, rank=rank)
    small = op.Less(op.Abs(weight), c(0.5))
    coeff = op.Where(small, weight, op.Sub(weight, c(1.0)))
    base = op.Where(small, start, end)
    prod = op.Mul(coeff, diff)
    out = op.Add(prod, base)
    if dtype == wide:
        def split(a: Tensor) -> tuple[Tensor, Tensor]:
            t = op.Mul(c(134217729.0), a)  # 2**27 + 1
            hi = op.Sub(t, op.Sub(t, a))
            return hi, op.Sub(a, hi)

        (ah, al), (bh, bl) = split(coeff), split(diff)
        err = op.Add(op.Sub(op.Mul(ah, bh), prod), op.Mul(ah, bl))
        err = op.Add(op.Add(err, op.Mul(al, bh)), op.Mul(al, bl))
        finite = op.Not(op.Or(op.IsNaN(err), op.IsInf(err)))  # the split overflows near the range's end
        out = op.Where(finite, op.Add(out, op.Where(finite, err, c(0.0))), out)
    return op.cast(out, dtype) if dtype != wide else out


def _b6_quantile(self: Tensor, q: Tensor | None, q_value: float | None, dim: Optional[int], keepdim: bool,
                 interpolation: str, ignore_nan: bool) -> Tensor:
    name = "nanquantile" if ignore_nan else "quantile"
    dtype = op.dtype(self)
    if dtype not in (torch.float32, torch.float64):
        raise OpfillError(f"{name}: the input must be float32 or float64 (as eager)")
    if interpolation not in _B6_MODES:
        raise OpfillError(f"{name}: interpolation must be one of {', '.join(_B6_MODES)}")
    rank = op.rank(self)
    if dim is None or rank == 0:
        x, d = op.Reshape(self, _order.ints([-1])), 0
    else:
        x, d = self, _order.wrap_dim(dim, rank)
    xr = max(rank, 1) if dim is not None else 1
    i64 = torch.int64
    perm = _order.stable_argsort(x, d, dtype)
    sorted_ = op.GatherElements(x, perm, axis=d)
    nan_count = _order.count(op.IsNaN(x), [d], True)  # x's shape, 1 along d
    n = _order.size(x, d)
    q_axis = q is not None and op.rank(q) == 1
    # The dtype ranks and weights are computed in: self's up to torch 2.13; from 2.14 eager
    # computes them in float64 (then rounds the weight to self's dtype for the lerp).
    rdt = torch.float64 if _blas.torch_at_least(2, 14) else dtype
    if q is None:
        qv = _blas.const_rank(float(torch.tensor(q_value, dtype=dtype)), rdt, xr)
    elif q_axis:  # its own leading axis
        qv = op.Reshape(q, _order.ints([-1] + [1] * xr))
    else:
        qv = q
    if q is not None and rdt != dtype:
        qv = op.cast(qv, rdt)
    if ignore_nan:
        last = op.cast(op.Sub(op.Sub(n, nan_count), op.const(1, i64)), rdt)
        ranks = op.Mul(qv, last)
        zero = _blas.const_rank(0.0, rdt, xr + q_axis)
        ranks = op.Where(op.Less(ranks, zero), zero, ranks)
    else:
        last = op.cast(op.Sub(n, op.const(1, i64)), rdt)
        ranks = op.Mul(qv, last)
        ranks = op.Where(op.Greater(nan_count, op.const(0, i64)), op.Expand(last, op.Shape(ranks)), ranks)
    if interpolation in ("lower", "higher", "nearest"):
        ranks = {"lower": op.Floor, "higher": op.Ceil, "nearest": op.Round}[interpolation](ranks)
    axis = d + int(q_axis)
    if q_axis:
        sorted_ = op.Expand(_order.unsqueeze(sorted_, [0]),
                            op.Concat(_order.slice_axis(op.Shape(qv), 0, 0, 1), op.Shape(sorted_), axis=0))
    # Indices need the data's shape except along the gathered axis.
    probe = op.GatherElements(sorted_, op.Expand(op.const(0, i64), op.Shape(ranks)), axis=axis)
    ranks = op.Expand(ranks, op.Shape(probe))
    below = op.Cast(ranks, to=7)
    out = op.GatherElements(sorted_, below, axis=axis)
    if interpolation in ("linear", "midpoint"):
        if interpolation == "midpoint":
            weights = op.Expand(_blas.const_rank(0.5, dtype, xr + q_axis), op.Shape(ranks))
        else:
            weights = op.Sub(ranks, op.cast(below, rdt))
            weights = op.cast(weights, dtype) if rdt != dtype else weights
        above = op.GatherElements(sorted_, op.Cast(op.Ceil(ranks), to=7), axis=axis)
        out = _b6_lerp(out, above, weights, dtype, xr + q_axis)
    if dim is None:
        if keepdim:
            lead = [op.Shape(q)] if q_axis else []
            ones = _order.ints([1] * rank)
            return op.Reshape(out, op.Concat(*lead, ones, axis=0) if lead else ones)
        return _order.squeeze(out, [axis])
    if rank == 0 or not keepdim:
        return _order.squeeze(out, [axis])
    return out


@_symbolic("aten::quantile", dynamo=())  # the dynamo decomposition (sort, gather, lerp) exports
def quantile(self: Tensor, q: Tensor, dim: Optional[int] = None, keepdim: bool = False, interpolation: str = "linear") -> Tensor:
    """quantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation="linear") -> Tensor

    Eager's algorithm: stable sort with NaNs last (_order.stable_argsort), ranks q * (n - 1)
    (n - 1 where the slice holds NaN, so the result is NaN), adjusted per interpolation (Floor,
    Ceil, Round half to even), values gathered below/above and blended by eager's lerp
    (fused multiply-add emulated in float64 for float32). A 1-D q gives a leading axis.
    torch >= 2.14 computes the ranks and weights of a float32 input in float64 (the weight
    rounded to float32 for the lerp), torch <= 2.13 in float32: the export follows the torch
    it runs on (measured 0 ULP against both).
    Eager's checks on q's range are not replicated.
    """
    return _b6_quantile(self, q, None, dim, bool(keepdim), interpolation, ignore_nan=False)


@_symbolic("aten::quantile.scalar", dynamo=())
def quantile_scalar(self: Tensor, q: float, dim: Optional[int] = None, keepdim: bool = False,
                    interpolation: str = "linear") -> Tensor:
    """quantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation="linear") -> Tensor

    As quantile, q rounded to self's dtype first (as eager).
    """
    return _b6_quantile(self, None, q, dim, bool(keepdim), interpolation, ignore_nan=False)


@_symbolic("aten::nanquantile", dynamo=())
def nanquantile(self: Tensor, q: Tensor, dim: Optional[int] = None, keepdim: bool = False,
                interpolation: str = "linear") -> Tensor:
    """nanquantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation="linear") -> Tensor

    As quantile over each slice's non-NaN values: ranks q * (count - 1), clamped at 0, so an
    all-NaN slice gives NaN.
    """
    return _b6_quantile(self, q, None, dim, bool(keepdim), interpolation, ignore_nan=True)


@_symbolic("aten::nanquantile.scalar", dynamo=())
def nanquantile_scalar(self: Tensor, q: float, dim: Optional[int] = None, keepdim: bool = False,
                       interpolation: str = "linear") -> Tensor:
    """nanquantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation="linear") -> Tensor

    As nanquantile, q rounded to self's dtype first.
    """
    return _b6_quantile(self, None, q, dim, bool(keepdim), interpolation, ignore_nan=True)


_blas.fix_unique_consecutive_fake()  # torch.export's shape for a negative dim (see there)


@_symbolic("aten::unique_consecutive")
def unique_consecutive(self: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: Optional[int] = None) -> tuple[Tensor, Tensor, Tensor]:
    """unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False, int? dim=None) -> (Tensor, Tensor, Tensor)

    A run starts where an element (or, with ``dim``, a slice along it) differs from the one
    before (Equal of the shifted tensor; NaN != NaN, so each NaN is its own run, as eager);
    the first element of each run is kept (Compress), the inverse is CumSum of the run starts
    minus 1, the counts are differences of the starts (NonZero). Outputs not asked for are
    empty int64 tensors, as eager. torchlib's own (dynamo) version rejects float inputs; an
    override (TORCH_OPFILL_OVERRIDE=aten::unique_consecutive) installs this one there.
    Dynamo with a negative ``dim``: torch's fake kernel for unique_consecutive does not wrap
    dim, so torch.export would record values of rank 2 * rank and the model declare that
    shape (onnx.checker rejects it); the pack wraps dim there (_blas.fix_unique_consecutive_fake).
    """
    dtype = op.dtype(self)
    i64 = torch.int64
    rank = op.rank(self)
    if dim is None or rank == 0:
        # To [numel], not [-1] (nor Flatten, which onnxscript's optimizer turns into that):
        # ONNX shape inference rejects -1 for an input with a dim known to be 0.
        x, d = _l6.reshape(self, _order.unsqueeze(op.Size(self), [0]), 1), 0
        key, _ = _order.order_key(x, dtype)
        prev = op.Concat(_order.slice_axis(key, 0, 0, 1), _order.slice_axis(key, 0, 0, -1), axis=0)
        changed = op.Not(op.Equal(key, prev))
    else:
        d = _order.wrap_dim(dim, rank)
        x = self
        perm = [d] + [a for a in range(rank) if a != d]
        xt = _order.with_lists("Transpose", self, perm=perm) if d != 0 else self
        key, _ = _order.order_key(xt, dtype)  # dim first; no Flatten (see above)
        prev = op.Concat(_order.slice_axis(key, 0, 0, 1), _order.slice_axis(key, 0, 0, -1), axis=0)
        differ = op.Not(op.Equal(key, prev))
        rest = list(range(1, rank))
        changed = op.Greater(_order.count(differ, rest, False), op.const(0, i64)) if rest else differ
    n = _order.size(x, d)
    new = op.Or(changed, op.Equal(_order.arange(n), op.const(0, i64)))
    values = op.Compress(x, new, axis=d)
    empty = op.const([], i64)
    inverse = counts = empty
    if return_inverse:
        inverse = op.Sub(op.CumSum(op.cast(new, i64), op.const(0, i64)), op.const(1, i64))
        if dim is None:
            # A 0-d input's shape as a constant: TorchScript's shape inference types a Reshape
            # to Shape() of a 0-d value as 1-d, which onnx.checker's full check rejects.
            inverse = op.Reshape(inverse, op.const([], i64) if rank == 0 else op.Shape(self))
    if return_counts:
        starts = _order.squeeze(op.NonZero(new), [0])
        ends = op.Concat(_order.slice_axis(starts, 0, 1, 2**63 - 1), op.Reshape(n, _order.ints([1])), axis=0)
        counts = op.Sub(ends, starts)
    return values, inverse, counts


def _b6_linspace(lo: Tensor, hi: Tensor, steps: int, dtype: torch.dtype) -> Tensor:
    """Eager's CPU linspace from [1] tensors lo, hi of ``dtype``: fma(step, i, start) for the
    first half, fma(-step, steps - 1 - i, end) for the rest, step = (end - start) / (steps - 1)
    in ``dtype``. float32's fused steps run in float64 (exact product, one rounding); float64
    rounds the product separately (1 ULP apart at most)."""
    step = op.Div(op.Sub(hi, lo), op.const([float(max(steps - 1, 1))], dtype))
    wide = torch.float64
    if dtype != wide:
        lo, hi, step = op.cast(lo, wide), op.cast(hi, wide), op.cast(step, wide)
    i = op.const([float(k) for k in range(steps)], wide)
    back = op.const([float(steps - 1 - k) for k in range(steps)], wide)
    first = op.const([k < steps // 2 for k in range(steps)], torch.bool)
    out = op.Where(first, op.Add(lo, op.Mul(step, i)), op.Sub(hi, op.Mul(step, back)))
    return op.cast(out, dtype) if dtype != wide else out


_blas.register_histogram_fake()  # torch.export then traces histogram with dynamic shapes


@_symbolic("aten::histogram.bin_ct")
def histogram(self: Tensor, bins: int = 100, range: Optional[Sequence[float]] = None,  # noqa: A002
              weight: Optional[Tensor] = None, density: bool = False) -> tuple[Tensor, Tensor]:
    """histogram.bin_ct(Tensor self, int bins=100, *, float[]? range=None, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor bin_edges)

    Eager's histogramdd for one dim, step for step: outer edges from ``range`` or the data's
    extrema (in double, widened by 0.5 each way where equal), edges by eager's linspace,
    bin = trunc((x - lo) * bins / (hi - lo)) corrected by the local search against the edges
    (eager's LINEAR_INTERPOLATION_WITH_LOCAL_SEARCH), x == hi in the last bin, elements
    outside [lo, hi] and NaN dropped; weighted counts summed in float64 (one-hot ReduceSum,
    O(numel * bins) memory); density divides by the total, then by the bin widths. Eager
    raises on non-finite data when ``range`` is None; this gives NaN edges there.
    Dynamo: torch lacks a fake kernel for histogram (torch.export fails on dynamic shapes);
    the pack registers one (_blas.register_histogram_fake: output sizes bins, bins + 1).
    """
    dtype = op.dtype(self)
    if dtype not in (torch.float32, torch.float64):
        raise OpfillError("histogram: eager supports float32 and float64 only")
    if bins <= 0:
        raise OpfillError("histogram: bins must be > 0")
    f64 = torch.float64
    x = op.Reshape(self, _order.ints([-1]))
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = op.const(torch.linspace(lo, hi, bins + 1, dtype=dtype).tolist(), dtype)
    else:
        # Extrema of an empty input: eager's default range [0, 1].
        padded = op.Concat(x, op.const([0.0], dtype), axis=0)
        empty = op.Equal(_order.size(x, 0), op.const(0, torch.int64))
        lo64 = op.cast(op.Where(empty, op.const([0.0], dtype), _order.reduce("Min", padded, [0], True)), f64)
        hi64 = op.cast(op.Where(empty, op.const([1.0], dtype), _order.reduce("Max", padded, [0], True)), f64)
        same = op.Equal(lo64, hi64)
        half = op.const([0.5], f64)
        lo64 = op.Where(same, op.Sub(lo64, half), lo64)
        hi64 = op.Where(same, op.Add(hi64, half), hi64)
        edges = _b6_linspace(op.cast(lo64, dtype), op.cast(hi64, dtype), bins + 1, dtype)
    lo_e = _order.slice_axis(edges, 0, 0, 1)
    hi_e = _order.slice_axis(edges, 0, bins, bins + 1)
    i64 = torch.int64
    inside = op.And(op.Not(op.Less(x, lo_e)), op.Not(op.Greater(x, hi_e)))  # False for NaN
    safe = op.Where(inside, x, lo_e)
    scaled = op.Mul(op.Sub(safe, lo_e), op.const([float(bins)], dtype))
    pos = op.Cast(op.Div(scaled, op.Sub(hi_e, lo_e)), to=7)  # truncation, as static_cast<int64_t>
    # Local search: upper_bound of x among edges[max(pos - 1, 0) : min(pos + 2, bins + 1)], minus 1.
    pos_min = op.Where(op.Greater(pos, op.const(0, i64)), op.Sub(pos, op.const(1, i64)), op.const(0, i64))
    padded_edges = op.Concat(edges, op.const([float("inf")] * 3, dtype), axis=0)
    found = op.const(0, i64)
    for k in (0, 1, 2):
        at = op.Add(pos_min, op.const(k, i64))
        in_window = op.Less(at, op.Add(pos, op.const(2, i64)))
        hit = op.And(in_window, op.Not(op.Greater(op.Gather(padded_edges, at, axis=0), safe)))
        found = op.Add(found, op.cast(hit, i64))
    pos = op.Sub(op.Add(pos_min, found), op.const(1, i64))
    pos = op.Where(op.Equal(pos, op.const(bins, i64)), op.const(bins - 1, i64), pos)
    pos = op.Where(inside, pos, op.const(-1, i64))
    hits = op.Equal(_order.unsqueeze(pos, [1]), _order.arange(op.const(bins, i64)))  # [numel, bins]
    if weight is None:
        w = op.const([[1.0]], f64)
    else:
        w = _order.unsqueeze(op.cast(op.Reshape(weight, _order.ints([-1])), f64), [1])
    hist = _order.reduce("Sum", op.Where(hits, op.Expand(w, op.Shape(hits)), op.const(0.0, f64)), [0], False)
    hist = op.cast(hist, dtype)
    if density:
        hist = op.Div(hist, _order.reduce("Sum", hist, None, True))
        widths = op.Sub(_order.slice_axis(edges, 0, 1, bins + 1), _order.slice_axis(edges, 0, 0, bins))
        hist = op.Div(hist, widths)
    return hist, edges


# --- end group B6 ---


# --- group FT (issue 7 FFT) ---
from collections.abc import Sequence as _FTSequence  # noqa: E402
from typing import Optional as _FTOptional  # noqa: E402

from opset_patches import _fft as _ft  # noqa: E402


# dynamo=(): torch's decomposition (aten::roll) exports for static sizes; where a size is dynamic
# torchlib's roll fails (its shift is a SymInt), but a pack function for fftshift would take the
# complex spectra it mostly shifts away from torchlib's complex path (no complex registration yet).
@_symbolic("aten::fft_fftshift", dynamo=())
def fft_fftshift(self: Tensor, dim: _FTOptional[_FTSequence[int]] = None) -> Tensor:
    """fft_fftshift(Tensor self, int[1]? dim=None) -> Tensor

    roll by n // 2 along each dim (default all): Concat(x[ceil(n/2):], x[:ceil(n/2)]) with
    Slice-10 (sizes static or read from Shape). Any dtype; a complex value (carried as a real
    [..., 2] tensor) is shifted on its own dims. Exact. TensorRT: Slice and Concat, parsable.
    """
    return _ft.shift(self, dim, inverse=False)


@_symbolic("aten::fft_ifftshift", dynamo=())
def fft_ifftshift(self: Tensor, dim: _FTOptional[_FTSequence[int]] = None) -> Tensor:
    """fft_ifftshift(Tensor self, int[1]? dim=None) -> Tensor

    roll by -(n // 2) along each dim (default all): Concat(x[n//2:], x[:n//2]). As
    fft_fftshift otherwise: exact, TensorRT-parsable.
    """
    return _ft.shift(self, dim, inverse=True)
# --- end group FT ---
