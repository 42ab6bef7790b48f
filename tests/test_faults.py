"""Issue 14 items 15, 16, 18: interrupts and odd targets never lose or half-write anything.

``save`` is interrupted at every Python-level step it takes (a trace hook raises
KeyboardInterrupt at the n-th event, for every n) and by timer signals at random
moments; ``fit`` by one and by two interrupts inside its steps. The target is always
the old or the new content, nothing stray is left, and the model is always a whole step.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import signal
import stat
import sys
from pathlib import Path

import pytest

from autograd_engine import write_atomically
from nn import MLP


class _InterruptAt:
    """A trace function raising KeyboardInterrupt at the ``at``-th event (counting only).

    Events inside ``json`` are not counted: encoding happens before any file exists, and
    its thousands of steps would only slow the test down. ``first`` counts the events
    before ``write_atomically`` starts (where no file is touched yet).
    """

    def __init__(self, at: int | None) -> None:
        self.at, self.count = at, 0
        self.first: int | None = None

    def __call__(self, frame, event, arg):
        if f"{os.sep}json{os.sep}" in frame.f_code.co_filename:
            return None
        if self.first is None and frame.f_code is write_atomically.__code__:
            self.first = self.count
        self.count += 1
        if self.count == self.at:
            raise KeyboardInterrupt(f"injected at event {self.at}")
        return self


def _run_traced(function, at: int | None) -> _InterruptAt:
    """Run ``function`` traced, in a copy of the context: an interrupt landing inside a
    ``with`` statement's ``__enter__`` (after the switch is set, before the block starts)
    skips its ``__exit__``, and the switch must not leak into later tests."""
    hook = _InterruptAt(at)
    sys.settrace(hook)
    try:
        contextvars.copy_context().run(function)
    finally:
        sys.settrace(None)
    return hook


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# An interrupt landing in a generator being closed is reported as "ignored" by Python.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_save_interrupted_at_every_step_leaves_old_or_new_and_nothing_stray(tmp_path) -> None:
    old_model, new_model = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    target = tmp_path / "model.json"
    old_model.save(target)
    new_model.save(tmp_path / "expected.json")
    old = target.read_bytes()
    new = (tmp_path / "expected.json").read_bytes()
    (tmp_path / "expected.json").unlink()
    assert old != new
    counted = _run_traced(lambda: new_model.save(target), None)
    first, total = counted.first, counted.count
    assert first is not None and total - first > 50  # the hook really sees the writing
    outcomes = set()
    # Every step from write_atomically on; every 7th before it (building the document).
    for at in [*range(1, first, 7), *range(first, total + 1)]:
        target.write_bytes(old)
        try:
            _run_traced(lambda: new_model.save(target), at)
            outcomes.add("finished")
        except KeyboardInterrupt:
            outcomes.add("interrupted")
        content = target.read_bytes()
        assert content in (old, new), at
        assert _listing(tmp_path) == ["model.json"], at
    assert outcomes == {"finished", "interrupted"} or outcomes == {"interrupted"}


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer (POSIX)")
# A timer's KeyboardInterrupt can land inside a garbage-collector callback (hypothesis
# registers one), where Python reports it as unraisable and drops it: that save then goes
# on to the end, which this test allows. The report is expected, not a failure.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_save_under_timer_interrupts_at_random_moments(tmp_path) -> None:
    import random

    rng = random.Random(14)
    model = MLP(2, [4, 1], seed=0)
    target = tmp_path / "model.json"
    model.save(target)
    good = target.read_bytes()

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupted = 0
    try:
        for _ in range(300):
            try:
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(1e-5, 2e-3))
                model.save(target)
                signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupted += 1
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            assert target.read_bytes() == good
            assert _listing(tmp_path) == ["model.json"]
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 0  # some saves really were interrupted


# -- item 18: symlinks and read-only targets ---------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symlinks and permission bits are POSIX here")
class TestOddTargets:
    def test_a_symlink_is_followed_and_stays_a_link(self, tmp_path) -> None:
        real = tmp_path / "real.json"
        real.write_bytes(b"old")
        link = tmp_path / "link.json"
        link.symlink_to(real)
        write_atomically(link, b"new")
        assert link.is_symlink() and real.read_bytes() == b"new"
        assert _listing(tmp_path) == ["link.json", "real.json"]

    def test_a_dangling_symlink_creates_its_target(self, tmp_path) -> None:
        link = tmp_path / "link.json"
        link.symlink_to(tmp_path / "made.json")
        write_atomically(link, b"new")
        assert link.is_symlink() and (tmp_path / "made.json").read_bytes() == b"new"

    def test_the_target_keeps_its_permission_bits(self, tmp_path) -> None:
        target = tmp_path / "private.json"
        target.write_bytes(b"old")
        target.chmod(0o600)
        write_atomically(target, b"new")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

    def test_a_new_file_gets_the_umask_default(self, tmp_path) -> None:
        mask = os.umask(0o022)
        try:
            write_atomically(tmp_path / "new.json", b"x")
        finally:
            os.umask(mask)
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644

    def test_a_read_only_target_is_refused_naming_it(self, tmp_path) -> None:
        target = tmp_path / "locked.json"
        target.write_bytes(b"old")
        target.chmod(0o444)
        with pytest.raises(PermissionError, match=r"locked\.json: the file is read-only"):
            MLP(2, [1], seed=0).save(target)
        assert target.read_bytes() == b"old"
        assert stat.S_IMODE(target.stat().st_mode) == 0o444
        assert _listing(tmp_path) == ["locked.json"]

    def test_a_directory_is_not_replaced(self, tmp_path) -> None:
        (tmp_path / "folder").mkdir()
        with pytest.raises(IsADirectoryError, match="folder: not a regular file"):
            write_atomically(tmp_path / "folder", b"x")


# -- item 16: fit interrupted once or twice leaves a whole step, and History says which ---


def _fit_setup():
    from nn import MLP, SGD, hinge

    X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.5, -1.0], [-1.0, 0.5]]
    y = [1.0, 1.0, -1.0, -1.0, 1.0, -1.0]
    model = MLP(2, [3, 1], seed=0)
    optimizer = SGD(model, lr=0.1, momentum=0.9)
    return model, optimizer, hinge, (X, y)


def _fit(model, optimizer, loss, data, callbacks=()):
    from nn import fit

    return fit(model, loss, optimizer, data, epochs=3, progress=False, callbacks=callbacks)


def _fit_into(histories, model, optimizer, loss, data) -> None:
    histories.append(_fit(model, optimizer, loss, data))


def _reference_states() -> list[dict]:
    model, optimizer, loss, data = _fit_setup()
    states = [model.state_dict()]
    _fit(model, optimizer, loss, data, callbacks=[lambda record: states.append(model.state_dict())])
    return states


def _check_whole_step(model, optimizer, history, states) -> None:
    assert history.updates == optimizer.steps
    assert model.state_dict() == states[history.updates]
    assert history.steps in (history.updates, history.updates - 1)


class _Kill:
    """A trace function sending this process SIGINT at the given event numbers."""

    def __init__(self, at: set[int]) -> None:
        self.at, self.count = at, 0

    def __call__(self, frame, event, arg):
        self.count += 1
        if self.count in self.at:
            os.kill(os.getpid(), signal.SIGINT)
        return self


def _events_in_fit() -> int:
    model, optimizer, loss, data = _fit_setup()
    return _run_traced(lambda: _fit(model, optimizer, loss, data), None).count


def _events_in_optimizer() -> list[int]:
    """Event numbers (as _Kill counts them) that fall inside the optimizer's code."""
    found: list[int] = []
    count = 0

    def hook(frame, event, arg):
        nonlocal count
        count += 1
        if frame.f_code.co_filename.endswith(f"nn{os.sep}optim.py"):
            found.append(count)
        return hook

    model, optimizer, loss, data = _fit_setup()
    sys.settrace(hook)
    try:
        _fit(model, optimizer, loss, data)
    finally:
        sys.settrace(None)
    return found


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_fit_interrupted_once_anywhere_is_a_whole_step() -> None:
    states = _reference_states()
    total = _events_in_fit()
    for at in range(1, total, max(1, total // 150)):
        model, optimizer, loss, data = _fit_setup()
        histories: list = []
        run = functools.partial(_fit_into, histories, model, optimizer, loss, data)
        # An interrupt outside fit's own handling (before or after it) propagates.
        with contextlib.suppress(KeyboardInterrupt):
            _run_traced(run, at)
        history = histories[0] if histories else None
        if history is None:
            assert model.state_dict() in (states[0], states[optimizer.steps])
            continue
        _check_whole_step(model, optimizer, history, states)


@pytest.mark.parametrize("gap", [1, 7, 40])
def test_fit_with_a_double_ctrl_c_anywhere_is_a_whole_step(gap: int) -> None:
    states = _reference_states()
    total = _events_in_fit()
    # The second press where it matters most (inside the update), and elsewhere sampled.
    inside = _events_in_optimizer()
    seconds = sorted({*inside[:: max(1, len(inside) // 150)], *range(gap + 1, total, total // 30)})
    for second in seconds:
        model, optimizer, loss, data = _fit_setup()
        histories = []
        hook = _Kill({second - gap, second})
        run = functools.partial(_fit_into, histories, model, optimizer, loss, data)
        sys.settrace(hook)
        try:
            contextvars.copy_context().run(run)
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)
        if not histories:  # the second press fell after fit had returned
            assert model.state_dict() == states[optimizer.steps]
            continue
        history = histories[0]
        assert history.interrupted or history.steps == len(states) - 1
        _check_whole_step(model, optimizer, history, states)
