"""Helpers of group LU (LU factorization and what derives from it), opset-9 operators only.

The factorization is LAPACK getrf's right-looking partial pivoting, unrolled over the static
matrix size (batch dims stay dynamic): at step k the pivot is the first row of max |a| in
column k at or below the diagonal (ArgMax takes the first maximum, as idamax), rows k and p
are swapped (one-hot Where + ReduceSum: exact, no 0 * inf), the column below the pivot is
scaled by 1 / pivot (divided where |pivot| < tiny, as dgetf2; left alone where the pivot is
0, whose first occurrence is ``info``) and the trailing block takes the rank-1 update. The
pivots, permutations and ``info`` are therefore eager's (MKL/LAPACK) exactly, whenever the
rounding of the trailing updates does not reorder near-equal column maxima; the values agree
to a few ULP times the condition of the matrix.

Solves are LAPACK getrs: the row permutation (exact, Where + ReduceSum), then two unrolled
triangular substitutions (MatMul of the row against the solved rows, Sub, Div by the
diagonal). Everything here is Where / Equal / ArgMax / ReduceSum / MatMul / Slice / Concat
arithmetic: TensorRT's ONNX parser takes all of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from opset_patches import _layout, _order
from torch_opfill import OpfillError, Tensor, op

I64 = torch.int64
I32 = torch.int32
LINALG_FLOATS = (torch.float32, torch.float64)
#: Largest matrix size the unrolled graphs are built for (their node count grows as n; a
#: 32x32 factorization is ~900 nodes, a solve ~6 n).
MAX_N = 64


def check_float(x: Tensor, what: str) -> torch.dtype:
    dt = op.dtype(x)
    if dt not in LINALG_FLOATS:
        raise OpfillError(f"{what}: dtype {dt} is not supported (eager's CPU kernels take float32/float64 only)")
    return dt


def matrix_dims(x: Tensor, what: str, square: bool = True) -> tuple[int, int, int]:
    """(rank, rows, cols) of a batch of matrices whose last two dims are static."""
    rank = op.rank(x)
    if rank < 2:
        raise OpfillError(f"{what}: expected a batch of matrices (rank >= 2), got rank {rank}")
    m = op.static_size(x, -2, what)
    n = op.static_size(x, -1, what)
    if square and m != n:
        raise OpfillError(f"{what}: expected square matrices, got {m}x{n}")
    if max(m, n) > MAX_N:
        raise OpfillError(f"{what}: {m}x{n} matrices: the graph is unrolled over the matrix size and would be too "
                          f"large above {MAX_N}; split the problem or use smaller matrices")
    return rank, m, n


def batch_shape(x: Tensor, rank: int, tail: Sequence[int]) -> Tensor:
    """``x.shape[:rank-2] + tail`` as a 1-D int64 tensor."""
    head = _layout.dims(x, 0, rank - 2)  # also for rank 2: keeps x an input of the graph
    return op.Concat(head, _order.ints(list(tail)), axis=0)


def lift(x: Tensor, rank: int, to: int) -> Tensor:
    """``x`` with leading size-1 dims up to rank ``to``."""
    return _order.unsqueeze(x, list(range(to - rank))) if to > rank else x


def feq(a: Tensor, b: Tensor) -> Tensor:
    """Float ``a == b`` (ONNX Equal takes floats from opset 11), without asking the dtype."""
    if op.opset >= 11:
        return op.Equal(a, b)
    return op.Not(op.Or(op.Or(op.Less(a, b), op.Greater(a, b)), op.Or(op.IsNaN(a), op.IsNaN(b))))


def _bool(values) -> Tensor:
    return op.const(values, torch.bool)


def swap_rows(x: Tensor, onehot: Tensor, k: int, axis: int, rows: int, zero: Tensor) -> tuple[Tensor, Tensor]:
    """``x`` with row k and the row ``onehot`` marks exchanged along ``axis`` (static
    ``rows`` long; x broadcast against onehot), and the row now at k. ``zero``: a 0 of x's
    dtype (intermediate dtypes are not always known while the dynamo exporter traces)."""
    row_k = _order.slice_axis(x, axis, k, k + 1)
    row_p = _order.reduce("Sum", op.Where(onehot, x, zero), [axis], True)
    is_k = _bool([[i == k] for i in range(rows)])
    return op.Where(is_k, row_p, op.Where(onehot, row_k, x)), row_p


class LU:
    """The packed factorization of a batch ``[..., m, n]`` (rank ``rank``).

    ``lu``: L (unit, strictly below the diagonal) and U packed as getrf's; ``perm``:
    ``[..., m, 1]`` int64, row i of P^T A is row perm[i] of A; ``pivots``: ``[..., k, 1]``
    int64, 0-based getrf pivots; ``diag``: ``[..., k, 1]`` U's diagonal; ``info``: ``[..., 1, 1]``
    int32, 1-based index of the first zero pivot (0: none); ``odd``: ``[..., 1, 1]`` bool,
    whether the permutation is odd.
    """

    def __init__(self, lu, perm, pivots, diag, info, odd, rank, m, n, dt):
        self.lu, self.perm, self.pivots, self.diag, self.info, self.odd = lu, perm, pivots, diag, info, odd
        self.rank, self.m, self.n, self.dt = rank, m, n, dt

    def pivots_out(self) -> Tensor:
        """getrf's ``[..., k]`` int32 1-based pivots."""
        if self.pivots is None:  # an empty matrix: [..., 0]
            empty = _order.slice_axis(self.lu, self.rank - 1, 0, 0)
            return op.cast(_order.reduce("Sum", empty, [self.rank - 2], False), I32)
        return op.cast(_order.squeeze(op.Add(self.pivots, op.const(1, I64)), [self.rank - 1]), I32)

    def info_out(self) -> Tensor:
        return _order.squeeze(self.info, [self.rank - 2, self.rank - 1])


