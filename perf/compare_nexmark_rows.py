#!/usr/bin/env python3
"""Compares two CSV results of one Nexmark query row by row, as multisets.

Usage: compare_nexmark_rows.py QUERY WEIR.csv DUCKDB.csv
Prints `query=<q> rows=<n> check=ok` or `query=<q> rows=<n> check=MISMATCH`
followed by the first differing rows, and exits 1 on a mismatch.

Both files are parsed as CSV (so quoting differences do not matter), every
field is normalized, and the sorted rows are compared:
  * timestamps `YYYY-MM-DD HH:MM:SS[.fff]` or `YYYY-MM-DDTHH:MM:SS.fffZ`
    become `YYYY-MM-DDTHH:MM:SS.fffZ`;
  * numbers are written with 3 decimals (Weir's q1 is float64
    0.908 * price in shortest form, "227" for 227.0; DuckDB's is an exact
    DECIMAL with 3 decimals; for |price| < 2^53 / 1000 the rounded float64
    equals the decimal); integers of 2^53 or more are kept as they are;
  * strings are compared as they are.
"""
import csv
import re
import sys

TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?Z?$")
FLOAT = re.compile(r"^-?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$")
INTEGER = re.compile(r"^-?\d+$")


def normalize(field):
    match = TIMESTAMP.match(field)
    if match:
        return f"{match.group(1)}T{match.group(2)}.{(match.group(3) or '').ljust(3, '0')}Z"
    if INTEGER.match(field):
        return f"{int(field)}.000" if abs(int(field)) < 2**53 else field
    if FLOAT.match(field):
        return f"{float(field):.3f}"
    return field


def read_rows(path):
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        rows = ["\x1f".join(normalize(field) for field in row) for row in reader]
    rows.sort()
    return header, rows


def main():
    query, weir_path, duckdb_path = sys.argv[1:4]
    weir_header, weir_rows = read_rows(weir_path)
    duckdb_header, duckdb_rows = read_rows(duckdb_path)
    problems = []
    if weir_header != duckdb_header:
        problems.append(f"header: weir {weir_header} duckdb {duckdb_header}")
    if len(weir_rows) != len(duckdb_rows):
        problems.append(f"row count: weir {len(weir_rows)} duckdb {len(duckdb_rows)}")
    shown = 0
    for weir_row, duckdb_row in zip(weir_rows, duckdb_rows):
        if weir_row != duckdb_row:
            problems.append("first differing sorted row:\n  weir   " + weir_row.replace("\x1f", ",") +
                            "\n  duckdb " + duckdb_row.replace("\x1f", ","))
            shown += 1
            break
    status = "ok" if not problems else "MISMATCH"
    print(f"query={query} rows={len(weir_rows)} check={status}", flush=True)
    for problem in problems:
        print("  " + problem, file=sys.stderr)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
