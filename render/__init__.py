"""Render explainer videos from YAML scripts (library; the CLI is render.cli)."""

import os as _os

# OpenBLAS (under numpy, under Manim) starts one thread per core at import; under a memory limit
# (ulimit -v) that start fails and the process hangs. Renders never need BLAS threads, and
# forked scene workers inherit this before anything imports numpy.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")
