"""Every refusal as JSON: `{"detail": …, "errors": {"items[3].done": ["…"]}}` for bad input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def field_paths(errors, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors flattened to one list of messages per field path."""
    if isinstance(errors, dict):
        flat = {}
        for name, value in errors.items():
            if name in ("non_field_errors", "__all__"):
                key = prefix
            elif isinstance(name, int) or str(name).isdigit():
                key = f"{prefix}[{name}]"
            else:
                key = f"{prefix}.{name}" if prefix else str(name)
            flat.update(field_paths(value, key))
        return flat
    if isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        flat = {}
        for index, value in enumerate(errors):
            if value:
                flat.update(field_paths(value, f"{prefix}[{index}]"))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix or "__all__": [str(message) for message in messages]}


def invalid(errors: dict) -> Response:
    return Response(
        {
            "detail": _("Dữ liệu không hợp lệ: không có gì được ghi."),
            "errors": field_paths(errors),
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def exception_handler(exc, context):
    """DRF's handler, plus the services' field-named ValidationError as a 400 naming fields."""
    if isinstance(exc, DjangoValidationError):
        return invalid(
            exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        )
    if isinstance(exc, exceptions.ValidationError):
        return invalid(exc.detail if isinstance(exc.detail, dict) else {"__all__": exc.detail})
    return drf_exception_handler(exc, context)
