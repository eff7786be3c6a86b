"""Text assembly that keeps span offsets exact.

Content is composed as *fragments*: lists of pieces ``(text, label, key)`` where
label is a span label or None (plain text) and key names the span so relations
can refer to it before offsets exist. Layouts append fragments, table cells and
plain lines to a DocBuilder in reading order; each span's offsets are taken at
the moment it is appended, so they index the final text exactly whatever noise
or markup the layout puts around them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.corpus.lsformat import Example, RelationAnn, SpanAnn


@dataclass(frozen=True)
class Piece:
    text: str
    label: str | None = None
    key: str | None = None


Fragment = list[Piece]


def plain(text: str) -> Fragment:
    return [Piece(text)]


def frag_text(frag: Fragment) -> str:
    return "".join(p.text for p in frag)


@dataclass
class DocBuilder:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    spans: list[SpanAnn] = field(default_factory=list)
    key_to_id: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (from key, to key, label)

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def frag(self, frag: Fragment) -> None:
        for piece in frag:
            if piece.label is None:
                self.write(piece.text)
                continue
            sid = f"s{len(self.spans)}"
            self.spans.append(SpanAnn(self.length, self.length + len(piece.text), piece.label, id=sid,
                                      text=piece.text))
            if piece.key:
                self.key_to_id[piece.key] = sid
            self.write(piece.text)

    def relate(self, from_key: str, to_key: str, label: str) -> None:
        self.relations.append((from_key, to_key, label))

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def example(self, data: dict) -> Example:
        """The finished document; relations whose ends were both written are kept."""
        rels, seen = [], set()
        for a, b, label in self.relations:
            if a in self.key_to_id and b in self.key_to_id and (a, b, label) not in seen:
                seen.add((a, b, label))
                rels.append(RelationAnn(self.key_to_id[a], self.key_to_id[b], label))
        return Example(self.text, list(self.spans), rels, data)
