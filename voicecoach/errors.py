"""One exception root. Every error carries a machine code and a Dutch message for users."""

from __future__ import annotations


class VoiceCoachError(Exception):
    """Base of all expected failures; `message` is Dutch and says what to do."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class ModelError(VoiceCoachError):
    """A model is missing, incomplete, or fails its checksum."""

    code = "model_error"
