"""The JSON Schemas of dateline's output, generated from the models and shipped beside them.

``schema.json`` is one report's extraction (``dateline extract``, records.py); ``merged_schema.json`` is one merged
event as the store returns it (``dateline events --format jsonl``, the API; merged.py). `python -m dateline.schema`
rewrites both shipped files; a test checks that they match the models.
"""

from __future__ import annotations

import json
from importlib import resources

from pydantic.json_schema import models_json_schema

from dateline.merged import EventDetail, MergedEvent
from dateline.records import Extraction

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://dateline.example.org/schema/extraction-v1.json"
MERGED_SCHEMA_ID = "https://dateline.example.org/schema/merged-event-v1.json"


def output_schema() -> dict:
    schema = Extraction.model_json_schema(mode="serialization")
    schema["$id"] = SCHEMA_ID
    schema["$schema"] = DRAFT
    schema["title"] = "dateline extraction: one news report's events, quotes, entities, places and times"
    return schema


def merged_schema() -> dict:
    """A merged event at the root; ``$defs/EventDetail`` is the same with its quotes (`dateline event --json`)."""
    _, defs = models_json_schema(
        [(MergedEvent, "serialization"), (EventDetail, "serialization")], ref_template="#/$defs/{model}"
    )
    return {
        "$schema": DRAFT,
        "$id": MERGED_SCHEMA_ID,
        "title": "dateline merged event: one event as the store returns it, with every source's own telling",
        "$ref": "#/$defs/MergedEvent",
        **defs,
    }


SHIPPED = {"schema.json": output_schema, "merged_schema.json": merged_schema}


def shipped_schema(name: str = "schema.json") -> dict:
    return json.loads(resources.files("dateline").joinpath(name).read_text(encoding="utf-8"))


def main() -> None:
    for name, make in SHIPPED.items():
        path = resources.files("dateline").joinpath(name)
        with resources.as_file(path) as p:
            p.write_text(json.dumps(make(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
