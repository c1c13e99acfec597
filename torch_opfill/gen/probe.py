"""Check a candidate 1:1 mapping numerically before generating it, one dtype at a time.

The ONNX op alone (a one-node model) runs in onnxruntime on exactly the inputs the test table
will use (:func:`torch_opfill.cases.samples`), at every ONNX version of the op the generated
function will emit, and is compared with eager under the table's default tolerances. A
dtype is listed in the generated test row only if it passes everywhere; every other dtype
is recorded with the reason (no onnxruntime kernel, not allowed by the ONNX type
constraints, numerically off).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from torch_opfill.gen.plan import Mapping
from torch_opfill.gen.schema import OnnxSchema

FLOAT_DTYPES = (torch.float32, torch.float64, torch.float16)
INT_DTYPES = (torch.int64,)

_ONNX_TYPE = {
    torch.float32: ("tensor(float)", 1), torch.float64: ("tensor(double)", 11),
    torch.float16: ("tensor(float16)", 10), torch.int64: ("tensor(int64)", 7),
    torch.int32: ("tensor(int32)", 6), torch.bool: ("tensor(bool)", 9),
}


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")


class NotVerifiable(Exception):
    """The mapping cannot be run on the test inputs (a parameter without a value, say)."""


@dataclasses.dataclass
class Probe:
    promotes_int: bool  # eager computes integer inputs in float32
    passed: list[torch.dtype] = dataclasses.field(default_factory=list)
    # Each dtype eager takes but the row does not list -> why.
    skipped: dict[torch.dtype, str] = dataclasses.field(default_factory=dict)

    @property
    def any_passed(self) -> bool:
        return bool(self.passed)


def attr_values(m: Mapping) -> dict[str, Any]:
    """Attribute values for the probe node: the ATen defaults (else the ONNX defaults)."""
    out = {}
    for p, a in m.attrs:
        if p.has_default and p.default is not None:
            value = p.default
        elif a.default is not None:
            value = a.default
        else:
            raise NotVerifiable(f"ATen parameter '{p.name}' has no default to check the mapping with")
        out[a.name] = _attr_value(value, a.type)
    return out


def _attr_value(value: Any, kind: str) -> Any:
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "ints":
        return [int(v) for v in value]
    if kind == "floats":
        return [float(v) for v in value]
    return value


def run(
    m: Mapping,
    fn: Any,
    case: Any,
    versions: Sequence[tuple[int, str, OnnxSchema | None]],
) -> Probe:
    """Probe ``m`` (eager callable ``fn``, test row ``case``) at each (opset, ref, schema)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _run(m, fn, case, versions)


def _run(m, fn, case, versions) -> Probe:
    from torch_opfill import cases as _cases  # noqa: PLC0415

    attrs = attr_values(m)
    arity = len(m.inputs)
    promotes = _promotes_int(fn, arity)
    probe = Probe(promotes_int=promotes is True)
    sessions: dict[tuple[int, torch.dtype], Any] = {}
    for dtype in (*FLOAT_DTYPES, *INT_DTYPES):
        samples = _cases.samples(case, dtype)
        try:
            expected = [_eager(fn, s.args) for s in samples]
        except Exception:  # noqa: BLE001 - eager does not take this dtype: nothing to list
            continue
        if not dtype.is_floating_point and promotes is None:
            continue
        node_dtype = torch.float32 if (not dtype.is_floating_point and probe.promotes_int) else dtype
        reason = None
        for opset, ref, schema in versions:
            reason = _disallowed(m, schema, ref, node_dtype)
            if reason:
                break
            key = (opset, node_dtype)
            if key not in sessions:
                try:
                    sessions[key] = _session(m, opset, node_dtype, attrs)
                except Exception as err:  # noqa: BLE001
                    sessions[key] = err
            session = sessions[key]
            if isinstance(session, Exception):
                reason = _ort_reason(session, ref, node_dtype)
                break
            reason = _compare_all(session, samples, expected, node_dtype, case, ref, dtype)
            if reason:
                break
        if reason:
            probe.skipped[dtype] = reason
        else:
            probe.passed.append(dtype)
    return probe


