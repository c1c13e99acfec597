"""Test rows of group LS: eigh, SVD and what derives from them (read through opset_patches.cases).

Matrices come from the flat inputs, one per value x (``_gen``): s * B(x) with s = x where
1e-30 < |x| < 1e30 (float64: 1e-290..1e290), else 0 (zero matrices; non-finite x
included: eager raises for nan and returns nan for inf, the pack returns nan), and
B = P0 + u P1 + u^2 P2 (fixed random P, u = s / (1 + |s|)): generic dense matrices whose
scale sweeps the whole exponent range. Other families: rank-deficient (``_zero_cols``: exact zero columns,
so the zero singular values are exact in any rounding and counts against a tolerance are
unambiguous), repeated eigenvalues (``_repeated``: s (I + u u^T)), well-conditioned
(``_wc``: B + 2n I, for the ops that divide by small singular values).

Results are not unique where eager's are not (eigenvector/singular vector signs, bases of
repeated eigenvalues): those rows return the values divided by the scale |s| (O(1), judged
with an atol of a few dozen eps: ``_ATOL``), plus residuals ||A V - V diag(w)|| / |s|,
reconstructions ||U S Vh - A|| / |s| and orthogonality ||V^T V - I|| (all O(eps): judged
against eager's own, which are also O(eps), with the same atol). OpInfo samples are used
where the op's result is unique (eigvalsh, svdvals, pinv, pinverse, matrix_rank, cond) and
left out where they compare vectors directly (eigh, svd, linalg.svd) or include ords torch
already exports, which the pack hands back to torch (matrix_norm). linalg.pinv's
'singular' OpInfo is left out: its 50 x 50 matrices would unroll into a huge graph.
"""

from __future__ import annotations

import numpy as np
import torch

from torch_opfill.cases import OpCase, Xfail

_F = (torch.float32, torch.float64)
_MAT = (-2, -1)  # the matrix dims stay static in the export (the ops are unrolled over them)
# Errors are a few dozen eps of the matrix norm (up to ~8 here): measured up to 80 eps
# (float64 eigenvalues, 8 x 8) on the O(1) scale of the outputs.
_ATOL = {torch.float32: 256 * 2.0**-23, torch.float64: 256 * 2.0**-52}
_ULP = {torch.float32: 64, torch.float64: 64}
# pinv's error grows with the condition number: OpInfo's random symmetric 5 x 5 need 161 ULP.
_PINV_ULP = {torch.float32: 256, torch.float64: 256}
_N = 16  # sweep points: each is one matrix per family (the graphs are big; keep it small)
L = torch.linalg


def _scale(x: torch.Tensor) -> torch.Tensor:
    x = x.reshape(-1)
    lo, hi = (1e-30, 1e30) if x.dtype != torch.float64 else (1e-290, 1e290)
    # Bounds as tensors of x's dtype (the dynamo exporter makes Python scalars float32 constants:
    # 1e-290 and 1e290 would become 0 and inf); strict (>= is Not(Less) at opset 9: true for nan).
    lo, hi = torch.tensor(lo, dtype=x.dtype), torch.tensor(hi, dtype=x.dtype)
    ok = (x.abs() > lo) & (x.abs() < hi)  # false for nan and inf
    return torch.where(ok, x, torch.zeros_like(x))


def _consts(m: int, n: int, seed: int, dtype: torch.dtype) -> list[torch.Tensor]:
    """Three fixed m x n matrices with entries in [-1, 1] (NumPy: nothing traced)."""
    rng = np.random.default_rng(seed)
    return [torch.from_numpy(rng.uniform(-1.0, 1.0, (m, n))).to(dtype) for _ in range(3)]


