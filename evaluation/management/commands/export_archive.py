"""`manage.py export_archive --organisation CODE --year YYYY [--month M] --output FILE`:
write an agency's year (or month) of data and results to a checksummed archive
(`evaluation.archive`), which `import_archive` verifies and restores."""

import os

from django.core.management.base import BaseCommand, CommandError

from evaluation import archive
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = "Write an agency's periods of a year (or one month), data and results, to an archive."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the agency's code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12")
        parser.add_argument("--output", required=True, help="the archive file to write (.zip)")

    def handle(self, *args, organisation, year, month, output, **options):
        found = Organisation.objects.filter(code=organisation).first()
        if found is None:
            raise CommandError(f"No agency has the code {organisation!r}.")
        if not 1 <= year <= 9999:
            raise CommandError("--year must be between 1 and 9999.")
        scope = archive.Scope(organisation=found, year=year, month=month)
        try:
            with open(output, "xb") as target:
                manifest = archive.write(scope, target)
        except FileExistsError:
            raise CommandError(f"{output} already exists: choose another file.") from None
        except archive.ArchiveError as exc:
            os.unlink(output)
            raise CommandError(str(exc)) from exc
        self.stdout.write(archive.summary(manifest))
        self.stdout.write(f"Archive written: {output}")
