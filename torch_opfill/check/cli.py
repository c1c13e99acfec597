"""``python -m torch_opfill.check``: every pack op through both exporters, judged against eager.

For each selected op, exporter, opset and dtype: export a one-op module, validate the graph
(``onnx.checker`` full check, standard domain only), run it in onnxruntime and compare with
eager (ULP / abs / rel, Polygraphy semantics), next to the other backends this machine has
(onnxruntime CUDA, TensorRT engines, the SciPy/CuPy references) and TensorRT's static support
matrix. Skipped checks are listed with their reason, never counted as passed.

Exit status: 0 when every selected check passed (xfail counts as passed), 1 when one failed
or errored, 2 on bad usage (one line, no traceback unless --verbose).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import importlib
import json
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, NoReturn

PROG = "python -m torch_opfill.check"
EXPORTERS = ("torchscript", "dynamo")
DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")
REQUIRABLE = ("onnxruntime-cuda", "scipy-ref", "cupy-ref", "tensorrt")
TRT_SCOPE = "engines are built at each exporter's highest selected opset (--trt-all-opsets: every opset)"


class UsageError(Exception):
    """Bad input: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Export every pack op through both exporters and judge it against eager "
        "(and the other backends this machine has).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status: 0 every selected check passed, 1 a check failed or errored, 2 bad usage\n\n"
        "examples:\n"
        f"  {PROG}\n      every op, every opset it claims, both exporters, every dtype of its rows\n"
        f"  {PROG} erfinv --opset 17 --exporter torchscript --dtype float32\n"
        f"  {PROG} --quick --json report.json --junit report.xml\n"
        f"  {PROG} --pack mypack.opset_patches myop\n      a pack under development, next to the installed\n"
        f"  {PROG} --model mymodels:build --inputs 1x3x224x224\n",
    )
    p.add_argument(
        "ops",
        nargs="*",
        metavar="OP",
        help="ops to check: 'erfinv' or 'aten::erfinv' (default: every pack op)",
    )
    p.add_argument(
        "--opset",
        type=int,
        nargs="+",
        metavar="N",
        help="opsets to check (default: every opset the op claims; torchscript up to 20, dynamo 18..20)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="per exporter, only each op's lowest and highest opset and those where it registers a new "
        "form (the default sweeps every opset)",
    )
    p.add_argument("--exporter", action="append", choices=EXPORTERS, help="repeatable (default: both)")
    p.add_argument(
        "--dtype",
        nargs="+",
        choices=DTYPES,
        metavar="DTYPE",
        help=f"input dtypes (default: every dtype the op's case row lists); one of {', '.join(DTYPES)}",
    )
    p.add_argument(
        "--n",
        type=_positive,
        default=None,
        help="sweep points per argument (default: each row's own; 10**5 for elementwise rows, else 2000)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the sampled inputs (default 0)")
    p.add_argument(
        "--jobs",
        type=_positive,
        default=min(2, os.cpu_count() or 1),
        help="worker processes (default: min(2, CPUs))",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="write every result, machine-readable")
    p.add_argument(
        "--junit",
        type=Path,
        metavar="PATH",
        help="write JUnit XML (one testcase per op/exporter/opset/dtype)",
    )
    p.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="MODULE",
        help="also load this pack module (importable; its 'cases' submodule gives the rows)",
    )
    p.add_argument(
        "--require",
        action="append",
        default=[],
        choices=REQUIRABLE,
        help="fail (exit 1) when this backend is unavailable here, instead of skipping it",
    )
    p.add_argument(
        "--trt-all-opsets",
        action="store_true",
        help="build TensorRT engines at every selected opset, not only the highest",
    )
    p.add_argument(
        "--list", action="store_true", help="list the pack ops, their opsets and case rows, then exit"
    )
    p.add_argument("--model", metavar="MODULE:FACTORY", help="check a model: FACTORY() returns an nn.Module")
    p.add_argument(
        "--inputs", nargs="+", metavar="SHAPE", help="--model input shapes, e.g. 1x3x224x224 (one per input)"
    )
    p.add_argument("--atol", type=float, default=1e-4, help="--model absolute tolerance (default 1e-4)")
    p.add_argument("--rtol", type=float, default=1e-4, help="--model relative tolerance (default 1e-4)")
    p.add_argument(
        "--no-color",
        action="store_true",
        help="no ANSI colour (also when NO_COLOR is set or stdout is not a terminal)",
    )
    p.add_argument("--verbose", "-v", action="store_true", help="tracebacks, and the exporters' own output")
    return p


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    try:
        return run(args)
    except UsageError as err:
        if args.verbose:
            traceback.print_exc()
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def run(args: argparse.Namespace) -> int:
    from torch_opfill.check import report  # noqa: PLC0415

    style = report.Style(sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ)
    if args.model:
        if args.ops:
            raise UsageError("give either op names or --model, not both")
        from torch_opfill.check import model  # noqa: PLC0415

        check_writable(args.json, args.junit)
        return model.run(args, style)
    if args.inputs:
        raise UsageError("--inputs goes with --model")
    if args.quick and args.opset:
        raise UsageError("give either --quick or --opset, not both")
    check_writable(args.json, args.junit)
    _import_packs(args.pack)
    started = time.perf_counter()
    plan = make_plan(args)
    if args.list:
        print("\n".join(plan.listing))
        return 0
    from torch_opfill.check import runner  # noqa: PLC0415

    availability = runner.availability()
    tasks = plan.tasks(availability, args.trt_all_opsets)
    progress = report.Progress(len(tasks))
    try:
        results = plan.synthetic + execute(tasks, args.jobs, args.pack, args.verbose, progress)
    finally:
        progress.close()
    results.sort(key=plan.order)
    seconds = time.perf_counter() - started

    missing = [b for b in dict.fromkeys(args.require) if availability[b] is not None]
    code = 1 if report.failed(results) or missing else 0

    out = [
        report.table(results, plan.exporters, style),
        style(_wrap(report.LEGEND.format(trt=_trt_version())), "dim"),
        "",
    ]
    out += report.problems(results, style)
    if args.verbose:
        out += report.tracebacks(results)
    out += [f"note {n}" for n in plan.notes] + report.reference_notes(results)
    out += report.skipped(results)
    out += [style(f"REQUIRED backend {b} is unavailable: {availability[b]}", "bad") for b in missing]
    counts = report.status_counts(results)
    summary = f"{len(results)} checks in {seconds:.0f} s: " + ", ".join(
        f"{n} {s}" for s, n in counts.items() if n
    )
    out.append(style(summary + (" -- FAILED" if code else " -- OK"), "bad" if code else "good"))
    print("\n".join(out))

    if args.json:
        write_file(
            args.json, json.dumps(_json_doc(args, plan, results, availability, seconds, code), indent=1)
        )
    if args.junit:
        write_file(args.junit, report.junit(results, seconds))
    return code


