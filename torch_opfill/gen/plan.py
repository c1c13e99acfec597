"""Mapping one ATen op onto one ONNX op version: 1:1, or what is left to map by hand.

A mapping is 1:1 when the ATen op's tensors are the ONNX op's required inputs in order (or
all of a variadic one), every other ATen parameter is an ONNX attribute of the same name
(or a known synonym) and type, every required ONNX attribute is mapped, the ATen op returns
as many tensors as the ONNX op outputs — and the ONNX node, run in onnxruntime on the
test-table inputs, matches eager for at least one dtype (see :mod:`torch_opfill.gen.probe`).
"""

from __future__ import annotations

import dataclasses
import math

from torch_opfill.gen import aten as _aten
from torch_opfill.gen.schema import OPTIONAL, SINGLE, VARIADIC, Attribute, OnnxSchema, Param

# ATen kind -> the ONNX attribute type it can feed.
_ATTR_FOR_KIND = {
    "int": "int", "bool": "int", "float": "float", "str": "string", "ints": "ints", "floats": "floats",
}

# Where the test table samples each argument: a small table of the usual math domains.
# ATen base name (special_/linalg_ prefix removed) -> per-argument (lo, hi, special points).
DOMAINS: dict[str, tuple[tuple[float, float, tuple[float, ...]], ...]] = {
    "acosh": ((1.0, math.inf, (1.0,)),),
    "atanh": ((-1.0, 1.0, (-1.0, 1.0)),),
    "asin": ((-1.0, 1.0, (-1.0, 1.0)),),
    "acos": ((-1.0, 1.0, (-1.0, 1.0)),),
    "arcsin": ((-1.0, 1.0, (-1.0, 1.0)),),
    "arccos": ((-1.0, 1.0, (-1.0, 1.0)),),
    "erfinv": ((-1.0, 1.0, (-1.0, 1.0)),),
    "log": ((0.0, math.inf, (0.0, 1.0)),),
    "log2": ((0.0, math.inf, (0.0, 1.0)),),
    "log10": ((0.0, math.inf, (0.0, 1.0)),),
    "log1p": ((-1.0, math.inf, (-1.0, 0.0)),),
    "sqrt": ((0.0, math.inf, (0.0,)),),
    "rsqrt": ((0.0, math.inf, (0.0,)),),
    "sinh": ((-90.0, 90.0, ()),),
    "cosh": ((-90.0, 90.0, ()),),
    "exp2": ((-130.0, 130.0, ()),),
    "expm1": ((-90.0, 90.0, ()),),
    "reciprocal": ((-math.inf, math.inf, (0.0,)),),
    "pow": ((0.0, 100.0, (0.0, 1.0)), (-10.0, 10.0, (0.0, 1.0, 2.0, 0.5))),
    "div": ((-math.inf, math.inf, ()), (-math.inf, math.inf, (0.0,))),
}


