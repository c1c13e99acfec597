"""Helpers of group N7 (losses, normalization, pooling, resampling), opset-9 operators only.

Losses follow eager's CPU kernels term by term. float16 is evaluated in float32 with the
result of every step eager rounds rounded back to float16 (``Num.r``), so values agree to the
bit where eager's steps do; reductions accumulate in the compute dtype as eager's do.
"""

from __future__ import annotations

import torch

from opset_patches import _order
from torch_opfill import OpfillError, Tensor, op

I64 = torch.int64
HALF = (torch.float16, torch.bfloat16)
# at::Reduction: None, Mean, Sum.
NONE, MEAN, SUM = 0, 1, 2


class Num:
    """Arithmetic in the compute dtype of an op whose result has dtype ``out``."""

    def __init__(self, out: torch.dtype) -> None:
        self.out = out
        self.dt = torch.float32 if out in HALF else out

    def c(self, value: float) -> Tensor:
        return op.const(value, self.dt)

    def input(self, x: Tensor) -> Tensor:
        return x if op.dtype(x) == self.dt else op.cast(x, self.dt)

    def r(self, x: Tensor) -> Tensor:
        """Round to the result dtype where eager rounds an intermediate (float16 only)."""
        if self.out in HALF:
            return op.cast(op.cast(x, self.out), self.dt)
        return x

    def result(self, x: Tensor) -> Tensor:
        return op.cast(x, self.out) if self.out != self.dt else x


def float_dtype(*xs: Tensor) -> torch.dtype:
    """The promoted dtype of float-valued losses: ints promote to float32, as eager."""
    dt = op.dtype(xs[0])
    for x in xs[1:]:
        dt = torch.promote_types(dt, op.dtype(x))
    return dt if dt in _order.FLOATS else torch.float32


def clamp_min0(z: Tensor, num: Num) -> Tensor:
    """``clamp_min(z, 0)`` keeping nan (onnxruntime's Max drops it on some paths)."""
    zero = num.c(0.0)
    return op.Where(op.Less(z, zero), zero, z)


def minimum(a: Tensor, b: Tensor) -> Tensor:
    """``torch.minimum``: nan from either side."""
    return op.Where(op.Or(op.IsNaN(a), op.Less(a, b)), a, b)


def reduce_loss(loss: Tensor, reduction: int, num: Num) -> Tensor:
    """at::apply_loss_reduction on a loss in ``num``'s compute dtype; returns the result dtype.

    Sums accumulate in the compute dtype, as eager's (float32 for float16), so they overflow
    where eager's do; the mean of nothing is nan, as eager.
    """
    if reduction == NONE:
        return num.result(loss)
    if reduction not in (MEAN, SUM):
        raise OpfillError(f"loss reduction {reduction}: expected 0 (none), 1 (mean) or 2 (sum)")
    acc = num.dt
    x = loss
    # Reduced as 1-D and made 0-d last: the TorchScript exporter's scalar type analysis
    # would run arithmetic on 0-d operands in float32.
    x = op.Reshape(x, _order.ints([-1]))
    total = op.ReduceSum(x, keepdims=1)
    if reduction == MEAN:
        total = op.Div(total, op.cast(op.Reshape(op.Size(x), _order.ints([1])), acc))
    return num.result(op.Reshape(total, _order.ints([])))


def arange(n: Tensor) -> Tensor:
    """0, 1, ..., n - 1 (int64) for a rank-0 int64 ``n`` at any opset (NonZero below Range's 11)."""
    if op.opset >= 11:
        return _order.arange(n)
    ones = op.Expand(op.const([1], I64), op.Reshape(n, _order.ints([1])))
    return op.Reshape(op.NonZero(ones), _order.ints([-1]))


def norm(x: Tensor, p: float, axis: int, num: Num) -> Tensor:
    """``at::norm(x, p, axis)`` (keepdim False) in the compute dtype, as eager's kernel:
    p = 0 counts nonzeros, 1 sums |x|, 2 is sqrt of the sum of squares, inf/-inf max/min |x|."""
    a = op.Abs(x)
    if p == 0:
        nz = op.cast(op.Not(_eq0(x, num)), num.dt)
        return _order.reduce("Sum", nz, [axis], False)
    if p == float("inf"):
        return _order.reduce("Max", a, [axis], False)
    if p == float("-inf"):
        return _order.reduce("Min", a, [axis], False)
    if p == 1:
        return _order.reduce("Sum", a, [axis], False)
    if p == 2:
        return op.Sqrt(_order.reduce("Sum", op.Mul(x, x), [axis], False))
    return op.Pow(_order.reduce("Sum", op.Pow(a, num.c(float(p))), [axis], False), num.c(1.0 / p))


def _eq0(x: Tensor, num: Num) -> Tensor:
    zero = num.c(0.0)
    return op.Not(op.Or(op.Less(x, zero), op.Or(op.Greater(x, zero), op.IsNaN(x))))

