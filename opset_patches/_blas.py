"""Building blocks of group B6 (BLAS-like ops, norms and distances, statistics).

float16 runs in float32 (``work_dtype``), rounded once at the end where eager's CPU kernel
accumulates in float, or after each step (``round_steps``) where eager rounds every step;
every shape is read from the graph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from opset_patches import _order
from torch_opfill import OpfillError, Tensor, op


def work_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype a composition over ``dtype`` runs in (float16/bfloat16 in float32)."""
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


def to_work(x: Tensor, dtype: torch.dtype) -> Tensor:
    work = work_dtype(dtype)
    return op.cast(x, work) if work != dtype else x


def from_work(x: Tensor, dtype: torch.dtype) -> Tensor:
    return op.cast(x, dtype) if work_dtype(dtype) != dtype else x


def scaled(x: Tensor, factor: float, dtype: torch.dtype) -> Tensor:
    """``factor * x``; no node for 1 (eager skips the multiplication too). The factor is a
    [1] constant: the TorchScript exporter's scalar type analysis would compute a product
    with a 0-d constant in float32 where it does not know x's dtype (a MatMul output)."""
    return x if factor == 1 else op.Mul(op.const([factor], dtype), x)


def check_scalars(name: str, dtype: torch.dtype, **scalars: float) -> None:
    if dtype.is_floating_point:
        return
    for key, value in scalars.items():
        if isinstance(value, float) and not value.is_integer():
            raise OpfillError(f"{name}: for integral inputs, {key} must not be a floating point number")


def beta_self_plus(self: Tensor, product: Tensor, beta: float, alpha: float, dtype: torch.dtype) -> Tensor:
    """``beta * self + alpha * product`` (work dtype); beta == 0 ignores self (NaN included),
    as eager, but still broadcasts the result to self's shape."""
    out = scaled(product, alpha, work_dtype(dtype))
    s = to_work(self, dtype)
    if beta == 0:
        return op.Expand(out, op.Shape(s))  # Expand broadcasts both ways
    return op.Add(scaled(s, beta, work_dtype(dtype)), out)


def const_rank(value: float, dtype: torch.dtype, rank: int) -> Tensor:
    """A constant of shape (1,) * rank: the TorchScript exporter's scalar type analysis
    computes an op with a 0-d constant in float32 where it does not know the other
    operand's dtype (MatMul and reduction outputs, say)."""
    for _ in range(rank):
        value = [value]
    return op.const(value, dtype)


def vector_norm(x: Tensor, p: float, axes: Sequence[int] | None, keepdims: bool, dtype: torch.dtype,
                rank: int, distance: str = "") -> Tensor:
    """linalg.vector_norm of a float ``x`` (of ``dtype`` and ``rank``, which the dynamo
    exporter does not record for intermediates) over ``axes`` (None: all), as eager defines
    it: p = 0 counts nonzeros (NaN counts), +-inf the max/min of |x| (NaN propagates), 1 a
    sum of |x|, 2 the square root of a sum of squares, otherwise (sum |x|^p)^(1/p).

    ``distance`` = "cdist"/"pdist": those kernels' NaN rules instead: p = 0 gives NaN where a
    difference is NaN (both); p = inf skips NaN differences in cdist (its std::max keeps the
    running maximum, from 0) and propagates them in pdist."""
    a = op.Abs(x)
    nan_value = const_rank(float("nan"), dtype, rank)
    if p == 0:
        nonzero = op.cast(op.Not(op.equal(x, const_rank(0, dtype, rank))), dtype)
        if distance:
            nonzero = op.Where(op.IsNaN(x), nan_value, nonzero)
        out = _order.reduce("Sum", nonzero, axes, True)
    elif math.isinf(p) and distance == "cdist":
        zero = const_rank(0, dtype, rank)
        out = _order.reduce("Max", op.Where(op.IsNaN(a), zero, a), axes, True)
    elif math.isinf(p):
        out = _order.reduce("Max" if p > 0 else "Min", a, axes, True)
        nan = _order.reduce("Max", op.cast(op.IsNaN(x), dtype), axes, True)
        out = op.Where(op.Greater(nan, const_rank(0, dtype, rank)), nan_value, out)
    elif p == 1:
        out = _order.reduce("Sum", a, axes, True)
    elif p == 2:
        out = op.Sqrt(_order.reduce("Sum", op.Mul(x, x), axes, True))
    else:
        total = _order.reduce("Sum", op.Pow(a, const_rank(p, dtype, rank)), axes, True)
        out = op.Pow(total, const_rank(1.0 / p, dtype, rank))
    if keepdims:
        return out
    return _order.squeeze(out, list(range(rank)) if axes is None else list(axes))


def matmul(a: Tensor, b: Tensor, dtype: torch.dtype) -> Tensor:
    """MatMul in the work dtype (onnxruntime has no float16 MatMul on every provider)."""
    return op.MatMul(to_work(a, dtype), to_work(b, dtype))


def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """self and mask broadcast to a common shape (Expand broadcasts both ways), flattened,
    then Compress by the mask: a 1-D result of data-dependent length in row-major order."""
    x = op.Expand(self, op.Shape(mask))
    m = op.Expand(mask, op.Shape(x))
    flat = _order.ints([-1])
    return op.Compress(op.Reshape(x, flat), op.Reshape(m, flat), axis=0)


def round_steps(dtype: torch.dtype):
    """Rounds a work-dtype value to ``dtype`` and back (eager rounds each float16 step)."""
    if work_dtype(dtype) == dtype:
        return lambda t: t
    return lambda t: op.cast(op.cast(t, dtype), torch.float32)


def x_along(x: Tensor, y_rank: int, d: int) -> Tensor:
    """x viewed as eager does: 1-D along dim d of y, fewer dims padded with leading 1s."""
    rx = op.rank(x)
    if rx == 1:
        return _order.unsqueeze(x, [a for a in range(y_rank) if a != d])
    if rx < y_rank:
        return _order.unsqueeze(x, list(range(y_rank - rx)))
    return x


def trapezoid_terms(y: Tensor, x: Tensor, dim: int) -> tuple[Tensor, int, torch.dtype, torch.dtype]:
    """(left + right) * dx along dim in the promoted dtype (work dtype), dim, its dtype and eager's."""
    ydt, xdt = op.dtype(y), op.dtype(x)
    if torch.bool in (ydt, xdt):
        raise OpfillError("trapezoid: bool inputs are not supported (eager rejects them)")
    rank = op.rank(y)
    d = _order.wrap_dim(dim, rank)
    xv = x_along(x, rank, d)
    common = torch.promote_types(ydt, xdt)
    r = round_steps(common)
    yw = to_work(op.cast(y, common) if ydt != common else y, common)
    xw = to_work(op.cast(xv, common) if xdt != common else xv, common)
    end = 2**63 - 1
    dx = r(op.Sub(_order.slice_axis(xw, d, 1, end), _order.slice_axis(xw, d, 0, -1)))
    pair = r(op.Add(_order.slice_axis(yw, d, 0, -1), _order.slice_axis(yw, d, 1, end)))
    return r(op.Mul(pair, dx)), d, common, (common if common in _order.FLOATS else torch.float32)
