"""`manage.py score_scenario FILE`: score a self-contained scenario, print its JSON result.

The engine's public contract (`shared/spec/scenario-format.md`). Exit 0 with one JSON
document on stdout; on a bad file exit 2, one "path: problem" line per problem on
stderr, nothing on stdout. Rule sets come from the shipped fixtures (no database is
touched) unless --from-database asks for the versions the HR officer keeps.
"""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand

from evaluation.rules import RuleSet
from evaluation.rulesets import rule_set_for, shipped_rule_set
from evaluation.scenario import ScenarioError, parse_scenario, render, run_scenario
from evaluation.scoring import ScoringInputError

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Score a scenario file with the rule engine and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="scenario JSON file, or - for standard input")
        parser.add_argument(
            "--from-database",
            action="store_true",
            help="score against the rule-set versions stored in the database",
        )

    def handle(self, *args, file, from_database, **options):
        try:
            text = sys.stdin.read() if file == "-" else _read(file)
        except (OSError, UnicodeDecodeError) as exc:
            self._fail([f"$: cannot read {file}: {exc}"])
        lookup = rule_set_for if from_database else _shipped
        try:
            scenario = parse_scenario(text, lookup)
            document = render(run_scenario(scenario))
        except ScenarioError as exc:
            self._fail(exc.problems)
        except ScoringInputError as exc:
            self._fail([f"{exc.path}: {exc.message}"])
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))

    def _fail(self, problems: list[str]) -> None:
        for problem in problems:
            self.stderr.write(problem)
        raise SystemExit(EXIT_BAD_INPUT)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _shipped(code: str, on: date) -> RuleSet:
    return shipped_rule_set(code, on)
