"""The API's endpoints: parse, ask the services or the caller's reach, answer JSON.

Every call is logged (`ApiCall`). Reads are filtered by the caller's `Reach`; a record
outside it answers 404, so another agency's ids reveal nothing. Lists cost a constant
number of queries whatever the page size.
"""

import hashlib

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from discipline import services as discipline_services
from discipline.models import DisciplineDecision, Violation
from evaluation import services as evaluation_services
from evaluation.annual.models import AnnualResult, AnnualRun, RunState, UnitAnnualResult
from evaluation.models import Evaluation, Period, PeriodState, UnitPeriod, WorkItem
from hrsystem import clock, selectors
from hrsystem import services as hr_services
from hrsystem.models import Assignment, Organisation, Unit

from . import serializers, services
from .errors import invalid
from .models import ApiToken, IdempotentRequest, Scope
from .permissions import HasScope, client_of, ledger_reach, reach, year_reach


class Logged:
    """Logs every call with its status and the number of rows it carried."""

    permission_classes = [IsAuthenticated, HasScope]
    rows = 0

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "user", None)
        services.api_call_log(
            token=request.auth if isinstance(request.auth, ApiToken) else None,
            user=user,
            method=request.method,
            path=request.get_full_path(),
            status=response.status_code,
            rows=self.rows,
        )
        return response

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.rows = len(page) if page is not None else 0
        return page


ID_BOUNDS = (-(2**31), 2**31 - 1)
"""Every row id fits PostgreSQL's integer; a larger filter is refused, not sent."""
YEAR_BOUNDS = (1, 9999)
"""The years a date can have: a `__year` lookup builds dates from the filter."""


