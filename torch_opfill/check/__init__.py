"""``python -m torch_opfill.check``: export every pack op, run it in onnxruntime, compare with eager."""
