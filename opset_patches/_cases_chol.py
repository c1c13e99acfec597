"""Test rows of group LC: triangular solves, Cholesky, QR, vander, vecdot (read through
opset_patches.cases).

The ops are unrolled over the matrix size, which must be static in the export. Rows take
the generated flat inputs and build a batch of small matrices inside the callable
(``_mats``: one matrix per input element, from the next r*c values, circularly), so the
batch dim is dynamic and the matrix dims are constants; no dynamic slicing is traced (opset
9 has none). Entries go through tanh: edge values become 0, -0, tiny, denormal, +-1 (from
huge and inf) and nan; inf itself is kept out of solves, where eager's inf/nan pattern
depends on the BLAS kernel's operation order. Matrices are made well conditioned by a
diagonal shift where a row compares factors directly; for ill-conditioned and
rank-deficient inputs rows compare what is unique instead (Q R and Q^T Q; the backward
error |A X - B| / (|A||X| + |B|)). Several variants share one export (one row per op):
the dynamo exporter's optimizer takes seconds per graph.

Every row also runs torch's OpInfo samples for its op (matrix dims static, batch dims
dynamic; the flat sweep inputs lack a matrix dim and stay dynamic).

Tolerances: errors of these algorithms are a few eps times the size of the result's
entries (summation order differs from the BLAS kernels'), so rows take an atol on the
data's scale: ``_ATOL`` (float32 2**-18 ~ 4e-6, float64 2**-47 ~ 7e-15; the entries here
are O(1)) and the default ULP bound for larger values.
"""

from __future__ import annotations

import torch

from torch_opfill.cases import OpCase, Xfail

_F = (torch.float32, torch.float64)
_ATOL = {torch.float32: 2.0**-18, torch.float64: 2.0**-47}
_ULP = {torch.float32: 8, torch.float64: 8}
_SWEEP = 200  # sweep points per argument: each becomes one small matrix


def _mats(x: torch.Tensor, r: int, c: int) -> torch.Tensor:
    """(len(x), r, c) matrices: matrix b holds x[b], x[b+1], ... (circularly), row-major.
    Built by stacking (static matrix dims in both exporters; opset 9's Reshape loses them)."""
    x = x.reshape(-1)
    shifted = [x] + [torch.cat([x[s:], x[:s]]) for s in range(1, r * c)]
    return torch.stack([torch.stack(shifted[i * c:(i + 1) * c], 1) for i in range(r)], 1)


def _other(x: torch.Tensor, r: int, c: int) -> torch.Tensor:
    """A second operand from the same input (one input: one export per row, not two):
    tanh(3 x) on windows of another shape, so not a function of the first's entries."""
    return torch.tanh(_mats(x, r, c) * 3.0)


def _t(x: torch.Tensor) -> torch.Tensor:
    """Entries in [-1, 1] (nan kept): tiny and denormal values survive, huge and inf -> +-1."""
    return torch.tanh(x)


def _clean(x: torch.Tensor) -> torch.Tensor:
    """nan -> 0, for ops eager raises on where a nan reaches a pivot."""
    return torch.where(torch.isnan(x), 0.0, x)


def _eye(r: int, c: int, x: torch.Tensor) -> torch.Tensor:
    return torch.eye(r, c, dtype=x.dtype)


