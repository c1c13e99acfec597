"""Every touch of a private torch / onnxscript API lives here, probed at runtime.

torch moves its exporter internals between releases (``torch.onnx._internal.registration``
became ``torch.onnx._internal.torchscript_exporter.registration`` in 2.9). Nothing outside
this module imports a private torch module, so supporting a new torch release means
editing this file only. Each probe raises :class:`UnsupportedTorchError` with one line
that names the torch version and what to do.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
from collections.abc import Iterator, Collection
from typing import Any, Callable

import torch

#: Releases we test on. Others may work; they get one warning (see ``check_supported``).
SUPPORTED_RANGE = ">=2.9,<2.15"
_TESTED = ((2, 9), (2, 14))


class UnsupportedTorchError(RuntimeError):
    """This torch release lacks an exporter internal torch-opfill needs."""


def torch_version() -> tuple[int, int]:
    base = torch.__version__.split("+")[0]
    major, minor = base.split(".")[:2]
    return int(major), int(minor)


def check_supported() -> str | None:
    """Return a one-line warning if this torch release is outside the tested range."""
    version = torch_version()
    if _TESTED[0] <= version <= _TESTED[1]:
        return None
    return (
        f"torch-opfill is tested with torch {SUPPORTED_RANGE}, found {torch.__version__}; "
        "exports may fail. Install a supported torch or set TORCH_OPFILL_AUTOLOAD=0."
    )


def _first_module(*names: str):
    errors = []
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError as err:
            errors.append(f"{name}: {err}")
    raise UnsupportedTorchError(
        f"torch {torch.__version__} has none of {', '.join(names)} "
        f"(torch-opfill supports torch {SUPPORTED_RANGE}); install a supported torch."
    )


# --------------------------------------------------------------------------- TorchScript


@functools.cache
def ts_registration():
    """The TorchScript exporter's ``registration`` module."""
    return _first_module(
        "torch.onnx._internal.torchscript_exporter.registration",  # torch >= 2.9
        "torch.onnx._internal.registration",  # torch < 2.9
    )


@functools.cache
def ts_symbolic_helper():
    return _first_module(
        "torch.onnx._internal.torchscript_exporter.symbolic_helper",
        "torch.onnx.symbolic_helper",
    )


@functools.cache
def _ts_type_utils():
    return _first_module(
        "torch.onnx._internal.torchscript_exporter._type_utils",
        "torch.onnx._type_utils",
    )


@functools.cache
def ts_registry():
    """The symbolic registry, with every built-in opset module loaded into it."""
    registration = ts_registration()
    utils = _first_module(
        "torch.onnx._internal.torchscript_exporter.utils",
        "torch.onnx.utils",
    )
    trigger = getattr(utils, "_trigger_symbolic_function_registration", None)
    if trigger is None:
        raise UnsupportedTorchError(
            f"torch {torch.__version__}: TorchScript exporter has no "
            "_trigger_symbolic_function_registration; install a supported torch."
        )
    trigger()
    return registration.registry


#: torch's registry serves targets below this opset by looking *up* to it (opset 7/8 legacy).
TS_BASE_OPSET = 9


def ts_builtin_opsets(name: str, ours: Collection[int] = ()) -> list[int]:
    """Opsets at which torch (or the user) already has a symbolic for ``name``, ascending.

    ``ours`` are opsets holding torch-opfill's own overrides; they are not counted.
    Both torch's base functions and other custom overrides count: we never replace either.
    """
    group = ts_registry().get_function_group(name)
    if group is None:
        return []
    functions = group._functions  # OverrideDict: merged base + overrides
    return sorted(
        v for v in functions if functions.in_base(v) or (functions.overridden(v) and v not in ours)
    )


def ts_builtin_min_opset(name: str, ours: Collection[int] = ()) -> int | None:
    """Lowest of :func:`ts_builtin_opsets`. A registration at opset k is shadowed by torch
    when this is <= max(k, TS_BASE_OPSET)."""
    found = ts_builtin_opsets(name, ours)
    return found[0] if found else None


def ts_dispatch(target: int, registered: Collection[int]) -> int | None:
    """torch's own dispatch rule (highest <= target; below opset 9, look up to 9)."""
    return ts_registration()._dispatch_opset_version(target, registered)


