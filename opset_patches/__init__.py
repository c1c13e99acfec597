"""The bundled torch-opfill op pack.

One module per opset, like torch's own ``symbolic_opset*.py``: an op lives in the module of
the lowest opset its ONNX form needs, and per-opset forms of one op dispatch to the highest
registered opset <= the export's target.
"""
