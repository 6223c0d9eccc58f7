"""How fast, and in how much memory, an upload that could stall the portal is refused: a header and one cell in
column XFD (16,384) on every line, 15–31 KB on disk. The naive way (openpyxl's read-only reader left to expand
what the sheet declares) is measured in the same run on a smaller sheet, and its time per line is compared.

    python bench/sheets.py --lines 20000 --naive-lines 500

Prints one JSON line: refused_s, peak_mb (tracemalloc), naive_s and naive_peak_mb for its lines, speedup (time per
line, the naive way over ours)."""

import argparse
import io
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def wide_sheet(lines: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Địa chỉ/hộ", "Chủ hộ", "Số tiền"])
    for line in range(2, lines + 2):
        sheet.cell(row=line, column=16384, value=1)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def measured(read) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read()
    except Exception:  # a refusal is the expected outcome; only its cost is measured
        pass
    elapsed = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / (1024 * 1024)


def naive_read(content: bytes) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = [[str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    if len(rows) < 2:
        raise ValueError("no rows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--naive-lines", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
    import django

    django.setup()
    from portal.common.sheets import read_table

    content = wide_sheet(args.lines)
    refused_s, peak_mb = measured(lambda: read_table(name="to.xlsx", content=content))
    naive_content = wide_sheet(args.naive_lines)
    naive_s, naive_peak_mb = measured(lambda: naive_read(naive_content))
    ours_per_line = refused_s / args.lines
    naive_per_line = naive_s / args.naive_lines
    print(
        json.dumps(
            {
                "lines": args.lines,
                "file_kb": round(len(content) / 1024, 1),
                "refused_s": round(refused_s, 3),
                "peak_mb": round(peak_mb, 1),
                "naive_lines": args.naive_lines,
                "naive_s": round(naive_s, 3),
                "naive_peak_mb": round(naive_peak_mb, 1),
                "speedup": round(naive_per_line / ours_per_line, 1) if ours_per_line else None,
            }
        )
    )


if __name__ == "__main__":
    main()
