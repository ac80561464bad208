"""The scoring page's Python input renderer draws exactly what Django's templates draw."""

from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import get_default_renderer

from evaluation.forms import InputRenderer, NumberInput


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
