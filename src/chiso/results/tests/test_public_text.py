"""What the public reads: names, never the keys machines use."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/ket-qua/pci/2016/58/",
        "/ket-qua/pci/2016/",
        "/ke-hoach/phan-tich/pci/2016/58/",
        "/ket-qua/papi/2021/58/",
    ],
)
def test_public_pages_show_no_machine_codes(client, url):
    """Names, not keys: PCI's "entry_costs", a tree's "total" or a framework's "pci-2012" are for
    machines; official numberings such as PAPI's "d8" stay."""
    import re

    page = client.get(url).content.decode().split("<main", 1)[1]
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b|\btotal\b|\b(?:pci|papi)-\d{4}\b", text)


def test_an_english_profile_names_its_source_and_peer_groups_in_english(client):
    client.cookies["django_language"] = "en"
    page = client.get("/ket-qua/pci/2016/58/").content.decode()
    assert "Published figures, transcribed verbatim" in page and "chép nguyên văn" not in page
    assert "in North Central and Central Coastal Areas" in page and "in South Central Coast" in page
    assert "Bắc Trung Bộ" not in page and "Duyên hải Nam Trung Bộ" not in page
