"""Points for the voice: raised against the trainee's calm reference, rises inside the reply, calm
under pressure, and techniques that land less when said raised (blog, 3 Reasons Why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from voicecoach.coaching.points import fmt, point, span
from voicecoach.turn_record import PointRecord
from voicecoach.voice.shapes import SHORT_REPLY_S, Comparison, VoiceRecord
from voicecoach.voice.stats import semitones_as_percent
from voicecoach.vocabulary import BLOG, R3, SEED_FILES

CALM_PRESSURE_ANGER = 3

# Per voice measure: the comparative, what to do about it and the seed that says so. The blog names
# "Verhoogd stemvolume" and "Snelle veranderingen in de stemtoon" as signs; a voice that is higher or
# faster throughout is neither, so those follow 3 Reasons Why's "Praat kalm en gebruik duidelijke taal".
VOICE_TEXT = {
    "loudness": ("harder", "Een verhoogd stemvolume is een teken dat de situatie verslechtert. Blijf kalm.", BLOG),
    "pitch": ("hoger", "Praat kalm en gebruik duidelijke taal.", R3),
    "rate": ("sneller", "Praat kalm en gebruik duidelijke taal.", R3),
}


def _rise_advice(measure: str, jump: bool) -> tuple[str, str]:
    """What a rise inside the reply is a sign of, and the seed: a gradual rise in pitch is no 'snelle
    verandering' (a review found the text saying 'geleidelijk' and 'snelle' in one breath)."""
    if measure == "loudness":
        return "Een verhoogd stemvolume is een teken dat de situatie verslechtert.", BLOG
    if jump:
        return "Snelle veranderingen in de stemtoon zijn een teken dat de situatie verslechtert.", BLOG
    return "Praat kalm en gebruik duidelijke taal.", R3


def voice_points(voice: VoiceRecord, customer_anger: int, w: dict[str, Any], *, calm_words: bool) -> list[PointRecord]:
    points = []
    comparisons: list[Comparison] = [c for c in (voice.loudness, voice.pitch, voice.rate) if c is not None]
    for comparison in comparisons:
        if not comparison.raised:
            continue
        value = w["voice_raised"][comparison.measure][_degree(comparison)]
        _, advice, source = VOICE_TEXT[comparison.measure]
        evidence = comparison.model_dump(mode="json")
        clipping = ""
        if comparison.measure == "loudness":
            evidence |= {"clipped": voice.clipped, "clipped_fraction": round(voice.clipped_fraction, 5)}
            if voice.clipped:
                clipping = (
                    " Let op: je opname was overstuurd (het geluid was te hard voor de microfoon en klinkt "
                    "vervormd), dus je was waarschijnlijk nog harder dan gemeten."
                )
        points.append(
            point(
                criterion=f"stem:{comparison.measure}",
                points=value,
                explanation=f"{value}: {_raised_sentence(comparison, voice)}{clipping} "
                f"{advice} Bron: {SEED_FILES[source]}.",
                evidence=evidence,
                source=source,
            )
        )
    for rise in voice.rises:
        word = VOICE_TEXT[rise.measure][0]
        kind = "plotseling" if rise.kind == "jump" else "geleidelijk"
        advice, source = _rise_advice(rise.measure, rise.kind == "jump")
        own = "" if rise.reference == "calibration" else "; je rustige stem is nog niet gemeten, dus dit is vergeleken met je eigen antwoord"
        points.append(
            point(
                criterion=f"stijging:{rise.measure}",
                points=w["rise"],
                explanation=(
                    f"{w['rise']}: Je stem werd {span(rise.start, rise.end)} {kind} {word}: "
                    f"ongeveer {_amount(rise.difference, rise.measure)} {word} dan eerder in je antwoord (pas vanaf "
                    f"{_amount(rise.threshold, rise.measure)} telt het als stijging{own}). {advice} Bron: {SEED_FILES[source]}."
                ),
                evidence=rise.model_dump(mode="json"),
                source=source,
            )
        )
    # a word or two is judged raised only when clearly so (voice/measures.py), so it earns no "calm under pressure";
    # nor does a voice held against general values only: a shout on a quiet microphone passes them
    calm = (not points and not voice.clipped and voice.loudness and voice.pitch and voice.speech_seconds >= SHORT_REPLY_S
            and voice.baseline.is_personal)
    if customer_anger >= CALM_PRESSURE_ANGER and calm and calm_words:
        points.append(
            point(
                criterion="stem:kalm_onder_druk",
                points=w["calm_under_pressure"],
                explanation=(
                    f"+{w['calm_under_pressure']}: Je bleef rustig terwijl de klant boos was (boosheid "
                    f"{customer_anger} van 4): je stem bleef binnen de gewone marge van {_reference(voice)}: "
                    f"{_change(voice.loudness.difference, 'loudness', 'harder', 'zachter', 'even hard')} en "
                    f"{_change(voice.pitch.difference, 'pitch', 'hoger', 'lager', 'even hoog')}. "
                    f"Reageer niet op agressie met meer agressie. Bron: {SEED_FILES[R3]}."
                ),
                evidence={"loudness": voice.loudness.model_dump(mode="json"), "pitch": voice.pitch.model_dump(mode="json"), "customer_anger": customer_anger},
                source=R3,
            )
        )
    return points


