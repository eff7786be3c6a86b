"""Record-level links between narrative spans, tables and budget figures.

``Linker`` follows the spaCy component pattern: ``predict(record)`` computes links
without touching the record, ``set_annotations(record, links)`` writes them, and
``__call__`` does both. Each relation lives in its own module:

- workload_indicator: WORKLOAD → indicator row (reports_on)
- problem_links: PROBLEM → CAUSE (caused_by), PROBLEM → MEASURE (addressed_by),
  PROBLEM/CAUSE → missed indicator row (explains)
- money: narrative amount → budget field or table row (states, agree/disagree)
- function_funding: FUNCTION → fund-use or project row (funded_by)

Thresholds and weights: configs/linking.yaml. Relation names: configs/labels.yaml.
"""
from __future__ import annotations

from pipeline.link import function_funding, money, problem_links, workload_indicator
from pipeline.link.ends import RecordIndex
from pipeline.record import Link, Record

LINK_ID_PREFIX = "link-"


class Linker:
    name = "linker"

    def __init__(self, components=(workload_indicator, problem_links, money, function_funding)):
        self.components = components

    def predict(self, record: Record) -> list[Link]:
        index = RecordIndex(record)
        links: list[Link] = []
        # a link is dropped when an earlier one has its ends and relation. Where every component
        # declares the relations it emits (RELATIONS) and no two declare the same, no link can
        # repeat another component's: the keys are then held one component at a time (a giant
        # report's half a million keys were tens of MB at the stage's peak)
        declared = [getattr(c, "RELATIONS", None) for c in self.components]
        apart = all(d is not None for d in declared) and \
            sum(len(d) for d in declared) == len({r for d in declared for r in d})
        seen: set[tuple[str, str, str]] = set()
        for component, relations in zip(self.components, declared):
            if apart:
                seen = set()
            for link in component.predict(record, index):
                if apart and link.relation not in relations:
                    raise ValueError(f"{getattr(component, '__name__', component)} made a {link.relation!r} link, "
                                     f"not one of its RELATIONS {relations}")
                key = (link.from_, link.to, link.relation)
                if key not in seen:
                    seen.add(key)
                    links.append(link)
        del seen
        # numbered in place: the links are this call's own objects, and a copy of each would
        # double the stage's memory on a giant report (hundreds of thousands of links)
        for i, link in enumerate(links):
            link.id = f"{LINK_ID_PREFIX}{i + 1}"
        return links

    def set_annotations(self, record: Record, links: list[Link]) -> Record:
        """Replace the links this component made before; keep links from elsewhere (gold, people)."""
        kept = [lk for lk in record.links if not lk.id.startswith(LINK_ID_PREFIX)]
        record.links = kept + list(links)
        return record

    def __call__(self, record: Record) -> Record:
        return self.set_annotations(record, self.predict(record))


__all__ = ["Linker", "LINK_ID_PREFIX"]
