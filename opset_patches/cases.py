"""Test rows for the bundled pack: one row per op (see ``torch_opfill.cases``).

Read by the test suite and by ``python -m torch_opfill.check``; a new op adds one row here.
"""

from __future__ import annotations

import dataclasses
import math

import torch

from torch_opfill.cases import DENSE_SWEEP, Domain, OpCase, Xfail

CASES: list[OpCase] = [
    OpCase("aten::asinh", torch.asinh, max_ulp={torch.float32: 1, torch.float64: 3}, opinfo=(("asinh", ""),)),
    OpCase("aten::acosh", torch.acosh, (Domain(1.0, math.inf, special=(1.0,)),),
           max_ulp={torch.float32: 1, torch.float64: 4}, opinfo=(("acosh", ""),)),
    OpCase("aten::atanh", torch.atanh, (Domain(-1.0, 1.0, special=(-1.0, 1.0)),),
           max_ulp={torch.float32: 3, torch.float64: 4}, opinfo=(("atanh", ""),)),
    # Eager's vectorized sinh/cosh (Sleef, tensors of 64+ elements) overflow once exp(|x|) does,
    # at 88.72 / 709.78, though sinh and cosh are finite up to 89.41 / 710.47 (and eager's
    # scalar path says so): the sweeps stop short of that band (88.4 so int64 inputs, rounded,
    # do too), one row per float width.
    OpCase("aten::sinh", torch.sinh, (Domain(-88.4, 88.4),), dtypes=(torch.float32, torch.float16),
           max_ulp={torch.float32: 3}, opinfo=(("sinh", ""),), label="float32"),
    OpCase("aten::sinh", torch.sinh, (Domain(-709.7, 709.7),), dtypes=(torch.float64,), int_dtypes=(),
           max_ulp={torch.float64: 3}, opinfo=(("sinh", ""),), label="float64"),
    OpCase("aten::cosh", torch.cosh, (Domain(-88.4, 88.4),), dtypes=(torch.float32, torch.float16),
           max_ulp={torch.float32: 2}, opinfo=(("cosh", ""),), label="float32"),
    OpCase("aten::cosh", torch.cosh, (Domain(-709.7, 709.7),), dtypes=(torch.float64,), int_dtypes=(),
           max_ulp={torch.float64: 3}, opinfo=(("cosh", ""),), label="float64"),
    # max(a, b) + log1p(exp(-|a - b|)) cancels where the result is small next to a and b; eager
    # cancels the same way, so the difference is judged on the operands' scale (a few eps).
    OpCase("aten::logaddexp", torch.logaddexp, (Domain(), Domain()), int_dtypes=(),  # eager: no int kernel
           atol={torch.float32: 4 * 2.0**-23, torch.float64: 4 * 2.0**-52},
           opinfo=(("logaddexp", ""),)),
    # sinc has zeros: near them only an absolute error on the scale of sinc's maximum (1) means anything.
    OpCase("aten::sinc", torch.sinc, atol={torch.float32: 2.0**-23, torch.float64: 2.0**-51}, opinfo=(("sinc", ""),)),
    OpCase("aten::erfinv", torch.erfinv, (Domain(-1.0, 1.0, special=(-1.0, 1.0)),),
           max_ulp={torch.float32: 4, torch.float64: 4}, opinfo=(("erfinv", ""),)),
    # lgamma's zeros (1, 2, and two between each pair of poles below -2) are differences of
    # O(1) logarithms: near the negative ones only an error on that scale (2 eps) means anything.
    OpCase("aten::lgamma", torch.lgamma, (Domain(special=(1.0, 2.0, -1.0, -2.5, -2.4570247, -2.7476797)),),
           max_ulp={torch.float32: 5, torch.float64: 6},
           atol={torch.float32: 2 * 2.0**-23, torch.float64: 2 * 2.0**-52}, opinfo=(("lgamma", ""),)),
]

# --- group G3: Bessel and orthogonal polynomials ---
_G3_NO_HALF = (torch.float32, torch.float64)  # eager has no float16/bfloat16 kernel for these

# Bessel J/Y and Airy Ai oscillate: near their zeros only an absolute error on the scale of the
# function's maximum (|J0| <= 1, |J1| <= 0.58, |Ai| <= 0.54, Y likewise beyond its pole) means
# anything, so they get an atol of one eps of that scale. Everything else is judged in ULP.
_G3_OSCILLATING = {torch.float32: 2.0**-23, torch.float64: 2.0**-52}