def spec(a: Tensor, what: str, square: bool = True) -> tuple[torch.dtype, int, int, int]:
    """(dtype, rank, m, n) of a graph input ``a``: intermediate values' dtypes and shapes are
    not always known while the dynamo exporter traces, so they are read once, from inputs."""
    return (check_float(a, what), *matrix_dims(a, what, square))


def factor(a: Tensor, what: str, square: bool = True, sp: tuple | None = None) -> LU:
    """getrf of ``a`` (float32/float64, static ``m x n``; ``sp``: its :func:`spec` where ``a``
    is an intermediate value)."""
    dt, rank, m, n = sp or spec(a, what, square)
    ra, ca = rank - 2, rank - 1
    zero, one, izero = op.const(0.0, dt), op.const(1.0, dt), op.const(0, I64)
    tiny = op.const(float(torch.finfo(dt).tiny), dt)
    rows = op.const([[i] for i in range(m)], I64)
    perm = op.Expand(rows, batch_shape(a, rank, [m, 1]))
    info = op.Expand(op.const([[0]], I32), batch_shape(a, rank, [1, 1]))
    odd = op.Expand(_bool([[False]]), batch_shape(a, rank, [1, 1]))
    pivots, diag = [], []
    for k in range(min(m, n)):
        col = _order.slice_axis(_order.slice_axis(a, ca, k, k + 1), ra, k, m)  # [..., m-k, 1]
        p = op.Add(op.ArgMax(op.Abs(col), axis=ra, keepdims=1), op.const(k, I64))  # [..., 1, 1]
        pivots.append(p)
        if k < m - 1:
            onehot = op.Equal(rows, p)  # [..., m, 1]
            a, row = swap_rows(a, onehot, k, ra, m, zero)
            perm, _ = swap_rows(perm, onehot, k, ra, m, izero)
            odd = op.Xor(odd, op.Not(op.Equal(p, op.const(k, I64))))
        else:
            row = _order.slice_axis(a, ra, k, k + 1)
        d = _order.slice_axis(row, ca, k, k + 1)  # the pivot, [..., 1, 1]
        diag.append(d)
        is_zero = feq(d, zero)
        info = op.Where(op.And(is_zero, op.Equal(info, op.const(0, I32))), op.const(k + 1, I32), info)
        if k == m - 1:
            continue
        colk = _order.slice_axis(a, ca, k, k + 1)  # [..., m, 1]
        scaled = op.Where(op.Less(op.Abs(d), tiny), op.Div(colk, d), op.Mul(colk, op.Div(one, d)))
        l = op.Where(is_zero, colk, scaled)
        below_k = _bool([[i > k and j == k for j in range(n)] for i in range(m)])
        a = op.Where(below_k, l, a)
        if k < n - 1:
            trailing = _bool([[i > k and j > k for j in range(n)] for i in range(m)])
            a = op.Where(trailing, op.Sub(a, op.Mul(l, row)), a)
    piv = op.Concat(*pivots, axis=ra) if pivots else None
    dg = op.Concat(*diag, axis=ra) if diag else None
    return LU(a, perm, piv, dg, info, odd, rank, m, n, dt)