def _mT(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(1, 2)  # rank-3 batches here; TorchScript's opset 9 has no mT


# Triangle masks as constants: opset 9 has no Trilu.
_ONES = {n: torch.ones(n, n, dtype=torch.bool) for n in (3, 4)}
_MASKS = {(n, lower): _ONES[n].tril() if lower else _ONES[n].triu()
          for n in (3, 4) for lower in (True, False)}


def _tri(a: torch.Tensor, n: int, lower: bool) -> torch.Tensor:
    """The triangle an op reads, the rest 0."""
    return torch.where(_MASKS[n, lower], a, 0.0)


def _garbage_above(s: torch.Tensor, g: torch.Tensor, n: int, lower: bool) -> torch.Tensor:
    """``s`` with the triangle the op must not read replaced by raw values (nan, inf, huge)."""
    return torch.where(_MASKS[n, lower], s, g)


def _t_inf(x: torch.Tensor) -> torch.Tensor:
    """Finite values into [-1, 1] by tanh, +-inf and nan kept."""
    # isinf needs opset 10, and the dynamo exporter stores a float64 bound like 1.8e308 as a
    # float32 constant (inf): |x| > |x| / 2 fails for inf alone (and 0, nan).
    a = x.abs()
    inf = ~(a > a * 0.5) & (a > 0)
    return torch.where(inf, x, torch.tanh(x))


def _no_denormal(x: torch.Tensor) -> torch.Tensor:
    """Values below 1e-30 (denormals, float32's and float64's, among them) flushed to a signed
    0: onnxruntime does not keep every denormal (its float32 Mul takes denormal x inf as
    0 x inf). The bound is a float32 constant in both exporters (a float64 one would not be)."""
    return torch.where(x.abs() < 1e-30, x * 0.0, x)


# --------------------------------------------------------------------------- triangular solves
_N = 3


_A_CONST = torch.tensor([[2.0, -0.5, 0.25], [0.75, 3.0, -1.0], [-0.125, 0.5, 2.5]])
_B_CONST = torch.tensor([[1.0, -2.0], [0.5, 0.0], [-0.25, 3.0]])


def _solve_all(a):
    """Every flag combination in one export, on well-conditioned triangles (entries in
    [-1, 1], diagonal shifted by n): lower; upper, left=False, unitriangular (the diagonal
    not read); batch dims broadcast both ways (constant A against a batch of B, a batch of
    A against a constant B). Then ill-conditioned lower triangles (diagonal in [1e-3, 2]):
    X is ill-conditioned (eager's and the export's differ by cond * eps), its backward error
    is not: |A X - B| / (|A| |X| + |B|), a few eps for both."""
    ma, mb = _t(_mats(a, _N, _N)), _other(a, _N, 2)
    A = ma + _N * _eye(_N, _N, ma)
    solve = torch.linalg.solve_triangular
    out = (solve(A, mb, upper=False),
           solve(A, _mT(mb), upper=True, left=False, unitriangular=True),
           solve(_A_CONST.to(A.dtype), mb, upper=True),
           solve(A, _B_CONST.to(A.dtype), upper=False))
    # Denormals flushed here: a denormal quotient rounds to 0 or not, a residual of 1 or 0.
    ill = _tri(_no_denormal(ma) + (1e-3 + ma.abs()) * _eye(_N, _N, ma), _N, lower=True)
    B = _no_denormal(mb)
    X = solve(ill, B, upper=False)
    scale = ill.abs() @ X.abs() + B.abs()
    return (*out, (ill @ X - B).abs() / torch.where(scale > 0, scale, 1.0))


def _triangular_solve_all(a):
    """upper (default); lower, transpose, unitriangular; a constant A against a batch of B
    (cloned_coefficient expanded to the batch, as eager)."""
    ma, B = _t(_mats(a, _N, _N)), _other(a, _N, 2)
    A = ma + _N * _eye(_N, _N, ma)
    return (*torch.triangular_solve(B, A),
            *torch.triangular_solve(B, A, upper=False, transpose=True, unitriangular=True),
            *torch.triangular_solve(B, _A_CONST.to(B.dtype), transpose=True))


_SOLVE = dict(dtypes=_F, int_dtypes=(), max_ulp=_ULP, atol=_ATOL, n=_SWEEP, static_dims=(-2, -1))

_TRI_ROWS = [
    OpCase("aten::linalg_solve_triangular", _solve_all, opinfo=(("linalg.solve_triangular", ""),),
           **_SOLVE),
    OpCase("aten::triangular_solve", _triangular_solve_all, opinfo=(("triangular_solve", ""),),
           **_SOLVE),
]

# --------------------------------------------------------------------------- Cholesky
_C = 3


def _chol_indefinite(x: torch.Tensor):
    """Matrices read as symmetric from one triangle (the other holds raw input: inf, nan,
    huge), positive definite or not (measured float64: 180 of 321 factor, 1 / 79 / 61 fail
    at order 1 / 2 / 3), nan kept: info and eager's partial L are compared."""
    m = _mats(x, _C, _C)
    s = _t(m) + 1.5 * _eye(_C, _C, m)
    return (*torch.linalg.cholesky_ex(_garbage_above(s, m * 7.0, _C, True)),
            *torch.linalg.cholesky_ex(_garbage_above(s, m * 7.0, _C, False), upper=True))


_CHOL = dict(dtypes=_F, int_dtypes=(), max_ulp=_ULP, atol=_ATOL, n=_SWEEP, static_dims=(-2, -1))
# Indefinite inputs have leading minors near 0: the pivots after a tiny positive one are
# differences of large terms (measured: float32 42 ULP, float64 118 ULP beyond atol).
_INDEF = dict(_CHOL, max_ulp={torch.float32: 256, torch.float64: 256})


def _chol_both(fn):
    """Lower and upper factors of one batch of SPD matrices (the unread triangle raw input)."""

    def both(x):
        m = _mats(x, _C, _C)
        X = _t(_clean(m))
        s = X @ _mT(X) + _eye(_C, _C, X)
        return fn(_garbage_above(s, m, _C, True)), fn(_garbage_above(s, m, _C, False), upper=True)

    return both


_CHOL_ROWS = [
    OpCase("aten::linalg_cholesky", _chol_both(torch.linalg.cholesky), opinfo=(("linalg.cholesky", ""),),
           **_CHOL),
    OpCase("aten::cholesky", _chol_both(torch.cholesky), opinfo=(("cholesky", ""),), **_CHOL),
    OpCase("aten::linalg_cholesky_ex", _chol_indefinite, label="indefinite",
           opinfo=(("linalg.cholesky_ex", ""),), **_INDEF),
]


def _chol_solve_both(a):
    B, m = _other(a, _C, 2), _mats(a, _C, _C)
    f = _t(_clean(m)) * 0.5 + 1.5 * _eye(_C, _C, m)  # well-conditioned factors, positive diagonal
    lo, up = _garbage_above(f, m, _C, True), _garbage_above(f, m, _C, False)
    return torch.cholesky_solve(B, lo), torch.cholesky_solve(B, up, upper=True)


def _chol_inverse_both(a):
    m = _mats(a, _C, _C)
    f = _t(_clean(m)) * 0.5 + 1.5 * _eye(_C, _C, m)
    return (torch.cholesky_inverse(_garbage_above(f, m, _C, True)),
            torch.cholesky_inverse(_garbage_above(f, m, _C, False), upper=True))


_CHOL_ROWS += [
    OpCase("aten::cholesky_solve", _chol_solve_both, opinfo=(("cholesky_solve", ""),), **_CHOL),
    OpCase("aten::cholesky_inverse", _chol_inverse_both, opinfo=(("cholesky_inverse", ""),), **_CHOL),
]

# --------------------------------------------------------------------------- QR


def _qr_all(x: torch.Tensor):
    """Complete (tall: Q square), reduced on a wide matrix and mode 'r' (Q empty, as eager)
    on well-conditioned matrices: entries in [-1/4, 1/4] plus 2 on the diagonal (nan -> 0),
    where Householder QR is unique once LAPACK's sign convention is fixed. Then reduced on
    any 4 x 3 matrix (entries in [-1, 1]: exactly or nearly dependent columns from the +-1
    tanh makes of huge values, zeros, tiny entries), where a reflector's sign follows a
    rounding-level remainder: Q R and Q^T Q, unique where Q's late columns are not."""
    m = _t(_clean(_mats(x, 4, 3)))
    a = m * 0.25 + 2.0 * _eye(4, 3, m)
    q, r = torch.linalg.qr(m)
    return (*torch.linalg.qr(a[:, :, :2], mode="complete"), *torch.linalg.qr(_mT(a[:, :3, :2])),
            *torch.linalg.qr(a[:, :3], mode="r"), q @ r, _mT(q) @ q)


def _qr_input(x: torch.Tensor, m: int, n: int) -> torch.Tensor:
    a = _t(_clean(_mats(x, m, n)))
    return a * 0.25 + 2.0 * _eye(m, n, a)


_QR = dict(dtypes=_F, int_dtypes=(), max_ulp=_ULP, atol=_ATOL, n=_SWEEP, static_dims=(-2, -1))
_NO_FAKE_GEQRF = (Xfail("torch.export cannot trace aten.geqrf with a dynamic batch dim "
                        "(UnsupportedOperatorException in step 1/3, before any ONNX conversion; "
                        "static shapes export through the pack)", exporter="dynamo"),)

_QR_ROWS = [
    OpCase("aten::linalg_qr", _qr_all, opinfo=(("linalg.qr", ""),), **_QR),
    OpCase("aten::geqrf", lambda x: torch.geqrf(_qr_input(x, 4, 3)), xfail=_NO_FAKE_GEQRF,
           opinfo=(("geqrf", ""),), **_QR),
    # Reflector data with zeros, tiny and denormal entries and taus in [0, 2] (nan -> 0: where a
    # nan spreads inside LAPACK's org2r depends on its zero-skipping scans, not on the math).
    OpCase("aten::linalg_householder_product",
           lambda a: torch.linalg.householder_product(_t(_clean(_mats(a, 4, 3))),
                                                      _other(_clean(a), 1, 2)[:, 0] + 1.0),
           opinfo=(("linalg.householder_product", ""),), **_QR),
    OpCase("aten::orgqr",
           lambda a: torch.orgqr(_t(_clean(_mats(a, 3, 3))), _other(_clean(a), 1, 3)[:, 0] + 1.0), **_QR),
]

# --------------------------------------------------------------------------- vander, vecdot
_EXACT = {torch.float32: 0, torch.float64: 0}
_VANDER_ROW = torch.tensor([1, -2, 3])  # int: x * it stays int64 for int64 rows
_NO_ATOL = {torch.float32: 0.0, torch.float64: 0.0}

_VEC_ROWS = [
    # N = x's length 3 (rows x (1, -2, 3), no Concat: the flat input is static here, and
    # the dynamo exporter rejects Concat of empty tensors) and N = 6; every edge value and the
    # full range: overflow to inf, and int64 wrap-around from the +-1e6 clipped int inputs,
    # as eager's cumprod. x's last dim static (N = None needs it; OpInfo has 1-D samples).
    OpCase("aten::linalg_vander",
           lambda x: (torch.linalg.vander(x[:, None] * _VANDER_ROW.to(x.dtype)), torch.linalg.vander(x, N=6)),
           dtypes=_F, max_ulp=_EXACT, atol=_NO_ATOL, n=_SWEEP, static_dims=(-1,),
           opinfo=(("linalg.vander", ""),)),
    # The TensorRT form keeps float32 (eager accumulates its powers in float64): x^5 rounded
    # 4 times (measured 2 ULP).
    OpCase("aten::linalg_vander", lambda x: torch.linalg.vander(x, N=6), dtypes=(torch.float32,),
           int_dtypes=(), max_ulp={torch.float32: 4}, atol={torch.float32: 0.0}, label="tensorrt",
           target="tensorrt", n=_SWEEP),
    # The sum's order differs from eager's cascade: a few eps of sum |x y| (finite entries in
    # [-1, 1], so no sum overflows, where the order would decide; inf and nan kept). y's
    # denormals are flushed: onnxruntime's float32 Mul takes a denormal times inf as 0 x inf.
    OpCase("aten::linalg_vecdot",
           lambda x: (torch.linalg.vecdot(_t_inf(_mats(x, 1, 5))[:, 0],
                                          _no_denormal(_other(x, 1, 7)[:, 0, 2:])),
                      torch.linalg.vecdot(_t(_mats(x, 1, 4))[:, 0].T, _other(x, 1, 6)[:, 0, 2:].T, dim=0)),
           int_dtypes=(), n=_SWEEP, opinfo=(("linalg.vecdot", ""),),
           atol={torch.float32: 2.0**-20, torch.float64: 2.0**-49, torch.float16: 2.0**-8}),
]

CASES: list[OpCase] = _TRI_ROWS + _CHOL_ROWS + _QR_ROWS + _VEC_ROWS
