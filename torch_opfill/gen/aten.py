"""The ATen side: which ATen op an ONNX op is the twin of, and its exact schema from torch.

Parameter names, order and types come from torch's own registered schemas, so a generated
function's signature is what the TorchScript exporter binds (by position) and what
:func:`torch_opfill.registry.validate` checks (by name).

Every torch-private API it needs (schemas, dispatch keys, the TorchScript registry) is
reached through :mod:`torch_opfill._compat`.
"""

from __future__ import annotations

import builtins
import dataclasses
import difflib
import functools
import keyword
import math
import re
from typing import Any

import torch

from torch_opfill import _compat
from torch_opfill.gen.errors import GenError

# ONNX ops whose ATen twin the name rules (snake_case, no underscores, special_/linalg_)
# do not find. Only twins whose semantics match closely enough to be worth a try: the
# generator still checks every mapping numerically before it calls it 1:1.
KNOWN_TWINS: dict[str, tuple[str, ...]] = {
    "Greater": ("gt",), "Less": ("lt",), "GreaterOrEqual": ("ge",), "LessOrEqual": ("le",),
    "Equal": ("eq",), "And": ("logical_and",), "Or": ("logical_or",), "Xor": ("logical_xor",),
    "Not": ("logical_not",), "Max": ("maximum",), "Min": ("minimum",), "Mod": ("fmod", "remainder"),
    "GatherElements": ("gather",), "ScatterElements": ("scatter",), "DepthToSpace": ("pixel_shuffle",),
    "SpaceToDepth": ("pixel_unshuffle",), "ReduceSum": ("sum",), "ReduceMean": ("mean",),
    "ReduceMax": ("amax",), "ReduceMin": ("amin",), "ReduceProd": ("prod",),
    "ReduceLogSumExp": ("logsumexp",), "Trilu": ("triu", "tril"), "Shrink": ("hardshrink", "softshrink"),
    "BitShift": ("bitwise_left_shift", "bitwise_right_shift"), "Concat": ("cat",), "Identity": ("clone",),
    "Det": ("linalg_det", "det"), "Sign": ("sgn",), "ThresholdedRelu": ("threshold",),
    "GridSample": ("grid_sampler",),
}

# ATen parameter name -> ONNX attribute name, where the two spell the same thing differently.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "negative_slope": ("alpha",),
    "dim": ("axis",),
    "keepdim": ("keepdims",),
    "lambd": ("lambd",),
}

_OTHER_TYPES = ("ScalarType", "Layout", "MemoryFormat", "Device", "Generator", "Storage", "Stream", "Dimname")


@dataclasses.dataclass(frozen=True)
class AtenParam:
    name: str
    kind: str  # tensor, tensors, int, float, bool, str, ints, floats, other
    optional: bool  # typed ``X?``
    type_text: str  # as the schema prints it: "Scalar", "int[1]?", "ScalarType?"
    has_default: bool
    default: Any
    kwarg_only: bool

    @property
    def annotation(self) -> str:
        base = {
            "tensor": "Tensor", "tensors": "Sequence[Tensor]", "int": "int", "float": "float", "bool": "bool",
            "str": "str", "ints": "Sequence[int]", "floats": "Sequence[float]",
        }.get(self.kind, "Tensor")  # other (ScalarType, Device, ...): passed through unparsed
        return f"Optional[{base}]" if self.optional else base

    @property
    def describe(self) -> str:
        return f"{self.name} ({self.type_text})"


@dataclasses.dataclass(frozen=True)
class AtenOp:
    name: str  # "aten::pow.Tensor_Tensor" (no ".default")
    base: str  # "aten::pow"
    overload: str
    schema_text: str  # "pow.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor"
    params: tuple[AtenParam, ...]
    returns: tuple[str, ...]  # return types as the schema prints them
    composite_implicit: bool  # decomposed by tracing before the TorchScript exporter sees it

    @property
    def op_name(self) -> str:
        return self.base.split("::", 1)[1]

    @property
    def tensors(self) -> list[AtenParam]:
        return [p for p in self.params if p.kind == "tensor" and not p.optional]

    def eager_expr(self) -> str:
        """A Python expression for an eager callable reaching this op with tensor arguments only."""
        public = _public_callable(self.op_name)
        all_tensor = all(p.kind == "tensor" and not p.optional for p in self.params if not p.has_default)
        if public is not None and (self.overload in ("", "Tensor") or all_tensor):
            return public
        return f"torch.ops.aten.{self.op_name}.{self.overload or 'default'}"

    def py_name(self) -> str:
        name = self.op_name
        if keyword.iskeyword(name) or hasattr(builtins, name):
            name += "_"
        return name


