"""Helpers of group FT (issue 7 FFT): the ``torch.fft`` families and complex values.

Complex values are carried as real tensors with a trailing dimension of 2 (real, imaginary),
the layout of ONNX ``DFT`` and of the dynamo exporter's torchlib. Under TorchScript a complex
ATen value keeps its complex type in the original graph while its ONNX value is that real
``[..., 2]`` tensor: :func:`is_complex` reads the original node's input type, so every op that
must treat such a value differently (abs, real, imag, angle, conj, view_as_real, the fft
ops themselves) knows it does, whichever op produced it. The dynamo exporter dispatches
complex inputs to torchlib's ``complex=True`` functions itself; the pack functions it calls
see real inputs only.

Transforms follow eager's structure (``aten/src/ATen/native/SpectralOps.cpp``): resize
(zero-pad or truncate) to ``n``/``s``, a real-to-complex (onesided) or complex-to-real
transform on the last of the dims and complex transforms on the others, ``conj`` where eager
conjugates (hfft, ihfft), and one normalization ``N^-p`` at the end (p from ``norm`` and the
direction: backward 0/1, ortho 1/2, forward 1/0). Two emissions:

- ONNX ``DFT`` (opset 17: ``axis`` an attribute; opset 20: ``axis`` an input): any length,
  static or dynamic, forward transforms only (onnxruntime computes float64 inverse and IRFFT
  DFTs in float32 precision): an inverse is ``conj(DFT(conj z))`` and complex-to-real is
  ``Re DFT_n(w * conj Y)`` on the half spectrum Y resized to n//2+1 (w = 1 for bins 0 and
  n/2, else 2, so their imaginary parts drop out as in pocketfft); the conj and the
  normalization fold into Muls by constants.
- TensorRT (``op.for_tensorrt``; its ONNX parser has no DFT): per transformed axis the axis
  is moved last (Transpose) and each output part is ``sum_j part_j @ W[j, c]`` with constant
  DFT matrices (float64-computed with the phase reduced mod n, rounded once): Gather, MatMul,
  Add, Unsqueeze, Concat, all TensorRT-parsable. Padding, truncation, the onesided half, the
  Hermitian weights of complex-to-real, conj and the normalization are folded into the
  matrices. Needs static lengths on the transformed dims (an OpfillError names the dim
  otherwise). O(n^2) work and memory (n = 4096: four 64 MiB float32 matrices per complex axis).

Accuracy (float32, inputs in [-10, 10]): every output is a sum over the transformed
elements, so its error is relative to ``sum |x|``, not to the output (near-zero bins have no
relative accuracy, in eager either). Measured max |error| / (eps * sum|x|) against eager's
pocketfft: onnxruntime's DFT about 0.5 for power-of-two lengths and up to ~10 for primes
(its non-radix-2 path; grows like n); the MatMul form about 1 (sum of n products). Inputs with
inf or nan give algorithm-dependent nan/inf patterns (eager's butterflies and a DFT sum
disagree on which bins get nan): not matched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from opset_patches import _order
from torch_opfill import OpfillError, Tensor, op

I64 = torch.int64
_REAL_OF = {torch.complex64: torch.float32, torch.complex128: torch.float64}


# --------------------------------------------------------------------------- complex values


def is_complex(x: Tensor, index: int = 0) -> bool:
    """Whether argument ``index`` (``x``) of the op being exported is a complex value.

    TorchScript: from the original graph's type of that input; its ONNX value ``x`` is then
    the carried real ``[..., 2]`` tensor (checked: one more dim than the complex value has).
    Dynamo: False (complex inputs never reach a pack function there).
    """
    orig_rank = op.complex_rank(index)
    if orig_rank is None:
        return False
    rank = op.rank(x)
    if orig_rank >= 0 and rank != orig_rank + 1:
        raise OpfillError(
            f"{op.node_kind()}: its complex input is not carried as a real [..., 2] tensor (rank {rank}, "
            f"complex rank {orig_rank}); it comes from an op torch-opfill does not carry complex values through"
        )
    return True


def real_dtype(x: Tensor) -> torch.dtype:
    """The dtype a carried complex value's parts have (float32 / float64)."""
    dt = op.dtype(x)
    return _REAL_OF.get(dt, dt)


