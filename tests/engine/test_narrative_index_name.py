"""An index's name after the word "Chỉ số" in a sentence."""

from chiso.engine.narrative import index_in_sentence


def test_an_index_named_chi_so_is_not_said_twice():
    assert index_in_sentence("PAPI") == "PAPI"
    assert index_in_sentence("Chỉ số 766") == "766"
    assert index_in_sentence("chỉ số 766") == "766"
    assert index_in_sentence("Chỉ số ") == "Chỉ số "  # nothing after the word: kept
    assert index_in_sentence("CQĐT") == "CQĐT"
