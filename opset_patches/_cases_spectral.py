"""Test rows of group spectral (read through opset_patches.cases)."""

from __future__ import annotations

from torch_opfill.cases import OpCase

CASES: list[OpCase] = []
