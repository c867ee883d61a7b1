"""A run's output folder replaced in one step, and recorded in the history in the same step.

Renaming files one by one leaves, if the run is killed between two renames, a folder
mixing two runs. So the new set is written in full to a hidden sibling folder
(``.out.new-`` and a random suffix), the caller records the run (``before_swap``: the history commits
here, and summary.json gets the run's id), and only then the two folders trade places
in one ``renameat2(RENAME_EXCHANGE)``. A kill at any moment leaves either the previous
folder or the new one, never a mix, and never a folder whose run the history does not
know; the hidden leftovers are removed by the next run. Files the folder holds that
the run does not write (another command's, the user's) are carried over as hard links.

A folder bidopt did not publish whole (not empty, and no ``.bidopt-run.json`` saying
``"whole_folder": true``: ``--out .``) is never swapped: the staged files are renamed into
it one by one, after the history commits.
"""

from __future__ import annotations

import ctypes
import fcntl
import glob
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from optimizer.outputs.files import current_umask, naming, new_file_mode

#: Written last into every published folder: which run it holds and its files.
MANIFEST = ".bidopt-run.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def publish(folder: Path, files: Mapping[str, bytes | Callable[[Path], None]], *,
            before_swap: Callable[[Path], int | None] | None = None) -> list[Path]:
    """Put ``files`` in ``folder`` all at once; ``before_swap(staging)`` runs when they are all written and
    may return the run id the manifest names (it records the run; if it fails, nothing is published)."""
    folder = Path(os.path.abspath(folder))
    folder = folder.resolve() if folder.is_symlink() else folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    names = [_checked(folder, name) for name in files]
    with _locked(folder.parent):
        _clean_leftovers(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
        try:
            _write(staging, files, folder)
            owned = not folder.exists() or _swappable(folder) or not any(folder.iterdir())
            if owned and folder.exists():
                _carry_over(folder, staging, set(names))
            run_id = before_swap(staging) if before_swap is not None else None
            with naming(folder / MANIFEST):
                (staging / MANIFEST).write_text(json.dumps({"run": run_id, "files": names, "whole_folder": owned},
                                                           ensure_ascii=False) + "\n", encoding="utf-8")
            if owned:
                _swap(staging, folder)
            else:
                _rename_each(staging, folder, names + [MANIFEST])
        finally:
            shutil.rmtree(staging, ignore_errors=True)   # the new set, or after the swap the previous one
    return [folder / name for name in names]


def _swappable(folder: Path) -> bool:
    """A folder a previous run published whole (its manifest says so): one bidopt may swap."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("whole_folder") is True
    except (OSError, ValueError, AttributeError):
        return False


def _checked(folder: Path, name: str) -> str:
    if ".." in Path(name).parts or Path(name).is_absolute():
        raise ValueError(f"output name {name!r} must stay inside {folder}")
    return Path(name).as_posix()


class _locked:
    """An exclusive lock on the parent folder while a run stages and swaps (the kernel drops it on a kill)."""

    def __init__(self, parent: Path):
        self.parent = parent

    def __enter__(self):
        self.descriptor = os.open(self.parent, os.O_RDONLY)
        fcntl.flock(self.descriptor, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        os.close(self.descriptor)


def _clean_leftovers(folder: Path) -> None:
    """Hidden folders a killed run left (we hold the lock: no live run owns them); a lost folder comes back."""
    hidden = glob.escape(f".{folder.name}")
    leftovers = sorted(folder.parent.glob(hidden + ".new-*")) + sorted(folder.parent.glob(hidden + ".old-*"))
    if not folder.exists():
        previous = [path for path in leftovers if path.name.startswith(f".{folder.name}.old-")]
        if previous:
            os.rename(previous[-1], folder)
            leftovers.remove(previous[-1])
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def _write(staging: Path, files: Mapping[str, bytes | Callable[[Path], None]], folder: Path) -> None:
    """Every file into the staging folder; an error names the file as the user will see it (in ``folder``)."""
    mode = new_file_mode()
    for name, content in files.items():
        path = staging / name
        with naming(folder / name):
            path.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(path)
            else:
                path.write_bytes(content)
            os.chmod(path, mode)


def _carry_over(folder: Path, staging: Path, replaced: set[str]) -> None:
    """Hard links (copies where the file system has none) of the folder's other files, in the new set."""
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_dir() or name in replaced or name == MANIFEST or path.name.endswith(".tmp"):
            continue
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(path, target, follow_symlinks=False)
    os.chmod(staging, os.stat(folder).st_mode & 0o7777)


def _swap(staging: Path, folder: Path) -> None:
    """``staging`` becomes ``folder`` in one step; the previous folder is left at ``staging``'s name."""
    if not folder.exists():
        os.rename(staging, folder)
        os.chmod(folder, 0o777 & ~current_umask())
        return
    if _exchange(staging, folder):
        return
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")   # no exchange here: two renames, repaired
    os.rename(folder, old)                                        # by the next run if killed between them
    os.rename(staging, folder)
    os.rename(old, staging)


def _exchange(first: Path, second: Path) -> bool:
    """Linux's atomic exchange of two paths; False where the system or file system has none."""
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        return False
    done = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):   # EINVAL, ENOSYS, EOPNOTSUPP: no exchange on this file system
        return False
    raise OSError(error, os.strerror(error), str(second))


def _rename_each(staging: Path, folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, folder / name)

