"""Compositions shared by the pack's math ops, built only from ONNX opset-9 operators.

onnxruntime's CPU provider has no float64 kernels for Erf and the hyperbolic functions, so
the float64 forms of those ops are assembled here from what it does run in double (Exp,
Log, Sqrt, Sin, Floor, arithmetic, comparisons, Where). Every helper takes the dtype it
computes in explicitly: constants are made in that dtype (there is no CastLike before
opset 15), and the TorchScript exporter does not always know an intermediate's dtype.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from torch_opfill import Tensor, op


def _survives_onnxscript(value: float, neutral: float) -> bool:
    """Whether onnxscript's no-op rewrites leave ``x + value`` (neutral 0) or ``x * value``
    (neutral 1) alone: they match the neutral element with ``math.isclose(rel_tol=1e-5,
    abs_tol=1e-8)`` and drop the node, so ``x + 5e-10`` silently becomes ``x``."""
    return value == neutral or not math.isclose(value, neutral, rel_tol=1e-5, abs_tol=1e-8)


def polyval(x: Tensor, coeffs: Sequence[float], dtype: torch.dtype) -> Tensor:
    """``coeffs[0] * x**n + ... + coeffs[n]``, by Horner's rule.

    The dynamo exporter's optimizer would delete the additions of coefficients below 1e-8
    (see ``_survives_onnxscript``), which Taylor tails are made of. So the polynomial is
    evaluated in ``y = x / 2**p`` with coefficients ``c_k 2**(p k)``, the smallest p that
    keeps every constant clear of that: scaling by a power of two is exact, so every
    intermediate is the unscaled one times a power of two and the result is bit-identical
    (barring underflow of ``x / 2**p``, which only touches negligible high-order terms).
    """
    n = len(coeffs) - 1
    for p in range(64):
        scaled = [c * 2.0 ** (p * (n - j)) for j, c in enumerate(coeffs)]
        if _survives_onnxscript(scaled[0], 1.0) and all(_survives_onnxscript(c, 0.0) for c in scaled[1:]):
            break
    else:
        raise ValueError(f"no power-of-two scaling keeps {coeffs} clear of onnxscript's no-op rules")
    y = x if p == 0 else op.Mul(x, op.const(2.0**-p, dtype))
    acc = op.const(scaled[0], dtype)
    for c in scaled[1:]:
        acc = op.Add(op.Mul(acc, y), op.const(c, dtype))
    return acc


def equal(a: Tensor, b: Tensor) -> Tensor:
    """``a == b`` for float tensors, nan unequal to everything, as IEEE (and Equal-11) has it.

    Equal only accepts float inputs from opset 11; below that it is spelled with Less and
    Greater, which are both false where either side is nan, hence the explicit nan test
    (``a + b`` is nan exactly where a or b is, or for ``inf + -inf``, which Less catches).
    """
    if op.opset >= 11:
        return op.Equal(a, b)
    ordered = op.Or(op.Less(a, b), op.Greater(a, b))
    return op.Not(op.Or(ordered, op.IsNaN(op.Add(a, b))))


def with_sign_of(magnitude: Tensor, x: Tensor, dtype: torch.dtype) -> Tensor:
    """``f(x)`` for an odd ``f`` from ``magnitude = f(|x|)``; ±0 and nan pass through as ``x``.

    Keeps eager's ``f(-0) = -0``, which a Where on ``x < 0`` alone would turn into +0.
    """
    zero = op.const(0.0, dtype)
    return op.Where(op.Less(x, zero), op.Neg(magnitude), op.Where(op.Greater(x, zero), magnitude, x))


def log1p(t: Tensor, dtype: torch.dtype) -> Tensor:
    """``log(1 + t)`` to a few ULP for finite ``t >= -1`` (Goldberg, "What every computer
    scientist should know about floating-point arithmetic", Theorem 4).

    ``u = 1 + t`` rounds, but ``u - 1`` is exact, so ``log(u) * t / (u - 1)`` corrects the
    rounding. Where ``|t| < eps``, ``1 + t`` may round to 1 (0/0 above) and ``log1p(t)`` is ``t``
    to within ``eps/2`` relative, so ``t`` is returned as is (which keeps -0 too).
    """
    one = op.const(1.0, dtype)
    u = op.Add(one, t)
    corrected = op.Mul(op.Log(u), op.Div(t, op.Sub(u, one)))
    tiny = op.Less(op.Abs(t), op.const(torch.finfo(dtype).eps, dtype))
    return op.Where(tiny, t, corrected)


_LN2 = 0.6931471805599453
# Beyond 2**28, sqrt(x^2 + 1) is x to float64 precision and asinh/acosh are log(2x).
_LOG_2X_FROM = 2.0**28
# exp(a) overflows float64 above 709.7827; sinh and cosh only above 710.4758.
_EXP_SPLIT_FROM = 709.78  # just below log(max); exp(a/2)^2 costs an extra ULP or two
# sinh(x) = x + x^3/3! + ... + x^17/17! for |x| < 1: the next term is below 0.04 ULP.
_SINH_TAYLOR = tuple(1.0 / math.factorial(2 * k + 1) for k in range(8, 0, -1))


def asinh_f64(x: Tensor) -> Tensor:
    """float64 ``asinh``: ``log1p(a + a^2 / (1 + sqrt(1 + a^2)))`` for ``a = |x|`` (fdlibm's
    form, no cancellation near 0), ``log(a) + ln 2`` once ``a^2`` would swamp the 1."""
    f64 = torch.float64
    a = op.Abs(x)
    one = op.const(1.0, f64)
    a2 = op.Mul(a, a)
    near = log1p(op.Add(a, op.Div(a2, op.Add(one, op.Sqrt(op.Add(one, a2))))), f64)
    far = op.Add(op.Log(a), op.const(_LN2, f64))
    return with_sign_of(op.Where(op.Less(a, op.const(_LOG_2X_FROM, f64)), near, far), x, f64)


def acosh_f64(x: Tensor) -> Tensor:
    """float64 ``acosh``: ``log1p(t + sqrt(2t + t^2))`` with ``t = x - 1`` exact, so acosh's
    zero at 1 keeps its relative precision; ``log(x) + ln 2`` for large x; nan below 1."""
    f64 = torch.float64
    one = op.const(1.0, f64)
    t = op.Sub(x, one)
    near = log1p(op.Add(t, op.Sqrt(op.Mul(t, op.Add(t, op.const(2.0, f64))))), f64)
    far = op.Add(op.Log(x), op.const(_LN2, f64))
    result = op.Where(op.Less(x, op.const(_LOG_2X_FROM, f64)), near, far)
    return op.Where(op.Less(x, one), op.const(math.nan, f64), result)


def atanh_f64(x: Tensor) -> Tensor:
    """float64 ``atanh``: ``log1p(2a / (1 - a)) / 2`` for ``a = |x|`` (``1 - a`` is exact above
    1/2); below 1/2, where ``1 - a`` rounds, the argument is written ``2a + 2a^2 / (1 - a)`` so
    the rounding only touches the smaller term (fdlibm). ±inf at ±1, nan beyond."""
    f64 = torch.float64
    a = op.Abs(x)
    one, half = op.const(1.0, f64), op.const(0.5, f64)
    two_a = op.Add(a, a)
    one_minus = op.Sub(one, a)
    arg = op.Where(
        op.Less(a, half), op.Add(two_a, op.Div(op.Mul(two_a, a), one_minus)), op.Div(two_a, one_minus)
    )
    inside = op.Mul(half, log1p(arg, f64))
    beyond = op.Where(op.Greater(a, one), op.const(math.nan, f64), op.const(math.inf, f64))
    return with_sign_of(op.Where(op.Less(a, one), inside, beyond), x, f64)


def _exp_halves(a: Tensor) -> tuple[Tensor, Tensor]:
    """``exp(a)`` and ``exp(a / 2) ** 2 / 2``; the second is finite up to sinh/cosh's overflow."""
    f64 = torch.float64
    half = op.const(0.5, f64)
    h = op.Exp(op.Mul(half, a))
    return op.Exp(a), op.Mul(op.Mul(half, h), h)


def sinh_f64(x: Tensor) -> Tensor:
    """float64 ``sinh``: Taylor series below 1, where ``(e^a - e^-a) / 2`` cancels; above,
    that difference, and ``e^(a/2)^2 / 2`` where ``e^a`` alone would overflow."""
    f64 = torch.float64
    a = op.Abs(x)
    a2 = op.Mul(a, a)
    series = op.Add(a, op.Mul(op.Mul(a, a2), polyval(a2, _SINH_TAYLOR, f64)))
    e, big = _exp_halves(a)
    half = op.const(0.5, f64)
    moderate = op.Sub(op.Mul(half, e), op.Div(half, e))
    magnitude = op.Where(
        op.Less(a, op.const(1.0, f64)), series,
        op.Where(op.Greater(a, op.const(_EXP_SPLIT_FROM, f64)), big, moderate),
    )
    return with_sign_of(magnitude, x, f64)


def cosh_f64(x: Tensor) -> Tensor:
    """float64 ``cosh``: ``(e^a + e^-a) / 2``, and ``e^(a/2)^2 / 2`` where ``e^a`` would overflow."""
    f64 = torch.float64
    a = op.Abs(x)
    e, big = _exp_halves(a)
    half = op.const(0.5, f64)
    moderate = op.Add(op.Mul(half, e), op.Div(half, e))
    return op.Where(op.Greater(a, op.const(_EXP_SPLIT_FROM, f64)), big, moderate)


# Cephes ndtr.c (Moshier): erf(x) = x T(x^2) / U(x^2) for |x| <= 1 ...
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
# ... and erfc(x) = exp(-x^2) P(x) / Q(x) for 1 <= x < 8.
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)


