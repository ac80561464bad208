"""Pages of 50 rows by default (`?page=`, `?page_size=` up to 500)."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
