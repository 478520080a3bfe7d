#!/usr/bin/env python3
"""Data preparation: a raw CSV in, a clean table of features out.

Runs as the TrainingJob's `spec.prepare` step, between the dataset download and training, on the
same workspace. Configured by environment variables only:

  INPUT_CSV   the raw CSV (default: the first *.csv in $KILN_DATA_DIR other than the output, else
              the iris.csv next to this script)
  OUTPUT      where the features go (default: $KILN_DATA_DIR/features.csv, else ./data/features.csv)
  LABEL       the label column (default: species)

It makes every feature column numeric, trims and lower-cases the labels, drops incomplete rows and
duplicates, and writes CSV with the label last. (Features the model is served with must be the ones
a client sends, so feature engineering beyond cleaning belongs in the model's pipeline, where the
server applies it too.) Parquet would be
the usual choice, but pandas needs pyarrow for it, which Debian's packages lack, so the local
sandbox (which runs this with the machine's Python) could not run it; on a cluster, add pyarrow to
requirements.txt and write `df.to_parquet(...)` instead.
"""
import glob
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(message):
    print("prepare: error: " + message, file=sys.stderr)
    sys.exit(1)


def paths():
    data_dir = os.environ.get("KILN_DATA_DIR")
    output = os.environ.get("OUTPUT") or os.path.join(data_dir or "data", "features.csv")
    source = os.environ.get("INPUT_CSV")
    if not source and data_dir:
        found = [f for f in sorted(glob.glob(os.path.join(data_dir, "*.csv")))
                 if os.path.abspath(f) != os.path.abspath(output)]
        source = found[0] if found else None
    return source or os.path.join(HERE, "iris.csv"), output


def main():
    source, output = paths()
    label = os.environ.get("LABEL", "species")
    try:
        raw = pd.read_csv(source)
    except (OSError, pd.errors.ParserError) as e:
        fail(f"cannot read {source}: {e}")
    if label not in raw.columns:
        fail(f"{source} has no label column {label!r} (columns: {', '.join(raw.columns)})")
    features = raw.drop(columns=[label]).apply(pd.to_numeric, errors="coerce")
    labels = raw[label].astype("string").str.strip().str.lower().replace("", pd.NA)
    table = features.assign(**{label: labels}).dropna().drop_duplicates()
    if table.empty:
        fail(f"{source} has no complete rows")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    table.to_csv(output, index=False)
    print(f"prepare: {len(raw)} rows from {source} -> {len(table)} rows of "
          f"{len(table.columns) - 1} features and {table[label].nunique()} classes -> {output}")


if __name__ == "__main__":
    main()
