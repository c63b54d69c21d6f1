"""Reading an upload body with a size limit; an interrupted upload stores nothing."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.requests import ClientDisconnect


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        # The connection dropped mid-upload: nothing was written, the trainee records again.
        raise HTTPException(400, {"code": "upload_interrupted", "message": "De upload is afgebroken. Probeer het opnieuw."}) from None
    return b"".join(chunks)


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        {"code": "too_large", "message": f"De opname is te groot (meer dan {limit // 1_000_000} MB). Houd je antwoord korter."},
    )
