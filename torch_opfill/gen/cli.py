"""``opfill-gen``: the command line, and the generation pipeline behind it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from torch_opfill.gen import aten as _aten
from torch_opfill.gen import plan as _plan
from torch_opfill.gen import probe as _probe
from torch_opfill.gen import render as _render
from torch_opfill.gen import schema as _schema
from torch_opfill.gen import writer as _writer
from torch_opfill.gen.errors import GenError

MIN_OPSET = 7  # the lowest opset torch's TorchScript exporter exports
PROBE_TOP = 20  # later ONNX versions are probed up to here (the TorchScript exporter's highest)

USAGE_EXAMPLES = """\
examples:
  opfill-gen Asinh                      generate aten::asinh -> ONNX Asinh into the bundled pack
  opfill-gen Asinh --pack ./my_pack     ... into your own pack (a package directory)
  opfill-gen Asinh Acosh BitwiseXor     several ops at once (all written, or none)
  opfill-gen Tan --opset 7 --force      an op torch already exports (a pack override)
  opfill-gen Trilu --aten aten::triu --opset 14
  opfill-gen Asinh --spec Operators.md  read the ONNX schema from an Operators.md / Changelog.md
  opfill-gen Asinh --dry-run            print the code, write nothing
  opfill-gen --missing [--opset N] [--json]
