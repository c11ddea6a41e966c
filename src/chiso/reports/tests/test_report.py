"""The Word report, the Excel workbook, the PDF and the `chiso report` command."""

import copy
import sys
import types
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from chiso.cli.main import main
from chiso.core import pdf
from chiso.core.word import FONT
from chiso.reports.template import DEFAULT_TEMPLATE, build_default_template
from chiso.reports.word import write_docx
from chiso.reports.xlsx import write_xlsx


@pytest.fixture(scope="module")
def nt_docx(nt2021, tmp_path_factory):
    return write_docx(nt2021, tmp_path_factory.mktemp("docx") / "nt2021.docx")


@pytest.fixture(scope="module")
def document(nt_docx):
    return Document(str(nt_docx))


def texts(document):
    return [p.text for p in document.paragraphs]


def table_texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


# -- Word -------------------------------------------------------------------------------------------


def test_a4_portrait_with_decree_30_margins(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml


def test_times_new_roman_13_pt_and_nothing_embedded(document, nt_docx):
    normal = document.styles["Normal"]
    assert normal.font.name == FONT and normal.font.size.pt == 13
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{k}") for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}
    for name in ("Title", "Heading 1", "Heading 2"):
        assert document.styles[name].font.name == FONT
    names = zipfile.ZipFile(nt_docx).namelist()
    assert not [n for n in names if n.startswith("word/fonts/")]


def test_title_headings_and_paragraphs(document, nt2021):
    body = texts(document)
    assert "BÁO CÁO PHÂN TÍCH CHỈ SỐ PAPI NĂM 2021 CỦA TỈNH\u00a0NINH\u00a0THUẬN\u00a0(CŨ)" in body
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == [
        "I. KẾT QUẢ TỔNG HỢP",
        "II. KẾT QUẢ THEO TỪNG NỘI DUNG",
        "III. ĐIỂM BỊ MẤT VÀ MỤC TIÊU THỨ HẠNG",
        "1. Những nội dung mất nhiều điểm",
        "2. Cần bao nhiêu điểm để đạt thứ hạng mục tiêu",
    ]
    assert "IV. TIÊU CHÍ CÒN YẾU, CƠ QUAN CHỦ TRÌ VÀ NHIỆM VỤ" in headings
    assert "V. XU HƯỚNG QUA CÁC NĂM" in headings and "NGUỒN SỐ LIỆU" in headings
    assert not [h for h in headings if h.startswith("VI.")]  # no merger note for 2021
    assert nt2021.paragraphs["headline"] in body
    assert nt2021.paragraphs["plans"] in body
    assert any(line.startswith("- PAPI — Chỉ số Hiệu quả quản trị") for line in body)


def test_no_template_tag_is_left(nt_docx):
    xml = zipfile.ZipFile(nt_docx).read("word/document.xml").decode()
    assert "{{" not in xml and "{%" not in xml and "}}" not in xml


def test_tables_of_fields_criteria_and_weak_criteria(document):
    tables = [table_texts(t) for t in document.tables]
    fields = next(t for t in tables if t[0][:3] == ["TT", "Nội dung", "Điểm"] and "% tối đa" in t[0])
    assert fields[0] == [
        "TT",
        "Nội dung",
        "Điểm",
        "Tối đa",
        "% tối đa",
        "Hạng",
        "± điểm",
        "± bậc",
        "Cao nhất",
        "TB cả nước",
    ]
    assert fields[1] == [
        "1",
        "Tham gia của người dân ở cấp cơ sở",
        "5,40",
        "10",
        "54,0",
        "6/63",
        "+0,60",
        "+33",
        "5,85",
        "4,71",
    ]
    assert len(fields) == 9  # header + 8 dimensions
    criteria = next(t for t in tables if t[0][:2] == ["TT", "Tiêu chí"] and "TB cả nước" in t[0])
    assert ["7.3", "Chất lượng nước", "0,48", "52/63", "-0,12", "-20", "2,05", "0,74"] in criteria
    weak = next(t for t in tables if "Cơ quan chủ trì" in t[0])
    assert weak[1][:4] == ["7.3", "Chất lượng nước", "0,48", "52/63"]
    assert weak[1][-1] == "Chưa phân công"
    captions = [p.text for p in document.paragraphs if p.style.name == "Chiso Chú thích"]
    assert captions[0] == "Bảng 1. Kết quả tổng hợp"
    assert "Hình 1. Xếp hạng Chỉ số PAPI năm 2021 (Ninh Thuận tô đỏ)" in captions


def test_five_charts_as_images(document, nt_docx):
    # ranking, map of the 63 provinces, the pro-forma map on the 34, components, trend
    assert len(document.inline_shapes) == 5
    media = [n for n in zipfile.ZipFile(nt_docx).namelist() if n.startswith("word/media/")]
    assert len(media) == 5 and all(n.endswith(".png") for n in media)


def test_the_map_of_the_provinces_with_both_archipelagos(nt2021, document):
    drawn = nt2021.province_map
    assert len(drawn.shapes) == 63 and drawn.highlight == "58"  # Ninh Thuận outlined
    captions = [p.text for p in document.paragraphs if p.style.name == "Chiso Chú thích"]
    assert any(
        c.startswith("Hình 2. Bản đồ Chỉ số PAPI năm 2021 theo tỉnh, thành phố") and "quần đảo Hoàng Sa" in c
        for c in captions
    )


def test_the_pro_forma_map_on_the_34_provinces(nt2021, document):
    drawn = nt2021.proforma_map
    assert len(drawn.shapes) == 34 and drawn.highlight == "56"  # Ninh Thuận is part of Khánh Hòa
    assert drawn.label == "Ước tính theo 34 tỉnh, thành phố (pro-forma)"
    assert {"48", "56"} <= {s.code for s in drawn.shapes}  # both archipelagos' provinces
    captions = [p.text for p in document.paragraphs if p.style.name == "Chiso Chú thích"]
    assert any(
        c.startswith("Hình 3. Chỉ số PAPI năm 2021 trên 34 tỉnh, thành phố sau sắp xếp")
        and "bình quân gia quyền theo dân số" in c
        and "không dùng để xếp hạng" in c
        for c in captions
    )


def test_charts_are_kept_when_asked(nt2021, tmp_path):
    write_docx(nt2021, tmp_path / "r.docx", charts_folder=tmp_path / "charts")
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "ban-do-34.png",
        "ban-do.png",
        "noi-dung.png",
        "xep-hang.png",
        "xu-huong.png",
    ]


