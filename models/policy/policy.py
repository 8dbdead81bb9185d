"""A council's supervision policy as validated data.

Presets live in `presets/*.yaml`; a council's own file has the same form and may say
`extends: <preset>` to write only what differs. Every rule has one shape: a mapping of its
values and `source`, the section of the council's document it comes from, so a finding can say
which rule raised it and a rule cannot lose its citation to a misspelt key. A rule that may be
off (a switch, a duty) is that mapping when on and absent or `null` when off.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

from models.policy.facts import AbsenceKind, CaseCategory, Role
from models.policy.intervals import Interval

PRESETS = Path(__file__).parent / "presets"


def _interval(value: Any) -> Interval:
    return value if isinstance(value, Interval) else Interval.parse(str(value))


def _at_least_a_day(interval: Interval) -> Interval:
    if not interval.days and not interval.months:
        raise ValueError("an interval of at least one day")
    return interval


IntervalField = Annotated[
    Interval, BeforeValidator(_interval), AfterValidator(_at_least_a_day), PlainSerializer(str)
]
SpanField = Annotated[Interval, BeforeValidator(_interval), PlainSerializer(Interval.as_span)]
# how often something recurs: a span, but never none at all
EverySpanField = Annotated[
    Interval, BeforeValidator(_interval), AfterValidator(_at_least_a_day), PlainSerializer(Interval.as_span)
]
MAX_WORKING_DAYS = 260  # a year of working days: anything more is a mistake in the file
MAX_MONTHS = 120
MAX_FILE_BYTES = 1 << 20  # a policy file is a page or two of settings
MAX_DEPTH = 20  # levels of nesting; the deepest real setting is five
MAX_SETTINGS = 20_000  # values in a file with its aliases expanded: the presets hold about 600


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)


_FROM = (
    "The day the duty began: nothing is owed under it before then (contract, 'Duties from when they began')."
)


class Frequency(_Strict):
    every: IntervalField
    source: str


class Phase(_Strict):
    """One step of a staged frequency: `every` applies until `until` after the anchor date."""

    until: SpanField
    every: IntervalField


class Staged(_Strict):
    """Frequencies that tighten early on (ASYE from `asye_start`, probation from `start_date`)."""

    phases: list[Phase]
    source: str

    def interval_on(self, anchor: date, day: date) -> Interval | None:
        """The phase's interval in force on `day`, or None once every phase has passed."""
        for phase in self.phases:
            if day < phase.until.after(anchor):
                return phase.every
        return None


class Switch(_Strict):
    """A rule that is either in force, with its source, or absent (or null): not in force."""

    source: str


class MonthsLimit(_Strict):
    months: int = Field(ge=0, le=MAX_MONTHS)
    source: str


class WorkingDays(_Strict):
    """Something to be done within `within_working_days` working days of an event."""

    within_working_days: int = Field(ge=0, le=MAX_WORKING_DAYS)
    source: str


class Span(_Strict):
    """Something to be done within a length of time (`4 weeks`) of an event."""

    within: SpanField
    source: str


class Supervision(_Strict):
    default: Frequency
    roles: dict[Role, Frequency] = Field(default_factory=dict)
    asye: Staged
    probation: Staged
    calendar_month: Switch | None = Field(
        default=None,
        description='"Once a calendar month": a monthly session is next due at the end of the '
        "month after the month of the last one.",
    )
    part_time_pro_rata: Switch | None = Field(
        default=None,
        description='"Or the equivalent of one month\'s work": intervals stretch by 1/fte.',
    )
    max_missed_calendar_months: MonthsLimit | None = Field(
        default=None,
        description="Whole calendar months that may pass with no 1:1; past that, overdue "
        "supervision escalates at once.",
    )

    def role_frequency(self, role: Role) -> Frequency:
        return self.roles.get(role, self.default)


class Signing(WorkingDays):
    """The supervisee signs within the working days; with `deemed_agreed`, a record left
    unsigned past them is deemed agreed and closed by the supervisor instead of chased."""

    deemed_agreed: bool = False


class Records(_Strict):
    written: WorkingDays
    signed: Signing


class AbsenceThreshold(_Strict):
    kinds: list[AbsenceKind]
    more_than: SpanField
    source: str


