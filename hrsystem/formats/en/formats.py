"""English date display with the month spelt out, so 05/03 is never read as May 3rd.

Django falls back to its own en formats for everything not set here.
"""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
