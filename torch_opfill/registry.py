"""Pack ops: their declaration, opset dispatch and pack conflicts.

A pack op is declared with :func:`symbolic` (usually pinned per module, as torch does in
``symbolic_opset11.py``)::

    _symbolic = functools.partial(symbolic, opset=11)

The registry is pure bookkeeping; installing into the exporters is :mod:`torch_opfill._install`.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

#: Highest opset a registration may name (ONNX's newest opset is well below this).
MAX_OPSET = 30

_NAME_RE = re.compile(r"^(?P<ns>aten|prims)::(?P<op>[a-zA-Z0-9_]+)(?:\.(?P<overload>[a-zA-Z0-9_]+))?$")


class PackError(ValueError):
    """A pack declares an op wrongly; the message names the op, the pack and the fix."""


@dataclasses.dataclass(frozen=True)
class OpDef:
    """One implementation of an ATen op, valid from ``opset`` up to the next registered one."""

    name: str  # "aten::asinh" or "aten::add.Tensor"
    opset: int
    func: Callable[..., Any]
    dynamo: tuple[str, ...] | None = None  # dynamo exporter targets; None = (name,)
    # TorchScript: installed in front of torch's built-in symbolic, which runs whenever the
    # pack function returns NotImplemented (see `symbolic`).
    wraps_builtin: bool = False
    # Has a TensorRT-deployable form (op.for_tensorrt): under torch_opfill.target("tensorrt")
    # the dynamo install puts it in front of torchlib's function for the op.
    tensorrt_form: bool = False

    @property
    def ts_name(self) -> str:
        """TorchScript's registry keys on the op without its overload."""
        return self.name.split(".")[0]

    @property
    def dynamo_targets(self) -> tuple[str, ...]:
        return (self.name,) if self.dynamo is None else self.dynamo

    @property
    def schema_line(self) -> str:
        doc = (self.func.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


def symbolic(
    name: str,
    *,
    opset: int,
    dynamo: Sequence[str] | None = None,
    wraps_builtin: bool = False,
    tensorrt_form: bool = False,
) -> Callable[[Callable], Callable]:
    """Declare ``func`` as the implementation of ATen op ``name`` from ``opset`` on.

    ``name`` is ``aten::op`` or ``aten::op.overload`` (no ``.default``). ``dynamo`` lists the
    targets the dynamo exporter looks up: by default ``name`` itself; the ``prims::`` op the
    exporter's decomposition reaches (``("prims::erf_inv",)``); or ``()`` where the
    decomposition already exports (an override of ``name`` then registers ``name`` itself).

    ``wraps_builtin``: for ops torch's TorchScript exporter maps but gets wrong or refuses
    for some inputs (threshold with a non-zero threshold, adaptive pools whose sizes do not
    divide, abs of a complex value carried as real pairs). The pack function is installed
    in front of torch's symbolic at every opset torch has one; it handles the inputs it
    claims and returns ``NotImplemented`` for the rest, which then go to torch's symbolic
    unchanged (so do arguments it cannot parse). Without it, a built-in mapping always wins.

    ``tensorrt_form``: the function emits a TensorRT-deployable composition when
    ``op.for_tensorrt`` (``torch_opfill.target("tensorrt")``); for dynamo exports under that
    target it then replaces torchlib's own function for ``name`` (TorchScript: declare it
    ``wraps_builtin`` and decline only where not ``op.for_tensorrt``).

    Validated here, at import: a bad name or opset fails the pack's import.
    """
    for n in (name, *(dynamo or ())):
        if not _NAME_RE.fullmatch(n) or n.endswith(".default"):
            raise PackError(
                f"op name {n!r} is not 'aten::name' or 'aten::name.overload' (no '.default')"
            )
    if not isinstance(opset, int) or not 1 <= opset <= MAX_OPSET:
        raise PackError(f"{name}: opset must be an int in 1..{MAX_OPSET}, got {opset!r}")

    def decorate(func: Callable) -> Callable:
        defs = list(getattr(func, "__opfill__", ()))
        defs.append(
            OpDef(name, opset, func, None if dynamo is None else tuple(dynamo), wraps_builtin, tensorrt_form)
        )
        func.__opfill__ = tuple(defs)  # type: ignore[attr-defined]
        return func

    return decorate


def validate(op: OpDef) -> str | None:
    """Check ``op`` against this torch's ATen schema; return a reason to skip it, or None.

    Parameter names must match the schema: the TorchScript exporter binds by position and
    a renamed parameter is almost always a mis-ordered one.
    """
    from torch_opfill import _compat  # noqa: PLC0415

    schema = _compat.aten_schema(op.name)
    if schema is None:
        return f"{op.name} does not exist in this torch"
    expected = [a.name for a in schema.arguments]
    params = list(inspect.signature(op.func).parameters)
    if params != expected:
        raise PackError(
            f"{op.name} (opset {op.opset}): parameters {params} do not match the ATen schema "
            f"{expected} ({schema}); rename them to match"
        )
    hints = typing.get_type_hints(op.func)
    missing = [p for p in params if p not in hints]
    if missing:
        raise PackError(f"{op.name}: parameters {missing} need type annotations")
    return None


@dataclasses.dataclass(frozen=True)
class Registration:
    op: OpDef
    pack: str
    until: int | None  # exclusive; None = open-ended

    @property
    def name(self) -> str:
        return self.op.name

    @property
    def opset(self) -> int:
        return self.op.opset


def dispatch(registered: Iterable[int], target: int) -> int | None:
    """Highest registered opset <= target, as torch's own registry dispatches."""
    eligible = [v for v in registered if v <= target]
    return max(eligible) if eligible else None


class Registry:
    """Every pack op, keyed by ATen name then opset; the first pack to claim a slot wins."""

    def __init__(self) -> None:
        self._ops: dict[str, dict[int, tuple[OpDef, str]]] = {}

    def add(self, op: OpDef, pack: str) -> None:
        versions = self._ops.setdefault(op.name, {})
        if op.opset in versions:
            winner_op, winner_pack = versions[op.opset]
            if winner_op.func is op.func:
                return
            warnings.warn(
                f"torch-opfill: {op.name} at opset {op.opset} is registered by packs "
                f"'{winner_pack}' and '{pack}'; using '{winner_pack}' (packs load in entry-point "
                "name order, the bundled pack first)",
                stacklevel=2,
            )
            return
        versions[op.opset] = (op, pack)

    def names(self) -> list[str]:
        return sorted(self._ops)

    def versions(self, name: str) -> list[int]:
        return sorted(self._ops.get(name, {}))

    def resolve(self, name: str, target: int) -> Registration | None:
        versions = self._ops.get(name, {})
        chosen = dispatch(versions, target)
        if chosen is None:
            return None
        return self._registration(name, chosen)

    def _registration(self, name: str, opset: int) -> Registration:
        versions = self._ops[name]
        later = [v for v in versions if v > opset]
        op, pack = versions[opset]
        return Registration(op, pack, min(later) if later else None)

    def __iter__(self):
        for name in self.names():
            for opset in self.versions(name):
                yield self._registration(name, opset)

    def __len__(self) -> int:
        return sum(len(v) for v in self._ops.values())

    def __contains__(self, name: object) -> bool:
        return name in self._ops


def collect(module: Any) -> list[OpDef]:
    """Every op declared in ``module`` (and, for a package, its submodules), in source order."""
    import importlib  # noqa: PLC0415
    import pkgutil  # noqa: PLC0415

    modules = [module]
    if hasattr(module, "__path__"):
        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: _opset_key(i.name)):
            modules.append(importlib.import_module(f"{module.__name__}.{info.name}"))
    ops: list[OpDef] = []
    for mod in modules:
        for value in list(vars(mod).values()):
            if callable(value) and getattr(value, "__module__", None) == mod.__name__:
                ops.extend(getattr(value, "__opfill__", ()))
    return ops


def _opset_key(module_name: str) -> tuple[int, str]:
    digits = re.search(r"(\d+)$", module_name)
    return (int(digits.group(1)) if digits else 0, module_name)
