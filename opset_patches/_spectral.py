"""Helpers of group LS: symmetric eigenproblems and SVDs by Jacobi rotations (opset 9).

Both decompositions are unrolled over a static matrix size (``op.static_size``: a dynamic
matrix dim is a one-line error); batch dims stay dynamic (flattened to one for the solve and
restored after).

* Symmetric eigenproblem: cyclic Jacobi in the parallel (round-robin) ordering. Each step
  rotates n/2 disjoint (p, q) pairs at once, each rotation zeroing a_pq (Rutishauser's
  formulas: theta = (a_qq - a_pp) / 2 a_pq, t = sign(theta) / (|theta| + sqrt(theta^2 + 1)));
  the rotations of a step form one orthogonal J and the step is A <- J^T A J, V <- V J
  (MatMul). n - 1 steps make a sweep, which visits every pair once.
* SVD: one-sided Jacobi (Hestenes) on the matrix itself (never on A^T A, which would square
  its condition number): the columns of W = A V are orthogonalised by the same rotations,
  computed from the column Gram entries (|w_p|^2, |w_q|^2, w_p . w_q) of the current W.
  Singular values are the column norms; U's columns are w_j / s_j, re-orthogonalised
  against the previous ones (modified Gram-Schmidt, twice), and where s_j is negligible
  (rank deficiency, or the extra columns of full_matrices) completed by the projection of
  the standard basis vector that the previous columns leave longest. A wide matrix (m < n)
  is solved transposed.

The matrix is scaled by its largest |entry| first (no overflow or underflow in the squares
for any finite input); a matrix with a non-finite entry gives nan everywhere (eager: nan for
inf, an error or garbage for nan). Eigenvalues sort ascending, singular values descending,
stably (a rank by pairwise comparison, applied as a one-hot permutation MatMul).

Sweeps (``sweeps``): float32 5 for n <= 4, else 7; float64 6 for n <= 4, 8 for n <= 6, else
10. Measured on n = 2..8, 300 matrices each (random; rows or columns graded over 1..1e-6
(float32) / 1..1e-12 (float64); I + 1e-7 noise, i.e. clustered eigenvalues): float32 n = 8
converges at 6 sweeps, float64 n = 8 at 8 (one sweep fewer leaves residuals of 1e3..1e7 eps
on the graded ones); afterwards residuals stay at the rounding floor, below 25 eps of the
norm. Jacobi converges quadratically once the off-diagonal part is small.

TensorRT: plain arithmetic (MatMul, Gather with constant indices, Where, ArgMax, ReduceSum,
ReduceMax, Sqrt, Div): deployable, no loops, no data-dependent shapes.
"""

from __future__ import annotations

import math

import torch

from opset_patches import _layout, _lu, _order
from torch_opfill import OpfillError, Tensor, op

I64 = torch.int64


def sweeps(n: int, dt: torch.dtype) -> int:
    """Jacobi sweeps that converge an n x n problem in ``dt`` (see the module docstring)."""
    extra = 2 * max(0, math.ceil(math.log2(n / 8))) if n > 8 else 0  # beyond what was measured
    if dt == torch.float64:
        return (6 if n <= 4 else 8 if n <= 6 else 10) + extra
    return (5 if n <= 4 else 7) + extra


class Num:
    """Constants and tiny helpers in the compute dtype."""

    def __init__(self, dt: torch.dtype) -> None:
        self.dt = dt
        self.eps = float(torch.finfo(dt).eps)

    def c(self, value: float) -> Tensor:
        return op.const(value, self.dt)


def compute_dtype(x: Tensor, what: str) -> tuple[Tensor, torch.dtype, torch.dtype]:
    """(x in its compute dtype, that dtype, the result dtype); float16 computes in float32."""
    dt = op.dtype(x)
    if dt not in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        raise OpfillError(f"{what}: {dt} input; eager takes float32/float64 only -- cast the input to float")
    if dt in (torch.float16, torch.bfloat16):
        return op.cast(x, torch.float32), torch.float32, dt
    return x, dt, dt


