#!/usr/bin/env python3
"""Distributed data-parallel training with PyTorch, following Kiln's pod contract.

Start it with `python train.py` (the image's default) or `torchrun train.py`: either way the
process group comes from the environment (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK,
LOCAL_RANK), which Kiln sets for `workers > 1` and torchrun sets for its workers. With one
worker it trains without a process group.

Every rank trains a small classifier on its DistributedSampler shard of a CSV (the bundled Iris
set unless $KILN_DATA_DIR holds one); DistributedDataParallel averages the gradients (gloo on
CPU, nccl with CUDA). Rank 0 alone checkpoints every epoch to $KILN_CHECKPOINT_DIR, reports
progress to $KILN_REPORT_URL, and at the end writes model.onnx, metadata.json and
eval-sample.json to $KILN_MODEL_DIR; every rank then writes rank 0's final report as its
termination message. Every rank resumes from the checkpoint, so the workspace must be shared
between the workers.
"""
import copy
import csv
import dataclasses
import datetime
import glob
import hashlib
import json
import os
import re
import sys
import time
import urllib.request

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED_DATA = os.path.join(HERE, "iris.csv")
CHECKPOINT_FILE = "checkpoint.pt"
MODEL_FILE = "model.onnx"
# The newest opset torch 1.13 exports (2.x exports it too); ONNX Runtime 1.29 in the reference
# model server loads it.
ONNX_OPSET = 17
# A worker that never joins (or dies mid-epoch) fails the others after this long, not 30 minutes.
COLLECTIVE_TIMEOUT = datetime.timedelta(minutes=10)
TERMINATION_LOG = os.environ.get("KILN_TERMINATION_LOG", "/dev/termination-log")

HYPERPARAMETERS = {  # name: (default, parse, rule the value must meet)
    "epochs": ("30", int, lambda v: v >= 1, "a whole number >= 1"),
    "learning_rate": ("0.05", float, lambda v: 0 < v < 10, "a number in (0, 10)"),
    "batch_size": ("16", int, lambda v: v >= 1, "a whole number >= 1 (rows per worker and step)"),
    "hidden_units": ("16", int, lambda v: v >= 1, "a whole number >= 1"),
    "seed": ("42", int, lambda v: v >= 0, "a whole number >= 0"),
    "test_fraction": ("0.2", float, lambda v: 0 < v < 1, "a number in (0, 1)"),
    "data_loader_workers": ("0", int, lambda v: v >= 0, "a whole number >= 0"),
}


def log(rank, message):
    print(f"[rank {rank}] {message}", flush=True)


def snake_case(name):
    """learningRate, learning-rate and LEARNING_RATE all become learning_rate, as in KILN_HP_*."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("-", "_").lower()


def hyperparameters():
    """$KILN_HPARAMS_FILE, overridden by KILN_HP_<NAME>; unknown names are ignored."""
    raw = {}
    path = os.environ.get("KILN_HPARAMS_FILE")
    if path and os.path.exists(path):
        with open(path) as f:
            raw.update({snake_case(k): str(v) for k, v in json.load(f).items()})
    raw.update({k[len("KILN_HP_"):].lower(): v for k, v in os.environ.items()
                if k.startswith("KILN_HP_")})
    hp = {}
    for name, (default, parse, valid, rule) in HYPERPARAMETERS.items():
        text = raw.get(name, default).strip()
        try:
            value = parse(text)
        except ValueError:
            value = None
        if value is None or not valid(value):
            raise ValueError(f"hyperparameter {name}: {text!r} is not {rule}")
        hp[name] = value
    return hp


def attempt():
    """This pod's attempt number (1 for the first), from the file Kiln's attempt step wrote."""
    path = os.environ.get("KILN_ATTEMPT_FILE")
    if not path or not os.path.exists(path):
        return 1
    with open(path) as f:
        return int(f.read().strip())


def env_dir(name, default):
    path = os.environ.get(name) or default
    os.makedirs(path, exist_ok=True)
    return path


def find_csv(data_dir):
    """train.csv in $KILN_DATA_DIR, else its first *.csv by name, else the bundled Iris set."""
    if data_dir and os.path.isdir(data_dir):
        if os.path.isfile(os.path.join(data_dir, "train.csv")):
            return os.path.join(data_dir, "train.csv")
        found = sorted(glob.glob(os.path.join(data_dir, "*.csv")))
        if found:
            return found[0]
    return BUNDLED_DATA


def load_csv(path):
    """Header row, numeric features, the label in the last column."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header or len(header) < 2:
            raise ValueError(f"{path}: needs a header row with at least one feature and a label")
        rows, labels = [], []
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise ValueError(f"{path} line {line}: {len(row)} columns, expected {len(header)}")
            try:
                rows.append([float(v) for v in row[:-1]])
            except ValueError:
                raise ValueError(f"{path} line {line}: a feature value is not a number") from None
            labels.append(row[-1])
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError(f"{path}: needs at least two classes in column {header[-1]!r}")
    return header[:-1], header[-1], classes, rows, [classes.index(label) for label in labels]


