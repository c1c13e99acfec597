"""Installing pack ops into the two exporters' registries, and taking them out again.

Rules (the product's promise): only what torch is missing is filled. TorchScript: an
opset-``k`` registration is skipped when torch (or the user) already has a symbolic at any
opset <= k, so torch's own mapping keeps every target it covers -- except for ops declared
``wraps_builtin``, which go in front of torch's symbolic and hand it every input they do
not claim. Dynamo: each op names the
targets the exporter looks up (``OpDef.dynamo_targets``: the ATen op itself, the ``prims::`` op
its decomposition reaches, or none where the decomposition already exports); a target
torchlib already has is skipped. ``override`` lifts both rules for the names it lists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import threading
import typing
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, Union

from torch_opfill import _compat, builder, packs
from torch_opfill import registry as _registry

TS_OPSETS = range(7, 21)  # opsets the TorchScript exporter accepts


@dataclasses.dataclass
class _State:
    registry: _registry.Registry | None = None
    packs: list[packs.Pack] = dataclasses.field(default_factory=list)
    override: frozenset[str] | bool = frozenset()
    ts_installed: dict[tuple[str, int], tuple[str, ...]] = dataclasses.field(default_factory=dict)  # -> overloads
    ts_wrapping: set[tuple[str, int]] = dataclasses.field(default_factory=set)  # installed in front of torch's
    ts_skipped: dict[tuple[str, int], str] = dataclasses.field(default_factory=dict)
    dynamo_installed: dict[str, _registry.Registration] = dataclasses.field(default_factory=dict)
    dynamo_skipped: dict[str, str] = dataclasses.field(default_factory=dict)
    dynamo_opset: int | None = None
    dynamo_target: str | None = None  # the torch_opfill.target the dynamo install was made for


STATE = _State()
_LOCK = threading.RLock()
_EMITTED: list[set[str]] = []  # open recordings (see `recording`)


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """The ATen ops whose TorchScript conversion a pack function did (not declined to
    torch's symbolic) while the block runs."""
    seen: set[str] = set()
    _EMITTED.append(seen)
    try:
        yield seen
    finally:
        _EMITTED.remove(seen)


def load() -> _registry.Registry:
    with _LOCK:
        if STATE.registry is None:
            STATE.packs = packs.discover()
            STATE.registry = packs.build_registry(STATE.packs)
        return STATE.registry


def _overridden(name: str) -> bool:
    """Whether the user asked for the pack's function over torch's (an op or one overload)."""
    if STATE.override is True:
        return True
    if STATE.override is False:
        return False
    return name in STATE.override or any(o.split(".")[0] == name for o in STATE.override)


# --------------------------------------------------------------------------- TorchScript


def install_torchscript() -> None:
    with _LOCK:
        reg = load()
        if STATE.ts_installed or STATE.ts_skipped:
            return
        by_ts_name: dict[str, list[_registry.Registration]] = {}
        for r in reg:
            by_ts_name.setdefault(r.op.ts_name, []).append(r)
        for ts_name, regs in by_ts_name.items():
            builtin = _compat.ts_builtin_min_opset(ts_name)
            if builtin is not None and _overridden(ts_name):
                # Every slot, torch's higher ones too: an override must not be shadowed there.
                _install_over_builtin(reg, ts_name, regs, defer=False)
                continue
            if builtin is not None and any(r.op.wraps_builtin for r in regs):
                _install_over_builtin(reg, ts_name, [r for r in regs if r.op.wraps_builtin], defer=True)
                regs = [r for r in regs if not r.op.wraps_builtin]
            for opset in sorted({r.opset for r in regs}):
                key = (ts_name, opset)
                # Below opset 9 torch's dispatch looks up to its opset-9 form, so a torch
                # symbolic at <= 9 serves opsets 7 and 8 too.
                if builtin is not None and builtin <= max(opset, _compat.TS_BASE_OPSET) and not _overridden(ts_name):
                    STATE.ts_skipped[key] = f"torch has it from opset {builtin}"
                    continue
                # Overloads of one op share a TorchScript name: each opset slot gets the
                # overloads valid there, picked per call by their arguments.
                overloads = [reg.resolve(r.name, opset) for r in regs]
                chosen = {o.op.name: o for o in overloads if o is not None}
                _compat.ts_register(ts_name, opset, ts_symbolic([o.op for o in chosen.values()]))
                STATE.ts_installed[key] = tuple(chosen)


def _install_over_builtin(
    reg: _registry.Registry, ts_name: str, regs: Sequence[_registry.Registration], *, defer: bool
) -> None:
    """Put pack ops in front of torch's symbolic at every slot either has.

    torch dispatches over its own and custom opsets together (highest <= target), so ours go
    at each of our opsets and at each higher opset torch has a symbolic. ``defer``
    (``wraps_builtin``): each holds the torch symbolic that slot would have run, for the
    calls the pack op declines; looked up before any is registered, so a lookup never finds
    one of ours. Without it (an override) the pack op takes every call.
    """
    ours = sorted({r.opset for r in regs})
    slots = sorted(set(ours) | {v for v in _compat.ts_builtin_opsets(ts_name) if v > ours[0]})
    builtins = {slot: _compat.ts_lookup(ts_name, slot) if defer else None for slot in slots}
    for slot in slots:
        chosen = {o.op.name: o for o in (reg.resolve(r.name, slot) for r in regs) if o is not None}
        if not chosen:
            continue
        _compat.ts_register(ts_name, slot, ts_symbolic([o.op for o in chosen.values()], builtins[slot]))
        STATE.ts_installed[(ts_name, slot)] = tuple(chosen)
        if builtins[slot] is not None:
            STATE.ts_wrapping.add((ts_name, slot))


def uninstall_torchscript() -> None:
    with _LOCK:
        for ts_name, opset in STATE.ts_installed:
            _compat.ts_unregister(ts_name, opset)
        STATE.ts_installed.clear()
        STATE.ts_skipped.clear()
        STATE.ts_wrapping.clear()


def ts_symbolic(ops: Sequence[_registry.OpDef], builtin: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """A TorchScript symbolic ``(g, *inputs)`` that parses constants and calls the pack op.

    ``builtin``: torch's symbolic this one is in front of (``wraps_builtin`` ops); it gets
    the call when the pack op returns NotImplemented or cannot take the arguments.
    """
    signatures = [(op, _Signature.of(op.func)) for op in ops]

    def symbolic(g, *args, **node_attrs):
        try:
            op, sig = _pick_overload(signatures, args)
            values = sig.parse(args, op.name, g.opset)
        except builder.OpfillError:
            if builtin is None:
                raise
            return builtin(g, *args, **node_attrs)  # arguments only torch's symbolic takes (non-constant, say)
        backend = builder.TorchScriptBackend(g)
        backend.may_defer = builtin is not None
        with builder.using(backend):
            out = op.func(*values)
        if out is NotImplemented:
            if builtin is None:
                raise builder.OpfillError(
                    f"{op.name} at opset {g.opset}: the pack function returned NotImplemented but torch has "
                    "no symbolic to hand the call to; only wraps_builtin ops may decline"
                )
            return builtin(g, *args, **node_attrs)
        for seen in _EMITTED:
            seen.add(op.name.split(".")[0])
        if isinstance(out, list):
            # A Tensor[] result (a pack op returns a Python list; a tuple is several outputs):
            # the node has one list output, which torch's prim::ListUnpack symbolic (and
            # list-taking ones: stack, cat) unpack when it is a prim::ListConstruct.
            return g.op("prim::ListConstruct", *out)
        return out

    symbolic.__name__ = f"opfill_{ops[0].ts_name.split('::')[1]}"
    symbolic.__qualname__ = symbolic.__name__
    return symbolic


def _pick_overload(signatures, args):
    if len(signatures) == 1:
        return signatures[0]
    # Every parameter of a Tensor overload accepts a constant too, so the overloads that take
    # Python scalars (``.Scalar``, ``.n_scalar``) get the first look; stable otherwise.
    by_scalars = sorted(signatures, key=lambda s: -sum(p.kind not in ("tensor", "tensors") for p in s[1].params))
    for op, sig in by_scalars:
        if sig.accepts(args):
            return op, sig
    names = ", ".join(op.name for op, _ in signatures)
    raise builder.OpfillError(f"no overload of {names} accepts these {len(args)} arguments")


@dataclasses.dataclass(frozen=True)
class _Param:
    name: str
    kind: str  # "tensor", "tensors", or a parse_args descriptor: i f b s is fs
    optional: bool


_SCALAR_DESC = {int: "i", float: "f", bool: "b", str: "s"}


@dataclasses.dataclass(frozen=True)
class _Signature:
    params: tuple[_Param, ...]

    @classmethod
    @functools.cache
    def of(cls, func: Callable) -> _Signature:
        hints = typing.get_type_hints(func)
        params = []
        for name in inspect.signature(func).parameters:
            ann = hints.get(name, builder.Tensor)
            optional = False
            if typing.get_origin(ann) is Union and type(None) in typing.get_args(ann):
                optional = True
                ann = next(a for a in typing.get_args(ann) if a is not type(None))
            params.append(_Param(name, _kind(ann, name, func), optional))
        return cls(tuple(params))

    def accepts(self, args: Sequence[Any]) -> bool:
        """Same arity, and every non-tensor parameter gets a constant (or None if optional)."""
        if len(args) != len(self.params):
            return False
        return all(
            p.kind in ("tensor", "tensors")
            or (p.optional and _compat.ts_is_none(value))
            # a list parameter takes a 1-d constant (a 0-d one is a scalar: hsplit(x, 3) is
            # hsplit.int), any other scalar parameter a 0-d one
            or (_is_ts_constant(value) and (_compat.ts_rank(value) != 0 if p.kind in ("is", "fs") else _compat.ts_rank(value) in (0, None))
                # a str parameter takes a string constant, a number parameter anything else
                # (linalg_matrix_norm's ord: 'nuc' is the .str_ord overload's)
                and (p.kind == "s") == _compat.ts_is_string(value))
            for value, p in zip(args, self.params)
        )

    def parse(self, args: Sequence[Any], op_name: str, opset: int) -> list[Any]:
        if len(args) != len(self.params):
            raise builder.OpfillError(
                f"{op_name} at opset {opset}: TorchScript passed {len(args)} arguments, the pack op "
                f"takes {len(self.params)}; its signature must follow the ATen schema"
            )
        out = []
        for value, p in zip(args, self.params):
            if p.optional and _compat.ts_is_none(value):
                out.append(None)
            elif p.kind == "tensor":
                out.append(value)
            elif p.kind == "tensors":
                out.append(_compat.ts_unpack_list(value))
            else:
                try:
                    out.append(_compat.ts_parse_arg(value, p.kind, p.name))
                except Exception as err:  # noqa: BLE001 - torch raises several error types here
                    raise builder.OpfillError(
                        f"{op_name} at opset {opset}: argument '{p.name}' must be a constant "
                        f"known at export time ({err})"
                    ) from None
        return out


def _is_ts_constant(value: Any) -> bool:
    node = getattr(value, "node", None)
    return node is None or node().kind() in ("onnx::Constant", "prim::Constant")


def _kind(ann: Any, name: str, func: Callable) -> str:
    if ann is builder.Tensor:
        return "tensor"
    if ann in _SCALAR_DESC:
        return _SCALAR_DESC[ann]
    origin = typing.get_origin(ann)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Collection):
        (item,) = typing.get_args(ann)[:1] or (None,)
        if item is builder.Tensor:
            return "tensors"
        if item in (int, float):
            return _SCALAR_DESC[item] + "s"
    raise _registry.PackError(
        f"{func.__module__}.{func.__name__}: parameter '{name}' has annotation {ann!r}; use "
        "Tensor, int, float, bool, str, Sequence[int], Sequence[float], Sequence[Tensor] or Optional[...]"
    )


# --------------------------------------------------------------------------- dynamo


def install_dynamo(opset: int) -> None:
    """Register, for an export at ``opset``, the version of each op that opset dispatches to."""
    with _LOCK:
        reg = load()
        deploy = builder.current_target()
        if STATE.dynamo_opset == opset and STATE.dynamo_target == deploy:
            return
        uninstall_dynamo()
        taken = _compat.dynamo_onnxscript_names() | _compat.dynamo_torch_builtin_names()
        for name in reg.names():
            r = reg.resolve(name, opset)
            if r is None:
                continue
            targets = r.op.dynamo_targets
            # An op with a TensorRT form goes in front of torchlib's when that is the target:
            # torchlib's natural form (5-D GridSample, Det, DFT) is what TensorRT rejects.
            replaces = _overridden(name) or (deploy == "tensorrt" and r.op.tensorrt_form)
            if replaces and name not in targets:
                targets = (name, *targets)  # an override replaces the decomposition too
            for target in targets:
                if target in taken and not (_overridden(target) or replaces):
                    STATE.dynamo_skipped[target] = "torchlib has it"
                    continue
                if target in STATE.dynamo_installed:
                    continue
                try:
                    _compat.dynamo_register(target, r.op.func, replace=target in taken)
                except Exception as err:  # noqa: BLE001 - one broken pack op must not stop the others
                    STATE.dynamo_skipped[target] = f"registration failed: {err}"
                    warnings.warn(
                        f"torch-opfill: {r.op.name} (pack {r.pack}, opset {r.opset}) could not be registered "
                        f"for the dynamo exporter as {target}: {err}; exporting without it (fix the pack "
                        "function: onnxscript reads its source file)",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                    continue
                STATE.dynamo_installed[target] = r
        STATE.dynamo_opset = opset
        STATE.dynamo_target = deploy


def uninstall_dynamo() -> None:
    with _LOCK:
        for target, r in STATE.dynamo_installed.items():
            _compat.dynamo_unregister(target, r.op.func)
        STATE.dynamo_installed.clear()
        STATE.dynamo_skipped.clear()
        STATE.dynamo_opset = None
        STATE.dynamo_target = None