_GROUP_G3: list[OpCase] = [
    OpCase("aten::special_modified_bessel_i0", torch.special.modified_bessel_i0, dtypes=_G3_NO_HALF,
           opinfo=(("special.modified_bessel_i0", ""),)),
    OpCase("aten::special_modified_bessel_i1", torch.special.modified_bessel_i1, dtypes=_G3_NO_HALF,
           opinfo=(("special.modified_bessel_i1", ""),)),
    # float64: onnxruntime's double Log is 1 ULP off for ~20% of inputs (glibc's almost never),
    # and log(x/2) I0(x) nearly cancels the series around x = 1.
    OpCase("aten::special_modified_bessel_k0", torch.special.modified_bessel_k0, dtypes=_G3_NO_HALF,
           max_ulp={torch.float64: 10}, opinfo=(("special.modified_bessel_k0", ""),)),
    OpCase("aten::special_modified_bessel_k1", torch.special.modified_bessel_k1, dtypes=_G3_NO_HALF,
           opinfo=(("special.modified_bessel_k1", ""),)),
    OpCase("aten::special_scaled_modified_bessel_k0", torch.special.scaled_modified_bessel_k0,
           dtypes=_G3_NO_HALF, max_ulp={torch.float64: 12},
           opinfo=(("special.scaled_modified_bessel_k0", ""),)),
    OpCase("aten::special_scaled_modified_bessel_k1", torch.special.scaled_modified_bessel_k1,
           dtypes=_G3_NO_HALF, opinfo=(("special.scaled_modified_bessel_k1", ""),)),
    OpCase("aten::special_bessel_j0", torch.special.bessel_j0, dtypes=_G3_NO_HALF, atol=_G3_OSCILLATING,
           opinfo=(("special.bessel_j0", ""),)),
    OpCase("aten::special_bessel_j1", torch.special.bessel_j1, dtypes=_G3_NO_HALF, atol=_G3_OSCILLATING,
           opinfo=(("special.bessel_j1", ""),)),
    OpCase("aten::special_bessel_y0", torch.special.bessel_y0, dtypes=_G3_NO_HALF, atol=_G3_OSCILLATING,
           opinfo=(("special.bessel_y0", ""),)),
    OpCase("aten::special_bessel_y1", torch.special.bessel_y1, dtypes=_G3_NO_HALF, atol=_G3_OSCILLATING,
           opinfo=(("special.bessel_y1", ""),)),
    OpCase("aten::special_spherical_bessel_j0", torch.special.spherical_bessel_j0, dtypes=_G3_NO_HALF,
           max_ulp={torch.float64: 6}, opinfo=(("special.spherical_bessel_j0", ""),)),
    OpCase("aten::special_airy_ai", torch.special.airy_ai, dtypes=_G3_NO_HALF, atol=_G3_OSCILLATING,
           opinfo=(("special.airy_ai", ""),)),
]


def _g3_defined(fn):
    """The op with the kernel's one undefined case made nan: for nan x and 2 <= n < 2**63,
    most of these kernels skip their loop (its ``!isnan(q)`` test fails at once) and return an
    uninitialized variable (0, 1, -5e32, ... seen). The mask is part of the row's callable, so
    it is exported too (a no-op there: the export already gives nan)."""

    def defined(x, n):
        out = fn(x, n)
        if not x.is_floating_point():
            return out
        nd = n.double()
        undefined = x.isnan() & (nd >= 2) & (nd < 2.0**63)
        return torch.where(undefined, torch.tensor(math.nan, dtype=out.dtype), out)

    return defined


def _g3_polynomial_rows(name: str, **kw) -> list[OpCase]:
    """The (Tensor x, Tensor n) overload over all x and degrees -4..100 (the edge values add
    ±3.4e38 / ±1.8e308, which eager's int64 conversion turns into 0), and the n_scalar one."""
    fn = getattr(torch.special, name)
    xfail = kw.pop("xfail", ())
    return [
        OpCase(f"aten::special_{name}", _g3_defined(fn), (Domain(), Domain(-4.0, 100.0, integer=True)),
               dtypes=_G3_NO_HALF, opinfo=((f"special.{name}", ""),), xfail=xfail, **kw),
        OpCase(f"aten::special_{name}.n_scalar", lambda x: fn(x, 13), label="n=13",
               dtypes=_G3_NO_HALF, **kw),
    ]


# The Chebyshev kernels use closed forms for |x| < 1 and larger n (cos(n t), sin((n+1) t)/sin t,
# ...; t = acos(x)): a 1-ULP difference in acos becomes n ULP of t in the argument. glibc's
# float32 acosf (<= 2.40) is not correctly rounded (~8% of inputs 1 ULP off), its double acos
# almost is; ours is correctly rounded but for ~1% (float64). So these get an absolute
# tolerance on the scale of the polynomials (|T| <= 1, |U| <= n+1, |V|, |W| <= 2n+1 on [-1, 1]):
# measured need (n=1e5 sweep): float32 <= 4.8e-5 / shifted 6.3e-4, float64 <= 1.0e-14 / shifted
# 6.9e-14 (eager itself is that far from the exact polynomial).
_G3_CHEBYSHEV = {torch.float32: 2.0**-13, torch.float64: 2.0**-45}
_G3_SHIFTED = {torch.float32: 2.0**-10, torch.float64: 2.0**-42}
# int64 inputs are clipped to ±1e6, so the int64 edge pairs hold n = 10**6 at x = 0, 1, 2: eager
# loops a million times; a tensor degree is unrolled to _special.N_MAX = 128 (nan above).
_G3_BIG_N = (Xfail("tensor degree above _special.N_MAX=128 (int64 edge pairs hold n=10**6 at x=0, 1): "
                   "the export gives nan, eager runs its loop 10**6 times", dtype=torch.int64),)

for _n, _kw in (
    ("chebyshev_polynomial_t", {"atol": _G3_CHEBYSHEV}),
    ("chebyshev_polynomial_u", {"atol": _G3_CHEBYSHEV}),
    ("chebyshev_polynomial_v", {"atol": _G3_CHEBYSHEV}),
    ("chebyshev_polynomial_w", {"atol": _G3_CHEBYSHEV}),
    ("shifted_chebyshev_polynomial_t", {"atol": _G3_SHIFTED}),
    ("shifted_chebyshev_polynomial_u", {"atol": _G3_SHIFTED}),
    ("shifted_chebyshev_polynomial_v", {"atol": _G3_SHIFTED}),
    ("shifted_chebyshev_polynomial_w", {"atol": _G3_SHIFTED}),
    ("hermite_polynomial_h", {}),
    ("hermite_polynomial_he", {}),
    ("laguerre_polynomial_l", {"xfail": _G3_BIG_N}),
    ("legendre_polynomial_p", {"xfail": _G3_BIG_N}),
):
    _GROUP_G3 += _g3_polynomial_rows(_n, **_kw)
del _n, _kw

