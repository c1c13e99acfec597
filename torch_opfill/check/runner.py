"""Export one pack op, check the graph, run it, compare with eager.

Shared by the test suite and ``python -m torch_opfill.check``. Nothing is cached: each call
exports afresh, so a regression in the op, the pack or torch always shows.

The judge is onnxruntime's CPU provider against eager (``Result.status``). Around it, each
other backend gets its own verdict in ``Result.backends``: onnxruntime's CUDA provider and a
TensorRT engine (FP32, and FP16 with FP16 tolerances) also decide pass/fail; the NumPy/SciPy
and CuPy references are informative. A backend this machine lacks is a skip with its reason,
never a pass. ``Result.tensorrt_static`` says whether TensorRT's ONNX parser can take the graph.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch

from torch_opfill import _compat
from torch_opfill import cases as _cases
from torch_opfill.check import compare as _compare
from torch_opfill.check import reference as _reference
from torch_opfill.check import tensorrt_runner as _trt_runner
from torch_opfill.check import tensorrt_support as _trt_support

EXPORTERS = ("torchscript", "dynamo")
DYNAMO_MIN_OPSET = 18
TS_MAX_OPSET = 20

#: Backends checked next to onnxruntime CPU, in report order.
BACKENDS = ("onnxruntime-cuda", "scipy-ref", "cupy-ref", "tensorrt", "tensorrt-fp16")
#: Those whose failure fails the check; the references only inform.
COUNTED = frozenset({"onnxruntime-cuda", "tensorrt", "tensorrt-fp16"})


class _Model(torch.nn.Module):
    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def export(
    case: _cases.OpCase, args: Sequence[torch.Tensor], exporter: str, opset: int, fn: Callable[..., Any] | None = None
) -> bytes:
    """ONNX bytes of ``case.fn`` (or ``fn``: an OpInfo sample's) exported at ``opset``; every
    dim dynamic so any size runs."""
    import torch_opfill  # noqa: PLC0415

    model = _Model(fn or case.fn).eval()
    names = [f"x{i}" for i in range(len(args))]
    with warnings.catch_warnings(), torch_opfill.target(case.target), _compat.reuse_dynamo_registry():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            if exporter == "torchscript":
                buf = io.BytesIO()
                torch.onnx.export(
                    model,
                    tuple(args),
                    buf,
                    dynamo=False,
                    opset_version=opset,
                    input_names=names,
                    dynamic_axes={n: {d: f"{n}_{d}" for d in _dynamic_dims(case, a)} for n, a in zip(names, args)},
                )
                return buf.getvalue()
            # torch.export cannot keep a 0- or 1-sized dim dynamic (it specializes them).
            dynamic = tuple(
                {d: torch.export.Dim.DYNAMIC for d in _dynamic_dims(case, a) if a.shape[d] > 1} for a in args
            )
            program = torch.onnx.export(
                model,
                tuple(args),
                dynamo=True,
                opset_version=opset,
                input_names=names,
                dynamic_shapes=(dynamic,),
                verbose=False,  # one entry: forward's *args
            )
            return program.model_proto.SerializeToString()
        finally:
            logging.disable(logging.NOTSET)


def _static_dims(case: _cases.OpCase, a: torch.Tensor) -> list[int]:
    """The row's static dims of ``a``: all of them, or none where ``a`` lacks one (a flat
    sweep input of a matrix row: its callable builds the matrices)."""
    if not case.static_dims or not all(-a.dim() <= d < a.dim() for d in case.static_dims):
        return []
    return sorted({d % a.dim() for d in case.static_dims})


def _dynamic_dims(case: _cases.OpCase, a: torch.Tensor) -> list[int]:
    static = _static_dims(case, a)
    return [d for d in range(a.dim()) if d not in static]


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


def checker_problem(model_bytes: bytes) -> str | None:
    """``onnx.checker.check_model(full_check=True)``'s complaint (types, shapes, schemas), or None."""
    import onnx  # noqa: PLC0415

    try:
        onnx.checker.check_model(onnx.load_from_string(model_bytes), full_check=True)
    except Exception as err:  # noqa: BLE001 - ValidationError and InferenceError, both one verdict
        return _first_line(err)
    return None


def onnx_ops(model_bytes: bytes) -> list[str]:
    import onnx  # noqa: PLC0415

    return sorted({n.op_type for n in onnx.load_from_string(model_bytes).graph.node})


