"""Test rows of group B6 (read through opset_patches.cases)."""

from __future__ import annotations

import torch

from torch_opfill.cases import Domain, OpCase, Xfail

# The runner's inputs are 1-D sweeps (or (7, 1)/(1, 7) for broadcasting, or empty); the rows
# shape them: _rows gives a dynamic leading dim, _fixed a static shape (zero-padded, so the
# empty sample still runs), _cut (opset >= 11 rows) rows of the sweep itself. _tame keeps NaN
# and +-inf but maps finite values beyond 10 to +-inf (finite=True: NaN and those to 0), so
# that sums of products neither overflow nor depend on summation order. Tolerances are the
# default 4 ULP unless a comment gives the measured error they cover.
_INTS = (torch.int64, torch.int32)


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.reshape(-1)


def _rows(x: torch.Tensor, k: int) -> torch.Tensor:
    """(n, k): column j is x scaled by a small integer (a slice of dynamic length does not
    export at opset 9, so the flat sweep cannot be cut into rows)."""
    x = _flat(x)
    return torch.stack([x * c if c != 1 else x for c in (1, -1, 2, -3, 3, -2, 4, 1, -4, 5, -1, 2)[:k]], dim=1)


def _fixed(x: torch.Tensor, *shape: int) -> torch.Tensor:
    n = 1
    for s in shape:
        n *= s
    return torch.cat((_flat(x), x.new_zeros(n)))[:n].reshape(shape)


def _nonempty(x: torch.Tensor) -> torch.Tensor:
    return torch.cat((_flat(x), x.new_zeros(1)))


def _tame(x: torch.Tensor, finite: bool = False) -> torch.Tensor:
    if not x.is_floating_point():
        return torch.where(x.abs() > 10, torch.zeros_like(x), x)
    if finite:
        return torch.where((x.abs() > 10) | torch.isnan(x), torch.zeros_like(x), x)
    return torch.where(x.abs() > 10, x * float("inf"), x)


def _sum_atol(terms: int, scale: float = 100.0) -> dict[torch.dtype, float]:
    """A few eps of the largest partial sum: summation order is the backend's."""
    return {dt: 4 * terms * scale * torch.finfo(dt).eps for dt in (torch.float32, torch.float64, torch.float16)}


_ULP = {torch.float32: 4, torch.float64: 4, torch.float16: 2}