def carry(out: Tensor, dtype: torch.dtype, rank: int) -> Tensor:
    """Make sure TorchScript types a complex-producing op's output as the real tensor it is.

    The exporter merges the original node's complex type into the output's: only where ONNX
    shape inference gave a dtype and a rank do those win (else every later op would see a
    ComplexFloat value, which ONNX cannot type).
    """
    return op.typed(out, dtype, rank)


def part(z: Tensor, rank: int, which: int) -> Tensor:
    """Real (0) or imaginary (1) part of a carried complex value of signal rank ``rank``."""
    return op.Gather(z, op.const(which, I64), axis=rank)


def conj(z: Tensor, dtype: torch.dtype, scale: float = 1.0) -> Tensor:
    """Conjugate of a carried complex value (times ``scale``): one Mul by [s, -s]."""
    return op.Mul(z, op.const([scale, -scale], dtype))


def to_complex(x: Tensor, rank: int, dtype: torch.dtype) -> Tensor:
    """A real tensor as a carried complex one (imaginary part +0)."""
    u = _order.unsqueeze(x, [rank])
    return op.Pad(u, op.const([0] * (rank + 1) + [0] * rank + [1], I64))


def atan2(y: Tensor, x: Tensor, dtype: torch.dtype) -> Tensor:
    """IEEE ``atan2(y, x)`` (C's, so eager's ``angle``): signed zeros, infinities, nan.

    ``atan(|y| / |x|)`` in the first quadrant (0/0 -> 0, inf/inf -> pi/4), reflected to
    ``pi - t`` where x's sign bit is set and negated where y's is. About 2 ULP (the quotient's
    rounding, the arctangent's, and pi - t).
    """
    from opset_patches import _elementwise as _ew  # noqa: PLC0415

    ax, ay = op.Abs(x), op.Abs(y)
    zero = op.const(0.0, dtype)
    t = _atan_nonneg(op.Div(ay, ax), dtype)
    both_zero = op.And(op.equal(ax, zero), op.equal(ay, zero))
    both_inf = op.And(_ew.is_inf(ax, dtype), _ew.is_inf(ay, dtype))
    t = op.Where(both_zero, zero, op.Where(both_inf, op.const(math.pi / 4, dtype), t))
    t = op.Where(_ew.signbit(x, dtype), op.Sub(op.const(math.pi, dtype), t), t)
    return op.Where(_ew.signbit(y, dtype), op.Neg(t), t)


# Cephes atan.c (double): range reduction at tan(3 pi / 8) and 0.66, a 4/5 rational in z = x^2.
_ATAN_P = (-8.750608600031904122785e-1, -1.615753718733365076637e1, -7.500855792314704667340e1,
           -1.228866684490136173410e2, -6.485021904942025371773e1)
_ATAN_Q = (2.485846490142306297962e1, 1.650270098316988542046e2, 4.328810604912902668951e2,
           4.853903996359136964868e2, 1.945506571482613964425e2)
_T3P8 = 2.41421356237309504880
_MOREBITS = 6.123233995736765886130e-17


def _atan_nonneg(t: Tensor, dtype: torch.dtype) -> Tensor:
    """atan(t) for t >= 0 (inf and nan included): ONNX Atan for float32; for float64, which
    onnxruntime's Atan lacks, Cephes' atan (within 1 ULP)."""
    if dtype != torch.float64:
        return op.Atan(t)
    c = lambda v: op.const(v, dtype)  # noqa: E731
    big = op.Greater(t, c(_T3P8))
    mid = op.Greater(t, c(0.66))
    one = c(1.0)
    # x = -1/t (big), (t - 1)/(t + 1) (mid), t
    x = op.Where(big, op.Neg(op.Div(one, t)), op.Where(mid, op.Div(op.Sub(t, one), op.Add(t, one)), t))
    # Offsets as tensor products, not Where between two 0-d constants: TorchScript's scalar
    # analysis would compute that Where in float32.
    big_f, mid_f = op.cast(big, dtype), op.cast(op.And(mid, op.Not(big)), dtype)
    base = op.Add(op.Mul(big_f, c(math.pi / 2)), op.Mul(mid_f, c(math.pi / 4)))
    extra = op.Add(op.Mul(big_f, c(_MOREBITS)), op.Mul(mid_f, c(0.5 * _MOREBITS)))
    z = op.Mul(x, x)
    p = c(_ATAN_P[0])
    for k in _ATAN_P[1:]:
        p = op.Add(op.Mul(p, z), c(k))
    q = op.Add(z, c(_ATAN_Q[0]))
    for k in _ATAN_Q[1:]:
        q = op.Add(op.Mul(q, z), c(k))
    r = op.Add(op.Mul(x, op.Div(op.Mul(z, p), q)), x)
    return op.Add(base, op.Add(r, extra))


