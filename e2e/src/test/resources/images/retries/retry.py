"""Fails the first KILN_HP_FAIL_STARTS starts of worker KILN_HP_FAILING_WORKER (default 0) and
records on the workspace, per worker, the attempt number each start was given: from the file
KILN_ATTEMPT_FILE names when Kiln sets it, else from KILN_ATTEMPT. A start that succeeds reports
that number and how many starts its worker had as metrics, and logs both."""
import json
import os
import sys


def told_attempt():
    path = os.environ.get("KILN_ATTEMPT_FILE")
    if path:
        with open(path) as f:
            return int(f.read().strip())
    return int(os.environ.get("KILN_ATTEMPT", "0"))


def finish(message, code):
    with open(os.environ.get("KILN_TERMINATION_LOG", "/dev/termination-log"), "w") as f:
        json.dump(message, f)
    sys.exit(code)


index = int(os.environ.get("KILN_WORKER_INDEX", "0"))
record = os.path.join(os.environ["KILN_CHECKPOINT_DIR"], f"starts-of-worker-{index}.txt")
earlier = open(record).read().split() if os.path.exists(record) else []
start = len(earlier) + 1
attempt = told_attempt()
with open(record, "a") as f:
    f.write(f"{attempt}\n")
print(f"worker {index} start {start} was told attempt {attempt}", flush=True)

failing = index == int(os.environ.get("KILN_HP_FAILING_WORKER", "0"))
if failing and start <= int(os.environ.get("KILN_HP_FAIL_STARTS", "0")):
    finish({"error": f"planned failure of start {start} (told attempt {attempt})"}, 1)

if index == 0:
    with open(os.path.join(os.environ["KILN_MODEL_DIR"], "model.json"), "w") as f:
        json.dump({"starts": start}, f)
finish({"metrics": {"attempt": attempt, "starts": start}}, 0)
