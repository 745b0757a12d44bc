"""Ctrl-C (and SIGTERM) as a request to stop early, so a long run still writes its results.

The first signal sets an event the engine polls; the run then ends at its next batch boundary
and returns a result marked partial. A second signal raises KeyboardInterrupt as usual, for when
stopping takes too long (the results directory is then not written, or removed if half done).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_interrupt(command: str) -> Iterator[threading.Event]:
    """Yield an event set by the first SIGINT/SIGTERM; handlers are restored on exit."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be installed from the main thread
        return

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        name = signal.Signals(signum).name
        print(f"\npinsim {command}: {name}: stopping early and writing partial results "
              "(again to abort)", file=sys.stderr, flush=True)

    previous = {signum: signal.signal(signum, on_signal) for signum in _SIGNALS}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