# --------------------------------------------------------------------------- sizes and norms


def _size(x: Tensor, axis: int) -> int | Tensor:
    """Static size of ``axis`` (an int), else a rank-0 int64 tensor read from the graph."""
    try:
        sizes = op.sizes(x)
    except OpfillError:  # rank unknown: read the size from the graph
        sizes = None
    if sizes is not None and axis < len(sizes) and sizes[axis] is not None:
        return int(sizes[axis])
    return op.Gather(op.Shape(x), op.const(axis, I64), axis=0)


def _as_1d(n: int | Tensor) -> Tensor:
    return op.const([n], I64) if isinstance(n, int) else op.Reshape(n, op.const([1], I64))


def _half(n: int | Tensor) -> int | Tensor:
    """n // 2 + 1: the onesided length."""
    if isinstance(n, int):
        return n // 2 + 1
    return op.Add(op.Div(n, op.const(2, I64)), op.const(1, I64))


def _irfft_default(m: int | Tensor) -> int | Tensor:
    """2 (m - 1): eager's default output length of a complex-to-real transform."""
    if isinstance(m, int):
        return 2 * (m - 1)
    return op.Mul(op.Sub(m, op.const(1, I64)), op.const(2, I64))


def norm_power(norm: str | None, forward: bool) -> float:
    """p of the scale N^-p eager applies (``norm_from_string``)."""
    if norm in (None, "backward"):
        return 0.0 if forward else 1.0
    if norm == "forward":
        return 1.0 if forward else 0.0
    if norm == "ortho":
        return 0.5
    raise OpfillError(f"fft: norm={norm!r} is not one of 'backward', 'ortho', 'forward'")


class _Factor:
    """The product of lengths ``n_i ** e_i``: static where every length is, else a graph value."""

    def __init__(self) -> None:
        self.static = 1.0
        self.dynamic: dict[int, list] = {}  # id(length value) -> [value, exponent]

    def mul(self, n: int | Tensor, e: float) -> None:
        if e == 0:
            return
        if isinstance(n, int):
            self.static *= float(n) ** e
        else:
            self.dynamic.setdefault(id(n), [n, 0.0])[1] += e

    @property
    def is_static(self) -> bool:
        return all(e == 0 for _, e in self.dynamic.values())

    def apply(self, z: Tensor, dtype: torch.dtype, conjugate: bool = False) -> Tensor:
        """``z`` times the factor (and conjugated: one Mul by [s, -s] where s is static)."""
        out = z
        if conjugate:
            out = conj(out, dtype, self.static)
        elif self.static != 1.0:
            out = op.Mul(out, op.const(self.static, dtype))
        for n, e in self.dynamic.values():  # rank-1: TorchScript's scalar analysis retypes 0-d values
            if e == 0:
                continue
            f = op.cast(_as_1d(n), dtype)
            if abs(e) == 0.5:
                f = op.Sqrt(f)
            elif abs(e) != 1:
                raise AssertionError(e)
            out = op.Mul(out, f) if e > 0 else op.Div(out, f)
        return out


# --------------------------------------------------------------------------- one axis


