"""The join QR code: the round's join page with its code, as an SVG for the projector."""

from __future__ import annotations

import io

import segno


def join_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/klas/meedoen?code={code}"


def join_qr_svg(base_url: str, code: str) -> bytes:
    out = io.BytesIO()
    segno.make(join_url(base_url, code), error="m").save(out, kind="svg", scale=8, border=2, title="QR-code om mee te doen")
    return out.getvalue()
