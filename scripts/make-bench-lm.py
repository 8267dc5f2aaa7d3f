#!/usr/bin/python3
"""A small GPT-2-shaped language model with random weights, exported to ONNX with a KV cache, for
the generation benchmark (bin/backprop bench-generation): big enough that recomputing the whole
text at every step costs what it costs in a real model, small enough to build in seconds.
Needs Debian's python3-torch (apt install python3-torch). Not a fixture: nothing tests its words.

    /usr/bin/python3 scripts/make-bench-lm.py out/bench-lm [--layers 4] [--hidden 256] [--vocab 5000]
        [--last-logits] [--int8]

Two variants for asking what the runner would do with less work per token (both off by default):
--last-logits outputs the logits of the last position only (what transformers' generate() asks of a
model with logits_to_keep=1): reading a prompt skips the vocabulary projection of every other
position. --int8 stores every projection's weights as int8, one scale per output column, for ONNX
Runtime's DynamicQuantizeMatMul (the graph onnxruntime.quantization.quantize_dynamic gives after
ORT fuses it); needs Debian's python3-onnx.
"""
import argparse
import json
import math
import os

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("--layers", type=int, default=4)
parser.add_argument("--heads", type=int, default=4)
parser.add_argument("--hidden", type=int, default=256)
parser.add_argument("--vocab", type=int, default=5000)
parser.add_argument("--positions", type=int, default=512)
parser.add_argument("--last-logits", action="store_true")
parser.add_argument("--int8", action="store_true")
args = parser.parse_args()


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(args.hidden, 3 * args.hidden)
        self.proj = nn.Linear(args.hidden, args.hidden)

    def forward(self, x, mask, past_key, past_value):
        b, n, d = x.shape
        h = args.heads
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (t.view(b, n, h, d // h).transpose(1, 2) for t in (q, k, v))
        k = torch.cat([past_key, k], dim=2)
        v = torch.cat([past_value, v], dim=2)
        total = k.shape[2]
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        query_positions = torch.arange(total - n, total).view(n, 1)
        key_positions = torch.arange(total).view(1, total)
        blocked = (key_positions > query_positions).view(1, 1, n, total) | (mask.view(b, 1, 1, total) == 0)
        scores = scores.masked_fill(blocked, -1e9)
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj(y), k, v


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(args.hidden)
        self.attention = Attention()
        self.ln2 = nn.LayerNorm(args.hidden)
        self.mlp = nn.Sequential(nn.Linear(args.hidden, 4 * args.hidden), nn.GELU(), nn.Linear(4 * args.hidden, args.hidden))

    def forward(self, x, mask, past_key, past_value):
        a, k, v = self.attention(self.ln1(x), mask, past_key, past_value)
        x = x + a
        return x + self.mlp(self.ln2(x)), k, v


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(args.vocab, args.hidden)
        self.positions = nn.Embedding(args.positions, args.hidden)
        self.blocks = nn.ModuleList(Block() for _ in range(args.layers))
        self.ln = nn.LayerNorm(args.hidden)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        x = self.tokens(input_ids) + self.positions(position_ids)
        presents = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, attention_mask, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        if args.last_logits:
            x = x[:, -1:, :]
        return (self.ln(x) @ self.tokens.weight.t(), *presents)


torch.manual_seed(0)
model = Gpt().eval()
os.makedirs(args.folder, exist_ok=True)
head = args.hidden // args.heads
past = [torch.zeros(1, args.heads, 2, head) for _ in range(2 * args.layers)]
names = [f"past_key_values.{i}.{kind}" for i in range(args.layers) for kind in ("key", "value")]
outputs = ["logits"] + [name.replace("past_key_values", "present") for name in names]
dynamic = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total"},
           "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
dynamic.update({name: {0: "batch", 2: "past"} for name in names})
dynamic.update({name: {0: "batch", 2: "total"} for name in outputs[1:]})
example = (torch.ones(1, 3, dtype=torch.long), torch.ones(1, 5, dtype=torch.long), torch.arange(2, 5).view(1, 3), *past)
torch.onnx.export(model, example, os.path.join(args.folder, "model.onnx"), input_names=["input_ids", "attention_mask", "position_ids"] + names,
                  output_names=outputs, dynamic_axes=dynamic, opset_version=14)


def quantize_projections(path):
    """Every MatMul by a constant weight [K, N] becomes DynamicQuantizeMatMul with int8 weights and a
    scale per column (symmetric: no zero point)."""
    import numpy
    import onnx
    from onnx import helper, numpy_helper

    graph_model = onnx.load(path)
    graph = graph_model.graph
    weights = {init.name: init for init in graph.initializer}
    uses = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    quantized = 0
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in weights or uses[node.input[1]] != 1:
            continue
        w = numpy_helper.to_array(weights[node.input[1]])
        if w.ndim != 2:
            continue
        scale = numpy.maximum(numpy.abs(w).max(axis=0), 1e-8) / 127.0
        q = numpy.clip(numpy.round(w / scale), -127, 127).astype(numpy.int8)
        name = node.input[1]
        graph.initializer.remove(weights[name])
        graph.initializer.extend([numpy_helper.from_array(q, name + "_int8"),
                                  numpy_helper.from_array(scale.astype(numpy.float32), name + "_scale")])
        node.op_type = "DynamicQuantizeMatMul"
        node.domain = "com.microsoft"
        node.input[1] = name + "_int8"
        node.input.append(name + "_scale")
        quantized += 1
    graph_model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(graph_model, path)
    return quantized


if args.int8:
    print("int8 projections:", quantize_projections(os.path.join(args.folder, "model.onnx")))
vocab = {"<eos>": 0}
vocab.update({f"w{i}": i for i in range(1, args.vocab)})
with open(os.path.join(args.folder, "tokenizer.json"), "w") as f:
    json.dump({"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
               "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None,
               "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<eos>"}}, f)
with open(os.path.join(args.folder, "config.json"), "w") as f:
    json.dump({"eos_token_id": 0, "n_positions": args.positions, "n_head": args.heads, "n_embd": args.hidden,
               "n_layer": args.layers, "vocab_size": args.vocab}, f, indent=2)
print("wrote", args.folder, sum(p.numel() for p in model.parameters()), "parameters")