def _matrix(kind: str, m: int, n: int, inverse: bool, scale: float, conj_in: bool = False) -> np.ndarray:
    """The DFT along one axis as real matrices ``W[j, :, c, :]`` (input part j, output part c).

    kind: ``r2c`` (m reals -> n pairs), ``r2c_half`` (m reals -> n//2+1 pairs: onesided),
    ``c2c`` (m pairs -> n pairs), ``c2r`` (m half-spectrum pairs -> n reals, Hermitian
    weights; the imaginary parts of bin 0 and of the Nyquist bin ignored, as pocketfft's).
    Inputs beyond n (c2c/r2c) or beyond n//2+1 (c2r) are truncated by zero rows; shorter
    inputs are zero-padded by having no rows. ``conj_in`` conjugates a complex input first.
    Computed in float64 with the phase reduced mod n, so each entry is rounded once.
    """
    sign = 1.0 if inverse else -1.0
    im_sign = -1.0 if conj_in else 1.0
    if kind == "c2r":
        h = n // 2 + 1
        rows = min(m, h)
        k = np.arange(rows)[:, None]
        theta = 2.0 * np.pi * ((k * np.arange(n)[None, :]) % n) / n
        edge = (k == 0) | (2 * k == n)
        weight = np.where(edge, 1.0, 2.0)
        w = np.zeros((2, m, 1, n))
        w[0, :rows, 0] = weight * np.cos(theta)
        # Re((a + ib) e^{i sign theta}) = a cos - b sign sin
        w[1, :rows, 0] = np.where(edge, 0.0, -weight * sign * np.sin(theta)) * im_sign
        return w * scale
    n_out = n // 2 + 1 if kind == "r2c_half" else n
    rows = min(m, n)
    theta = 2.0 * np.pi * ((np.arange(rows)[:, None] * np.arange(n_out)[None, :]) % n) / n
    c, s = np.cos(theta), sign * np.sin(theta)
    if kind in ("r2c", "r2c_half"):
        w = np.zeros((1, m, 2, n_out))
        w[0, :rows, 0], w[0, :rows, 1] = c, s
        return w * scale
    # c2c: (a + ib)(c + is) = (ac - bs) + i(as + bc)
    w = np.zeros((2, m, 2, n_out))
    w[0, :rows, 0], w[0, :rows, 1] = c, s
    w[1, :rows, 0], w[1, :rows, 1] = -s * im_sign, c * im_sign
    return w * scale


def _matmul_axis(z: Tensor, rank: int, axis: int, m: int, cplx: bool, kind: str, n: int, inverse: bool,
                 scale: float, dtype: torch.dtype, conj_in: bool = False) -> Tensor:
    """One axis of a transform as MatMuls with constant DFT matrices (the TensorRT form).

    The axis is moved last among the signal dims (Transpose), each output part is
    ``sum_j part_j @ W[j, :, c, :]`` (Gather of the input parts, MatMul, Add) and the parts
    are stacked back (Unsqueeze, Concat): no Reshape, so every static size stays known.
    """
    w = _matrix(kind, m, n, inverse, scale, conj_in)
    perm = [d for d in range(rank) if d != axis] + [axis]
    moved = z if perm == list(range(rank)) else op.Transpose(z, perm=perm + ([rank] if cplx else []))
    parts = [part(moved, rank, 0), part(moved, rank, 1)] if cplx else [moved]
    outs = []
    for c in range(w.shape[2]):
        acc = None
        used = [j for j in range(len(parts)) if w[j, :, c, :].any()] or [0]  # all-zero: still shaped
        for j in used:
            y = op.MatMul(parts[j], op.const(w[j, :, c, :].tolist(), dtype))
            acc = y if acc is None else op.Add(acc, y)
        outs.append(acc)
    if len(outs) == 1:
        out = outs[0]
    else:
        out = op.Concat(*[_order.unsqueeze(o, [rank]) for o in outs], axis=rank)
    if perm == list(range(rank)):
        return out
    back = [perm.index(d) for d in range(rank)] + ([rank] if len(outs) == 2 else [])
    return op.Transpose(out, perm=back)


def _dft_axis(z: Tensor, rank: int, axis: int, cplx: bool, length: int | Tensor | None,
              onesided: bool = False) -> Tensor:
    """Forward ONNX DFT along ``axis`` of a real (no trailing dim) or carried complex value;
    the carried ``[..., 2]`` result.

    Opset 17 form: ``axis`` attribute, optional ``dft_length``; opset 20: ``axis`` input.
    Only the forward transform is used: onnxruntime's inverse and IRFFT paths compute float64
    in float32 precision (1e-8 relative errors), its forward ones do not.
    """
    x = z if cplx else _order.unsqueeze(z, [rank])
    attrs = {"inverse": 0, "onesided": int(onesided)}
    if op.opset >= 20:
        length = _size(x, axis) if length is None else length
        return op.DFT(x, _scalar(length), op.const(axis, I64), **attrs)
    if length is None:
        return op.DFT(x, axis=axis, **attrs)
    return op.DFT(x, _scalar(length), axis=axis, **attrs)


