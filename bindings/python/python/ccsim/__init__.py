"""ccsim: a contact-centre queue simulator, in Python.

The library behind the ``ccsim`` command line, in Python's idiom. Every result is the
library's own document — ``to_dict()`` is exactly what ``ccsim … --format json`` prints —
and tidy for pandas with ``to_pandas()``.

Units, everywhere: durations in **seconds** (arguments also take the scenario's
strings such as ``"30m"``), shares as fractions from 0 to 1 (a service level of 0.8 is
80 %), arrival rates per hour where an argument says ``per_hour``.

>>> import ccsim
>>> s = ccsim.Scenario.load("scenarios/retail-day.toml")
>>> r = s.with_overrides({"agents.phone team.staff": "+2"}).run(replications=30)
>>> r.to_dict()["channels"]["phone"]["service_level"]["mean"]  # doctest: +SKIP
0.914...
"""

from __future__ import annotations

import json as _json
import os as _os
from dataclasses import dataclass as _dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _ccsim
from . import erlang

__version__: str = _ccsim.__version__

__all__ = [
    "Problem",
    "ScenarioError",
    "Scenario",
    "Results",
    "SweepResults",
    "StaffingResults",
    "ScheduleResults",
    "Fit",
    "sweep",
    "schedule",
    "staff",
    "fit",
    "erlang",
]

PathLike = Union[str, "os.PathLike[str]"]
Duration = Union[float, int, str]


@_dataclass(frozen=True)
class Problem:
    """One located problem of a scenario or another input file."""

    file: str
    line: Optional[int]
    column: Optional[int]
    field: Optional[str]
    message: str

    def __str__(self) -> str:
        at = self.file
        if self.line is not None:
            at += f":{self.line}"
            if self.column is not None:
                at += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        return f"{at}: {field}{self.message}"


class ScenarioError(ValueError):
    """A scenario (or a log, a template, a result file) is invalid.

    ``problems`` lists every problem, located as the command line prints them
    (``str(problem)`` is the CLI's line).
    """

    def __init__(self, message: str, problems: Sequence[Tuple[Any, ...]] = ()) -> None:
        super().__init__(message)
        self.problems: List[Problem] = [p if isinstance(p, Problem) else Problem(*p) for p in problems]


def _seconds(value: Duration, name: str) -> float:
    if isinstance(value, str):
        try:
            return _ccsim.duration(value)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{name}: a duration in seconds or a string such as '30m', got {type(value).__name__}")


def _check_count(value: Optional[int], name: str, low: int = 1) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: a whole number, got {type(value).__name__}")
    if value < low:
        raise ValueError(f"{name}: at least {low}, got {value}")
    return value


def _settings(replications: Optional[int], seed: Optional[int], threads: Optional[int]) -> Tuple[Any, Any, Any]:
    return (_check_count(replications, "replications"), _check_count(seed, "seed", 0), _check_count(threads, "threads"))


def _progress(progress: Union[bool, Callable[[int, int], Any], None], what: str) -> Optional[Callable[[int, int], Any]]:
    """A callback for the library's progress reports: the user's, a tqdm bar, or text."""
    if not progress:
        return None
    if callable(progress):
        return progress
    try:
        from tqdm.auto import tqdm  # type: ignore
    except ImportError:
        tqdm = None
    state: Dict[str, Any] = {}

    def report(done: int, total: int) -> None:
        if tqdm is not None:
            bar = state.get("bar")
            if bar is None:
                bar = state["bar"] = tqdm(total=total, desc=what, unit="run")
            bar.n = done
            bar.refresh()
            if done >= total:
                bar.close()
        else:
            print(f"\r{what}: {done}/{total}", end="" if done < total else "\n", flush=True)

    return report


