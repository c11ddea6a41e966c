"""Evidence (tài liệu kiểm chứng): documents attached to a criterion of a self-assessment.

Only the file kinds officials send (PDF, Word, Excel, PNG/JPG) are taken, checked by their first
bytes as well as their name; a file is stored once under its SHA-256 and never overwritten, and a
removed document keeps its record and its file for the audit.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.assessments import actions as perm
from chiso.assessments.models import Assessment, Evidence
from chiso.assessments.workflow import WorkflowError, audit, leaf_node, locked_for_update, require_allowed
from chiso.core.files import clean_file_name

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# The first bytes each kind of file starts with, so that a renamed file is refused.
MAGIC = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def _check_upload(upload: UploadedFile) -> tuple[str, bytes]:
    upload.name = clean_file_name(upload.name)  # stored, shown and audited as cleaned
    name = upload.name or _("tệp")
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise WorkflowError(_("Tệp {name}: chỉ nhận PDF, DOC/DOCX, XLS/XLSX, PNG, JPG.").format(name=name))
    if upload.size and upload.size > MAX_EVIDENCE_BYTES:
        raise WorkflowError(_("Tệp {name} lớn hơn 20 MB.").format(name=name))
    content = upload.read()
    if len(content) > MAX_EVIDENCE_BYTES:
        raise WorkflowError(_("Tệp {name} lớn hơn 20 MB.").format(name=name))
    if not content:
        raise WorkflowError(_("Tệp {name} rỗng.").format(name=name))
    if not content.startswith(MAGIC[suffix]):
        raise WorkflowError(_("Tệp {name} không đúng định dạng {suffix}.").format(name=name, suffix=suffix))
    return suffix, content


@transaction.atomic
def add_evidence(user: User, assessment: Assessment, criterion: str, upload: UploadedFile) -> Evidence:
    """Attach a document to a criterion; stored under its SHA-256, never overwriting another file."""
    assessment = locked_for_update(assessment)
    require_allowed(user, perm.EDIT_SELF, assessment)
    leaf_node(assessment, criterion)
    suffix, content = _check_upload(upload)
    digest = hashlib.sha256(content).hexdigest()
    evidence = Evidence(
        assessment=assessment,
        criterion=criterion,
        original_name=upload.name or "",
        content_type=EVIDENCE_TYPES[suffix],
        size=len(content),
        sha256=digest,
        uploaded_by=user,
    )
    existing = Evidence.objects.filter(sha256=digest).first()
    if existing is not None:
        evidence.file.name = existing.file.name  # same bytes: share the stored file
    else:
        evidence.file.save(digest, ContentFile(content), save=False)
    evidence.save()
    audit(
        user,
        "add_evidence",
        assessment=assessment,
        criterion=criterion,
        field="evidence",
        after={"name": upload.name, "sha256": digest, "size": len(content)},
    )
    return evidence


@transaction.atomic
def remove_evidence(user: User, evidence: Evidence) -> None:
    """Take a document off a criterion; the stored file and the record are kept for the audit."""
    assessment = locked_for_update(evidence.assessment)
    require_allowed(user, perm.EDIT_SELF, assessment)
    evidence.removed = True
    evidence.save(update_fields=["removed"])
    audit(
        user,
        "remove_evidence",
        assessment=assessment,
        criterion=evidence.criterion,
        field="evidence",
        before={"name": evidence.original_name, "sha256": evidence.sha256},
    )