def _scalar(n: int | Tensor) -> Tensor:
    return op.const(n, I64) if isinstance(n, int) else n


def resize(x: Tensor, axis: int, length: int | Tensor, full: int) -> Tensor:
    """Zero-pad or truncate ``x`` (of rank ``full``) along ``axis`` to ``length`` (eager's
    ``resize_fft_input``)."""
    m = _size(x, axis)
    if isinstance(m, int) and isinstance(length, int):
        if m == length:
            return x
        if m > length:
            return _order.slice_axis(x, axis, 0, length)
        pad = op.const([length - m], I64)
    else:
        x = op.Slice(x, op.const([0], I64), _as_1d(length), op.const([axis], I64))
        pad = op.Max(op.Sub(_as_1d(length), _as_1d(_size(x, axis))), op.const([0], I64))
    pieces = [op.const([0] * (full + axis), I64), pad]
    if full - axis - 1:
        pieces.append(op.const([0] * (full - axis - 1), I64))
    return op.Pad(x, op.Concat(*pieces, axis=0))


# --------------------------------------------------------------------------- the families


def _input(self: Tensor, what: str, need_real: bool = False) -> tuple[Tensor, bool, int, torch.dtype, torch.dtype]:
    """(value in its compute dtype, complex?, signal rank, result part dtype, compute dtype)."""
    cplx = is_complex(self, 0)
    rank = op.rank(self) - (1 if cplx else 0)
    if cplx and need_real:
        raise OpfillError(f"aten::fft_{what}: expects a real input tensor, got a complex one (as eager)")
    dt = real_dtype(self) if cplx else op.dtype(self)
    if dt in (torch.float32, torch.float64):
        return self, cplx, rank, dt, dt
    if dt in (torch.float16, torch.bfloat16):
        return op.cast(self, torch.float32), cplx, rank, dt, torch.float32
    if dt.is_floating_point or dt.is_complex:
        raise OpfillError(f"aten::fft_{what}: dtype {dt} is not supported")
    return op.cast(self, torch.float32), cplx, rank, torch.float32, torch.float32


def _finish(z: Tensor, out_dt: torch.dtype, work: torch.dtype, rank: int) -> Tensor:
    if out_dt != work:
        z = op.cast(z, out_dt)
    return carry(z, out_dt, rank)


def canonical(what: str, rank: int, s: Sequence[int] | None, dim: Sequence[int] | None,
              default_all: bool = True) -> tuple[list[int], list[int | None]]:
    """Eager's ``canonicalize_fft_shape_and_dim_args``: dims non-negative, lengths (None = the
    input's size) for each."""
    if dim is not None:
        dims = [_order.wrap_dim(d, rank) for d in dim]
        if len(set(dims)) != len(dims):
            raise OpfillError(f"aten::fft_{what}: FFT dims must be unique")
    if s is not None:
        if dim is None:
            if len(s) > rank:
                raise OpfillError(f"aten::fft_{what}: got shape with {len(s)} values but input tensor only has {rank} dimensions")
            dims = list(range(rank - len(s), rank))
        elif len(s) != len(dims):
            raise OpfillError(f"aten::fft_{what}: when given, dim and shape arguments must have the same length")
        lengths: list[int | None] = [None if v == -1 else int(v) for v in s]
        for v in lengths:
            if v is not None and v <= 0:
                raise OpfillError(f"aten::fft_{what}: invalid number of data points ({v}) specified")
    else:
        if dim is None:
            dims = list(range(rank)) if default_all else []
        lengths = [None] * len(dims)
    return dims, lengths