class Classifier(nn.Module):
    """Standardises raw features inside the model, so the exported ONNX takes raw values."""

    def __init__(self, mean, std, hidden_units, classes):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.layers = nn.Sequential(
            nn.Linear(mean.numel(), hidden_units), nn.ReLU(), nn.Linear(hidden_units, classes))

    def forward(self, x):
        return self.layers((x - self.mean) / self.std)  # logits


class Reporter:
    """Best-effort progress reports (docs/report-protocol.md); silent outside Kiln."""

    def __init__(self, rank):
        self.rank = rank
        self.url = os.environ.get("KILN_REPORT_URL")
        token_file = os.environ.get("KILN_REPORT_TOKEN_FILE")
        self.token = None
        if self.url and token_file and os.path.exists(token_file):
            with open(token_file) as f:
                self.token = f.read().strip()

    def send(self, body):
        if not self.token:
            return
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=3).close()
        except Exception as e:  # a report that fails must not stop training
            log(self.rank, f"progress report failed: {e}")


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def save_checkpoint(path, model, optimizer, epoch, loss, features, classes):
    tmp = path + ".tmp"
    torch.save({"epoch": epoch, "loss": loss, "features": features, "classes": classes,
                "model": model.state_dict(), "optimizer": optimizer.state_dict()}, tmp)
    os.replace(tmp, path)  # atomic: a killed worker never leaves half a checkpoint


def load_checkpoint(path, model, optimizer, features, classes, rank):
    """Returns (epoch, loss) of the checkpoint, or (0, None) when there is none."""
    if not os.path.exists(path):
        return 0, None
    # Only plain data and tensors are unpickled where torch can check that (2.x; 1.13's checker
    # refuses floats, so there the file is trusted as the workspace's own).
    checked = not torch.__version__.startswith("1.")
    state = torch.load(path, map_location="cpu", weights_only=checked)
    if state["features"] != features or state["classes"] != classes:
        raise ValueError(f"{path} was written for other data (features {state['features']}, "
                         f"classes {state['classes']}); delete it to start over")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    log(rank, f"resuming after epoch {state['epoch']} (attempt {attempt()})")
    return state["epoch"], state["loss"]


def agree_on_start(start_epoch, world_size, device):
    """Every rank must resume from the same epoch, or their optimizers would silently differ."""
    if world_size == 1:
        return
    low = torch.tensor([start_epoch], device=device)
    high = low.clone()
    dist.all_reduce(low, op=dist.ReduceOp.MIN)
    dist.all_reduce(high, op=dist.ReduceOp.MAX)
    if low.item() != high.item():
        raise RuntimeError(
            f"the workers found different checkpoints (epochs {low.item()} to {high.item()}): "
            "KILN_CHECKPOINT_DIR must be one volume shared by all workers (ReadWriteMany)")


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        right = (model(x).argmax(dim=1) == y).sum().item()
    model.train()
    return right / len(y)


def export_onnx(model, n_features, path):
    """model.onnx: input `input` FP32 [batch, features], output `output` FP32 [batch, classes]."""
    probabilities = nn.Sequential(model, nn.Softmax(dim=1)).eval()
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(probabilities, torch.zeros(1, n_features), tmp,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                          opset_version=ONNX_OPSET)
    os.replace(tmp, path)
    return probabilities


def eval_sample(probabilities, x, y, rows, features, classes):
    """One held-out row and the class the trained model gives it, for checking the served model.

    The row is the least certain one whose top two probabilities are still at least 0.05 apart:
    near a class boundary, so a served model that reads the features wrongly likely answers
    otherwise, yet far enough that float rounding in another runtime cannot flip the answer."""
    with torch.no_grad():
        p = probabilities(x)
    top2 = p.topk(2, dim=1).values
    margins = (top2[:, 0] - top2[:, 1]).tolist()
    clear = [i for i, m in enumerate(margins) if m >= 0.05]
    pick = min(clear, key=margins.__getitem__) if clear \
        else max(range(len(margins)), key=margins.__getitem__)
    predicted = int(p[pick].argmax())
    return {
        "features": features,
        "labels": classes,
        "row": rows[pick],
        "trueLabel": classes[int(y[pick])],
        "predictedLabel": classes[predicted],
        "predictedIndex": predicted,
        "probabilities": [round(v, 6) for v in p[pick].tolist()],
        "request": {"inputs": [{"name": "input", "shape": [1, len(features)],
                                "datatype": "FP32", "data": rows[pick]}]},
    }


