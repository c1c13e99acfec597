"""Helpers of group LC: triangular solves, Cholesky and Householder QR, unrolled.

Every algorithm here is unrolled over the static matrix size (``op.static_size``: a dynamic
matrix dim is a one-line error), while batch dims stay dynamic. Only opset-9 operators are
used (Slice, Concat, MatMul, Mul/Div/Sub, Sqrt, Where, comparisons, Expand, Transpose, and
Log/Floor/Pow for an exact power-of-two scaling in QR): every form is plain arithmetic that
TensorRT's ONNX parser takes (no loops, no float64-only steps, no LAPACK-like custom ops).

Ranks are tracked by the callers (``r``), never asked of intermediate graph values: the
dynamo exporter does not always know them while tracing. Matrices are ``(..., rows, cols)``;
slices use positive axes (opset 9's Slice and Concat take no negative ones).

Numerics follow LAPACK's unblocked routines (what eager's CPU kernels run at these sizes):

* triangular solves: row-oriented substitution, ``x_i = (b_i - A[i, :i] x[:i]) / A[i, i]``;
* Cholesky: left-looking (``potf2``), the dot products of Cholesky-Banachiewicz, a column at
  a time; a non-positive (or nan) pivot stops the factorization as LAPACK does: ``info`` is
  its 1-based order, the failing column's diagonal holds the pivot value, later entries keep
  the input's values (eager's ``L`` after ``tril``);
* QR: ``geqr2`` with ``dlarfg``'s sign convention (``beta = -sign(alpha) ||x||``; ``tau = 0``
  where the column below the diagonal is zero) and ``dlarf``, then ``org2r`` for Q, so Q and
  R have eager's signs. Each column is scaled by a power of two before its reflector is
  formed (exact; LAPACK's ``safmin`` rescaling is too), so tiny and huge columns work.

Summation order inside MatMul is onnxruntime's, not the BLAS kernel's: results agree with
eager to a few ULP times the condition of the problem (measured per op, see the docstrings).
"""

from __future__ import annotations

import math

import torch

from opset_patches import _layout, _order
from torch_opfill import OpfillError, Tensor, op

I64 = torch.int64
LINALG_FLOATS = (torch.float32, torch.float64)


def float_dtype(x: Tensor, what: str) -> torch.dtype:
    """The dtype of a linear-algebra input: float32 or float64, as eager's CPU kernels."""
    dt = op.dtype(x)
    if dt not in LINALG_FLOATS:
        raise OpfillError(f"{what}: dtype {dt} is not supported (eager's CPU kernels take float32/float64); "
                          "cast the input to float32 or float64")
    return dt


def matrix_rank(x: Tensor, what: str) -> int:
    r = op.rank(x)
    if r < 2:
        raise OpfillError(f"{what}: expected a (batch of) matrices, got a rank-{r} input")
    return r


# --------------------------------------------------------------------------- slicing


def rows(x: Tensor, r: int, a: int, b: int) -> Tensor:
    """``x[..., a:b, :]`` of a rank-``r`` tensor."""
    return _order.slice_axis(x, r - 2, a, b)


def cols(x: Tensor, r: int, a: int, b: int) -> Tensor:
    """``x[..., :, a:b]`` of a rank-``r`` tensor."""
    return _order.slice_axis(x, r - 1, a, b)


def block(x: Tensor, r: int, r0: int, r1: int, c0: int, c1: int) -> Tensor:
    return cols(rows(x, r, r0, r1), r, c0, c1)


def mT(x: Tensor, r: int) -> Tensor:
    """The matrix transpose of a rank-``r`` tensor."""
    return op.Transpose(x, perm=[*range(r - 2), r - 1, r - 2])


def cat(parts: list[Tensor], axis: int) -> Tensor:
    parts = [p for p in parts if p is not None]
    return parts[0] if len(parts) == 1 else op.Concat(*parts, axis=axis)


def batch_shape(x: Tensor, r: int) -> Tensor:
    """The batch dims of a rank-``r`` matrix tensor, as a 1-D int64 shape."""
    return _layout.dims(x, 0, r - 2)