def test_merged_province_gets_a_labelled_proforma_section(kh2024, tmp_path):
    document = Document(str(write_docx(kh2024, tmp_path / "kh.docx")))
    body = "\n".join(texts(document))
    assert "VI. SỐ LIỆU GIẢ ĐỊNH SAU SẮP XẾP ĐƠN VỊ HÀNH CHÍNH" in body
    assert "số liệu giả định (pro-forma), không phải số liệu chính thức" in body
    assert "không lưu vào kết quả và không dùng để xếp hạng" in body
    assert "Phương pháp bình quân gia quyền theo dân số của các tỉnh thành phần: 44,43 điểm" in body
    assert "Phương pháp trung bình cộng giản đơn của các tỉnh thành phần: 44,77 điểm" in body
    table = next(table_texts(t) for t in document.tables if "Giả định: theo dân số" in table_texts(t)[0])
    assert table[1] == [
        "Tổng",
        "Chỉ số PAPI tổng hợp (không trọng số)",
        "Khánh Hòa 43,81; Ninh Thuận 45,73",
        "44,77",
        "44,43",
    ]
    # The official rank is untouched: Khánh Hòa (old) stays 27/63.
    assert kh2024.profile.rank == 27


def test_the_default_template_is_reproducible(tmp_path):
    rebuilt = build_default_template(tmp_path / "t.docx")
    for part in ("word/document.xml", "word/styles.xml", "word/header1.xml"):
        assert zipfile.ZipFile(rebuilt).read(part) == zipfile.ZipFile(DEFAULT_TEMPLATE).read(part), part


def test_a_user_template(nt2021, tmp_path):
    own = Document()
    own.add_paragraph("Kính gửi: Ủy ban nhân dân tỉnh")
    own.add_paragraph("{{ paragraphs.headline }}")
    own.add_paragraph("{%p for r in tables.fields.rows %}")
    own.add_paragraph("{{ r.code }}: {{ r.score }}")
    own.add_paragraph("{%p endfor %}")
    own.save(str(tmp_path / "mau.docx"))
    written = Document(str(write_docx(nt2021, tmp_path / "out.docx", tmp_path / "mau.docx")))
    lines = texts(written)
    assert lines[1] == nt2021.paragraphs["headline"]
    assert lines[2:4] == ["1: 5,40", "2: 5,46"]


