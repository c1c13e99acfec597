"""Editing a pack: find the target module, add or replace one function, add its test row, and
write every changed file atomically after checking that the edited pack still imports.

Atomicity: each new text goes to a temporary file in the target's own directory; the texts
are compiled and the edited modules imported (with the registry's own validation of every op)
in a subprocess; only then is each temporary file ``os.replace``-d over its target. If a
replace fails part-way, the files already replaced are restored: both files or neither.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from torch_opfill.gen.errors import GenError
from torch_opfill.gen.render import MARKER

_IMPORTS = {
    "functools": ("import", "import functools"),
    "math": ("import", "import math"),
    "Sequence": ("from", "from collections.abc import Sequence"),
    "Optional": ("from", "from typing import Optional"),
    "torch": ("third", "import torch"),
    "OpfillError": ("first", "torch_opfill"),
    "Tensor": ("first", "torch_opfill"),
    "op": ("first", "torch_opfill"),
    "symbolic": ("first", "torch_opfill"),
    "OpCase": ("first", "torch_opfill.cases"),
    "Domain": ("first", "torch_opfill.cases"),
}


@dataclasses.dataclass(frozen=True)
class Pack:
    root: Path  # the package directory
    package: str  # its dotted import name
    sys_path: Path  # the directory it is imported from

    def module(self, opset: int) -> Path:
        return self.root / f"symbolic_opset{opset}.py"

    @property
    def cases(self) -> Path:
        return self.root / "cases.py"


def resolve_pack(path: str | None) -> Pack:
    """``--pack PATH`` (a package directory), or the bundled ``opset_patches``."""
    if path is None:
        spec = importlib.util.find_spec("opset_patches")
        if spec is None or not spec.submodule_search_locations:
            raise GenError("the bundled pack 'opset_patches' is not importable here; pass --pack PATH")
        root = Path(list(spec.submodule_search_locations)[0])
    else:
        root = Path(path)
        if not root.exists():
            raise GenError(f"pack directory {root} does not exist")
        if not root.is_dir():
            raise GenError(f"--pack {root} is not a directory")
        if not (root / "__init__.py").is_file():
            raise GenError(
                f"--pack {root} is not a Python package (no __init__.py); create one or point at the package"
            )
    root = root.resolve()
    if not os.access(root, os.W_OK | os.X_OK):
        raise GenError(f"pack directory {root} is not writable")
    parts = [root.name]
    parent = root.parent
    while (parent / "__init__.py").is_file():
        parts.insert(0, parent.name)
        parent = parent.parent
    package = ".".join(parts)
    if not all(p.isidentifier() for p in parts):
        raise GenError(f"pack directory {root} is not importable: '{package}' is not a Python package name")
    return Pack(root, package, parent)


# --------------------------------------------------------------------------- module texts


def bound_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def header_imports(names: set[str]) -> str:
    """Import block for a fresh file, grouped and sorted the way isort/ruff would."""
    std_import = sorted(line for n, (k, line) in _IMPORTS.items() if n in names and k == "import")
    std_from = sorted(line for n, (k, line) in _IMPORTS.items() if n in names and k == "from")
    third = sorted(line for n, (k, line) in _IMPORTS.items() if n in names and k == "third")
    first: dict[str, list[str]] = {}
    for n, (k, mod) in _IMPORTS.items():
        if n in names and k == "first":
            first.setdefault(mod, []).append(n)
    first_lines = [
        f"from {mod} import {', '.join(sorted(ns, key=lambda s: (s[0].islower(), s)))}"
        for mod, ns in sorted(first.items())
    ]
    groups = [g for g in (std_import + std_from, third, first_lines) if g]
    return "\n\n".join("\n".join(g) for g in groups)


def new_module(opset: int, names: set[str]) -> str:
    imports = header_imports((names | {"functools", "symbolic"}) - {"_symbolic"})
    return (
        f'"""Pack ops whose ONNX form needs opset {opset}."""\n\n'
        "from __future__ import annotations\n\n"
        f"{imports}\n\n"
        f"_symbolic = functools.partial(symbolic, opset={opset})\n"
    )


def new_cases(names: set[str]) -> str:
    return (
        '"""Test rows for this pack: one row per op (see ``torch_opfill.cases``).\n\n'
        "Read by the test suite and by ``python -m torch_opfill.check``; ``opfill-gen`` adds rows here.\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        f"{header_imports(names)}\n\n"
        "CASES: list[OpCase] = [\n]\n"
    )


