"""Worker 0 listens at the coordinator address; worker 1 connects (retrying: it may start first)
and both exchange their host names. Exits 0 when the two have met, 1 otherwise."""
import os
import socket
import sys
import time

host, port = os.environ["KILN_COORDINATOR_ADDR"].rsplit(":", 1)
if os.environ.get("MASTER_ADDR"):
    if os.environ["MASTER_ADDR"] != host:
        sys.exit(f"MASTER_ADDR {os.environ['MASTER_ADDR']} is not KILN_COORDINATOR_ADDR's {host}")
    port = os.environ.get("MASTER_PORT", port)
rank = int(os.environ["KILN_WORKER_INDEX"])
me = os.environ.get("HOSTNAME", "?")

if rank == 0:
    with socket.create_server((host, int(port))) as server:
        server.settimeout(120)
        peer, _ = server.accept()
        with peer:
            other = peer.recv(256).decode()
            peer.sendall(me.encode())
    print(f"rank 0 ({me}) at {host}:{port} met {other}", flush=True)
else:
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(me.encode())
                other = s.recv(256).decode()
            break
        except OSError as e:
            if time.monotonic() > deadline:
                sys.exit(f"rank {rank} could not reach {host}:{port}: {e}")
            time.sleep(0.2)
    print(f"rank {rank} ({me}) reached {other} at {host}:{port}", flush=True)
# Kiln records a model for every run that succeeds: rank 0 leaves one (what it met).
if rank == 0:
    model_dir = os.environ.get("KILN_MODEL_DIR", ".")
    with open(os.path.join(model_dir, "met.json"), "w") as f:
        f.write('{"met": "%s"}' % other)
