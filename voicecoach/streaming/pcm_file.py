"""A WAV file that grows as PCM chunks arrive: whatever arrived is a playable, decodable recording.

The wave module patches the header's sizes after every write, and each chunk is flushed to the
operating system, so a connection cut mid-reply (or a crashed server) leaves a valid file holding
every chunk received.
"""

from __future__ import annotations

import os
import struct
import wave
from pathlib import Path

import numpy as np

from voicecoach.speech.phrase_file import phrase_chunk
from voicecoach.speech.phrases import Phrase

SAMPLE_RATE = 16_000
SAMPLE_WIDTH = 2  # 16-bit signed little-endian, what the browser client sends


class GrowingWav:
    """16 kHz mono 16-bit WAV written chunk by chunk; also keeps the samples for the live analysis."""

    def __init__(self, path: Path, max_seconds: float) -> None:
        self.path = path
        self.max_samples = int(max_seconds * SAMPLE_RATE)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("wb")
        self._wav = wave.open(self._handle, "wb")
        self._wav.setnchannels(1)
        self._wav.setsampwidth(SAMPLE_WIDTH)
        self._wav.setframerate(SAMPLE_RATE)
        self._chunks: list[np.ndarray] = []
        self._count = 0
        self._pending = b""  # an odd trailing byte waits for its other half
        self.closed = False

    @property
    def seconds(self) -> float:
        return self._count / SAMPLE_RATE

    @property
    def arrived(self) -> int:
        """Samples written so far."""
        return self._count

    def append(self, data: bytes) -> bool:
        """Write a chunk of PCM bytes; False (nothing written) once the maximum length is reached."""
        data = self._pending + data
        usable = len(data) - len(data) % SAMPLE_WIDTH
        self._pending = data[usable:]
        pcm = np.frombuffer(data[:usable], dtype="<i2")
        room = self.max_samples - self._count
        if room <= 0:
            return False
        pcm = pcm[:room]
        self._wav.writeframes(pcm.tobytes())
        self._handle.flush()
        self._chunks.append(pcm.astype(np.float32) / 32768.0)  # as PyAV decodes 16-bit PCM
        self._count += len(pcm)
        return True

    def samples(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros(0, dtype=np.float32)

    def tail(self, count: int) -> np.ndarray:
        """The last `count` samples (all, when fewer arrived), without joining the whole recording."""
        chunks = self._chunks  # one reference: samples() on the live thread may replace the list meanwhile
        pieces: list[np.ndarray] = []
        have = 0
        for chunk in reversed(chunks):
            if have >= count:
                break
            pieces.append(chunk[-(count - have) :])
            have += len(pieces[-1])
        return np.concatenate(pieces[::-1]) if pieces else np.zeros(0, dtype=np.float32)

    def close(self, phrases: list[Phrase] | None = None) -> None:
        """Finish the header, add the phrase boundaries (speech/phrase_file.py) and make the file
        durable (file and directory fsynced)."""
        if self.closed:
            return
        self.closed = True
        self._wav.close()  # leaves our handle open: it was passed in
        if phrases:
            self._handle.write(phrase_chunk(phrases))
            riff_size = self._handle.tell() - 8
            self._handle.seek(4)
            self._handle.write(struct.pack("<I", riff_size))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
