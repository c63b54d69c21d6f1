"""Background analysis yields the CPU: the thread that asks (and the threads it starts) runs at a
higher nice value, the rest of the process does not (Linux keeps a nice value per thread)."""

from __future__ import annotations

import os
import threading

from voicecoach.lifetime import BACKGROUND_NICENESS, yield_to_interactive


def test_background_work_runs_at_a_lower_priority_and_only_there() -> None:
    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen: dict[str, int] = {}

    def background() -> None:
        yield_to_interactive()
        seen["asked"] = os.getpriority(os.PRIO_PROCESS, 0)
        started = threading.Thread(target=lambda: seen.update(started=os.getpriority(os.PRIO_PROCESS, 0)))
        started.start()
        started.join()

    thread = threading.Thread(target=background)
    thread.start()
    thread.join()
    assert seen["asked"] == seen["started"] == min(19, before + BACKGROUND_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before  # the server's own threads keep theirs
