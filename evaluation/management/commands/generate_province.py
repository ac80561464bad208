"""`manage.py generate_province`: a deterministic province in the database, in bulk.

See `evaluation.province`. Prints each step as it finishes.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from evaluation import province
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = "Build a deterministic province (units, people, posts, months) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2_000)
        parser.add_argument("--units", type=int, default=0, help="default: people / 65")
        parser.add_argument("--months", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--code", default="", help="agency code (default PROV-<people>-<seed>)")

    def handle(self, *args, people, units, months, seed, code, **options):
        code = code or f"PROV-{people}-{seed}"
        if Organisation.objects.filter(code=code).exists():
            raise CommandError(f"{code} already exists")
        started = time.perf_counter()

        def progress(text: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f} s] {text}")
            self.stdout.flush()

        try:
            built = province.generate(
                people=people,
                units=units or max(2, people // 65),
                months=months,
                seed=seed,
                code=code,
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        progress(f"{built.organisation.code} ready")
