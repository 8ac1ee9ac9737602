"""Checks that a state dict exported by `rnn4j export FILE --format safetensors` loads in PyTorch.

    python3 check_torch_export.py RECIPE.py IO.safetensors [TOLERANCE]

RECIPE.py is the recipe `rnn4j export` printed, saved as it is; it loads its safetensors file by a
path relative to its own folder (the script runs it there) with `load_state_dict(strict=True)`.
IO.safetensors holds `x` (the input, float32; token ids stored as floats when the metadata says
`x_dtype=long`), optionally `lengths` ([batch], stored as floats) and `y`, the output rnn4j
computed for that input. The script runs the recipe's model on `x` and compares with `y`.

The recipe imports `load_file` from the `safetensors` package. Where that package is missing, a
reader of the published format stands in for it (8-byte little-endian header length, JSON header
with dtype, shape and data offsets, raw little-endian bytes, read with torch.frombuffer), so the
recipe itself runs unchanged. Exit status 0 when the outputs agree, 1 when they do not.
"""
import importlib.util
import json
import os
import sys
import types

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def read_safetensors(path):
    """The tensors of a safetensors file by name, and its metadata."""
    if sys.byteorder != "little":
        raise SystemExit("this reader needs a little-endian machine (safetensors data is little-endian)")
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    return tensors, metadata


def load_file(path, device="cpu"):
    return {k: v.to(device) for k, v in read_safetensors(path)[0].items()}


def main(recipe_path, io_path, tolerance):
    if importlib.util.find_spec("safetensors") is None:
        pkg = types.ModuleType("safetensors")
        sub = types.ModuleType("safetensors.torch")
        sub.load_file = load_file
        pkg.torch = sub
        sys.modules["safetensors"] = pkg
        sys.modules["safetensors.torch"] = sub
        print("safetensors package not installed: its load_file is replaced by this script's reader")
    io, meta = read_safetensors(io_path)
    with open(recipe_path) as f:
        source = f.read()
    here = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(recipe_path)))
    try:
        scope = {"__name__": "rnn4j_recipe"}
        exec(compile(source, recipe_path, "exec"), scope)
    finally:
        os.chdir(here)
    model = scope["model"]
    x = io["x"]
    if meta.get("x_dtype") == "long":
        x = x.long()
    lengths = io["lengths"].long() if "lengths" in io else None
    with torch.no_grad():
        y = model(x, lengths)
    want = io["y"]
    if tuple(y.shape) != tuple(want.shape):
        print("shape mismatch: PyTorch %s, rnn4j %s" % (list(y.shape), list(want.shape)))
        return 1
    worst = (y.float() - want).abs().max().item() if want.numel() else 0.0
    print("strict load ok; PyTorch output %s, largest difference from rnn4j %.3g (tolerance %g)"
          % (list(y.shape), worst, tolerance))
    return 0 if worst <= tolerance else 1


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) == 4 else 1e-5))
