"""Helpers of group N7 (losses, normalization, pooling, resampling), opset-9 operators only.

Losses follow eager's CPU kernels term by term. float16 is evaluated in float32 with the
result of every step eager rounds rounded back to float16 (``Num.r``), so values agree to the
bit where eager's steps do; reductions accumulate in the compute dtype as eager's do.
"""

from __future__ import annotations

import math

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
    # TensorRT's NonZero takes float inputs only.
    one = op.const([1.0], torch.float32) if op.for_tensorrt else op.const([1], I64)
    ones = op.Expand(one, op.Reshape(n, _order.ints([1])))
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



def nearest_exact_f32(x: Tensor, output_size, scale_factors, spatial: int, shape: Tensor) -> Tensor:
    """Eager's nearest-exact source indices min(floor(float((i + 0.5) * scale)), in - 1)
    without float64 (TensorRT's parser has none). scale is a float32 in eager ((float) in /
    out: float32 Div, exactly eager's; or (float)(1 / s)); eager's double product of the
    exact i + 0.5 and a float32 is exact (< 53 bits), so rounding it to float32 equals the
    float32 Mul of i + 0.5 and scale, which is exact while i < 2^23 (indices beyond that
    may differ). The output size from scale factors, eager's floor of the double in * s, is
    computed at export time: that spatial dim must be static (OpfillError otherwise)."""
    f32 = torch.float32
    static = op.sizes(x) if output_size is None else None
    for k in range(spatial):
        axis = 2 + k
        in_size = _order.slice_axis(shape, 0, axis, axis + 1)  # [1]
        in_f = op.cast(in_size, f32)
        if output_size is not None:
            out_size = _order.ints([int(output_size[k])])
        else:  # eager: int64(in * scale) in double, truncated; no float64 in the graph
            n = static[axis]
            if n is None:
                raise OpfillError(f"_upsample_nearest_exact{spatial}d: scale_factors with a dynamic spatial "
                                  "size under the tensorrt target (no float64 for eager's size); pass "
                                  "output_size or export the spatial dims static")
            out_size = _order.ints([int(math.floor(n * float(scale_factors[k])))])
        if scale_factors is not None and scale_factors[k] > 0:
            scale = op.const([float(torch.tensor(1.0 / scale_factors[k], dtype=f32))], f32)
        else:  # (float) in / out
            scale = op.Div(in_f, op.cast(out_size, f32))
        dst = op.cast(arange(op.Reshape(out_size, _order.ints([]))), f32)
        src = op.cast(op.Floor(op.Mul(op.Add(dst, op.const(0.5, f32)), scale)), I64)
        last = op.Sub(in_size, _order.ints([1]))
        src = op.Where(op.Less(last, src), op.Expand(last, op.Shape(src)), src)  # int Min needs opset 12
        x = op.Gather(x, src, axis=axis)
    return x


def im2col(x: Tensor, kernel_size, dilation, padding, stride) -> Tensor:
    """``F.unfold``: [N, C, H, W] (or [C, H, W]) -> [N, C kh kw, oh ow], eager's layout, for any
    H, W (Shape at run time). Per spatial axis the source rows/columns p = o s + i d - pad
    ([k, o] int64 from arange: NonZero below opset 11) are gathered (Gather), those outside
    the input (the zero padding) masked to 0 with Where, so no Pad is needed. Exact."""
    rank = op.rank(x)
    if rank not in (3, 4):
        raise OpfillError(f"im2col: expected a 3-D or 4-D input, got {rank}-D")
    dt = op.dtype(x)
    if dt not in _order.FLOATS:
        raise OpfillError("im2col: eager has no integer kernel; pass a float input")
    k, d, p, s = ([int(v) for v in a] for a in (kernel_size, dilation, padding, stride))
    if min(k + d + s) <= 0 or min(p) < 0 or len(k + d + p + s) != 8:
        raise OpfillError(f"im2col: kernel_size {k}, dilation {d}, stride {s} must be 2 positive ints, "
                          f"padding {p} 2 non-negative ints")
    if rank == 3:
        x = _order.unsqueeze(x, [0])
    zero = op.const(0, I64)
    masks = []
    outs = []
    for a in range(2):
        axis = 2 + 2 * a  # after the first Gather, H's [kh, oh] take axes 2, 3 and W is axis 4
        length = _order.size(x, axis)
        # eager: (L + 2 pad - d (k - 1) - 1) / s + 1
        out = op.Add(op.Div(op.Sub(length, op.const(d[a] * (k[a] - 1) + 1 - 2 * p[a], I64)),
                            op.const(s[a], I64)), op.const(1, I64))
        o = _order.unsqueeze(arange(out), [0])  # [1, o]
        i = op.const([[j * d[a] - p[a]] for j in range(k[a])], I64)  # [k, 1]
        pos = op.Add(op.Mul(o, op.const(s[a], I64)), i)  # [k, o]
        valid = op.And(op.Not(op.Less(pos, zero)), op.Less(pos, length))
        x = op.Gather(x, op.Where(valid, pos, op.Expand(zero, op.Shape(pos))), axis=axis)
        masks.append(valid)
        outs.append(out)
    # x: [N, C, kh, oh, kw, ow]; padding positions to 0 (nan/inf of clamped reads dropped).
    mh = _order.unsqueeze(masks[0], [2, 3])  # [kh, oh, 1, 1]
    keep = op.And(mh, masks[1])  # [kh, oh, kw, ow]
    x = op.Where(keep, x, op.const(0.0, dt))
    x = op.Transpose(x, perm=[0, 1, 2, 4, 3, 5])
    shape = op.Shape(x)
    cols = op.Mul(_order.slice_axis(shape, 0, 1, 2), op.const([k[0] * k[1]], I64))
    length = op.Reshape(op.Mul(outs[0], outs[1]), _order.ints([1]))
    y = op.Reshape(x, op.Concat(_order.slice_axis(shape, 0, 0, 1), cols, length, axis=0))
    return _order.squeeze(y, [0]) if rank == 3 else y
