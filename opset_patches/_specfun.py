"""Gamma-family, Bessel I and normal-distribution special functions (group G2).

Each composition follows ATen's scalar CPU kernel (``aten/src/ATen/native/Math.h``): the same
Cephes/Boost/Faddeeva approximations, the same branches (every branch evaluated, one picked
per element with Where), the same special values. Loops of the kernels are unrolled to the
fixed number of steps their worst case needs. Built from opset-9 operators only (Where,
Floor, Sin, Gather, Pow, ...); every helper takes its :class:`~opset_patches._math.Consts`
(dtype and rank of the constants, see there for why constants are shaped).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from opset_patches import _special
from opset_patches._erfcx_table import ERFCX_Y100
from opset_patches._math import Consts, at_least_1d, equal, is_odd, log1p, restore_rank
from torch_opfill import Tensor, op

_F16, _BF16, _F32, _F64 = torch.float16, torch.bfloat16, torch.float32, torch.float64
Coeff = float | Tensor


def unary(self: Tensor, composition: Callable[[Tensor, Consts], Tensor]) -> Tensor:
    """``composition(x, k)`` on ``self`` as eager evaluates it: int/bool promote to float32,
    float16/bfloat16 are computed in float32 and rounded once at the end."""
    x = op.float_input(self)
    dtype = op.dtype(x)
    work = op.compute_dtype(x)
    rank = op.rank(x)
    x = at_least_1d(x, rank)
    y = composition(x if work == dtype else op.cast(x, work), Consts(work, rank))
    return restore_rank(y if work == dtype else op.cast(y, dtype), rank)


def in_dtype(value: float, dtype: torch.dtype) -> float:
    """``value`` rounded to ``dtype``, as a ``static const T`` of the kernel holds it."""
    return float(torch.tensor(value, dtype=dtype).item())


def polevl(x: Tensor, coeffs: Sequence[Coeff], k: Consts) -> Tensor:
    """Cephes ``polevl``: ``coeffs[0] x^n + ... + coeffs[n]`` by Horner, ``p = p * x + c``.
    A coefficient may be a tensor (per-element tables, see :func:`select`)."""

    def c(v: Coeff) -> Tensor:
        return k(v) if isinstance(v, float) else v

    acc = c(coeffs[0])
    for v in coeffs[1:]:
        acc = op.Add(op.Mul(acc, x), c(v))
    return acc


def select(cond: Tensor, a: Sequence[float], b: Sequence[float], k: Consts) -> list[Coeff]:
    """Per-element coefficient table: ``a[i]`` where ``cond``, else ``b[i]`` (the shorter one
    padded with leading zeros, which Horner and Clenshaw pass through exactly). One Where a
    coefficient instead of a second polynomial."""
    n = max(len(a), len(b))
    a = (0.0,) * (n - len(a)) + tuple(a)
    b = (0.0,) * (n - len(b)) + tuple(b)
    return [float(u) if u == v else op.Where(cond, k(u), k(v)) for u, v in zip(a, b)]


def chbevl(y: Tensor, coeffs: Sequence[Coeff], k: Consts) -> Tensor:
    """Cephes ``chbevl`` (Clenshaw), as ``_math.chbevl`` (whose notes on eager's fused
    ``y*b1 - b2`` apply: float32 forms it in double and rounds once), coefficients possibly
    per-element tensors (:func:`select`)."""
    f32 = k.dtype == _F32
    yd = op.cast(y, _F64) if f32 else y

    def c(v: Coeff) -> Tensor:
        return k(v) if isinstance(v, float) else v

    b0 = c(coeffs[0])
    b1 = b2 = b1d = b2d = None
    for v in coeffs[1:]:
        b2, b1 = b1, b0
        if f32:
            b2d, b1d = b1d, op.cast(b1, _F64)
            t = op.Mul(yd, b1d) if b2d is None else op.Sub(op.Mul(yd, b1d), b2d)
            t = op.cast(t, _F32)
        else:
            t = op.Mul(y, b1) if b2 is None else op.Sub(op.Mul(y, b1), b2)
        b0 = op.Add(t, c(v))
    return op.Mul(k(0.5), b0 if b2 is None else op.Sub(b0, b2))


def is_integral(x: Tensor) -> Tensor:
    """``x == floor(x)``: true for ±inf too, false for nan, as C's ``x == trunc(x)``."""
    return equal(x, op.Floor(x))


# --------------------------------------------------------------------------- digamma, polygamma

# Cephes psi.c: psi(x) ~ log x - 1/(2x) - z A(z), z = 1/x^2, for x >= 10.
_PSI_A = (8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
          -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
          8.33333333333333333333e-2)


def pi_cot_pi(x: Tensor, k: Consts) -> Tensor:
    """``pi / tan(pi x)`` for finite x, accurate for every x, not only near 0.

    ``t = x - round(x)`` is exact and ``cot(pi x) = cot(pi t)``; with ``a = |t| <= 1/2``,
    ``cot(pi a) = sin(pi (1/2 - a)) / sin(pi a)`` keeps both sines' arguments in [0, pi/2],
    where onnxruntime's Sin is accurate in both precisions (its Tan has no float64 kernel,
    and its float64 Cos loses relative precision near pi/2). ATen reduces x to its
    fractional part the same way (``modf``) and evaluates ``tan`` in double.
    """
    t = op.Sub(x, op.Floor(op.Add(x, k(0.5))))
    a = op.Abs(t)
    pi = k(math.pi)
    cot = op.Div(op.Sin(op.Mul(pi, op.Sub(k(0.5), a))), op.Sin(op.Mul(pi, a)))
    return op.Mul(pi, op.Where(op.Less(t, k(0.0)), op.Neg(cot), cot))


# pi in five 24-bit pieces: every j * piece is exact for |j| < 2**29, and so is each
# subtraction while the partial remainders cancel, which leaves v - j pi correct to ~1e-39
# absolute: enough for the remainders at the float64 multiples of pi (v = fl(pi * n)).
_PI_PARTS = (3.1415927410125732, -8.742277657347586e-08, -3.4302490200117637e-15, 2.11259979644063e-23,
             1.6956855132433692e-31)
_REDUCE_BELOW = 2.0**29 * 3.0


def reduce_pi(v: Tensor, k: Consts) -> tuple[Tensor, Tensor]:
    """``v = j pi + r``, ``|r| <= pi/2``, ``j`` an integral float, ``r`` to full precision for
    ``|v| < 1.6e9`` (onnxruntime's float64 Sin loses relative precision near multiples of pi)."""
    j = op.Floor(op.Add(op.Mul(v, k(1.0 / math.pi)), k(0.5)))
    r = v
    for piece in _PI_PARTS:
        r = op.Sub(r, op.Mul(j, k(piece)))
    return j, r


