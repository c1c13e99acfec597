"""Helpers of group V7 (issue 7 vision): grid sampling, max unpooling, antialiased
resampling, im2col.

Grid sampling follows eager's CPU kernels step by step: the vectorized 2-D kernel
(``cpu/GridSamplerKernel.cpp``: ``(g + 1) * scale [- 0.5]``, reflection by trunc/subtract,
clamps that send nan to 0, out-of-bound taps read as 0 but still multiplied by their weight)
and the scalar 3-D kernel (``GridSampler.cpp``/``GridSampler.h``: ``((g + 1) * size - 1) / 2``,
reflection by fmod and flip parity, ``std::min/max`` clamps that send nan to ``size - 1``,
out-of-bound taps skipped). float16 is computed in float32 and rounded back after every step
eager rounds (``_nn.Num.r``), as eager's Half arithmetic does.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from opset_patches import _nn, _order
from torch_opfill import OpfillError, Tensor, op

I64 = torch.int64
MODES = ("bilinear", "nearest", "bicubic")
PADDINGS = ("zeros", "border", "reflection")


class _Ar:
    """Arithmetic in ``num``'s compute dtype, each result rounded as eager rounds it."""

    def __init__(self, num: _nn.Num) -> None:
        self.num = num

    def c(self, v: float) -> Tensor:
        return self.num.c(float(v))

    def add(self, a, b):
        return self.num.r(op.Add(a, b))

    def sub(self, a, b):
        return self.num.r(op.Sub(a, b))

    def mul(self, a, b):
        return self.num.r(op.Mul(a, b))

    def div(self, a, b):
        return self.num.r(op.Div(a, b))

    def fma(self, a, b, c):
        """a * b + c rounded once where eager's vectorized float32 kernel fuses it (its AVX2 and
        AVX512 builds contract these to FMA): computed in float64, where the product is
        exact. Elsewhere (float64, float16's per-step rounding, TensorRT without float64)
        two roundings."""
        if self.num.out == torch.float32 and not op.for_tensorrt:
            f64 = torch.float64
            return op.cast(op.Add(op.Mul(op.cast(a, f64), op.cast(b, f64)), op.cast(c, f64)), torch.float32)
        return self.add(self.mul(a, b), c)


# --------------------------------------------------------------------------- grid sampling


def check_grid_args(name: str, input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int) -> int:
    rank = op.rank(input)
    if rank not in (4, 5) or op.rank(grid) != rank:
        raise OpfillError(f"{name}: expected a 4-D or 5-D input and a grid of the same rank, "
                          f"got {rank}-D and {op.rank(grid)}-D")
    if interpolation_mode not in (0, 1, 2) or padding_mode not in (0, 1, 2):
        raise OpfillError(f"{name}: interpolation_mode {interpolation_mode} / padding_mode {padding_mode}: "
                          "expected 0-2 (bilinear/nearest/bicubic, zeros/border/reflection)")
    if rank == 5 and interpolation_mode == 2:
        raise OpfillError(f"{name}: bicubic interpolation is 2-D only (eager rejects it for 5-D input)")
    if op.dtype(input) not in _order.FLOATS:
        raise OpfillError(f"{name}: eager has no integer kernel; pass float input and grid")
    return rank


