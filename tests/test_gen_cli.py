"""opfill-gen's command line: every bad input, idempotence, atomic writes, stubs, --missing.

Each test writes into its own temporary pack (never the bundled one). Writes run the
generator's import check in a subprocess, so tests that write are the slow ones here.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import uuid
from pathlib import Path

import pytest
import torch

import torch_opfill
from torch_opfill import packs
from torch_opfill.gen import cli, main, writer

FIXTURES = Path(__file__).parent / "fixtures"

HAND_WRITTEN = '''"""Hand-written ops."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=9)


@_symbolic("aten::asinh")
def asinh(self: Tensor) -> Tensor:
    """asinh(Tensor self) -> Tensor

    Mine.
    """
    return op.Asinh(op.float_input(self))
'''


def make_pack(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / f"genpack_{uuid.uuid4().hex[:10]}"
    root.mkdir()
    (root / "__init__.py").write_text("")
    for name, src in (files or {}).items():
        (root / name).write_text(src)
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file (hidden temporaries included) with its bytes and mtime."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def gen(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("opfill-gen: error: ")
    assert "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------- bad input


def test_unknown_op_exit_2_one_line_with_close_matches(tmp_path, capsys):
    pack = make_pack(tmp_path)
    before = snapshot(pack)
    rc, _, err = gen(capsys, "Asnh", "--pack", str(pack))
    assert rc == 2
    assert "Did you mean: Asinh, Asin" in one_line_error(err)
    assert snapshot(pack) == before


def test_op_only_above_opset_names_the_lowest(tmp_path, capsys):
    pack = make_pack(tmp_path)
    rc, _, err = gen(capsys, "Asinh", "--opset", "8", "--pack", str(pack))
    assert rc == 2
    assert "Asinh does not exist at opset 8: its lowest opset is 9" in one_line_error(err)
    assert [p.name for p in pack.iterdir()] == ["__init__.py"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Tan"], "torch already exports aten::tan at opset 7 (with its opset-9 TorchScript symbolic)"),
        (["Trilu", "--aten", "aten::triu", "--opset", "14"], "torch already exports aten::triu at opset 14"),
        (["Asinh", "--opset", "5"], "--opset 5: must be in 7.."),
        (["Asinh", "--aten", "aten::asinhh"], "no functional op aten::asinhh. Did you mean: aten::asinh"),
        (["Asinh", "Acosh", "--aten", "aten::asinh"], "--aten maps exactly one ONNX op"),
        (["TreeEnsemble"], "operator of the 'ai.onnx.ml' domain"),
        ([], "name an ONNX op"),
    ],
)
def test_refusals_write_nothing(tmp_path, capsys, args, message):
    pack = make_pack(tmp_path)
    before = snapshot(pack)
    rc, _, err = gen(capsys, *args, "--pack", str(pack))
    assert rc == 2
    assert message in one_line_error(err)
    assert snapshot(pack) == before


def test_pack_problems(tmp_path, capsys, monkeypatch):
    rc, _, err = gen(capsys, "Asinh", "--pack", str(tmp_path / "nope"))
    assert rc == 2 and "does not exist" in one_line_error(err)
    (tmp_path / "plain").mkdir()
    rc, _, err = gen(capsys, "Asinh", "--pack", str(tmp_path / "plain"))
    assert rc == 2 and "is not a Python package (no __init__.py)" in one_line_error(err)
    assert list((tmp_path / "plain").iterdir()) == []
    # Not writable (simulated: root may write anywhere).
    pack = make_pack(tmp_path)
    before = snapshot(pack)
    real_access = os.access
    monkeypatch.setattr(
        writer.os, "access", lambda p, mode, **kw: False if Path(p) == pack else real_access(p, mode, **kw)
    )
    rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    assert rc == 2 and "is not writable" in one_line_error(err)
    assert snapshot(pack) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_pack_directory(tmp_path, capsys):
    pack = make_pack(tmp_path)
    before = snapshot(pack)
    pack.chmod(0o555)
    try:
        rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    finally:
        pack.chmod(0o755)
    assert rc == 2 and "not writable" in one_line_error(err)
    assert snapshot(pack) == before


def test_malformed_spec_writes_nothing(tmp_path, capsys):
    pack = make_pack(tmp_path)
    spec = tmp_path / "Operators.md"
    spec.write_text(
        '## ai.onnx (default)\n### <a name="Asinh"></a><a name="asinh">**Asinh**</a>\n\n#### Inputs\n'
    )
    rc, _, err = gen(capsys, "Asinh", "--spec", str(spec), "--pack", str(pack))
    assert rc == 2
    assert f"{spec}:2: Asinh has no '#### Version' line" in one_line_error(err)
    assert [p.name for p in pack.iterdir()] == ["__init__.py"]


def test_broken_existing_module_is_reported_not_touched(tmp_path, capsys):
    pack = make_pack(tmp_path, {"symbolic_opset9.py": "def broken(:\n"})
    before = snapshot(pack)
    rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    assert rc == 2 and "does not parse (line 1" in one_line_error(err)
    assert snapshot(pack) == before


# --------------------------------------------------------------------------- writing


def test_hand_written_function_is_never_overwritten_without_force(tmp_path, capsys):
    pack = make_pack(tmp_path, {"symbolic_opset9.py": HAND_WRITTEN})
    before = snapshot(pack)
    rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    assert rc == 2
    assert "asinh() in" in one_line_error(err) and "is hand-written" in err and "--force" in err
    assert snapshot(pack) == before

    rc, out, _ = gen(capsys, "Asinh", "--pack", str(pack), "--force")
    assert rc == 0, out
    text = (pack / "symbolic_opset9.py").read_text()
    assert text.count("def asinh(") == 1 and "Mine." not in text
    assert "# Generated by: opfill-gen Asinh --opset 9\n@_symbolic(\"aten::asinh\")" in text
    assert text.startswith('"""Hand-written ops."""')  # the rest of the module is kept


def test_generate_is_idempotent_and_edits_are_protected(tmp_path, capsys):
    pack = make_pack(tmp_path)
    rc, out, err = gen(capsys, "Asinh", "Sign", "--pack", str(pack))
    assert rc == 0, err
    assert "wrote asinh() [1:1] aten::asinh -> ONNX Asinh-9" in out
    assert "wrote sgn() [1:1] aten::sgn -> ONNX Sign-9" in out  # the twin torch lacks, not aten::sign
    first = snapshot(pack)
    assert set(first) == {"__init__.py", "cases.py", "symbolic_opset9.py"}

    rc, out, _ = gen(capsys, "Asinh", "Sign", "--pack", str(pack))
    assert rc == 0 and "up to date, nothing changed" in out
    assert snapshot(pack) == first  # same bytes, same mtimes: nothing rewritten

    rc, out, _ = gen(capsys, "Asinh", "--pack", str(pack), "--dry-run")
    assert rc == 0 and "(unchanged):" in out and snapshot(pack) == first

    # A generated function edited by hand is protected like a hand-written one.
    module = pack / "symbolic_opset9.py"
    edited = module.read_text().replace(
        "return op.Asinh(op.float_input(self))", "return op.Asinh(self)  # mine"
    )
    module.write_text(edited)
    rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    assert rc == 2 and "was generated by opfill-gen but has changed since" in one_line_error(err)
    assert module.read_text() == edited


def test_dry_run_prints_the_code_and_writes_nothing(tmp_path, capsys):
    pack = make_pack(tmp_path)
    rc, out, _ = gen(capsys, "LeakyRelu", "--opset", "7", "--force", "--dry-run", "--pack", str(pack))
    assert rc == 0
    assert '@_symbolic("aten::leaky_relu")' in out
    assert "def leaky_relu(self: Tensor, negative_slope: float = 0.01) -> Tensor:" in out
    assert "return op.LeakyRelu(self, alpha=float(negative_slope))" in out
    assert "leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor" in out
    assert "# float64 not listed: onnxruntime has no float64 kernel for LeakyRelu-6" in out
    assert [p.name for p in pack.iterdir()] == ["__init__.py"]


def test_trilu_from_the_issue_is_a_stub_listing_what_is_left(tmp_path, capsys):
    pack = make_pack(tmp_path)
    rc, out, _ = gen(
        capsys, "Trilu", "--aten", "aten::triu", "--opset", "14", "--force", "--dry-run", "--pack", str(pack)
    )
    assert rc == 0
    assert '@_symbolic("aten::triu", dynamo=())' in out
    assert "raise OpfillError(" in out
    assert "ATen parameters left to map: diagonal (SymInt)" in out
    assert "ONNX attributes left to map: upper (int)" in out
    assert "# OpCase(\"aten::triu\"" in out  # the row waits, commented out, for the implementation


def test_spec_and_onnx_defs_generate_the_same_code(tmp_path, capsys):
    pack = make_pack(tmp_path)
    outputs = []
    for extra in (["--spec", str(FIXTURES / "Operators_excerpt.md")], ["--opset", "22"]):
        rc, out, err = gen(capsys, "Asinh", "--dry-run", "--pack", str(pack), *extra)
        assert rc == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert "ONNX Asinh-22 (opset 22 on)" in outputs[0]
    # Changelog.md has the older versions: the default target (opset 7, LeakyRelu-6) works from it.
    outputs = []
    for extra in (["--spec", str(FIXTURES / "Changelog_excerpt.md")], []):
        rc, out, err = gen(capsys, "LeakyRelu", "--force", "--dry-run", "--pack", str(pack), *extra)
        assert rc == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] and "ONNX LeakyRelu-6 (opset 7 on)" in outputs[0]


def test_failed_import_check_writes_nothing(tmp_path, capsys):
    # The existing module parses but fails on import: the edited one cannot import either.
    broken = (
        HAND_WRITTEN.replace("def asinh", "def hand_acosh")
        .replace('"aten::asinh"', '"aten::acosh"')
        .replace("import functools\n", "import functools\n\nimport no_such_module_xyz\n")
    )
    pack = make_pack(tmp_path, {"symbolic_opset9.py": broken})
    before = snapshot(pack)
    rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    assert rc == 2
    message = one_line_error(err)
    assert "the edited pack does not import (ModuleNotFoundError: No module named 'no_such_module_xyz')" in message
    assert snapshot(pack) == before  # no temporary files left either


def test_a_failed_replace_rolls_back_both_files(tmp_path, capsys, monkeypatch):
    cases = "from torch_opfill.cases import OpCase\n\nCASES: list[OpCase] = []\n"
    pack = make_pack(tmp_path, {"cases.py": cases})
    before = snapshot(pack)
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", flaky_replace)
    rc, _, err = gen(capsys, "Asinh", "--pack", str(pack))
    assert rc == 2 and "nothing written" in one_line_error(err)
    after = snapshot(pack)
    # The module written first was taken back: both files or neither.
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}


# --------------------------------------------------------------------------- stubs


@pytest.fixture
def use_pack(monkeypatch, clean_state):
    """Make a generated pack the only one torch-opfill installs (fresh install state)."""

    def use(pack: Path, *, override=None):
        monkeypatch.syspath_prepend(str(pack.parent))
        ep = importlib.metadata.EntryPoint(pack.name, pack.name, packs.ENTRY_POINT_GROUP)
        monkeypatch.setattr(packs, "entry_points", lambda: [ep])
        torch_opfill.enable(override=override)

    return use


def _export_error(fn, args, opset: int) -> str:
    class M(torch.nn.Module):
        def forward(self, *xs):
            return fn(*xs)

    with pytest.raises(Exception) as info:  # noqa: PT011 - the exporter may wrap our OpfillError
        torch.onnx.export(M(), args, io.BytesIO(), dynamo=False, opset_version=opset)
    return str(info.value)


def test_stub_when_numerics_disagree_raises_a_clear_error_at_export(tmp_path, capsys, use_pack):
    pack = make_pack(tmp_path)
    # isposinf has no TorchScript symbolic; ONNX IsInf with its defaults detects -inf too.
    rc, out, err = gen(capsys, "IsInf", "--aten", "aten::isposinf", "--opset", "10", "--pack", str(pack))
    assert rc == 0, err
    assert "[STUB] aten::isposinf -> ONNX IsInf-10" in out and "no dtype matches eager" in out
    text = (pack / "symbolic_opset10.py").read_text()
    assert '@_symbolic("aten::isposinf", dynamo=())' in text and "raise OpfillError(" in text
    assert "# OpCase(\"aten::isposinf\"" in (pack / "cases.py").read_text()
    use_pack(pack)
    message = _export_error(torch.isposinf, (torch.randn(4),), 10)
    assert "aten::isposinf -> ONNX IsInf-10 is an unfinished opfill-gen stub: implement isposinf() in" in (
        message
    )
    assert str(pack / "symbolic_opset10.py") in message
    assert "ONNX attributes left to map: detect_negative (int), detect_positive (int)" in message


def test_stub_when_parameters_do_not_map(tmp_path, capsys, use_pack):
    pack = make_pack(tmp_path)
    rc, out, err = gen(capsys, "Softplus", "--opset", "7", "--force", "--pack", str(pack))
    assert rc == 0, err
    assert "left to map: ATen parameters beta, threshold; ONNX attributes none" in out
    text = (pack / "symbolic_opset7.py").read_text()
    assert "def softplus(self: Tensor, beta: float = 1, threshold: float = 20) -> Tensor:" in text
    use_pack(pack, override=["aten::softplus"])  # torch has softplus: make the stub the one used
    message = _export_error(torch.nn.functional.softplus, (torch.randn(4),), 7)
    assert "implement softplus() in" in message and str(pack / "symbolic_opset7.py") in message
    assert "ATen parameters left to map: beta (Scalar), threshold (Scalar)" in message
    # A stub row is not live: the test table has no row to fail.
    assert "# OpCase(\"aten::softplus\"" in (pack / "cases.py").read_text()


# --------------------------------------------------------------------------- --missing


def test_missing_lists_what_torch_cannot_export(capsys):
    rc, out, _ = gen(capsys, "--missing", "--json")
    assert rc == 0
    data = json.loads(out)
    rows = {r["aten"]: r for r in data["missing"]}
    assert data["opset"] == 20
    assert rows["aten::asinh"]["onnx"] == "Asinh" and rows["aten::asinh"]["since_version"] == 9
    xor = rows["aten::bitwise_xor"]
    assert (xor["onnx"], xor["since_version"]) == ("BitwiseXor", 18)
    assert "aten::tan" not in rows and "aten::sin" not in rows
    assert not any(name.startswith("aten::_") for name in rows)

    rc, out, _ = gen(capsys, "--missing", "--with-twin", "--opset", "17")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == "ATen op ONNX twin since torch from filled by pack".split()
    assert any(line.split()[:3] == ["aten::asinh", "Asinh", "9"] for line in lines)
    assert "ATen ops torch's TorchScript exporter cannot export at opset 17" in out


def test_cli_module_entry_point():
    assert cli.main is main
