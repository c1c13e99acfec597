"""ONNX operator schemas, read from the installed ``onnx.defs`` or from an ``Operators.md``.

Both sources produce the same :class:`OnnxSchema` (one version of one operator) and the same
:class:`Catalog` interface, so everything downstream is source-agnostic. ``Operators.md``
details only the latest version of each operator (older ones are listed by number and
detailed in ``Changelog.md``, which parses too: its sections are titled ``Name-N``).
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from torch_opfill.gen.errors import GenError

SINGLE, OPTIONAL, VARIADIC = "single", "optional", "variadic"


@dataclasses.dataclass(frozen=True)
class Param:
    """A formal input or output."""

    name: str
    type_str: str  # a type constraint name ("T") or a concrete type ("tensor(int64)")
    option: str = SINGLE  # single / optional / variadic
    homogeneous: bool = True  # variadic only: all of one type
    differentiable: bool | None = None  # None: not specified


@dataclasses.dataclass(frozen=True)
class Attribute:
    name: str
    type: str  # "float", "int", "string", "tensor", "ints", "floats", "strings", "graph", ...
    required: bool = False
    default: Any = None  # Python value; None if required or without default

    def same_as(self, other: Attribute) -> bool:
        """Equal, floats within the 5-decimal rounding Operators.md prints defaults with."""
        same = (self.name, self.type, self.required) == (other.name, other.type, other.required)
        return same and _same_value(self.default, other.default)


@dataclasses.dataclass(frozen=True)
class TypeConstraint:
    name: str
    allowed: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class OnnxSchema:
    """One version (``since_version``) of one ONNX operator."""

    name: str
    domain: str  # "" = the default ONNX domain
    since_version: int
    inputs: tuple[Param, ...] = ()
    outputs: tuple[Param, ...] = ()
    attributes: tuple[Attribute, ...] = ()  # sorted by name
    type_constraints: tuple[TypeConstraint, ...] = ()
    min_input: int = 0
    max_input: int | None = 0  # None: unbounded (variadic)
    min_output: int = 0
    max_output: int | None = 0
    deprecated: bool = False

    @property
    def ref(self) -> str:
        """``Asinh-9``."""
        return f"{self.name}-{self.since_version}"

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def allowed_types(self, param: Param) -> tuple[str, ...]:
        """Concrete types a formal parameter accepts (``tensor(float)``, ...)."""
        for tc in self.type_constraints:
            if tc.name == param.type_str:
                return tc.allowed
        return (param.type_str,)

    def agrees_with(self, other: OnnxSchema) -> list[str]:
        """Differences from ``other`` (empty: the same schema); float defaults compared as printed."""
        diffs = []
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name == "attributes":
                if [x.name for x in a] != [x.name for x in b] or not all(x.same_as(y) for x, y in zip(a, b)):
                    diffs.append(f"attributes: {a} != {b}")
            elif a != b:
                diffs.append(f"{f.name}: {a!r} != {b!r}")
        return diffs


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=5e-6)
    return a == b


# --------------------------------------------------------------------------- catalog


class Catalog:
    """Every known version of every operator of one source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._versions: dict[tuple[str, str], set[int]] = {}
        self._schemas: dict[tuple[str, str, int], OnnxSchema] = {}
        self._deprecated: dict[tuple[str, str], int] = {}

    def add(self, schema: OnnxSchema, other_versions: Iterable[int] = ()) -> None:
        key = (schema.domain, schema.name)
        self._versions.setdefault(key, set()).update({schema.since_version, *other_versions})
        self._schemas[(schema.domain, schema.name, schema.since_version)] = schema

    def names(self, domain: str = "") -> list[str]:
        return sorted(n for d, n in self._versions if d == domain)

    def domains_of(self, name: str) -> list[str]:
        return sorted(d for d, n in self._versions if n == name)

    def versions(self, name: str, domain: str = "") -> list[int]:
        return sorted(self._versions.get((domain, name), ()))

    def schema(self, name: str, version: int, domain: str = "") -> OnnxSchema | None:
        return self._schemas.get((domain, name, version))

    def detailed(self, name: str, domain: str = "") -> list[int]:
        """Versions this source describes in full (Operators.md: only the latest)."""
        return sorted(v for (d, n, v) in self._schemas if (d, n) == (domain, name))

    def lowest(self, name: str, domain: str = "") -> int:
        return self.versions(name, domain)[0]

    def version_at(self, name: str, opset: int, domain: str = "") -> int | None:
        eligible = [v for v in self.versions(name, domain) if v <= opset]
        return max(eligible) if eligible else None

    def resolve_name(self, name: str) -> str:
        """The operator's exact name (case-insensitive match), or a :class:`GenError` with close matches."""
        names = self.names()
        if name in names:
            return name
        by_lower = {n.lower(): n for n in names}
        if name.lower() in by_lower:
            return by_lower[name.lower()]
        other = [d for d in self.domains_of(name) if d]
        if other:
            raise GenError(
                f"{name} is an operator of the '{other[0]}' domain; opfill-gen only generates "
                "default-domain (ai.onnx) operators"
            )
        close = difflib.get_close_matches(name, names, n=4, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(name.lower(), list(by_lower), n=4, cutoff=0.6)
            close = [by_lower[c] for c in close]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise GenError(f"unknown ONNX operator '{name}' ({self.source}).{hint}")

    def at(self, name: str, opset: int) -> OnnxSchema:
        """The version of ``name`` in effect at ``opset``; a :class:`GenError` if there is none."""
        version = self.version_at(name, opset)
        if version is None:
            lowest = self.lowest(name)
            raise GenError(
                f"{name} does not exist at opset {opset}: its lowest opset is {lowest} ({name}-{lowest}); "
                f"use --opset {lowest} or higher"
            )
        schema = self.schema(name, version)
        if schema is None:
            detailed = self.detailed(name)
            raise GenError(
                f"{self.source} describes only {', '.join(f'{name}-{v}' for v in detailed)}; {name} at opset "
                f"{opset} is {name}-{version}: pass onnx's Changelog.md as --spec, or drop --spec"
            )
        return schema


# --------------------------------------------------------------------------- onnx.defs


_ATTR_TYPES = {
    "FLOAT": "float", "INT": "int", "STRING": "string", "TENSOR": "tensor", "GRAPH": "graph",
    "SPARSE_TENSOR": "sparse_tensor", "TYPE_PROTO": "type_proto", "FLOATS": "floats", "INTS": "ints",
    "STRINGS": "strings", "TENSORS": "tensors", "GRAPHS": "graphs", "SPARSE_TENSORS": "sparse_tensors",
    "TYPE_PROTOS": "type_protos",
}


def _defs_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (list, tuple)):
        return [_defs_value(v) for v in value]
    return value