def _erf_taylor_at_1(terms: int) -> tuple[float, ...]:
    """Coefficients of ``erf(1 + s) - erf(1)``, highest power first, down to ``s**1``.

    The n-th derivative of erf is ``2/sqrt(pi) (-1)^(n-1) H_(n-1)(x) exp(-x^2)``, and the
    Hermite values ``H_n(1)`` are integers (``H_(n+1) = 2 H_n - 2n H_(n-1)``), so each
    coefficient is one correctly rounded quotient times ``2 / (sqrt(pi) e)``.
    """
    h = [1, 2]
    for n in range(1, terms):
        h.append(2 * h[n] - 2 * n * h[n - 1])
    scale = 2.0 / (math.sqrt(math.pi) * math.e)
    return tuple(scale * ((-1) ** (n - 1) * h[n - 1] / math.factorial(n)) for n in range(terms - 1, 0, -1))


# |s| <= 0.55: the first term left out, s^26's, is below 3e-18.
_ERF_AT_1 = _erf_taylor_at_1(26)
_ERF_1 = 0.8427007929497149  # erf(1) rounded; the rest, -2.5e-17, moves erfinv by < 0.6 ULP
_ERF_AT_1_FROM = 0.45


def _erf_minus(x: Tensor, a: Tensor, dtype: torch.dtype) -> Tensor:
    """``erf(x) - a`` for ``x >= 0`` and ``a`` near ``erf(x)``, the residual of erfinv's Halley step.

    Its error is what erfinv's result is left with: ``delta x = delta r / erf'(x)``. So it
    is formed where it is small, not as a difference of two rounded values near erf(x):

    * ``x >= 1``: ``(1 - a) - erfc(x)``: ``1 - a`` is exact, erfc (Cephes ndtr.c, 1 <= x < 8)
      keeps its relative precision, and the x^2-ULP error of ``exp(-x^2)`` moves erfinv by
      ``1/(2 x^2)`` of that. Near |y| = 1, ``erf(x) - y`` itself would be pure rounding
      noise (ATen's float fallback, a Newton step on it, is ~1e-8 off at y = 1 - 1e-10).
    * float64, ``0.45 <= x < 1``: ``(erf(1) - a) + (erf(1 + s) - erf(1))`` with ``s = x - 1``
      exact and the second term a Taylor series: no ULP of ``erf(x) ~ 0.8`` is lost.
    * otherwise ``erf(x) - a``: onnxruntime's Erf where it has a kernel (float32, within
      1 ULP), Cephes' ``x T(x^2) / U(x^2)`` in float64 (within 2 ULP).
    """
    one = op.const(1.0, dtype)
    erfc = op.Div(
        op.Mul(op.Exp(op.Neg(op.Mul(x, x))), polyval(x, _ERFC_P, dtype)), polyval(x, _ERFC_Q, dtype)
    )
    tail = op.Sub(op.Sub(one, a), erfc)
    if dtype != torch.float64:
        return op.Where(op.Less(x, one), op.Sub(op.Erf(x), a), tail)
    z = op.Mul(x, x)
    central = op.Sub(op.Div(op.Mul(x, polyval(z, _ERF_T, dtype)), polyval(z, _ERF_U, dtype)), a)
    s = op.Sub(x, one)
    near_1 = op.Add(op.Sub(op.const(_ERF_1, dtype), a), op.Mul(s, polyval(s, _ERF_AT_1, dtype)))
    return op.Where(
        op.Less(x, op.const(_ERF_AT_1_FROM, dtype)), central, op.Where(op.Less(x, one), near_1, tail)
    )


