"""Test rows of group fft (read through opset_patches.cases)."""

from __future__ import annotations

from torch_opfill.cases import OpCase

CASES: list[OpCase] = []