def grid_sample(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                align_corners: bool) -> Tensor:
    """The Gather composition of eager's grid_sampler_2d (4-D input) / grid_sampler_3d (5-D)."""
    rank = check_grid_args("grid_sampler", input, grid, interpolation_mode, padding_mode)
    nd = rank - 2
    num = _nn.Num(op.dtype(input))
    ar = _Ar(num)
    shape = op.Shape(input)
    gshape = op.Shape(grid)
    spatial = [_order.size(input, 2 + k) for k in range(nd)]  # D, H, W order (rank-0 int64)
    sizes_f = [num.r(op.cast(s, num.dt)) for s in spatial]
    # explicit sizes, no -1: a Reshape of an empty batch cannot infer one
    points = op.ReduceProd(_order.slice_axis(gshape, 0, 1, 1 + nd), keepdims=1)
    g = op.Reshape(num.input(grid), op.Concat(_order.slice_axis(gshape, 0, 0, 1), _order.ints([1]), points,
                                              _order.ints([nd]), axis=0))
    # coordinate k (x, y, z) samples spatial axis nd - 1 - k
    coords = [op.Gather(g, op.const(k, I64), axis=3) for k in range(nd)]  # [N, 1, L] each
    axes = list(reversed(coords))  # per spatial axis, D/H/W order
    taps = _Taps(input, shape, spatial, num)
    pad = PADDINGS[padding_mode]
    ac = bool(align_corners)
    if nd == 2:
        out = _sample_2d(axes, sizes_f, taps, ar, MODES[interpolation_mode], pad, ac)
    else:
        out = _sample_3d(axes, sizes_f, taps, ar, MODES[interpolation_mode], pad, ac)
    out_shape = op.Concat(_order.slice_axis(shape, 0, 0, 2), _order.slice_axis(gshape, 0, 1, 1 + nd), axis=0)
    return num.result(op.Reshape(out, out_shape))


class _Taps:
    """Reads input[n, c, idx] for flat spatial indices idx [N, 1, L] (int64): GatherElements
    from opset 11, else Gather on the flattened input at (n C + c) S + idx."""

    def __init__(self, input: Tensor, shape: Tensor, spatial: list[Tensor], num: _nn.Num) -> None:
        self.num = num
        self.spatial = spatial
        nc = _order.slice_axis(shape, 0, 0, 2)
        self.nc = nc
        s_total = op.ReduceProd(_order.slice_axis(shape, 0, 2, 2 + len(spatial)), keepdims=1)
        if op.opset >= 11:
            self.x3 = op.Reshape(input, op.Concat(nc, s_total, axis=0))
        else:
            count = op.Reshape(op.ReduceProd(nc, keepdims=1), _order.ints([]))
            base = op.Reshape(_nn.arange(count), op.Concat(nc, _order.ints([1]), axis=0))
            self.base = op.Mul(base, s_total)
            self.flat = op.Reshape(input, _order.ints([-1]))

    def flat_index(self, idx: list[Tensor]) -> Tensor:
        """Flat int64 index from per-axis integer-valued float indices (D/H/W order)."""
        out = None
        for k, v in enumerate(idx):
            vi = op.cast(v, I64)
            out = vi if out is None else op.Add(op.Mul(out, self.spatial[k]), vi)
        return out

    def read(self, idx: list[Tensor], valid: Tensor | None) -> Tensor:
        """Values at the taps (compute dtype); 0 where ``valid`` is false (index clamped to 0)."""
        zero = self.num.c(0.0)
        if valid is not None:
            idx = [op.Where(valid, v, zero) for v in idx]
        flat = self.flat_index(idx)
        if op.opset >= 11:
            target = op.Concat(self.nc, _order.slice_axis(op.Shape(flat), 0, 2, 3), axis=0)
            vals = op.GatherElements(self.x3, op.Expand(flat, target), axis=2)
        else:
            vals = op.Gather(self.flat, op.Add(self.base, flat), axis=0)
        if self.num.out != self.num.dt:  # (the dynamo exporter may not know the Gather's dtype)
            vals = op.cast(vals, self.num.dt)
        if valid is not None:
            vals = op.Where(valid, vals, zero)
        return vals


def _inside(v: Tensor, size: Tensor, ar: _Ar) -> Tensor:
    """-1 < v < size (false for nan), v integer-valued."""
    return op.And(op.Greater(v, ar.c(-1.0)), op.Less(v, size))


def _all(masks: Sequence[Tensor | None]) -> Tensor | None:
    out = None
    for m in masks:
        if m is not None:
            out = m if out is None else op.And(out, m)
    return out


