"""Fuzzing the work-product catalogue's import in the admin (`WorkProductResource`):
hypothesis writes .xlsx and .csv files from real rows with hostile cells, wrong headers
and files that are neither. The preview never fails nor writes; a file it accepts is
then imported through the confirmation without failing, and one it refuses offers no
confirmation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given

from hrsystem.models import WorkProduct
from tests.factories import JobPositionFactory
from tests.fuzzing import FUZZ, fuzz_cases_fixture, spreadsheets  # noqa: F401 — the fixture
from tests.hrsystem.test_work_product_import import BAO_CAO, HEADERS, THAM_DINH
from tests.shared import shared_cast

PLAUSIBLE = [
    THAM_DINH,
    BAO_CAO,
    ["UBND-TN", "SP03", "Tiếp công dân", "buổi", 1, "Điểm", 1, "KT", "có", "có"],
    ["UBND-TN", "SP04", "Hồ sơ một cửa", "hồ sơ", "0,5", "Giờ", "2", "CV", "x", ""],
    ["KHAC", "SP05", "Của cơ quan khác", "bản", "1", "Điểm", "1", "CV"],
]
"""Rows an HR officer would send (another agency's among them: refused by rights)."""


@shared_cast("catalogue")
def catalogue(cast):
    """The cast with a second position KT to name in the rows."""
    JobPositionFactory(organisation=cast.org, code="KT", name="Kế toán viên")
    return cast


def _state() -> tuple:
    return (
        sorted(WorkProduct.objects.values_list("code", "name", "norm", "coefficient")),
        WorkProduct.history.count(),
    )


@pytest.fixture
def hr(catalogue):
    client = Client()
    client.force_login(catalogue.to_chuc.user)
    return client


@FUZZ
@given(upload=spreadsheets(HEADERS, PLAUSIBLE))
def test_the_catalogue_import_never_fails_and_writes_only_when_confirmed(hr, fuzz_cases, upload):
    fuzz_cases()
    fuzz_cases.must_see = {"accepted", "refused"}
    name, content = upload
    before = _state()
    preview = hr.post(
        reverse("admin:hrsystem_workproduct_import"),
        {
            "format": 0 if name.endswith(".xlsx") else 1,
            "import_file": SimpleUploadedFile(name, content),
            "resource": 0,
        },
    )
    assert preview.status_code == 200
    assert _state() == before  # a preview writes nothing
    confirm = preview.context.get("confirm_form") if preview.context else None
    if confirm is None:
        fuzz_cases.saw("refused")
        return
    fuzz_cases.saw("accepted")
    done = hr.post(
        reverse("admin:hrsystem_workproduct_process_import"),
        {field: confirm.initial[field] for field in confirm.fields},
    )
    assert done.status_code == 302
    for _code, _name, norm, coefficient in _state()[0]:
        assert norm > 0 and coefficient > 0