# The Scalar overloads: TorchScript passes both a constant, and the core routes it to the
# overload with scalar parameters (x = 0.5 stays a Python number; n = 200 a constant degree).
_GROUP_G3 += [
    OpCase("aten::special_chebyshev_polynomial_t.x_scalar",
           lambda n: torch.special.chebyshev_polynomial_t(0.5, n),
           (Domain(-4.0, 100.0, integer=True),), dtypes=_G3_NO_HALF, label="x=0.5", atol=_G3_CHEBYSHEV),
    OpCase("aten::special_hermite_polynomial_h.n_scalar",
           lambda x: torch.special.hermite_polynomial_h(x, 200),
           dtypes=_G3_NO_HALF, label="n=200"),
]

CASES += _GROUP_G3

# --- group G2: special functions ---
_G2_NO_HALF = (torch.float32, torch.float64)  # eager has no float16/bfloat16 kernel for these
_G2_F16, _G2_F32, _G2_F64 = torch.float16, torch.float32, torch.float64
_G2_EPS32, _G2_EPS64 = 2.0**-23, 2.0**-52
# digamma's zeros are differences of terms as large as log|x| (16 in float32, 36 in float64
# for non-integral x): near them eager and the export both lose a few eps of that absolutely.
_G2_DIGAMMA_ATOL = {_G2_F32: 8 * _G2_EPS32, _G2_F64: 64 * _G2_EPS64}
# The dynamo exporter promotes int inputs of these ops with a Cast whose output the builder
# sees without a dtype (DynamoBackend.dtype is None there): a builder limitation, not the op's.
_G2_INT_DYNAMO = (Xfail("builder: no dtype for the dynamo exporter's int->float Cast", exporter="dynamo",
                        dtype=torch.int64),)


def _g2_digamma_rows(name: str, fn, *, label: str = "", **kw) -> list[OpCase]:
    """digamma on x >= 0, and on x <= 0 where it is psi(1 - x) - pi cot(pi x): two terms of
    size log|x| (up to ~16 float32 / ~36 float64 for non-integral x) cancel to a result
    near their difference, so an error of a few ULP of the terms is judged on their scale."""
    sep = "," if label else ""
    pos = Domain(lo=0.0, special=(0.0, 1.4616321449683622, 1.0, 2.0))
    neg = Domain(hi=-0.0, special=(-0.0, -0.5, -1.5, -2.5, -1.0))
    neg_atol = {_G2_F32: 4 * _G2_EPS32 * 16, _G2_F64: 4 * _G2_EPS64 * 64, _G2_F16: 2.0**-10 * 4}
    return [
        OpCase(name, fn, (pos,), max_ulp={_G2_F32: 8, _G2_F64: 8}, atol=_G2_DIGAMMA_ATOL,
               label=f"{label}{sep}x>=0", **kw),
        OpCase(name, fn, (neg,), max_ulp={_G2_F32: 8, _G2_F64: 8}, atol=neg_atol, label=f"{label}{sep}x<=0",
               **{k: v for k, v in kw.items() if k != "opinfo"}),
    ]


def _g2_polygamma(n: int) -> list[OpCase]:
    def fn(x: torch.Tensor) -> torch.Tensor:
        return torch.polygamma(n, x)

    special = (0.0, -0.0, 1.4616321449683622, -0.5, -1.5, -2.5, 1.0, 2.0)
    if n == 0:
        return _g2_digamma_rows("aten::polygamma", fn, label="n=0", xfail=_G2_INT_DYNAMO,
                                opinfo=(("polygamma", "polygamma_n_0"),))
    if n == 1:
        tol = dict(max_ulp={_G2_F32: 6, _G2_F64: 8})
    else:
        # float16: the float32 result rounded; a few float32 ULP apart can round 1 apart.
        tol = dict(max_ulp={_G2_F32: 4, _G2_F64: 16, _G2_F16: 2})
        if n % 2 == 0:
            # zeta(n + 1, x) at x < 0 sums terms of both signs, up to n! 2^(n+1) near the zeros
            # between the poles; eager (in double, float for float16) loses a few eps of that.
            scale = math.factorial(n) * 2.0 ** (n + 1)
            tol["atol"] = {_G2_F64: 8 * _G2_EPS64 * scale, _G2_F16: 4 * _G2_EPS32 * scale}
    # n >= 2: eager sums zeta(n + 1, x) term by term for x < 0, |x| terms: keep |x| moderate.
    domain = Domain(special=special) if n < 2 else Domain(lo=-50.0, special=special)
    return [OpCase("aten::polygamma", fn, (domain,), label=f"n={n}", xfail=_G2_INT_DYNAMO,
                   opinfo=(("polygamma", f"polygamma_n_{n}"),), **tol)]


def _g2_mvlgamma(p: int) -> OpCase:
    above = (p - 1) // 2 + 1

    def fn(x: torch.Tensor) -> torch.Tensor:
        # eager raises unless every element is above (p - 1)/2: others (nan too) are replaced.
        return torch.mvlgamma(torch.where(x > (p - 1) / 2, x, torch.ones_like(x) * above), p)

    # a sum of the pack's lgamma, with lgamma's tolerance near its zeros (see the lgamma row).
    return OpCase("aten::mvlgamma", fn, (Domain(lo=(p - 1) / 2, special=((p - 1) / 2 + 0.5,)),),
                  label=f"p={p}", max_ulp={_G2_F32: 5, _G2_F64: 5},
                  atol={_G2_F32: 2 * _G2_EPS32, _G2_F64: 2 * _G2_EPS64}, xfail=_G2_INT_DYNAMO,
                  opinfo=(("mvlgamma", f"mvlgamma_p_{p}"),))


