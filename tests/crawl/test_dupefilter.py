"""The compact duplicate-request filter: set semantics, and a paused job's seen file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import Request
from scrapy.utils.request import RequestFingerprinter

from crawler.dupefilter import CompactDupeFilter, FingerprintSet

keys = st.integers(min_value=0, max_value=2**64 - 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(keys, max_size=9000), st.lists(keys, max_size=200), st.lists(keys, max_size=50))
def test_fingerprint_set_answers_like_a_python_set(added: list[int], bulk: list[int], probes: list[int]) -> None:
    compact, reference = FingerprintSet(), set()
    compact.update(bulk)
    reference.update(bulk)
    for key in added:  # past the pending buffer's size, so merges happen mid-way
        compact.add(key)
        reference.add(key)
    assert len(compact) == len(reference)
    for key in [*probes, *added[:100], *bulk[:100]]:
        assert (key in compact) == (key in reference)


def test_seen_requests_are_filtered_and_survive_a_paused_job(tmp_path: Path) -> None:
    urls = [f"http://news.example/a/{n}.html" for n in range(6000)]
    first = CompactDupeFilter(str(tmp_path), fingerprinter=RequestFingerprinter())
    assert not any(first.request_seen(Request(url)) for url in urls)
    assert all(first.request_seen(Request(url)) for url in urls[::97])
    first.close("shutdown")

    resumed = CompactDupeFilter(str(tmp_path), fingerprinter=RequestFingerprinter())
    assert all(resumed.request_seen(Request(url)) for url in urls)
    assert not resumed.request_seen(Request("http://news.example/a/new.html"))
    resumed.close("finished")
