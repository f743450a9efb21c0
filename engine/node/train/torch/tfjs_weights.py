"""Weights between tfjs layers (channels-last kernels) and LayerLoom's generated PyTorch module (channels-first).

Both directions live here, side by side, one pair per module kind, so a layout rule exists once:
  Conv2d            tfjs [kh, kw, in, out]    <-> torch [out, in, kh, kw]
  depthwise Conv2d  tfjs [kh, kw, c, m]       <-> torch [c*m, 1, kh, kw]   (groups = c)
  separable         depthwise + pointwise [1, 1, c*m, f] (+ bias) <-> nn.Sequential(depthwise, pointwise)
  ConvTranspose2d   tfjs [kh, kw, out, in]    <-> torch [in, out, kh, kw]
  Linear            tfjs [in, out]            <-> torch [out, in]
  BatchNorm         gamma, beta, moving mean, moving variance (or only the two statistics when not affine)
The layer list comes from the Node side (engine/node/train/torch/weights.ts): per layer its tfjs name, the module
attribute and its weights' shapes; values travel as one raw float32 array in that order.
"""
import numpy as np
import torch
from torch import nn


def _depthwise_in(w):
    kh, kw, c, m = w.shape
    return w.reshape(kh, kw, c * m).permute(2, 0, 1).unsqueeze(1)


def _depthwise_out(weight, shape):
    return weight.squeeze(1).permute(1, 2, 0).reshape(shape)


def _conv_in(w):
    return w.permute(3, 2, 0, 1)


def _conv_out(weight):
    return weight.permute(2, 3, 1, 0)


def _bias_pairs(mod, ws, i):
    """(torch tensor, tfjs value) for the bias when the module has one."""
    return [(mod.bias, ws[i])] if mod.bias is not None else []


def pairs(mod, ws, name):
    """The (torch tensor, tfjs-layout tensor) pairs of one layer, in tfjs weight order.

    `ws` are the tfjs values (or, when dumping, placeholders that only carry the shape)."""
    if isinstance(mod, nn.Sequential) and len(mod) == 2 and all(isinstance(m, nn.Conv2d) for m in mod):  # separable
        return [(mod[0].weight, ("depthwise", ws[0])), (mod[1].weight, ("conv", ws[1]))] + _bias_pairs(mod[1], ws, 2)
    if isinstance(mod, nn.ConvTranspose2d):
        return [(mod.weight, ("conv", ws[0]))] + _bias_pairs(mod, ws, 1)
    if isinstance(mod, nn.Conv2d) and mod.groups > 1:
        return [(mod.weight, ("depthwise", ws[0]))] + _bias_pairs(mod, ws, 1)
    if isinstance(mod, nn.Conv2d):
        return [(mod.weight, ("conv", ws[0]))] + _bias_pairs(mod, ws, 1)
    if isinstance(mod, nn.Linear):
        return [(mod.weight, ("linear", ws[0]))] + _bias_pairs(mod, ws, 1)
    if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
        stats = [(mod.running_mean, ws[-2]), (mod.running_var, ws[-1])]
        return ([(mod.weight, ws[0]), (mod.bias, ws[1])] if mod.affine else []) + stats
    raise ValueError(f"layer {name}: no weight mapping for {type(mod).__name__}")


def _to_torch(kind_value):
    if not isinstance(kind_value, tuple):
        return kind_value
    kind, w = kind_value
    if kind == "depthwise":
        return _depthwise_in(w)
    if kind == "conv":
        return _conv_in(w)
    return w.t()  # linear


def _to_tfjs(kind_value, tensor):
    if not isinstance(kind_value, tuple):
        return tensor
    kind, w = kind_value
    if kind == "depthwise":
        return _depthwise_out(tensor, w.shape)
    if kind == "conv":
        return _conv_out(tensor)
    return tensor.t()


def _module(net, entry):
    mod = getattr(net, entry["attr"], None)
    if mod is None:
        raise ValueError(f"layer {entry['name']}: the module has no attribute '{entry['attr']}'")
    return mod


def load_tfjs(net, layers, values):
    """Copies tfjs-layout weights (`values`: flat float32 numpy array) into `net`."""
    at = 0
    for entry in layers:
        ws = []
        for shape in entry["shapes"]:
            n = int(np.prod(shape)) if shape else 1
            ws.append(torch.from_numpy(np.array(values[at:at + n], dtype=np.float32).reshape(shape)))
            at += n
        with torch.no_grad():
            for target, value in pairs(_module(net, entry), ws, entry["name"]):
                src = _to_torch(value)
                if tuple(src.shape) != tuple(target.shape):
                    raise ValueError(f"layer {entry['name']}: tfjs weight {tuple(src.shape)} does not fit {tuple(target.shape)}")
                target.copy_(src)
    if at != len(values):
        raise ValueError(f"{len(values)} weight values given, the layers use {at}")


def dump_tfjs(net, layers):
    """`net`'s weights in tfjs layout and manifest order, as one flat float32 numpy array."""
    parts = []
    with torch.no_grad():
        for entry in layers:
            shapes = [torch.empty(s) for s in entry["shapes"]]  # placeholders carrying the tfjs shapes
            for target, value in pairs(_module(net, entry), shapes, entry["name"]):
                out = _to_tfjs(value, target.detach().to("cpu", torch.float32))
                want = tuple((value[1] if isinstance(value, tuple) else value).shape)
                if tuple(out.shape) != want:
                    raise ValueError(f"layer {entry['name']}: torch weight {tuple(target.shape)} does not give tfjs {want}")
                parts.append(out.contiguous().reshape(-1).numpy())
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
