"""The pandas peer: json.loads, pandas.json_normalize(value, sep="."), DataFrame.to_json (protocol.py).

json_normalize flattens nested objects into dotted columns but keeps arrays whole (a list in one cell), and a
batch of NDJSON records becomes one frame whose columns are the union of every record's paths.
"""
import json

import pandas

from protocol import run_runner


def flatten_text(data):
    return pandas.json_normalize(json.loads(data), sep=".").to_json(orient="records", lines=True, force_ascii=False)


def flatten_lines(lines):
    frame = pandas.json_normalize([json.loads(line) for line in lines], sep=".")
    return frame.to_json(orient="records", lines=True, force_ascii=False) + "\n"


run_runner(flatten_text, flatten_object=lambda text: pandas.json_normalize(json.loads(text), sep="."), flatten_lines=flatten_lines)