"""


@dataclasses.dataclass
class Planned:
    onnx_name: str
    opset: int
    mapping: _plan.Mapping
    probe: _probe.Probe | None
    fn_expr: str
    domains: tuple
    valid_until: int | None
    command: str
    notes: list[str]

    @property
    def stub(self) -> bool:
        return not self.mapping.one_to_one


@dataclasses.dataclass
class Outcome:
    planned: Planned
    rendered: _render.Rendered
    module: Path
    function_status: str  # "added", "replaced", "unchanged"
    row_status: str  # "added", "replaced", "unchanged", "kept"


# --------------------------------------------------------------------------- planning


def catalog_for(spec: str | None) -> _schema.Catalog:
    return _schema.parse_operators_md(spec) if spec else _schema.defs_catalog()


def _check_opset(opset: int) -> None:
    from torch_opfill.registry import MAX_OPSET  # noqa: PLC0415

    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise GenError(
            f"--opset {opset}: must be in {MIN_OPSET}..{MAX_OPSET} (torch's exporters start at opset "
            f"{MIN_OPSET})"
        )


def _aten_candidates(
    onnx_name: str, aten_arg: str | None, schema: _schema.OnnxSchema, opset: int
) -> _plan.Mapping:
    """The ATen op to map: ``--aten``, or the best of the name matches (one torch cannot export
    at ``opset`` first, then a 1:1 one, then one tracing does not decompose)."""
    if aten_arg:
        return _plan.choose(_aten.lookup(aten_arg), schema)
    names = [c for c in _aten.candidates(onnx_name) if _aten.exists(c)]
    if not names:
        tried = ", ".join(f"aten::{c}" for c in _aten.candidates(onnx_name))
        raise GenError(f"no ATen op matches ONNX {onnx_name} by name (tried {tried}); pass --aten aten::name")
    mappings = [_plan.choose(_aten.overloads(n), schema) for n in names]
    best = min(
        range(len(mappings)),
        key=lambda i: (
            _aten.torch_ts_serves(mappings[i].aten.base, opset) is not None,
            not mappings[i].one_to_one,
            mappings[i].aten.composite_implicit,
            i,
        ),
    )
    return mappings[best]


def plan_op(
    catalog: _schema.Catalog, op_arg: str, *, aten_arg: str | None, opset_arg: int | None, force: bool
) -> Planned:
    import torch  # noqa: PLC0415

    from torch_opfill.cases import Domain, OpCase  # noqa: PLC0415

    name = catalog.resolve_name(op_arg)
    spec_note = None
    if opset_arg is not None:
        _check_opset(opset_arg)
        target = opset_arg
    else:
        target = max(catalog.lowest(name), MIN_OPSET)
        if catalog.schema(name, catalog.version_at(name, target)) is None:
            # An Operators.md details only the latest version: start there.
            later = [v for v in catalog.detailed(name) if v >= target]
            if later:
                detailed = ", ".join(f"{name}-{v}" for v in catalog.detailed(name))
                spec_note = (
                    f"{catalog.source} details only {detailed}: generated at opset {later[0]} (pass onnx's "
                    f"Changelog.md as --spec for {name}-{catalog.lowest(name)})"
                )
                target = later[0]
    schema = catalog.at(name, target)
    mapping = _aten_candidates(name, aten_arg, schema, target)
    base = mapping.aten.base
    notes: list[str] = [spec_note] if spec_note else []

    serving = _aten.torch_ts_serves(base, target)
    if serving is not None:
        if not force:
            raise GenError(
                f"torch already exports {base} at opset {target} (with its opset-{serving} TorchScript "
                "symbolic); nothing written. Pass --force to generate it anyway (torch's own mapping keeps "
                f"precedence unless TORCH_OPFILL_OVERRIDE={base})"
            )
        notes.append(
            f"torch already exports {base} at opset {target}: its own symbolic keeps serving wherever it "
            f"covers the export's opset, unless TORCH_OPFILL_OVERRIDE={base}"
        )
    if mapping.aten.composite_implicit:
        notes.append(
            f"{mapping.aten.name} is CompositeImplicitAutograd: tracing decomposes it before the TorchScript "
            "exporter sees it, so this registration rarely fires"
        )

    valid_until = None
    versions: list[tuple[int, str, _schema.OnnxSchema | None]] = [(target, schema.ref, schema)]
    top = max(target, PROBE_TOP)
    for v in catalog.versions(name):
        if not target < v <= top:
            continue
        later = catalog.schema(name, v)
        if mapping.one_to_one and later is not None and not _plan.fits(mapping, later):
            valid_until = v
            notes.append(
                f"ONNX {name} changes at opset {v}: run `opfill-gen {name} --opset {v}` for that version too"
            )
            break
        versions.append((v, f"{name}-{v}", later))

    fn_expr = mapping.aten.eager_expr()
    arity = len(mapping.inputs) if mapping.one_to_one else len(mapping.aten.tensors)
    domains = _plan.domains_for(mapping.aten, max(arity, 1))
    probe = None
    if mapping.one_to_one:
        fn = eval(fn_expr, {"torch": torch})  # noqa: S307 - our own expression: torch.<name> or torch.ops...
        case = OpCase(mapping.aten.name, fn, tuple(Domain(lo, hi, special) for lo, hi, special in domains))
        try:
            probe = _probe.run(mapping, fn, case, versions)
        except _probe.NotVerifiable as err:
            mapping.reasons.append(f"cannot check it numerically: {err}")
        else:
            if not probe.any_passed:
                why = next(iter(probe.skipped.values()), "eager takes none of the probed dtypes")
                mapping.reasons.append(f"no dtype matches eager ({why})")
                probe = None
    cmd = _render.command(name, target, aten_arg)
    return Planned(name, target, mapping, probe, fn_expr, domains, valid_until, cmd, notes)


# --------------------------------------------------------------------------- editing


def _render_function(p: Planned, *, py_name: str, has_partial: bool) -> tuple[str, set[str]]:
    if p.stub:
        return _render.function_stub(
            p.mapping, opset=p.opset, py_name=py_name, cmd=p.command, has_partial=has_partial
        )
    return _render.function_1to1(
        p.mapping, p.probe, opset=p.opset, py_name=py_name, cmd=p.command, has_partial=has_partial,
        valid_until=p.valid_until,
    )


def edit_pack(
    pack: _writer.Pack, plans: list[Planned], *, force: bool
) -> tuple[list[_writer.Change], list[Outcome]]:
    """The new texts of the pack's files (nothing written yet), and what happens to each op."""
    import ast  # noqa: PLC0415

    outcomes: list[Outcome] = []
    changes: list[_writer.Change] = []
    by_module: dict[int, list[Planned]] = {}
    for p in plans:
        by_module.setdefault(p.opset, []).append(p)
    seen = set()
    for p in plans:
        key = (p.opset, p.mapping.aten.name)
        if key in seen:
            raise GenError(f"{p.mapping.aten.name} at opset {p.opset} is asked for twice")
        seen.add(key)

    changed_functions: set[str] = set()
    for opset, group in by_module.items():
        path = pack.module(opset)
        old = _read(path)
        fresh = old is None
        text = _writer.new_module(opset, set()) if fresh else old
        partial = _writer.has_partial(ast.parse(text))
        rendered: list[tuple[Planned, _render.Rendered, str]] = []
        needed: set[str] = set()
        for p in group:
            existing = _writer.find_function(text, p.mapping.aten.name)
            if existing is not None:
                py_name = existing[1]
            else:
                base = p.mapping.aten.py_name()
                overload = p.mapping.aten.overload
                wanted = [base] + ([f"{base.rstrip('_')}_{overload.lower()}"] if overload else [])
                py_name = _writer.free_name(text, wanted)
            function, names = _render_function(p, py_name=py_name, has_partial=partial)
            needed |= names
            r = _render.Rendered(
                p.mapping.aten.name, py_name, opset, p.command, p.stub, function, "", names, set()
            )
            if existing is None:
                status = "added"
                text = _writer.append_function(text, function)
            else:
                block, _ = existing
                if block.text == function:
                    status = "unchanged"
                elif not force:
                    where = f"{py_name}() in {path}"
                    if block.generated:
                        raise GenError(
                            f"{where} was generated by opfill-gen but has changed since (edited by hand?); "
                            "not overwritten: pass --force to replace it"
                        )
                    raise GenError(
                        f"{where} is hand-written (it registers {p.mapping.aten.name}); not overwritten: "
                        "pass --force to replace it"
                    )
                else:
                    status = "replaced"
                    text = _writer.replace_block(text, block, function)
            if status != "unchanged":
                changed_functions.add(p.mapping.aten.name)
            rendered.append((p, r, status))
        if fresh:
            text = _writer.new_module(opset, needed)
            for _, r, _ in rendered:
                text = _writer.append_function(text, r.function)
        elif text != old:
            text = _writer.ensure_imports(text, needed - {"_symbolic"})
        if text != old:
            ops = [r.aten_name for _, r, _ in rendered]
            changes.append(_writer.Change(path, old, text, f"{pack.package}.{path.stem}", ops))
        for p, r, status in rendered:
            outcomes.append(Outcome(p, r, path, status, ""))

    # Test rows.
    path = pack.cases
    old = _read(path)
    rows: list[tuple[Outcome, str, set[str]]] = []
    needed = set()
    for o in outcomes:
        p = o.planned
        block, names = _render.row(
            p.mapping, p.probe, fn_expr=p.fn_expr, domains=p.domains, cmd=p.command, stub=p.stub,
            py_name=o.rendered.py_name,
        )
        o.rendered.row = block
        rows.append((o, block, names))
    text = old if old is not None else None
    pending: list[tuple[Outcome, str, set[str]]] = []
    for o, block, names in rows:
        existing = None if text is None else _writer.find_row(text, o.rendered.aten_name)
        if existing is None:
            o.row_status = "added"
            pending.append((o, block, names))
        elif existing.text == block:
            o.row_status = "unchanged"
        elif existing.generated and (o.rendered.aten_name in changed_functions or force):
            o.row_status = "replaced"
            text = _writer.replace_block(text, existing, block)
            needed |= names
        else:
            o.row_status = "kept"
    for _, _, names in pending:
        needed |= names
    if pending or (text is not None and text != old):
        if text is None:
            text = _writer.new_cases(needed)
        else:
            text = _writer.ensure_imports(text, needed)
        for _, block, _ in pending:
            text = _writer.insert_row(text, block)
    if text is not None and text != old:
        live = [
            o.rendered.aten_name
            for o in outcomes
            if not o.planned.stub and o.row_status in ("added", "replaced")
        ]
        changes.append(_writer.Change(path, old, text, f"{pack.package}.cases", live, is_cases=True))
    return changes, outcomes