CASES: list[OpCase] = [
    OpCase("aten::addbmm", lambda s, a, b: torch.addbmm(_fixed(_tame(s), 3, 3), _rows(_tame(a), 12).reshape(-1, 3, 4),
                                                         _rows(_tame(b), 12).reshape(-1, 4, 3), beta=0.5, alpha=2),
           (Domain(), Domain(), Domain()), int_dtypes=(), max_ulp=_ULP),
    OpCase("aten::addbmm", lambda s, a, b: torch.addbmm(_fixed(_tame(s), 3), _rows(_tame(a), 6).reshape(-1, 3, 2),
                                                         _rows(_tame(b), 6).reshape(-1, 2, 3), beta=0, alpha=3),
           (Domain(), Domain(), Domain()), dtypes=(), int_dtypes=_INTS, label="int-beta0"),
    OpCase("aten::addmv", lambda s, m, v: torch.addmv(_rows(_tame(s), 5)[:, 0], _rows(_tame(m), 5), _fixed(_tame(v), 5),
                                                       beta=2, alpha=0.5),
           (Domain(), Domain(), Domain()), int_dtypes=(), max_ulp=_ULP),
    OpCase("aten::addmv", lambda s, m, v: torch.addmv(_fixed(_tame(s), 1), _rows(_tame(m), 5), _fixed(_tame(v), 5), beta=0),
           (Domain(), Domain(), Domain()), int_dtypes=_INTS, max_ulp=_ULP, label="beta0"),
    OpCase("aten::addr", lambda s, a, b: torch.addr(_fixed(_tame(s), 5), _flat(_tame(a)), _fixed(_tame(b), 5),
                                                     beta=3, alpha=2),
           (Domain(), Domain(), Domain()), int_dtypes=_INTS, max_ulp=_ULP),
    OpCase("aten::addr", lambda s, a, b: torch.addr(_fixed(s, 5) > 0, _flat(a) > 0, _fixed(b, 5) < 0),
           (Domain(), Domain(), Domain()), int_dtypes=(), dtypes=(torch.float32,), label="bool"),
    OpCase("aten::addcdiv", lambda s, a, b: torch.addcdiv(s, a, b, value=0.5), (Domain(), Domain(), Domain()),
           int_dtypes=(), max_ulp={torch.float32: 1, torch.float64: 1, torch.float16: 1}, opinfo=(("addcdiv", ""),)),
    OpCase("aten::inner", lambda a, b: torch.inner(_rows(_tame(a), 4), _fixed(_tame(b), 3, 4)), (Domain(), Domain()),
           int_dtypes=_INTS, max_ulp=_ULP, opinfo=(("inner", ""),)),
    # Sums of ~3000 products that cancel: judged on the partial sums' scale (measured 1.5e-5 / 5.7e-14).
    OpCase("aten::vdot", lambda a, b: torch.vdot(_flat(_tame(a, True)), _flat(_tame(b, True))).reshape(1),
           (Domain(), Domain()), int_dtypes=_INTS, atol={torch.float32: 1e-4, torch.float64: 2e-13}, max_ulp=_ULP,
           opinfo=(("vdot", ""),)),
    *(OpCase("aten::dist", lambda a, b, p=p: torch.dist(_nonempty(_tame(a, True)), _nonempty(_tame(b, True)), p).reshape(1),
             (Domain(), Domain()), int_dtypes=(), label=f"p{p}",
             max_ulp={torch.float32: 16, torch.float64: 16, torch.float16: 2} if p == 1 else _ULP)
      for p in (2, 1, 0, float("inf"), 3)),  # p = 1: a sum of ~3000 terms (measured 8 ULP)
    OpCase("aten::dist", lambda a, b: torch.dist(a, b).reshape(1), (Domain(), Domain()), int_dtypes=(), max_ulp=_ULP,
           label="nan"),
    OpCase("aten::renorm", lambda x: torch.renorm(_rows(_tame(x), 4), 2, 0, 5.0), int_dtypes=(), max_ulp=_ULP,
           opinfo=(("renorm", ""),)),
    OpCase("aten::renorm", lambda x: torch.renorm(_rows(_tame(x), 4), 1, -1, 50.0), int_dtypes=(),
           max_ulp=_ULP, label="p1-cols"),
    OpCase("aten::trapezoid.dx", lambda y: torch.trapezoid(_rows(_tame(y), 5), dx=0.5), int_dtypes=_INTS,
           atol=_sum_atol(5, 10.0), max_ulp=_ULP, opinfo=(("trapezoid", ""),)),
    OpCase("aten::trapezoid.dx", lambda y: torch.trapezoid(_rows(_nonempty(_tame(y)), 4), dim=0), int_dtypes=_INTS,
           max_ulp=_ULP, label="dim0"),
    OpCase("aten::trapezoid.x", lambda y, x: torch.trapezoid(_rows(_tame(y), 5), _rows(_tame(x), 5), dim=-1),
           (Domain(), Domain()), int_dtypes=_INTS, max_ulp=_ULP),
    OpCase("aten::trapezoid.x", lambda y, x: torch.trapezoid(_rows(_tame(y), 4), _fixed(_tame(x), 4), dim=1),
           (Domain(), Domain()), int_dtypes=(), max_ulp=_ULP, label="x1d"),
    OpCase("aten::trapz.dx", lambda y: torch.trapz(_rows(_tame(y), 5), dx=2.0), int_dtypes=_INTS,
           atol=_sum_atol(5, 10.0), max_ulp=_ULP),
    OpCase("aten::trapz.x", lambda y, x: torch.trapz(_rows(_tame(y), 5), _rows(_tame(x), 5)), (Domain(), Domain()),
           int_dtypes=(torch.int64,), max_ulp=_ULP),
    OpCase("aten::sum_to_size", lambda x: _rows(_tame(x), 8).reshape(-1, 2, 4).sum_to_size(1, 4), int_dtypes=_INTS,
           max_ulp=_ULP),
    OpCase("aten::argwhere", lambda x: torch.argwhere(_rows(x, 4)), int_dtypes=_INTS, opinfo=(("argwhere", ""),)),
    OpCase("aten::masked_select", lambda x, m: torch.masked_select(x, m > 0), (Domain(), Domain()), int_dtypes=_INTS,
           opinfo=(("masked_select", ""),)),
]