def ts_register(name: str, opset: int, func: Callable) -> None:
    ts_registry().register(name, opset, func, custom=True)


def ts_unregister(name: str, opset: int) -> None:
    registry = ts_registry()
    group = registry.get_function_group(name)
    if group is None or not group._functions.overridden(opset):
        return
    group.remove_custom(opset)
    if not len(group._functions):
        # An empty group breaks torch's error path (min() of no opsets): drop the group we made.
        registry._registry.pop(name, None)


def ts_lookup(name: str, opset: int) -> Callable | None:
    group = ts_registry().get_function_group(name)
    return None if group is None else group.get(opset)


def ts_is_string(value: Any) -> bool:
    """Whether a TorchScript value is a string constant (a str argument): a prim::Constant of
    StringType, or the onnx::Constant the exporter turns it into (a string ``value``)."""
    node = value.node() if hasattr(value, "node") else None
    if node is not None and node.kind() == "onnx::Constant" and "value" in node.attributeNames():
        return node.kindOf("value") == "s"
    t = getattr(value, "type", None)
    return t is not None and t().kind() == "StringType"


def ts_is_none(value: Any) -> bool:
    return ts_symbolic_helper()._is_none(value)


def ts_parse_arg(value: Any, desc: str, arg_name: str) -> Any:
    """Parse a constant TorchScript value into a Python value; ``desc`` as in parse_args."""
    helper = ts_symbolic_helper()
    if not helper._is_value(value):
        return value
    return helper._get_const(value, desc, arg_name)


def ts_unpack_list(value: Any) -> list:
    return ts_symbolic_helper()._unpack_list(value)


def ts_dtype(value: Any) -> torch.dtype | None:
    jit_type = _ts_type_utils().JitScalarType
    scalar = jit_type.from_value(value, jit_type.UNDEFINED)
    if scalar == jit_type.UNDEFINED:
        return None
    return scalar.dtype()


def ts_rank(value: Any) -> int | None:
    return ts_symbolic_helper()._get_tensor_rank(value)


def ts_sizes(value: Any) -> list[int | None] | None:
    return ts_symbolic_helper()._get_tensor_sizes(value)


_TS_COMPLEX = {"ComplexFloat", "ComplexDouble", "ComplexHalf"}


def ts_original_complex_rank(g: Any, index: int) -> int | None:
    """Rank of input ``index`` of the ATen node being converted where that input is a complex
    tensor (its ONNX value is then whatever carries it); None otherwise or if unknown."""
    node = getattr(g, "original_node", None)
    if node is None:
        return None
    inputs = list(node.inputs())
    if index >= len(inputs):
        return None
    t = inputs[index].type()
    if not isinstance(t, torch._C.TensorType) or t.scalarType() not in _TS_COMPLEX:
        return None
    return t.dim() if t.dim() is not None else -1


def ts_original_kind(g: Any) -> str:
    node = getattr(g, "original_node", None)
    return node.kind() if node is not None else "?"


def ts_set_type(value: Any, dtype: torch.dtype, rank: int) -> Any:
    """Type ``value`` as a ``dtype`` tensor of ``rank`` where ONNX shape inference left it
    untyped (the exporter would otherwise keep the original node's, e.g. complex, type)."""
    if isinstance(value, torch._C.Value):
        t = value.type()
        if not isinstance(t, torch._C.TensorType) or t.scalarType() is None or t.dim() is None:
            base = t if isinstance(t, torch._C.TensorType) else torch._C.TensorType.get()
            value.setType(base.with_dtype(dtype).with_sizes([None] * rank))
    return value


# --------------------------------------------------------------------------- dynamo / onnxscript


@functools.cache
def onnxscript_registration():
    try:
        return importlib.import_module("onnxscript.function_libs.torch_lib.registration")
    except ImportError as err:
        raise UnsupportedTorchError(
            f"the dynamo exporter needs onnxscript ({err}); pip install onnxscript"
        ) from None


_dynamo_displaced: dict[str, list] = {}