def onnxruntime_session(model_bytes: bytes, providers: Sequence[str] | None = None):
    import onnxruntime as ort  # noqa: PLC0415

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(model_bytes, options, providers=list(providers or ["CPUExecutionProvider"]))


def run_session(session: Any, args: Sequence[torch.Tensor]) -> list[np.ndarray]:
    feeds = {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)}
    return session.run(None, feeds)


def run_onnxruntime(model_bytes: bytes, args: Sequence[torch.Tensor], providers: Sequence[str] | None = None):
    return run_session(onnxruntime_session(model_bytes, providers), args)


def eager(case: _cases.OpCase, args: Sequence[torch.Tensor], fn: Callable[..., Any] | None = None) -> list[np.ndarray]:
    out = (fn or case.fn)(*args)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o.detach().numpy() for o in outs]


def availability() -> dict[str, str | None]:
    """Each backend of :data:`BACKENDS`: None where it runs here, else why it is skipped."""
    import onnxruntime as ort  # noqa: PLC0415

    scipy_ref = _reference.numpy_backend()
    cupy_ref = _reference.cupy_backend()
    trt = _trt_runner.unavailable_reason()
    return {
        "onnxruntime-cuda": None
        if "CUDAExecutionProvider" in ort.get_available_providers()
        else "onnxruntime has no CUDAExecutionProvider (needs onnxruntime-gpu and a CUDA GPU)",
        "scipy-ref": scipy_ref if isinstance(scipy_ref, str) else None,
        "cupy-ref": cupy_ref if isinstance(cupy_ref, str) else None,
        "tensorrt": trt,
        "tensorrt-fp16": trt,
    }


@dataclasses.dataclass
class BackendResult:
    """One backend's verdict on one op/exporter/opset/dtype."""

    backend: str
    status: str  # "pass", "fail", "error", "xfail", or "skip"
    message: str = ""
    comparisons: list[tuple[str, _compare.Comparison]] = dataclasses.field(default_factory=list)
    # References only: eager itself judged against the reference, to flag where eager is the odd one out.
    eager_vs_reference: list[tuple[str, _compare.Comparison]] = dataclasses.field(default_factory=list)
    traceback: str = dataclasses.field(default="", repr=False)

    @property
    def counts(self) -> bool:
        return self.backend in COUNTED

    @property
    def max_ulp(self) -> float:
        return max((c.max_ulp for _, c in self.comparisons), default=0.0)

    @property
    def max_ulp_outside_atol(self) -> float:
        return max((c.max_ulp_outside_atol for _, c in self.comparisons), default=0.0)

    @property
    def eager_disagrees(self) -> bool:
        return any(not c.passed for _, c in self.eager_vs_reference)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "message": self.message, "counts": self.counts}
        if self.status == "skip":  # no numbers: a skipped check must not read like a clean one
            return out
        out.update(_aggregate(self.comparisons), samples=_samples_json(self.comparisons))
        if self.traceback:
            out["traceback"] = self.traceback
        if self.eager_vs_reference:
            out["eager_vs_reference"] = {
                "disagrees": self.eager_disagrees,
                **_aggregate(self.eager_vs_reference),
                "samples": _samples_json(self.eager_vs_reference),
            }
        return out


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
    backends: dict[str, BackendResult] = dataclasses.field(default_factory=dict)
    tensorrt_static: _trt_support.Verdict | None = None
    builtin: str = ""  # torch's own mapping for this op/exporter, set by the CLI: the row measures the pack's
    seconds: float = 0.0  # wall time of the check, set by the CLI
    # The opset whose identical graph already gave onnxruntime's outputs (see check's ``shared``).
    outputs_from_opset: int | None = None
    traceback: str = dataclasses.field(default="", repr=False)  # of an error, for --verbose and the JSON

    @property
    def ok(self) -> bool:
        return self.status in ("pass", "xfail")

    @property
    def max_ulp(self) -> float:
        return max((c.max_ulp for _, c in self.comparisons), default=0.0)

    @property
    def max_abs(self) -> float:
        return max((c.max_abs for _, c in self.comparisons), default=0.0)

    @property
    def max_ulp_outside_atol(self) -> float:
        """Worst ULP where atol does not already accept the error: the number the report shows."""
        return max((c.max_ulp_outside_atol for _, c in self.comparisons), default=0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "case": self.case,
            "exporter": self.exporter,
            "opset": self.opset,
            "dtype": self.dtype,
            "status": self.status,
            "message": self.message,
            "builtin": self.builtin or None,
            "seconds": round(self.seconds, 3),
            "onnx_ops": self.onnx_ops,
            "onnxruntime_outputs_from_opset": self.outputs_from_opset,
            **_aggregate(self.comparisons),
            "samples": _samples_json(self.comparisons),
            "backends": {name: b.to_json() for name, b in self.backends.items()},
            "tensorrt_static": None if self.tensorrt_static is None else self.tensorrt_static.to_json(),
            **({"traceback": self.traceback} if self.traceback else {}),
        }


