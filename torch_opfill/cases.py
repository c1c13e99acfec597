"""Declarative test rows for pack ops, read by the test suite and ``python -m torch_opfill.check``.

A pack ships its rows as ``CASES`` in a ``cases`` submodule (``opset_patches/cases.py``)::

    OpCase("aten::erfinv", torch.erfinv, (Domain(-1, 1),), max_ulp={torch.float32: 4})

Inputs are generated, seeded, from each argument's :class:`Domain`: a dense sweep of the
domain (log-spaced magnitudes of both signs, plus uniform points where it is bounded) and the
edge values every float op must get right (±0, ±1, tiny, denormal, huge, ±inf, nan), in every
dtype the row lists. Values outside the domain are kept: eager defines them (nan, usually) and
the export must agree.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

FLOAT_DTYPES = (torch.float32, torch.float64, torch.float16)
DEFAULT_SWEEP = 2000
DENSE_SWEEP = 100_000
DEFAULT_MAX_ULP = {torch.float32: 4, torch.float64: 4, torch.float16: 1, torch.bfloat16: 1}


@dataclasses.dataclass(frozen=True)
class Domain:
    """Where an argument's values are drawn from; ``lo``/``hi`` may be infinite."""

    lo: float = -math.inf
    hi: float = math.inf
    special: tuple[float, ...] = ()  # extra points that matter to this op (poles, branch edges)
    integer: bool = False  # only integral values (polygamma's n, say)


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """Polygraphy semantics: an element fails only where abs error > atol AND rel error > rtol."""

    atol: float
    rtol: float


@dataclasses.dataclass(frozen=True)
class Xfail:
    reason: str
    exporter: str | None = None  # "torchscript" / "dynamo" / None = both
    dtype: torch.dtype | None = None
    opinfo_only: bool = False  # only where torch's OpInfo samples are checked too (they cause it)


@dataclasses.dataclass(frozen=True)
class OpCase:
    """One row: an ATen op, the eager callable that reaches it, and how to judge it."""

    name: str
    fn: Callable[..., Any]
    domains: tuple[Domain, ...] = (Domain(),)
    dtypes: tuple[torch.dtype, ...] = (torch.float32, torch.float64, torch.float16)
    int_dtypes: tuple[torch.dtype, ...] = (torch.int64,)  # eager promotes these; () if it rejects them
    max_ulp: dict[torch.dtype, int] = dataclasses.field(default_factory=dict)
    atol: dict[torch.dtype, float] = dataclasses.field(default_factory=dict)
    xfail: tuple[Xfail, ...] = ()
    label: str = ""  # distinguishes several rows of one op
    # Sweep points per argument when the caller gives none (None: DEFAULT_SWEEP). The
    # elementwise rows take 10**5; rows whose cost grows faster than the input keep it small.
    n: int | None = None
    # torch's OpInfo entries whose samples (all of them, float32/float64) are also checked:
    # (name, variant_test_name), e.g. ("polygamma", "polygamma_n_2"); variant "" = the plain one.
    opinfo: tuple[tuple[str, str], ...] = ()
    # The torch_opfill.target the row is exported for: "tensorrt" rows check an op's
    # TensorRT-deployable alternative (label them, e.g. label="tensorrt").
    target: str = "onnx"
    # Dims (negative: from the end) every tensor argument keeps static in the export; all
    # others are dynamic. For ops unrolled over a size: (-2, -1) for a matrix's.
    static_dims: tuple[int, ...] = ()

    @property
    def id(self) -> str:
        return self.name.split("::")[1] + (f"[{self.label}]" if self.label else "")

    def ulp_bound(self, dtype: torch.dtype) -> int:
        return self.max_ulp.get(dtype, DEFAULT_MAX_ULP.get(dtype, 0))

    def tolerance(self, dtype: torch.dtype) -> Tolerance:
        if not dtype.is_floating_point:
            return Tolerance(0.0, 0.0)
        eps = torch.finfo(dtype).eps
        return Tolerance(self.atol.get(dtype, torch.finfo(dtype).tiny), self.ulp_bound(dtype) * eps)

    def xfail_reason(self, exporter: str, dtype: torch.dtype, opinfo: bool = True) -> str | None:
        for x in self.xfail:
            if x.opinfo_only and not (opinfo and self.opinfo):
                continue
            if x.exporter in (None, exporter) and x.dtype in (None, dtype):
                return x.reason
        return None


@dataclasses.dataclass(frozen=True)
class Sample:
    """Positional tensor arguments for one export, and the eager callable if not the row's."""

    args: tuple[torch.Tensor, ...]
    label: str
    fn: Callable[..., Any] | None = None  # OpInfo samples bake their non-tensor arguments in
    key: Any = None  # samples with equal keys (and ranks) share one export: equal baked-in arguments


def edge_values(dtype: torch.dtype) -> list[float]:
    info = torch.finfo(dtype)
    tiny, huge = float(info.tiny), float(info.max)
    denorm = float(info.smallest_normal) * float(info.eps)
    values = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, tiny, -tiny, denorm, -denorm, huge, -huge,
              math.inf, -math.inf, math.nan, 1e-3, -1e-3, 10.0, -10.0, 100.0, -100.0]
    return values


