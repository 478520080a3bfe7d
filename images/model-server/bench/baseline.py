"""The baseline a user would pick instead of Kiln's server: FastAPI + uvicorn (uvloop, httptools)
and scikit-learn, answering the Open Inference Protocol's REST infer call for one model.

The model is the same one Kiln serves: a multinomial logistic regression whose weights are read
from the ONNX file's initializers (Gemm weights [features, classes] and bias [classes]) and handed
to scikit-learn's LogisticRegression, so both servers compute softmax(x W + b).

Run: /usr/bin/python3 baseline.py --model /path/model.onnx --port 8090 (loopback only).
"""

import argparse
from typing import Any, List, Optional, Union

import numpy as np
import onnx
import uvicorn
from fastapi import FastAPI, HTTPException
from onnx import numpy_helper
from pydantic import BaseModel
from sklearn.linear_model import LogisticRegression


def load_model(path: str) -> LogisticRegression:
    graph = onnx.load(path).graph
    weights = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    w = next(v for v in weights.values() if v.ndim == 2)  # [features, classes]
    b = next(v for v in weights.values() if v.ndim == 1)  # [classes]
    model = LogisticRegression(multi_class="multinomial")
    model.classes_ = np.arange(w.shape[1])
    model.coef_ = w.T.astype(np.float64)
    model.intercept_ = b.astype(np.float64)
    return model


class RequestInput(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[Any]
    parameters: Optional[dict] = None


class InferenceRequest(BaseModel):
    id: Optional[str] = None
    inputs: List[RequestInput]
    outputs: Optional[List[dict]] = None
    parameters: Optional[dict] = None


def create_app(model: LogisticRegression, name: str) -> FastAPI:
    app = FastAPI()

    @app.get("/v2/health/ready")
    def ready():
        return {"ready": True}

    @app.post("/v2/models/{model_name}/infer")
    def infer(model_name: str, request: InferenceRequest):
        if model_name != name:
            raise HTTPException(status_code=404, detail=f"model '{model_name}' not found")
        tensor = request.inputs[0]
        x = np.asarray(tensor.data, dtype=np.float32).reshape(tensor.shape)
        probabilities = model.predict_proba(x).astype(np.float32)
        response = {
            "model_name": name,
            "model_version": "1",
            "outputs": [
                {
                    "name": "output",
                    "datatype": "FP32",
                    "shape": list(probabilities.shape),
                    "data": probabilities.ravel().tolist(),
                }
            ],
        }
        if request.id is not None:
            response["id"] = request.id
        return response

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--name", default="iris")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    app = create_app(load_model(args.model), args.name)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
