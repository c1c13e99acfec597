"""``python -m torch_opfill.check`` end to end: selection, exit codes, --json/--junit, bad usage,
a deliberately wrong op in a temporary pack, --model; and the report's rendering rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest
import torch

from torch_opfill.cases import Domain, OpCase
from torch_opfill.check import report, runner
from torch_opfill.check.compare import compare


def check_cli(*args: str, cwd=None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCH_OPFILL", "PYTEST"))}
    if cwd is not None:  # the temporary pack / model module lives there
        env["PYTHONPATH"] = os.pathsep.join([str(cwd), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "torch_opfill.check", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def check_main(capsys, *args: str) -> tuple[int, str, str]:
    """The CLI in this process (the start-up of a fresh interpreter is what makes subprocesses slow)."""
    from torch_opfill.check.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.stdout == ""
    return lines[0]


# --------------------------------------------------------------------------- end to end


def test_one_op_passes_with_json_and_junit(tmp_path):
    out, xml = tmp_path / "r.json", tmp_path / "r.xml"
    proc = check_cli(
        "asinh",
        "--opset",
        "9",
        "--exporter",
        "torchscript",
        "--dtype",
        "float32",
        "float16",
        "--json",
        str(out),
        "--junit",
        str(xml),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "\033[" not in proc.stdout  # no colour when stdout is not a terminal
    assert "2 checks" in proc.stdout and "-- OK" in proc.stdout
    doc = json.loads(out.read_text())
    assert doc["summary"]["exit_code"] == 0 and doc["summary"]["pass"] == 2
    assert doc["selection"]["exporters"] == ["torchscript"]
    assert doc["tensorrt_support"]["tensorrt"].startswith("10.")
    r32, r16 = doc["results"]
    assert (r32["op"], r32["exporter"], r32["opset"], r32["dtype"]) == (
        "aten::asinh",
        "torchscript",
        9,
        "float32",
    )
    assert r16["dtype"] == "float16"
    for key in (
        "max_abs",
        "max_rel",
        "max_ulp",
        "nan_mismatch",
        "inf_mismatch",
        "status",
        "onnx_ops",
        "samples",
    ):
        assert key in r32, key
    assert r32["status"] == "pass" and r32["onnx_ops"] == ["Asinh"]
    assert r32["tensorrt_static"]["deployable"] is True
    assert (
        r32["backends"]["scipy-ref"]["status"] == "pass" and r32["backends"]["scipy-ref"]["counts"] is False
    )
    # Whatever this machine lacks is a skip with a reason, never a pass.
    for name, info in doc["backends"].items():
        if not info["available"]:
            assert r32["backends"][name] == {
                "status": "skip",
                "message": info["reason"],
                "counts": r32["backends"][name]["counts"],
            }
            assert f"skipped {name}" in proc.stdout
    suite = ET.parse(xml).getroot().find("testsuite")
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert "opset9-float32" in names and "opset9-float16" in names
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert int(suite.get("skipped")) == len(skipped)
    assert all(c.find("skipped").get("message") for c in skipped)


# A unary op a temporary pack can claim: aten::angle, at an opset above the bundled pack's
# forms of it (dispatch takes the highest registered opset <= the target, so the temporary
# pack's form is the one checked there).
FREE_OP = "angle"


def _free_opset() -> int:
    import importlib

    from torch_opfill.registry import collect

    bundled = [op.opset for op in collect(importlib.import_module("opset_patches")) if op.name == f"aten::{FREE_OP}"]
    return max(bundled, default=8) + 1


def _free_op() -> str:
    return FREE_OP


def _wrong_pack(name: str) -> dict[str, str]:
    """A pack whose only op is deliberately wrong (-x), with a case row for it."""
    return {
        "symbolic_opset9.py": f'''
            from torch_opfill import Tensor, op, symbolic

            @symbolic("aten::{name}", opset={_free_opset()})
            def {name}(self: Tensor) -> Tensor:
                """{name}(Tensor self) -> Tensor: deliberately wrong."""
                return op.Neg(op.float_input(self))
        ''',
        "cases.py": f"""
            import torch
            from torch_opfill.cases import Domain, OpCase

            CASES = [OpCase("aten::{name}", torch.angle, (Domain(-30.0, -0.5),),
                            dtypes=(torch.float32,), int_dtypes=(), label="wrong")]
        """,
    }


def test_wrong_op_in_a_temporary_pack_fails_naming_it(tmp_path):
    name = _free_op()
    pack = tmp_path / "wrongpack"
    pack.mkdir()
    (pack / "__init__.py").write_text("")
    for fname, src in _wrong_pack(name).items():
        (pack / fname).write_text(textwrap.dedent(src))
    out = tmp_path / "r.json"
    proc = check_cli(
        "--pack",
        "wrongpack",
        name,
        "--exporter",
        "torchscript",
        "--opset",
        str(_free_opset()),
        "--jobs",
        "1",
        "--json",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    fail_lines = [line for line in proc.stdout.splitlines() if line.startswith("FAIL")]
    assert fail_lines and f"{name} torchscript opset {_free_opset()} float32" in fail_lines[0]
    assert "would pass with atol=" in fail_lines[0]
    (result,) = [r for r in json.loads(out.read_text())["results"] if r["case"] == f"{name}[wrong]"]
    assert (result["op"], result["status"]) == (f"aten::{name}", "fail")


def test_wrong_op_in_process_fails(make_pack, clean_state):
    import torch_opfill
    from torch_opfill.cases import load_cases

    name = _free_op()
    make_pack("badpack", _wrong_pack(name))
    torch_opfill.enable(override=True)
    (case,) = [c for c in load_cases() if c.id == f"{name}[wrong]"]
    result = runner.check(case, "torchscript", _free_opset(), torch.float32, n=64)
    assert result.status == "fail" and not result.ok
    assert "would pass with atol=" in result.message


def test_require_makes_a_missing_backend_fail(capsys, clean_state):
    availability = runner.availability()
    missing = [b for b in ("tensorrt", "cupy-ref", "onnxruntime-cuda") if availability[b] is not None]
    if not missing:
        pytest.skip("every GPU backend is present here: nothing to require that is missing")
    code, out, _ = check_main(
        capsys,
        "asinh",
        "--opset",
        "9",
        "--exporter",
        "torchscript",
        "--dtype",
        "float32",
        "--jobs",
        "1",
        "--require",
        missing[0],
    )
    assert code == 1
    assert f"REQUIRED backend {missing[0]} is unavailable" in out


def test_list_shows_ops_opsets_and_rows(capsys, clean_state):
    code, out, _ = check_main(capsys, "--list")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("aten::asinh "))
    assert "torchscript 9..20" in line and "dynamo 18..20" in line and "rows: asinh" in line


# --------------------------------------------------------------------------- bad usage: one line, exit 2


def test_bad_usage_from_the_real_entry_point_is_one_line():
    line = _one_line_error(check_cli("erfnv"))
    # The closest name first; others may follow as the pack grows (erfc).
    assert line.startswith("python -m torch_opfill.check: unknown op 'erfnv'; did you mean: erfinv")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["aten::asinhh"], "unknown op 'aten::asinhh'; did you mean: asinh"),
        (
            ["asinh", "--opset", "7"],
            "aten::asinh supports opsets 9..20 (torchscript), 18..20 (dynamo); opset 7 is outside",
        ),
        (
            ["asinh", "--opset", "9", "--exporter", "dynamo"],
            "aten::asinh supports opsets 18..20 (dynamo); opset 9 is outside",
        ),
        (["asinh", "--dtype", "bfloat16"], "asinh has no bfloat16 row"),
        (["asinh", "--exporter", "tflite"], "argument --exporter: invalid choice: 'tflite'"),
        (["--pack", "no_such_pack_module"], "cannot import pack 'no_such_pack_module': ModuleNotFoundError"),
        (["asinh", "--inputs", "1x3"], "--inputs goes with --model"),
        (["--model", "m:f"], "--model needs --inputs"),
        (["--model", "m:f", "--inputs", "1xq"], "bad input shape '1xq'"),
    ],
    ids=[
        "unknown-qualified",
        "opset-below",
        "opset-exporter",
        "dtype",
        "exporter",
        "pack",
        "inputs",
        "no-inputs",
        "shape",
    ],
)
def test_bad_usage_is_one_line_exit_2(capsys, clean_state, args, message):
    code, out, err = check_main(capsys, *args)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert message in err


MODELS = """
import torch