def _cut(x: torch.Tensor, k: int) -> torch.Tensor:
    """(n, k) rows cut from the flat sweep, zero-padded to at least one row (opset >= 11 rows:
    a slice of dynamic length exports there)."""
    x = torch.cat((_flat(x), x.new_zeros(k)))
    return x[: x.shape[0] // k * k].reshape(-1, k)


_F = (torch.float32, torch.float64)
_CDIST = (Domain(), Domain())


def _cdist_row(label: str, fn, max_ulp=_ULP, **kw) -> OpCase:
    return OpCase("aten::cdist", fn, _CDIST, dtypes=_F, int_dtypes=(), max_ulp=max_ulp, label=label, **kw)


CASES += [
    # More than 25 points: eager (and this) take the matrix-product form.
    # OpInfo's random samples through the matrix-product form cancel (measured 6.9e-6 / 4.4e-15).
    _cdist_row("", lambda a, b: torch.cdist(_cut(_tame(a), 3), _fixed(_tame(b), 6, 3)),
               atol={torch.float32: 2e-5, torch.float64: 2e-14},
               opinfo=(("cdist", ""),)),
    _cdist_row("small", lambda a, b: torch.cdist(_fixed(_tame(a), 2, 5, 3), _fixed(_tame(b), 2, 4, 3))),
    _cdist_row("mm", lambda a, b: torch.cdist(_fixed(_tame(a), 5, 3), _cut(_tame(b), 3), compute_mode="use_mm_for_euclid_dist")),
    _cdist_row("no-mm", lambda a, b: torch.cdist(_cut(_tame(a), 3), _fixed(_tame(b), 4, 3),
                                                  compute_mode="donot_use_mm_for_euclid_dist")),
    # p = 3: x^3 and x^(1/3) in onnxruntime's Pow (measured 14 ULP in float32).
    *(_cdist_row(f"p{p}", lambda a, b, p=p: torch.cdist(_cut(_tame(a), 3), _fixed(_tame(b), 1, 4, 3), p=p),
                 max_ulp={torch.float32: 16, torch.float64: 4} if p == 3.0 else _ULP)
      for p in (1.0, 0.0, float("inf"), 0.5, 3.0)),
    OpCase("aten::pdist", lambda x: torch.pdist(_cut(_tame(x), 3)[:40]), dtypes=_F, int_dtypes=(), max_ulp=_ULP),
    OpCase("aten::pdist", lambda x: torch.pdist(_cut(_tame(x), 4)[:30], p=1.5), dtypes=_F, int_dtypes=(), max_ulp=_ULP,
           atol={torch.float32: 1e-30},  # underflowing |d|^1.5 sums (measured 6e-35)
           label="p1.5"),
    OpCase("aten::pdist", lambda x: torch.pdist(_cut(_tame(x), 2)[:30], p=float("inf")), dtypes=_F, int_dtypes=(),
           label="pinf"),
    OpCase("aten::cumulative_trapezoid.dx", lambda y: torch.cumulative_trapezoid(_cut(_tame(y), 6), dx=0.5),
           int_dtypes=_INTS, max_ulp=_ULP),
    OpCase("aten::cumulative_trapezoid.dx", lambda y: torch.cumulative_trapezoid(_cut(_tame(y), 4), dim=0),
           int_dtypes=(), max_ulp=_ULP, label="dim0"),
    OpCase("aten::cumulative_trapezoid.x", lambda y, x: torch.cumulative_trapezoid(_cut(_tame(y), 5), _cut(_tame(x), 5)),
           (Domain(), Domain()), int_dtypes=_INTS, max_ulp=_ULP),
]

_Q = (0.0, 0.1, 0.25, 0.5, 0.7, 0.9, 1.0)


def _q(x: torch.Tensor) -> torch.Tensor:
    return torch.tensor(_Q, dtype=x.dtype)


_QUANTILE = dict(dtypes=_F, int_dtypes=(), max_ulp={torch.float32: 0, torch.float64: 2})
CASES += [
    *(OpCase("aten::quantile", lambda x, m=m: torch.quantile(_cut(x, 7), _q(x), dim=1, interpolation=m), **_QUANTILE,
             label=m)
      for m in ("linear", "lower", "higher", "midpoint", "nearest")),
    OpCase("aten::quantile", lambda x: torch.quantile(_cut(x, 6), _q(x), dim=0, keepdim=True), **_QUANTILE, label="cols",
           opinfo=(("quantile", ""),)),
    OpCase("aten::quantile.scalar", lambda x: torch.quantile(_cut(x, 5), 0.3, dim=-1, keepdim=True), **_QUANTILE),
    OpCase("aten::quantile.scalar", lambda x: torch.quantile(_nonempty(x), 0.75, interpolation="midpoint").reshape(1),
           **_QUANTILE, label="all"),
    *(OpCase("aten::nanquantile", lambda x, m=m: torch.nanquantile(_cut(x, 7), _q(x), dim=1, interpolation=m),
             **_QUANTILE, label=m)
      for m in ("linear", "nearest", "midpoint")),
    OpCase("aten::nanquantile", lambda x: torch.nanquantile(_nonempty(x), _q(x), keepdim=True), **_QUANTILE,
           label="all", opinfo=(("nanquantile", ""),)),
    OpCase("aten::nanquantile.scalar", lambda x: torch.nanquantile(_cut(x, 4), 0.4, dim=0, interpolation="lower"),
           **_QUANTILE),
]


def _runs(x: torch.Tensor) -> torch.Tensor:
    """The sweep with runs: each value repeated (1, 2 or 3 times), NaNs included."""
    x = _flat(x)
    return torch.stack((x, x, _round(x)), dim=1).reshape(-1)


def _round(x: torch.Tensor) -> torch.Tensor:
    return x.round() if x.is_floating_point() else x  # torchlib emits Round for integers too


CASES += [
    OpCase("aten::unique_consecutive", lambda x: torch.unique_consecutive(_runs(x)), int_dtypes=_INTS,
           opinfo=(("unique_consecutive", ""),)),
    OpCase("aten::unique_consecutive", lambda x: torch.unique_consecutive(_runs(x).reshape(-1, 3), return_inverse=True,
                                                                          return_counts=True),
           int_dtypes=_INTS, label="inverse"),
    OpCase("aten::unique_consecutive", lambda x: torch.unique_consecutive(_cut(_round(_runs(x)), 2) % 2, return_counts=True,
                                                                          dim=0),
           int_dtypes=_INTS, label="dim"),
]

_NO_EXPORT = Xfail("torch.export cannot trace ATen's cov (CompositeImplicitAutograd; corrcoef calls it), static "
                   "shapes too: it tests norm_factor <= 0 on the data (aten.equal: DataDependentOutputException) "
                   "and reads self.size(i) as ints; not an ONNX gap", exporter="dynamo")
CASES += [
    # Integer inputs: sums of ~3000 centred terms in float32, in eager's BLAS order (measured 2.6e-5).
    OpCase("aten::cov", lambda x: torch.cov(_rows(_tame(x), 3).T), int_dtypes=_INTS, atol={torch.float32: 1e-4},
           max_ulp=_ULP, xfail=(_NO_EXPORT,)),
    OpCase("aten::cov", lambda x, f, a: torch.cov(_rows(_nonempty(_tame(x)), 2).T, correction=0,
                                                  fweights=_nonempty(_tame(f, True)).abs().long() % 3 + 1,
                                                  aweights=_nonempty(_tame(a, True)).abs() % 2 + 0.5),
           (Domain(), Domain(), Domain()), int_dtypes=(), dtypes=_F, max_ulp=_ULP,
           xfail=(_NO_EXPORT,), label="weights"),
    OpCase("aten::corrcoef", lambda x: torch.corrcoef(_rows(_tame(x, True), 3).T), int_dtypes=_INTS, dtypes=_F,
           atol={torch.float64: 2e-14},  # cov / (std std) near 0 (measured 8e-15)
           max_ulp=_ULP, xfail=(_NO_EXPORT,)),
]

CASES += [
    OpCase("aten::bilinear", lambda a, b, w: torch.nn.functional.bilinear(_rows(_tame(a), 4), _rows(_tame(b), 5),
                                                                          _fixed(_tame(w), 3, 4, 5), _fixed(_tame(w), 3)),
           (Domain(), Domain(), Domain()), int_dtypes=(), max_ulp=_ULP,
           atol={torch.float32: 4e-6, torch.float64: 1e-14},  # OpInfo samples cancel (measured 9.5e-7 / 3.6e-15)
           opinfo=(("nn.functional.bilinear", ""),)),
    OpCase("aten::bilinear", lambda a, b, w: torch.nn.functional.bilinear(_rows(_tame(a), 4).reshape(-1, 2, 2),
                                                                          _rows(_tame(b), 6).reshape(-1, 2, 3),
                                                                          _fixed(_tame(w), 1, 2, 3)),
           (Domain(), Domain(), Domain()), int_dtypes=(torch.int64,), max_ulp=_ULP, label="batched"),
]

CASES += [
    OpCase("aten::histogram.bin_ct", lambda x: torch.histogram(_flat(_tame(x, True)), bins=7), dtypes=_F, int_dtypes=(),
           max_ulp={torch.float32: 0, torch.float64: 2}),
    OpCase("aten::histogram.bin_ct", lambda x, w: torch.histogram(x, bins=5, range=(-3.0, 100.0), weight=w.abs(),
                                                                  density=True),
           (Domain(), Domain(-10.0, 10.0)), dtypes=_F, int_dtypes=(), max_ulp={torch.float32: 2, torch.float64: 2},
           label="range"),
]


def _tall(x: torch.Tensor, k: int) -> torch.Tensor:
    """_rows with n >= 3 rows (three zeros appended to the sweep): torch.gradient needs
    edge_order + 1 points along every dim it differentiates."""
    return _rows(torch.cat((_flat(x), x.new_zeros(3))), k)


def _coords(r: torch.Tensor) -> torch.Tensor:
    """Strictly increasing coordinates, one per row of r, computed in the graph (so the
    export keeps the row count dynamic): steps of 1, 2 or 3, in r's dtype (int64 for ints)."""
    i = torch.arange(r.shape[0])
    c = i * 2 + (r[:, 0] > 0).to(torch.int64)
    return c.to(r.dtype) if r.is_floating_point() else c


# torch.export specializes every dim of torch.gradient's input: ATen's pre_check_gradient
# (CompositeImplicitAutograd, run by torch.export before any ONNX step) reads self.size(i) as
# an int, which guards each dim to its traced size. Static-shape dynamo exports work (exact).
# torch.jit.trace cannot record a Scalar[] argument (spacing=[0.5, 2.0]): TorchScript never
# reaches the Scalar[] overloads, nor torch's OpInfo samples of gradient that use them (so no
# opinfo here; the rows cover the other samples' arguments).
_GRAD_SPECIALIZES = Xfail("torch.export specializes every dim of gradient's input (ATen's pre_check_gradient "
                          "reads self.size(i) as an int); static shapes export; not an ONNX gap",
                          exporter="dynamo")
_GRAD = dict(dtypes=_F, int_dtypes=(torch.int64,), max_ulp={torch.float32: 0, torch.float64: 0}, n=60,
             xfail=(_GRAD_SPECIALIZES,))
CASES += [
    OpCase("aten::gradient.scalarint", lambda x: torch.gradient(_tall(x, 4), spacing=2.0),
           **{**_GRAD, "int_dtypes": _INTS}),
    OpCase("aten::gradient.scalarint", lambda x: torch.gradient(_tall(x, 4), dim=-2, edge_order=2), **_GRAD,
           label="edge2"),
    # Coordinates of the dynamic dim computed in the graph, constant float64 ones along the
    # other (eager's promotion: float64 inside, the data's dtype at the ends, concatenated).
    OpCase("aten::gradient.tensorarray", lambda x: torch.gradient(
        _tall(x, 4), spacing=(_coords(_tall(x, 4)), torch.tensor([0.0, 0.5, 2.0, 2.25], dtype=torch.float64)),
        dim=[0, -1], edge_order=2), **_GRAD),
    # edge_order 1, and a dim of size 0 besides the one differentiated.
    OpCase("aten::gradient.tensorarrayint", lambda x: (
        *torch.gradient(_tall(x, 2), spacing=(_coords(_tall(x, 2)),), dim=0),
        *torch.gradient(_tall(x, 4)[:, :0], spacing=(_coords(_tall(x, 4)),), dim=0)), **_GRAD),
]
