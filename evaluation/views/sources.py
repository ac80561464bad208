"""Where a number came from: the scorer replaces a quantity a source system sent, only
with a reason (issue 14). The scoring page shows the form under the item's source."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import forms, presenters, services
from evaluation.models import WorkItem

from .access import _flash_error, _get_period_for_user


@login_required
@require_POST
def source_override(request, period_pk: int):
    """Replace one system-sent quantity of the period through the service, which checks
    the scorer, the state, the revision and the reason; back to the item's unit."""
    period = _get_period_for_user(request, period_pk)
    form = forms.SourceOverrideForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(presenters.scoring_url(period, None))
    data = form.cleaned_data
    item = get_object_or_404(
        WorkItem.objects.select_related("evaluation__employee"),
        pk=data["item"],
        evaluation__period=period,
    )
    try:
        services.work_item_source_override(
            item=item,
            done=data["done"],
            reason=data["reason"],
            revision=data["revision"],
            by=request.user,
        )
        messages.success(
            request,
            _("Đã sửa khối lượng “%(item)s” của %(name)s, lý do đã ghi vào lịch sử.")
            % {"item": item.name, "name": item.evaluation.employee.full_name},
        )
    except ValidationError as error:
        _flash_error(request, error)
    return redirect(presenters.scoring_url(period, item.evaluation.unit_id))
