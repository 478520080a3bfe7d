import json
import os

# A stock training script: it writes its model and knows nothing of Kiln beyond the model folder.
model_dir = os.environ.get("KILN_MODEL_DIR", "model")
os.makedirs(model_dir, exist_ok=True)
with open(os.path.join(model_dir, "model.json"), "w") as f:
    json.dump({"weights": [0.5, 0.25], "trained_as_root": True}, f)
print("trained as root")