def check_writable(*paths: Path | None) -> None:
    """Before any work: a report that cannot be written is bad usage, not a late crash."""
    for path in paths:
        if path is not None and not path.parent.is_dir():
            raise UsageError(f"cannot write {path}: no directory {path.parent}")


def write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None


def _wrap(text: str) -> str:
    import shutil  # noqa: PLC0415
    import textwrap  # noqa: PLC0415

    return textwrap.fill(text, width=max(60, min(120, shutil.get_terminal_size((100, 20)).columns)))


def _trt_version() -> str:
    from torch_opfill.check import tensorrt_support  # noqa: PLC0415

    return tensorrt_support.load_matrix()["tensorrt"]


def _import_packs(modules: Sequence[str]) -> None:
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as err:  # noqa: BLE001 - any import failure is the same usage error
            raise UsageError(f"cannot import pack '{module}': {type(err).__name__}: {err}") from None
    from torch_opfill.check import _worker  # noqa: PLC0415

    _worker.add_packs(modules)


# --------------------------------------------------------------------------- planning


@dataclasses.dataclass
class Plan:
    exporters: list[str]
    entries: list[tuple[Any, str, list[int], list[str], str]]  # (case, exporter, opsets, dtypes, builtin)
    synthetic: list[Any]  # Results for ops that cannot be exported at all (no case row, no pack)
    notes: list[str]
    listing: list[str]
    case_order: dict[str, int]
    n: int
    seed: int

    def tasks(self, availability: dict[str, str | None], trt_all_opsets: bool) -> list[Any]:
        from torch_opfill.check import _worker  # noqa: PLC0415

        out = []
        for case, exporter, opsets, dtypes, builtin in self.entries:
            for opset in opsets:
                engines = trt_all_opsets or opset == max(opsets)  # engine builds are slow: one opset
                backends = tuple(
                    (b, TRT_SCOPE if reason is None and b.startswith("tensorrt") and not engines else reason)
                    for b, reason in availability.items()
                )
                for dtype in dtypes:
                    out.append(
                        _worker.Task(case.id, exporter, opset, dtype, self.n, self.seed, backends, builtin)
                    )
        return out

    def order(self, r: Any) -> tuple[int, int, int, int]:
        return (
            self.case_order.get(r.case, 1 << 20),
            self.exporters.index(r.exporter),
            r.opset,
            DTYPES.index(r.dtype) if r.dtype in DTYPES else -1,
        )


