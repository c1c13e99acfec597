"""Helpers of the pack's elementwise ops: eager's dtype promotion, 0-d inputs under
TorchScript, and the compositions erfc, expm1, exact exponent extraction and ldexp.

Built from ONNX opset-9 operators only. Like ``_math``, every composition takes the dtype it
computes in explicitly.
"""

from __future__ import annotations

import contextvars
import functools
import math
from collections.abc import Callable
from typing import Any

import torch

from opset_patches import _math
from torch_opfill import OpfillError, Tensor, op

_REDUCED = (torch.float16, torch.bfloat16)

Operand = Tensor | float | int | bool


def rank0_safe(func: Callable[..., Any]) -> Callable[..., Any]:
    """Under TorchScript, run a pack op on its 0-d tensor arguments reshaped to ``(1,)`` and
    reshape its results back.

    TorchScript's scalar type analysis treats a 0-d float64 graph input (and 0-d float64
    constants) as a Python number of the default dtype: every Add/Mul/Less/Where/... it
    feeds gets its inputs cast to float32, so a float64 0-d input would be computed, and
    returned, in float32. Shaped ``(1,)`` it is a tensor to the analysis; broadcasting gives
    every other shape unchanged.
    """

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        # TorchScript values only: the dynamo exporter has no such pass, and loses the dtype
        # of a Reshape's output while tracing.
        ranks = {i: _rank(a) for i, a in enumerate(args) if isinstance(a, torch._C.Value)}
        if 0 not in ranks.values():
            return func(*args)
        one = op.const([1], torch.int64)
        args = tuple(op.Reshape(a, one) if ranks.get(i) == 0 else a for i, a in enumerate(args))
        token = _ZERO_DIM.set(_ZERO_DIM.get() | {id(args[i]) for i, r in ranks.items() if r == 0})
        try:
            result = func(*args)
        finally:
            _ZERO_DIM.reset(token)
        if any(r != 0 for r in ranks.values()):
            return result
        scalar = op.const([], torch.int64)
        if isinstance(result, tuple):
            return tuple(op.Reshape(r, scalar) for r in result)
        return op.Reshape(result, scalar)

    return wrapper


# Arguments rank0_safe reshaped: type promotion still sees them as the 0-d tensors they are.
_ZERO_DIM: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "opfill_elementwise_zero_dim", default=frozenset()
)


def _rank(x: Tensor) -> int | None:
    if id(x) in _ZERO_DIM.get():
        return 0
    try:
        return op.rank(x)
    except OpfillError:
        return None


def _probe(x: Operand | torch.Tensor) -> torch.Tensor | float | int | bool:
    """A stand-in for ``torch.result_type``: Python scalars as is, tensors as empty tensors of
    their dtype and (zero-dim or not) rank, which is what type promotion looks at."""
    if isinstance(x, (bool, int, float, torch.Tensor)):
        return x
    return like(x, op.dtype(x))


def like(x: Tensor, dtype: torch.dtype) -> torch.Tensor:
    """An empty tensor of ``dtype`` with ``x``'s zero-dimensionality: a type-promotion probe
    for a value derived from ``x`` (whose dtype the TorchScript exporter may not know)."""
    return torch.empty(() if _rank(x) == 0 else (1,), dtype=dtype)


def result_dtype(a: Operand | torch.Tensor, b: Operand | torch.Tensor | None = None) -> torch.dtype:
    """Eager's promoted dtype of one or two operands (graph values, probes, Python scalars)."""
    pa = _probe(a)
    if b is None:
        return pa.dtype
    return torch.result_type(pa, _probe(b))


def float_dtypes(
    a: Operand | torch.Tensor, b: Operand | torch.Tensor | None = None
) -> tuple[torch.dtype, torch.dtype]:
    """(result dtype, dtype to compute in) of a float-valued op: integral results promote to
    float32 (the default dtype), float16/bfloat16 compute in float32 like eager's kernels."""
    out = result_dtype(a, b)
    if not out.is_floating_point:
        out = torch.float32
    return out, (torch.float32 if out in _REDUCED else out)


def to(x: Operand, dtype: torch.dtype, known: torch.dtype | None = None) -> Tensor:
    """``x`` (tensor or Python scalar) as a tensor of ``dtype``; ``known``: x's dtype, for
    intermediates whose dtype the TorchScript exporter does not track."""
    if isinstance(x, (bool, int, float)):
        return op.const(float(x) if dtype.is_floating_point else x, dtype)
    return x if (known or op.dtype(x)) == dtype else op.cast(x, dtype)


def finish(result: Tensor, work: torch.dtype, out: torch.dtype) -> Tensor:
    """``result``, computed in ``work``, rounded once to the op's dtype ``out``."""
    return result if work == out else op.cast(result, out)


def is_inf(x: Tensor, dtype: torch.dtype) -> Tensor:
    """``isinf(x)`` for float ``x``, from opset 9 (IsInf needs 10, and has no float16 kernel)."""
    return op.Greater(op.Abs(x), op.const(torch.finfo(dtype).max, dtype))


