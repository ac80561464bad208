"""Filters that write ledger values the same way on every page and PDF (see `display`)."""

from django import template

from discipline import display

register = template.Library()

register.filter("points", display.points_text)
register.filter("deduction", display.deduction_text)
register.filter("person_name", display.person_name)
register.filter("document_date", display.document_date)
