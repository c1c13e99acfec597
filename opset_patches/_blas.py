"""Building blocks of group B6 (BLAS-like ops, norms and distances, statistics).

float16 runs in float32 (``work_dtype``), rounded once at the end where eager's CPU kernel
accumulates in float, or after each step (``round_steps``) where eager rounds every step;
every shape is read from the graph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from opset_patches import _order
from torch_opfill import OpfillError, Tensor, op


def work_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype a composition over ``dtype`` runs in (float16/bfloat16 in float32)."""
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


def to_work(x: Tensor, dtype: torch.dtype) -> Tensor:
    work = work_dtype(dtype)
    return op.cast(x, work) if work != dtype else x


def from_work(x: Tensor, dtype: torch.dtype) -> Tensor:
    return op.cast(x, dtype) if work_dtype(dtype) != dtype else x


def scaled(x: Tensor, factor: float, dtype: torch.dtype) -> Tensor:
    """``factor * x``; no node for 1 (eager skips the multiplication too). The factor is a
    [1] constant: the TorchScript exporter's scalar type analysis would compute a product
    with a 0-d constant in float32 where it does not know x's dtype (a MatMul output)."""
    return x if factor == 1 else op.Mul(op.const([factor], dtype), x)


def check_scalars(name: str, dtype: torch.dtype, **scalars: float) -> None:
    if dtype.is_floating_point:
        return
    for key, value in scalars.items():
        if isinstance(value, float) and not value.is_integer():
            raise OpfillError(f"{name}: for integral inputs, {key} must not be a floating point number")


def beta_self_plus(self: Tensor, product: Tensor, beta: float, alpha: float, dtype: torch.dtype) -> Tensor:
    """``beta * self + alpha * product`` (work dtype); beta == 0 ignores self (NaN included),
    as eager, but still broadcasts the result to self's shape."""
    out = scaled(product, alpha, work_dtype(dtype))
    s = to_work(self, dtype)
    if beta == 0:
        return op.Expand(out, op.Shape(s))  # Expand broadcasts both ways
    return op.Add(scaled(s, beta, work_dtype(dtype)), out)


def const_rank(value: float, dtype: torch.dtype, rank: int) -> Tensor:
    """A constant of shape (1,) * rank: the TorchScript exporter's scalar type analysis
    computes an op with a 0-d constant in float32 where it does not know the other
    operand's dtype (MatMul and reduction outputs, say)."""
    for _ in range(rank):
        value = [value]
    return op.const(value, dtype)


def vector_norm(x: Tensor, p: float, axes: Sequence[int] | None, keepdims: bool, dtype: torch.dtype,
                rank: int, distance: str = "") -> Tensor:
    """linalg.vector_norm of a float ``x`` (of ``dtype`` and ``rank``, which the dynamo
    exporter does not record for intermediates) over ``axes`` (None: all), as eager defines
    it: p = 0 counts nonzeros (NaN counts), +-inf the max/min of |x| (NaN propagates), 1 a
    sum of |x|, 2 the square root of a sum of squares, otherwise (sum |x|^p)^(1/p).

    ``distance`` = "cdist"/"pdist": those kernels' NaN rules instead: p = 0 gives NaN where a
    difference is NaN (both); p = inf skips NaN differences in cdist (its std::max keeps the
    running maximum, from 0) and propagates them in pdist."""
    a = op.Abs(x)
    nan_value = const_rank(float("nan"), dtype, rank)
    if p == 0:
        nonzero = op.cast(op.Not(op.equal(x, const_rank(0, dtype, rank))), dtype)
        if distance:
            nonzero = op.Where(op.IsNaN(x), nan_value, nonzero)
        out = _order.reduce("Sum", nonzero, axes, True)
    elif math.isinf(p) and distance == "cdist":
        zero = const_rank(0, dtype, rank)
        out = _order.reduce("Max", op.Where(op.IsNaN(a), zero, a), axes, True)
    elif math.isinf(p):
        out = _order.reduce("Max" if p > 0 else "Min", a, axes, True)
        nan = _order.reduce("Max", op.cast(op.IsNaN(x), dtype), axes, True)
        out = op.Where(op.Greater(nan, const_rank(0, dtype, rank)), nan_value, out)
    elif p == 1:
        out = _order.reduce("Sum", a, axes, True)
    elif p == 2:
        out = op.Sqrt(_order.reduce("Sum", op.Mul(x, x), axes, True))
    else:
        total = _order.reduce("Sum", op.Pow(a, const_rank(p, dtype, rank)), axes, True)
        out = op.Pow(total, const_rank(1.0 / p, dtype, rank))
    if keepdims:
        return out
    return _order.squeeze(out, list(range(rank)) if axes is None else list(axes))


