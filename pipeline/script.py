"""Traditional characters: read and annotated, not rejected.

Every later stage (the fact grammar, the lexicons, the tagger) is written for simplified
text. A report in traditional characters is therefore processed as its simplified twin and
the record is given back in the document's own script:

- ``to_simplified(text)`` converts character by character with OpenCC's ``t2s`` table, so the
  twin has exactly the original's length and every offset holds in both texts;
- ``restore_script(record, original)`` puts the original text back and maps every string
  the stages derived from the twin (cell texts, indicator and project names, the unit …)
  back to the document's characters.

Phrase-level conversion is deliberately not used: it may change lengths (one phrase
shorter, another longer) and silently misalign offsets.
"""
from __future__ import annotations

import types
import typing
from functools import lru_cache
from typing import Any, Optional

import numpy as np
from pydantic import BaseModel

from pipeline.clean import is_full_width, narrow

# Fields that never hold text derived from the document's words.
_SKIP_FIELDS = {"source", "source_map", "doc_id", "schema_version", "model_version", "errors", "warnings", "id"}


@lru_cache(maxsize=1)
def _converter():
    import opencc  # imported lazily: most reports never need it
    return opencc.OpenCC("t2s")


def _simplified_char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


# By code point (the basic plane; the CJK ranges lie in it): whether the character was looked up
# already, and its simplified form (itself for most). A report is compared with both as arrays,
# so only characters never seen before are looked up one by one (a set of the text's characters
# would cost more than the rest: a string object per character).
_BMP = 0x10000
_SEEN = np.zeros(_BMP, dtype=bool)
_SIMPLE = np.arange(_BMP, dtype=np.uint32)


_CHUNK = 1 << 18   # characters looked at at once: a long report's arrays stay a few MB


def to_simplified(text: str) -> Optional[str]:
    """The simplified twin of text (same length), or None when text has no traditional character."""
    starts = range(0, len(text), _CHUNK)
    twins = [_simplified_piece(text[at:at + _CHUNK]) for at in starts]
    if all(t is None for t in twins):
        return None
    return "".join(text[at:at + _CHUNK] if t is None else t for at, t in zip(starts, twins))


def _simplified_piece(piece: str) -> Optional[str]:
    codes = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    in_bmp = codes < _BMP
    bmp = codes[in_bmp]
    unseen = bmp[~_SEEN[bmp]]
    if len(unseen):
        for c in np.unique(unseen).tolist():
            ch = chr(c)
            if _is_cjk(ch):
                _SIMPLE[c] = ord(_simplified_char(ch))
        _SEEN[unseen] = True
    simple = _SIMPLE[bmp]
    if np.array_equal(simple, bmp):
        return None
    twin = codes.copy()
    twin[in_bmp] = simple
    return twin.tobytes().decode("utf-32-le", "surrogatepass")


def reading_twin(text: str) -> Optional[str]:
    """The text the stages read for a record's text (the twin pipeline.annotate.structure_text
    gives them): full-width digits and letters narrowed as the cleaner narrows them, traditional
    characters simplified; same length. None when that is the text itself."""
    narrowed = narrow(text)
    twin = to_simplified(narrowed)
    if twin is not None:
        return twin
    return narrowed if narrowed != text else None


def back_map(simplified: str, original: str) -> dict[str, str]:
    """simplified character → the document's character, for characters the twin changed.

    A simplified character that the document also writes as itself somewhere (mixed-script
    text) is ambiguous and left out: mapping it back could change a character the document
    printed in simplified form.
    """
    return _back_map_and_changes(simplified, original)[0]


