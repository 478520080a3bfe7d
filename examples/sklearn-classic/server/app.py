"""A FastAPI model server for a pickled scikit-learn estimator (Kiln's serving contract).

Loads $KILN_MODEL_DIR/model.pkl (default ./model/model.pkl) at start and answers:

  GET  /health                     200 {"status": "ok"} once the model is loaded
  POST /predict                    {"instances": [[5.1, 3.5, 1.4, 0.2], ...]}
                                   -> {"predictions": ["setosa", ...]}
  GET  /v2/health/live, /v2/health/ready, /v2/models/<name>, /v2/models/<name>/ready
  POST /v2/models/<name>/infer     the Open Inference Protocol (KServe v2): one FP32/FP64 input of
                                   shape [n, features] -> one BYTES output "label" of shape [n]

<name> is $KILN_MODEL_NAME (the ModelServer's name). Features are in the order the model was
trained with (GET /v2/models/<name> lists them).
"""
import os
import pickle
from typing import Any, Dict, List, Optional

import pandas as pd
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

MODEL_DIR = os.environ.get("KILN_MODEL_DIR", "model")
MODEL_NAME = os.environ.get("KILN_MODEL_NAME", "model")

with open(os.path.join(MODEL_DIR, "model.pkl"), "rb") as f:
    MODEL = pickle.load(f)
FEATURES = [str(c) for c in getattr(MODEL, "feature_names_in_", [])]

app = FastAPI(title="scikit-learn model server")


class PredictRequest(BaseModel):
    instances: List[List[float]]


class InferInput(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[Any]


class InferRequest(BaseModel):
    id: Optional[str] = None
    inputs: List[InferInput]


def predict(rows: List[List[float]]) -> List[str]:
    width = len(FEATURES) or getattr(MODEL, "n_features_in_", None)
    if not rows or any(len(r) != width for r in rows):
        raise HTTPException(422, f"each instance needs {width} features: {', '.join(FEATURES)}")
    frame = pd.DataFrame(rows, columns=FEATURES or None)
    return [str(label) for label in MODEL.predict(frame)]


@app.get("/health")
def health() -> Dict[str, str]:
    return {"status": "ok"}


@app.post("/predict")
def predict_endpoint(request: PredictRequest) -> Dict[str, List[str]]:
    return {"predictions": predict(request.instances)}


@app.get("/v2/health/live")
@app.get("/v2/health/ready")
def v2_health() -> Dict[str, bool]:
    return {"live": True, "ready": True}


def check_name(name: str) -> None:
    if name != MODEL_NAME:
        raise HTTPException(404, f"no model {name}; this server serves {MODEL_NAME}")


@app.get("/v2/models/{name}")
def v2_metadata(name: str) -> Dict[str, Any]:
    check_name(name)
    return {
        "name": MODEL_NAME,
        "platform": "scikit-learn",
        "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, len(FEATURES)],
                    "features": FEATURES}],
        "outputs": [{"name": "label", "datatype": "BYTES", "shape": [-1]}],
    }


@app.get("/v2/models/{name}/ready")
def v2_model_ready(name: str) -> Dict[str, Any]:
    check_name(name)
    return {"name": MODEL_NAME, "ready": True}


@app.post("/v2/models/{name}/infer")
def v2_infer(name: str, request: InferRequest) -> Dict[str, Any]:
    check_name(name)
    if len(request.inputs) != 1 or len(request.inputs[0].shape) != 2:
        raise HTTPException(422, "send one input of shape [rows, features]")
    tensor = request.inputs[0]
    rows, width = tensor.shape
    flat = [float(v) for v in tensor.data]
    if len(flat) != rows * width:
        raise HTTPException(422, f"shape {tensor.shape} needs {rows * width} values")
    labels = predict([flat[i * width:(i + 1) * width] for i in range(rows)])
    return {
        "model_name": MODEL_NAME,
        "id": request.id,
        "outputs": [{"name": "label", "datatype": "BYTES", "shape": [rows], "data": labels}],
    }
