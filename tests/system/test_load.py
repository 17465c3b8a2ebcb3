"""Short, bounded form of the load test with concurrent edits (long form: python -m tests.system.loadtest)."""

from __future__ import annotations

from tests.system.loadtest import CATCH_UP_LIMIT, run


def test_no_5xx_no_broken_feed_and_quick_catch_up_under_edits(tmp_path):
    figures = run(seconds=12, clients=4, directory=tmp_path)
    summary = figures.as_dict()
    assert figures.requests > 200, summary
    assert not [s for s in figures.statuses if str(s).startswith(("5", "error"))], summary
    assert figures.bad_feeds == [], summary
    assert figures.feeds_checked > 50, summary
    assert set(figures.edits) == {"atomic", "in-place", "invalid", "half-written"}, summary
    assert figures.final_caught_up, summary
    assert max(figures.catch_up) <= CATCH_UP_LIMIT, summary
    assert figures.statuses[304] > 0, summary
