"""The `chiso` command line's grammar: every command, its arguments and its help, and nothing else.

This module is all ``chiso --help`` loads: it imports argparse and the command line's gettext only.
Each command names its function as "module:function" (`Handler`), imported when the command runs,
so `chiso profile` never loads polars and `chiso --help` never loads Django.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

from chiso.cli.i18n import LANGUAGES, ChisoParser
from chiso.cli.i18n import gettext as _

FORMATS = ("table", "json", "csv")
# The unit levels (chiso.engine.units.LEVELS), repeated here so that the parser does not import the
# engine; tests/cli/test_startup.py checks that they match.
UNIT_LEVELS = (
    "province",
    "district",
    "commune",
    "department",
    "office",
    "service_unit",
    "central_agency",
    "ministry",
)
SURVEY_LEVELS = ("province", "commune", "department", "office", "service_unit", "central_agency", "ministry")
# The survey engine's choices, repeated here so that the parser does not import the engine (and
# polars); tests/cli/test_parser.py checks that they match chiso.engine.survey.
AGGREGATIONS = ("respondent_mean", "pooled")
SINGLETON_RULES = ("error", "skip", "center")


class Handler:
    """A command's function, named "package.module:function" and imported when the command runs."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __call__(self, args: argparse.Namespace) -> str:
        module, name = self.target.split(":")
        return getattr(import_module(module), name)(args)

    def __repr__(self) -> str:
        return f"Handler({self.target!r})"


def _day(text: str) -> date:
    """A date written dd/mm/yyyy (or yyyy-mm-dd)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(_("{text!r}: cần dạng dd/mm/yyyy").format(text=text))


def _output_options(p: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    p.add_argument("--format", choices=formats, default="table", help=_("table (người đọc), json, csv"))
    p.add_argument("--lang", choices=LANGUAGES, default="vi", help=_("ngôn ngữ: vi (mặc định) hoặc en"))


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: one sub-command per task, in the command's current language."""
    parser = ChisoParser(
        prog="chiso",
        description=_("chiso — chỉ số hành chính công: xếp hạng, phân tích, cải thiện, báo cáo."),
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="vi", help=_("ngôn ngữ: vi (mặc định) hoặc en"))
    sub = parser.add_subparsers(dest="command", required=True)
    add_results(sub)
    add_analysis(sub)
    add_frameworks(sub)
    add_indices(sub)
    add_units(sub)
    add_organisers(sub)
    add_survey(sub)
    add_plans(sub)
    add_rounds(sub)
    add_reports(sub)
    add_dossiers(sub)
    add_setup(sub)
    add_worker(sub)
    return parser


def _period_option(p: Any) -> None:
    """--period: a month or quarter of the year (the 766 index's results per period)."""
    p.add_argument(
        "--period", help=_("một tháng (2025-10) hoặc quý (2025-Q4) của năm (chỉ số 766; mặc định: cả năm)")
    )


