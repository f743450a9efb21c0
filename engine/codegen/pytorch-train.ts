/**
 * `train.py` of the PyTorch export. It is the same for every design (nothing from the document is written
 * into it): it reads `INPUT_SHAPE(S)`, `LOSS`, `OUTPUTS` and `TRAINING` from the generated `model.py`. With several
 * inputs each is fed the same image; with several outputs each learns the same label and the loss is the sum of
 * each output's loss times its weight (GoogLeNet's auxiliary classifiers).
 */

/** The training script: one process, or `torchrun --nproc_per_node N train.py ...` for DistributedDataParallel. */
export const TRAIN_PY = String.raw`"""Train the exported LayerLoom model, on one process or under torchrun with DistributedDataParallel.

  python train.py --idx /usr/share/datasets/fashion-mnist --epochs 5
  python train.py --x train_x.npy --y train_y.npy --batch-size 128
  torchrun --nproc_per_node 2 train.py --idx DATA_DIR        # gloo on CPU, nccl on CUDA
  python train.py --random 256 --max-steps 2                 # smoke test on random data

Images are read channels-last (N, H, W[, C]) as the design expects and transposed to channels-first.
Integer pixel data is scaled to [0, 1]. Labels are class ids (one-hot labels are reduced with argmax).
A model with several inputs gets the same image on each; with several outputs every output learns the same
label and the loss is the weighted sum in model.OUTPUTS (accuracy is read from the heaviest output).
"""
import argparse
import gzip
import math
import os
import struct
import time

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

import model as exported


def read_idx(path):
    """Reads an IDX file (optionally .gz), as used by MNIST and Fashion-MNIST."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise SystemExit(f"{folder}: missing {stem}[.gz]")


def load_data(args):
    """Returns (x, y) as numpy arrays, x channels-last."""
    if args.random:
        rng = np.random.default_rng(args.seed)
        x = rng.random((args.random, *design_input_shape()), dtype=np.float32)
        if exported.LOSS in ("categoricalCrossentropy", "sparseCategoricalCrossentropy"):
            y = rng.integers(0, exported.OUTPUT_SHAPE[0], size=args.random)
        else:
            y = rng.random((args.random, *exported.OUTPUT_SHAPE), dtype=np.float32)
        return x, y
    if args.idx:
        return read_idx(find_idx(args.idx, "train-images-idx3-ubyte")), read_idx(find_idx(args.idx, "train-labels-idx1-ubyte"))
    if args.x and args.y:
        return np.load(args.x), np.load(args.y)
    raise SystemExit("give a dataset: --idx DIR, --x X.npy --y Y.npy, or --random N")


def design_input_shape():
    """The design's input shape, channels-last."""
    s = exported.INPUT_SHAPE
    return (*s[1:], s[0]) if len(s) >= 2 else tuple(s)


def to_tensors(x, y):
    if np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.float32) / 255.0
    x = x.astype(np.float32)
    want = design_input_shape()
    if x.ndim == len(want) and want[-1] == 1:
        x = x[..., None]
    if tuple(x.shape[1:]) != tuple(want):
        raise SystemExit(f"data has examples of shape {tuple(x.shape[1:])}, the model expects {tuple(want)} (channels-last)")
    xt = torch.from_numpy(np.ascontiguousarray(x))
    if xt.ndim == 4:
        xt = xt.permute(0, 3, 1, 2).contiguous()
    elif xt.ndim == 3:
        xt = xt.permute(0, 2, 1).contiguous()
    if exported.LOSS in ("categoricalCrossentropy", "sparseCategoricalCrossentropy"):
        y = np.argmax(y, axis=-1) if y.ndim > 1 else y
        yt = torch.from_numpy(y.astype(np.int64))
    else:
        yt = torch.from_numpy(np.asarray(y, dtype=np.float32)).reshape(len(y), *exported.OUTPUT_SHAPE)
    return xt, yt


CLASS_LOSSES = ("categoricalCrossentropy", "sparseCategoricalCrossentropy")


def make_loss(spec):
    """The loss of one output (spec: an entry of model.OUTPUTS), taking its prediction and the batch's labels."""
    if spec["loss"] in CLASS_LOSSES:
        fn = nn.CrossEntropyLoss()  # forward() returns logits (see model.py)
        return lambda out, y: fn(out, y if y.dtype == torch.int64 else y.argmax(dim=1))
    if spec["loss"] == "binaryCrossentropy":
        fn = nn.BCEWithLogitsLoss() if spec["final_activation"] == "sigmoid" else nn.BCELoss()
    else:
        fn = nn.MSELoss()
    # Class ids become one-hot rows when this output learns them with a regression-style loss.
    return lambda out, y: fn(out, F.one_hot(y, out.shape[1]).float() if y.dtype == torch.int64 else y)


def make_losses():
    """(loss, weight) per output, in forward()'s order, and the index of the output accuracy is read from."""
    losses = [(make_loss(spec), spec["weight"]) for spec in exported.OUTPUTS]
    main = max(range(len(losses)), key=lambda i: (losses[i][1], -i))
    return losses, main


def check_inputs():
    """Every input is fed the dataset's one image: refuse inputs of different shapes with the reason."""
    shapes = [tuple(s) for s in exported.INPUT_SHAPES]
    if any(s != shapes[0] for s in shapes):
        raise SystemExit(f"the model has inputs of different shapes {shapes}, but the data has one image per example")
    return len(shapes)


def make_optimizer(params, args):
    t = exported.TRAINING
    if args.optimizer == "sgd":
        return torch.optim.SGD(params, lr=args.lr, momentum=t["momentum"], nesterov=t["nesterov"] and t["momentum"] > 0,
                               weight_decay=t["weight_decay"])
    if args.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=args.lr, weight_decay=t["weight_decay"])
    if args.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=args.lr, momentum=t["momentum"], weight_decay=t["weight_decay"])
    return torch.optim.Adam(params, lr=args.lr, weight_decay=t["weight_decay"])


def lr_factor(epoch, args):
    """Learning-rate multiplier for an epoch: linear warmup, then constant, step or cosine decay."""
    t = exported.TRAINING
    if epoch < t["warmup_epochs"]:
        return (epoch + 1) / (t["warmup_epochs"] + 1)
    if t["schedule"] == "step":
        return t["gamma"] ** (epoch // max(t["step_epochs"], 1))
    if t["schedule"] == "cosine":
        span = max(args.epochs - t["warmup_epochs"], 1)
        return 0.5 * (1 + math.cos(math.pi * (epoch - t["warmup_epochs"]) / span))
    return 1.0


def setup_distributed():
    """Detects torchrun (RANK/WORLD_SIZE/LOCAL_RANK) and joins the process group; returns (rank, world, device)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{local_rank}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    return rank, world, device


def main():
    t = exported.TRAINING
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--idx", help="folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]")
    p.add_argument("--x", help="examples .npy (N, H, W[, C]), channels-last")
    p.add_argument("--y", help="labels .npy (N,) class ids, or one-hot")
    p.add_argument("--random", type=int, default=0, help="use N random examples (smoke test)")
    p.add_argument("--epochs", type=int, default=t["epochs"])
    p.add_argument("--batch-size", type=int, default=t["batch_size"], help="per process")
    p.add_argument("--lr", type=float, default=t["lr"])
    p.add_argument("--optimizer", choices=["sgd", "adam", "adamw", "rmsprop"], default=t["optimizer"])
    p.add_argument("--max-steps", type=int, default=0, help="stop each epoch after this many steps (0: whole epoch)")
    p.add_argument("--sync-bn", action="store_true", help="synchronize BatchNorm statistics across processes")
    p.add_argument("--seed", type=int, default=t["seed"])
    p.add_argument("--out", default="model.pt", help="where rank 0 saves the trained state_dict")
    args = p.parse_args()

    rank, world, device = setup_distributed()
    torch.manual_seed(args.seed)
    x, y = to_tensors(*load_data(args))
    dataset = TensorDataset(x, y)
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed) if world > 1 else None
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler, drop_last=False)

    net = exported.build_model().to(device)
    if world > 1 and args.sync_bn:
        net = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    model = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None) if world > 1 else net
    n_inputs = check_inputs()
    losses, main = make_losses()
    optimizer = make_optimizer(model.parameters(), args)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: lr_factor(e, args))

    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        model.train()
        totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss sum, correct, examples
        start = time.time()
        for step, (xb, yb) in enumerate(loader):
            if args.max_steps and step >= args.max_steps:
                break
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            out = model(*([xb] * n_inputs))
            outs = out if isinstance(out, tuple) else (out,)
            loss = sum(weight * fn(o, yb) for (fn, weight), o in zip(losses, outs))
            loss.backward()
            optimizer.step()
            totals[0] += loss.item() * len(xb)
            totals[2] += len(xb)
            if yb.dtype == torch.int64:
                totals[1] += (outs[main].argmax(dim=1) == yb).sum().item()
        scheduler.step()
        if world > 1:
            dist.all_reduce(totals)
        if rank == 0:
            n = max(totals[2].item(), 1)
            acc = f" accuracy {totals[1].item() / n:.4f}" if y.dtype == torch.int64 else ""
            rate = totals[2].item() / max(time.time() - start, 1e-9)
            print(f"epoch {epoch + 1}/{args.epochs} loss {totals[0].item() / n:.4f}{acc} "
                  f"({int(totals[2].item())} examples, {rate:.0f} examples/s, {world} process{'es' if world > 1 else ''})", flush=True)

    if rank == 0:
        torch.save(net.state_dict(), args.out)
        print(f"saved {args.out}", flush=True)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
