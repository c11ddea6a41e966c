import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_indices_in_vietnamese_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kết quả các chỉ số hành chính công" in text
    assert "PAPI 2024" in text and "PCI 2016" in text


def test_ranking_page(client):
    response = client.get("/ket-qua/papi/2021/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "14/63" in text and "43,83" in text
    assert "Bắc Giang" in text  # listed without a result


def test_region_filter(client):
    response = client.get("/ket-qua/papi/2021/", {"vung": "Tây Nguyên"})
    assert response.content.decode().count('class="num">') > 0
    assert response.context["rows"] and all(r["name"] for r in response.context["rows"])
    assert len(response.context["rows"]) == 5


def test_profile_page_and_english(client):
    response = client.get("/ket-qua/papi/2020/04/")
    assert "giảm 4 bậc so với năm 2019" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/ket-qua/papi/2020/04/")
    text = response.content.decode()
    assert "Components" in text and "43.37" in text


@pytest.mark.parametrize("url", ["/ket-qua/dti/2021/", "/ket-qua/papi/1999/", "/ket-qua/papi/2021/99/"])
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_names_of_units_and_regions_follow_the_language(client):
    vietnamese = client.get("/ket-qua/papi/2020/04/").content.decode()
    assert "<h1>Cao Bằng</h1>" in vietnamese and "Trung du và miền núi phía Bắc" in vietnamese
    client.cookies["django_language"] = "en"
    english = client.get("/ket-qua/papi/2020/04/").content.decode()
    assert "<h1>Cao Bang</h1>" in english and "Northern Midlands and Mountain Areas" in english
    ranking = client.get("/ket-qua/papi/2020/")
    assert any(row["name"] == "Cao Bang" for row in ranking.context["rows"])
    assert ("Trung du và miền núi phía Bắc", "Northern Midlands and Mountain Areas") in ranking.context[
        "regions"
    ]


def test_the_profile_names_its_framework_and_lists_the_components(client):
    page = client.get("/ket-qua/papi/2020/04/").content.decode()
    assert "Từng nội dung" in page and "Chỉ số Hiệu quả quản trị" in page