def ensure_imports(text: str, names: set[str]) -> str:
    """Add an import line for each of ``names`` the module does not bind yet."""
    tree = ast.parse(text)
    missing = sorted(n for n in names - bound_names(tree) if n in _IMPORTS)
    if not missing:
        return text
    lines = []
    for n in missing:
        kind, spec = _IMPORTS[n]
        lines.append(f"from {spec} import {n}" if kind == "first" else spec)
    anchor = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            anchor = node.end_lineno or node.lineno
        elif anchor == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            anchor = node.end_lineno or node.lineno  # after the docstring when there are no imports
    src = text.splitlines(keepends=True)
    insert = "".join(line + "\n" for line in lines)
    if anchor == 0:
        return insert + "\n" + text
    return "".join(src[:anchor]) + insert + "".join(src[anchor:])


def has_partial(tree: ast.Module) -> bool:
    return "_symbolic" in bound_names(tree)


@dataclasses.dataclass
class Existing:
    start: int  # 1-based first line of the block (the marker line when generated)
    end: int  # 1-based last line
    generated: bool
    text: str


def _block(lines: list[str], first: int, last: int) -> Existing:
    """Block ``first..last`` (1-based), extended upward to an opfill-gen marker comment above it."""
    start = first
    i = first - 1  # 1-based line above
    while i >= 1 and lines[i - 1].strip().startswith("#"):
        if lines[i - 1].strip().startswith(MARKER):
            start = i
            break
        if lines[i - 1].strip().startswith("# OpCase("):
            break  # the (commented) row of the block above
        i -= 1
    generated = start != first
    return Existing(start, last, generated, "\n".join(lines[start - 1:last]))


def find_function(text: str, aten_name: str) -> tuple[Existing, str] | None:
    """The module-level function registering ``aten_name`` (and its name), if any."""
    tree = ast.parse(text)
    lines = text.splitlines()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for d in node.decorator_list:
            first_arg = d.args[0] if isinstance(d, ast.Call) and d.args else None
            if isinstance(first_arg, ast.Constant) and first_arg.value == aten_name:
                first = min([node.lineno, *(x.lineno for x in node.decorator_list)])
                return _block(lines, first, node.end_lineno or node.lineno), node.name
    return None


def free_name(text: str, wanted: list[str]) -> str:
    bound = bound_names(ast.parse(text))
    for name in wanted:
        if name not in bound:
            return name
    i = 2
    while f"{wanted[0]}{i}" in bound:
        i += 1
    return f"{wanted[0]}{i}"


def replace_block(text: str, block: Existing, new: str) -> str:
    lines = text.splitlines()
    out = lines[: block.start - 1] + new.splitlines() + lines[block.end:]
    return "\n".join(out) + "\n"


def append_function(text: str, function: str) -> str:
    return text.rstrip("\n") + "\n\n\n" + function + "\n"


# --------------------------------------------------------------------------- test rows


def find_row(text: str, aten_name: str) -> Existing | None:
    tree = ast.parse(text)
    lines = text.splitlines()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "OpCase"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == aten_name
        ):
            return _block(lines, node.lineno, node.end_lineno or node.lineno)
    commented = f'# OpCase("{aten_name}",'
    for i, line in enumerate(lines, 1):
        if line.strip().startswith(commented):
            return _block(lines, i, i)
    return None


def _strip_comments(segment: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in segment.splitlines())