def _public_callable(op_name: str) -> str | None:
    for prefix, module, attr in (
        ("special_", torch.special, "torch.special"), ("linalg_", torch.linalg, "torch.linalg")
    ):
        if op_name.startswith(prefix):
            fn = getattr(module, op_name[len(prefix):], None)
            if callable(fn):
                return f"{attr}.{op_name[len(prefix):]}"
    fn = getattr(torch, op_name, None)
    if fn is not None and type(fn).__name__ == "builtin_function_or_method":
        return f"torch.{op_name}"
    return None


def snake(name: str) -> str:
    """``BitwiseXor`` -> ``bitwise_xor``; ``PRelu`` -> ``p_relu``; ``STFT`` -> ``stft``."""
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"(?<=[A-Z])([A-Z])(?=[a-z])", r"_\1", s)
    return s.lower()


def candidates(onnx_name: str) -> list[str]:
    """ATen op names (without namespace) an ONNX op may be the twin of, best first."""
    s = snake(onnx_name)
    out = [s, s.replace("_", ""), f"special_{s}", f"linalg_{s}", *KNOWN_TWINS.get(onnx_name, ())]
    return list(dict.fromkeys(out))


@functools.cache
def _schemas(base: str) -> tuple[Any, ...]:
    return _compat.aten_schemas(base)


def _composite(name: str) -> bool:
    return bool(_compat.dispatch_has_kernel(name, "CompositeImplicitAutograd"))


def _has_dispatch(name: str) -> bool:
    return _compat.dispatch_has_kernel(name, "CompositeImplicitAutograd") is not None


def _usable(schema: Any) -> bool:
    """Functional overloads only: no out= variants, nothing that writes its inputs."""
    return not schema.is_mutable and not any(a.is_out for a in schema.arguments)


def exists(op_name: str) -> bool:
    return any(_usable(s) for s in _schemas(f"aten::{op_name}"))


def overloads(op_name: str) -> list[AtenOp]:
    """Every functional overload of ``aten::op_name``, the plain one first."""
    out = [_aten_op(s) for s in _schemas(f"aten::{op_name}") if _usable(s)]
    order = {"": 0, "Tensor": 1}
    return sorted(out, key=lambda o: order.get(o.overload, 2))


def parse_aten_name(text: str) -> tuple[str, str | None]:
    """``aten::pow.Tensor_Tensor`` / ``pow`` -> (``pow``, ``Tensor_Tensor`` or None)."""
    name = text.strip()
    if name.startswith("aten::"):
        name = name[len("aten::"):]
    elif "::" in name:
        raise GenError(f"--aten {text}: only aten:: ops can be generated")
    op_name, _, overload = name.partition(".")
    word = re.compile(r"[A-Za-z0-9_]+")
    if not word.fullmatch(op_name) or (overload and not word.fullmatch(overload)):
        raise GenError(f"--aten {text}: not an ATen op name (aten::name or aten::name.overload)")
    return op_name, (None if overload in ("", "default") else overload)


def lookup(text: str) -> list[AtenOp]:
    """The overloads ``--aten`` names (one if it names an overload); a :class:`GenError` if none."""
    op_name, overload = parse_aten_name(text)
    found = overloads(op_name)
    if not found:
        close = difflib.get_close_matches(op_name, all_op_names(), n=4, cutoff=0.75)
        hint = f" Did you mean: {', '.join('aten::' + c for c in close)}?" if close else ""
        raise GenError(
            f"--aten {text}: this torch ({torch.__version__}) has no functional op aten::{op_name}.{hint}"
        )
    if overload is None:
        return found
    chosen = [o for o in found if o.overload == overload]
    if not chosen:
        names = ", ".join(o.name for o in found)
        raise GenError(f"--aten {text}: aten::{op_name} has no overload '{overload}' (it has: {names})")
    return chosen


@functools.cache
def all_op_names() -> tuple[str, ...]:
    names = {s.name.split("::", 1)[1] for s in _compat.aten_all_schemas() if s.name.startswith("aten::")}
    return tuple(sorted(names))


def _split_args(schema_text: str) -> list[str]:
    """The argument texts of a printed schema, ``*`` removed."""
    inner = schema_text[schema_text.index("(") + 1:]
    depth, cur, out = 0, "", []
    for ch in inner:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return [a for a in out if a != "*"]


