#!/usr/bin/python3
"""Kiln's model server against a FastAPI + uvicorn + scikit-learn baseline, side by side.

Both serve the same Iris logistic regression (Kiln the trainer's ONNX file, the baseline its
weights in scikit-learn), each pinned to one core (taskset -c 1); wrk runs on the other core
(taskset -c 0). For each level it prints req/s, p50/p90/p99 latency and CPU microseconds per
request (utime+stime from /proc/<pid>/stat over the level) of both servers, and the ratios.
It asserts nothing. Run from the repository root after building the jars:

  ./mvnw -B -pl images/trainer,images/model-server -am package -DskipTests
  /usr/bin/python3 images/model-server/bench/run.py [--seconds 10] [--runs 3]

Debian packages: wrk python3-fastapi python3-uvicorn python3-uvloop python3-httptools
python3-sklearn python3-onnx.
"""

import argparse
import datetime
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(MODULE))
TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")
# Rows in the model's column order (petal_length, petal_width, sepal_length, sepal_width).
IRIS_ROWS = [
    [1.4, 0.2, 5.1, 3.5], [4.7, 1.4, 7.0, 3.2], [6.0, 2.5, 6.3, 3.3], [1.3, 0.2, 4.7, 3.2],
    [4.5, 1.5, 6.4, 3.2], [5.1, 1.9, 5.8, 2.7], [1.5, 0.2, 4.6, 3.1], [4.9, 1.5, 6.9, 3.1],
    [5.9, 2.1, 7.1, 3.0], [1.4, 0.2, 5.0, 3.6],
]
# (label, rows per request, connections)
LEVELS = [("1 row", 1, 1), ("1 row", 1, 8), ("1 row", 1, 32), ("30 rows", 30, 1), ("30 rows", 30, 32)]


def infer_body(rows):
    data = [v for i in range(rows) for v in IRIS_ROWS[i % len(IRIS_ROWS)]]
    return json.dumps({"id": "bench", "inputs": [
        {"name": "input", "shape": [rows, 4], "datatype": "FP32", "data": data}]})


def image_jvm_flags():
    """The JVM flags of the image's ENTRYPOINT, so the benchmark runs the image's defaults."""
    with open(os.path.join(MODULE, "Dockerfile")) as f:
        entry = re.search(r"^ENTRYPOINT (\[.*\])", f.read(), re.M).group(1)
    args = json.loads(entry)
    return args[1:args.index("-jar")]


def train_model(work):
    env = dict(os.environ, KILN_DATA_DIR=os.path.join(work, "data"),
               KILN_MODEL_DIR=os.path.join(work, "model"),
               KILN_TERMINATION_LOG=os.path.join(work, "termination-log"), KILN_HP_EPOCHS="30")
    os.makedirs(env["KILN_DATA_DIR"])
    jar = os.path.join(REPO, "images/trainer/target/kiln-trainer.jar")
    subprocess.run(["java", "-jar", jar], env=env, check=True, stdout=subprocess.DEVNULL)
    return env["KILN_MODEL_DIR"]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def wait_ready(port, proc, what):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{what} not ready on port {port} after 60 s")


def wrk(port, body_file, connections, seconds):
    env = dict(os.environ, WRK_BODY=body_file)
    out = subprocess.run(
        ["taskset", "-c", "0", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
         "-s", os.path.join(HERE, "infer.lua"), f"http://127.0.0.1:{port}/v2/models/iris/infer"],
        env=env, check=True, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("WRK_RESULT"))
    r = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
    r["rps"] = r["requests"] / r["seconds"]
    return r


def grpc_client(connections, seconds, rows, warmup):
    """The gRPC row: GrpcBench (test classes) on the client core, one channel, N callers."""
    target = os.path.join(MODULE, "target")
    cp = ":".join([os.path.join(target, "test-classes"), os.path.join(target, "kiln-model-server.jar"),
                   os.path.join(target, "lib", "*")])
    out = subprocess.run(
        ["taskset", "-c", "0", "java", "-XX:+UseSerialGC", "-cp", cp, "dev.kiln.modelserver.GrpcBench",
         "18081", str(connections), str(seconds), str(rows), str(warmup)],
        check=True, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("WRK_RESULT"))
    r = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
    r["rps"] = r["requests"] / r["seconds"]
    return r


def measure(server, body_file, connections, seconds, client=None):
    before = cpu_ticks(server["pid"])
    r = client() if client else wrk(server["port"], body_file, connections, seconds)
    r["cpu_us"] = (cpu_ticks(server["pid"]) - before) * TICK_US / max(r["requests"], 1)
    return r


