"""The standard sentences read in the active language: English words, English numbers and the unit's
English name under English; exactly the Vietnamese sentences the press writes under Vietnamese."""

import re

import pytest
from django.utils import translation

from chiso.cli.common import analysis_of, index_named, unit_in
from chiso.engine.narrative import change_phrase, headline, mean_sentence
from chiso.reports import narrative as report

pytestmark = pytest.mark.django_db

# Letters only Vietnamese uses (with their marks), and đ.
VIETNAMESE_LETTERS = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)


def ninh_thuan_papi_2021():
    index = index_named("papi")
    analysis = analysis_of(index, 2021)
    profile = analysis.profile(unit_in(index, 2021, "Ninh Thuận").ref)
    return index, profile, index.wording(profile.unit.level).for_peers(profile.peer_scope)


def test_sentences_read_in_english_with_english_numbers():
    index, profile, wording = ninh_thuan_papi_2021()
    with translation.override("en"):
        sentence = headline(profile, index.short_name, wording)
        mean = mean_sentence(profile, wording)
        moved = change_phrase(profile, wording)
        opening = report.headline_paragraph(profile, index.short_name, wording)
    assert sentence == (
        "The PAPI 2021 score of Ninh Thuan province is 43.83/80 points, rank 14/63 provinces and cities; "
        "up 3.08 points and up 44 places on 2020; in the highest group."
    )
    assert moved == "up 3.08 points and up 44 places on 2020"
    assert mean == "1.42 points above the national mean (42.41 points)."
    assert opening.startswith("In 2021, the PAPI score of Ninh Thuan province is 43.83/80 points")
    for text in (sentence, mean, moved, opening):
        assert not VIETNAMESE_LETTERS.search(text), text
        assert not re.search(r"\d,\d", text), text


def test_vietnamese_sentences_stay_as_the_press_writes_them():
    index, profile, wording = ninh_thuan_papi_2021()
    with translation.override("vi"):
        sentence = headline(profile, index.short_name, wording)
        mean = mean_sentence(profile, wording)
        opening = report.headline_paragraph(profile, index.short_name, wording)
    assert mean == "Cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm."
    # The sentence test_golden.py asserts, byte for byte.
    assert sentence == (
        "Chỉ số PAPI năm 2021 của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp hạng 14/63 tỉnh, thành phố; "
        "tăng 3,08 điểm và tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."
    )
    assert opening == (
        "Năm 2021, Chỉ số PAPI của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp vị thứ 14/63 tỉnh, thành phố; "
        "tăng 3,08 điểm và tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."
    )
