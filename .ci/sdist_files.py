"""The sdist holds every tracked file it should, byte for byte, and nothing else.

``.ci/package`` runs ``python .ci/sdist_files.py DIST.tar.gz`` from the repository's root,
after building the sdist from this checkout. The sdist must let its unpacked copy run the
whole suite (tests, doctests, README, notebooks, benchmarks, docs/images): rather than
running that suite a second time, this compares the sdist's files with ``git ls-files``.
It fails, naming the files, when a tracked file is missing (a MANIFEST.in rule lost it),
when a file differs from the checkout's, or when the sdist holds a file git does not track
(build output, results, caches) other than the metadata every build writes.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

# Tracked files the sdist leaves out on purpose, by path or folder prefix, and why.
EXCLUDED = {
    ".ci/": "CI's scripts: they drive a git checkout (git clone, make), not an unpacked sdist",
    ".gitignore": "git's own file",
    "Makefile": "the checkout's workflow: it installs through .ci/constraints.txt, left out "
    "above; in an unpacked sdist pytest runs directly",
}
# What every setuptools sdist adds: metadata, not project files.
GENERATED = ("PKG-INFO", "setup.cfg", "autograd_engine.egg-info/")


def tracked() -> set[str]:
    """Every file git tracks in this checkout, as a relative POSIX path."""
    out = subprocess.run(["git", "ls-files", "-z"], capture_output=True, check=True).stdout
    return {name for name in out.decode().split("\0") if name}


def shipped(sdist: Path) -> dict[str, bytes]:
    """The sdist's regular files, their paths relative to its top folder, and contents."""
    files = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            if member.isfile():
                _top, _, name = member.name.partition("/")
                files[name] = archive.extractfile(member).read()  # type: ignore[union-attr]
    return files


def reason_left_out(name: str) -> str | None:
    """Why a tracked file is not in the sdist, or None if it must be there."""
    for prefix, reason in EXCLUDED.items():
        if name == prefix or (prefix.endswith("/") and name.startswith(prefix)):
            return reason
    return None


def problems(git: set[str], sdist: dict[str, bytes]) -> list[str]:
    """One line per file that is missing, extra, differing, or excluded yet shipped."""
    found = []
    for name in sorted(git):
        if reason_left_out(name) is not None:
            if name in sdist:
                found.append(f"shipped although EXCLUDED says not: {name}")
        elif name not in sdist:
            found.append(f"missing from the sdist: {name}")
        elif sdist[name] != Path(name).read_bytes():
            found.append(f"differs from the checkout: {name}")
    for name in sorted(set(sdist) - git):
        if not name.startswith(GENERATED):
            found.append(f"in the sdist but not tracked by git: {name}")
    return found


def main(sdist: Path) -> int:
    git, files = tracked(), shipped(sdist)
    found = problems(git, files)
    for line in found:
        print(f"sdist: {line}", file=sys.stderr)
    if found:
        return 1
    kept = [name for name in git if reason_left_out(name) is None]
    print(f"sdist: all {len(kept)} tracked files it should hold, byte for byte; nothing else")
    for prefix, reason in EXCLUDED.items():
        count = sum(1 for name in git if reason_left_out(name) == reason)
        print(f"  left out: {prefix} ({count} file{'s' * (count != 1)}): {reason}")
    print(f"  added by the build: {', '.join(GENERATED)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
