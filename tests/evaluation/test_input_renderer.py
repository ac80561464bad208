"""The scoring page's Python input renderer draws exactly what Django's templates draw,
and a shown row's hand-written inputs (`presenters.RowInputs`) are its form's markup."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils import translation

from evaluation.forms import InputRenderer, NumberInput, ScoreRowForm
from evaluation.models import Evaluation, EvaluationState, WorkItem
from evaluation.presenters import RowInputs
from hrsystem.models import Employee


class Sample(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'lý do "khi" <50> & ngày'}))
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.DecimalField(
        widget=NumberInput(attrs={"form": "row-1-form", "data-preview": ""})
    )
    checked = forms.BooleanField(required=False)
    unchecked = forms.BooleanField(required=False)
    empty = forms.CharField(required=False, widget=forms.TextInput(attrs={"disabled": True}))
    choice = forms.ChoiceField(choices=[("100", "Hoàn thành"), ("50", "Không hoàn thành")])


VALUES = {
    "text": 'Nguyễn Thị <b>Hà</b> & "Lan"',
    "hidden": 7,
    "number": Decimal("2.50"),
    "checked": True,
    "unchecked": False,
    "empty": None,
    "choice": "50",
}


@pytest.mark.parametrize("name", list(VALUES))
def test_it_renders_every_widget_as_django_does(name):
    django_form = Sample(initial=VALUES, renderer=get_default_renderer())
    fast_form = Sample(initial=VALUES, renderer=InputRenderer())
    assert str(fast_form[name]) == str(django_form[name])


def test_it_escapes_what_a_user_typed():
    form = Sample(data={**VALUES, "text": '"><script>alert(1)</script>'}, renderer=InputRenderer())
    html = str(form["text"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# --- the scoring page's rows, written by hand (presenters.RowInputs) ---------------------


CRITERIA = (
    SimpleNamespace(name='Phẩm chất <chính trị> & "đạo đức"', max_points=Decimal(5)),
    SimpleNamespace(name="Năng lực", max_points=Decimal("2.5")),
    SimpleNamespace(name="Trách nhiệm", max_points=Decimal(10)),
)


def _row(state, *, absent, dd):
    evaluation = Evaluation(
        pk=41,
        state=state,
        is_leader=True,
        absent=absent,
        revision=3,
        head_comment='Tốt <b>"lắm"</b> & đều' if absent else "",
        dd_score=dd,
        dd_reason='chưa "xong"' if dd else "",
        e_score=None,
        e_reason="",
    )
    evaluation.employee = Employee(full_name='Nguyễn <Thị> "Hà" & Lan')
    scores = {
        0: SimpleNamespace(proposed=Decimal("4.50"), final=None),
        1: SimpleNamespace(proposed=Decimal(2), final=Decimal("1.25")),
    }
    items = [
        WorkItem(
            pk=7,
            name='Việc <a> "b" & c',
            major_errors=1,
            late=2,
            late_excused=1,
            excuse_reason='mưa "lũ" <to>',
            done=Decimal("2.50"),
        ),
        WorkItem(pk=8, name="Hồ sơ", major_errors=0, late=0, late_excused=0, excuse_reason=""),
    ]
    return {"evaluation": evaluation, "criteria": CRITERIA, "scores": scores, "items": items}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("state", [EvaluationState.DRAFT, EvaluationState.SELF_SUBMITTED])
@pytest.mark.parametrize("certify", [True, False])
@pytest.mark.parametrize("leader_rights", [True, False])
@pytest.mark.parametrize(("absent", "dd"), [(True, Decimal(50)), (False, None)])
def test_a_shown_row_is_the_markup_its_form_draws(
    language, state, certify, leader_rights, absent, dd
):
    with translation.override(language):
        given = _row(state, absent=absent, dd=dd)
        form = ScoreRowForm(None, leader_rights=leader_rights, certify=certify, **given)
        shown = RowInputs(leader_rights=leader_rights, certify=certify, **given)
        assert shown.html_id == form.html_id and shown.with_leader == form.with_leader
        assert shown.initial == {k: form.initial[k] for k in shown.initial}
        for (mine, proposed), (theirs, expected) in zip(
            shown.criterion_cells(), form.criterion_cells(), strict=True
        ):
            assert (str(mine), proposed, mine.value) == (str(theirs), expected, theirs.value())
        for mine, theirs in zip(shown.item_fields(), form.item_fields(), strict=True):
            assert mine[0] is theirs[0]
            assert [None if m is None else str(m) for m in mine[1:]] == [
                None if t is None else str(t) for t in theirs[1:]
            ]
        names = ["revision", "absent", "head_comment"]
        if form.with_leader:
            names += ["dd", "dd_reason", "e", "e_reason"]
        for name in names:
            mine, theirs = getattr(shown, name), form[name]
            assert str(mine) == str(theirs), name
            assert (str(mine.label), mine.id_for_label) == (
                str(theirs.label),
                theirs.id_for_label,
            ), name
