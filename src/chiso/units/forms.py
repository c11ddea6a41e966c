"""Forms of the units and organisers pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.accounts.models import Role

# The levels of units an organiser assesses itself, as its cycles and units pages offer them: a
# province's departments, districts and communes, a district's offices and communes, the public
# service units and the central agencies in a province.
LEVELS = [
    ("department", _("Sở, ban, ngành")),
    ("district", _("Huyện, thị xã, thành phố")),
    ("commune", _("UBND cấp xã")),
    ("office", _("Phòng, ban chuyên môn")),
    ("service_unit", _("Đơn vị sự nghiệp công lập")),
    ("central_agency", _("Cơ quan Trung ương trên địa bàn")),
]


class UnitImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class OrganiserForm(forms.Form):
    """A new organiser under one the officer manages (or at the top, for the installation's officers)."""

    code = forms.SlugField(label=_("Mã"), max_length=40, help_text=_("ví dụ: phong-noi-vu-binh-lieu"))
    name = forms.CharField(label=_("Tên"), max_length=200, help_text=_("ví dụ: Phòng Nội vụ huyện Bình Liêu"))
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=200, required=False)
    unit_code = forms.CharField(
        label=_("Mã địa bàn hoặc cơ quan"),
        max_length=16,
        required=False,
        help_text=_("mã tỉnh, huyện hoặc cơ quan có các đơn vị được đánh giá, ví dụ 198 (huyện Bình Liêu)"),
    )
    parent = forms.TypedChoiceField(
        label=_("Đơn vị tổ chức cấp trên"), coerce=int, required=False, empty_value=None
    )


class MemberForm(forms.Form):
    """Give an existing account a role in an organiser (a unit role: for one of its units)."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=[(r.value, r.label) for r in Role if r != Role.ADMIN]
    )
    unit_code = forms.CharField(
        label=_("Mã đơn vị"), max_length=16, required=False, help_text=_("chỉ với cán bộ, thủ trưởng đơn vị")
    )
