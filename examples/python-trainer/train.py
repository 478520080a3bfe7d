#!/usr/bin/env python3
"""A Kiln training script using only the Python standard library.

It follows Kiln's pod contract (operator/README.md): hyperparameters from $KILN_HPARAMS_FILE,
data from $KILN_DATA_DIR, resume from $KILN_CHECKPOINT_DIR, the model into $KILN_MODEL_DIR,
progress to $KILN_REPORT_URL, and the final report in the termination message.

It trains a logistic-regression classifier (one vs rest) on the CSV files in the data directory:
numeric feature columns, the label in the last column, a header row.
"""
import csv
import glob
import hashlib
import json
import math
import os
import random
import sys
import urllib.request

TERMINATION_LOG = os.environ.get("KILN_TERMINATION_LOG", "/dev/termination-log")


def attempt():
    """This pod's attempt number (1 for the first), from the file Kiln's attempt step wrote."""
    path = os.environ.get("KILN_ATTEMPT_FILE")
    if not path or not os.path.exists(path):
        return 1
    with open(path) as f:
        return int(f.read().strip())


def env_dir(name, default):
    path = os.environ.get(name, default)
    os.makedirs(path, exist_ok=True)
    return path


def hyperparameters():
    path = os.environ.get("KILN_HPARAMS_FILE")
    hp = {}
    if path and os.path.exists(path):
        with open(path) as f:
            hp = json.load(f)
    return {
        "epochs": int(hp.get("epochs", 20)),
        "learning_rate": float(hp.get("learning_rate", 0.1)),
        "seed": int(hp.get("seed", 42)),
    }


def load(data_dir):
    files = sorted(glob.glob(os.path.join(data_dir, "*.csv")))
    if not files:
        raise ValueError("no .csv file in " + data_dir)
    rows, labels = [], []
    with open(files[0], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        for n, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ValueError(f"{files[0]} line {n}: {len(row)} columns, expected {len(header)}")
            try:
                rows.append([float(v) for v in row[:-1]])
            except ValueError:
                raise ValueError(f"{files[0]} line {n}: non-numeric feature value")
            labels.append(row[-1])
    if not rows:
        raise ValueError(files[0] + " has no data rows")
    return header[:-1], rows, labels


def report(body):
    url = os.environ.get("KILN_REPORT_URL")
    token_file = os.environ.get("KILN_REPORT_TOKEN_FILE")
    if not url or not token_file or not os.path.exists(token_file):
        return
    with open(token_file) as f:
        token = f.read().strip()
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=2).close()
    except Exception as e:  # reporting is best effort: training goes on
        print("progress report failed:", e, file=sys.stderr)


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def train():
    hp = hyperparameters()
    data_dir = env_dir("KILN_DATA_DIR", "data")
    checkpoint = os.path.join(env_dir("KILN_CHECKPOINT_DIR", "checkpoints"), "state.json")
    model_dir = env_dir("KILN_MODEL_DIR", "model")
    features, rows, labels = load(data_dir)
    classes = sorted(set(labels))

    random.seed(hp["seed"])
    order = list(range(len(rows)))
    random.shuffle(order)
    cut = int(len(order) * 0.8)
    train_idx, test_idx = order[:cut], order[cut:]

    state = {"epoch": 0, "weights": {c: [0.0] * (len(features) + 1) for c in classes}}
    if os.path.exists(checkpoint):  # a retry: resume where the last attempt stopped
        with open(checkpoint) as f:
            state = json.load(f)
        print(f"resuming from epoch {state['epoch']} (attempt {attempt()})")

    def score(w, x):
        return sigmoid(w[-1] + sum(wi * xi for wi, xi in zip(w, x)))

    def accuracy(idx):
        right = sum(1 for i in idx
                    if max(classes, key=lambda c: score(state["weights"][c], rows[i])) == labels[i])
        return right / len(idx)

    loss = 0.0
    for epoch in range(state["epoch"] + 1, hp["epochs"] + 1):
        loss = 0.0
        for i in train_idx:
            for c in classes:
                w = state["weights"][c]
                y = 1.0 if labels[i] == c else 0.0
                p = score(w, rows[i])
                loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
                g = p - y
                for j, xj in enumerate(rows[i]):
                    w[j] -= hp["learning_rate"] * g * xj
                w[-1] -= hp["learning_rate"] * g
        loss /= len(train_idx)
        state["epoch"] = epoch
        tmp = checkpoint + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, checkpoint)  # atomic: a kill never leaves half a checkpoint
        report({"epoch": epoch, "totalEpochs": hp["epochs"],
                "metrics": {"loss": round(loss, 6), "accuracy": round(accuracy(train_idx), 6)}})

    model = {"format": "kiln-logreg-json", "features": features, "classes": classes,
             "weights": state["weights"]}
    data = json.dumps(model).encode()
    with open(os.path.join(model_dir, "model.json"), "wb") as f:
        f.write(data)
    result = {"metrics": {"accuracy": round(accuracy(test_idx), 6), "loss": round(loss, 6)},
              "artifact": {"path": "model.json", "sha256": hashlib.sha256(data).hexdigest(),
                           "format": "json"}}
    with open(TERMINATION_LOG, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        train()
    except Exception as e:
        reason = f"{type(e).__name__}: {e}"
        print(reason, file=sys.stderr)
        try:
            with open(TERMINATION_LOG, "w") as f:
                json.dump({"error": reason[:1000]}, f)
        except OSError:
            pass
        sys.exit(1)
