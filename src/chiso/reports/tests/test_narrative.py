"""The report's sentences for Ninh Thuận, PAPI 2021, built from the real published data."""

import pytest


@pytest.fixture
def paragraphs(nt2021):
    return nt2021.paragraphs


def test_headline_in_the_style_of_the_provincial_reports(paragraphs):
    assert paragraphs["headline"] == (
        "Năm 2021, Chỉ số PAPI của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp vị thứ 14/63 tỉnh, thành phố; "
        "tăng 3,08 điểm và tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."
    )


def test_against_the_mean_and_the_region(paragraphs):
    assert paragraphs["comparison"] == (
        "Điểm tổng hợp cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm; xếp thứ 5/14 địa phương vùng "
        "Bắc Trung Bộ và duyên hải miền Trung (trung bình vùng 43,43 điểm), thứ 2/8 địa phương tiểu vùng "
        "Duyên hải Nam Trung Bộ."
    )


def test_components_that_fell(paragraphs):
    assert paragraphs["components"] == (
        "So với năm 2020, có 7/8 nội dung tăng điểm và 7/8 nội dung tăng bậc; các nội dung giảm điểm hoặc "
        "giảm bậc: Trách nhiệm giải trình với người dân (giảm 0,21 điểm và tăng 33 bậc); Quản trị môi "
        "trường (tăng 0,11 điểm và giảm 2 bậc)."
    )


def test_strengths_and_weaknesses(paragraphs):
    assert paragraphs["strengths"] == (
        "Các nội dung là điểm mạnh, xếp trong nhóm một phần tư đầu bảng (hạng 1\u2060–\u206016/63): "
        "Tham gia của người dân ở cấp cơ sở (5,40/10 điểm, xếp thứ 6/63), "
        "Cung ứng dịch vụ công (8,09/10 điểm, xếp thứ 8/63), Công khai, minh bạch trong việc ra quyết định "
        "ở địa phương (5,46/10 điểm, xếp thứ 16/63), Kiểm soát tham nhũng trong khu vực công (7,18/10 điểm, "
        "xếp thứ 16/63)."
    )
    assert paragraphs["weaknesses"] == (
        "Không có nội dung nào xếp trong nhóm một phần tư cuối bảng (hạng 48\u2060–\u206063/63)."
    )


def test_points_lost_and_target(paragraphs):
    assert paragraphs["losses"].startswith(
        "Điểm bị mất nhiều nhất ở các nội dung: Quản trị điện tử (mất 7,35/10 điểm), Quản trị môi trường "
        "(mất 6,44/10 điểm), Trách nhiệm giải trình với người dân (mất 5,62/10 điểm). Ở cấp tiêu chí, "
        "khoảng cách lớn nhất so với địa phương đạt điểm cao nhất: Chất lượng nước (0,48 so với 2,05, "
        "kém 1,57 điểm)"
    )
    # Rank 14 in the top group: the default target is the top 10, and the report says so.
    assert paragraphs["target_note"] == "Mục tiêu: vào tốp 10 — hạng 10/63."
    assert paragraphs["target"].startswith(
        "Để đạt hạng 10/63 (hiện 14/63), tỉnh Ninh Thuận cần tối thiểu 44,44 điểm"
    )


def test_no_plan_yet_and_the_trend(paragraphs):
    assert paragraphs["plans"].startswith("Chưa có kế hoạch cải thiện Chỉ số PAPI năm 2021 nào được nhập")
    assert paragraphs["trend"] == (
        # Up to the report's year (2021): a 2021 report does not show 2022–2024 as its trend.
        "Biểu đồ xu hướng gồm 10 năm có kết quả (2011–2021); không có số liệu năm 2017. Từ năm 2018 áp "
        "dụng khung chỉ số mới (thang 80 điểm): điểm trước và sau mốc này không so sánh trực tiếp; thứ "
        "hạng vẫn so sánh được."
    )


def test_next_group_is_the_default_target(kh2024):
    # Khánh Hòa 2024 is in the upper-middle group: the target is the lowest rank of the top group.
    assert kh2024.profile.group.position == 1
    assert kh2024.paragraphs["target_note"].startswith("Mục tiêu: vào nhóm đạt điểm cao nhất — hạng 16/63")
