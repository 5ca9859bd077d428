"""Erlang calculators (the ``ccsim erlang`` documents, as dicts).

Rates are arrivals **per hour**, times in **seconds**, targets as ``"80/20s"``.
"""

from __future__ import annotations

import json as _json
from typing import Any, Dict, Optional

from . import _ccsim

__all__ = ["b", "c", "a", "agents"]


def b(erlangs: float, lines: int) -> Dict[str, Any]:
    """Erlang B: the share of ``erlangs`` of offered traffic blocked on ``lines``."""
    return _json.loads(_ccsim.erlang_b(float(erlangs), int(lines)))


def c(per_hour: float, aht_s: float, agents: int, within_s: float = 20.0) -> Dict[str, Any]:
    """Erlang C (M/M/c): probability of waiting, service level within ``within_s``, ASA,
    occupancy."""
    return _json.loads(_ccsim.erlang_c(float(per_hour), float(aht_s), int(agents), float(within_s)))


def a(per_hour: float, aht_s: float, agents: int, patience_s: float, within_s: float = 20.0) -> Dict[str, Any]:
    """Erlang A (M/M/c+M): as :func:`c` with abandonment after an exponential patience of
    mean ``patience_s``."""
    return _json.loads(_ccsim.erlang_a(float(per_hour), float(aht_s), int(agents), float(patience_s), float(within_s)))


def agents(per_hour: float, aht_s: float, target: str = "80/20s", patience_s: Optional[float] = None) -> Dict[str, Any]:
    """The fewest agents meeting ``target`` (Erlang C, or A with ``patience_s``)."""
    return _json.loads(_ccsim.erlang_agents(float(per_hour), float(aht_s), str(target),
                                            None if patience_s is None else float(patience_s)))