def write_termination_message(message):
    # The kubelet creates /dev/termination-log; without it (and without the sandbox's
    # KILN_TERMINATION_LOG) this is a plain run outside a pod, and the log line is the result.
    if "KILN_TERMINATION_LOG" in os.environ or os.path.exists(TERMINATION_LOG):
        with open(TERMINATION_LOG, "w") as f:
            json.dump(message, f)


@dataclasses.dataclass
class Worker:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device
    backend: str


@dataclasses.dataclass
class Data:
    source: str
    features: list
    label_column: str
    classes: list
    rows: list
    x: torch.Tensor
    y: torch.Tensor
    train_idx: list
    test_idx: list


def join():
    """This process's place among the workers; joins the process group when there are several."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{local_rank}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    backend = "nccl" if cuda else "gloo"
    if world_size > 1:
        log(rank, f"joining {world_size} workers at "
                  f"{os.environ.get('MASTER_ADDR')}:{os.environ.get('MASTER_PORT')} ({backend})")
        dist.init_process_group(backend, init_method="env://", timeout=COLLECTIVE_TIMEOUT)
        log(rank, f"all {dist.get_world_size()} workers joined")
    return Worker(rank, world_size, local_rank, device, backend)


def load_data(hp):
    """The CSV, split the same way on every worker by the seed."""
    source = find_csv(os.environ.get("KILN_DATA_DIR"))
    features, label_column, classes, rows, labels = load_csv(source)
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(hp["seed"])).tolist()
    n_test = max(1, round(len(rows) * hp["test_fraction"]))
    return Data(source, features, label_column, classes, rows,
                torch.tensor(rows, dtype=torch.float32), torch.tensor(labels, dtype=torch.long),
                train_idx=order[n_test:], test_idx=order[:n_test])


def train():
    started = time.monotonic()
    hp = hyperparameters()  # a bad value fails before waiting for the other workers
    worker = join()
    torch.manual_seed(hp["seed"])
    data = load_data(hp)
    x_train, y_train = data.x[data.train_idx], data.y[data.train_idx]
    std = x_train.std(dim=0)
    model = Classifier(x_train.mean(dim=0), torch.where(std > 0, std, torch.ones_like(std)),
                       hp["hidden_units"], len(data.classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=hp["learning_rate"])
    checkpoint = os.path.join(env_dir("KILN_CHECKPOINT_DIR", "checkpoints"), CHECKPOINT_FILE)
    start_epoch, loss = load_checkpoint(checkpoint, model, optimizer, data.features, data.classes,
                                        worker.rank)
    model.to(worker.device)
    agree_on_start(start_epoch, worker.world_size, worker.device)
    # DDP broadcasts rank 0's parameters and buffers, then averages gradients in backward().
    net = DistributedDataParallel(
        model, device_ids=[worker.local_rank] if worker.device.type == "cuda" else None) \
        if worker.world_size > 1 else model

    train_set = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(train_set, num_replicas=worker.world_size, rank=worker.rank,
                                 shuffle=True, seed=hp["seed"])
    loader = DataLoader(train_set, batch_size=hp["batch_size"], sampler=sampler,
                        num_workers=hp["data_loader_workers"],
                        persistent_workers=hp["data_loader_workers"] > 0)
    log(worker.rank, f"{len(sampler)} of {len(train_set)} training rows on this worker, "
                     f"{len(data.test_idx)} held out, {len(loader)} steps per epoch, "
                     f"from {data.source}")
    reporter = Reporter(worker.rank)
    x_test = data.x[data.test_idx].to(worker.device)
    y_test = data.y[data.test_idx].to(worker.device)
    for epoch in range(start_epoch + 1, hp["epochs"] + 1):
        loss = train_epoch(worker, net, optimizer, loader, epoch)
        if worker.rank == 0:
            save_checkpoint(checkpoint, model, optimizer, epoch, loss, data.features, data.classes)
            acc = accuracy(model, x_test, y_test)
            reporter.send({"epoch": epoch, "totalEpochs": hp["epochs"],
                           "step": epoch * len(loader), "totalSteps": hp["epochs"] * len(loader),
                           "metrics": {"loss": round(loss, 6), "accuracy": round(acc, 6)}})
            log(0, f"epoch {epoch}/{hp['epochs']} loss {loss:.4f} accuracy {acc:.4f}")

    result = finish(model, hp, data, loss, worker) if worker.rank == 0 else None
    if worker.world_size > 1:
        # Every worker ends with rank 0's report as its termination message, so it is there
        # whichever worker's pod is read; and the others leave only once the model is written.
        shared = [result]
        dist.broadcast_object_list(shared, src=0)
        result = shared[0]
        dist.barrier()
    write_termination_message(result)
    log(worker.rank, f"done in {time.monotonic() - started:.1f}s")


def train_epoch(worker, net, optimizer, loader, epoch):
    """One pass over this worker's shard; returns the mean loss over every worker's rows."""
    loader.sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every rank
    sums = torch.zeros(2, dtype=torch.float64, device=worker.device)
    for xb, yb in loader:
        xb, yb = xb.to(worker.device), yb.to(worker.device)
        optimizer.zero_grad()
        batch_loss = nn.functional.cross_entropy(net(xb), yb)
        batch_loss.backward()
        optimizer.step()
        sums += torch.tensor([batch_loss.item() * len(yb), len(yb)], dtype=torch.float64,
                             device=worker.device)
    if worker.world_size > 1:
        dist.all_reduce(sums)
    return (sums[0] / sums[1]).item()


def finish(model, hp, data, loss, worker):
    """Rank 0: writes model.onnx, metadata.json and eval-sample.json; returns the final report."""
    model_dir = env_dir("KILN_MODEL_DIR", "model")
    cpu_model = copy.deepcopy(model).cpu().eval()
    x_test, y_test = data.x[data.test_idx], data.y[data.test_idx]
    metrics = {"accuracy": round(accuracy(cpu_model, x_test, y_test), 6),
               "loss": round(loss, 6) if loss is not None else None,
               "epochs": hp["epochs"], "worldSize": worker.world_size,
               "trainRows": len(data.train_idx), "testRows": len(data.test_idx)}
    metrics = {k: v for k, v in metrics.items() if v is not None}
    model_path = os.path.join(model_dir, MODEL_FILE)
    probabilities = export_onnx(cpu_model, len(data.features), model_path)
    with open(model_path, "rb") as f:
        onnx_bytes = f.read()
    sha256 = hashlib.sha256(onnx_bytes).hexdigest()
    sample = eval_sample(probabilities, x_test, y_test, [data.rows[i] for i in data.test_idx],
                         data.features, data.classes)
    write_atomically(os.path.join(model_dir, "eval-sample.json"),
                     json.dumps(sample, indent=2).encode())
    log(0, f"eval sample {json.dumps(sample['request'])} -> {sample['predictedLabel']} "
           f"{sample['probabilities']}")
    metadata = {
        "format": "onnx", "modelFile": MODEL_FILE, "sha256": sha256, "opset": ONNX_OPSET,
        "task": "classification", "algorithm": "MLP, PyTorch DistributedDataParallel",
        "input": {"name": "input", "datatype": "FP32", "shape": [-1, len(data.features)]},
        "output": {"name": "output", "datatype": "FP32", "shape": [-1, len(data.classes)],
                   "meaning": "class probabilities, one column per label in 'labels' order"},
        "features": data.features, "labelColumn": data.label_column, "labels": data.classes,
        "metrics": metrics, "hyperparameters": hp, "worldSize": worker.world_size,
        "backend": worker.backend, "torch": torch.__version__,
    }
    write_atomically(os.path.join(model_dir, "metadata.json"),
                     json.dumps(metadata, indent=2).encode())
    result = {"metrics": metrics, "artifact": {"path": MODEL_FILE, "format": "onnx",
                                               "sha256": sha256, "sizeBytes": len(onnx_bytes)}}
    log(0, json.dumps(result))
    return result


if __name__ == "__main__":
    exit_code = 0
    try:
        train()
    except Exception as e:
        reason = f"rank {os.environ.get('RANK', '0')}: {type(e).__name__}: {e}"
        print(reason, file=sys.stderr, flush=True)
        try:
            write_termination_message({"error": reason[:1000]})
        except OSError:
            pass
        exit_code = 1
    # Leave without Python's teardown. Destroying DDP's process group joins gloo's worker threads
    # while holding the GIL, which one of them may be waiting for to free a tensor: seen once here
    # (torch 1.13) as a worker that had logged "done" hanging for good. Every file is written and
    # closed by now, and the barrier has released the other workers.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
