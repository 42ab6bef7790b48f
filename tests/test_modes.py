"""``no_grad``, ``scope`` and ``detect_anomaly``: per-context switches, thread-safe."""

from __future__ import annotations

import math
import threading

import pytest

from autograd_engine import (
    AnomalyError,
    Value,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    scope,
)
from autograd_engine.modes import Mode, current_mode


class TestNoGrad:
    def test_ops_build_bare_leaves(self) -> None:
        x = Value(3.0)
        with no_grad():
            y = (x * x).tanh()
            assert not is_grad_enabled()
        assert is_grad_enabled()
        assert y.parents == () and y.op == "" and y.data == math.tanh(9.0)

    def test_as_a_decorator(self) -> None:
        @no_grad()
        def square(v: Value) -> Value:
            return v * v

        assert square(Value(2.0)).parents == ()
        assert (Value(2.0) * 2).parents != ()

    def test_restored_after_an_exception(self) -> None:
        with pytest.raises(RuntimeError), no_grad():
            raise RuntimeError
        assert is_grad_enabled()

    def test_each_thread_has_its_own_setting(self) -> None:
        inside = threading.Event()
        release = threading.Event()
        seen: list[bool] = []

        def other_thread() -> None:
            inside.wait()
            seen.append(is_grad_enabled())
            seen.append(bool((Value(1.0) * 2).parents))
            release.set()

        worker = threading.Thread(target=other_thread)
        worker.start()
        with no_grad():
            inside.set()
            release.wait(timeout=10)
            assert not is_grad_enabled()
        worker.join()
        assert seen == [True, True]

    def test_decorated_function_used_from_many_threads(self) -> None:
        @no_grad()
        def work(results: list[bool]) -> None:
            for _ in range(200):
                results.append((Value(1.0) * 2).parents == ())

        results: list[bool] = []
        threads = [threading.Thread(target=work, args=(results,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(results) and len(results) == 800
        assert is_grad_enabled()


class TestScope:
    def test_nodes_and_leaves_carry_the_path(self) -> None:
        with scope("model"):
            x = Value(1.0)
            with scope("layer"):
                y = x * 2
        z = y + 1
        assert (x.scope, y.scope, z.scope) == ("model", "model.layer", None)

    def test_a_full_path_is_not_joined_twice(self) -> None:
        with scope("model"), scope("model.layers.0"):
            assert (Value(1.0) * 1).scope == "model.layers.0"


class TestDetectAnomaly:
    def test_forward_overflow_to_inf_names_the_op_and_inputs(self) -> None:
        with detect_anomaly(), pytest.raises(AnomalyError, match=r"forward of \* produced inf"):
            Value(1e308) * 10

    def test_forward_nan(self) -> None:
        inf = Value(math.inf)
        with detect_anomaly(), pytest.raises(AnomalyError, match="produced nan"):
            inf - inf

    def test_backward_nan_names_the_node_label_and_inputs(self) -> None:
        # 0^b with b < 0 is refused in forward; a negative base makes the exponent's
        # gradient NaN, which is what the anomaly check is for.
        a, b = Value(-2.0), Value(2.0)
        y = a**b
        y.label = "power"
        with (
            detect_anomaly(),
            pytest.raises(AnomalyError, match=r"backward of \*\* \(label 'power'\) produced"),
        ):
            y.backward()

    def test_without_the_context_nothing_is_checked(self) -> None:
        assert (Value(1e308) * 10).data == math.inf


class TestSharedSwitchObjects:
    """Issue 14 item 14: one switch object, nested or shared between threads."""

    @pytest.mark.parametrize("make", [no_grad, lambda: scope("s"), detect_anomaly])
    def test_one_object_nested_unwinds_to_the_start(self, make) -> None:
        switch = make()
        with switch:
            inside = current_mode()
            with switch, switch:
                pass
            assert current_mode() == inside
        assert current_mode() == Mode()
        assert is_grad_enabled()

    def test_nested_no_grad_object_records_nothing_inside_and_again_after(self) -> None:
        ng = no_grad()
        with ng:
            with ng:
                assert not is_grad_enabled()
            assert not is_grad_enabled()
        assert (Value(1.0) * 2).parents != ()

    def test_many_threads_share_one_object_and_each_sees_its_own_setting(self) -> None:
        ng = no_grad()
        named = scope("shared")
        count = 16
        barrier = threading.Barrier(count)
        errors: list[BaseException] = []
        seen: dict[int, list[object]] = {}

        def worker(index: int) -> None:
            try:
                record = seen.setdefault(index, [])
                barrier.wait(timeout=20)
                for _ in range(50):
                    if index % 2:  # odd threads: inside the shared no_grad, nested once
                        with ng:
                            with ng:
                                record.append(is_grad_enabled())
                            record.append(bool((Value(1.0) * 2).parents))
                    else:  # even threads: inside the shared scope, grad on
                        with named:
                            record.append((Value(1.0) * 2).scope)
                            record.append(is_grad_enabled())
                    record.append(current_mode() == Mode())
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        for index, record in seen.items():
            expected = [False, False, True] if index % 2 else ["shared", True, True]
            assert record == expected * 50, index
        assert is_grad_enabled() and current_mode() == Mode()

    def test_exiting_more_often_than_entered_is_a_clear_error(self) -> None:
        with pytest.raises(RuntimeError, match="exited more often than entered"):
            no_grad().__exit__(None, None, None)


class TestEnableGrad:
    def test_records_inside_no_grad(self) -> None:
        with no_grad():
            with enable_grad():
                y = Value(2.0) * 3
            z = Value(2.0) * 3
        assert y.op == "*" and z.op == ""
