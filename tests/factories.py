"""factory-boy factories for the organisation model, shared by every app's tests.

Every factory creates through `hrsystem.services`, so paths, history and guardian
rows are exactly what production writes. Each login's password is `PASSWORD`.
Dates default to 1 January 2026.
"""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from hrsystem import services
from hrsystem.models import (
    Cadence,
    DeputyDelegation,
    Employee,
    JobPosition,
    Organisation,
    Post,
    PostKind,
    QuotaGroup,
    Role,
    RoleGrant,
    StandardTask,
    Unit,
)

PASSWORD = "mat-khau-thu-nghiem"
START = date(2026, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def _through(service):
    """A factory `_create` that calls `service` with the declared fields as keywords."""

    def create(cls, model_class, *args, **kwargs):
        return service(**kwargs)

    return classmethod(create)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    _create = _through(services.organisation_create)
    code = factory.Sequence(lambda n: f"CQ{n:03d}")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit; without `parent` it is the root unit of a new agency."""

    class Meta:
        model = Unit

    _create = _through(services.unit_create)
    parent = None
    organisation = factory.LazyAttribute(
        lambda o: o.parent.organisation if o.parent else OrganisationFactory()
    )
    code = factory.Sequence(lambda n: f"DV{n:03d}")
    name = factory.Sequence(lambda n: f"Phòng thử nghiệm {n}")


class JobPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPosition

    _create = _through(services.job_position_create)
    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"VTVL{n:03d}")
    name = factory.Sequence(lambda n: f"Chuyên viên {n}")


class StandardTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardTask

    _create = _through(services.standard_task_create)
    job_position = factory.SubFactory(JobPositionFactory)
    name = factory.Sequence(lambda n: f"Thẩm định hồ sơ loại {n}")
    unit_of_measure = "hồ sơ"
    coefficient = Decimal("1")
    default_planned = Decimal("10")
    cadence = Cadence.MONTH


class QuotaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaGroup

    _create = _through(services.quota_group_create)
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nhóm chuyên môn {n}")


class EmployeeFactory(factory.django.DjangoModelFactory):
    """A person working in `unit` from `start`, with a login unless `user=None`."""

    class Meta:
        model = Employee

    _create = _through(services.employee_create)
    code = factory.Sequence(lambda n: f"CB{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    unit = factory.SubFactory(UnitFactory)
    job_position = factory.LazyAttribute(
        lambda o: JobPositionFactory(organisation=o.unit.organisation)
    )
    start = START
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..code"))


class PostFactory(factory.django.DjangoModelFactory):
    """A post in `unit`; the holder defaults to a new person working there."""

    class Meta:
        model = Post

    _create = _through(services.post_assign)
    unit = factory.SubFactory(UnitFactory)
    employee = factory.SubFactory(EmployeeFactory, unit=factory.SelfAttribute("..unit"))
    kind = PostKind.HEAD
    start = START
    end = None


class DeputyDelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyDelegation

    _create = _through(services.deputy_delegate)
    start = START
    end = None


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    _create = _through(services.role_grant)
    role = Role.INSPECTOR
    start = START
    end = None


# --- the monthly cycle (evaluation) ----------------------------------------------------


class WorkProductFactory(factory.django.DjangoModelFactory):
    """A catalogue work product of an agency (created directly: HR edits it in the admin)."""

    class Meta:
        model = "hrsystem.WorkProduct"

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"SP{n:03d}")
    name = factory.Sequence(lambda n: f"Sản phẩm chuẩn {n}")
    unit_of_measure = "hồ sơ"
    norm = Decimal("1")
    coefficient = Decimal("1")


class PeriodFactory(factory.django.DjangoModelFactory):
    """A period opened through `evaluation.services.period_open` by `by` (an HR officer)."""

    class Meta:
        model = "evaluation.Period"

    year = 2026
    number = 10
    rule_set_code = "nd335"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from evaluation.services import period_open

        return period_open(**kwargs)
