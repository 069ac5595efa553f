"""Where figures come from: a release (public) or the working store (internal), behind one interface.

Pages, downloads, reports and the CLI ask a ``Figures`` object for a region's report, a table of regions, a time
series, the data status, the periods, the regions and the targets. ``ReleaseFigures`` reads an immutable
release file (every value precomputed, rounded and disclosure-controlled: hidden values are None and carry
their mark in ``<id>__flag`` / ``IndicatorValue.flag``). ``LiveFigures`` computes from the readers' snapshot of
the working store, unsuppressed — for signed-in users with an internal role only.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import annotations, indicators, release, store
from .indicators import RegionReport, TargetInfo
from .periods import Period, Quarter
from .regions import RegionIndex, level_of


class NoRelease(LookupError):
    """Nothing has been released yet (message in German)."""


class Figures:
    """The interface both sources implement (see the module docstring)."""

    public: bool = False
    label = ""

    def report(self, ags: str, period: Period | str, variant: str = indicators.DEFAULT_VARIANT) -> RegionReport:
        raise NotImplementedError

    def table(self, level: str, period: Period | str, *, land: str | None = None,
              variant: str = indicators.DEFAULT_VARIANT, language: str = "de") -> pd.DataFrame:
        """One row per Kreis (of ``land``) or Land; completeness texts in ``language``."""
        raise NotImplementedError

    def series(self, ags: str, ids, *, variant: str = indicators.DEFAULT_VARIANT, first=None,
               last=None) -> pd.DataFrame:
        raise NotImplementedError

    def status(self) -> dict[str, Any]:
        raise NotImplementedError

    def periods(self) -> list[str]:
        raise NotImplementedError

    def regions(self) -> RegionIndex:
        raise NotImplementedError

    def targets(self) -> pd.DataFrame:
        raise NotImplementedError

    def annotations(self) -> list[annotations.Annotation]:
        """The notes on time series in force (``monitor.annotations``)."""
        raise NotImplementedError


def period_choices(quarters: list[str]) -> list[str]:
    """Quarters newest first, each complete year (all four quarters present) right after its Q1."""
    present = set(quarters)
    out = []
    for q in sorted(present, reverse=True):
        out.append(q)
        year = q[:4]
        if q.endswith("Q1") and all(f"{year}-Q{i}" in present for i in range(1, 5)):
            out.append(year)
    return out


_TARGETS_SQL = ("SELECT target_id, indicator, variant, denominator, per_population, value, factor, unit_de, unit_en, "
                "label_de, label_en, source, valid_from, land_ags, batch_id FROM targets_current "
                "ORDER BY indicator, land_ags NULLS FIRST, variant NULLS FIRST, valid_from")


class LiveFigures(Figures):
    """Unsuppressed figures computed from the readers' snapshot of the working store (internal view)."""

    public = False
    label = "intern"

    def __init__(self, db_path: Path | str | None = None):
        self.db_path = db_path

    def _con(self):
        return store.connect(self.db_path)

    def report(self, ags, period, variant=indicators.DEFAULT_VARIANT):
        with self._con() as con:
            return indicators.indicators_for(con, ags, period, variant=variant)

    def table(self, level, period, *, land=None, variant=indicators.DEFAULT_VARIANT, language="de"):
        with self._con() as con:
            return indicators.indicators_table(con, level, period, land=land, variant=variant, language=language)

    def series(self, ags, ids, *, variant=indicators.DEFAULT_VARIANT, first=None, last=None):
        with self._con() as con:
            return indicators.time_series(con, ags, list(ids), first=first, last=last, variant=variant)

    def status(self):
        with self._con() as con:
            return {**indicators.data_status(con), "release": None}

    def periods(self):
        with self._con() as con:
            quarters = {q for ds in indicators.DATASET_IDS
                        for (q,) in con.execute(f"SELECT DISTINCT quarter FROM {ds}_current").fetchall()}
        return period_choices(sorted(quarters))

    def regions(self):
        with self._con() as con:
            return RegionIndex.from_db(con)

    def targets(self):
        with self._con() as con:
            return con.execute(_TARGETS_SQL).df()

    def annotations(self):
        with self._con() as con:
            return annotations.load(con)


