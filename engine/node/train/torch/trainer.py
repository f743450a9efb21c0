"""LayerLoom's PyTorch trainer: the child process of the `torch` training backend (engine/node/train/torch/run.ts).

  python trainer.py --spec SPEC.json                                  one process (CUDA, MPS or CPU)
  python -m torch.distributed.run --standalone --nproc_per_node N trainer.py --spec SPEC.json   DDP, one per GPU

The spec names the generated model.py, the dataset as raw uint8 files written by the Node side (so every dataset
LayerLoom reads - embedded, IDX, CIFAR, folders - arrives already split the way the tfjs loop splits it), the run's
settings and the initial weights in tfjs layout. Events go to stdout as JSON lines (rank 0 only); commands come on
stdin as JSON lines: pause, resume, stop, and after each epoch's checkpoint the owner's decision (continue / stop).
Losses follow LayerLoom's tfjs loop: categorical cross-entropy on the logits that model.py's forward() returns,
Adam/RMSprop epsilon 1e-7, weight decay on kernels only (coupled L2, or decoupled for AdamW), the learning rate
set every step from the schedule.
"""
import argparse
import json
import math
import os
import sys
import threading
import time
import traceback

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from tfjs_weights import dump_tfjs, load_tfjs

RANK = int(os.environ.get("RANK", "0"))
WORLD = int(os.environ.get("WORLD_SIZE", "1"))
LOCAL_RANK = int(os.environ.get("LOCAL_RANK", "0"))


def emit(event):
    if RANK == 0:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


class Control:
    """Commands from the owner on stdin (rank 0 reads; the other ranks follow through broadcasts)."""

    def __init__(self):
        self.paused = False
        self.stopped = False
        self.cond = threading.Condition()
        self.decisions = []
        if RANK == 0:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in sys.stdin:
            try:
                cmd = json.loads(line).get("cmd")
            except ValueError:
                continue
            with self.cond:
                if cmd == "pause":
                    self.paused = True
                elif cmd == "resume":
                    self.paused = False
                elif cmd == "stop":
                    self.stopped, self.paused = True, False
                elif cmd in ("continue", "stop-early"):
                    self.decisions.append(cmd)
                self.cond.notify_all()
        with self.cond:  # the owner went away: stop rather than train for nobody
            self.stopped, self.paused = True, False
            self.decisions.append("stop-early")
            self.cond.notify_all()

    def gate(self):
        """Between steps: waits while paused; True when the run should stop. Synchronised across ranks."""
        stop = False
        if RANK == 0:
            with self.cond:
                if self.paused and not self.stopped:
                    emit({"type": "state", "state": "paused"})
                    while self.paused and not self.stopped:
                        self.cond.wait()
                    if not self.stopped:
                        emit({"type": "state", "state": "running"})
                stop = self.stopped
        return bool(broadcast_flag(stop))

    def decision(self):
        """After an epoch's checkpoint: the owner's 'continue' or 'stop-early' (waits for it)."""
        stop = False
        if RANK == 0:
            with self.cond:
                while not self.decisions:
                    self.cond.wait()
                stop = self.decisions.pop(0) != "continue"
        return bool(broadcast_flag(stop))


def broadcast_flag(flag):
    if WORLD == 1:
        return flag
    t = torch.tensor([1 if flag else 0], dtype=torch.int32, device=DEVICE if DEVICE.type == "cuda" else "cpu")
    dist.broadcast(t, 0)
    return int(t.item()) == 1


def lr_at(base, s, t, total):
    """engine/node/train/optim.ts learningRateAt, step for step (checked by a test against the TypeScript)."""
    if s["warmupEpochs"] > 0 and t < s["warmupEpochs"]:
        return base * max(t, 1e-3 * s["warmupEpochs"]) / s["warmupEpochs"]
    after = t - s["warmupEpochs"]
    if s["type"] == "step":
        return base * s["gamma"] ** math.floor(after / s["stepEpochs"])
    if s["type"] == "cosine":
        span = max(1e-9, total - s["warmupEpochs"])
        return 0.5 * base * (1 + math.cos(math.pi * min(1.0, after / span)))
    return base


