"""Periodic tasks are enqueued when their interval has passed, or all at once when forced."""

from tessera.core.common import scheduler


class FakeTask:
    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self) -> None:
        self.calls += 1


def test_enqueue_due_respects_intervals(monkeypatch):
    fast, slow = FakeTask(), FakeTask()
    monkeypatch.setattr(
        scheduler,
        "PERIODIC",
        {
            "fast": scheduler.PeriodicTask("fast", fast, 10),
            "slow": scheduler.PeriodicTask("slow", slow, 100),
        },
    )
    last: dict[str, float] = {}
    assert scheduler.enqueue_due(last, now=1000) == ["fast", "slow"]
    assert scheduler.enqueue_due(last, now=1005) == []
    assert scheduler.enqueue_due(last, now=1010) == ["fast"]
    assert scheduler.enqueue_due(last, now=1011, force=True) == ["fast", "slow"]
    assert (fast.calls, slow.calls) == (3, 2)
