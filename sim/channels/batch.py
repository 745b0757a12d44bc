"""The columns that go into and come out of ChannelModel.admit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


class DeliveryBatch:
    """Deliveries to admit, in arrival order (one row each).

    ``arrival_s`` is non-decreasing. ``parts`` is the message weight for part-counted rate
    limits (SMS parts; None means 1 each). ``key`` picks the rate-limit bucket, e.g. the SMS
    origination number index (None means bucket 0, allowed only with a single bucket).
    """

    __slots__ = ("all_at_s", "arrival_s", "key", "parts")

    def __init__(
        self,
        arrival_s: npt.ArrayLike,
        parts: npt.ArrayLike | None = None,
        key: npt.ArrayLike | None = None,
    ) -> None:
        self.arrival_s: F64 = np.ascontiguousarray(arrival_s, dtype=np.float64)
        self.all_at_s: float | None = None
        """Set by :meth:`at`: every delivery arrives at this time (ordering checks can skip)."""
        self.parts: I64 | None = None if parts is None else np.ascontiguousarray(parts, np.int64)
        self.key: I64 | None = None if key is None else np.ascontiguousarray(key, np.int64)
        if self.arrival_s.ndim != 1:
            raise ValueError(f"Expected `arrival_s` to be 1-D, got shape {self.arrival_s.shape}")
        for name, column in (("parts", self.parts), ("key", self.key)):
            if column is not None and column.shape != self.arrival_s.shape:
                raise ValueError(
                    f"Expected `{name}` of shape {self.arrival_s.shape}, got {column.shape}"
                )

    @classmethod
    def at(
        cls,
        now: float,
        n: int,
        parts: npt.ArrayLike | None = None,
        key: npt.ArrayLike | None = None,
    ) -> DeliveryBatch:
        """n deliveries all arriving at ``now`` (one request in the real-time emulator)."""
        batch = cls(np.full(n, now, dtype=np.float64), parts, key)
        batch.all_at_s = float(now)
        return batch

    def __len__(self) -> int:
        return int(self.arrival_s.shape[0])

    def __repr__(self) -> str:
        columns = (("arrival_s", self.arrival_s), ("parts", self.parts), ("key", self.key))
        shown = ", ".join(f"{name}={column.tolist()!r}" for name, column in columns
                          if column is not None)  # fmt: skip
        return f"DeliveryBatch({shown})"


@dataclass(frozen=True, slots=True)
class Admission:
    """Per-delivery result columns, aligned with the admitted batch.

    ``status`` holds sim.channels.status codes, ``status_code`` the provider's code (200 on
    success) and ``message`` an index into ``ChannelModel.messages``. A throttled delivery in
    reject mode has ``start_s == end_s ==`` its arrival.
    """

    start_s: F64
    end_s: F64
    status: npt.NDArray[np.uint8]
    status_code: npt.NDArray[np.int16]
    message: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.start_s.shape[0])

    @property
    def latency_s(self) -> F64:
        """Time each delivery held a server (end - start); 0 for throttled ones."""
        return self.end_s - self.start_s