def dynamo_register(name: str, func: Callable, *, replace: bool = False) -> None:
    """Register ``func`` as a trace-only torchlib function for ``name``; read on each export.

    ``replace`` (an override) sets torchlib's own functions for ``name`` aside until
    :func:`dynamo_unregister`, so the exporter sees only ours.
    """
    # onnxscript reads the source of every registered function on every later export: one it
    # cannot read (made by exec, or its file gone) would break all dynamo exports, so it is
    # refused here, where the caller can skip it.
    try:
        inspect.getsource(func)
    except (OSError, TypeError) as err:
        raise ValueError(f"onnxscript cannot read the source of {func.__qualname__} ({err})") from None
    registration = onnxscript_registration()
    entry = registration.default_registry._registry.get(name)
    if entry is not None and entry.overloads:
        if not replace:
            raise ValueError(f"{name} is already in torchlib; pass replace=True to override it")
        _dynamo_displaced[name] = list(entry.overloads)
        entry.overloads.clear()
    try:
        registration.torch_op(name, trace_only=True)(func)
    except BaseException:
        if name in _dynamo_displaced:  # torchlib's own functions back, as they were
            entry.overloads.extend(_dynamo_displaced.pop(name))
        raise


def _traced_python_function(traced: Any) -> Any:
    """The Python function inside onnxscript's TracedOnnxFunction (``func``; wrapped since 0.5)."""
    return getattr(traced, "__wrapped__", getattr(traced, "func", traced))


def dynamo_unregister(name: str, func: Callable) -> None:
    registry = onnxscript_registration().default_registry
    entry = registry._registry.get(name)
    if entry is None:
        return
    entry.overloads[:] = [f for f in entry.overloads if _traced_python_function(f) is not func]
    entry.overloads.extend(_dynamo_displaced.pop(name, []))
    if not entry.overloads and not entry.complex:
        del registry._registry[name]


@functools.cache
def dynamo_torch_builtin_names() -> frozenset[str]:
    """Names torch's own (in-tree) torchlib implements for the dynamo exporter."""
    names: set[str] = set()
    try:
        mod = importlib.import_module("torch.onnx._internal.exporter._torchlib._torchlib_registry")
    except ImportError:
        return frozenset()
    for meta in mod.get_torchlib_ops():
        target = meta.fx_target
        names.add(target.name() if hasattr(target, "name") else str(target))
    return frozenset(names)


def dynamo_onnxscript_names() -> set[str]:
    """Names in onnxscript's torchlib registry (call with ours taken out)."""
    importlib.import_module("onnxscript.function_libs.torch_lib.ops")  # populate the registry
    return set(onnxscript_registration().default_registry)


_registry_memo: dict[Any, Any] = {}


@contextlib.contextmanager
def reuse_dynamo_registry() -> Iterator[None]:
    """Within the block, dynamo exports share the ONNX registry torch builds from torchlib.

    torch rebuilds it for every export (``ONNXRegistry.from_torchlib``: ~1 s, onnxscript
    re-reading the source of ~700 functions), which dominates a dynamo export of a small op.
    The check runner exports thousands. The memo is keyed by the opset and by the identity
    of every function in onnxscript's registry, so any registration change (a pack op
    installed or removed, by us or anyone) builds a new one: a stale registry cannot be used.
    """
    try:
        registration = importlib.import_module("torch.onnx._internal.exporter._registration")
    except ImportError:  # another layout: exports just take the usual time
        yield
        return
    cls = registration.ONNXRegistry
    original = cls.__dict__.get("from_torchlib")
    if not isinstance(original, classmethod):
        yield
        return

    def from_torchlib(klass, opset_version=None):
        import onnxscript.function_libs.torch_lib.ops  # noqa: F401, PLC0415 - populates the registry

        entries = onnxscript_registration().default_registry
        # Python functions, not their onnxscript wrappers: reinstalling the same pack op
        # (per opset, as the pack's installer does) wraps it anew, to the same effect.
        fingerprint = tuple(
            (name, tuple(id(_traced_python_function(f)) for f in (*e.overloads, *e.complex)))
            for name, e in entries.items()
        )
        cached = _registry_memo.get(opset_version)
        if cached is None or cached[0] != fingerprint:
            args = () if opset_version is None else (opset_version,)
            cached = _registry_memo[opset_version] = (fingerprint, original.__func__(klass, *args))
        return cached[1]

    cls.from_torchlib = classmethod(from_torchlib)
    try:
        yield
    finally:
        cls.from_torchlib = original


