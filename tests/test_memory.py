"""Memory Arrow's allocator keeps after a phase frees it goes back to the system."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from optimizer.memory import release_freed


def _resident_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(pa.default_memory_pool().backend_name != "mimalloc" or not Path("/proc/self/status").exists(),
                    reason="measured on Linux, with Arrow's mimalloc pool (the one that keeps freed pages)")
def test_text_columns_freed_leave_the_process_once_released():
    before = _resident_mib()
    columns = [pc.cast(pa.array(np.arange(200_000)), pa.string()) for _ in range(100)]   # about 250 MiB
    grown = _resident_mib() - before
    del columns
    release_freed()
    assert grown > 150 and _resident_mib() - before < grown / 2
