"""How `tune route` orders the grid's settings (pure logic)."""

from __future__ import annotations

from baocao.benchmarks.tune_route import CONFIDENCE, NOISE, Scored, ordered
from baocao.index.routing import RouteSettings


def scored(margin: float, chance: float, share: float) -> Scored:
    return Scored(RouteSettings(min_margin=margin), [0.0], [chance], [share])


def test_the_cheapest_setting_meeting_the_target_comes_first():
    rows = ordered([scored(0.35, 1.0, 0.6), scored(0.25, CONFIDENCE, 0.4),
                    scored(0.1, CONFIDENCE - 0.01, 0.2)])  # fmt: skip
    assert [r.settings.min_margin for r in rows] == [0.25, 0.35, 0.1]


def test_when_none_meets_it_the_cheapest_as_close_as_the_closest_comes_first():
    closest = scored(0.30, 0.777, 0.54)
    as_close = scored(0.25, 0.777 - NOISE / 2, 0.48)  # within the resampling noise, cheaper
    further = scored(0.10, 0.777 - 2 * NOISE, 0.30)  # cheaper still, but further from it
    rows = ordered([closest, further, as_close])
    assert rows == [as_close, closest, further]