class Absence(_Strict):
    thresholds: list[AbsenceThreshold]


class CaseloadLimit(_Strict):
    """The open cases a worker may hold before the report flags them (none of the five seed
    policies gives a number: shropshire names "the risks associated with high caseloads")."""

    above: int = Field(ge=1, le=1000)
    source: str


class Cases(_Strict):
    default: Frequency
    categories: dict[CaseCategory, Frequency] = Field(default_factory=dict)
    first: WorkingDays | None = Field(
        default=None, description="A newly allocated case's first discussion, after allocation."
    )
    caseload: CaseloadLimit | None = Field(
        default=None, description="Workers holding more open cases than `above` are flagged in the report."
    )

    def category_frequency(self, category: CaseCategory) -> Frequency:
        return self.categories.get(category, self.default)


class Escalation(_Strict):
    """After how many working days overdue a chase becomes an escalation to the line manager,
    and how often an unresolved finding is brought up again meanwhile."""

    after_working_days: int = Field(ge=0, le=MAX_WORKING_DAYS)
    remind_every_working_days: int = Field(ge=1, le=MAX_WORKING_DAYS)
    source: str


class Compliance(_Strict):
    """The red/amber/green bands of the compliance report: a share at or above `green_from` is
    green, at or above `amber_from` amber, below it red."""

    green_from: float = Field(ge=0, le=100)
    amber_from: float = Field(ge=0, le=100)
    source: str

    @model_validator(mode="after")
    def _bands_in_order(self) -> Compliance:
        if self.amber_from > self.green_from:
            raise ValueError("amber_from must not be above green_from")
        return self

    def rating(self, percent: float) -> str:
        if percent >= self.green_from:
            return "green"
        return "amber" if percent >= self.amber_from else "red"


class Duty(_Strict):
    """Something done at a regular interval: next due `every` after the last time it was done,
    or after the member of staff's start date when it never was. `from`: the day the duty began,
    nothing being owed under it before then."""

    every: EverySpanField
    source: str
    from_: date | None = Field(
        default=None, alias="from", description=_FROM, exclude_if=lambda day: day is None
    )


class Countersigning(WorkingDays):
    """The supervisor signs the personal record too, within the working days of the supervisee's
    signature; records the supervisee signed before `from` are not chased."""

    from_: date | None = Field(
        default=None, alias="from", description=_FROM, exclude_if=lambda day: day is None
    )


class SupervisionObservation(Duty):
    """Watching a supervisor hold supervision. `roles`: whose supervision is observed (say,
    team managers); left out, everyone who supervises someone in post."""

    roles: list[Role] | None = None


class Observations(_Strict):
    """Observation of practice (the supervisor watches the supervisee at work) and of
    supervision (the supervisor's line manager watches them supervise); either may be off."""

    practice: Duty | None = None
    supervision: SupervisionObservation | None = None


class Audits(_Strict):
    """Audits of supervision files, at an interval set by the auditor's role."""

    roles: dict[Role, Duty]


class Retention(_Strict):
    """How long a leaver's records are kept after their end date, before they are destroyed."""

    leavers_kept_for: SpanField
    source: str


class Agreements(_Strict):
    signed: Span
    review: Duty


class Policy(_Strict):
    name: str
    title: str
    upcoming_within_days: int = Field(ge=0, le=366, description="How far ahead upcoming work is shown.")
    escalation: Escalation
    supervision: Supervision
    rebooking: WorkingDays
    records: Records
    absence: Absence
    cases: Cases
    agreements: Agreements
    compliance: Compliance
    # Duties only some councils set: absent (or null) in a policy, the duty is not tracked.
    observations: Observations | None = None
    appraisals: Duty | None = None
    audits: Audits | None = None
    countersigning: Countersigning | None = None  # the supervisor signs the personal record too
    retention: Retention | None = None


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESETS.glob("*.yaml"))