def make_plan(args: argparse.Namespace) -> Plan:
    import torch_opfill  # noqa: PLC0415
    from torch_opfill import cases as _cases  # noqa: PLC0415
    from torch_opfill.check import _worker, runner  # noqa: PLC0415

    with _worker.silenced(not args.verbose):
        # Without override: the status strings then say where torch has its own mapping.
        torch_opfill.enable(override=False)
        registered = torch_opfill.registered()
    try:
        rows = _cases.load_cases()
    except Exception as err:  # noqa: BLE001 - a broken cases module is a usage error, not a crash
        raise UsageError(f"cannot load the case rows: {type(err).__name__}: {err}") from None
    exporters = list(dict.fromkeys(args.exporter or EXPORTERS))
    by_name: dict[str, list[Any]] = {}
    for case in rows:
        by_name.setdefault(case.name, []).append(case)
    reg: dict[str, list[Any]] = {}
    for r in registered:
        reg.setdefault(r.name, []).append(r)
    known = list(dict.fromkeys([*by_name, *sorted(reg)]))
    explicit = bool(args.ops)
    names = list(dict.fromkeys(n for name in args.ops for n in _resolve(name, known))) if explicit else known

    plan = Plan(exporters, [], [], [], [], {}, args.n, args.seed)
    for name in dict.fromkeys(names):
        lowest = min((r.opset for r in reg.get(name, [])), default=None)
        builtin = _builtins(reg.get(name, []))
        ranges = {ex: runner.opsets_for(ex, lowest) for ex in exporters} if lowest is not None else {}
        plan.listing.append(_listing_line(name, lowest, by_name.get(name, []), builtin))
        if name not in by_name:
            packs = ", ".join(sorted({r.pack for r in reg[name]}))
            plan.synthetic += _unrunnable(
                name,
                name.split("::")[1],
                exporters,
                f"{name} has no case row: add an OpCase to {packs}.cases",
            )
            continue
        if lowest is None:
            for case in by_name[name]:
                plan.synthetic += _unrunnable(
                    name, case.id, exporters, f"no pack registers {name}, yet it has a case row"
                )
            continue
        if args.quick:  # each registered form once where it starts, and every exporter's ends
            starts = {r.opset for r in reg[name]}
            ranges = {ex: [o for o in r if o in starts or o in (r[0], r[-1])] for ex, r in ranges.items()}
        opsets = _select_opsets(name, args.opset, ranges, explicit, plan.notes)
        for case in by_name[name]:
            dtypes = [str(d).replace("torch.", "") for d in (*case.dtypes, *case.int_dtypes)]
            chosen = [d for d in dtypes if not args.dtype or d in args.dtype]
            if not chosen:
                message = f"{case.id} has no {'/'.join(args.dtype)} row (its dtypes: {', '.join(dtypes)})"
                if explicit:
                    raise UsageError(message)
                plan.notes.append(message + "; not checked")
                continue
            for exporter in exporters:
                if opsets[exporter]:
                    plan.entries.append((case, exporter, opsets[exporter], chosen, builtin.get(exporter, "")))
    for i, case_id in enumerate(dict.fromkeys([c.id for c in rows] + [r.case for r in plan.synthetic])):
        plan.case_order[case_id] = i
    if not plan.entries and not plan.synthetic and not args.list:
        raise UsageError("nothing to check with this selection")
    return plan