def perm_from_pivots(pivots: Tensor, m: int, k: int) -> tuple[Tensor, int]:
    """The row permutation ``[..., m, 1]`` (int64) getrf's 1-based ``pivots [..., k]`` encode
    (k = min(m, n) from the LU's static dims), and the rank of the pivots' batch plus 2."""
    prank = op.rank(pivots)
    rank = prank + 1
    piv = _order.unsqueeze(op.Sub(op.cast(pivots, I64), op.const(1, I64)), [prank])  # [..., k, 1]
    rows = op.const([[i] for i in range(m)], I64)
    perm = op.Expand(rows, batch_shape(piv, rank, [m, 1]))
    for i in range(min(k, m - 1)):
        p = _order.slice_axis(piv, rank - 2, i, i + 1)
        perm, _ = swap_rows(perm, op.Equal(rows, p), i, rank - 2, m, op.const(0, I64))
    return perm, rank


def perm_matrix(perm: Tensor, rank: int, m: int, dt: torch.dtype) -> Tensor:
    """P with A = P L U: P[r, i] = (perm[i] == r), ``[..., m, m]``."""
    cols = op.const([list(range(m))], I64)
    mask = op.Equal(perm, cols)  # [..., i, r]
    t = list(range(rank - 2)) + [rank - 1, rank - 2]
    return op.cast(op.Transpose(mask, perm=t), dt)


def permute_rows(perm: Tensor, b: Tensor, rank: int, n: int, inverse: bool, dt: torch.dtype) -> Tensor:
    """``b[perm]`` (rows), or its inverse ``out[perm[i]] = b[i]``; ``b`` is ``[..., n, k]``."""
    zero = op.const(0.0, dt)
    mask = _order.unsqueeze(op.Equal(perm, op.const([list(range(n))], I64)), [rank])  # [..., i, r, 1]
    if not inverse:
        sel = op.Where(mask, _order.unsqueeze(b, [rank - 2]), zero)  # b as [..., 1, r, k]
        return _order.reduce("Sum", sel, [rank - 1], False)
    sel = op.Where(mask, _order.unsqueeze(b, [rank - 1]), zero)  # b as [..., i, 1, k]
    return _order.reduce("Sum", sel, [rank - 2], False)


def _lower_solve(t: Tensor, b: Tensor, rank: int, n: int, unit: bool) -> Tensor:
    """Solve L x = b, L the lower triangle of ``t`` (unit: its diagonal taken as 1)."""
    ra, ca = rank - 2, rank - 1
    xs = None
    for i in range(n):
        yi = _order.slice_axis(b, ra, i, i + 1)
        if i:
            coef = _order.slice_axis(_order.slice_axis(t, ra, i, i + 1), ca, 0, i)
            yi = op.Sub(yi, op.MatMul(coef, xs))
        if not unit:
            yi = op.Div(yi, _order.slice_axis(_order.slice_axis(t, ra, i, i + 1), ca, i, i + 1))
        xs = yi if xs is None else op.Concat(xs, yi, axis=ra)
    return xs


def _upper_solve(t: Tensor, b: Tensor, rank: int, n: int, unit: bool) -> Tensor:
    """Solve U x = b, U the upper triangle of ``t``."""
    ra, ca = rank - 2, rank - 1
    xs = None
    for i in reversed(range(n)):
        yi = _order.slice_axis(b, ra, i, i + 1)
        if i < n - 1:
            coef = _order.slice_axis(_order.slice_axis(t, ra, i, i + 1), ca, i + 1, n)
            yi = op.Sub(yi, op.MatMul(coef, xs))
        if not unit:
            yi = op.Div(yi, _order.slice_axis(_order.slice_axis(t, ra, i, i + 1), ca, i, i + 1))
        xs = yi if xs is None else op.Concat(yi, xs, axis=ra)
    return xs


def transpose_last(x: Tensor, rank: int) -> Tensor:
    return op.Transpose(x, perm=list(range(rank - 2)) + [rank - 1, rank - 2])


