"""Every shared scenario through `manage.py score_scenario`, compared with its expected output."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SCENARIOS = Path(settings.BASE_DIR).parent / "shared" / "scenarios"
VALID = sorted(SCENARIOS.glob("*.expected.json"))
INVALID = sorted((SCENARIOS / "invalid").glob("*.json"))


def run_command(*args: str) -> tuple[int, str, str]:
    """Run score_scenario in-process; returns (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("score_scenario", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_finds_the_shared_scenarios():
    assert len(VALID) >= 6, f"expected the shared scenarios in {SCENARIOS}"
    assert len(INVALID) >= 8


@pytest.mark.parametrize("expected", VALID, ids=lambda path: path.name.split(".")[0])
def test_it_reproduces_the_expected_output(expected):
    """Without the db fixture pytest-django refuses any query: the command needs no database."""
    scenario = expected.with_name(expected.name.replace(".expected.json", ".json"))
    code, out, err = run_command(str(scenario))
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads(expected.read_text(encoding="utf-8"))


@pytest.mark.parametrize("scenario", INVALID, ids=lambda path: path.stem)
def test_it_rejects_the_invalid_scenario(scenario):
    expected_path = scenario.with_suffix(".path").read_text(encoding="utf-8").strip()
    code, out, err = run_command(str(scenario))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines, "a problem line on stderr"
    assert any(line.startswith(expected_path) for line in lines), lines


def write(tmp_path, document) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def base_document() -> dict:
    return json.loads((SCENARIOS / "01-vi-du-mau.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["units"][0].update(parent="VP"), "units[0].parent"),
        (lambda d: d["units"].append(dict(d["units"][0])), "units[1].code"),
        (lambda d: d["employees"].append(dict(d["employees"][1])), "employees[2].code"),
        (lambda d: d["units"][0].update(head="CV02"), "units[0].head"),
        (lambda d: d["units"][0].update(head="KHONGCO"), "units[0].head"),
        (lambda d: d["employees"][1]["months"][0].update(month=13), "employees[1].months[0].month"),
        (
            lambda d: d["employees"][1]["months"].append(dict(d["employees"][1]["months"][0])),
            "employees[1].months[1].month",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["general"].__setitem__(0, "-1"),
            "employees[1].months[0].general[0]",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["items"][0].update(done="-1"),
            "employees[1].months[0].items[0].done",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["items"][0].update(coefficient=0),
            "employees[1].months[0].items[0].coefficient",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["items"][0].update(major_errors="1.5"),
            "employees[1].months[0].items[0].major_errors",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["items"][0].update(late=-1),
            "employees[1].months[0].items[0].late",
        ),
        (
            lambda d: d["employees"][0]["months"][0]["leader_criteria"].update(dd=70),
            "employees[0].months[0].leader_criteria.dd",
        ),
        (
            lambda d: d["employees"][1]["months"][0].update(leader_criteria={"dd": 100}),
            "employees[1].months[0].leader_criteria",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["violations"][0].update(points="-2"),
            "employees[1].months[0].violations[0].points",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["violations"][0].update(criterion=10),
            "employees[1].months[0].violations[0].criterion",
        ),
        (
            lambda d: d["employees"][1]["months"][0]["violations"][0].update(cap="top"),
            "employees[1].months[0].violations[0].cap",
        ),
        (
            lambda d: d["employees"][1].update(
                disciplines=[{"form": "phe_binh", "date": "2026-01-02"}]
            ),
            "employees[1].disciplines[0].form",
        ),
        (
            lambda d: d["employees"][1].update(
                disciplines=[{"form": "canh_cao", "date": "2026-02-30"}]
            ),
            "employees[1].disciplines[0].date",
        ),
        (lambda d: d["dossiers"][0].update(late="2.5"), "dossiers[0].late"),
        (lambda d: d["dossiers"][0].update(on_time=-3), "dossiers[0].on_time"),
        (
            lambda d: d["employees"][1]["months"][0]["items"][0].update(done="Infinity"),
            "employees[1].months[0].items[0].done",
        ),
        (lambda d: d.pop("year"), "year"),
        # found by tests/test_fuzz.py: a list as a dossier's unit was a TypeError
        (lambda d: d["dossiers"][0].update(unit=[]), "dossiers[0].unit"),
    ],
)
def test_it_names_the_path_of_each_bad_value(tmp_path, mutate, path):
    document = base_document()
    mutate(document)
    code, out, err = run_command(write(tmp_path, document))
    assert (code, out) == (2, "")
    assert any(line.startswith(path) for line in err.splitlines()), err


def test_it_refuses_json_nan_literals(tmp_path):
    text = json.dumps(base_document()).replace('"done": 8', '"done": NaN')
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_command(str(path))
    assert (code, out) == (2, "")
    assert "employees[1].months[0].items[1].done" in err


def test_it_lists_every_problem_not_only_the_first(tmp_path):
    document = base_document()
    document["employees"][1]["months"][0]["items"][0].update(planned=0)
    document["employees"][1]["months"][0]["items"][1].update(done="-2")
    code, _, err = run_command(write(tmp_path, document))
    assert code == 2
    assert len(err.splitlines()) == 2


def test_it_reports_an_unreadable_file(tmp_path):
    code, out, err = run_command(str(tmp_path / "missing.json"))
    assert (code, out) == (2, "")
    assert err.startswith("$: cannot read")


def test_it_accepts_plain_json_numbers(tmp_path):
    document = base_document()
    for employee in document["employees"]:
        month = employee["months"][0]
        month["general"] = [float(value) for value in month["general"]]
    code, out, _ = run_command(write(tmp_path, document))
    assert code == 0
    months = {row["employee"]: row for row in json.loads(out)["months"]}
    assert months["CV02"]["total"] == "89.72"


@pytest.mark.django_db
def test_it_scores_against_the_database_versions_on_request(tmp_path):
    call_command("loaddata", str(Path(settings.BASE_DIR) / "fixtures/reference/rulesets.json"))
    code, out, _ = run_command(str(SCENARIOS / "01-vi-du-mau.json"), "--from-database")
    assert code == 0
    expected = json.loads((SCENARIOS / "01-vi-du-mau.expected.json").read_text("utf-8"))
    assert json.loads(out) == expected