def make_optimizer(params, o):
    kernels = [p for p in params if p.dim() >= 2]
    rest = [p for p in params if p.dim() < 2]
    wd = o["weightDecay"]
    groups = [{"params": kernels, "weight_decay": wd}, {"params": rest, "weight_decay": 0.0}]
    if o["type"] == "sgd":
        return torch.optim.SGD(groups, lr=o["learningRate"], momentum=o["momentum"], nesterov=o["nesterov"] and o["momentum"] > 0)
    if o["type"] == "rmsprop":  # Keras' defaults, as optim.ts
        return torch.optim.RMSprop(groups, lr=o["learningRate"], alpha=0.9, eps=1e-7)
    if o["type"] == "adamw":  # decoupled decay (w -= lr * wd * w) by torch itself, on the kernels' group only
        return torch.optim.AdamW(groups, lr=o["learningRate"], betas=(0.9, 0.999), eps=1e-7)
    return torch.optim.Adam(groups, lr=o["learningRate"], betas=(0.9, 0.999), eps=1e-7)


def make_loss(name, final):
    """(loss(out, labels), probabilities(out)) for the design's loss; `out` is what forward() returns."""
    probs = (lambda o: F.softmax(o, dim=1)) if final == "softmax" else (lambda o: torch.sigmoid(o)) if final == "sigmoid" else (lambda o: o)
    if name == "meanSquaredError":
        return (lambda o, y: F.mse_loss(probs(o), F.one_hot(y, o.shape[1]).to(o.dtype))), probs
    if name == "binaryCrossentropy":
        if final == "sigmoid":
            return (lambda o, y: F.binary_cross_entropy_with_logits(o, F.one_hot(y, o.shape[1]).to(o.dtype))), probs
        return (lambda o, y: F.binary_cross_entropy(o.clamp(1e-7, 1 - 1e-7), F.one_hot(y, o.shape[1]).to(o.dtype))), probs
    if final == "softmax":
        return (lambda o, y: F.cross_entropy(o, y)), probs
    # Probabilities without a separable softmax: tfjs' rule (normalise, clip, -log of the true class).
    return (lambda o, y: F.nll_loss(torch.log((o / o.sum(1, keepdim=True)).clamp(1e-7, 1 - 1e-7)), y)), probs


def load_split(data, split):
    meta = data.get(split)
    if not meta or meta["count"] == 0:
        return None
    h, w, c = data["shape"]
    x = np.fromfile(os.path.join(data["dir"], f"{split}-x.u8"), dtype=np.uint8).reshape(meta["count"], h, w, c)
    y = np.fromfile(os.path.join(data["dir"], f"{split}-y.u8"), dtype=np.uint8)
    # Channels-first once, as uint8 (a quarter of float32's memory); each batch is converted on the device.
    return torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y.astype(np.int64))


def augment(x, aug, gen):
    """Random horizontal flip and shift (zero fill) per example, as dataset.ts' makeBatch."""
    n = x.shape[0]
    if aug["flip"]:
        flip = torch.rand(n, generator=gen) < 0.5
        x = torch.where(flip.to(x.device)[:, None, None, None], x.flip(3), x)
    s = aug["shift"]
    if s > 0:
        d = torch.randint(-s, s + 1, (n, 2), generator=gen).tolist()
        padded = F.pad(x, (s, s, s, s))
        h, w = x.shape[2], x.shape[3]
        x = torch.stack([padded[i, :, s - dy:s - dy + h, s - dx:s - dx + w] for i, (dy, dx) in enumerate(d)])
    return x


def to_input(xb):
    return xb.to(DEVICE, non_blocking=True).float().div_(255.0)


