"""Static TensorRT deployability: every node of an ONNX graph against TensorRT's support matrix.

The matrix is package data (``torch_opfill/data/tensorrt_support.json``), generated from
onnx-tensorrt's ``docs/operators.md`` by ``tools/refresh_tensorrt_support.py`` with
:func:`parse_operators_md`; it records its source and TensorRT version.

A graph is deployable when every node is an operator the parser supports, its data input
has a type the matrix lists for it, rank restrictions the matrix states are met, and no
tensor is float64: TensorRT has no FP64 tensors (its parser casts DOUBLE down to FLOAT), so
a float64 model cannot run in float64 there. Restrictions that cannot be checked from the
graph alone (attribute values, initializer-only inputs) are returned as caveats, not blockers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

TYPE_NAMES = (
    "DOUBLE",
    "FP32",
    "FP16",
    "BF16",
    "FP8",
    "FP4",
    "INT32",
    "INT64",
    "INT8",
    "INT4",
    "UINT8",
    "BOOL",
)

# ONNX TensorProto element type -> the matrix's type name.
_ONNX_TYPES = {
    1: "FP32",
    2: "UINT8",
    3: "INT8",
    6: "INT32",
    7: "INT64",
    9: "BOOL",
    10: "FP16",
    11: "DOUBLE",
    16: "BF16",
    17: "FP8",
    18: "FP8",
    19: "FP8",
    20: "FP8",
    22: "INT4",
    23: "FP4",
}
_DEFAULT_DOMAINS = ("", "ai.onnx")


@dataclasses.dataclass(frozen=True)
class Blocker:
    node: str  # node name, or the graph tensor for a model-wide blocker
    op_type: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.op_type} ({self.node})" if self.op_type else self.node
        return f"{where}: {self.reason}"

    @property
    def short(self) -> str:
        """A word for a table cell: the op type, or what blocks the whole model."""
        return self.op_type or ("fp64" if self.reason.startswith("float64") else "opset")


@dataclasses.dataclass(frozen=True)
class Verdict:
    tensorrt: str  # the matrix's TensorRT version
    blockers: tuple[Blocker, ...]
    caveats: tuple[str, ...]  # restrictions the graph alone cannot confirm

    @property
    def deployable(self) -> bool:
        return not self.blockers

    def summary(self) -> str:
        if self.deployable:
            return "deployable" + (f" (to confirm: {'; '.join(self.caveats)})" if self.caveats else "")
        return "blocked by " + "; ".join(str(b) for b in self.blockers)

    def to_json(self) -> dict[str, Any]:
        return {
            "tensorrt": self.tensorrt,
            "deployable": self.deployable,
            "blockers": [dataclasses.asdict(b) for b in self.blockers],
            "caveats": list(self.caveats),
        }


# --------------------------------------------------------------------------- the matrix


@functools.cache
def load_matrix() -> dict[str, Any]:
    """The bundled support matrix (static package data, so read once per process)."""
    text = resources.files("torch_opfill").joinpath("data/tensorrt_support.json").read_text(encoding="utf-8")
    return json.loads(text)


def parse_operators_md(text: str, source: str) -> dict[str, Any]:
    """onnx-tensorrt's ``docs/operators.md`` as the matrix JSON: versions, types and one entry per op.

    The table is ``| Operator | Supported | Supported Types | Restrictions |``; rows may lack
    trailing cells and pipes, and an unsupported op may carry a note in the types cell.
    """
    version = re.search(r"TensorRT\s+([0-9][0-9.]*)\s+supports operators", text)
    if version is None:
        raise ValueError(
            "no 'TensorRT <version> supports operators ...' line: is this onnx-tensorrt's operators.md?"
        )
    span = re.search(r"opset\s+(\d+)\s+to\s+opset\s+(\d+)", text, re.IGNORECASE)
    upto = re.search(r"up to opset\s+(\d+)", text, re.IGNORECASE)
    opsets = [int(span.group(1)), int(span.group(2))] if span else [1, int(upto.group(1))] if upto else None
    types_line = re.search(r"following ONNX data types:\s*(.+)", text)
    data_types = _split_types(types_line.group(1)) if types_line else []
    notes = [
        line.lstrip("> ").removeprefix("Note:").strip()
        for line in text.splitlines()
        if line.startswith("> Note")
    ]

    operators: dict[str, dict[str, Any]] = {}
    header_seen = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("|"):
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if not header_seen:
            header_seen = bool(cells) and cells[0].lower() == "operator"
            continue
        if not cells or set(cells[0]) <= set("-: "):
            continue  # the separator row
        name = cells[0]
        support_cell = cells[1].upper() if len(cells) > 1 else ""
        supported = support_cell.startswith("Y")
        types_cell = cells[2] if len(cells) > 2 else ""
        types = _split_types(types_cell)
        restrictions = " | ".join(c for c in cells[3:] if c)
        if types_cell and not types:  # a note where the types would be ("Not supported. ...")
            restrictions = " ".join(filter(None, [types_cell, restrictions]))
        restrictions = _clean(restrictions)
        entry: dict[str, Any] = {"supported": supported, "types": types}
        if "EXPERIMENTAL" in support_cell:
            entry["experimental"] = True
        if restrictions:
            entry["restrictions"] = restrictions
        rules = _rules(name, restrictions)
        if rules:
            entry["rules"] = rules
        operators[name] = entry
    if not operators:
        raise ValueError("no operator table found (a '| Operator | Supported | ...' header)")
    return {
        "source": source,
        "tensorrt": version.group(1),
        "opsets": opsets,
        "data_types": data_types,
        "notes": notes,
        "operators": dict(sorted(operators.items())),
    }


def _split_types(cell: str) -> list[str]:
    tokens = [t.strip().upper() for t in re.split(r"[,\s]+", cell) if t.strip()]
    tokens = [
        "FP32" if t == "FLOAT32" else "FP16" if t == "FLOAT16" else "BF16" if t == "BFLOAT16" else t
        for t in tokens
    ]
    tokens = [t for t in tokens if t != "AND"]
    return tokens if tokens and all(t in TYPE_NAMES for t in tokens) else []


def _clean(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", text).replace("\\.", ".")
    return re.sub(r"\s+", " ", text).strip()


def _rules(op_type: str, restrictions: str) -> list[dict[str, Any]]:
    """The restrictions the graph can confirm, one rule per sentence that states one.

    Kinds: ``rank`` (input ``input`` has a rank in ``ranks``), ``attribute`` (none of
    ``names`` may be set), ``initializer`` (input ``input`` must be an initializer or a
    Constant's output). Each keeps its sentence as ``text``; other sentences stay caveats.
    """
    rules: list[dict[str, Any]] = []
    for sentence in re.split(r"(?<=\.)\s+", restrictions):
        found = _rank_rule(op_type, sentence)
        m = re.search(r"^((?:`\s*\w+\s*`,?\s*(?:and\s+)?)+)attributes? (?:are|is) unsupported", sentence)
        if m:
            found.append({"kind": "attribute", "names": re.findall(r"`\s*(\w+)\s*`", m.group(1))})
        m = re.search(r"^`(\w+)` (?:input )?must be an initializer", sentence)
        if m and (index := _input_index(op_type, m.group(1))) is not None:
            found.append({"kind": "initializer", "input": index})
        rules.extend({**rule, "text": sentence} for rule in found)
    return rules


def _rank_rule(op_type: str, sentence: str) -> list[dict[str, Any]]:
    m = re.search(r"\b(\d)D or (\d)D (?:pooling|convolutions|deconvolutions)", sentence, re.IGNORECASE)
    if m is None:
        m = re.search(r"must have (\d)D or (\d)D spatial dimensions", sentence)
    if m:  # N-D spatial: batch and channel come first
        return [{"kind": "rank", "input": 0, "ranks": [int(m.group(1)) + 2, int(m.group(2)) + 2]}]
    m = re.search(r"Input rank must be >=\s*(\d) & <=\s*(\d)", sentence)
    if m:
        return [{"kind": "rank", "input": 0, "ranks": list(range(int(m.group(1)), int(m.group(2)) + 1))}]
    m = re.search(r"^(.*?)must be (\d)D\b", sentence)
    if m is None:
        return []
    rank = int(m.group(2))
    named = re.findall(r"`\s*(\w+)\s*`", m.group(1))
    if not named and re.match(r"\s*input\b", m.group(1), re.IGNORECASE):
        return [{"kind": "rank", "input": 0, "ranks": [rank]}]
    indices = [_input_index(op_type, name) for name in named]
    return [{"kind": "rank", "input": i, "ranks": [rank]} for i in indices if i is not None]


def _input_index(op_type: str, name: str) -> int | None:
    import onnx.defs  # noqa: PLC0415

    try:
        schema = onnx.defs.get_schema(op_type)
    except Exception:  # noqa: BLE001 - an op this onnx release does not know: leave it a caveat
        return None
    names = [i.name for i in schema.inputs]
    return names.index(name) if name in names else None


# --------------------------------------------------------------------------- the check


def check_model(model: Any, matrix: dict[str, Any] | None = None) -> Verdict:
    """TensorRT deployability of ``model`` (ONNX bytes or ``ModelProto``)."""
    import onnx  # noqa: PLC0415

    matrix = load_matrix() if matrix is None else matrix
    proto = onnx.load_from_string(model) if isinstance(model, (bytes, bytearray)) else model
    with contextlib.suppress(Exception):  # without inferred types the op checks still run
        proto = onnx.shape_inference.infer_shapes(proto)
    types = _value_types(proto.graph)
    constants = _constant_names(proto.graph)
    operators: dict[str, dict[str, Any]] = matrix["operators"]
    blockers: list[Blocker] = []
    caveats: dict[str, str] = {}

    opset = next((o.version for o in proto.opset_import if o.domain in _DEFAULT_DOMAINS), None)
    lo, hi = matrix.get("opsets") or (None, None)
    if opset is not None and lo is not None and not lo <= opset <= hi:
        blockers.append(
            Blocker("model", "", f"opset {opset} is outside TensorRT {matrix['tensorrt']}'s {lo}..{hi}")
        )
    # Graph inputs and outputs first: they name the float64 tensor the user recognises.
    named = [v.name for v in [*proto.graph.input, *proto.graph.output]] + sorted(types)
    double = next((n for n in named if _ONNX_TYPES.get(types.get(n, (0, None))[0]) == "DOUBLE"), None)
    if double is not None:
        blockers.append(
            Blocker(
                f"tensor {double!r}",
                "",
                "float64: TensorRT has no FP64 tensors (its parser casts DOUBLE to FLOAT), "
                "so the model cannot run in float64",
            )
        )
    functions = {(f.domain, f.name): f for f in proto.functions}

    for node, local in _walk(proto.graph.node, functions):
        label = node.name or node.op_type
        if node.domain not in _DEFAULT_DOMAINS:
            blockers.append(
                Blocker(label, f"{node.domain}::{node.op_type}", "custom-domain op: needs a TensorRT plugin")
            )
            continue
        entry = operators.get(node.op_type)
        if entry is None:
            blockers.append(
                Blocker(label, node.op_type, f"not in TensorRT {matrix['tensorrt']}'s ONNX operator list")
            )
            continue
        if not entry["supported"]:
            blockers.append(
                Blocker(label, node.op_type, f"not supported by TensorRT {matrix['tensorrt']}'s ONNX parser")
            )
            continue
        if local:  # inside a model-local function: no inferred types or shapes to check against
            continue
        data = node.input[0] if node.input and node.input[0] else (node.output[0] if node.output else "")
        elem = types.get(data, (0, None))[0]
        type_name = _ONNX_TYPES.get(elem)
        if elem and type_name is None:
            blockers.append(
                Blocker(label, node.op_type, f"element type {_elem_name(elem)} has no TensorRT equivalent")
            )
        elif type_name and type_name != "DOUBLE" and entry["types"] and type_name not in entry["types"]:
            blockers.append(
                Blocker(
                    label, node.op_type, f"{type_name} input; TensorRT supports {', '.join(entry['types'])}"
                )
            )
        checked = set()
        for rule in entry.get("rules", ()):
            problem = _broken_rule(rule, node, types, constants)
            if problem is not None:
                blockers.append(Blocker(label, node.op_type, f"{problem} ({rule['text']})"))
            checked.add(rule["text"])
        rest = entry.get("restrictions", "")
        unchecked = " ".join(s for s in re.split(r"(?<=\.)\s+", rest) if s and s not in checked)
        if unchecked:
            caveats.setdefault(node.op_type, f"{node.op_type}: {unchecked}")
    return Verdict(matrix["tensorrt"], tuple(blockers), tuple(caveats.values()))


def _broken_rule(
    rule: dict[str, Any], node: Any, types: dict[str, tuple[int, int | None]], constants: set[str]
) -> str | None:
    """What ``node`` does against ``rule``, or None where it complies (or the graph cannot tell)."""
    if rule["kind"] == "attribute":
        bad = [a.name for a in node.attribute if a.name in rule["names"]]
        return f"attribute {', '.join(bad)} set" if bad else None
    index = rule["input"]
    name = node.input[index] if index < len(node.input) else ""
    if not name:
        return None
    if rule["kind"] == "initializer":
        return None if name in constants else f"input {index} is computed, not an initializer"
    rank = types.get(name, (0, None))[1]
    if rank is None or rank in rule["ranks"]:
        return None
    return f"input {index} is {rank}-D; TensorRT takes " + " or ".join(f"{r}-D" for r in rule["ranks"])


def _constant_names(graph: Any) -> set[str]:
    names = {init.name for init in graph.initializer}
    names.update(n.output[0] for n in graph.node if n.op_type == "Constant" and n.output)
    return names


def _walk(
    nodes: Any, functions: dict[tuple[str, str], Any], local: bool = False
) -> Iterator[tuple[Any, bool]]:
    """Every node, into control-flow subgraphs and model-local functions (which TensorRT inlines)."""
    for node in nodes:
        fn = functions.get((node.domain, node.op_type))
        if fn is not None:
            yield from _walk(fn.node, functions, local=True)
            continue
        yield node, local
        for attr in node.attribute:
            if attr.HasField("g"):
                yield from _walk(attr.g.node, functions, local)
            for g in attr.graphs:
                yield from _walk(g.node, functions, local)


def _value_types(graph: Any) -> dict[str, tuple[int, int | None]]:
    """Element type and rank of every named tensor the graph (and its subgraphs) declares."""
    out: dict[str, tuple[int, int | None]] = {}

    def visit(g: Any) -> None:
        for init in g.initializer:
            out[init.name] = (init.data_type, len(init.dims))
        for vi in [*g.input, *g.output, *g.value_info]:
            t = vi.type.tensor_type
            if vi.type.HasField("tensor_type"):
                out[vi.name] = (t.elem_type, len(t.shape.dim) if t.HasField("shape") else None)
        for node in g.node:
            for attr in node.attribute:
                if attr.HasField("g"):
                    visit(attr.g)
                for sub in attr.graphs:
                    visit(sub)
                if node.op_type == "Constant" and attr.HasField("t"):
                    out[node.output[0]] = (attr.t.data_type, len(attr.t.dims))

    visit(graph)
    return out


def _elem_name(elem: int) -> str:
    import onnx  # noqa: PLC0415

    try:
        return onnx.TensorProto.DataType.Name(elem)
    except ValueError:
        return str(elem)