class Scenario:
    """A checked scenario: loaded from a file or text, with overrides applied.

    Construction checks it: a bad scenario raises :class:`ScenarioError`.
    """

    def __init__(self, *, path: Optional[str] = None, text: Optional[str] = None, file: str = "<string>",
                 overrides: Sequence[Tuple[str, str]] = ()) -> None:
        self._path = path
        self._text = text
        self._file = file if path is None else path
        self._overrides: List[Tuple[str, str]] = list(overrides)
        self._info: Dict[str, Any] = _json.loads(_ccsim.inspect(self._args()))

    @classmethod
    def load(cls, path: PathLike) -> "Scenario":
        """The scenario in the TOML file at ``path``."""
        return cls(path=_os.fspath(path))

    @classmethod
    def from_toml(cls, text: str, file: str = "<string>") -> "Scenario":
        """The scenario in ``text``; ``file`` names it in error messages."""
        if not isinstance(text, str):
            raise TypeError(f"text: a str of TOML, got {type(text).__name__}")
        return cls(text=text, file=file)

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Scenario":
        """This scenario with fields changed, as ``--set PATH=VALUE`` does: same paths, same
        arithmetic (``"+2"`` adds two agents to every interval, ``"*1.1"`` scales), same
        checks. Values may be strings or numbers."""
        if not isinstance(overrides, Mapping):
            raise TypeError("overrides: a mapping of PATH to VALUE such as {'agents.team.staff': '+2'}")
        pairs = [(str(k), _value(v)) for k, v in overrides.items()]
        return Scenario(path=self._path, text=self._text, file=self._file, overrides=self._overrides + pairs)

    # -- what a notebook inspects ------------------------------------------------------
    @property
    def name(self) -> str:
        return self._info["name"]

    @property
    def description(self) -> Optional[str]:
        return self._info["description"]

    @property
    def horizon(self) -> float:
        """Horizon (s)."""
        return self._info["horizon_s"]

    @property
    def interval(self) -> float:
        """Planning interval (s)."""
        return self._info["interval_s"]

    @property
    def warmup(self) -> float:
        """Warm-up (s)."""
        return self._info["warmup_s"]

    @property
    def start_day(self) -> str:
        return self._info["start_day"]

    @property
    def replications(self) -> int:
        return self._info["replications"]

    @property
    def seed(self) -> int:
        return self._info["seed"]

    @property
    def channels(self) -> List[Dict[str, Any]]:
        """Per channel: ``name``, ``kind``, ``target`` {``target`` (share), ``within_s``}."""
        return [dict(c) for c in self._info["channels"]]

    @property
    def groups(self) -> List[Dict[str, Any]]:
        """Per agent group: ``name`` and ``skills`` (channel names, in preference order)."""
        return [dict(g) for g in self._info["groups"]]

    @property
    def overrides(self) -> Dict[str, str]:
        return dict(self._overrides)

    @property
    def text(self) -> str:
        """The scenario's TOML with the overrides written in (runnable as it is)."""
        return self._info["text"]

    @property
    def warnings(self) -> List[str]:
        return list(self._info["warnings"])

    def write(self, path: PathLike) -> None:
        """Writes :attr:`text` to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text)

    def __repr__(self) -> str:
        set_ = "".join(f", {k}={v}" for k, v in self._overrides)
        return f"<Scenario {self.name!r}: {len(self.channels)} channel(s), {len(self.groups)} group(s){set_}>"

    # -- running -------------------------------------------------------------------------
    def run(self, replications: Optional[int] = None, seed: Optional[int] = None, threads: Optional[int] = None,
            progress: Union[bool, Callable[[int, int], Any]] = False) -> "Results":
        """Simulates the scenario: every KPI with its 95 % confidence interval. Releases the
        GIL and uses the library's threads; Ctrl-C interrupts it."""
        out = _ccsim.run_scenario(self._args(), _settings(replications, seed, threads),
                                  _progress(progress, "replications"))
        return Results(out)

    def _args(self) -> Tuple[Optional[str], Optional[str], str, List[Tuple[str, str]]]:
        return self._path, self._text, self._file, self._overrides


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) if not isinstance(x, str) else _json.dumps(x) for x in v) + "]"
    return str(v)


