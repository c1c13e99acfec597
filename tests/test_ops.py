"""Every pack op, exported through both exporters, run in onnxruntime, compared with eager.

Table-driven from the packs' ``cases.CASES`` rows. The suite takes each op's lowest opset
per exporter in every dtype of its row, and its highest in the row's first dtype;
``python -m torch_opfill.check`` sweeps every opset and dtype. Rows are
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


def _params():
    reg = _install.load()
    for case in load_cases():
        versions = reg.versions(case.name)
        if not versions:
            yield pytest.param(case, None, None, None, id=f"{case.id}-unregistered")
            continue
        for exporter in runner.EXPORTERS:
            opsets = runner.opsets_for(exporter, versions[0])
            for opset in sorted({opsets[0], opsets[-1]}):
                # Every dtype at the lowest opset; the highest opset re-checks float32 only
                # (the graph differs by opset, not by dtype), keeping CI within its budget.
                dtypes = (*case.dtypes, *case.int_dtypes) if opset == opsets[0] else case.dtypes[:1]
                for dtype in dtypes:
                    dt = str(dtype).replace("torch.", "")
                    yield pytest.param(case, exporter, opset, dtype, id=f"{case.id}-{exporter}-{opset}-{dt}")


@pytest.fixture(scope="module", autouse=True)
def pack_functions_everywhere():
    torch_opfill.enable(override=True)
    yield
    torch_opfill.enable(override=False)


@pytest.mark.parametrize(("case", "exporter", "opset", "dtype"), list(_params()))
def test_op_matches_eager(case, exporter, opset, dtype):
    if exporter is None:
        pytest.fail(f"{case.name} has a test row but no pack registers it (or this torch lacks it)")
    result = runner.check(case, exporter, opset, dtype)
    if result.status == "xfail":
        pytest.xfail(result.message)
    assert result.status == "pass", f"{case.name} {exporter} opset {opset} {dtype}: {result.status}: {result.message}"
    assert result.comparisons, "no sample was compared"