def erfinv(y: Tensor, dtype: torch.dtype) -> Tensor:
    """``erfinv(y)`` in ``dtype`` (float32 or float64), to a few ULP on all of [-1, 1].

    Starts from the rational approximation ATen's ``calc_erfinv`` uses (Pavlis; relative
    error < 1e-6, 6e-5 at float64's extreme tail) and polishes it with Halley steps on
    ``erf(x) - |y|``, the residual formed without cancellation (``_erf_minus``). One step
    suffices in float32; float64's tail needs two.
    """
    a = op.Abs(y)
    one = op.const(1.0, dtype)
    # Pavlis' rational initial guess (ATen Math.h calc_erfinv).
    z = op.Mul(a, a)
    central = op.Div(
        op.Mul(a, polyval(z, (-0.140543331, 0.914624893, -1.645349621, 0.886226899), dtype)),
        polyval(z, (0.012229801, -0.329097515, 1.442710462, -2.118377725, 1.0), dtype),
    )
    w = op.Sqrt(op.Neg(op.Log(op.Div(op.Sub(one, a), op.const(2.0, dtype)))))
    tail = op.Div(
        polyval(w, (1.641345311, 3.429567803, -1.624906493, -1.970840454), dtype),
        polyval(w, (1.637067800, 3.543889200, 1.0), dtype),
    )
    x = op.Where(op.Greater(a, op.const(0.7, dtype)), tail, central)

    two_over_sqrt_pi = op.const(2.0 / math.sqrt(math.pi), dtype)
    for _ in range(2 if dtype == torch.float64 else 1):
        # Halley: x -= r / (f' - r f''/(2 f')), and f''/f' = -2x for f = erf.
        r = _erf_minus(x, a, dtype)
        slope = op.Mul(two_over_sqrt_pi, op.Exp(op.Neg(op.Mul(x, x))))
        x = op.Sub(x, op.Div(r, op.Add(slope, op.Mul(x, r))))

    inf = op.const(math.inf, dtype)
    nan = op.const(math.nan, dtype)
    magnitude = op.Where(op.Less(a, one), x, op.Where(op.Greater(a, one), nan, inf))
    return with_sign_of(magnitude, y, dtype)


