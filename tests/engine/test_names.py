import unicodedata

from chiso.engine.names import match_key, nfc, plain_key, sorted_vi


def test_tone_placement_and_unicode_form_do_not_matter():
    assert match_key("Khánh Hòa") == match_key("Khánh Hoà")
    assert match_key("Thủy Nguyên") == match_key("Thuỷ Nguyên")
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    assert match_key(decomposed) == match_key("Hoà Bình")
    assert nfc("  Hà   Nội ") == "Hà Nội"


def test_diacritics_still_matter_in_the_match_key():
    assert match_key("Hà Nam") != match_key("Hà Năm")
    assert match_key("Quảng Nam") != match_key("Quảng Ninh")


def test_plain_key_ignores_all_marks_and_d_stroke():
    assert plain_key("Đắk Lắk") == plain_key("dak lak")
    assert plain_key("Thừa Thiên-Huế") == "thua thien hue"


def test_vietnamese_collation_orders_letters_as_the_alphabet_does():
    names = ["Đà Nẵng", "Dĩ An", "An Giang", "Ăn Khê", "Uông Bí", "Ưu Điềm", "Bắc Ninh", "Bà Rịa"]
    assert sorted_vi(names) == [
        "An Giang",
        "Ăn Khê",
        "Bà Rịa",
        "Bắc Ninh",
        "Dĩ An",
        "Đà Nẵng",
        "Uông Bí",
        "Ưu Điềm",
    ]


def test_only_official_numberings_are_shown_as_codes():
    from chiso.engine.names import labelled, shown_code

    for code in ("d8", "d8.2", "1.2.3", "TC1", "3a", "Đ2"):
        assert shown_code(code) == code
    for code in ("entry_costs", "land_access", "total", "papi-2018", "", "chỉ số"):
        assert shown_code(code) == ""
    assert labelled("d8", "Quản trị điện tử") == "d8 Quản trị điện tử"
    assert labelled("entry_costs", "Chi phí gia nhập thị trường") == "Chi phí gia nhập thị trường"
