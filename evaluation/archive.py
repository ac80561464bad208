"""A checksummed archive of one agency's period(s): data and results, to restore elsewhere.

`export_archive` writes a zip holding one JSON Lines member per model (Django's
serializer, primary keys kept, users and permissions named by their natural keys) and
a `manifest.json` with the format version, the agency, the year and month, and the
SHA-256, size and row count of every member. `import_archive` reads the manifest,
verifies every member against it and refuses a tampered, truncated or foreign archive
before writing anything; then it restores the rows, in one transaction, into a database
where the agency does not exist yet, so the results read back exactly as they were.

What it holds: the agency's organisation tree, people, their assignments, posts,
delegations and roles (with the object permissions the roles grant), the catalogue of
positions, products and tasks, the rule-set versions its periods use, the periods of the
year (or of the month) with their units' submissions, evaluations, criterion scores,
work items, bonuses, appeals, reopenings and recomputations, and the discipline ledger
of those months (violations, decisions, dossiers, counts, complaints, suggestions,
surveys, inspections, commitments), plus every row those rows point to. It does not hold
the audit history (kept by the database dump) nor uploaded files (kept with the media
directory): see README, "Backup and restore".
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from discipline.selectors import month_bounds
from hrsystem import clock
from hrsystem.models import Organisation

FORMAT = "hrsystem-period-archive"
VERSION = 1
MANIFEST = "manifest.json"

MODELS = [
    "hrsystem.Organisation",
    "hrsystem.Unit",
    "hrsystem.JobPosition",
    "hrsystem.QuotaGroup",
    "hrsystem.WorkProduct",
    "hrsystem.StandardTask",
    "hrsystem.Employee",
    "hrsystem.Assignment",
    "hrsystem.Post",
    "hrsystem.DeputyDelegation",
    "hrsystem.RoleGrant",
    "hrsystem.OrganisationUserObjectPermission",
    "hrsystem.UnitUserObjectPermission",
    "evaluation.RuleSet",
    "evaluation.GeneralCriterion",
    "evaluation.Period",
    "evaluation.UnitPeriod",
    "evaluation.Evaluation",
    "evaluation.CriterionScore",
    "evaluation.WorkItem",
    "evaluation.BonusEntry",
    "evaluation.Appeal",
    "evaluation.PeriodReopening",
    "evaluation.Recomputation",
    "discipline.DisciplinePolicy",
    "discipline.DisciplineForm",
    "discipline.ViolationCatalogueItem",
    "discipline.Inspection",
    "discipline.DossierRecord",
    "discipline.ApologyLetter",
    "discipline.DossierMonthlyCount",
    "discipline.Complaint",
    "discipline.Violation",
    "discipline.DisciplineDecision",
    "discipline.SuggestionBoxEntry",
    "discipline.SatisfactionSurvey",
    "discipline.Commitment",
]
"""The models an archive holds, in restoring order (what a row points to comes first)."""

SHARED = {
    "evaluation.RuleSet",
    "evaluation.GeneralCriterion",
    "discipline.DisciplineForm",
    "discipline.ViolationCatalogueItem",
}
"""Reference rows (the shipped rule sets, discipline forms and violation catalogue a new
server loads from fixtures, and an agency's own catalogue items): restored when missing,
kept when already there identical, and refused when a different row holds their key."""

USER_FIELDS = (
    "username",
    "password",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "date_joined",
)
"""What an archive keeps of a user: a sign-in that works again after the restore (not the
superuser flag, groups nor global permissions, which the target's administrator grants)."""


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to
    milliseconds, so a restored `locked_at` would differ from the original)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class ArchiveError(Exception):
    """An archive that cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class Scope:
    organisation: Organisation
    year: int
    month: int | None

    @property
    def bounds(self) -> tuple[date, date]:
        if self.month is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        return month_bounds(self.year, self.month)


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _roots(scope: Scope) -> dict[str, models.QuerySet]:
    """The rows the scope asks for by itself; what they point to is added after."""
    org = scope.organisation
    first, last = scope.bounds
    periods = _model("evaluation.Period").objects.filter(organisation=org, year=scope.year)
    if scope.month is not None:
        periods = periods.filter(start__lte=last, end__gte=first)
    in_periods = {"period__in": periods}
    in_evaluations = {"evaluation__period__in": periods}
    units = {"unit__organisation": org}
    ledger = {"organisation": org}
    return {
        "hrsystem.Organisation": Organisation.objects.filter(pk=org.pk),
        "hrsystem.Unit": _model("hrsystem.Unit").objects.filter(organisation=org),
        "hrsystem.JobPosition": _model("hrsystem.JobPosition").objects.filter(organisation=org),
        "hrsystem.QuotaGroup": _model("hrsystem.QuotaGroup").objects.filter(organisation=org),
        "hrsystem.WorkProduct": _model("hrsystem.WorkProduct").objects.filter(organisation=org),
        "hrsystem.StandardTask": _model("hrsystem.StandardTask").objects.filter(
            job_position__organisation=org
        ),
        "hrsystem.Employee": _model("hrsystem.Employee")
        .objects.filter(assignments__unit__organisation=org)
        .distinct(),
        "hrsystem.Assignment": _model("hrsystem.Assignment").objects.filter(**units),
        "hrsystem.Post": _model("hrsystem.Post").objects.filter(**units),
        "hrsystem.DeputyDelegation": _model("hrsystem.DeputyDelegation").objects.filter(**units),
        "hrsystem.RoleGrant": _model("hrsystem.RoleGrant").objects.filter(
            Q(organisation=org) | Q(unit__organisation=org)
        ),
        "hrsystem.OrganisationUserObjectPermission": _model(
            "hrsystem.OrganisationUserObjectPermission"
        ).objects.filter(content_object=org),
        "hrsystem.UnitUserObjectPermission": _model(
            "hrsystem.UnitUserObjectPermission"
        ).objects.filter(content_object__organisation=org),
        "evaluation.Period": periods,
        "evaluation.UnitPeriod": _model("evaluation.UnitPeriod").objects.filter(**in_periods),
        "evaluation.Evaluation": _model("evaluation.Evaluation").objects.filter(**in_periods),
        "evaluation.CriterionScore": _model("evaluation.CriterionScore").objects.filter(
            **in_evaluations
        ),
        "evaluation.WorkItem": _model("evaluation.WorkItem").objects.filter(**in_evaluations),
        "evaluation.BonusEntry": _model("evaluation.BonusEntry").objects.filter(**in_evaluations),
        "evaluation.Appeal": _model("evaluation.Appeal").objects.filter(**in_evaluations),
        "evaluation.PeriodReopening": _model("evaluation.PeriodReopening").objects.filter(
            **in_periods
        ),
        "evaluation.Recomputation": _model("evaluation.Recomputation").objects.filter(**in_periods),
        "discipline.DisciplinePolicy": _model("discipline.DisciplinePolicy").objects.filter(
            **ledger
        ),
        "discipline.ViolationCatalogueItem": _model(
            "discipline.ViolationCatalogueItem"
        ).objects.filter(**ledger),
        "discipline.Inspection": _model("discipline.Inspection").objects.filter(
            planned_on__range=(first, last), **ledger
        ),
        "discipline.DossierRecord": _model("discipline.DossierRecord").objects.filter(
            Q(received_on__range=(first, last)) | Q(settled_on__range=(first, last)), **ledger
        ),
        "discipline.ApologyLetter": _model("discipline.ApologyLetter").objects.filter(
            dossier__organisation=org, sent_on__range=(first, last)
        ),
        "discipline.DossierMonthlyCount": _model("discipline.DossierMonthlyCount").objects.filter(
            year=scope.year, **({"month": scope.month} if scope.month else {}), **ledger
        ),
        "discipline.Complaint": _model("discipline.Complaint").objects.filter(
            received_on__range=(first, last), **ledger
        ),
        "discipline.Violation": _model("discipline.Violation").objects.filter(
            occurred_on__range=(first, last), **ledger
        ),
        "discipline.DisciplineDecision": _model("discipline.DisciplineDecision").objects.filter(
            Q(effect_to__isnull=True) | Q(effect_to__gte=first),
            effect_from__lte=last,
            **ledger,
        ),
        "discipline.SuggestionBoxEntry": _model("discipline.SuggestionBoxEntry").objects.filter(
            opened_on__range=(first, last), **ledger
        ),
        "discipline.SatisfactionSurvey": _model("discipline.SatisfactionSurvey").objects.filter(
            year=scope.year, **({"month": scope.month} if scope.month else {}), **ledger
        ),
        "discipline.Commitment": _model("discipline.Commitment").objects.filter(
            year=scope.year, **ledger
        ),
    }


def _relations(model: type[models.Model]) -> list[models.Field]:
    """The model's foreign keys and many-to-many fields into archived models."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        and field.related_model is not None
        and field.related_model._meta.label in MODELS
    ]