# lgamma(2 + t) = (1 - gamma) t + sum_{k>=2} (-1)^k (zeta(k) - 1) / k * t^k, listed from k = 1.
# |t| <= 1/2 and the k-th term shrinks like 4^-k, so 27 terms reach float64, 13 float32.
_LGAMMA2_TAYLOR = (
    0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
    -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425,
    -0.00022315475845357939, 9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05,
    -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
    -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08,
    -2.2711094608943164e-08, 1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
    -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10,
)
# Stirling's series B_2k / (2k (2k - 1)) x^(1 - 2k), k = 1.. .
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360)
# ATen's CPU lgamma (Sleef) returns +inf above these, a little before the true overflow
# (4.08e36 and 2.5577e305); the export follows it so the two agree everywhere.
_LGAMMA_EAGER_INF_ABOVE = {torch.float32: 4.0371100011702963e36, torch.float64: 2.5563481638716906e305}
_LOG_SQRT_2PI = 0.9189385332046728
_LOG_PI = 1.1447298858494002


def lgamma(x: Tensor, dtype: torch.dtype) -> Tensor:
    """``log|Gamma(x)|`` in ``dtype`` (float32 or float64), eager's special values included.

    Three regions, each free of the cancellation the textbook forms have:

    * ``-13 <= x < S`` (S = 13 in float64, 8 in float32): ``x = m + t`` with m the nearest
      integer, ``lgamma(x) = lgamma(2 + t) + log|Gamma(m + t) / Gamma(2 + t)|``. ``t`` is exact
      and ``lgamma(2 + t)`` a Taylor series in it, so the zeros at 1 and 2 keep full relative
      precision; the ratio is a product of the (exact) factors ``t + k``, so near the zeros
      between the negative poles the error is a few ULP of the factors' logs, not of
      ``lgamma(1 - x)`` as with the reflection formula.
    * ``x >= S``: Stirling's series, with ``(x - 1/2) log x - x`` written as
      ``x (log x - 1) - log(x) / 2`` so it does not overflow before the result does.
    * ``x < -13``: reflection, ``log(pi / |x sin(pi x)|) - lgamma(|x|)``, with ``sin(pi x)``
      taken of x's exact fractional part folded into [0, 1/2], so large |x| loses nothing.
      Its two terms cancel near the integers, by up to ``log(n!)`` against a result of a few
      units; the recurrence above has ~5x less error there, hence its reach to -13 even in
      float32 (where -8 would leave 9 ULP at x = -8.0002).

    Poles (0, -1, -2, ..., every float beyond 2**52 / 2**23) and ±inf give +inf, nan stays nan.
    """
    f64 = dtype == torch.float64
    s = 13 if f64 else 8  # Stirling from here up
    neg = 13  # the recurrence down to here, reflection below
    zero, half, one = (op.const(v, dtype) for v in (0.0, 0.5, 1.0))
    inf = op.const(math.inf, dtype)

    # Small |x|: nearest integer m, exact remainder t in [-1/2, 1/2].
    m = op.Floor(op.Add(x, half))
    t = op.Sub(x, m)
    taylor = _LGAMMA2_TAYLOR if f64 else _LGAMMA2_TAYLOR[:13]
    lgamma2 = op.Mul(t, polyval(t, taylor[::-1], dtype))
    # Gamma(m + t) = Gamma(2 + t) * prod_{k=2}^{m-1} (t + k)     for m >= 2,
    #              = Gamma(2 + t) / prod_{k=m}^{1} (t + k)       for m <= 1.
    up, down = one, one
    for k in range(2, s):
        kk = op.const(float(k), dtype)
        up = op.Mul(up, op.Where(op.Less(kk, m), op.Add(t, kk), one))
    for k in range(-neg, 2):
        kk = op.const(float(k), dtype)
        down = op.Mul(down, op.Where(op.Less(kk, m), one, op.Add(t, kk)))
    small = op.Add(lgamma2, op.Sub(op.Log(up), op.Log(op.Abs(down))))

    # Large |x|: Stirling, for x and for the reflection's lgamma(|x|).
    a = op.Abs(x)
    log_a = op.Log(a)
    inv = op.Reciprocal(a)
    series = op.Mul(inv, polyval(op.Mul(inv, inv), (_STIRLING if f64 else _STIRLING[:3])[::-1], dtype))
    stirling = op.Add(
        op.Sub(op.Mul(a, op.Sub(log_a, one)), op.Mul(half, log_a)),
        op.Add(op.const(_LOG_SQRT_2PI, dtype), series),
    )

    # Negative x beyond -S: fractional part r of |x| is exact; sin(pi r) = sin(pi min(r, 1 - r)).
    r = op.Sub(a, op.Floor(a))
    r = op.Min(r, op.Sub(one, r))
    sin_pi = op.Sin(op.Mul(op.const(math.pi, dtype), r))
    reflected = op.Sub(op.Sub(op.const(_LOG_PI, dtype), op.Log(op.Mul(a, sin_pi))), stirling)

    result = op.Where(
        op.Less(x, op.const(-float(neg), dtype)), reflected,
        op.Where(op.Less(x, op.const(float(s), dtype)), small, stirling),
    )
    pole = op.And(op.Not(op.Greater(x, zero)), equal(x, op.Floor(x)))
    overflow = op.Greater(x, op.const(_LGAMMA_EAGER_INF_ABOVE[dtype], dtype))
    return op.Where(op.Or(pole, overflow), inf, result)