def round_half_even(x: Tensor, ar: _Ar) -> Tensor:
    """nearbyint: Round from opset 11; below it floor plus a tie test on the exact fraction."""
    if op.opset >= 11:
        return op.Round(x)
    f = op.Floor(x)
    d = op.Sub(x, f)  # exact
    half = ar.c(0.5)
    odd = _order_eq(op.Sub(f, op.Mul(ar.c(2.0), op.Floor(op.Mul(f, half)))), ar.c(1.0))
    up = op.Or(op.Greater(d, half), op.And(_order_eq(d, half), odd))
    return op.Where(up, op.Add(f, ar.c(1.0)), f)


def _order_eq(a: Tensor, b: Tensor) -> Tensor:
    return op.equal(a, b)


# ---- the vectorized 2-D kernel's coordinate maths


def _unnormalize_2d(g: Tensor, size: Tensor, ar: _Ar, ac: bool) -> Tensor:
    if ac:
        scale = ar.div(ar.sub(size, ar.c(1.0)), ar.c(2.0))
        return ar.mul(ar.add(g, ar.c(1.0)), scale)
    scale = ar.div(size, ar.c(2.0))
    return ar.fma(ar.add(g, ar.c(1.0)), scale, ar.c(-0.5))


def _clip_2d(x: Tensor, size: Tensor, ar: _Ar) -> Tensor:
    """clamp_max(max_val, clamp_min(0, x)): nan goes to 0."""
    zero = ar.c(0.0)
    x = op.Where(op.Greater(x, zero), x, zero)
    top = ar.sub(size, ar.c(1.0))
    return op.Where(op.Less(x, top), x, top)


def _reflect_2d(x: Tensor, size: Tensor, ar: _Ar, ac: bool) -> Tensor:
    """ComputeLocationBase::reflect_coordinates: |x - low| - trunc(|x - low| / 2span) 2span,
    the smaller of that and 2span minus it (nan kept), + low."""
    one = ar.c(1.0)
    if ac:
        twice = ar.mul(ar.sub(size, one), ar.c(2.0))
        a = op.Abs(x)
    else:
        twice = ar.mul(size, ar.c(2.0))
        a = op.Abs(ar.sub(x, ar.c(-0.5)))
    flips = op.Floor(ar.div(a, twice))  # a >= 0: trunc
    extra = ar.fma(op.Neg(flips), twice, a)
    out = _nn.minimum(extra, ar.sub(twice, extra))
    if ac:
        return op.Where(op.Greater(size, one), out, ar.c(0.0))  # size <= 1: empty span
    return ar.add(out, ar.c(-0.5))


def _pad_2d(x: Tensor, size: Tensor, ar: _Ar, pad: str, ac: bool) -> Tensor:
    if pad == "border":
        return _clip_2d(x, size, ar)
    if pad == "reflection":
        return _clip_2d(_reflect_2d(x, size, ar, ac), size, ar)
    return x


def _cubic_coefficients(t: Tensor, ar: _Ar) -> list[Tensor]:
    """ApplyGridSample<Bicubic>::get_cubic_coefficients (A = -0.75), Horner as eager. (Which of
    these multiply-adds eager's float32 build fuses was not found: bicubic float32 results are
    a few ULP of the taps off eager's, not bit-equal as bilinear's are.)"""
    one = ar.c(1.0)

    def outer(x):  # ((A x - 5A) x + 8A) x - 4A
        return ar.sub(ar.mul(ar.add(ar.mul(ar.sub(ar.mul(ar.c(-0.75), x), ar.c(-3.75)), x), ar.c(-6.0)), x),
                      ar.c(-3.0))

    def inner(x):  # ((A + 2) x - (A + 3)) x x + 1
        return ar.add(ar.mul(ar.mul(ar.sub(ar.mul(ar.c(1.25), x), ar.c(2.25)), x), x), one)

    return [outer(ar.add(t, one)), inner(t), inner(ar.sub(one, t)), outer(ar.sub(ar.c(2.0), t))]


