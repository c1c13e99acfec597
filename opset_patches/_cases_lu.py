"""Test rows of group LU (read through opset_patches.cases).

Matrices come from the flat inputs (``_mats``: tanh of the values, nan -> 0, reshaped to
``(-1, n, n)``). Where eager's result is compared elementwise they are well-conditioned
(``_wc``: plus (n + 1) times a cyclic shift, so every factorization swaps rows); the
factorization rows use the raw tanh matrices (real pivoting, ties from the many exact
+-1 and 0 entries the edge values give); singular matrices have exactly repeated rows or a
zero column, so their zero pivots are exact in any rounding. Ill-conditioned solves are
judged by the relative residual ||A X - B|| / (||A|| ||X||) being below 8 n eps, returned as
a bool (eager's own X is not the reference there).
"""

from __future__ import annotations

import torch

from torch_opfill.cases import Domain, OpCase, Xfail

_F = (torch.float32, torch.float64)
_MAT = (-2, -1)  # the matrix dims stay static in the export (the ops are unrolled over them)
# Relative error ~ cond * eps; the _wc matrices have cond <= ~3n.
_ULP = {torch.float32: 64, torch.float64: 64}
_ATOL = {torch.float32: 2e-6, torch.float64: 4e-15}  # on the O(1) scale of the entries
_SIZES = (1, 3, 8)


def _mats(x: torch.Tensor, n: int, m: int | None = None) -> torch.Tensor:
    """Batches of n x m matrices with entries in [-1, 1] (tanh; nan -> 0) from a flat input,
    zero-padded to whole matrices. Built by stacking columns of a (-1, n m) view: TorchScript
    loses every size of a Reshape to (-1, n, m) of a dynamic input (and has no Slice of a
    dynamic length at opset 9); stacked on positive dims (its opset-9 stack mishandles -1)."""
    m = n if m is None else m
    x = x.reshape(-1)
    x = torch.where(torch.isnan(x), torch.zeros_like(x), x).tanh()
    x = torch.cat([x, x.new_zeros(((-x.shape[0]) % (n * m),))])
    y = x.reshape(-1, n * m)
    return torch.stack([torch.stack([y[:, i * m + j] for j in range(m)], 1) for i in range(n)], 1)


def _wc(x: torch.Tensor, n: int) -> torch.Tensor:
    """Well-conditioned n x n matrices that need row swaps: tanh entries plus (n + 1) times
    a cyclic-shift permutation matrix."""
    q = torch.roll(torch.eye(n, dtype=x.dtype), 1, 0) * (n + 1)
    return _mats(x, n) + q


def _singular(x: torch.Tensor, n: int) -> tuple[torch.Tensor, ...]:
    """Exactly singular n x n matrices: well-conditioned ones (``_wc``) with column 0, column
    1 or the last column zero. A zero column stays exactly zero through the updates, so the
    first zero pivot is exact in any rounding; repeated or zero rows are not robust (MKL's
    blocked updates round copies of a row differently)."""
    a = _wc(x, n)
    i = torch.arange(n).reshape(1, n)
    return tuple(torch.where(i == c, torch.zeros_like(a), a) for c in (0, 1, n - 1))


def _rhs(y: torch.Tensor, n: int, k: int) -> torch.Tensor:
    """A [batch, n, k] right-hand side from a flat input as long as the matrices' (same batch)."""
    return _mats(y, n)[:, :, :k]


