"""Export one pack op, run it in onnxruntime, compare with eager.

Shared by the test suite and ``python -m torch_opfill.check``. Nothing is cached: each call
exports afresh, so a regression in the op, the pack or torch always shows.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from torch_opfill import cases as _cases
from torch_opfill.check import compare as _compare

EXPORTERS = ("torchscript", "dynamo")
DYNAMO_MIN_OPSET = 18
TS_MAX_OPSET = 20


class _Model(torch.nn.Module):
    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def export(case: _cases.OpCase, args: Sequence[torch.Tensor], exporter: str, opset: int) -> bytes:
    """ONNX bytes of ``case.fn`` exported at ``opset``; every dim dynamic so any size runs."""
    model = _Model(case.fn).eval()
    names = [f"x{i}" for i in range(len(args))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            if exporter == "torchscript":
                buf = io.BytesIO()
                torch.onnx.export(
                    model, tuple(args), buf, dynamo=False, opset_version=opset, input_names=names,
                    dynamic_axes={n: {d: f"{n}_{d}" for d in range(a.dim())} for n, a in zip(names, args)},
                )
                return buf.getvalue()
            dynamic = tuple({d: torch.export.Dim.DYNAMIC for d in range(a.dim())} for a in args)
            program = torch.onnx.export(
                model, tuple(args), dynamo=True, opset_version=opset, input_names=names,
                dynamic_shapes=(dynamic,), verbose=False,  # one entry: forward's *args
            )
            return program.model_proto.SerializeToString()
        finally:
            logging.disable(logging.NOTSET)


def non_standard_nodes(model_bytes: bytes) -> list[str]:
    """Nodes outside the default ONNX domain (custom ops, ATen fallbacks, local functions)."""
    import onnx  # noqa: PLC0415

    model = onnx.load_from_string(model_bytes)
    bad = []

    def walk(graph):
        for node in graph.node:
            if node.domain not in ("", "ai.onnx") or node.op_type in ("ATen", "PythonOp"):
                bad.append(f"{node.domain or 'ai.onnx'}::{node.op_type}")
            for attr in node.attribute:
                if attr.g.node:
                    walk(attr.g)
                for g in attr.graphs:
                    walk(g)

    walk(model.graph)
    return bad


def onnx_ops(model_bytes: bytes) -> list[str]:
    import onnx  # noqa: PLC0415

    return sorted({n.op_type for n in onnx.load_from_string(model_bytes).graph.node})


def run_onnxruntime(model_bytes: bytes, args: Sequence[torch.Tensor], providers: Sequence[str] | None = None):
    import onnxruntime as ort  # noqa: PLC0415

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(model_bytes, options, providers=list(providers or ["CPUExecutionProvider"]))
    feeds = {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)}
    return session.run(None, feeds)


def eager(case: _cases.OpCase, args: Sequence[torch.Tensor]) -> list[np.ndarray]:
    out = case.fn(*args)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o.detach().numpy() for o in outs]


@dataclasses.dataclass
class Result:
    op: str
    case: str
    exporter: str
    opset: int
    dtype: str
    status: str  # "pass", "fail", "error", "xfail", "xpass"
    message: str = ""
    comparisons: list[tuple[str, _compare.Comparison]] = dataclasses.field(default_factory=list)
    onnx_ops: list[str] = dataclasses.field(default_factory=list)
    model: bytes | None = dataclasses.field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status in ("pass", "xfail")

    @property
    def max_ulp(self) -> float:
        return max((c.max_ulp for _, c in self.comparisons), default=0.0)

    @property
    def max_abs(self) -> float:
        return max((c.max_abs for _, c in self.comparisons), default=0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op, "case": self.case, "exporter": self.exporter, "opset": self.opset,
            "dtype": self.dtype, "status": self.status, "message": self.message,
            "onnx_ops": self.onnx_ops,
            "samples": [
                {"sample": label, **{k: _json_float(v) for k, v in dataclasses.asdict(c).items() if k != "worst"},
                 "worst": None if c.worst is None else [_json_float(x) for x in c.worst]}
                for label, c in self.comparisons
            ],
        }


def _json_float(v):
    if isinstance(v, float) and not np.isfinite(v):
        return str(v)
    return v


def check(
    case: _cases.OpCase, exporter: str, opset: int, dtype: torch.dtype, *, n: int = 2000, seed: int = 0,
    keep_model: bool = False,
) -> Result:
    """Export ``case`` through ``exporter`` at ``opset`` for ``dtype`` inputs and judge it."""
    dtype_name = str(dtype).replace("torch.", "")
    result = Result(case.name, case.id, exporter, opset, dtype_name, "pass")
    samples = _cases.samples(case, dtype, n=n, seed=seed)
    # One export per input structure (rank of each argument, all dims dynamic): the empty
    # sample runs through the model exported for the sweep.
    models: dict[tuple[int, ...], bytes] = {}
    try:
        for sample in samples:
            structure = tuple(a.dim() for a in sample.args)
            if structure not in models:
                models[structure] = export(case, sample.args, exporter, opset)
                bad = non_standard_nodes(models[structure])
                if bad:
                    result.status = "fail"
                    result.message = f"graph has non-standard nodes: {', '.join(sorted(set(bad)))}"
                    return result
            model = models[structure]
            expected = eager(case, sample.args)
            actual = run_onnxruntime(model, sample.args)
            if len(actual) != len(expected):
                raise AssertionError(f"{len(actual)} outputs, eager has {len(expected)}")
            for k, (e, a) in enumerate(zip(expected, actual)):
                label = sample.label + (f" out{k}" if len(expected) > 1 else "")
                # Judged in the output's dtype: int inputs of a float op give float32 results.
                tol = case.tolerance(torch.from_numpy(e[:0].copy()).dtype)
                result.comparisons.append((label, _compare.compare(e, a, tol.atol, tol.rtol)))
        result.onnx_ops = onnx_ops(next(iter(models.values())))
        if keep_model:
            result.model = next(iter(models.values()))
    except Exception as err:  # noqa: BLE001 - reported per op, not raised: one op must not stop a sweep
        result.status = "error"
        result.message = f"{type(err).__name__}: {_first_line(err)}"
    else:
        failed = [(label, c) for label, c in result.comparisons if not c.passed]
        if failed:
            result.status = "fail"
            result.message = "; ".join(f"{label}: {c.summary()}" for label, c in failed)
    reason = case.xfail_reason(exporter, dtype)
    if reason is not None:
        result.status = "xfail" if result.status != "pass" else "xpass"
        result.message = f"{reason} ({result.message})" if result.message else reason
    return result


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    for line in text.splitlines():
        if "No ONNX function found" in line or "not supported" in line or "Error" in line:
            return line.strip()[:400]
    return (text.splitlines() or [""])[0][:400]


def opsets_for(exporter: str, lowest: int, highest: int | None = None) -> list[int]:
    """Every opset ``exporter`` can export an op valid from ``lowest`` at."""
    top = TS_MAX_OPSET if highest is None else highest
    start = max(lowest, DYNAMO_MIN_OPSET) if exporter == "dynamo" else lowest
    return list(range(start, top + 1))