def _sample_2d(axes: list[Tensor], sizes: list[Tensor], taps: _Taps, ar: _Ar, mode: str, pad: str,
               ac: bool) -> Tensor:
    (gy, gx), (h, w) = axes, sizes
    zeros = pad == "zeros"
    if mode == "bicubic":
        x = _unnormalize_2d(gx, w, ar, ac)
        y = _unnormalize_2d(gy, h, ar, ac)
        x0, y0 = op.Floor(x), op.Floor(y)
        cx = _cubic_coefficients(ar.sub(x, x0), ar)
        cy = _cubic_coefficients(ar.sub(y, y0), ar)
        xs = [_pad_2d(ar.add(x0, ar.c(k - 1.0)), w, ar, pad, ac) for k in range(4)]
        ys = [_pad_2d(ar.add(y0, ar.c(k - 1.0)), h, ar, pad, ac) for k in range(4)]
        mx = [_inside(v, w, ar) if zeros else None for v in xs]
        my = [_inside(v, h, ar) if zeros else None for v in ys]
        rows = []
        for j in range(4):
            acc = None
            for i in range(4):
                val = taps.read([ys[j], xs[i]], _all([mx[i], my[j]]))
                term = ar.mul(cx[i], val)
                acc = term if acc is None else ar.add(acc, term)
            rows.append(acc)
        out = None
        for j in range(4):
            term = ar.mul(cy[j], rows[j])
            out = term if out is None else ar.add(out, term)
        return out
    x = _pad_2d(_unnormalize_2d(gx, w, ar, ac), w, ar, pad, ac)
    y = _pad_2d(_unnormalize_2d(gy, h, ar, ac), h, ar, pad, ac)
    if mode == "nearest":
        xr, yr = round_half_even(x, ar), round_half_even(y, ar)
        valid = op.And(_inside(xr, w, ar), _inside(yr, h, ar)) if zeros else None
        return taps.read([yr, xr], valid)
    one = ar.c(1.0)
    xw, yn = op.Floor(x), op.Floor(y)
    fw, fn = ar.sub(x, xw), ar.sub(y, yn)  # distances to the west / north taps
    fe, fs = ar.sub(one, fw), ar.sub(one, fn)
    xe, ys = ar.add(xw, one), ar.add(yn, one)
    if zeros:
        mw, mn = _inside(xw, w, ar), _inside(yn, h, ar)
        me, ms = _inside(xe, w, ar), _inside(ys, h, ar)
    else:  # padded coordinates are in [0, size - 1]: only the east/south taps can fall off
        mw = mn = None
        me, ms = op.Less(xe, w), op.Less(ys, h)
    corners = [((yn, xw), (mn, mw), ar.mul(fs, fe)), ((yn, xe), (mn, me), ar.mul(fs, fw)),
               ((ys, xw), (ms, mw), ar.mul(fn, fe)), ((ys, xe), (ms, me), ar.mul(fn, fw))]
    out = None
    for (iy, ix), masks, weight in corners:
        val = taps.read([iy, ix], _all(masks))
        out = ar.mul(val, weight) if out is None else ar.fma(val, weight, out)
    return out


# ---- the scalar 3-D kernel's coordinate maths


def _unnormalize_3d(g: Tensor, size: Tensor, ar: _Ar, ac: bool) -> Tensor:
    one, two = ar.c(1.0), ar.c(2.0)
    if ac:
        return ar.mul(ar.div(ar.add(g, one), two), ar.sub(size, one))
    return ar.div(ar.sub(ar.mul(ar.add(g, one), size), one), two)


def _clip_3d(x: Tensor, size: Tensor, ar: _Ar) -> Tensor:
    """std::min(size - 1, std::max(x, 0)): nan goes to size - 1."""
    zero = ar.c(0.0)
    x = op.Where(op.Less(x, zero), zero, x)
    top = ar.sub(size, ar.c(1.0))
    return op.Where(op.Less(x, top), x, top)