# --- group G3: Bessel and orthogonal polynomials (shared helpers) ---


class Consts:
    """Constants of one composition: its dtype, shaped ``(1,) * rank`` (rank >= 1).

    The dynamo exporter's optimizer (onnxscript's rewriter: ``add_0``, ``sub_0``, ``mul_by_1``,
    ``div_by_1``) deletes ``x + c``/``x - c`` for 0-d constants with ``|c| <= 1e-8`` and ``x * c``,
    ``x / c`` for 0-d ``c`` within 1e-5 of 1, which silently drops the small coefficients of
    every series. It only matches 0-d constants, so these are shaped like the (rank >= 1)
    operands: broadcasting leaves every shape as it was. Rank-0 inputs are reshaped to
    ``(1,)`` first (:func:`at_least_1d`).
    """

    def __init__(self, dtype: torch.dtype, rank: int) -> None:
        self.dtype = dtype
        self.rank = max(rank, 1)

    def __call__(self, value: float, dtype: torch.dtype | None = None) -> Tensor:
        v: object = value
        for _ in range(self.rank):
            v = [v]
        return op.const(v, dtype or self.dtype)

    def fma(
        self, a: Tensor, b: Tensor, c: Tensor, *, a_prep: Any = None, guard: bool = False,
        subtract: bool = False,
    ) -> Tensor:
        """``a * b + c`` (``subtract``: ``a * b - c``) rounded once, as the C++ compiler
        contracts it in ATen's kernels (they are built with FMA for AVX2/AVX512); onnxruntime
        has no fused op.

        float32: evaluated in double, where ``a * b`` is exact, and rounded to float32: the
        fused result except for a double rounding once in ~2**29. float64: Dekker's exact
        product ``a*b = p + e`` and a two-sum of ``p + c``, so only the final rounding remains
        (faithful: rarely 1 ULP off the fused result). Finite, moderate operands only (the
        split overflows above ~1e300) unless ``guard``: then ``b`` and ``c`` are scaled by
        2**-64 where ``|b| > 2**960`` (so ``a*b + c`` near the overflow threshold rounds as
        the fused op does) and the unfused result is taken where the fused one is nan (inf or
        nan operands, overflow). ``a_prep``: :meth:`prepare` of ``a``, shared by many steps.
        """
        if self.dtype == torch.float32:
            f64 = torch.float64
            exact = op.Mul(a_prep if a_prep is not None else op.cast(a, f64), op.cast(b, f64))
            cd = op.cast(c, f64)
            return op.cast(op.Sub(exact, cd) if subtract else op.Add(exact, cd), torch.float32)
        if self.dtype != torch.float64:
            return op.Sub(op.Mul(a, b), c) if subtract else op.Add(op.Mul(a, b), c)
        ah, al = a_prep if a_prep is not None else self.split(a)
        sigma = None
        if guard:  # near the top of the range, fuse in a scaled copy: round(a b s + c s) / s
            sigma = op.Where(op.Greater(op.Abs(b), self(2.0**960)), self(2.0**-64), self(1.0))
            b, c = op.Mul(b, sigma), op.Mul(c, sigma)
        bh, bl = self.split(b)
        p = op.Mul(a, b)
        e = op.Add(op.Add(op.Add(op.Sub(op.Mul(ah, bh), p), op.Mul(ah, bl)), op.Mul(al, bh)), op.Mul(al, bl))
        if subtract:  # two-sum of p + (-c)
            s = op.Sub(p, c)
            bv = op.Sub(s, p)
            err = op.Sub(op.Sub(p, op.Sub(s, bv)), op.Add(c, bv))
        else:
            s = op.Add(p, c)
            bv = op.Sub(s, p)
            err = op.Add(op.Sub(p, op.Sub(s, bv)), op.Sub(c, bv))
        fused = op.Add(s, op.Add(err, e))
        if not guard:
            return fused
        return op.Div(op.Where(op.IsNaN(fused), s, fused), sigma)

    def prepare(self, a: Tensor) -> Any:
        """What :meth:`fma` needs of a multiplier ``a`` used in many steps: its double copy
        (float32) or its split (float64)."""
        if self.dtype == torch.float32:
            return op.cast(a, torch.float64)
        return self.split(a) if self.dtype == torch.float64 else None

    def exp(self, x: Tensor) -> Tensor:
        """``Exp``, correctly rounded in float32 (evaluated in double), like glibc's expf."""
        return self._via_double(op.Exp, x)

    def log(self, x: Tensor) -> Tensor:
        """``Log``, correctly rounded in float32 (evaluated in double), like glibc's logf."""
        return self._via_double(op.Log, x)

    def _via_double(self, fn: Any, x: Tensor) -> Tensor:
        if self.dtype != torch.float32:
            return fn(x)
        return op.cast(fn(op.cast(x, torch.float64)), torch.float32)

    def split(self, a: Tensor) -> tuple[Tensor, Tensor]:
        """Veltkamp's split of a float64 ``a`` into 26-bit halves ``hi + lo``."""
        t = op.Mul(a, self(134217729.0))  # 2**27 + 1
        hi = op.Sub(t, op.Sub(t, a))
        return hi, op.Sub(a, hi)


