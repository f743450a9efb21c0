#!/usr/bin/env python3
"""PyTorch CPU peer for bench/train.ts: the same reference CNN, batch, optimizer and
timing plan, on the same Fashion-MNIST examples. Prints one JSON object on stdout.

usage: torch_ref.py --batch 128 --warmup 2 --batches 4 --windows 3 --threads 2 [--count N] [--dir D] [--device cuda]
"""
import argparse, gzip, json, os, statistics, sys, time

def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--batches", type=int, default=4)
    p.add_argument("--windows", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--count", type=int, default=1280)
    p.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--device", default="cpu", help="torch device, e.g. cuda on a GPU machine")
    a = p.parse_args()
    try:
        import numpy as np
        import torch
        from torch import nn
    except Exception as e:  # reported, not raised: the caller prints the reason
        print(json.dumps({"ok": False, "reason": f"torch not importable: {e}"}))
        return 0
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    img = os.path.join(a.dir, "train-images-idx3-ubyte.gz")
    lbl = os.path.join(a.dir, "train-labels-idx1-ubyte.gz")
    if os.path.exists(img) and os.path.exists(lbl):
        with gzip.open(img) as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16)[: a.count * 784]
        with gzip.open(lbl) as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8)[: a.count]
        source = a.dir
    else:
        rng = np.random.default_rng(1)
        x = (rng.random(a.count * 784) * 255).astype(np.uint8)
        y = (np.arange(a.count) % 10).astype(np.uint8)
        source = "random (Fashion-MNIST not found)"
    xs = torch.from_numpy(x.astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    ys = torch.from_numpy(y.astype(np.int64))
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    dev = torch.device(a.device)
    model = model.to(dev)
    xs, ys = xs.to(dev), ys.to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, as the tfjs model
    n_batches = max(1, a.count // a.batch)
    cursor = [0]
    last = [float("nan")]

    def step():
        i = cursor[0] % n_batches
        cursor[0] += 1
        xb, yb = xs[i * a.batch:(i + 1) * a.batch], ys[i * a.batch:(i + 1) * a.batch]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        last[0] = loss.item()

    for _ in range(a.warmup):
        step()
    windows = []
    for _ in range(a.windows):
        t0 = time.perf_counter()
        for _ in range(a.batches):
            step()
        windows.append(a.batches * a.batch / (time.perf_counter() - t0))
    print(json.dumps({
        "ok": True, "examplesPerSec": statistics.median(windows), "windows": windows,
        "lastLoss": last[0], "threads": torch.get_num_threads(), "device": a.device, "torch": torch.__version__, "source": source,
    }))
    return 0

if __name__ == "__main__":
    sys.exit(main())