def batched_const(values: list, shape: tuple[int, int], dt: torch.dtype, like: Tensor, r: int,
                  like_empty: bool = False) -> Tensor:
    """A constant ``(rows, cols)`` matrix expanded to the batch dims of the matrices ``like``.

    Expanded against a (..., 1, 1) slice of ``like`` (Expand broadcasts both ways), not to a
    shape built by Concat: onnxruntime's buffer reuse mis-sizes that Shape/Slice/Concat
    chain on an empty float64 batch of the dynamo exporter's graphs. ``like_empty``: its
    matrices have no rows or no columns (static)."""
    c = op.const(values, dt)
    if r == 2:
        return c
    if not like_empty:
        return op.Expand(c, op.Shape(block(like, r, 0, 1, 0, 1)))
    return op.Expand(c, op.Concat(batch_shape(like, r), _order.ints(list(shape)), axis=0))


def batched_zeros(rows_: int, cols_: int, dt: torch.dtype, like: Tensor, r: int) -> Tensor:
    """Zeros (..., rows, cols) with ``like``'s batch dims, for empty shapes (0 rows or cols)."""
    shape = _order.ints([rows_, cols_])
    if r > 2:
        shape = op.Concat(batch_shape(like, r), shape, axis=0)
    return op.Expand(op.const(0.0, dt), shape)


def eye(rows_: int, cols_: int) -> list[list[float]]:
    return [[1.0 if i == j else 0.0 for j in range(cols_)] for i in range(rows_)]


def tri_mask(rows_: int, cols_: int, lower: bool) -> Tensor:
    """A constant bool mask of the lower (j <= i) or upper (j >= i) triangle."""
    mask = [[(j <= i) if lower else (j >= i) for j in range(cols_)] for i in range(rows_)]
    return op.const(mask, torch.bool)


def keep_triangle(x: Tensor, rows_: int, cols_: int, lower: bool, dt: torch.dtype) -> Tensor:
    """``tril``/``triu`` of a matrix with static size."""
    if rows_ == 0 or cols_ == 0:
        return x
    return op.Where(tri_mask(rows_, cols_, lower), x, op.const(0.0, dt))


# --------------------------------------------------------------------------- triangular solves


def tri_solve(a: Tensor, b: Tensor, n: int, ra: int, rb: int, *, upper: bool, unit: bool,
              k: int | None = None) -> Tensor:
    """X with ``A X = B`` for triangular ``A`` (..., n, n) and ``B`` (..., n, k), batch dims
    broadcast; reads only A's triangle (and not its diagonal when ``unit``).

    Row-oriented substitution, one row of X per step: ``x_i = (b_i - A[i, J] X[J]) / A[i, i]``
    over the rows J solved before (one MatMul a row). The result has rank max(ra, rb).
    ``k``: B's static column count where known (0: nothing to solve).
    """
    r = max(ra, rb)
    if n == 0 or k == 0:
        return op.MatMul(a, b)  # (..., n, k) with the broadcast batch dims
    acc = None
    for i in reversed(range(n)) if upper else range(n):
        xi = rows(b, rb, i, i + 1)
        diag = block(a, ra, i, i + 1, i, i + 1)
        if acc is not None:
            ai = block(a, ra, i, i + 1, i + 1, n) if upper else block(a, ra, i, i + 1, 0, i)
            xi = op.Sub(xi, op.MatMul(ai, acc))
        if not unit:
            xi = op.Div(xi, diag)
        elif acc is None:
            xi = op.Expand(xi, op.Shape(diag))  # the first row takes A's batch dims too
        acc = xi if acc is None else op.Concat(*((xi, acc) if upper else (acc, xi)), axis=r - 2)
    return acc


def solve_triangular(a: Tensor, b: Tensor, *, upper: bool, left: bool, unit: bool, what: str,
                     transpose_a: bool = False) -> Tensor:
    """``torch.linalg.solve_triangular(a, b, upper=, left=, unitriangular=)``; with
    ``transpose_a`` the system of ``a``'s transpose (whose triangle is the other one)."""
    float_dtype(a, what)
    ra, rb = matrix_rank(a, what), matrix_rank(b, what)
    n = op.static_size(a, -1, what)
    k = op.sizes(b)[-1 if left else -2]  # the right-hand sides: None where dynamic
    if transpose_a:
        a, upper = mT(a, ra), not upper
    if left:
        return tri_solve(a, b, n, ra, rb, upper=upper, unit=unit, k=k)
    # X A = B  <=>  A^T X^T = B^T
    x = tri_solve(mT(a, ra), mT(b, rb), n, ra, rb, upper=not upper, unit=unit, k=k)
    return mT(x, max(ra, rb))


# --------------------------------------------------------------------------- Cholesky