def _read(path: Path) -> str | None:
    import ast  # noqa: PLC0415

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise GenError(f"cannot read {path}: {err}") from None
    try:
        ast.parse(text, str(path))
    except SyntaxError as err:
        raise GenError(
            f"{path} does not parse (line {err.lineno}: {err.msg}); fix it first, nothing written"
        ) from None
    return text


def generate(
    ops: Sequence[str], *, aten_arg: str | None = None, opset: int | None = None, pack: str | None = None,
    spec: str | None = None, force: bool = False, dry_run: bool = False, out=None,
) -> list[Outcome]:
    """The whole pipeline; raises :class:`GenError` for user errors. Returns what was (or would be) done."""
    out = out or sys.stdout
    if aten_arg and len(ops) != 1:
        raise GenError("--aten maps exactly one ONNX op; name one op with it")
    if len(set(ops)) != len(ops):
        raise GenError("an op is named twice")
    catalog = catalog_for(spec)
    target_pack = _writer.resolve_pack(pack)
    plans = [plan_op(catalog, o, aten_arg=aten_arg, opset_arg=opset, force=force) for o in ops]
    changes, outcomes = edit_pack(target_pack, plans, force=force)
    if dry_run:
        for o in outcomes:
            status = "would add" if o.function_status == "added" else o.function_status
            print(f"# {o.module} ({status}):", file=out)
            print(o.rendered.function, file=out)
            print(f"\n# {target_pack.cases}:", file=out)
            print(o.rendered.row, file=out)
            print(file=out)
        return outcomes
    if changes:
        _writer.write_atomically(target_pack, changes)
    for o in outcomes:
        _report(o, target_pack, out)
    if not changes:
        print("opfill-gen: up to date, nothing changed", file=out)
    return outcomes