def matmul(a: Tensor, b: Tensor, dtype: torch.dtype) -> Tensor:
    """MatMul in the work dtype (onnxruntime has no float16 MatMul on every provider)."""
    return op.MatMul(to_work(a, dtype), to_work(b, dtype))


def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """self and mask broadcast to a common shape (Expand broadcasts both ways), flattened,
    then Compress by the mask: a 1-D result of data-dependent length in row-major order."""
    x = op.Expand(self, op.Shape(mask))
    m = op.Expand(mask, op.Shape(x))
    flat = _order.ints([-1])
    return op.Compress(op.Reshape(x, flat), op.Reshape(m, flat), axis=0)


def round_steps(dtype: torch.dtype):
    """Rounds a work-dtype value to ``dtype`` and back (eager rounds each float16 step)."""
    if work_dtype(dtype) == dtype:
        return lambda t: t
    return lambda t: op.cast(op.cast(t, dtype), torch.float32)


def x_along(x: Tensor, y_rank: int, d: int) -> Tensor:
    """x viewed as eager does: 1-D along dim d of y, fewer dims padded with leading 1s."""
    rx = op.rank(x)
    if rx == 1:
        return _order.unsqueeze(x, [a for a in range(y_rank) if a != d])
    if rx < y_rank:
        return _order.unsqueeze(x, list(range(y_rank - rx)))
    return x


def trapezoid_terms(y: Tensor, x: Tensor, dim: int) -> tuple[Tensor, int, torch.dtype, torch.dtype]:
    """(left + right) * dx along dim in the promoted dtype (work dtype), dim, its dtype and eager's."""
    ydt, xdt = op.dtype(y), op.dtype(x)
    if torch.bool in (ydt, xdt):
        raise OpfillError("trapezoid: bool inputs are not supported (eager rejects them)")
    rank = op.rank(y)
    d = _order.wrap_dim(dim, rank)
    xv = x_along(x, rank, d)
    common = torch.promote_types(ydt, xdt)
    r = round_steps(common)
    yw = to_work(op.cast(y, common) if ydt != common else y, common)
    xw = to_work(op.cast(xv, common) if xdt != common else xv, common)
    end = 2**63 - 1
    dx = r(op.Sub(_order.slice_axis(xw, d, 1, end), _order.slice_axis(xw, d, 0, -1)))
    pair = r(op.Add(_order.slice_axis(yw, d, 0, -1), _order.slice_axis(yw, d, 1, end)))
    return r(op.Mul(pair, dx)), d, common, (common if common in _order.FLOATS else torch.float32)


# ---------------------------------------------------------------- gradient


class Eager:
    """A graph value with what eager's type promotion reads: its dtype and whether it is 0-d
    (a 0-d tensor does not promote a dimensioned one of its category). 0-d values are kept
    as [1] in the graph (they only meet tensors of rank >= 1)."""

    __slots__ = ("v", "dtype", "zero_dim")

    def __init__(self, v: Tensor, dtype: torch.dtype, zero_dim: bool = False) -> None:
        self.v, self.dtype, self.zero_dim = v, dtype, zero_dim


def _proto(a: Eager | float | int) -> torch.Tensor | float | int:
    if isinstance(a, Eager):
        return torch.empty(() if a.zero_dim else (1,), dtype=a.dtype)
    return a


def binary(name: str, a: Eager | float | int, b: Eager | float | int) -> Eager:
    """Eager's ``a <op> b`` (op: Add, Sub, Mul, Div = true division): operands cast to
    torch.result_type of the pair (a Python number to that dtype), integer quotients in
    the default float dtype, float16/bfloat16 computed in float32 and rounded per step."""
    dt = torch.result_type(_proto(a), _proto(b))
    if name == "Div" and not dt.is_floating_point:
        dt = torch.get_default_dtype()
    work = work_dtype(dt)

    def value(x):
        if isinstance(x, Eager):
            return x.v if x.dtype == work else op.cast(x.v, work)
        c = op.const([x], dt)
        return c if dt == work else op.cast(c, work)

    out = getattr(op, name)(value(a), value(b))
    zero_dim = all(not isinstance(x, Eager) or x.zero_dim for x in (a, b))
    return Eager(out if work == dt else op.cast(out, dt), dt, zero_dim)