def _aggregate(comparisons: Sequence[tuple[str, _compare.Comparison]]) -> dict[str, Any]:
    cs = [c for _, c in comparisons]
    return {
        "max_abs": _json_float(max((c.max_abs for c in cs), default=0.0)),
        "max_rel": _json_float(max((c.max_rel for c in cs), default=0.0)),
        "max_ulp": _json_float(max((c.max_ulp for c in cs), default=0.0)),
        "max_ulp_outside_atol": _json_float(max((c.max_ulp_outside_atol for c in cs), default=0.0)),
        "nan_mismatch": sum(c.nan_mismatch for c in cs),
        "inf_mismatch": sum(c.inf_mismatch for c in cs),
    }


def _samples_json(comparisons: Sequence[tuple[str, _compare.Comparison]]) -> list[dict[str, Any]]:
    return [
        {
            "sample": label,
            **{k: _json_float(v) for k, v in dataclasses.asdict(c).items() if k != "worst"},
            "worst": None if c.worst is None else [_json_float(x) for x in c.worst],
        }
        for label, c in comparisons
    ]


def _json_float(v):
    if isinstance(v, float) and not np.isfinite(v):
        return str(v)
    return v


@dataclasses.dataclass
class _Run:
    """One sample through the export: what the other backends reuse."""

    label: str
    args: tuple[torch.Tensor, ...]
    model: bytes
    expected: list[np.ndarray]
    actual: list[np.ndarray]
    fn: Callable[..., Any] | None = None  # an OpInfo sample's callable (its arguments baked in)


class _InvalidGraph(Exception):
    """The export produced a graph that is wrong as a graph: a failure of the op, not of the run."""


class _EagerRejects(Exception):
    """Eager itself raises on the row's inputs: nothing to compare against."""