def _fmod(a: Tensor, b: Tensor, ar: _Ar) -> Tensor:
    """std::fmod for a >= 0, b > 0: Mod(fmod=1) from opset 10, else a - floor(a / b) b with
    the quotient corrected by one either way (exact while the quotient is below 2^24)."""
    if op.opset >= 10:
        return op.Mod(a, b, fmod=1)
    r = op.Sub(a, op.Mul(op.Floor(op.Div(a, b)), b))
    zero = ar.c(0.0)
    r = op.Where(op.Less(r, zero), op.Add(r, b), r)
    return op.Where(op.Less(r, b), r, op.Sub(r, b))


def _reflect_3d(x: Tensor, size: Tensor, ar: _Ar, ac: bool) -> Tensor:
    """GridSampler.h reflect_coordinates: extra = fmod(|x - min|, span), flips =
    int(floor(|x - min| / span)) (an int: quotients past 2^31 and nan wrap to INT_MIN, even)."""
    one = ar.c(1.0)
    if ac:
        low, span = 0.0, ar.sub(size, one)
        a = op.Abs(x)
    else:
        low, span = -0.5, size
        a = op.Abs(ar.sub(x, ar.c(-0.5)))
    extra = ar.num.r(_fmod(a, span, ar))
    q = op.Floor(ar.div(a, span))
    half_q = op.Floor(op.Mul(q, ar.c(0.5)))
    odd = op.And(op.Greater(op.Sub(q, op.Add(half_q, half_q)), ar.c(0.5)), op.Less(q, ar.c(2.0**31)))
    out = op.Where(odd, ar.add(ar.sub(span, extra), ar.c(low)), ar.add(extra, ar.c(low)))
    if ac:
        return op.Where(op.Greater(size, one), out, ar.c(0.0))  # size 1: twice_low == twice_high
    return out


def _pad_3d(x: Tensor, size: Tensor, ar: _Ar, pad: str, ac: bool) -> Tensor:
    if pad == "border":
        return _clip_3d(x, size, ar)
    if pad == "reflection":
        return _clip_3d(_reflect_3d(x, size, ar, ac), size, ar)
    return x


def _sample_3d(axes: list[Tensor], sizes: list[Tensor], taps: _Taps, ar: _Ar, mode: str, pad: str,
               ac: bool) -> Tensor:
    pos = [_pad_3d(_unnormalize_3d(g, s, ar, ac), s, ar, pad, ac) for g, s in zip(axes, sizes)]
    if mode == "nearest":
        r = [round_half_even(p, ar) for p in pos]
        return taps.read(r, _all([_inside(v, s, ar) for v, s in zip(r, sizes)]))
    one = ar.c(1.0)
    lo = [op.Floor(p) for p in pos]
    hi = [ar.add(v, one) for v in lo]
    d_lo = [ar.sub(p, v) for p, v in zip(pos, lo)]  # ix - ix_tnw: weight of the high tap
    d_hi = [ar.sub(v, p) for p, v in zip(pos, hi)]  # ix_bse - ix: weight of the low tap
    in_lo = [_inside(v, s, ar) for v, s in zip(lo, sizes)]
    in_hi = [_inside(v, s, ar) for v, s in zip(hi, sizes)]
    zero = ar.c(0.0)
    out = None
    # eager's order: tnw, tne, tsw, tse, bnw, bne, bsw, bse (x fastest, then y, then z)
    for bz in (0, 1):
        for by in (0, 1):
            for bx in (0, 1):
                pick = (bz, by, bx)  # D, H, W
                idx = [hi[k] if pick[k] else lo[k] for k in range(3)]
                wts = [d_lo[k] if pick[k] else d_hi[k] for k in range(3)]
                valid = _all([in_hi[k] if pick[k] else in_lo[k] for k in range(3)])
                weight = ar.mul(ar.mul(wts[2], wts[1]), wts[0])  # (x * y) * z
                term = op.Where(valid, ar.mul(taps.read(idx, valid), weight), zero)  # skipped, not 0 * w
                out = term if out is None else ar.add(out, term)
    return out