def neg(a: Eager) -> Eager:
    return Eager(op.Neg(a.v), a.dtype, a.zero_dim)


def _lincomb(terms: Sequence[tuple[Eager | float | int, Eager]]) -> Eager:
    """Eager's ``c0 * s0 + c1 * s1 + ...``, left to right."""
    out = None
    for c, s in terms:
        t = binary("Mul", c, s)
        out = t if out is None else binary("Add", out, t)
    return out


def _cat(parts: Sequence[Eager], axis: int) -> Tensor:
    dt = parts[0].dtype
    for p in parts[1:]:
        dt = torch.promote_types(dt, p.dtype)
    return op.Concat(*[p.v if p.dtype == dt else op.cast(p.v, dt) for p in parts], axis=axis)


def gradient_dims(rank: int, dim: int | Sequence[int] | None, spacing_size: int | None, name: str = "gradient") -> list[int]:
    """The dims ``torch.gradient`` differentiates along, with eager's argument checks."""
    if rank == 0:
        raise OpfillError(f"{name}: a 0-d input is not supported (eager returns an empty list)")
    if dim is None:
        dims = list(range(rank))
        if spacing_size is not None and spacing_size not in (1, rank):
            raise OpfillError(f"{name}: spacing must be a scalar or a list of length {rank} (got {spacing_size})")
    else:
        dims = [_order.wrap_dim(d, rank) for d in ([dim] if isinstance(dim, int) else dim)]
        if len(set(dims)) != len(dims):
            raise OpfillError(f"{name}: dim {list(dim)} names a dimension twice")
        if spacing_size is not None and spacing_size != len(dims):
            raise OpfillError(f"{name}: spacing has {spacing_size} entries for {len(dims)} dims")
    return dims


def _part(x: Eager, d: int, start: int, end: int = 2**63 - 1) -> Eager:
    return Eager(_order.slice_axis(x.v, d, start, end), x.dtype)


def _check_edge_order(edge_order: int, name: str) -> None:
    if edge_order not in (1, 2):
        raise OpfillError(f"{name}: edge_order must be 1 or 2 (got {edge_order})")


def _gradient_input(self: Tensor, name: str) -> Eager:
    dtype = op.dtype(self)
    if dtype in (torch.bool, torch.uint8):
        raise OpfillError(f"{name}: {dtype} inputs are not supported (eager rejects them)")
    return Eager(self, dtype)


def gradient_uniform(self: Tensor, spacing: Sequence[float], dims: Sequence[int], edge_order: int) -> list[Tensor]:
    """``torch.gradient`` with a scalar step per dim (eager's gradient_helper_float, step for
    step): central differences / step / 2 inside, one-sided differences of order
    ``edge_order`` at both ends, concatenated; one tensor per dim (a list: Tensor[])."""
    _check_edge_order(edge_order, "gradient")
    x = _gradient_input(self, "gradient")
    out = []
    for h, d in zip(spacing, dims):
        center = binary("Div", binary("Sub", _part(x, d, 2), _part(x, d, 0, -2)), h)
        if edge_order == 1:
            first = binary("Div", binary("Sub", _part(x, d, 1, 2), _part(x, d, 0, 1)), h)
            last = binary("Div", binary("Sub", _part(x, d, -1), _part(x, d, -2, -1)), h)
        else:
            first = binary("Sub", binary("Add", binary("Mul", -1.5, _part(x, d, 0, 1)), binary("Mul", 2, _part(x, d, 1, 2))),
                           binary("Mul", 0.5, _part(x, d, 2, 3)))
            first = binary("Div", first, h)
            last = binary("Add", binary("Sub", binary("Mul", 0.5, _part(x, d, -3, -2)), binary("Mul", 2, _part(x, d, -2, -1))),
                          binary("Mul", 1.5, _part(x, d, -1)))
            last = binary("Div", last, h)
        out.append(_cat([first, binary("Div", center, 2), last], d))
    return out


