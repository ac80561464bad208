"""A post's term end (when reappointment is due): set with the appointment or later, by
HR, after the post's start; refusals write nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrsystem import services
from hrsystem.models import Post, PostKind
from tests.discipline.conftest import TODAY, build_agency
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(clock):
    clock.travel_to(TODAY)


@shared_cast("d")
def d():
    return build_agency()


def _head_post(d):
    return Post.objects.get(employee=d.truong_tn, kind=PostKind.HEAD)


def test_hr_sets_and_clears_the_term_end_with_history(d):
    post = services.post_term_set(post=_head_post(d), term_end=date(2031, 3, 1), by=d.to_chuc.user)
    assert post.term_end == date(2031, 3, 1)
    assert post.history.latest().history_user == d.to_chuc.user
    assert services.post_term_set(post=post, term_end=None, by=d.to_chuc.user).term_end is None


def test_a_term_ending_before_the_post_starts_is_refused(d):
    post = _head_post(d)
    with pytest.raises(ValidationError) as error:
        services.post_term_set(post=post, term_end=post.start, by=d.to_chuc.user)
    assert "term_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.post_assign(
            employee=d.binh,
            unit=d.tn,
            kind=PostKind.DEPUTY,
            start=date(2026, 3, 1),
            term_end=date(2026, 2, 1),
            by=d.to_chuc.user,
        )
    assert "term_end" in error.value.message_dict
    assert _head_post(d).term_end is None


def test_only_hr_sets_a_term(d):
    for user in (d.truong_tn.user, d.chu_tich.user, d.an.user):
        with pytest.raises(PermissionDenied):
            services.post_term_set(post=_head_post(d), term_end=date(2031, 3, 1), by=user)
    assert _head_post(d).term_end is None