def grid_sampler_any(name: str, input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                     align_corners: bool):
    """torch's own symbolic (ONNX GridSample) where one stands behind this op and emits it for
    this rank (16: 4-D, 20: any) and the target takes it (TensorRT parses 4-D GridSample only);
    the Gather composition everywhere else -- float64 too, for which onnxruntime has no
    GridSample kernel. The pack's own form is always the composition: onnxruntime's GridSample
    departs from eager at nan/inf/huge coordinates and at half-pixel points after reflection,
    the composition follows eager's kernels."""
    rank = check_grid_args(name, input, grid, interpolation_mode, padding_mode)
    natural = op.opset >= 20 or (op.opset >= 16 and rank == 4)
    if rank == 5 and op.for_tensorrt:
        natural = False
    if natural and op.may_defer and op.dtype(input) != torch.float64:
        return NotImplemented
    return grid_sample(input, grid, interpolation_mode, padding_mode, align_corners)


# --------------------------------------------------------------------------- max unpooling


def max_unpool(name: str, self: Tensor, indices: Tensor, output_size: Sequence[int], k: int) -> Tensor:
    """Scatter each plane's values to their flat indices in a zero plane of prod(output_size)
    elements: ScatterElements (Scatter below opset 11) along the flattened spatial axis.
    Indices are not range-checked (eager raises on one outside the plane); where two values
    name one position the later one wins, as in eager's serial loop."""
    rank = op.rank(self)
    if rank not in (k + 1, k + 2) or len(output_size) != k:
        raise OpfillError(f"{name}: expected a {k + 1}-D or {k + 2}-D input and {k} output sizes, "
                          f"got {rank}-D and {list(output_size)}")
    out_sizes = [int(s) for s in output_size]
    lead_n = rank - k
    shape = op.Shape(self)
    lead = _order.slice_axis(shape, 0, 0, lead_n)
    plane = op.ReduceProd(_order.slice_axis(shape, 0, lead_n, rank), keepdims=1)  # no -1: empty inputs
    flat_shape = op.Concat(lead, plane, axis=0)
    values = op.Reshape(self, flat_shape)
    idx = op.Reshape(op.cast(indices, I64) if op.dtype(indices) != I64 else indices, flat_shape)
    total = 1
    for s in out_sizes:
        total *= s
    dt = op.dtype(self)
    zero = op.const(0.0 if dt.is_floating_point else (False if dt == torch.bool else 0), dt)
    base = op.Expand(zero, op.Concat(lead, _order.ints([total]), axis=0))
    scatter = op.ScatterElements if op.opset >= 11 else op.Scatter
    out = scatter(base, idx, values, axis=lead_n)
    return op.Reshape(out, op.Concat(lead, _order.ints(out_sizes), axis=0))


# --------------------------------------------------------------------------- antialiased resampling


def scale_factor(value: float | None) -> float | None:
    """The scale factor eager got: TorchScript hands float lists over rounded to float32; the
    shortest decimal that rounds to that float32 is taken as the user's value (see N7's
    _n7_scale_factor); exact doubles (the dynamo exporter's) are kept."""
    if value is None:
        return None
    f32 = torch.tensor(value, dtype=torch.float32)
    if float(f32) != value:
        return float(value)
    return float(str(f32.numpy()))


def _aa_filter(x: float, interp: int, dt) -> float:
    """aa_filter of HelperInterpLinear (triangle) / HelperInterpCubic (Keys, a = -0.5), in dt."""
    x = dt(abs(dt(x)))
    if interp == 2:
        return dt(1.0) - x if x < 1.0 else dt(0.0)
    a = dt(-0.5)
    if x < 1.0:
        return dt(dt(dt(dt(dt(a + dt(2)) * x) - dt(a + dt(3))) * x) * x) + dt(1)
    if x < 2.0:
        return dt(dt(dt(dt(dt(dt(a * x) - dt(dt(5) * a)) * x) + dt(dt(8) * a)) * x) - dt(dt(4) * a))
    return dt(0.0)


