"""Audio problems: one machine code each, with a Dutch message that says what to do."""

from __future__ import annotations

from voicecoach.errors import VoiceCoachError
from voicecoach.shape import Shape

MESSAGES: dict[str, str] = {
    "unreadable": "Het bestand kan niet worden geopend. Controleer of het bestaat en probeer het opnieuw.",
    "empty": "Het bestand is leeg: er is niets opgenomen. Neem je antwoord opnieuw op.",
    "not_audio": (
        "Dit bestand is geen leesbaar geluid of het is beschadigd. Neem opnieuw op, of kies een "
        "WAV-, FLAC-, OGG-, WebM-, MP3- of M4A-bestand."
    ),
    "no_audio_stream": "Dit bestand bevat geen geluidsspoor. Kies een bestand waarin je stem te horen is.",
    "too_short": (
        "De opname is te kort: er is bijna niets opgenomen (minder dan een kwart seconde). Neem je "
        "antwoord opnieuw op."
    ),
    "too_long": (
        "De opname is langer dan {limit_seconds:.0f} seconden. Houd je antwoord korter en neem "
        "opnieuw op."
    ),
    "unusual_format": (
        "Deze opname heeft een ongewoon formaat (heel veel kanalen of een ongewone samplefrequentie) dat "
        "VoiceCoach niet verwerkt. Neem opnieuw op in de browser, of kies een gewone opname (mono of stereo)."
    ),
    "invalid_samples": (
        "De opname bevat ongeldige geluidswaarden: het bestand is beschadigd of niet door een "
        "microfoon gemaakt. Neem je antwoord opnieuw op."
    ),
    "dropped_audio": (
        "De computer was te druk om de microfoon bij te houden: een stukje van je antwoord ging verloren "
        "({seconds} seconde). Sluit zware programma's en spreek je antwoord opnieuw in."
    ),
    "no_microphone": (
        "De microfoon geeft geen geluid door. Controleer of hij aangesloten is en niet door een ander "
        "programma gebruikt wordt, of kies een andere microfoon met --device, en probeer het opnieuw."
    ),
    "silent": "Er was niets te horen — kies de juiste microfoon en probeer het opnieuw.",
    "no_speech": (
        "Er is wel geluid opgenomen, maar geen spraak herkend (alleen ruis, een toon of ander "
        "geluid). Zorg dat je stem te horen is en neem je antwoord opnieuw op."
    ),
    "no_words": (
        "We hoorden wel een stem, maar konden er geen woorden in verstaan. Spreek wat luider en "
        "duidelijker, of dichter bij de microfoon, en neem je antwoord opnieuw op."
    ),
    "no_words_short": (
        "We hoorden maar heel even een stem (minder dan anderhalve seconde) en konden er geen woorden in "
        "verstaan. Werd je antwoord afgebroken? Spreek een hele zin en neem je antwoord opnieuw op."
    ),
    "too_quiet": (
        "De opname is te zacht om je stem te meten. Spreek dichter bij de "
        "microfoon of zet het opnameniveau hoger, en probeer het opnieuw."
    ),
    "clipped": (
        "De opname is overstuurd: het geluid was te hard voor de microfoon en klinkt op sommige plekken "
        "vervormd ({percent} % van de opname). Zet het opnameniveau lager of ga iets verder van de microfoon "
        "zitten; hoe hard je sprak, is nu minder betrouwbaar gemeten."
    ),
}


class AudioError(VoiceCoachError):
    """The audio cannot be analysed; `code` is one of MESSAGES' keys."""

    def __init__(self, code: str, **values: float) -> None:
        super().__init__(MESSAGES[code].format(**values), code=code)
        self.values = values


class AudioWarning(Shape):
    """A problem that does not stop the analysis but must be shown next to its result."""

    code: str
    message: str
    value: float

    @classmethod
    def make(cls, code: str, value: float, **values: float) -> AudioWarning:
        return cls(code=code, message=MESSAGES[code].format(**values), value=value)
