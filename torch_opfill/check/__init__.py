"""``python -m torch_opfill.check``: export every pack op, check the graph, run it, compare with eager.

Modules: :mod:`.cli` (selection, planning, worker processes, exit status), :mod:`.runner`
(one op/exporter/opset/dtype check and its backends), :mod:`.compare` (ULP / abs / rel,
Polygraphy semantics), :mod:`.reference` (the NumPy/SciPy and CuPy reference),
:mod:`.tensorrt_support` (static support matrix) and :mod:`.tensorrt_runner` (engines),
:mod:`.model` (``--model``), :mod:`.report` (table, JUnit, progress).
"""