def at_least_1d(x: Tensor, rank: int) -> Tensor:
    """``x`` reshaped to ``(1,)`` if it is 0-d (see :class:`Consts`); :func:`restore_rank` undoes it."""
    return op.Reshape(x, op.const([1], torch.int64)) if rank == 0 else x


def restore_rank(y: Tensor, rank: int) -> Tensor:
    return op.Reshape(y, op.const([], torch.int64)) if rank == 0 else y


def horner(x: Tensor, coeffs: Sequence[float], k: Consts, *, fused: bool = True) -> Tensor:
    """``coeffs[0] x^n + ... + coeffs[n]`` as ATen's loops ``p = p * x + c`` (Cephes polevl),
    each step a fused multiply-add like eager's compiled kernel (``fused``, see
    :meth:`Consts.fma`); plain Horner otherwise."""
    acc = k(coeffs[0] if k.dtype != torch.float32 else _round32(coeffs[0]))
    if not fused:
        for c in coeffs[1:]:
            acc = op.Add(op.Mul(acc, x), k(c))
        return acc
    x_prep = k.prepare(x)
    for c in coeffs[1:]:
        acc = k.fma(x, acc, k(_round32(c) if k.dtype == torch.float32 else c), a_prep=x_prep)
    return acc


def _round32(c: float) -> float:
    """A coefficient as the float32 kernel holds it (``static const T[]``)."""
    return float(torch.tensor(c, dtype=torch.float32).item())