def start_servers(model_dir, core):
    kiln = subprocess.Popen(
        ["taskset", "-c", core, "java", *image_jvm_flags(), "-jar",
         os.path.join(MODULE, "target/kiln-model-server.jar"), "--model-dir", model_dir,
         "--model-name", "iris", "--host", "127.0.0.1", "--port", "18080", "--grpc-port", "18081"],
        stdout=subprocess.DEVNULL)
    python = subprocess.Popen(
        ["taskset", "-c", core, "/usr/bin/python3", os.path.join(HERE, "baseline.py"),
         "--model", os.path.join(model_dir, "model.onnx"), "--port", "18090"],
        stdout=subprocess.DEVNULL)
    servers = {"kiln": {"proc": kiln, "pid": kiln.pid, "port": 18080},
               "python": {"proc": python, "pid": python.pid, "port": 18090}}
    wait_ready(18080, kiln, "kiln")
    wait_ready(18090, python, "baseline")
    return servers


def header():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} x {cpu},"
          f" {platform.system()} {platform.release()}, {java}, Python {platform.python_version()}")
    print(f"# load average at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"# Kiln JVM flags (the image's): {' '.join(image_jvm_flags())}")


def row(label, connections, k, p):
    def ms(r, q):
        return f"{r[q] / 1000:.2f}"
    print(f"| {label} | {connections} | {k['rps']:.0f} | {p['rps']:.0f} | {k['rps'] / p['rps']:.1f}x"
          f" | {ms(k, 'p50')} / {ms(k, 'p90')} / {ms(k, 'p99')} | {ms(p, 'p50')} / {ms(p, 'p90')} / {ms(p, 'p99')}"
          f" | {k['cpu_us']:.0f} | {p['cpu_us']:.0f} | {p['cpu_us'] / max(k['cpu_us'], 1e-9):.1f}x |")
    for name, r in (("kiln", k), ("python", p)):
        if r["errors"] or r["non200"]:
            print(f"  ({name}: {r['errors']:.0f} socket errors, {r['non200']:.0f} non-2xx answers)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="per level (default 10)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of warm-up per server")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--model-dir", help="a trained model (default: train one with the trainer)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="kiln-bench-")
    model_dir = args.model_dir or train_model(work)
    bodies = {}
    for _, rows, _ in LEVELS:
        bodies[rows] = os.path.join(work, f"infer-{rows}.json")
        with open(bodies[rows], "w") as f:
            f.write(infer_body(rows))
    header()
    servers = start_servers(model_dir, "1")
    try:
        for s in servers.values():
            for rows in sorted(bodies):
                wrk(s["port"], bodies[rows], 8, max(1, args.warmup // len(bodies)))
        for run in range(1, args.runs + 1):
            print(f"\nrun {run}: {args.seconds} s per level; latency ms p50 / p90 / p99; CPU µs per request\n")
            print("| request | connections | Kiln req/s | Python req/s | ratio | Kiln latency | Python latency"
                  " | Kiln CPU | Python CPU | CPU ratio |")
            print("|---|---:|---:|---:|---:|---|---|---:|---:|---:|")
            for label, rows, connections in LEVELS:
                k = measure(servers["kiln"], bodies[rows], connections, args.seconds)
                p = measure(servers["python"], bodies[rows], connections, args.seconds)
                row(label, connections, k, p)
                sys.stdout.flush()
            print("\nKiln over gRPC (ModelInfer, raw contents; GrpcBench callers on one channel) beside the"
                  " baseline's REST figures above:\n")
            print("| request | callers | Kiln gRPC req/s | Kiln gRPC latency | Kiln gRPC CPU |")
            print("|---|---:|---:|---|---:|")
            for label, rows, connections in (("1 row", 1, 1), ("1 row", 1, 32), ("30 rows", 30, 32)):
                g = measure(servers["kiln"], None, connections, args.seconds,
                            lambda: grpc_client(connections, args.seconds, rows, 3))
                print(f"| {label} | {connections} | {g['rps']:.0f} | {g['p50'] / 1000:.2f} / {g['p90'] / 1000:.2f}"
                      f" / {g['p99'] / 1000:.2f} | {g['cpu_us']:.0f} |")
                sys.stdout.flush()
        print(f"\n# load average at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        for s in servers.values():
            s["proc"].send_signal(signal.SIGTERM)
        for s in servers.values():
            s["proc"].wait(timeout=30)


if __name__ == "__main__":
    main()