def _param(request, name: str) -> int | None:
    """An integer filter from the query string; a bad or out-of-range one is a 400
    naming it (the years of a date for `year`, the ids of a row for the others)."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({name: [_("Phải là số nguyên.")]}) from None
    low, high = YEAR_BOUNDS if name == "year" else ID_BOUNDS
    if not low <= number <= high:
        raise ValidationError(
            {name: [_("Phải từ %(low)s đến %(high)s.") % {"low": low, "high": high}]}
        )
    return number


def _int_filter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, int, description=description)


class UnitRows(Logged):
    """Units the caller reaches, in tree order."""

    required_scope = Scope.UNITS_READ
    serializer_class = serializers.UnitSerializer

    def get_queryset(self):
        return (
            Unit.objects.filter(pk__in=reach(self.request).unit_ids)
            .select_related("organisation")
            .order_by("organisation_id", "path")
        )


class UnitList(UnitRows, generics.ListAPIView):
    """Units the caller reaches, in tree order."""


class UnitDetail(UnitRows, generics.RetrieveAPIView):
    """One unit the caller reaches (404 outside their reach)."""


PERSON_FILTERS = [_int_filter("unit", "Chỉ người của đơn vị này (id).")]


class PersonRows(Logged):
    """People assigned today to a unit the caller reaches (and the caller themselves)."""

    required_scope = Scope.PEOPLE_READ
    serializer_class = serializers.PersonSerializer
    lookup_field = "employee_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        scope = reach(self.request)
        rows = Assignment.objects.filter(
            selectors.active_on(clock.today()),
            Q(unit_id__in=scope.unit_ids) | Q(employee_id__in=scope.record_employee_ids),
        )
        unit = _param(self.request, "unit")
        if unit is not None:
            rows = rows.filter(unit_id=unit)
        return rows.select_related("employee", "unit", "job_position").order_by(
            "unit__path", "employee__sort_key", "employee_id"
        )


@extend_schema(parameters=PERSON_FILTERS)
class PersonList(PersonRows, generics.ListAPIView):
    """People assigned today to a unit the caller reaches (and the caller themselves)."""


class PersonDetail(PersonRows, generics.RetrieveAPIView):
    """One person by employee id (404 outside the caller's reach)."""


PERIOD_FILTERS = [_int_filter("year", "Năm."), OpenApiParameter("state", str)]


class PeriodRows(Logged):
    """Evaluation periods of the caller's agencies and their state, latest first."""

    required_scope = Scope.PERIODS_READ
    serializer_class = serializers.PeriodSerializer

    def get_queryset(self):
        organisations = reach(self.request).organisation_ids
        rows = Period.objects.select_related("organisation").order_by(
            "organisation_id", "-year", "-number", "id"
        )
        if organisations is not None:
            rows = rows.filter(organisation_id__in=organisations)
        year = _param(self.request, "year")
        if year is not None:
            rows = rows.filter(year=year)
        if self.request.query_params.get("state"):
            rows = rows.filter(state=self.request.query_params["state"])
        return rows


@extend_schema(parameters=PERIOD_FILTERS)
class PeriodList(PeriodRows, generics.ListAPIView):
    """Evaluation periods of the caller's agencies and their state, latest first."""


class PeriodDetail(PeriodRows, generics.RetrieveAPIView):
    """One period and its state (404 outside the caller's agencies)."""


RESULT_FILTERS = [
    _int_filter("period", "Kỳ đánh giá (id)."),
    _int_filter("year", "Năm."),
    _int_filter("unit", "Đơn vị (id)."),
    _int_filter("employee", "Cán bộ (id)."),
]
PUBLISHED = (PeriodState.PUBLISHED, PeriodState.LOCKED)


class ResultRows(Logged):
    """Published monthly results the caller reaches: their own, their units' people."""

    required_scope = Scope.RESULTS_READ
    serializer_class = serializers.ResultSerializer

    def get_queryset(self):
        scope = reach(self.request)
        rows = Evaluation.objects.filter(
            Q(unit_id__in=scope.record_unit_ids) | Q(employee_id__in=scope.record_employee_ids),
            is_current=True,
            period__state__in=PUBLISHED,
        )
        for name, lookup in [
            ("period", "period_id"),
            ("year", "period__year"),
            ("unit", "unit_id"),
            ("employee", "employee_id"),
        ]:
            value = _param(self.request, name)
            if value is not None:
                rows = rows.filter(**{lookup: value})
        return rows.select_related("period", "employee", "unit").order_by(
            "-period__year", "-period__number", "unit__path", "employee__sort_key", "id"
        )


@extend_schema(parameters=RESULT_FILTERS)
class ResultList(ResultRows, generics.ListAPIView):
    """Published monthly results the caller reaches: their own, their units' people."""


class ResultDetail(ResultRows, generics.RetrieveAPIView):
    """One result explained: criteria, work items with their sources, reasons."""

    serializer_class = serializers.ResultDetailSerializer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("work_items", WorkItem.objects.order_by("ad_hoc", "id")))
        )


UNIT_RESULT_FILTERS = [_int_filter("period", "Kỳ đánh giá (id)."), _int_filter("year", "Năm.")]


@extend_schema(parameters=UNIT_RESULT_FILTERS)
class UnitResultList(Logged, generics.ListAPIView):
    """Published results of the units whose people's results the caller reads (the whole
    agency for a client or its HR and board), latest period first."""

    required_scope = Scope.RESULTS_READ
    serializer_class = serializers.UnitResultSerializer

    def get_queryset(self):
        rows = UnitPeriod.objects.filter(
            unit_id__in=reach(self.request).record_unit_ids, period__state__in=PUBLISHED
        )
        for name, lookup in [("period", "period_id"), ("year", "period__year")]:
            value = _param(self.request, name)
            if value is not None:
                rows = rows.filter(**{lookup: value})
        return rows.select_related("period", "unit").order_by(
            "-period__year", "-period__number", "unit__path", "id"
        )


ANNUAL_YEARS = (2000, 2100)
"""The years an annual roll-up can have (`evaluation.annual.models`)."""


def _year_required(request) -> int:
    """The `year` a read of annual results needs: missing, not a number or outside the
    years a roll-up can have is a 400 naming it."""
    year = _param(request, "year")
    low, high = ANNUAL_YEARS
    if year is None:
        raise ValidationError({"year": [_("Bắt buộc: năm cần đọc.")]})
    if not low <= year <= high:
        raise ValidationError(
            {"year": [_("Phải từ %(low)s đến %(high)s.") % {"low": low, "high": high}]}
        )
    return year