def lu_solve(lu: Tensor, perm: Tensor, b: Tensor, rank: int, n: int, adjoint: bool, dt: torch.dtype) -> Tensor:
    """getrs: A X = B (or A^T X = B) for A = P L U packed in ``lu``; all of rank ``rank``."""
    if n == 0:  # empty: broadcast the batch dims (perm too: an unused input would be dropped)
        zero = op.cast(_order.reduce("Sum", perm, [rank - 2, rank - 1], True), dt)
        return op.Add(op.Add(b, _order.reduce("Sum", lu, [rank - 2, rank - 1], True)), zero)
    if not adjoint:
        y = _lower_solve(lu, permute_rows(perm, b, rank, n, False, dt), rank, n, unit=True)
        return _upper_solve(lu, y, rank, n, unit=False)
    t = transpose_last(lu, rank)
    z = _lower_solve(t, b, rank, n, unit=False)  # U^T z = B
    w = _upper_solve(t, z, rank, n, unit=True)  # L^T w = z
    return permute_rows(perm, w, rank, n, True, dt)


def solve_general(lu: Tensor, perm: Tensor, b: Tensor, rank: int, n: int, left: bool, adjoint: bool,
                  dt: torch.dtype) -> Tensor:
    """linalg_lu_solve on matrices ``b`` (rank ``rank`` everywhere)."""
    if left:
        return lu_solve(lu, perm, b, rank, n, adjoint, dt)
    # X A = B  <=>  A^T X^T = B^T
    return transpose_last(lu_solve(lu, perm, transpose_last(b, rank), rank, n, not adjoint, dt), rank)


def is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """Eager's linalg_solve_is_vector_rhs: B is 1-D, or B.shape == A.shape[:-1]. With dynamic
    dims the shapes are compared where known; where both readings fit, the vector one wins
    (a matrix B [..., n, k] of rank A.rank - 1 needs B.shape[-2] == n)."""
    rb, ra = op.rank(B), op.rank(A)
    if rb == 1:
        return True
    if rb != ra - 1:
        return False
    sa, sb = op.sizes(A)[:-1], op.sizes(B)
    return all(x is None or y is None or x == y for x, y in zip(sa, sb))


def solve_ex(A: Tensor, B: Tensor, left: bool, what: str, sp: tuple | None = None,
             b_rank: int | None = None) -> tuple[Tensor, LU, int]:
    """linalg_solve_ex: (result, the factorization of A, the rank of A's LU). ``sp``/``b_rank``:
    for intermediate A (its spec) and B (its rank, a matrix of A's dtype)."""
    sp = sp or spec(A, what)
    dt = sp[0]
    f = factor(A, what, sp=sp)
    if b_rank is None:
        B = op.cast(B, dt) if op.dtype(B) != dt else B
        vector = is_vector_rhs(A, B)
        rb = op.rank(B)
    else:
        vector, rb = False, b_rank
    if vector:
        B = _order.unsqueeze(B, [rb if left else rb - 1])  # eager: B.unsqueeze(-1 if left else -2)
        rb += 1
    rank = max(f.rank, rb)
    lu, perm = lift(f.lu, f.rank, rank), lift(f.perm, f.rank, rank)
    x = solve_general(lu, perm, lift(B, rb, rank), rank, f.n, left, False, dt)
    if vector:
        x = _order.squeeze(x, [rank - 1 if left else rank - 2])
    return x, f, rank


def identity(n: int, dt: torch.dtype) -> Tensor:
    return op.const([[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)], dt)


def inverse(A: Tensor, what: str, sp: tuple | None = None) -> tuple[Tensor, Tensor]:
    """linalg_inv_ex: solve_ex(A, I), as eager."""
    dt, _, _, n = sp = sp or spec(A, what)
    f = factor(A, what, sp=sp)
    if n == 0:
        return A, f.info_out()
    return lu_solve(f.lu, f.perm, lift(identity(n, dt), 2, f.rank), f.rank, n, False, dt), f.info_out()


def det_parts(A: Tensor, what: str) -> LU:
    """The factorization eager's det/slogdet use: of A^T (eager factors A.mT, contiguous)."""
    dt, rank, m, n = spec(A, what)
    return factor(transpose_last(A, rank), what, sp=(dt, rank, n, m))


def det_from(f: LU) -> Tensor:
    axes = [f.rank - 2, f.rank - 1]
    if f.diag is None:  # 0x0: det 1
        return _order.reduce("Prod", f.lu, axes, False)
    sign = op.Where(f.odd, op.const(-1.0, f.dt), op.const(1.0, f.dt))
    return _order.squeeze(op.Mul(sign, _order.reduce("Prod", f.diag, [f.rank - 2], True)), axes)


