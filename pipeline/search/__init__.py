"""Search: an embedded tantivy index of records and spans, and a bulk export for Elasticsearch/OpenSearch.

analysis (Chinese terms) → schema (entries and fields) → index (write, replace, delete) →
query (search, facets, snippets); export (es-bulk), relevance (judged queries), bench.
"""
