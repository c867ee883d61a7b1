"""Memory a finished phase freed, handed back to the system before the next phase starts.

pyarrow's allocator (mimalloc on Linux) keeps the pages of freed text columns for reuse; reading a
million-row report frees a few hundred MiB that the numeric phases after it never reuse, and which
would otherwise count in the process's peak. Between phases they go back to the system.
"""

from __future__ import annotations

import pyarrow as pa


def release_freed() -> None:
    """Return the memory Arrow's pool holds free to the system (a no-op for pools that hold none)."""
    pa.default_memory_pool().release_unused()
