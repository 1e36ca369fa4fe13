"""Writing a folder's files so that nothing is ever half-written, and many folders with one sync.

A folder's files are first written under temporary names beside their places (``stage``), made
durable, then moved into place by a rename each (``Staged.move_into_place``): a full disk, a
crash or a killed worker leaves each folder as it was — not report.json new beside an old
report.txt, nor a renamed file whose data never reached the disk.

Making them durable costs a journal commit per fsync (on ext4 several ms of waiting and ~1 ms of
CPU for a unit's two files). A batch of units staged together is made durable at once
(``sync_together``): one syncfs(2) of the filesystem that holds them — what each file's fsync
would guarantee, for all of them — where the C library has it (Linux), else each file's fsync.
"""
from __future__ import annotations

import functools
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

TEMPORARY_PREFIX = ".yusuan-writing-"  # then the writer's pid, a number, the file's name
_WRITES = itertools.count()  # numbers this process's writes, so that two never share a temporary name


@dataclass
class Staged:
    """The files of one folder written under temporary names beside their places, not yet moved."""

    folder: Path
    pairs: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, place)

    def move_into_place(self) -> list[Path]:
        """Rename each temporary onto its place; what is not moved (an error) is removed."""
        try:
            for n, (temporary, path) in enumerate(self.pairs):
                os.replace(temporary, path)
                self.pairs[n] = (path, path)  # moved: nothing left to remove
        except OSError as exc:
            self.discard()
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        return [path for _, path in self.pairs]

    def discard(self) -> None:
        """Remove the temporaries not moved into place."""
        for temporary, path in self.pairs:
            if temporary != path:
                temporary.unlink(missing_ok=True)


def stage(files: list[tuple[str, bytes]], outdir: str | Path, fsync: bool = True) -> Staged:
    """Write ``files`` (name, bytes) into ``outdir`` under temporary names (hidden, made with
    exclusive creation, so with the permissions an ordinary file gets); with ``fsync`` each is on
    the disk when this returns, else ``sync_together`` must be called before moving them. An
    OSError names the file it was writing; nothing of the folder is left behind then."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    tag = f"{TEMPORARY_PREFIX}{os.getpid()}-{next(_WRITES)}"
    staged = Staged(outdir)
    try:
        for name, data in files:
            path = outdir / name
            temporary = path.with_name(f"{tag}-{path.name}")
            try:
                with open(temporary, "xb") as handle:
                    staged.pairs.append((temporary, path))
                    handle.write(data)
                    if fsync:
                        handle.flush()
                        os.fsync(handle.fileno())  # on the disk before it replaces the previous file
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(path)) from None
        return staged
    except BaseException:
        staged.discard()
        raise


def sync_together(batch: list[Staged]) -> None:
    """Make every staged file of ``batch`` durable: one syncfs per filesystem they are on, or
    for one folder, or where there is no syncfs, an fsync of each file. An OSError names a folder
    of the batch (syncfs) or the file."""
    # One unit alone: its files' fsyncs, which wait for nothing else; syncfs also writes what
    # other programs left unwritten on the filesystem, worth it only for many units at once.
    syncfs = _syncfs() if len(batch) > 1 else None
    on_device: dict[int, Path] = {}  # a filesystem → one temporary file on it
    for staged in batch:
        for temporary, _ in staged.pairs:
            if syncfs is None:
                _fsync(temporary)
            else:
                on_device.setdefault(os.stat(temporary).st_dev, temporary)
    for temporary in on_device.values():
        fd = os.open(temporary, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:  # since Linux 5.8 a writeback error of the filesystem is reported here
                import ctypes

                errno = ctypes.get_errno()
                raise OSError(errno, os.strerror(errno), str(temporary.parent))
        finally:
            os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    finally:
        os.close(fd)


@functools.cache
def _syncfs():
    """The C library's syncfs(int fd), or None where there is none (not Linux)."""
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def remove_leftovers(folder: Path, pid: int) -> None:
    """Remove what a writer process ``pid`` that was ended (killed over its time, or dead) left
    staged in ``folder``: its temporaries, never moved into place — and the folder, if that leaves
    it empty (it was made for them)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(f"{TEMPORARY_PREFIX}{pid}-"):
            try:
                Path(entry.path).unlink(missing_ok=True)
            except OSError:  # left as it is: a hidden file, never taken for an output
                pass
    try:
        folder.rmdir()
    except OSError:  # not empty: what was there before stays
        pass
