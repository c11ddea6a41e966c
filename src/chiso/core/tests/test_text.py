"""Moments printed by the command line are dated in the installation's time zone, not UTC."""

from datetime import UTC, datetime

from chiso.core.text import local_moment


def test_a_moment_just_after_midnight_in_ha_noi_is_dated_that_day(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    moment = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # 00:30 on 27/11 in Hà Nội
    assert local_moment(moment, with_time=False) == "27/11/2026"
    assert local_moment(moment) == "27/11/2026 00:30"


def test_no_moment_is_a_dash():
    assert local_moment(None) == "–"
