"""``python -m torch_opfill.check --model MODULE:FACTORY --inputs 1x3x224x224``: a user's model.

``FACTORY()`` returns an ``nn.Module``; it is exported with torch-opfill enabled as a user
would have it (no override: torch's own mappings where it has them) through each selected
exporter, validated, run in onnxruntime and compared with eager. The report lists the ATen
ops of the graph that the pack filled and TensorRT's verdict on every node.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import json
import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from torch_opfill.check import _worker, report, runner
from torch_opfill.check import compare as _compare
from torch_opfill.check import tensorrt_runner as _trt_runner
from torch_opfill.check import tensorrt_support as _trt_support
from torch_opfill.check.cli import EXPORTERS, UsageError, write_file

FP16_TOLERANCE = 1e-2  # atol and rtol floor for a whole model run with TensorRT's FP16 flag


@dataclasses.dataclass
class ModelResult(runner.Result):
    filled: list[str] = dataclasses.field(default_factory=list)  # pack ops the export used

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "filled_aten_ops": self.filled}


def parse_shape(text: str) -> tuple[int, ...]:
    try:
        dims = tuple(int(d) for d in text.lower().split("x"))
    except ValueError:
        raise UsageError(
            f"bad input shape '{text}': expected sizes joined by 'x', like 1x3x224x224"
        ) from None
    if any(d < 0 for d in dims):
        raise UsageError(f"bad input shape '{text}': negative size")
    return dims


def load_model(spec: str) -> torch.nn.Module:
    module_name, _, factory_name = spec.partition(":")
    if not module_name or not factory_name:
        raise UsageError(f"--model '{spec}': expected MODULE:FACTORY, like mymodels:build")
    try:
        module = importlib.import_module(module_name)
    except Exception as err:  # noqa: BLE001 - any import failure is the same usage error
        raise UsageError(f"cannot import model module '{module_name}': {type(err).__name__}: {err}") from None
    factory = getattr(module, factory_name, None)
    if not callable(factory):
        raise UsageError(f"'{module_name}' has no callable '{factory_name}'")
    try:
        model = factory()
    except Exception as err:  # noqa: BLE001
        raise UsageError(f"model factory '{spec}' raised {type(err).__name__}: {err}") from None
    if not isinstance(model, torch.nn.Module):
        raise UsageError(f"model factory '{spec}' returned {type(model).__name__}, not a torch.nn.Module")
    return model.eval()


def _flatten(value: Any) -> list[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _flatten(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _flatten(v)]
    return []


def run(args: argparse.Namespace, style: report.Style) -> int:
    if not args.inputs:
        raise UsageError("--model needs --inputs, one shape per forward() argument (like 1x3x224x224)")
    started = time.perf_counter()
    shapes = [parse_shape(s) for s in args.inputs]
    dtype_name = (args.dtype or ["float32"])[0]
    dtype = getattr(torch, dtype_name)
    model = load_model(args.model)
    if dtype.is_floating_point:
        model = model.to(dtype)  # parameters in the dtype asked for, as the inputs
    generator = torch.Generator().manual_seed(args.seed)
    if dtype.is_floating_point:
        inputs = tuple(torch.randn(s, generator=generator).to(dtype) for s in shapes)
    else:
        inputs = tuple(torch.randint(0, 10, s, generator=generator).to(dtype) for s in shapes)
    try:
        with torch.no_grad():
            expected = [t.detach().numpy() for t in _flatten(model(*inputs))]
    except Exception as err:  # noqa: BLE001
        raise UsageError(
            f"model '{args.model}' fails in eager on inputs {' '.join(args.inputs)} ({dtype_name}): "
            f"{type(err).__name__}: {err}"
        ) from None
    import torch_opfill  # noqa: PLC0415
    from torch_opfill import _compat  # noqa: PLC0415

    with _worker.silenced(not args.verbose):
        torch_opfill.enable()  # as a user has it: the pack fills only what torch lacks
    availability = runner.availability()
    default = _compat.default_export_opset()
    results: list[ModelResult] = []
    for exporter in dict.fromkeys(args.exporter or EXPORTERS):
        valid = runner.opsets_for(exporter, 7)
        for opset in args.opset or [min(max(default, valid[0]), valid[-1])]:
            if opset not in valid:
                raise UsageError(f"{exporter} exports opsets {valid[0]}..{valid[-1]}; got {opset}")
            start = time.perf_counter()
            with _worker.silenced(not args.verbose):
                result = check_model(model, inputs, expected, exporter, opset, dtype_name, args, availability)
            result.seconds = time.perf_counter() - start
            results.append(result)
    seconds = time.perf_counter() - started
    failed = report.failed(results)
    print("\n".join(_render(args, results, style)))
    print(
        style(
            f"{len(results)} exports checked in {seconds:.0f} s" + (" -- FAILED" if failed else " -- OK"),
            "bad" if failed else "good",
        )
    )
    if args.json:
        doc = {
            "tool": "python -m torch_opfill.check --model",
            "model": args.model,
            "inputs": args.inputs,
            "dtype": dtype_name,
            "atol": args.atol,
            "rtol": args.rtol,
            "seed": args.seed,
            "backends": {b: {"available": r is None, "reason": r} for b, r in availability.items()},
            "results": [r.to_json() for r in results],
            "exit_code": int(failed),
        }
        write_file(args.json, json.dumps(doc, indent=1))
    if args.junit:
        write_file(args.junit, report.junit(results, seconds))
    return 1 if failed else 0


def check_model(
    model: torch.nn.Module,
    inputs: Sequence[torch.Tensor],
    expected: Sequence[np.ndarray],
    exporter: str,
    opset: int,
    dtype_name: str,
    args: argparse.Namespace,
    availability: dict[str, str | None],
) -> ModelResult:
    result = ModelResult("model", args.model, exporter, opset, dtype_name, "pass")
    try:
        onnx_bytes, filled = _export(model, inputs, exporter, opset)
    except Exception as err:  # noqa: BLE001 - a failed export is this check's verdict
        result.status, result.message = (
            "error",
            f"export failed: {type(err).__name__}: {runner._first_line(err)}",
        )
        return result
    result.filled = filled
    result.onnx_ops = runner.onnx_ops(onnx_bytes)
    result.tensorrt_static = _trt_support.check_model(onnx_bytes)
    problem = runner.checker_problem(onnx_bytes)
    if problem is not None:
        result.status, result.message = "fail", f"onnx.checker (full_check): {problem}"
        return result
    try:
        actual = runner.run_onnxruntime(onnx_bytes, inputs)
        _compare_all(result.comparisons, expected, actual, args.atol, args.rtol)
    except Exception as err:  # noqa: BLE001
        result.status, result.message = (
            "error",
            f"onnxruntime: {type(err).__name__}: {runner._first_line(err)}",
        )
        return result
    failed = [(label, c) for label, c in result.comparisons if not c.passed]
    if failed:
        result.status = "fail"
        result.message = "; ".join(f"{label}: {c.summary()}" for label, c in failed)
    for backend in ("onnxruntime-cuda", "tensorrt", "tensorrt-fp16"):
        result.backends[backend] = _backend(
            backend, availability[backend], onnx_bytes, inputs, expected, result, args
        )
    return result


def _backend(
    backend: str,
    reason: str | None,
    onnx_bytes: bytes,
    inputs: Sequence[torch.Tensor],
    expected: Sequence[np.ndarray],
    result: ModelResult,
    args: argparse.Namespace,
) -> runner.BackendResult:
    if reason is not None:
        return runner.BackendResult(backend, "skip", reason)
    verdict = result.tensorrt_static
    if backend.startswith("tensorrt") and verdict is not None and not verdict.deployable:
        return runner.BackendResult(backend, "skip", f"not TensorRT-deployable: {verdict.blockers[0]}")
    out = runner.BackendResult(backend, "pass")
    try:
        if backend == "onnxruntime-cuda":
            actual = runner.run_onnxruntime(
                onnx_bytes, inputs, ["CUDAExecutionProvider", "CPUExecutionProvider"]
            )
            _compare_all(out.comparisons, expected, actual, args.atol, args.rtol)
        else:
            fp16 = backend == "tensorrt-fp16"
            (actual,) = _trt_runner.run(onnx_bytes, [[t.numpy() for t in inputs]], fp16=fp16)
            floor = FP16_TOLERANCE if fp16 else 0.0
            _compare_all(out.comparisons, expected, actual, max(args.atol, floor), max(args.rtol, floor))
    except Exception as err:  # noqa: BLE001
        out.status, out.message = "error", f"{type(err).__name__}: {runner._first_line(err)}"
        return out
    failed = [(label, c) for label, c in out.comparisons if not c.passed]
    if failed:
        out.status = "fail"
        out.message = "; ".join(f"{label}: {c.summary()}" for label, c in failed)
    return out


def _compare_all(
    into: list[tuple[str, _compare.Comparison]],
    expected: Sequence[np.ndarray],
    actual: Sequence[np.ndarray],
    atol: float,
    rtol: float,
) -> None:
    if len(actual) != len(expected):
        raise AssertionError(f"{len(actual)} outputs, eager has {len(expected)}")
    for k, (e, a) in enumerate(zip(expected, actual)):
        into.append((f"output {k}", _compare.compare(e, np.asarray(a).astype(e.dtype), atol, rtol)))


def _export(
    model: torch.nn.Module, inputs: Sequence[torch.Tensor], exporter: str, opset: int
) -> tuple[bytes, list[str]]:
    """ONNX bytes, and the ATen ops whose mapping in this export is the pack's."""
    from torch_opfill import _install  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            if exporter == "torchscript":
                # Ours where a pack function converted the node (not where one in front of
                # torch's symbolic declined it: abs of a real tensor stays torch's).
                buf = io.BytesIO()
                with _install.recording() as emitted:
                    torch.onnx.export(model, tuple(inputs), buf, dynamo=False, opset_version=opset)
                return buf.getvalue(), sorted(emitted)
            program = torch.onnx.export(model, tuple(inputs), dynamo=True, opset_version=opset, verbose=False)
            installed = _install.STATE.dynamo_installed
            filled = []
            for node in program.exported_program.graph.nodes:
                name = (
                    node.target.name()
                    if node.op == "call_function" and hasattr(node.target, "name")
                    else None
                )
                if name in installed:
                    aten = installed[name].name
                    filled.append(aten if aten == name else f"{aten} (as {name})")
            return program.model_proto.SerializeToString(), sorted(set(filled))
        finally:
            logging.disable(logging.NOTSET)


