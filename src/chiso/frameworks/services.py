"""Finding indices and frameworks, storing them, and loading the built-in ones.

A stored framework that figures were computed on (a result set, a cycle in which a unit has started)
never changes, whatever the path (the editor, a file import with --replace, the built-in loader):
`save_framework` refuses it with `FrameworkLocked`, and a change is a new version (a copy under a
new code). A built-in framework is changed only by the built-in loader, and keeps its flag.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.logs import logged_import
from chiso.core.safe_yaml import load_yaml
from chiso.data import data_path
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.frameworks import framework_from_dict, framework_to_dict
from chiso.engine.names import match_key
from chiso.frameworks.indices import clean_all, ensure_index, read_indices_yaml, save_index
from chiso.frameworks.method import canonical_json
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.usage import in_use


class IndexNotFound(LookupError):
    pass


class FrameworkLocked(ValueError):
    """A stored framework that may not change (built-in, or figures were computed on it); the
    message says why and what to do instead."""


def change_refusal(row: Framework) -> str:
    """Why the stored framework `row` may not change, or "" when it may: figures were computed on it
    (a result set, a cycle in which a unit has started)."""
    use = in_use(row)
    if not use:
        return ""
    return _(
        "Khung {code} đã được dùng cho {use} nên không sửa được: các số liệu đã tính trên khung này "
        "phải giữ nguyên. Hãy sao chép thành phiên bản mới (mã mới) rồi sửa bản sao."
    ).format(code=row.code, use=use)


def builtin_refusal(row: Framework) -> str:
    """Why a built-in framework may not be replaced (only the built-in loader writes it)."""
    return _(
        "Khung {code} có sẵn trong chiso nên không thay thế được. Hãy sao chép thành khung mới (mã mới) "
        "rồi sửa bản sao."
    ).format(code=row.code)


def same_content(row: Framework, framework: EngineFramework) -> bool:
    """Whether storing `framework` would leave the stored `row` as it is."""
    return canonical_json(framework_to_dict(framework)) == canonical_json(row.definition)


def find_index(text: str) -> Index:
    """The index a user means: by code, short name or alias, in any case or spelling."""
    key = match_key(text)
    for index in Index.objects.all():
        names = [index.code, index.short_name, *index.aliases]
        if key in {match_key(n) for n in names}:
            return index
    known = ", ".join(Index.objects.values_list("code", flat=True))
    raise IndexNotFound(_("Không có chỉ số {index!r}. Có: {known}.").format(index=text, known=known))


def framework_for(index: Index, year: int, level: str | None = None) -> Framework:
    """The framework version of an index that applies to a year for the units of `level` (by default
    the level the index ranks, `index.unit_level`): DDCI has one framework for its districts and one
    for its departments. LookupError, naming the index, the year and the level, when there is none."""
    level = level or index.unit_level
    candidates = [f for f in index.frameworks.filter(scope=level) if f.covers(year)]
    if not candidates:
        raise LookupError(
            _("Chỉ số {index} chưa có khung tiêu chí cho năm {year}, cấp {level}.").format(
                index=index.short_name, year=year, level=f"{index.peer_noun(level)} ({level})"
            )
        )
    return max(candidates, key=lambda f: f.first_year or 0)


@logged_import("framework")
@transaction.atomic
def save_framework(framework: EngineFramework, builtin: bool = False, owner: int | None = None) -> Framework:
    """Store a framework; when its file carried its index (`index:` mapping), the index is created
    first if it does not exist (`IndexDataError` if it exists with different data). A new framework
    (and a new index its file carried) belongs to the organiser `owner` (None: shared).

    An existing framework is replaced only when it may change: `FrameworkLocked` when figures were
    computed on it, or when it is built-in and the caller is not the built-in loader (`builtin`).
    Saving the same content changes nothing; a built-in framework stays built-in."""
    if framework.index_data is not None:
        carried, index_created = ensure_index(framework.index_data)
        if index_created and owner is not None:
            carried.organiser_id = owner
            carried.save(update_fields=["organiser"])  # saved, not updated in bulk: the change is logged
    existing = Framework.objects.select_for_update().filter(code=framework.code).first()
    if existing is not None:
        if same_content(existing, framework):
            if builtin and not existing.builtin:
                existing.builtin = True
                existing.save(update_fields=["builtin", "updated"])
            return existing
        refusal = change_refusal(existing)
        if refusal:
            raise FrameworkLocked(refusal)
        if existing.builtin and not builtin:
            raise FrameworkLocked(builtin_refusal(existing))
        builtin = builtin or existing.builtin
    index = Index.objects.get(code=framework.index)
    row, created = Framework.objects.update_or_create(
        code=framework.code,
        defaults={
            "index": index,
            "name_vi": framework.name_vi,
            "scope": framework.scope,
            "first_year": framework.first_year,
            "last_year": framework.last_year,
            "status": framework.status,
            "definition": framework_to_dict(framework),
            "builtin": builtin,
        },
    )
    if created and owner is not None:
        row.organiser_id = owner
        row.save(update_fields=["organiser"])
    return row


@transaction.atomic
def load_builtin(only_missing: bool = False) -> int:
    """Load the indices and the framework files shipped with chiso; returns the number of frameworks
    written. With `only_missing`, what the database already has is left as it is (an officer may
    have edited an index, figures were computed on the frameworks), and only indices and frameworks
    shipped since are added — an upgrade. Without it, an index or framework that figures were
    computed on and that the shipped files would change is refused (`IndexInUse`,
    `FrameworkLocked`): nothing is written."""
    for values in clean_all(read_indices_yaml(data_path("indices.yaml").read_text(encoding="utf-8"))):
        existing = Index.objects.filter(code=values["code"]).first()
        if existing is None or not only_missing:
            save_index(values, existing)
    known = set(Framework.objects.values_list("code", flat=True)) if only_missing else set()
    count = 0
    for path in sorted(data_path("frameworks").glob("*.yaml")):
        framework = framework_from_dict(load_yaml(path.read_text(encoding="utf-8")))
        if framework.code in known:
            continue
        save_framework(framework, builtin=True)
        count += 1
    return count
