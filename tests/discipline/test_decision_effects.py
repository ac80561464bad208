"""A discipline decision's effects (issue 17, defect 7): cách chức ends the person's post
on its effective date; the effect period feeds the annual cap; substantiated complaints
count for the head. Uses the `d` agency (tests/discipline/conftest.py)."""

from datetime import date

from discipline import services
from hrsystem import selectors as hr_selectors


def _decide(d, *, employee, form, effect_from, effect_to=None, decided_on=date(2026, 3, 10)):
    return services.discipline_decide(
        employee=employee,
        number="15/QĐ-UBND",
        decided_on=decided_on,
        signer_name="Trần Văn Quang",
        signer_title="Chủ tịch UBND huyện",
        form=d.form[form],
        legal_basis="Nghị định số 112/2020/NĐ-CP",
        effect_from=effect_from,
        effect_to=effect_to,
    )


def test_removal_from_post_ends_the_post_on_its_effective_date(d):
    _decide(d, employee=d.truong_tn, form="cach_chuc", effect_from=date(2026, 3, 15))
    assert hr_selectors.unit_leader(d.tn, on=date(2026, 3, 14)) == d.truong_tn
    assert hr_selectors.unit_leader(d.tn, on=date(2026, 3, 15)) is None
    post = d.truong_tn.posts.get()
    assert post.end == date(2026, 3, 14)


def test_a_lesser_form_leaves_the_post(d):
    _decide(d, employee=d.truong_tn, form="khien_trach", effect_from=date(2026, 3, 15))
    assert hr_selectors.unit_leader(d.tn, on=date(2026, 3, 15)) == d.truong_tn