def slogdet_from(f: LU) -> tuple[Tensor, Tensor]:
    axes = [f.rank - 2, f.rank - 1]
    if f.diag is None:
        # 0x0: sign 1, logabsdet 0 (empty Prod / Sum; no rank-0 arithmetic, which the
        # TorchScript exporter's scalar type analysis would do in float32)
        return _order.reduce("Prod", f.lu, axes, False), _order.reduce("Sum", f.lu, axes, False)
    sign = op.Where(f.odd, op.const(-1.0, f.dt), op.const(1.0, f.dt))
    s = op.Mul(_order.reduce("Prod", op.Sign(f.diag), [f.rank - 2], True), sign)
    logabs = _order.reduce("Sum", op.Log(op.Abs(f.diag)), [f.rank - 2], True)
    return _order.squeeze(s, axes), _order.squeeze(logabs, axes)


def unpack(lu: Tensor, rank: int, m: int, n: int, dt: torch.dtype) -> tuple[Tensor, Tensor]:
    """(L [..., m, k], U [..., k, n]) from packed ``lu``."""
    k = min(m, n)
    zero, one = op.const(0.0, dt), op.const(1.0, dt)
    lk = _order.slice_axis(lu, rank - 1, 0, k)
    L = op.Where(_bool([[i > j for j in range(k)] for i in range(m)]), lk,
                 op.Where(_bool([[i == j for j in range(k)] for i in range(m)]), one, zero))
    uk = _order.slice_axis(lu, rank - 2, 0, k)
    U = op.Where(_bool([[i <= j for j in range(n)] for i in range(k)]), uk, zero)
    return L, U


# --------------------------------------------------------------------------- matrix functions


def matmul_power(a: Tensor, n: int, rank: int, size: int, dt: torch.dtype) -> Tensor:
    """eager's linalg_matrix_power for n >= 0 (same products, same order)."""
    if n == 0:
        return op.Expand(identity(size, dt), op.Shape(a))
    if n == 1:
        return a
    if n == 2:
        return op.MatMul(a, a)
    if n == 3:
        return op.MatMul(op.MatMul(a, a), a)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else op.MatMul(z, z)
        if bit:
            result = z if result is None else op.MatMul(result, z)
    return result


def _lincomb(mats: Sequence[Tensor | None], coeffs: Sequence[float], dt: torch.dtype) -> Tensor:
    """sum_k coeffs[k] * mats[k] in order (eager's _compute_linear_combination); zero terms kept."""
    out = None
    for m, c in zip(mats, coeffs):
        term = op.Mul(m, op.const(float(c), dt))
        out = term if out is None else op.Add(out, term)
    return out


_T12_B = (
    (9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740),
    (5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989),
    (0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968, 0.00610700528898058230),
    (-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359),
)
_T18_B = (
    (0., -1.00365581030144618291e-01, -8.02924648241156932449e-03, -8.92138498045729985177e-04, 0.),
    (0., 3.97849749499645077844e-01, 1.36783778460411720168e+00, 4.98289622525382669416e-01,
     -6.37898194594723280150e-04),
    (-1.09676396052962061844e+01, 1.68015813878906206114e+00, 5.71779846478865511061e-02,
     -6.98210122488052056106e-03, 3.34975017086070470649e-05),
    (-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02,
     2.95552570429315521194e-02, -1.39180257516060693404e-05),
    (0., 0., -9.23364619367118555360e-02, -1.69364939002081722752e-02, -1.40086798182036094347e-05),
)
THETAS = {
    torch.float32: (1.192092800768788e-07, 5.978858893805233e-04, 5.116619363445086e-02,
                    5.800524627688768e-01, 1.461661507209034e+00, 3.010066362817634e+00),
    torch.float64: (2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04,
                    4.991228871115323e-02, 2.996158913811580e-01, 1.090863719290036e+00),
}
#: Squarings evaluated after the degree-18 polynomial (eager's count is data-dependent:
#: ceil(log2(norm / theta18))): enough for every finite float32 norm and float64 norms up
#: to ~3.7e38; beyond that the result is nan.
MAX_SQUARINGS = 128