@pytest.mark.django_db
def test_plan_rows_come_from_the_plans_app_when_installed(monkeypatch):
    from django.apps import apps

    from chiso.reports.plans import PLAN_APP, plan_rows_for

    assert plan_rows_for("papi", 2021, "58") == []  # installed or not: no plan entered
    with monkeypatch.context() as patch:
        patch.setattr(apps, "is_installed", lambda name: False)
        assert plan_rows_for("papi", 2021, "58") == []  # without the app
    seen = {}

    def report_rows(index_code, year, unit_code, period=""):
        seen["args"] = (index_code, year, unit_code)
        return [
            {
                "code": "d7.3",
                "name": "Chất lượng nước",
                "lead": "Sở Tài nguyên và Môi trường",
                "supporters": ["UBND cấp huyện", "Sở Xây dựng"],
                "action": "Kiểm tra chất lượng nước sinh hoạt",
                "deadline": __import__("datetime").date(2022, 6, 30),
                "status": "đang thực hiện",
            }
        ]

    services = types.ModuleType("chiso.plans.services")
    monkeypatch.setattr(services, "report_rows", report_rows, raising=False)
    monkeypatch.setitem(sys.modules, "chiso.plans", types.ModuleType("chiso.plans"))
    monkeypatch.setitem(sys.modules, "chiso.plans.services", services)
    original = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == PLAN_APP or original(name))
    rows = plan_rows_for("papi", 2021, "58")
    assert seen["args"] == ("papi", 2021, "58")
    assert rows == [
        {
            "code": "d7.3",
            "name": "Chất lượng nước",
            "lead": "Sở Tài nguyên và Môi trường",
            "supporters": "UBND cấp huyện, Sở Xây dựng",
            "action": "Kiểm tra chất lượng nước sinh hoạt",
            "deadline": "30/06/2022",
            "status": "đang thực hiện",
        }
    ]


@pytest.mark.django_db
def test_plans_fill_the_weak_criteria_and_their_table(monkeypatch, tmp_path):
    from chiso.frameworks.services import find_index
    from chiso.reports import data

    rows = [
        {
            "code": "d7.3",
            "name": "Chất lượng nước",
            "lead": "Sở Tài nguyên và Môi trường",
            "supporters": "UBND cấp huyện",
            "action": "Kiểm tra chất lượng nước",
            "deadline": "30/06/2022",
            "status": "đang thực hiện",
        }
    ]
    monkeypatch.setattr(data, "plan_rows_for", lambda *args: rows)
    report = data.build_report(find_index("papi"), 2021, "Ninh Thuận", with_trend=False)
    assert report.tables["weak"].display_rows()[0]["lead"] == "Sở Tài nguyên và Môi trường"
    assert report.paragraphs["plans"] is not None
    assert report.paragraphs["plans"].startswith(
        "Kế hoạch cải thiện Chỉ số PAPI của tỉnh Ninh Thuận có 1 nhiệm vụ"
    )
    document = Document(str(write_docx(report, tmp_path / "r.docx")))
    plan = next(table_texts(t) for t in document.tables if table_texts(t)[0][1] == "Nhiệm vụ")
    assert plan[1] == [
        "7.3",
        "Kiểm tra chất lượng nước",
        "Sở Tài nguyên và Môi trường",
        "UBND cấp huyện",
        "30/06/2022",
        "đang thực hiện",
    ]


# -- Excel ------------------------------------------------------------------------------------------


def test_workbook_has_every_table_with_numbers(nt2021, tmp_path):
    book = load_workbook(write_xlsx(nt2021, tmp_path / "r.xlsx"))
    assert book.sheetnames == [
        "Tổng hợp",
        "Nội dung",
        "Tiêu chí",
        "Điểm bị mất",
        "Khoảng cách tiêu chí",
        "Mục tiêu hạng",
        "Tiêu chí yếu",
        "Kế hoạch",
        "Xu hướng",
        "Xếp hạng",
        "Nguồn",
    ]
    fields = book["Nội dung"]
    assert fields["A1"].value == "Kết quả theo từng nội dung"
    assert [c.value for c in fields[2]][:6] == ["TT", "Nội dung", "Điểm", "Tối đa", "% tối đa", "Hạng (/63)"]
    assert fields["A3"].value == "1" and fields["C3"].value == pytest.approx(5.40, abs=0.005)
    assert fields["C3"].number_format == "0.00" and fields["F3"].value == 6
    ranking = book["Xếp hạng"]
    assert ranking.max_row == 2 + 63  # 60 ranked and 3 without a published result
    assert ranking["C3"].value == "Thừa Thiên Huế" and ranking["A3"].value == 1
    trend = book["Xu hướng"]
    assert [trend.cell(row=r, column=1).value for r in range(3, trend.max_row + 1)][:7] == [
        2011,
        2012,
        2013,
        2014,
        2015,
        2016,
        2018,
    ]
    assert book["Kế hoạch"].max_row == 2  # headers only: no plan entered


