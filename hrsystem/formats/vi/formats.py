"""Vietnamese date display: day/month/year, as on official documents.

Django falls back to its own vi formats for everything not set here.
"""

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