class Heads:
    """The model's outputs (heads.ts): every output learns the one label; loss = sum of weight * loss; accuracy,
    confusion and predictions from the main output (the first with the largest weight); every input gets the image."""

    def __init__(self, spec, exported):
        outs = getattr(exported, "OUTPUTS", None) or [{"final_activation": exported.FINAL_ACTIVATION}]
        heads = spec.get("heads") or [{"name": "output", "loss": spec["loss"], "weight": 1.0}]
        if len(heads) != len(outs):
            raise ValueError(f"model.py returns {len(outs)} outputs but the design has {len(heads)} Output blocks")
        self.names = [h["name"] for h in heads]
        self.weights = [float(h["weight"]) for h in heads]
        fns = [make_loss(h["loss"], o.get("final_activation")) for h, o in zip(heads, outs)]
        self.losses = [f[0] for f in fns]
        self.main = max(range(len(heads)), key=lambda i: (self.weights[i], -i))
        self.probs = fns[self.main][1]
        self.inputs = len(getattr(exported, "INPUT_SHAPES", None) or [None])
        self.several = len(heads) > 1

    def forward(self, model, xb):
        out = model(*([xb] * self.inputs))
        return tuple(out) if isinstance(out, (tuple, list)) else (out,)

    def loss(self, outs, yb):
        """(total, [each output's loss])."""
        each = [fn(o, yb) for fn, o in zip(self.losses, outs)]
        total = sum(w * l for w, l in zip(self.weights, each)) if self.several else each[0]
        return total, each


def evaluate(net, split, heads, classes, collect=False):
    """Loss, accuracy, confusion matrix (and per-example prediction/confidence) over a split, inference mode."""
    x, y = split
    net.eval()
    matrix = torch.zeros(classes * classes, dtype=torch.int64)
    loss_sum, predicted, confidence = 0.0, [], []
    head_sums = [0.0] * len(heads.names)
    with torch.no_grad():
        for start in range(0, len(y), 512):
            xb, yb = to_input(x[start:start + 512]), y[start:start + 512].to(DEVICE)
            outs = heads.forward(net, xb)
            total, each = heads.loss(outs, yb)
            loss_sum += float(total) * len(yb)
            for i, l in enumerate(each):
                head_sums[i] += float(l) * len(yb)
            p = heads.probs(outs[heads.main])
            conf, pred = p.max(1)
            matrix += torch.bincount((yb * classes + pred).cpu(), minlength=classes * classes)
            if collect:
                predicted += pred.cpu().tolist()
                confidence += [round(v, 4) for v in conf.cpu().tolist()]
    net.train()
    n = len(y)
    m = matrix.reshape(classes, classes)
    out = {"loss": loss_sum / n, "accuracy": float(m.diag().sum()) / n, "confusionMatrix": m.tolist()}
    if heads.several:
        out["outputLosses"] = [v / n for v in head_sums]
    if collect:
        out["predictions"] = {"predicted": predicted, "confidence": confidence}
    return out


def write_weights(net, layers, path):
    tmp = path + ".tmp"
    dump_tfjs(net, layers).astype("<f4").tofile(tmp)
    os.replace(tmp, path)


def memory(params_bytes):
    rss = 0
    try:
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        pass
    tensor_bytes = torch.cuda.memory_allocated(DEVICE) if DEVICE.type == "cuda" else params_bytes
    return {"tensorBytes": int(tensor_bytes), "rssBytes": int(rss)}


def pick_device(want):
    if want == "cuda" and torch.cuda.is_available():
        return torch.device(f"cuda:{LOCAL_RANK}")
    if want == "mps" and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


DEVICE = torch.device("cpu")


