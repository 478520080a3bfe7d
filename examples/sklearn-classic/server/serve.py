#!/usr/bin/env python3
"""Starts the model server with uvicorn on $HOST (default 0.0.0.0) and $KILN_PORT or $PORT (8080)."""
import os

import uvicorn

if __name__ == "__main__":
    port = int(os.environ.get("KILN_PORT") or os.environ.get("PORT") or "8080")
    uvicorn.run("app:app", host=os.environ.get("HOST", "0.0.0.0"), port=port)