def collect(scope: Scope) -> dict[str, list[models.Model]]:
    """Every row of the archive by model: the scope's own rows and, repeatedly, every
    archived row they point to (a violation's inspection of last year, an appeal's
    resulting evaluation), until nothing is missing."""
    ids: dict[str, set[int]] = {label: set() for label in MODELS}
    for label, rows in _roots(scope).items():
        ids[label].update(rows.values_list("pk", flat=True))
    pending = {label for label in MODELS if ids[label]}
    while pending:
        label = pending.pop()
        model = _model(label)
        for field in _relations(model):
            target = field.related_model._meta.label
            found = set(
                model.objects.filter(pk__in=ids[label])
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
            )
            if found - ids[target]:
                ids[target] |= found
                pending.add(target)
    return {
        label: list(_model(label).objects.filter(pk__in=ids[label]).order_by("pk"))
        for label in MODELS
    }


def _users_of(rows: dict[str, list[models.Model]]) -> list:
    """The users any archived row points to (people's sign-ins, who scored, who decided)."""
    user_model = get_user_model()
    user_ids: set[int] = set()
    for label, objects in rows.items():
        for field in _model(label)._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                user_ids.update(
                    getattr(obj, field.attname) for obj in objects if getattr(obj, field.attname)
                )
    return list(user_model.objects.filter(pk__in=user_ids).order_by("pk"))