def check(
    case: _cases.OpCase,
    exporter: str,
    opset: int,
    dtype: torch.dtype,
    *,
    n: int | None = None,
    seed: int = 0,
    opinfo: bool = True,
    keep_model: bool = False,
    backends: Mapping[str, str | None] | None = None,
    shared: dict[Any, Any] | None = None,
) -> Result:
    """Export ``case`` through ``exporter`` at ``opset`` for ``dtype`` inputs and judge it.

    ``n``: sweep points per argument (default: the row's own, see :func:`cases.samples`).
    ``opinfo``: also torch's OpInfo samples of the row (float32/float64; one export per
    distinct set of non-tensor arguments and ranks).
    ``backends``: the other backends to report, each mapped to None (run it) or the reason it
    is skipped (:func:`availability` gives every one this machine has); default none, the
    onnxruntime verdict alone. The caller decides which ops are installed
    (``python -m torch_opfill.check`` enables the pack with ``override=True``).
    ``shared``: one dict passed to every check of one row, exporter and dtype (the check
    tool's opset sweep). Those checks then generate the samples and run eager once, and
    where an opset's export is the same graph as an earlier opset's -- node for node, and
    every node's operator at the same ONNX version, so onnxruntime runs the same kernels --
    its onnxruntime outputs are taken from that run (``Result.outputs_from_opset`` says so).
    Every opset is still exported, validated and compared.
    """
    dtype_name = str(dtype).replace("torch.", "")
    result = Result(case.name, case.id, exporter, opset, dtype_name, "pass")
    shared = {} if shared is None else shared
    if ("samples", opinfo) not in shared:
        with np.errstate(over="ignore"):  # the sweep spans the dtype's range; overflow there is intended
            found = _cases.samples(case, dtype, n=n, seed=seed)
        if opinfo:
            found += _cases.opinfo_samples(case, dtype)
        shared[("samples", opinfo)] = found
    samples = shared[("samples", opinfo)]
    # One export per input structure (rank of each argument, all dims dynamic): the empty
    # sample runs through the model exported for the sweep.
    models: dict[tuple[Any, ...], bytes] = {}
    fingerprints: dict[tuple[Any, ...], bytes] = {}
    sessions: dict[tuple[Any, ...], Any] = {}  # one per export: creating one costs more than running it
    runs: list[_Run] = []
    try:
        for index, sample in enumerate(samples):
            try:  # eager first: an input eager rejects is a fault of the row, not of the export
                if ("eager", index) not in shared:
                    shared[("eager", index)] = eager(case, sample.args, sample.fn)
                expected = shared[("eager", index)]
            except Exception as err:  # noqa: BLE001 - any eager error means the same
                raise _EagerRejects(
                    f"eager rejects {dtype_name} inputs ({type(err).__name__}: {_first_line(err)}); "
                    f"drop {dtype_name} from the case row of {case.id}"
                ) from None
            structure = (sample.key, *(a.dim() for a in sample.args))
            # Static dims are baked into the export: samples differing there need their own.
            structure += tuple(tuple(a.shape[d] for d in _static_dims(case, a)) for a in sample.args)
            if exporter == "dynamo" and sample.fn is not None:
                # torch.export ties dims that meet in an elementwise op and fixes size-1 dims:
                # a broadcasting OpInfo sample cannot reuse another sample's export.
                structure += tuple(tuple(a.shape) for a in sample.args)
            if structure not in models:
                models[structure] = export(case, sample.args, exporter, opset, sample.fn)
                _validate(models[structure])
                fingerprints[structure] = graph_fingerprint(models[structure], opset)
            model = models[structure]
            known = shared.get(("onnxruntime", fingerprints[structure], index))
            if known is not None:
                from_opset, actual = known
                result.outputs_from_opset = from_opset
            else:
                if structure not in sessions:
                    sessions[structure] = onnxruntime_session(model)
                actual = run_session(sessions[structure], sample.args)
                shared[("onnxruntime", fingerprints[structure], index)] = (opset, actual)
            if len(actual) != len(expected):
                raise AssertionError(f"{len(actual)} outputs, eager has {len(expected)}")
            for k, (e, a) in enumerate(zip(expected, actual)):
                tol = _tolerance(case, e)
                result.comparisons.append(
                    (_label(sample.label, k, expected), _compare.compare(e, a, tol.atol, tol.rtol))
                )
            runs.append(_Run(sample.label, sample.args, model, expected, actual, sample.fn))
        result.onnx_ops = onnx_ops(next(iter(models.values())))
        if keep_model:
            result.model = next(iter(models.values()))
    except _InvalidGraph as err:
        result.status = "fail"
        result.message = str(err)
    except _EagerRejects as err:
        result.status = "error"
        result.message = str(err)
    except Exception as err:  # noqa: BLE001 - reported per op, not raised: one op must not stop a sweep
        result.status = "error"
        result.message = f"{type(err).__name__}: {_first_line(err)}"
        result.traceback = traceback.format_exc()
    else:
        failed = [(label, c) for label, c in result.comparisons if not c.passed]
        if failed:
            result.status = "fail"
            result.message = "; ".join(f"{label}: {c.summary()}" for label, c in failed)
    if models:
        result.tensorrt_static = _merge_verdicts([_trt_support.check_model(m) for m in models.values()])
    complete = len(runs) == len(samples)  # every sample ran: the backends have what they need
    for backend, reason in (backends or {}).items():
        if reason is not None:
            result.backends[backend] = BackendResult(backend, "skip", reason)
        elif not complete:
            result.backends[backend] = BackendResult(
                backend, "skip", f"not run: the onnxruntime check ended early ({result.status})"
            )
        else:
            result.backends[backend] = _run_backend(backend, case, dtype, runs, result.tensorrt_static)
    reason = case.xfail_reason(exporter, dtype, opinfo)
    if reason is not None:
        result.status = "xfail" if result.status != "pass" else "xpass"
        result.message = f"{reason} ({result.message})" if result.message else reason
        for b in result.backends.values():
            if b.counts and b.status in ("fail", "error"):
                b.status, b.message = "xfail", f"{reason} ({b.message})"
    return result


