"""The reply's open phrase worked out during a pause, before it is known to be the last.

A phrase settles (speech/phrases.py) only 0.8 s after its speech ends, and its Whisper pass takes
about as long again, so a trainee who presses Stop within a second or so of their last word left
that phrase's whole pass (0.5–1 s of beam-5 decoding) to the analysis. Here, as soon as the voice
has paused for PAUSE_S, the open phrase is transcribed and pitch-tracked as it stands (speech start
to the audio so far). At Stop the guess is kept when the finished recording's last phrases hold no
speech past it: the recording then carries the guessed span as its last phrase boundary (as the
stream decides every boundary, speech/phrase_file.py), so the analysis finds the result by its
samples (`phrase_key`) and a re-analysis cuts, and hears, exactly the same. The same holds before
Stop: when the pause lasts until the phrase settles, the settled phrase is cut at the guessed span
and takes its pass (one pass per phrase, not two). When the trainee spoke on, the guess is dropped
and the phrase goes the usual way: a guess never changes any words, it only moves a phrase's
single pass earlier.

Bounded live work: one pass per pause (not per look), and none while other streams' work waits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from voicecoach.speech.phrases import SAMPLE_RATE, SPEECH_PAD_MS, Phrase
from voicecoach.speech.transcribe import PhraseText

PAUSE_S = 0.2  # the voice stopped this long ago: the open phrase may be the reply's last
TAIL_S = 1.0  # the pause is looked for in this much of the newest audio (a cheap Silero run)
# Any drop below Silero's threshold counts here: this only decides when to guess; the finished
# recording's own phrase search decides whether the guess is kept.
PAUSE_VAD = VadOptions(min_silence_duration_ms=int(PAUSE_S * 1000), speech_pad_ms=0)
START_SLACK = int(0.1 * SAMPLE_RATE)  # the final phrase search may start the phrase this much earlier
PAD = SPEECH_PAD_MS * SAMPLE_RATE // 1000


@dataclass(frozen=True)
class Guess:
    """A pass over `phrase` (the open phrase up to the audio then), made when its speech had ended
    at `speech_end`; `text` and `pitch` are what transcribe_phrase / span_pitch gave."""

    phrase: Phrase
    speech_end: int
    text: PhraseText
    pitch: np.ndarray


def paused_speech_end(samples: np.ndarray, open_phrase: Phrase) -> int | None:
    """Where the open phrase's speech ended, when the voice has been silent for PAUSE_S since;
    None while it still speaks (or has said nothing yet)."""
    tail_start = max(open_phrase.start, len(samples) - int(TAIL_S * SAMPLE_RATE))
    chunks = get_speech_timestamps(samples[tail_start:], PAUSE_VAD, SAMPLE_RATE)
    if not chunks:
        return None  # a pause longer than the tail: the phrase settles by itself soon
    end = tail_start + chunks[-1]["end"]
    return end if len(samples) - end >= int(PAUSE_S * SAMPLE_RATE) else None


def worth_guessing(previous: Guess | None, open_phrase: Phrase, speech_end: int) -> bool:
    """A new pass only for a new pause: a new open phrase, or speech after the last guess's."""
    if previous is None or previous.phrase.start != open_phrase.start:
        return True
    return speech_end > previous.speech_end + PAD


def settles_as_guessed(span: Phrase, settled: Phrase, later: list[Phrase]) -> bool:
    """True when a phrase that just `settled` is the guessed `span`: the guess holds all its speech
    and none of the phrases found `later` (whose speech starts PAD after their start) began inside it."""
    return kept_phrases(span, [settled]) == [span] and all(phrase.start + PAD >= span.end for phrase in later)


def kept_phrases(span: Phrase | None, rest: list[Phrase]) -> list[Phrase]:
    """The last phrases of the finished recording (`rest`, after the settled ones), with a guess's
    `span` in their place when it holds all their speech (each phrase ends PAD after its speech)."""
    if span is None or not rest:
        return rest
    if rest[0].start >= span.start - START_SLACK and rest[-1].end <= span.end + PAD:
        return [span]
    return rest