def _b(x: torch.Tensor, m: int, n: int, seed: int = 0) -> torch.Tensor:
    """B(x) [L, m, n] = P0 + u P1 + u^2 P2, u = s / (1 + |s|): correctly rounded steps only,
    so eager and the exported graph build bit-identical matrices (a sin/log construction
    would differ by an ULP of large arguments)."""
    s = _scale(x)
    u = (s / (1 + s.abs())).reshape(-1, 1, 1)
    p0, p1, p2 = _consts(m, n, seed, x.dtype)
    return p0 + u * p1 + (u * u) * p2


def _s(x: torch.Tensor) -> torch.Tensor:
    return _scale(x).reshape(-1, 1, 1)


def _gen(x: torch.Tensor, m: int, n: int, seed: int = 0) -> torch.Tensor:
    return _s(x) * _b(x, m, n, seed)


def _zero_cols(x: torch.Tensor, m: int, n: int, wc: bool = False) -> torch.Tensor:
    """_gen (wc: _wc) with columns zeroed, 1..n - 1 of them in turn along the batch (exact
    rank deficiency)."""
    a = _wc(x, m, n) if wc else _gen(x, m, n, 1)
    k = torch.arange(a.shape[0]).remainder(n - 1).reshape(-1, 1, 1) + 1
    cols = torch.arange(n).reshape(1, 1, n)
    return torch.where(cols >= n - k, torch.zeros_like(a), a)


def _sym_zero(x: torch.Tensor, n: int, wc: bool = False) -> torch.Tensor:
    """Symmetric matrices with their last 1..n - 1 rows and columns zero (exact rank deficiency)."""
    a = _wc(x, n, n) if wc else _gen(x, n, n, 1)
    k = torch.arange(a.shape[0]).remainder(n - 1).reshape(-1, 1, 1) + 1
    idx = torch.arange(n)
    zero = (idx.reshape(1, 1, n) >= n - k) | (idx.reshape(1, n, 1) >= n - k)
    return torch.where(zero, torch.zeros_like(a), a + a.mT)


def _repeated(x: torch.Tensor, n: int) -> torch.Tensor:
    """s (I + u u^T): eigenvalue s repeated n - 1 times."""
    u = _b(x, n, 1, 2)
    return _s(x) * (torch.eye(n, dtype=x.dtype) + u @ u.mT)