def chbevl(y: Tensor, coeffs: Sequence[float], k: Consts) -> Tensor:
    """Cephes ``chbevl``: ``sum' coeffs[i] T_i(y/2)`` by Clenshaw's recurrence, zero order last.

    Spelled as ATen's Math.h inlines it: ``b0 = y*b1 - b2 + c`` with ``y*b1 - b2`` fused by
    the compiler (:meth:`Consts.fma`), result ``(b0 - b2) / 2``. The recurrence amplifies
    rounding ~10x near the ends of its interval, so following eager's rounding matters:
    unfused, float32 differs from eager by up to 11 ULP and float64 by 9; fused, by 2.
    """
    y_prep = k.prepare(y)
    b0 = k(coeffs[0])
    b1 = b2 = None
    for c in coeffs[1:]:
        b2, b1 = b1, b0
        t = op.Mul(y, b1) if b2 is None else k.fma(y, b1, b2, a_prep=y_prep, subtract=True)
        b0 = op.Add(t, k(c))
    return op.Mul(k(0.5), b0 if b2 is None else op.Sub(b0, b2))


def is_inf(x: Tensor, k: Consts) -> Tensor:
    """``isinf(x)`` from opset 9 on (IsInf needs 10 and has no float16 kernel in onnxruntime)."""
    return op.Greater(op.Abs(x), k(float(torch.finfo(k.dtype).max)))


def is_odd(n: Tensor, k: Consts) -> Tensor:
    """Whether the integral float ``n`` is odd (C's ``n % 2 != 0``, either sign); exact below 2**53."""
    half = op.Mul(op.Abs(n), k(0.5))
    return op.Not(equal(half, op.Floor(half)))


# fdlibm's pi/2 in 33-bit pieces: k * piece is exact for |k| < 2**20.
_PIO2_1 = 1.57079632673412561417e+00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624871116645580e-21
_PIO2_3T = 8.47842766036889964396e-32  # pi/2 - (the three above)
_REDUCE_BELOW = 2.0**20 * 1.5707963267948966


def sin_cos(x: Tensor, k: Consts) -> tuple[Tensor, Tensor]:
    """``(sin x, cos x)`` to ~1 ULP (relative) everywhere, zeros included; eager's sin/cos are
    glibc's, which are that accurate.

    onnxruntime's float64 Sin/Cos lose relative accuracy near their zeros below ~1e6 (an
    absolute error of ~eps: cos(4.71238898038469) is off by 2**52 ULP) but are accurate on
    [-pi/4, pi/4] and for large arguments. So below ``2**20 pi/2`` the argument is reduced
    exactly, ``z = x - j pi/2`` with pi/2 in three 33-bit pieces and a tail (fdlibm), so z
    keeps its relative precision even next to a zero of sin or cos; the quadrant
    ``j mod 4`` picks ±sin z or ±cos z; above, the kernels are used directly. float32 runs
    the same in double and rounds once (correctly rounded but for double-rounding ties).
    """
    f32 = k.dtype == torch.float32
    dt = torch.float64 if f32 else k.dtype
    c = (lambda v: k(v, dt))  # noqa: E731
    xd = op.cast(x, dt) if f32 else x
    j = op.Floor(op.Add(op.Mul(xd, c(2 / math.pi)), c(0.5)))
    z = xd
    for piece in (_PIO2_1, _PIO2_2, _PIO2_3, _PIO2_3T):  # exact but for the last (tiny) one
        z = op.Sub(z, op.Mul(j, c(piece)))
    s, co = op.Sin(z), op.Cos(z)
    # Next to 1, cos z = 1 - h with h = z^2/2 (1 - z^2/12) known to a few ULP of h: rounding
    # 1 - h is then correct but within ~1e-22 of a midpoint, which onnxruntime's Cos is not
    # (it decides eager's ``sin(acos(x)/2) != 1`` tests in the Chebyshev V/W kernels).
    z2 = op.Mul(z, z)
    h = op.Mul(op.Mul(c(0.5), z2), op.Sub(c(1.0), op.Mul(z2, c(1.0 / 12.0))))
    co = op.Where(op.Less(op.Abs(z), c(2.0**-12)), op.Sub(c(1.0), h), co)
    quadrant = op.Sub(j, op.Mul(c(4.0), op.Floor(op.Mul(j, c(0.25)))))  # j mod 4, in {0, 1, 2, 3}
    q1, q2, q3 = (equal(quadrant, c(v)) for v in (1.0, 2.0, 3.0))
    ns, nc = op.Neg(s), op.Neg(co)
    sin_r = op.Where(q1, co, op.Where(q2, ns, op.Where(q3, nc, s)))
    cos_r = op.Where(q1, ns, op.Where(q2, nc, op.Where(q3, s, co)))
    near = op.Less(op.Abs(xd), c(_REDUCE_BELOW))
    sin_x = op.Where(near, sin_r, op.Sin(xd))
    cos_x = op.Where(near, cos_r, op.Cos(xd))
    if f32:
        sin_x, cos_x = op.cast(sin_x, torch.float32), op.cast(cos_x, torch.float32)
    return sin_x, cos_x


