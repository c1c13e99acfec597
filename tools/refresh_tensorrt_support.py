"""Regenerate ``torch_opfill/data/tensorrt_support.json`` from onnx-tensorrt's operators.md.

Usage (maintainers, on a TensorRT release)::

    python tools/refresh_tensorrt_support.py path/to/onnx-tensorrt/docs/operators.md \\
        --source https://github.com/onnx/onnx-tensorrt/blob/release/10.15-GA/docs/operators.md

The TensorRT version and opset range are read from the file itself; ``--source`` records
where it came from (the JSON keeps both, and ``python -m torch_opfill.check`` reports them).
Review the diff: restrictions stated in prose stay text (shown as caveats), except the rank
restrictions the parser recognises, which the static check enforces.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from torch_opfill.check.tensorrt_support import parse_operators_md

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "torch_opfill" / "data" / "tensorrt_support.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operators_md", type=Path, help="onnx-tensorrt docs/operators.md")
    parser.add_argument(
        "--source", required=True, help="URL (with the release branch or commit) of that file"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"JSON to write (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    try:
        matrix = parse_operators_md(args.operators_md.read_text(encoding="utf-8"), args.source)
    except (OSError, ValueError) as err:
        print(f"refresh_tensorrt_support: {args.operators_md}: {err}", file=sys.stderr)
        return 2
    args.out.write_text(json.dumps(matrix, indent=1) + "\n", encoding="utf-8")
    supported = sum(e["supported"] for e in matrix["operators"].values())
    print(
        f"wrote {args.out}: TensorRT {matrix['tensorrt']}, "
        f"{len(matrix['operators'])} operators ({supported} supported)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
