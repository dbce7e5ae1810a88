#!/usr/bin/env python3
"""Writes the binary seed corpora of tests/fuzz (safetensors/, checkpoint/): tiny valid checkpoints
and near-valid variants, each a few KB. Run from the repository root after
scripts/build-sentencepiece.sh (it trains a 340-piece tokenizer with spm_train). The text corpora
(config/, session_script/, numbers/) are written by hand."""
import json, os, random, struct, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def safetensors(tensors, metadata=None):
    """tensors: name -> (dtype, shape, bytes). Mirrors model/safetensors.cpp's writer."""
    header, blob = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(data)]}
        blob += data
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + blob


def tokenizer():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([os.path.join(ROOT, "third_party/sentencepiece/bin/spm_train"),
                        "--input=" + os.path.join(ROOT, "tests/data/tiny.txt"), "--model_prefix=" + d + "/t",
                        "--vocab_size=340", "--model_type=bpe", "--byte_fallback=true",
                        "--hard_vocab_limit=false", "--normalization_rule_name=identity",
                        "--minloglevel=2"], check=True, capture_output=True)
        return open(d + "/t.model", "rb").read()


def f32(shape, rng):
    n = 1
    for s in shape:
        n *= s
    return ("F32", list(shape), struct.pack("<%df" % n, *[rng.uniform(-0.1, 0.1) for _ in range(n)]))


def checkpoint(tok, rng, vocab=340, C=8, T=8, layers=1, heads=2, pos="rotary", held=False, objective="wfc",
               drop=None, reshape=None, meta=None):
    cfg = {"vocab_size": vocab, "block_size": T, "n_layer": layers, "n_head": heads, "n_embd": C, "pos": pos,
           "rope_base": 10000.0, "mask": "block", "lookahead": 8, "readout": "shifted", "dropout": 0.0,
           "held_embedding": held}
    t = {"wte.weight": f32([vocab, C], rng), "ln_f.weight": f32([C], rng), "ln_f.bias": f32([C], rng),
         "tokenizer.model": ("U8", [len(tok)], tok)}
    if pos == "learned":
        t["wpe.weight"] = f32([T, C], rng)
    if held:
        t["held_emb"] = f32([C], rng)
    for i in range(layers):
        for n, s in [("ln_1.weight", [C]), ("ln_1.bias", [C]), ("ln_2.weight", [C]), ("ln_2.bias", [C]),
                     ("attn_qkv.weight", [3 * C, C]), ("attn_qkv.bias", [3 * C]), ("attn_proj.weight", [C, C]),
                     ("attn_proj.bias", [C]), ("mlp_fc.weight", [4 * C, C]), ("mlp_fc.bias", [4 * C]),
                     ("mlp_proj.weight", [C, 4 * C]), ("mlp_proj.bias", [C])]:
            t["h.%d.%s" % (i, n)] = f32(s, rng)
    if drop:
        del t[drop]
    if reshape:
        t[reshape] = f32([2, 3], rng)
    m = {"format": "wfc-checkpoint", "format_version": "1", "objective": objective,
         "model_config": json.dumps(cfg, separators=(",", ":")),
         "train_config": json.dumps({"lr": 0.002, "steps": 10}), "step": "10", "tokens_seen": "640"}
    m.update(meta or {})
    return safetensors(t, m)


def main():
    rng = random.Random(13)
    tok = tokenizer()
    out = {
        "checkpoint": {
            "valid_rotary": checkpoint(tok, rng),
            "valid_learned_held_ar": checkpoint(tok, rng, pos="learned", held=True, objective="ar"),
            "valid_two_layers": checkpoint(tok, rng, layers=2, C=4, heads=1),
            "near_missing_tensor": checkpoint(tok, rng, drop="h.0.mlp_fc.bias"),
            "near_bad_shape": checkpoint(tok, rng, reshape="ln_f.bias"),
            "near_vocab_mismatch": checkpoint(tok, rng, vocab=300),
            "near_newer_version": checkpoint(tok, rng, meta={"format_version": "2"}),
            "near_bad_step": checkpoint(tok, rng, meta={"step": "12x"}),
            "near_deep_train_config": checkpoint(tok, rng, meta={"train_config": "[" * 80 + "]" * 80}),
        },
        "safetensors": {
            "empty_header": safetensors({}),
            "metadata_only": safetensors({}, {"a": "b", "format": "wfc-checkpoint"}),
            "dtypes": safetensors({d: (d, [2, 1], bytes(2 * s)) for d, s in
                                   [("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("I64", 8), ("I32", 4),
                                    ("I16", 2), ("I8", 1), ("U8", 1), ("BOOL", 1)]}),
            "zero_dims": safetensors({"e": ("F32", [0, 5], b""), "s": ("F32", [], b"\0\0\x80\x3f")}),
            "truncated": safetensors({"x": ("F32", [4], bytes(16))})[:-3],
            "overlap": b"\x50\0\0\0\0\0\0\0" + json.dumps({"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},
                                                           "b": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}},
                                                          separators=(",", ":")).encode().ljust(0x50) + bytes(8),
        },
    }
    for target, files in out.items():
        os.makedirs(os.path.join(HERE, target), exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(HERE, target, name + ".safetensors"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