def _wc(x: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """Well-conditioned: s (B + 2 max(m, n) I)."""
    return _s(x) * (_b(x, m, n, 3) + 2 * max(m, n) * torch.eye(m, n, dtype=x.dtype))


def _fix(a: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """a [L, m, n] rebuilt by stacking its entries, so that the export knows the matrix dims:
    TorchScript loses every size of a Reshape (or broadcast) against a dynamic batch, and the
    ops are unrolled over them (as _cases_lu._mats; stacked on positive dims)."""
    y = a.reshape(-1, m * n)
    return torch.stack([torch.stack([y[:, i * n + j] for j in range(n)], 1) for i in range(m)], 1)


def _mix(*families: torch.Tensor) -> torch.Tensor:
    """One matrix per value, the families taking turns along the batch (no torch.cat: the
    dynamo exporter's cat rejects the empty sample's all-empty inputs)."""
    k = torch.arange(families[0].shape[0]).remainder(len(families)).reshape(-1, 1, 1)
    out = families[-1]
    for i, f in reversed(list(enumerate(families[:-1]))):
        out = torch.where(k == i, f, out)
    return out


def _safe(x: torch.Tensor) -> torch.Tensor:
    s = _scale(x).abs()
    return torch.where(s > 0, s, torch.ones_like(s))


def _ortho(v: torch.Tensor) -> torch.Tensor:
    """max |V^T V - I| per matrix."""
    k = v.shape[-1]
    return (v.mT @ v - torch.eye(k, dtype=v.dtype)).abs().amax((-2, -1))


def _sym(a: torch.Tensor, uplo: str) -> torch.Tensor:
    """The symmetric matrix eager reads from a's UPLO triangle (a constant mask: no tril at opset 9)."""
    n = a.shape[-1]
    tri = np.tril(np.ones((n, n), dtype=bool)) if uplo == "L" else np.triu(np.ones((n, n), dtype=bool))
    return torch.where(torch.from_numpy(tri), a, a.mT)


def _eigh(x: torch.Tensor, n: int, uplo: str):
    """Eigenvalues / |s|, residual / |s| and orthogonality of eigh on generic and repeated-eigenvalue matrices."""
    a = _mix(_gen(x, n, n), _repeated(x, n))
    s = _safe(x)
    a = _fix(a, n, n)
    w, v = L.eigh(a, UPLO=uplo)
    res = (_sym(a, uplo) @ v - v * w.unsqueeze(-2)).abs().amax((-2, -1))
    return w / s.unsqueeze(-1), res / s, _ortho(v)


def _svd_check(a: torch.Tensor, s: torch.Tensor, u: torch.Tensor, sv: torch.Tensor, vh: torch.Tensor, k: int):
    """(S / |s|, ||U S Vh - A|| / |s|, ||U^T U - I||, ||V^T V - I||); k = min(m, n) (a Python
    int: a traced size would be a dynamic Slice, which opset 9 lacks)."""
    rec = ((u[..., :k] * sv.unsqueeze(-2)) @ vh[..., :k, :] - a).abs().amax((-2, -1))
    return sv / s.unsqueeze(-1), rec / s, _ortho(u), _ortho(vh.mT)


def _svd(x: torch.Tensor, m: int, n: int, full: bool):
    """Singular values / |s|, reconstruction / |s| and orthogonality of U and V."""
    a = _mix(_gen(x, m, n), _zero_cols(x, m, n))
    s = _safe(x)
    a = _fix(a, m, n)
    u, sv, vh = L.svd(a, full_matrices=full)
    return _svd_check(a, s, u, sv, vh, min(m, n))


def _old_svd(x: torch.Tensor, m: int, n: int, some: bool):
    a = _mix(_gen(x, m, n), _zero_cols(x, m, n))
    s = _safe(x)
    a = _fix(a, m, n)
    u, sv, v = torch.svd(a, some=some)
    return _svd_check(a, s, u, sv, v.mT, min(m, n))


def _svd_no_uv(x: torch.Tensor):
    """Zero U and V (exact), S / |s|."""
    u, sv, v = torch.svd(_fix(_gen(x, 3, 4), 3, 4), compute_uv=False)
    return u, sv / _safe(x).unsqueeze(-1), v


def _private_svd(x: torch.Tensor):
    a = _fix(_gen(x, 4, 3), 4, 3)
    u, sv, vh = torch.ops.aten._linalg_svd(a, full_matrices=False, compute_uv=True)
    return _svd_check(a, _safe(x), u, sv, vh, 3)


def _private_eigh(x: torch.Tensor):
    a = _fix(_gen(x, 3, 3), 3, 3)
    w, v = torch.ops.aten._linalg_eigh(a, "U", True)
    s = _safe(x)
    res = (_sym(a, "U") @ v - v * w.unsqueeze(-2)).abs().amax((-2, -1))
    w2, empty = torch.ops.aten._linalg_eigh(a, "L", False)
    return w / s.unsqueeze(-1), res / s, _ortho(v), w2 / s.unsqueeze(-1), empty


def _pinv_rows(x: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """Well-conditioned and rank-deficient matrices (pinv scales as 1 / s: times |s| back to O(1))."""
    return _fix(_mix(_wc(x, m, n), _zero_cols(x, m, n, True)), m, n), _safe(x)


def _pinv(x: torch.Tensor, m: int, n: int, **kw) -> torch.Tensor:
    a, s = _pinv_rows(x, m, n)
    return L.pinv(a, **kw) * s.reshape(-1, 1, 1)


def _pinv_tensor_tol(x: torch.Tensor) -> torch.Tensor:
    a, s = _pinv_rows(x, 4, 3)
    tol = 0.3 * s.reshape(-1)  # batched atol tensor, on the matrices' scale
    return L.pinv(a, atol=tol, rtol=torch.full_like(tol, 1e-3)) * s.reshape(-1, 1, 1)


def _pinverse(x: torch.Tensor, n: int) -> torch.Tensor:
    a, s = _pinv_rows(x, n, n)
    return torch.pinverse(a) * s.reshape(-1, 1, 1)


def _pinv_h(x: torch.Tensor, n: int) -> torch.Tensor:
    w = _wc(x, n, n)
    a = _mix(w + w.mT, _repeated(x, n), _sym_zero(x, n, True))
    s = _safe(x)
    return L.pinv(_fix(a, n, n), hermitian=True) * s.reshape(-1, 1, 1)


def _rank(x: torch.Tensor, m: int, n: int, **kw) -> torch.Tensor:
    return L.matrix_rank(_fix(_mix(_wc(x, m, n), _zero_cols(x, m, n)), m, n), **kw)


def _rank_h(x: torch.Tensor, n: int) -> torch.Tensor:
    return L.matrix_rank(_fix(_sym_zero(x, n), n, n), hermitian=True)


def _cond(x: torch.Tensor, n: int, p, unit: bool = False) -> torch.Tensor:
    """cond of well-conditioned matrices, and of exactly singular ones (inf) for the ps that
    need an inverse; ``unit``: divided by the scale |s| (the zero matrix stays)."""
    a = _wc(x, n, n)
    if p not in (None, 2, -2):
        a = _mix(a, _zero_cols(x, n, n))
    if unit:
        a = a / _safe(x).reshape(-1, 1, 1)
    return L.cond(_fix(a, n, n), p)


def _norm(x: torch.Tensor, m: int, n: int, fn) -> torch.Tensor:
    a = _mix(_gen(x, m, n), _zero_cols(x, m, n))
    s = _safe(x)
    out = fn(_fix(a, m, n))
    return out / (s.reshape(-1, 1, 1) if out.dim() == 3 else s)


# torch.export itself (step 1 of the dynamo export, before any ONNX conversion) fails with the
# rows' dynamic batch dim: linalg_cond(p not None/+-2) calls numel() on a symbolic shape;
# svd(compute_uv=False) and matrix_norm(ord=+-2) specialize it. With a
# static batch they export (checked with static inputs).
_EXPORT = Xfail("torch.export (before any ONNX conversion) fails with a dynamic batch dim", exporter="dynamo")

CASES: list[OpCase] = [
    OpCase("aten::linalg_eigh", lambda x: _eigh(x, 3, "L"), dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP,
           atol=_ATOL, static_dims=_MAT),  # OpInfo linalg.eigh compares eigenvectors: not unique
    OpCase("aten::linalg_eigh", lambda x: _eigh(x, 8, "U"), dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP,
           atol=_ATOL, static_dims=_MAT, label="8x8 U"),
    OpCase("aten::_linalg_eigh", _private_eigh, dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL,
           static_dims=_MAT),
    OpCase("aten::linalg_eigvalsh", lambda x: L.eigvalsh(_fix(_gen(x, 5, 5), 5, 5), UPLO="U") / _safe(x).unsqueeze(-1),
           dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           opinfo=(("linalg.eigvalsh", ""),)),
    OpCase("aten::linalg_svd", lambda x: _svd(x, 5, 3, True), dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP,
           atol=_ATOL, static_dims=_MAT),  # OpInfo linalg.svd compares U and Vh: not unique
    OpCase("aten::linalg_svd", lambda x: _svd(x, 3, 6, False), dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP,
           atol=_ATOL, static_dims=_MAT, label="wide reduced"),
    OpCase("aten::_linalg_svd", _private_svd, dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL,
           static_dims=_MAT),
    OpCase("aten::linalg_svdvals", lambda x: L.svdvals(_fix(_gen(x, 4, 6), 4, 6)) / _safe(x).unsqueeze(-1), dtypes=_F,
           int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("linalg.svdvals", ""),)),
    OpCase("aten::svd", lambda x: _old_svd(x, 4, 3, False), dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP,
           atol=_ATOL, static_dims=_MAT),  # OpInfo svd compares U and V: not unique
    OpCase("aten::svd", _svd_no_uv, dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT,
           label="no uv", xfail=(_EXPORT,)),
    OpCase("aten::linalg_pinv.atol_rtol_tensor", lambda x: _pinv_tensor_tol(x), dtypes=_F, int_dtypes=(), n=_N,
           max_ulp=_PINV_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("linalg.pinv", ""),)),
    OpCase("aten::linalg_pinv.atol_rtol_float", lambda x: _pinv(x, 3, 5), dtypes=_F, int_dtypes=(), n=_N,
           max_ulp=_PINV_ULP, atol=_ATOL, static_dims=_MAT),
    OpCase("aten::linalg_pinv.atol_rtol_float", lambda x: _pinv_h(x, 4), dtypes=_F, int_dtypes=(), n=_N,
           max_ulp=_PINV_ULP, atol=_ATOL, static_dims=_MAT, label="hermitian", opinfo=(("linalg.pinv", "hermitian"),)),
    OpCase("aten::pinverse", lambda x: _pinverse(x, 4),
           dtypes=_F, int_dtypes=(), n=_N, max_ulp=_PINV_ULP, atol=_ATOL, static_dims=_MAT, opinfo=(("pinverse", ""),)),
    OpCase("aten::linalg_matrix_rank.atol_rtol_float", lambda x: _rank(x, 5, 4), dtypes=_F, int_dtypes=(), n=_N,
           static_dims=_MAT, opinfo=(("linalg.matrix_rank", ""), ("linalg.matrix_rank", "hermitian"))),
    OpCase("aten::linalg_matrix_rank.atol_rtol_float", lambda x: _rank_h(x, 4), dtypes=_F, int_dtypes=(), n=_N,
           static_dims=_MAT, label="hermitian"),
    OpCase("aten::linalg_cond", lambda x: _cond(x, 4, None), dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP,
           static_dims=_MAT, opinfo=(("linalg.cond", ""),)),
    OpCase("aten::linalg_cond", lambda x: torch.stack([_cond(x, 3, 1), _cond(x, 3, -float("inf"))]), dtypes=_F,
           int_dtypes=(), n=_N, max_ulp=_ULP, static_dims=_MAT, label="1 -inf", xfail=(_EXPORT,)),
    # Scale-free matrices: eager's own fro/nuc norms overflow (inf) where the matrix entries
    # square beyond the float range; the pack's ratio of singular values does not.
    OpCase("aten::linalg_cond.p_str", lambda x: torch.stack([_cond(x, 3, "fro", True), _cond(x, 3, "nuc", True)]),
           dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, static_dims=_MAT, xfail=(_EXPORT,)),
    OpCase("aten::linalg_matrix_norm", lambda x: _norm(x, 4, 3, lambda a: L.matrix_norm(a, 2)), dtypes=_F,
           int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, xfail=(_EXPORT,)),
    OpCase("aten::linalg_matrix_norm", lambda x: _norm(x, 3, 4, lambda a: L.matrix_norm(a, -2, keepdim=True)),
           dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT, label="-2", xfail=(_EXPORT,)),
    OpCase("aten::linalg_matrix_norm.str_ord", lambda x: _norm(x, 4, 3, lambda a: L.matrix_norm(a, "nuc")),
           dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT),
    OpCase("aten::nuclear_norm.dim", lambda x: _norm(x, 3, 3, lambda a: torch.nuclear_norm(a, dim=(-1, -2))),
           dtypes=_F, int_dtypes=(), n=_N, max_ulp=_ULP, atol=_ATOL, static_dims=_MAT),
]
