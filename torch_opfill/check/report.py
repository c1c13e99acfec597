"""Rendering check results: the terminal table, problem and skip lists, JUnit XML, progress bar."""

from __future__ import annotations

import math
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from torch_opfill.check.runner import BACKENDS, BackendResult, Result

# Worst first when a cell sums up several checks.
_SEVERITY = {"error": 5, "fail": 4, "xpass": 3, "xfail": 2, "pass": 1, "skip": 0}
_COLUMNS = (  # (header, what): "ort" is the judge; the others are Result.backends keys or the static check
    ("ort", "onnxruntime"),
    ("cuda", "onnxruntime-cuda"),
    ("scipy", "scipy-ref"),
    ("cupy", "cupy-ref"),
    ("trt", "tensorrt-static"),
    ("trt32", "tensorrt"),
    ("trt16", "tensorrt-fp16"),
)
LEGEND = (
    "ort: onnxruntime CPU vs eager, the verdict (worst ULP where atol does not already accept the error); "
    "cuda: onnxruntime CUDA; scipy / cupy: export vs an independent float64 reference, informative "
    "('diff' beyond tolerance, '!' eager itself differs from it); trt: TensorRT {trt} static support "
    "(float32/float16/int graphs; TensorRT has no float64); trt32 / trt16: TensorRT engine, FP32 and "
    "FP16 builder flag; '~' some checks in the cell were skipped (listed below); '*' torch has its own "
    "mapping for this op, the row measures the pack's."
)


_ANSI = {"good": "32", "bad": "1;31", "warn": "33", "dim": "2", "head": "1"}


