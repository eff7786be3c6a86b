"""The annotated record: one versioned type per input document.

Follows the minimum contract in ../shared/spec/record.md (schema version 1) and
adds fields freely. Every offset is a Python string index into ``Record.text``,
end exclusive. Amounts are 万元, rates are percent numbers (98.2 for 98.20%).
Absent facts are ``None`` or empty lists, never guessed values.

``pipeline.schema`` publishes the JSON Schema generated from these models.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, ClassVar, Iterator, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION = "1.3"  # 1.1: warnings; 1.2: findings carry relation, confidence and sides; 1.3: a project form's execution points and score cell

SectionKind = Literal[
    "basic_info", "functions", "organisation", "staffing", "assets", "budget",
    "goals", "indicators", "evaluation", "problems", "measures", "conclusion", "other",
]
TableKind = Literal[
    "budget", "indicators", "fund_use", "projects", "scores", "evaluators", "key_value", "other",
]
SpanLabel = Literal["FUNCTION", "WORKLOAD", "PROBLEM", "CAUSE", "MEASURE"]
SpanSource = Literal["model", "rule", "table", "gold"]
Relation = Literal["reports_on", "caused_by", "addressed_by", "explains", "states", "funded_by"]
Op = Optional[Literal[">=", "<=", "=", ">", "<"]]

BUDGET_FIELDS = (
    "carryover", "initial", "adjustment", "other_adjustment", "budgeted", "executed",
    "execution_rate", "balance", "income", "fiscal_appropriation_income", "other_income",
    "expenditure", "basic_expenditure", "project_expenditure",
)
# fixed / intangible: the figure as printed under the bare name, without 净值 (configs/facts.yaml)
ASSET_FIELDS = ("total", "current", "fixed_net", "intangible_net", "fixed", "intangible")


class _SharedFieldNames(set):
    """The names of the fields set at construction, one object shared by every instance built
    with the same names (see ``_Model``); never changed in place."""
    __slots__ = ()


_SHARED_FIELD_NAMES: dict[frozenset, _SharedFieldNames] = {}


_KEY_HOLDERS: dict[type, type] = {}

_FLOATS: dict[float, float] = {}
_FLOATS_MAX = 20_000   # rounded scores (4 decimals) have at most 10,001 values in [0, 1]


def _shared_float(value: float) -> float:
    """An equal float already held (one object for the hundreds of thousands of equal scores of
    a giant record), or ``value`` itself: zero (whose sign an equal float may not share) and
    NaN are never shared, and the table stops growing at _FLOATS_MAX values."""
    if value == 0.0 or value != value:
        return value
    shared = _FLOATS.get(value)
    if shared is not None:
        return shared
    if len(_FLOATS) < _FLOATS_MAX:
        _FLOATS[value] = value
    return value


def _key_sharing_dict(cls: type, values: dict) -> dict:
    """``values`` as a dict that shares its keys with every other instance of ``cls`` (CPython's
    split table, PEP 412: one keys table per class, each dict holding only its values): the
    same keys, values and order. pydantic gives each instance a dict of its own keys, 270 bytes
    for a Link's seven fields against 130 shared. The dict of an instance of a plain class
    whose attributes were set in order is such a dict; it is taken from a throwaway instance."""
    holder = _KEY_HOLDERS.get(cls)
    if holder is None:
        holder = _KEY_HOLDERS.setdefault(cls, type(f"_{cls.__name__}Values", (), {}))
    obj = holder()
    for name, value in values.items():
        setattr(obj, name, value)
    return obj.__dict__


class _Model(BaseModel):
    """Per-instance memory, for giant records (hundreds of thousands of links, spans and cells),
    inside ``compact_items`` only (pipeline.annotate turns it on for documents of 200,000
    characters and more; an ordinary report's few thousand items are left as pydantic builds
    them, since the compaction costs the structure stage about a tenth of its time):
    - pydantic keeps, per instance, the set of the names of the fields given at construction
      (``model_fields_set``): 730 bytes for a Link, about half of a giant record's memory.
      Instances built with the same names share one set; an assignment to a field not in it
      gives the instance its own copy first, so ``model_fields_set`` answers as before;
    - the instance's ``__dict__`` shares its keys with the other instances of its class
      (``_key_sharing_dict``): same keys, values and order, about 130 bytes less a Link;
    - the texts of the fields named in ``_interned`` (those that repeat across a giant record's
      hundreds of thousands of items: a table's cell texts, a span's text, a link's evidence)
      are interned at construction (``sys.intern``): equal texts are then one object, whichever
      item holds them. The values are the same strings; an interned string is freed with its
      last holder. A float there (a rounded score) is taken from a bounded table of equal
      floats the same way (``_shared_float``)."""
    model_config = ConfigDict(extra="forbid")
    _interned: ClassVar[tuple[str, ...]] = ()

    def model_post_init(self, context: Any, /) -> None:
        if not _COMPACT_ITEMS.get():
            return   # an ordinary report's few thousand items: the compaction would cost time, not save memory
        names = self.__pydantic_fields_set__
        key = frozenset(names)
        shared = _SHARED_FIELD_NAMES.get(key)
        if shared is None:
            shared = _SHARED_FIELD_NAMES.setdefault(key, _SharedFieldNames(names))
        object.__setattr__(self, "__pydantic_fields_set__", shared)
        values = self.__dict__
        for name in self._interned:
            value = values[name]
            if type(value) is str:
                values[name] = sys.intern(value)
            elif type(value) is float:
                values[name] = _shared_float(value)
        object.__setattr__(self, "__dict__", _key_sharing_dict(type(self), values))

    def __setattr__(self, name: str, value: Any) -> None:
        names = self.__pydantic_fields_set__
        if type(names) is _SharedFieldNames and name not in names:
            object.__setattr__(self, "__pydantic_fields_set__", set(names))
        super().__setattr__(name, value)


# Compaction (shared fields-sets and keys, interned texts) pays where hundreds of thousands of
# items repeat (a giant report) and costs the structure stage time on ordinary ones:
# pipeline.annotate turns it on per document, from a size (``compact_items``).
_COMPACT_ITEMS: ContextVar[bool] = ContextVar("compact_items", default=False)

# A text this long makes a giant record: its items are compacted, when annotated and when read back.
COMPACT_FROM_CHARS = 200_000


@contextmanager
def compact_items(enabled: bool = True) -> Iterator[None]:
    """Within this block, new record items share their fields-sets and keys tables, intern their
    repeating texts and share their scores."""
    token = _COMPACT_ITEMS.set(enabled)
    try:
        yield
    finally:
        _COMPACT_ITEMS.reset(token)


class Source(_Model):
    path: str
    format: Literal["txt", "docx", "pdf", "html", "md", "unknown"]
    encoding: Optional[str] = None
    bytes: int = 0
    # absolute path with links resolved (jixiao annotate): with doc_id, the key a resumed batch skips on
    resolved: Optional[str] = None


class StatedValue(_Model):
    """A number the document states, with where it states it."""
    value: float
    text: str
    start: int
    end: int


class Staff(_Model):
    model_config = ConfigDict(extra="allow")
    authorized: Optional[int] = None
    administrative: Optional[int] = None
    institutional: Optional[int] = None
    in_service: Optional[int] = None
    retired: Optional[int] = None


class Meta(_Model):
    unit: Optional[str] = None
    year: Optional[int] = None
    kind: Optional[str] = None
    region: Optional[str] = None
    filled_on: Optional[str] = None  # YYYY-MM-DD
    total_score: Optional[float] = None
    grade: Optional[str] = None
    grade_scale: dict[str, str] = Field(default_factory=dict)
    staff: Staff = Field(default_factory=Staff)


class Section(_Model):
    id: str
    title: str
    level: int
    kind: SectionKind
    start: int
    end: int
    parent: Optional[str] = None
    title_start: int = 0
    title_end: int = 0


class Cell(_Model):
    _interned: ClassVar[tuple[str, ...]] = ("text",)
    text: str
    start: int
    end: int


class Row(_Model):
    id: str
    cells: list[Cell]


class Table(_Model):
    # every text under a table is a cell's, at its offsets inside the table's; the rest are names
    # the code writes (kind, layout, ids): pipeline.script restores a table only where the
    # document's script differs from its twin inside it
    _texts_at_offsets_only: ClassVar[bool] = True
    id: str
    kind: TableKind
    start: int
    end: int
    layout: str = "tabs"  # how it was found: docx, pdf, tabs, cell_lines, pipes, spaces, key_value
    project: Optional[str] = None  # project id for per-project tables
    rows: list[Row]


class Quantity(_Model):
    """A parsed target or actual value: 「≥8 篇次」 → op >=, value 8, unit 篇次."""
    text: str
    op: Op = None
    value: Optional[float] = None
    unit: Optional[str] = None


class Indicator(_Model):
    id: str
    project: Optional[str] = None
    level1: Optional[str] = None
    level2: Optional[str] = None
    name: str
    weight: Optional[float] = None
    target: Optional[Quantity] = None
    actual: Optional[Quantity] = None
    score: Optional[float] = None
    row: Optional[str] = None  # table row id
    deviation: Optional[str] = None  # 偏差原因 cell text, when the row has one
    measure: Optional[str] = None


class Project(_Model):
    id: str
    name: str
    budgeted: Optional[float] = None
    executed: Optional[float] = None
    execution_rate: Optional[float] = None
    score: Optional[float] = None
    grade: Optional[str] = None
    row: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    # a project's own form (项目支出绩效自评表) in a report of several: the points of its funds row
    # (分值, 得分 = 分值 × 执行率) and the cell that prints its 总分 (score)
    execution_weight: Optional[float] = None
    execution_score: Optional[float] = None
    score_cell: Optional[str] = None


class FundUseRow(_Model):
    """A row of a 资金使用情况 table: a function or key task with its money."""
    id: str
    name: str
    function: Optional[str] = None
    status: Optional[str] = None
    budgeted: Optional[float] = None
    budgeted_fiscal: Optional[float] = None
    executed: Optional[float] = None
    executed_fiscal: Optional[float] = None
    row: Optional[str] = None
    is_total: bool = False


class ScoreGroup(_Model):
    """A level-1 group row of an indicator table with its subtotal (投入 16 → 16.00)."""
    name: str
    weight: Optional[float] = None
    score: Optional[float] = None
    row: Optional[str] = None


class Goal(_Model):
    id: str
    text: str
    start: int
    end: int


class Evaluator(_Model):
    name: str
    title: Optional[str] = None
    department: Optional[str] = None


class WorkloadAttrs(_Model):
    activity: Optional[str] = None
    count: Optional[float] = None
    unit: Optional[str] = None
    approximate: bool = False


class Span(_Model):
    _interned: ClassVar[tuple[str, ...]] = ("text", "score")
    id: str
    label: SpanLabel
    start: int
    end: int
    text: str
    score: Optional[float] = None
    source: SpanSource = "model"
    section: Optional[str] = None
    attrs: dict[str, Any] = Field(default_factory=dict)


class Link(_Model):
    _interned: ClassVar[tuple[str, ...]] = ("evidence", "score")
    id: str
    # "from" is a Python keyword: the field is from_ and serialises as "from".
    from_: str = Field(alias="from")
    to: str
    relation: Relation
    score: float = 1.0
    evidence: str = ""
    agree: Optional[bool] = None  # for "states": does the narrative agree with the table?

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FindingSide(_Model):
    """One side of a disagreement: what the document prints, and where."""
    role: Literal["stated", "operand"]   # the figure judged wrong / a figure it is compared with
    ref: str                             # span, cell (ROW#cK), budget.FIELD or text:START-END id
    text: str = ""
    start: Optional[int] = None
    end: Optional[int] = None


class Finding(_Model):
    """A claim that the report contradicts itself, with the evidence for it."""
    id: str
    kind: str
    severity: Literal["info", "warning", "error"] = "warning"
    message: str
    refs: list[str] = Field(default_factory=list)
    stated: Optional[float] = None
    expected: Optional[float] = None
    # what ties the two sides (configs/checking.yaml: relations): printed in the document
    # (a total row, a printed formula, a rate beside its operands) or derived by the checker
    relation: str = ""
    confidence: float = 0.5
    sides: list[FindingSide] = Field(default_factory=list)


class ErrorEntry(_Model):
    stage: str
    message: str


class WarningEntry(_Model):
    """Something odd in the input that a stage worked around: the document was still fully
    processed. ``message`` says what was found and what was done about it."""
    stage: str
    message: str


class Record(_Model):
    schema_version: str = SCHEMA_VERSION
    doc_id: str
    source: Source
    text: str = ""
    # Offset map back to the decoded source: list of [clean_start, source_start, length]
    # runs (see pipeline.clean.OffsetMap). Lets any span be traced to the original file.
    source_map: list[tuple[int, int, int]] = Field(default_factory=list)
    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    budget: dict[str, StatedValue] = Field(default_factory=dict)
    assets: dict[str, StatedValue] = Field(default_factory=dict)
    goals: list[Goal] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    fund_use: list[FundUseRow] = Field(default_factory=list)
    score_groups: list[ScoreGroup] = Field(default_factory=list)
    evaluators: list[Evaluator] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    errors: list[ErrorEntry] = Field(default_factory=list)
    warnings: list[WarningEntry] = Field(default_factory=list)
    model_version: Optional[str] = None
    # The cleaned text in the document's own script while the stages work on its simplified
    # twin (pipeline.script); None for a report written in simplified characters.
    _original_text: Optional[str] = PrivateAttr(default=None)

    @classmethod
    def from_data(cls, data: Any) -> "Record":
        """A record read back from its JSON data (search, the site, the Label Studio push): a giant
        one's items compacted as when it was annotated."""
        text = data.get("text") if isinstance(data, dict) else None
        with compact_items(isinstance(text, str) and len(text) >= COMPACT_FROM_CHARS):
            return cls.model_validate(data)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def json_pieces(self, indents: tuple[Optional[int], ...] = (None,),
                    fix: Optional[Callable[[Any], Any]] = None) -> Iterator[tuple[str, ...]]:
        """The text of ``json.dumps(self.to_json_dict(), ensure_ascii=False, indent=i)`` for each
        i of ``indents``, in pieces (joined, the pieces are that text exactly): one top-level
        field or one item of a list field at a time, so that a giant record (hundreds of
        thousands of spans and links) is never held as one dict or one string besides itself.
        ``fix(value)`` replaces a piece's value when its text cannot be encoded as UTF-8."""
        def dump(value: Any, depth: int) -> tuple[str, ...]:
            texts = [json.dumps(value, ensure_ascii=False, indent=i) for i in indents]
            if fix is not None and not _encodable(texts[0]):
                texts = [json.dumps(fix(value), ensure_ascii=False, indent=i) for i in indents]
            # a nested value is the standalone text with every line pushed in (JSON strings hold
            # no raw newline, so every newline is a line break of the layout)
            return tuple(t if i is None or not depth else t.replace("\n", "\n" + " " * (i * depth))
                         for t, i in zip(texts, indents))

        def pad(depth: int) -> tuple[str, ...]:
            return tuple("" if i is None else "\n" + " " * (i * depth) for i in indents)

        yield tuple("{" for _ in indents)
        for k, (name, field) in enumerate(type(self).model_fields.items()):
            key = json.dumps(field.serialization_alias or field.alias or name, ensure_ascii=False)
            sep = "" if k == 0 else ","
            yield tuple(f"{sep}{' ' if i is None and k else ''}{p}{key}: " for i, p in zip(indents, pad(1)))
            value = getattr(self, name)
            if isinstance(value, list) and value and isinstance(value[0], BaseModel):
                yield tuple("[" for _ in indents)
                for n, item in enumerate(value):
                    item_sep = tuple("" if not n else ("," if i is not None else ", ") for i in indents)
                    text = dump(item.model_dump(mode="json", by_alias=True), 2)
                    yield tuple(s + p + t for s, p, t in zip(item_sep, pad(2), text))
                yield tuple(p + "]" for p in pad(1))
            elif type(value) is str and len(value) > STRING_PIECE_CHARS and _all_encodable(value):
                # a giant text in slices (JSON escapes character by character, so the slices'
                # texts joined are the whole one's): never two or three copies of it at once
                yield tuple('"' for _ in indents)
                for at in range(0, len(value), STRING_PIECE_CHARS):
                    piece = json.dumps(value[at:at + STRING_PIECE_CHARS], ensure_ascii=False)[1:-1]
                    yield tuple(piece for _ in indents)
                yield tuple('"' for _ in indents)
            else:
                yield dump(self.model_dump(mode="json", by_alias=True, include={name})[name], 1)
        yield tuple(p + "}" for p in pad(0))

    def section_at(self, offset: int) -> Optional[Section]:
        """Innermost section containing offset."""
        best = None
        for s in self.sections:
            if s.start <= offset < s.end and (best is None or s.level >= best.level):
                best = s
        return best

    def heading_path(self, offset: int) -> list[Section]:
        """Sections from the outermost to the innermost containing offset."""
        by_id = {s.id: s for s in self.sections}
        sec = self.section_at(offset)
        path = []
        while sec is not None:
            path.append(sec)
            sec = by_id.get(sec.parent) if sec.parent else None
        return list(reversed(path))


STRING_PIECE_CHARS = 1 << 20   # a text field longer than this is written in slices of this many characters


def _all_encodable(text: str) -> bool:
    return all(_encodable(text[at:at + STRING_PIECE_CHARS]) for at in range(0, len(text), STRING_PIECE_CHARS))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


class SectionLookup:
    """``Record.section_at`` / ``heading_path`` for many offsets of one record, in O(log n) each
    (the Record methods scan every section: quadratic over a long document's spans). Built once
    from a fixed list of sections; the same answers as the Record methods (innermost = highest
    level, the later one on a tie)."""

    def __init__(self, sections: list[Section]):
        import heapq

        self._by_id = {s.id: s for s in sections}
        bounds = sorted({b for s in sections for b in (s.start, s.end)})
        opens: dict[int, list[int]] = {}
        for i, s in enumerate(sections):
            if s.start < s.end:
                opens.setdefault(s.start, []).append(i)
        heap: list[tuple[int, int]] = []    # (-level, -index): the innermost open section on top
        self._bounds, self._answer = bounds, []
        for b in bounds:
            for i in opens.get(b, ()):
                heapq.heappush(heap, (-sections[i].level, -i))
            while heap and sections[-heap[0][1]].end <= b:
                heapq.heappop(heap)   # closed: no later offset is inside it
            self._answer.append(sections[-heap[0][1]] if heap else None)

    def at(self, offset: int) -> Optional[Section]:
        import bisect

        k = bisect.bisect_right(self._bounds, offset) - 1
        if k < 0:
            return None
        best = self._answer[k]
        if best is not None and best.start <= offset < best.end:
            return best
        return None

    def path(self, offset: int) -> list[Section]:
        sec, path = self.at(offset), []
        while sec is not None:
            path.append(sec)
            sec = self._by_id.get(sec.parent) if sec.parent else None
        return list(reversed(path))