def cholesky_lower(a: Tensor, r: int, n: int, dt: torch.dtype) -> tuple[Tensor, Tensor]:
    """(L, info) of ``linalg_cholesky_ex(a)`` (lower), reading only a's lower triangle.

    Left-looking, a column per step: ``c = A[j:, j] - L[j:, :j] L[j, :j]^T`` (one MatMul),
    ``L[j, j] = sqrt(c_0)``, ``L[j+1:, j] = c_1.. * (1 / L[j, j])`` as LAPACK's potf2 scales.
    Where a pivot ``c_0`` is not positive (or nan), that matrix's factorization stops as
    LAPACK's does: info = j + 1, L[j, j] = c_0, the entries below it and in later columns
    keep the input's values.
    """
    if n == 0:
        info = op.Expand(op.const(0, torch.int32), batch_shape(a, r))
        return a, info
    zero, one = op.const(0.0, dt), op.const(1.0, dt)
    L = failed = info = None
    for j in range(n):
        orig = block(a, r, j, n, j, j + 1)  # (..., n - j, 1)
        col = orig
        if j > 0:
            lj = block(L, r, j, j + 1, 0, j)  # row j of L so far
            col = op.Sub(col, op.MatMul(rows(L, r, j, n), mT(lj, r)))
        pivot = rows(col, r, 0, 1)
        bad = op.Not(op.Greater(pivot, zero))  # nan too, as LAPACK's disnan test
        d = op.Sqrt(pivot)
        diag = op.Where(bad, pivot, d)
        now_failed = bad if failed is None else op.Or(failed, bad)
        if failed is not None:
            diag = op.Where(failed, rows(orig, r, 0, 1), diag)
        parts = [block(a, r, 0, j, j, j + 1) if j > 0 else None, diag]  # above: masked at the end
        if j < n - 1:
            below = op.Mul(rows(col, r, 1, n - j), op.Div(one, d))
            parts.append(op.Where(now_failed, rows(orig, r, 1, n - j), below))
        newly = bad if failed is None else op.And(op.Not(failed), bad)
        before = op.const(0, torch.int32) if info is None else info
        info = op.Where(newly, op.const(j + 1, torch.int32), before)
        failed = now_failed
        column = cat(parts, r - 2)
        L = column if L is None else op.Concat(L, column, axis=r - 1)
    L = keep_triangle(L, n, n, lower=True, dt=dt)
    return L, _order.squeeze(info, [r - 2, r - 1])


def cholesky(a: Tensor, upper: bool, what: str) -> tuple[Tensor, Tensor]:
    """(L or U, info); the upper factor from a's upper triangle: chol_lower(A^T)^T."""
    dt = float_dtype(a, what)
    r = matrix_rank(a, what)
    n = op.static_size(a, -1, what)
    if op.static_size(a, -2, what) != n:
        raise OpfillError(f"{what}: expected square matrices, got (..., {op.sizes(a)[-2]}, {n})")
    if not upper:
        return cholesky_lower(a, r, n, dt)
    L, info = cholesky_lower(mT(a, r), r, n, dt)
    return mT(L, r), info


def cholesky_solve(b: Tensor, f: Tensor, upper: bool, what: str) -> Tensor:
    """X with ``(L L^T) X = B`` (or ``(U^T U) X = B``): two triangular solves, as LAPACK's potrs."""
    float_dtype(f, what)
    rb, rf = matrix_rank(b, what), matrix_rank(f, what)
    n = op.static_size(f, -1, what)
    lower = mT(f, rf) if upper else f
    k = op.sizes(b)[-1]
    y = tri_solve(lower, b, n, rf, rb, upper=False, unit=False, k=k)
    return tri_solve(mT(lower, rf), y, n, rf, max(rf, rb), upper=True, unit=False, k=k)


def cholesky_inverse(f: Tensor, upper: bool, what: str) -> Tensor:
    """``(L L^T)^-1 = L^-T L^-1`` (or ``U^-1 U^-T``): the factor's inverse by substitution
    on the identity, then one MatMul (LAPACK's potri: trtri + lauum)."""
    dt = float_dtype(f, what)
    r = matrix_rank(f, what)
    n = op.static_size(f, -1, what)
    if n == 0:
        return f
    inv = tri_solve(f, op.const(eye(n, n), dt), n, r, 2, upper=upper, unit=False)
    return op.MatMul(inv, mT(inv, r)) if upper else op.MatMul(mT(inv, r), inv)


# --------------------------------------------------------------------------- Householder QR