def domains_for(op: _aten.AtenOp, arity: int) -> tuple[tuple[float, float, tuple[float, ...]], ...]:
    name = op.op_name
    for prefix in ("special_", "linalg_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    known = DOMAINS.get(name)
    if known is not None and len(known) == arity:
        return known
    return ((-math.inf, math.inf, ()),) * arity


@dataclasses.dataclass
class Mapping:
    aten: _aten.AtenOp
    onnx: OnnxSchema
    inputs: list[tuple[_aten.AtenParam, Param]] = dataclasses.field(default_factory=list)
    attrs: list[tuple[_aten.AtenParam, Attribute]] = dataclasses.field(default_factory=list)
    left_aten: list[_aten.AtenParam] = dataclasses.field(default_factory=list)
    left_onnx_inputs: list[Param] = dataclasses.field(default_factory=list)
    left_onnx_attrs: list[Attribute] = dataclasses.field(default_factory=list)
    outputs: int = 1
    reasons: list[str] = dataclasses.field(default_factory=list)  # why it is not 1:1 (empty: it is)

    @property
    def one_to_one(self) -> bool:
        return not self.reasons


def structural(op: _aten.AtenOp, schema: OnnxSchema) -> Mapping:
    """Map by arity, names and types only (the numeric check comes after)."""
    m = Mapping(op, schema)
    ref = schema.ref

    # Returns.
    if not op.returns or any(r != "Tensor" for r in op.returns):
        returns = ", ".join(op.returns) or "nothing"
        m.reasons.append(f"aten::{op.op_name} returns ({returns}), ONNX {ref} returns tensors")
    else:
        n = len(op.returns)
        hi = schema.max_output
        if n < schema.min_output or (hi is not None and n > hi):
            m.reasons.append(
                f"aten::{op.op_name} returns {n} tensor(s), ONNX {ref} has {schema.min_output}..{hi} outputs"
            )
        m.outputs = n

    # Tensors -> inputs, in order.
    tensors = op.tensors
    inputs = list(schema.inputs)
    if len(inputs) == 1 and inputs[0].option == VARIADIC:
        if len(tensors) < max(schema.min_input, 1):
            m.reasons.append(
                f"ONNX {ref} takes {schema.min_input} or more inputs, aten::{op.op_name} has "
                f"{len(tensors)} tensors"
            )
        else:
            m.inputs = [(t, inputs[0]) for t in tensors]
    else:
        required = [p for p in inputs if p.option == SINGLE]
        leading = 0
        for p in inputs:
            if p.option != SINGLE:
                break
            leading += 1
        if leading != len(required) or len(tensors) != len(required):
            m.reasons.append(
                f"aten::{op.op_name} has {len(tensors)} tensor parameter(s), ONNX {ref} takes "
                f"{len(required)} required input(s)"
            )
            m.left_onnx_inputs = list(inputs)
            m.left_aten.extend(tensors)
        else:
            m.inputs = list(zip(tensors, required))
            m.left_onnx_inputs = [p for p in inputs if p.option == OPTIONAL]

    # Everything else -> attributes of the same name (or a synonym) and type.
    free = {a.name: a for a in schema.attributes}
    for p in op.params:
        if p.kind == "tensor" and not p.optional:
            continue
        target = None
        if not p.optional and p.kind in _ATTR_FOR_KIND:
            for name in (p.name, *_aten.SYNONYMS.get(p.name, ())):
                a = free.get(name)
                if a is not None and a.type == _ATTR_FOR_KIND[p.kind]:
                    target = a
                    break
        if target is None:
            m.left_aten.append(p)
            m.reasons.append(f"ATen parameter {p.describe} has no ONNX {ref} counterpart")
        else:
            m.attrs.append((p, free.pop(target.name)))
    m.left_onnx_attrs = sorted(free.values(), key=lambda a: a.name)
    for a in m.left_onnx_attrs:
        if a.required:
            m.reasons.append(
                f"ONNX {ref} attribute '{a.name}' ({a.type}) is required and has no ATen counterpart"
            )
    if schema.deprecated:
        m.reasons.append(f"ONNX {ref} is deprecated")
    return m


def fits(m: Mapping, later: OnnxSchema) -> bool:
    """Does the call generated for ``m`` still mean the same at a later version of the op?"""
    inputs = list(later.inputs)
    if len(m.onnx.inputs) == 1 and m.onnx.inputs[0].option == VARIADIC:
        if not (len(inputs) == 1 and inputs[0].option == VARIADIC):
            return False
    else:
        required = [p for p in inputs if p.option == SINGLE]
        if len(required) != len(m.inputs) or any(p.option == SINGLE for p in inputs[len(required):]):
            return False
    for _, a in m.attrs:
        b = later.attribute(a.name)
        if b is None or b.type != a.type:
            return False
    mapped = {a.name for _, a in m.attrs}
    if any(a.required and a.name not in mapped for a in later.attributes):
        return False
    n = m.outputs
    return n >= later.min_output and (later.max_output is None or n <= later.max_output)


def choose(ops: list[_aten.AtenOp], schema: OnnxSchema) -> Mapping:
    """The overload that maps best (1:1 first; then fewest reasons; plain overload first)."""
    mappings = [structural(o, schema) for o in ops]
    return min(mappings, key=lambda m: (len(m.reasons), ops.index(m.aten)))
