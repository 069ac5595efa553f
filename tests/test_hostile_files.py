"""Hostile and broken files: each is refused with a clear German message, and nothing of it reaches the database.

Every file is built in code. Each case goes through the same path as the upload page (``etl.upload``) and
through ``python -m etl load``'s path (``loader.load_files``); the database is compared before and after.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import loader, safety
from etl import upload as core
from etl.reader import UnreadableFile, read_file
from etl.validate import check_path
from monitor import config, store
from monitor.regions import RegionIndex
from tests.messy import FIXTURES, headers, police, write_csv, write_xlsx
from tests.messy import shelter as messy_shelter


def workbook_bytes(tmp_path: Path) -> bytes:
    """A valid police workbook (one row for 2025-Q2)."""
    return write_xlsx(tmp_path / "gut.xlsx", [headers("police"), police(ags="03404")]).read_bytes()


def with_parts(xlsx: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    """The workbook with parts added or replaced (everything else copied as it is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


def zip_bomb(xlsx: bytes, megabytes: int) -> bytes:
    """A real workbook plus a part of ``megabytes`` MB of zeros (a few hundred KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/media/image1.png", "w") as part:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()


def lying_zip(xlsx: bytes) -> bytes:
    """A part of 10 MB of zeros whose local and central headers claim 1,000 bytes (a forged size)."""
    raw = with_parts(xlsx, {"xl/media/image1.png": bytes(10 << 20)})
    name = b"xl/media/image1.png"
    real, fake = struct.pack("<I", 10 << 20), struct.pack("<I", 1000)
    data = bytearray(raw)
    # local header: signature 30 bytes before the name, uncompressed size 8 bytes before it
    at = data.index(name)
    assert data[at - 30:at - 26] == b"PK\x03\x04" and data[at - 8:at - 4] == real
    data[at - 8:at - 4] = fake
    # central directory entry: signature 46 bytes before the name, uncompressed size 22 bytes before it
    at = data.index(name, at + 1)
    assert data[at - 46:at - 42] == b"PK\x01\x02" and data[at - 22:at - 18] == real
    data[at - 22:at - 18] = fake
    return bytes(data)


DTD_WORKBOOK = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>')


def ole(*streams: str, tail: bytes = b"") -> bytes:
    """An OLE2 container header followed by directory names (enough for the checks that look at them)."""
    names = b"".join(s.encode("utf-16-le") + b"\x00\x00" for s in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + names + tail


def ods_with_macro(tmp_path: Path) -> bytes:
    from tests.messy import write_ods

    ods = write_ods(tmp_path / "gut.ods", {"Polizei": [headers("police"), police(ags="03404")]}).read_bytes()
    return with_parts(ods, {"Basic/Standard/Module1.xml": b"<script:module/>", "Basic/script-lc.xml": b"<x/>"})


def hostile_cases() -> dict[str, tuple]:
    """case id → (file name, builder of the content from a valid workbook and a folder, expected code, text the
    message must contain). Built one at a time, so that only the case a test needs is made."""
    xls = lambda: (FIXTURES / "police.xls").read_bytes()  # noqa: E731
    return {
        "too-large": ("riesig.csv", lambda good, tmp: b"Quartal;AGS\n" + b"2025-Q2;03404\n" * (21 * 1024 * 1024 // 14),
                      "file-too-large", "erlaubt sind höchstens 20,0 MB"),
        "zip-bomb": ("bombe.xlsx", lambda good, tmp: zip_bomb(good, 201), "zip-bomb", "entpackt mehr als 200,0 MB"),
        "forged-size": ("gefaelscht.xlsx", lambda good, tmp: lying_zip(good), "damaged-archive", "beschädigt"),
        "too-many-parts": ("viele_teile.xlsx",
                           lambda good, tmp: with_parts(
                               good, {f"xl/x/{i}.xml": b"<a/>" for i in range(safety.MAX_PARTS)}),
                           "too-many-parts", "Teilen"),
        "xlsm": ("makros.xlsm", lambda good, tmp: good, "macro-file", "Makros werden im IK-Monitor nie ausgeführt"),
        "vba-in-xlsx": ("umbenannt.xlsx",
                        lambda good, tmp: with_parts(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"}),
                        "macro-file", "VBA-Projekt"),
        "ods-basic": ("basic.ods", lambda good, tmp: ods_with_macro(tmp), "macro-file", "LibreOffice Basic"),
        "xls-vba": ("alt_mit_makro.xls", lambda good, tmp: xls() + "_VBA_PROJECT_CUR".encode("utf-16-le"), "macro-file",
                    "altes Excel-Format"),
        "xlsb": ("binaer.xlsb", lambda good, tmp: good, "binary-workbook", ".xlsb"),
        "xlsb-renamed": ("binaer_umbenannt.xlsx",
                         lambda good, tmp: zipfile_only({"[Content_Types].xml": b"<Types/>",
                                                         "xl/workbook.bin": b"\x00"}),
                         "binary-workbook", ".xlsb"),
        "xml-dtd": ("entitaeten.xlsx",
                    lambda good, tmp: with_parts(good, {}, replace={"xl/workbook.xml": DTD_WORKBOOK}),
                    "xml-dtd", "DTD"),
        "pdf": ("bericht.xlsx", lambda good, tmp: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                "not-a-spreadsheet", "PDF-Dokument"),
        "png": ("foto.xlsx", lambda good, tmp: b"\x89PNG\r\n\x1a\n" + bytes(200), "not-a-spreadsheet", "Bild (PNG)"),
        "exe": ("programm.xls", lambda good, tmp: b"MZ\x90\x00\x03" + bytes(300), "not-a-spreadsheet", "Programm"),
        "docx": ("brief.xlsx",
                 lambda good, tmp: zipfile_only({"word/document.xml": b"<w:document/>",
                                                 "[Content_Types].xml": b"<Types/>"}),
                 "not-a-spreadsheet", "Word-Dokument"),
        "doc": ("brief.xls", lambda good, tmp: ole("Root Entry", "WordDocument", "1Table"), "not-a-spreadsheet",
                "Word-Dokument"),
        "gzip": ("archiv.xlsx", lambda good, tmp: b"\x1f\x8b\x08\x00" + bytes(100), "not-a-spreadsheet", "gzip-Archiv"),
        "encrypted-part": ("verschluesselt.xlsx", lambda good, tmp: encrypted_part(good), "encrypted-archive",
                           "verschlüsselte Teile"),
    }


def encrypted_part(xlsx: bytes) -> bytes:
    """The workbook with the "encrypted" flag set on one part (zip's traditional encryption, bit 0)."""
    data = bytearray(xlsx)
    name = b"xl/workbook.xml"
    at = data.index(name)
    assert data[at - 30:at - 26] == b"PK\x03\x04"
    data[at - 24] |= 0x1  # general purpose flag of the local header
    at = data.index(name, at + 1)
    assert data[at - 46:at - 42] == b"PK\x01\x02"
    data[at - 38] |= 0x1  # … and of the central directory entry
    return bytes(data)


def zipfile_only(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


CASES = hostile_cases()


def snapshot() -> list:
    with store.connect() as con:
        return [con.execute(f"SELECT count(*) FROM {t}").fetchall()
                for t in ("batches", "shelters", "counselling", "police", "population", "targets", "regions",
                          "region_versions", "region_changes")]


@pytest.mark.parametrize("case_id", list(CASES))
def test_hostile_file_is_refused_and_nothing_is_stored(case_id, initialised_copy, tmp_path):
    name, build, code, text = CASES[case_id]
    path = tmp_path / name
    path.write_bytes(build(workbook_bytes(tmp_path), tmp_path))
    before = snapshot()
    with store.connect() as con:
        regions = RegionIndex.from_db(con)
    checked = check_path(path, regions=regions, today=config.today())
    assert checked.unreadable and checked.problem.code == code, checked.problem
    assert text in checked.problem.message
    assert not checked.loadable
    outcome = core.load_checked(checked, user="anna")
    assert outcome.status == loader.REJECTED and outcome.unreadable
    cli = loader.load_files([path], user="cli")
    assert cli.exit_code == 2 and text in cli.files[0].errors[0].message
    assert snapshot() == before


def test_a_file_over_the_limit_is_not_read(tmp_path, monkeypatch):
    path = tmp_path / "gross.xlsx"
    path.write_bytes(b"x" * 2048)
    monkeypatch.setattr(safety, "MAX_FILE_MB", 1 / 1024)  # 1 KB
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file must not be read"))
    with pytest.raises(safety.UnsafeFile, match="erlaubt sind höchstens"):
        safety.read_checked(path)


def test_limits_are_settings(tmp_path, monkeypatch):
    good = workbook_bytes(tmp_path)
    safety.check_bytes(zip_bomb(good, 3), "ok.xlsx")  # 3 MB of zeros is fine by default
    monkeypatch.setattr(safety, "MAX_UNPACKED_MB", 2)
    with pytest.raises(safety.UnsafeFile) as exc:
        safety.check_bytes(zip_bomb(good, 3), "klein.xlsx")
    assert exc.value.code == "zip-bomb"


def test_good_files_pass_the_checks(tmp_path):
    from tests.messy import write_ods

    for path in (tmp_path / "gut.xlsx", FIXTURES / "police.xls"):
        if not path.exists():
            path.write_bytes(workbook_bytes(tmp_path))
        safety.read_checked(path)
        assert read_file(path).tables
    ods = write_ods(tmp_path / "gut.ods", {"Polizei": [headers("police"), police(ags="03404")]})
    safety.read_checked(ods)
    assert read_file(ods).tables


def test_unsafe_files_are_unreadable_files_for_every_caller():
    assert issubclass(safety.UnsafeFile, UnreadableFile)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=4096), st.sampled_from(["x.xlsx", "x.xls", "x.ods", "x.csv"]))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path, data, name):
    """Whatever the bytes, reading ends in tables or a German refusal naming the file, never in another error."""
    path = tmp_path / name
    path.write_bytes(data)
    try:
        read_file(path)
    except UnreadableFile as exc:
        assert f"„{name}“" in str(exc)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=2000), st.binary(min_size=1, max_size=64))