# Cephes asin.c (Moshier): asin(x) = x + x^3 P(x^2)/Q(x^2) for |x| <= 0.625.
_ASIN_P = (4.253011369004428248960e-3, -6.019598008014123785661e-1, 5.444622390564711410273e0,
           -1.626247967210700244449e1, 1.956261983317594739197e1, -8.198089802484824371615e0)
_ASIN_Q = (1.0, -1.474091372988853791896e1, 7.049610280856842141659e1, -1.471791292232726029859e2,
           1.395105614657485689735e2, -4.918853881490881290097e1)
_PIO2_HI = 1.5707963267948966  # pi/2 rounded to double
_PIO2_LO = 6.123233995736766e-17  # pi/2 - _PIO2_HI


def acos(x: Tensor, k: Consts) -> Tensor:
    """``acos(x)``: onnxruntime's Acos for float32; float64 (which onnxruntime's CPU provider
    has no Acos kernel for) as fdlibm/Cephes do it, to ~0.5 ULP (glibc's acos is correctly
    rounded but for 0.1% of inputs; this agrees with it on ~99%, see below):

    * ``|x| <= 1/2``: ``pi/2 - asin(x)``, ``asin(x) = x + x r(x^2)`` (Cephes' P/Q), with the
      rounding error of ``pi/2 - x`` carried into the small terms (two-sum);
    * ``|x| > 1/2``: ``z = (1 - |x|)/2`` (exact), ``s = sqrt(z)`` and its rounding error
      ``ds = (z - s^2)/(2s)`` (``s^2`` exact by Dekker's product), ``asin(s + ds) = s + (ds +
      s r(z))``; ``acos(x) = 2 asin(...)`` above 1/2 and ``pi - 2 asin(...)`` below -1/2 (with
      ``pi - 2s``'s rounding error carried). nan outside [-1, 1] and for nan.
    """
    if k.dtype != torch.float64:
        return op.Acos(x)
    a = op.Abs(x)

    def two_sum_err(big: Tensor, small: Tensor, total: Tensor) -> Tensor:
        bv = op.Sub(total, big)
        return op.Add(op.Sub(big, op.Sub(total, bv)), op.Sub(small, bv))

    def r_of(z: Tensor) -> Tensor:  # asin(t) = t + t * r(t^2)
        return op.Div(op.Mul(z, horner(z, _ASIN_P, k, fused=False)), horner(z, _ASIN_Q, k, fused=False))

    # |x| <= 1/2
    pio2 = k(_PIO2_HI)
    neg_x = op.Neg(x)
    s1 = op.Add(pio2, neg_x)
    small = op.Mul(x, r_of(op.Mul(x, x)))
    central = op.Add(s1, op.Sub(op.Add(two_sum_err(pio2, neg_x, s1), k(_PIO2_LO)), small))

    # |x| > 1/2
    z = op.Mul(k(0.5), op.Sub(k(1.0), a))
    s = op.Sqrt(z)
    sh, sl = k.split(s)
    p = op.Mul(s, s)
    err = op.Add(op.Add(op.Sub(op.Mul(sh, sh), p), op.Mul(op.Add(sh, sh), sl)), op.Mul(sl, sl))
    ds = op.Div(op.Sub(op.Sub(z, p), err), op.Add(s, s))
    ds = op.Where(op.Greater(z, k(0.0)), ds, k(0.0))  # |x| = 1: s = 0
    corr = op.Add(ds, op.Mul(s, r_of(z)))
    upper = op.Mul(k(2.0), op.Add(s, corr))
    pi_hi = k(2 * _PIO2_HI)
    two_s = op.Neg(op.Add(s, s))
    t = op.Add(pi_hi, two_s)
    lower = op.Add(t, op.Sub(op.Add(two_sum_err(pi_hi, two_s, t), k(2 * _PIO2_LO)), op.Add(corr, corr)))

    result = op.Where(op.Greater(a, k(0.5)), op.Where(op.Less(x, k(0.0)), lower, upper), central)
    return op.Where(op.Greater(a, k(1.0)), k(math.nan), result)


# --- end group G3 ---