def _member(label: str) -> str:
    return f"data/{label}.jsonl"


def write(scope: Scope, target) -> dict:
    """Write the archive of `scope` to the binary file `target`; return its manifest."""
    rows = collect(scope)
    if not rows["evaluation.Period"]:
        raise ArchiveError(
            _("Cơ quan %(code)s không có kỳ đánh giá nào trong %(when)s.")
            % {"code": scope.organisation.code, "when": _scope_text(scope)}
        )
    payloads = {
        "auth.User": serializers.serialize(
            "jsonl",
            _users_of(rows),
            fields=USER_FIELDS,
            use_natural_primary_keys=True,
            cls=_ExactEncoder,
        ),
    }
    for label in MODELS:
        payloads[label] = serializers.serialize(
            "jsonl", rows[label], use_natural_foreign_keys=True, cls=_ExactEncoder
        )
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "organisation": scope.organisation.code,
        "year": scope.year,
        "month": scope.month,
        "created_at": clock.now().isoformat(),
        "members": {},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for label, text in payloads.items():
            data = text.encode("utf-8")
            archive.writestr(_member(label), data)
            manifest["members"][label] = {
                "path": _member(label),
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "rows": text.count("\n"),
            }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _scope_text(scope: Scope) -> str:
    if scope.month is None:
        return _("năm %(year)s") % {"year": scope.year}
    return _("tháng %(month)s/%(year)s") % {"month": scope.month, "year": scope.year}


# --- reading -------------------------------------------------------------------------------