def transform(self: Tensor, what: str, s: Sequence[int] | None, dim: Sequence[int] | None,
              norm: str | None) -> Tensor:
    """Every ``fft_*`` op except the shifts: ``what`` is fft/ifft/rfft/irfft/hfft/ihfft
    (1-D, 2-D and N-D alike, by their dims and lengths)."""
    trt = op.for_tensorrt
    x, cplx, rank, out_dt, dt = _input(self, what, need_real=what in ("rfft", "ihfft"))
    dims, lengths = canonical(what, rank, s, dim)
    forward = what in ("fft", "rfft", "hfft")
    p = norm_power(norm, forward)
    if not dims:
        if what in ("fft", "ifft"):  # no transform: the input as a complex value
            return _finish(x if cplx else to_complex(x, rank, dt), out_dt, dt, rank + 1)
        raise OpfillError(f"aten::fft_{what}n: must transform at least one axis")

    # Lengths: given, else the input's. Complex-to-real: the last is the output length.
    n = [v if v is not None else _size(x, d) for v, d in zip(lengths, dims)]
    c2r = what in ("irfft", "hfft")
    if c2r and lengths[-1] is None:
        n[-1] = _irfft_default(_size(x, dims[-1]))
        if isinstance(n[-1], int) and n[-1] < 1:
            raise OpfillError(f"aten::fft_{what}: invalid number of data points ({n[-1]}) specified")
    factor = _Factor()  # N^-p, N the product of the transform lengths
    for v in n:
        factor.mul(v, -p)
    lead, last = list(zip(dims[:-1], n[:-1])), (dims[-1], n[-1])

    if trt:  # every length static; normalization folded into the last matrix
        return _finish(_transform_matmul(x, cplx, rank, what, lead, last, factor, dt), out_dt, dt, rank + 1 - c2r)

    # Forward DFTs only (see _dft_axis): an inverse transform is conj(DFT(conj z)), the conj
    # pair folded into the Muls that are there anyway.
    z = x
    if what in ("fft", "ifft"):
        inverse = what == "ifft"
        if inverse and cplx:
            z = conj(z, dt)
        for d, v in lead + [last]:
            z = _dft_axis(z, rank, d, cplx, v)
            cplx = True
        return _finish(factor.apply(z, dt, conjugate=inverse), out_dt, dt, rank + 1)
    if what in ("rfft", "ihfft"):
        # ihfftn = conj(c2c_inverse(conj(r2c))) ... = conj(c2c_forward(r2c)) / N
        d, v = last
        z = _dft_axis(z, rank, d, False, v, onesided=True)
        for d, v in lead:
            z = _dft_axis(z, rank, d, True, v)
        return _finish(factor.apply(z, dt, conjugate=what == "ihfft"), out_dt, dt, rank + 1)
    # irfft / hfft: the half spectrum Y (resized to h = n//2+1) gives
    #   x[t] = sum_k w_k Re(Y_k e^{+2 pi i k t / n}) = Re(DFT_n(w * conj(Y)))[t],
    # w_k = 1 for bins 0 and n/2, else 2 (their imaginary parts drop out, as in pocketfft).
    # irfftn's leading inverse transforms and hfftn's conj fold into the same forward DFTs:
    # irfft -> Re DFT(w * conj Y), hfft -> Re DFT(w * Y).
    d, v = last
    h = _half(v)
    if lengths[-1] is not None:
        z = resize(z, d, h, rank + cplx)
    z = op.Mul(z, _hermitian_weights(h, v, rank, d, cplx, conjugate=cplx and what == "irfft", dtype=dt))
    for d2, v2 in lead:
        z = _dft_axis(z, rank, d2, cplx, v2)
        cplx = True
    z = _dft_axis(z, rank, d, cplx, v)
    z = part(z, rank, 0)
    return _finish(factor.apply(z, dt), out_dt, dt, rank)