class PolicyError(ValueError):
    """A policy that cannot be used, with every mistake found in it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_policy(name_or_path: str) -> Policy:
    """A preset by name (`default`, `stoke`, ...) or a council's own policy file by path.

    Raises `PolicyError` listing every mistake as `file:line: setting: message`.
    """
    path = _locate(name_or_path)
    try:
        resolved = _resolve(name_or_path, seen=())
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise PolicyError([f"{path}:{line}: -: {error.problem}"]) from None
    try:
        return Policy.model_validate(resolved)
    except ValidationError as error:
        lines = _key_lines(path)
        problems: list[tuple[int, str]] = []
        for detail in error.errors():
            where = ".".join(str(part) for part in detail["loc"])
            line = _line_of(lines, detail["loc"])
            message = _did_you_mean(detail) if detail["type"] == "extra_forbidden" else detail["msg"]
            problems.append((int(line) if line.isdigit() else 0, f"{path}:{line}: {where}: {message}"))
        raise PolicyError([text for _, text in sorted(problems)]) from None


def _did_you_mean(detail: Any) -> str:
    """A setting the policy does not have, with the nearest one it does ("escalaton" ->
    "escalation"), found among the settings where the unknown one was written."""
    model: Any = Policy
    for part in detail["loc"][:-1]:
        field = model.model_fields.get(str(part)) if isinstance(part, str) else None
        inner = _model_of(field.annotation) if field else None
        if inner is None:
            break
        model = inner
    known = [field.alias or name for name, field in model.model_fields.items()]
    close = difflib.get_close_matches(str(detail["loc"][-1]), known, n=1)
    return f"not a setting here (did you mean {close[0]!r}?)" if close else "not a setting here"


def _model_of(annotation: Any) -> Any:
    """The policy model an annotation holds (`Duty | None` -> `Duty`), if any."""
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _key_lines(path: Path) -> dict[tuple[str, ...], int]:
    """The line each setting is written on in a policy file, by its path of keys."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, at: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[at + (str(key.value),)] = key.start_mark.line + 1
                walk(value, at + (str(key.value),))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[at + (str(index),)] = item.start_mark.line + 1
                walk(item, at + (str(index),))

    root = _compose(path)
    if root is not None:
        walk(root, ())
    return lines


def _line_of(lines: dict[tuple[str, ...], int], loc: tuple[int | str, ...]) -> str:
    """The line of the deepest part of `loc` written in this file; `-` when all of it is inherited."""
    parts = tuple(str(part) for part in loc)
    for depth in range(len(parts), 0, -1):
        if parts[:depth] in lines:
            return str(lines[parts[:depth]])
    return "-"


def _resolve(name_or_path: str, seen: tuple[str, ...]) -> dict[str, Any]:
    path = _locate(name_or_path)
    if str(path) in seen:
        raise PolicyError([f"{path}:-: extends: policy extends itself through {' -> '.join(seen)}"])
    raw = _GuardedLoader(_policy_text(path)).get_single_data_or_none(path) or {}
    if not isinstance(raw, dict):
        raise PolicyError([f"{path}:1: -: a policy file is a mapping of settings"])
    _respell(raw)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    return _merge(_resolve(_parent(path, parent), seen + (str(path),)), raw)


def _parent(path: Path, parent: object) -> str:
    """What `extends:` may name: a preset, or a policy file in the same folder as this one."""
    name = str(parent)
    if (PRESETS / f"{name}.yaml").is_file():
        return name
    if not isinstance(parent, str) or Path(name).name != name or name in ("", ".", ".."):
        raise PolicyError(
            [
                f"{path}:-: extends: {name!r} is neither a preset ({', '.join(preset_names())}) nor a file beside this policy"
            ]
        )
    beside = path.parent / name
    if not beside.is_file():
        raise PolicyError([f"{path}:-: extends: no preset or file beside this policy called {name!r}"])
    return str(beside)