def _report(o: Outcome, pack: _writer.Pack, out) -> None:
    p = o.planned
    what = "STUB" if p.stub else "1:1"
    fn = f"{o.rendered.py_name}()"
    status = {"added": "wrote", "replaced": "replaced", "unchanged": "unchanged:"}[o.function_status]
    mapping = f"{p.mapping.aten.name} -> ONNX {p.mapping.onnx.ref}"
    print(f"opfill-gen: {status} {fn} [{what}] {mapping} in {o.module}", file=out)
    if p.stub:
        left = ", ".join(x.name for x in p.mapping.left_aten) or "none"
        attrs = ", ".join(a.name for a in p.mapping.left_onnx_attrs) or "none"
        print(f"  not 1:1: {'; '.join(p.mapping.reasons)}", file=out)
        print(f"  left to map: ATen parameters {left}; ONNX attributes {attrs}", file=out)
    elif p.probe is not None:
        listed = ", ".join(_probe.dtype_name(d) for d in p.probe.passed)
        print(f"  test row dtypes: {listed}", file=out)
        for d, why in p.probe.skipped.items():
            print(f"  {_probe.dtype_name(d)} not listed: {why}", file=out)
    row = {
        "added": "added", "replaced": "replaced", "unchanged": "unchanged",
        "kept": "kept as it is (an existing row)",
    }
    print(f"  test row in {pack.cases}: {row[o.row_status]}", file=out)
    for note in p.notes:
        print(f"  note: {note}", file=out)


# --------------------------------------------------------------------------- --missing