def dynamo_current_opset() -> int:
    """Opset of the ONNX graph the dynamo exporter is tracing into right now."""
    import onnxscript.evaluator as evaluator  # noqa: PLC0415 - only reached during an export

    tracer = evaluator.default()
    opset = getattr(tracer, "opset", None)
    version = getattr(opset, "version", None)
    if version is None:
        raise UnsupportedTorchError(
            f"torch {torch.__version__}: cannot read the target opset from the dynamo exporter's "
            f"tracer ({type(tracer).__name__}); install a supported torch."
        )
    return int(version)


def dynamo_opset(version: int):
    import onnxscript.values  # noqa: PLC0415

    return onnxscript.values.Opset("", version)


def default_export_opset() -> int:
    constants = importlib.import_module("torch.onnx._constants")
    return int(constants.ONNX_DEFAULT_OPSET)


# --------------------------------------------------------------------------- torch.export's fake kernels

_FAKE_LIBS: dict[str, Any] = {}  # torch.library.Library objects holding our fake kernels (kept alive)


def register_missing_fake(name: str, fake: Callable) -> None:
    """Give ``name`` (``aten::op.overload``) a fake kernel where this torch has none, so
    torch.export can trace it with dynamic shapes. Never replaces torch's own; once only.
    Affects fake/meta tensors only."""
    if name in _FAKE_LIBS or torch._C._dispatch_has_kernel_for_dispatch_key(name, "Meta"):
        return
    lib = torch.library.Library("aten", "IMPL")
    try:
        torch.library.register_fake(name, fake, lib=lib)
    except RuntimeError:  # this torch registered one already
        lib._destroy()
        return
    _FAKE_LIBS[name] = lib


def fix_unique_consecutive_fake() -> None:
    """Wrap a negative ``dim`` in torch's fake kernel for aten::unique_consecutive.

    torch's kernel (torch/_subclasses/fake_impls.py; unique_dim's wraps dim, this one does
    not) builds the values' shape as shape[:dim] + [n] + shape[dim + 1:], which for dim = -1
    gives rank 2 * rank: torch.export records that, and the ONNX model then declares it
    (onnx.checker: "Inferred shape and existing shape differ in rank" at the Compress). A
    private torch table, patched once; wrapping an already-wrapped dim changes nothing, and
    a torch without the table is left alone."""
    try:
        from torch._subclasses import fake_impls  # noqa: PLC0415

        table = fake_impls.op_implementations_dict
        key = torch.ops.aten.unique_consecutive.default
    except (ImportError, AttributeError):
        return
    orig = table.get(key)
    if orig is None or getattr(orig, "_opfill_wraps_dim", False):
        return

    def wrapped(fake_mode, func, arg, return_inverse=False, return_counts=False, dim=None):
        if dim is not None and dim < 0:
            dim = dim % max(arg.ndim, 1)
        return orig(fake_mode, func, arg, return_inverse, return_counts, dim)

    wrapped._opfill_wraps_dim = True
    table[key] = wrapped


# --------------------------------------------------------------------------- schemas


def aten_schemas(base: str) -> tuple[Any, ...]:
    """Every overload's ``FunctionSchema`` of ``ns::op`` (empty if torch lacks it)."""
    try:
        return tuple(torch._C._jit_get_schemas_for_operator(base))
    except RuntimeError:
        return ()


def aten_all_schemas() -> list[Any]:
    return list(torch._C._jit_get_all_schemas())


def dispatch_has_kernel(name: str, key: str) -> bool | None:
    """Whether ``name`` has a kernel for dispatch key ``key``; None if the dispatcher lacks the op."""
    try:
        return bool(torch._C._dispatch_has_kernel_for_dispatch_key(name, key))
    except RuntimeError:
        return None


def aten_schema(name: str):
    """The ``torch._C.FunctionSchema`` of ``ns::op[.overload]``, or None if this torch lacks it."""
    base, _, overload = name.partition(".")
    for schema in aten_schemas(base):
        if schema.overload_name == overload:
            return schema
    ns, _, op = base.partition("::")
    try:
        packet = getattr(getattr(torch.ops, ns), op)
        return getattr(packet, overload or "default")._schema
    except (AttributeError, RuntimeError):
        return None