def _eager(fn: Any, args: Sequence[torch.Tensor]) -> list[np.ndarray]:
    out = fn(*args)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o.detach().numpy() for o in outs]


def _promotes_int(fn: Any, arity: int) -> bool | None:
    """True: eager turns int64 inputs into a float result; False: keeps ints; None: rejects them."""
    x = torch.tensor([1, 2, 3], dtype=torch.int64)
    try:
        out = fn(*([x] * arity))
    except Exception:  # noqa: BLE001
        return None
    out = out[0] if isinstance(out, (tuple, list)) else out
    return bool(out.dtype.is_floating_point)


def _disallowed(m: Mapping, schema: OnnxSchema | None, ref: str, dtype: torch.dtype) -> str | None:
    if schema is None:
        return None
    type_str = _ONNX_TYPE[dtype][0]
    for _, param in m.inputs:
        if type_str not in schema.allowed_types(param):
            return f"ONNX {ref} does not take {dtype_name(dtype)} (input '{param.name}')"
    return None


def _session(m: Mapping, opset: int, dtype: torch.dtype, attrs: dict[str, Any]):
    import onnx  # noqa: PLC0415
    import onnxruntime as ort  # noqa: PLC0415
    from onnx import helper  # noqa: PLC0415

    names = [f"x{i}" for i in range(len(m.inputs))]
    outs = [f"y{i}" for i in range(m.outputs)]
    node = helper.make_node(m.onnx.name, names, outs, **attrs)
    elem = _ONNX_TYPE[dtype][1]
    graph = helper.make_graph(
        [node], "opfill_gen_probe", [helper.make_tensor_value_info(n, elem, None) for n in names],
        [helper.make_value_info(o, onnx.TypeProto()) for o in outs],
    )
    opsets = [helper.make_opsetid("", opset)]
    ir_version = max(helper.find_min_ir_version_for(opsets), 7)
    model = helper.make_model(graph, opset_imports=opsets, ir_version=ir_version)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1  # tiny models: threads only contend
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def _ort_reason(err: Exception, ref: str, dtype: torch.dtype) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if "NOT_IMPLEMENTED" in text:
        return f"onnxruntime has no {dtype_name(dtype)} kernel for {ref}"
    return f"onnxruntime cannot run {ref} on {dtype_name(dtype)}: {text[:160]}"


def _compare_all(session, samples, expected, node_dtype, case, ref, dtype) -> str | None:
    from torch_opfill.check import compare as _compare  # noqa: PLC0415

    names = [i.name for i in session.get_inputs()]
    for sample, exp in zip(samples, expected):
        feeds = {n: a.to(node_dtype).numpy() for n, a in zip(names, sample.args)}
        try:
            actual = session.run(None, feeds)
        except Exception as err:  # noqa: BLE001
            return _ort_reason(err, ref, dtype)
        for e, a in zip(exp, actual):
            if e.dtype != a.dtype or e.shape != a.shape:
                got, want = f"{a.dtype}{list(a.shape)}", f"{e.dtype}{list(e.shape)}"
                return f"{ref} on {dtype_name(dtype)} returns {got}, eager {want}"
            tol = case.tolerance(torch.from_numpy(e[:0].copy()).dtype)
            c = _compare.compare(e, a, tol.atol, tol.rtol)
            if not c.passed:
                where = f"{sample.label}: {_summary(c)}"
                return f"onnxruntime's {ref} differs from eager on {dtype_name(dtype)} ({where})"
    return None


def _summary(c: Any) -> str:
    ulp = f"max ULP {c.max_ulp:.0f}" if np.isfinite(c.max_ulp) else "max ULP inf"
    parts = [ulp, f"max abs {c.max_abs:.3g}"]
    if c.nan_mismatch:
        parts.append(f"{c.nan_mismatch} nan mismatches")
    if c.inf_mismatch:
        parts.append(f"{c.inf_mismatch} inf mismatches")
    if c.worst is not None:
        parts.append(f"e.g. eager {c.worst[0]!r}, onnxruntime {c.worst[1]!r}")
    return ", ".join(parts)
