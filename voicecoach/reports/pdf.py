"""HTML to PDF with WeasyPrint: the one place reports become PDF."""

from __future__ import annotations

from weasyprint import HTML


def html_to_pdf(html: str, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url).write_pdf()
