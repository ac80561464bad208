"""What the year's commands share: the agency and year named on the command line."""

from django.core.management.base import CommandError

from hrsystem.models import Organisation


def add_agency_arguments(parser) -> None:
    parser.add_argument("--organisation", required=True, help="the agency's code")
    parser.add_argument("--year", required=True, type=int, help="the year, e.g. 2026")


def agency(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise CommandError(f"no agency with code {code!r}")
    return organisation
