"""The graph builder pack ops are written against: one definition, both exporters.

A pack op is a plain function over :class:`Tensor` values that calls ONNX operators
through the module-level :data:`op`::

    @_symbolic("aten::asinh")
    def asinh(self: Tensor) -> Tensor:
        "asinh(Tensor self) -> Tensor"
        return op.Asinh(op.float_input(self))

``op.Name(*inputs, **attributes)`` emits ONNX operator ``Name``. Under the TorchScript
exporter it becomes ``g.op("Name", ..., attr_i=...)`` (the attribute suffix is derived from
the Python type); under the dynamo exporter it becomes the onnxscript operator of the
target opset, traced. Tensors are never created from bare Python numbers: use
``op.const(value, dtype)`` so the constant has the dtype of the computation at every opset
(``CastLike`` only exists from opset 15).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
from collections.abc import Iterator, Sequence
from typing import Any

import torch

from torch_opfill import _compat


class Tensor:
    """Annotation marker for tensor parameters and results of pack ops.

    Parameters annotated ``int``/``float``/``bool``/``str``/``Sequence[int]`` (optionally
    ``Optional``) arrive as Python values in both exporters; ``Tensor`` ones as graph values.
    """


class OpfillError(RuntimeError):
    """A pack op cannot be emitted for these inputs; the message says which op and why."""


#: What pack ops emit for: ``onnx`` (the natural ONNX operators) or ``tensorrt`` (where an
#: op's natural form is not deployable by TensorRT's ONNX parser -- DFT, Det, 5-D
#: GridSample... -- an alternative composition that is). See :func:`torch_opfill.target`.
TARGETS = ("onnx", "tensorrt")
TARGET_ENV = "TORCH_OPFILL_TARGET"
_target_setting: list[str] = []  # set by torch_opfill.target(); innermost last


def current_target() -> str:
    """The target pack ops emit for now: :func:`torch_opfill.target`'s, else the env var's."""
    if _target_setting:
        return _target_setting[-1]
    value = os.environ.get(TARGET_ENV, "").strip().lower() or "onnx"
    if value not in TARGETS:
        raise OpfillError(f"{TARGET_ENV}={value!r} is not a target; set it to one of {', '.join(TARGETS)}")
    return value


_FLOATING = (torch.float16, torch.bfloat16, torch.float32, torch.float64)

# ONNX TensorProto element types, shared by ONNX, onnx_ir and TorchScript's JitScalarType.
_ONNX_TO_TORCH = {
    1: torch.float32, 2: torch.uint8, 3: torch.int8, 4: torch.uint16, 5: torch.int16,
    6: torch.int32, 7: torch.int64, 9: torch.bool, 10: torch.float16, 11: torch.float64,
    12: torch.uint32, 13: torch.uint64, 16: torch.bfloat16,
}
_TORCH_TO_ONNX = {v: k for k, v in _ONNX_TO_TORCH.items()}


def onnx_dtype(dtype: torch.dtype) -> int:
    """ONNX element type for a torch dtype (the ``to`` attribute of ``Cast``)."""
    try:
        return _TORCH_TO_ONNX[dtype]
    except KeyError:
        raise OpfillError(f"dtype {dtype} has no ONNX element type") from None


class _Backend:
    opset: int
    may_defer: bool = False  # a wraps_builtin op may return NotImplemented (torch's symbolic behind it)

    def emit(self, name: str, inputs: Sequence[Any], attrs: dict[str, Any], outputs: int) -> Any:
        raise NotImplementedError

    def const(self, value: Any, dtype: torch.dtype) -> Any:
        raise NotImplementedError

    def dtype(self, x: Any) -> torch.dtype | None:
        raise NotImplementedError

    def rank(self, x: Any) -> int | None:
        raise NotImplementedError

    def sizes(self, x: Any) -> list[int | None] | None:
        raise NotImplementedError

    def complex_rank(self, index: int) -> int | None:
        return None  # dynamo: complex values reach torchlib's complex functions, not pack ops

    def node_kind(self) -> str:
        return "op"

    def typed(self, x: Any, dtype: torch.dtype, rank: int) -> Any:
        return x


class TorchScriptBackend(_Backend):
    def __init__(self, g: Any) -> None:
        self.g = g
        self.opset = int(g.opset)

    def emit(self, name, inputs, attrs, outputs):
        kwargs = {_ts_attr_name(k, v): _ts_attr_value(v) for k, v in attrs.items()}
        if outputs != 1:
            kwargs["outputs"] = outputs
        return self.g.op(name, *inputs, **kwargs)

    def const(self, value, dtype):
        return self.g.op("Constant", value_t=torch.tensor(value, dtype=dtype))

    def dtype(self, x):
        return _compat.ts_dtype(x)

    def rank(self, x):
        return _compat.ts_rank(x)

    def sizes(self, x):
        return _compat.ts_sizes(x)

    def complex_rank(self, index):
        return _compat.ts_original_complex_rank(self.g, index)

    def node_kind(self):
        return _compat.ts_original_kind(self.g)

    def typed(self, x, dtype, rank):
        return _compat.ts_set_type(x, dtype, rank)


def _ts_attr_name(key: str, value: Any) -> str:
    if isinstance(value, (bool, int)):
        return key + "_i"
    if isinstance(value, float):
        return key + "_f"
    if isinstance(value, str):
        return key + "_s"
    if isinstance(value, torch.Tensor):
        return key + "_t"
    if isinstance(value, (list, tuple)):
        # TorchScript's g.op takes the element kind (axes_i=[0]) and pluralizes lists itself.
        if all(isinstance(v, (bool, int)) for v in value):
            return key + "_i"
        if all(isinstance(v, (int, float)) for v in value):
            return key + "_f"
        if all(isinstance(v, str) for v in value):
            return key + "_s"
    raise OpfillError(f"attribute {key}={value!r}: unsupported attribute type {type(value).__name__}")


def _ts_attr_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, float) for v in value):
        return [float(v) for v in value]
    return value


class DynamoBackend(_Backend):
    """Emits through onnxscript ops while the dynamo exporter traces a function."""

    def __init__(self) -> None:
        self.opset = _compat.dynamo_current_opset()
        self._ops = _compat.dynamo_opset(self.opset)

    def emit(self, name, inputs, attrs, outputs):
        if name in _NO_OP_IDENTITY and len(inputs) == 2:
            return self._emit_guarded(name, inputs, attrs)
        return getattr(self._ops, name)(*inputs, **attrs)

    def const(self, value, dtype, shape: tuple[int, ...] | None = None):
        import numpy as np  # noqa: PLC0415
        import onnx_ir as ir  # noqa: PLC0415

        t = torch.tensor(value, dtype=torch.float32 if dtype == torch.bfloat16 else dtype)
        if shape is not None:
            t = t.reshape(shape)
        if dtype == torch.bfloat16:
            tensor = ir.Tensor(t.to(dtype).view(torch.uint16).numpy(), dtype=ir.DataType.BFLOAT16)
        else:
            tensor = ir.tensor(np.asarray(t.numpy()))
        out = self._ops.Constant(value=tensor)
        if t.dim() == 0 and t.dtype.is_floating_point:
            out._opfill_scalar = (float(t), dtype)  # see _emit_guarded
        return out

    def _emit_guarded(self, name, inputs, attrs):
        """Keep the exporter's optimizer from deleting ``x + c`` / ``x * c`` as no-ops.

        onnxscript's rewriter replaces ``x + c`` by ``x`` where a rank-0 constant c is merely
        *close* to 0 (and ``x * c`` where c is close to 1), which silently truncates series
        with tiny coefficients. Its patterns only match rank-0 constants, so such a constant
        is given the other operand's rank (size-1 dims) instead, and where that rank is 0 or
        unknown the result is reshaped back to the other operand's shape.
        """
        target = _NO_OP_IDENTITY[name]
        fixed = list(inputs)
        restore_shape_of = None
        for i in (0, 1) if name in ("Add", "Mul") else (1,):
            scalar = getattr(inputs[i], "_opfill_scalar", None)
            if scalar is None or scalar[0] == target or not math.isclose(scalar[0], target, rel_tol=1e-4, abs_tol=1e-7):
                continue
            other = inputs[1 - i]
            rank = self.rank(other)
            fixed[i] = self.const(scalar[0], scalar[1], shape=(1,) * max(rank or 1, 1))
            if not rank:  # rank 0 or unknown: a [1] constant may have added a dim
                restore_shape_of = other
        out = getattr(self._ops, name)(*fixed, **attrs)
        if restore_shape_of is not None:
            out = self._ops.Reshape(out, self._ops.Shape(restore_shape_of))
        return out

    def dtype(self, x):
        dt = getattr(x, "dtype", None)
        if dt is None:
            # The exporter's own type-promotion Cast (int inputs of a float op) leaves its
            # output untyped while tracing; its `to` attribute says the type.
            producer = x.producer() if hasattr(x, "producer") else None
            if producer is not None and producer.op_type == "Cast" and "to" in producer.attributes:
                dt = producer.attributes["to"].value
        return None if dt is None else _ONNX_TO_TORCH.get(int(dt))

    def rank(self, x):
        shape = getattr(x, "shape", None)
        return None if shape is None else len(shape)

    def sizes(self, x):
        shape = getattr(x, "shape", None)
        if shape is None:
            return None
        return [d if isinstance(d, int) else None for d in shape]


# Binary ops onnxscript's rewriter drops when the constant operand is near this identity.
_NO_OP_IDENTITY = {"Add": 0.0, "Sub": 0.0, "Mul": 1.0, "Div": 1.0}

_backend: contextvars.ContextVar[_Backend | None] = contextvars.ContextVar("opfill_backend", default=None)


@contextlib.contextmanager
def using(backend: _Backend) -> Iterator[_Backend]:
    token = _backend.set(backend)
    try:
        yield backend
    finally:
        _backend.reset(token)


def _current() -> _Backend:
    backend = _backend.get()
    if backend is None:
        # Not inside a TorchScript symbolic: the dynamo exporter is tracing us. Not cached:
        # the next export may target another opset.
        backend = DynamoBackend()
    return backend


class _Op:
    """``op.Name(...)`` emits ONNX op ``Name``; lower-case members are helpers."""

    def __getattr__(self, name: str):
        if not name[:1].isupper():
            raise AttributeError(name)

        def emit(*inputs: Any, _outputs: int = 1, **attrs: Any) -> Any:
            for i, x in enumerate(inputs):
                if isinstance(x, (int, float, bool)):
                    raise OpfillError(
                        f"op.{name}: input {i} is the Python number {x!r}; use op.const(value, dtype)"
                    )
            return _current().emit(name, inputs, attrs, _outputs)

        emit.__name__ = name
        return emit

    @property
    def opset(self) -> int:
        """The ONNX opset being exported to."""
        return _current().opset

    @property
    def may_defer(self) -> bool:
        """Whether returning NotImplemented hands this call to torch's own symbolic: true in a
        ``wraps_builtin`` op installed in front of one (TorchScript, not overridden)."""
        return _current().may_defer

    @property
    def target(self) -> str:
        """``"onnx"`` or ``"tensorrt"``: see :func:`torch_opfill.target`."""
        return current_target()

    @property
    def for_tensorrt(self) -> bool:
        """Emit the TensorRT-deployable alternative where an op has one."""
        return current_target() == "tensorrt"

    def const(self, value: Any, dtype: torch.dtype) -> Any:
        """A constant tensor (scalar or nested list) of ``dtype``."""
        return _current().const(value, dtype)

    def dtype(self, x: Any) -> torch.dtype:
        """The static dtype of ``x``; error if the exporter does not know it."""
        dt = _current().dtype(x)
        if dt is None:
            raise OpfillError(
                "input dtype is unknown at export time; give the model typed inputs "
                "(TorchScript: export with example tensors, not None)"
            )
        return dt

    def rank(self, x: Any) -> int:
        r = _current().rank(x)
        if r is None:
            raise OpfillError("input rank is unknown at export time; export with a static rank")
        return r

    def sizes(self, x: Any) -> list[int | None]:
        """The static size of each dim of ``x`` (None where it is dynamic); error if the rank is unknown."""
        s = _current().sizes(x)
        if s is None:
            raise OpfillError("input rank is unknown at export time; export with a static rank")
        return list(s)

    def complex_rank(self, index: int) -> int | None:
        """TorchScript: the rank of argument ``index`` of the ATen call being exported where
        that argument is a complex tensor (-1: rank unknown), carried as a real ``[..., 2]``
        value by the pack's complex ops; None for real arguments, and always under dynamo."""
        return _current().complex_rank(index)

    def node_kind(self) -> str:
        """The ATen op being exported (TorchScript), for error messages."""
        return _current().node_kind()

    def typed(self, x: Any, dtype: torch.dtype, rank: int) -> Any:
        """``x`` typed as a real ``dtype`` tensor of ``rank`` where the exporter left it
        untyped (TorchScript would keep the original node's type, e.g. complex)."""
        return _current().typed(x, dtype, rank)

    def static_size(self, x: Any, axis: int, what: str) -> int:
        """The static size of dim ``axis`` of ``x``; an error naming ``what`` needs it otherwise.

        For compositions unrolled over a dimension (matrix size of a linear solve, say): mark
        that dim static in the export (``dynamic_shapes``/``dynamic_axes`` without it).
        """
        sizes = self.sizes(x)
        d = axis + len(sizes) if axis < 0 else axis
        if not 0 <= d < len(sizes):
            raise OpfillError(f"{what}: dim {axis} is out of range for a rank-{len(sizes)} input")
        size = sizes[d]
        if size is None:
            raise OpfillError(
                f"{what}: dim {axis} of the input has a dynamic size; this op is unrolled over it -- "
                f"export with that dim static (leave it out of dynamic_axes / dynamic_shapes)"
            )
        return int(size)

    def equal(self, a: Any, b: Any) -> Any:
        """Elementwise ``a == b`` for any dtype: ONNX Equal takes floats only from opset 11."""
        if self.opset >= 11 or self.dtype(a) not in _FLOATING:
            return self.Equal(a, b)
        differ = self.Or(self.Less(a, b), self.Greater(a, b))
        unordered = self.Or(self.IsNaN(a), self.IsNaN(b))
        return self.Not(self.Or(differ, unordered))

    def cast(self, x: Any, dtype: torch.dtype) -> Any:
        return self.Cast(x, to=onnx_dtype(dtype))

    def float_input(self, x: Any) -> Any:
        """Integral and bool inputs promote to float32, as eager does for float-valued ops."""
        if self.dtype(x) in _FLOATING:
            return x
        return self.cast(x, torch.float32)

    def compute_dtype(self, x: Any) -> torch.dtype:
        """The dtype to evaluate a composition in: float16/bfloat16 upcast to float32 like eager."""
        dt = self.dtype(x)
        return torch.float32 if dt in (torch.float16, torch.bfloat16) else dt


#: The builder every pack op uses.
op = _Op()