def _render(args: argparse.Namespace, results: Sequence[ModelResult], style: report.Style) -> list[str]:
    lines = [
        style(
            f"model {args.model}, inputs {' '.join(args.inputs)} ({results[0].dtype if results else ''}), "
            f"atol {args.atol:g}, rtol {args.rtol:g}",
            "head",
        )
    ]
    for r in results:
        kind = "good" if r.ok else "bad"
        verdict = style(r.status.upper() if not r.ok else r.status, kind)
        numbers = ", ".join(c.summary() for _, c in r.comparisons) if r.ok else r.message
        lines.append(f"{r.exporter} opset {r.opset}: {verdict}" + (f"  {numbers}" if numbers else ""))
        lines.append(f"  pack-filled ATen ops: {', '.join(r.filled) or 'none'}")
        if r.onnx_ops:
            lines.append(f"  ONNX ops: {', '.join(r.onnx_ops)}")
        if r.tensorrt_static is not None:
            v = r.tensorrt_static
            if v.deployable:
                lines.append(f"  TensorRT {v.tensorrt}: every node deployable")
            else:
                lines.append(f"  TensorRT {v.tensorrt}: NOT deployable; blocked by:")
                lines += [f"    {b}" for b in v.blockers]
            lines += [f"    to confirm: {c}" for c in v.caveats]
        for b in r.backends.values():
            text = {"skip": "skipped"}.get(b.status, b.status)
            lines.append(f"  {b.backend}: {text}" + (f": {b.message}" if b.message else ""))
    return lines