_GROUP_G2: list[OpCase] = [
    *_g2_digamma_rows("aten::digamma", torch.digamma, opinfo=(("digamma", ""),)),
    *(row for n in range(5) for row in _g2_polygamma(n)),
    *(_g2_mvlgamma(p) for p in (1, 3, 5)),
    OpCase("aten::i0", torch.i0, max_ulp={_G2_F64: 6}, opinfo=(("i0", ""),)),
    OpCase("aten::special_i0e", torch.special.i0e, max_ulp={_G2_F64: 6, _G2_F16: 4}, xfail=_G2_INT_DYNAMO,
           opinfo=(("special.i0e", ""),)),
    # float64: eager's fused Clenshaw recurrence (FMA) amplifies rounding near x = 8, where it is
    # itself up to 10 ULP off the true I1; the unfused one here differs from it by up to 12.
    OpCase("aten::special_i1", torch.special.i1, max_ulp={_G2_F64: 14}, xfail=_G2_INT_DYNAMO,
           opinfo=(("special.i1", ""),)),
    OpCase("aten::special_i1e", torch.special.i1e, max_ulp={_G2_F64: 10}, xfail=_G2_INT_DYNAMO,
           opinfo=(("special.i1e", ""),)),
    # eager's (1 + erf(x/sqrt 2)) / 2 cancels in the left tail: only absolute error means anything there.
    OpCase("aten::special_ndtr", torch.special.ndtr,
           atol={_G2_F32: _G2_EPS32, _G2_F64: _G2_EPS64, _G2_F16: 2.0**-10}, xfail=_G2_INT_DYNAMO,
           opinfo=(("special.ndtr", ""),)),
    OpCase("aten::special_ndtri", torch.special.ndtri,
           (Domain(0.0, 1.0, special=(0.0, 1.0, 0.5, 0.1353352832366127, 0.8646647167633873)),),
           dtypes=_G2_NO_HALF, max_ulp={_G2_F32: 6, _G2_F64: 5}, xfail=_G2_INT_DYNAMO,
           opinfo=(("special.ndtri", ""),)),
    OpCase("aten::special_log_ndtr", torch.special.log_ndtr, (Domain(special=(-1.0,)),), dtypes=_G2_NO_HALF,
           max_ulp={_G2_F64: 8}, xfail=_G2_INT_DYNAMO, opinfo=(("special.log_ndtr", ""),)),
    OpCase("aten::special_erfcx", torch.special.erfcx, (Domain(special=(50.0, 5e7, -6.1, -26.7)),),
           dtypes=_G2_NO_HALF, max_ulp={_G2_F32: 2, _G2_F64: 2}, xfail=_G2_INT_DYNAMO,
           opinfo=(("special.erfcx", ""),)),
    # q < 0 needs an integral x (else nan), and eager then sums |q| terms: keep |q| moderate. For
    # odd x those terms cancel (zeta(3, -2.5) = -8 - 0.3 + 8 + ...): eager loses eps of the largest.
    OpCase("aten::special_zeta", torch.special.zeta,
           (Domain(1.0, math.inf, special=(1.0, 2.0, 3.0, 4.0)), Domain(lo=-50.0, special=(0.5, -0.5, -2.5))),
           dtypes=_G2_NO_HALF, atol={_G2_F64: 16 * _G2_EPS64}, opinfo=(("special.zeta", ""),)),
    # P and Q lie in [0, 1]: judged absolutely to 8 eps (eager's own error reaches 4-8 eps where
    # its series, continued fraction and Temme's expansion meet), relatively above that. Below
    # a = 1e-3 the prefactor exp(a log x - x - lgamma(a)) is exp of a number of size |log a|, whose
    # last-bit rounding (libm vs onnxruntime's Log) alone is eps |log a|: the sweep stops there.
    *(OpCase(f"aten::{name}", fn,
             (Domain(1e-3, 1000.0, special=(0.5, 1.0, 20.0, 200.0)), Domain(0.0, math.inf)),
             int_dtypes=(), max_ulp={_G2_F32: 64, _G2_F64: 64},
             atol={_G2_F32: 8 * _G2_EPS32, _G2_F64: 8 * _G2_EPS64, _G2_F16: 2.0**-11},
             opinfo=((name, ""),))
      for name, fn in (("igamma", torch.igamma), ("igammac", torch.igammac))),
]
CASES += _GROUP_G2

# --- group G4: scans, order statistics, search ---
# The default inputs are 1-D; _g4_rows reshapes them to rows of k (dropping the remainder) so
# scans and reductions also run along a non-last and a negative dim. Integer outputs
# (indices) compare exactly.
_G4_INTS = (torch.int64, torch.int32)
_G4_F16 = torch.float16
# torch.onnx's dynamo type-promotion pass runs sum-like reductions (sum, cumsum, cumprod) of
# float16 in float32 and never casts the result back: the graph returns float32.
_G4_DYNAMO_F16 = Xfail("dynamo exporter: float16 sum-like reductions return float32 (torch's type promotion "
                       "pass; torch.sum/cumsum do the same)", exporter="dynamo", dtype=_G4_F16)