def missing(opset: int, catalog: _schema.Catalog) -> list[dict]:
    """ATen ops torch's TorchScript exporter cannot export at ``opset``, with their ONNX twins."""
    twins: dict[str, str] = {}
    for name in catalog.names():
        for cand in _aten.candidates(name):
            twins.setdefault(cand, name)
    covered: dict[str, str] = {}
    try:
        from torch_opfill import _install  # noqa: PLC0415

        for r in _install.load():
            if r.opset <= opset:
                covered.setdefault(r.op.ts_name, r.pack)
    except Exception:  # noqa: BLE001 - a broken pack only loses the "pack" column
        pass
    rows = []
    for full in _aten.missing_ops(opset):
        op_name = full.split("::", 1)[1]
        twin = twins.get(op_name)
        rows.append(
            {
                "aten": full,
                "onnx": twin,
                "since_version": catalog.lowest(twin) if twin else None,
                "onnx_version_at_opset": catalog.version_at(twin, opset) if twin else None,
                "torch_from_opset": _aten.torch_ts_opset(full),
                "pack": covered.get(full),
            }
        )
    return rows


def _print_missing(rows: list[dict], opset: int, out, *, total: int) -> None:
    headers = ("ATen op", "ONNX twin", "since", "torch from", "filled by pack")
    table = [
        (
            r["aten"], r["onnx"] or "-", str(r["since_version"] or "-"), str(r["torch_from_opset"] or "-"),
            r["pack"] or "-",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths)).rstrip(), file=out)
    twins = sum(1 for r in rows if r["onnx"])
    print(
        f"\n{total} ATen ops torch's TorchScript exporter cannot export at opset {opset}; {twins} listed "
        "with a likely ONNX twin (generate with: opfill-gen <ONNX op> [--opset N])",
        file=out,
    )


# --------------------------------------------------------------------------- main


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="opfill-gen",
        description="Generate torch-opfill pack ops (one definition, both exporters) from the ONNX spec.",
        epilog=USAGE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("ops", nargs="*", metavar="ONNX_OP", help="ONNX operator(s) to generate, e.g. Asinh")
    ap.add_argument("--aten", help="the ATen op to map to (aten::name[.overload]); default: found by name")
    ap.add_argument("--opset", type=int, help="target opset (default: the op's first version, at least 7)")
    ap.add_argument("--pack", help="pack package directory to write into (default: bundled opset_patches)")
    ap.add_argument("--spec", help="read ONNX schemas from an Operators.md / Changelog.md, not onnx.defs")
    ap.add_argument("--force", action="store_true", help="generate even if torch has it; replace functions")
    ap.add_argument("--dry-run", action="store_true", help="print the code; write nothing")
    ap.add_argument("--missing", action="store_true", help="list ATen ops torch cannot export at --opset")
    ap.add_argument("--json", action="store_true", help="with --missing: JSON output")
    ap.add_argument("--with-twin", action="store_true", help="with --missing: only ops with an ONNX twin")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.missing:
            if args.ops:
                raise GenError("--missing takes no ONNX op names")
            opset = 20 if args.opset is None else args.opset
            _check_opset(opset)
            rows = missing(opset, catalog_for(args.spec))
            total = len(rows)
            if args.with_twin:
                rows = [r for r in rows if r["onnx"]]
            if args.json:
                json.dump({"opset": opset, "missing": rows}, sys.stdout, indent=1)
                print()
            else:
                _print_missing(rows, opset, sys.stdout, total=total)
            return 0
        if not args.ops:
            raise GenError("name an ONNX op (e.g. opfill-gen Asinh), or pass --missing; see --help")
        if args.json or args.with_twin:
            raise GenError("--json and --with-twin go with --missing")
        generate(
            args.ops, aten_arg=args.aten, opset=args.opset, pack=args.pack, spec=args.spec, force=args.force,
            dry_run=args.dry_run,
        )
        return 0
    except GenError as err:
        print(f"opfill-gen: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `opfill-gen --missing | head`
        sys.stderr.close()
        return 0
