"""Writing user files safely: all or nothing, never a half-written drawing or model.

Used by drawings (``Graph.save``) and by ``nn``'s model files. The rules, which are those
of careful editors and ``install``-like tools:

- The new content goes to a temporary file in the target's directory (same file system,
  so the final rename is atomic), is flushed and ``fsync``-ed, then renamed over the
  target with ``os.replace``; the directory is synced too. An error or an interrupt at
  any point leaves the old file or the new one, never a mix, and no temporary file.
- A symlink is followed: the file it points to is replaced and the link stays a link.
- An existing target keeps its permission bits (a 0600 model stays private); a new file
  gets the usual ``0666`` minus the umask, not ``mkstemp``'s private 0600.
- A read-only target is refused with ``PermissionError`` naming it, rather than
  silently replaced (the rename would succeed: it needs only the directory's permission).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, sync it, then rename it over ``path``.

    See the module docstring for symlinks, permissions and interrupts.

    Returns:
        ``path`` as a ``Path`` (when it is a symlink, the file it points to was written).

    Raises:
        PermissionError: ``path`` exists and is read-only, or its directory is not
            writable; the message names the file.
        OSError: any other failure to write; the old file is left as it was.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomically(folder / "note.txt", b"hello").read_bytes()
    b'hello'
    """
    target = Path(os.path.realpath(path))
    mode = _existing_mode(target, os.fspath(path))
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        # Created inside the try: an interrupt right after the open still cleans up. The
        # name is random, so the only file of that name that can exist is ours.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as file:
            if mode is not None:
                os.fchmod(file.fileno(), mode)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except FileExistsError:  # not ours: leave it alone
        raise
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, PermissionError) and exc.filename == os.fspath(temporary):
            raise PermissionError(
                exc.errno, f"{os.fspath(path)}: cannot write here ({exc.strerror})"
            ) from None
        raise
    _sync_directory(target.parent)
    return Path(path)


def _existing_mode(target: Path, name: str) -> int | None:
    """The target's permission bits to keep, or None for a new file; refuse a read-only one."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise IsADirectoryError(f"{name}: not a regular file; refusing to replace it")
    bits = stat.S_IMODE(info.st_mode)
    # Both tests: os.access answers True for root whatever the bits say.
    if not bits & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(f"{name}: the file is read-only; refusing to replace it")
    return bits


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable; best effort (not every platform opens folders)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