def _kind(arg: Any, type_text: str) -> tuple[str, bool]:
    jit = arg.type
    optional = jit.kind() == "OptionalType"
    if optional:
        jit = jit.getElementType()
    base = type_text.rstrip("?")
    if any(base.startswith(t) for t in _OTHER_TYPES):
        return "other", optional
    kind = jit.kind()
    if kind == "TensorType":
        return "tensor", optional
    if kind == "ListType":
        elem = jit.getElementType()
        if elem.kind() == "OptionalType":
            elem = elem.getElementType()
        ek = elem.kind()
        if ek == "TensorType":
            return "tensors", optional
        if ek in ("IntType", "SymIntType"):
            return "ints", optional
        if ek == "FloatType":
            return "floats", optional
        return "other", optional
    return {
        "IntType": "int", "SymIntType": "int", "FloatType": "float", "NumberType": "float",
        "BoolType": "bool", "StringType": "str",
    }.get(kind, "other"), optional


def _aten_op(schema: Any) -> AtenOp:
    text = str(schema)
    arg_texts = _split_args(text)
    params = []
    for arg, arg_text in zip(schema.arguments, arg_texts):
        type_text = arg_text.split("=", 1)[0].rsplit(" ", 1)[0].strip()
        kind, optional = _kind(arg, type_text)
        params.append(
            AtenParam(
                arg.name, kind, optional, type_text, bool(arg.has_default_value()), arg.default_value,
                bool(arg.kwarg_only),
            )
        )
    base = schema.name
    overload = schema.overload_name
    name = f"{base}.{overload}" if overload else base
    returns = tuple(str(r.type) for r in schema.returns)
    return AtenOp(
        name=name,
        base=base,
        overload=overload,
        schema_text=text[len("aten::"):] if text.startswith("aten::") else text,
        params=tuple(params),
        returns=returns,
        composite_implicit=_composite(name),
    )


def default_literal(param: AtenParam) -> str | None:
    """The Python source of the parameter's default, or None if it has none we can write."""
    if not param.has_default:
        return None
    return _literal(param.default)


def _literal(value: Any) -> str | None:
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        items = [_literal(v) for v in value]
        if any(i is None for i in items):
            return None
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return None


# --------------------------------------------------------------------------- what torch exports


def _torch_ts_opsets(base: str) -> list[int]:
    """Opsets at which the TorchScript registry has a symbolic for ``base`` (torch's own or a
    user's custom one); torch-opfill's own installed registrations are not counted."""
    from torch_opfill import _install  # noqa: PLC0415

    ours = {opset for (name, opset) in _install.STATE.ts_installed if name == base}
    return _compat.ts_builtin_opsets(base, ours)


def _ts_dispatch(target: int, registered: list[int]) -> int | None:
    return _compat.ts_dispatch(target, registered) if registered else None


def torch_ts_serves(base: str, opset: int) -> int | None:
    """The opset of torch's TorchScript symbolic that exports ``base`` at ``opset`` (None: it cannot)."""
    return _ts_dispatch(opset, _torch_ts_opsets(base))


def torch_ts_opset(base: str) -> int | None:
    """Lowest opset at which torch's TorchScript exporter registers a symbolic for ``base``."""
    found = _torch_ts_opsets(base)
    return found[0] if found else None


# Private ops, and backend-specific kernels a CPU-traced model does not reach.
_NOT_TRACED = ("_", "cudnn_", "miopen_", "mkldnn_")


def missing_ops(opset: int) -> list[str]:
    """ATen ops (``aten::name``) the TorchScript exporter cannot export at ``opset``.

    Left out: private (``_``-prefixed), in-place, backward, backend-specific (cudnn, miopen,
    mkldnn) and TorchScript-language ops, and
    ops whose every functional overload is CompositeImplicitAutograd (tracing decomposes
    those before the exporter sees them).
    """
    out = []
    for op_name in all_op_names():
        if op_name.startswith(_NOT_TRACED) or op_name.endswith("_") or "backward" in op_name:
            continue
        ops = [o for o in overloads(op_name) if _has_dispatch(o.name)]
        if not ops or all(o.composite_implicit for o in ops):
            continue
        if torch_ts_serves(f"aten::{op_name}", opset) is not None:
            continue
        out.append(f"aten::{op_name}")
    return out