def _code(request, name: str) -> str | None:
    """A code filter from the query string; one no record can have (longer than a code,
    or with a NUL the database refuses) is a 400 naming it."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if len(value) > 32 or "\x00" in value:
        raise ValidationError({name: [_("Mã không hợp lệ.")]})
    return value


YEAR_REQUIRED = OpenApiParameter(
    "year", int, required=True, description=gettext_lazy("Năm (2000–2100).")
)


class AnnualRows(Logged):
    """Rows of the year's last computed roll-up in the caller's reach, each marked with
    the roll-up's state and time: the board's publication of the year is not built, so
    a row is the computed result, replaced if HR runs the roll-up again."""

    required_scope = Scope.RESULTS_READ

    def computed(self, model):
        run = AnnualRun.objects.filter(organisation=OuterRef("organisation"), year=OuterRef("year"))
        return model.objects.annotate(
            run_state=Subquery(run.values("state")[:1]),
            run_computed_at=Subquery(run.values("computed_at")[:1]),
        ).filter(run_state=RunState.DONE)


ANNUAL_FILTERS = [
    YEAR_REQUIRED,
    OpenApiParameter("unit", str, description=gettext_lazy("Mã đơn vị.")),
    OpenApiParameter("employee", str, description=gettext_lazy("Mã cán bộ.")),
]


@extend_schema(parameters=ANNUAL_FILTERS)
class AnnualResultList(AnnualRows, generics.ListAPIView):
    """People's annual results explained (months worked, mean, score, level, title, each
    reason with its legal basis): a client its agency; a person what the year's pages
    show them (their own year, their units' people and whom they score, the whole
    agency for its leader, HR and the board)."""

    serializer_class = serializers.AnnualResultSerializer

    def get_queryset(self):
        year = _year_required(self.request)
        scope = year_reach(self.request, year)
        seen_there = Assignment.objects.filter(
            selectors.active_on(scope.on),
            employee=OuterRef("employee"),
            unit_id__in=scope.unit_ids,
        )
        rows = self.computed(AnnualResult).filter(
            Q(organisation_id__in=scope.organisation_ids)
            | Q(employee_id__in=scope.employee_ids)
            | Q(Exists(seen_there)),
            year=year,
        )
        for name, lookup in [("unit", "unit__code"), ("employee", "employee__code")]:
            code = _code(self.request, name)
            if code is not None:
                rows = rows.filter(**{lookup: code})
        return rows.select_related("organisation", "employee", "unit").order_by(
            "organisation_id", "unit__path", "employee__sort_key", "id"
        )


@extend_schema(parameters=[YEAR_REQUIRED])
class UnitAnnualResultList(AnnualRows, generics.ListAPIView):
    """Units' annual results ranked (score, level, on-time rate, title, rank): a client
    its agency; a person what the units page shows them (every unit for the agency's
    leader, HR and the board, their own units' rows, ranks unchanged, for a head)."""

    serializer_class = serializers.UnitAnnualResultSerializer

    def get_queryset(self):
        year = _year_required(self.request)
        scope = year_reach(self.request, year)
        rows = self.computed(UnitAnnualResult).filter(
            Q(organisation_id__in=scope.organisation_ids) | Q(unit_id__in=scope.unit_ids),
            year=year,
        )
        return rows.select_related("organisation", "unit").order_by(
            "organisation_id", F("rank").asc(nulls_last=True), "unit__code", "id"
        )


LEDGER_FILTERS = [
    _int_filter("year", "Năm."),
    _int_filter("unit", "Đơn vị (id)."),
    _int_filter("employee", "Cán bộ (id)."),
]


class LedgerRows(Logged):
    """Rows of the discipline ledger in the caller's reach: the units whose ledger pages
    they read, and their own record."""

    required_scope = Scope.VIOLATIONS_READ
    day_field = ""

    def get_queryset(self):
        units, own = ledger_reach(self.request)
        mine = [own] if own is not None else []
        rows = self.model.objects.filter(Q(unit_id__in=units) | Q(employee_id__in=mine))
        for name, lookup in [
            ("year", f"{self.day_field}__year"),
            ("unit", "unit_id"),
            ("employee", "employee_id"),
        ]:
            value = _param(self.request, name)
            if value is not None:
                rows = rows.filter(**{lookup: value})
        return self.related(rows).order_by(f"-{self.day_field}", "-pk")


class ViolationRows(LedgerRows):
    model = Violation
    day_field = "occurred_on"
    serializer_class = serializers.ViolationSerializer

    def related(self, rows):
        return rows.select_related("employee", "unit", "item")


@extend_schema(parameters=LEDGER_FILTERS)
class ViolationList(ViolationRows, generics.ListAPIView):
    """Violations recorded in the caller's reach, latest first."""


class ViolationDetail(ViolationRows, generics.RetrieveAPIView):
    """One violation (404 outside the caller's reach)."""


class DecisionRows(LedgerRows):
    model = DisciplineDecision
    day_field = "decided_on"
    serializer_class = serializers.DecisionSerializer

    def related(self, rows):
        return rows.select_related("employee", "unit", "form").prefetch_related(
            Prefetch("violations", Violation.objects.only("pk"))
        )


@extend_schema(parameters=LEDGER_FILTERS)
class DecisionList(DecisionRows, generics.ListAPIView):
    """Discipline decisions in the caller's reach, latest first."""


class DecisionDetail(DecisionRows, generics.RetrieveAPIView):
    """One discipline decision (404 outside the caller's reach)."""


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Khoá chống lặp của bên gửi: gửi lại cùng khoá không ghi gì thêm.",
)


