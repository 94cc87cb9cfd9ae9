"""The value every difficulty detector returns: a named, explainable signal with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a signal fired: a short quote, who said it (role, never a name) and when (seconds)."""

    quote: str
    role: str
    time: float
    end: float | None = None

    def describe(self) -> str:
        return f"“{self.quote}” ({self.role}, {self.time:.1f} s)"


@dataclass(frozen=True, slots=True)
class Signal:
    """One measured aspect of a call.

    `value` is the raw measurement (count, ratio, seconds ... see `unit`); `strength` maps it
    onto 0..1 (how strongly it suggests difficulty). A signal that could not be computed has
    `available=False`, strength 0 and a `note` saying why.
    """

    name: str
    value: float
    strength: float
    evidence: tuple[Evidence, ...] = ()
    available: bool = True
    note: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"signal {self.name}: strength {self.strength} outside 0..1")

    @classmethod
    def unavailable(cls, name: str, note: str) -> "Signal":
        return cls(name=name, value=0.0, strength=0.0, available=False, note=note)


def clamp01(x: float) -> float:
    return 0.0 if x <= 0.0 else 1.0 if x >= 1.0 else float(x)


def ramp(x: float, low: float, high: float) -> float:
    """0 at or below `low`, 1 at or above `high`, linear in between."""
    if high == low:
        return 1.0 if x >= high else 0.0
    return clamp01((x - low) / (high - low))


@dataclass
class Notes:
    """Collects the call-level notes (what could not be computed and why)."""

    items: list[str] = field(default_factory=list)

    def add(self, note: str) -> None:
        if note and note not in self.items:
            self.items.append(note)