def _back_map_and_changes(simplified: str, original: str) -> tuple[dict[str, str], np.ndarray]:
    """back_map, and the positions where the two texts differ (in order)."""
    # code points side by side (as zip: up to the shorter text); the first differing position of
    # each simplified character gives its pair
    a = np.frombuffer(simplified.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    b = np.frombuffer(original.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = min(len(a), len(b))
    differ = np.flatnonzero(a[:n] != b[:n])
    if not len(differ):
        return {}, differ
    changed = a[differ]
    _, first = np.unique(changed, return_index=True)
    first = np.sort(first)
    printed = np.isin(changed[first], b)   # the document writes the simplified character itself too
    return {chr(changed[k]): chr(b[differ[k]]) for k, p in zip(first.tolist(), printed.tolist()) if not p}, differ


class _Restoring:
    """What a restoration maps with: the character table, and the twin and the original text,
    for strings that are a slice of the text (a span's or a cell's text at its offsets): those
    are cut from the original itself, so a character the table leaves out as ambiguous (制 for
    製 in a text that also prints 制) still comes back as the document wrote it."""
    __slots__ = ("table", "twin", "original", "changed", "fields", "fields_of")

    def __init__(self, table: dict, twin: str, original: str, changed: np.ndarray):
        self.table, self.twin, self.original = table, twin, original
        # where the twin differs from the original, in order: a table with none of them inside
        # is the original already (a simplified report with a few traditional or variant
        # characters restores a handful of cells, not every one)
        self.changed = changed
        # the fields visited, by model class. With no character to map back (a report whose twin
        # only narrowed full-width digits and letters) a string changes only where it is a text
        # cut at offsets: the fields that cannot hold one (an indicator's names and quantities, a
        # section's title) would each be translated to itself, and are not visited
        self.fields, self.fields_of = (_FIELDS_TO_RESTORE, _fields_to_restore) if table else \
            (_FIELDS_AT_OFFSETS, _fields_at_offsets)

    def unchanged(self, start: int, end: int) -> bool:
        i = int(np.searchsorted(self.changed, start))
        return i == len(self.changed) or int(self.changed[i]) >= end


def restore_script(record: BaseModel, original: str) -> None:
    """Give the record back in the document's script (in place). A full-width digit or letter
    the report printed (pipeline.clean.printed_widths) comes back only in texts at offsets (cut
    from the original): mapped back character by character it would reach the record's ids and
    names (「i1」, 「budget.income」, 「indicators」), which must stay as the code wrote them."""
    twin = record.text
    pairs, changed = _back_map_and_changes(twin, original)
    pairs = {narrow: wide for narrow, wide in pairs.items() if not is_full_width(wide)}
    ctx = _Restoring(str.maketrans(pairs), twin, original, changed)
    record.text = original
    _restore(record, ctx)


# per model class: the fields _restore visits (a record holds thousands of cells of a few classes)
_FIELDS_TO_RESTORE: dict[type, tuple[str, ...]] = {}


# per model class: whether all its texts are at offsets (pipeline.record.Table's
# ``_texts_at_offsets_only``): such a node is skipped where the twin and the original agree
_OFFSETS_ONLY: dict[type, bool] = {}


def _texts_at_offsets_only(cls: type) -> bool:
    known = _OFFSETS_ONLY.get(cls)
    if known is None:
        known = _OFFSETS_ONLY[cls] = any(vars(c).get("_texts_at_offsets_only") for c in cls.__mro__)
    return known


def _fields_to_restore(node: BaseModel) -> tuple[str, ...]:
    cls = type(node)
    names = _FIELDS_TO_RESTORE.get(cls)
    if names is None:
        # the record's own text is the original already (restore_script puts it back)
        own_text = hasattr(node, "source_map")
        names = _FIELDS_TO_RESTORE[cls] = tuple(
            n for n, f in cls.model_fields.items()
            if n not in _SKIP_FIELDS and not (n == "text" and own_text) and _may_hold_text(f.annotation))
    return names


_SCALARS = (int, float, bool, type(None))

# per model class: the fields of _FIELDS_TO_RESTORE that can hold a text cut at offsets (its own
# text beside its start and end, or a model, list or dict that can hold one)
_FIELDS_AT_OFFSETS: dict[type, tuple[str, ...]] = {}


def _fields_at_offsets(node: BaseModel) -> tuple[str, ...]:
    cls = type(node)
    names = _FIELDS_AT_OFFSETS.get(cls)
    if names is None:
        names = _FIELDS_AT_OFFSETS[cls] = tuple(n for n in _fields_to_restore(node) if n in _cut_text_fields(cls))
    return names


# per model class: its fields that can hold a text cut at offsets (whatever _SKIP_FIELDS says)
_CUT_TEXT_FIELDS: dict[type, frozenset[str]] = {}


def _cut_text_fields(cls: type) -> frozenset[str]:
    known = _CUT_TEXT_FIELDS.get(cls)
    if known is None:
        _CUT_TEXT_FIELDS[cls] = frozenset()   # (while its fields are looked at: a model holding itself)
        own = cls.model_fields
        cut = "start" in own and "end" in own   # its text may be cut at its offsets
        known = _CUT_TEXT_FIELDS[cls] = frozenset(
            n for n, f in own.items() if (n == "text" and cut) or _may_hold_cut_text(f.annotation))
    return known


def _may_hold_cut_text(annotation: Any) -> bool:
    """Whether a value so annotated can hold a model with a text cut at offsets (Any can)."""
    if annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is not None:   # list[...], dict[...], Optional[...], unions
        return any(_may_hold_cut_text(a) for a in typing.get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, BaseModel) and bool(_cut_text_fields(annotation))


def _may_hold_text(annotation: Any) -> bool:
    """Whether a field so annotated can hold a string: pydantic gave a number field a number (a
    cell's start and end, a score), which has nothing to restore."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return not all(a in _SCALARS for a in typing.get_args(annotation))
    return annotation not in _SCALARS


def _restore(node: Any, ctx: _Restoring) -> Any:
    """node with its strings mapped through table: models, lists and dicts in place, a string
    as a new string. Strings, numbers and models inside a model or a list are handled inline: a
    traditional-character report's record has tens of thousands of them (every cell, its start
    and its end)."""
    if isinstance(node, str):
        return node.translate(ctx.table)
    if isinstance(node, BaseModel):
        _restore_model(node, ctx)
        return node
    if isinstance(node, list):
        for i, x in enumerate(node):
            kind = type(x)
            if kind in _FIELDS_TO_RESTORE:   # a model of a class met before (a list of cells, rows …)
                _restore_model(x, ctx)
            elif kind is str:
                node[i] = x.translate(ctx.table)
            elif kind in _SCALARS:
                continue
            elif isinstance(x, BaseModel):
                _restore_model(x, ctx)
            else:
                new = _restore(x, ctx)
                if new is not x:
                    node[i] = new
        return node
    if isinstance(node, dict):
        for k, v in list(node.items()):
            new = _restore(v, ctx)
            if new is not v:
                node[k] = new
        return node
    return node


def _restore_model(node: BaseModel, ctx: _Restoring) -> None:
    values = node.__dict__   # pydantic keeps a model's field values in its __dict__
    start, end = values.get("start"), values.get("end")
    sliced = type(start) is int and type(end) is int   # a text at offsets into the record's text
    if sliced and _texts_at_offsets_only(type(node)) and ctx.unchanged(start, end):
        return
    for name in ctx.fields.get(type(node)) or ctx.fields_of(node):
        value = values[name]
        kind = type(value)
        if kind is str and sliced and name == "text" and ctx.twin[start:end] == value:
            values[name] = ctx.original[start:end]
        elif kind is str:
            values[name] = value.translate(ctx.table)
        elif kind in _SCALARS:
            continue
        elif isinstance(value, BaseModel):
            _restore_model(value, ctx)
        else:
            new = _restore(value, ctx)
            if new is not value:
                values[name] = new
