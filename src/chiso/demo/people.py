"""The demo province's units and people: Quảng Ninh's departments (a local code scheme), some of its
communes (official codes), and a user for every role, with the published demo password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.units.models import Unit

DEMO_PASSWORD = "chiso-demo"
PROVINCE_CODE = "22"  # Quảng Ninh
EMAIL_DOMAIN = "chiso.example"

# (local code, name, kind, login suffix)
DEPARTMENTS = [
    ("22.VP", "Văn phòng UBND tỉnh", "văn phòng", "vanphong"),
    ("22.SNV", "Sở Nội vụ", "sở", "sonoivu"),
    ("22.STP", "Sở Tư pháp", "sở", "sotuphap"),
    ("22.STC", "Sở Tài chính", "sở", "sotaichinh"),
    ("22.SCT", "Sở Công Thương", "sở", "socongthuong"),
    ("22.SNNMT", "Sở Nông nghiệp và Môi trường", "sở", "sonongnghiep"),
    ("22.SXD", "Sở Xây dựng", "sở", "soxaydung"),
    ("22.SKHCN", "Sở Khoa học và Công nghệ", "sở", "sokhoahoc"),
    ("22.SGDDT", "Sở Giáo dục và Đào tạo", "sở", "sogiaoduc"),
    ("22.SYT", "Sở Y tế", "sở", "soyte"),
    ("22.SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "sở", "sovanhoa"),
    ("22.SDTTG", "Sở Dân tộc và Tôn giáo", "sở", "sodantoc"),
    ("22.SNGV", "Sở Ngoại vụ", "sở", "songoaivu"),
    ("22.TTR", "Thanh tra tỉnh", "thanh tra", "thanhtra"),
]

# official code → login suffix: wards of Hạ Long's old area, Cẩm Phả, and the two special zones
COMMUNES = {
    "06688": "halong",
    "06673": "baichay",
    "06685": "honggai",
    "06652": "hatu",
    "06706": "tuanchau",
    "06793": "campha",
    "06994": "vandon",
    "07192": "coto",
}

# Units whose staff and head can log in with the demo password (the others' accounts exist only
# as the authors of the seeded history and cannot log in).
LOGIN_UNITS = ("sotuphap", "soyte", "halong", "vandon")


@dataclass
class Account:
    username: str
    role: str
    unit: str
    password: str


# -- units, frameworks, people ----------------------------------------------------------------------


def departments() -> dict[str, Unit]:
    units = {}
    for code, name, kind, slug in DEPARTMENTS:
        unit, _ = Unit.objects.update_or_create(
            level="department",
            code=code,
            valid_from=None,
            defaults={"name": name, "kind": kind, "parent_code": PROVINCE_CODE},
        )
        units[slug] = unit
    return units


def communes() -> dict[str, Unit]:
    if not Unit.objects.filter(level="commune", code__in=list(COMMUNES)).exists():
        from chiso.units.registry import load_communes

        load_communes()
    found = {u.code: u for u in Unit.objects.filter(level="commune", code__in=list(COMMUNES), valid_to=None)}
    return {slug: found[code] for code, slug in COMMUNES.items()}


def assign_blocks(department_units: dict[str, Unit], commune_units: dict[str, Unit]) -> None:
    """Quảng Ninh publishes its internal rankings by block: the departments (with the provincial
    office and inspectorate) in the block of departments, the communes in the block of localities."""
    from chiso.units.blocks import ensure_standard_blocks, set_block
    from chiso.units.models import Block, BlockMembership

    ensure_standard_blocks()
    for units, code in ((department_units, "so-ban-nganh"), (commune_units, "dia-phuong")):
        block = Block.objects.get(code=code)
        for unit in units.values():
            if not BlockMembership.objects.filter(unit=unit).exists():
                set_block(unit, block)


def _user(username: str, first: str, last: str, can_log_in: bool, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@{EMAIL_DOMAIN}",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        if can_log_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _member(user: User, role: str, unit: Unit | None = None) -> None:
    Membership.objects.get_or_create(user=user, role=role, unit=unit)


def people_and_accounts(units: dict[str, Unit]) -> tuple[dict[str, User], list[Account]]:
    people: dict[str, User] = {}
    accounts: list[Account] = []
    for username, role, first, last in (
        ("admin", Role.ADMIN, "Quản trị", "hệ thống"),
        ("sonoivu", Role.OFFICER, "Chuyên viên", "Sở Nội vụ"),
        ("thamdinh", Role.APPRAISER, "Tổ", "thẩm định"),
        ("hoidong", Role.COUNCIL, "Hội đồng", "đánh giá"),
        ("lanhdao", Role.LEADER, "Lãnh đạo", "UBND tỉnh"),
    ):
        user = _user(username, first, last, True, superuser=username == "admin")
        _member(user, role)
        people[username] = user
        accounts.append(Account(username, str(Role(role).label), "", DEMO_PASSWORD))
    for slug, unit in units.items():
        can_log_in = slug in LOGIN_UNITS
        for prefix, role, title in (
            ("canbo", Role.UNIT_STAFF, "Cán bộ"),
            ("thutruong", Role.UNIT_HEAD, "Thủ trưởng"),
        ):
            user = _user(f"{prefix}_{slug}", title, unit.name, can_log_in)
            _member(user, role, unit)
            people[f"{prefix}_{slug}"] = user
            if can_log_in:
                accounts.append(Account(user.username, str(Role(role).label), unit.name, DEMO_PASSWORD))
    return people, accounts