def _resolve(name: str, known: Sequence[str]) -> list[str]:
    """The pack ops ``name`` selects: itself, or every overload of an op named without one."""
    full = name if "::" in name else f"aten::{name}"
    if full in known:
        return [full]
    overloads = [k for k in known if k.startswith(f"{full}.")]
    if overloads:
        return overloads
    short = {k.split("::", 1)[1]: k for k in known}
    close = difflib.get_close_matches(name.split("::")[-1], list(short), n=3, cutoff=0.6)
    if close:
        raise UsageError(f"unknown op '{name}'; did you mean: {', '.join(close)}?")
    raise UsageError(f"unknown op '{name}'; {PROG} --list shows the {len(known)} pack ops")


def _select_opsets(
    name: str, wanted: Sequence[int] | None, ranges: dict[str, list[int]], explicit: bool, notes: list[str]
) -> dict[str, list[int]]:
    if not wanted:
        return ranges
    valid = ", ".join(f"{r[0]}..{r[-1]} ({ex})" for ex, r in ranges.items() if r)
    out: dict[str, list[int]] = {ex: [] for ex in ranges}
    for opset in dict.fromkeys(wanted):
        takers = [ex for ex, r in ranges.items() if opset in r]
        if not takers:
            message = f"{name} supports opsets {valid}; opset {opset} is outside"
            if explicit:
                raise UsageError(message)
            notes.append(message + ", not checked there")
            continue
        for ex, r in ranges.items():
            if ex in takers:
                out[ex].append(opset)
            else:
                span = f"{r[0]}..{r[-1]}" if r else "none"
                takers_text = ", ".join(takers)
                note = f"{ex} exports {name} at opsets {span} only: opset {opset} checked with {takers_text}"
                if note not in notes:
                    notes.append(note)
    return out


def _builtins(registered: Sequence[Any]) -> dict[str, str]:
    """Where torch has its own mapping, per exporter, from the install status without override."""
    out = {}
    for r in registered:
        if r.torchscript.startswith("skipped: "):
            out["torchscript"] = r.torchscript.removeprefix("skipped: ")
        if "skipped: " in r.dynamo:
            out["dynamo"] = r.dynamo.split("skipped: ", 1)[1]
        elif r.dynamo.startswith("not needed: "):
            out["dynamo"] = r.dynamo.removeprefix("not needed: ")
    return out


def _unrunnable(name: str, case_id: str, exporters: Sequence[str], message: str) -> list[Any]:
    from torch_opfill.check.runner import Result  # noqa: PLC0415

    return [Result(name, case_id, exporter, 0, "-", "error", message) for exporter in exporters]


def _listing_line(name: str, lowest: int | None, rows: Sequence[Any], builtin: dict[str, str]) -> str:
    from torch_opfill.check import runner  # noqa: PLC0415

    if lowest is None:
        spans = "not registered by any pack"
    else:
        spans = ", ".join(f"{ex} {r[0]}..{r[-1]}" for ex in EXPORTERS if (r := runner.opsets_for(ex, lowest)))
    ids = ", ".join(c.id for c in rows) or "no case row"
    own = "; ".join(f"{ex}: {why}" for ex, why in builtin.items())
    return f"{name:<28} {spans:<34} rows: {ids}" + (f"  [torch built-in: {own}]" if own else "")


