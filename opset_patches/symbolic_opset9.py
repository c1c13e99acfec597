"""Pack ops whose ONNX form needs opset 9."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=9)


@_symbolic("aten::asinh")
def asinh(self: Tensor) -> Tensor:
    """asinh(Tensor self) -> Tensor

    ONNX Asinh-9. onnxruntime's float kernel is within 2 ULP of eager on the whole range.
    """
    return op.Asinh(op.float_input(self))


@_symbolic("aten::acosh")
def acosh(self: Tensor) -> Tensor:
    """acosh(Tensor self) -> Tensor

    ONNX Acosh-9; nan below 1 as in eager.
    """
    return op.Acosh(op.float_input(self))


@_symbolic("aten::atanh")
def atanh(self: Tensor) -> Tensor:
    """atanh(Tensor self) -> Tensor

    ONNX Atanh-9; ±inf at ±1 and nan outside [-1, 1] as in eager.
    """
    return op.Atanh(op.float_input(self))


@_symbolic("aten::sinh")
def sinh(self: Tensor) -> Tensor:
    """sinh(Tensor self) -> Tensor

    ONNX Sinh-9.
    """
    return op.Sinh(op.float_input(self))


@_symbolic("aten::cosh")
def cosh(self: Tensor) -> Tensor:
    """cosh(Tensor self) -> Tensor

    ONNX Cosh-9.
    """
    return op.Cosh(op.float_input(self))


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