def raised_voice_loss(voice: VoiceRecord, techniques: Sequence[PointRecord], w: dict[str, Any]) -> list[PointRecord]:
    """Half the technique points go when the voice was raised: over the whole reply, or in a stretch
    that rose inside it (one sentence shouted in the middle of a calm reply cost only the rise's −2,
    less than a reply spoken a little louder throughout, a test session)."""
    raised = [c for c in (voice.loudness, voice.pitch) if c is not None and c.raised]
    rises = [rise for rise in voice.rises if rise.measure not in {c.measure for c in raised}]
    earned = sum(p.points for p in techniques)
    loss = round(earned * w["raised_voice_technique_loss"])
    if not (raised or rises) or loss <= 0:
        return []
    reasons = [f"je {' en '.join(VOICE_TEXT[c.measure][0] for c in raised)} sprak dan {_reference(voice)}"] if raised else []
    reasons += [f"je stem {span(rise.start, rise.end)} {VOICE_TEXT[rise.measure][0]} werd" for rise in rises]
    return [
        point(
            criterion="stem:woorden_komen_minder_aan",
            points=-loss,
            explanation=(
                f"-{loss}: De technieken in je antwoord (+{earned}) komen minder aan, omdat {' en '.join(reasons)}: "
                f"de helft van die punten vervalt. Reageer niet op agressie met meer "
                f"agressie en praat kalm. Bron: {SEED_FILES[R3]}."
            ),
            evidence={"technique_points": earned, "raised": [c.model_dump(mode="json") for c in raised],
                      "rises": [rise.model_dump(mode="json") for rise in rises]},
            source=R3,
        )
    ]


def _raised_sentence(comparison: Comparison, voice: VoiceRecord) -> str:
    """One plain sentence: when, how much and against what the voice was raised."""
    word = VOICE_TEXT[comparison.measure][0]
    amount, limit = _amounts(comparison)
    if comparison.measure == "rate":
        return f"Je sprak {word} dan {_reference(voice)}: {amount} {word}, terwijl tot {limit} verschil nog gewoon is."
    return (
        f"Je sprak {_when(comparison)} {_degree(comparison)} {word} dan {_reference(voice)}: "
        f"{amount} {word}, terwijl tot {limit} verschil nog gewoon is."
    )


def _degree(comparison: Comparison) -> str:
    return "flink" if comparison.difference >= 2 * comparison.threshold else "duidelijk"


def _amounts(comparison: Comparison) -> tuple[str, str]:
    """The difference ("ongeveer …") and the threshold in words; "net iets meer dan" where rounding made
    them read the same ("20 procent sneller, terwijl tot 20 procent nog gewoon is", a test session;
    decimals added for it read "3,03 decibel … tot 3,00", false precision, another)."""
    baseline = comparison.baseline if comparison.measure == "rate" else 0.0
    amount = _amount(comparison.difference, comparison.measure, baseline)
    limit = _amount(comparison.threshold, comparison.measure, baseline)
    return (f"ongeveer {amount}" if amount != limit else f"net iets meer dan {limit}"), limit


def _when(comparison: Comparison) -> str:
    """The raised stretches in seconds (one per stretch, merged across pauses)."""
    stretches = comparison.stretches or (comparison.seconds,)
    return " en ".join(span(start, end) for start, end in stretches)


def _reference(voice: VoiceRecord) -> str:
    """What the reply was compared with, said so that a missing calibration is noticed."""
    if voice.baseline.is_personal:
        return "je rustige stem"
    if voice.baseline.source == "earlier_replies":
        return "je rustigste eerdere antwoord in dit gesprek (je eigen rustige stem is nog niet gemeten)"
    return "een gemiddelde rustige stem (je eigen rustige stem is nog niet gemeten)"


def _change(value: float, measure: str, up: str, down: str, same: str) -> str:
    """'ongeveer 2,5 decibel harder', or `same` when it rounds to nothing ('0 dB zachter' read oddly)."""
    amount = _amount(value, measure)
    return same if amount.startswith("0 ") else f"ongeveer {amount} {up if value >= 0 else down}"


def _amount(value: float, measure: str, baseline: float = 0.0) -> str:
    """A difference as people say it: loudness in decibel (one decimal below 10, Dutch comma), pitch
    and pace in whole percents — pitch from half-tones, pace of the calm pace `baseline` ("halve tonen"
    and "lettergrepen per seconde" were words a test session's trainee did not know)."""
    if measure == "loudness":
        return f"{fmt(abs(value), 0 if abs(value) >= 10 else 1).removesuffix(',0')} decibel"
    percent = semitones_as_percent(value) if measure == "pitch" else 100 * value / baseline if baseline else 0.0
    return f"{fmt(abs(percent), 0)} procent"
