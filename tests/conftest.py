"""Shared fixtures: temporary packs, a clean install state, subprocess runs."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import torch_opfill
from torch_opfill import _install, packs


@pytest.fixture
def clean_state(monkeypatch):
    """Pack ops out of both exporters and a fresh registry; the previous state comes back after."""
    torch_opfill.disable()
    monkeypatch.setattr(_install, "STATE", _install._State())
    yield _install
    torch_opfill.disable()
    monkeypatch.undo()
    torch_opfill._enabled = True


@pytest.fixture
def make_pack(tmp_path, monkeypatch):
    """Write a pack package under tmp_path and make it discoverable next to the bundled one.

    ``make_pack(name, {"symbolic_opset9.py": src, ...})``; every pack made in a test is
    offered through the (monkeypatched) entry points, after the bundled pack.
    """
    made: list[importlib.metadata.EntryPoint] = []
    real = packs.entry_points
    monkeypatch.syspath_prepend(str(tmp_path))

    def entry_points():
        return sorted([*real(), *made], key=lambda ep: (ep.name != packs.BUNDLED, ep.name))

    monkeypatch.setattr(packs, "entry_points", entry_points)

    def make(name: str, files: dict[str, str], *, entry_name: str | None = None) -> Path:
        root = tmp_path / name
        root.mkdir()
        (root / "__init__.py").write_text("")
        for fname, src in files.items():
            (root / fname).write_text(textwrap.dedent(src))
        made.append(importlib.metadata.EntryPoint(entry_name or name, name, packs.ENTRY_POINT_GROUP))
        return root

    return make


def run_python(code: str, *, env: dict[str, str] | None = None, path: list[str] | None = None, timeout: int = 300):
    """Run ``code`` in a fresh interpreter (the real `import torch` start-up path)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCH_OPFILL", "PYTEST"))}
    full_env.update(env or {})
    if path:
        full_env["PYTHONPATH"] = os.pathsep.join([*path, full_env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=full_env, timeout=timeout
    )
