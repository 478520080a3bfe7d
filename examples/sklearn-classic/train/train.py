#!/usr/bin/env python3
"""Train a scikit-learn classifier on a CSV: the usual script, with no Kiln code in it.

Configured by environment variables only:

  DATASET       the CSV, label in the last column unless LABEL says (default: data/features.csv)
  LABEL         the label column (default: the last column)
  N_ESTIMATORS  trees in the random forest (default: 100)
  MAX_DEPTH     their maximum depth (default: none)
  TEST_SIZE     the share of rows held out for evaluation (default: 0.25)
  SEED          the random seed of the split and the forest (default: 42)
  MODEL_DIR     where to write (default: $KILN_MODEL_DIR when set, else ./model)

Writes model.pkl (the fitted estimator, pickled) and metrics.json ({"accuracy": ..., "f1": ...}
on the held-out rows) and exits 0; bad input exits 1 with one line saying what is wrong.
"""
import json
import os
import pickle
import sys

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split


def fail(message):
    print("train: error: " + message, file=sys.stderr)
    sys.exit(1)


def setting(name, default, kind):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        fail(f"{name}={value!r} is not a {kind.__name__}")


def main():
    dataset = os.environ.get("DATASET") or os.path.join("data", "features.csv")
    n_estimators = setting("N_ESTIMATORS", 100, int)
    max_depth = setting("MAX_DEPTH", None, int)
    test_size = setting("TEST_SIZE", 0.25, float)
    seed = setting("SEED", 42, int)
    model_dir = os.environ.get("MODEL_DIR") or os.environ.get("KILN_MODEL_DIR") or "model"

    try:
        table = pd.read_csv(dataset)
    except (OSError, pd.errors.ParserError) as e:
        fail(f"cannot read DATASET {dataset}: {e}")
    label = os.environ.get("LABEL") or table.columns[-1]
    if label not in table.columns:
        fail(f"DATASET {dataset} has no column LABEL={label!r}")
    x, y = table.drop(columns=[label]), table[label]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y)

    model = RandomForestClassifier(
        n_estimators=n_estimators, max_depth=max_depth, random_state=seed)
    model.fit(x_train, y_train)
    predicted = model.predict(x_test)
    metrics = {
        "accuracy": round(float(accuracy_score(y_test, predicted)), 6),
        "f1": round(float(f1_score(y_test, predicted, average="macro")), 6),
    }

    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "model.pkl"), "wb") as f:
        pickle.dump(model, f)
    with open(os.path.join(model_dir, "metrics.json"), "w") as f:
        json.dump(metrics, f)
    print(f"train: {len(x_train)} rows, {len(x.columns)} features, {n_estimators} trees; "
          f"held-out {len(x_test)} rows: accuracy={metrics['accuracy']} f1={metrics['f1']}")
    print(f"train: wrote {model_dir}/model.pkl and {model_dir}/metrics.json")


if __name__ == "__main__":
    main()