def _hermitian_weights(h: int | Tensor, n: int | Tensor, rank: int, axis: int, cplx: bool, conjugate: bool,
                       dtype: torch.dtype) -> Tensor:
    """w_k (1 for k = 0 and 2k = n, else 2), k < h, shaped to broadcast along ``axis`` of a
    real or carried complex value; with ``conjugate``, times [1, -1] on the parts."""
    trailing = [1] * (rank - 1 - axis) + ([2] if cplx else [])
    signs = [1.0, -1.0] if conjugate else [1.0, 1.0]
    if isinstance(h, int) and isinstance(n, int):
        k = np.arange(h)
        w = np.where((k == 0) | (2 * k == n), 1.0, 2.0)
        if cplx:
            w = w[:, None] * np.array(signs)[None, :]
        return op.const(w.reshape([h] + trailing).tolist(), dtype)
    k = op.Range(op.const(0, I64), _scalar(h), op.const(1, I64))
    edge = op.Or(op.Equal(k, op.const(0, I64)), op.Equal(op.Mul(k, op.const(2, I64)), _scalar(n)))
    w = op.Sub(op.const(2.0, dtype), op.cast(edge, dtype))
    w = op.Reshape(w, op.const([-1] + [1] * (rank - 1 - axis) + ([1] if cplx else []), I64))
    return op.Mul(w, op.const(signs, dtype)) if cplx else w


def _transform_matmul(x: Tensor, cplx: bool, rank: int, what: str, lead: list, last: tuple,
                      factor: _Factor, dt: torch.dtype) -> Tensor:
    """The TensorRT form of :func:`transform`: MatMuls per axis, everything folded in."""
    if not factor.is_static:
        raise OpfillError(f"aten::fft_{what} (TensorRT MatMul form): the transform lengths must be static")
    sizes = op.sizes(x)  # tracked here: later values' shapes need not be inferable
    label = f"aten::fft_{what} (TensorRT MatMul form)"
    for d, v in lead + [last]:
        op.static_size(x, d, label)
        if not isinstance(v, int):
            raise OpfillError(f"{label}: the transform lengths must be static")
    scale = factor.static

    def axis(z, d, v, kind, inverse, f, cplx_in, conj_in=False):
        out = _matmul_axis(z, rank, d, int(sizes[d]), cplx_in, kind, v, inverse, f, dt, conj_in)
        sizes[d] = v // 2 + 1 if kind == "r2c_half" else v
        return out

    d_last, n_last = last
    z = x
    if what in ("fft", "ifft"):
        axes = lead + [last]
        for i, (d, v) in enumerate(axes):
            z = axis(z, d, v, "c2c" if cplx else "r2c", what == "ifft", scale if i == len(axes) - 1 else 1.0, cplx)
            cplx = True
        return z
    if what in ("rfft", "ihfft"):
        # conj(sum x e^{-i theta}) = sum x e^{+i theta} for real x: ihfft's conj is the sign.
        inverse = what == "ihfft"
        z = axis(z, d_last, n_last, "r2c_half", inverse, 1.0 if lead else scale, False)
        for i, (d, v) in enumerate(lead):
            z = axis(z, d, v, "c2c", inverse, scale if i == len(lead) - 1 else 1.0, True)
        return z
    # irfft, hfft (a real input: only the matrices of the real part)
    for d, v in lead:
        z = axis(z, d, v, "c2c", what == "irfft", 1.0, cplx)
        cplx = True
    return axis(z, d_last, n_last, "c2r", True, scale, cplx, conj_in=what == "hfft")


def shift(self: Tensor, dim: Sequence[int] | None, inverse: bool) -> Tensor:
    """fftshift / ifftshift: ``concat(x[k:], x[:k])`` along each dim, k = ceil(n/2) (fftshift)
    or floor(n/2) (ifftshift); any dtype, real or carried complex; exact."""
    cplx = is_complex(self, 0)
    rank = op.rank(self) - (1 if cplx else 0)
    dims = list(range(rank)) if dim is None else [_order.wrap_dim(d, rank) for d in dim]
    out = self
    for d in dims:
        n = _size(out, d)
        if isinstance(n, int):
            k = n // 2 if inverse else (n + 1) // 2
            if k == 0 or k == n:
                continue
            k_t = op.const([k], I64)
        else:
            n1 = _as_1d(n)
            k_t = op.Div(n1 if inverse else op.Add(n1, op.const([1], I64)), op.const([2], I64))
        axes = op.const([d], I64)
        tail = op.Slice(out, k_t, op.const([2**62], I64), axes)
        head = op.Slice(out, op.const([0], I64), k_t, axes)
        out = op.Concat(tail, head, axis=d)
    return out