def train(spec, ctl):
    global DEVICE
    DEVICE = pick_device(spec["device"])
    if WORLD > 1:
        if DEVICE.type == "cuda":
            torch.cuda.set_device(DEVICE)
        dist.init_process_group("nccl" if DEVICE.type == "cuda" else "gloo")
    if spec.get("threads") and DEVICE.type == "cpu":
        torch.set_num_threads(spec["threads"])
    if DEVICE.type == "cuda":
        torch.backends.cudnn.benchmark = True
    cfg = spec["config"]
    torch.manual_seed(cfg["seed"] + RANK)
    sys.path.insert(0, spec["modelDir"])
    import model as exported  # the generated model.py of this design

    net = exported.build_model()
    load_tfjs(net, spec["layers"], np.fromfile(spec["initialWeights"], dtype="<f4"))
    net = net.to(DEVICE)
    net.train()
    model = net
    if WORLD > 1:
        from torch.nn.parallel import DistributedDataParallel
        model = DistributedDataParallel(net, device_ids=[DEVICE.index] if DEVICE.type == "cuda" else None)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = make_optimizer(params, cfg["optimizer"])
    if spec.get("optimizerState"):
        try:
            opt.load_state_dict(torch.load(spec["optimizerState"], map_location=DEVICE))
        except Exception as e:  # a damaged or foreign checkpoint: say which file
            raise ValueError(f"cannot read the PyTorch optimizer state {spec['optimizerState']} ({type(e).__name__}: {e})") from e
    heads = Heads(spec, exported)
    data = spec["data"]
    train_x, train_y = load_split(data, "train")
    if DEVICE.type != "cpu":
        # The uint8 training split lives on the accelerator (Fashion-MNIST 47 MB, CIFAR-10 150 MB), so each batch is
        # gathered there instead of being gathered on the host and copied every step; too big for it, it stays home.
        try:
            train_x, train_y = train_x.to(DEVICE), train_y.to(DEVICE)
        except RuntimeError:
            pass
    val, test = load_split(data, "val"), load_split(data, "test")
    classes = data["classes"]
    params_bytes = sum(p.numel() * 4 * 3 for p in params)  # weights, gradients and one optimizer slot each
    batch, batches, epochs = cfg["batchSize"], spec["batchesPerEpoch"], cfg["epochs"]
    base_lr, sched = cfg["optimizer"]["learningRate"], cfg["schedule"]
    emit({"type": "ready", "device": str(DEVICE), "threads": torch.get_num_threads(), "world": WORLD})

    status = "completed"
    epoch = spec["startEpoch"]
    while epoch < epochs:
        t0 = time.perf_counter()
        gen = torch.Generator().manual_seed(cfg["seed"] * 1_000_003 + epoch)
        order = torch.randperm(len(train_y), generator=gen).to(train_x.device)
        aug_gen = torch.Generator().manual_seed(cfg["seed"] + 7919 * epoch + 104729 * RANK)
        emit({"type": "epoch-start", "epoch": epoch, "learningRate": lr_at(base_lr, sched, epoch, epochs)})
        nh = len(heads.names)
        totals = torch.zeros(3 + nh, dtype=torch.float64)  # loss sum, correct, examples, each output's loss sum (this rank)
        pending, last_flush, lr = [], time.perf_counter(), base_lr

        def flush():
            """Sends the pending steps' metrics; the first non-finite step, if any."""
            nonlocal pending, last_flush, totals
            steps = [[i, float(l), float(c) / n, n, [float(v) for v in e]] for i, l, c, n, e in pending]
            for _, l, a, n, e in steps:
                totals += torch.tensor([l * n, a * n, n] + [v * n for v in e], dtype=torch.float64)
            fin = lambda v: v if math.isfinite(v) else None  # noqa: E731
            emit({"type": "steps", "epoch": epoch,
                  "steps": [[i, fin(l), a, n] + ([[fin(v) for v in e]] if heads.several else []) for i, l, a, n, e in steps],
                  "memory": memory(params_bytes)})
            pending, last_flush = [], time.perf_counter()
            return next((s for s in steps if not math.isfinite(s[1])), None)

        for b in range(batches):
            if pending and ctl.paused:  # show the steps before the pause now, not after it
                flush()
            if ctl.gate():
                status = "stopped"
                break
            lr = lr_at(base_lr, sched, epoch + b / batches, epochs)
            for g in opt.param_groups:
                g["lr"] = lr
            idx = order[b * batch * WORLD:(b + 1) * batch * WORLD].tensor_split(WORLD)[RANK]
            if len(idx) == 0:  # a last, tiny batch: every rank must still step together
                idx = order[:1]
            xb = to_input(train_x[idx])
            if cfg["augment"]["flip"] or cfg["augment"]["shift"]:
                xb = augment(xb, cfg["augment"], aug_gen)
            yb = train_y[idx].to(DEVICE, non_blocking=True)
            outs = heads.forward(model, xb)
            loss, each = heads.loss(outs, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            pending.append((b, loss.detach(), (outs[heads.main].detach().argmax(1) == yb).sum(), len(yb), [l.detach() for l in each]))
            now = time.perf_counter()
            # Values are read (a GPU queue drains) and sent a few times per second, not per step: the owner shows
            # ~10 updates/s anyway. A non-finite loss is therefore caught within 0.1 s of steps.
            if now - last_flush > 0.1 or b == batches - 1:
                bad = flush()
                if bad is not None:
                    emit({"type": "diverged", "epoch": epoch, "batch": bad[0], "loss": str(bad[1]), "learningRate": lr})
                    return finish_distributed()
        if status == "stopped":
            break
        if WORLD > 1:
            dist.all_reduce(totals)
        seen = float(totals[2])
        if seen == 0:
            break
        rec = {"epoch": epoch, "loss": float(totals[0]) / seen, "accuracy": float(totals[1]) / seen, "valLoss": None, "valAccuracy": None,
               "learningRate": lr, "seconds": 0.0}
        if heads.several:
            rec["outputLosses"] = {name: float(totals[3 + i]) / seen for i, name in enumerate(heads.names)}
        if RANK == 0 and val is not None:
            v = evaluate(net, val, heads, classes)
            rec["valLoss"], rec["valAccuracy"] = v["loss"], v["accuracy"]
            if heads.several:
                rec["valOutputLosses"] = dict(zip(heads.names, v["outputLosses"]))
        rec["seconds"] = time.perf_counter() - t0
        if RANK == 0:
            weights = os.path.join(spec["workDir"], "epoch-weights.bin")
            write_weights(net, spec["layers"], weights)
            state = os.path.join(spec["workDir"], "torch-optimizer.pt")
            torch.save(opt.state_dict(), state + ".tmp")
            os.replace(state + ".tmp", state)
            emit({"type": "epoch-end", "record": rec, "weights": weights, "optimizerState": state})
        epoch += 1
        if ctl.decision():
            status = "early-stopped" if not ctl.stopped else "stopped"
            break

    if RANK == 0:
        t_eval = time.perf_counter()
        test_eval = evaluate(net, test, heads, classes, collect=True) if status != "stopped" and test is not None else None
        eval_seconds = time.perf_counter() - t_eval
        weights = os.path.join(spec["workDir"], "final-weights.bin")
        write_weights(net, spec["layers"], weights)
        state = os.path.join(spec["workDir"], "model.pt")  # the trained module for PyTorch users (run folder's torch/)
        torch.save(net.state_dict(), state)
        emit({"type": "done", "status": status, "epochs": epoch, "test": test_eval, "weights": weights, "state": state, "evalSeconds": eval_seconds})
    return finish_distributed()


def finish_distributed():
    if WORLD > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0


def main():
    p = argparse.ArgumentParser(description="LayerLoom's PyTorch trainer (started by the training worker)")
    p.add_argument("--spec", required=True)
    args = p.parse_args()
    try:
        with open(args.spec) as f:
            spec = json.load(f)
        return train(spec, Control())
    except Exception as e:  # reported as an event: the owner shows it, with the trace kept for the log
        emit({"type": "fatal", "message": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-4000:]})
        return 1


if __name__ == "__main__":
    sys.exit(main())