class ReleaseFigures(Figures):
    """Figures of one immutable release file: precomputed, rounded, disclosure-controlled."""

    public = True

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._con = duckdb.connect(str(self.path), read_only=True)
        self._local = threading.local()
        info = self._cursor().execute("SELECT * FROM release_info").df().iloc[0].to_dict()
        info["status"] = json.loads(info["status"]) if info.get("status") else {}
        info["changes"] = json.loads(info["changes"]) if info.get("changes") else {}
        info["batches"] = [int(b) for b in (info.get("batches") if info.get("batches") is not None else [])]
        self.info = info
        self.number = int(info["number"])
        self.label = f"Veröffentlichung {self.number}"
        targets = self._cursor().execute(
            "SELECT target_id, indicator, label_de, label_en, value, factor, denominator, per_population, source, "
            "valid_from, variant, land_ags FROM targets_current").fetchall()
        self._targets = {row[0]: TargetInfo(*row) for row in targets}
        self._regions = RegionIndex.from_db(self._cursor())

    @classmethod
    def latest(cls, folder: Path | str | None = None) -> "ReleaseFigures":
        path = release.latest_path(folder)
        if path is None:
            raise NoRelease("Es gibt noch keine Veröffentlichung: öffentliche Zahlen entstehen erst mit einer "
                            "Veröffentlichung (python -m etl release oder auf der Seite „Daten hochladen“).")
        return cls(path)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        # one cursor per thread on the shared read-only connection (DuckDB's pattern for threads)
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self._con.cursor()
        return cur

    def close(self) -> None:
        self._con.close()

    def _rows(self, where: str, params: list) -> pd.DataFrame:
        df = self._cursor().execute(f"SELECT * FROM figures WHERE {where}", params).df()
        for t in indicators._TARGETED:
            df[f"{t}__target_info"] = [self._targets.get(x) if isinstance(x, str) else None
                                       for x in df[f"{t}__target"]]
        return df

    def report(self, ags, period, variant=indicators.DEFAULT_VARIANT):
        period = period if isinstance(period, Period) else Period.parse(str(period))
        ags = str(ags).strip()
        region = self._regions.get(ags)
        if region is None:
            raise indicators.UnknownRegion(
                f"Unbekannte Region „{ags}“ – erwartet wird ein Regionalschlüssel (AGS): 00 für Deutschland, "
                f"zweistellig für ein Land (z. B. 03), fünfstellig für einen Kreis (z. B. 03404).")
        level = level_of(ags)
        df = self._rows("variant = ? AND level = ? AND ags = ? AND period = ?", [variant, level, ags, period.text])
        row = df.iloc[0].to_dict() if len(df) else {"kreise_total": 0, "laender_total": 0}
        report = indicators._report_from_row(row, ags, region.name, level, period, variant)
        report.stand = self.status()["stand"]
        return report

    def table(self, level, period, *, land=None, variant=indicators.DEFAULT_VARIANT, language="de"):
        period = period if isinstance(period, Period) else Period.parse(str(period))
        where, params = "variant = ? AND level = ? AND period = ?", [variant, level, period.text]
        if land:
            where += " AND land_ags = ?"
            params.append(land)
        df = self._rows(where + " ORDER BY ags", params)
        return indicators.table_from_frame(self._cursor(), df, level, period, language)

    def series(self, ags, ids, *, variant=indicators.DEFAULT_VARIANT, first=None, last=None):
        ags = str(ags).strip()
        df = self._rows("variant = ? AND level = ? AND ags = ? AND NOT is_year ORDER BY period",
                        [variant, level_of(ags), ags])
        if first:
            df = df[df["period"] >= str(Quarter.parse(str(first)))]
        if last:
            df = df[df["period"] <= str(Quarter.parse(str(last)))]
        return indicators.series_from_frame(df.rename(columns={"period": "quarter"}), list(ids))

    def status(self):
        info = self.info
        stand = info.get("stand")
        stand = None if stand is None or pd.isna(stand) else pd.Timestamp(stand).to_pydatetime()
        return {
            **info["status"], "stand": stand,
            "stand_de": stand.strftime("%d.%m.%Y, %H:%M Uhr") if stand else None,
            "is_demo": bool(info.get("is_demo")),
            "release": {"number": self.number, "created_at": pd.Timestamp(info["created_at"]).to_pydatetime(),
                        "author": info.get("author"), "note": info.get("note"),
                        "min_count": int(info["min_count"]), "min_events": int(info["min_events"])},
        }

    def periods(self):
        rows = self._cursor().execute("SELECT DISTINCT period, is_year FROM figures").fetchall()
        years = {p for p, is_year in rows if is_year}
        out = []
        for q in sorted((p for p, is_year in rows if not is_year), reverse=True):
            out.append(q)
            if q.endswith("Q1") and q[:4] in years:
                out.append(q[:4])
        return out

    def regions(self):
        return self._regions

    def targets(self):
        return self._cursor().execute(_TARGETS_SQL).df()

    def annotations(self):
        try:
            return annotations.load(self._cursor())
        except duckdb.CatalogException:  # a release written before notes existed
            return []