class IdempotentBatch(Logged, generics.GenericAPIView):
    """A batch write: the sender's `Idempotency-Key` is required, a repeat of a key with the
    same body gets the stored answer (header `Idempotent-Replayed: true`) and writes
    nothing, the same key with another body is refused."""

    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 200:
            return invalid(
                {"Idempotency-Key": [_("Gửi kèm header Idempotency-Key (≤ 200 ký tự).")]}
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        earlier = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if earlier is not None:
            if earlier.body_hash != body_hash or earlier.path != request.path:
                return invalid({"Idempotency-Key": [_("Khoá này đã dùng cho một yêu cầu khác.")]})
            return Response(
                earlier.response, status=earlier.status, headers={"Idempotent-Replayed": "true"}
            )
        batch = self.get_serializer(data=request.data)
        batch.is_valid(raise_exception=True)
        written = self.perform(batch.validated_data)
        self.rows = len(written)
        answer = {"received": len(written), "items": [row.pk for row in written]}
        services.idempotent_store(
            user=request.user,
            key=key,
            path=request.path,
            body_hash=body_hash,
            status=status.HTTP_200_OK,
            response=answer,
        )
        return Response(answer)


class WorkItemBatch(IdempotentBatch):
    """Done quantities of a month from a source system (document management, one-stop)."""

    required_scope = Scope.WORK_ITEMS_WRITE
    serializer_class = serializers.WorkItemBatchSerializer

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={200: serializers.ReceivedSerializer})
    def post(self, request):
        return super().post(request)

    def perform(self, data):
        period = get_object_or_404(
            Period,
            organisation_id__in=reach(self.request).organisation_ids or (),
            cadence="monthly",
            year=data["year"],
            number=data["month"],
        )
        return evaluation_services.work_items_receive(
            period=period, system=data["system"], rows=data["items"], by=self.request.user
        )


class WorkItemOverride(Logged, generics.GenericAPIView):
    """The scorer replaces a quantity a source system sent, giving the reason (404 for an
    item outside the caller's reach, 403 for one they may not score)."""

    required_scope = Scope.WORK_ITEMS_WRITE
    serializer_class = serializers.OverrideSerializer

    @extend_schema(responses={200: serializers.WorkItemSerializer})
    def post(self, request, pk: int):
        scope = reach(request)
        item = get_object_or_404(
            WorkItem.objects.filter(
                Q(evaluation__unit_id__in=scope.record_unit_ids)
                | Q(evaluation__employee_id__in=scope.record_employee_ids)
            ),
            pk=pk,
        )
        change = self.get_serializer(data=request.data)
        change.is_valid(raise_exception=True)
        item = evaluation_services.work_item_source_override(
            item=item, by=request.user, **change.validated_data
        )
        self.rows = 1
        return Response(serializers.WorkItemSerializer(item).data)


