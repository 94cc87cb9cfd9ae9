"""Tasks for the batch executor's tests: module-level, so worker processes (spawn) can import them."""

from __future__ import annotations

import os


def square_or_die(context: dict, item: int) -> int:
    """`item` squared; the item named `die` ends its worker process abruptly, `fail` raises."""
    if item == context.get("die"):
        os._exit(3)
    if item == context.get("fail"):
        raise ValueError(f"item {item} is not wanted\nsecond line never shown")
    return item * item + context.get("add", 0)


def numeric_threads(context: dict, item: int) -> dict:
    """The thread counts numpy's BLAS and scipy's libraries use where this task runs."""
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info

    return {"blas": sorted({info["num_threads"] for info in threadpool_info()}),
            "env": os.environ.get("OPENBLAS_NUM_THREADS")}
