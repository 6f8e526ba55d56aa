"""The leased Redis frontier on the real Redis at 127.0.0.1:6379."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from crawler.frontier import Frontier
from tests.services import redis_url


@pytest.fixture
def frontier() -> Iterator[Frontier]:
    front = Frontier.from_url(redis_url(), prefix=f"test:frontier:{uuid.uuid4().hex[:8]}",
                              lease_seconds=0.5)
    yield front
    front.clear()


def test_a_popped_request_is_leased_not_removed(frontier: Frontier) -> None:
    assert frontier.push("fp1", b"request-1")
    assert frontier.pop() == ("fp1", b"request-1")
    status = frontier.status()
    assert (status.queued, status.in_flight) == (0, 1)
    assert status.workers == {frontier.worker_id: 1}


def test_an_expired_lease_goes_back_to_the_queue_and_is_counted(frontier: Frontier) -> None:
    frontier.push("fp1", b"request-1")
    frontier.pop()
    assert frontier.reap() == 0  # lease still valid
    time.sleep(0.6)
    assert frontier.reap() == 1
    assert frontier.status().requeued == 1
    other = Frontier(frontier.client, prefix=frontier.keys.prefix, lease_seconds=30)
    assert other.pop() == ("fp1", b"request-1")


def test_renewing_keeps_a_long_download_leased(frontier: Frontier) -> None:
    frontier.push("fp1", b"r")
    frontier.pop()
    for _ in range(3):
        time.sleep(0.3)
        frontier.renew(["fp1"])
        assert frontier.reap() == 0
    assert frontier.in_flight() == 1


def test_seen_for_good_only_once_acknowledged(frontier: Frontier) -> None:
    frontier.push("fp1", b"r")
    assert not frontier.push("fp1", b"r")  # a duplicate while queued is suppressed
    frontier.pop()
    assert not frontier.is_done("fp1")
    assert frontier.ack("fp1")
    assert frontier.is_done("fp1")
    assert not frontier.push("fp1", b"r")  # rediscovered after it was done: filtered
    assert frontier.status().acked == 1


def test_a_retry_of_a_held_request_is_queued_again(frontier: Frontier) -> None:
    frontier.push("fp1", b"r")
    frontier.pop()
    assert not frontier.push("fp1", b"r")  # rediscovered while in flight: suppressed
    assert frontier.push("fp1", b"r-retry", mode="always")
    assert frontier.in_flight() == 0
    assert frontier.pop() == ("fp1", b"r-retry")


def test_seeds_are_fetched_again_next_round(frontier: Frontier) -> None:
    frontier.push("feed", b"r", mode="always")
    frontier.pop()
    frontier.ack("feed", filterable=False)
    assert frontier.push("feed", b"r", mode="always")


def test_a_list_page_is_fetched_once_per_round(frontier: Frontier) -> None:
    frontier.page_round_ms = 400
    assert frontier.push("list2", b"r", mode="page")
    frontier.pop()
    frontier.ack("list2", filterable=False)
    assert not frontier.push("list2", b"r", mode="page")  # linked again from another list page
    time.sleep(0.5)
    assert frontier.push("list2", b"r", mode="page")  # the next round


def test_priority_then_fifo(frontier: Frontier) -> None:
    frontier.push("a", b"a")
    frontier.push("b", b"b")
    frontier.push("urgent", b"u", priority=10)
    assert [frontier.pop()[0] for _ in range(3)] == ["urgent", "a", "b"]  # type: ignore[index]