def from_defs(schema: Any) -> OnnxSchema:
    """Convert one ``onnx.defs.OpSchema``."""
    from onnx import defs, helper  # noqa: PLC0415

    def param(p: Any) -> Param:
        option = {
            defs.OpSchema.FormalParameterOption.Single: SINGLE,
            defs.OpSchema.FormalParameterOption.Optional: OPTIONAL,
            defs.OpSchema.FormalParameterOption.Variadic: VARIADIC,
        }[p.option]
        cat = p.differentiation_category
        differentiable = {
            defs.OpSchema.DifferentiationCategory.Differentiable: True,
            defs.OpSchema.DifferentiationCategory.NonDifferentiable: False,
        }.get(cat)
        homogeneous = bool(p.is_homogeneous) if option == VARIADIC else True
        return Param(p.name, p.type_str, option, homogeneous, differentiable)

    attrs = []
    for name, a in sorted(schema.attributes.items()):
        kind = _ATTR_TYPES[str(a.type).rsplit(".", 1)[-1]]
        default = None
        if not a.required and a.default_value.name:
            default = _defs_value(helper.get_attribute_value(a.default_value))
        attrs.append(Attribute(name, kind, bool(a.required), default))

    def bound(v: int) -> int | None:
        return None if defs.OpSchema.is_infinite(v) else int(v)

    return OnnxSchema(
        name=schema.name,
        domain=schema.domain,
        since_version=int(schema.since_version),
        inputs=tuple(param(p) for p in schema.inputs),
        outputs=tuple(param(p) for p in schema.outputs),
        attributes=tuple(attrs),
        type_constraints=tuple(
            TypeConstraint(tc.type_param_str, tuple(tc.allowed_type_strs)) for tc in schema.type_constraints
        ),
        min_input=int(schema.min_input),
        max_input=bound(schema.max_input),
        min_output=int(schema.min_output),
        max_output=bound(schema.max_output),
        deprecated=bool(schema.deprecated),
    )


