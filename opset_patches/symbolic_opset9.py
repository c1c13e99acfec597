"""Pack ops whose ONNX form needs opset 9."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import torch

from opset_patches import _math, _special, _specfun
from opset_patches import _elementwise as _ew
from torch_opfill import OpfillError, Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=9)


@_symbolic("aten::asinh")
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def asinh(self: Tensor) -> Tensor:
    """asinh(Tensor self) -> Tensor

    ONNX Asinh-9, except float64, which onnxruntime's CPU provider has no Asinh kernel for:
    a log1p composition there (``_math.asinh_f64``).
    Max error vs eager: float32 0 ULP, float64 2 ULP (n=1e5 sweep, OpInfo samples and 8-12M
    random points, both exporters; torch 2.13, onnxruntime 1.32).
    """
    x = op.float_input(self)
    return _math.asinh_f64(x) if op.dtype(x) == torch.float64 else op.Asinh(x)


@_symbolic("aten::acosh")
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def acosh(self: Tensor) -> Tensor:
    """acosh(Tensor self) -> Tensor

    ONNX Acosh-9 (nan below 1 as in eager); float64, which onnxruntime's CPU provider has no
    Acosh kernel for, as a log1p composition (``_math.acosh_f64``).
    Max error vs eager: float32 0 ULP, float64 3 ULP (n=1e5 sweep, OpInfo samples and 8-12M
    random points, both exporters; torch 2.13, onnxruntime 1.32).
    """
    x = op.float_input(self)
    return _math.acosh_f64(x) if op.dtype(x) == torch.float64 else op.Acosh(x)


@_symbolic("aten::atanh")
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def atanh(self: Tensor) -> Tensor:
    """atanh(Tensor self) -> Tensor

    ONNX Atanh-9 (±inf at ±1, nan outside [-1, 1] as in eager); float64, which onnxruntime's
    CPU provider has no Atanh kernel for, as a log1p composition (``_math.atanh_f64``).
    Max error vs eager: float32 2 ULP, float64 3 ULP (n=1e5 sweep, OpInfo samples and 8-12M
    random points, both exporters; torch 2.13, onnxruntime 1.32).
    """
    x = op.float_input(self)
    return _math.atanh_f64(x) if op.dtype(x) == torch.float64 else op.Atanh(x)


@_symbolic("aten::sinh")
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def sinh(self: Tensor) -> Tensor:
    """sinh(Tensor self) -> Tensor

    ONNX Sinh-9; float64, which onnxruntime's CPU provider has no Sinh kernel for, from Exp
    and a Taylor series near 0 (``_math.sinh_f64``).
    Finite up to the true overflow (|x| 89.4 / 710.5), as eager's scalar path is; eager's
    vectorized kernel (64+ elements) returns inf from 88.72 / 709.78 on.
    Max error vs eager: float32 2 ULP, float64 2 ULP (n=1e5 sweep, OpInfo samples and 8-12M
    random points, both exporters; torch 2.13, onnxruntime 1.32).
    """
    x = op.float_input(self)
    return _math.sinh_f64(x) if op.dtype(x) == torch.float64 else op.Sinh(x)


@_symbolic("aten::cosh")
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def cosh(self: Tensor) -> Tensor:
    """cosh(Tensor self) -> Tensor

    ONNX Cosh-9; float64, which onnxruntime's CPU provider has no Cosh kernel for, from Exp
    (``_math.cosh_f64``).
    Finite up to the true overflow (|x| 89.4 / 710.5), as eager's scalar path is; eager's
    vectorized kernel (64+ elements) returns inf from 88.72 / 709.78 on.
    Max error vs eager: float32 1 ULP, float64 2 ULP (n=1e5 sweep, OpInfo samples and 8-12M
    random points, both exporters; torch 2.13, onnxruntime 1.32).
    """
    x = op.float_input(self)
    return _math.cosh_f64(x) if op.dtype(x) == torch.float64 else op.Cosh(x)


@_symbolic("aten::erfinv", dynamo=("prims::erf_inv",))
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def erfinv(self: Tensor) -> Tensor:
    """erfinv(Tensor self) -> Tensor

    ATen's initial guess polished by Halley steps whose residual uses erfc near ±1
    (``_math.erfinv``): ±inf at ±1, nan beyond, -0 kept. float16/bfloat16 are computed in
    float32 and rounded once, like eager. The dynamo exporter decomposes erfinv to
    prims::erf_inv before looking it up.
    Max error vs eager: float32 3 ULP, float64 3 ULP (n=1e5 sweep, OpInfo samples and 8-12M
    random points, both exporters; torch 2.13, onnxruntime 1.32).
    """
    return _in_compute_dtype(self, _math.erfinv)


@_symbolic("aten::lgamma", dynamo=("prims::lgamma",))
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def lgamma(self: Tensor) -> Tensor:
    """lgamma(Tensor self) -> Tensor

    log|Gamma(x)| (``_math.lgamma``): +inf at the poles 0, -1, -2, ... and at ±inf. The
    dynamo exporter decomposes lgamma to prims::lgamma before looking it up.
    Max error vs eager: float32 4 ULP, float64 5 ULP beyond an absolute 2 eps, which only
    the zeros need (1 and 2 keep relative precision; next to the negative ones the result is a
    difference of O(1) logs). Measured on the n=1e5 sweep, OpInfo samples and 8-12M random
    points, both exporters (torch 2.13, onnxruntime 1.32).
    """
    return _in_compute_dtype(self, _math.lgamma)


def _in_compute_dtype(self: Tensor, composition: Callable[[Tensor, torch.dtype], Tensor]) -> Tensor:
    """``composition`` evaluated in float32 for float16/bfloat16 (rounded once, like eager)."""
    x = op.float_input(self)
    dtype = op.dtype(x)
    work = op.compute_dtype(x)
    result = composition(x if work == dtype else op.cast(x, work), work)
    return result if work == dtype else op.cast(result, dtype)


@_symbolic("aten::logaddexp")
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def logaddexp(self: Tensor, other: Tensor) -> Tensor:
    """logaddexp(Tensor self, Tensor other) -> Tensor

    max(a, b) + log1p(exp(-|a - b|)), so large inputs do not overflow; where a == b
    (both ±inf included) the result is a + log(2) without forming inf - inf.
    """
    a, b = op.float_input(self), op.float_input(other)
    out_dtype = op.dtype(a)
    dtype = op.compute_dtype(a)  # float16 is evaluated in float32 and rounded once, like eager
    if dtype != out_dtype:
        a, b = op.cast(a, dtype), op.cast(b, dtype)
    hi = op.Max(a, b)
    diff = op.Abs(op.Sub(a, b))
    # exp(-|a-b|) <= 1, so log(1 + t) loses nothing that matters at float precision
    # except near t -> 0, where log(1 + t) ~ t: use t directly when 1 + t rounds to 1.
    t = op.Exp(op.Neg(diff))
    one = op.const(1.0, dtype)
    one_plus = op.Add(one, t)
    log1p = op.Where(op.equal(one_plus, one), t, op.Mul(op.Log(one_plus), op.Div(t, op.Sub(one_plus, one))))
    same = op.equal(a, b)  # covers a == b == ±inf, where a - b is nan
    ln2 = op.const(0.6931471805599453, dtype)
    result = op.Where(same, op.Add(a, ln2), op.Add(hi, log1p))
    return result if dtype == out_dtype else op.cast(result, out_dtype)


@_symbolic("aten::sinc", dynamo=())  # the dynamo exporter's decomposition already exports it
@_ew.rank0_safe  # a 0-d float64 input would be computed in float32 (see _elementwise)
def sinc(self: Tensor) -> Tensor:
    """sinc(Tensor self) -> Tensor

    sin(pi x) / (pi x), 1 at 0. Computed in float32 for float16 inputs, like eager.
    """
    x = op.float_input(self)
    dtype = op.dtype(x)
    work = op.compute_dtype(x)
    xw = x if work == dtype else op.cast(x, work)
    pix = op.Mul(xw, op.const(3.141592653589793, work))
    zero = op.const(0.0, work)
    result = op.Where(op.equal(xw, zero), op.const(1.0, work), op.Div(op.Sin(pix), pix))
    return result if work == dtype else op.cast(result, dtype)


# --- group G3: Bessel and orthogonal polynomials ---
# Compositions in opset_patches/_special.py mirror ATen's Math.h kernels branch for branch.
# Eager has no float16/bfloat16 CPU kernel for any of these; int/bool inputs give float32.


@_symbolic("aten::special_modified_bessel_i0")
def special_modified_bessel_i0(self: Tensor) -> Tensor:
    """special_modified_bessel_i0(Tensor self) -> Tensor

    Cephes' Chebyshev series (``_special.modified_bessel_i0``), as ATen's kernel.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 3 ULP.
    """
    return _special.unary(self, _special.modified_bessel_i0)


@_symbolic("aten::special_modified_bessel_i1")
def special_modified_bessel_i1(self: Tensor) -> Tensor:
    """special_modified_bessel_i1(Tensor self) -> Tensor

    Cephes' Chebyshev series (``_special.modified_bessel_i1``), as ATen's kernel.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 3 ULP.
    """
    return _special.unary(self, _special.modified_bessel_i1)


@_symbolic("aten::special_modified_bessel_k0")
def special_modified_bessel_k0(self: Tensor) -> Tensor:
    """special_modified_bessel_k0(Tensor self) -> Tensor

    Cephes' Chebyshev series (``_special.modified_bessel_k0``): inf at 0, nan below.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 3 ULP, float64 8 ULP (around x = 1, where log(x/2) I0(x) nearly
    cancels the series, onnxruntime's double Log being 1 ULP off for ~20% of inputs).
    """
    return _special.unary(self, _special.modified_bessel_k0)


@_symbolic("aten::special_modified_bessel_k1")
def special_modified_bessel_k1(self: Tensor) -> Tensor:
    """special_modified_bessel_k1(Tensor self) -> Tensor

    Cephes' Chebyshev series (``_special.modified_bessel_k1``): inf at 0, nan below.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 3 ULP.
    """
    return _special.unary(self, _special.modified_bessel_k1)


@_symbolic("aten::special_scaled_modified_bessel_k0")
def special_scaled_modified_bessel_k0(x: Tensor) -> Tensor:
    """special_scaled_modified_bessel_k0(Tensor x) -> Tensor

    ``exp(x) K0(x)`` by Cephes' Chebyshev series (``_special.modified_bessel_k0``, scaled).
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 3 ULP, float64 11 ULP (as k0: the cancellation around x = 1).
    """
    return _special.unary(x, functools.partial(_special.modified_bessel_k0, scaled=True))


@_symbolic("aten::special_scaled_modified_bessel_k1")
def special_scaled_modified_bessel_k1(x: Tensor) -> Tensor:
    """special_scaled_modified_bessel_k1(Tensor x) -> Tensor

    ``exp(x) K1(x)`` by Cephes' Chebyshev series (``_special.modified_bessel_k1``, scaled).
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 2 ULP.
    """
    return _special.unary(x, functools.partial(_special.modified_bessel_k1, scaled=True))


# --- end group G3, part 1 (continued after group G2) ---


# --- group G2: special functions ---
# Compositions in opset_patches/_specfun.py follow ATen's Math.h kernels branch for branch.


@_symbolic("aten::digamma", dynamo=("prims::digamma",))
def digamma(self: Tensor) -> Tensor:
    """digamma(Tensor self) -> Tensor

    ATen's calc_digamma (``_specfun.digamma``): recurrence to [10, 20), Cephes' asymptotic
    series, reflection below 0. -inf at +0, +inf at -0, nan at the negative integers.
    Measured vs eager (1e5-point sweeps + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 8 ULP, float64 8 ULP; near its zeros, absolute 8 eps (float32) / 64 eps (float64).
    For x < 0 the reflection's two terms, both about log|x| (up to 16), cancel: there the
    error is up to 2 ULP of those terms (1.9e-6 = 64 ULP of a result of 0.39 at x = -126072.9,
    float32), as eager's own float32 evaluation differs from the exact value.
    """
    return _specfun.unary(self, _specfun.digamma)


@_symbolic("aten::polygamma")
def polygamma(n: int, self: Tensor) -> Tensor:
    """polygamma(int n, Tensor self) -> Tensor

    As ATen's CPU kernel: digamma for n = 0, its trigamma for n = 1, and for n >= 2
    ``(-1)^(n+1) n! zeta(n + 1, x)`` with zeta in double (``_specfun.polygamma_from_zeta``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    n = 0 as digamma; n = 1 float32 5, float64 7 ULP; n >= 2 float32 2 ULP, float64 9 ULP,
    and for even n at x < 0, where the terms of zeta cancel, 16 ULP beyond an absolute
    8 eps n! 2^(n+1) (eager loses that much itself).
    """
    if n < 0:
        raise OpfillError(f"polygamma: n must be non-negative, got {n} (eager raises too)")
    if n == 0:
        return _specfun.unary(self, _specfun.digamma)
    if n == 1:
        return _specfun.unary(self, _specfun.trigamma)
    x = op.float_input(self)
    rank = op.rank(x)
    y = _specfun.polygamma_from_zeta(n, _math.at_least_1d(x, rank), op.dtype(x), rank)
    return _math.restore_rank(y, rank)


@_symbolic("aten::i0", dynamo=("prims::bessel_i0",))
def i0(self: Tensor) -> Tensor:
    """i0(Tensor self) -> Tensor

    ATen's calc_i0: Cephes' Chebyshev series for I0 (``_specfun.i0``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 3 ULP, float64 5 ULP.
    """
    return _specfun.unary(self, _specfun.i0)


@_symbolic("aten::special_i0e", dynamo=("prims::bessel_i0e",))
def special_i0e(self: Tensor) -> Tensor:
    """special_i0e(Tensor self) -> Tensor

    ATen's calc_i0e: Cephes' Chebyshev series for exp(-|x|) I0(x) (``_specfun.i0e``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 0 ULP, float64 5 ULP, float16 3 ULP (eager's float16 kernel is itself that far off:
    i0e(-0.001) = 0.9976 against the true 0.9990).
    """
    return _specfun.unary(self, _specfun.i0e)


@_symbolic("aten::special_i1", dynamo=("prims::bessel_i1",))
def special_i1(self: Tensor) -> Tensor:
    """special_i1(Tensor self) -> Tensor

    ATen's calc_i1: Cephes' Chebyshev series for I1 (``_specfun.i1``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 3 ULP, float64 12 ULP (near x = 8, where eager's fused Clenshaw recurrence is itself
    10 ULP off the true I1 and the unfused one here rounds differently).
    """
    return _specfun.unary(self, _specfun.i1)


@_symbolic("aten::special_i1e", dynamo=("prims::bessel_i1e",))
def special_i1e(self: Tensor) -> Tensor:
    """special_i1e(Tensor self) -> Tensor

    ATen's calc_i1e: Cephes' Chebyshev series for exp(-|x|) I1(x) (``_specfun.i1e``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 0 ULP, float64 8 ULP.
    """
    return _specfun.unary(self, _specfun.i1e)


@_symbolic("aten::special_ndtr")
def special_ndtr(self: Tensor) -> Tensor:
    """special_ndtr(Tensor self) -> Tensor

    Eager's own composition ``(1 + erf(x / sqrt(2))) / 2``, with an erf for float64, which
    onnxruntime's CPU provider has no Erf kernel for (``_specfun.ndtr``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    1 eps absolute (eager's own resolution in the left tail), float16 2^-10.
    """
    return _specfun.unary(self, _specfun.ndtr)


@_symbolic("aten::special_ndtri", dynamo=("prims::ndtri",))
def special_ndtri(self: Tensor) -> Tensor:
    """special_ndtri(Tensor self) -> Tensor

    ATen's calc_ndtri (Cephes ndtri.c, ``_specfun.ndtri``): -inf at 0, +inf at 1, nan outside.
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 5 ULP, float64 4 ULP.
    """
    return _specfun.unary(self, _specfun.ndtri)


@_symbolic("aten::special_log_ndtr")
def special_log_ndtr(self: Tensor) -> Tensor:
    """special_log_ndtr(Tensor self) -> Tensor

    ATen's calc_log_ndtr (``_specfun.log_ndtr``): ``log(erfcx(-t)/2) - t^2`` below -1, else
    ``log1p(-erfc(t)/2)``. Registered for the dynamo exporter too: its decomposition
    (``log(erfc)`` based) is nan below about -13 and has no float64 Erf in onnxruntime.
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 4 ULP, float64 7 ULP.
    """
    return _specfun.unary(self, _specfun.log_ndtr)


@_symbolic("aten::special_erfcx")
def special_erfcx(self: Tensor) -> Tensor:
    """special_erfcx(Tensor self) -> Tensor

    ATen's calc_erfcx (S. G. Johnson's Faddeeva code, ``_specfun.erfcx``): the kernel's
    100-interval Chebyshev table (Gather) and continued fraction. The dynamo exporter's own
    (torchlib) special_erfcx, ``exp(x^2) erfc(x)``, is 0/nan beyond x ~ 10 and has no float64
    Erf in onnxruntime; this one replaces it only with ``override``.
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 2 ULP.
    """
    return _specfun.unary(self, _specfun.erfcx)


@_symbolic("aten::mvlgamma")
def mvlgamma(self: Tensor, p: int) -> Tensor:
    """mvlgamma(Tensor self, int p) -> Tensor

    As eager: ``sum_{j<p} lgamma(x - j/2) + p (p - 1)/4 log(pi)``, the arguments formed in the
    input's dtype (float16 rounds them), each lgamma the pack's (``lgamma``), summed in
    float for float16 and rounded, the constant added last. Eager raises where some element
    is not above (p - 1)/2; an exported graph cannot raise, and gives the formula's value
    there (nan, inf or a finite number).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 5 ULP, float64 4 ULP, float16 1 ULP (the pack lgamma's accuracy; near its
    zeros 2 eps absolute).
    """
    if p < 1:
        raise OpfillError(f"mvlgamma: p must be at least 1, got {p} (eager raises too)")
    x = op.float_input(self)
    dtype = op.dtype(x)
    work = op.compute_dtype(x)
    rank = op.rank(x)
    x = _math.at_least_1d(x, rank)
    k = _math.Consts(work, rank)
    xw = x if work == dtype else op.cast(x, work)
    # eager's arguments x + arange(-p/2 + 1/2, 1/2, 1/2), lowest first, formed in the input's
    # dtype (float16 rounds them), stacked along a new leading axis: one lgamma for all.
    args = []
    for j in range(p):
        offset = (j - (p - 1)) / 2
        args.append(xw if offset == 0 else op.Add(xw, k(offset)))
    if p == 1:
        total = lgamma(x)
        total = total if work == dtype else op.cast(total, work)
    else:
        stacked = op.Concat(*(_specfun.unsqueeze0(a, k.rank, work) for a in args), axis=0)
        if work != dtype:  # the half-precision arguments eager forms
            stacked = op.cast(op.cast(stacked, dtype), work)
        # The pack's lgamma composition (what ``lgamma`` runs), given the dtype: the dynamo
        # exporter knows no dtype for the Concat's output.
        terms = _math.lgamma(stacked, work)
        if work != dtype:  # eager's lgamma rounds each term to the half type
            terms = op.cast(op.cast(terms, dtype), work)
        total = _specfun.take0(terms, 0)
        for j in range(1, p):
            total = op.Add(total, _specfun.take0(terms, j))
    if work != dtype:
        total = op.cast(op.cast(total, dtype), work)  # eager's sum(-1) rounds to the half type
    if p > 1:
        total = op.Add(total, k(p * (p - 1) * math.log(math.pi) / 4))
    return _math.restore_rank(total if work == dtype else op.cast(total, dtype), rank)


def _binary_float(self: Tensor, other: Tensor) -> tuple[Tensor, Tensor, torch.dtype, int]:
    """Both operands in the float dtype eager's promotion gives them (computed by torch itself
    on empty stand-ins, so 0-d tensors and numbers weigh as they do in eager; ints -> float32),
    at rank >= 1; and the rank to restore. The dynamo exporter passes the Scalar overloads'
    number as a Python number."""

    def stand_in(v):
        if isinstance(v, (int, float, bool)):
            return float(v)
        return torch.empty((1,) * op.rank(v), dtype=op.dtype(v))

    dtype = torch.result_type(stand_in(self), stand_in(other))
    if not dtype.is_floating_point:
        dtype = torch.float32

    def operand(v):
        if isinstance(v, (int, float, bool)):
            return op.const(float(v), dtype)
        return v if op.dtype(v) == dtype else op.cast(v, dtype)

    a, b = operand(self), operand(other)
    ra = 0 if isinstance(self, (int, float, bool)) else op.rank(self)
    rb = 0 if isinstance(other, (int, float, bool)) else op.rank(other)
    rank = max(ra, rb)
    if rank == 0:
        a, b = _math.at_least_1d(a, 0), _math.at_least_1d(b, 0)
    return a, b, dtype, rank


@_symbolic("aten::special_zeta", dynamo=("prims::zeta",))
def special_zeta(self: Tensor, other: Tensor) -> Tensor:
    """special_zeta(Tensor self, Tensor other) -> Tensor

    Hurwitz zeta(x = self, q = other), ATen's Cephes zeta in double as its CPU kernel
    computes (``_specfun.zeta``), negative q by reflection onto three positive arguments.
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 1 ULP, float64 2 ULP for q > 0. For q < 0 (integral x) the terms cancel for
    odd x: both eager and the export are off by eps times the largest term there.
    """
    x, q, dtype, rank = _binary_float(self, other)
    if dtype != torch.float64:
        x, q = op.cast(x, torch.float64), op.cast(q, torch.float64)
    first = torch.float64 if dtype == torch.float64 else torch.float32  # the kernel's float pow(q, -x)
    z = _specfun.zeta(x, q, _math.Consts(torch.float64, rank), first_term=first)
    return _math.restore_rank(z if dtype == torch.float64 else op.cast(z, dtype), rank)


def _igamma(self: Tensor, other: Tensor, *, upper: bool) -> Tensor:
    a, x, dtype, rank = _binary_float(self, other)
    work = torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype
    if work != dtype:
        a, x = op.cast(a, work), op.cast(x, work)
    y = _specfun.igamma(a, x, _math.Consts(work, rank), upper=upper)
    return _math.restore_rank(y if work == dtype else op.cast(y, dtype), rank)


@_symbolic("aten::igamma", dynamo=("prims::igamma",))
def igamma(self: Tensor, other: Tensor) -> Tensor:
    """igamma(Tensor self, Tensor other) -> Tensor

    Regularized lower incomplete gamma P(a = self, x = other), ATen's calc_igamma with its
    loops unrolled (``_specfun.igamma``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    for a in [1e-3, 1e3]: absolute 8 eps (float32 and float64), beyond that 24 ULP float32,
    26 ULP float64 (eager's own error vs the true value is of that size, up to 30 ULP).
    Outside: a < 1e-3 adds eps |log a| absolute (the rounding of exp's large argument);
    a > 1e3 with x near a up to ~5 sqrt(a) ULP (the kernel's eta = sqrt(2 (sigma -
    log1p(sigma))) amplifies log1p's last bit).
    """
    return _igamma(self, other, upper=False)


@_symbolic("aten::igammac", dynamo=("prims::igammac",))
def igammac(self: Tensor, other: Tensor) -> Tensor:
    """igammac(Tensor self, Tensor other) -> Tensor

    Regularized upper incomplete gamma Q(a = self, x = other), ATen's calc_igammac with its
    loops unrolled (``_specfun.igamma``).
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    for a in [1e-3, 1e3]: absolute 8 eps, beyond that 47 ULP float32, 33 ULP float64; the
    same caveats as igamma outside that range.
    """
    return _igamma(self, other, upper=True)


# --- end group G2 ---


# --- group G3: Bessel and orthogonal polynomials, part 2 ---


@_symbolic("aten::special_bessel_j0", dynamo=("prims::bessel_j0",))
def special_bessel_j0(self: Tensor) -> Tensor:
    """special_bessel_j0(Tensor self) -> Tensor

    Cephes j0 (``_special.bessel_j0``), as ATen's kernel. The dynamo exporter decomposes it
    to prims::bessel_j0 before looking it up.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 3 ULP, float64 3 ULP away from its zeros; there an absolute
    error of at most 2**-53 (the row's atol is one eps of max|J0| = 1).
    """
    return _special.unary(self, _special.bessel_j0)


@_symbolic("aten::special_bessel_j1", dynamo=("prims::bessel_j1",))
def special_bessel_j1(self: Tensor) -> Tensor:
    """special_bessel_j1(Tensor self) -> Tensor

    Cephes j1 (``_special.bessel_j1``), as ATen's kernel. The dynamo exporter decomposes it
    to prims::bessel_j1 before looking it up.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 3 ULP, float64 3 ULP away from its zeros; there an absolute
    error of at most 2**-53 (the row's atol is one eps of the function's scale).
    """
    return _special.unary(self, _special.bessel_j1)


@_symbolic("aten::special_bessel_y0")
def special_bessel_y0(self: Tensor) -> Tensor:
    """special_bessel_y0(Tensor self) -> Tensor

    Cephes y0 (``_special.bessel_y0``), as ATen's kernel: -inf at 0, nan below.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 1 ULP, float64 2 ULP beyond an absolute 1 eps (near its zeros).
    """
    return _special.unary(self, _special.bessel_y0)


@_symbolic("aten::special_bessel_y1")
def special_bessel_y1(self: Tensor) -> Tensor:
    """special_bessel_y1(Tensor self) -> Tensor

    Cephes y1 (``_special.bessel_y1``), as ATen's kernel: -inf at 0, nan below.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 1 ULP, float64 2 ULP beyond an absolute 1 eps (near its zeros).
    """
    return _special.unary(self, _special.bessel_y1)


@_symbolic("aten::special_spherical_bessel_j0", dynamo=("prims::spherical_bessel_j0",))
def special_spherical_bessel_j0(x: Tensor) -> Tensor:
    """special_spherical_bessel_j0(Tensor x) -> Tensor

    ``sin(x)/x`` with ATen's Taylor branch below 1/2 (``_special.spherical_bessel_j0``); 0 at
    ±inf. The dynamo exporter decomposes it to prims::spherical_bessel_j0 before looking it up.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 4 ULP (zeros included: sin is reduced exactly).
    """
    return _special.unary(x, _special.spherical_bessel_j0)


@_symbolic("aten::special_airy_ai")
def special_airy_ai(x: Tensor) -> Tensor:
    """special_airy_ai(Tensor x) -> Tensor

    Cephes airy (``_special.airy_ai``), as ATen's kernel: its two asymptotic forms and its
    Maclaurin series, unrolled with each element stopping where eager's loop does.
    Max error vs eager (n=1e5 sweep, torch 2.13, onnxruntime 1.32):
    float32 2 ULP, float64 3 ULP away from its zeros; there an absolute error
    of at most 2**-53 (the row's atol is one eps of the function's scale).
    """
    return _special.unary(x, _special.airy_ai)


def _polynomial_ops(name: str, what: str, accuracy: str) -> None:
    """Registers ``aten::special_<name>`` and its ``x_scalar``/``n_scalar`` overloads (the
    ones ``torch.special.<name>(x, n)`` reaches with a Python number for x or n)."""
    aten = f"aten::special_{name}"
    notes = f"""

    {what}: ATen's kernel mirrored (``_special.polynomial``), its special values,
    closed forms and recurrence (with the kernel's fused multiply-adds) alike. A tensor
    degree is unrolled up to ``_special.N_MAX`` = {_special.N_MAX} (nan above, except where eager
    uses a closed form or a constant); a constant degree (``n_scalar``) exactly, up to
    ``_special.N_STATIC_MAX`` = {_special.N_STATIC_MAX} (the export fails above). For nan x and
    n >= 2, eager returns an uninitialized variable in most of these kernels; the export, nan.
    Max error vs eager (n=1e5 sweep, degrees -4..100, torch 2.13, onnxruntime 1.32):
    {accuracy}.
    """

    def tensor_tensor(x: Tensor, n: Tensor) -> Tensor:
        return _special.polynomial(name, x, n)

    def tensor_scalar(x: Tensor, n: float) -> Tensor:
        return _special.polynomial(name, x, n)

    def scalar_tensor(x: float, n: Tensor) -> Tensor:
        return _special.polynomial(name, x, n)

    for func, overload, schema in (
        (tensor_tensor, "", f"special_{name}(Tensor x, Tensor n) -> Tensor"),
        (tensor_scalar, ".n_scalar", f"special_{name}.n_scalar(Tensor x, Scalar n) -> Tensor"),
        (scalar_tensor, ".x_scalar", f"special_{name}.x_scalar(Scalar x, Tensor n) -> Tensor"),
    ):
        func.__doc__ = schema + notes
        func.__name__ = func.__qualname__ = f"special_{name}" + overload.replace(".", "_")
        globals()[func.__name__] = _symbolic(aten + overload)(func)


_CHEB = ("closed forms (|x| < 1, larger n): absolute error <= 4.8e-5 float32, 1.0e-14 float64\n    "
         "(a 1-ULP acos difference times n: glibc's acosf is not correctly rounded); elsewhere <= 1 ULP")
_SHIFTED = ("closed forms (|2x - 1| < 1, larger n): absolute error <= 6.3e-4 float32, 6.9e-14\n    "
            "float64 (a 1-ULP acos difference times n: glibc's acosf is not correctly rounded);\n    "
            "elsewhere <= 1 ULP")
_EXACT = "bit-exact: 0 ULP float32, <= 1 ULP float64"
for _name, _what, _accuracy in (
    ("chebyshev_polynomial_t", "Chebyshev polynomial of the first kind T_n(x)", _CHEB),
    ("chebyshev_polynomial_u", "Chebyshev polynomial of the second kind U_n(x)", _CHEB),
    ("chebyshev_polynomial_v", "Chebyshev polynomial of the third kind V_n(x)", _CHEB),
    ("chebyshev_polynomial_w", "Chebyshev polynomial of the fourth kind W_n(x)", _CHEB),
    ("shifted_chebyshev_polynomial_t", "Shifted Chebyshev polynomial T*_n(x) = T_n(2x - 1)", _SHIFTED),
    ("shifted_chebyshev_polynomial_u", "Shifted Chebyshev polynomial U*_n(x) = U_n(2x - 1)", _SHIFTED),
    ("shifted_chebyshev_polynomial_v", "Shifted Chebyshev polynomial V*_n(x) = V_n(2x - 1)", _SHIFTED),
    ("shifted_chebyshev_polynomial_w", "Shifted Chebyshev polynomial W*_n(x) = W_n(2x - 1)", _SHIFTED),
    ("hermite_polynomial_h", "Physicists' Hermite polynomial H_n(x)", _EXACT),
    ("hermite_polynomial_he", "Probabilists' Hermite polynomial He_n(x)", _EXACT),
    ("laguerre_polynomial_l", "Laguerre polynomial L_n(x)", _EXACT),
    ("legendre_polynomial_p", "Legendre polynomial P_n(x)", _EXACT),
):
    _polynomial_ops(_name, _what, _accuracy)
del _name, _what, _accuracy, _CHEB, _SHIFTED, _EXACT


# --- end group G3 ---


# --- group G4: scans, order statistics, search ---
from opset_patches import _order  # noqa: E402
from typing import Optional, Sequence  # noqa: E402


def _g4_reduce_dims(rank: int, dim: Sequence[int] | None) -> list[int] | None:
    """Reduction axes, non-negative; None (all axes) for dim None or [] (eager reduces all)."""
    if dim is None or len(dim) == 0 or rank == 0:
        return None
    return sorted({_order.wrap_dim(d, rank) for d in dim})


def _g4_count_nonzero(self: Tensor, dims: list[int] | None) -> Tensor:
    dtype = op.dtype(self)
    zero = op.const(0, dtype if dtype != torch.bool else torch.int64)
    x = op.cast(self, torch.int64) if dtype == torch.bool else self
    return _order.count(op.Not(op.equal(x, zero)), dims, False)


@_symbolic("aten::count_nonzero", dynamo=())  # the dynamo decomposition (ReduceSum of x != 0) is exact
def count_nonzero(self: Tensor, dim: Optional[int] = None) -> Tensor:
    """count_nonzero(Tensor self, int? dim=None) -> Tensor

    ReduceSum of Cast(Not(x == 0)) to int64 (NaN counts as nonzero, -0.0 as zero, like eager).
    """
    return _g4_count_nonzero(self, _g4_reduce_dims(op.rank(self), None if dim is None else [dim]))


@_symbolic("aten::count_nonzero.dim_IntList", dynamo=())
def count_nonzero_dims(self: Tensor, dim: Sequence[int]) -> Tensor:
    """count_nonzero.dim_IntList(Tensor self, int[] dim) -> Tensor

    As count_nonzero over several dims (none: all of them, as eager).
    """
    return _g4_count_nonzero(self, _g4_reduce_dims(op.rank(self), list(dim)))


@_symbolic("aten::nansum")
def nansum(self: Tensor, dim: Optional[Sequence[int]] = None, keepdim: bool = False, dtype: Optional[int] = None) -> Tensor:
    """nansum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    ReduceSum of Where(IsNaN(x), 0, x), accumulated in float64 for float32 (eager's cascade
    sum is float32 but far more accurate than one sequential float32 pass) and float32 for
    float16; integers and bool sum in int64 unless ``dtype`` says otherwise.
    """
    in_dtype = op.dtype(self)
    out_dtype = _order.to_dtype(dtype)
    if out_dtype is None:
        out_dtype = in_dtype if in_dtype in _order.FLOATS else torch.int64
    acc = {torch.float16: torch.float32, torch.bfloat16: torch.float32, torch.float32: torch.float64}.get(
        out_dtype, out_dtype if out_dtype in _order.FLOATS else torch.int64
    )
    rank = op.rank(self)
    # A 0-d input is lifted to 1-D: the TorchScript exporter's scalar type analysis would
    # otherwise compute Where over 0-d operands in float32.
    x = _order.unsqueeze(self, [0]) if rank == 0 else self
    x = op.cast(x, acc) if in_dtype != acc else x
    if acc in _order.FLOATS:
        x = op.Where(op.IsNaN(x), op.const(0.0, acc), x)
    dims = _g4_reduce_dims(rank, None if dim is None else list(dim))
    out = _order.reduce("Sum", x, dims, bool(keepdim) and rank > 0)
    return op.cast(out, out_dtype) if acc != out_dtype else out


def _g4_like_along(t: Tensor, x: Tensor, d: int) -> Tensor:
    """A 0-d ``t`` expanded to ``x``'s shape with size 1 along ``d`` (diff's scalar prepend/append)."""
    if op.rank(t) != 0:
        return t
    shape = op.Shape(x)
    rank = op.rank(x)
    parts = []
    if d > 0:
        parts.append(_order.slice_axis(shape, 0, 0, d))
    parts.append(_order.ints([1]))
    if d < rank - 1:
        parts.append(_order.slice_axis(shape, 0, d + 1, rank))
    return op.Expand(t, op.Concat(*parts, axis=0) if len(parts) > 1 else parts[0])


@_symbolic("aten::diff", dynamo=())  # the dynamo decomposition (Slice and Sub) is exact
def diff(self: Tensor, n: int = 1, dim: int = -1, prepend: Optional[Tensor] = None, append: Optional[Tensor] = None) -> Tensor:
    """diff(Tensor self, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None) -> Tensor

    ``n`` rounds of x[1:] - x[:-1] along ``dim`` (Slice, Sub; Xor for bool, as eager's
    logical_xor) after concatenating ``prepend``/``append`` (0-d ones expanded, dtypes
    promoted as torch.cat does). n = 0 returns the input unchanged, as eager does.
    """
    rank = op.rank(self)
    if rank == 0:
        raise OpfillError("diff expects a tensor of at least one dimension")
    d = _order.wrap_dim(dim, rank)
    if n == 0:
        return op.Identity(self)
    parts = [(t, op.dtype(t)) for t in (prepend, self, append) if t is not None]
    dtype = parts[0][1]
    for _, dt in parts[1:]:
        dtype = torch.promote_types(dtype, dt)
    x = op.Concat(*[_g4_like_along(t if dt == dtype else op.cast(t, dtype), self, d) for t, dt in parts], axis=d) \
        if len(parts) > 1 else self
    # float16: each difference in float32 rounded to float16 by an explicit Cast pair, as
    # eager rounds every step (onnxruntime would run a float16 Sub chain in float32 unrounded).
    half = dtype in (torch.float16, torch.bfloat16)
    if half:
        x = op.cast(x, torch.float32)
    for _ in range(n):
        hi = _order.slice_axis(x, d, 1, 2**63 - 1)
        lo = _order.slice_axis(x, d, 0, -1)
        x = op.Xor(hi, lo) if dtype == torch.bool else op.Sub(hi, lo)
        if half:
            x = op.cast(op.cast(x, dtype), torch.float32)
    return op.cast(x, dtype) if half else x


def _g4_isin(elements: Tensor, e_dtype: torch.dtype, e_rank: int, test: Tensor, t_dtype: torch.dtype,
             t_rank: int, invert: bool) -> Tensor:
    """elements == any test element, compared in the promoted dtype (float16 in float32)."""
    common = torch.result_type(torch.empty((1,) * min(e_rank, 1), dtype=e_dtype),
                               torch.empty((1,) * min(t_rank, 1), dtype=t_dtype))
    work = torch.float32 if common in (torch.float16, torch.bfloat16) else (
        torch.int64 if common in (torch.bool, torch.uint8, torch.int8, torch.int16) else common)
    e = op.cast(elements, work) if e_dtype != work else elements
    t = op.cast(test, work) if t_dtype != work else test
    flat = op.Reshape(t, _order.ints([-1]))
    hits = op.equal(_order.unsqueeze(e, [e_rank]), flat)  # [..., numel(test)]
    found = op.Greater(_order.count(hits, [e_rank], False), op.const(0, torch.int64))
    return op.Not(found) if invert else found


@_symbolic("aten::isin.Tensor_Tensor")
def isin(elements: Tensor, test_elements: Tensor, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """isin.Tensor_Tensor(Tensor elements, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor

    Equal of every element against the flattened test elements, ReduceSum > 0 (NaN is in
    nothing, -0.0 is in [0.0], as eager's ==); dtypes promoted as eager. O(numel(elements) *
    numel(test_elements)) memory; ``assume_unique`` changes nothing.
    """
    return _g4_isin(elements, op.dtype(elements), op.rank(elements), test_elements, op.dtype(test_elements),
                    op.rank(test_elements), bool(invert))


@_symbolic("aten::isin.Tensor_Scalar")
def isin_tensor_scalar(elements: Tensor, test_element: float, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """isin.Tensor_Scalar(Tensor elements, Scalar test_element, *, bool assume_unique=False, bool invert=False) -> Tensor

    As isin.Tensor_Tensor with one test element.
    """
    t_dtype = torch.result_type(torch.empty(1, dtype=op.dtype(elements)), test_element)
    return _g4_isin(elements, op.dtype(elements), op.rank(elements), op.const([test_element], t_dtype), t_dtype,
                    0, bool(invert))


@_symbolic("aten::isin.Scalar_Tensor")
def isin_scalar_tensor(element: float, test_elements: Tensor, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """isin.Scalar_Tensor(Scalar element, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor

    As isin.Tensor_Tensor for one element (a 0-d result).
    """
    e_dtype = torch.result_type(torch.empty(1, dtype=op.dtype(test_elements)), element)
    found = _g4_isin(op.const([element], e_dtype), e_dtype, 1, test_elements, op.dtype(test_elements),
                     op.rank(test_elements), bool(invert))
    return op.Reshape(found, _order.ints([]))
# --- end group G4 ---


# --- group G1: elementwise ---
# Shared helpers in opset_patches/_elementwise.py. Conventions, as eager: integral inputs of
# float-valued ops give float32; float16 computes in float32 and rounds once; binary ops
# promote their operands (a Python scalar, as in the Scalar overloads, does not widen a
# tensor's float dtype). Errors are vs eager (torch 2.13 CPU) on onnxruntime 1.32 CPU, over
# the row's sweep with n=1e5 and torch's OpInfo samples.


def _unary_float(self: Tensor, composition) -> Tensor:
    out, work = _ew.float_dtypes(self)
    return _ew.finish(composition(_ew.to(self, work), work), work, out)


@_symbolic("aten::trunc")
@_ew.rank0_safe
def trunc(self: Tensor) -> Tensor:
    """trunc(Tensor self) -> Tensor

    Ceil below 0, Floor elsewhere (so -0.5 gives -0, as C's trunc); integers pass through.
    Exact (0 ULP).
    """
    dtype = op.dtype(self)
    if not dtype.is_floating_point:
        return op.Identity(self)
    work = op.compute_dtype(self)
    x = _ew.to(self, work)
    result = op.Where(op.Less(x, op.const(0.0, work)), op.Ceil(x), op.Floor(x))
    return _ew.finish(result, work, dtype)


@_symbolic("aten::frac")
@_ew.rank0_safe
def frac(self: Tensor) -> Tensor:
    """frac(Tensor self) -> Tensor

    ``x - trunc(x)``, as eager: exact in every dtype, -0.5 -> -0.5, -2 -> +0, ±inf -> nan.
    Exact (0 ULP).
    """
    dtype = op.dtype(self)
    work = op.compute_dtype(self)
    x = _ew.to(self, work)
    t = op.Where(op.Less(x, op.const(0.0, work)), op.Ceil(x), op.Floor(x))
    return _ew.finish(op.Sub(x, t), work, dtype)


@_symbolic("aten::expm1")
@_ew.rank0_safe
def expm1(self: Tensor) -> Tensor:
    """expm1(Tensor self) -> Tensor

    Kahan's ``(u - 1) x / log(u)`` with ``u = exp(x)`` (``_elementwise.expm1``): no
    cancellation near 0, -0 kept, -1 and inf at the ends.
    Max error vs eager: float32 3 ULP, float64 3 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _unary_float(self, _ew.expm1)


@_symbolic("aten::exp2")
@_ew.rank0_safe
def exp2(self: Tensor) -> Tensor:
    """exp2(Tensor self) -> Tensor

    ONNX Pow(2, x): onnxruntime's Pow is C's pow, exact at integers.
    Max error vs eager: float32 1 ULP, float64 1 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _unary_float(self, lambda x, dt: op.Pow(op.const(2.0, dt), x))


@_symbolic("aten::erfc")
@_ew.rank0_safe
def erfc(self: Tensor) -> Tensor:
    """erfc(Tensor self) -> Tensor

    fdlibm's piecewise rational erfc (``_elementwise.erfc``), with the tail's ``exp(-x^2)``
    split so it keeps full relative precision down to the underflow.
    Max error vs eager: float32 3 ULP, float64 2 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _unary_float(self, _ew.erfc)


@_symbolic("aten::logaddexp2")
@_ew.rank0_safe
def logaddexp2(self: Tensor, other: Tensor) -> Tensor:
    """logaddexp2(Tensor self, Tensor other) -> Tensor

    Eager's formula: ``max(a, b) + log1p(2^-|a - b|) / ln 2``; ``a`` where a == b == ±inf.
    Max error vs eager: float32 1 ULP, float64 1 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    Where the result is small next to the operands it cancels, in eager too: judged with an
    atol of 4 eps.
    """
    out, work = _ew.float_dtypes(self, other)
    a, b = _ew.to(self, work), _ew.to(other, work)
    hi = op.Where(op.Greater(b, a), b, a)
    t = op.Pow(op.const(2.0, work), op.Neg(op.Abs(op.Sub(a, b))))
    result = op.Add(hi, op.Mul(_math.log1p(t, work), op.const(1.0 / math.log(2.0), work)))
    both_inf = op.And(_ew.is_inf(a, work), _math.equal(a, b))
    return _ew.finish(op.Where(both_inf, a, result), work, out)


# hypot: scale so that neither square overflows nor loses bits to underflow (by a power of
# two: exact), per dtype: (big, scale for big, small, scale for small).
_HYPOT_SCALING = {
    torch.float32: (2.0**50, 2.0**-70, 2.0**-50, 2.0**100),
    torch.float64: (2.0**500, 2.0**-600, 2.0**-500, 2.0**600),
}


@_symbolic("aten::hypot", dynamo=("prims::hypot",))
@_ew.rank0_safe
def hypot(self: Tensor, other: Tensor) -> Tensor:
    """hypot(Tensor self, Tensor other) -> Tensor

    ``sqrt(a^2 + b^2)`` on operands scaled by a power of two chosen from ``max(|a|, |b|)``, so
    no square overflows or underflows; inf if either is ±inf (even with a nan), as C's hypot.
    Max error vs eager: float32 1 ULP, float64 1 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    out, work = _ew.float_dtypes(self, other)
    a, b = op.Abs(_ew.to(self, work)), op.Abs(_ew.to(other, work))
    big, down, small, up = _HYPOT_SCALING[work]
    m = op.Where(op.Greater(a, b), a, b)
    is_big = op.Greater(m, op.const(big, work))
    is_small = op.Less(m, op.const(small, work))

    def scaled(t: Tensor, factor_big: float, factor_small: float) -> Tensor:
        # Every Where branch a tensor: TorchScript's scalar type analysis would compute a Where
        # between two 0-dim float64 constants in float32 (2^-600 -> 0).
        return op.Where(is_big, op.Mul(t, op.const(factor_big, work)),
                        op.Where(is_small, op.Mul(t, op.const(factor_small, work)), t))

    sa, sb = scaled(a, down, up), scaled(b, down, up)
    result = scaled(op.Sqrt(op.Add(op.Mul(sa, sa), op.Mul(sb, sb))), 1.0 / down, 1.0 / up)
    inf = op.Or(_ew.is_inf(a, work), _ew.is_inf(b, work))
    return _ew.finish(op.Where(inf, op.const(math.inf, work), result), work, out)


def _copysign(magnitude: Tensor, negative: Tensor) -> Tensor:
    a = op.Abs(magnitude)
    return op.Where(negative, op.Neg(a), a)


@_symbolic("aten::copysign.Tensor")
@_ew.rank0_safe
def copysign(self: Tensor, other: Tensor) -> Tensor:
    """copysign.Tensor(Tensor self, Tensor other) -> Tensor

    ``|self|`` negated where ``other``'s sign bit is set (-0 included). The sign of a nan
    ``other`` cannot be read in ONNX (no BitCast before opset 26): nan counts as positive.
    Exact (0 ULP).
    """
    out, work = _ew.float_dtypes(self, other)
    b = _ew.to(other, work)
    return _ew.finish(_copysign(_ew.to(self, work), _ew.signbit(b, work)), work, out)


@_symbolic("aten::copysign.Scalar")
@_ew.rank0_safe
def copysign_scalar(self: Tensor, other: float) -> Tensor:
    """copysign.Scalar(Tensor self, Scalar other) -> Tensor

    ``|self|`` or ``-|self|``, decided at export time from the constant ``other``. Exact.
    """
    out, work = _ew.float_dtypes(self, other)
    a = op.Abs(_ew.to(self, work))
    return _ew.finish(op.Neg(a) if math.copysign(1.0, other) < 0 else a, work, out)


@_symbolic("aten::signbit", dynamo=("aten::signbit", "prims::signbit"))
@_ew.rank0_safe
def signbit(self: Tensor) -> Tensor:
    """signbit(Tensor self) -> Tensor

    ``x < 0``, or ``x == 0 and 1/x < 0`` for -0; false for integers. The sign of a nan is not
    observable in ONNX before opset 26 (no BitCast): nan gives false. Exact.
    """
    dtype = op.dtype(self)
    if dtype in (torch.bool, torch.uint8):
        return _false_like(self)
    if not dtype.is_floating_point:
        return op.Less(self, op.const(0, dtype))
    work = op.compute_dtype(self)
    return _ew.signbit(_ew.to(self, work), work)


@_symbolic("aten::heaviside")
@_ew.rank0_safe
def heaviside(self: Tensor, values: Tensor) -> Tensor:
    """heaviside(Tensor self, Tensor values) -> Tensor

    ``values`` where ``self == 0``, else ``self > 0`` as 0/1 (nan gives 0, as eager). Exact.
    """
    out = _ew.result_dtype(self, values)
    work = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    x, v = _ew.to(self, work), _ew.to(values, work)
    zero = op.const(0.0 if work.is_floating_point else 0, work)
    eq = _math.equal(x, zero) if work.is_floating_point else op.Equal(x, zero)
    result = op.Where(eq, v, op.cast(op.Greater(x, zero), work))
    return _ew.finish(result, work, out)


def _scale(self: Tensor, factor: float) -> Tensor:
    out, work = _ew.float_dtypes(self)
    return _ew.finish(op.Mul(_ew.to(self, work), op.const(factor, work)), work, out)


@_symbolic("aten::deg2rad")
@_ew.rank0_safe
def deg2rad(self: Tensor) -> Tensor:
    """deg2rad(Tensor self) -> Tensor

    ``x * (pi / 180)`` with the constant rounded to the compute dtype, as eager. Exact (0 ULP).
    """
    return _scale(self, math.pi / 180.0)


@_symbolic("aten::rad2deg")
@_ew.rank0_safe
def rad2deg(self: Tensor) -> Tensor:
    """rad2deg(Tensor self) -> Tensor

    ``x * (180 / pi)`` with the constant rounded to the compute dtype, as eager. Exact (0 ULP).
    """
    return _scale(self, 180.0 / math.pi)


def _xlogy(x: Tensor, y: Tensor, work: torch.dtype, log1p: bool) -> Tensor:
    """Eager's ``isnan(y) ? nan : x == 0 ? 0 : x * log(y)`` (or log1p)."""
    if log1p:
        inf = op.const(math.inf, work)
        logy = op.Where(_math.equal(y, inf), inf, _math.log1p(y, work))
    else:
        logy = op.Log(y)
    zero = op.const(0.0, work)
    result = op.Where(_math.equal(x, zero), zero, op.Mul(x, logy))
    return op.Where(op.IsNaN(y), op.const(math.nan, work), result)


def _xlogy_any(self, other, log1p: bool) -> Tensor:
    out, work = _ew.float_dtypes(self, other)
    x = _ew.to(self, work)
    if isinstance(other, (bool, int, float)):
        # A constant y: its log is a constant too, taken here (TorchScript would evaluate an
        # arithmetic of 0-dim float64 constants in float32).
        y = float(torch.tensor(float(other), dtype=work))  # rounded to the compute dtype, as eager
        nan = op.const(math.nan, work)
        if math.isnan(y):
            return _ew.finish(op.Expand(nan, op.Shape(x)), work, out)
        logy = _python_log(y, log1p)
        zero = op.const(0.0, work)
        result = op.Where(_math.equal(x, zero), zero, op.Mul(x, op.const(logy, work)))
        return _ew.finish(result, work, out)
    return _ew.finish(_xlogy(x, _ew.to(other, work), work, log1p), work, out)


def _python_log(y: float, log1p: bool) -> float:
    """C's log(y) or log1p(y) of a Python float: -inf at the pole, nan below the domain."""
    pole = -1.0 if log1p else 0.0
    if y == pole:
        return -math.inf
    if y < pole:
        return math.nan
    if math.isinf(y):
        return math.inf
    return math.log1p(y) if log1p else math.log(y)


@_symbolic("aten::xlogy.Tensor")
@_ew.rank0_safe
def xlogy(self: Tensor, other: Tensor) -> Tensor:
    """xlogy.Tensor(Tensor self, Tensor other) -> Tensor

    ``x * log(y)``, 0 where x == 0 (also for y = 0, inf), nan where y is nan.
    Max error vs eager: float32 3 ULP, float64 2 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _xlogy_any(self, other, log1p=False)


@_symbolic("aten::xlogy.Scalar_Self")
@_ew.rank0_safe
def xlogy_scalar_self(self: float, other: Tensor) -> Tensor:
    """xlogy.Scalar_Self(Scalar self, Tensor other) -> Tensor

    As xlogy.Tensor with a constant ``self``.
    Max error vs eager: float32 2 ULP, float64 2 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _xlogy_any(self, other, log1p=False)


@_symbolic("aten::xlogy.Scalar_Other")
@_ew.rank0_safe
def xlogy_scalar_other(self: Tensor, other: float) -> Tensor:
    """xlogy.Scalar_Other(Tensor self, Scalar other) -> Tensor

    As xlogy.Tensor with a constant ``other``.
    Max error vs eager: float32 0 ULP, float64 0 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32);
    log(other) is taken at export time.
    """
    return _xlogy_any(self, other, log1p=False)


@_symbolic("aten::special_xlog1py")
@_ew.rank0_safe
def special_xlog1py(self: Tensor, other: Tensor) -> Tensor:
    """special_xlog1py(Tensor self, Tensor other) -> Tensor

    ``x * log1p(y)`` with an accurate log1p (``_math.log1p``), 0 where x == 0, nan where y is nan.
    Max error vs eager: float32 4 ULP, float64 3 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _xlogy_any(self, other, log1p=True)


@_symbolic("aten::special_xlog1py.self_scalar")
@_ew.rank0_safe
def special_xlog1py_self_scalar(self: float, other: Tensor) -> Tensor:
    """special_xlog1py.self_scalar(Scalar self, Tensor other) -> Tensor

    As special_xlog1py with a constant ``self``.
    Max error vs eager: float32 4 ULP, float64 3 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    return _xlogy_any(self, other, log1p=True)


@_symbolic("aten::special_xlog1py.other_scalar")
@_ew.rank0_safe
def special_xlog1py_other_scalar(self: Tensor, other: float) -> Tensor:
    """special_xlog1py.other_scalar(Tensor self, Scalar other) -> Tensor

    As special_xlog1py with a constant ``other``.
    Max error vs eager: float32 0 ULP, float64 0 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32);
    log1p(other) is taken at export time.
    """
    return _xlogy_any(self, other, log1p=True)


@_symbolic("aten::special_entr")
@_ew.rank0_safe
def special_entr(self: Tensor) -> Tensor:
    """special_entr(Tensor self) -> Tensor

    ``-x * log(x)`` for x > 0, 0 at 0, -inf below, nan kept, in eager's operation order
    (so entr(1) = -0).
    Max error vs eager: float32 3 ULP, float64 2 ULP (n=1e5 sweep, torch 2.13, onnxruntime 1.32).
    """
    def entr(x: Tensor, work: torch.dtype) -> Tensor:
        zero = op.const(0.0, work)
        result = op.Where(
            op.Greater(x, zero), op.Mul(op.Neg(x), op.Log(x)),
            op.Where(_math.equal(x, zero), zero, op.const(-math.inf, work)),
        )
        return op.Where(op.IsNaN(x), x, result)

    return _unary_float(self, entr)


# float_power computes in float64 whatever the inputs. eager's pow(Tensor, Scalar) has fast
# paths whose results differ from C's pow at the edges (sqrt(-0) = -0, sqrt(-inf) = nan,
# x*x*x rounds twice): they are reproduced for the exponents that take them (0 and 1, which
# eager fills with 1 and copies, are what pow gives anyway).
def _pow_scalar_exponent(x: Tensor, exponent: float) -> Tensor:
    f64 = torch.float64
    one = op.const(1.0, f64)
    if exponent == 0.5:
        return op.Sqrt(x)
    if exponent == -0.5:
        return op.Div(one, op.Sqrt(x))
    if exponent == -1.0:
        return op.Div(one, x)
    if exponent == 2.0:
        return op.Mul(x, x)
    if exponent == 3.0:
        return op.Mul(op.Mul(x, x), x)
    if exponent == -2.0:
        return op.Div(one, op.Mul(x, x))
    return op.Pow(x, op.const(exponent, f64))


@_symbolic("aten::float_power.Tensor_Tensor")
@_ew.rank0_safe
def float_power(self: Tensor, exponent: Tensor) -> Tensor:
    """float_power.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor

    ONNX Pow in float64 (C's pow; eager's vectorized pow differs from it by up to 1 ULP).
    Max error vs eager: 1 ULP (float64 result for every input dtype; n=1e5 sweep).
    """
    f64 = torch.float64
    return op.Pow(_ew.to(self, f64), _ew.to(exponent, f64))


@_symbolic("aten::float_power.Tensor_Scalar")
@_ew.rank0_safe
def float_power_tensor_scalar(self: Tensor, exponent: float) -> Tensor:
    """float_power.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor

    Pow in float64, with eager's fast paths for exponents ±0.5, -1, 2, 3, -2.
    Max error vs eager: 1 ULP (C's pow vs eager's; eager's sqrt is itself 1 ULP off the
    correctly rounded one on some inputs), 0 for the fast paths other than 0.5.
    """
    return _pow_scalar_exponent(_ew.to(self, torch.float64), float(exponent))


@_symbolic("aten::float_power.Scalar")
@_ew.rank0_safe
def float_power_scalar(self: float, exponent: Tensor) -> Tensor:
    """float_power.Scalar(Scalar self, Tensor exponent) -> Tensor

    ONNX Pow in float64; 1 everywhere for base 1 (as C's pow, even for a nan exponent).
    Max error vs eager: 1 ULP.
    """
    f64 = torch.float64
    return op.Pow(op.const(float(self), f64), _ew.to(exponent, f64))


def _fmax_fmin(self: Tensor, other: Tensor, take_other) -> Tensor:
    out = _ew.result_dtype(self, other)
    work = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    a, b = _ew.to(self, work), _ew.to(other, work)
    result = op.Where(take_other(b, a), b, a)  # ties (±0 among them) keep self, as eager
    if work.is_floating_point:
        result = op.Where(op.IsNaN(a), b, result)  # b where a is nan; a where b is nan
    return _ew.finish(result, work, out)


@_symbolic("aten::fmax", dynamo=("prims::fmax",))
@_ew.rank0_safe
def fmax(self: Tensor, other: Tensor) -> Tensor:
    """fmax(Tensor self, Tensor other) -> Tensor

    The larger operand, ignoring a nan one (nan only if both are); a tie (+0 vs -0) gives
    ``self``, as eager. Exact.
    """
    return _fmax_fmin(self, other, op.Greater)


@_symbolic("aten::fmin", dynamo=("prims::fmin",))
@_ew.rank0_safe
def fmin(self: Tensor, other: Tensor) -> Tensor:
    """fmin(Tensor self, Tensor other) -> Tensor

    The smaller operand, ignoring a nan one (nan only if both are); a tie (+0 vs -0) gives
    ``self``, as eager. Exact.
    """
    return _fmax_fmin(self, other, op.Less)


def _false_like(x: Tensor) -> Tensor:
    return op.Expand(op.const(False, torch.bool), op.Shape(x))


def _is_signed_inf(self: Tensor, value: float) -> Tensor:
    dtype = op.dtype(self)
    if not dtype.is_floating_point:
        return _false_like(self)
    work = op.compute_dtype(self)
    return _math.equal(_ew.to(self, work), op.const(value, work))


@_symbolic("aten::isposinf")
@_ew.rank0_safe
def isposinf(self: Tensor) -> Tensor:
    """isposinf(Tensor self) -> Tensor

    ``x == +inf``; all false for integers. Exact.
    """
    return _is_signed_inf(self, math.inf)


@_symbolic("aten::isneginf")
@_ew.rank0_safe
def isneginf(self: Tensor) -> Tensor:
    """isneginf(Tensor self) -> Tensor

    ``x == -inf``; all false for integers. Exact.
    """
    return _is_signed_inf(self, -math.inf)


@_symbolic("aten::isreal", dynamo=())
def isreal(self: Tensor) -> Tensor:
    """isreal(Tensor self) -> Tensor

    All true: real dtypes only (ONNX has no complex arithmetic). The dynamo exporter already
    folds eager's ``ones_like`` decomposition.
    """
    return op.Expand(op.const(True, torch.bool), op.Shape(self))


@_symbolic("aten::isclose")
@_ew.rank0_safe
def isclose(
    self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """isclose(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor

    Eager's ``self == other | (isfinite(|self - other|) & |self - other| <= atol + |rtol * other|)``
    (``| isnan(self) & isnan(other)`` with equal_nan), each step rounded to the input dtype as
    eager's kernels round it (float16 between every operation; integers in float32).
    """
    dtype = op.dtype(self)
    work = op.compute_dtype(self) if dtype.is_floating_point else torch.float32
    a, b = _ew.to(self, work), _ew.to(other, work)
    close = _math.equal(a, b) if dtype.is_floating_point else op.Equal(self, other)
    if dtype.is_floating_point and equal_nan:
        close = op.Or(close, op.And(op.IsNaN(a), op.IsNaN(b)))
    if rtol == 0 and atol == 0:
        return close
    # Float16 rounds after each operation, as eager's float16 kernels do.
    reduced = dtype in (torch.float16, torch.bfloat16)

    def rnd(t: Tensor) -> Tensor:
        return op.cast(op.cast(t, dtype), work) if reduced else t

    actual = op.Abs(rnd(op.Sub(a, b)))
    # atol + |rtol * other|, spelled atol - (-|...|): the dynamo exporter's optimizer drops an
    # Add of a constant below 1e-8 (atol's default) as a no-op.
    allowed = rnd(op.Sub(op.const(atol, work), op.Neg(op.Abs(rnd(op.Mul(b, op.const(rtol, work)))))))
    finite = op.Not(op.Or(op.IsNaN(actual), _ew.is_inf(actual, work)))
    return op.Or(close, op.And(finite, op.Not(op.Greater(actual, allowed))))


@_symbolic("aten::sgn")
@_ew.rank0_safe
def sgn(self: Tensor) -> Tensor:
    """sgn(Tensor self) -> Tensor

    Eager's ``(0 < x) - (x < 0)`` for real inputs: 0 for ±0 and nan (ONNX Sign gives nan and
    keeps -0). Exact.
    """
    dtype = op.dtype(self)
    if dtype == torch.bool:
        return op.Identity(self)
    work = torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype
    x = _ew.to(self, work)
    zero = op.const(0.0 if work.is_floating_point else 0, work)
    result = op.Sub(op.cast(op.Greater(x, zero), work), op.cast(op.Less(x, zero), work))
    return _ew.finish(result, work, dtype)


@_symbolic("aten::positive", dynamo=())
def positive(self: Tensor) -> Tensor:
    """positive(Tensor(a) self) -> Tensor(a)

    Identity (eager rejects bool). The dynamo exporter already decomposes it.
    """
    return op.Identity(self)


@_symbolic("aten::nextafter", dynamo=("prims::nextafter",))
@_ew.rank0_safe
def nextafter(self: Tensor, other: Tensor) -> Tensor:
    """nextafter(Tensor self, Tensor other) -> Tensor

    ``self`` moved one representable step toward ``other``: the step is ``2^e * eps`` for
    ``2^e <= |self| < 2^(e+1)`` (``_elementwise.floor_log2``, exact), halved when moving down
    from a power of two, never below the smallest subnormal; ``other`` where equal, nan if
    either is. float16 is stepped in float32 with float16's spacing (exact). Exact.
    """
    out = _ew.result_dtype(self, other)
    work = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    info = torch.finfo(out)
    a, b = _ew.to(self, work), _ew.to(other, work)
    zero = op.const(0.0, work)
    tiniest = op.const(float(info.tiny) * float(info.eps), work)  # smallest subnormal of out
    _, p = _ew.floor_log2(op.Abs(a), work)
    step = op.Mul(p, op.const(float(info.eps), work))
    upward = op.Greater(b, a)
    away_from_zero = op.Equal(upward, op.Greater(a, zero))
    toward_zero_step = op.Where(_math.equal(op.Abs(a), p), op.Mul(step, op.const(0.5, work)), step)
    step = op.Max(op.Where(away_from_zero, step, toward_zero_step), tiniest)
    result = op.Where(upward, op.Add(a, step), op.Sub(a, step))
    # Where over two constants is typed float32 by TorchScript's scalar type analysis (5e-324
    # and DBL_MAX would round), and arithmetic would flush the subnormal in onnxruntime: the
    # constants are expanded to a's shape instead.
    shape = op.Shape(a)

    def filled(value: float) -> Tensor:
        return op.Expand(op.const(value, work), shape)

    tiny = float(info.tiny) * float(info.eps)
    result = op.Where(_math.equal(a, zero), op.Where(upward, filled(tiny), filled(-tiny)), result)
    biggest = float(info.max)
    result = op.Where(_ew.is_inf(a, work), op.Where(op.Greater(a, zero), filled(biggest), filled(-biggest)), result)
    result = op.Where(_math.equal(a, b), b, result)
    result = op.Where(op.Or(op.IsNaN(a), op.IsNaN(b)), op.Add(a, b), result)
    return _ew.finish(result, work, out)


@_symbolic("aten::ldexp.Tensor")
@_ew.rank0_safe
def ldexp(self: Tensor, other: Tensor) -> Tensor:
    """ldexp.Tensor(Tensor self, Tensor other) -> Tensor

    As eager: a float ``self`` with an integral ``other`` keeps self's dtype and is scaled
    exactly, like C's ldexp (``_elementwise.ldexp``: no spurious overflow of ``2^other`` nor
    double rounding into subnormals); otherwise ``self * pow(2, other)`` with eager's dtypes
    (the power in float32 for an integral or float32 ``self``, else in self's dtype promoted
    with other's). Exact for integral exponents; 2 ULP for float ones in float32 and float64
    (eager's pow and C's may each round 2^other differently).
    """
    sdt, odt = op.dtype(self), op.dtype(other)
    if sdt.is_floating_point and not odt.is_floating_point:
        work = op.compute_dtype(self)
        x = _ew.to(self, work)
        # eager's kernel passes the exponent to C's ldexp as an int: 64-bit ones wrap to 32.
        if odt in (torch.int64, torch.uint64):
            other = op.cast(other, torch.int32)
        n = op.cast(other, work)
        if work != sdt:
            # float16 in float32: every product is exact there, and n is clamped so that
            # 0 * 2^n stays 0 (beyond the clamp the float16 result is 0 or inf anyway).
            n = op.Min(op.Max(n, op.const(-149.0, work)), op.const(127.0, work))
            return op.cast(op.Mul(x, op.Pow(op.const(2.0, work), n)), sdt)
        return _ew.ldexp(x, n, work)
    if not sdt.is_floating_point or sdt == torch.float32:
        pdtype, pwork = _ew.float_dtypes(2.0, other)
    else:  # eager: full({}, 2.0, self.dtype).pow(other)
        pdtype, pwork = _ew.float_dtypes(torch.empty((), dtype=sdt), other)
    p = _ew.finish(op.Pow(op.const(2.0, pwork), _ew.to(other, pwork)), pwork, pdtype)
    out, work = _ew.float_dtypes(self, _ew.like(other, pdtype))
    return _ew.finish(op.Mul(_ew.to(self, work), _ew.to(p, work, known=pdtype)), work, out)


@_symbolic("aten::frexp.Tensor", dynamo=("prims::frexp",))
@_ew.rank0_safe
def frexp(self: Tensor) -> tuple[Tensor, Tensor]:
    """frexp.Tensor(Tensor self) -> (Tensor mantissa, Tensor exponent)

    ``x = mantissa * 2^exponent`` with ``0.5 <= |mantissa| < 1`` and an int32 exponent, from
    the exact ``floor(log2 |x|)`` of ``_elementwise.floor_log2`` (subnormals included); ±0,
    ±inf and nan give ``(x, 0)``, as C's frexp. Exact.
    """
    dtype = op.dtype(self)
    work = op.compute_dtype(self)
    x = _ew.to(self, work)
    a = op.Abs(x)
    e, p = _ew.floor_log2(a, work)
    zero = op.const(0.0, work)
    special = op.Or(op.Or(_math.equal(a, zero), _ew.is_inf(a, work)), op.IsNaN(a))
    # x / 2^(e+1), spelled (x / 2^e) / 2 so that 2^(e+1) never overflows.
    mantissa = op.Where(special, x, op.Mul(op.Div(x, p), op.const(0.5, work)))
    exponent = op.Where(special, zero, op.Add(e, op.const(1.0, work)))
    return _ew.finish(mantissa, work, dtype), op.cast(exponent, torch.int32)


# --- end group G1 ---


# --- group L6 (issue 6 layout, *_copy family, scatter family) ---
# Pure layout ops: the TorchScript exporter has no symbolic for these names (the dynamo
# exporter decomposes them to ops it has: dynamo=()). Helpers in opset_patches/_layout.py.
from collections.abc import Sequence  # noqa: E402
from typing import Optional  # noqa: E402

from opset_patches import _layout as _l6  # noqa: E402
from opset_patches import _order as _l6_order  # noqa: E402


@_symbolic("aten::ravel", dynamo=())
def ravel(self: Tensor) -> Tensor:
    """ravel(Tensor(a) self) -> Tensor(a)

    Reshape to [-1] (a row-major copy, as eager's for a non-contiguous input). Exact.
    """
    return _l6.flat(self)


@_symbolic("aten::mT", dynamo=())
def mT(self: Tensor) -> Tensor:
    """mT(Tensor(a) self) -> Tensor(a)

    Transpose of the last two dims (rank >= 2). Exact.
    """
    return _l6.swap_last(self, "mT")


@_symbolic("aten::mH", dynamo=())
def mH(self: Tensor) -> Tensor:
    """mH(Tensor(a) self) -> Tensor(a)

    As mT: ONNX tensors are real, where the conjugate is the identity. Exact.
    """
    return _l6.swap_last(self, "mH")


@_symbolic("aten::matrix_H", dynamo=())
def matrix_H(self: Tensor) -> Tensor:
    """matrix_H(Tensor(a) self) -> Tensor(a)

    Transpose of a 2-D (real) tensor. Exact.
    """
    if op.rank(self) != 2:
        raise OpfillError(f"matrix_H: needs a 2-D tensor (got rank {op.rank(self)})")
    return _l6.swap_last(self, "matrix_H")


@_symbolic("aten::alias_copy", dynamo=())
def alias_copy(self: Tensor) -> Tensor:
    """alias_copy(Tensor self) -> Tensor

    Identity. Exact.
    """
    return op.Identity(self)


@_symbolic("aten::expand_copy", dynamo=())
def expand_copy(self: Tensor, size: Sequence[int], implicit: bool = False) -> Tensor:
    """expand_copy(Tensor self, SymInt[] size, *, bool implicit=False) -> Tensor

    Expand to ``size``, each -1 taking the input's (dynamic) dim. Sizes must be constants.
    """
    return op.Expand(self, _l6.shape_with(self, list(size)))


@_symbolic("aten::permute_copy", dynamo=())
def permute_copy(self: Tensor, dims: Sequence[int]) -> Tensor:
    """permute_copy(Tensor self, int[] dims) -> Tensor

    Transpose with the dims made non-negative. Exact.
    """
    rank = op.rank(self)
    return _l6.transpose(self, [_l6_order.wrap_dim(d, rank) for d in dims])


@_symbolic("aten::t_copy", dynamo=())
def t_copy(self: Tensor) -> Tensor:
    """t_copy(Tensor self) -> Tensor

    Transpose of a 2-D tensor; 0-D and 1-D ones unchanged, as eager. Exact.
    """
    if op.rank(self) < 2:
        return op.Identity(self)
    return _l6.swap_last(self, "t_copy")


@_symbolic("aten::transpose_copy.int", dynamo=())
def transpose_copy(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """transpose_copy.int(Tensor self, int dim0, int dim1) -> Tensor

    Transpose swapping the two (wrapped) dims. Exact.
    """
    rank = op.rank(self)
    perm = list(range(rank))
    if rank:
        a, b = _l6_order.wrap_dim(dim0, rank), _l6_order.wrap_dim(dim1, rank)
        perm[a], perm[b] = perm[b], perm[a]
    return _l6.transpose(self, perm)


@_symbolic("aten::view_copy", dynamo=())
def view_copy(self: Tensor, size: Sequence[int]) -> Tensor:
    """view_copy(Tensor self, SymInt[] size) -> Tensor

    Reshape to the constant ``size`` (one -1 allowed); a 0 in ``size`` needs opset 14
    (Reshape's allowzero). Exact.
    """
    # Only a literal 0 needs the zero-safe form (which cannot resolve a -1).
    return _l6.reshape(self, _l6_order.ints(list(size)), len(size) if 0 in size else None)


@_symbolic("aten::squeeze_copy", dynamo=())
def squeeze_copy(self: Tensor) -> Tensor:
    """squeeze_copy(Tensor self) -> Tensor

    Squeeze without axes: every size-1 dim dropped, decided at run time. Exact.
    (squeeze_copy.dim/.dims: symbolic_opset14.py.)
    """
    return op.Squeeze(self)


@_symbolic("aten::unsqueeze_copy", dynamo=())
def unsqueeze_copy(self: Tensor, dim: int) -> Tensor:
    """unsqueeze_copy(Tensor self, int dim) -> Tensor

    Unsqueeze at ``dim`` wrapped over rank + 1. Exact.
    """
    return _l6_order.unsqueeze(self, [_l6_order.wrap_dim(dim, op.rank(self) + 1)])


# --- end group L6 ---


# --- group B6 (issue 6 BLAS-like, statistics, remaining scans/reductions/order statistics) ---
from collections.abc import Sequence  # noqa: E402
from typing import Optional  # noqa: E402

from opset_patches import _blas, _order  # noqa: E402


@_symbolic("aten::addbmm", dynamo=())  # the dynamo decomposition (bmm, sum, add) exports
def addbmm(self: Tensor, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """addbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor

    beta * self + alpha * sum_b batch1[b] @ batch2[b] (MatMul, ReduceSum over the batch axis;
    an empty batch sums to 0); beta = 0 ignores self's values (NaN too), as eager. float16 is
    computed in float32 and rounded once (eager rounds after each batch: a few ULP apart).
    """
    dtype = op.dtype(self)
    _blas.check_scalars("addbmm", dtype, beta=beta, alpha=alpha)
    product = _order.reduce("Sum", _blas.matmul(batch1, batch2, dtype), [0], False)
    return _blas.from_work(_blas.beta_self_plus(self, product, beta, alpha, dtype), dtype)


@_symbolic("aten::addmv", dynamo=())  # the dynamo decomposition (mv, mul, add) exports
def addmv(self: Tensor, mat: Tensor, vec: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """addmv(Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor

    beta * self + alpha * (mat @ vec) (MatMul); beta = 0 ignores self's values, as eager.
    Summation order is onnxruntime's, not the BLAS's: a few ULP of the terms' scale apart.
    """
    dtype = op.dtype(self)
    _blas.check_scalars("addmv", dtype, beta=beta, alpha=alpha)
    product = _blas.matmul(mat, vec, dtype)
    return _blas.from_work(_blas.beta_self_plus(self, product, beta, alpha, dtype), dtype)


@_symbolic("aten::addr", dynamo=())  # the dynamo decomposition (outer, mul, add) exports
def addr(self: Tensor, vec1: Tensor, vec2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """addr(Tensor self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor

    beta * self + alpha * outer(vec1, vec2) (Unsqueeze, Mul); bool inputs: self or (vec1 and
    vec2), as eager; beta = 0 ignores self's values.
    """
    dtype = op.dtype(self)
    if dtype == torch.bool:
        outer_ = op.And(_order.unsqueeze(vec1, [1]), _order.unsqueeze(vec2, [0]))
        outer_ = outer_ if alpha else op.And(outer_, op.const(False, torch.bool))
        return op.Or(self, outer_) if beta else op.Expand(outer_, op.Shape(self))
    outer_ = op.Mul(_order.unsqueeze(_blas.to_work(vec1, dtype), [1]),
                    _order.unsqueeze(_blas.to_work(vec2, dtype), [0]))
    _blas.check_scalars("addr", dtype, beta=beta, alpha=alpha)
    if dtype in (torch.float16, torch.bfloat16):
        outer_ = op.cast(op.cast(outer_, dtype), torch.float32)  # eager rounds the product
    return _blas.from_work(_blas.beta_self_plus(self, outer_, beta, alpha, dtype), dtype)


@_symbolic("aten::addcdiv", dynamo=())  # the dynamo decomposition exports
def addcdiv(self: Tensor, tensor1: Tensor, tensor2: Tensor, value: float = 1) -> Tensor:
    """addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor

    self + value * tensor1 / tensor2 in eager's order ((value * t1) / t2, then the sum);
    float16 in float32, rounded once, as eager's opmath kernel. Integer inputs are rejected
    by eager.
    """
    dtype = op.dtype(self)
    if dtype not in _order.FLOATS:
        raise OpfillError("addcdiv: integer division with addcdiv is not supported (eager rejects it too)")
    work = _blas.work_dtype(dtype)
    rank = max(op.rank(self), op.rank(tensor1), op.rank(tensor2))
    # All 0-d: lifted to [1] (the TorchScript exporter's scalar type analysis would compute
    # 0-d operands in float32).
    s, t1, t2 = (_order.unsqueeze(t, [0]) if rank == 0 else t for t in (self, tensor1, tensor2))
    t1, t2 = _blas.to_work(t1, dtype), _blas.to_work(t2, dtype)
    quotient = op.Div(op.Mul(_blas.const_rank(value, work, max(rank, 1)), t1), t2)
    out = _blas.from_work(op.Add(_blas.to_work(s, dtype), quotient), dtype)
    return _order.squeeze(out, [0]) if rank == 0 else out


@_symbolic("aten::inner", dynamo=())  # the dynamo decomposition (matmul) exports
def inner(self: Tensor, other: Tensor) -> Tensor:
    """inner(Tensor self, Tensor other) -> Tensor

    Contraction of the last dims: both flattened to 2-D (Flatten), MatMul with the transposed
    other, reshaped to self.shape[:-1] + other.shape[:-1]; a 0-d operand multiplies.
    """
    dtype = op.dtype(self)
    ra, rb = op.rank(self), op.rank(other)
    if ra == 0 or rb == 0:
        return op.Mul(self, other)
    a = op.Flatten(self, axis=ra - 1)
    b = op.Flatten(other, axis=rb - 1)
    out = _blas.matmul(a, op.Transpose(b, perm=[1, 0]), dtype)
    parts = [_order.slice_axis(op.Shape(t), 0, 0, r - 1) for t, r in ((self, ra), (other, rb)) if r > 1]
    shape = op.Concat(*parts, axis=0) if len(parts) == 2 else (parts[0] if parts else _order.ints([]))
    return _blas.from_work(op.Reshape(out, shape), dtype)


@_symbolic("aten::vdot", dynamo=())  # the dynamo decomposition exports
def vdot(self: Tensor, other: Tensor) -> Tensor:
    """vdot(Tensor self, Tensor other) -> Tensor

    ReduceSum(self * other) for real 1-D tensors (float16 in float32, rounded once).
    """
    dtype = op.dtype(self)
    if op.rank(self) != 1 or op.rank(other) != 1:
        raise OpfillError("vdot: expects 1-D tensors")
    prod = op.Mul(_blas.to_work(self, dtype), _blas.to_work(other, dtype))
    return _blas.from_work(_order.reduce("Sum", prod, None, False), dtype)


@_symbolic("aten::dist", dynamo=())  # the dynamo decomposition (sub, linalg_vector_norm) exports
def dist(self: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """dist(Tensor self, Tensor other, Scalar p=2) -> Tensor

    vector_norm(self - other, p) over every element (_blas.vector_norm: p = 0, 1, 2, +-inf
    and any other p); float16: the difference rounded to float16, the norm in float32.
    """
    dtype = op.dtype(self)
    if dtype not in _order.FLOATS:
        raise OpfillError("dist: eager supports floating inputs only")
    diff = op.Sub(_blas.to_work(self, dtype), _blas.to_work(other, dtype))
    if _blas.work_dtype(dtype) != dtype:
        diff = _blas.to_work(op.cast(diff, dtype), dtype)
    rank = max(op.rank(self), op.rank(other))
    norm = _blas.vector_norm(diff, float(p), None, False, _blas.work_dtype(dtype), rank)
    return _blas.from_work(norm, dtype)


@_symbolic("aten::renorm", dynamo=())  # the dynamo decomposition exports
def renorm(self: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """renorm(Tensor self, Scalar p, int dim, Scalar maxnorm) -> Tensor

    Each slice along ``dim`` whose p-norm (over the other dims) exceeds maxnorm is scaled
    by maxnorm / (norm + 1e-7), as eager (norm in float32 for float16 inputs).
    """
    dtype = op.dtype(self)
    if dtype not in _order.FLOATS:
        raise OpfillError("renorm: eager supports floating inputs only")
    if p <= 0:
        raise OpfillError("renorm: p must be positive")
    rank = op.rank(self)
    d = _order.wrap_dim(dim, rank)
    axes = [a for a in range(rank) if a != d]
    work = _blas.work_dtype(dtype)
    x = _blas.to_work(self, dtype)
    norm = _blas.vector_norm(x, float(p), axes, True, work, rank) if axes else op.Abs(x)
    factor = op.Div(op.const(float(maxnorm), work), op.Add(norm, op.const(1e-7, work)))
    factor = op.Where(op.Greater(norm, op.const(float(maxnorm), work)), factor, op.const(1.0, work))
    return op.Mul(self, op.cast(factor, dtype) if work != dtype else factor)


def _b6_trapezoid_dx(y: Tensor, dx: float, dim: int) -> Tensor:
    """(sum(y) - (y[0] + y[-1]) / 2) * dx along dim (eager's formula); an empty dim gives 0:
    the end values are sums of 1-element Slices, 0 where the dim is empty."""
    dtype = op.dtype(y)
    if dtype == torch.bool:
        raise OpfillError("trapezoid: bool inputs are not supported (eager rejects them)")
    rank = op.rank(y)
    d = _order.wrap_dim(dim, rank)
    floating = dtype in _order.FLOATS
    acc = _blas.work_dtype(dtype) if floating else torch.int64
    out_dtype = dtype if floating else torch.float32
    r = _blas.round_steps(dtype)
    yw = op.cast(y, acc) if acc != dtype else y
    # Reduced with keepdims (constants of y's rank), the axis dropped at the end: a 0-d
    # intermediate would be computed in float32 by the TorchScript exporter's scalar type analysis.
    total = r(_order.reduce("Sum", yw, [d], True))
    ends = r(op.Add(_order.reduce("Sum", _order.slice_axis(yw, d, 0, 1), [d], True),
                    _order.reduce("Sum", _order.slice_axis(yw, d, -1, 2**63 - 1), [d], True)))
    if not floating:
        total, ends = op.cast(total, torch.float32), op.cast(ends, torch.float32)
    work = _blas.work_dtype(out_dtype)
    out = r(op.Sub(total, r(op.Mul(ends, _blas.const_rank(0.5, work, rank)))))
    out = r(op.Mul(out, _blas.const_rank(float(dx), work, rank)))
    return _order.squeeze(_blas.from_work(out, out_dtype), [d])


def _b6_trapezoid_x(y: Tensor, x: Tensor, dim: int) -> Tensor:
    terms, d, common, out_dtype = _blas.trapezoid_terms(y, x, dim)
    r = _blas.round_steps(common)
    rank = max(op.rank(y), op.rank(x))
    total = r(_order.reduce("Sum", terms, [d], True))  # keepdims: see _b6_trapezoid_dx
    if common not in _order.FLOATS:
        total = op.cast(total, torch.float32)
    out = r(op.Div(total, _blas.const_rank(2.0, _blas.work_dtype(out_dtype), rank)))
    return _order.squeeze(_blas.from_work(out, out_dtype), [d])


@_symbolic("aten::trapezoid.dx", dynamo=())  # the dynamo decomposition exports
def trapezoid_dx(y: Tensor, dx: float = 1, dim: int = -1) -> Tensor:
    """trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor

    (sum(y) - (y[0] + y[-1]) * 0.5) * dx along dim, eager's formula (ReduceSum, Slice);
    integers sum exactly in int64 and give float32; float16 rounds each step; an empty dim
    gives zeros.
    """
    return _b6_trapezoid_dx(y, dx, dim)


@_symbolic("aten::trapezoid.x", dynamo=())
def trapezoid_x(y: Tensor, x: Tensor, dim: int = -1) -> Tensor:
    """trapezoid.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor

    sum((y[:-1] + y[1:]) * diff(x)) / 2 along dim, eager's formula; a 1-D x lies along dim,
    a lower-rank one broadcasts from the right, as eager views it.
    """
    return _b6_trapezoid_x(y, x, dim)


@_symbolic("aten::trapz.dx", dynamo=())
def trapz_dx(y: Tensor, dx: float = 1.0, dim: int = -1) -> Tensor:
    """trapz.dx(Tensor y, *, float dx=1., int dim=-1) -> Tensor

    trapezoid.dx.
    """
    return _b6_trapezoid_dx(y, dx, dim)


@_symbolic("aten::trapz.x", dynamo=())
def trapz_x(y: Tensor, x: Tensor, dim: int = -1) -> Tensor:
    """trapz.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor

    trapezoid.x.
    """
    return _b6_trapezoid_x(y, x, dim)


@_symbolic("aten::sum_to_size", dynamo=())  # torch.export traces it into sum
def sum_to_size(self: Tensor, size: Sequence[int]) -> Tensor:
    """sum_to_size(Tensor self, SymInt[] size) -> Tensor

    ReduceSum over self's leading extra dims and over the dims where ``size`` is 1 (a size-1
    dim of self sums to itself), as eager's sum_to: floats keep their dtype (float16 summed in
    float32), integers and bool sum to int64; nothing to reduce returns self.
    """
    rank = op.rank(self)
    size = [int(s) for s in size]
    lead = rank - len(size)
    if lead < 0:
        raise OpfillError("sum_to_size: size has more dims than the tensor")
    x = self
    dtype = op.dtype(self)
    if not lead and not [s for s in size if s == 1]:
        return op.Identity(self)
    half = dtype in (torch.float16, torch.bfloat16)
    if half:
        x = op.cast(x, torch.float32)
    elif dtype not in _order.FLOATS and dtype != torch.int64:
        x, dtype = op.cast(x, torch.int64), torch.int64  # eager's sum gives int64
    if lead:
        x = _order.reduce("Sum", x, list(range(lead)), False)
    ones = [i for i, s in enumerate(size) if s == 1]
    if ones:
        x = _order.reduce("Sum", x, ones, True)
    return op.cast(x, dtype) if half else x


@_symbolic("aten::argwhere", dynamo=())  # the dynamo decomposition (nonzero) exports
def argwhere(self: Tensor) -> Tensor:
    """argwhere(Tensor self) -> Tensor

    Transpose(NonZero(self != 0)): [count, rank] int64 indices in row-major order (NaN is
    nonzero, -0.0 zero); a 0-d input gives [count, 0]. (onnxruntime's NonZero has no float64
    kernel: it runs on the bool mask.)
    """
    dtype = op.dtype(self)
    x = self if dtype == torch.bool else op.Not(op.equal(self, op.const(0, dtype)))
    if op.rank(self) == 0:
        idx = op.Transpose(op.NonZero(op.Reshape(x, _order.ints([1]))), perm=[1, 0])
        return _order.slice_axis(idx, 1, 0, 0)
    return op.Transpose(op.NonZero(x), perm=[1, 0])


@_symbolic("aten::masked_select")
def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """masked_select(Tensor self, Tensor mask) -> Tensor

    _blas.masked_select (Expand both ways, Compress). torch's own TorchScript symbolic starts
    at opset 11 (and fails where self broadcasts against the mask); this serves opsets 9 and
    10 and the dynamo exporter, which has none.
    """
    return _blas.masked_select(self, mask)
def _b6_cov(self: Tensor, correction: int, fweights: Tensor | None, aweights: Tensor | None) -> Tensor:
    """Eager's cov (aten/native/Correlation.cpp) step for step, in float (integers in float32)."""
    dtype = op.dtype(self)
    rank = op.rank(self)
    if rank > 2:
        raise OpfillError("cov: expects a tensor of at most 2 dims")
    work = dtype if dtype in (torch.float32, torch.float64) else torch.float32
    x = op.Reshape(self, _order.ints([1, -1])) if rank < 2 else self
    x = op.cast(x, work) if work != dtype else x
    w = None
    if fweights is not None:
        w = op.cast(fweights, work)
    if aweights is not None:
        aw = op.cast(aweights, work) if op.dtype(aweights) != work else aweights
        w = aw if w is None else op.Mul(w, aw)
    if w is None:
        w_sum = op.cast(_order.size(x, 1), work)
        avg = op.Div(_order.reduce("Sum", x, [1], True), w_sum)
    else:
        w_sum = _order.reduce("Sum", w, None, False)
        avg = op.Div(_order.reduce("Sum", op.Mul(x, w), [1], True), w_sum)
    if w is not None and aweights is not None and correction != 0:
        waw = _order.reduce("Sum", op.Mul(w, aw), None, False)
        norm = op.Sub(w_sum, op.Div(op.Mul(op.const(float(correction), work), waw), w_sum))
    else:
        norm = op.Sub(w_sum, op.const(float(correction), work))
    zero = op.const(0.0, work)
    norm = op.Where(op.Greater(norm, zero), norm, zero)  # eager: degrees of freedom <= 0 divide by 0
    xc = op.Sub(x, avg)
    c = op.MatMul(xc, op.Transpose(xc if w is None else op.Mul(xc, w), perm=[1, 0]))
    out = op.Div(c, norm)
    out = op.Reshape(out, _order.ints([])) if rank < 2 else out
    return op.cast(out, dtype) if dtype in _order.FLOATS and work != dtype else out


@_symbolic("aten::cov", dynamo=())  # torch.export cannot trace it (data-dependent checks in eager)
def cov(self: Tensor, correction: int = 1, fweights: Optional[Tensor] = None, aweights: Optional[Tensor] = None) -> Tensor:
    """cov(Tensor self, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None) -> Tensor

    Eager's formula (weighted mean, MatMul of the centred observations, divided by the
    degrees of freedom, 0 where they are <= 0); integers in float32. Limit: eager's final
    squeeze() drops every size-1 dim, which depends on runtime sizes: a 2-D input here always
    gives [V, V] (one variable: [1, 1] where eager gives a 0-d tensor); 0-d and 1-D inputs
    give a 0-d result as eager. Eager's runtime checks on the weights are not replicated.
    Dynamo: torch.export cannot trace ATen's cov (CompositeImplicitAutograd), static shapes
    too: it tests norm_factor <= 0 on the data (aten.equal: DataDependentOutputException)
    and reads self.size(i) as ints; only torch can fix that (TorchScript only here).
    """
    return _b6_cov(self, int(correction), fweights, aweights)


@_symbolic("aten::corrcoef", dynamo=())  # torch.export cannot trace it (it calls cov)
def corrcoef(self: Tensor) -> Tensor:
    """corrcoef(Tensor self) -> Tensor

    cov, divided by the standard deviations (the diagonal, read through EyeLike) along rows
    and columns, clipped to [-1, 1] (NaN kept); a 0-d covariance gives c / c, as eager. Same
    size-1 limit as cov. Dynamo: torch.export cannot trace it (ATen's corrcoef calls cov, see
    there).
    """
    c = _b6_cov(self, 1, None, None)
    dtype = op.dtype(self)
    work = dtype if dtype in (torch.float32, torch.float64) else torch.float32
    if op.rank(self) < 2:
        return op.Div(c, c)
    eye = op.cast(op.EyeLike(c), torch.bool)
    zero, one = op.const(0.0, work), op.const(1.0, work)
    std = op.Sqrt(_order.reduce("Sum", op.Where(eye, c, zero), [1], False))
    c = op.Div(op.Div(c, _order.unsqueeze(std, [1])), _order.unsqueeze(std, [0]))
    minus_one = op.const(-1.0, work)
    c = op.Where(op.Less(c, minus_one), minus_one, op.Where(op.Greater(c, one), one, c))
    return op.cast(c, dtype) if dtype in _order.FLOATS and work != dtype else c


@_symbolic("aten::bilinear", dynamo=())  # torch.export traces it into _trilinear, which exports
def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None) -> Tensor

    y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]: leading dims flattened
    (Flatten), x1 @ W viewed as [I, O*J] (Transpose, MatMul), times x2 and summed over j
    (ReduceSum), reshaped back. Summation order differs from eager's _trilinear (a few ULP
    of the terms' scale).
    """
    dtype = op.dtype(input1)
    r1 = op.rank(input1)
    if r1 == 0:
        raise OpfillError("bilinear: inputs must have at least one dim")
    x1 = _blas.to_work(op.Flatten(input1, axis=r1 - 1), dtype)  # [B, I]
    x2 = _blas.to_work(op.Flatten(input2, axis=op.rank(input2) - 1), dtype)  # [B, J]
    w = _blas.to_work(weight, dtype)
    w_shape = op.Shape(weight)
    o = _order.slice_axis(w_shape, 0, 0, 1)
    i = _order.slice_axis(w_shape, 0, 1, 2)
    j = _order.slice_axis(w_shape, 0, 2, 3)
    wt = op.Reshape(op.Transpose(w, perm=[1, 0, 2]), op.Concat(i, _order.ints([-1]), axis=0))  # [I, O*J]
    t = op.Reshape(op.MatMul(x1, wt), op.Concat(_order.ints([-1]), o, j, axis=0))  # [B, O, J]
    t = _blas.round_steps(dtype)(t)  # eager's float16 _trilinear rounds (and overflows) here
    y = _order.reduce("Sum", op.Mul(t, _order.unsqueeze(x2, [1])), [2], False)  # [B, O]
    if bias is not None:
        y = op.Add(y, _blas.to_work(bias, dtype))
    lead = _order.slice_axis(op.Shape(input1), 0, 0, r1 - 1)
    y = op.Reshape(y, op.Concat(lead, o, axis=0) if r1 > 1 else o)
    return _blas.from_work(y, dtype)


def _b6_gradient_scalars(self: Tensor, spacing, dim, edge_order: int) -> Tensor:
    sizes = None if spacing is None or isinstance(spacing, (int, float)) else len(spacing)
    dims = _blas.gradient_dims(op.rank(self), dim, sizes)
    if spacing is None:
        steps = [1.0] * len(dims)
    elif isinstance(spacing, (int, float)):
        steps = [spacing] * len(dims)
    else:
        steps = list(spacing)
    return _blas.gradient_uniform(self, steps, dims, edge_order)


# torch.gradient returns Tensor[]: each form returns a Python list (the TorchScript exporter
# gets a prim::ListConstruct, which its prim::ListUnpack and list-taking symbolics unpack;
# the dynamo exporter takes the list as the node's outputs). By default the dynamo exporter
# decomposes torch.gradient (slices and arithmetic) and exports that.
@_symbolic("aten::gradient.scalarint", dynamo=())
def gradient_scalarint(self: Tensor, spacing: Optional[float] = None, dim: Optional[int] = None,
                       edge_order: int = 1) -> Tensor:
    """gradient.scalarint(Tensor self, *, Scalar? spacing=None, int? dim=None, int edge_order=1) -> Tensor[]

    Eager's gradient_helper_float step for step, one tensor per dim (_blas.gradient_uniform):
    (x[2:] - x[:-2]) / h / 2 inside; (x[1] - x[0]) / h at the ends for edge_order 1, the
    second-order one-sided formulas for 2; concatenated along the dim (Slice, Sub, Div,
    Concat), in eager's dtypes (integers give float32). Exact (0 ULP, float32/float64) and
    shape-generic: every dim may be dynamic. Eager rejects dims shorter than edge_order + 1;
    the export does not check. TensorRT: Slice/Concat/Cast/arithmetic only (deployable).
    Dynamo: torch.export specializes every dim of the input (ATen's pre_check_gradient reads
    self.size(i) as an int) before the ONNX step; static shapes export, through torch's
    decomposition by default (dynamo=()) or this function under an override. TorchScript
    cannot trace the Scalar[] overloads (torch.jit.trace rejects a Scalar[] argument).
    """
    return _b6_gradient_scalars(self, spacing, dim, edge_order)


@_symbolic("aten::gradient.scalararray", dynamo=())
def gradient_scalararray(self: Tensor, spacing: float, dim: Sequence[int], edge_order: int = 1) -> Tensor:
    """gradient.scalararray(Tensor self, *, Scalar spacing, int[] dim, int edge_order=1) -> Tensor[]

    As gradient.scalarint, one step for every dim listed.
    """
    return _b6_gradient_scalars(self, spacing, dim, edge_order)


@_symbolic("aten::gradient.array", dynamo=())
def gradient_array(self: Tensor, dim: Sequence[int], edge_order: int = 1) -> Tensor:
    """gradient.array(Tensor self, *, int[] dim, int edge_order=1) -> Tensor[]

    As gradient.scalarint with step 1 along every dim listed.
    """
    return _b6_gradient_scalars(self, None, dim, edge_order)


@_symbolic("aten::gradient.scalarrayint", dynamo=())
def gradient_scalarrayint(self: Tensor, spacing: Sequence[float], dim: Optional[int] = None,
                          edge_order: int = 1) -> Tensor:
    """gradient.scalarrayint(Tensor self, *, Scalar[] spacing, int? dim=None, int edge_order=1) -> Tensor[]

    As gradient.scalarint with one step per dim.
    """
    return _b6_gradient_scalars(self, spacing, dim, edge_order)


@_symbolic("aten::gradient.scalarrayarray", dynamo=())
def gradient_scalarrayarray(self: Tensor, spacing: Sequence[float], dim: Sequence[int],
                            edge_order: int = 1) -> Tensor:
    """gradient.scalarrayarray(Tensor self, *, Scalar[] spacing, int[] dim, int edge_order=1) -> Tensor[]

    As gradient.scalarint with one step per dim listed.
    """
    return _b6_gradient_scalars(self, spacing, dim, edge_order)


@_symbolic("aten::gradient.tensorarrayint", dynamo=())
def gradient_tensorarrayint(self: Tensor, spacing: Sequence[Tensor], dim: Optional[int] = None,
                            edge_order: int = 1) -> Tensor:
    """gradient.tensorarrayint(Tensor self, *, Tensor[] spacing, int? dim=None, int edge_order=1) -> Tensor[]

    Eager's gradient_helper step for step (_blas.gradient_coordinates): from each dim's 1-D
    coordinates, the nonuniform second-order central difference a x[:-2] + b x[1:-1] +
    c x[2:] inside and one-sided ones at the ends, with eager's type promotion (coordinates
    and data may differ in dtype). Exact (0 ULP); coordinates may have a dynamic length.
    """
    dims = _blas.gradient_dims(op.rank(self), dim, len(spacing))
    return _blas.gradient_coordinates(self, spacing, dims, edge_order)


@_symbolic("aten::gradient.tensorarray", dynamo=())
def gradient_tensorarray(self: Tensor, spacing: Sequence[Tensor], dim: Sequence[int], edge_order: int = 1) -> Tensor:
    """gradient.tensorarray(Tensor self, *, Tensor[] spacing, int[] dim, int edge_order=1) -> Tensor[]

    As gradient.tensorarrayint, one coordinate tensor per dim listed.
    """
    dims = _blas.gradient_dims(op.rank(self), dim, len(spacing))
    return _blas.gradient_coordinates(self, spacing, dims, edge_order)


# --- end group B6 ---


# --- group N7 (issue 7 losses and nn/vision) ---
from opset_patches import _nn, _order  # noqa: E402,F811
from typing import Optional as _N7Optional  # noqa: E402
from collections.abc import Sequence  # noqa: E402,F811


def _n7_pair(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor, _nn.Num]:
    num = _nn.Num(_nn.float_dtype(a, b))
    return num.input(a), num.input(b), num


@_symbolic("aten::l1_loss", dynamo=())  # the dynamo exporter decomposes it (Abs, Sub, ReduceMean)
def l1_loss(self: Tensor, target: Tensor, reduction: int = 1) -> Tensor:
    """l1_loss(Tensor self, Tensor target, int reduction=1) -> Tensor

    |self - target| (Abs, Sub; integers stay integers for reduction none, as eager), then the
    reduction (ReduceSum, Div by Size for the mean). TensorRT: all parsable.
    """
    if op.dtype(self) not in _nn.HALF + (torch.float32, torch.float64) and reduction == _nn.NONE:
        return op.Abs(op.Sub(self, target))
    x, y, num = _n7_pair(self, target)
    return _nn.reduce_loss(num.r(op.Abs(op.Sub(x, y))), reduction, num)


def _n7_smooth(self: Tensor, target: Tensor, reduction: int, cutoff: float, huber: bool) -> Tensor:
    x, y, num = _n7_pair(self, target)
    half = num.c(0.5)
    if huber:  # z < delta ? 0.5 z^2 : delta (z - delta / 2); float16: in float32, rounded once
        z = op.Abs(op.Sub(x, y))
        small = op.Mul(op.Mul(half, z), z)
        large = op.Mul(num.c(cutoff), op.Sub(z, num.c(0.5 * cutoff)))
    else:  # z < beta ? 0.5 z^2 / beta : z - beta / 2; float16: every step rounded, as eager
        z = num.r(op.Abs(op.Sub(x, y)))
        small = op.Div(num.r(op.Mul(num.r(op.Mul(half, z)), z)), num.c(cutoff))
        large = op.Sub(z, num.c(0.5 * cutoff))
    return _nn.reduce_loss(num.r(op.Where(op.Less(z, num.c(cutoff)), small, large)), reduction, num)


@_symbolic("aten::smooth_l1_loss", dynamo=())
def smooth_l1_loss(self: Tensor, target: Tensor, reduction: int = 1, beta: float = 1.0) -> Tensor:
    """smooth_l1_loss(Tensor self, Tensor target, int reduction=1, float beta=1.) -> Tensor

    Where(|d| < beta, 0.5 d^2 / beta, |d| - beta / 2) as eager's kernel; beta = 0 is l1_loss.
    Opset-9 elementwise ops and ReduceSum. TensorRT: all parsable.
    """
    if beta == 0.0:
        return l1_loss(self, target, reduction)
    return _n7_smooth(self, target, reduction, float(beta), huber=False)


@_symbolic("aten::huber_loss", dynamo=())
def huber_loss(self: Tensor, target: Tensor, reduction: int = 1, delta: float = 1.0) -> Tensor:
    """huber_loss(Tensor self, Tensor target, int reduction=1, float delta=1.) -> Tensor

    Where(|d| < delta, 0.5 d^2, delta (|d| - delta / 2)) as eager's kernel. TensorRT: all parsable.
    """
    return _n7_smooth(self, target, reduction, float(delta), huber=True)


@_symbolic("aten::margin_ranking_loss", dynamo=())
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 1) -> Tensor:
    """margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0., int reduction=1) -> Tensor

    clamp_min(-target (input1 - input2) + margin, 0) (nan kept, as eager); integer inputs
    multiply in int64 and promote at the float margin, as eager. TensorRT: all parsable.
    """
    dt = op.dtype(input1)
    if dt in _order.FLOATS:
        a, b, num = _n7_pair(input1, input2)
        t = num.input(target)
        prod = num.r(op.Mul(num.r(op.Neg(t)), num.r(op.Sub(a, b))))
    else:
        num = _nn.Num(torch.float32)
        prod = op.cast(op.Mul(op.Neg(target), op.Sub(input1, input2)), num.dt)
    z = num.r(op.Add(prod, num.c(float(margin))))
    return _nn.reduce_loss(_nn.clamp_min0(z, num), reduction, num)


@_symbolic("aten::hinge_embedding_loss", dynamo=())
def hinge_embedding_loss(self: Tensor, target: Tensor, margin: float = 1.0, reduction: int = 1) -> Tensor:
    """hinge_embedding_loss(Tensor self, Tensor target, float margin=1., int reduction=1) -> Tensor

    Where(target != 1, clamp_min(margin - self, 0), 0) + Where(target != -1, self, 0), eager's
    formula (targets other than +-1 take both terms). TensorRT: all parsable.
    """
    if op.dtype(self) not in _order.FLOATS:
        # Integers stay integers, the margin truncated to one, as eager.
        zero = op.const(0, op.dtype(self))
        hinge = op.Sub(op.const(int(margin), op.dtype(self)), self)
        hinge = op.Where(op.Less(hinge, zero), zero, hinge)  # integer Max needs opset 12
        not_pos = op.Not(op.Equal(target, op.const(1, op.dtype(target))))
        not_neg = op.Not(op.Equal(target, op.const(-1, op.dtype(target))))
        out = op.Add(op.Where(not_pos, hinge, zero), op.Where(not_neg, self, zero))
        if reduction != _nn.NONE:
            raise OpfillError("hinge_embedding_loss: eager has no mean/sum of integer losses; pass float inputs")
        return out
    x, t, num = _n7_pair(self, target)
    zero = num.c(0.0)
    hinge = _nn.clamp_min0(num.r(op.Sub(num.c(float(margin)), x)), num)
    not_pos = op.Not(_math.equal(t, num.c(1.0)))
    not_neg = op.Not(_math.equal(t, num.c(-1.0)))
    out = op.Add(op.Where(not_pos, hinge, zero), op.Where(not_neg, x, zero))
    return _nn.reduce_loss(num.r(out), reduction, num)


@_symbolic("aten::soft_margin_loss", dynamo=())
def soft_margin_loss(self: Tensor, target: Tensor, reduction: int = 1) -> Tensor:
    """soft_margin_loss(Tensor self, Tensor target, int reduction=1) -> Tensor

    log1p(exp(-self * target)) with log1p from Log and a rounding correction (_math.log1p).
    TensorRT: all parsable.
    """
    if op.dtype(self) not in _order.FLOATS:
        raise OpfillError("soft_margin_loss: eager has no integer kernel; pass float inputs")
    x, t, num = _n7_pair(self, target)
    e = num.r(op.Exp(num.r(op.Neg(num.r(op.Mul(x, t))))))
    # _math.log1p is meant for finite t; log1p(inf) is inf (IsInf needs opset 10: e >= 0).
    loss = op.Where(op.Greater(e, num.c(float(torch.finfo(num.dt).max))), e, _math.log1p(e, num.dt))
    return _nn.reduce_loss(num.r(loss), reduction, num)


@_symbolic("aten::poisson_nll_loss", dynamo=())
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    """poisson_nll_loss(Tensor input, Tensor target, bool log_input, bool full, float eps, int reduction) -> Tensor

    exp(input) - target input, or input - target log(input + eps); ``full`` adds the Stirling
    term target log(target) - target + log(2 pi target) / 2 where target > 1. TensorRT: all parsable.
    """
    x, t, num = _n7_pair(input, target)
    if log_input:
        loss = op.Sub(num.r(op.Exp(x)), num.r(op.Mul(t, x)))
    else:
        loss = op.Sub(x, num.r(op.Mul(t, num.r(op.Log(num.r(op.Add(x, num.c(float(eps)))))))))
    loss = num.r(loss)
    if full:
        tlogt = num.r(op.Mul(t, num.r(op.Log(t))))
        half_log = num.r(op.Mul(num.c(0.5), num.r(op.Log(num.r(op.Mul(num.c(2 * math.pi), t))))))
        stirling = num.r(op.Add(num.r(op.Sub(tlogt, t)), half_log))
        stirling = op.Where(op.Greater(t, num.c(1.0)), stirling, num.c(0.0))
        stirling = op.Where(op.IsNaN(t), t, stirling)  # target <= 1 is false for nan
        loss = num.r(op.Add(loss, stirling))
    return _nn.reduce_loss(loss, reduction, num)


@_symbolic("aten::binary_cross_entropy", dynamo=())
def binary_cross_entropy(self: Tensor, target: Tensor, weight: _N7Optional[Tensor] = None,
                         reduction: int = 1) -> Tensor:
    """binary_cross_entropy(Tensor self, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor

    (target - 1) max(log1p(-self), -100) - target max(log(self), -100), times ``weight``, as
    eager's kernel (the logs clamped at -100, so 0 and 1 give finite losses). Eager rejects
    inputs outside [0, 1]; the graph does not check. TensorRT: all parsable.
    """
    if op.dtype(self) not in _order.FLOATS:
        raise OpfillError("binary_cross_entropy: eager has no integer kernel; pass float inputs")
    x, t, num = _n7_pair(self, target)
    floor = num.c(-100.0)

    def clamped(v: Tensor) -> Tensor:
        v = num.r(v)
        return op.Where(op.Less(v, floor), floor, v)

    log1m = clamped(_math.log1p(op.Neg(x), num.dt))
    logx = clamped(op.Log(x))
    loss = op.Sub(num.r(op.Mul(num.r(op.Sub(t, num.c(1.0))), log1m)), num.r(op.Mul(t, logx)))
    loss = num.r(loss)
    if weight is not None:
        loss = num.r(op.Mul(loss, num.input(weight)))
    return _nn.reduce_loss(loss, reduction, num)


@_symbolic("aten::cosine_embedding_loss", dynamo=())
def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 1) -> Tensor:
    """cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0., int reduction=1) -> Tensor

    cos = sum(a b) / sqrt((sum(a a) + 1e-12) (sum(b b) + 1e-12)) along the last dim, then
    Where(target == 1, 1 - cos, 0) + Where(target == -1, clamp_min(cos - margin, 0), 0), eager's
    formula step by step. TensorRT: all parsable.
    """
    a, b, num = _n7_pair(input1, input2)
    t = num.input(target)
    axis = op.rank(target)  # eager reduces dim target.dim(): 1 for batches, 0 for one pair

    def ssum(u: Tensor, v: Tensor) -> Tensor:
        return num.r(_order.reduce("Sum", num.r(op.Mul(u, v)), [axis], False))

    eps = num.c(float(torch.tensor(1e-12, dtype=torch.float32)))  # eager's EPSILON is a C++ float
    mag = num.r(op.Mul(num.r(op.Add(ssum(a, a), eps)), num.r(op.Add(ssum(b, b), eps))))
    cos = num.r(op.Div(ssum(a, b), num.r(op.Sqrt(mag))))
    zero = num.c(0.0)
    pos = op.Where(_math.equal(t, num.c(1.0)), num.r(op.Sub(num.c(1.0), cos)), zero)
    neg_term = _nn.clamp_min0(num.r(op.Sub(cos, num.c(float(margin)))), num)
    neg = op.Where(_math.equal(t, num.c(-1.0)), neg_term, zero)
    return _nn.reduce_loss(num.r(op.Add(pos, neg)), reduction, num)


def _n7_pairwise_distance(x1: Tensor, x2: Tensor, p: float, eps: float, axis: int, num: _nn.Num) -> Tensor:
    d = num.r(op.Add(num.r(op.Sub(x1, x2)), num.c(float(eps))))
    return num.r(_nn.norm(d, float(p), axis, num))


@_symbolic("aten::triplet_margin_loss", dynamo=())
def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-06, swap: bool = False, reduction: int = 1) -> Tensor:
    """triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1., float p=2., float eps=9.9999999999999995e-07, bool swap=False, int reduction=1) -> Tensor

    clamp_min(margin + d(a, p) - d(a, n), 0) with d = ||x1 - x2 + eps||_p along the last dim
    (eager's pairwise_distance), d(a, n) = minimum(d(a, n), d(p, n)) with ``swap``. Norms:
    ReduceSum/ReduceMax/ReduceMin, Pow for p not in {0, 1, 2, inf}. TensorRT: all parsable.
    """
    a, pos_in, num = _n7_pair(anchor, positive)
    neg_in = num.input(negative)
    axis = max(op.rank(anchor), op.rank(positive), op.rank(negative)) - 1
    d_pos = _n7_pairwise_distance(a, pos_in, p, eps, axis, num)
    d_neg = _n7_pairwise_distance(a, neg_in, p, eps, axis, num)
    if swap:
        d_neg = _nn.minimum(d_neg, _n7_pairwise_distance(pos_in, neg_in, p, eps, axis, num))
    z = num.r(op.Sub(num.r(op.Add(num.c(float(margin)), d_pos)), d_neg))
    return _nn.reduce_loss(_nn.clamp_min0(z, num), reduction, num)


def _n7_rows(x: Tensor) -> tuple[Tensor, Tensor]:
    """``x`` (1-D or 2-D) as rows [N, C] (eager's atleast_2d), and the per-sample shape ([N]
    or []): without the input's rank, which the exporters do not always know."""
    shape = op.Shape(x)
    n_class = _order.slice_axis(shape, 0, -1, 2**62)
    rows = op.Reshape(x, op.Concat(_order.ints([-1]), n_class, axis=0))
    return rows, _order.slice_axis(shape, 0, 0, -1)


def _n7_margin_reduce(per_class: Tensor, batch_shape: Tensor, reduction: int, num: _nn.Num) -> Tensor:
    """Per-sample sums over the classes of [N, C] ``per_class`` divided by C, then the reduction."""
    n_class = op.cast(_order.size(per_class, 1), num.dt)
    per_sample = op.Div(_order.reduce("Sum", per_class, [1], False), n_class)
    if reduction == _nn.NONE:
        per_sample = op.Reshape(per_sample, batch_shape)
    return _nn.reduce_loss(num.r(per_sample), reduction, num)


def _n7_pick(x: Tensor, mask: Tensor, axis: int, num: _nn.Num, keepdims: bool = False) -> Tensor:
    """The element of ``x`` where the one-hot ``mask`` is set along ``axis`` (GatherElements
    needs opset 11; Where keeps the nan of other elements out)."""
    return _order.reduce("Sum", op.Where(mask, x, num.c(0.0)), [axis], keepdims)


@_symbolic("aten::multi_margin_loss", dynamo=())
def multi_margin_loss(self: Tensor, target: Tensor, p: float = 1, margin: float = 1,
                      weight: _N7Optional[Tensor] = None, reduction: int = 1) -> Tensor:
    """multi_margin_loss(Tensor self, Tensor target, Scalar p=1, Scalar margin=1, Tensor? weight=None, int reduction=1) -> Tensor

    Per sample, over classes d != target: z = margin - x[target] + x[d], z (p=1) or z^2 (p=2)
    where z > 0 (so nan adds nothing, as eager's kernel), times weight[target], summed and
    divided by the class count. Equal/Where/ReduceSum pick x[target]; Gather; the class
    index from NonZero below opset 11. TensorRT: all parsable (NonZero only below opset 11).
    """
    if p not in (1, 2):
        raise OpfillError(f"multi_margin_loss: p={p}; eager supports only p = 1 and p = 2")
    num = _nn.Num(op.dtype(self))
    x, batch_shape = _n7_rows(num.input(self))
    tgt = op.Reshape(target, _order.ints([-1, 1]))
    classes = _order.unsqueeze(_nn.arange(_order.size(x, 1)), [0])
    is_target = op.Equal(classes, tgt)
    u = _n7_pick(x, is_target, 1, num, keepdims=True)
    z = num.r(op.Add(num.r(op.Sub(num.c(float(margin)), u)), x))
    h = z if p == 1 else num.r(op.Mul(z, z))
    if weight is not None:
        h = num.r(op.Mul(h, op.Gather(num.input(weight), tgt, axis=0)))
    keep = op.And(op.Greater(z, num.c(0.0)), op.Not(is_target))
    return _n7_margin_reduce(op.Where(keep, h, num.c(0.0)), batch_shape, reduction, num)


@_symbolic("aten::multilabel_margin_loss", dynamo=())
def multilabel_margin_loss(self: Tensor, target: Tensor, reduction: int = 1) -> Tensor:
    """multilabel_margin_loss(Tensor self, Tensor target, int reduction=1) -> Tensor

    Per sample, the targets are target's entries before the first -1 (repeats count again,
    as eager's loop); for each target j and each non-target class i, 1 - x[j] + x[i] where
    it is > 0, summed and divided by the class count. O(C^2) per sample: a [N, C, C] pair
    tensor. ArgMax for the first -1, Equal/Where/ReduceSum pick x[target]; class indices from
    NonZero below opset 11. TensorRT: all parsable (NonZero only below opset 11).
    """
    num = _nn.Num(op.dtype(self))
    x, batch_shape = _n7_rows(num.input(self))
    t = op.Reshape(target, op.Shape(x))  # target has self's shape
    n_class = _order.size(x, 1)
    classes = _nn.arange(n_class)
    stop = op.Equal(t, op.const(-1, torch.int64))
    # The first -1 of each row (the class count where there is none): ArgMax finds the first max.
    has_stop = op.Greater(_order.count(stop, [1], True), op.const(0, torch.int64))
    first = op.ArgMax(op.cast(stop, torch.int32), axis=1, keepdims=1)
    first = op.Where(has_stop, first, op.Reshape(n_class, _order.ints([1, 1])))
    valid = op.Less(_order.unsqueeze(classes, [0]), first)  # [N, K]: the k-th entry is a target
    safe_t = op.Where(valid, t, op.const(0, torch.int64))
    pairs = op.Equal(_order.unsqueeze(safe_t, [2]), classes)  # [N, K, C]: t[n, k] == i
    xt = _n7_pick(_order.unsqueeze(x, [1]), pairs, 2, num)  # [N, K]: x[n, t[n, k]]
    # is_target[n, i]: some valid k has t[n, k] == i.
    hit = op.And(_order.unsqueeze(valid, [2]), pairs)
    is_target = op.Greater(_order.count(hit, [1], False), op.const(0, torch.int64))  # [N, C]
    z = num.r(op.Add(num.r(op.Sub(num.c(1.0), _order.unsqueeze(xt, [2]))), _order.unsqueeze(x, [1])))
    keep = op.And(op.And(_order.unsqueeze(valid, [2]), _order.unsqueeze(op.Not(is_target), [1])),
                  op.Greater(z, num.c(0.0)))
    per_class = _order.reduce("Sum", op.Where(keep, z, num.c(0.0)), [1], False)  # [N, C]
    return _n7_margin_reduce(per_class, batch_shape, reduction, num)
@_symbolic("aten::channel_shuffle", dynamo=())  # the dynamo exporter decomposes it (Reshape, Transpose)
def channel_shuffle(self: Tensor, groups: int) -> Tensor:
    """channel_shuffle(Tensor self, SymInt groups) -> Tensor

    [N, C, *] -> [N, g, C/g, prod(*)] (Reshape), swap the two channel axes (Transpose), back
    to the input's shape; sizes taken from Shape at run time (empty tensors too). TensorRT: parsable.
    """
    return _n7_shuffle(self, groups)


@_symbolic("aten::native_channel_shuffle", dynamo=())
def native_channel_shuffle(self: Tensor, groups: int) -> Tensor:
    """native_channel_shuffle(Tensor self, SymInt groups) -> Tensor

    As channel_shuffle. TensorRT: parsable.
    """
    return _n7_shuffle(self, groups)


def _n7_shuffle(self: Tensor, groups: int) -> Tensor:
    if groups <= 0:
        raise OpfillError(f"channel_shuffle: groups={groups}; eager needs a positive number of groups")
    shape = op.Shape(self)
    g = _order.ints([groups])
    per_group = op.Div(_order.slice_axis(shape, 0, 1, 2), g)
    spatial = op.ReduceProd(_order.slice_axis(shape, 0, 2, 2**62), keepdims=1)
    y = op.Reshape(self, op.Concat(_order.slice_axis(shape, 0, 0, 1), g, per_group, spatial, axis=0))
    return op.Reshape(op.Transpose(y, perm=[0, 2, 1, 3]), shape)


@_symbolic("aten::rms_norm", dynamo=())  # the dynamo exporter decomposes it
def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: _N7Optional[Tensor] = None,
             eps: _N7Optional[float] = None) -> Tensor:
    """rms_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor

    x / sqrt(mean(x^2) + eps) over the last len(normalized_shape) dims in float32 for float16
    (eager's opmath), eps defaulting to that dtype's machine epsilon, then times ``weight``
    in the input dtype. ReduceMean, Sqrt, Div, Mul. TensorRT: parsable.
    """
    dt = op.dtype(input)
    num = _nn.Num(dt)
    x = num.input(input)
    rank = op.rank(input)
    axes = list(range(rank - len(normalized_shape), rank))
    if eps is None:
        eps = float(torch.finfo(num.dt).eps)
    ms = _order.reduce("Mean", op.Mul(x, x), axes, True)
    inv = op.Div(num.c(1.0), op.Sqrt(op.Add(ms, num.c(float(eps)))))
    out = num.result(op.Mul(x, inv))
    return out if weight is None else op.Mul(out, weight)


@_symbolic("aten::threshold", dynamo=(), wraps_builtin=True)
def threshold(self: Tensor, threshold: float, value: float) -> Tensor:
    """threshold(Tensor self, Scalar threshold, Scalar value) -> Tensor

    Where(x <= threshold, value, x) with nan kept (nan <= t is false), threshold and value in
    the input dtype (truncated for integers, as eager). In front of torch's own TorchScript
    symbolic, which only takes threshold = value = 0 (Relu) and keeps that case.
    Greater, IsNaN, Where. TensorRT: parsable.
    """
    if threshold == 0 and value == 0 and op.may_defer:
        return NotImplemented
    dt = op.dtype(self)
    if dt in _order.FLOATS:
        t, v = op.const(float(threshold), dt), op.const(float(value), dt)
        return op.Where(op.Greater(self, t), self, op.Where(op.IsNaN(self), self, v))
    if dt == torch.bool:
        raise OpfillError("threshold: eager has no bool kernel")
    t, v = op.const(int(threshold), dt), op.const(int(value), dt)
    return op.Where(op.Greater(self, t), self, v)


@_symbolic("aten::_safe_softmax", dynamo=())
def _safe_softmax(self: Tensor, dim: int, dtype: _N7Optional[int] = None) -> Tensor:
    """_safe_softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor

    exp(x - max) / sum along ``dim`` (ReduceMax, Exp, ReduceSum, Div; float16 in float32),
    0 where the whole slice is -inf (where softmax would give nan). TensorRT: parsable.
    """
    out_dt = _order.to_dtype(dtype) or op.dtype(self)
    x = self if op.dtype(self) == out_dt else op.cast(self, out_dt)
    num = _nn.Num(out_dt)
    x = num.input(x)
    rank = op.rank(self)
    if rank == 0:
        x = _order.unsqueeze(x, [0])
    d = _order.wrap_dim(dim, max(rank, 1))
    e = op.Exp(op.Sub(x, _order.reduce("Max", x, [d], True)))
    out = op.Div(e, _order.reduce("Sum", e, [d], True))
    masked = op.Not(op.Or(op.Less(num.c(float("-inf")), x), op.IsNaN(x)))  # x == -inf
    all_masked = op.Equal(_order.count(masked, [d], True), _order.size(masked, d) if rank else _order.ints([1]))
    out = op.Where(all_masked, num.c(0.0), out)
    if rank == 0:
        out = _order.squeeze(out, [0])
    return num.result(out)
def _n7_scale_factor(value: float) -> float:
    """The scale factor eager got: TorchScript hands float lists over rounded to float32
    (1.7 arrives as 1.7000000476837158), and eager's sizes and indices use the double. The
    shortest decimal that rounds to that float32 is taken as the user's value; a value that
    is not a float32 (the dynamo exporter's exact doubles) is kept."""
    f32 = torch.tensor(value, dtype=torch.float32)
    if float(f32) != value:
        return float(value)
    return float(str(f32.numpy()))  # NumPy prints a float32's shortest round-trip decimal


def _n7_nearest_exact(x: Tensor, output_size: _N7Optional[Sequence[int]],
                      scale_factors: _N7Optional[Sequence[float]], spatial: int) -> Tensor:
    """Gather along each spatial axis at min(floor((i + 0.5) * scale), in - 1), eager's
    nearest-exact index, the product in float64 rounded to float32 as eager's floorf does.
    TensorRT (no float64): _nn.nearest_exact_f32, the same indices in float32 and int64."""
    if scale_factors is not None:
        scale_factors = [_n7_scale_factor(s) for s in scale_factors]
    rank = op.rank(x)
    if rank != spatial + 2:
        raise OpfillError(f"_upsample_nearest_exact{spatial}d: expected a {spatial + 2}-D input, got {rank}-D")
    if output_size is None and scale_factors is None:
        raise OpfillError(f"_upsample_nearest_exact{spatial}d: needs output_size or scale_factors")
    f32, f64 = torch.float32, torch.float64
    shape = op.Shape(x)
    if op.for_tensorrt:
        return _nn.nearest_exact_f32(x, output_size, scale_factors, spatial, shape)
    for k in range(spatial):
        axis = 2 + k
        in_size = _order.slice_axis(shape, 0, axis, axis + 1)  # [1]
        in_f = op.cast(in_size, f64)
        if output_size is not None:
            out_size = _order.ints([int(output_size[k])])
        else:  # eager: int64(in * scale), truncated
            out_size = op.cast(op.Floor(op.Mul(in_f, op.const([float(scale_factors[k])], f64))), torch.int64)
        if scale_factors is not None and scale_factors[k] > 0:
            scale = op.const([float(torch.tensor(1.0 / scale_factors[k], dtype=f32))], f64)
        else:  # (float) in / out
            scale = op.cast(op.cast(op.Div(in_f, op.cast(out_size, f64)), f32), f64)
        dst = op.cast(_nn.arange(op.Reshape(out_size, _order.ints([]))), f64)
        src = op.Floor(op.cast(op.cast(op.Mul(op.Add(dst, op.const(0.5, f64)), scale), f32), f64))
        src = op.cast(src, torch.int64)
        last = op.Sub(in_size, _order.ints([1]))
        src = op.Where(op.Less(last, src), op.Expand(last, op.Shape(src)), src)  # int Min needs opset 12
        x = op.Gather(x, src, axis=axis)
    return x


@_symbolic("aten::_upsample_nearest_exact1d.vec", dynamo=(), tensorrt_form=True)  # the dynamo exporter has these
def _upsample_nearest_exact1d(input: Tensor, output_size: _N7Optional[Sequence[int]],
                              scale_factors: _N7Optional[Sequence[float]]) -> Tensor:
    """_upsample_nearest_exact1d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor

    Gather at eager's nearest-exact source indices (Floor, Where; class indices from NonZero
    below opset 11), per spatial axis; any input size. TensorRT (torch_opfill.target
    ("tensorrt"), also replacing torchlib's for dynamo): the indices in float32 and int64,
    exactly eager's while indices < 2^23 (see _nn.nearest_exact_f32); scale_factors then need
    static spatial sizes (output_size does not). NonZero over float32 below opset 11.
    """
    return _n7_nearest_exact(input, output_size, scale_factors, 1)


@_symbolic("aten::_upsample_nearest_exact2d.vec", dynamo=(), tensorrt_form=True)
def _upsample_nearest_exact2d(input: Tensor, output_size: _N7Optional[Sequence[int]],
                              scale_factors: _N7Optional[Sequence[float]]) -> Tensor:
    """_upsample_nearest_exact2d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor

    As _upsample_nearest_exact1d.vec, over H and W. TensorRT: parsable (NonZero below 11).
    """
    return _n7_nearest_exact(input, output_size, scale_factors, 2)


@_symbolic("aten::_upsample_nearest_exact3d.vec", dynamo=(), tensorrt_form=True)
def _upsample_nearest_exact3d(input: Tensor, output_size: _N7Optional[Sequence[int]],
                              scale_factors: _N7Optional[Sequence[float]]) -> Tensor:
    """_upsample_nearest_exact3d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor

    As _upsample_nearest_exact1d.vec, over D, H and W. TensorRT: parsable (NonZero below 11).
    """
    return _n7_nearest_exact(input, output_size, scale_factors, 3)


@_symbolic("aten::affine_grid_generator", dynamo=())
def affine_grid_generator(theta: Tensor, size: Sequence[int], align_corners: bool) -> Tensor:
    """affine_grid_generator(Tensor theta, SymInt[] size, bool align_corners) -> Tensor

    The base grid (x, y[, z], 1) over ``size``'s spatial dims is a constant of that size, built
    with eager's own linspace; MatMul with theta^T (Transpose, any batch), Reshape to
    [N, H, W, 2] / [N, D, H, W, 3]. Float16 multiplies in float32. ONNX has AffineGrid from
    opset 20 (torch's own symbolic there). TensorRT: parsable.
    """
    if len(size) not in (4, 5):
        raise OpfillError(f"affine_grid_generator: size {list(size)}; expected 4 (2-D) or 5 (3-D) entries")
    dt = op.dtype(theta)
    num = _nn.Num(dt)
    spatial = [int(s) for s in size[2:]]

    def steps(n: int) -> torch.Tensor:  # eager's linspace_from_neg_one
        if n <= 1:
            return torch.zeros(1, dtype=dt)
        r = torch.linspace(-1, 1, n, dtype=dt)
        return r if align_corners else r * (n - 1) / n

    grids = torch.meshgrid(*[steps(n) for n in spatial], indexing="ij")
    base = torch.stack([*reversed(grids), torch.ones_like(grids[0])], -1).reshape(1, -1, len(spatial) + 1)
    grid = op.MatMul(op.const(base.to(num.dt).tolist(), num.dt), op.Transpose(num.input(theta), perm=[0, 2, 1]))
    out_shape = op.Concat(_order.slice_axis(op.Shape(theta), 0, 0, 1), _order.ints([*spatial, len(spatial)]), axis=0)
    return num.result(op.Reshape(grid, out_shape))
def _n7_channel(v: Tensor, rank: int, num: _nn.Num) -> Tensor:
    """A per-channel [C] tensor shaped [C, 1, ...] to broadcast against [N, C, *] (compute dtype)."""
    return _order.unsqueeze(num.input(v), list(range(1, rank - 1)))


def _n7_batch_norm(input: Tensor, weight: _N7Optional[Tensor], bias: _N7Optional[Tensor],
                   running_mean: _N7Optional[Tensor], running_var: _N7Optional[Tensor], training: bool,
                   eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """Eager's CPU batch norm: out = x * alpha + beta with alpha = invstd * w, beta = b - mean
    * alpha, invstd = 1 / sqrt(var + eps); batch statistics (biased variance, over every dim
    but 1) in training, where they are also returned, else the running ones and empty saves.
    The running statistics are not updated (a graph has no in-place state)."""
    rank = op.rank(input)
    if rank < 2:
        raise OpfillError("native_batch_norm: expected an input of at least 2 dims [N, C, *]")
    num = _nn.Num(op.dtype(input))
    ref = next((t for t in (running_mean, weight) if t is not None), input)
    stats = _nn.Num(op.dtype(ref))  # float16 input with float32 parameters saves float32, as eager
    x = num.input(input)
    axes = [0, *range(2, rank)]
    if training or running_mean is None or running_var is None:
        if not training:
            raise OpfillError("native_batch_norm: evaluation mode needs running_mean and running_var")
        # Statistics in float64 for float32 (float32 for float16): eager's cascaded sums are
        # far closer to exact than onnxruntime's one pass in the input dtype.
        # TensorRT (no float64): float32, two passes (mean, then the centered squares).
        acc = torch.float64 if num.dt == torch.float32 and not op.for_tensorrt else num.dt
        xa = op.cast(x, acc) if acc != num.dt else x
        mean = _order.reduce("Mean", xa, axes, True)
        centered = op.Sub(xa, mean)
        var = _order.reduce("Mean", op.Mul(centered, centered), axes, True)
        if acc != num.dt:
            mean, var = op.cast(mean, num.dt), op.cast(var, num.dt)
    else:
        mean, var = _n7_channel(running_mean, rank, num), _n7_channel(running_var, rank, num)
    invstd = op.Div(num.c(1.0), op.Sqrt(op.Add(var, num.c(float(eps)))))
    alpha = invstd if weight is None else op.Mul(invstd, _n7_channel(weight, rank, num))
    beta = op.Neg(op.Mul(mean, alpha))
    if bias is not None:
        beta = op.Add(_n7_channel(bias, rank, num), beta)
    out = num.result(op.Add(op.Mul(x, alpha), beta))
    if training:
        flat = _order.ints([-1])
        return out, stats.result(op.Reshape(mean, flat)), stats.result(op.Reshape(invstd, flat))
    empty = op.cast(op.ConstantOfShape(_order.ints([0])), stats.out)
    return out, empty, empty


@_symbolic("aten::native_batch_norm", dynamo=(), tensorrt_form=True)  # the dynamo exporter has it
def native_batch_norm(input: Tensor, weight: _N7Optional[Tensor], bias: _N7Optional[Tensor],
                      running_mean: _N7Optional[Tensor], running_var: _N7Optional[Tensor], training: bool,
                      momentum: float, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)

    ReduceMean, Sqrt, Div, Mul, Add (see _n7_batch_norm); the running statistics are not
    updated. TensorRT (torch_opfill.target("tensorrt")): the training statistics in float32
    (no float64 in its parser), two passes. Measured on onnxruntime, float32 inputs of 8k to
    1M elements per channel (randn, rand, 10 + randn, 100 + randn): save_mean <= 2 ULP and
    invstd <= 2 ULP from eager, the output <= 1.5e-5 absolute at |x| ~ 100 (as the float64
    form: the cancellation of x * alpha + beta). TensorRT's own reduction order is not measured.
    """
    return _n7_batch_norm(input, weight, bias, running_mean, running_var, training, eps)


@_symbolic("aten::_native_batch_norm_legit", dynamo=(), tensorrt_form=True)
def _native_batch_norm_legit(input: Tensor, weight: _N7Optional[Tensor], bias: _N7Optional[Tensor],
                             running_mean: Tensor, running_var: Tensor, training: bool, momentum: float,
                             eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """_native_batch_norm_legit(Tensor input, Tensor? weight, Tensor? bias, Tensor(a!) running_mean, Tensor(b!) running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)

    As native_batch_norm. TensorRT: float32 statistics, as native_batch_norm.
    """
    return _n7_batch_norm(input, weight, bias, running_mean, running_var, training, eps)


@_symbolic("aten::_native_batch_norm_legit.no_stats", dynamo=(), tensorrt_form=True)
def _native_batch_norm_legit_no_stats(input: Tensor, weight: _N7Optional[Tensor], bias: _N7Optional[Tensor],
                                      training: bool, momentum: float, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """_native_batch_norm_legit.no_stats(Tensor input, Tensor? weight, Tensor? bias, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)

    As native_batch_norm with batch statistics. TensorRT: float32 statistics, as native_batch_norm.
    """
    return _n7_batch_norm(input, weight, bias, None, None, True, eps)


@_symbolic("aten::_batch_norm_with_update", dynamo=(), tensorrt_form=True)
def _batch_norm_with_update(input: Tensor, weight: _N7Optional[Tensor], bias: _N7Optional[Tensor],
                            running_mean: Tensor, running_var: Tensor, momentum: float,
                            eps: float) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """_batch_norm_with_update(Tensor input, Tensor? weight, Tensor? bias, Tensor(a!) running_mean, Tensor(b!) running_var, float momentum, float eps) -> (Tensor, Tensor, Tensor, Tensor)

    Training-mode native_batch_norm and an empty uint8 reserve (as eager's CPU kernel); the
    running statistics are not updated. TensorRT: float32 statistics, as native_batch_norm.
    """
    out, mean, invstd = _n7_batch_norm(input, weight, bias, running_mean, running_var, True, eps)
    return out, mean, invstd, op.cast(op.ConstantOfShape(_order.ints([0])), torch.uint8)


@_symbolic("aten::native_group_norm", dynamo=())
def native_group_norm(input: Tensor, weight: _N7Optional[Tensor], bias: _N7Optional[Tensor], N: int, C: int,
                      HxW: int, group: int, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """native_group_norm(Tensor input, Tensor? weight, Tensor? bias, SymInt N, SymInt C, SymInt HxW, int group, float eps) -> (Tensor, Tensor, Tensor)

    Statistics per (sample, group) over [N, group, -1] (Reshape; sizes from Shape at run time,
    N/C/HxW only checked by eager), biased variance, rstd = 1 / sqrt(var + eps), then
    x * (rstd * w) + (b - mean * rstd * w) per channel. Returns mean and rstd [N, group].
    TensorRT: parsable.
    """
    rank = op.rank(input)
    num = _nn.Num(op.dtype(input))
    x = num.input(input)
    shape = op.Shape(x)
    grouped = op.Reshape(x, op.Concat(_order.slice_axis(shape, 0, 0, 1), _order.ints([group, -1]), axis=0))
    mean = _order.reduce("Mean", grouped, [2], True)
    centered = op.Sub(grouped, mean)
    var = _order.reduce("Mean", op.Mul(centered, centered), [2], True)
    rstd = op.Div(num.c(1.0), op.Sqrt(op.Add(var, num.c(float(eps)))))
    y = op.Reshape(op.Mul(centered, rstd), shape)
    if weight is not None:
        y = op.Mul(y, _n7_channel(weight, rank, num))
    if bias is not None:
        y = op.Add(y, _n7_channel(bias, rank, num))
    stats_shape = op.Concat(_order.slice_axis(shape, 0, 0, 1), _order.ints([group]), axis=0)
    return num.result(y), num.result(op.Reshape(mean, stats_shape)), num.result(op.Reshape(rstd, stats_shape))
def _n7_windows(length: Tensor, out: int) -> tuple[Tensor, Tensor, Tensor]:
    """Eager's adaptive windows over an axis of ``length`` (rank-0 int64) for ``out`` outputs:
    the mask [out, length] of j in [floor(i L / O), ceil((i + 1) L / O)), the window sizes
    [out, 1] and the input coordinates j [1, length]."""
    o = _order.ints([out])
    i = _order.unsqueeze(_nn.arange(op.Reshape(o, _order.ints([]))), [1])
    j = _order.unsqueeze(_nn.arange(length), [0])
    n = op.Reshape(length, _order.ints([1, 1]))
    start = op.Div(op.Mul(i, n), o)
    end = op.Div(op.Sub(op.Add(op.Mul(op.Add(i, _order.ints([1])), n), o), _order.ints([1])), o)
    mask = op.And(op.Not(op.Less(j, start)), op.Less(j, end))
    return mask, op.Sub(end, start), j


def _n7_spread(t: Tensor, axis: int, rank: int) -> Tensor:
    """A [out, length] tensor laid out against x unsqueezed at ``axis`` (out at axis, length at
    axis + 1, size 1 elsewhere)."""
    return _order.unsqueeze(t, list(range(0, axis)) + list(range(axis + 2, rank + 1)))


def _n7_adaptive_check(name: str, self: Tensor, output_size: Sequence[int], k: int) -> int:
    rank = op.rank(self)
    if len(output_size) != k or rank not in (k + 1, k + 2) or any(s is None or s <= 0 for s in output_size):
        raise OpfillError(f"{name}: expected a {k + 1}-D or {k + 2}-D input and {k} positive output sizes, "
                          f"got {rank}-D and {list(output_size)}")
    return rank


def _n7_torch_pools(self: Tensor, output_size: Sequence[int], name: str) -> bool:
    """Whether torch's own TorchScript symbolic takes this adaptive pool (static sizes that
    the output sizes divide): it keeps those, unless the pack's form is asked for."""
    if not op.may_defer:
        return False
    sizes = op.sizes(self)[len(op.sizes(self)) - len(output_size):]
    return all(s is not None and o and s % o == 0 for s, o in zip(sizes, output_size))


def _n7_adaptive_avg(self: Tensor, output_size: Sequence[int], k: int, name: str) -> Tensor:
    """Window sums over the last ``k`` axes one axis at a time (Where keeps inf/nan outside a
    window out), then divided by each window size in turn, as eager's sum / kd / kh / kw, in
    eager's accumulation dtype."""
    rank = _n7_adaptive_check(name, self, output_size, k)
    num = _nn.Num(op.dtype(self))
    # Eager's CPU kernel sums in acc_type: double for float32, float for float16; TensorRT
    # (no float64): float32.
    acc = _nn.Num(torch.float64 if num.dt == torch.float32 and not op.for_tensorrt else num.dt)
    x = acc.input(self)
    zero = acc.c(0.0)
    sizes = []
    for a in range(k):
        axis = rank - k + a
        mask, count, _ = _n7_windows(_order.size(x, axis), int(output_size[a]))
        xe = _order.unsqueeze(x, [axis])
        x = _order.reduce("Sum", op.Where(_n7_spread(mask, axis, rank), xe, zero), [axis + 1], False)
        sizes.append((axis, count))
    for axis, count in sizes:
        x = op.Div(x, _order.unsqueeze(op.cast(_order.squeeze(count, [1]), acc.dt), list(range(1, rank - axis))))
    return op.cast(x, num.out) if acc.dt != num.out else x


def _n7_adaptive_max(self: Tensor, output_size: Sequence[int], k: int, name: str) -> tuple[Tensor, Tensor]:
    """Per axis (last first): the window maximum and the input coordinate of its first
    occurrence, or nan and the last nan's coordinate where the window holds nan (eager's
    ``val > max || isnan(val)`` update); the coordinates of the inner axes follow the chosen
    position. Indices are flat over the spatial plane, as eager."""
    rank = _n7_adaptive_check(name, self, output_size, k)
    x = self
    dt = op.dtype(x)
    num = _nn.Num(dt)
    x = num.input(x)
    i64 = torch.int64
    big, none = op.const(2**62, i64), op.const(-1, i64)
    flat = None  # flat index within the already reduced inner axes, laid out like x
    stride = None
    for a in reversed(range(k)):
        axis = rank - k + a
        length = _order.size(self, axis)
        mask, _, j = _n7_windows(length, int(output_size[a]))
        m = _n7_spread(mask, axis, rank)
        jj = _n7_spread(j, axis, rank)
        xe = _order.unsqueeze(x, [axis])  # [..., 1, L, ...] against [O, L]
        nan = op.And(m, op.IsNaN(xe))
        vmax = _order.reduce("Max", op.Where(m, op.Where(op.IsNaN(xe), num.c(float("-inf")), xe),
                                             num.c(float("-inf"))), [axis + 1], True)
        first = _order.reduce("Min", op.Where(op.And(m, _math.equal(xe, vmax)), jj, big), [axis + 1], True)
        last_nan = _order.reduce("Max", op.Where(nan, jj, none), [axis + 1], True)
        any_nan = op.Not(op.Less(last_nan, op.const(0, i64)))
        pos = op.Where(any_nan, last_nan, first)  # [..., O, 1, ...]
        pick = op.Equal(jj, pos)  # one-hot over L
        x = _order.squeeze(op.Where(any_nan, num.c(float("nan")), vmax), [axis + 1])
        pos = _order.squeeze(pos, [axis + 1])
        if flat is None:
            flat, stride = pos, length
        else:
            inner = _order.reduce("Sum", op.Where(pick, _order.unsqueeze(flat, [axis]), op.const(0, i64)),
                                  [axis + 1], False)
            flat = op.Add(op.Mul(pos, stride), inner)
            stride = op.Mul(stride, length)
    return num.result(x), flat


@_symbolic("aten::adaptive_avg_pool1d", dynamo=(), wraps_builtin=True, tensorrt_form=True)
def adaptive_avg_pool1d(self: Tensor, output_size: Sequence[int]) -> Tensor:
    """adaptive_avg_pool1d(Tensor self, int[1] output_size) -> Tensor

    Eager's windows [floor(i L / O), ceil((i + 1) L / O)) for any L (sizes from Shape at run
    time): masks from arange (NonZero below opset 11), Where, ReduceSum, Div. O(O L) memory
    per axis. Sums in eager's acc type (float64 for float32), but not in its order: sums of
    values near overflow may overflow or cancel differently. torch's own TorchScript symbolic
    (only for O dividing L, with static sizes) keeps those cases: this one is in front of it.
    TensorRT (torch_opfill.target("tensorrt"), also replacing torchlib's for dynamo): float32
    sums (its parser has no float64), NonZero over float32 below opset 11. Measured on
    onnxruntime, float32 randn/rand inputs, windows of 80 to 12k elements: 1-3 ULP from the
    exact mean, as the float64 form (eager's CPU kernel itself is 5-68 ULP off there);
    where a window's values cancel, up to 1.2e-7 absolute (eps of |x|, 180 ULP of a tiny
    mean; float64 form: 0). TensorRT's own reduction order is not measured.
    """
    if _n7_torch_pools(self, output_size, "aten::adaptive_avg_pool1d"):
        return NotImplemented
    return _n7_adaptive_avg(self, output_size, 1, "adaptive_avg_pool1d")


@_symbolic("aten::adaptive_avg_pool2d", dynamo=(), wraps_builtin=True, tensorrt_form=True)
def adaptive_avg_pool2d(self: Tensor, output_size: Sequence[int]) -> Tensor:
    """adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor

    As adaptive_avg_pool1d over H and W. TensorRT: parsable (NonZero only below opset 11).
    """
    if _n7_torch_pools(self, output_size, "aten::adaptive_avg_pool2d"):
        return NotImplemented
    return _n7_adaptive_avg(self, output_size, 2, "adaptive_avg_pool2d")


@_symbolic("aten::adaptive_avg_pool3d", dynamo=("aten::_adaptive_avg_pool3d",), wraps_builtin=True,
           tensorrt_form=True)
def adaptive_avg_pool3d(self: Tensor, output_size: Sequence[int]) -> Tensor:
    """adaptive_avg_pool3d(Tensor self, SymInt[3] output_size) -> Tensor

    As adaptive_avg_pool1d over D, H and W; also the dynamo exporter's _adaptive_avg_pool3d,
    which torchlib lacks. TensorRT: parsable (NonZero only below opset 11).
    """
    if _n7_torch_pools(self, output_size, "aten::adaptive_avg_pool3d"):
        return NotImplemented
    return _n7_adaptive_avg(self, output_size, 3, "adaptive_avg_pool3d")


@_symbolic("aten::adaptive_max_pool1d", dynamo=(), wraps_builtin=True)
def adaptive_max_pool1d(self: Tensor, output_size: Sequence[int]) -> tuple[Tensor, Tensor]:
    """adaptive_max_pool1d(Tensor self, int[1] output_size) -> (Tensor, Tensor)

    Eager's windows (see adaptive_avg_pool1d); the maximum and the index of its first
    occurrence, nan and the last nan's index where a window holds nan. Where, ReduceMax,
    ReduceMin, Equal. The dynamo exporter reaches adaptive_max_pool2d. TensorRT: parsable
    (NonZero only below opset 11).
    """
    if _n7_torch_pools(self, output_size, "aten::adaptive_max_pool1d"):
        return NotImplemented
    return _n7_adaptive_max(self, output_size, 1, "adaptive_max_pool1d")


@_symbolic("aten::adaptive_max_pool2d", dynamo=("aten::adaptive_max_pool2d",), wraps_builtin=True)
def adaptive_max_pool2d(self: Tensor, output_size: Sequence[int]) -> tuple[Tensor, Tensor]:
    """adaptive_max_pool2d(Tensor self, int[2] output_size) -> (Tensor, Tensor)

    As adaptive_max_pool1d over H then W; indices flat over H x W (h W + w). TensorRT:
    parsable (NonZero only below opset 11).
    """
    if _n7_torch_pools(self, output_size, "aten::adaptive_max_pool2d"):
        return NotImplemented
    return _n7_adaptive_max(self, output_size, 2, "adaptive_max_pool2d")


@_symbolic("aten::adaptive_max_pool3d", dynamo=("aten::adaptive_max_pool3d",), wraps_builtin=True)
def adaptive_max_pool3d(self: Tensor, output_size: Sequence[int]) -> tuple[Tensor, Tensor]:
    """adaptive_max_pool3d(Tensor self, int[3] output_size) -> (Tensor, Tensor)

    As adaptive_max_pool1d over D, H and W; indices flat over D x H x W. TensorRT: parsable
    (NonZero only below opset 11).
    """
    if _n7_torch_pools(self, output_size, "aten::adaptive_max_pool3d"):
        return NotImplemented
    return _n7_adaptive_max(self, output_size, 3, "adaptive_max_pool3d")
# --- end group N7 ---


# --- group LU (issue 7 linear algebra: LU family) ---
from collections.abc import Sequence as _LUSequence  # noqa: E402
from typing import Optional as _LUOptional  # noqa: E402

from opset_patches import _lu as _lu_h  # noqa: E402
from opset_patches import _order as _lu_order  # noqa: E402

# Every op of this group: LU with partial pivoting unrolled over the static matrix size
# (export the last two dims static; batch dims stay dynamic), matrices up to _lu_h.MAX_N.
# TensorRT: all of them parse (Where/Equal/ArgMax/ReduceSum/MatMul/Slice/Concat), the
# natural-form Det of linalg_det/logdet aside (see there).


def _lu_factor(A: Tensor, pivot: bool, what: str) -> _lu_h.LU:
    if not pivot:
        raise OpfillError(f"{what}: pivot=False is not supported (eager's CPU kernel has no LU without pivoting "
                          "either); use pivot=True")
    return _lu_h.factor(A, what, square=False)


@_symbolic("aten::linalg_lu_factor_ex")
def linalg_lu_factor_ex(A: Tensor, pivot: bool = True, check_errors: bool = False) -> tuple[Tensor, Tensor, Tensor]:
    """linalg_lu_factor_ex(Tensor A, *, bool pivot=True, bool check_errors=False) -> (Tensor LU, Tensor pivots, Tensor info)

    getrf unrolled over min(m, n) steps (``_lu.factor``): pivot = first max |a| of the column
    (ArgMax), row swap by one-hot Where + ReduceSum, scale by 1/pivot, rank-1 update under
    masks. Pivots (int32, 1-based) and info (first zero pivot, 1-based) are eager's exactly;
    LU within 64 ULP / atol 1e-5 (float32), 2e-14 (float64) of eager's on the test rows (pivots
    well separated; near-ties may pivot differently from MKL, whose blocked updates round
    differently). check_errors is not checked (no errors at export). TensorRT: parsable.
    """
    f = _lu_factor(A, pivot, "linalg_lu_factor_ex")
    return f.lu, f.pivots_out(), f.info_out()


@_symbolic("aten::linalg_lu_factor", dynamo=())  # the dynamo exporter reaches linalg_lu_factor_ex
def linalg_lu_factor(A: Tensor, pivot: bool = True) -> tuple[Tensor, Tensor]:
    """linalg_lu_factor(Tensor A, *, bool pivot=True) -> (Tensor LU, Tensor pivots)

    linalg_lu_factor_ex without info. TensorRT: parsable.
    """
    f = _lu_factor(A, pivot, "linalg_lu_factor")
    return f.lu, f.pivots_out()


@_symbolic("aten::_lu_with_info", dynamo=())  # torch.lu; the dynamo exporter reaches linalg_lu_factor_ex
def _lu_with_info(self: Tensor, pivot: bool = True, check_errors: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """_lu_with_info(Tensor self, bool pivot=True, bool check_errors=True) -> (Tensor LU, Tensor pivots, Tensor info)

    torch.lu: linalg_lu_factor_ex. TensorRT: parsable.
    """
    f = _lu_factor(self, pivot, "lu")
    return f.lu, f.pivots_out(), f.info_out()


@_symbolic("aten::linalg_lu")
def linalg_lu(A: Tensor, pivot: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """linalg_lu(Tensor A, *, bool pivot=True) -> (Tensor P, Tensor L, Tensor U)

    getrf (as linalg_lu_factor_ex), then P[perm[i], i] = 1 (Equal, Transpose), L and U by
    triangle masks. m x n inputs: L is m x k, U k x n. TensorRT: parsable.
    """
    f = _lu_factor(A, pivot, "linalg_lu")
    L, U = _lu_h.unpack(f.lu, f.rank, f.m, f.n, f.dt)
    return _lu_h.perm_matrix(f.perm, f.rank, f.m, f.dt), L, U


@_symbolic("aten::lu_unpack")
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """lu_unpack(Tensor LU_data, Tensor LU_pivots, bool unpack_data=True, bool unpack_pivots=True) -> (Tensor P, Tensor L, Tensor U)

    The permutation from the (run-time) pivots by k unrolled one-hot row swaps, P from it
    (exact); L and U by triangle masks. Outputs not asked for are empty, as eager. TensorRT: parsable.
    """
    dt = _lu_h.check_float(LU_data, "lu_unpack")
    rank, m, n = _lu_h.matrix_dims(LU_data, "lu_unpack", square=False)
    empty = op.const([], dt)
    P = L = U = empty
    if unpack_pivots:
        perm, prank = _lu_h.perm_from_pivots(LU_pivots, m, min(m, n))
        P = _lu_h.perm_matrix(perm, prank, m, dt)
    if unpack_data:
        L, U = _lu_h.unpack(LU_data, rank, m, n, dt)
    return P, L, U


def _lu_solve_impl(LU: Tensor, pivots: Tensor, B: Tensor, left: bool, adjoint: bool, what: str) -> Tensor:
    dt = _lu_h.check_float(LU, what)
    rl, _, n = _lu_h.matrix_dims(LU, what)
    perm, rp = _lu_h.perm_from_pivots(pivots, n, n)
    rank = max(rl, rp, op.rank(B))
    b = op.cast(B, dt) if op.dtype(B) != dt else B
    return _lu_h.solve_general(_lu_h.lift(LU, rl, rank), _lu_h.lift(perm, rp, rank), _lu_h.lift(b, op.rank(B), rank),
                               rank, n, left, adjoint, dt)


@_symbolic("aten::linalg_lu_solve")
def linalg_lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, left: bool = True, adjoint: bool = False) -> Tensor:
    """linalg_lu_solve(Tensor LU, Tensor pivots, Tensor B, *, bool left=True, bool adjoint=False) -> Tensor

    getrs: the permutation from the run-time pivots (unrolled one-hot swaps), B's rows
    permuted (Where + ReduceSum, exact), then unit-lower and upper substitutions unrolled
    over n (MatMul of a row against the solved rows, Sub, Div); adjoint: U^T, L^T, inverse
    permutation; left=False: the transposed problem. Batch dims broadcast. TensorRT: parsable.
    """
    return _lu_solve_impl(LU, pivots, B, left, adjoint, "linalg_lu_solve")


@_symbolic("aten::lu_solve", dynamo=())  # the dynamo exporter reaches linalg_lu_solve
def lu_solve(self: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """lu_solve(Tensor self, Tensor LU_data, Tensor LU_pivots) -> Tensor

    linalg_lu_solve(LU_data, LU_pivots, self). TensorRT: parsable.
    """
    return _lu_solve_impl(LU_data, LU_pivots, self, True, False, "lu_solve")


@_symbolic("aten::_linalg_solve_ex")
def _linalg_solve_ex(A: Tensor, B: Tensor, left: bool = True,
                     check_errors: bool = False) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """_linalg_solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False) -> (Tensor result, Tensor LU, Tensor pivots, Tensor info)

    getrf of A then getrs (see linalg_lu_factor_ex, linalg_lu_solve); B a vector where eager
    reads it as one (B 1-D or B.shape == A.shape[:-1]; with dynamic dims, where the known
    sizes allow it). Measured vs eager on well-conditioned batches: see the test rows.
    TensorRT: parsable.
    """
    x, f, _ = _lu_h.solve_ex(A, B, left, "linalg_solve")
    return x, f.lu, f.pivots_out(), f.info_out()


@_symbolic("aten::linalg_solve_ex", dynamo=())  # the dynamo exporter reaches _linalg_solve_ex
def linalg_solve_ex(A: Tensor, B: Tensor, left: bool = True, check_errors: bool = False) -> tuple[Tensor, Tensor]:
    """linalg_solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False) -> (Tensor result, Tensor info)

    _linalg_solve_ex's result and info. TensorRT: parsable.
    """
    x, f, _ = _lu_h.solve_ex(A, B, left, "linalg_solve_ex")
    return x, f.info_out()


@_symbolic("aten::linalg_solve", dynamo=())  # the dynamo exporter reaches _linalg_solve_ex
def linalg_solve(A: Tensor, B: Tensor, left: bool = True) -> Tensor:
    """linalg_solve(Tensor A, Tensor B, *, bool left=True) -> Tensor

    _linalg_solve_ex's result (a singular A gives inf/nan where eager raises). TensorRT: parsable.
    """
    return _lu_h.solve_ex(A, B, left, "linalg_solve")[0]


@_symbolic("aten::linalg_inv_ex")
def linalg_inv_ex(A: Tensor, check_errors: bool = False) -> tuple[Tensor, Tensor]:
    """linalg_inv_ex(Tensor A, *, bool check_errors=False) -> (Tensor inverse, Tensor info)

    As eager: solve(A, I) through getrf + getrs unrolled over n; info = first zero pivot.
    TensorRT: parsable.
    """
    return _lu_h.inverse(A, "linalg_inv_ex")


@_symbolic("aten::linalg_inv", dynamo=())  # the dynamo exporter reaches linalg_inv_ex
def linalg_inv(A: Tensor) -> Tensor:
    """linalg_inv(Tensor A) -> Tensor

    linalg_inv_ex's inverse (a singular A gives inf/nan where eager raises). TensorRT: parsable.
    """
    return _lu_h.inverse(A, "linalg_inv")[0]


@_symbolic("aten::linalg_det", dynamo=(), wraps_builtin=True, tensorrt_form=True)
def linalg_det(A: Tensor) -> Tensor:
    """linalg_det(Tensor A) -> Tensor

    As eager: getrf of A^T, det = (-1)^swaps * prod(diag U) (ReduceProd). From opset 11,
    float32, torch's own ONNX Det is kept (this op is in front of it): Det is not TensorRT-
    parsable, so the tensorrt target takes the LU form; float64 always takes the LU form
    (onnxruntime has no float64 Det). TensorRT: the LU form parses.
    """
    dt = _lu_h.check_float(A, "linalg_det")
    _, _, n = _lu_h.matrix_dims(A, "linalg_det")
    if op.opset >= 11 and dt == torch.float32 and not op.for_tensorrt and n > 0:
        if op.may_defer:
            return NotImplemented
        return op.Det(A)
    return _lu_h.det_from(_lu_h.det_parts(A, "linalg_det"))


@_symbolic("aten::logdet", dynamo=(), wraps_builtin=True)
def logdet(self: Tensor) -> Tensor:
    """logdet(Tensor self) -> Tensor

    As eager: slogdet, nan where the sign is -1 (-inf for a singular matrix). From opset 11,
    float32, torch's own Log(Det) is kept, except for the tensorrt target (Det is not
    TensorRT-parsable); float64 always takes the LU form (onnxruntime has no float64 Det).
    """
    dt = _lu_h.check_float(self, "logdet")
    if op.opset >= 11 and dt == torch.float32 and not op.for_tensorrt and op.may_defer:
        return NotImplemented
    f = _lu_h.det_parts(self, "logdet")
    sign, logabs = _lu_h.slogdet_from(f)
    if f.diag is None:  # 0x0: log(1)
        return logabs
    return op.Where(op.Less(sign, op.const(0.0, dt)), op.const(float("nan"), dt), logabs)


@_symbolic("aten::_linalg_slogdet")
def _linalg_slogdet(A: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """_linalg_slogdet(Tensor A) -> (Tensor sign, Tensor logabsdet, Tensor LU, Tensor pivots)

    As eager: getrf of A^T; sign = (-1)^swaps prod(sign(diag U)), logabsdet = sum(log|diag U|).
    LU and pivots are those of A^T, as eager's. TensorRT: parsable.
    """
    f = _lu_h.det_parts(A, "slogdet")
    sign, logabs = _lu_h.slogdet_from(f)
    return sign, logabs, f.lu, f.pivots_out()


@_symbolic("aten::linalg_slogdet", dynamo=())  # the dynamo exporter reaches _linalg_slogdet
def linalg_slogdet(A: Tensor) -> tuple[Tensor, Tensor]:
    """linalg_slogdet(Tensor A) -> (Tensor sign, Tensor logabsdet)

    See _linalg_slogdet. TensorRT: parsable.
    """
    return _lu_h.slogdet_from(_lu_h.det_parts(A, "linalg_slogdet"))


@_symbolic("aten::slogdet", dynamo=())
def slogdet(self: Tensor) -> tuple[Tensor, Tensor]:
    """slogdet(Tensor self) -> (Tensor sign, Tensor logabsdet)

    See _linalg_slogdet. TensorRT: parsable.
    """
    return _lu_h.slogdet_from(_lu_h.det_parts(self, "slogdet"))


@_symbolic("aten::linalg_matrix_power", dynamo=())  # dynamo: MatMuls, and linalg_inv_ex for n < 0
def linalg_matrix_power(self: Tensor, n: int) -> Tensor:
    """linalg_matrix_power(Tensor self, int n) -> Tensor

    As eager: n = 0 the identity; n < 0 the inverse (linalg_inv) raised to -n; the same
    binary-powering MatMuls in the same order. TensorRT: parsable.
    """
    dt = _lu_h.check_float(self, "linalg_matrix_power")
    rank, _, size = _lu_h.matrix_dims(self, "linalg_matrix_power")
    a = self
    if n < 0:
        a = _lu_h.inverse(self, "linalg_matrix_power")[0]
    return _lu_h.matmul_power(a, abs(n), rank, size, dt)


@_symbolic("aten::linalg_matrix_exp")
def linalg_matrix_exp(self: Tensor) -> Tensor:
    """linalg_matrix_exp(Tensor self) -> Tensor

    As eager (Bader-Blanes-Casas optimized Taylor, not Pade): per matrix by its 1-norm, T1, T2,
    T4, T8, T12, or T18 of A / 2^s followed by s squarings; every branch is evaluated and
    Where picks each matrix's (s is data-dependent: 128 Where-guarded squarings, which
    covers every finite float32 norm and float64 norms up to 3.7e38, nan above).
    TensorRT: parsable (~700 nodes).
    """
    dt = _lu_h.check_float(self, "linalg_matrix_exp")
    rank, _, n = _lu_h.matrix_dims(self, "linalg_matrix_exp")
    if n == 0:
        return self
    return _lu_h.matrix_exp(self, rank, n, dt)


def _lu_static_shape(x: Tensor, what: str) -> list[int]:
    sizes = op.sizes(x)
    if any(s is None for s in sizes):
        raise OpfillError(f"{what}: every dim of the input must be static (export without dynamic axes on it); "
                          f"got sizes {sizes}")
    return [int(s) for s in sizes]


@_symbolic("aten::linalg_tensorinv", dynamo=())  # the dynamo exporter reaches linalg_inv_ex
def linalg_tensorinv(self: Tensor, ind: int = 2) -> Tensor:
    """linalg_tensorinv(Tensor self, int ind=2) -> Tensor

    As eager: reshape to (prod(shape[:ind]), prod(shape[ind:])), linalg_inv, reshape to
    shape[ind:] + shape[:ind] (static shapes). TensorRT: parsable.
    """
    shape = _lu_static_shape(self, "linalg_tensorinv")
    if ind <= 0:
        raise OpfillError(f"linalg_tensorinv: ind={ind}; expected a positive ind")
    rows, cols = math.prod(shape[:ind]), math.prod(shape[ind:])
    if rows != cols:
        raise OpfillError(f"linalg_tensorinv: prod(shape[:ind]) = {rows} != prod(shape[ind:]) = {cols}")
    sp = (_lu_h.check_float(self, "linalg_tensorinv"), 2, rows, cols)
    inv = _lu_h.inverse(op.Reshape(self, _lu_order.ints([rows, cols])), "linalg_tensorinv", sp)[0]
    return op.Reshape(inv, _lu_order.ints(shape[ind:] + shape[:ind]))


@_symbolic("aten::linalg_tensorsolve", dynamo=())  # the dynamo exporter reaches _linalg_solve_ex
def linalg_tensorsolve(self: Tensor, other: Tensor, dims: _LUOptional[_LUSequence[int]] = None) -> Tensor:
    """linalg_tensorsolve(Tensor self, Tensor other, int[]? dims=None) -> Tensor

    As eager: dims moved to the end (Transpose), reshape to a square matrix, linalg_solve
    against other flattened, reshape to the trailing dims (static shapes). TensorRT: parsable.
    """
    shape = _lu_static_shape(self, "linalg_tensorsolve")
    oshape = _lu_static_shape(other, "linalg_tensorsolve")
    nd = len(shape)
    x = self
    if dims:
        src = [_lu_order.wrap_dim(d, nd) for d in dims]
        rest = [d for d in range(nd) if d not in src]
        x = op.Transpose(x, perm=rest + src)
        shape = [shape[d] for d in rest + src]
    result_shape = shape[len(oshape):]
    rows, cols = math.prod(oshape), math.prod(result_shape)
    if rows != cols:
        raise OpfillError(f"linalg_tensorsolve: prod(other.shape) = {rows} != prod of the result dims = {cols}")
    dt = _lu_h.check_float(self, "linalg_tensorsolve")
    b = op.Reshape(other if op.dtype(other) == dt else op.cast(other, dt), _lu_order.ints([rows, 1]))
    x = _lu_h.solve_ex(op.Reshape(x, _lu_order.ints([rows, cols])), b, True, "linalg_tensorsolve",
                       sp=(dt, 2, rows, cols), b_rank=2)[0]
    return op.Reshape(x, _lu_order.ints(result_shape))
# --- end group LU ---


# --- group LC (issue 7 linear algebra: triangular, Cholesky, QR) ---
from opset_patches import _chol as _lc  # noqa: E402
from typing import Optional as _LCOptional  # noqa: E402

# Every op here is unrolled over the static matrix size (a dynamic matrix dim is a one-line
# OpfillError; batch dims stay dynamic) and uses opset-9 arithmetic only (Slice, Concat,
# MatMul, Mul/Div/Sub, Sqrt, Where, comparisons, Expand, Transpose): TensorRT's ONNX parser
# takes all of it. Accuracy figures: vs eager (torch 2.13 CPU, LAPACK/BLAS of the wheel),
# onnxruntime 1.32 CPU, on the rows of _cases_chol.py and the OpInfo samples.


@_symbolic("aten::linalg_solve_triangular")
def linalg_solve_triangular(self: Tensor, B: Tensor, upper: bool, left: bool = True,
                            unitriangular: bool = False) -> Tensor:
    """linalg_solve_triangular(Tensor self, Tensor B, *, bool upper, bool left=True, bool unitriangular=False) -> Tensor

    Substitution unrolled over the static n: row i of X is (B_i - A[i, J] X_J) / A[i, i]
    over the rows J solved before (one MatMul per row); left=False solves A^T X^T = B^T.
    Reads only A's triangle (not its diagonal when unitriangular); batch dims broadcast.
    Accuracy vs eager (summation order differs from the BLAS kernel's): well-conditioned
    rows max abs error 3.6e-7 float32 / 1.3e-15 float64 on O(1) solutions; OpInfo samples
    within 8 ULP or 2**-18 (2**-47) absolute. Ill-conditioned systems differ by ~cond(A) eps,
    as eager's own error; the backward error |A X - B| / (|A||X| + |B|) is a few eps in
    both (compared in the row). TensorRT: Slice/MatMul/Sub/Div/Concat, deployable.
    """
    return _lc.solve_triangular(self, B, upper=upper, left=left, unit=unitriangular,
                                what="linalg_solve_triangular")


@_symbolic("aten::triangular_solve")
def triangular_solve(self: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> tuple[Tensor, Tensor]:
    """triangular_solve(Tensor self, Tensor A, bool upper=True, bool transpose=False, bool unitriangular=False) -> (Tensor solution, Tensor cloned_coefficient)

    X with A X = self (A^T X = self with transpose), by the substitution of
    linalg_solve_triangular; cloned_coefficient is A expanded to the broadcast batch dims,
    as eager. Accuracy: rows 2.4e-7 / 8.9e-16 max abs; OpInfo within 8 ULP or 2**-18
    (2**-47). TensorRT: deployable (arithmetic, Expand).
    """
    what = "triangular_solve"
    ra, rb = _lc.matrix_rank(A, what), _lc.matrix_rank(self, what)
    x = _lc.solve_triangular(A, self, upper=upper, left=True, unit=unitriangular, what=what,
                             transpose_a=transpose)
    clone = _lc.broadcast_like(A, self, op.static_size(A, -1, what), ra, rb) if max(ra, rb) > 2 else A
    return x, clone


@_symbolic("aten::linalg_cholesky_ex")
def linalg_cholesky_ex(self: Tensor, upper: bool = False,
                       check_errors: bool = False) -> tuple[Tensor, Tensor]:
    """linalg_cholesky_ex(Tensor self, *, bool upper=False, bool check_errors=False) -> (Tensor L, Tensor info)

    Left-looking Cholesky (LAPACK potf2's dot products, a column per step: one MatMul,
    Sqrt, a multiply by 1 / L[j, j]), reading only the lower (upper) triangle. Not positive
    definite: info (int32) is the order of the first non-positive (or nan) leading minor, L
    holds eager's values (pivot value on that diagonal, the input's entries after it).
    check_errors cannot raise inside a graph: it is ignored (read info). Accuracy vs eager:
    SPD inputs max abs 2.4e-7 float32 / 6.7e-16 float64 (O(1) factors), OpInfo samples
    within 8 ULP or 2**-18; info exact. Indefinite inputs with leading minors near 0 (pivots
    that are differences of large terms): 42 ULP float32, 118 ULP float64 measured; a pivot
    within rounding of 0 could fail on one side only. TensorRT: deployable (Slice, MatMul,
    Sqrt, Where, Concat).
    """
    return _lc.cholesky(self, upper, "linalg_cholesky_ex")


# The dynamo exporter's decomposition of linalg_cholesky ends in _linalg_check_errors, which
# has no ONNX function: the op itself is the target (the exporter then keeps it whole).
@_symbolic("aten::linalg_cholesky")
def linalg_cholesky(self: Tensor, upper: bool = False) -> Tensor:
    """linalg_cholesky(Tensor self, *, bool upper=False) -> Tensor

    linalg_cholesky_ex's L (eager raises where the input is not positive definite; the
    graph returns that L). Accuracy and TensorRT as linalg_cholesky_ex.
    """
    return _lc.cholesky(self, upper, "linalg_cholesky")[0]


@_symbolic("aten::cholesky")
def cholesky(self: Tensor, upper: bool = False) -> Tensor:
    """cholesky(Tensor self, bool upper=False) -> Tensor

    The deprecated spelling of linalg_cholesky (same algorithm, accuracy, TensorRT).
    """
    return _lc.cholesky(self, upper, "cholesky")[0]


@_symbolic("aten::cholesky_solve")
def cholesky_solve(self: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """cholesky_solve(Tensor self, Tensor input2, bool upper=False) -> Tensor

    X with (L L^T) X = self (U^T U with upper): forward then back substitution, as LAPACK's
    potrs; batch dims broadcast. Accuracy (well-conditioned): max abs 9.5e-7 float32 /
    1.8e-15 float64 on O(1) solutions, OpInfo within 8 ULP or 2**-18. TensorRT: deployable.
    """
    return _lc.cholesky_solve(self, input2, upper, "cholesky_solve")


@_symbolic("aten::cholesky_inverse")
def cholesky_inverse(self: Tensor, upper: bool = False) -> Tensor:
    """cholesky_inverse(Tensor self, bool upper=False) -> Tensor

    (L L^T)^-1 = L^-T L^-1 (U^-1 U^-T with upper): the factor inverted by substitution on
    the identity, then one MatMul. Accuracy (well-conditioned): max abs 3.6e-7 float32 /
    8.9e-16 float64, OpInfo within 8 ULP or 2**-18. TensorRT: deployable.
    """
    return _lc.cholesky_inverse(self, upper, "cholesky_inverse")


@_symbolic("aten::geqrf")
def geqrf(self: Tensor) -> tuple[Tensor, Tensor]:
    """geqrf(Tensor self) -> (Tensor a, Tensor tau)

    LAPACK's geqr2 unrolled: per column a reflector by dlarfg's rules (beta = -sign(alpha)
    ||x||, tau = 0 for a zero column below the diagonal; the column scaled by a power of two
    first, exactly, so tiny and huge entries work), applied to the trailing block as dlarf
    (MatMul, outer-product update). R on and above the diagonal, the reflectors below, as
    eager. Accuracy (well-conditioned): max abs 2.4e-7 float32 / 4.4e-16 float64, OpInfo
    within 8 ULP or 2**-18. Dynamo: torch.export itself cannot trace geqrf with a dynamic
    batch dim (static shapes export). TensorRT: deployable (Slice, MatMul, Sqrt, Where,
    Log/Floor/Pow for the scale).
    """
    w, taus, _, _, r, dt = _lc.geqrf(self, "geqrf")
    return w, _lc.taus_tensor(taus, self, r, dt)


@_symbolic("aten::linalg_qr")
def linalg_qr(A: Tensor, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """linalg_qr(Tensor A, str mode="reduced") -> (Tensor Q, Tensor R)

    Householder QR as eager's LAPACK path: geqrf (see aten::geqrf) then org2r for Q, so the
    signs match eager's (R's diagonal negative exactly where LAPACK's is). Modes reduced,
    complete and r (Q empty, as eager). Accuracy on well-conditioned inputs: Q and R max
    abs 6e-7 float32 / 1.2e-15 float64, OpInfo within 8 ULP or 2**-18. Where a column is
    (nearly) dependent on the others a reflector's sign follows a rounding-level remainder,
    in eager too: there Q R and Q^T Q are compared (same bounds). TensorRT: deployable.
    """
    return _lc.qr(A, mode, "linalg_qr")


@_symbolic("aten::linalg_householder_product")
def linalg_householder_product(input: Tensor, tau: Tensor) -> Tensor:
    """linalg_householder_product(Tensor input, Tensor tau) -> Tensor

    LAPACK's org2r unrolled: H_0 ... H_{k-1} applied to the identity's first n columns from
    the last reflector back (MatMul and outer-product updates). tau's length may be
    dynamic (<= n): padded to n, reflectors past it masked to the identity. Accuracy: max
    abs 1.2e-6 float32 / 2.7e-15 float64 on the rows, OpInfo 2 / 5 ULP. TensorRT: deployable.
    """
    return _lc.householder_product(input, tau, "linalg_householder_product")


@_symbolic("aten::orgqr", dynamo=())  # dynamo decomposes it to linalg_householder_product
def orgqr(self: Tensor, input2: Tensor) -> Tensor:
    """orgqr(Tensor self, Tensor input2) -> Tensor

    linalg_householder_product(self, input2) (same algorithm, accuracy, TensorRT).
    """
    return _lc.householder_product(self, input2, "orgqr")


@_symbolic("aten::linalg_vander")
def linalg_vander(x: Tensor, N: _LCOptional[int] = None) -> Tensor:
    """linalg_vander(Tensor x, *, SymInt? N=None) -> Tensor

    Columns 1, x, x^2, ... (N of them; x's static last size if N is None) by repeated
    products, as eager's cumprod, in its accumulator type (float64 for float32, int64 for
    integers) and rounded once per power: exact vs eager (0 ULP). The TensorRT target
    keeps float32 throughout: up to (N - 2) ULP. TensorRT: Mul/Concat/Expand, deployable.
    """
    return _lc.vander(x, N, "linalg_vander")


@_symbolic("aten::linalg_vecdot", dynamo=())  # the dynamo exporter decomposes it (Mul, ReduceSum)
def linalg_vecdot(x: Tensor, y: Tensor, dim: int = -1) -> Tensor:
    """linalg_vecdot(Tensor x, Tensor y, *, int dim=-1) -> Tensor

    sum(x * y, dim) (real inputs: no conjugate), the product in x's dtype and float16
    summed in float32, as eager. The sum's order differs from eager's: a few eps of
    sum |x y| (rows: 4.8e-7 float32, 1.4e-15 float64, 9.8e-4 float16 on sums of 5 terms
    <= 1; OpInfo 4 ULP). TensorRT: Mul, ReduceSum, deployable.
    """
    return _lc.vecdot(x, y, dim, "linalg_vecdot")
# --- end group LC ---


# --- group LS (issue 7 linear algebra: eigh, SVD and what derives from them) ---
from opset_patches import _spectral as _ls  # noqa: E402
from typing import Optional as _LSOptional  # noqa: E402
from collections.abc import Sequence as _LSSequence  # noqa: E402

# Jacobi compositions (see opset_patches/_spectral.py): unrolled over a static matrix size,
# batch dims dynamic. Accuracy (float32 / float64, n <= 8, rows in _cases_spectral.py):
# eigenvalues and singular values within ~25 eps of the matrix norm (eager's LAPACK: a few
# eps); residuals ||A V - V diag(w)||, reconstructions and orthogonality at the same level;
# pinv within cond * eps. TensorRT: plain arithmetic (MatMul, Gather with constant indices,
# Where, ArgMax, reductions): deployable.


@_symbolic("aten::linalg_eigh", dynamo=())  # the dynamo exporter reaches aten::_linalg_eigh
def linalg_eigh(self: Tensor, UPLO: str = "L") -> tuple[Tensor, Tensor]:
    """linalg_eigh(Tensor self, str UPLO="L") -> (Tensor eigenvalues, Tensor eigenvectors)

    Cyclic (round-robin parallel) Jacobi on the triangle UPLO names, a fixed number of sweeps
    (_spectral.sweeps); eigenvalues ascending. Eigenvectors are unique only up to sign (and
    within repeated eigenvalues): judged by residual and orthogonality. TensorRT: deployable.
    """
    return _ls.eigh(self, UPLO, True, "linalg_eigh")


@_symbolic("aten::_linalg_eigh")
def _linalg_eigh(A: Tensor, UPLO: str = "L", compute_v: bool = True) -> tuple[Tensor, Tensor]:
    """_linalg_eigh(Tensor A, str UPLO="L", bool compute_v=True) -> (Tensor eigenvalues, Tensor eigenvectors)

    What the dynamo exporter's decompositions of linalg_eigh, linalg_eigvalsh, pinv/matrix_rank
    (hermitian) reach; as linalg_eigh (compute_v=False: an empty eigenvector tensor, as eager).
    TensorRT: deployable.
    """
    w, v = _ls.eigh(A, UPLO, compute_v, "_linalg_eigh")
    if v is None:
        v = op.const(torch.zeros(0).tolist(), op.dtype(A))
    return w, v


@_symbolic("aten::linalg_eigvalsh", dynamo=())
def linalg_eigvalsh(self: Tensor, UPLO: str = "L") -> Tensor:
    """linalg_eigvalsh(Tensor self, str UPLO="L") -> Tensor

    linalg_eigh's Jacobi without the eigenvector accumulation. TensorRT: deployable.
    """
    w, _ = _ls.eigh(self, UPLO, False, "linalg_eigvalsh")
    return w


@_symbolic("aten::linalg_svd", dynamo=())  # the dynamo exporter reaches aten::_linalg_svd
def linalg_svd(A: Tensor, full_matrices: bool = True, driver: _LSOptional[str] = None) -> tuple[Tensor, Tensor, Tensor]:
    """linalg_svd(Tensor A, bool full_matrices=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)

    One-sided (Hestenes) Jacobi on A (A^T when wide), a fixed number of sweeps; U completed
    to an orthonormal basis where A is rank-deficient or full_matrices asks for more columns.
    Singular vectors are unique only up to sign (and within repeated values): judged by
    reconstruction and orthogonality. ``driver`` is ignored (CUDA-only in eager).
    TensorRT: deployable.
    """
    return _ls.svd(A, full_matrices, True, "linalg_svd")


@_symbolic("aten::_linalg_svd")
def _linalg_svd(A: Tensor, full_matrices: bool = False, compute_uv: bool = True,
                driver: _LSOptional[str] = None) -> tuple[Tensor, Tensor, Tensor]:
    """_linalg_svd(Tensor A, bool full_matrices=False, bool compute_uv=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)

    What the dynamo exporter's decompositions of every SVD-based op reach (linalg_svd,
    svdvals, svd, matrix_rank, pinv, cond, matrix_norm 'nuc'/2/-2, nuclear_norm); as
    linalg_svd (compute_uv=False: empty U and Vh, as eager). TensorRT: deployable.
    """
    u, s, vh = _ls.svd(A, full_matrices, compute_uv, "_linalg_svd")
    if u is None:
        empty = op.const(torch.zeros(0).tolist(), op.dtype(A))
        return empty, s, empty
    return u, s, vh


@_symbolic("aten::linalg_svdvals", dynamo=())
def linalg_svdvals(A: Tensor, driver: _LSOptional[str] = None) -> Tensor:
    """linalg_svdvals(Tensor A, *, str? driver=None) -> Tensor

    linalg_svd's one-sided Jacobi without U/V; descending. TensorRT: deployable.
    """
    _, s, _ = _ls.svd(A, False, False, "linalg_svdvals")
    return s


@_symbolic("aten::svd", dynamo=())
def svd(self: Tensor, some: bool = True, compute_uv: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """svd(Tensor self, bool some=True, bool compute_uv=True) -> (Tensor U, Tensor S, Tensor V)

    linalg_svd with V = Vh^T (reduced where ``some``); compute_uv=False gives zero U (m x m)
    and V (n x n), as eager. TensorRT: deployable.
    """
    return _ls.old_svd(self, some, compute_uv)


@_symbolic("aten::linalg_pinv.atol_rtol_tensor")  # what the dynamo exporter reaches for every pinv
def linalg_pinv_atol_rtol_tensor(self: Tensor, atol: _LSOptional[Tensor] = None, rtol: _LSOptional[Tensor] = None,
                                 hermitian: bool = False) -> Tensor:
    """linalg_pinv.atol_rtol_tensor(Tensor self, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False) -> Tensor

    eager's formula: V diag(1/s where s > max(atol, rtol s_max), else 0) U^T from the Jacobi
    SVD (hermitian: U diag(1/w) U^T from the Jacobi eigh, |w| against the tolerance).
    TensorRT: deployable.
    """
    return _ls.pinv(self, atol, rtol, hermitian, "linalg_pinv")


@_symbolic("aten::linalg_pinv.atol_rtol_float", dynamo=())
def linalg_pinv_atol_rtol_float(self: Tensor, atol: _LSOptional[float] = None, rtol: _LSOptional[float] = None,
                                hermitian: bool = False) -> Tensor:
    """linalg_pinv.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor

    As linalg_pinv.atol_rtol_tensor. TensorRT: deployable.
    """
    return _ls.pinv(self, atol, rtol, hermitian, "linalg_pinv")


@_symbolic("aten::linalg_pinv", dynamo=())
def linalg_pinv(self: Tensor, rcond: float, hermitian: bool = False) -> Tensor:
    """linalg_pinv(Tensor self, float rcond, bool hermitian=False) -> Tensor

    rcond is rtol (atol 0), as eager. TensorRT: deployable.
    """
    return _ls.pinv(self, 0.0, rcond, hermitian, "linalg_pinv")


@_symbolic("aten::pinverse", dynamo=())
def pinverse(self: Tensor, rcond: float = 1e-15) -> Tensor:
    """pinverse(Tensor self, float rcond=1.0000000000000001e-15) -> Tensor

    linalg_pinv(self, rtol=rcond), as eager. TensorRT: deployable.
    """
    return _ls.pinv(self, None, rcond, False, "pinverse")


@_symbolic("aten::linalg_matrix_rank.atol_rtol_tensor", dynamo=())  # dynamo: reaches _linalg_svd/_linalg_eigh
def linalg_matrix_rank_atol_rtol_tensor(input: Tensor, atol: _LSOptional[Tensor] = None,
                                        rtol: _LSOptional[Tensor] = None, hermitian: bool = False) -> Tensor:
    """linalg_matrix_rank.atol_rtol_tensor(Tensor input, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False) -> Tensor

    The count of singular values (hermitian: |eigenvalues|) above max(atol, rtol s_max), as
    eager; int64. Values within rounding of the threshold may count differently from eager.
    TensorRT: deployable.
    """
    return _ls.matrix_rank(input, atol, rtol, hermitian, "linalg_matrix_rank")


@_symbolic("aten::linalg_matrix_rank.atol_rtol_float", dynamo=())
def linalg_matrix_rank_atol_rtol_float(self: Tensor, atol: _LSOptional[float] = None,
                                       rtol: _LSOptional[float] = None, hermitian: bool = False) -> Tensor:
    """linalg_matrix_rank.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor

    As linalg_matrix_rank.atol_rtol_tensor. TensorRT: deployable.
    """
    return _ls.matrix_rank(self, atol, rtol, hermitian, "linalg_matrix_rank")


@_symbolic("aten::linalg_matrix_rank", dynamo=())
def linalg_matrix_rank(self: Tensor, tol: float, hermitian: bool = False) -> Tensor:
    """linalg_matrix_rank(Tensor self, float tol, bool hermitian=False) -> Tensor

    tol is atol (rtol 0), as eager. TensorRT: deployable.
    """
    return _ls.matrix_rank(self, tol, 0.0, hermitian, "linalg_matrix_rank")


@_symbolic("aten::linalg_matrix_rank.tol_tensor", dynamo=())
def linalg_matrix_rank_tol_tensor(input: Tensor, tol: Tensor, hermitian: bool = False) -> Tensor:
    """linalg_matrix_rank.tol_tensor(Tensor input, Tensor tol, bool hermitian=False) -> Tensor

    tol is atol (rtol 0), as eager. TensorRT: deployable.
    """
    return _ls.matrix_rank(input, tol, 0.0, hermitian, "linalg_matrix_rank")


@_symbolic("aten::linalg_cond", dynamo=())  # dynamo: reaches _linalg_svd (p None/+-2) or linalg_inv_ex
def linalg_cond(self: Tensor, p: _LSOptional[float] = None) -> Tensor:
    """linalg_cond(Tensor self, Scalar? p=None) -> Tensor

    p None/2/-2: s_max / s_min (or its inverse) from the Jacobi SVD. p +-1/+-inf:
    ||A||_p ||A^-1||_p with A^-1 = V diag(1/s) U^T from the same SVD (inf for a singular A,
    as eager). TensorRT: deployable.
    """
    return _ls.cond(self, p)


@_symbolic("aten::linalg_cond.p_str", dynamo=())
def linalg_cond_p_str(self: Tensor, p: str) -> Tensor:
    """linalg_cond.p_str(Tensor self, str p) -> Tensor

    'fro' / 'nuc': ||A|| ||A^-1|| from the Jacobi SVD's singular values alone, relative to the
    largest (r = s / s_max: sqrt(sum r^2) sqrt(sum r^-2), sum r * sum 1/r), so no square
    overflows where eager's own norms do; inf for a singular A ('nuc': nan for the zero
    matrix), as eager. TensorRT: deployable.
    """
    return _ls.cond(self, p)


@_symbolic("aten::linalg_matrix_norm", dynamo=(), wraps_builtin=True)
def linalg_matrix_norm(self: Tensor, ord: float, dim: _LSSequence[int] = (-2, -1), keepdim: bool = False,
                       dtype: _LSOptional[int] = None) -> Tensor:
    """linalg_matrix_norm(Tensor self, Scalar ord, int[] dim=[-2, -1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    ord 2 / -2 (which torch's TorchScript exporter refuses): the largest / smallest singular
    value of the Jacobi SVD; every other ord goes to torch's symbolic. TensorRT: deployable.
    """
    if ord not in (2, -2):
        return NotImplemented
    return _ls.spectral_matrix_norm(self, ord, list(dim), keepdim, dtype)


@_symbolic("aten::linalg_matrix_norm.str_ord", dynamo=(), wraps_builtin=True)
def linalg_matrix_norm_str_ord(self: Tensor, ord: str = "fro", dim: _LSSequence[int] = (-2, -1),
                               keepdim: bool = False, dtype: _LSOptional[int] = None) -> Tensor:
    """linalg_matrix_norm.str_ord(Tensor self, str ord="fro", int[] dim=[-2, -1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    ord 'nuc' (which torch's TorchScript exporter refuses): the sum of the Jacobi SVD's
    singular values; 'fro' goes to torch's symbolic. TensorRT: deployable.
    """
    if ord != "nuc":
        return NotImplemented
    return _ls.spectral_matrix_norm(self, ord, list(dim), keepdim, dtype)


def _ls_norm_dims(self: Tensor, dim) -> list[int] | None:
    if dim is not None:
        return list(dim) if len(dim) == 2 else None
    return [-2, -1] if op.rank(self) == 2 else None


@_symbolic("aten::linalg_norm", dynamo=(), wraps_builtin=True)
def linalg_norm(self: Tensor, ord: _LSOptional[float] = None, dim: _LSOptional[_LSSequence[int]] = None,
                keepdim: bool = False, dtype: _LSOptional[int] = None) -> Tensor:
    """linalg_norm(Tensor self, Scalar? ord=None, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    Matrix ord 2 / -2 as linalg_matrix_norm; everything else goes to torch's symbolic.
    TensorRT: deployable.
    """
    dims = _ls_norm_dims(self, dim)
    if ord not in (2, -2) or dims is None:
        return NotImplemented
    return _ls.spectral_matrix_norm(self, ord, dims, keepdim, dtype)


@_symbolic("aten::linalg_norm.ord_str", dynamo=(), wraps_builtin=True)
def linalg_norm_ord_str(self: Tensor, ord: str, dim: _LSOptional[_LSSequence[int]] = None, keepdim: bool = False,
                        dtype: _LSOptional[int] = None) -> Tensor:
    """linalg_norm.ord_str(Tensor self, str ord, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor

    ord 'nuc' as linalg_matrix_norm; everything else goes to torch's symbolic. TensorRT: deployable.
    """
    dims = _ls_norm_dims(self, dim)
    if ord != "nuc" or dims is None:
        return NotImplemented
    return _ls.spectral_matrix_norm(self, ord, dims, keepdim, dtype)


@_symbolic("aten::nuclear_norm", dynamo=())
def nuclear_norm(self: Tensor, keepdim: bool = False) -> Tensor:
    """nuclear_norm(Tensor self, bool keepdim=False) -> Tensor

    The sum of the Jacobi SVD's singular values of a 2-D input. TensorRT: deployable.
    """
    if op.rank(self) != 2:
        raise OpfillError(f"nuclear_norm: expected a 2-D input, got {op.rank(self)}-D; pass dim")
    return _ls.spectral_matrix_norm(self, "nuc", [0, 1], keepdim, None)


@_symbolic("aten::nuclear_norm.dim", dynamo=())
def nuclear_norm_dim(self: Tensor, dim: _LSSequence[int], keepdim: bool = False) -> Tensor:
    """nuclear_norm.dim(Tensor self, int[2] dim, bool keepdim=False) -> Tensor

    The sum of the Jacobi SVD's singular values over ``dim``. TensorRT: deployable.
    """
    return _ls.spectral_matrix_norm(self, "nuc", list(dim), keepdim, None)
# --- end group LS ---


# --- group V7 (issue 7 vision: grid sampling, unpooling, resampling) ---
from opset_patches import _vision as _v7  # noqa: E402
from typing import Optional as _V7Optional  # noqa: E402
from collections.abc import Sequence as _V7Sequence  # noqa: E402


@_symbolic("aten::grid_sampler", dynamo=(), wraps_builtin=True, tensorrt_form=True)
def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """grid_sampler(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor

    What F.grid_sample records under TorchScript; 4-D input follows grid_sampler_2d, 5-D
    grid_sampler_3d. Below opset 16 (and for 5-D input below 20, where torch's symbolic
    refuses it) the Gather composition; the dynamo exporter decomposes it to grid_sampler_2d/3d.

    Eager's CPU kernel step by step (_vision.grid_sample): unnormalize (g + 1) * size / 2 - 0.5
    (align_corners: (g + 1) * (size - 1) / 2; the 3-D kernel's ((g + 1) * size - 1) / 2), with
    the multiply-adds eager's vectorized 2-D float32 kernel fuses done in float64 (bit-equal
    there), border/reflection padding (reflection about -0.5 and size - 0.5 without
    align_corners; nan to 0 in the 2-D kernel, to size - 1 in the 3-D one, as eager), then
    bilinear (4 taps / 8 for 3-D), nearest (round half to even) or bicubic (16 taps,
    A = -0.75), each tap read with Gather on the flattened input (GatherElements from opset 11),
    0 where it falls outside in zeros mode. Measured against eager: float32 bilinear/nearest and
    every 3-D mode bit-equal, float16 bit-equal, bicubic and float64 within a few ULP of the
    taps. Opset 16 (4-D) / 20 (any rank): ONNX GridSample, torch's own symbolic where it has
    one. TensorRT: GridSample parses for 4-D input only; 5-D input gets this composition under
    torch_opfill.target("tensorrt") (Gather/GatherElements, Floor, Round, Mod, Where, IsNaN,
    no float64: parsable in float32/float16).
    """
    return _v7.grid_sampler_any("grid_sampler", input, grid, interpolation_mode, padding_mode, align_corners)


@_symbolic("aten::grid_sampler_2d", dynamo=(), tensorrt_form=True)  # torchlib has it (GridSample)
def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler_2d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor

    4-D input [N, C, H, W], grid [N, Ho, Wo, 2]: the Gather composition of grid_sampler below
    opset 16. TensorRT: parsable (no float64).
    """
    return _v7.grid_sampler_any("grid_sampler_2d", input, grid, interpolation_mode, padding_mode, align_corners)


@_symbolic("aten::grid_sampler_3d", dynamo=(), tensorrt_form=True)  # torchlib has it (GridSample)
def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler_3d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor

    5-D input [N, C, D, H, W], grid [N, Do, Ho, Wo, 3]: the Gather composition of grid_sampler
    (eager's scalar 3-D kernel) below opset 20. TensorRT: parsable (no float64).
    """
    return _v7.grid_sampler_any("grid_sampler_3d", input, grid, interpolation_mode, padding_mode, align_corners)


@_symbolic("aten::max_unpool2d", dynamo=())  # the dynamo exporter decomposes it (ScatterND)
def max_unpool2d(self: Tensor, indices: Tensor, output_size: _V7Sequence[int]) -> Tensor:
    """max_unpool2d(Tensor self, Tensor indices, SymInt[2] output_size) -> Tensor

    Values scattered to their flat H x W indices in a zero plane (Expand, Reshape;
    ScatterElements, Scatter below opset 11), any input size, 3-D or 4-D; also what
    F.max_unpool1d records. Exact. Indices are not range-checked (eager raises). Under
    TorchScript F.max_unpool1d/2d/3d need an explicit output_size: without one, torch's
    F._unpool_output_size checks the traced default size with torch._check_value, which
    raises TypeError on a tensor before the ATen op is reached. TensorRT: parsable
    (ScatterElements/Scatter; MaxUnpool itself is not).
    """
    return _v7.max_unpool("max_unpool2d", self, indices, output_size, 2)


@_symbolic("aten::max_unpool3d", dynamo=())
def max_unpool3d(self: Tensor, indices: Tensor, output_size: _V7Sequence[int], stride: _V7Sequence[int],
                 padding: _V7Sequence[int]) -> Tensor:
    """max_unpool3d(Tensor self, Tensor indices, SymInt[3] output_size, int[3] stride, int[3] padding) -> Tensor

    As max_unpool2d over D x H x W (stride and padding only enter eager's checks). Exact.
    TensorRT: parsable.
    """
    return _v7.max_unpool("max_unpool3d", self, indices, output_size, 3)


@_symbolic("aten::_upsample_bilinear2d_aa.vec", dynamo=(), tensorrt_form=True)  # torchlib: Resize(antialias=1)
def _upsample_bilinear2d_aa_vec(input: Tensor, output_size: _V7Optional[_V7Sequence[int]], align_corners: bool,
                                scale_factors: _V7Optional[_V7Sequence[float]]) -> Tensor:
    """_upsample_bilinear2d_aa.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor

    F.interpolate(mode="bilinear", antialias=True). Eager's separable kernel (_vision.upsample_aa):
    per axis (W, then H; an unchanged axis skipped) the triangle filter widened to the scale
    when downsampling (support = scale), weights normalised to sum 1, computed at export time
    in eager's opmath dtype with its promotions (constants: static input and output sizes);
    each output sums its window's taps in eager's order (Gather per tap column, Mul, Add).
    float16: sums in float32, rounded between the passes as eager. TensorRT: parsable
    (Gather, Mul, Add, Where), unlike torchlib's Resize(antialias=1), which TensorRT rejects.
    """
    scales = list(scale_factors) if scale_factors is not None else [None, None]
    return _v7.upsample_aa("_upsample_bilinear2d_aa", input, output_size, align_corners, scales, 2)


@_symbolic("aten::_upsample_bilinear2d_aa", dynamo=(), tensorrt_form=True)
def _upsample_bilinear2d_aa(self: Tensor, output_size: _V7Sequence[int], align_corners: bool,
                            scales_h: _V7Optional[float] = None, scales_w: _V7Optional[float] = None) -> Tensor:
    """_upsample_bilinear2d_aa(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor

    As _upsample_bilinear2d_aa.vec. TensorRT: parsable.
    """
    return _v7.upsample_aa("_upsample_bilinear2d_aa", self, output_size, align_corners, [scales_h, scales_w], 2)


@_symbolic("aten::_upsample_bicubic2d_aa.vec", dynamo=(), tensorrt_form=True)
def _upsample_bicubic2d_aa_vec(input: Tensor, output_size: _V7Optional[_V7Sequence[int]], align_corners: bool,
                               scale_factors: _V7Optional[_V7Sequence[float]]) -> Tensor:
    """_upsample_bicubic2d_aa.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor

    F.interpolate(mode="bicubic", antialias=True): as _upsample_bilinear2d_aa.vec with eager's
    antialias cubic filter (Keys, a = -0.5, support 2 widened to 2 scale when downsampling).
    TensorRT: parsable.
    """
    scales = list(scale_factors) if scale_factors is not None else [None, None]
    return _v7.upsample_aa("_upsample_bicubic2d_aa", input, output_size, align_corners, scales, 4)


@_symbolic("aten::_upsample_bicubic2d_aa", dynamo=(), tensorrt_form=True)
def _upsample_bicubic2d_aa(self: Tensor, output_size: _V7Sequence[int], align_corners: bool,
                           scales_h: _V7Optional[float] = None, scales_w: _V7Optional[float] = None) -> Tensor:
    """_upsample_bicubic2d_aa(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor

    As _upsample_bicubic2d_aa.vec. TensorRT: parsable.
    """
    return _v7.upsample_aa("_upsample_bicubic2d_aa", self, output_size, align_corners, [scales_h, scales_w], 4)


# --- end group V7 ---


# --- group FT (issue 7 FFT: complex values carried as real [..., 2] tensors) ---
import inspect as _ft_inspect  # noqa: E402

from opset_patches import _fft as _ft  # noqa: E402
from torch_opfill import registry as _ft_registry  # noqa: E402

# abs, _conj and conj_physical have torch built-ins, right for real tensors and wrong for a
# complex value carried as [..., 2]: these wrap the built-in (wraps_builtin) and hand it every
# real input (NotImplemented; under override, which has no built-in behind it, the same ONNX
# the built-in emits).
_FT_WRAPS = {"wraps_builtin": True} if "wraps_builtin" in _ft_inspect.signature(_ft_registry.symbolic).parameters else {}


def _ft_parts(self: Tensor):
    """(re, im, rank, dtype, 0-d?) of a carried complex value; a 0-d one as shape [1]."""
    rank = op.rank(self) - 1
    z = self
    if rank == 0:  # 0-d parts: TorchScript's scalar analysis would compute float64 ones in float32
        z, rank = op.Reshape(self, op.const([1, 2], torch.int64)), 1
    return _ft.part(z, rank, 0), _ft.part(z, rank, 1), _ft.real_dtype(self), op.rank(self) == 1


def _ft_unbatch(x: Tensor, scalar: bool) -> Tensor:
    return op.Reshape(x, op.const([], torch.int64)) if scalar else x


@_symbolic("aten::view_as_real", dynamo=())
def ft_view_as_real(self: Tensor) -> Tensor:
    """view_as_real(Tensor(a) self) -> Tensor(a)

    A complex value is carried as the real [..., 2] tensor view_as_real returns: Identity of
    it (a new value, so each exporter types it as the real tensor it is). Exact. TensorRT:
    Identity, parsable.
    """
    if not _ft.is_complex(self, 0):
        raise OpfillError("aten::view_as_real: the input is not a complex value torch-opfill carries "
                          "(view_as_real is only supported for complex tensors)")
    return op.Identity(self)


@_symbolic("aten::view_as_complex", dynamo=())
def ft_view_as_complex(self: Tensor) -> Tensor:
    """view_as_complex(Tensor(a) self) -> Tensor(a)

    The real [..., 2] input is the carried form of the complex result: Identity of it (a new
    value; later ops read it as complex from the graph's types). Exact. TensorRT: Identity.
    """
    return _ft.carry(op.Identity(self), op.dtype(self), op.rank(self))


@_symbolic("aten::real", dynamo=())
def ft_real(self: Tensor) -> Tensor:
    """real(Tensor(a) self) -> Tensor(a)

    Complex: Gather of part 0 of the trailing dim. Real: the input itself. Exact.
    TensorRT: Gather, parsable.
    """
    if not _ft.is_complex(self, 0):
        return self
    return _ft.part(self, op.rank(self) - 1, 0)


@_symbolic("aten::imag", dynamo=())
def ft_imag(self: Tensor) -> Tensor:
    """imag(Tensor(a) self) -> Tensor(a)

    Complex: Gather of part 1 of the trailing dim (eager rejects real tensors). Exact.
    TensorRT: Gather, parsable.
    """
    if not _ft.is_complex(self, 0):
        raise OpfillError("aten::imag: imag is not implemented for tensors with non-complex dtypes (as eager)")
    return _ft.part(self, op.rank(self) - 1, 1)


@_symbolic("aten::angle", dynamo=())
def ft_angle(self: Tensor) -> Tensor:
    """angle(Tensor self) -> Tensor

    Complex: atan2(im, re) as C's (signed zeros: angle(-1 - 0j) = -pi; infinities; nan),
    from Atan of |im|/|re| reflected by the parts' sign bits. Real: pi where x < 0, else 0,
    nan kept (eager's kernel); integers give float32. float32/float64 within 2 ULP of eager.
    TensorRT: Atan, Div, Where, parsable.
    """
    if not _ft.is_complex(self, 0):
        dt = op.dtype(self)
        work = dt if dt.is_floating_point else torch.float32
        x = self if dt == work else op.cast(self, work)
        # pi * (x < 0): a tensor operand, so TorchScript's scalar analysis keeps float64
        out = op.Mul(op.cast(op.Less(x, op.const(0.0, work)), work), op.const(math.pi, work))
        return op.Where(op.IsNaN(x), x, out) if dt.is_floating_point else out
    re, im, dt, scalar = _ft_parts(self)
    return _ft_unbatch(_ft.atan2(im, re, dt), scalar)


@_symbolic("aten::abs", dynamo=(), **_FT_WRAPS)
def ft_abs(self: Tensor) -> Tensor:
    """abs(Tensor self) -> Tensor

    Complex: hypot(re, im), scaled by a power of two so no square overflows or underflows
    (the pack's hypot), inf if either part is inf. float32/float64 within 1 ULP of eager.
    Real: Abs, exactly torch's own symbolic. TensorRT: parsable.
    """
    if not _ft.is_complex(self, 0):
        return NotImplemented if op.may_defer else op.Abs(self)
    re, im, dt, scalar = _ft_parts(self)
    return _ft_unbatch(hypot(re, im), scalar)


def _ft_conj(self: Tensor) -> Tensor:
    if not _ft.is_complex(self, 0):
        return NotImplemented if op.may_defer else self
    return _ft.conj(self, _ft.real_dtype(self))


@_symbolic("aten::_conj", dynamo=(), **_FT_WRAPS)
def ft__conj(self: Tensor) -> Tensor:
    """_conj(Tensor(a) self) -> Tensor(a)

    Complex: the imaginary part negated (Mul by [1, -1]; the conjugate is materialized, so
    resolve_conj stays torch's no-op). Real: the input, as torch's own symbolic. Exact.
    TensorRT: Mul, parsable.
    """
    return _ft_conj(self)


@_symbolic("aten::conj", dynamo=())
def ft_conj(self: Tensor) -> Tensor:
    """conj(Tensor(a) self) -> Tensor(a)

    As aten::_conj: Mul by [1, -1] for a complex value, the input for a real one. Exact.
    TensorRT: Mul, parsable.
    """
    return _ft_conj(self)


@_symbolic("aten::conj_physical", dynamo=(), **_FT_WRAPS)
def ft_conj_physical(self: Tensor) -> Tensor:
    """conj_physical(Tensor self) -> Tensor

    As aten::_conj: Mul by [1, -1] for a complex value, the input for a real one. Exact.
    TensorRT: Mul, parsable.
    """
    return _ft_conj(self)
# --- end group FT ---
# --- group U7 ---
from opset_patches import _nn as _u7_nn  # noqa: E402


@_symbolic("aten::im2col", dynamo=())  # torch's own TorchScript symbolic from opset 11 supersedes it
def im2col(self: Tensor, kernel_size: Sequence[int], dilation: Sequence[int], padding: Sequence[int],
           stride: Sequence[int]) -> Tensor:
    """im2col(Tensor self, int[2] kernel_size, int[2] dilation, int[2] padding, int[2] stride) -> Tensor

    F.unfold at opsets 9 and 10 (torch's symbolic needs 11): per spatial axis Gather of the
    rows/columns o s + i d - pad (indices from Shape and NonZero, so any H, W), Where to 0 at
    the padding, Transpose, Reshape to [N, C kh kw, oh ow]. Exact. TensorRT: parsable
    (NonZero over int64 is not; export at opset 11+ for TensorRT).
    """
    return _u7_nn.im2col(self, kernel_size, dilation, padding, stride)
# --- end group U7 ---
