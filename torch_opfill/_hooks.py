"""Lazy activation: nothing heavy happens until the first ``torch.onnx.export``.

``import torch`` calls :func:`torch_opfill._autoload.autoload`, which only adds an import
hook (microseconds). When ``torch.onnx`` is first imported, its ``export`` is wrapped; the
first call to it installs the pack ops into the registry that export will read (TorchScript
for ``dynamo=False``; both, and for the requested opset, for ``dynamo=True``) and then calls
torch's own ``export`` unchanged.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import inspect
import sys
import warnings
from typing import Any

_TARGET = "torch.onnx"
_WRAPPED = "__torch_opfill_wrapped__"


class _PostImportFinder(importlib.abc.MetaPathFinder):
    """Runs :func:`_patch` right after ``torch.onnx`` finishes importing."""

    def find_spec(self, fullname, path, target=None):
        if fullname != _TARGET:
            return None
        sys.meta_path.remove(self)  # one shot; also keeps find_spec below from recursing
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Arrange for ``torch.onnx.export`` to activate torch-opfill. Cheap and idempotent."""
    module = sys.modules.get(_TARGET)
    if module is not None:
        _patch(module)
    elif not any(isinstance(f, _PostImportFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PostImportFinder())


def _patch(onnx_module: Any) -> None:
    try:
        export = onnx_module.export
        if getattr(export, _WRAPPED, False):
            return
        onnx_module.export = _wrap(export)
    except Exception as err:  # noqa: BLE001 - never break torch.onnx itself
        warnings.warn(f"torch-opfill: could not hook torch.onnx.export ({err}); pack ops are not active")


def _wrap(export):
    signature = inspect.signature(export)

    @functools.wraps(export)
    def wrapper(*args, **kwargs):
        from torch_opfill import _activate_for_export  # noqa: PLC0415

        try:
            bound = signature.bind_partial(*args, **kwargs)
        except TypeError:  # torch reports the bad call itself, below
            bound = None
        else:
            bound.apply_defaults()
        if bound is not None:
            _activate_for_export(
                dynamo=bool(bound.arguments.get("dynamo", False)),
                opset=bound.arguments.get("opset_version"),
            )
        return export(*args, **kwargs)

    setattr(wrapper, _WRAPPED, True)
    return wrapper