def _sweep(domain: Domain, dtype: torch.dtype, n: int, rng: np.random.Generator) -> np.ndarray:
    info = torch.finfo(dtype)
    lo = max(domain.lo, -float(info.max))
    hi = min(domain.hi, float(info.max))
    parts = []
    # Log-spaced magnitudes across the whole float range, each sign, clipped to the domain.
    mags = np.logspace(math.log10(float(info.tiny)), math.log10(float(info.max)), n // 2)
    for sign in (1.0, -1.0):
        v = sign * mags
        parts.append(v[(v >= lo) & (v <= hi)])
    # Dense uniform points where the domain is bounded (or its central part, where it is not).
    ulo, uhi = max(lo, -50.0), min(hi, 50.0)
    if ulo < uhi:
        parts.append(rng.uniform(ulo, uhi, n // 2))
    for s in domain.special:
        parts.append(np.array([s, np.nextafter(s, -np.inf), np.nextafter(s, np.inf)]))
    out = np.concatenate(parts)
    if domain.integer:
        out = np.unique(np.round(out[np.abs(out) < 64]))
    return out


def samples(case: OpCase, dtype: torch.dtype, *, n: int | None = None, seed: int = 0) -> list[Sample]:
    """The inputs a row is checked on, for one dtype. Deterministic for a seed.

    ``n``: sweep points per argument; default the row's own ``n``, else :data:`DEFAULT_SWEEP`.
    """
    n = n or case.n or DEFAULT_SWEEP
    rng = np.random.default_rng(seed)
    arity = len(case.domains)
    floating = dtype.is_floating_point
    probe = dtype if floating else torch.float32

    def cast(a: np.ndarray) -> torch.Tensor:
        if floating:
            return torch.from_numpy(np.asarray(a, dtype=np.float64)).to(dtype)
        a = np.nan_to_num(np.asarray(a, dtype=np.float64), nan=0.0, posinf=1e6, neginf=-1e6)
        iinfo = torch.iinfo(dtype)
        return torch.from_numpy(np.clip(np.round(a), max(iinfo.min, -1e6), min(iinfo.max, 1e6))).to(dtype)

    columns = []
    for d in case.domains:
        values = _sweep(d, probe, n, rng)
        edges = np.array(edge_values(probe) + list(d.special))
        if d.integer:
            edges = edges[np.isfinite(edges)].round()
        columns.append(np.concatenate([values, edges]))
    out: list[Sample] = []
    if arity == 1:
        out.append(Sample((cast(columns[0]),), "sweep+edges"))
    else:
        # Each argument's sweep against random partners, then every pair of edge values.
        length = max(len(c) for c in columns)
        flat = tuple(cast(rng.choice(c, length)) for c in columns)
        out.append(Sample(flat, "sweep"))
        edge_sets = [np.array(edge_values(probe) + list(d.special)) for d in case.domains]
        grids = np.meshgrid(*edge_sets, indexing="ij")
        out.append(Sample(tuple(cast(g.ravel()) for g in grids), "edge pairs"))
        # Broadcasting: (k, 1) against (1, m).
        shapes = [(-1, 1) if i % 2 == 0 else (1, -1) for i in range(arity)]
        out.append(Sample(tuple(cast(c[:7]).reshape(s) for c, s in zip(columns, shapes)), "broadcast"))
    out.append(Sample(tuple(cast(np.zeros(0)) for _ in range(arity)), "empty"))
    return out


OPINFO_DTYPES = (torch.float32, torch.float64)


@functools.cache
def _op_db() -> dict[tuple[str, str], Any]:
    from torch.testing._internal.common_methods_invocations import op_db  # noqa: PLC0415 - ~4 s

    return {(o.name, o.variant_test_name): o for o in op_db}


def opinfo_samples(case: OpCase, dtype: torch.dtype) -> list[Sample]:
    """torch's own OpInfo samples for the row's ``opinfo`` entries (float32/float64 only)."""
    if not case.opinfo or dtype not in OPINFO_DTYPES:
        return []
    db = _op_db()
    out = []
    for key in case.opinfo:
        info = db.get(key)
        if info is None:
            raise LookupError(f"{case.name}: torch has no OpInfo {key!r}; fix the row's opinfo")
        for i, s in enumerate(info.sample_inputs("cpu", dtype)):
            out.append(_opinfo_sample(info, s, f"OpInfo {key[0]}{'.' + key[1] if key[1] else ''} #{i}"))
    return out


def _opinfo_sample(info: Any, sample: Any, label: str) -> Sample:
    """Tensors become inputs; every other argument is baked into the exported callable."""
    positional = [sample.input, *sample.args]
    tensor_slots = [i for i, a in enumerate(positional) if isinstance(a, torch.Tensor)]
    kwargs = dict(sample.kwargs)
    op = info.op

    def fn(*tensors: torch.Tensor) -> Any:
        args = list(positional)
        for slot, t in zip(tensor_slots, tensors):
            args[slot] = t
        return op(*args, **kwargs)

    baked = repr(([None if i in tensor_slots else a for i, a in enumerate(positional)], sorted(kwargs.items())))
    key = (info.name, info.variant_test_name, baked)
    return Sample(tuple(positional[i].detach() for i in tensor_slots), label, fn, key)


def load_cases(module_names: Sequence[str] | None = None) -> list[OpCase]:
    """Every pack's ``cases.CASES`` (packs as discovered through their entry points)."""
    from torch_opfill import packs  # noqa: PLC0415

    if module_names is None:
        module_names = [ep.value for ep in packs.entry_points()]
    out: list[OpCase] = []
    for name in module_names:
        try:
            mod = importlib.import_module(f"{name}.cases")
        except ModuleNotFoundError as err:
            if err.name in (f"{name}.cases", name):
                continue
            raise
        out.extend(getattr(mod, "CASES", ()))
    return out
