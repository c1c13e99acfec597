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
# --- end group L6 ---


# --- group B6 (issue 6 BLAS-like, statistics, remaining scans/reductions/order statistics) ---
# --- end group B6 ---


# --- group N7 (issue 7 losses and nn/vision) ---
# --- end group N7 ---
