"""Benchmark: how long a release of the demo data takes, and what disclosure control hides.

Usage: python bench/release.py [--db data/monitor.duckdb] [--runs 3]

Without ``--db`` it builds the demo database in a temporary folder first. Each run writes a fresh release
(first release, no earlier one) and times its parts: computing every indicator for every region and period,
disclosure control (suppression and audit), writing the file. The floor, measured in the same run, is what
any release must at least do: one DuckDB pass that aggregates every data row per Kreis and quarter, and
copying the finished file. Prints figures, ratios and the information loss per indicator (as a Markdown table
for docs/privacy.md); it asserts nothing. Aim: under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import release, store  # noqa: E402
from monitor.catalogue import CATALOGUE  # noqa: E402
from monitor.datasets import COUNT, DATASETS, DECIMAL  # noqa: E402

AIM_S = 30.0


def floor_seconds(db: Path) -> float:
    """One aggregation of every data row per Kreis and quarter (the bare cost of reading the data once)."""
    with store.connect(db) as con:
        started = time.perf_counter()
        for ds in DATASETS.values():
            sums = ", ".join(f"sum({c.field})" for c in ds.columns if c.kind in (COUNT, DECIMAL))
            con.execute(f"SELECT ags, quarter, count(*), {sums} FROM {ds.table}_current GROUP BY ags, quarter"
                        ).fetchall()
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="existing database (default: build the demo data in a temporary folder)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ik-bench-release-") as tmp:
        tmp = Path(tmp)
        if args.db:
            db = Path(args.db)
        else:
            from etl.demo import build_demo

            db = tmp / "monitor.duckdb"
            started = time.perf_counter()
            result = build_demo(db)
            print(f"Demodaten gebaut: {result['message']} ({time.perf_counter() - started:.1f} s)")
        runs = []
        for n in range(args.runs):
            folder = tmp / f"releases-{n}"
            info = release.build(author="bench", note="Benchmark", db_path=db, folder=folder)
            started = time.perf_counter()
            shutil.copyfile(info["path"], tmp / "copy.duckdb")
            copy_s = time.perf_counter() - started
            runs.append((info, copy_s, floor_seconds(db)))
        info = runs[-1][0]
        total = statistics.median(r[0]["seconds"] for r in runs)
        compute = statistics.median(r[0]["seconds_compute"] for r in runs)
        control = statistics.median(r[0]["seconds_disclosure"] for r in runs)
        floor = statistics.median(r[2] + r[1] for r in runs)
        cells = sum(int(x) for x in info["loss"]["cells"])
        print(f"\nVeröffentlichung der Daten in {db.name} (Median aus {args.runs} Läufen)")
        print(f"  Indikatoren berechnen        {compute:6.1f} s")
        print(f"  Geheimhaltung (mit Prüfung)  {control:6.1f} s   {info['certificates']:,} Nachweise, "
              f"MILP {info['milp_used']}×")
        print(f"  insgesamt                    {total:6.1f} s   Ziel < {AIM_S:.0f} s: "
              f"{'erreicht' if total < AIM_S else 'verfehlt'}")
        print(f"  Untergrenze (Aggregation + Kopie) {floor:.2f} s  → Verhältnis {total / floor:.0f}×")
        print(f"  Zählwerte: {cells:,}, gesperrt {info['cells_hidden']:,} ({info['cells_hidden'] / cells:.1%}): "
              f"{info['cells_primary']:,} kleine Zahlen, {info['cells_secondary']:,} zu ihrem Schutz; "
              f"Quoten zurückgehalten {info['rates_hidden']:,}")
        print("\n| Kennzahl | Werte | < 3 (primär) | zu ihrem Schutz | gesperrt |")
        print("|---|---:|---:|---:|---:|")
        loss = info["loss"].groupby("indicator", sort=False)[["cells", "primary", "secondary"]].sum()
        for ind, row in loss.iterrows():
            share = (row["primary"] + row["secondary"]) / row["cells"] if row["cells"] else 0
            print(f"| {CATALOGUE[ind].label_de} | {int(row['cells']):,} | {int(row['primary']):,} | "
                  f"{int(row['secondary']):,} | {share:.1%} |")
        by_level = info["loss"].groupby("level")[["cells", "primary", "secondary"]].sum()
        print("\n| Ebene | Werte | < 3 (primär) | zu ihrem Schutz |")
        print("|---|---:|---:|---:|")
        for level in ("kreis", "land", "bund"):
            row = by_level.loc[level]
            print(f"| {level} | {int(row['cells']):,} | {int(row['primary']):,} | {int(row['secondary']):,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
