"""Every pack op, exported through both exporters, run in onnxruntime, compared with eager.

Table-driven from the packs' ``cases.CASES`` rows, at each op's lowest and highest opset per
exporter (which dtypes where: ``_selection``); torch's OpInfo samples of a row go through
TorchScript at its lowest opset (the row's first float dtype). ``python -m torch_opfill.check`` sweeps
every opset, dtype and OpInfo sample through both exporters. Rows are
measured with ``override=True`` so the pack's own function is what runs, also where torch
has a built-in for an exporter (tests/test_exporters.py covers what users get by default).
"""

from __future__ import annotations

import pytest
import torch

import torch_opfill
from torch_opfill import _install
from torch_opfill.cases import load_cases
from torch_opfill.check import runner


# Dynamo float64 exports of the orthogonal polynomials take 30 s to minutes each (onnxscript's
# optimizer on their ~3500 fused-recurrence nodes): marked slow, run with `pytest -m slow`
# and by the check tool. Their float32 rows and TorchScript float64 rows stay in.
def _slow(case, exporter: str, dtype: torch.dtype) -> bool:
    return exporter == "dynamo" and dtype == torch.float64 and "_polynomial_" in case.name


def _selection(
    case, first_of_op: bool, exporter: str, opsets: list[int], default_path: bool = True
) -> dict[int, tuple[torch.dtype, ...]]:
    """Which (opset, dtypes) a row is tested at; CI's budget decides, the check tool sweeps all.

    Every row: its lowest opset, all its dtypes under TorchScript (cheap exports). The first
    row of each op also: its dtypes under dynamo but float16 and int32, and the highest opset
    of both exporters in the first dtype (the graph differs by opset, not by dtype) -- under
    dynamo only where the op is on the default path (``default_path``: it names dynamo
    targets; with ``dynamo=()`` users get torch's decomposition, and the lowest opset covers
    the pack's function). Other rows of an op go through dynamo (lowest opset, first dtype)
    only where they select another form (``target="tensorrt"``): the same function on other
    inputs is TorchScript's to check in CI, every exporter's in the check tool.
    """
    lowest, highest = opsets[0], opsets[-1]
    every = (*case.dtypes, *case.int_dtypes)
    if exporter == "dynamo" and not first_of_op and case.target == "onnx":
        return {}
    if exporter == "dynamo":
        # Integer inputs of a float op, float16 and int32 go through the same Casts into the
        # function float32 (or int64) exercises; float64 is its own path.
        every = every[:1] + tuple(d for d in every[1:] if d == torch.float64)
    sel = {lowest: every if exporter == "torchscript" or first_of_op else every[:1]}
    if first_of_op and highest != lowest and (exporter == "torchscript" or default_path):
        sel[highest] = every[:1]
    return sel


def _params():
    reg = _install.load()
    seen: set[str] = set()
    for case in load_cases():
        versions = reg.versions(case.name)
        if not versions:
            yield pytest.param(case, None, None, None, id=f"{case.id}-unregistered")
            continue
        first_of_op = case.name not in seen
        seen.add(case.name)
        for exporter in runner.EXPORTERS:
            opsets = runner.opsets_for(exporter, versions[0])
            default_path = bool(reg.resolve(case.name, opsets[-1]).op.dynamo_targets)
            for opset, dtypes in _selection(case, first_of_op, exporter, opsets, default_path).items():
                for dtype in dtypes:
                    dt = str(dtype).replace("torch.", "")
                    marks = [pytest.mark.slow] if _slow(case, exporter, dtype) else []
                    yield pytest.param(
                        case, exporter, opset, dtype, id=f"{case.id}-{exporter}-{opset}-{dt}", marks=marks
                    )


@pytest.fixture(scope="module", autouse=True)
def pack_functions_everywhere():
    torch_opfill.enable(override=True)
    yield
    torch_opfill.enable(override=False)


@pytest.mark.parametrize(("case", "exporter", "opset", "dtype"), list(_params()))
def test_op_matches_eager(case, exporter, opset, dtype):
    if exporter is None:
        pytest.fail(f"{case.name} has a test row but no pack registers it (or this torch lacks it)")
    # torch's OpInfo samples (one export each per distinct shape set): through TorchScript at
    # the lowest opset in the row's first float dtype; the check tool runs them everywhere
    # (float32 and float64, both exporters).
    lowest = opset == runner.opsets_for(exporter, _install.load().versions(case.name)[0])[0]
    first_float = next((d for d in case.dtypes if d in (torch.float32, torch.float64)), None)
    opinfo = exporter == "torchscript" and lowest and dtype == first_float
    result = runner.check(case, exporter, opset, dtype, opinfo=opinfo)
    if result.status == "xfail":
        pytest.xfail(result.message)
    assert result.status == "pass", f"{case.name} {exporter} opset {opset} {dtype}: {result.status}: {result.message}"
    assert result.comparisons, "no sample was compared"