# --------------------------------------------------------------------------- running


def execute(tasks: Sequence[Any], jobs: int, packs: Sequence[str], verbose: bool, progress: Any) -> list[Any]:
    """Run ``tasks``; in-process for one job, else in spawned workers that import torch once."""
    from torch_opfill.check import _worker  # noqa: PLC0415

    if not tasks:
        return []
    results: dict[int, Any] = {}
    groups = _worker.batches(tasks)
    if jobs == 1 or len(tasks) == 1:
        _worker.init((), quiet=not verbose)  # this process already has the --pack packs
        for group in groups:
            shared: dict = {}
            for i in group:
                results[i] = _worker.run(tasks[i], shared)
                progress.advance(_label(tasks[i]))
        return [results[i] for i in range(len(tasks))]
    # Dynamo exports take ~1 s, TorchScript ones ~0.05 s: the slow ones go first.
    groups.sort(key=lambda g: tasks[g[0]].exporter != "dynamo")
    context = multiprocessing.get_context("spawn")  # fork would copy a process that has torch's threads
    with ProcessPoolExecutor(
        min(jobs, len(tasks)),
        mp_context=context,
        initializer=_worker.init,
        initargs=(tuple(packs), not verbose, os.getpid()),
    ) as pool:
        futures = {pool.submit(_worker.run_batch, [tasks[i] for i in g]): g for g in groups}
        for future in as_completed(futures):
            group = futures[future]
            try:
                done = future.result()
            except Exception as err:  # noqa: BLE001 - a crashed worker is its checks' error
                done = [_crashed(tasks[i], err) for i in group]
            for i, result in zip(group, done):
                results[i] = result
                progress.advance(_label(tasks[i]))
    return [results[i] for i in range(len(tasks))]


def _crashed(task: Any, err: BaseException) -> Any:
    from torch_opfill.check.runner import Result  # noqa: PLC0415

    name = task.case.split("[")[0]
    return Result(
        f"aten::{name}",
        task.case,
        task.exporter,
        task.opset,
        task.dtype,
        "error",
        f"worker process failed: {type(err).__name__}: {err}",
    )


def _label(task: Any) -> str:
    return f"{task.case} {task.exporter} opset {task.opset} {task.dtype}"


def _json_doc(
    args: argparse.Namespace,
    plan: Plan,
    results: Sequence[Any],
    availability: dict[str, str | None],
    seconds: float,
    code: int,
) -> dict[str, Any]:
    import torch_opfill  # noqa: PLC0415
    from torch_opfill.check import report, tensorrt_support  # noqa: PLC0415

    matrix = tensorrt_support.load_matrix()
    return {
        "tool": PROG,
        "versions": {"torch_opfill": torch_opfill.__version__, **_versions()},
        "selection": {
            "ops": args.ops or "all",
            "exporters": plan.exporters,
            "opsets": args.opset or "claimed",
            "dtypes": args.dtype or "case rows",
            "n": args.n,
            "seed": args.seed,
            "packs": args.pack,
        },
        "tensorrt_support": {"tensorrt": matrix["tensorrt"], "source": matrix["source"]},
        "backends": {
            b: {"available": reason is None, "reason": reason} for b, reason in availability.items()
        },
        "required": args.require,
        "summary": {
            "checks": len(results),
            **report.status_counts(results),
            "seconds": round(seconds, 1),
            "exit_code": code,
        },
        "notes": plan.notes,
        "skipped": report.skipped(results),
        "results": [r.to_json() for r in results],
    }


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for module in ("torch", "onnx", "onnxruntime", "onnxscript", "numpy", "scipy", "cupy", "tensorrt"):
        try:
            out[module] = importlib.import_module(module).__version__
        except Exception:  # noqa: BLE001 - absent or broken: recorded as absent
            out[module] = None
    return out