def _pandas():
    try:
        import pandas  # type: ignore
    except ImportError:
        raise ImportError(
            "to_pandas() needs pandas: pip install './bindings/python[pandas]' (or pip install pandas)"
        ) from None
    return pandas


def _scoped(css: str) -> str:
    """Every rule of the report's style applied inside ``.ccsim`` only (``body`` becomes the
    result's own box)."""
    out = []
    for rule in css.split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{", 1)
        scoped = []
        for sel in selectors.split(","):
            sel = sel.strip()
            scoped.append(".ccsim" if sel == "body" else f".ccsim {sel}")
        out.append(f"{', '.join(scoped)} {{{body}}}")
    return "\n".join(out)


_COLUMNS = ["scope", "name", "start_s", "kpi", "mean", "ci95", "day", "time"]


class Results:
    """A run's result: the document ``ccsim run --format json`` prints."""

    def __init__(self, json_text: str) -> None:
        self._json = json_text
        self._doc: Optional[Dict[str, Any]] = None

    def to_dict(self) -> Dict[str, Any]:
        """The result exactly as the CLI's JSON (a fresh copy)."""
        return _json.loads(self._json)

    def to_json(self) -> str:
        """The CLI's JSON text."""
        return self._json

    def write(self, path: PathLike) -> None:
        """Writes the JSON (readable by ``ccsim chart``, ``report`` and ``compare``)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._json)

    def to_csv(self) -> str:
        """The CLI's CSV: one tidy row per value, rounded to its confidence interval."""
        return _ccsim.render(self._json, "csv")

    def to_table(self) -> str:
        """The CLI's text tables."""
        return _ccsim.render(self._json, "table")

    def to_markdown(self) -> str:
        return _ccsim.render(self._json, "markdown")

    def __str__(self) -> str:
        return self.to_table()

    def _repr_html_(self) -> str:
        """The HTML report's tables (▼ on service levels below target), for notebooks:
        its style scoped to the result (``.ccsim …``), so other cells keep theirs."""
        page = _ccsim.render(self._json, "html")
        start, end = page.find("<body>"), page.rfind("</body>")
        style_start, style_end = page.find("<style>"), page.find("</style>")
        style = _scoped(page[style_start + 7:style_end]) if style_start >= 0 else ""
        body = page[start + 6:end] if start >= 0 and end > start else page
        return f"<div class='ccsim'><style>{style}</style>{body}</div>"

    def to_pandas(self):
        """A tidy DataFrame, one row per (scope, name, interval, kpi): columns ``scope``,
        ``name``, ``start_s`` (interval start, s; NaN for totals), ``kpi``, ``mean``,
        ``ci95`` (95 % half-width), ``day``, ``time``. Values raw, not rounded."""
        pd = _pandas()
        rows = [r for _, rs, _ in _ccsim.rows(self._json) for r in rs]
        return pd.DataFrame(rows, columns=_COLUMNS)

    def charts(self, out: Optional[PathLike] = None) -> Dict[str, str]:
        """The result's charts as SVG text by file stem (``phone-service-level``), the
        same as ``ccsim chart``; with ``out``, also written there as ``<stem>.svg``."""
        charts = {stem: svg for stem, _title, svg in _ccsim.charts(self._json)}
        if out is not None:
            _os.makedirs(out, exist_ok=True)
            for stem, svg in charts.items():
                with open(_os.path.join(out, f"{stem}.svg"), "w", encoding="utf-8") as f:
                    f.write(svg)
        return charts

    def __repr__(self) -> str:
        d = self.to_dict()
        return f"<{type(self).__name__} of {d.get('scenario')!r}, {d.get('replications')} replications>"


class SweepResults(Results):
    """A sweep's result: every variant's result and its paired difference from the
    baseline (common random numbers)."""

    @property
    def variants(self) -> List[Tuple[Dict[str, str], Results]]:
        """Each variant's overrides and its result."""
        d = self.to_dict()
        return [(dict(v["overrides"]), Results(_json.dumps(v["report"]))) for v in d["variants"]]

    def to_pandas(self):
        """A tidy DataFrame: one row per (variant, scope, name, interval, kpi), the
        variant's overrides as columns (one per swept path), then ``mean``, ``ci95`` and the
        paired difference from the baseline ``diff_mean``, ``diff_ci95``."""
        pd = _pandas()
        d = self.to_dict()
        paths: List[str] = []
        for v in d["variants"]:
            for p in v["overrides"]:
                if p not in paths:
                    paths.append(p)
        records = []
        for i, rows, diffs in _ccsim.rows(self._json):
            overrides = d["variants"][i]["overrides"]
            diff = {(r[0], r[1], r[2], r[3]): (r[4], r[5]) for r in diffs}
            for r in rows:
                dm, dc = diff.get((r[0], r[1], r[2], r[3]), (None, None))
                records.append([i] + [overrides.get(p) for p in paths] + list(r) + [dm, dc])
        return pd.DataFrame(records, columns=["variant"] + paths + _COLUMNS + ["diff_mean", "diff_ci95"])


class _PlannedResults(Results):
    """A result that comes with a scenario to write back (a staffing plan, a roster)."""

    _file_name = "planned.toml"

    def __init__(self, json_text: str, scenario_text: str) -> None:
        super().__init__(json_text)
        self._scenario_text = scenario_text

    def write(self, path: PathLike) -> None:
        """Writes the scenario with the result filled in, runnable as is (as the command's
        ``--write``). The JSON: :meth:`write_json`."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._scenario_text)

    def write_json(self, path: PathLike) -> None:
        Results.write(self, path)

    @property
    def scenario(self) -> Scenario:
        """The scenario with the result filled in, as a :class:`Scenario`."""
        return Scenario.from_toml(self._scenario_text, self._file_name)


class StaffingResults(_PlannedResults):
    """A staffing comparison: per target, the plan (agents per interval) and its run;
    :meth:`write` saves the scenario with the first plan (as ``ccsim staff --write``)."""

    _file_name = "staffed.toml"

    @property
    def plans(self) -> List[Dict[str, Any]]:
        """Per target: ``target``, ``group``, ``agent_hours``, ``cost``, ``plan`` (agents per
        interval from time 0), ``sipp``, ``groups`` (each group planned) and the plan's
        ``report``."""
        return self.to_dict()["plans"]

    def to_pandas(self):
        """A tidy DataFrame of every plan's run: ``plan`` (its index) then the run columns."""
        pd = _pandas()
        records = [[i] + list(r) for i, rows, _ in _ccsim.rows(self._json) for r in rows]
        return pd.DataFrame(records, columns=["plan"] + _COLUMNS)


def _axis(path: str, values: Any) -> str:
    if isinstance(values, str):
        return f"{path}={values}"
    if isinstance(values, (int, float)):
        return f"{path}={values}"
    try:
        vals = list(values)
    except TypeError:
        raise TypeError(f"axes[{path!r}]: values as a range, a list or a string such as '40..=46'") from None
    if not vals:
        raise ValueError(f"axes[{path!r}]: no values")
    return f"{path}=" + ",".join(_value(v) for v in vals)


def sweep(scenario: Scenario, axes: Mapping[str, Any], zip: bool = False, baseline: Optional[int] = None,
          replications: Optional[int] = None, seed: Optional[int] = None, threads: Optional[int] = None,
          progress: Union[bool, Callable[[int, int], Any]] = False) -> SweepResults:
    """Every combination of the axes' values (``zip=True``: paired one by one), each
    variant run with the same customers (common random numbers) and compared with the
    baseline by paired differences. ``axes`` maps a ``--set`` path to values:
    ``{"agents.team.staff": range(40, 47)}`` or ``{"agents.team.staff": "+0..=3"}``."""
    if not isinstance(scenario, Scenario):
        raise TypeError("scenario: a ccsim.Scenario")
    if not isinstance(axes, Mapping) or not axes:
        raise TypeError("axes: a non-empty mapping of PATH to values")
    out = _ccsim.sweep(scenario._args(), [_axis(str(p), v) for p, v in axes.items()], bool(zip),
                       _check_count(baseline, "baseline", 0), _settings(replications, seed, threads),
                       _progress(progress, "variants × replications"))
    return SweepResults(out)


def _groups(group: Union[None, str, Sequence[str]]) -> List[str]:
    if group is None:
        return []
    if isinstance(group, str):
        return [group]
    groups = list(group)
    if not all(isinstance(g, str) for g in groups):
        raise TypeError("group: a group name or a list of names")
    return groups


def _share(name: str, value: Optional[float]) -> Optional[float]:
    if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        raise TypeError(f"{name}: a share such as 0.05")
    return None if value is None else float(value)


def staff(scenario: Scenario, targets: Union[None, str, Sequence[str]] = None,
          group: Union[None, str, Sequence[str]] = None, max_abandon: Optional[float] = None,
          confidence: float = 0.95, replications: Optional[int] = None,
          seed: Optional[int] = None, threads: Optional[int] = None,
          progress: Union[bool, Callable[[int, int], Any]] = False,
          max_occupancy: Optional[float] = None) -> StaffingResults:
    """The fewest agents per interval of ``group`` (a name, or a list planned together;
    none: every group) meeting each target (``"80/20s"``; none: each channel's own) at
    ``confidence`` (0.5: the mean meets it), with abandonment at most ``max_abandon`` and
    each planned group's occupancy at most ``max_occupancy`` (shares), judged by simulation
    — as ``ccsim staff``."""
    if not isinstance(scenario, Scenario):
        raise TypeError("scenario: a ccsim.Scenario")
    if isinstance(targets, str):
        targets = [targets]
    targets = list(targets or [])
    if not all(isinstance(t, str) for t in targets):
        raise TypeError("targets: strings such as '80/20s'")
    if not isinstance(confidence, (int, float)) or isinstance(confidence, bool):
        raise TypeError("confidence: a number from 0.5 to below 1")
    progress_cb = _progress(progress, "plans")
    cb = None if progress_cb is None else (lambda target, runs: progress_cb(runs, runs))
    doc, text = _ccsim.staff(scenario._args(), targets, _groups(group), _share("max_abandon", max_abandon),
                             _share("max_occupancy", max_occupancy), float(confidence),
                             _settings(replications, seed, threads), cb)
    return StaffingResults(doc, text)


class ScheduleResults(_PlannedResults):
    """Rosters of shifts: per group the shifts (start, breaks, count per day), their cost,
    and the run of the rostered scenario; :meth:`write` saves the scenario with the shifts
    (as ``ccsim schedule --write``)."""

    _file_name = "rostered.toml"

    @property
    def shifts(self) -> List[Dict[str, Any]]:
        """One dict per shift worked: ``group``, ``rule``, ``day``, ``start``, ``end``,
        ``breaks``, ``count``, ``paid_hours``, ``cost``."""
        return self.to_dict()["shifts"]

    @property
    def cost(self) -> float:
        """Cost of the rosters (paid hours × each rule's cost per hour)."""
        return self.to_dict()["cost"]

    def to_pandas(self):
        """A tidy DataFrame of the rostered run (the run columns)."""
        pd = _pandas()
        records = [list(r) for _, rows, _ in _ccsim.rows(self._json) for r in rows]
        return pd.DataFrame(records, columns=_COLUMNS)


def schedule(scenario: Scenario, target: Optional[str] = None, group: Union[None, str, Sequence[str]] = None,
             max_abandon: Optional[float] = None, max_occupancy: Optional[float] = None,
             confidence: float = 0.95, replications: Optional[int] = None, seed: Optional[int] = None,
             threads: Optional[int] = None,
             progress: Union[bool, Callable[[int, int], Any]] = False) -> ScheduleResults:
    """The cheapest rosters of shifts for ``group`` (a name, or a list rostered together;
    none: every group) from their ``[[agents.rule]]`` entries, such that every interval
    meets ``target`` (``"80/20s"``; none: each channel's own) at ``confidence`` when the
    rostered scenario is simulated — as ``ccsim schedule``."""
    if not isinstance(scenario, Scenario):
        raise TypeError("scenario: a ccsim.Scenario")
    if target is not None and not isinstance(target, str):
        raise TypeError("target: a string such as '80/20s'")
    if not isinstance(confidence, (int, float)) or isinstance(confidence, bool):
        raise TypeError("confidence: a number from 0.5 to below 1")
    progress_cb = _progress(progress, "rosters")
    doc, text = _ccsim.schedule(scenario._args(), target, _groups(group), _share("max_abandon", max_abandon),
                                _share("max_occupancy", max_occupancy), float(confidence),
                                _settings(replications, seed, threads), progress_cb)
    return ScheduleResults(doc, text)


class Fit:
    """A scenario fitted from contact history: :attr:`scenario` runs as it is."""

    def __init__(self, text: str, doc: str, summary: str, name: str) -> None:
        self.text = text
        self._doc = doc
        self.summary = summary
        self._name = name

    @property
    def scenario(self) -> Scenario:
        return Scenario.from_toml(self.text, f"{self._name}.toml")

    def to_dict(self) -> Dict[str, Any]:
        """Every estimate with its standard error, the Kaplan–Meier curves, the notes."""
        return _json.loads(self._doc)

    def write(self, path: PathLike) -> None:
        """Writes the fitted scenario."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text)

    def __str__(self) -> str:
        return self.summary


def fit(log: Any, *, name: Optional[str] = None, interval: Optional[Duration] = None, days: Optional[int] = None,
        holdout: Optional[int] = None, target: str = "80/20s", kinds: Optional[Mapping[str, str]] = None,
        columns: Optional[Mapping[str, str]] = None, outcomes: Optional[Mapping[str, str]] = None,
        date_order: Optional[str] = None, drop_bad_rows: bool = False,
        template: Optional[PathLike] = None) -> Fit:
    """Fits a runnable scenario to a contact log: a CSV file's path or a pandas DataFrame
    with one row per contact (see ``docs/model.md`` §15 for the columns, which
    ``columns={"wait_s": "QueueTime"}`` renames). As ``ccsim fit``."""
    path: Optional[str] = None
    text: Optional[str] = None
    if isinstance(log, (str, _os.PathLike)):
        path = _os.fspath(log)
        source = _os.path.basename(path)
    elif hasattr(log, "to_csv"):
        text = log.to_csv(index=False)
        source = "a DataFrame"
    else:
        raise TypeError("log: a CSV file's path or a pandas DataFrame")
    kinds_list = [[str(k), str(v)] for k, v in (kinds or {}).items()]
    for _, k in kinds_list:
        if k not in ("voice", "chat", "email", "social"):
            raise ValueError(f"kinds: `{k}` is not a kind; use voice, chat, email or social")
    share, within = _ccsim.target(target)
    options = {
        "name": name or (_os.path.splitext(source)[0] if path is not None else "fitted"),
        "interval": 1800.0,
        "kinds": kinds_list,
        "target": {"target": share, "within_s": within},
        "agents": None,
        "source": source,
        "days": _check_count(days, "days"),
        "holdout": _check_count(holdout, "holdout"),
    }
    text_out, doc, summary = _ccsim.fit(
        path, text, source, _json.dumps(options), None if interval is None else _seconds(interval, "interval"),
        [(str(k), str(v)) for k, v in (columns or {}).items()], [(str(k), str(v)) for k, v in (outcomes or {}).items()],
        date_order, bool(drop_bad_rows), None if template is None else _os.fspath(template))
    return Fit(text_out, doc, summary, options["name"])