def cos_reduced(r: Tensor, k: Consts) -> Tensor:
    """``cos(r)`` for ``|r| <= pi/2`` as ``sin(pi/2 - |r|)``, the difference formed in three parts."""
    c = op.Sub(k(_PI_PARTS[0] / 2), op.Abs(r))
    for piece in _PI_PARTS[1:]:
        c = op.Add(c, k(piece / 2))
    return op.Sin(c)


def _pi_over_tan_pi_frac(x: Tensor, k: Consts) -> Tensor:
    """float64: ATen's ``pi / tan(pi * r)``, ``r = modf(x)`` (x < 0), with the kernel's rounded
    product ``v = pi * r`` and the tangent of that v to full precision (libm's is): near the
    negative integers both carry the same large error of ``pi * r``'s rounding."""
    r = op.Sub(x, op.Ceil(x))
    v = op.Mul(k(math.pi), r)
    _, u = reduce_pi(v, k)
    cot = op.Div(cos_reduced(u, k), op.Sin(op.Abs(u)))
    return op.Mul(k(math.pi), op.Where(op.Less(u, k(0.0)), op.Neg(cot), cot))


def digamma(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_digamma``: reflection ``psi(1 - x) - pi cot(pi x)`` below 0, the recurrence
    ``psi(y) = psi(y + 10) - sum_{j<10} 1/(y + j)`` below 10 and Cephes' asymptotic series.

    ATen steps y up by ones until it reaches [10, 11); the recurrence here always takes ten
    steps (so the series sees [10, 20)), the same terms without the per-element loop count.
    The reflection's cotangent is evaluated as the kernel does in float64 (``pi / tan(pi *
    modf(x))``, whose rounding near the poles it shares) and accurately in float32 (where
    the kernel's double evaluation is accurate). Special values as eager: -inf at +0, +inf
    at -0, nan at the negative integers and -inf, +inf at +inf.
    """
    zero, one, ten = k(0.0), k(1.0), k(10.0)
    neg = op.Less(x, zero)
    y = op.Where(neg, op.Sub(one, x), x)
    small = op.Less(y, ten)
    recip = op.Reciprocal(y)
    for j in range(1, 10):
        recip = op.Add(recip, op.Reciprocal(op.Add(y, k(float(j)))))
    ya = op.Where(small, op.Add(y, ten), y)
    z = op.Reciprocal(op.Mul(ya, ya))
    series = op.Mul(z, polevl(z, _PSI_A, k))
    psi = op.Sub(op.Sub(op.Log(ya), op.Div(k(0.5), ya)), series)
    psi = op.Where(small, op.Sub(psi, recip), psi)
    cot = _pi_over_tan_pi_frac(x, k) if k.dtype == _F64 else pi_cot_pi(x, k)
    reflected = op.Sub(psi, cot)
    pole = op.And(neg, is_integral(x))
    return op.Where(pole, k(math.nan), op.Where(neg, reflected, psi))


def _sin_squared(v: Tensor, k: Consts) -> Tensor:
    """``sin(v)^2`` with ``sin(v)`` as libm gives it: onnxruntime's float Sin is within 2 ULP
    everywhere; its float64 Sin only away from the multiples of pi, so v is reduced first."""
    if k.dtype != _F64:
        s = op.Sin(v)
    else:
        _, r = reduce_pi(v, k)
        s = op.Where(op.Less(op.Abs(v), k(_REDUCE_BELOW)), op.Sin(r), op.Sin(v))
    return op.Mul(s, s)


def trigamma(x: Tensor, k: Consts) -> Tensor:
    """ATen ``trigamma`` step for step: below 1/2, ``pi^2 / sin^2(pi x) - trigamma(1 - x)``
    with ``sin`` of the rounded product ``pi * x`` (as eager, so near the negative integers
    both give the same large finite values), then six steps of the recurrence and the
    asymptotic series."""
    dtype = k.dtype
    one = k(1.0)
    pi = in_dtype(math.pi, dtype)
    pi2 = float(torch.tensor(pi, dtype=dtype) * torch.tensor(pi, dtype=dtype))
    small = op.Less(x, k(0.5))
    result = op.Where(small, op.Neg(op.Div(k(pi2), _sin_squared(op.Mul(k(pi), x), k))), k(0.0))
    y = op.Where(small, op.Sub(one, x), x)
    for _ in range(6):
        result = op.Add(result, op.Reciprocal(op.Mul(y, y)))
        y = op.Add(y, one)
    ixx = op.Reciprocal(op.Mul(y, y))
    inner = op.Sub(k(1.0 / 30), op.Mul(ixx, k(1.0 / 42)))
    inner = op.Sub(k(1.0 / 6), op.Mul(ixx, inner))
    tail = op.Add(op.Add(one, op.Reciprocal(op.Mul(k(2.0), y))), op.Mul(ixx, inner))
    result = op.Add(result, op.Div(tail, y))
    return op.Where(small, op.Neg(result), result)


# --------------------------------------------------------------------------- Hurwitz zeta

# Cephes zeta.c: Euler-Maclaurin denominators (2k)! / B_2k.
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042e-16


def _zeta_nan_above() -> float:
    """Smallest x at which ATen's zeta turns a zero sum into nan: there the Euler-Maclaurin
    loop's running product ``x (x+1) ... (x+22)`` overflows double and multiplies a zero term
    (``inf * 0``). Found by bisection over doubles with the kernel's own sequence of roundings."""

    def overflows(x: float) -> bool:
        a = 1.0
        for j in range(23):
            a *= x + j
        return math.isinf(a)

    lo, hi = 1.0, 1e300
    for _ in range(200):
        mid = math.sqrt(lo * hi) if hi / lo > 2 else (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (lo, mid) if overflows(mid) else (mid, hi)
    return hi


_ZETA_NAN_ABOVE = _zeta_nan_above()


def unsqueeze0(x: Tensor, rank: int, dtype: torch.dtype) -> Tensor:
    """``x`` (of rank ``rank`` >= 1, ``dtype``) with a new leading axis of size 1."""
    if op.opset >= 13:
        return op.Unsqueeze(x, op.const([0], torch.int64))
    # Unsqueeze-1/11 take ``axes`` as an int-list attribute, which the builder spells ``axes_is``
    # for TorchScript (its exporter wants ``axes_i``); a Reshape to (1, *shape) would read the
    # 0 of an empty dim as "copy". Broadcasting against ones of one more rank adds the axis.
    return op.Mul(x, Consts(dtype, rank + 1)(1.0))


def take0(x: Tensor, i: int) -> Tensor:
    """``x[i]`` along the leading axis."""
    return op.Gather(x, op.const(i, torch.int64), axis=0)


def _zeta_q_positive(x: Tensor | float, q: Tensor, k: Consts) -> tuple[Tensor, Tensor]:
    """Cephes' Hurwitz zeta for ``q > 0`` (and x > 1), in double: ``(value, direct sum)``.

    ``sum_{j<=9} (q + j)^-x`` directly, then Euler-Maclaurin from ``w = q + 9`` with the
    kernel's 12 correction terms, nested as ``b/w x (1/A_0 + (x+1)(x+2)/w^2 (1/A_1 + ...))``.
    Where the kernel stops early (a direct term below MACHEP of the sum: large x) the value
    is the direct sum, which is then complete to well under an ULP; evaluating the tail
    there could overflow (so could it where every term underflows: 0 there). ``x`` may be
    a Python float (polygamma), whose factors fold into constants.
    """
    one = k(1.0)
    const_x = isinstance(x, (int, float))
    nx = k(-x) if const_x else op.Neg(x)
    a = q
    b = op.Pow(q, nx)
    s = b
    for _ in range(9):
        a = op.Add(a, one)
        b = op.Pow(a, nx)
        s = op.Add(s, b)
    w = a
    xm1 = k(x - 1.0) if const_x else op.Sub(x, one)
    tail = op.Sub(op.Div(op.Mul(b, w), xm1), op.Mul(k(0.5), b))
    u = op.Reciprocal(w)
    v = op.Mul(u, u)
    n = len(_ZETA_A)
    if const_x:
        # Coefficients prod_{j<=2i} (x + j) / A_i as numbers: a polynomial in v.
        coeffs, p = [], 1.0
        for i in range(n):
            p *= x + 2 * i if i == 0 else (x + 2 * i - 1) * (x + 2 * i)
            coeffs.append(p / _ZETA_A[i])
        em = op.Mul(op.Mul(b, u), polevl(v, coeffs[::-1], k))
    else:
        h = k(1.0 / _ZETA_A[n - 1])
        for i in range(n - 2, -1, -1):
            factor = op.Mul(op.Add(x, k(2.0 * i + 1)), op.Add(x, k(2.0 * i + 2)))
            h = op.Add(k(1.0 / _ZETA_A[i]), op.Mul(op.Mul(v, factor), h))
        em = op.Mul(op.Mul(op.Mul(b, u), x), h)
    total = op.Add(op.Add(s, tail), em)
    direct = op.Or(op.Less(b, op.Mul(k(_MACHEP), s)), equal(s, k(0.0)))
    return op.Where(direct, s, total), s


def zeta(x: Tensor | float, q: Tensor, k: Consts, *, first_term: torch.dtype = _F64) -> Tensor:
    """ATen ``zeta(x, q)`` (Hurwitz zeta, Cephes zeta.c) in double (``k.dtype`` float64),
    which is what ATen's CPU kernel computes in for float32 too (its accumulate type),
    except its first term ``q^-x``: ``std::pow`` of the two float arguments, so rounded to
    float (``first_term``), which matters where the terms cancel.

    Special values as the kernel: inf at x == 1 and at q a non-positive integer, nan for
    x < 1, for q < 0 with x not an integer, and for q == inf; where every term underflows
    the kernel returns 0, except beyond ``_ZETA_NAN_ABOVE`` where its Euler-Maclaurin
    product overflows into ``inf * 0 = nan``.

    For q < 0 (x an integer) the kernel sums ``(q + j)^-x`` term by term until q + j > 9,
    ~|q| terms. Here, with ``f = frac(|q|)``, the negative terms are ``(-1)^x (f + j)^-x``
    and the positive ones a zeta at ``1 - f``::

        zeta(x, q) = (zeta(x, 1 - f) + (-1)^x zeta(x, f)) - (-1)^x zeta(x, 1 + |q|)

    three evaluations at positive arguments, whatever |q|. Where the terms of odd x cancel
    (near zeta's zeros on the negative axis) both forms lose ``eps * max|term|`` absolutely;
    at half-integer q the first two cancel exactly here, so the result keeps its precision.
    """
    zero, one = k(0.0), k(1.0)
    const_x = isinstance(x, (int, float))
    xt = k(float(x)) if const_x else x
    q = op.Add(q, zero)  # rank of the constants, so the stacked arguments below share one shape
    q_neg = op.Less(q, zero)
    aq = op.Abs(q)
    f = op.Sub(aq, op.Floor(aq))
    # The three evaluations as one, on the arguments stacked along a new leading axis.
    # (x broadcasts against them as it is: trailing axes align.)
    args = (op.Where(q_neg, op.Sub(one, f), q), f, op.Add(one, aq))
    stacked = op.Concat(*(unsqueeze0(v, k.rank, _F64) for v in args), axis=0)
    values, sums = _zeta_q_positive(x, stacked, Consts(_F64, k.rank + 1))
    pos, at_f, at_tail = (take0(values, i) for i in range(3))
    s = take0(sums, 0)
    if const_x:
        odd = float(x) % 2 == 1
        negative = op.Add(op.Sub(pos, at_f), at_tail) if odd else op.Sub(op.Add(pos, at_f), at_tail)
    else:
        negative = op.Where(
            is_odd(xt, k), op.Add(op.Sub(pos, at_f), at_tail), op.Sub(op.Add(pos, at_f), at_tail)
        )
    if first_term != _F64:
        # The kernel's float q^-x: add its rounding error (q^-x = (-1)^x |q|^-x).
        p = op.Pow(aq, k(-float(x)) if const_x else op.Neg(xt))
        delta = op.Sub(op.cast(op.cast(p, first_term), _F64), p)
        delta = op.Where(op.Less(p, k(float(torch.finfo(first_term).max))), delta, zero)
        if const_x:
            signed = op.Neg(delta) if float(x) % 2 == 1 else delta
        else:
            signed = op.Where(is_odd(xt, k), op.Neg(delta), delta)
        pos = op.Add(pos, delta)
        negative = op.Add(negative, signed)
    nan, inf = k(math.nan), k(math.inf)
    positive = op.Where(
        op.Greater(q, k(float(torch.finfo(_F64).max))), nan,
        op.Where(equal(s, zero), op.Where(op.Greater(xt, k(_ZETA_NAN_ABOVE)), nan, zero), pos),
    )
    at_nonpos = op.Where(is_integral(q), inf, op.Where(is_integral(xt), negative, nan))
    result = op.Where(op.Greater(q, zero), positive, at_nonpos)
    if const_x:
        return result
    return op.Where(equal(xt, one), inf, op.Where(op.Less(xt, one), nan, result))


def polygamma_from_zeta(n: int, x: Tensor, dtype: torch.dtype, rank: int) -> Tensor:
    """ATen ``calc_polygamma`` (n >= 2): ``(-1)^(n+1) exp(lgamma(n + 1)) zeta(n + 1, x)``, ``x`` of
    ``dtype`` (rank >= 1).

    The factor is taken from eager itself at export time (bit-identical to the kernel's
    ``exp(lgamma(n + 1))`` in its scalar type); zeta is computed in double as ATen's CPU
    kernel does for float32 (its accumulate type), rounded to the scalar type before the
    product: float32 rounds it to float, float16/bfloat16 to the half type and the product
    (formed in float) again, as the kernel's ``scalar_t`` arithmetic does.
    """
    factor_dtype = _F64 if dtype == _F64 else _F32
    factor = torch.exp(torch.lgamma(torch.tensor(float(n), dtype=factor_dtype) + 1)).item()
    signed = factor if n % 2 else -factor
    z = zeta(float(n + 1), x if dtype == _F64 else op.cast(x, _F64), Consts(_F64, rank),
             first_term=dtype if dtype == _F64 else _F32)
    if dtype == _F64:
        return op.Mul(Consts(_F64, rank)(signed), z)
    k32 = Consts(_F32, rank)
    if dtype == _F32:
        return op.Mul(k32(signed), op.cast(z, _F32))
    return op.cast(op.Mul(k32(signed), op.cast(op.cast(z, dtype), _F32)), dtype)


# --------------------------------------------------------------------------- Bessel I0, I1

# ATen's float32 i1/i1e kernels use the last 17 and 7 coefficients of Cephes' tables.
_I1_A_F32 = _special._I1_A[-17:]
_I1_B_F32 = _special._I1_B[-7:]


def _i_chebyshev(a: Tensor, small: Sequence[float], large: Sequence[float], k: Consts) -> Tensor:
    """``chbevl(a/2 - 2, small)`` for a <= 8, ``chbevl(32/a - 2, large)`` beyond: one Clenshaw
    recurrence whose coefficients are picked per element."""
    near = op.Not(op.Greater(a, k(8.0)))
    y = op.Where(near, op.Sub(op.Div(a, k(2.0)), k(2.0)), op.Sub(op.Div(k(32.0), a), k(2.0)))
    return chbevl(y, select(near, small, large, k), k), near


def i0(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_i0``: ``e^a A(a/2 - 2)`` for ``a = |x| <= 8``, ``e^a B(32/a - 2) / sqrt(a)``
    beyond (inf where e^a overflows, nan at ±inf: inf/inf, as eager)."""
    a = op.Abs(x)
    cheb, near = _i_chebyshev(a, _special._I0_A, _special._I0_B, k)
    e = op.Exp(a)
    return op.Where(near, op.Mul(e, cheb), op.Div(op.Mul(e, cheb), op.Sqrt(a)))


def i0e(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_i0e``: ``A(a/2 - 2)`` for ``a = |x| <= 8``, ``B(32/a - 2) / sqrt(a)`` beyond."""
    a = op.Abs(x)
    cheb, near = _i_chebyshev(a, _special._I0_A, _special._I0_B, k)
    return op.Where(near, cheb, op.Div(cheb, op.Sqrt(a)))


def _i1_tables(k: Consts) -> tuple[Sequence[float], Sequence[float]]:
    if k.dtype == _F32:
        return _I1_A_F32, _I1_B_F32
    return _special._I1_A, _special._I1_B


def i1(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_i1``: odd; ``e^a a A(a/2 - 2)`` up to 8, ``e^a B(32/a - 2) / sqrt(a)`` beyond
    (float32 with ATen's shorter float tables). -0 gives +0 like eager (``x < 0 ? -out : out``)."""
    a = op.Abs(x)
    cheb, near = _i_chebyshev(a, *_i1_tables(k), k)
    e = op.Exp(a)
    out = op.Where(near, op.Mul(op.Mul(e, a), cheb), op.Div(op.Mul(e, cheb), op.Sqrt(a)))
    return op.Where(op.Less(x, k(0.0)), op.Neg(out), out)


def i1e(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_i1e``: odd; ``A(a/2 - 2) a`` up to 8, ``B(32/a - 2) / sqrt(a)`` beyond."""
    a = op.Abs(x)
    cheb, near = _i_chebyshev(a, *_i1_tables(k), k)
    out = op.Where(near, op.Mul(cheb, a), op.Div(cheb, op.Sqrt(a)))
    return op.Where(op.Less(x, k(0.0)), op.Neg(out), out)


# --------------------------------------------------------------------------- normal distribution

# Cephes ndtri.c.
_NDTRI_P0 = (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
             1.39312609387279679503e1, -1.23916583867381258016e0)
_NDTRI_Q0 = (1.0, 1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
             -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
             1.59056225126211695515e1, -1.18331621121330003142e0)
_NDTRI_P1 = (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
             4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
             -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4)
_NDTRI_Q1 = (1.0, 1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
             1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
             -3.80806407691578277194e-2, -9.33259480895457427372e-4)
_NDTRI_P2 = (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
             1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
             3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9)
_NDTRI_Q2 = (1.0, 6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
             2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
             2.89247864745380683936e-6, 6.79019408009981274425e-9)
_EXP_M2 = 0.13533528323661269189  # exp(-2)
_S2PI = 2.50662827463100050242  # sqrt(2 pi)


def ndtri(y0: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_ndtri`` (Cephes ndtri.c): a rational function of ``y - 1/2`` on
    ``[exp(-2), 1 - exp(-2)]``; outside, of ``1/x`` with ``x = sqrt(-2 log y)`` (two tables,
    split at x = 8, picked per element), on ``1 - y`` above 1/2. -inf at 0, +inf at 1, nan
    outside [0, 1]."""
    dtype = k.dtype
    zero, one = k(0.0), k(1.0)
    upper = op.Greater(y0, k(in_dtype(1.0, dtype) - in_dtype(_EXP_M2, dtype)))
    y = op.Where(upper, op.Sub(one, y0), y0)
    central = op.Greater(y, k(_EXP_M2))
    yc = op.Sub(y, k(0.5))
    y2 = op.Mul(yc, yc)
    ratio = op.Div(op.Mul(y2, polevl(y2, _NDTRI_P0, k)), polevl(y2, _NDTRI_Q0, k))
    mid = op.Mul(op.Add(yc, op.Mul(yc, ratio)), k(_S2PI))
    x = op.Sqrt(op.Mul(k(-2.0), op.Log(y)))
    x0 = op.Sub(x, op.Div(op.Log(x), x))
    z = op.Reciprocal(x)
    first = op.Less(x, k(8.0))
    x1 = op.Div(op.Mul(z, polevl(z, select(first, _NDTRI_P1, _NDTRI_P2, k), k)),
                polevl(z, select(first, _NDTRI_Q1, _NDTRI_Q2, k), k))
    tail = op.Sub(x0, x1)
    result = op.Where(central, mid, op.Where(upper, tail, op.Neg(tail)))
    outside = op.Or(op.Less(y0, zero), op.Greater(y0, one))
    return op.Where(
        equal(y0, zero), k(-math.inf),
        op.Where(equal(y0, one), k(math.inf), op.Where(outside, k(math.nan), result)),
    )


_ERFCX_COLUMNS = tuple(tuple(row[j] for row in ERFCX_Y100) for j in range(7))
_ISPI = 0.56418958354775628694807945156  # 1 / sqrt(pi)


def _erfcx_y100(y100: Tensor, k: Consts, *, exact: bool = False) -> Tensor:
    """ATen ``erfcx_y100``: the degree-6 Chebyshev fit of ``[floor(y100), floor(y100) + 1)``,
    its coefficients gathered from the 100-row table; 1 at y100 = 100 (x = 0). Out-of-table
    and nan arguments are pointed at a valid row (their result is set elsewhere or nan).

    ``exact`` (float32 only): ``y100`` is given in double; the table's argument ``t`` is
    formed there and rounded once, instead of from the kernel's float ``400 / (4 + x)``,
    whose rounding costs eager's float erfcx up to 5 ULP."""
    dtype = k.dtype
    kt = Consts(_F64, k.rank) if exact else k
    in_table = op.Less(y100, kt(100.0))
    row = op.Cast(op.Floor(op.Where(in_table, y100, kt(99.0))), to=7)  # int64

    def column(values: Sequence[float], of: torch.dtype = dtype) -> Tensor:
        return op.Gather(op.const(list(values), of), row, axis=0)

    t = op.Sub(op.Mul(kt(2.0), y100), column([2.0 * j + 1 for j in range(100)], _F64 if exact else dtype))
    if exact:
        t = op.cast(t, dtype)
    acc = column(_ERFCX_COLUMNS[6])
    for j in range(5, -1, -1):
        acc = op.Add(column(_ERFCX_COLUMNS[j]), op.Mul(acc, t))
    return op.Where(in_table, acc, k(1.0))


def erfcx(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_erfcx`` (S. G. Johnson's Faddeeva package): ``erfcx_y100(400 / (4 + |x|))``
    for ``0 <= x <= 50``, a continued fraction beyond (``1/(sqrt(pi) x)`` past 5e7);
    ``2 exp(x^2) - erfcx(-x)`` for x < 0 (inf below -26.7). nan stays nan."""
    zero = k(0.0)
    ax = op.Abs(x)
    table = _erfcx_y100(op.Div(k(400.0), op.Add(k(4.0), ax)), k)
    xx = op.Mul(x, x)
    cf = op.Div(
        op.Mul(k(_ISPI), op.Add(op.Mul(xx, op.Add(xx, k(4.5))), k(2.0))),
        op.Mul(x, op.Add(op.Mul(xx, op.Add(xx, k(5.0))), k(3.75))),
    )
    positive = op.Where(
        op.Greater(x, k(50.0)), op.Where(op.Greater(x, k(5e7)), op.Div(k(_ISPI), x), cf), table
    )
    two_exp = op.Mul(k(2.0), op.Exp(xx))
    negative = op.Where(
        op.Less(x, k(-26.7)), k(math.inf), op.Where(op.Less(x, k(-6.1)), two_exp, op.Sub(two_exp, table))
    )
    return op.Where(op.IsNaN(x), x, op.Where(op.Less(x, zero), negative, positive))


def exp_neg_square(t: Tensor, k: Consts) -> Tensor:
    """``exp(-t^2)`` without the ``t^2``-ULP error of rounding ``t*t`` first: ``t^2 = hi + lo``
    exactly (Dekker's product, Veltkamp's split), ``exp(-hi) (1 - lo)``. For |t| beyond
    ~1e15 (float64) / 1e18 (float32) the split overflows; exp(-t^2) is 0 there anyway."""
    split = k(134217729.0 if k.dtype == _F64 else 4097.0)
    c = op.Mul(split, t)
    th = op.Sub(c, op.Sub(c, t))
    tl = op.Sub(t, th)
    hi = op.Mul(t, t)
    lo = op.Add(op.Add(op.Sub(op.Mul(th, th), hi), op.Mul(k(2.0), op.Mul(th, tl))), op.Mul(tl, tl))
    e = op.Exp(op.Neg(hi))
    return op.Where(op.Greater(hi, k(1e30)), k(0.0), op.Mul(e, op.Sub(k(1.0), lo)))


def erfcx_nonnegative(a: Tensor, k: Consts) -> Tensor:
    """``erfcx(a)`` for ``a >= 0`` to about 1 ULP in float32 too: the kernel's table and
    continued fraction, with ``400 / (4 + a)`` in double for float32 (see ``_erfcx_y100``)."""
    if k.dtype == _F32:
        kd = Consts(_F64, k.rank)
        table = _erfcx_y100(op.Div(kd(400.0), op.Add(kd(4.0), op.cast(a, _F64))), k, exact=True)
    else:
        table = _erfcx_y100(op.Div(k(400.0), op.Add(k(4.0), a)), k)
    aa = op.Mul(a, a)
    cf = op.Div(
        op.Mul(k(_ISPI), op.Add(op.Mul(aa, op.Add(aa, k(4.5))), k(2.0))),
        op.Mul(a, op.Add(op.Mul(aa, op.Add(aa, k(5.0))), k(3.75))),
    )
    return op.Where(op.Greater(a, k(50.0)), op.Where(op.Greater(a, k(5e7)), op.Div(k(_ISPI), a), cf), table)


def erfc(t: Tensor, k: Consts) -> Tensor:
    """``erfc(t)`` to a few ULP relative everywhere, as libm's: ``1 - erf(t)`` for |t| < 1/2,
    beyond ``erfcx(|t|) exp(-t^2)`` (exact square), reflected as ``2 - erfc(-t)`` below 0."""
    a = op.Abs(t)
    tail = op.Mul(erfcx_nonnegative(a, k), exp_neg_square(a, k))
    outer = op.Where(op.Less(t, k(0.0)), op.Sub(k(2.0), tail), tail)
    return op.Where(op.Less(a, k(0.5)), op.Sub(k(1.0), erf_small(t, k)), outer)


_SQRT1_2 = 0.70710678118654752440


def log_ndtr(x: Tensor, k: Consts) -> Tensor:
    """ATen ``calc_log_ndtr``: ``log(erfcx(-t) / 2) - t^2`` for x < -1, else
    ``log1p(-erfc(t) / 2)``, ``t = x / sqrt(2)``. Both branches share one erfcx table lookup at
    |t| (:func:`erfcx_nonnegative`, which in float32 is more accurate than the kernel's own
    erfcx: that costs the left branch under 3 ULP of its |result| >= 1.8)."""
    t = op.Mul(x, k(_SQRT1_2))
    a = op.Abs(t)
    ex = erfcx_nonnegative(a, k)
    left = op.Sub(op.Log(op.Div(ex, k(2.0))), op.Mul(t, t))
    tail = op.Mul(ex, exp_neg_square(a, k))
    erfc_t = op.Where(op.Less(a, k(0.5)), op.Sub(k(1.0), erf_small(t, k)),
                      op.Where(op.Less(t, k(0.0)), op.Sub(k(2.0), tail), tail))
    right = log1p(op.Neg(op.Div(erfc_t, k(2.0))), k.dtype)
    return op.Where(op.Less(x, k(-1.0)), left, right)


# Cephes ndtr.c: erf(x) = x T(x^2) / U(x^2) for |x| <= 1, erfc(x) = exp(-x^2) P(x) / Q(x) for 1 <= x < 8.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)


def erf_small(x: Tensor, k: Consts) -> Tensor:
    """``erf(x)`` for ``|x| <= 1``: onnxruntime's Erf (float32), Cephes' ``x T(x^2) / U(x^2)`` (float64)."""
    if k.dtype != _F64:
        return op.Erf(x)
    z = op.Mul(x, x)
    return op.Div(op.Mul(x, polevl(z, _ERF_T, k)), polevl(z, _ERF_U, k))


def erf(x: Tensor, k: Consts) -> Tensor:
    """``erf(x)``: onnxruntime's Erf where it has a kernel (not float64); in float64 Cephes'
    ``x T(x^2) / U(x^2)`` up to |x| = 1 and ``1 - exp(-x^2) P(|x|) / Q(|x|)`` beyond (odd; 1
    from |x| = 6 on, where erfc is below half an ULP of 1)."""
    if k.dtype != _F64:
        return op.Erf(x)
    small = erf_small(x, k)
    a = op.Min(op.Abs(x), k(6.0))
    tail = op.Div(op.Mul(op.Exp(op.Neg(op.Mul(a, a))), polevl(a, _ERFC_P, k)), polevl(a, _ERFC_Q, k))
    large = op.Sub(k(1.0), tail)
    large = op.Where(op.Less(x, k(0.0)), op.Neg(large), large)
    return op.Where(op.Greater(op.Abs(x), k(1.0)), large, small)


def ndtr(x: Tensor, k: Consts) -> Tensor:
    """ATen ``special_ndtr``: ``(1 + erf(x / sqrt(2))) / 2`` (eager's own composition, with its
    absolute-error-only left tail)."""
    return op.Mul(op.Add(k(1.0), erf(op.Mul(x, k(_SQRT1_2)), k)), k(0.5))


# --------------------------------------------------------------------------- incomplete gamma

# Boost's Lanczos approximation (g = 6.0247, 13 terms) as ATen's lanczos_sum_expg_scaled:
# Gamma(z) = L(z) ((z + g - 1/2) / e)^(z - 1/2). Highest power first.
_LANCZOS_NUM = (0.006061842346248906525783753964555936883222, 0.5098416655656676188125178644804694509993,
                19.51992788247617482847860966235652136208, 449.9445569063168119446858607650988409623,
                6955.999602515376140356310115515198987526, 75999.29304014542649875303443598909137092,
                601859.6171681098786670226533699352302507, 3481712.15498064590882071018964774556468,
                14605578.08768506808414169982791359218571, 43338889.32467613834773723740590533316085,
                86363131.28813859145546927288977868422342, 103794043.1163445451906271053616070238554,
                56906521.91347156388090791033559122686859)
_LANCZOS_DEN = (1.0, 66.0, 1925.0, 32670.0, 357423.0, 2637558.0, 13339535.0, 45995730.0, 105258076.0,
                150917976.0, 120543840.0, 39916800.0, 0.0)
_LANCZOS_G = 6.024680040776729583740234375
# lgamma(2 + t) = sum_{k>=1} c_k t^k for |t| <= 1/2, c_1 = 1 - gamma, c_k = (-1)^k (zeta(k) - 1)/k.
_LGAMMA2_TAYLOR = (
    0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
    -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425,
    -0.00022315475845357939, 9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05,
    -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
    -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08,
    -2.2711094608943164e-08, 1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
    -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10,
)


def _lanczos(z: Tensor, k: Consts) -> Tensor:
    """ATen ``lanczos_sum_expg_scaled`` (``ratevl``: a polynomial ratio in z, in 1/z above 1)."""
    big = op.Greater(op.Abs(z), k(1.0))
    y = op.Where(big, op.Reciprocal(z), z)
    num = polevl(y, select(big, _LANCZOS_NUM[::-1], _LANCZOS_NUM, k), k)
    den = polevl(y, select(big, _LANCZOS_DEN[::-1], _LANCZOS_DEN, k), k)
    return op.Div(num, den)


def _lgamma_lanczos(z: Tensor, k: Consts) -> Tensor:
    """``lgamma(z)`` for z >= 1 from the Lanczos sum (accurate absolutely, as an exponent needs)."""
    return op.Add(op.Log(_lanczos(z, k)),
                  op.Mul(op.Sub(z, k(0.5)), op.Sub(op.Log(op.Add(z, k(_LANCZOS_G - 0.5))), k(1.0))))


def _lgamma1p(a: Tensor, k: Consts) -> Tensor:
    """``lgamma(1 + a)`` for a >= 0, to full relative precision near its zeros a = 0 and 1:
    Taylor series of ``lgamma(2 + t)`` (t = a - 1, or t = a and ``- log1p(a)``) below 3/2,
    the Lanczos sum above."""
    small_a = op.Less(a, k(0.5))
    t = op.Where(small_a, a, op.Sub(a, k(1.0)))
    terms = _LGAMMA2_TAYLOR if k.dtype == _F64 else _LGAMMA2_TAYLOR[:13]
    l2 = op.Mul(t, polevl(t, terms[::-1], k))
    near = op.Where(small_a, op.Sub(l2, log1p(a, k.dtype)), l2)
    return op.Where(op.Less(a, k(1.5)), near, _lgamma_lanczos(op.Add(a, k(1.0)), k))


def unsqueeze_last(x: Tensor) -> Tensor:
    """``x[..., None]`` (Unsqueeze's axes became an input at opset 13; before, a Reshape)."""
    if op.opset >= 13:
        return op.Unsqueeze(x, op.const([-1], torch.int64))
    return op.Reshape(x, op.Concat(op.Shape(x), op.const([1], torch.int64), axis=0))


_LN2_HI, _LN2_LO = 0.693145751953125, 1.42860682030941723212e-6  # Cody-Waite: LN2_HI has 16 bits


def log_exact(a: Tensor, k: Consts) -> Tensor:
    """``log(a)`` for a > 0 correctly rounded but for rare ties. float64: ``e ln2 + log(m)`` with
    ``a = m 2^e``, ``e ln2`` in two exact parts, so onnxruntime's Log (up to 2.6 ULP in float32,
    1 in float64) only touches the small ``log(m)``. Where ``log(a)`` is large (tiny a) an ULP
    of it is a large relative error of ``exp`` of it, which the incomplete gamma's
    prefactor ``exp(a log x - x - lgamma(a))`` takes."""
    if k.dtype == _F32:  # onnxruntime's float64 Log rounded to float: correctly rounded but for ties
        return op.cast(op.Log(op.cast(a, _F64)), _F32)
    e = op.Floor(op.Mul(op.Log(a), k(1.0 / math.log(2.0))))
    m = op.Div(a, op.Pow(k(2.0), e))  # in [1/2, 4): the power of two is exact
    return op.Add(op.Mul(e, k(_LN2_HI)), op.Add(op.Mul(e, k(_LN2_LO)), op.Log(m)))


class _IgammaParts:
    """The pieces of ATen's ``calc_igamma``/``calc_igammac`` for ``a, x > 0`` in ``k.dtype``,
    every loop unrolled to a fixed count that converges wherever its branch is used."""

    def __init__(self, a: Tensor, x: Tensor, k: Consts) -> None:
        f64 = k.dtype == _F64
        self.k = k
        self.a, self.x = a, x
        # Iterations: the series (DLMF 8.11.4) and its complement's (8.7.3), the continued
        # fraction (8.9.2, evaluated bottom-up at a fixed depth), and Temme's expansion's
        # a^-k and eta^n terms, each enough for the dtype's precision on its region.
        self.n_series, self.n_cf, self.n_cseries = (50, 60, 25) if f64 else (25, 25, 15)
        self.n_k, self.n_eta = (13, 22) if f64 else (8, 12)
        self.maxlog = 7.09782712893383996843e2 if f64 else 88.72283905206835
        self.lg1p = _lgamma1p(a, k)
        self.lga = op.Where(op.Less(a, k(1.5)), op.Sub(self.lg1p, log_exact(a, k)), _lgamma_lanczos(a, k))
        self.fac = self._fac()

    def _fac(self) -> Tensor:
        """``x^a e^-x / Gamma(a)`` (ATen ``_igam_helper_fac``): from logarithms away from x ~ a,
        from the Lanczos sum near it (there a < 10 and x < 14, where the kernel's plain form
        applies: near x ~ a, larger a goes to Temme's expansion here)."""
        k, a, x = self.k, self.a, self.x
        ax = op.Sub(op.Sub(op.Mul(a, op.Log(x)), x), self.lga)
        far = op.Where(op.Less(ax, k(-self.maxlog)), k(0.0), op.Exp(ax))
        fc = op.Add(a, k(_LANCZOS_G - 0.5))
        near = op.Mul(op.Div(op.Sqrt(op.Div(fc, k(math.e))), _lanczos(a, k)),
                      op.Mul(op.Exp(op.Sub(a, x)), op.Pow(op.Div(x, fc), a)))
        return op.Where(op.Greater(op.Abs(op.Sub(a, x)), op.Mul(k(0.4), op.Abs(a))), far, near)

    def p_series(self) -> Tensor:
        """``P = fac / a * sum_n x^n / ((a+1)...(a+n))`` (ATen ``_igam_helper_series``)."""
        k, a, x = self.k, self.a, self.x
        r, c, ans = a, None, k(1.0)
        for _ in range(self.n_series):
            r = op.Add(r, k(1.0))
            q = op.Div(x, r)
            c = q if c is None else op.Mul(c, q)
            ans = op.Add(ans, c)
        return op.Where(equal(self.fac, k(0.0)), k(0.0), op.Div(op.Mul(ans, self.fac), a))

    def q_fraction(self) -> Tensor:
        """``Q = fac / (x + 1 - a - 1(1-a)/(x + 3 - a - 2(2-a)/(x + 5 - a - ...)))``, the kernel's
        continued fraction, evaluated from its n-th level up."""
        k, a, x = self.k, self.a, self.x
        xma = op.Sub(x, a)
        t = None
        for n in range(self.n_cf, 0, -1):
            num = op.Mul(k(float(n)), op.Sub(k(float(n)), a))
            den = op.Add(xma, k(2.0 * n + 1))
            t = op.Div(num, den if t is None else op.Sub(den, t))
        cf = op.Reciprocal(op.Sub(op.Add(xma, k(1.0)), t))
        return op.Where(equal(self.fac, k(0.0)), k(0.0), op.Mul(cf, self.fac))

    def q_series(self) -> Tensor:
        """``Q = -expm1(a log x - lgamma(1 + a)) - x^a / Gamma(a) sum_n (-x)^n / (n! (a + n))``
        (ATen ``_igamc_helper_series``, for small x)."""
        k, a, x = self.k, self.a, self.x
        negx = op.Neg(x)
        fa, s = None, None
        for n in range(1, self.n_cseries + 1):
            step = op.Div(negx, k(float(n)))
            fa = step if fa is None else op.Mul(fa, step)
            term = op.Div(fa, op.Add(a, k(float(n))))
            s = term if s is None else op.Add(s, term)
        alx = op.Mul(a, op.Log(x))
        e = op.Sub(alx, self.lg1p)
        return op.Sub(op.Neg(_expm1(e, k)), op.Mul(op.Exp(op.Sub(alx, self.lga)), s))

    def temme(self, eager_region: Tensor) -> tuple[Tensor, Tensor]:
        """Temme's uniform expansion (ATen ``_igam_helper_asymptotic_series``): ``(P, Q)``.

        ``sum_k c_k(eta) a^-k`` with ``c_k = sum_n d[k][n] eta^n`` as two products: the powers
        of eta (one Pow against the exponents) times the d table (MatMul), times the powers of
        1/a, summed (MatMul with ones). The kernel divides by ``sqrt(2 pi a)`` with pi in
        float precision even in double; that is kept where it uses the expansion.
        """
        from opset_patches._igam_table import IGAM_D  # noqa: PLC0415 - 25x25 numbers, only here

        k, a, x = self.k, self.a, self.x
        dtype = k.dtype
        sigma = op.Div(op.Sub(x, a), a)
        e2 = op.Mul(k(-2.0), op.Sub(log1p(sigma, dtype), sigma))
        root = op.Sqrt(op.Max(e2, k(0.0)))
        eta = op.Where(op.Less(x, a), op.Neg(root), op.Where(op.Greater(x, a), root, k(0.0)))
        powers = op.Pow(unsqueeze_last(eta), op.const([float(n) for n in range(self.n_eta)], dtype))
        table = [[IGAM_D[kk][n] for kk in range(self.n_k)] for n in range(self.n_eta)]
        c = op.MatMul(powers, op.const(table, dtype))
        exponents = op.const([float(j) for j in range(self.n_k)], dtype)
        inv_powers = op.Pow(unsqueeze_last(op.Reciprocal(a)), exponents)
        series = op.MatMul(op.Mul(c, inv_powers), op.const([1.0] * self.n_k, dtype))
        two_pi = op.Where(eager_region, k(2.0 * in_dtype(math.pi, _F32)), k(2.0 * math.pi))
        e = op.Div(op.Mul(op.Exp(op.Mul(op.Mul(k(-0.5), a), op.Mul(eta, eta))), series),
                   op.Sqrt(op.Mul(two_pi, a)))
        z = op.Mul(eta, op.Sqrt(op.Div(a, k(2.0))))
        p = op.Sub(op.Mul(k(0.5), erfc(op.Neg(z), k)), e)
        q = op.Add(op.Mul(k(0.5), erfc(z, k)), e)
        return p, q


def _expm1(t: Tensor, k: Consts) -> Tensor:
    """``expm1(t)``: ``(u - 1) t / log(u)`` with ``u = e^t`` (Kahan), t itself where u rounds to 1."""
    u = op.Exp(t)
    um1 = op.Sub(u, k(1.0))
    corrected = op.Div(op.Mul(um1, t), op.Log(u))
    # u == 1: tiny t; u == inf or 0 (|t| large): um1 itself is right.
    return op.Where(equal(u, k(1.0)), t, op.Where(op.Greater(op.Abs(t), k(0.5)), um1, corrected))


def igamma(a: Tensor, x: Tensor, k: Consts, *, upper: bool) -> Tensor:
    """ATen ``calc_igamma`` (``upper``: ``calc_igammac``), the regularized incomplete gamma
    functions P(a, x) / Q(a, x), SciPy's algorithm as ATen has it.

    Branches as the kernel, each loop unrolled to a fixed count (``_IgammaParts``), with two
    changes that bound those counts: Temme's expansion, which the kernel uses for a > 20
    and |x - a| < 0.3 a (and a narrowing band above a = 200), is used for every a > 10
    with 0.5 <= x/a <= 1.5, where the kernel's series or continued fraction need up to
    thousands of steps; and for a < 1, x in (1.1, 2], where its continued fraction converges
    slowly, the small-x series of Q. Special values (a or x negative, zero, infinite) as
    the kernel's cascade of tests.
    """
    a_, x_ = a, x
    parts = _IgammaParts(a, x, k)
    zero, one = k(0.0), k(1.0)
    axa = op.Div(op.Abs(op.Sub(x, a)), a)
    mid = op.And(op.Greater(a, k(20.0)), op.Less(a, k(200.0)))
    eager_region = op.Or(op.And(mid, op.Less(axa, k(0.3))),
                         op.And(op.Greater(a, k(200.0)), op.Less(axa, op.Div(k(4.5), op.Sqrt(a)))))
    lam = op.Div(x, a)
    in_band = op.And(op.Not(op.Less(lam, k(0.5))), op.Not(op.Greater(lam, k(1.5))))
    band = op.And(op.Greater(a, k(10.0)), in_band)
    use_temme = op.Or(eager_region, band)
    tp, tq = parts.temme(eager_region)
    ps = parts.p_series()
    qf = parts.q_fraction()
    qs = parts.q_series()
    x_gt_11 = op.Greater(x, k(1.1))
    use_cf = op.And(x_gt_11, op.Or(op.Greater(x, k(2.0)), op.Not(op.Less(a, one))))
    if not upper:
        comp = op.Where(use_cf, qf, qs)
        main = op.Where(op.And(op.Greater(x, one), op.Greater(x, a)), op.Sub(one, comp), ps)
        main = op.Where(use_temme, tp, main)
    else:
        one_minus_p = op.Sub(one, ps)
        x_lt_a = op.Less(x, a)
        small_x = op.Where(
            op.Not(op.Greater(x, k(0.5))),
            op.Where(op.Less(op.Div(k(-0.4), op.Log(x)), a), one_minus_p, qs),
            op.Where(op.Less(op.Mul(x, k(1.1)), a), one_minus_p, qs),
        )
        main = op.Where(
            use_cf, op.Where(x_lt_a, one_minus_p, qf),
            op.Where(x_gt_11, op.Where(x_lt_a, one_minus_p, qs), small_x),
        )
        main = op.Where(use_temme, tq, main)
    nan = k(math.nan)
    main = op.Where(op.Or(op.IsNaN(a_), op.IsNaN(x_)), nan, main)
    p_at_zero_x, p_at_inf = (one, zero) if upper else (zero, one)
    inf_max = k(float(torch.finfo(k.dtype).max))
    a_inf, x_inf = op.Greater(a, inf_max), op.Greater(x, inf_max)
    result = op.Where(x_inf, p_at_inf, main)
    result = op.Where(a_inf, op.Where(x_inf, nan, p_at_zero_x), result)
    result = op.Where(equal(x, zero), p_at_zero_x, result)
    result = op.Where(equal(a, zero), op.Where(op.Greater(x, zero), p_at_inf, nan), result)
    return op.Where(op.Or(op.Less(x, zero), op.Less(a, zero)), nan, result)