def matrix_dims(x: Tensor, what: str) -> tuple[int, int, int]:
    """(rank, rows, cols) of a batch of matrices; rows/cols static."""
    rank = op.rank(x)
    if rank < 2:
        raise OpfillError(f"{what}: the input must have at least 2 dims (a batch of matrices), got {rank}")
    return rank, op.static_size(x, -2, what), op.static_size(x, -1, what)


def batch_shape(x: Tensor, rank: int) -> Tensor:
    """The batch dims of ``x`` (1-D int64, possibly empty)."""
    return _layout.dims(x, 0, rank - 2)


def static_empty(x: Tensor) -> bool:
    """Whether a dim of ``x`` is statically 0 (TorchScript's shape inference divides by zero
    on the batch-flattening Reshapes of such inputs: they get constant-shaped results)."""
    return any(s == 0 for s in op.sizes(x))


def unflatten(y: Tensor, batch: Tensor, tail: list[int]) -> Tensor:
    """``y`` of shape [B, *tail] back to [*batch, *tail]."""
    return op.Reshape(y, op.Concat(batch, _order.ints(tail), axis=0))


def flatten(x: Tensor, rows: int, cols: int) -> Tensor:
    return op.Reshape(x, _order.ints([-1, rows, cols]))


def transpose(x: Tensor) -> Tensor:
    """Swap the last two dims of a rank-3 tensor."""
    return op.Transpose(x, perm=[0, 2, 1])


def transpose_last(x: Tensor, rank: int) -> Tensor:
    perm = list(range(rank))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return op.Transpose(x, perm=perm)


def _nonzero(x: Tensor, num: Num) -> Tensor:
    zero = num.c(0.0)
    return op.Or(op.Less(x, zero), op.Greater(x, zero))