def _pow2_scale(x: Tensor, r: int, dt: torch.dtype) -> Tensor:
    """A power of two near max |x| over the rows of a column (..., p, 1); 1 where that is
    0, inf or nan. Dividing by it is exact, so the reflector is LAPACK's, without overflow."""
    lo, hi = (-1074.0, 1023.0) if dt == torch.float64 else (-149.0, 127.0)  # 2**e stays finite
    mx = _order.reduce("Max", op.Abs(x), [r - 2], True)
    usable = op.And(op.Greater(mx, op.const(0.0, dt)), op.Less(mx, op.const(math.inf, dt)))
    safe = op.Where(usable, mx, op.const(1.0, dt))
    e = op.Floor(op.Div(op.Log(safe), op.const(math.log(2.0), dt)))
    e = op.Min(op.Max(e, op.const(lo, dt)), op.const(hi, dt))
    return op.Where(usable, op.Pow(op.const(2.0, dt), e), op.const(1.0, dt))


def _reflector(x: Tensor, p: int, r: int, dt: torch.dtype) -> tuple[Tensor, Tensor, Tensor]:
    """LAPACK's dlarfg on a column x (..., p, 1), p >= 2: (beta, v_rest, tau), with
    H = I - tau [1; v_rest][1; v_rest]^T and H x = [beta; 0]."""
    zero, one = op.const(0.0, dt), op.const(1.0, dt)
    s = _pow2_scale(x, r, dt)
    y = op.Div(x, s)
    alpha = rows(y, r, 0, 1)
    rest = rows(y, r, 1, p)
    # ||rest|| may underflow where rest is below alpha's scale by 2**-64 or more; it is then
    # negligible next to alpha (as in dlapy2), but H = I only where rest is exactly 0.
    xnorm = op.Sqrt(_order.reduce("Sum", op.Mul(rest, rest), [r - 2], True))
    trivial = op.And(op.Not(op.Greater(_order.reduce("Max", op.Abs(rest), [r - 2], True), zero)),
                     op.Not(op.IsNaN(xnorm)))
    # dlapy2(alpha, xnorm) = w sqrt(1 + (z / w)^2)
    aa = op.Abs(alpha)
    w = op.Max(aa, xnorm)
    z = op.Min(aa, xnorm)
    q = op.Div(z, w)
    norm = op.Mul(w, op.Sqrt(op.Add(one, op.Mul(q, q))))
    negative = op.Less(op.Div(one, alpha), zero)  # alpha < 0 or alpha = -0.0: Fortran's SIGN
    beta = op.Where(negative, norm, op.Neg(norm))
    tau = op.Div(op.Sub(beta, alpha), beta)
    v = op.Mul(rest, op.Div(one, op.Sub(alpha, beta)))  # dscal by the reciprocal
    x_alpha = rows(x, r, 0, 1)
    beta = op.Where(trivial, x_alpha, op.Mul(beta, s))
    tau = op.Where(trivial, zero, tau)
    v = op.Where(trivial, rows(x, r, 1, p), v)
    return beta, v, tau


def _apply_reflector(c: Tensor, p: int, v_rest: Tensor, tau: Tensor, r: int, dt: torch.dtype) -> Tensor:
    """dlarf('Left'): ``C - tau v (v^T C)`` with v = [1; v_rest], skipped where tau = 0."""
    top, rest = rows(c, r, 0, 1), rows(c, r, 1, p)
    w = op.Add(top, op.MatMul(mT(v_rest, r), rest))
    tw = op.Mul(op.Neg(tau), w)  # dger: alpha y(j) first, then x(i) times it
    new = op.Concat(op.Add(top, tw), op.Add(rest, op.Mul(v_rest, tw)), axis=r - 2)
    return op.Where(op.equal(tau, op.const(0.0, dt)), c, new)


def geqrf(a: Tensor, what: str) -> tuple[Tensor, list[Tensor], int, int, int, torch.dtype]:
    """LAPACK's geqr2: (a with R on and above the diagonal and the reflectors below, the
    taus as (..., 1, 1) tensors, m, n, rank, dtype)."""
    dt = float_dtype(a, what)
    r = matrix_rank(a, what)
    m = op.static_size(a, -2, what)
    n = op.static_size(a, -1, what)
    k = min(m, n)
    w = a
    taus = []
    for i in range(k):
        x = block(w, r, i, m, i, i + 1)
        if m - i == 1:  # dlarfg of one element: H = I
            taus.append(op.Expand(op.const(0.0, dt), op.Shape(x)))
            continue
        beta, v, tau = _reflector(x, m - i, r, dt)
        taus.append(tau)
        trailing = None
        if i < n - 1:
            trailing = _apply_reflector(block(w, r, i, m, i + 1, n), m - i, v, tau, r, dt)
        lower_right = cat([cat([beta, v], r - 2), trailing], r - 1)
        right = cat([block(w, r, 0, i, i, n) if i > 0 else None, lower_right], r - 2)
        w = cat([cols(w, r, 0, i) if i > 0 else None, right], r - 1)
    return w, taus, m, n, r, dt