# -- PDF --------------------------------------------------------------------------------------------


def test_pdf_needs_libreoffice(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.PdfError, match="Chưa cài LibreOffice"):
        pdf.docx_to_pdf(tmp_path / "r.docx", tmp_path / "r.pdf")


@pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_through_libreoffice(nt_docx, tmp_path):
    out = pdf.docx_to_pdf(nt_docx, tmp_path / "r.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000


# -- the command ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_command(tmp_path, capsys):
    code = main(
        [
            "report",
            "papi",
            "2021",
            "Ninh Thuận",
            "-o",
            str(tmp_path / "r.docx"),
            "--xlsx",
            str(tmp_path / "r.xlsx"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert (tmp_path / "r.docx").exists() and (tmp_path / "r.xlsx").exists()
    assert "Năm 2021, Chỉ số PAPI của tỉnh Ninh Thuận đạt 43,83/80 điểm" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["papi", "2021", "Ninh Thuânn"], "Không tìm thấy đơn vị"),
        (["papi", "2017", "Ninh Thuận"], "Chưa có kết quả PAPI năm 2017"),
        (["papi", "2021", "Bắc Ninh"], "Bắc Ninh không có kết quả PAPI năm 2021"),
        (["chiso-khong-co", "2021", "Ninh Thuận"], "chiso-khong-co"),
    ],
)
def test_report_errors(args, message, tmp_path, capsys):
    assert main(["report", *args, "-o", str(tmp_path / "r.docx")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.docx").exists()


@pytest.mark.django_db
def test_report_file_errors(tmp_path, capsys, monkeypatch):
    assert main(["report", "papi", "2021", "Ninh Thuận", "-o", str(tmp_path / "r.pdf")]) == 1
    assert "phải là .docx" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "papi",
                "2021",
                "Ninh Thuận",
                "-o",
                str(tmp_path / "r.docx"),
                "--template",
                str(tmp_path / "none.docx"),
            ]
        )
        == 1
    )
    assert "Không có tệp mẫu" in capsys.readouterr().err
    (tmp_path / "bad.docx").write_text("not a word file")
    assert (
        main(
            [
                "report",
                "papi",
                "2021",
                "Ninh Thuận",
                "-o",
                str(tmp_path / "r.docx"),
                "--template",
                str(tmp_path / "bad.docx"),
            ]
        )
        == 1
    )
    assert "không phải tệp Word" in capsys.readouterr().err
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert (
        main(
            [
                "report",
                "papi",
                "2021",
                "Ninh Thuận",
                "-o",
                str(tmp_path / "r.docx"),
                "--pdf",
                str(tmp_path / "r.pdf"),
            ]
        )
        == 1
    )
    assert "Chưa cài LibreOffice" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_decimal_values_stay_decimal(nt2021):
    assert isinstance(nt2021.tables["fields"].rows[0]["score"], Decimal)


def test_workbook_writes_text_as_text(nt2021, tmp_path):
    """A name that looks like a formula ("=HYPERLINK(…)", "+…", "@…") stays text in every sheet."""
    formula = '=HYPERLINK("http://example.com","x")'
    report = copy.deepcopy(nt2021)
    report.title = "@" + formula
    table = report.tables["ranking"]
    text_column = next(c.key for c in table.columns if c.kind == "text")
    table.rows[0][text_column] = formula
    report.sources = [*report.sources, "+" + formula]
    book = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    written = [cell for cell in cells if isinstance(cell.value, str) and formula in cell.value]
    assert {cell.value for cell in written} == {formula, "@" + formula, "+" + formula}
    assert all(cell.data_type == "s" for cell in written)