def _policy_text(path: Path) -> str:
    """The file's text: at most `MAX_FILE_BYTES`, UTF-8, no NUL."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PolicyError([f"{path}:1: -: {size:,} bytes: a policy file is at most {MAX_FILE_BYTES:,}"])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise PolicyError(
            [f"{path}:{line}: -: not UTF-8 text ({error.reason} at byte {error.start})"]
        ) from None
    if "\0" in text:
        raise PolicyError([f"{path}:{text.count(chr(10), 0, text.index(chr(0))) + 1}: -: a NUL character"])
    return text


class _GuardedLoader(yaml.SafeLoader):
    """YAML as a policy file needs it: no nesting deeper than `MAX_DEPTH` (each level is a
    recursion), and aliases (the presets share a rule or two with `*name`) only while the
    settings they stand for stay few: a "billion laughs" expands a few lines of aliases of
    aliases into more settings than memory holds."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def get_single_data_or_none(self, path: Path) -> Any:
        try:
            node = self.get_single_node()
            if node is None:
                return None
            if _expanded_size(node, {}) > MAX_SETTINGS:
                raise PolicyError([f"{path}:1: -: its aliases stand for more than {MAX_SETTINGS:,} settings"])
            return self.construct_document(node)
        except yaml.MarkedYAMLError as error:
            raise _yaml_problem(path, error) from None
        except yaml.YAMLError as error:
            raise PolicyError([f"{path}:1: -: not valid YAML ({error})"]) from None
        finally:
            self.dispose()


def _expanded_size(node: yaml.Node, known: dict[int, int]) -> int:
    """How many values the document holds once every alias is expanded, found without expanding
    it (each node, aliased or not, is measured once)."""
    if id(node) in known:
        return known[id(node)]
    known[id(node)] = 1  # a node that contains itself counts once
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    size = 1 + sum(_expanded_size(child, known) for child in children)
    known[id(node)] = size
    return size


def _compose(path: Path) -> yaml.Node | None:
    loader = _GuardedLoader(_policy_text(path))
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _yaml_problem(path, error) from None
    finally:
        loader.dispose()


def _yaml_problem(path: Path, error: yaml.MarkedYAMLError) -> PolicyError:
    line = error.problem_mark.line + 1 if error.problem_mark else 1
    return PolicyError([f"{path}:{line}: -: {error.problem}"])


def policy_source(name_or_path: str) -> Path:
    """The file a preset's name or a policy's path reads from."""
    return _locate(name_or_path)


def _locate(name_or_path: str) -> Path:
    preset = PRESETS / f"{name_or_path}.yaml"
    if preset.is_file():
        return preset
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        raise PolicyError([f"{name_or_path}: file not found"])
    raise PolicyError([f"no policy {name_or_path!r}: name a preset ({', '.join(preset_names())}) or a file"])


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` laid over `base`, mapping by mapping; lists and values are replaced whole."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# Settings spelt the older way, a value beside a sibling `*_source` (or a switch beside a
# `rule_sources` entry), as council files written before November 2026 have them: read as
# the one shape, so those files keep working. (section, value, source) -> (rule, value's name)
_OLDER: dict[tuple[str, str, str], tuple[str, str]] = {
    ("records", "written_within_working_days", "written_source"): ("written", "within_working_days"),
    ("records", "signed_within_working_days", "signed_source"): ("signed", "within_working_days"),
    ("agreements", "signed_within", "signed_source"): ("signed", "within"),
    ("agreements", "review_every", "review_source"): ("review", "every"),
    ("cases", "first_within_working_days", "first_source"): ("first", "within_working_days"),
}


def _respell(raw: dict[str, Any]) -> None:
    """Rewrite, in place, a policy file's settings spelt the older way into the one shape."""
    for (section, value, source), (rule, name) in _OLDER.items():
        settings = raw.get(section)
        if isinstance(settings, dict) and (value in settings or source in settings):
            new = settings.setdefault(rule, {})
            if value in settings:
                new[name] = settings.pop(value)
            if source in settings:
                new["source"] = settings.pop(source)
    records = raw.get("records")
    if isinstance(records, dict) and "deemed_agreed" in records:
        records.setdefault("signed", {})["deemed_agreed"] = records.pop("deemed_agreed")
    supervision = raw.get("supervision")
    if isinstance(supervision, dict):
        sources = supervision.pop("rule_sources", None) or {}
        for switch in ("calendar_month", "part_time_pro_rata"):
            if isinstance(supervision.get(switch), bool):
                on = supervision[switch]
                supervision[switch] = {"source": sources.get(switch, "")} if on else None
        limit = supervision.get("max_missed_calendar_months")
        if isinstance(limit, int) and not isinstance(limit, bool):
            supervision["max_missed_calendar_months"] = {
                "months": limit,
                "source": sources.get("max_missed_calendar_months", ""),
            }
