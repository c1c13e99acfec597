"""Pack ops whose ONNX form needs opset 9."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import torch

from opset_patches import _math, _special, _specfun
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
    Measured vs eager (2e4-point sweep + edges + OpInfo samples, torch 2.13, onnxruntime 1.32):
    float32 8 ULP, float64 8 ULP; near its zeros, where eager itself loses a few eps of
    terms as large as log|x|, absolute 8 eps (float32) / 64 eps (float64).
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
    float32 0 ULP, float64 5 ULP, float16 3 ULP (eager rounds in float16 steps).
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
    100-interval Chebyshev table (Gather) and continued fraction. Registered for the dynamo
    exporter too: its decomposition ``exp(x^2) erfc(x)`` is 0/nan beyond x ~ 10.
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
