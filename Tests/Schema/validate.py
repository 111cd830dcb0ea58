#!/usr/bin/env python3
"""Validates avc-explain's JSON output against its published schema.

    validate.py SCHEMA [--lines] < output

SCHEMA is a file in schema/; the other schemas beside it are available to its $refs.
--lines reads JSON Lines: every non-empty line is one document. Exit 0 when every document
is valid; 1 with one message per error (line, JSON path, reason) on stderr; 2 when the
validator itself cannot run (jsonschema missing: Debian package python3-jsonschema).
"""
import datetime
import json
import os
import re
import sys

# RFC 3339 date-time, checked here rather than by jsonschema's optional rfc3339-validator, so a
# missing optional package cannot turn the check off.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError("not an RFC 3339 date-time")
    datetime.datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")  # a real calendar date and time
    return True


def validator(schema_path):
    try:
        import jsonschema
    except ImportError:
        print("validate.py: the jsonschema module is missing (Debian: apt-get install python3-jsonschema)", file=sys.stderr)
        sys.exit(2)
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(date_time)
    directory = os.path.dirname(os.path.abspath(schema_path))
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".schema.json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                s = json.load(f)
            schemas[s["$id"]] = s
    with open(schema_path, encoding="utf-8") as f:
        root = json.load(f)
    jsonschema.Draft202012Validator.check_schema(root)
    try:
        from referencing import Registry, Resource  # jsonschema 4.18 and later
        registry = Registry().with_resources((i, Resource.from_contents(s)) for i, s in schemas.items())
        return jsonschema.Draft202012Validator(root, registry=registry, format_checker=formats)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(root, store=schemas)
        return jsonschema.Draft202012Validator(root, resolver=resolver, format_checker=formats)


def main():
    args = sys.argv[1:]
    lines = "--lines" in args
    paths = [a for a in args if a != "--lines"]
    if len(paths) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    text = sys.stdin.read()  # first, so the writer never meets a closed pipe
    v = validator(paths[0])
    documents = [(n, l) for n, l in enumerate(text.split("\n"), 1) if l.strip()] if lines else [(1, text)]
    if not documents:
        print("validate.py: no JSON document on standard input", file=sys.stderr)
        return 1
    failures = 0
    for number, document in documents:
        where = "line %d" % number if lines else "document"
        try:
            value = json.loads(document)
        except ValueError as e:
            print("%s: not JSON: %s" % (where, e), file=sys.stderr)
            failures += 1
            continue
        for error in sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path))[:10]:
            path = "".join("[%d]" % p if isinstance(p, int) else "." + p for p in error.absolute_path) or "(root)"
            print("%s: %s: %s" % (where, path, error.message[:500]), file=sys.stderr)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
