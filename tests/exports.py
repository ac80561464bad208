"""Reading back a list page's Excel export in tests."""

from io import BytesIO
from types import SimpleNamespace

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_export(response) -> SimpleNamespace:
    """The export's sheet: `title` (the sheet's name), `heading` (the title block's lines),
    `headers` and `rows` (cell values), `sheet` itself and the raw `content`."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert ".xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    blank = next(index for index, row in enumerate(values) if not any(row))
    heading = [row[0] for row in values[:blank]]
    return SimpleNamespace(
        title=sheet.title,
        heading=heading,
        headers=values[blank + 1],
        rows=values[blank + 2 :],
        sheet=sheet,
        content=content,
    )


def column(export, header) -> list:
    """The values of the column named `header`."""
    index = export.headers.index(header)
    return [row[index] for row in export.rows]
