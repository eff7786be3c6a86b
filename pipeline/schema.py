"""The published JSON Schema of the record, generated from the pydantic models.

``pipeline/record.schema.json`` is the committed copy; a test keeps it equal to what
the models generate, and every record the tests make is validated against it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pipeline.record import SCHEMA_VERSION, Record

SCHEMA_PATH = Path(__file__).with_name("record.schema.json")


def record_schema() -> dict:
    schema = Record.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://jixiao.invalid/schema/record-{SCHEMA_VERSION}.json"
    schema["title"] = "jixiao annotated record"
    return schema


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validate_record(data: dict) -> list[str]:
    """Schema violations of a record dict (empty when valid)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(data)]
