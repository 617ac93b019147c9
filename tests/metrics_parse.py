#!/usr/bin/env python3
"""Parses an OpenMetrics text exposition (stdin) with the Prometheus project's own Python client, an
implementation independent of the Rust crate that wrote it, and prints every sample as JSON:
{"name{label=value,...}": value}. Exit 2 when the text does not parse; exit 3 when prometheus_client is
not installed (`pip install prometheus_client`)."""
import json
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client is not installed")
    sys.exit(3)

samples = {}
families = {}
try:
    for family in text_string_to_metric_families(sys.stdin.read()):
        families[family.name] = family.type
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            samples[f"{s.name}{{{labels}}}"] = s.value
except Exception as e:  # the parser raises ValueError (and others) on any malformed line
    print(f"not valid OpenMetrics: {e}")
    sys.exit(2)
print(json.dumps({"families": families, "samples": samples}))