def graph_fingerprint(model_bytes: bytes, opset: int) -> bytes:
    """What onnxruntime's result depends on, opset aside: the graph and its functions as
    serialized, and the ONNX version each node's operator resolves to at ``opset``."""
    import hashlib  # noqa: PLC0415

    import onnx  # noqa: PLC0415

    model = onnx.load_from_string(model_bytes)
    versions = {entry.domain: entry.version for entry in model.opset_import}
    h = hashlib.sha256(model.graph.SerializeToString(deterministic=True))
    for f in model.functions:
        h.update(f.SerializeToString(deterministic=True))
    kinds: set[tuple[str, str]] = set()

    def walk(graph: Any) -> None:
        for node in graph.node:
            kinds.add((node.domain, node.op_type))
            for attr in node.attribute:
                for sub in (attr.g, *attr.graphs):
                    walk(sub)

    walk(model.graph)
    for f in model.functions:
        walk(f)
    for domain, op_type in sorted(kinds):
        try:
            since = onnx.defs.get_schema(op_type, versions.get(domain, opset), domain).since_version
        except Exception:  # noqa: BLE001 - a function or unknown op: its body is hashed already
            since = -1
        h.update(f"{domain}::{op_type}@{since};".encode())
    return h.digest()


def _validate(model: bytes) -> None:
    bad = non_standard_nodes(model)
    if bad:
        raise _InvalidGraph(f"graph has non-standard nodes: {', '.join(sorted(set(bad)))}")
    problem = checker_problem(model)
    if problem is not None:
        raise _InvalidGraph(f"onnx.checker (full_check): {problem}")


def _tolerance(case: _cases.OpCase, output: np.ndarray) -> _cases.Tolerance:
    # Judged in the output's dtype: int inputs of a float op give float32 results.
    return case.tolerance(torch.from_numpy(np.empty(0, output.dtype)).dtype)


def _label(sample: str, k: int, outputs: Sequence[Any]) -> str:
    return sample + (f" out{k}" if len(outputs) > 1 else "")


def _merge_verdicts(verdicts: Sequence[_trt_support.Verdict]) -> _trt_support.Verdict:
    blockers = tuple(dict.fromkeys(b for v in verdicts for b in v.blockers))
    caveats = tuple(dict.fromkeys(c for v in verdicts for c in v.caveats))
    return _trt_support.Verdict(verdicts[0].tensorrt, blockers, caveats)


def _run_backend(
    backend: str,
    case: _cases.OpCase,
    dtype: torch.dtype,
    runs: Sequence[_Run],
    verdict: _trt_support.Verdict | None,
) -> BackendResult:
    out = BackendResult(backend, "pass")
    try:
        if backend == "onnxruntime-cuda":
            sessions: dict[bytes, Any] = {}
            for run in runs:
                if run.model not in sessions:
                    sessions[run.model] = onnxruntime_session(
                        run.model, ["CUDAExecutionProvider", "CPUExecutionProvider"]
                    )
                _compare_outputs(
                    out, case, run.label, run.expected, run_session(sessions[run.model], run.args)
                )
        elif backend in ("scipy-ref", "cupy-ref"):
            skip = _compare_reference(out, case, runs)
            if skip is not None:
                return BackendResult(backend, "skip", skip)
        else:
            skip = _run_tensorrt(out, case, dtype, runs, verdict, fp16=backend == "tensorrt-fp16")
            if skip is not None:
                return BackendResult(backend, "skip", skip)
    except Exception as err:  # noqa: BLE001 - one backend's crash is its own verdict
        out.status = "error"
        out.message = f"{type(err).__name__}: {_first_line(err)}"
        out.traceback = traceback.format_exc()
        return out
    failed = [(label, c) for label, c in out.comparisons if not c.passed]
    if failed:
        out.status = "fail"
        what = "export vs reference" if backend.endswith("-ref") else backend
        out.message = f"{what}: " + "; ".join(f"{label}: {c.summary()}" for label, c in failed)
    if out.eager_disagrees:
        worst = max(
            (c for _, c in out.eager_vs_reference if not c.passed), key=lambda c: c.max_ulp_outside_atol
        )
        note = f"eager itself differs from the reference beyond tolerance ({worst.summary()})"
        out.message = f"{out.message}; {note}" if out.message else note
    return out


