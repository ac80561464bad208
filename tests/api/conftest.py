"""The monthly-cycle cast (`tests/evaluation/cycle.py`) with API clients.

October 2026 is open (self-assessment not started); September 2026 is published. `qlvb`
is the document-management system of the cast's agency holding every scope; `khac` is a
client of another agency (KHAC, one unit KVP with one person, `stranger`). `call(token)`
is a DRF test client sending `Authorization: Bearer <token>`. `api` is a shared cast
(tests/shared.py): built once per module, every test rolled back to it.
"""

from types import SimpleNamespace

from rest_framework.test import APIClient

from evaluation.models import Period, PeriodState
from hrsystem.api import services
from hrsystem.api.models import Scope
from tests.evaluation.cycle import build_cycle
from tests.factories import EmployeeFactory, OrganisationFactory, PeriodFactory, UnitFactory
from tests.shared import shared_cast


def publish(period) -> None:
    """Mark a period published (a fixture shortcut: the publishing flow has its own tests)."""
    Period.objects.filter(pk=period.pk).update(state=PeriodState.PUBLISHED)
    period.refresh_from_db()


def call(token: str | None = None) -> APIClient:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@shared_cast("api")
def api() -> SimpleNamespace:
    """The cycle's cast with September published and the two API clients (see above)."""
    c = build_cycle()
    c.september = PeriodFactory(organisation=c.org, number=9, by=c.to_chuc.user)
    publish(c.september)
    c.other_org = OrganisationFactory(code="KHAC", name="UBND huyện Khác")
    c.other_unit = UnitFactory(organisation=c.other_org, code="KVP", name="Văn phòng")
    c.stranger = EmployeeFactory(unit=c.other_unit, code="KHAC01")
    c.qlvb, c.qlvb_token = services.api_client_register(
        organisation=c.org, name="QLVB", scopes=list(Scope.values), by=c.to_chuc.user
    )
    c.khac, c.khac_token = services.api_client_register(
        organisation=c.other_org, name="QLVB", scopes=list(Scope.values), by=c.admin
    )
    return c