def test_corrupted_workbooks_never_crash_the_reader(tmp_path, offset, garbage):
    good = workbook_bytes(tmp_path)
    broken = good[:offset] + garbage + good[offset + len(garbage):]
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(broken)
    try:
        read_file(path)
    except UnreadableFile as exc:
        assert "„kaputt.xlsx“" in str(exc)


def test_page_refuses_a_macro_file_and_offers_no_load(tmp_path, monkeypatch, initialised_copy):
    import time

    from streamlit.testing.v1 import AppTest

    from etl import accounts
    from tests.conftest import ROOT

    monkeypatch.setenv("IK_MONITOR_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    accounts.add_user("anna", "quartal-2025-ok", "uploader")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["auth_local_user"] = {"name": "anna", "since": time.time(),
                                           "epoch": accounts.session_epoch("anna")}
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    good = workbook_bytes(tmp_path)
    at.file_uploader[0].set_value(("makros.xlsm", good, "application/vnd.ms-excel.sheet.macroEnabled.12"))
    at.run()
    assert not at.exception
    assert any("Makros werden im IK-Monitor nie ausgeführt" in e.value for e in at.error)
    assert not [b for b in at.button if b.key and b.key.startswith("load_")]
    assert snapshot()[0] == [(0,)]


def test_crc_is_what_catches_the_forged_size(tmp_path):
    """The forged archive is consistent except for the size: Python's zip reader stops at the declared size,
    and the checksum of what it read does not match."""
    forged = lying_zip(workbook_bytes(tmp_path))
    with zipfile.ZipFile(io.BytesIO(forged)) as zf:
        info = zf.getinfo("xl/media/image1.png")
        assert info.file_size == 1000 and info.CRC == zlib.crc32(bytes(10 << 20))


