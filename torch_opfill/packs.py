"""Op packs are found through the ``torch_opfill.packs`` entry-point group.

A third-party package ships a pack with one entry point naming a module or package::

    [project.entry-points."torch_opfill.packs"]
    mypack = "mypack.opset_patches"

A pack that fails to import is reported as a warning naming it and skipped: it never
breaks ``import torch`` nor the other packs.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import warnings

from torch_opfill import registry as _registry

ENTRY_POINT_GROUP = "torch_opfill.packs"
BUNDLED = "opset_patches"


@dataclasses.dataclass(frozen=True)
class Pack:
    name: str
    target: str  # the entry point's value, e.g. "opset_patches"
    ops: tuple[_registry.OpDef, ...]


def entry_points() -> list[importlib.metadata.EntryPoint]:
    eps = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    # The bundled pack even from a source checkout that was never pip-installed.
    if not any(ep.name == BUNDLED for ep in eps):
        eps.append(importlib.metadata.EntryPoint(BUNDLED, BUNDLED, ENTRY_POINT_GROUP))
    # Deterministic: the bundled pack first, then by name; the first to claim an op wins.
    return sorted(eps, key=lambda ep: (ep.name != BUNDLED, ep.name))


def discover() -> list[Pack]:
    packs = []
    for ep in entry_points():
        try:
            module = ep.load()
            ops = _registry.collect(module)
        except Exception as err:  # noqa: BLE001 - a broken pack must not break the others
            warnings.warn(
                f"torch-opfill: pack '{ep.name}' ({ep.value}) failed to load and is skipped: "
                f"{type(err).__name__}: {err}",
                stacklevel=2,
            )
            continue
        packs.append(Pack(ep.name, ep.value, tuple(ops)))
    return packs


def build_registry(packs: list[Pack]) -> _registry.Registry:
    reg = _registry.Registry()
    for pack in packs:
        for op in pack.ops:
            try:
                skip = _registry.validate(op)
            except _registry.PackError as err:
                warnings.warn(f"torch-opfill: pack '{pack.name}': {err}; op skipped", stacklevel=2)
                continue
            if skip is None:
                reg.add(op, pack.name)
    return reg
