"""The PyPI flatten_json peer: json.loads, flatten_json.flatten(value, "."), json.dumps (protocol.py)."""
import json

from flatten_json import flatten

from protocol import run_runner


def flatten_text(data):
    return json.dumps(flatten(json.loads(data), "."), ensure_ascii=False, separators=(",", ":"))


run_runner(flatten_text, flatten_object=lambda text: flatten(json.loads(text), "."))
