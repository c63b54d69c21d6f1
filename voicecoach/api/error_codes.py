"""HTTP status per VoiceCoach error code (one table for the app's handler and the login page)."""

from __future__ import annotations

ERROR_STATUS = {
    "not_found": 404, "too_large": 413, "unsupported_format": 415, "user_exists": 409, "group_exists": 409,
    "turn_pending": 409, "line_answered": 409, "reply_deleted": 409, "cannot_retry": 409, "cannot_keep": 409,
    "bad_login": 401, "inactive": 403, "own_account": 403, "rate_limited": 429, "busy": 503,
}
