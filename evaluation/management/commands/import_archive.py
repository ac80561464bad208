"""`manage.py import_archive FILE`: verify every checksum of an archive written by
`export_archive` and restore it into a database that does not hold the agency yet; a
tampered, truncated or clashing archive is refused and nothing is written."""

from django.core.management.base import BaseCommand, CommandError

from evaluation import archive


class Command(BaseCommand):
    help = "Verify an archive written by export_archive and restore it into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive (.zip)")
        parser.add_argument(
            "--verify-only", action="store_true", help="check the checksums, restore nothing"
        )

    def handle(self, *args, file, verify_only, **options):
        try:
            source = archive.read_bytes(file)
            if verify_only:
                manifest, _data = archive.verify(source)
            else:
                manifest = archive.restore(source)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except archive.ArchiveError as exc:
            raise CommandError(f"{file}: {exc} Nothing was restored.") from exc
        self.stdout.write(archive.summary(manifest))
        self.stdout.write("Checksums verified." if verify_only else "Archive restored.")