def gradient_coordinates(self: Tensor, coordinates: Sequence[Tensor], dims: Sequence[int], edge_order: int) -> list[Tensor]:
    """``torch.gradient`` with a 1-D coordinate tensor per dim (eager's gradient_helper, step
    for step): second-order nonuniform central differences inside, one-sided ones of order
    ``edge_order`` at both ends, eager's dtype promotion throughout (the end coefficients
    are 0-d in eager, so they take the data's dtype where theirs is of the same kind)."""
    _check_edge_order(edge_order, "gradient")
    x = _gradient_input(self, "gradient")
    rank = op.rank(self)
    out = []
    for coords, d in zip(coordinates, dims):
        if op.rank(coords) != 1:
            raise OpfillError("gradient: each coordinate tensor of spacing must be 1-D")
        c = Eager(coords, op.dtype(coords))
        dx = binary("Sub", _part(c, 0, 1), _part(c, 0, 0, -1))
        dx1, dx2 = _part(dx, 0, 0, -1), _part(dx, 0, 1)
        shape = _order.ints([1] * d + [-1] + [1] * (rank - d - 1))

        def along(e: Eager) -> Eager:
            return Eager(op.Reshape(e.v, shape), e.dtype)

        a = along(binary("Div", neg(dx2), binary("Mul", dx1, binary("Add", dx1, dx2))))
        b = along(binary("Div", binary("Sub", dx2, dx1), binary("Mul", dx1, dx2)))
        cc = along(binary("Div", dx1, binary("Mul", dx2, binary("Add", dx1, dx2))))
        center = _lincomb([(a, _part(x, d, 0, -2)), (b, _part(x, d, 1, -1)), (cc, _part(x, d, 2))])

        def at(k: int) -> Eager:  # ax_dx[k], 0-d
            return Eager(_order.slice_axis(dx.v, 0, k, k + 1 if k != -1 else 2**63 - 1), dx.dtype, zero_dim=True)

        if edge_order == 1:
            first = binary("Div", binary("Sub", _part(x, d, 1, 2), _part(x, d, 0, 1)), at(0))
            last = binary("Div", binary("Sub", _part(x, d, -1), _part(x, d, -2, -1)), at(-1))
        else:
            h0, h1 = at(0), at(1)
            s01 = binary("Add", h0, h1)
            a0 = binary("Div", neg(binary("Add", binary("Mul", 2.0, h0), h1)), binary("Mul", h0, s01))
            b0 = binary("Div", s01, binary("Mul", h0, h1))
            c0 = binary("Div", neg(h0), binary("Mul", h1, s01))
            first = _lincomb([(a0, _part(x, d, 0, 1)), (b0, _part(x, d, 1, 2)), (c0, _part(x, d, 2, 3))])
            hl, hp = at(-1), at(-2)
            s = binary("Add", hl, hp)
            a1 = binary("Div", hl, binary("Mul", hp, s))
            b1 = binary("Div", neg(s), binary("Mul", hl, hp))
            c1 = binary("Div", binary("Add", binary("Mul", 2, hl), hp), binary("Mul", hl, s))
            last = _lincomb([(a1, _part(x, d, -3, -2)), (b1, _part(x, d, -2, -1)), (c1, _part(x, d, -1))])
        out.append(_cat([first, center, last], d))
    return out


# ---------------------------------------------------------------- torch.export's view of two ops
# (private torch tables: the patches live in torch_opfill._compat)


def register_histogram_fake() -> None:
    """Give aten::histogram.bin_ct the fake kernel torch lacks (outputs of sizes bins and
    bins + 1, never data-dependent), so torch.export traces histogram with dynamic shapes."""
    from torch_opfill import _compat  # noqa: PLC0415

    def fake(self, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
        return self.new_empty((bins,)), self.new_empty((bins + 1,))

    _compat.register_missing_fake("aten::histogram.bin_ct", fake)


def fix_unique_consecutive_fake() -> None:
    """Wrap a negative ``dim`` in torch's fake kernel for aten::unique_consecutive (see
    ``_compat.fix_unique_consecutive_fake``)."""
    from torch_opfill import _compat  # noqa: PLC0415

    _compat.fix_unique_consecutive_fake()


def torch_at_least(major: int, minor: int) -> bool:
    """Whether the running torch is ``major.minor`` or newer (for eager algorithms that
    changed between releases: the export follows the torch it runs on)."""
    from torch_opfill import _compat  # noqa: PLC0415

    return _compat.torch_version() >= (major, minor)
