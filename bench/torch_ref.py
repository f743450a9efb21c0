#!/usr/bin/env python3
"""Hand-written PyTorch peer for bench/train.ts: the same network (the reference CNN, ResNet-18 at 32x32 with its
ImageNet stem, or MobileNet v2 at 32x32, as the templates retargeted), batch, optimizer and data, written the way a PyTorch
user writes a training loop. Prints one JSON object on stdout.

usage: torch_ref.py --batch 128 --warmup 2 --batches 4 --windows 3 --threads 2 [--count N] [--dir D] [--device cuda]
       torch_ref.py --serve --network resnet18 --batch 64 ...   timed windows on request (interleaved rounds):
         reads {"window": SECONDS} lines on stdin, answers {"examples": N, "seconds": S} per window
"""
import argparse, gzip, json, os, statistics, sys, time


def resnet18(nn, classes=10):
    """ResNet-18 (He et al. 2016), BasicBlocks [2, 2, 2, 2], 7x7/2 stem + 3x3/2 max pool, as the template."""
    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.proj = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            y = self.b2(self.c2(nn.functional.relu(self.b1(self.c1(x)))))
            return nn.functional.relu(y + (x if self.proj is None else self.proj(x)))

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return nn.Sequential(*layers)


def mobilenetv2(nn, classes=10):
    """MobileNet v2 (alpha 1.0) as the mobilenetv2 template: 3x3/2 stem, 17 inverted residual blocks, 1x1 to 1280."""
    class Inverted(nn.Module):
        def __init__(self, cin, cout, stride, t):
            super().__init__()
            mid = cin * t
            ops = [] if t == 1 else [nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU6()]
            ops += [nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid), nn.ReLU6(),
                    nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout)]
            self.ops = nn.Sequential(*ops)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.ops(x) if self.residual else self.ops(x)

    blocks = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
              (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]
    layers, cin = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()], 32
    for cout, stride, t in blocks:
        layers.append(Inverted(cin, cout, stride, t))
        cin = cout
    layers += [nn.Conv2d(cin, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU6(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)

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
    p.add_argument("--network", choices=["cnn", "resnet18", "mobilenetv2"], default="cnn")
    p.add_argument("--serve", action="store_true", help="time windows on request (stdin), for interleaved rounds")
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
    shape = (1, 28, 28) if a.network == "cnn" else (3, 32, 32)
    if a.network == "cnn" and os.path.exists(img) and os.path.exists(lbl):
        with gzip.open(img) as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16)[: a.count * 784]
        with gzip.open(lbl) as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8)[: a.count]
        source = a.dir
    else:
        rng = np.random.default_rng(1)
        x = (rng.random(a.count * int(np.prod(shape))) * 255).astype(np.uint8)
        y = (np.arange(a.count) % 10).astype(np.uint8)
        source = "random pixels" + (" (Fashion-MNIST not found)" if a.network == "cnn" else "")
    xs = torch.from_numpy(x.astype(np.float32) / 255).reshape(-1, *shape)
    ys = torch.from_numpy(y.astype(np.int64))
    model = resnet18(nn) if a.network == "resnet18" else mobilenetv2(nn) if a.network == "mobilenetv2" else nn.Sequential(
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
    if a.serve:
        print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "source": source}), flush=True)
        for line in sys.stdin:
            want = json.loads(line)["window"]
            t0, n = time.perf_counter(), 0
            while n == 0 or time.perf_counter() - t0 < want:
                step()
                n += 1
            print(json.dumps({"examples": n * a.batch, "seconds": time.perf_counter() - t0, "lastLoss": last[0]}), flush=True)
        return 0
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