_DEFS_CATALOG: Catalog | None = None


def defs_catalog() -> Catalog:
    """Every operator version the installed ``onnx`` knows (``get_all_schemas_with_history``)."""
    global _DEFS_CATALOG
    if _DEFS_CATALOG is None:
        import onnx  # noqa: PLC0415
        from onnx import defs  # noqa: PLC0415

        catalog = Catalog(f"onnx {onnx.__version__}")
        for s in defs.get_all_schemas_with_history():
            if s.support_level == defs.OpSchema.SupportType.EXPERIMENTAL:
                continue
            catalog.add(from_defs(s))
        _DEFS_CATALOG = catalog
    return _DEFS_CATALOG


# --------------------------------------------------------------------------- Operators.md


class SpecError(GenError):
    """The ``--spec`` file is not a readable ONNX Operators.md / Changelog.md."""


_OP_HEADER = re.compile(
    r"^### (?:<sub>\w+</sub> )?<a name=\"[^\"]*\"></a>(?:<a name=\"[^\"]*\">)?"
    r"\*\*(?P<title>[^*]+)\*\*(?P<deprecated> \(deprecated\))?(?:</a>)?\s*$"
)
_DOMAIN_HEADER = re.compile(r"^#{1,3} (?P<domain>[a-z][\w.]*)(?P<default> \(default\))?\s*$")
_SUBSECTION = re.compile(r"^#### (?P<title>[A-Za-z ]+?)(?: \((?P<lo>\d+) - (?P<hi>\d+|&#8734;)\))?\s*$")
_VERSION = re.compile(
    r"This version of the operator has been (?P<state>available|deprecated) since version (?P<v>\d+)"
    r" of (?:the default ONNX operator set|the '(?P<domain>[^']+)' operator set)"
)
_OTHER_VERSIONS = re.compile(r"^Other versions of this operator: (?P<links>.*)$")
_PARAM = re.compile(r"^<dt><tt>(?P<name>[^<]+)</tt>(?: \((?P<tags>[^)]*)\))? : (?P<type>.+)</dt>\s*$")
_ATTR = re.compile(r"^<dt><tt>(?P<name>[^<]+)</tt> : (?P<type>[a-z_ ]+?)(?: \((?P<opt>.*)\))?</dt>\s*$")
_TYPE_CONSTRAINT = re.compile(r"^<dt><tt>(?P<name>[^<]+)</tt> : (?P<types>.*)</dt>\s*$")


@dataclasses.dataclass
class _Section:
    title: str
    line: int
    domain: str
    deprecated: bool
    version: int | None = None
    other_versions: list[int] = dataclasses.field(default_factory=list)
    inputs: list[Param] = dataclasses.field(default_factory=list)
    outputs: list[Param] = dataclasses.field(default_factory=list)
    attributes: list[Attribute] = dataclasses.field(default_factory=list)
    type_constraints: list[TypeConstraint] = dataclasses.field(default_factory=list)
    input_range: tuple[int, int | None] | None = None
    output_range: tuple[int, int | None] | None = None
    experimental: bool = False


