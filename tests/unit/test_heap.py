"""The night's compute steps run with the cyclic collector paused, and leave it as they found it."""

import gc

import pytest

from models.heap import collector_paused


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_paused_within_and_as_it_was_after(collector, enabled_before):
    (gc.enable if enabled_before else gc.disable)()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled_before


def test_as_it_was_after_a_step_fails(collector):
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a step failed")
    assert gc.isenabled()


def test_a_decorated_step_keeps_its_name_and_answer(collector):
    gc.enable()

    @collector_paused()
    def evaluate(rows: list[int]) -> int:
        """The step's own docstring."""
        assert not gc.isenabled()
        return sum(rows)

    assert evaluate([1, 2, 3]) == 6
    assert evaluate.__name__ == "evaluate" and evaluate.__doc__ == "The step's own docstring."
    assert gc.isenabled()
