"""Pack ops whose ONNX form needs opset 18."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=18)


# --- group L6 ---
# Scatter reductions: ScatterElements with max/min (opset 18); NaN, include_self=False and
# mean handled in opset_patches/_layout.scatter_reduce.
from typing import Optional  # noqa: E402

import torch  # noqa: E402

from opset_patches import _layout as _l6  # noqa: E402
from opset_patches import _order as _l6_order  # noqa: E402
from torch_opfill import OpfillError  # noqa: E402


@_symbolic("aten::index_reduce")
def index_reduce(self: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str,
                 include_self: bool = True) -> Tensor:
    """index_reduce(Tensor self, int dim, Tensor index, Tensor source, str reduce, *, bool include_self=True) -> Tensor

    ``index`` along ``dim`` expanded to source's shape, then ScatterElements reductions
    (prod: mul, amax/amin: max/min with NaN propagated, mean: add and a count; integer
    mean floor-divides, as eager). include_self=False first sets each indexed slot to the
    reduction's identity. Reductions run in index order, as eager's loop: exact.
    """
    rank = op.rank(self)
    if rank == 0 or reduce not in ("prod", "mean", "amax", "amin"):
        raise OpfillError(f"index_reduce: reduce={reduce!r} on a rank-{rank} input is not supported")
    d = _l6_order.wrap_dim(dim, rank)
    idx = _l6.along_index(index, d, source, rank)
    return _l6.scatter_reduce(self, idx, source, d, reduce, include_self, "index_reduce")


@_symbolic("aten::scatter_reduce.two")
def scatter_reduce(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str,
                   include_self: bool = True) -> Tensor:
    """scatter_reduce.two(Tensor self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) -> Tensor

    src cut to index's shape (Slice), then as index_reduce (sum: add). Fills what torch's
    own mappings lack: include_self=False, reduce="mean", NaN in amax/amin. Exact.
    """
    rank = op.rank(self)
    if rank == 0:
        raise OpfillError("scatter_reduce: 0-D input is not supported")
    d = _l6_order.wrap_dim(dim, rank)
    src = op.Slice(src, _l6_order.ints([0] * rank), op.Shape(index), _l6_order.ints(list(range(rank))))
    return _l6.scatter_reduce(self, index, src, d, reduce, include_self, "scatter_reduce")


_SEGMENT_INIT = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "max": float("-inf"), "min": float("inf")}
_SEGMENT_REDUCTION = {"sum": "add", "mean": "add", "prod": "mul", "max": "max", "min": "min"}


@_symbolic("aten::segment_reduce")
def segment_reduce(data: Tensor, reduce: str, lengths: Optional[Tensor] = None, indices: Optional[Tensor] = None,
                   offsets: Optional[Tensor] = None, axis: int = 0, unsafe: bool = False,
                   initial: Optional[float] = None) -> Tensor:
    """segment_reduce(Tensor data, str reduce, *, Tensor? lengths=None, Tensor? indices=None, Tensor? offsets=None, int axis=0, bool unsafe=False, Scalar? initial=None) -> Tensor

    1-D ``lengths`` (or ``offsets``): each element's segment is the number of segment ends
    at or before it; ScatterElements reduces the data into a tensor filled with ``initial``
    (default: the reduction's identity), in data order as eager's loop; max/min propagate
    NaN; mean divides by the length (an empty segment: ``initial``, else NaN). Exact.
    """
    if reduce not in _SEGMENT_REDUCTION:
        raise OpfillError(f"segment_reduce: reduce={reduce!r} is not supported")
    if indices is not None:
        raise OpfillError("segment_reduce: indices= is not supported; pass lengths or offsets")
    if lengths is None:
        if offsets is None:
            raise OpfillError("segment_reduce: needs lengths or offsets")
        if op.rank(offsets) != 1:
            raise OpfillError("segment_reduce: only 1-D offsets are supported")
        lengths = op.Sub(_l6_order.slice_axis(offsets, 0, 1, 2**62), _l6_order.slice_axis(offsets, 0, 0, -1))
    elif op.rank(lengths) != 1:
        raise OpfillError("segment_reduce: only 1-D lengths are supported")
    rank = op.rank(data)
    dtype = op.dtype(data)
    a = _l6_order.wrap_dim(axis, rank)
    lengths = op.cast(lengths, torch.int64)
    ends = op.CumSum(lengths, _l6.c64(0))
    j = _l6_order.arange(_l6_order.size(data, a))
    past = op.Not(op.Less(_l6_order.unsqueeze(j, [1]), _l6_order.unsqueeze(ends, [0])))  # [n, S]
    seg = _l6_order.count(past, [1], False)
    idx = _l6.along_index(seg, a, data, rank)
    dims = op.Shape(data)
    at_axis = op.Equal(_l6_order.arange(_l6.c64(rank)), _l6.c64(a))
    out_shape = op.Where(at_axis, _l6.i1(_l6_order.size(lengths, 0)), dims)
    init = _SEGMENT_INIT[reduce] if initial is None else float(initial)
    base = op.Expand(op.const(init, dtype), out_shape)
    out = op.ScatterElements(base, idx, data, axis=a, reduction=_SEGMENT_REDUCTION[reduce])
    if reduce in ("max", "min"):
        nan = op.cast(op.IsNaN(data), torch.float32)
        zeros = op.Expand(op.const(0.0, torch.float32), out_shape)
        seen = op.ScatterElements(zeros, idx, nan, axis=a, reduction="max")
        out = op.Where(op.Greater(seen, op.const(0.0, torch.float32)), op.const(float("nan"), dtype), out)
    elif reduce == "mean":
        count = _l6_order.along(lengths, a, rank)
        mean = op.Div(out, op.cast(count, dtype))
        if initial is not None:
            mean = op.Where(op.Equal(count, _l6.c64(0)), op.const(float(initial), dtype), mean)
        out = mean
    return out


# --- end group L6 ---


# --- group LS (issue 7 linear algebra: eigh, SVD and what derives from them) ---
# torch's TorchScript exporter has linalg_matrix_norm at opset 18 too: the opset-9 forms again
# here, so that an override (which installs only at the pack's own opsets) is not shadowed
# by torch's opset-18 symbolic at opsets 18-20.
from typing import Optional as _LSOptional18  # noqa: E402
from collections.abc import Sequence as _LSSequence18  # noqa: E402

from opset_patches import symbolic_opset9 as _ls_opset9  # noqa: E402


@_symbolic("aten::linalg_matrix_norm", dynamo=(), wraps_builtin=True)
def linalg_matrix_norm(self: Tensor, ord: float, dim: _LSSequence18[int] = (-2, -1), keepdim: bool = False,
                       dtype: _LSOptional18[int] = None) -> Tensor:
    """linalg_matrix_norm(Tensor self, Scalar ord, int[] dim=[-2, -1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    As at opset 9 (ord 2 / -2 from the Jacobi SVD; the rest to torch's symbolic). TensorRT: deployable.
    """
    return _ls_opset9.linalg_matrix_norm(self, ord, dim, keepdim, dtype)


@_symbolic("aten::linalg_matrix_norm.str_ord", dynamo=(), wraps_builtin=True)
def linalg_matrix_norm_str_ord(self: Tensor, ord: str = "fro", dim: _LSSequence18[int] = (-2, -1),
                               keepdim: bool = False, dtype: _LSOptional18[int] = None) -> Tensor:
    """linalg_matrix_norm.str_ord(Tensor self, str ord="fro", int[] dim=[-2, -1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    As at opset 9 ('nuc' from the Jacobi SVD; 'fro' to torch's symbolic). TensorRT: deployable.
    """
    return _ls_opset9.linalg_matrix_norm_str_ord(self, ord, dim, keepdim, dtype)
# --- end group LS ---