def verify(source) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every member of the archive `source` (a path or binary file),
    each checked against the manifest; ArchiveError at the first thing that is wrong."""
    try:
        with zipfile.ZipFile(source) as archive:
            try:
                manifest = json.loads(archive.read(MANIFEST))
            except KeyError:
                raise ArchiveError(
                    _("Tệp không có %(name)s: không phải bản lưu.") % {"name": MANIFEST}
                ) from None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ArchiveError(_("Tệp không phải bản lưu kỳ đánh giá."))
            if manifest.get("version") != VERSION:
                raise ArchiveError(
                    _("Bản lưu phiên bản %(found)s; chương trình này đọc phiên bản %(known)s.")
                    % {"found": manifest.get("version"), "known": VERSION}
                )
            members = manifest.get("members")
            expected = {"auth.User", *MODELS}
            if not isinstance(members, dict) or set(members) != expected:
                raise ArchiveError(_("Danh mục của bản lưu không đủ hoặc thừa thành phần."))
            data = {}
            for label, entry in members.items():
                data[label] = _checked(archive, label, entry)
    except (zipfile.BadZipFile, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveError(
            _("Tệp bản lưu hỏng hoặc bị cắt cụt (%(error)s).") % {"error": exc}
        ) from exc
    return manifest, data


def _checked(archive: zipfile.ZipFile, label: str, entry) -> bytes:
    if not isinstance(entry, dict) or entry.get("path") != _member(label):
        raise ArchiveError(_("Danh mục ghi sai thành phần %(name)s.") % {"name": label})
    try:
        data = archive.read(entry["path"])
    except KeyError:
        raise ArchiveError(_("Thiếu thành phần %(name)s.") % {"name": entry["path"]}) from None
    except zipfile.BadZipFile as exc:  # a CRC mismatch: the bytes were changed or cut
        raise ArchiveError(
            _("Thành phần %(name)s hỏng: %(error)s") % {"name": entry["path"], "error": exc}
        ) from exc
    if len(data) != entry.get("bytes") or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise ArchiveError(
            _("Thành phần %(name)s không khớp mã kiểm tra SHA-256: bản lưu đã bị sửa hoặc hỏng.")
            % {"name": entry["path"]}
        )
    return data


def _objects(label: str, data: bytes) -> list:
    try:
        return list(
            serializers.deserialize("jsonl", data.decode("utf-8"), handle_forward_references=False)
        )
    except serializers.base.DeserializationError as exc:
        raise ArchiveError(
            _("Không đọc được thành phần %(name)s: %(error)s") % {"name": label, "error": exc}
        ) from exc


@transaction.atomic
def restore(source) -> dict:
    """Verify the archive `source` and restore it; return its manifest.

    Refused, with nothing written, when any member fails its checksum, when the agency
    already exists here, or when a row of the archive would overwrite a different row.
    """
    manifest, data = verify(source)
    code = manifest.get("organisation")
    if Organisation.objects.filter(code=code).exists():
        raise ArchiveError(
            _(
                "Cơ quan %(code)s đã có trong cơ sở dữ liệu này: chỉ khôi phục vào nơi chưa "
                "có cơ quan đó."
            )
            % {"code": code}
        )
    users = _objects("auth.User", data["auth.User"])
    taken = set(
        get_user_model()
        .objects.filter(username__in=[user.object.username for user in users])
        .values_list("username", flat=True)
    )
    counts = {}
    try:
        for user in users:
            if user.object.username not in taken:  # an existing sign-in is kept as it is
                user.object.pk = None
                user.save()
        for label in MODELS:
            counts[label] = _save(label, _objects(label, data[label]))
    except IntegrityError as exc:  # a unique code held here by another agency's row
        raise ArchiveError(
            _("Không khôi phục được: dữ liệu trùng với dữ liệu đã có (%(error)s).") % {"error": exc}
        ) from exc
    _reset_sequences()
    return {**manifest, "restored": counts}


def _save(label: str, objects: Iterable) -> int:
    model = _model(label)
    objects = list(objects)
    if label == "hrsystem.Unit":  # a parent before its children
        objects.sort(key=lambda row: row.object.depth)
    present = model.objects.in_bulk([row.object.pk for row in objects])
    written = 0
    for row in objects:
        existing = present.get(row.object.pk)
        if existing is not None:
            if label in SHARED and _same(existing, row.object):
                continue
            raise ArchiveError(
                _(
                    "Dòng %(name)s số %(pk)s đã có trong cơ sở dữ liệu này: hãy khôi phục vào "
                    "một cơ sở dữ liệu trống."
                )
                % {"name": label, "pk": row.object.pk}
            )
        row.save()
        written += 1
    return written


def _same(existing: models.Model, restored: models.Model) -> bool:
    fields = existing._meta.concrete_fields
    return all(f.value_from_object(existing) == f.value_from_object(restored) for f in fields)


def _reset_sequences() -> None:
    """Move the tables' id sequences past the restored rows (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [get_user_model(), *(_model(label) for label in MODELS)]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def summary(manifest: dict) -> str:
    """One line per member: its rows (restored when known)."""
    restored = manifest.get("restored", {})
    lines = []
    for label, entry in manifest["members"].items():
        text = f"{label}: {entry['rows']}"
        if label in restored:
            text += " (" + _("%(count)s dòng mới") % {"count": restored[label]} + ")"
        lines.append(text)
    return "\n".join(lines)


def read_bytes(path: str) -> io.BytesIO:
    """The archive at `path` read into memory (one read: verified and restored as read)."""
    with open(path, "rb") as handle:
        return io.BytesIO(handle.read())