def insert_row(text: str, block: str) -> str:
    tree = ast.parse(text)
    target = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "CASES" for t in targets):
            target = node.value
    if target is None:
        return text.rstrip("\n") + "\n\nCASES: list[OpCase] = [\n" + block + "\n]\n"
    if not isinstance(target, ast.List):
        return text.rstrip("\n") + "\n\nCASES += [\n" + block + "\n]\n"
    offsets = _line_offsets(text)

    lines = text.splitlines(keepends=True)

    def off(lineno: int, col: int) -> int:  # ast columns count UTF-8 bytes
        return offsets[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    close = off(target.end_lineno, target.end_col_offset) - 1  # the "]"
    if target.elts:
        last = target.elts[-1]
        last_end = off(last.end_lineno, last.end_col_offset)
        if "," not in _strip_comments(text[last_end:close]):
            text = text[:last_end] + "," + text[last_end:]
            close += 1
    line_start = text.rfind("\n", 0, close) + 1
    if text[line_start:close].strip() == "":
        return text[:line_start] + block + "\n" + text[line_start:]
    return text[:close] + "\n" + block + "\n" + text[close:]


def _line_offsets(text: str) -> list[int]:
    offsets, pos = [], 0
    for line in text.splitlines(keepends=True):
        offsets.append(pos)
        pos += len(line)
    offsets.append(pos)
    return offsets


# --------------------------------------------------------------------------- writing


_VERIFY = r"""
import importlib, importlib.machinery, importlib.util, json, sys
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["sys_path"])
try:
    importlib.import_module(spec["package"])
    from torch_opfill import registry, _install
    for name, path, ops in spec["modules"]:
        loader = importlib.machinery.SourceFileLoader(name, path)
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
        sys.modules[name] = module
        loader.exec_module(module)
        found = {op.name: op for op in registry.collect(module)}
        for op_name in ops:
            if op_name not in found:
                raise RuntimeError(f"{name} does not register {op_name}")
            registry.validate(found[op_name])
            _install._Signature.of(found[op_name].func)
    if spec["cases"]:
        name, path, rows = spec["cases"]
        loader = importlib.machinery.SourceFileLoader(name, path)
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
        sys.modules[name] = module
        loader.exec_module(module)
        listed = {c.name for c in getattr(module, "CASES", ())}
        for row in rows:
            if row not in listed:
                raise RuntimeError(f"{name}.CASES has no row for {row}")
except BaseException as err:
    print(f"{type(err).__name__}: {err}".splitlines()[0])
    sys.exit(1)
print("ok")
"""


@dataclasses.dataclass
class Change:
    path: Path
    old: str | None  # None: a new file
    new: str
    module: str  # dotted module name
    ops: list[str]  # ATen names it must register (modules) / list rows for (cases, non-stub)
    is_cases: bool = False


def _mkstemp(path: Path) -> tuple[int, str]:
    """A temporary file next to ``path`` (same filesystem, so ``os.replace`` is atomic)."""
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".opfill-gen.tmp", dir=path.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(pack: Pack, changes: list[Change], *, verify: bool = True) -> None:
    """Write every change or none; each new text must compile and import first."""
    for c in changes:
        try:
            compile(c.new, str(c.path), "exec")
        except SyntaxError as err:
            raise GenError(
                f"internal error: the edited {c.path.name} does not compile ({err}); nothing written"
            ) from None
    temps: dict[Path, str] = {}
    try:
        for c in changes:
            try:
                fd, tmp = _mkstemp(c.path)
            except OSError as err:
                raise GenError(
                    f"cannot write to pack directory {c.path.parent}: {err.strerror or err}; nothing written"
                ) from None
            temps[c.path] = tmp
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(c.new)
            mode = (c.path.stat().st_mode & 0o777) if c.path.exists() else (0o666 & ~_umask())
            os.chmod(tmp, mode)
        if verify:
            _verify(pack, changes, temps)
        done: list[Change] = []
        try:
            for c in changes:
                os.replace(temps[c.path], c.path)
                done.append(c)
        except OSError as err:
            _rollback(done)
            raise GenError(f"cannot replace {c.path}: {err.strerror or err}; nothing written") from None
    finally:
        for tmp in temps.values():
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def _rollback(done: list[Change]) -> None:
    for c in reversed(done):
        try:
            if c.old is None:
                os.unlink(c.path)
            else:
                fd, tmp = _mkstemp(c.path)
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                    f.write(c.old)
                os.replace(tmp, c.path)
        except OSError:
            pass


def _verify(pack: Pack, changes: list[Change], temps: dict[Path, str]) -> None:
    spec = {
        "sys_path": str(pack.sys_path),
        "package": pack.package,
        "modules": [[c.module, temps[c.path], c.ops] for c in changes if not c.is_cases],
        "cases": next(([c.module, temps[c.path], c.ops] for c in changes if c.is_cases), None),
    }
    import torch_opfill  # noqa: PLC0415

    repo = str(Path(torch_opfill.__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORCH_OPFILL")}
    env["TORCH_OPFILL_AUTOLOAD"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(pack.sys_path), repo, env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(_VERIFY), json.dumps(spec)],
            capture_output=True, text=True, env=env, timeout=600, cwd=str(pack.sys_path),
        )
    except subprocess.TimeoutExpired:
        raise GenError("checking that the edited pack imports timed out; nothing written") from None
    if proc.returncode != 0:
        out = (proc.stdout.strip().splitlines() or proc.stderr.strip().splitlines() or ["no output"])[-1]
        names = ", ".join(c.path.name for c in changes)
        raise GenError(f"the edited pack does not import ({out}); nothing written to {names}")