def matrix_exp(a: Tensor, rank: int, n: int, dt: torch.dtype) -> Tensor:
    """eager's mexp: per matrix, by its 1-norm, the Taylor polynomial T1, T2, T4, T8, T12 or
    T18 after scaling by 2^-s and s squarings; all branches evaluated, the right one chosen
    with Where (the squarings: MAX_SQUARINGS Where-guarded MatMuls)."""
    if n == 1:
        return op.Exp(a)
    eye = op.Expand(identity(n, dt), op.Shape(a))
    th = THETAS[dt]
    c = lambda v: op.const(float(v), dt)  # noqa: E731
    norm = _order.reduce("Max", _order.reduce("Sum", op.Abs(a), [rank - 2], True), [rank - 1], True)  # [...,1,1]
    a2 = op.MatMul(a, a)
    t1 = op.Add(eye, a)
    t2 = op.Add(op.Add(eye, a), op.Div(a2, c(2.0)))
    # T4 = I + A + A2 (I/2 + A/6 + A2/24)
    t4 = _lincomb([eye, a, a2, op.MatMul(a2, _lincomb([eye, a, a2], [1 / 2.0, 1 / 6.0, 1 / 24.0], dt))],
                  [1.0, 1.0, 0.0, 1.0], dt)
    # T8
    sqrt_177 = 0.1330413469565007072504e+2
    x3 = 2.0 / 3.0
    x1 = x3 * ((1.0 + sqrt_177) / 88.0)
    x2 = x3 * ((1.0 + sqrt_177) / 352.0)
    x4 = (-271.0 + 29.0 * sqrt_177) / (315.0 * x3)
    x5 = (-11.0 + 11.0 * sqrt_177) / (1260.0 * x3)
    x6 = (-99.0 + 11.0 * sqrt_177) / (5040.0 * x3)
    x7 = (89.0 - sqrt_177) / (5040.0 * x3 * x3)  # x3^2, as the paper and torch >= 2.x (older ports had x3)
    y2 = (857.0 - 58.0 * sqrt_177) / 630.0
    a4 = op.MatMul(a2, _lincomb([a, a2], [x1, x2], dt))
    a8 = op.MatMul(_lincomb([a2, a4], [x3, 1.0], dt), _lincomb([eye, a, a2, a4], [x4, x5, x6, x7], dt))
    t8 = _lincomb([eye, a, a2, a4, a8], [1.0, 1.0, y2, 0.0, 1.0], dt)
    t12 = _t12(a, a2, eye, dt)
    # T18 with scaling and squaring
    # s = max(0, ceil(log2(x))), x = norm / theta18, exactly: squaring j (0-based) is done
    # iff j < s iff x > 2^j.
    x = op.Div(norm, c(th[5]))
    powers = op.const([2.0**j for j in range(MAX_SQUARINGS)], dt)
    s = _order.reduce("Sum", op.cast(op.Greater(x, powers), dt), [rank - 1], True)  # [..., 1, 1]
    m = _t18(op.Div(a, op.Pow(c(2.0), s)), eye, dt)
    for j in range(MAX_SQUARINGS):
        m = op.Where(op.Greater(x, c(2.0**j)), op.MatMul(m, m), m)
    m = op.Where(op.Greater(x, c(2.0**MAX_SQUARINGS)), c(float("nan")), m)
    out = m
    for t, hi in ((t12, th[4]), (t8, th[3]), (t4, th[2]), (t2, th[1]), (t1, th[0])):
        out = op.Where(op.Not(op.Greater(norm, c(hi))), t, out)
    # eager: T12 for theta8 < norm <= theta12 and T18 for norm >= theta12 (the latter wins at equality)
    out = op.Where(op.And(feq(norm, c(th[4])), op.Not(op.IsNaN(norm))), m, out)
    return out


def _t12(a: Tensor, a2: Tensor, eye: Tensor, dt: torch.dtype) -> Tensor:
    a3 = op.MatMul(a, a2)
    As = [eye, a, a2, a3]
    bs = [_lincomb(As, row, dt) for row in _T12_B]
    bs[2] = op.Add(bs[2], op.MatMul(bs[3], bs[3]))
    return op.Add(bs[0], op.MatMul(op.Add(bs[1], bs[2]), bs[2]))


def _t18(a: Tensor, eye: Tensor, dt: torch.dtype) -> Tensor:
    a2 = op.MatMul(a, a)
    a3 = op.MatMul(a, a2)
    a6 = op.MatMul(a3, a3)
    As = [eye, a, a2, a3, a6]
    bs = [_lincomb(As, row, dt) for row in _T18_B]
    bs[3] = op.Add(bs[3], op.MatMul(bs[0], bs[4]))
    return op.Add(bs[1], op.MatMul(op.Add(bs[2], bs[3]), bs[3]))