def _schedule(n: int) -> list[list[tuple[int, int]]]:
    """Round-robin pairings: n - 1 (n even) or n (n odd) steps of disjoint pairs, every pair once."""
    m = n + (n % 2)
    players = list(range(m))
    steps = []
    for _ in range(m - 1):
        pairs = []
        for i in range(m // 2):
            a, b = players[i], players[m - 1 - i]
            if a < n and b < n:
                pairs.append((min(a, b), max(a, b)))
        steps.append(pairs)
        players = [players[0], players[-1], *players[1:-1]]
    return steps


def _rotations(app: Tensor, aqq: Tensor, apq: Tensor, num: Num) -> tuple[Tensor, Tensor]:
    """(c, s) of the Jacobi rotations zeroing a_pq of [[a_pp, a_pq], [a_pq, a_qq]] (elementwise)."""
    one, zero = num.c(1.0), num.c(0.0)
    nz = _nonzero(apq, num)
    safe = op.Where(nz, apq, one)
    theta = op.Div(op.Sub(aqq, app), op.Mul(num.c(2.0), safe))
    sign = op.Where(op.Less(theta, zero), num.c(-1.0), one)
    t = op.Div(sign, op.Add(op.Abs(theta), op.Sqrt(op.Add(op.Mul(theta, theta), one))))
    t = op.Where(nz, t, zero)
    c = op.Div(one, op.Sqrt(op.Add(op.Mul(t, t), one)))
    return c, op.Mul(t, c)


class _Step:
    """Constants of one parallel step on n x n: pair indices and the J scatter matrices."""

    def __init__(self, n: int, pairs: list[tuple[int, int]], dt: torch.dtype) -> None:
        k = len(pairs)
        ed = torch.zeros(k, n * n, dtype=dt)
        eo = torch.zeros(k, n * n, dtype=dt)
        rest = torch.eye(n, dtype=dt)
        for i, (p, q) in enumerate(pairs):
            ed[i, p * n + p] = ed[i, q * n + q] = 1
            eo[i, p * n + q] = 1
            eo[i, q * n + p] = -1
            rest[p, p] = rest[q, q] = 0
        self.n = n
        self.p = [p for p, _ in pairs]
        self.q = [q for _, q in pairs]
        self.ed = op.const(ed.tolist(), dt)
        self.eo = op.const(eo.tolist(), dt)
        self.rest = op.const(rest.reshape(-1).tolist(), dt) if bool(rest.any()) else None

    def j(self, c: Tensor, s: Tensor) -> Tensor:
        """The step's rotation J [B, n, n] from the rotations' c, s [B, k]."""
        flat = op.Add(op.MatMul(c, self.ed), op.MatMul(s, self.eo))
        if self.rest is not None:
            flat = op.Add(flat, self.rest)
        return op.Reshape(flat, _order.ints([-1, self.n, self.n]))


def _steps(n: int, dt: torch.dtype) -> list[_Step]:
    return [_Step(n, pairs, dt) for pairs in _schedule(n) if pairs]


def _scale(a: Tensor, num: Num) -> tuple[Tensor, Tensor, Tensor]:
    """(a / max|a|, max|a| [B, 1, 1] (1 for a zero matrix), non-finite flag [B, 1, 1])."""
    m = _order.reduce("Max", op.Abs(a), [1, 2], True)
    m = op.Where(op.Greater(m, num.c(0.0)), m, num.c(1.0))  # zero (and nan) -> 1
    bad = op.IsNaN(_order.reduce("Sum", op.Mul(a, num.c(0.0)), [1, 2], True))
    return op.Div(a, m), m, bad


def _diag(a: Tensor, n: int) -> Tensor:
    """Diagonal [B, n] of a [B, n, n]."""
    flat = op.Reshape(a, _order.ints([-1, n * n]))
    return op.Gather(flat, _order.ints([i * n + i for i in range(n)]), axis=1)


def _sort_perm(w: Tensor, n: int, descending: bool, num: Num) -> Tensor:
    """One-hot permutation P [B, n, n] (float) with (w P)[r] the r-th of w sorted, stably."""
    wi = _order.unsqueeze(w, [2])  # [B, n, 1]
    wj = _order.unsqueeze(w, [1])  # [B, 1, n]
    before = op.Greater(wj, wi) if descending else op.Less(wj, wi)
    tie = op.Not(op.Or(op.Less(wj, wi), op.Greater(wj, wi)))
    lower = op.const(torch.tril(torch.ones(n, n, dtype=torch.bool), -1).tolist(), torch.bool)  # j < i
    ahead = op.Or(before, op.And(tie, lower))
    rank = op.cast(_order.reduce("Sum", op.cast(ahead, num.dt), [2], False), I64)  # [B, n]
    slots = op.const([[list(range(n))]], I64)  # [1, 1, n]
    return op.cast(op.Equal(_order.unsqueeze(rank, [2]), slots), num.dt)


def _permute_values(w: Tensor, perm: Tensor) -> Tensor:
    return _order.squeeze(op.MatMul(_order.unsqueeze(w, [1]), perm), [1])


def eigh_flat(s: Tensor, n: int, num: Num, vectors: bool) -> tuple[Tensor, Tensor | None]:
    """Eigenvalues [B, n] ascending (and eigenvectors [B, n, n]) of symmetric s [B, n, n]."""
    a, scale, bad = _scale(s, num)
    v = None
    if n > 1:
        steps = _steps(n, num.dt)
        v = op.Expand(_lu.identity(n, num.dt), op.Shape(a)) if vectors else None
        for _ in range(sweeps(n, num.dt)):
            for st in steps:
                flat = op.Reshape(a, _order.ints([-1, n * n]))
                app = op.Gather(flat, _order.ints([p * n + p for p in st.p]), axis=1)
                aqq = op.Gather(flat, _order.ints([q * n + q for q in st.q]), axis=1)
                apq = op.Gather(flat, _order.ints([p * n + q for p, q in zip(st.p, st.q)]), axis=1)
                j = st.j(*_rotations(app, aqq, apq, num))
                a = op.MatMul(transpose(j), op.MatMul(a, j))
                if vectors:
                    v = op.MatMul(v, j)
    elif vectors:
        v = op.Expand(_lu.identity(1, num.dt), op.Shape(a))
    w = _diag(a, n)
    perm = _sort_perm(w, n, False, num)
    w = op.Mul(_permute_values(w, perm), _order.squeeze(scale, [2]))
    nan = num.c(float("nan"))
    w = op.Where(_order.squeeze(bad, [2]), nan, w)
    if vectors:
        v = op.Where(bad, nan, op.MatMul(v, perm))
    return w, v


def symmetric_part(x: Tensor, n: int, uplo: str, dt: torch.dtype) -> Tensor:
    """The symmetric matrix [B, n, n] eager reads from ``x``'s lower (L) or upper (U) triangle."""
    if uplo.upper() not in ("L", "U"):
        raise OpfillError(f"linalg_eigh: UPLO must be 'L' or 'U', got {uplo!r}")
    keep = torch.tril(torch.ones(n, n, dtype=torch.bool)) if uplo.upper() == "L" else torch.triu(
        torch.ones(n, n, dtype=torch.bool))
    return op.Where(op.const(keep.tolist(), torch.bool), x, transpose(x))


def eigh(x: Tensor, uplo: str, vectors: bool, what: str) -> tuple[Tensor, Tensor | None]:
    """eigenvalues [..., n] ascending and eigenvectors [..., n, n] (None unless ``vectors``)."""
    x, dt, out = compute_dtype(x, what)
    rank, n, n2 = matrix_dims(x, what)
    if n != n2:
        raise OpfillError(f"{what}: the matrices must be square, got {n} x {n2}")
    batch = batch_shape(x, rank)
    if static_empty(x):
        return _out(_zeros(batch, [n], dt), out), (_out(_zeros(batch, [n, n], dt), out) if vectors else None)
    num = Num(dt)
    s = symmetric_part(flatten(x, n, n), n, uplo, dt)
    w, v = eigh_flat(s, n, num, vectors)
    w = unflatten(w, batch, [n])
    if vectors:
        v = unflatten(v, batch, [n, n])
    return _out(w, out), (_out(v, out) if vectors else None)


def _out(x: Tensor, dt: torch.dtype) -> Tensor:
    return x if dt in (torch.float32, torch.float64) else op.cast(x, dt)


def _norms(w: Tensor, num: Num) -> Tensor:
    """Column norms [B, n] of w [B, m, n], scaled so tiny columns do not underflow."""
    cmax = _order.reduce("Max", op.Abs(w), [1], True)
    safe = op.Where(op.Greater(cmax, num.c(0.0)), cmax, num.c(1.0))
    u = op.Div(w, safe)
    return op.Mul(op.Sqrt(_order.reduce("Sum", op.Mul(u, u), [1], False)), _order.squeeze(safe, [1]))


def svd_flat(a: Tensor, m: int, n: int, num: Num, uv: bool, full: bool):
    """(U [B, m, m or n], S [B, n] descending, V [B, n, n]) of a [B, m, n], m >= n >= 1.

    U and V are None unless ``uv``.
    """
    w, scale, bad = _scale(a, num)
    v = op.Expand(_lu.identity(n, num.dt), batch_of(w, [n, n])) if uv else None
    if n > 1:
        steps = _steps(n, num.dt)
        for _ in range(sweeps(n, num.dt)):
            for st in steps:
                wp = op.Gather(w, _order.ints(st.p), axis=2)
                wq = op.Gather(w, _order.ints(st.q), axis=2)
                alpha = _order.reduce("Sum", op.Mul(wp, wp), [1], False)
                beta = _order.reduce("Sum", op.Mul(wq, wq), [1], False)
                gamma = _order.reduce("Sum", op.Mul(wp, wq), [1], False)
                j = st.j(*_rotations(alpha, beta, gamma, num))
                w = op.MatMul(w, j)
                if uv:
                    v = op.MatMul(v, j)
    sv = _norms(w, num)  # [B, n], of the scaled matrix
    perm = _sort_perm(sv, n, True, num)
    sv = _permute_values(sv, perm)
    nan = num.c(float("nan"))
    s_out = op.Where(_order.squeeze(bad, [2]), nan, op.Mul(sv, _order.squeeze(scale, [2])))
    if not uv:
        return None, s_out, None
    w = op.MatMul(w, perm)
    v = op.Where(bad, nan, op.MatMul(v, perm))
    u = _complete_u(w, sv, m, n, m if full else n, num)
    return op.Where(bad, nan, u), s_out, v


def _complete_u(w: Tensor, sv: Tensor, m: int, n: int, cols: int, num: Num) -> Tensor:
    """Orthonormal U [B, m, cols]: column j is w_j / s_j orthogonalised against the previous
    columns (twice), or, where less than half of w_j is left by that (a zero or underflowing
    column; j >= n), the projection of the standard basis vector the previous columns leave
    longest (its squared length, the projector's diagonal entry, is at least (m - j) / m)."""
    ident = _lu.identity(m, num.dt)
    zero, one = num.c(0.0), num.c(1.0)
    basis = op.const([[list(range(m))]], I64)  # [1, 1, m]
    u = op.Expand(op.const(torch.zeros(m, cols, dtype=num.dt).tolist(), num.dt), batch_of(w, [m, cols]))

    def normalize(x: Tensor) -> tuple[Tensor, Tensor]:
        nrm = op.Sqrt(_order.reduce("Sum", op.Mul(x, x), [1], True))  # [B, 1, 1]
        return op.Div(x, op.Where(op.Greater(nrm, zero), nrm, one)), nrm

    for j in range(cols):
        proj = op.Sub(ident, op.MatMul(u, transpose(u)))  # [B, m, m]
        diag = _order.reduce("Sum", op.Mul(proj, ident), [2], False)  # [B, m]
        pick = op.ArgMax(diag, axis=1, keepdims=1)  # [B, 1]
        onehot = op.cast(op.Equal(_order.unsqueeze(pick, [2]), basis), num.dt)  # [B, 1, m]
        cand, _ = normalize(op.MatMul(proj, transpose(onehot)))  # [B, m, 1]
        if j < n:
            r, nr = normalize(op.MatMul(proj, op.Gather(w, _order.ints([j]), axis=2)))
            half = _order.unsqueeze(op.Gather(sv, _order.ints([j]), axis=1), [2])  # [B, 1, 1]
            vec = op.Where(op.Greater(nr, op.Mul(half, num.c(0.5))), r, cand)
        else:
            vec = cand
        vec, _ = normalize(op.MatMul(proj, vec))  # twice is enough
        e_j = op.const([[[1.0 if i == j else 0.0 for i in range(cols)]]], num.dt)  # [1, 1, cols]
        u = op.Add(u, op.MatMul(vec, e_j))
    return u


def batch_of(x: Tensor, tail: list[int]) -> Tensor:
    """The shape [B, *tail] for x of shape [B, ...]."""
    return op.Concat(_order.slice_axis(op.Shape(x), 0, 0, 1), _order.ints(tail), axis=0)


def _zeros(batch: Tensor, tail: list[int], dt: torch.dtype) -> Tensor:
    return op.Expand(op.const(torch.zeros(tail, dtype=dt).tolist(), dt), op.Concat(batch, _order.ints(tail), axis=0))


def _eye_batch(batch: Tensor, k: int, dt: torch.dtype) -> Tensor:
    return op.Expand(_lu.identity(k, dt), op.Concat(batch, _order.ints([k, k]), axis=0))


def svd(x: Tensor, full: bool, uv: bool, what: str,
        known: tuple[list[int | None], torch.dtype] | None = None) -> tuple[Tensor | None, Tensor, Tensor | None]:
    """(U [..., m, m or k], S [..., k] descending, Vh [..., n or k, n]); U, Vh None unless ``uv``.

    ``known``: (sizes, dtype) of an intermediate ``x`` (the dynamo exporter does not always
    know them while tracing)."""
    if known is None:
        x, dt, out = compute_dtype(x, what)
        rank, m, n = matrix_dims(x, what)
    else:
        sizes, out = known
        dt = torch.float32 if out in (torch.float16, torch.bfloat16) else out
        if out != dt:
            x = op.cast(x, dt)
        rank, m, n = len(sizes), sizes[-2], sizes[-1]
        if m is None or n is None:
            raise OpfillError(f"{what}: the matrix dims have a dynamic size; this op is unrolled over them -- "
                              "export with those dims static (leave them out of dynamic_axes / dynamic_shapes)")
    batch = batch_shape(x, rank)
    k = min(m, n)
    if k == 0 or (static_empty(x) if known is None else 0 in known[0]):
        s = _zeros(batch, [k], dt)
        if not uv:
            return None, _out(s, out), None
        eyes = k == 0  # eager: identity U (m x m) and Vh (n x n) for a 0-sized matrix
        u = _eye_batch(batch, m, dt) if full and eyes else _zeros(batch, [m, m if full else k], dt)
        vh = _eye_batch(batch, n, dt) if full and eyes else _zeros(batch, [n if full else k, n], dt)
        return _out(u, out), _out(s, out), _out(vh, out)
    num = Num(dt)
    a = flatten(x, m, n)
    wide = m < n
    if wide:
        a = transpose(a)
    mm, nn = (n, m) if wide else (m, n)
    u, s, v = svd_flat(a, mm, nn, num, uv, full)
    s = _out(unflatten(s, batch, [k]), out)
    if not uv:
        return None, s, None
    if wide:  # A^T = U S V^T: A = V S U^T
        u, vh = v, transpose(u)
    else:
        vh = transpose(v)
    cu = m if full else k
    rv = n if full else k
    return _out(unflatten(u, batch, [m, cu]), out), s, _out(unflatten(vh, batch, [rv, n]), out)


def old_svd(x: Tensor, some: bool, compute_uv: bool) -> tuple[Tensor, Tensor, Tensor]:
    """torch.svd: (U, S, V) with V = Vh^T; compute_uv=False gives zero U [m, m], V [n, n]."""
    if not compute_uv:
        _, s, _ = svd(x, False, False, "svd")
        rank, m, n = matrix_dims(x, "svd")
        batch = batch_shape(x, rank)
        dt = op.dtype(x)
        return _zeros(batch, [m, m], dt), s, _zeros(batch, [n, n], dt)
    u, s, vh = svd(x, not some, True, "svd")
    return u, s, transpose_last(vh, op.rank(x))


# --------------------------------------------------------------------------- derived ops


def _tolerances(atol: Tensor | float | None, rtol: Tensor | float | None, dt: torch.dtype,
                m: int, n: int) -> tuple[Tensor, int, Tensor, int]:
    """eager's get_atol_rtol: atol default 0; rtol default eps * max(m, n), or 0 where atol > 0.

    Returns (atol, its rank, rtol, its rank): the ranks of constants made here are known
    here (the dynamo exporter does not always know them while tracing)."""
    num = Num(dt)

    def as_tensor(v):
        if v is None:
            return None, 0
        if isinstance(v, (int, float)):
            return num.c(float(v)), 0
        return op.cast(v, dt), op.rank(v)  # always: TorchScript may mistype a constant's dtype

    a, ra = as_tensor(atol)
    r, rr = as_tensor(rtol)
    default = num.c(num.eps * max(m, n))
    if r is None:
        # (cast again: TorchScript's constant folding types this Where's result float32)
        r, rr = (default, 0) if a is None else (op.cast(op.Where(op.Greater(a, num.c(0.0)), num.c(0.0), default), dt), ra)
    if a is None:
        a, ra = num.c(0.0), 0
    return a, ra, r, rr


def _threshold(tols: tuple[Tensor, int, Tensor, int], smax: Tensor) -> Tensor:
    """max(atol[..., None], rtol[..., None] * smax) for smax [..., 1]."""
    atol, ra, rtol, rr = tols
    a = _order.unsqueeze(atol, [ra]) if ra else atol
    r = _order.unsqueeze(rtol, [rr]) if rr else rtol
    return op.Max(a, op.Mul(r, smax))


def _first(s: Tensor, axis: int, index: int, k: int) -> Tensor:
    """s[..., index:index + 1] along ``axis`` (keepdim)."""
    index = index % k
    return _order.slice_axis(s, axis, index, index + 1)


def pinv(x: Tensor, atol, rtol, hermitian: bool, what: str) -> Tensor:
    """eager's linalg_pinv: V diag(1 / s where s > tol) U^T (hermitian: U diag(1 / w) U^T)."""
    xc, dt, out = compute_dtype(x, what)
    rank, m, n = matrix_dims(xc, what)
    batch = batch_shape(xc, rank)
    if min(m, n) == 0 or static_empty(xc):
        return _out(_zeros(batch, [n, m], dt), out)
    tols = _tolerances(atol, rtol, dt, m, n)
    num = Num(dt)
    zero, one = num.c(0.0), num.c(1.0)
    if hermitian:
        w, v = eigh(xc, "L", True, what)
        absw = op.Abs(w)
        tol = _threshold(tols, _order.reduce("Max", absw, [rank - 2], True))
        keep = op.Greater(absw, tol)
        inv = op.Where(keep, op.Div(one, op.Where(keep, w, one)), zero)
        return _out(op.MatMul(op.Mul(v, _order.unsqueeze(inv, [rank - 2])), transpose_last(v, rank)), out)
    u, s, vh = svd(xc, False, True, what)
    k = min(m, n)
    tol = _threshold(tols, _first(s, rank - 2, 0, k))
    keep = op.Greater(s, tol)
    inv = op.Where(keep, op.Div(one, op.Where(keep, s, one)), zero)
    return _out(op.MatMul(op.Mul(transpose_last(vh, rank), _order.unsqueeze(inv, [rank - 2])),
                          transpose_last(u, rank)), out)


def matrix_rank(x: Tensor, atol, rtol, hermitian: bool, what: str) -> Tensor:
    """eager's linalg_matrix_rank: the count of singular values (|eigenvalues|) above tol."""
    xc, dt, _ = compute_dtype(x, what)
    rank, m, n = matrix_dims(xc, what)
    batch = batch_shape(xc, rank)
    if min(m, n) == 0 or static_empty(xc):
        return op.Expand(op.const(0, I64), batch)
    tols = _tolerances(atol, rtol, dt, m, n)
    if hermitian:
        w, _ = eigh(xc, "L", False, what)
        s = op.Abs(w)
        smax = _order.reduce("Max", s, [rank - 2], True)
    else:
        _, s, _ = svd(xc, False, False, what)
        smax = _first(s, rank - 2, 0, min(m, n))
    tol = _threshold(tols, smax)
    return _order.reduce("Sum", op.cast(op.Greater(s, tol), I64), [rank - 2], False)


def _inverse_norm_product(x: Tensor, p: float | str, rank: int, n: int, dt: torch.dtype) -> Tensor:
    """||A||_p ||A^-1||_p for the norms of ``p`` ('fro', 'nuc', +-1, +-inf) of square A."""
    num = Num(dt)
    zero, one = num.c(0.0), num.c(1.0)
    axis = rank - 2
    if p in ("fro", "nuc"):  # from the singular values alone, relative to the largest (no overflow)
        _, s, _ = svd(x, False, False, "linalg_cond")
        r = op.Div(s, _first(s, axis, 0, n))  # nan for the zero matrix (nuc: nan there, as eager)
        inv = op.Div(one, r)  # inf where s == 0: the product is inf, as eager's
        if p == "nuc":
            return op.Mul(_order.reduce("Sum", r, [axis], False), _order.reduce("Sum", inv, [axis], False))
        fro = op.Mul(op.Sqrt(_order.reduce("Sum", op.Mul(r, r), [axis], False)),
                     op.Sqrt(_order.reduce("Sum", op.Mul(inv, inv), [axis], False)))
        # eager: inf for every singular A, the zero matrix included
        singular = op.Not(op.Greater(_order.squeeze(_first(s, axis, n - 1, n), [axis]), zero))
        return op.Where(singular, num.c(float("inf")), fro)
    # +-1, +-inf: the inverse V diag(1 / s) U^T itself.
    u, s, vh = svd(x, False, True, "linalg_cond")
    singular = op.Not(op.Greater(_first(s, axis, n - 1, n), zero))  # [..., 1]
    inv_s = op.Where(op.Greater(s, zero), op.Div(one, s), zero)
    inverse = op.MatMul(op.Mul(transpose_last(vh, rank), _order.unsqueeze(inv_s, [axis])), transpose_last(u, rank))
    prod = op.Mul(_abs_norm(x, p, rank), _abs_norm(inverse, p, rank))
    return op.Where(_order.squeeze(singular, [axis]), num.c(float("inf")), prod)


def _abs_norm(x: Tensor, p: float, rank: int) -> Tensor:
    """Matrix norms 1 (max column sum), inf (max row sum) and their minima (-1, -inf)."""
    a = op.Abs(x)
    if abs(p) == 1:
        sums = _order.reduce("Sum", a, [rank - 2], False)  # column sums [..., n]
    else:
        sums = _order.reduce("Sum", a, [rank - 1], False)  # row sums [..., m]
    return _order.reduce("Max" if p > 0 else "Min", sums, [rank - 2], False)


def cond(x: Tensor, p: float | str | None) -> Tensor:
    what = "linalg_cond"
    xc, dt, out = compute_dtype(x, what)
    rank, m, n = matrix_dims(xc, what)
    batch = batch_shape(xc, rank)
    if static_empty(xc):
        return _out(_zeros(batch, [], dt), out)
    if p is None or p in (2, -2, 2.0, -2.0):
        if min(m, n) == 0:
            return _out(_zeros(batch, [], dt), out)
        _, s, _ = svd(xc, False, False, what)
        k = min(m, n)
        big, small = _first(s, rank - 2, 0, k), _first(s, rank - 2, k - 1, k)
        r = op.Div(small, big) if p is not None and p < 0 else op.Div(big, small)
        return _out(_order.squeeze(r, [rank - 2]), out)
    if p not in ("fro", "nuc") and (not isinstance(p, (int, float)) or abs(p) not in (1, math.inf)):
        raise OpfillError(f"linalg_cond: p={p!r} is not a matrix norm (None, 2, -2, 'fro', 'nuc', 1, -1, inf, -inf)")
    if m != n:
        raise OpfillError(f"linalg_cond: p={p!r} needs square matrices, got {m} x {n}")
    if n == 0:
        return _out(_zeros(batch, [], dt), out)
    return _out(_inverse_norm_product(xc, p, rank, n, dt), out)


def spectral_matrix_norm(x: Tensor, ord: float | str, dim: list[int], keepdim: bool, dtype) -> Tensor:
    """Matrix norms from the singular values: 'nuc' (sum), 2 (largest), -2 (smallest)."""
    what = "linalg_matrix_norm"
    dt = op.dtype(x)
    sizes = op.sizes(x)
    if dtype is not None:
        dt = _order.to_dtype(dtype)
        x = op.cast(x, dt)
    rank = len(sizes)
    if len(dim) != 2:
        raise OpfillError(f"{what}: dim must name 2 dims, got {list(dim)}")
    d0, d1 = (_order.wrap_dim(d, rank) for d in dim)
    if d0 == d1:
        raise OpfillError(f"{what}: dims must differ, got {list(dim)}")
    rest = [d for d in range(rank) if d not in (d0, d1)]
    perm = rest + sorted((d0, d1))  # singular values do not change under transposition
    y = x if perm == list(range(rank)) else op.Transpose(x, perm=perm)
    ysizes = [sizes[d] for d in perm]
    if 0 in ysizes:
        r = _zeros(batch_shape(y, rank), [], dt)
        return _order.unsqueeze(r, sorted((d0, d1))) if keepdim else r
    _, s, _ = svd(y, False, False, what, known=(ysizes, dt))
    k_axis = rank - 2
    if ord == "nuc":
        r = _order.reduce("Sum", s, [k_axis], False)
    elif ord == 2:
        r = _order.reduce("Max", s, [k_axis], False)
    else:
        r = _order.reduce("Min", s, [k_axis], False)
    if keepdim:
        r = _order.unsqueeze(r, sorted((d0, d1)))
    return r