def _wcr(x: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """``_wc`` for m x n matrices: plus (max(m, n) + 1) times a shifted m x n identity."""
    q = torch.roll(torch.eye(m, n, dtype=x.dtype), 1, 0) * (max(m, n) + 1)
    return _mats(x, m, n) + q


def _each_size(fn, make=_wc, sizes=_SIZES):
    return lambda x: tuple(fn(make(x, n)) for n in sizes)


def _solves(x, y):
    a = _wc(x, 4)
    b = _rhs(y, 4, 2)
    bt = b.mT
    return (torch.linalg.solve(a, b), torch.linalg.solve(a, bt, left=False),
            torch.linalg.solve(a, b[..., 0]),  # vector B (B.shape == A.shape[:-1])
            torch.linalg.solve(a, b[:1]))  # B's batch broadcast


def _residual_ok(a: torch.Tensor, x: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Whether ||A X - B|| <= 8 n eps ||A|| ||X|| (max norms per matrix), the backward
    stability LU with partial pivoting guarantees."""
    eps = torch.finfo(a.dtype).eps
    r = (a @ x - b).abs().amax((-2, -1))
    bound = 8 * a.shape[-1] * eps * a.abs().amax((-2, -1)) * x.abs().amax((-2, -1)) * a.shape[-1]
    return r <= bound


def _ill(x, y):
    """Hilbert-like matrices 1 / (i + j + 1 + t), t in [0, 1) per matrix (cond ~5e5 at n = 5)."""
    n = 5
    t = _mats(x, n)[:, :1, :1].abs()
    i = torch.arange(n, dtype=x.dtype)
    a = 1.0 / (i.reshape(1, n, 1) + i.reshape(1, 1, n) + 1.0 + t)
    b = _rhs(y, n, 1)
    xs = torch.linalg.solve(a, b)
    return _residual_ok(a, xs, b), _residual_ok(a, torch.linalg.inv(a), torch.eye(n, dtype=x.dtype))


def _lu_solves(x, y):
    lu, piv = torch.linalg.lu_factor(_wc(x, 4))
    b = _rhs(y, 4, 2)
    return tuple(torch.linalg.lu_solve(lu, piv, b if left else b.mT, left=left, adjoint=adjoint)
                 for left in (True, False) for adjoint in (False, True))


def _mexp(x):
    """Every branch of eager's algorithm: 1-norms from ~1e-9 (T1) to ~1e2 (T18 and 5-6
    squarings; skew-symmetric from 1 on, so the result stays O(1))."""
    a = _mats(x, 3)
    skew = a - a.mT
    return tuple(torch.linalg.matrix_exp(a * s) for s in (1e-9, 1e-5, 1e-3, 0.03, 0.2, 0.5)) + \
        tuple(torch.linalg.matrix_exp(skew * s) for s in (1.0, 3.0, 10.0, 30.0))


_DET_ATOL = {torch.float32: 1e-5, torch.float64: 2e-14}  # raw tanh matrices: |det| <= n^(n/2)
_LU_ATOL = {torch.float32: 1e-5, torch.float64: 2e-14}
_TENSORINV = torch.arange(16.0) * 0.1

CASES: list[OpCase] = [
    # --- inverse
    OpCase("aten::linalg_inv", _each_size(torch.linalg.inv), dtypes=_F, int_dtypes=(), n=100,
           max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("linalg.inv", ""),)),
    OpCase("aten::linalg_inv_ex", lambda x: tuple(torch.linalg.inv_ex(_wc(x, 4))), dtypes=_F, int_dtypes=(), n=100,
           max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("linalg.inv_ex", ""),)),
    OpCase("aten::linalg_inv_ex", lambda x: tuple(torch.linalg.inv_ex(a).info for a in _singular(x, 4)), dtypes=_F, int_dtypes=(),
           n=100, static_dims=_MAT, label="singular info"),
    # --- determinants
    OpCase("aten::linalg_det", _each_size(torch.linalg.det, _mats), dtypes=_F, int_dtypes=(), n=100,
           max_ulp=_ULP, atol=_DET_ATOL, static_dims=_MAT, opinfo=(("linalg.det", ""),)),
    OpCase("aten::linalg_det", lambda x: tuple(torch.linalg.det(a) for a in _singular(x, 4)), dtypes=_F, int_dtypes=(), n=100,
           static_dims=_MAT, label="singular"),
    OpCase("aten::linalg_det", _each_size(torch.linalg.det, _mats, (2, 4)), dtypes=_F, int_dtypes=(), n=100,
           max_ulp=_ULP, atol=_DET_ATOL, static_dims=_MAT, target="tensorrt", label="tensorrt"),
    OpCase("aten::linalg_slogdet", lambda x: tuple(v for n in (1, 3, 5) for v in torch.linalg.slogdet(_wc(x, n))), dtypes=_F, int_dtypes=(),
           n=100, max_ulp=_ULP, atol=_DET_ATOL, static_dims=_MAT, opinfo=(("linalg.slogdet", ""),)),
    OpCase("aten::linalg_slogdet", lambda x: tuple(v for a in _singular(x, 4) for v in torch.linalg.slogdet(a)), dtypes=_F, int_dtypes=(),
           n=100, static_dims=_MAT, label="singular"),
    OpCase("aten::_linalg_slogdet", lambda x: torch.ops.aten._linalg_slogdet(_wc(x, 4)), dtypes=_F,
           int_dtypes=(), n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT),
    OpCase("aten::slogdet", lambda x: tuple(torch.slogdet(_wc(x, 3))), dtypes=_F, int_dtypes=(), n=100,
           max_ulp=_ULP, atol=_DET_ATOL, static_dims=_MAT),
    OpCase("aten::logdet", lambda x: (torch.logdet(_wc(x, 3)), *(torch.logdet(a) for a in _singular(x, 3))), dtypes=_F,
           int_dtypes=(), n=100, max_ulp=_ULP, atol=_DET_ATOL, static_dims=_MAT, opinfo=(("logdet", ""),),
           xfail=(Xfail("OpInfo's 0x0 matrix: the rank-0 float64 result comes back float32 from the TorchScript "
                        "exporter (its scalar type analysis, not yet worked around)", "torchscript", torch.float64,
                        opinfo_only=True),)),
    # --- solves
    OpCase("aten::linalg_solve", _solves, (Domain(), Domain()), dtypes=_F, int_dtypes=(), n=60,
           max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("linalg.solve", ""),)),
    OpCase("aten::linalg_solve", _ill, (Domain(), Domain()), dtypes=_F, int_dtypes=(), n=60,
           static_dims=_MAT, label="ill-conditioned residual"),
    OpCase("aten::linalg_solve_ex", lambda x, y: tuple(torch.linalg.solve_ex(_wc(x, 3), _rhs(y, 3, 1))),
           (Domain(), Domain()), dtypes=_F, int_dtypes=(), n=60, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           opinfo=(("linalg.solve_ex", ""),)),
    OpCase("aten::_linalg_solve_ex",
           lambda x, y: torch.ops.aten._linalg_solve_ex(_wc(x, 3), _rhs(y, 3, 2)),
           (Domain(), Domain()), dtypes=_F, int_dtypes=(), n=60, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT),
    # --- factorizations
    OpCase("aten::linalg_lu_factor_ex",
           lambda x: tuple(v for m, n in ((1, 1), (2, 2), (4, 4), (3, 5), (5, 3)) for v in torch.linalg.lu_factor_ex(_wcr(x, m, n))),
           dtypes=_F, int_dtypes=(), n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT,
           opinfo=(("linalg.lu_factor_ex", ""),)),
    OpCase("aten::linalg_lu_factor_ex", lambda x: tuple(v for a in _singular(x, 5) for v in torch.linalg.lu_factor_ex(a)), dtypes=_F,
           int_dtypes=(), n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT, label="singular"),
    OpCase("aten::linalg_lu_factor", lambda x: tuple(torch.linalg.lu_factor(_wc(x, 4))), dtypes=_F, int_dtypes=(),
           n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT, opinfo=(("linalg.lu_factor", ""),)),
    OpCase("aten::_lu_with_info", lambda x: torch.lu(_wc(x, 4), get_infos=True), dtypes=_F, int_dtypes=(),
           n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT, opinfo=(("lu", ""),)),
    OpCase("aten::linalg_lu", lambda x: tuple(torch.linalg.lu(_wcr(x, 3, 4))) + tuple(torch.linalg.lu(_wc(x, 4))), dtypes=_F,
           int_dtypes=(), n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT, opinfo=(("linalg.lu", ""),)),
    OpCase("aten::lu_unpack",
           lambda x: tuple(torch.lu_unpack(*torch.linalg.lu_factor_ex(_wc(x, 4))[:2])) + tuple(torch.lu_unpack(
               *torch.linalg.lu_factor_ex(_wcr(x, 4, 2))[:2], unpack_data=False)[:1]),
           dtypes=_F, int_dtypes=(), n=100, max_ulp=_ULP, atol=_LU_ATOL, static_dims=_MAT, opinfo=(("lu_unpack", ""),)),
    OpCase("aten::linalg_lu_solve", _lu_solves, (Domain(), Domain()), dtypes=_F, int_dtypes=(), n=60,
           max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("linalg.lu_solve", ""),)),
    OpCase("aten::lu_solve", lambda x, y: torch.lu_solve(_rhs(y, 3, 2), *torch.linalg.lu_factor(_wc(x, 3))),
           (Domain(), Domain()), dtypes=_F, int_dtypes=(), n=60, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           opinfo=(("lu_solve", ""),)),
    # --- matrix functions
    OpCase("aten::linalg_matrix_power",
           lambda x: tuple(torch.linalg.matrix_power(_wc(x, 3) * 0.25, k) for k in (-3, -1, 0, 1, 2, 3, 6, 11)),
           dtypes=_F, int_dtypes=(), n=100, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           opinfo=(("linalg.matrix_power", ""),)),
    # Skew-symmetric inputs of norm up to ~100 take 5-7 squarings, each doubling the rounding
    # differences: judged on the O(1) scale of the (orthogonal) result.
    # OpInfo's random normal 5x5 matrices (non-normal, 1-norm ~10) amplify rounding by exp's
    # conditioning: measured 12467 ULP (1.25e-3 rel) float32, 191 ULP float64; the export is as
    # close to scipy.linalg.expm as eager is.
    OpCase("aten::linalg_matrix_exp", _mexp, dtypes=_F, int_dtypes=(), n=100,
           max_ulp={torch.float32: 16384, torch.float64: 512},
           atol={torch.float32: 1e-4, torch.float64: 1e-12},
           static_dims=_MAT, opinfo=(("matrix_exp", ""),),
           # Seen in CI (and in grid_sampler's 2-D composition): float32-level error (5e-8
           # relative) where TorchScript's float64 export of the same function is exact.
           xfail=(Xfail("dynamo exporter, float64: the result comes out at float32 precision "
                        "(5e-8 relative; TorchScript's float64 export is exact): cause open",
                        exporter="dynamo", dtype=torch.float64),)),
    OpCase("aten::linalg_tensorinv",
           lambda x: torch.linalg.tensorinv(
               (torch.cat([_mats(x, 1).reshape(-1)[:16], _TENSORINV.to(x.dtype)])[:16].reshape(4, 4)
                + 4 * torch.eye(4, dtype=x.dtype)).reshape(2, 2, 4), ind=2),
           dtypes=_F, int_dtypes=(), n=100, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           ),  # no OpInfo: its samples need every dim static (the runner keeps only the last two)
    OpCase("aten::linalg_tensorsolve",
           lambda x: torch.linalg.tensorsolve(
               (torch.cat([_mats(x, 1).reshape(-1)[:16], _TENSORINV.to(x.dtype)])[:16].reshape(4, 4)
                + 4 * torch.eye(4, dtype=x.dtype)).reshape(2, 2, 4), _TENSORINV[:4].to(x.dtype).reshape(2, 2)),
           dtypes=_F, int_dtypes=(), n=100, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           ),  # no OpInfo: as tensorinv
]
