"""torch-opfill: the ATen -> ONNX mappings torch's exporters are missing, for both exporters.

Installed, it activates itself at ``import torch`` (``torch.backends`` entry point) and
installs its ops lazily, at the first ``torch.onnx.export``. Set ``TORCH_OPFILL_AUTOLOAD=0``
to opt out; ``import torch_opfill`` then activates it explicitly.

Public API: :func:`enable`, :func:`disable`, :func:`registered`, :func:`target`,
:func:`onnx_symbolic`, and for pack authors :func:`symbolic`, :data:`op`, :class:`Tensor`.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence

from typing import TYPE_CHECKING, Any

from torch_opfill import _hooks

if TYPE_CHECKING:
    from torch_opfill.builder import OpfillError, Tensor, op
    from torch_opfill.registry import PackError, symbolic

__all__ = [
    "OpfillError", "PackError", "RegisteredOp", "Tensor", "disable", "enable", "onnx_symbolic",
    "op", "registered", "symbolic", "target",
]
__version__ = "0.1.0"

AUTOLOAD_ENV = "TORCH_OPFILL_AUTOLOAD"
OVERRIDE_ENV = "TORCH_OPFILL_OVERRIDE"
TARGET_ENV = "TORCH_OPFILL_TARGET"

# Loaded on first use: `import torch` pays only for the import hook (see benchmarks/).
_LAZY = {
    "OpfillError": "torch_opfill.builder", "Tensor": "torch_opfill.builder", "op": "torch_opfill.builder",
    "PackError": "torch_opfill.registry", "symbolic": "torch_opfill.registry",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'torch_opfill' has no attribute '{name}'")


_enabled = True
_warned: set[str] = set()
_lock = threading.Lock()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, stacklevel=3)


def _env_override() -> frozenset[str] | bool:
    value = os.environ.get(OVERRIDE_ENV, "").strip()
    if value.lower() in ("1", "all", "true"):
        return True
    return frozenset(v.strip() for v in value.split(",") if v.strip())


def enable(*, override: bool | Iterable[str] | None = None) -> None:
    """Install every pack op into both exporters now (otherwise done at the first export).

    ``override``: ATen names (or True for all) whose torch built-in mapping the pack's replaces;
    default from ``TORCH_OPFILL_OVERRIDE`` (comma-separated names, or ``all``).
    """
    global _enabled
    from torch_opfill import _compat, _install  # noqa: PLC0415

    with _lock:
        new = _env_override() if override is None else (override if isinstance(override, bool) else frozenset(override))
        if new != _install.STATE.override:
            _install.uninstall_torchscript()
            _install.uninstall_dynamo()
            _install.STATE.override = new
        _enabled = True
    _hooks.install()
    _install.install_torchscript()
    _install.install_dynamo(_compat.default_export_opset())


def disable() -> None:
    """Take every pack op out of both exporters; exports behave as without torch-opfill."""
    global _enabled
    from torch_opfill import _install  # noqa: PLC0415

    with _lock:
        _enabled = False
        _install.uninstall_torchscript()
        _install.uninstall_dynamo()


def _activate_for_export(*, dynamo: bool, opset: int | None) -> None:
    """Called by the wrapped ``torch.onnx.export``: install what this export will read."""
    if not _enabled:
        return
    try:
        from torch_opfill import _compat, _install  # noqa: PLC0415

        if (problem := _compat.check_supported()) is not None:
            _warn_once(problem)
        if _install.STATE.registry is None:
            _install.STATE.override = _env_override()
        _install.install_torchscript()
        if dynamo:
            _install.install_dynamo(opset if opset is not None else _compat.default_export_opset())
    except Exception as err:  # noqa: BLE001 - the user's export must still run, with a reason
        _warn_once(f"torch-opfill: could not install pack ops ({type(err).__name__}: {err}); exporting without them")


class _TargetSetting:
    """What :func:`target` returns when it sets one: a context manager that restores."""

    def __init__(self, name: str) -> None:
        from torch_opfill import builder  # noqa: PLC0415

        self._stack = builder._target_setting
        self._stack.append(name)
        self._depth = len(self._stack)
        self.name = name

    def __enter__(self) -> str:
        return self.name

    def __exit__(self, *exc: object) -> None:
        del self._stack[self._depth - 1:]

    def __repr__(self) -> str:
        return f"torch_opfill.target({self.name!r})"


def target(name: str | None = None) -> Any:
    """The deployment target pack ops emit for: ``"onnx"`` (default) or ``"tensorrt"``.

    ``target()`` returns the current one. ``target("tensorrt")`` makes ops whose natural ONNX
    form TensorRT's parser rejects (DFT, Det, 5-D GridSample, ...) emit an alternative
    composition it accepts (MatMul with a constant DFT matrix, unrolled elimination, Gather
    arithmetic), for every later export; as ``with torch_opfill.target("tensorrt"):`` it
    lasts for the block. The ``TORCH_OPFILL_TARGET`` environment variable sets the default.
    Read at export time: no re-install is needed.
    """
    from torch_opfill import builder  # noqa: PLC0415

    if name is None:
        return builder.current_target()
    value = name.strip().lower()
    if value not in builder.TARGETS:
        raise ValueError(f"torch_opfill.target({name!r}): unknown target; use one of {', '.join(builder.TARGETS)}")
    return _TargetSetting(value)


@dataclasses.dataclass(frozen=True)
class RegisteredOp:
    name: str
    opset: int  # first opset this implementation serves
    until: int | None  # first opset it no longer serves (None: open-ended)
    pack: str
    function: str  # module.qualname
    torchscript: str  # "installed", "not installed yet", or why it was skipped
    dynamo: str


def registered() -> list[RegisteredOp]:
    """Every pack op with its opset range, pack, and status in each exporter."""
    from torch_opfill import _install  # noqa: PLC0415

    reg = _install.load()
    state = _install.STATE
    out = []
    for r in reg:
        key = (r.op.ts_name, r.opset)
        if key in state.ts_wrapping:
            ts = "installed in front of torch's symbolic"
        elif key in state.ts_installed:
            ts = "installed"
        elif key in state.ts_skipped:
            ts = "skipped: " + state.ts_skipped[key]
        else:
            ts = "not installed"
        dyn_parts = []
        for target in r.op.dynamo_targets:
            if state.dynamo_installed.get(target) == r:
                dyn_parts.append(f"{target} installed (opset {state.dynamo_opset})")
            elif target in state.dynamo_skipped:
                dyn_parts.append(f"{target} skipped: {state.dynamo_skipped[target]}")
        if not r.op.dynamo_targets:
            dyn_parts.append("not needed: the exporter's decomposition covers it")
        func = r.op.func
        out.append(
            RegisteredOp(
                r.name, r.opset, r.until, r.pack, f"{func.__module__}.{func.__qualname__}", ts,
                "; ".join(dyn_parts) or "not installed",
            )
        )
    return out


def onnx_symbolic(
    name: str,
    opset: int | Sequence[int],
    decorate: Sequence[Callable] | None = None,
    custom: bool = True,
) -> Callable[[Callable], Callable]:
    """Version-stable ``registration.onnx_symbolic`` for hand-written TorchScript symbolics.

    The decorated function takes ``(g, *inputs)`` like torch's own symbolic functions and is
    registered into the TorchScript exporter of whichever supported torch is installed.
    """
    from torch_opfill import _compat  # noqa: PLC0415

    return _compat.ts_registration().onnx_symbolic(name, opset, decorate, custom=custom)


_hooks.install()  # explicit `import torch_opfill` (or autoload) activates it
