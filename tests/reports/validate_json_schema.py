#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (draft 2020-12).

Usage: validate_json_schema.py SCHEMA.json DOCUMENT.json...
Exit 0 when all are valid; 1 with every error on stderr when not; 2 when the
validator itself is unavailable (python3-jsonschema not installed) or the
inputs cannot be read. The C++ test treats anything but 0 as a failure, so a
missing validator fails the test instead of skipping it.
"""
import json
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError as e:
        print(f"validate_json_schema: cannot import jsonschema ({e}); "
              "install the Debian package python3-jsonschema", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        documents = []
        for path in argv[2:]:
            with open(path, encoding="utf-8") as f:
                documents.append((path, json.load(f)))
    except (OSError, ValueError) as e:
        print(f"validate_json_schema: {e}", file=sys.stderr)
        return 2
    validator_class = jsonschema.Draft202012Validator
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"validate_json_schema: {argv[1]}: invalid schema: {e.message}",
              file=sys.stderr)
        return 2
    validator = validator_class(
        schema, format_checker=validator_class.FORMAT_CHECKER)
    invalid = False
    for name, document in documents:
        errors = sorted(validator.iter_errors(document),
                        key=lambda e: [str(p) for p in e.absolute_path])
        for e in errors:
            path = "/".join(str(p) for p in e.absolute_path)
            print(f"{name}: /{path}: {e.message}", file=sys.stderr)
        invalid = invalid or bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
