"""`import torch` alone activates torch-opfill (installed package), lazily, and never breaks torch."""

from __future__ import annotations

import sys
import textwrap

import pytest

from conftest import run_python

SEED_ASINH = """
import io, torch, numpy as np, onnxruntime as ort
class M(torch.nn.Module):
    def forward(self, x):
        return torch.asinh(x)
x = torch.tensor([-1e30, -3.0, -0.0, 0.0, 1e-30, 0.5, 7.0, 1e30])
buf = io.BytesIO()
torch.onnx.export(M(), (x,), buf, opset_version=12, dynamo=False)
s = ort.InferenceSession(buf.getvalue(), providers=["CPUExecutionProvider"])
got = s.run(None, {s.get_inputs()[0].name: x.numpy()})[0]
np.testing.assert_allclose(got, torch.asinh(x).numpy(), rtol=1e-6)
print("EXPORTED")
"""


def test_import_torch_alone_makes_the_seed_asinh_export_work():
    proc = run_python(SEED_ASINH)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "EXPORTED" in proc.stdout


def test_opt_out_variable_restores_the_original_error():
    proc = run_python(SEED_ASINH, env={"TORCH_OPFILL_AUTOLOAD": "0"})
    assert proc.returncode != 0
    assert "Exporting the operator 'aten::asinh' to ONNX opset version 12 is not supported" in proc.stderr


def test_explicit_import_activates_when_autoload_is_off():
    proc = run_python("import torch_opfill\n" + SEED_ASINH, env={"TORCH_OPFILL_AUTOLOAD": "0"})
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_import_torch_stays_lazy():
    proc = run_python(
        """
        import sys, torch
        heavy = [m for m in ("torch.onnx", "onnxscript", "onnx", "onnxruntime", "opset_patches",
                             "torch_opfill.builder", "torch_opfill._install") if m in sys.modules]
        print("HEAVY", heavy, "LOADED", "torch_opfill" in sys.modules)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY [] LOADED True" in proc.stdout


def test_dynamo_erfinv_export_works_without_importing_torch_opfill():
    proc = run_python(
        """
        import torch, numpy as np, onnxruntime as ort
        import torch_opfill._install as inst
        if not any(r.name == "aten::erfinv" for r in inst.load()):
            print("NO-ERFINV"); raise SystemExit(0)
        class M(torch.nn.Module):
            def forward(self, x):
                return torch.erfinv(x)
        x = torch.tensor([-1.0, -0.999, -0.5, -0.0, 0.0, 0.3, 0.9999, 1.0, 1.5, float("nan")])
        p = torch.onnx.export(M(), (x,), dynamo=True, opset_version=18, verbose=False)
        s = ort.InferenceSession(p.model_proto.SerializeToString(), providers=["CPUExecutionProvider"])
        got = s.run(None, {s.get_inputs()[0].name: x.numpy()})[0]
        np.testing.assert_allclose(got, torch.erfinv(x).numpy(), rtol=1e-6)
        print("EXPORTED")
        """
    )
    if "NO-ERFINV" in proc.stdout:
        pytest.skip("erfinv not in the pack yet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "EXPORTED" in proc.stdout


def _install_dist(site, name: str, entry_points: str, files: dict[str, str]) -> None:
    """A minimal installed distribution in ``site``: dist-info with entry points, plus modules."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    for fname, src in files.items():
        path = site / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(src))


def test_installed_third_party_pack_is_used_and_a_broken_one_only_warns(tmp_path):
    _install_dist(
        tmp_path, "goodpack", "[torch_opfill.packs]\ngoodpack = goodpack\n",
        {"goodpack/__init__.py": "", "goodpack/symbolic_opset9.py": '''
            from __future__ import annotations
            from torch_opfill import Tensor, op, symbolic

            @symbolic("aten::angle", opset=18)  # the bundled pack's angle is at 9
            def angle(self: Tensor) -> Tensor:
                """angle(Tensor self) -> Tensor"""
                return op.Identity(self)
        '''},
    )
    _install_dist(
        tmp_path, "badpack", "[torch_opfill.packs]\nbadpack = badpack\n",
        {"badpack/__init__.py": "raise ImportError('badpack is broken')\n"},
    )
    proc = run_python(
        "import torch_opfill\n"
        "print(sorted({(r.name, r.pack) for r in torch_opfill.registered() if r.pack != 'opset_patches'}))\n"
        + SEED_ASINH,
        path=[str(tmp_path)],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "[('aten::angle', 'goodpack')]" in proc.stdout
    assert "EXPORTED" in proc.stdout
    assert "pack 'badpack' (badpack) failed to load and is skipped: ImportError: badpack is broken" in proc.stderr


def test_autoload_entry_point_never_raises(monkeypatch):
    """torch turns an exception from a `torch.backends` entry point into a failed `import torch`."""
    import _torch_opfill_autoload

    monkeypatch.setitem(sys.modules, "torch_opfill", None)  # the next import of it raises ImportError
    with pytest.warns(UserWarning, match=r"torch-opfill failed to load and is inactive \(ModuleNotFoundError"):
        _torch_opfill_autoload.autoload()


def test_autoload_entry_point_is_registered_for_torch():
    from importlib.metadata import entry_points

    (ep,) = [ep for ep in entry_points(group="torch.backends") if ep.name == "torch_opfill"]
    assert ep.value == "_torch_opfill_autoload:autoload"