class Style:
    """ANSI colour, on only for a terminal (and not with --no-color or NO_COLOR)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, kind: str) -> str:
        code = _ANSI.get(kind)
        return f"\033[{code}m{text}\033[0m" if self.enabled and code else text


def fmt_ulp(value: float) -> str:
    if math.isinf(value):
        return "inf"
    return f"{value:.0f}" if value < 1e5 else f"{value:.0e}".replace("e+", "e")


def fmt_opsets(opsets: Iterable[int]) -> str:
    """[9, 10, 11, 15] -> '9-11,15'."""
    values = sorted(set(opsets))
    spans: list[list[int]] = []
    for v in values:
        if spans and v == spans[-1][1] + 1:
            spans[-1][1] = v
        else:
            spans.append([v, v])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


# --------------------------------------------------------------------------- table cells


def _judge_cell(rs: Sequence[Result]) -> tuple[str, str]:
    bad = [r for r in rs if not r.ok]
    star = "*" if any(r.builtin for r in rs) else ""
    if bad:
        worst = max(bad, key=lambda r: _SEVERITY[r.status]).status
        return f"{worst.upper()} {len(bad)}/{len(rs)}{star}", "bad"
    ulp = fmt_ulp(max((r.max_ulp_outside_atol for r in rs if r.status == "pass"), default=0.0))
    if any(r.status == "xfail" for r in rs):
        return f"xfail {sum(r.status == 'xfail' for r in rs)}/{len(rs)}{star}", "warn"
    return f"pass {ulp}{star}", "good"


def _backend_cell(brs: Sequence[BackendResult]) -> tuple[str, str]:
    if not brs:
        return "-", "dim"
    ran = [b for b in brs if b.status != "skip"]
    if not ran:
        return "skip", "dim"
    partial = "~" if len(ran) < len(brs) else ""
    ulp = fmt_ulp(max(b.max_ulp_outside_atol for b in ran))
    if not ran[0].counts:  # a reference: informative
        bang = "!" if any(b.eager_disagrees for b in ran) else ""
        if any(b.status != "pass" for b in ran):
            return f"diff {ulp}{bang}{partial}", "warn"
        return f"ok {ulp}{bang}{partial}", "warn" if bang else "good"
    bad = [b for b in ran if b.status in ("fail", "error")]
    if bad:
        worst = max(bad, key=lambda b: _SEVERITY[b.status]).status
        return f"{worst.upper()} {len(bad)}/{len(ran)}{partial}", "bad"
    if all(b.status == "xfail" for b in ran):
        return f"xfail{partial}", "warn"
    return f"pass {ulp}{partial}", "good"


def _static_cell(rs: Sequence[Result]) -> tuple[str, str]:
    # float64 is never deployable and says so in every row: the cell sums up the other dtypes.
    verdicts = [r.tensorrt_static for r in rs if r.tensorrt_static is not None and r.dtype != "float64"]
    if not verdicts:
        if any(r.tensorrt_static is not None for r in rs):
            return "no: fp64", "warn"
        return "-", "dim"
    if all(v.deployable for v in verdicts):
        return "yes", "good"
    if not any(v.deployable for v in verdicts):
        first = next(v for v in verdicts if not v.deployable).blockers[0]
        return f"no: {first.short}", "warn"
    return "partial", "warn"


def table(results: Sequence[Result], exporters: Sequence[str], style: Style) -> str:
    """One row per case, a column group per exporter."""
    rows: dict[str, dict[str, list[Result]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        rows[r.case][r.exporter].append(r)
    header = ["op"] + [h for _ in exporters for h, _ in _COLUMNS]
    body: list[list[tuple[str, str]]] = []
    for case, by_exporter in rows.items():
        line = [(case, "")]
        for exporter in exporters:
            rs = by_exporter.get(exporter, [])
            for _, what in _COLUMNS:
                if not rs:
                    line.append(("-", "dim"))
                elif what == "onnxruntime":
                    line.append(_judge_cell(rs))
                elif what == "tensorrt-static":
                    line.append(_static_cell(rs))
                else:
                    line.append(_backend_cell([r.backends[what] for r in rs if what in r.backends]))
        body.append(line)
    widths = (
        [max(len(header[i]), *(len(row[i][0]) for row in body)) for i in range(len(header))] if body else []
    )
    group = len(_COLUMNS)
    out = []
    # Exporter names span their column group.
    top = " " * widths[0] if widths else ""
    for g, exporter in enumerate(exporters):
        span = sum(widths[1 + g * group : 1 + (g + 1) * group]) + 2 * (group - 1)
        top += "  | " + exporter.center(span)
    out.append(style(top.rstrip(), "head"))
    out.append(style(_join(header, widths, group), "head"))
    for row in body:
        cells = [style(text.ljust(w), kind) for (text, kind), w in zip(row, widths)]
        out.append(_join_styled(cells, group).rstrip())
    return "\n".join(out)


def _join(cells: Sequence[str], widths: Sequence[int], group: int) -> str:
    return _join_styled([c.ljust(w) for c, w in zip(cells, widths)], group)


def _join_styled(cells: Sequence[str], group: int) -> str:
    text = cells[0]
    for i, cell in enumerate(cells[1:]):
        text += ("  | " if i % group == 0 else "  ") + cell
    return text


# --------------------------------------------------------------------------- lists under the table


def problems(results: Sequence[Result], style: Style) -> list[str]:
    """Failed, errored and xpassed checks (the judge and the counted backends), one line per
    distinct message, its opsets folded together."""
    groups: dict[tuple[str, str, str, str, str, str], list[int]] = defaultdict(list)
    for r in results:
        if not r.ok:
            groups[(r.case, r.exporter, r.dtype, "onnxruntime", r.status, r.message)].append(r.opset)
        for b in r.backends.values():
            if b.counts and b.status in ("fail", "error"):
                groups[(r.case, r.exporter, r.dtype, b.backend, b.status, b.message)].append(r.opset)
    lines = []
    for (case, exporter, dtype, backend, status, message), opsets in groups.items():
        where = (
            f"{case} {exporter}" if opsets == [0] else f"{case} {exporter} opset {fmt_opsets(opsets)} {dtype}"
        )
        lines.append(f"{style(status.upper(), 'bad')} {where} [{backend}]: {message}")
    return lines


def tracebacks(results: Sequence[Result]) -> list[str]:
    """--verbose: the traceback of every distinct error (by message), judge and backends."""
    seen: dict[str, str] = {}
    for r in results:
        for status, message, text in [(r.status, r.message, r.traceback)] + [
            (b.status, b.message, b.traceback) for b in r.backends.values()
        ]:
            if status == "error" and text and message not in seen:
                seen[message] = (
                    f"traceback of {r.case} {r.exporter} opset {r.opset} {r.dtype}:\n{text.rstrip()}"
                )
    return list(seen.values())


def reference_notes(results: Sequence[Result]) -> list[str]:
    """Where eager itself differs from an independent reference, or the export does while it
    agrees with eager (informative; an export that fails against eager is already listed).
    One line per case and reference, its dtypes folded together, the worst element shown."""
    groups: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    dtypes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in results:
        for b in r.backends.values():
            if b.counts or b.status == "skip":
                continue
            if b.eager_disagrees:
                key = (r.case, b.backend, "eager itself differs from the reference")
                groups[key].extend(c for _, c in b.eager_vs_reference if not c.passed)
            elif b.status == "fail" and r.ok:
                key = (r.case, b.backend, "the export differs from the reference, eager does not")
                groups[key].extend(c for _, c in b.comparisons if not c.passed)
            else:
                continue
            dtypes[key].add(r.dtype)
    lines = []
    for key, comparisons in groups.items():
        case, backend, what = key
        worst = max(comparisons, key=lambda c: (c.nan_mismatch + c.inf_mismatch > 0, c.max_ulp_outside_atol))
        lines.append(f"note {case} {'/'.join(sorted(dtypes[key]))} [{backend}]: {what}: {worst.summary()}")
    return lines


def skipped(results: Sequence[Result]) -> list[str]:
    """Every skipped backend check, counted per reason: skipped is never passed."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in results:
        for b in r.backends.values():
            if b.status == "skip":
                counts[(b.backend, b.message)] += 1
    order = {name: i for i, name in enumerate(BACKENDS)}
    return [
        f"skipped {backend} ({n} checks): {reason}"
        for (backend, reason), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), -kv[1]))
    ]