def test_tables_of_uploaded_content_neutralise_formulas_for_their_download(tmp_path, initialised_copy):
    """The upload page shows the problems and the rows of a file in tables whose toolbar downloads a CSV: a cell
    such as =HYPERLINK(…) must arrive in Excel as text (as in monitor.exports), numbers stay numbers."""
    hostile = '=HYPERLINK("http://example.org","Klick")'
    path = write_csv(tmp_path / "formel.csv", [headers("shelters") + ["@SUMME(1)"],
                                               messy_shelter(facility=hostile, places_women="=1+1") + ["x"]])
    with store.connect() as con:
        regions = RegionIndex.from_db(con)
    checked = check_path(path, regions=regions, today=config.today())
    [report] = checked.reports
    problems = safety.safe_table(core.problems_frame(report.errors, report.warnings))
    assert "'@SUMME(1)" in problems["Spalte"].tolist() and "'=1+1" in problems["Wert"].tolist()
    shown, _ = core.marked_rows(report)
    rows = safety.safe_table(shown)
    assert rows["Einrichtung"].tolist() == ["'" + hostile]
    assert rows["Zeile"].tolist() == [2]  # numbers untouched
    table = safety.safe_table(pd.DataFrame({"=Kopf": ["-1+1", "\tx", "\rx", "ok", None], "n": [-1, 2, 3, 4, 5]}))
    assert list(table.columns) == ["'=Kopf", "n"]
    assert table["'=Kopf"].tolist()[:4] == ["'-1+1", "'\tx", "'\rx", "ok"] and table["n"].tolist()[0] == -1