def aa_weights(in_size: int, out_size: int, align_corners: bool, scale: float | None, interp: int,
               torch_dt: torch.dtype) -> tuple[list[int], list[list[float]], int]:
    """Eager's _compute_weights_aa for one axis (HelperInterpBase, antialias=True), in its opmath
    dtype with its double/scalar promotions: per output i, the first tap xmin, the normalised
    weights (padded with 0 to the widest window) and that width."""
    import numpy as np  # noqa: PLC0415

    dt = np.float64 if torch_dt == torch.float64 else np.float32
    if align_corners:
        s = dt(in_size - 1) / dt(out_size - 1) if out_size > 1 else dt(0.0)
    elif scale is not None and scale > 0:
        s = dt(1.0 / scale)
    else:
        s = dt(dt(in_size) / dt(out_size))
    s = dt(s)
    support = dt(dt(interp * 0.5) * s) if s >= 1.0 else dt(interp * 0.5)
    invscale = dt(1.0 / float(s)) if s >= 1.0 else dt(1.0)
    starts, weights = [], []
    for i in range(out_size):
        center = dt(float(s) * (i + 0.5))
        xmin = max(int(float(dt(center - support)) + 0.5), 0)
        xsize = min(int(float(dt(center + support)) + 0.5), in_size) - xmin
        w = [_aa_filter((float(dt(dt(j + xmin) - center)) + 0.5) * float(invscale), interp, dt) for j in range(xsize)]
        total = dt(0.0)
        for v in w:
            total = dt(total + v)
        if total != 0.0:
            w = [dt(v / total) for v in w]
        starts.append(xmin)
        weights.append([float(v) for v in w])
    width = max((len(w) for w in weights), default=0)
    return starts, weights, width


def upsample_aa(name: str, input: Tensor, output_size: Sequence[int] | None, align_corners: bool,
                scales: Sequence[float | None], interp: int) -> Tensor:
    """Separable antialiased resampling (eager's _upsample_aa kernel): W first, then H, an axis
    whose size does not change is skipped; along an axis, out[i] = sum_j w[i, j] x[xmin_i + j]
    over eager's window in its order (Gather of each tap column, Mul, Add; taps past a window
    are masked, so inf/nan outside it stay out). Weights are constants computed at export
    time as eager computes them: the input's spatial sizes must be static."""
    rank = op.rank(input)
    if rank != 4:
        raise OpfillError(f"{name}: expected a 4-D input [N, C, H, W], got {rank}-D")
    dt = op.dtype(input)
    if dt not in _order.FLOATS:
        raise OpfillError(f"{name}: eager has no integer kernel for antialiased resampling; pass float input")
    num = _nn.Num(dt)
    in_sizes = [op.static_size(input, 2 + k, name) for k in range(2)]
    scales = [scale_factor(s) for s in scales]
    if output_size is None:
        if any(s is None for s in scales):
            raise OpfillError(f"{name}: needs output_size or scale_factors")
        out_sizes = [int(in_sizes[k] * scales[k]) for k in range(2)]
    else:
        out_sizes = [int(s) for s in output_size]
    x = num.input(input)
    for axis in (3, 2):  # W, then H
        k = axis - 2
        if out_sizes[k] == in_sizes[k]:
            continue
        starts, weights, width = aa_weights(in_sizes[k], out_sizes[k], align_corners, scales[k], interp, num.dt)
        acc = None
        shape_w = [out_sizes[k], 1] if axis == 2 else [out_sizes[k]]
        for j in range(width):
            idx = [min(starts[i] + j, in_sizes[k] - 1) for i in range(out_sizes[k])]
            wj = [weights[i][j] if j < len(weights[i]) else 0.0 for i in range(out_sizes[k])]
            inside = [j < len(weights[i]) for i in range(out_sizes[k])]
            tap = op.Gather(x, _order.ints(idx), axis=axis)
            term = op.Mul(tap, op.Reshape(op.const(wj, num.dt), _order.ints(shape_w)))
            if not all(inside):
                mask = op.Reshape(op.const(inside, torch.bool), _order.ints(shape_w))
                term = op.Where(mask, term, num.c(0.0))
            acc = term if acc is None else op.Add(acc, term)
        x = num.r(acc)  # sums in opmath; float16 is stored between the passes
    return num.result(x)