def parse_operators_md(path: str | Path) -> Catalog:
    """Parse an ONNX ``Operators.md`` (or ``Changelog.md``) into a :class:`Catalog`.

    Raises :class:`SpecError` (one line: file, line, what is wrong) on anything malformed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"--spec {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"--spec {path}: cannot read it as UTF-8 text ({err})") from None
    sections = _sections(path, text.splitlines())
    if not sections:
        raise SpecError(
            f"--spec {path}: no operator sections found (expected ONNX Operators.md headings like "
            "'### <a name=\"Asinh\"></a><a name=\"asinh\">**Asinh**</a>')"
        )
    catalog = Catalog(str(path))
    for sec in sections:
        if sec.experimental:
            continue
        schema = _section_schema(path, sec)
        catalog.add(schema, sec.other_versions)
    return catalog


def _sections(path: Path, lines: list[str]) -> list[_Section]:
    sections: list[_Section] = []
    domain = ""
    current: _Section | None = None
    sub: str | None = None
    fenced = False
    for lineno, line in enumerate(lines, 1):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = _OP_HEADER.match(line)
        if m:
            current = _Section(m["title"].strip(), lineno, domain, bool(m["deprecated"]))
            sections.append(current)
            sub = None
            continue
        if line.startswith("### ") and "<a name=" in line:
            raise SpecError(f"{path}:{lineno}: unrecognised operator heading: {line.strip()[:120]}")
        m = _DOMAIN_HEADER.match(line)
        if m and not line.startswith("####"):
            name = m["domain"]
            domain = "" if (m["default"] or name == "ai.onnx") else name
            current, sub = None, None
            continue
        if current is None:
            continue
        m = _SUBSECTION.match(line)
        if line.startswith("#### "):
            if not m:
                raise SpecError(f"{path}:{lineno}: unrecognised subsection heading: {line.strip()[:120]}")
            sub = m["title"]
            if sub in ("Inputs", "Outputs") and m["lo"] is not None:
                hi = None if m["hi"] == "&#8734;" else int(m["hi"])
                rng = (int(m["lo"]), hi)
                if sub == "Inputs":
                    current.input_range = rng
                else:
                    current.output_range = rng
            continue
        if line.startswith(("## ", "# ")):
            current, sub = None, None
            continue
        _section_line(path, lineno, line, current, sub)
    return sections


def _section_line(path: Path, lineno: int, line: str, sec: _Section, sub: str | None) -> None:
    if sub == "Version":
        m = _VERSION.search(line)
        if m:
            sec.version = int(m["v"])
            sec.deprecated = sec.deprecated or m["state"] == "deprecated"
            return
        if "No versioning maintained for experimental ops" in line:
            sec.experimental = True
            return
        m = _OTHER_VERSIONS.match(line)
        if m:
            sec.other_versions = [int(v) for v in re.findall(r">(\d+)</a>", m["links"])]
        return
    if not line.startswith("<dt>"):
        return  # descriptions (<dd>), <dl> tags, examples, prose
    where = f"{path}:{lineno}"
    if sub in ("Inputs", "Outputs"):
        m = _PARAM.match(line)
        if not m:
            raise SpecError(f"{where}: malformed {sub[:-1].lower()} entry: {line.strip()[:120]}")
        tags = [t.strip() for t in (m["tags"] or "").split(",") if t.strip()]
        option = OPTIONAL if "optional" in tags else VARIADIC if "variadic" in tags else SINGLE
        differentiable = True if "differentiable" in tags else False if "non-differentiable" in tags else None
        param = Param(m["name"], m["type"].strip(), option, "heterogeneous" not in tags, differentiable)
        (sec.inputs if sub == "Inputs" else sec.outputs).append(param)
    elif sub == "Attributes":
        m = _ATTR.match(line)
        if not m:
            raise SpecError(f"{where}: malformed attribute entry: {line.strip()[:120]}")
        sec.attributes.append(_attribute(where, m["name"], m["type"], m["opt"]))
    elif sub == "Type Constraints":
        m = _TYPE_CONSTRAINT.match(line)
        if not m:
            raise SpecError(f"{where}: malformed type constraint: {line.strip()[:120]}")
        sec.type_constraints.append(TypeConstraint(m["name"], tuple(_split_types(m["types"]))))


def _attribute(where: str, name: str, type_text: str, opt: str | None) -> Attribute:
    kind = type_text.strip()
    if kind.startswith("list of "):
        kind = kind[len("list of "):]
    known = set(_ATTR_TYPES.values())
    if kind not in known:
        raise SpecError(f"{where}: attribute '{name}' has unknown type '{type_text}'")
    if opt is None:
        return Attribute(name, kind, False, None)
    if opt == "required":
        return Attribute(name, kind, True, None)
    if not opt.startswith("default is "):
        raise SpecError(
            f"{where}: attribute '{name}': expected '(required)' or '(default is ...)', got '({opt})'"
        )
    return Attribute(name, kind, False, _parse_default(where, name, kind, opt[len("default is "):]))


def _parse_default(where: str, name: str, kind: str, text: str) -> Any:
    text = text.strip()
    if kind in ("string",):
        return text
    try:
        if kind in ("int", "float"):
            value = ast.literal_eval(text.strip("()") if text.startswith("(") else text)
            if isinstance(value, str):
                value = float(value)
            return float(value) if kind == "float" else int(value)
        if kind in ("ints", "floats", "strings"):
            items = ast.literal_eval(text)
            cast = {"ints": int, "floats": lambda v: float(str(v).strip("()")), "strings": str}[kind]
            return [cast(v) for v in items]
    except (ValueError, SyntaxError, TypeError):
        raise SpecError(f"{where}: attribute '{name}': cannot read default '{text}' as {kind}") from None
    return text  # tensor / graph defaults: kept as printed


def _split_types(text: str) -> list[str]:
    """``tensor(float), map(int64, tensor(float))`` -> split at top-level commas only."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _section_schema(path: Path, sec: _Section) -> OnnxSchema:
    title = sec.title
    if sec.domain and title.startswith(sec.domain + "."):
        title = title[len(sec.domain) + 1:]
    version = sec.version
    m = re.fullmatch(r"(?P<name>[A-Za-z0-9_]+)-(?P<v>\d+)", title)  # Changelog.md: "Abs-6"
    if m:
        title = m["name"]
        if version is not None and version != int(m["v"]):
            raise SpecError(f"{path}:{sec.line}: {sec.title} says it is available since version {version}")
        version = int(m["v"])
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", title):
        raise SpecError(f"{path}:{sec.line}: '{sec.title}' is not an operator name")
    if version is None:
        raise SpecError(
            f"{path}:{sec.line}: {title} has no '#### Version' line 'This version of the operator has been "
            "available since version N'"
        )

    def rng(explicit: tuple[int, int | None] | None, params: list[Param]) -> tuple[int, int | None]:
        if explicit is not None:
            return explicit
        return len(params), len(params)

    min_in, max_in = rng(sec.input_range, sec.inputs)
    min_out, max_out = rng(sec.output_range, sec.outputs)
    return OnnxSchema(
        name=title,
        domain=sec.domain,
        since_version=version,
        inputs=tuple(sec.inputs),
        outputs=tuple(sec.outputs),
        attributes=tuple(sorted(sec.attributes, key=lambda a: a.name)),
        type_constraints=tuple(sec.type_constraints),
        min_input=min_in,
        max_input=max_in,
        min_output=min_out,
        max_output=max_out,
        deprecated=sec.deprecated,
    )