def _g4_rows(x: torch.Tensor, k: int = 5) -> torch.Tensor:
    return x[: x.shape[0] // k * k].reshape(-1, k)


# Sorted sequences with duplicates, infinities and (for floats) a NaN tail, as torch.sort
# orders them; searched with the row's swept values.
_G4_SEQ = torch.tensor([-math.inf, -1e30, -2.0, -0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 3.0, 1e10, math.inf, math.nan, math.nan])
_G4_SEQ_INT = torch.tensor([-1000000, -5, -1, 0, 0, 0, 2, 3, 3, 1000, 1000000])
_G4_SORTER = torch.tensor([3, 0, 9, 12, 1, 5, 13, 2, 7, 4, 11, 6, 10, 8])  # a permutation
_G4_SHUFFLED = _G4_SEQ[torch.argsort(_G4_SORTER)]  # _G4_SHUFFLED[_G4_SORTER] == _G4_SEQ


def _g4_sorted(s: torch.Tensor, k: int) -> torch.Tensor:
    """Rows of k sorted values (NaN tails included) from any input: running maxima."""
    return torch.cummax(_g4_rows(s.reshape(-1), k), -1).values


_GROUP_G4: list[OpCase] = [
    OpCase("aten::cummax", lambda x: torch.cummax(x, 0), int_dtypes=_G4_INTS, opinfo=(("cummax", ""),)),
    OpCase("aten::cummax", lambda x: torch.cummax(_g4_rows(x), -1), int_dtypes=_G4_INTS, label="rows"),
    OpCase("aten::cummax", lambda x: torch.cummax(_g4_rows(x, 4), 0), int_dtypes=_G4_INTS, label="cols"),
    OpCase("aten::cummin", lambda x: torch.cummin(x, 0), int_dtypes=_G4_INTS, opinfo=(("cummin", ""),)),
    OpCase("aten::cummin", lambda x: torch.cummin(_g4_rows(x), -1), int_dtypes=_G4_INTS, label="rows"),
    OpCase("aten::cummin", lambda x: torch.cummin(_g4_rows(x, 4), 0), int_dtypes=_G4_INTS, label="cols"),
    # Products of the whole sweep over/underflow within a few terms; the rows keep them finite.
    OpCase("aten::cumprod", lambda x: torch.cumprod(x, 0), int_dtypes=_G4_INTS, opinfo=(("cumprod", ""),),
           xfail=(_G4_DYNAMO_F16,)),
    OpCase("aten::cumprod", lambda x: torch.cumprod(_g4_rows(x, 8), -1), (Domain(-4.0, 4.0),),
           int_dtypes=_G4_INTS, xfail=(_G4_DYNAMO_F16,), label="rows"),
    OpCase("aten::cumprod", lambda x: torch.cumprod(_g4_rows(x, 8), 1, dtype=torch.float64), (Domain(-4.0, 4.0),),
           int_dtypes=_G4_INTS, label="dtype"),
    # float64: m + log(sum exp(x - m)) and eager's chain of log-add-exps round differently by
    # a few eps of the operands' scale; where the result is near 0 only that absolute error means anything.
    OpCase("aten::logcumsumexp", lambda x: torch.logcumsumexp(x, 0), int_dtypes=(), atol={torch.float64: 2.0**-50},
           opinfo=(("logcumsumexp", ""),)),
    OpCase("aten::logcumsumexp", lambda x: torch.logcumsumexp(_g4_rows(x, 4), 0), int_dtypes=(),
           atol={torch.float64: 2.0**-50}, label="cols"),
]
_G4_FLOAT_ONLY = dict(int_dtypes=())
_GROUP_G4 += [
    OpCase("aten::searchsorted.Tensor", lambda v: torch.searchsorted(_G4_SEQ.to(v.dtype), v), **_G4_FLOAT_ONLY,
           opinfo=(("searchsorted", ""),)),
    OpCase("aten::searchsorted.Tensor", lambda v: torch.searchsorted(_G4_SEQ.to(v.dtype), v, right=True, out_int32=True),
           **_G4_FLOAT_ONLY, label="right"),
    OpCase("aten::searchsorted.Tensor", lambda v: torch.searchsorted(_G4_SHUFFLED.to(v.dtype), v, side="right",
                                                              sorter=_G4_SORTER), **_G4_FLOAT_ONLY, label="sorter"),
    OpCase("aten::searchsorted.Tensor", lambda v: torch.searchsorted(_G4_SEQ_INT.to(v.dtype), v), dtypes=(),
           int_dtypes=_G4_INTS, label="int"),
    # Random sorted sequences (NaN tails where a NaN was drawn), 1-D and one per row.
    OpCase("aten::searchsorted.Tensor", lambda s, v: torch.searchsorted(_g4_sorted(s, 1).reshape(-1), v),
           (Domain(), Domain()), int_dtypes=_G4_INTS, label="pairs"),
    OpCase("aten::searchsorted.Tensor", lambda s, v: torch.searchsorted(_g4_sorted(s, 7), _g4_rows(v.reshape(-1), 7),
                                                                 right=True), (Domain(), Domain()),
           int_dtypes=_G4_INTS, label="rows"),
    OpCase("aten::bucketize.Tensor", lambda v: torch.bucketize(v, _G4_SEQ.to(v.dtype)), **_G4_FLOAT_ONLY,
           opinfo=(("bucketize", ""),)),
    OpCase("aten::bucketize.Tensor", lambda v: torch.bucketize(v, _G4_SEQ.to(v.dtype), right=True, out_int32=True),
           **_G4_FLOAT_ONLY, label="right"),
    OpCase("aten::bucketize.Tensor", lambda v: torch.bucketize(v, _G4_SEQ_INT.to(v.dtype)), dtypes=(),
           int_dtypes=_G4_INTS, label="int"),
]
CASES += _GROUP_G4
_GROUP_G4_SCALAR = [
    OpCase("aten::searchsorted.Scalar", lambda s: torch.searchsorted(_g4_sorted(s, 1).reshape(-1), 0.5),
           int_dtypes=_G4_INTS, label="scalar"),
    OpCase("aten::searchsorted.Scalar", lambda s: torch.searchsorted(_g4_sorted(s, 1).reshape(-1), 2, right=True),
           int_dtypes=_G4_INTS, label="int-scalar"),
    OpCase("aten::bucketize.Scalar", lambda s: torch.bucketize(-1.5, _g4_sorted(s, 1).reshape(-1), out_int32=True),
           int_dtypes=_G4_INTS, label="scalar"),
]
_GROUP_G4 += _GROUP_G4_SCALAR
CASES += _GROUP_G4_SCALAR
# (0-d results are given a dim of 1: the runner cannot compare 0-d outputs yet.) The rows
# export at opset 9, where a slice of dynamic length does not: 2-D inputs are stacked.


def _g4_pair(x: torch.Tensor) -> torch.Tensor:
    return torch.stack((x, -x))

_G4_SUM_ATOL = {torch.float32: 1000 * 2.0**-21, torch.float64: 1000 * 2.0**-50, torch.float16: 1000 * 2.0**-9}
_GROUP_G4_REDUCE = [
    OpCase("aten::count_nonzero", lambda x: torch.count_nonzero(x).reshape(1), int_dtypes=_G4_INTS,
           opinfo=(("count_nonzero", ""),)),
    OpCase("aten::count_nonzero", lambda x: torch.count_nonzero(_g4_pair(x), dim=-1), int_dtypes=_G4_INTS, label="dim"),
    OpCase("aten::count_nonzero.dim_IntList", lambda x: torch.count_nonzero(_g4_pair(x).unsqueeze(1), dim=(0, -1)),
           int_dtypes=_G4_INTS, label="dims"),
    # eager's float32 cascade sum and this float64 one differ by a few eps of the data's scale
    # (|x| <= 1000 here) where the sum cancels.
    OpCase("aten::nansum", lambda x: torch.nansum(x).reshape(1), (Domain(-1000.0, 1000.0),), int_dtypes=_G4_INTS,
           atol=_G4_SUM_ATOL, opinfo=(("nansum", ""),)),
    OpCase("aten::nansum", lambda x: torch.nansum(_g4_pair(x), dim=0, keepdim=True), (Domain(-1000.0, 1000.0),),
           int_dtypes=_G4_INTS, atol=_G4_SUM_ATOL, label="dim"),
    OpCase("aten::nansum", lambda x: torch.nansum(_g4_pair(x).unsqueeze(1), dim=(0, 1), dtype=torch.float64),
           (Domain(-1000.0, 1000.0),), int_dtypes=_G4_INTS, atol=_G4_SUM_ATOL, label="dtype"),
    OpCase("aten::diff", lambda x: torch.diff(x), int_dtypes=_G4_INTS, opinfo=(("diff", ""),)),
    OpCase("aten::diff", lambda x: torch.diff(_g4_pair(x).T, n=2, dim=0), int_dtypes=_G4_INTS, label="n2"),
    OpCase("aten::diff", lambda x, p: torch.diff(x.reshape(-1), n=3, prepend=p.reshape(-1)[:3], append=p.reshape(-1)[-2:]),
           (Domain(), Domain()), int_dtypes=_G4_INTS, label="prepend"),
]
_GROUP_G4 += _GROUP_G4_REDUCE
CASES += _GROUP_G4_REDUCE


def _g4_at_index(result, x: torch.Tensor, dim: int, keepdim: bool = False):
    """(values, x at the returned indices): checks a returned index is one of the tied
    elements' without requiring eager's choice among them."""
    values, indices = result
    idx = indices if keepdim else indices.unsqueeze(dim)
    return values, torch.gather(x, dim, idx)


def _g4_no_nan(x: torch.Tensor) -> torch.Tensor:
    return torch.where(torch.isnan(x), torch.zeros_like(x), x) if x.is_floating_point() else x


_GROUP_G4_ORDER = [
    # kthvalue: a tied k-th value's index is eager's quickselect's choice (no rule): the rows
    # check the element at the returned index; OpInfo samples (distinct values) check indices.
    OpCase("aten::kthvalue", lambda x: _g4_at_index(torch.kthvalue(_g4_rows(x, 8), 7, keepdim=True), _g4_rows(x, 8), 1, True),
           int_dtypes=_G4_INTS, opinfo=(("kthvalue", ""),)),
    OpCase("aten::kthvalue", lambda x: _g4_at_index(torch.kthvalue(_g4_rows(x), 3, -1), _g4_rows(x), 1),
           int_dtypes=_G4_INTS, label="rows"),
    OpCase("aten::kthvalue", lambda x: _g4_at_index(torch.kthvalue(_g4_rows(x, 4).T, 3, 0, True), _g4_rows(x, 4).T, 0, True),
           int_dtypes=_G4_INTS, label="cols"),
    OpCase("aten::median", lambda x: torch.median(x).reshape(1), int_dtypes=_G4_INTS, opinfo=(("median", ""),)),
    OpCase("aten::median", lambda x: torch.median(_g4_no_nan(x)).reshape(1), int_dtypes=(), label="no-nan"),
    OpCase("aten::median.dim", lambda x: torch.median(_g4_rows(x), -1), int_dtypes=_G4_INTS, label="rows"),
    OpCase("aten::median.dim", lambda x: torch.median(_g4_rows(x, 4).T, 0, keepdim=True), int_dtypes=_G4_INTS,
           label="cols"),
    OpCase("aten::nanmedian", lambda x: torch.nanmedian(x).reshape(1), int_dtypes=_G4_INTS, opinfo=(("nanmedian", ""),)),
    OpCase("aten::nanmedian.dim", lambda x: torch.nanmedian(_g4_rows(x), -1), int_dtypes=_G4_INTS, label="rows"),
    OpCase("aten::nanmedian.dim", lambda x: torch.nanmedian(_g4_rows(x, 4).T, 0, keepdim=True), int_dtypes=_G4_INTS,
           label="cols"),
    # mode: slices of up to 16 elements, where eager's std::sort is an insertion sort (stable)
    # and returns the last occurrence; narrow domains make ties. NaNs removed (eager's sort of
    # NaNs has no defined order).
    OpCase("aten::mode", lambda x: torch.mode(_g4_rows(_g4_no_nan(x), 8)), (Domain(-3.0, 3.0),), int_dtypes=_G4_INTS,
           opinfo=(("mode", ""),)),
    OpCase("aten::mode", lambda x: torch.mode(_g4_rows(_g4_no_nan(x).round(), 16), 1, keepdim=True), (Domain(-3.0, 3.0),),
           int_dtypes=(), label="ties"),
    OpCase("aten::mode", lambda x: torch.mode(_g4_rows(_g4_no_nan(x), 5).T, 0), (Domain(-3.0, 3.0),), int_dtypes=_G4_INTS,
           label="cols"),
    OpCase("aten::msort", torch.msort, int_dtypes=_G4_INTS, opinfo=(("msort", ""),)),
    OpCase("aten::msort", lambda x: torch.msort(_g4_rows(x, 4)), int_dtypes=_G4_INTS, label="cols"),
    OpCase("aten::isin.Tensor_Tensor", torch.isin, (Domain(-4.0, 4.0), Domain(-4.0, 4.0)), int_dtypes=_G4_INTS,
           opinfo=(("isin", ""),)),
    OpCase("aten::isin.Tensor_Tensor", lambda e, t: torch.isin(e, torch.cat((t.reshape(-1), e.reshape(-1)[:5])), invert=True),
           (Domain(-4.0, 4.0), Domain(-4.0, 4.0)), int_dtypes=(), label="invert"),
    OpCase("aten::isin.Tensor_Scalar", lambda e: torch.isin(e, 1.0), int_dtypes=_G4_INTS, label="scalar"),
    OpCase("aten::isin.Scalar_Tensor", lambda t: torch.isin(2, t).reshape(1), int_dtypes=_G4_INTS, label="scalar"),
    OpCase("aten::histc", lambda x: torch.histc(x, bins=10, min=-5, max=5), int_dtypes=(), opinfo=(("histc", ""),)),
    OpCase("aten::histc", lambda x: torch.histc(x, bins=3, min=-1e-3, max=100), int_dtypes=(), label="narrow"),
    # Not float16: this row piles thousands of samples into one bin, and above 2**11 eager's
    # float16 counts depend on its thread count (each thread saturates its own partial
    # histogram before they are summed); the export saturates once, like one thread.
    OpCase("aten::histc", lambda x: torch.histc(torch.where(_g4_no_nan(x).abs() > 100, 0, _g4_no_nan(x)), bins=7),
           dtypes=(torch.float32, torch.float64), int_dtypes=(), label="auto"),
]
_GROUP_G4 += _GROUP_G4_ORDER
CASES += _GROUP_G4_ORDER

# --- group G1: elementwise ---
# Exact ops are judged at 0 ULP and no atol; the others just above the error measured over a
# 1e5-point sweep (see each op's docstring).
_G1_EXACT = {torch.float32: 0, torch.float64: 0, torch.float16: 0}
_G1_NO_ATOL = {torch.float32: 0.0, torch.float64: 0.0, torch.float16: 0.0}
_G1_PAIR = (Domain(), Domain())
_G1_F64 = {torch.float64: 2}  # float_power computes and returns float64 whatever its inputs


def _g1_exact(name, fn, domains=(Domain(),), **kw) -> OpCase:
    return OpCase(name, fn, domains, max_ulp=_G1_EXACT, atol=_G1_NO_ATOL, **kw)


def _g1_ulp(f32: int, f64: int) -> dict[torch.dtype, int]:
    return {torch.float32: f32, torch.float64: f64}


def _g1_int_exponent(v: torch.Tensor) -> torch.Tensor:
    """``v`` as int64 in [-2000, 2000], nan as 0, with opset-9 ops: an out-of-range float to int
    conversion is undefined (and onnxruntime fuses Cast chains)."""
    v = v.float().clamp(-2000, 2000)  # Clip-6 has no float64 kernel in onnxruntime
    return torch.where(torch.isnan(v), torch.zeros_like(v), v).long()


_GROUP_G1: list[OpCase] = [
    _g1_exact("aten::trunc", torch.trunc, opinfo=(("trunc", ""),)),
    _g1_exact("aten::frac", torch.frac, int_dtypes=(), opinfo=(("frac", ""),)),  # eager: no int kernel
    OpCase("aten::expm1", torch.expm1, max_ulp=_g1_ulp(4, 4), opinfo=(("expm1", ""),)),
    OpCase("aten::exp2", torch.exp2, max_ulp=_g1_ulp(2, 2), opinfo=(("exp2", ""),)),
    OpCase("aten::erfc", torch.erfc, max_ulp=_g1_ulp(4, 3), opinfo=(("erfc", ""),)),
    # max(a, b) + log1p(2^-|a-b|)/ln 2 cancels where the result is small next to a and b, in
    # eager too: judged on the operands' scale there (a few eps).
    OpCase("aten::logaddexp2", torch.logaddexp2, _G1_PAIR, int_dtypes=(), max_ulp=_g1_ulp(2, 2),
           atol={torch.float32: 4 * 2.0**-23, torch.float64: 4 * 2.0**-52}, opinfo=(("logaddexp2", ""),)),
    OpCase("aten::hypot", torch.hypot, _G1_PAIR, int_dtypes=(), max_ulp=_g1_ulp(2, 2),
           opinfo=(("hypot", ""),)),
    _g1_exact("aten::copysign.Tensor", torch.copysign, _G1_PAIR, opinfo=(("copysign", ""),)),
    _g1_exact("aten::copysign.Scalar", lambda x: torch.copysign(x, -0.0), label="neg_zero"),
    _g1_exact("aten::copysign.Scalar", lambda x: torch.copysign(x, 2.5), label="positive"),
    _g1_exact("aten::signbit", torch.signbit, opinfo=(("signbit", ""),)),
    _g1_exact("aten::heaviside", torch.heaviside, _G1_PAIR, opinfo=(("heaviside", ""),)),
    _g1_exact("aten::deg2rad", torch.deg2rad, opinfo=(("deg2rad", ""),)),
    _g1_exact("aten::rad2deg", torch.rad2deg, opinfo=(("rad2deg", ""),)),
    OpCase("aten::xlogy.Tensor", torch.xlogy, _G1_PAIR, max_ulp=_g1_ulp(4, 3), opinfo=(("xlogy", ""),)),
    OpCase("aten::xlogy.Scalar_Self", lambda y: torch.xlogy(3.0, y), max_ulp=_g1_ulp(3, 3)),
    OpCase("aten::xlogy.Scalar_Other", lambda x: torch.xlogy(x, 0.5), max_ulp=_g1_ulp(1, 1)),
    OpCase("aten::special_xlog1py", torch.special.xlog1py, _G1_PAIR, max_ulp=_g1_ulp(5, 4),
           opinfo=(("special.xlog1py", ""),)),
    OpCase("aten::special_xlog1py.self_scalar", lambda y: torch.special.xlog1py(3.0, y),
           max_ulp=_g1_ulp(5, 4)),
    OpCase("aten::special_xlog1py.other_scalar", lambda x: torch.special.xlog1py(x, 1e-3),
           max_ulp=_g1_ulp(3, 2)),
    OpCase("aten::special_entr", torch.special.entr, max_ulp=_g1_ulp(4, 3), opinfo=(("special.entr", ""),)),
    OpCase("aten::float_power.Tensor_Tensor", torch.float_power, _G1_PAIR, max_ulp=_G1_F64,
           opinfo=(("float_power", ""),)),
    # Exponents eager has fast paths for (sqrt, x*x*x, ...), and two it has not.
    *(OpCase("aten::float_power.Tensor_Scalar", lambda x, e=e: torch.float_power(x, e), max_ulp=_G1_F64,
             label=f"exp_{e}")
      for e in (2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 2.5, 0.0)),
    OpCase("aten::float_power.Scalar", lambda e: torch.float_power(1.5, e), max_ulp=_G1_F64),
    _g1_exact("aten::fmax", torch.fmax, _G1_PAIR, opinfo=(("fmax", ""),)),
    _g1_exact("aten::fmin", torch.fmin, _G1_PAIR, opinfo=(("fmin", ""),)),
    _g1_exact("aten::isposinf", torch.isposinf, opinfo=(("isposinf", ""),)),
    _g1_exact("aten::isneginf", torch.isneginf, opinfo=(("isneginf", ""),)),
    _g1_exact("aten::isreal", torch.isreal, opinfo=(("isreal", ""),)),
    _g1_exact("aten::isclose", torch.isclose, _G1_PAIR, opinfo=(("isclose", ""),)),
    # Random pairs are rarely close: pairs within about the tolerances, default and given ones
    # (offsets scaled by powers of two). Not float16: the pair is built inside the exported
    # graph, and onnxruntime computes float16 Add in float32 and drops the Cast pair around
    # it, so the second operand is not rounded to float16 there (isclose's own float16
    # rounding is checked by the plain row).
    _g1_exact("aten::isclose", lambda a, b: torch.isclose(a, a + b * 2.0**-20), _G1_PAIR, int_dtypes=(),
              dtypes=(torch.float32, torch.float64), label="near"),
    _g1_exact("aten::isclose",
              lambda a, b: torch.isclose(a, a + b * 2.0**-10, rtol=1e-3, atol=0.5, equal_nan=True),
              _G1_PAIR, int_dtypes=(), dtypes=(torch.float32, torch.float64), label="equal_nan"),
    _g1_exact("aten::sgn", torch.sgn, opinfo=(("sgn", ""),)),
    _g1_exact("aten::positive", torch.positive, opinfo=(("positive", ""),)),
    _g1_exact("aten::nextafter", torch.nextafter, _G1_PAIR, int_dtypes=(), opinfo=(("nextafter", ""),)),
    # A float exponent goes through pow(2, other), which eager's vectorized pow and onnxruntime's
    # (C's) may each round differently: 1 ULP each, 2 after the product.
    OpCase("aten::ldexp.Tensor", torch.ldexp, (Domain(), Domain(-64.0, 64.0)), max_ulp=_g1_ulp(3, 3),
           atol=_G1_NO_ATOL, opinfo=(("ldexp", ""),)),
    # Integral exponents (eager's exact kernel) across the whole range, in steps of 17 up to ±1088.
    _g1_exact("aten::ldexp.Tensor", lambda x, n: torch.ldexp(x, _g1_int_exponent(n * 17)),
              (Domain(), Domain(-64.0, 64.0, integer=True)), int_dtypes=(), label="int_exponent"),
    _g1_exact("aten::frexp.Tensor", torch.frexp, int_dtypes=(), opinfo=(("frexp", ""),)),  # floats only
]
CASES += _GROUP_G1

# Issue 5's elementwise rows (every group but G4) are swept densely, 10**5 points per
# argument; G4's scans and order statistics keep the default, their cost growing faster
# than their input.
_G4_ROWS = {id(c) for c in _GROUP_G4}
CASES = [c if id(c) in _G4_ROWS else dataclasses.replace(c, n=DENSE_SWEEP) for c in CASES]

# Groups kept in modules of their own (opset_patches/_cases_*.py).
from opset_patches import (  # noqa: E402
    _cases_blas,
    _cases_chol,
    _cases_fft,
    _cases_layout,
    _cases_lu,
    _cases_nn,
    _cases_spectral,
    _cases_vision,
)

CASES += _cases_layout.CASES + _cases_blas.CASES + _cases_nn.CASES
CASES += _cases_lu.CASES + _cases_chol.CASES + _cases_spectral.CASES + _cases_fft.CASES + _cases_vision.CASES
