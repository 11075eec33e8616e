"""The JSON Schema of dateline's output, generated from the records and shipped as schema.json.

`python -m dateline.schema` rewrites the shipped file; a test checks that it matches the records.
"""

from __future__ import annotations

import json
from importlib import resources

from dateline.records import Extraction

SCHEMA_ID = "https://dateline.example.org/schema/extraction-v1.json"


def output_schema() -> dict:
    schema = Extraction.model_json_schema(mode="serialization")
    schema["$id"] = SCHEMA_ID
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dateline extraction: one news report's events, quotes, entities, places and times"
    return schema


def shipped_schema() -> dict:
    return json.loads(resources.files("dateline").joinpath("schema.json").read_text(encoding="utf-8"))


def main() -> None:
    path = resources.files("dateline").joinpath("schema.json")
    with resources.as_file(path) as p:
        p.write_text(json.dumps(output_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
