"""Spreadsheet exports that a spreadsheet program cannot execute.

A cell whose text starts with =, +, -, @, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (CSV and XLSX alike): a buyer or party name such as
`=HYPERLINK(...)` typed into a case would run on the desk of whoever opens the export. Every
export resource (registry and shipments) derives from `SafeExportResource`, which prefixes
such text with a single quote, the convention those programs show as plain text (OWASP,
"CSV Injection").
"""

from __future__ import annotations

from typing import Any

from import_export import resources

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value, with text a spreadsheet would evaluate turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeExportResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))