def broadcast_like(a: Tensor, b: Tensor, n: int, ra: int, rb: int) -> Tensor:
    """``a`` (..., n, n) expanded to the batch dims it broadcasts to with ``b`` (..., n, k)."""
    r = max(ra, rb)
    if n == 0:  # degenerate: the shape from Concat (see batched_const)
        x = op.MatMul(a, b)
        return op.Expand(a, op.Concat(batch_shape(x, r), _order.ints([n, n]), axis=0))
    # (..., 1, 1) with the broadcast batch dims; a sum over B's k columns, so k = 0 works too.
    z = op.Add(block(a, ra, 0, 1, 0, 1), _order.reduce("Sum", rows(b, rb, 0, 1), [rb - 1], True))
    return op.Expand(a, op.Shape(z))


def taus_tensor(taus: list[Tensor], a: Tensor, r: int, dt: torch.dtype) -> Tensor:
    """The (..., k) tau output of geqrf."""
    if not taus:
        return op.Expand(op.const([], dt), op.Concat(batch_shape(a, r), _order.ints([0]), axis=0))
    return cat([_order.squeeze(t, [r - 1]) for t in taus], r - 2)


def orgqr(a: Tensor, taus: list[Tensor], m: int, ncols: int, r: int, dt: torch.dtype,
          active: list[Tensor] | None = None) -> Tensor:
    """LAPACK's org2r: the first ``ncols`` columns of H_0 H_1 ... H_{k-1} (k = len(taus)),
    reflector i stored in ``a[i+1:, i]``. Built from the last reflector back, on the trailing
    block: column i is [1 - tau_i; -tau_i v_i], the block right of it H_i [0; T].
    ``active``: per reflector, a bool that is false where it is past the true k (its tau
    padded with 0): its column is then exactly the unit vector, whatever a holds there."""
    k = len(taus)
    zero, one = op.const(0.0, dt), op.const(1.0, dt)
    t = None
    if ncols > k:
        t = batched_const(eye(m - k, ncols - k), (m - k, ncols - k), dt, a, r, like_empty=k == 0)
    if k == 0:
        return t if t is not None else batched_zeros(m, ncols, dt, a, r)
    for i in reversed(range(k)):
        tau = taus[i]
        ntau = op.Neg(tau)
        v = block(a, r, i + 1, m, i, i + 1)  # (..., m - i - 1, 1)
        col = cat([op.Sub(one, tau), op.Mul(v, ntau) if m - i - 1 > 0 else None], r - 2)
        if active is not None:
            col = op.Where(active[i], col, op.const([[1.0]] + [[0.0]] * (m - i - 1), dt))
        if t is None:
            t = col
            continue
        # H_i [0; T]: v^T [0; T] = v_rest^T T, then [0; T] + [1; v_rest] (-tau w)
        tw = op.Mul(ntau, op.MatMul(mT(v, r), t))
        skip = op.equal(tau, zero)
        top = op.Where(skip, zero, tw)
        below = op.Where(skip, t, op.Add(t, op.Mul(v, tw))) if m - i - 1 > 0 else None
        t = op.Concat(col, cat([top, below], r - 2), axis=r - 1)
    return t


def qr(a: Tensor, mode: str, what: str) -> tuple[Tensor, Tensor]:
    """``torch.linalg.qr(a, mode)``: geqr2, R = triu of its first k (reduced, r) or all m
    (complete) rows, Q from org2r with k or m columns; mode 'r' returns an empty Q as eager."""
    if mode not in ("reduced", "complete", "r"):
        raise OpfillError(f"{what}: mode {mode!r} is not one of 'reduced', 'complete', 'r'")
    w, taus, m, n, r, dt = geqrf(a, what)
    k = min(m, n)
    r_rows = m if mode == "complete" else k
    R = keep_triangle(rows(w, r, 0, r_rows) if r_rows < m else w, r_rows, n, lower=False, dt=dt)
    if mode == "r":
        return op.const([], dt), R
    Q = orgqr(w, taus, m, m if mode == "complete" else k, r, dt)
    return Q, R


