"""Writes reference.json: token ids from the Hugging Face `tokenizers`
library and all-MiniLM-L6-v2 sentence vectors from an independent NumPy
forward pass (float64) over the same model.safetensors, for the Go tests.

Run once (not by the tests), with the model directory from
`go run ./internal/embed/minilm/cmd/fetch` and the three packages in a
scratch directory (never the system Python):

    pip install --target /tmp/pyref tokenizers safetensors numpy
    PYTHONPATH=/tmp/pyref python3 internal/embed/minilm/testdata/reference.py DIR
"""
import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

TOKENIZE = [
    "Héllo, WORLD! naïve café 東京 don't  x\u200by",
    "The user's flight to Zürich leaves at 07:45 on 2024-03-09 (gate B12).",
    "unbelievably antidisestablishmentarianism supercalifragilisticexpialidocious",
    "e-mail: jane.doe@example.com; cost $1,299.99 — 15% off!!",
    "Ölçü, İstanbul, ﬁnance, Ærøskøbing, ½ cup, ‘quotes’ “double”",
    "tabs\tand\nnewlines\r\nand\u00a0nbsp\u0007bell",
    "a" * 120 + " short",
    "",
]

EMBED = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "The user prefers window seats on long flights.",
    "Alice's daughter was born on 12 March 2019 in Lyon.",
    "Budget for the kitchen renovation is 18,500 euros.",
    "I can't stand cilantro; please leave it out of my food.",
    " ".join(["memory"] * 300),  # cut to 256 tokens
]


def layer_norm(x, g, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def erf(x):
    return np.vectorize(math.erf)(x)


def encode(w, ids):
    p = "embeddings."
    t = len(ids)
    x = w[p + "word_embeddings.weight"][ids] + w[p + "position_embeddings.weight"][:t] + w[p + "token_type_embeddings.weight"][0]
    x = layer_norm(x, w[p + "LayerNorm.weight"], w[p + "LayerNorm.bias"])
    for i in range(6):
        p = f"encoder.layer.{i}."
        lin = lambda name, v: v @ w[p + name + ".weight"].T + w[p + name + ".bias"]
        q = lin("attention.self.query", x).reshape(t, 12, 32).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(t, 12, 32).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(t, 12, 32).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(32)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        c = (s @ v).transpose(1, 0, 2).reshape(t, 384)
        x = layer_norm(x + lin("attention.output.dense", c), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        h = lin("intermediate.dense", x)
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = layer_norm(x + lin("output.dense", h), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    v = x.mean(0)
    return v / np.linalg.norm(v)


def main():
    d = sys.argv[1]
    tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(256)
    w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(d, "model.safetensors")).items()}
    out = {"tokenize": [], "embed": []}
    for s in TOKENIZE:
        out["tokenize"].append({"text": s, "ids": tok.encode(s).ids})
    for s in EMBED:
        ids = tok.encode(s).ids
        vec = encode(w, ids)
        out["embed"].append({"text": s, "ids": ids, "vector": [round(float(f), 6) for f in vec]})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(path, "w") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