def failed(results: Sequence[Result]) -> bool:
    """Whether the exit status is 1: a verdict not ok, or a counted backend failed or errored."""
    return any(not r.ok for r in results) or any(
        b.counts and b.status in ("fail", "error") for r in results for b in r.backends.values()
    )


def status_counts(results: Sequence[Result]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {s: counts.get(s, 0) for s in ("pass", "xfail", "fail", "error", "xpass")}


# --------------------------------------------------------------------------- JUnit


def junit(results: Sequence[Result], seconds: float) -> str:
    """One testcase per op/exporter/opset/dtype (onnxruntime, the verdict), and one per counted
    backend; skipped checks are ``<skipped message=reason>``, references go to system-out."""
    suite = ET.Element("testsuite", name="torch_opfill.check", time=f"{seconds:.3f}")
    totals: Counter[str] = Counter()
    for r in results:
        classname = f"torch_opfill.check.{r.exporter}.{r.case}"
        name = f"opset{r.opset}-{r.dtype}" if r.opset else "setup"
        case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{r.seconds:.3f}")
        _junit_status(case, r.status, r.message, totals)
        notes = []
        if r.builtin:
            notes.append(f"torch built-in: {r.builtin} (measured: the pack's, with override)")
        if r.tensorrt_static is not None:
            notes.append(f"TensorRT {r.tensorrt_static.tensorrt}: {r.tensorrt_static.summary()}")
        for b in r.backends.values():
            if not b.counts:
                notes.append(f"{b.backend}: {b.status}" + (f": {b.message}" if b.message else ""))
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
        for b in r.backends.values():
            if b.counts:
                sub = ET.SubElement(
                    suite, "testcase", classname=classname, name=f"{name}-{b.backend}", time="0"
                )
                _junit_status(sub, b.status, b.message, totals)
    suite.set("tests", str(totals["tests"]))
    for key in ("failures", "errors", "skipped"):
        suite.set(key, str(totals[key]))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _junit_status(case: ET.Element, status: str, message: str, totals: Counter[str]) -> None:
    totals["tests"] += 1
    if status in ("fail", "xpass"):
        totals["failures"] += 1
        text = message if status == "fail" else f"unexpectedly passed (remove the xfail): {message}"
        ET.SubElement(case, "failure", message=text[:1000]).text = text
    elif status == "error":
        totals["errors"] += 1
        ET.SubElement(case, "error", message=message[:1000]).text = message
    elif status in ("skip", "xfail"):
        totals["skipped"] += 1
        ET.SubElement(case, "skipped", message=(f"xfail: {message}" if status == "xfail" else message)[:1000])


# --------------------------------------------------------------------------- progress


class Progress:
    """A one-line bar on a terminal's stderr; silent when stderr is not a terminal."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = total > 1 and stream.isatty()

    def advance(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = shutil.get_terminal_size((80, 20)).columns
        bar_width = max(10, min(40, width - 40))
        filled = bar_width * self.done // self.total
        text = f"[{'#' * filled}{'.' * (bar_width - filled)}] {self.done}/{self.total} {label}"
        self.stream.write("\r" + text[: width - 1].ljust(width - 1))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()
