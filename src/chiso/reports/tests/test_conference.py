"""The conference report: every index of one locality and year in one document (issue 12, part 2)."""

import io
import re
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from chiso.cli.main import main
from chiso.reports.conference import build_conference, write_conference_docx, write_conference_xlsx
from chiso.reports.tests.test_defects import ENGLISH, RAW_CODES, all_text


@pytest.fixture(scope="module")
def qn2024(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_conference("Quảng Ninh", 2024)


@pytest.fixture(scope="module")
def qn2016(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_conference("Quảng Ninh", 2016)


@pytest.fixture(scope="module")
def qn2016_docx(qn2016, tmp_path_factory):
    return write_conference_docx(qn2016, tmp_path_factory.mktemp("conf") / "qn2016.docx")


def styled(document, style: str) -> list[str]:
    """The texts of the document's paragraphs in that style."""
    return [p.text for p in document.paragraphs if getattr(p.style, "name", None) == style]


def ranked_indices(unit_name, year):
    """Every index with published results for the year in which the unit is ranked, from the
    ranking service itself."""
    from chiso.results.models import ResultSet
    from chiso.results.services import analyse

    found = {}
    for result_set in ResultSet.objects.published().filter(year=year).select_related("index"):
        analysis = analyse(result_set.index, year)
        for ref, unit in analysis.units.items():
            if unit.name == unit_name:
                profile = analysis.profile(ref)
                if profile.score is not None:
                    found[result_set.index.code] = profile
    return found


@pytest.mark.django_db
def test_quang_ninh_2024_has_a_chapter_for_every_index_with_the_ranking_services_figures(qn2024):
    expected = ranked_indices("Quảng Ninh", 2024)
    assert expected and [c.index_code for c in qn2024.chapters] == sorted(expected)
    for chapter in qn2024.chapters:
        profile = expected[chapter.index_code]
        assert (chapter.profile.score, chapter.profile.rank, chapter.profile.of) == (
            profile.score,
            profile.rank,
            profile.of,
        )
    # Quảng Ninh has no published PAPI 2023: no "Năm 2023: – điểm, hạng –" row, no change counted.
    assert not [r for r in qn2024.chapters[0].tables["summary"].rows if r["item"].startswith("Năm 2023")]
    for line in qn2024.summary.lines:
        profile = expected[line.index_code]
        assert (line.score, line.rank) == (profile.score, profile.rank)
        assert line.rank_change == (profile.change.rank if profile.change else None)


@pytest.mark.django_db
def test_two_indices_counted_up_and_down(qn2016):
    expected = ranked_indices("Quảng Ninh", 2016)
    assert sorted(expected) == ["papi", "pci"] == [c.index_code for c in qn2016.chapters]
    down = sum(1 for p in expected.values() if p.change and p.change.rank < 0)
    up = sum(1 for p in expected.values() if p.change and p.change.rank > 0)
    assert (qn2016.summary.up, qn2016.summary.down) == (up, down) == (1, 1)
    assert (
        f"Trong 02 chỉ số thì có {down:02d} chỉ số tụt hạng, {up:02d} chỉ số tăng hạng"
        in qn2016.summary.sentence
    )


def test_the_document_has_the_summary_every_chapter_weak_criteria_and_conclusions(qn2016, qn2016_docx):
    document = Document(str(qn2016_docx))
    headings = styled(document, "Heading 1")
    assert headings[:3] == ["I. TỔNG QUAN", "II. CHỈ SỐ PAPI", "III. CHỈ SỐ PCI"]
    assert headings[3] == "IV. TIÊU CHÍ CÒN YẾU, CƠ QUAN CHỦ TRÌ VÀ NHIỆM VỤ"
    assert headings[4] == "V. DỰ THẢO KẾT LUẬN: NHIỆM VỤ, GIẢI PHÁP NĂM 2017"
    body = [p.text for p in document.paragraphs]
    assert qn2016.summary.sentence in body
    for chapter in qn2016.chapters:
        assert f"- {chapter.paragraphs['headline']}" in body  # the summary's standard sentence
        assert chapter.paragraphs["headline"] in body  # and the chapter's
        assert chapter.paragraphs["strengths"] in body and chapter.paragraphs["weaknesses"] in body
    subheadings = styled(document, "Heading 2")
    assert subheadings.count("6. Mục tiêu thứ hạng") == 2 and subheadings.count("3. Điểm bị mất") == 2
    assert any(line.startswith("1. Phấn đấu năm 2017 Chỉ số PAPI đạt hạng") for line in body)
    xml = zipfile.ZipFile(qn2016_docx).read("word/document.xml").decode()
    assert "{{" not in xml and "{%" not in xml
    assert len(document.inline_shapes) == 6  # three charts per index
    captions = styled(document, "Chiso Chú thích")
    numbers = [int(m) for c in captions for m in re.findall(r"^Bảng (\d+)\.", c)]
    assert numbers == list(range(1, len(numbers) + 1))  # numbered through the whole document
    text = all_text(qn2016_docx)
    assert not ENGLISH.findall(text.replace("CECODES, RTA & UNDP", ""))
    assert not RAW_CODES.findall(text), RAW_CODES.findall(text)


def test_weak_criteria_across_indices_are_the_chapters_weak_criteria(qn2016):
    table = qn2016.tables["weak_all"]
    from_chapters = {
        (c.index_name, c.numbers[r["code"]]) for c in qn2016.chapters for r in c.tables["weak"].rows
    }
    assert {(r["index"], r["code"]) for r in table.rows} == from_chapters
    shares = [int(r["rank"].split("/")[0]) / int(r["rank"].split("/")[1]) for r in table.rows]
    assert shares == sorted(shares, reverse=True)  # worst first


@pytest.mark.django_db
def test_weak_criteria_carry_the_agency_and_the_plan_item(monkeypatch):
    """A plan item on a dimension covers its weak criteria; a responsibility set on a criterion
    names its lead when no plan item does."""
    from chiso.frameworks.models import Framework
    from chiso.plans.models import Responsibility
    from chiso.reports import data
    from chiso.units.models import Unit

    monkeypatch.setattr(
        data,
        "plan_rows_for",
        lambda index_code, year, unit_code, period="": (
            [
                {
                    "code": "d3",
                    "name": "Trách nhiệm giải trình với người dân",
                    "lead": "Thanh tra tỉnh",
                    "supporters": "UBND cấp huyện",
                    "action": "Tổ chức đối thoại định kỳ",
                    "deadline": "31/12/2017",
                    "status": "Đang thực hiện",
                }
            ]
            if index_code == "papi"
            else []
        ),
    )
    agency = Unit.objects.create(
        level="department", code="22.SYT", name="Sở Y tế", kind="sở", parent_code="22"
    )
    Responsibility.objects.create(
        framework=Framework.objects.get(code="papi-2011"), criterion="d6", lead=agency
    )
    conference = build_conference("Quảng Ninh", 2016, ["papi"], with_trend=False)
    rows = {r["code"]: r for r in conference.tables["weak_all"].rows}
    assert rows["3.3"]["lead"] == "Thanh tra tỉnh" and rows["3.3"]["supporters"] == "UBND cấp huyện"
    assert rows["3.3"]["plan"] == "Tổ chức đối thoại định kỳ (hạn 31/12/2017)"
    assert rows["6.2"]["lead"] == "Sở Y tế" and rows["6.2"]["plan"] == "Chưa có trong kế hoạch"
    assert rows["1.4"]["lead"] == "Chưa phân công"
    assert any(line.startswith("Thanh tra tỉnh chủ trì khắc phục") for line in conference.conclusions)


def test_workbook_has_every_table(qn2016, tmp_path):
    book = load_workbook(write_conference_xlsx(qn2016, tmp_path / "qn.xlsx"))
    names = book.sheetnames
    assert names[:3] == ["Tổng quan", "Tiêu chí yếu", "Kết luận"] and names[-1] == "Nguồn"
    for index in ("PAPI", "PCI"):
        for sheet in ("Tổng hợp", "Nội dung", "Điểm bị mất", "Xu hướng", "Xếp hạng"):
            assert f"{index} {sheet}" in names
    overview = book["Tổng quan"]
    assert [c.value for c in overview[3]][:3] == ["PAPI", "32,98/60", "62/63"]
    assert book["PAPI Nội dung"]["C3"].value == pytest.approx(4.86, abs=0.005)


@pytest.mark.django_db
def test_english_version(tmp_path):
    conference = build_conference("Quảng Ninh", 2016, language="en", with_trend=False)
    document = Document(str(write_conference_docx(conference, tmp_path / "en.docx")))
    headings = styled(document, "Heading 1")
    assert headings[0] == "I. SUMMARY" and headings[1] == "II. PAPI INDEX"
    assert conference.summary.sentence.startswith("Of 02 indices, 01 fell in rank, 01 rose")
    body = [p.text for p in document.paragraphs]
    assert "- PAPI: 32.98/60 points, rank 62/63; -2.43 points, -30 places against 2015; " in "\n".join(body)


@pytest.mark.django_db
def test_command_all_indices_by_default_and_one_index_on_request(tmp_path, capsys):
    output = tmp_path / "qn.docx"
    assert main(["report", "Quảng Ninh", "2016", "-o", str(output), "--xlsx", str(tmp_path / "qn.xlsx")]) == 0
    out = capsys.readouterr().out
    assert (
        "Trong 02 chỉ số thì có 01 chỉ số tụt hạng" in out
        and output.exists()
        and (tmp_path / "qn.xlsx").exists()
    )
    headings = styled(Document(str(output)), "Heading 1")
    assert "II. CHỈ SỐ PAPI" in headings and "III. CHỈ SỐ PCI" in headings
    assert main(["report", "Quảng Ninh", "2016", "-o", str(output), "--index", "pci"]) == 0
    headings = styled(Document(str(output)), "Heading 1")
    assert "II. CHỈ SỐ PCI" in headings and "III. CHỈ SỐ PAPI" not in headings
    capsys.readouterr()
    assert main(["report", "Quảng Ninh", "2016", "-o", str(output), "--index", "khong-co"]) == 1
    assert "khong-co" in capsys.readouterr().err
    assert main(["report", "Quảng Ninh", "1990", "-o", str(output)]) == 1
    assert "không có kết quả chỉ số nào" in capsys.readouterr().err


@pytest.mark.django_db
def test_from_the_web_as_a_job(client):
    started = client.get("/don-vi/22/2016/bao-cao-hoi-nghi.docx?chi-so=papi")
    assert started.status_code == 302 and started.url.startswith("/viec/")
    page = client.get(started.url)
    assert page.context["job"].state == "done", page.context["job"].error
    response = client.get(started.url + "tep/")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    headings = styled(document, "Heading 1")
    assert "II. CHỈ SỐ PAPI" in headings
    assert client.get("/don-vi/22/2016/bao-cao-hoi-nghi.exe").status_code == 404
    assert client.get("/don-vi/22/2016/bao-cao-hoi-nghi.docx?chi-so=khong-co").status_code == 404


@pytest.mark.django_db
def test_the_profile_page_links_to_the_conference_report(client):
    page = client.get("/ket-qua/papi/2021/58/").content.decode()
    assert 'href="/don-vi/58/2021/bao-cao-hoi-nghi.docx"' in page


def test_the_conference_template_is_reproducible(tmp_path):
    from chiso.reports.template import CONFERENCE_TEMPLATE, build_conference_template

    rebuilt = build_conference_template(tmp_path / "t.docx")
    for part in ("word/document.xml", "word/styles.xml"):
        assert zipfile.ZipFile(rebuilt).read(part) == zipfile.ZipFile(CONFERENCE_TEMPLATE).read(part), part


@pytest.mark.django_db
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_from_the_web_and_the_issuer_from_the_command(client, tmp_path, capsys):
    started = client.get("/don-vi/22/2016/bao-cao-hoi-nghi.pdf?chi-so=pci")
    assert client.get(started.url).context["job"].state == "done"
    assert b"".join(client.get(started.url + "tep/").streaming_content).startswith(b"%PDF")
    output = tmp_path / "qn.docx"
    command = ["report", "Quảng Ninh", "2016", "-o", str(output), "--index", "pci"]
    assert main([*command, "--issuer", "Văn phòng UBND tỉnh"]) == 0
    letterhead = Document(str(output)).tables[0].rows[0].cells[0].text
    assert "VĂN PHÒNG UBND TỈNH" in letterhead and "/BC-VPUT" in letterhead