def signbit(x: Tensor, dtype: torch.dtype) -> Tensor:
    """The sign bit of float ``x``: true for -0 (``1/x = -inf``), false for nan.

    The sign of a nan cannot be observed in ONNX arithmetic (BitCast arrived in opset 26).
    """
    zero = op.const(0.0, dtype)
    negative_zero = op.And(_math.equal(x, zero), op.Less(op.Reciprocal(x), zero))
    return op.Or(op.Less(x, zero), negative_zero)


def floor_log2(f: Tensor, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """``(e, 2**e)`` with ``2**e <= f < 2**(e+1)``, exactly, for positive finite ``f``
    (subnormals included); garbage, not an error, for 0, inf and nan.

    ``floor(log2 f)`` from Log is off by one near powers of two: Pow(2, e), exact for integral
    e, tells which way, and one correction step fixes it. Subnormals are scaled up first (by
    an exact power of two) so Log only sees normal numbers, whatever the runtime does with
    subnormals.
    """
    shift = 64.0 if dtype != torch.float64 else 128.0
    two = op.const(2.0, dtype)
    small = op.Less(f, op.const(float(torch.finfo(dtype).tiny), dtype))
    scaled = op.Where(small, op.Mul(f, op.const(2.0**shift, dtype)), f)
    e = op.Floor(op.Mul(op.Log(scaled), op.const(1.0 / math.log(2.0), dtype)))
    p = op.Pow(two, e)
    one = op.const(1.0, dtype)
    e = op.Where(
        op.Greater(p, scaled), op.Sub(e, one), op.Where(op.Greater(op.Mul(p, two), scaled), e, op.Add(e, one))
    )
    e = op.Where(small, op.Sub(e, op.const(shift, dtype)), e)
    return e, op.Pow(two, e)


# ----------------------------------------------------------------------------- expm1


def expm1(x: Tensor, dtype: torch.dtype) -> Tensor:
    """``exp(x) - 1`` without cancellation near 0 (Kahan's trick, Higham, "Accuracy and Stability
    of Numerical Algorithms", 1.14.1): with ``u = exp(x)`` rounded, ``(u - 1) * x / log(u)``
    is accurate to a few ULP because the rounding error of ``u`` cancels between numerator and
    denominator. ``u == 1`` gives x itself (keeps -0), ``u - 1 == -1`` gives -1, and ``u == inf``
    gives inf (the quotient would be inf/inf).
    """
    one = op.const(1.0, dtype)
    u = op.Exp(x)
    um1 = op.Sub(u, one)
    kahan = op.Mul(um1, op.Div(x, op.Log(u)))
    result = op.Where(_math.equal(um1, op.const(-1.0, dtype)), op.const(-1.0, dtype), kahan)
    result = op.Where(_math.equal(u, one), x, result)
    return op.Where(is_inf(u, dtype), u, result)


# ----------------------------------------------------------------------------- erfc

# fdlibm s_erf.c (Sun Microsystems, 1993), the erfc of glibc and most C libraries.
_ERX = 8.45062911510467529297e-01  # erf(1) rounded to 24 bits: 1 - _ERX is exact in float32 too
_PP = (-2.37630166566501626084e-05, -5.77027029648944159157e-03, -2.84817495755985104766e-02,
       -3.25042107247001499370e-01, 1.28379167095512558561e-01)
_QQ = (-3.96022827877536812320e-06, 1.32494738004321644526e-04, 5.08130628187576562776e-03,
       6.50222499887672944485e-02, 3.97917223959155352819e-01, 1.0)
_PA = (-2.16637559486879084300e-03, 3.54783043256182359371e-02, -1.10894694282396677476e-01,
       3.18346619901161753674e-01, -3.72207876035701323847e-01, 4.14856118683748331666e-01,
       -2.36211856075265944077e-03)
_QA = (1.19844998467991074170e-02, 1.36370839120290507362e-02, 1.26171219808761642112e-01,
       7.18286544141962662868e-02, 5.40397917702171048937e-01, 1.06420880400844228286e-01, 1.0)
_RA = (-9.81432934416914548592e+00, -8.12874355063065934246e+01, -1.84605092906711035994e+02,
       -1.62396669462573470355e+02, -6.23753324503260060396e+01, -1.05586262253232909814e+01,
       -6.93858572707181764372e-01, -9.86494403484714822705e-03)
_SA = (-6.04244152148580987438e-02, 6.57024977031928170135e+00, 1.08635005541779435134e+02,
       4.29008140027567833386e+02, 6.45387271733267880336e+02, 4.34565877475229228821e+02,
       1.37657754143519042600e+02, 1.96512716674392571292e+01, 1.0)
_RB = (-4.83519191608651397019e+02, -1.02509513161107724954e+03, -6.37566443368389627722e+02,
       -1.60636384855821916062e+02, -1.77579549177547519889e+01, -7.99283237680523006574e-01,
       -9.86494292470009928597e-03)
_SB = (-2.24409524465858183362e+01, 4.74528541206955367215e+02, 2.55305040643316442583e+03,
       3.19985821950859553908e+03, 1.53672958608443695994e+03, 3.25792512996573918826e+02,
       3.03380607434824582924e+01, 1.0)


def _high_part(a: Tensor, bits: int, dtype: torch.dtype) -> Tensor:
    """``a`` in [1, 32) truncated to ``bits`` significant bits (fdlibm's SET_LOW_WORD(z, 0)),
    so that ``z * z`` and ``z * z + 0.5625`` are exact."""
    quantum = op.const(2.0 ** (1 - bits), dtype)
    for k in range(1, 5):  # the quantum of [2^k, 2^(k+1)) is 2^k times that of [1, 2)
        wider = op.const(2.0 ** (k + 1 - bits), dtype)
        quantum = op.Where(op.Less(a, op.const(2.0**k, dtype)), quantum, wider)
    return op.Mul(op.Floor(op.Div(a, quantum)), quantum)


def erfc(x: Tensor, dtype: torch.dtype) -> Tensor:
    """``erfc(x)`` in ``dtype`` (float32 or float64) by fdlibm's piecewise rational forms.

    * ``|x| < 0.84375``: ``1 - (x + x R(x^2))``, or ``1/2 - (x R + (x - 1/2))`` above 1/4;
    * ``|x| < 1.25``: ``(1 - c) - P(s)/Q(s)`` with ``s = |x| - 1`` (``1 + c + P/Q`` for x < 0);
    * ``|x| < 28``: ``exp(-z^2 - 0.5625) exp((z - |x|)(z + |x|) + R(1/x^2)/S(1/x^2)) / |x|``
      with ``z`` the high half of ``|x|`` (exact square: no ``x^2``-ULP error in the tail),
      ``2 - that`` for x < 0;
    * beyond: 0, or 2 for x < 0. nan stays nan.
    """
    zero, half, one, two = (op.const(v, dtype) for v in (0.0, 0.5, 1.0, 2.0))
    negative = op.Less(x, zero)
    a = op.Abs(x)

    z = op.Mul(x, x)
    y = op.Div(_math.polyval(z, _PP, dtype), _math.polyval(z, _QQ, dtype))
    xy = op.Mul(x, y)
    below_quarter = op.Sub(one, op.Add(x, xy))
    above_quarter = op.Sub(half, op.Add(xy, op.Sub(x, half)))
    central = op.Where(op.Less(x, op.const(0.25, dtype)), below_quarter, above_quarter)

    s = op.Sub(a, one)
    pq = op.Div(_math.polyval(s, _PA, dtype), _math.polyval(s, _QA, dtype))
    near_one = op.Where(negative, op.Add(one, op.Add(op.const(_ERX, dtype), pq)),
                        op.Sub(op.const(1.0 - _ERX, dtype), pq))

    t = op.Reciprocal(op.Mul(a, a))
    first = op.Less(a, op.const(1.0 / 0.35, dtype))
    r = op.Where(first, _math.polyval(t, _RA, dtype), _math.polyval(t, _RB, dtype))
    q = op.Where(first, _math.polyval(t, _SA, dtype), _math.polyval(t, _SB, dtype))
    hi = _high_part(a, 21 if dtype == torch.float64 else 11, dtype)
    e = op.Mul(
        op.Exp(op.Sub(op.Neg(op.Mul(hi, hi)), op.const(0.5625, dtype))),
        op.Exp(op.Add(op.Mul(op.Sub(hi, a), op.Add(hi, a)), op.Div(r, q))),
    )
    ratio = op.Div(e, a)
    tail = op.Where(negative, op.Sub(two, ratio), ratio)

    far = op.Where(negative, two, zero)
    result = op.Where(
        op.Less(a, op.const(0.84375, dtype)), central,
        op.Where(op.Less(a, op.const(1.25, dtype)), near_one,
                 op.Where(op.Less(a, op.const(28.0, dtype)), tail, far)),
    )
    return op.Where(op.IsNaN(x), x, result)


def ldexp(x: Tensor, n: Tensor, dtype: torch.dtype) -> Tensor:
    """``x * 2^n`` for integral ``n`` (given in ``dtype``), rounded once, as C's ldexp.

    ``x = m 2^e`` exactly (``floor_log2``, ``1/2 <= |m| < 1``), then ``m 2^(e + n)`` (one
    rounding, and ``2^(e+n)`` is exact down to the smallest subnormal), or ``2m 2^(e + n - 1)``
    for positive exponents, where ``2^(e + n)`` itself may overflow while the result does not.
    ±0, ±inf and nan pass through.
    """
    two, one = op.const(2.0, dtype), op.const(1.0, dtype)
    a = op.Abs(x)
    e, p = floor_log2(a, dtype)
    m = op.Mul(op.Div(x, p), op.const(0.5, dtype))
    big_e = op.Add(op.Add(e, one), n)
    up = op.Mul(op.Mul(m, two), op.Pow(two, op.Sub(big_e, one)))
    down = op.Mul(m, op.Pow(two, big_e))
    result = op.Where(op.Greater(big_e, op.const(0.0, dtype)), up, down)
    special = op.Or(op.Or(_math.equal(a, op.const(0.0, dtype)), is_inf(a, dtype)), op.IsNaN(a))
    return op.Where(special, x, result)