def householder_product(a: Tensor, tau: Tensor, what: str) -> Tensor:
    """``torch.linalg.householder_product(a, tau)``: org2r on a (..., m, n), tau (..., k)."""
    dt = float_dtype(a, what)
    r = matrix_rank(a, what)
    m = op.static_size(a, -2, what)
    n = op.static_size(a, -1, what)
    k = op.sizes(tau)[-1]
    rt = op.rank(tau)
    if rt != r - 1:
        raise OpfillError(f"{what}: tau must have one dim less than the input, got ranks {rt} and {r}")
    if k is not None:
        if not m >= n >= k:
            raise OpfillError(f"{what}: expected m >= n >= k for input (..., {m}, {n}) and tau (..., {k})")
        taus = [_order.unsqueeze(_order.slice_axis(tau, r - 2, i, i + 1), [r - 1]) for i in range(k)]
        return orgqr(a, taus, m, n, r, dt)
    # A dynamic k (<= n, as eager checks): tau padded with zeros to n, the reflectors at and
    # past the true k masked to the identity.
    if m < n:
        raise OpfillError(f"{what}: expected m >= n for input (..., {m}, {n})")
    if n == 0:
        return a
    zeros = op.Expand(op.const([0.0] * n, dt), op.Shape(_order.reduce("Sum", tau, [rt - 1], True)))
    padded = _order.slice_axis(op.Concat(tau, zeros, axis=rt - 1), rt - 1, 0, n)
    k_dyn = _order.size(tau, rt - 1)
    taus = [_order.unsqueeze(_order.slice_axis(padded, rt - 1, i, i + 1), [r - 1]) for i in range(n)]
    active = [op.Greater(k_dyn, op.const(i, I64)) for i in range(n)]
    return orgqr(a, taus, m, n, r, dt, active)


# --------------------------------------------------------------------------- vander, vecdot

_VANDER_INTS = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def vander(x: Tensor, N: int | None, what: str) -> Tensor:
    """``torch.linalg.vander(x, N=N)``: columns 1, x, x^2, ... as eager's cumprod, whose
    accumulator is wider than the data (float64 for float32, int64 for integers): the powers
    are products in that type, each rounded (or wrapped) to x's dtype once. The TensorRT
    target keeps float32 throughout (no float64 there)."""
    dt = op.dtype(x)
    if dt not in LINALG_FLOATS + _VANDER_INTS:
        raise OpfillError(f"{what}: dtype {dt} is not supported (eager takes float32/float64 and integers)")
    r = op.rank(x)
    if r == 0:
        x, r = _order.unsqueeze(x, [0]), 1
    n = int(N) if N is not None else op.static_size(x, -1, what)
    if n <= 1:
        raise OpfillError(f"{what}: N must be greater than 1 (eager raises), got {n}")
    work = dt
    if dt in _VANDER_INTS:
        work = I64
    elif dt == torch.float32 and not op.for_tensorrt:
        work = torch.float64
    xu = _order.unsqueeze(x, [r])  # (..., len, 1)
    xw = xu if work == dt else op.cast(xu, work)
    powers = [op.Expand(op.const(1, dt) if dt in _VANDER_INTS else op.const(1.0, dt), op.Shape(xu)), xu]
    p = xw
    for _ in range(2, n):
        p = op.Mul(p, xw)
        powers.append(p if work == dt else op.cast(p, dt))
    return op.Concat(*powers, axis=r)


def vecdot(x: Tensor, y: Tensor, dim: int, what: str) -> Tensor:
    """``torch.linalg.vecdot(x, y, dim=dim)`` for real inputs: ``sum(x * y, dim)``, the
    product rounded to the dtype and float16/bfloat16 summed in float32, as eager."""
    dt = op.dtype(x)
    if dt not in (torch.float16, torch.bfloat16, *LINALG_FLOATS) or op.dtype(y) != dt:
        raise OpfillError(f"{what}: x and y must be floating point of one dtype (eager's rule), "
                          f"got {dt} and {op.dtype(y)}")
    r = max(op.rank(x), op.rank(y))
    d = _order.wrap_dim(dim, r)
    prod = op.Mul(x, y)
    if dt in (torch.float16, torch.bfloat16):
        return op.cast(_order.reduce("Sum", op.cast(prod, torch.float32), [d], False), dt)
    return _order.reduce("Sum", prod, [d], False)