class Net(torch.nn.Module):
    def forward(self, x):
        return torch.erfinv(torch.tanh(x) * 0.5) + torch.lgamma(x.abs() + 1)

def build():
    return Net()

def broken():
    raise RuntimeError("no weights here")

class Mismatch(torch.nn.Module):
    def forward(self, x):
        return x @ x

def mismatch():
    return Mismatch()
"""


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_models:build", "cannot import model module 'no_such_models': ModuleNotFoundError"),
        ("usermodels:nothing", "'usermodels' has no callable 'nothing'"),
        ("usermodels:broken", "model factory 'usermodels:broken' raised RuntimeError: no weights here"),
        (
            "usermodels:mismatch",
            "model 'usermodels:mismatch' fails in eager on inputs 2x3x4 (float32): RuntimeError",
        ),
        ("usermodels", "expected MODULE:FACTORY"),
    ],
    ids=["module", "factory", "factory-raises", "eager-fails", "no-colon"],
)
def test_bad_model_is_one_line_exit_2(tmp_path, monkeypatch, capsys, clean_state, spec, message):
    (tmp_path / "usermodels.py").write_text(MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = check_main(capsys, "--model", spec, "--inputs", "2x3x4")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert message in err


def test_bad_model_from_the_real_entry_point_is_one_line(tmp_path):
    (tmp_path / "usermodels.py").write_text(MODELS)
    line = _one_line_error(check_cli("--model", "usermodels:broken", "--inputs", "2x3", cwd=tmp_path))
    assert "model factory 'usermodels:broken' raised RuntimeError: no weights here" in line


def test_model_lists_the_pack_filled_ops_and_tensorrt_verdict(tmp_path, monkeypatch, capsys, clean_state):
    (tmp_path / "usermodels.py").write_text(MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    out_json = tmp_path / "m.json"
    code, out, _ = check_main(
        capsys,
        "--model",
        "usermodels:build",
        "--inputs",
        "4x5",
        "--exporter",
        "torchscript",
        "--json",
        str(out_json),
    )
    assert code == 0, out
    assert "pack-filled ATen ops: aten::erfinv, aten::lgamma" in out
    assert "TensorRT" in out
    (result,) = json.loads(out_json.read_text())["results"]
    assert result["status"] == "pass"
    assert result["filled_aten_ops"] == ["aten::erfinv", "aten::lgamma"]
    assert result["tensorrt_static"]["deployable"] is True


# --------------------------------------------------------------------------- the report's rules


def _result(status="pass", *, backends=None, exporter="torchscript", opset=9, dtype="float32", builtin=""):
    c = compare(torch.ones(3).numpy(), torch.ones(3).numpy(), 0.0, 0.0)
    r = runner.Result(
        "aten::asinh",
        "asinh",
        exporter,
        opset,
        dtype,
        status,
        "boom" if status != "pass" else "",
        comparisons=[("sweep", c)],
        builtin=builtin,
    )
    r.backends = backends or {}
    return r


def test_table_never_shows_a_skipped_backend_as_passed():
    skipped = {"tensorrt": runner.BackendResult("tensorrt", "skip", "tensorrt is not installed")}
    text = report.table([_result(backends=skipped)], ["torchscript"], report.Style(False))
    row = text.splitlines()[-1].split()
    assert row[:3] == ["asinh", "|", "pass"]
    assert row[row.index("0") + 1 :].count("skip") == 1  # trt32 column: skip; absent backends: "-"


def test_partly_skipped_cell_is_marked_and_failures_are_counted():
    ran = runner.BackendResult(
        "tensorrt", "pass", comparisons=[("s", compare(torch.ones(2).numpy(), torch.ones(2).numpy(), 0, 0))]
    )
    skip = runner.BackendResult("tensorrt", "skip", "not TensorRT-deployable: float64")
    results = [
        _result(backends={"tensorrt": ran}),
        _result("fail", dtype="float64", backends={"tensorrt": skip}),
        _result(opset=10, builtin="torch has it from opset 9"),
    ]
    text = report.table(results, ["torchscript"], report.Style(False))
    assert "FAIL 1/3*" in text  # one of three failed; '*': torch has its own mapping
    assert "pass 0~" in text  # ran where it could, skipped elsewhere
    lines = report.problems(results, report.Style(False))
    assert lines == ["FAIL asinh torchscript opset 9 float64 [onnxruntime]: boom"]
    assert report.skipped(results) == ["skipped tensorrt (1 checks): not TensorRT-deployable: float64"]


def test_colour_only_when_asked():
    assert report.Style(False)("pass", "good") == "pass"
    assert report.Style(True)("pass", "good") == "\033[32mpass\033[0m"


@pytest.mark.parametrize(
    ("opsets", "text"), [([9], "9"), ([9, 10, 11, 15], "9-11,15"), ([20, 18, 19], "18-20")]
)
def test_opsets_fold(opsets, text):
    assert report.fmt_opsets(opsets) == text


def test_junit_marks_skips_and_xfails_skipped_with_reason():
    skip = {"tensorrt": runner.BackendResult("tensorrt", "skip", "no CUDA GPU")}
    xml = report.junit([_result("xfail", backends=skip), _result("error", opset=10)], 1.0)
    suite = ET.fromstring(xml.split("?>", 1)[1]).find("testsuite")
    assert (suite.get("tests"), suite.get("skipped"), suite.get("errors")) == ("3", "2", "1")
    messages = [s.get("message") for s in suite.iter("skipped")]
    assert messages == ["xfail: boom", "no CUDA GPU"]


def test_case_rows_are_validated_against_eager():
    # A row listing a dtype eager rejects is the row's fault, said plainly.
    case = OpCase(
        "aten::logaddexp", torch.logaddexp, (Domain(), Domain()), dtypes=(), int_dtypes=(torch.int64,)
    )
    result = runner.check(case, "torchscript", 9, torch.int64, n=16)
    assert result.status == "error"
    assert "eager rejects int64 inputs" in result.message and "drop int64 from the case row" in result.message


class _Terminal:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_progress_bar_draws_on_a_terminal_only():
    tty = _Terminal()
    bar = report.Progress(4, stream=tty)
    bar.advance("asinh opset 9")
    assert "] 1/4 asinh opset 9" in tty.text and tty.text.startswith("\r[")
    bar.close()
    assert tty.text.endswith("\r")
    pipe = _Terminal()
    pipe.isatty = lambda: False  # type: ignore[method-assign]
    quiet = report.Progress(4, stream=pipe)
    quiet.advance("x")
    quiet.close()
    assert pipe.text == ""


def test_quick_takes_each_form_once_and_the_ends(capsys, clean_state):
    from torch_opfill.check import cli

    plan = cli.make_plan(cli.build_parser().parse_args(["asinh", "--quick"]))
    assert {exporter: opsets for _, exporter, opsets, _, _ in plan.entries} == {
        "torchscript": [9, 20],
        "dynamo": [18, 20],
    }
    full = cli.make_plan(cli.build_parser().parse_args(["asinh"]))
    assert {exporter: opsets for _, exporter, opsets, _, _ in full.entries}["torchscript"] == list(
        range(9, 21)
    )


def test_an_op_named_without_overload_selects_all_its_overloads():
    from torch_opfill.check import cli

    plan = cli.make_plan(cli.build_parser().parse_args(["copysign"]))
    assert {entry[0].name for entry in plan.entries} == {"aten::copysign.Tensor", "aten::copysign.Scalar"}


def test_opset_sweep_reuses_onnxruntime_outputs_only_for_identical_graphs(monkeypatch, clean_state):
    """The check tool's sweep shares eager outputs and onnxruntime outputs of identical graphs;
    a graph that differs in any node (here: a wrong one at opset 11) is run and fails."""
    import dataclasses

    import torch_opfill
    from torch_opfill.cases import load_cases

    torch_opfill.enable(override=True)
    (case,) = [c for c in load_cases() if c.id == "expm1"]
    shared: dict = {}
    first = runner.check(case, "torchscript", 9, torch.float32, n=64, opinfo=False, shared=shared)
    again = runner.check(case, "torchscript", 10, torch.float32, n=64, opinfo=False, shared=shared)
    assert (first.status, again.status) == ("pass", "pass")
    assert (first.outputs_from_opset, again.outputs_from_opset) == (None, 9)
    assert again.to_json()["onnxruntime_outputs_from_opset"] == 9

    real_export = runner.export

    def wrong_graph(case_, args, exporter, opset, fn=None):
        return real_export(dataclasses.replace(case_, fn=lambda x: torch.expm1(x) * 2), args, exporter, opset, fn)

    monkeypatch.setattr(runner, "export", wrong_graph)
    broken = runner.check(case, "torchscript", 10, torch.float32, n=64, opinfo=False, shared=shared)
    assert broken.status == "fail" and broken.outputs_from_opset is None


def test_graph_fingerprint_tells_operator_versions_apart():
    """The same serialized graph means other kernels where an operator's version changes."""
    import onnx
    from onnx import helper

    def model(opset: int) -> bytes:
        node = helper.make_node("Relu", ["x"], ["y"])  # Relu: new version at opset 13 (and 14)
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2])],
            [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])],
        )
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]).SerializeToString()

    fp = {o: runner.graph_fingerprint(model(o), o) for o in (9, 12, 13, 14)}
    assert fp[9] == fp[12]  # Relu-6 at both
    assert len({fp[12], fp[13], fp[14]}) == 3


@pytest.mark.parametrize(
    ("opinfo", "row_has_opinfo", "expected"),
    [(True, True, "cause"), (False, True, None), (True, False, None)],
)
def test_opinfo_only_xfail_applies_only_where_opinfo_samples_run(opinfo, row_has_opinfo, expected):
    from torch_opfill.cases import Xfail

    case = OpCase("aten::logdet", torch.logdet, xfail=(Xfail("cause", "torchscript", torch.float64, opinfo_only=True),),
                  opinfo=(("logdet", ""),) if row_has_opinfo else ())
    assert case.xfail_reason("torchscript", torch.float64, opinfo) == expected
    assert case.xfail_reason("dynamo", torch.float64, opinfo) is None