class AgencyBatch(IdempotentBatch):
    """A batch of one agency named by its code in `organisation` (404 outside the caller's
    agencies); `receive` is the service writing it, given the `batch_fields` too."""

    batch_fields: tuple[str, ...] = ()

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={200: serializers.ReceivedSerializer})
    def post(self, request):
        return super().post(request)

    def perform(self, data):
        organisation = get_object_or_404(
            Organisation,
            pk__in=reach(self.request).organisation_ids or (),
            code=data["organisation"],
        )
        fields = {name: data[name] for name in self.batch_fields}
        return self.receive(
            organisation=organisation, rows=data["items"], by=self.request.user, **fields
        )


class DossierBatch(AgencyBatch):
    """Dossiers received and settled at the one-stop desk, from the one-stop portal."""

    required_scope = Scope.DOSSIERS_WRITE
    serializer_class = serializers.DossierBatchSerializer
    receive = staticmethod(discipline_services.dossiers_receive)


class HrUnitBatch(AgencyBatch):
    """Units from the HR system, created or updated by code (name, parent)."""

    required_scope = Scope.PEOPLE_WRITE
    serializer_class = serializers.UnitBatchSerializer
    receive = staticmethod(hr_services.units_receive)


class HrPersonBatch(AgencyBatch):
    """People from the HR system, created or updated by code (record, unit, job position;
    a transfer from `start` when the unit or position changes; `end`, the last working day
    when they leave)."""

    required_scope = Scope.PEOPLE_WRITE
    serializer_class = serializers.PersonBatchSerializer
    receive = staticmethod(hr_services.people_receive)


class HrPostBatch(AgencyBatch):
    """Heads, deputies and acting heads from the HR system, with their dates."""

    required_scope = Scope.PEOPLE_WRITE
    serializer_class = serializers.PostBatchSerializer
    receive = staticmethod(hr_services.posts_receive)


class DossierCountBatch(AgencyBatch):
    """A month's dossier counts per unit, with the reporting officer, from the one-stop
    portal (units that keep no individual dossiers); a locked month is refused."""

    required_scope = Scope.DOSSIERS_WRITE
    serializer_class = serializers.DossierCountBatchSerializer
    receive = staticmethod(discipline_services.dossier_counts_receive)
    batch_fields = ("year", "month")


class OwnSubscriptions(Logged):
    """The calling client system's own subscriptions: a person is refused (403)."""

    required_scope = Scope.WEBHOOKS_MANAGE

    def client(self):
        client = client_of(self.request)
        if client is None:
            raise PermissionDenied(_("Chỉ hệ thống kết nối dùng được địa chỉ này."))
        return client

    def get_queryset(self):
        return self.client().subscriptions.filter(active=True).order_by("created_at", "id")


class SubscriptionList(OwnSubscriptions, generics.ListCreateAPIView):
    """The calling client system's active subscriptions to events; POST subscribes one
    more and answers its signing secret, shown this once."""

    serializer_class = serializers.SubscriptionSerializer

    @extend_schema(
        request=serializers.SubscriptionSerializer,
        responses={201: serializers.NewSubscriptionSerializer},
    )
    def post(self, request):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        subscription, _secret = services.webhook_subscribe(
            client=self.client(), by=request.user, **given.validated_data
        )
        self.rows = 1
        return Response(
            serializers.NewSubscriptionSerializer(subscription).data,
            status=status.HTTP_201_CREATED,
        )


class SubscriptionDetail(OwnSubscriptions, generics.RetrieveDestroyAPIView):
    """One of the calling client's subscriptions; DELETE stops it (its delivery log stays)."""

    serializer_class = serializers.SubscriptionSerializer

    def perform_destroy(self, instance):
        services.webhook_deactivate(subscription=instance, by=self.request.user)
        self.rows = 1