def _compare_outputs(
    out: BackendResult,
    case: _cases.OpCase,
    label: str,
    expected: Sequence[np.ndarray],
    actual: Sequence[np.ndarray],
) -> None:
    if len(actual) != len(expected):
        raise AssertionError(f"{len(actual)} outputs, eager has {len(expected)}")
    for k, (e, a) in enumerate(zip(expected, actual)):
        tol = _tolerance(case, e)
        out.comparisons.append((_label(label, k, expected), _compare.compare(e, a, tol.atol, tol.rtol)))


def _compare_reference(out: BackendResult, case: _cases.OpCase, runs: Sequence[_Run]) -> str | None:
    """Export (and eager) against the reference; a reason to skip, or None."""
    impl = _reference.lookup(case.id, case.name)
    if impl is None:
        return f"no reference for {case.name} in torch_opfill.check.reference"
    xp_backend = _reference.numpy_backend() if out.backend == "scipy-ref" else _reference.cupy_backend()
    if isinstance(xp_backend, str):
        return xp_backend
    runs = [run for run in runs if run.fn is None]  # OpInfo samples bake in what a reference would need
    if any(len(run.expected) != 1 for run in runs):
        return "references cover single-output ops only"
    try:
        for run in runs:
            e, a = run.expected[0], run.actual[0]
            ref = _reference.evaluate(impl, xp_backend, [x.numpy() for x in run.args], e.dtype)
            tol = _tolerance(case, e)
            out.comparisons.append((run.label, _compare.compare(ref, a, tol.atol, tol.rtol)))
            out.eager_vs_reference.append((run.label, _compare.compare(ref, e, tol.atol, tol.rtol)))
    except _reference.MissingReference as err:
        return str(err)
    return None


def _run_tensorrt(
    out: BackendResult,
    case: _cases.OpCase,
    dtype: torch.dtype,
    runs: Sequence[_Run],
    verdict: _trt_support.Verdict | None,
    *,
    fp16: bool,
) -> str | None:
    """Engines for each exported model, judged against eager; a reason to skip, or None.

    FP32 (no flag) runs the graph as exported. FP16 (the builder flag) runs float32 graphs
    with inputs rounded to float16 and is judged like eager's float16: against eager on those
    float16 inputs, with the op's float16 tolerance.
    """
    if verdict is not None and not verdict.deployable:
        return f"not TensorRT-deployable: {verdict.blockers[0]}"
    if fp16 and dtype != torch.float32:
        return "the FP16 builder flag is checked on float32 graphs (float16 graphs run as exported)"
    by_model: dict[bytes, list[_Run]] = {}
    for run in runs:
        if all(a.numel() for a in run.args):  # an engine profile cannot span zero-size inputs
            by_model.setdefault(run.model, []).append(run)
    for model, group in by_model.items():
        if fp16:
            half_args = [tuple(a.half() for a in run.args) for run in group]
            feeds = [[a.float().numpy() for a in args] for args in half_args]
            outputs = _trt_runner.run(model, feeds, fp16=True)
            for run, args, actual in zip(group, half_args, outputs):
                expected = eager(case, args, run.fn)
                _compare_outputs(out, case, run.label, expected, [a.astype(np.float16) for a in actual])
        else:
            outputs = _trt_runner.run(model, [[a.numpy() for a in run.args] for run in group])
            for run, actual in zip(group, outputs):
                _compare_outputs(out, case, run.label, run.expected, actual)
    return None


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    if not text:  # a bare assert deep in a library: say where it fired
        frame = traceback.extract_tb(err.__traceback__)[-1:] if err.__traceback__ else []
        return (
            f"(raised at {frame[0].filename}:{frame[0].lineno} in {frame[0].name})"
            if frame
            else "(no message)"
        )
    for line in text.splitlines():
        if "No ONNX function found" in line or "not supported" in line or "Error" in line:
            return line.strip()[:400]
    return (text.splitlines() or [""])[0][:400]


def opsets_for(exporter: str, lowest: int, highest: int | None = None) -> list[int]:
    """Every opset ``exporter`` can export an op valid from ``lowest`` at."""
    top = TS_MAX_OPSET if highest is None else highest
    start = max(lowest, DYNAMO_MIN_OPSET) if exporter == "dynamo" else lowest
    return list(range(start, top + 1))
