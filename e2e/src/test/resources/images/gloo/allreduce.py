"""One process per pod: joins the gloo group at MASTER_ADDR:MASTER_PORT and all-reduces rank + 1.
The rendezvous settings come from MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK when set (Kiln sets
them with workers > 1), else from its KILN_* variables. Exits 1 unless the sum is 1 + ... + N."""
import os
import sys

host, port = os.environ["KILN_COORDINATOR_ADDR"].rsplit(":", 1)
os.environ.setdefault("MASTER_ADDR", host)
os.environ.setdefault("MASTER_PORT", port)
os.environ.setdefault("WORLD_SIZE", os.environ["KILN_WORKERS"])
os.environ.setdefault("RANK", os.environ["KILN_WORKER_INDEX"])

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
total = torch.tensor([float(rank + 1)])
dist.all_reduce(total)
expected = world * (world + 1) / 2
print(f"rank {rank}/{world} at {os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}: "
      f"all_reduce = {total.item()} (expected {expected})", flush=True)
dist.destroy_process_group()
if rank == 0:  # Kiln records a model for every run that succeeds: the sum stands in for one
    with open(os.path.join(os.environ.get("KILN_MODEL_DIR", "."), "sum.json"), "w") as f:
        f.write('{"all_reduce": %s}' % total.item())
sys.exit(0 if total.item() == expected else 1)