def add_results(sub: Any) -> None:
    """ranking, profile, import-results."""
    p = sub.add_parser("ranking", help=_("bảng xếp hạng của một chỉ số trong một năm"))
    p.add_argument("index", help="papi, pci, par_index, sipas …")
    p.add_argument("year", type=int)
    p.add_argument("--node", help=_("xếp hạng theo một nội dung/lĩnh vực (mã hoặc tên), ví dụ d5"))
    p.add_argument(
        "--level", help=_("cấp đơn vị được xếp hạng, ví dụ commune (mặc định: cấp đầu tiên của chỉ số)")
    )
    p.add_argument(
        "--draft", action="store_true", help=_("dùng bản nháp chưa công bố nếu có (xem trước của cán bộ)")
    )
    _output_options(p)
    _period_option(p)
    p.set_defaults(func=Handler("chiso.cli.results:cmd_ranking"))

    p = sub.add_parser("profile", help=_("vị trí của một đơn vị: điểm, hạng, thay đổi, nhóm, từng nội dung"))
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit", help=_('mã hoặc tên đơn vị, ví dụ 58 hoặc "Ninh Thuận"'))
    p.add_argument("--level", help=_("cấp của đơn vị, ví dụ commune (mặc định: cấp của đơn vị trong chỉ số)"))
    p.add_argument(
        "--draft", action="store_true", help=_("dùng bản nháp chưa công bố nếu có (xem trước của cán bộ)")
    )
    _output_options(p)
    _period_option(p)
    p.set_defaults(func=Handler("chiso.cli.results:cmd_profile"))

    p = sub.add_parser(
        "locality",
        help=_("mọi chỉ số của một đơn vị trong một năm: điểm, hạng, thay đổi, xu hướng, điểm bị mất"),
    )
    p.add_argument("unit", help=_("mã đơn vị chính thức, ví dụ 22 (Quảng Ninh)"))
    p.add_argument("year", type=int)
    _output_options(p, ("text", "table", "json", "csv"))
    p.set_defaults(func=Handler("chiso.cli.locality:cmd_locality"))

    p = sub.add_parser("import-results", help=_("nhập bảng kết quả (CSV/XLSX) của một chỉ số, một năm"))
    p.add_argument("file")
    p.add_argument("--index", required=True)
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--framework", help=_("mã khung tiêu chí (mặc định: khung áp dụng cho năm đó)"))
    p.add_argument("--sheet", help=_("tên trang tính (XLSX)"))
    p.add_argument("--replace", action="store_true", help=_("thay thế kết quả đã có của năm đó"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không ghi"))
    p.add_argument("--source", help=_("nguồn số liệu (quyết định, trang tin …)"))
    p.add_argument("--publisher", help=_("cơ quan công bố, ví dụ Bộ Nội vụ"))
    p.add_argument("--document", help=_('văn bản công bố, ví dụ "Quyết định 268/QĐ-BNV"'))
    p.add_argument("--national-mean", help=_("trung bình cả nước đã công bố (tổng điểm)"))
    p.add_argument(
        "--publish", action="store_true", help=_("công bố ngay (mặc định: lưu bản nháp, chưa công khai)")
    )
    p.set_defaults(func=Handler("chiso.cli.results:cmd_import_results"))

    p = sub.add_parser(
        "publish-results", help=_("công bố bản nháp kết quả của một chỉ số, một năm (bản cũ được giữ lại)")
    )
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.set_defaults(func=Handler("chiso.cli.results:cmd_publish_results"))

    p = sub.add_parser(
        "result-versions", help=_("các phiên bản kết quả của một chỉ số: nháp, công bố, đã thay")
    )
    p.add_argument("index")
    p.add_argument("--year", type=int)
    p.set_defaults(func=Handler("chiso.cli.results:cmd_result_versions"))


def add_analysis(sub: Any) -> None:
    """losses, whatif, target."""
    p = sub.add_parser(
        "losses", help=_("điểm bị mất theo từng nội dung, tiêu chí; so với đơn vị tốt nhất và trung bình")
    )
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit")
    p.add_argument("--all", action="store_true", help=_("mọi cấp của cây tiêu chí (mặc định: các nội dung)"))
    _output_options(p)
    _period_option(p)
    p.set_defaults(func=Handler("chiso.cli.analysis:cmd_losses"))

    p = sub.add_parser("whatif", help=_("giả định điểm mới ở một số nội dung → điểm và hạng mới"))
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit")
    p.add_argument(
        "--set", action="append", required=True, help=_("MÃ=+0.5 (tăng thêm) hoặc MÃ=7.2 (đặt giá trị)")
    )
    _output_options(p)
    _period_option(p)
    p.set_defaults(func=Handler("chiso.cli.analysis:cmd_whatif"))

    p = sub.add_parser(
        "target", help=_("cần tăng ít nhất bao nhiêu điểm, ở nội dung nào, để đạt hạng mục tiêu")
    )
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit")
    p.add_argument("--rank", type=int, required=True, help=_("hạng mục tiêu, ví dụ 30"))
    p.add_argument(
        "--nodes", help=_("các nội dung được tăng, cách nhau bởi dấu phẩy (mặc định: mọi nội dung)")
    )
    p.add_argument(
        "--feasible",
        action="append",
        help=_("MÃ=SỐ: mức tăng tối đa khả thi (mặc định: tới mức đơn vị tốt nhất)"),
    )
    p.add_argument("--effort", action="append", help=_("MÃ=SỐ: chi phí cho mỗi điểm (mặc định 1)"))
    _output_options(p)
    _period_option(p)
    p.set_defaults(func=Handler("chiso.cli.analysis:cmd_target"))


def add_frameworks(sub: Any) -> None:
    """frameworks list | show | validate | import | export."""
    p = sub.add_parser(
        "frameworks",
        help=_("khung tiêu chí: list | show CODE | validate FILE | import FILE | export CODE -o FILE"),
    )
    p.add_argument("action", choices=("list", "show", "validate", "import", "export"))
    p.add_argument("--replace", action="store_true", help=_("import: thay khung cùng mã"))
    p.add_argument("name", nargs="?", default="")
    p.add_argument("-o", "--output", help=_("tệp xuất (.xlsx hoặc .yaml)"))
    p.add_argument("--format", choices=("table", "json", "yaml"), default="table")
    p.set_defaults(func=Handler("chiso.cli.frameworks:cmd_frameworks"))


def add_indices(sub: Any) -> None:
    """indices list | show CODE | add CODE … | import FILE."""
    p = sub.add_parser(
        "indices",
        help=_('chỉ số: list | show CODE | add CODE --name "…" --max N | import FILE.yaml'),
    )
    p.add_argument("action", choices=("list", "show", "add", "import"))
    p.add_argument("name", nargs="?", default="", help=_("mã chỉ số (show, add) hoặc tệp YAML (import)"))
    p.add_argument("--name", dest="name_vi", help=_("add: tên tiếng Việt của chỉ số"))
    p.add_argument("--name-en", help=_("add: tên tiếng Anh"))
    p.add_argument("--short-name", help=_("add: tên viết tắt, ví dụ DGI (mặc định: mã viết hoa)"))
    p.add_argument("--publisher", help=_("add: cơ quan công bố"))
    p.add_argument("--legal-basis", help=_("add: căn cứ pháp lý (số, ngày quyết định)"))
    p.add_argument("--max", help=_("add: điểm tối đa của tổng điểm, ví dụ 100"))
    p.add_argument("--percent", action="store_true", help=_("add: chỉ số tính theo tỷ lệ %%"))
    p.add_argument(
        "--level",
        default="province",
        help=_(
            "add: cấp đơn vị: province, district, commune, department, office (phòng chuyên môn), "
            "service_unit (đơn vị sự nghiệp), central_agency (cơ quan Trung ương trên địa bàn), ministry; "
            "cấp khác cần --peer-noun"
        ),
    )
    p.add_argument(
        "--groups",
        default="none",
        choices=("none", "quartiles", "bands"),
        help=_("add: cách chia nhóm (mặc định: không chia nhóm)"),
    )
    p.add_argument("--precision", type=int, default=2, help=_("add: số chữ số thập phân khi xếp hạng"))
    p.add_argument(
        "--share-of-max",
        action="store_true",
        help=_('add: câu văn nêu tỷ lệ %% so với điểm tối đa ("165,02/220 điểm, đạt 75,01 %%")'),
    )
    p.add_argument(
        "--peer-noun", help=_('add: danh từ chỉ các đơn vị cùng cấp, ví dụ "huyện, thị xã, thành phố"')
    )
    p.add_argument("--alias", action="append", help=_("add: tên gọi khác (lặp lại được)"))
    p.add_argument("--format", choices=("table", "json", "yaml"), default="table")
    p.set_defaults(func=Handler("chiso.cli.indices:cmd_indices"))


def add_units(sub: Any) -> None:
    """units resolve | lineage | list | load-communes | load-districts | blocks | add-block | set-block."""
    p = sub.add_parser(
        "units",
        help=_(
            "đơn vị: resolve NAME | lineage NAME | search TEXT | list | load-communes | load-districts | blocks | "
            "add-block CODE --name TÊN | set-block ĐƠN_VỊ --block KHỐI [--from NGÀY]"
        ),
    )
    p.add_argument(
        "action",
        choices=(
            "resolve",
            "lineage",
            "search",
            "list",
            "load-communes",
            "load-districts",
            "blocks",
            "add-block",
            "set-block",
        ),
    )
    p.add_argument("name", nargs="?", default="")
    p.add_argument("--block", help=_('set-block: khối (mã hoặc tên); "" để đưa đơn vị ra khỏi khối'))
    p.add_argument(
        "--from",
        dest="since",
        type=_day,
        help=_("set-block: ngày đơn vị vào khối, dd/mm/yyyy (mặc định: từ trước tới nay); blocks: ngày xét"),
    )
    p.add_argument("--name", dest="block_name", help=_("add-block: tên khối"))
    p.add_argument("--name-en", help=_("add-block: tên khối tiếng Anh"))
    p.add_argument("--organiser", help=_("add-block: mã hoặc tên đơn vị tổ chức"))
    p.add_argument("--year", type=int, help=_("năm tham chiếu (đơn vị có hiệu lực ngày 31/12 năm đó)"))
    p.add_argument(
        "--level",
        choices=UNIT_LEVELS,
        help=_("cấp đơn vị (mặc định: list — tỉnh; resolve — cấp nào có tên ấy trong năm, từ tỉnh xuống xã)"),
    )
    p.set_defaults(func=Handler("chiso.cli.units:cmd_units"))


def add_organisers(sub: Any) -> None:
    """organisers list | add | grant; users add; cycles list | create | publish."""
    p = sub.add_parser(
        "organisers",
        help=_(
            "đơn vị tổ chức: list | add MÃ --name TÊN [--unit MÃ_ĐỊA_BÀN] [--parent MÃ] | grant MÃ --user … --role …"
        ),
    )
    p.add_argument("action", choices=("list", "add", "grant"))
    p.add_argument("code", nargs="?", default="", help=_("mã đơn vị tổ chức"))
    p.add_argument("--name", dest="organiser_name", help=_("add: tên, ví dụ «Phòng Nội vụ huyện Bình Liêu»"))
    p.add_argument("--name-en", help=_("add: tên tiếng Anh"))
    p.add_argument(
        "--unit", help=_("add: mã tỉnh, huyện hoặc cơ quan; grant: mã đơn vị của cán bộ, thủ trưởng đơn vị")
    )
    p.add_argument("--parent", help=_("add: mã đơn vị tổ chức cấp trên"))
    p.add_argument("--user", help=_("grant: tên đăng nhập"))
    p.add_argument("--role", help="grant: officer | appraiser | council | leader | unit_staff | unit_head")
    p.set_defaults(func=Handler("chiso.cli.organisers:cmd_organisers"))

    p = sub.add_parser("users", help=_("tài khoản: add TÊN_ĐĂNG_NHẬP [--email …] [--password-stdin]"))
    p.add_argument("action", choices=("add",))
    p.add_argument("username")
    p.add_argument("--email")
    p.add_argument(
        "--password-stdin", action="store_true", help=_("đọc mật khẩu từ một dòng của đầu vào chuẩn")
    )
    p.set_defaults(func=Handler("chiso.cli.organisers:cmd_users"))

    p = sub.add_parser(
        "cycles",
        help=_(
            "kỳ đánh giá: list | create --organiser … --framework … --year … --level … --block … --due … "
            "| publish SỐ --user … | import-scores SỐ TỆP --user …"
        ),
    )
    p.add_argument("action", choices=("list", "create", "publish", "import-scores"))
    p.add_argument("cycle_id", nargs="?", type=int, help=_("publish, import-scores: số hiệu kỳ đánh giá"))
    p.add_argument(
        "file",
        nargs="?",
        help=_("import-scores: tệp CSV/XLSX, mỗi dòng một đơn vị (cột «Mã đơn vị», mỗi số liệu một cột)"),
    )
    p.add_argument("--organiser", help=_("mã hoặc tên đơn vị tổ chức"))
    p.add_argument("--framework", help=_("create: mã khung tiêu chí"))
    p.add_argument("--year", type=int, help=_("create: năm đánh giá"))
    p.add_argument("--level", help=_("create: cấp đơn vị (department, commune, office …)"))
    p.add_argument("--block", help=_("create: tên khối, ví dụ «UBND các xã»"))
    p.add_argument("--due", type=_day, help=_("create: hạn tự đánh giá, dd/mm/yyyy"))
    p.add_argument(
        "--units", help=_("create: mã các đơn vị, cách nhau bởi dấu phẩy (mặc định: mọi đơn vị của cấp)")
    )
    p.add_argument("--user", help=_("publish, import-scores: tên đăng nhập của cán bộ công bố, nhập điểm"))
    p.set_defaults(func=Handler("chiso.cli.organisers:cmd_cycles"))


def add_survey(sub: Any) -> argparse.ArgumentParser:
    """survey estimate | plan (files only) and the database commands."""
    parser = sub.add_parser("survey", help=_("khảo sát: tính chỉ số hài lòng từ tệp bảng hỏi và tệp trả lời"))
    survey = parser.add_subparsers(dest="survey_command", required=True)

    p = survey.add_parser("estimate", help=_("chỉ số hài lòng theo đơn vị, yếu tố, kèm khoảng tin cậy 95%%"))
    p.add_argument("--form", required=True, type=Path, help=_("bảng hỏi XLSForm (.xlsx)"))
    p.add_argument(
        "--responses", required=True, type=Path, help=_("dữ liệu trả lời xuất từ Kobo/ODK (.csv/.xlsx)")
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--unit-column", help=_("cột đơn vị trong tệp trả lời (nếu bảng hỏi không đánh dấu chiso_role=unit)")
    )
    p.add_argument("--weight-column", help=_("cột trọng số"))
    p.add_argument("--strata-column", help=_("cột tầng"))
    p.add_argument("--psu-column", help=_("cột đơn vị mẫu cấp 1 (PSU)"))
    p.add_argument(
        "--satisfied", help=_('đáp án tính là hài lòng, ví dụ "4 5" (mặc định: theo bảng hỏi, top-2)')
    )
    p.add_argument("--min-n", type=int, default=30, help=_("cỡ mẫu dưới mức này bị đánh dấu (mặc định 30)"))
    p.add_argument("--aggregation", choices=AGGREGATIONS, default="respondent_mean")
    p.add_argument("--singleton", choices=SINGLETON_RULES, default="error", help=_("tầng chỉ có một PSU"))
    p.add_argument(
        "--valid-only", action="store_true", help=_("chỉ nhập các dòng hợp lệ, báo cáo các dòng lỗi")
    )
    p.add_argument("--questions", action="store_true", help=_("in cả chỉ số từng câu hỏi"))
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_estimate"))

    p = survey.add_parser("plan", help=_("cỡ mẫu n = N/(1+N·e²)"))
    p.add_argument("--population", required=True, type=int, help=_("quy mô tổng thể N"))
    p.add_argument("--margin", type=float, default=0.05, help=_("sai số cho phép e (mặc định 0.05)"))
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_plan"))

    p = survey.add_parser("import-form", help=_("nạp bảng hỏi XLSForm vào cơ sở dữ liệu (lưu theo mã băm)"))
    p.add_argument("file", nargs="?", type=Path, help=_("tệp XLSForm (.xlsx)"))
    p.add_argument("--sipas", action="store_true", help=_("nạp bảng hỏi SIPAS có sẵn trong chiso"))
    p.add_argument("--name", default="", help=_("tên bảng hỏi (mặc định: form_title)"))
    p.add_argument(
        "--satisfied", default="", help=_('đáp án tính là hài lòng, ví dụ "4 5" (mặc định: top-2)')
    )
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_import_form"))

    p = survey.add_parser("create", help=_("tạo đợt khảo sát"))
    p.add_argument("--form", required=True, type=int, help=_("số hiệu bảng hỏi (xem: chiso survey list)"))
    p.add_argument("--title", required=True)
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--level", required=True, choices=SURVEY_LEVELS, help=_("cấp đơn vị được khảo sát"))
    p.add_argument("--aggregation", choices=AGGREGATIONS, default="respondent_mean")
    p.add_argument("--singleton", choices=SINGLETON_RULES, default="error", help=_("tầng chỉ có một PSU"))
    p.add_argument("--min-n", type=int, default=30, help=_("cỡ mẫu dưới mức này bị đánh dấu (mặc định 30)"))
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_create"))

    p = survey.add_parser("list", help=_("các bảng hỏi và đợt khảo sát"))
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_list"))

    p = survey.add_parser("import-responses", help=_("nhập tệp trả lời (Kobo/ODK) vào một đợt khảo sát"))
    p.add_argument("survey", type=int, help=_("số hiệu đợt khảo sát"))
    p.add_argument("file", type=Path, help=_("tệp CSV/XLSX xuất từ KoboToolbox/ODK"))
    p.add_argument(
        "--valid-only", action="store_true", help=_("chỉ nhập các dòng hợp lệ, báo cáo các dòng lỗi")
    )
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_import_responses"))

    p = survey.add_parser("compute", help=_("tính và lưu mọi chỉ số của đợt khảo sát"))
    p.add_argument("survey", type=int)
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_compute"))

    p = survey.add_parser(
        "results", help=_("xếp hạng kèm khoảng tin cậy 95%% và các đơn vị không phân biệt được")
    )
    p.add_argument("survey", type=int)
    p.add_argument("--factor", default="overall", help=_("mã yếu tố (mặc định: chỉ số chung)"))
    p.add_argument("--type", default="*", help=_("loại người trả lời (mặc định * = tất cả)"))
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_results"))

    p = survey.add_parser("link", help=_("đưa chỉ số khảo sát vào các tiêu chí khảo sát của một kỳ đánh giá"))
    p.add_argument("survey", type=int)
    p.add_argument("--cycle", required=True, type=int, help=_("số hiệu kỳ đánh giá"))
    p.add_argument(
        "--map",
        action="append",
        required=True,
        metavar=_("TIÊU_CHÍ=YẾU_TỐ"),
        help=_("tiêu chí = mã yếu tố hoặc overall, ví dụ 8.1=overall (lặp lại được)"),
    )
    p.add_argument("--user", required=True, help=_("tên đăng nhập của cán bộ Sở Nội vụ thực hiện"))
    p.set_defaults(func=Handler("chiso.cli.survey:cmd_link"))
    return parser


def add_plans(sub: Any) -> argparse.ArgumentParser:
    """plans remind | assign | import-responsibilities | add-item | mine | report | status."""
    parser = sub.add_parser("plans", help=_("kế hoạch cải thiện: nhắc và cảnh báo cơ quan chậm, im lặng"))
    plans = parser.add_subparsers(dest="plans_command", required=True)
    p = plans.add_parser(
        "remind",
        help=_("ghi và gửi thư cảnh báo nhiệm vụ quá hạn, cơ quan không báo cáo tiến độ (mỗi việc một lần)"),
    )
    p.add_argument("--date", type=_day, help=_("ngày xét (mặc định hôm nay), dd/mm/yyyy"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ liệt kê, không ghi, không gửi thư"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_remind"))

    p = plans.add_parser(
        "assign", help=_("giao một tiêu chí cho cơ quan, đơn vị chủ trì và phối hợp (sở, huyện, xã …)")
    )
    p.add_argument("framework", help=_("mã khung tiêu chí, ví dụ papi-2018"))
    p.add_argument("criterion", help=_("mã tiêu chí, ví dụ d2.1"))
    p.add_argument("--lead", required=True, help=_("mã chính thức của đơn vị chủ trì, ví dụ 06688"))
    p.add_argument("--supporter", action="append", help=_("mã đơn vị phối hợp (lặp lại được)"))
    p.add_argument("--user", required=True, help=_("tên đăng nhập của cán bộ Sở Nội vụ thực hiện"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_assign"))

    p = plans.add_parser(
        "import-responsibilities", help=_("nhập phân công tiêu chí từ Excel (mã tiêu chí, chủ trì, phối hợp)")
    )
    p.add_argument("framework")
    p.add_argument("file", type=Path)
    p.add_argument("--user", required=True, help=_("tên đăng nhập của cán bộ Sở Nội vụ thực hiện"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_import_responsibilities"))

    p = plans.add_parser(
        "add-item", help=_("thêm nội dung vào kế hoạch, giao cho bất kỳ đơn vị nào của địa bàn")
    )
    p.add_argument("plan", type=int, help=_("số hiệu kế hoạch"))
    p.add_argument("criterion")
    p.add_argument("--lead", required=True, help=_("mã chính thức của đơn vị chủ trì"))
    p.add_argument("--supporter", action="append", help=_("mã đơn vị phối hợp (lặp lại được)"))
    p.add_argument("--deadline", required=True, type=_day, help=_("thời hạn hoàn thành, dd/mm/yyyy"))
    p.add_argument("--actions", help=_("giải pháp, nhiệm vụ"))
    p.add_argument("--user", required=True, help=_("tên đăng nhập của cán bộ Sở Nội vụ thực hiện"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_add_item"))

    p = plans.add_parser(
        "mine", help=_("tiêu chí, nội dung, nhiệm vụ được giao cho đơn vị của một người dùng")
    )
    p.add_argument("--user", required=True, help=_("tên đăng nhập"))
    p.add_argument("--date", type=_day, help=_("ngày xét (mặc định hôm nay), dd/mm/yyyy"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_mine"))

    p = plans.add_parser(
        "report", help=_("gửi báo cáo tiến độ một nội dung kế hoạch, kèm tài liệu kiểm chứng")
    )
    p.add_argument("item", type=int, help=_("số hiệu nội dung kế hoạch (xem «chiso plans mine»)"))
    p.add_argument("--user", required=True, help=_("tên đăng nhập của cán bộ đơn vị được giao"))
    p.add_argument("--percent", required=True, type=int, help=_("%% hoàn thành (0–100)"))
    p.add_argument("--text", required=True, help=_("kết quả thực hiện"))
    p.add_argument("--period", help=_("kỳ báo cáo, ví dụ quarter-2026-3 (mặc định: kỳ mới nhất đã bắt đầu)"))
    p.add_argument("--evidence", type=Path, help=_("tài liệu kiểm chứng: PDF, DOCX, XLSX, PNG, JPG"))
    p.add_argument("--task", type=int, help=_("số hiệu nhiệm vụ, nếu báo cáo cho một nhiệm vụ"))
    p.add_argument("--date", type=_day, help=_("ngày xét (mặc định hôm nay), dd/mm/yyyy"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_report"))

    p = plans.add_parser(
        "status", help=_("báo cáo tiến độ theo cơ quan, đơn vị: đã nhận, muộn, chưa báo cáo")
    )
    p.add_argument("plan", type=int, help=_("số hiệu kế hoạch"))
    p.add_argument("--date", type=_day, help=_("ngày xét (mặc định hôm nay), dd/mm/yyyy"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_status"))
    p = plans.add_parser("commitment", help=_("bản cam kết (Word) của một cơ quan trong kế hoạch"))
    p.add_argument("plan", type=int, help=_("số của kế hoạch (như trên trang /ke-hoach/SỐ/)"))
    p.add_argument("agency", help=_("mã hoặc tên cơ quan, đơn vị"))
    p.add_argument("-o", "--output", required=True, type=Path, help=_("tệp Word (.docx) xuất ra"))
    p.add_argument("--pdf", type=Path, help=_("kèm bản PDF (cần LibreOffice)"))
    p.add_argument("--template", type=Path, help=_("mẫu Word riêng (sửa từ mẫu mặc định)"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_commitment"))
    p = plans.add_parser(
        "scorecard", help=_("kết quả thực hiện kế hoạch của từng cơ quan (đánh giá người đứng đầu)")
    )
    p.add_argument("plan", type=int, help=_("số của kế hoạch (như trên trang /ke-hoach/SỐ/)"))
    p.add_argument("--format", choices=["text", "csv", "json"], default="text")
    p.add_argument("--date", type=_day, help=_("ngày xét (mặc định hôm nay), dd/mm/yyyy"))
    p.set_defaults(func=Handler("chiso.cli.plans:cmd_scorecard"))
    return parser


def add_rounds(sub: Any) -> None:
    """rounds list | create | status | remind | export."""
    p = sub.add_parser(
        "rounds",
        help=_("đợt báo cáo phân tích: list | create … | status SỐ | remind SỐ | export SỐ -o TỆP.xlsx"),
    )
    p.add_argument("action", choices=("list", "create", "status", "remind", "export"))
    p.add_argument("round_id", nargs="?", type=int, help=_("status, remind, export: số hiệu đợt báo cáo"))
    p.add_argument("--organiser", help=_("create: mã hoặc tên đơn vị tổ chức"))
    p.add_argument("--number", help=_("create: số hiệu văn bản"))
    p.add_argument("--issued", type=_day, help=_("create: ngày văn bản, dd/mm/yyyy (mặc định hôm nay)"))
    p.add_argument("--deadline", type=_day, help=_("create: hạn gửi báo cáo, dd/mm/yyyy"))
    p.add_argument("--title", help=_("create: trích yếu"))
    p.add_argument("--year", type=int, help=_("create: năm kết quả được phân tích"))
    p.add_argument("--index", action="append", help=_("create: mã chỉ số (lặp lại được)"))
    p.add_argument(
        "--units", help=_("create: mã các cơ quan, đơn vị, cách nhau bởi dấu phẩy (mặc định: các sở, huyện)")
    )
    p.add_argument("--send", action="store_true", help=_("create: gửi đề nghị ngay"))
    p.add_argument("--user", help=_("create: tên đăng nhập của cán bộ tạo đợt"))
    p.add_argument("--dry-run", action="store_true", help=_("remind: chỉ liệt kê, không gửi thư"))
    p.add_argument("-o", "--output", type=Path, help=_("export: tệp Excel (.xlsx) hoặc Word (.docx) xuất ra"))
    p.set_defaults(func=Handler("chiso.cli.rounds:cmd_rounds"))


def add_reports(sub: Any) -> None:
    """report, proforma."""
    p = sub.add_parser(
        "report",
        help=_(
            "báo cáo phân tích cho hội nghị: mọi chỉ số của một đơn vị trong một năm (UNIT YEAR), hoặc "
            "một chỉ số (INDEX YEAR UNIT): Word (mẫu sửa được), Excel, PDF"
        ),
    )
    p.add_argument(
        "words",
        nargs="+",
        metavar="UNIT YEAR | INDEX YEAR UNIT",
        help=_('"Quảng Ninh" 2024 (mọi chỉ số) hoặc papi 2021 "Ninh Thuận" (một chỉ số)'),
    )
    p.add_argument(
        "--index",
        dest="indices",
        nargs="+",
        action="extend",
        metavar="CODE",
        help=_("chỉ các chỉ số này (mặc định: mọi chỉ số có kết quả năm đó)"),
    )
    p.add_argument(
        "--language", choices=("vi", "en"), help=_("ngôn ngữ của báo cáo (mặc định: ngôn ngữ của lệnh)")
    )
    p.add_argument("-o", "--output", required=True, type=Path, help=_("tệp Word (.docx) xuất ra"))
    p.add_argument("--xlsx", type=Path, help=_("kèm sổ Excel có mọi bảng của báo cáo"))
    p.add_argument("--pdf", type=Path, help=_("kèm bản PDF (cần LibreOffice)"))
    p.add_argument("--template", type=Path, help=_("mẫu Word riêng (sửa từ mẫu mặc định)"))
    p.add_argument(
        "--target-rank", type=int, help=_("hạng mục tiêu (mặc định: nhóm kế trên hoặc tốp 30/20/10)")
    )
    p.add_argument(
        "--issuer", help=_("cơ quan lập báo cáo (mặc định: Sở Nội vụ; Phòng Nội vụ cho báo cáo của huyện)")
    )
    p.add_argument("--charts-dir", type=Path, help=_("giữ lại các biểu đồ PNG trong thư mục này"))
    p.set_defaults(func=Handler("chiso.cli.reports:cmd_report"))

    p = sub.add_parser(
        "proforma",
        help=_("số liệu giả định (pro-forma) của tỉnh mới sau sáp nhập 2025, từ kết quả các tỉnh cũ"),
    )
    p.add_argument("index")
    p.add_argument("year", type=int, help=_("năm kết quả của các tỉnh thành phần, ví dụ 2024"))
    p.add_argument("unit", help=_('tỉnh mới, ví dụ "Khánh Hòa"'))
    p.add_argument(
        "--method",
        choices=("mean", "population"),
        default="mean",
        help=_("mean: trung bình cộng; population: bình quân gia quyền theo dân số"),
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=Handler("chiso.cli.reports:cmd_proforma"))


def add_dossiers(sub: Any) -> argparse.ArgumentParser:
    """dossiers generate (files only, chiso.cli.dossiers); import and compute join the same group."""
    parser = sub.add_parser(
        "dossiers",
        help=_(
            "hồ sơ thủ tục hành chính (Quyết định 766/QĐ-TTg): sinh dữ liệu mẫu, nhập, tính chỉ số theo kỳ"
        ),
    )
    dossiers = parser.add_subparsers(dest="dossiers_command", required=True)

    p = dossiers.add_parser(
        "generate", help=_("sinh hồ sơ mẫu (có hạt giống, có các độ lệch của hệ thống thật) cho một tháng")
    )
    p.add_argument("--rows", required=True, type=int, help=_("số hồ sơ"))
    p.add_argument("--period", required=True, help=_("tháng, dạng yyyy-mm, ví dụ 2025-10"))
    units = p.add_mutually_exclusive_group(required=True)
    units.add_argument("--units", help=_("mã các đơn vị, cách nhau bởi dấu phẩy"))
    units.add_argument(
        "--under",
        metavar=_("MÃ_TỈNH"),
        help=_("mọi sở, ngành, xã, phường của một tỉnh (cần danh mục đơn vị)"),
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        help=_("tệp hồ sơ .parquet (hoặc .csv); thủ tục công bố ghi vào tệp …-procedures bên cạnh"),
    )
    p.add_argument("--seed", type=int, default=766, help=_("hạt giống ngẫu nhiên (mặc định 766)"))
    p.set_defaults(func=Handler("chiso.cli.dossiers:cmd_generate"))

    p = dossiers.add_parser(
        "import", help=_("nhập tệp hồ sơ (CSV, Parquet): cả tệp hoặc không gì; hồ sơ nhập lại thay hồ sơ cũ")
    )
    p.add_argument("files", nargs="*", type=Path, metavar=_("TỆP"), help=_("tệp hồ sơ"))
    p.add_argument("--procedures", type=Path, action="append", default=[], help=_("tệp thủ tục công bố"))
    p.add_argument("--mapping", type=Path, help=_("tệp ánh xạ cột (YAML)"))
    p.set_defaults(func=Handler("chiso.cli.dossiers:cmd_import"))

    p = dossiers.add_parser("compute", help=_("tính Chỉ số 766 của mọi đơn vị cho một kỳ"))
    p.add_argument("--period", required=True, help=_("tháng (2025-10), quý (2025-Q4) hoặc năm (2025)"))
    p.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    p.add_argument("--master", help=_("địa chỉ Spark (mặc định local[*])"))
    p.add_argument("--under", metavar=_("MÃ_TỈNH"), help=_("chỉ các đơn vị của một tỉnh"))
    p.add_argument(
        "--level", help=_("chỉ in bảng xếp hạng của một cấp, ví dụ commune (mặc định: mỗi cấp một bảng)")
    )
    p.set_defaults(func=Handler("chiso.cli.dossiers:cmd_compute"))
    return parser


def add_setup(sub: Any) -> None:
    """setup (alias migrate), demo, serve."""
    p = sub.add_parser(
        "setup", aliases=["migrate"], help=_("tạo hoặc cập nhật cơ sở dữ liệu và nạp dữ liệu có sẵn")
    )
    p.add_argument("--communes", action="store_true", help=_("nạp cả 3.321 xã, phường, đặc khu"))
    p.set_defaults(func=Handler("chiso.cli.setup:cmd_setup"))

    p = sub.add_parser("demo", help=_("chạy ứng dụng web với dữ liệu thật (SQLite)"))
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=Handler("chiso.cli.setup:cmd_demo"))

    p = sub.add_parser("serve", help=_("chạy ứng dụng web trên máy chủ thật (gunicorn), như khi triển khai"))
    p.add_argument("--host", default="127.0.0.1", help=_("địa chỉ lắng nghe (mặc định 127.0.0.1)"))
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        help=_("số tiến trình (mặc định: CHISO_WEB_WORKERS, hoặc số CPU, từ 2 đến 8)"),
    )
    p.add_argument(
        "--threads", type=int, help=_("số luồng mỗi tiến trình (mặc định: CHISO_WEB_THREADS, hoặc 4)")
    )
    p.add_argument(
        "--access-log", action="store_true", help=_("ghi mỗi yêu cầu ra đầu ra chuẩn (nhật ký truy cập)")
    )
    p.add_argument(
        "--no-worker",
        action="store_true",
        help=_("không chạy tiến trình việc nền kèm theo (khi đã chạy `chiso worker` riêng)"),
    )
    p.set_defaults(func=Handler("chiso.cli.serve:cmd_serve"))


def add_worker(sub: Any) -> None:
    """worker."""
    p = sub.add_parser(
        "worker", help=_("chạy các việc nền (nhập tệp, tính toán, báo cáo, thư nhắc) các trang gửi tới")
    )
    p.add_argument("--batch", action="store_true", help=_("chạy hết các việc đang chờ rồi dừng"))
    p.add_argument("--max-tasks", type=int, help=_("dừng sau chừng ấy việc"))
    p.add_argument(
        "--interval", type=float, default=1.0, help=_("số giây chờ giữa hai lần xem hàng đợi (mặc định 1)")
    )
    p.add_argument("--quiet", action="store_true", help=_("không ghi nhật ký từng việc"))
    p.set_defaults(func=Handler("chiso.cli.worker:cmd_worker"))
