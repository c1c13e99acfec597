"""What runs in each worker process of ``python -m torch_opfill.check`` (and in-process for --jobs 1).

A worker imports torch once, installs every pack op with ``override=True`` (so each row
measures the pack's own function even where torch has a built-in) and then runs tasks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.metadata
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Sequence

_state: dict[str, object] = {"cases": {}, "quiet": True}


@dataclasses.dataclass(frozen=True)
class Task:
    """One op/exporter/opset/dtype check; plain data, so it pickles to a worker."""

    case: str  # OpCase.id
    exporter: str
    opset: int
    dtype: str  # torch dtype name, "float32"
    n: int | None
    seed: int
    backends: tuple[tuple[str, str | None], ...]  # backend -> None (run) or why it is skipped
    builtin: str  # torch's own mapping for the op in this exporter ("" if none)


def add_packs(modules: Sequence[str]) -> None:
    """Offer ``modules`` as packs next to the installed ones (``--pack``: a pack under development).

    Wraps ``torch_opfill.packs.entry_points``, the one place packs are discovered; must run
    before the registry is first loaded.
    """
    if not modules:
        return
    from torch_opfill import packs  # noqa: PLC0415

    real = packs.entry_points
    extra = [importlib.metadata.EntryPoint(m, m, packs.ENTRY_POINT_GROUP) for m in modules]

    def entry_points() -> list[importlib.metadata.EntryPoint]:
        found = real()
        return found + [ep for ep in extra if ep.value not in {e.value for e in found}]

    packs.entry_points = entry_points  # type: ignore[assignment]


def init(extra_packs: Sequence[str], quiet: bool, parent: int | None = None) -> None:
    """Process initializer: packs, the pack's ops installed with override, cases indexed.

    ``parent``: the pid of the CLI; a worker exits once it is gone (a killed CLI would
    otherwise leave its workers running the queue to the end).
    """
    import torch_opfill  # noqa: PLC0415
    from torch_opfill import cases  # noqa: PLC0415

    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    warnings.simplefilter("ignore")
    add_packs(extra_packs)
    torch_opfill.enable(override=True)
    _state["cases"] = {c.id: c for c in cases.load_cases()}
    _state["quiet"] = quiet


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def run(task: Task, shared: dict | None = None):  # -> runner.Result (imported lazily: this module loads before torch)
    import torch  # noqa: PLC0415

    from torch_opfill.check import runner  # noqa: PLC0415

    case = _state["cases"][task.case]  # type: ignore[index]
    start = time.perf_counter()
    with silenced(bool(_state["quiet"])):
        result = runner.check(
            case,
            task.exporter,
            task.opset,
            getattr(torch, task.dtype),
            n=task.n,
            seed=task.seed,
            backends=dict(task.backends),
            shared=shared,
        )
    result.builtin = task.builtin
    result.seconds = time.perf_counter() - start
    return result


def run_batch(tasks: Sequence[Task]) -> list:
    """The opsets of one row, exporter and dtype, in one worker: they share samples, eager
    outputs, and onnxruntime outputs of identical graphs (see runner.check's ``shared``)."""
    shared: dict = {}
    return [run(task, shared) for task in tasks]


def batches(tasks: Sequence[Task]) -> list[list[int]]:
    """Indices of ``tasks`` grouped by row, exporter and dtype (each group in opset order)."""
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(tasks):
        groups.setdefault((t.case, t.exporter, t.dtype, t.n, t.seed), []).append(i)
    return [sorted(g, key=lambda i: tasks[i].opset) for g in groups.values()]


@contextlib.contextmanager
def silenced(active: bool = True) -> Iterator[None]:
    """Send file descriptors 1 and 2 to /dev/null: the exporters print from C++ and onnxscript
    prints parse errors of trace-only functions, which would tear the table and progress bar."""
    if not active:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)
