"""Refusing hostile and wrong files before any parser sees them.

Every file that comes in (upload page, admin page, CLI) passes ``read_checked`` or ``check_bytes`` first:

* a **size limit** (``MAX_FILE_MB``, default 20 MB, as the upload widget's limit);
* xlsx/ods are zip archives: the **unpacked size** and the number of parts are limited (zip bombs), every
  part is actually decompressed once with a running count and its checksum verified, so a size that an
  archive declares falsely is caught too; XML parts with a DTD (entity expansion, "billion laughs") are
  refused;
* **macros are never run** (no parser here executes them) and macro-enabled files are refused with a
  message that says so: ``.xlsm``/``.xltm``/``.xlam``, any archive holding ``vbaProject.bin``, ods with
  Basic or script parts, and old ``.xls`` with a VBA project; ``.xlsb`` (binary workbook) is refused too;
* a file that is **not a spreadsheet** (PDF, image, Word document, program, archive) gets a clear message;
* what comes out of a file is shown in tables that can be downloaded as CSV: ``safe_table`` neutralises cells
  that a spreadsheet would run as a formula (``=HYPERLINK(…)``), as ``monitor.exports`` does for its exports.

Refusals raise ``UnsafeFile``, a kind of ``problems.UnreadableFile``, so every caller that already turns an
unreadable file into a German message (and writes nothing) handles them the same way. Each refusal has a
stable code whose German template is registered in ``etl/problems.py``.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from monitor.exports import neutralise

from .problems import N_, Msg, Num, UnreadableFile

MB = 1024 * 1024
MAX_FILE_MB = float(os.environ.get("IK_MONITOR_MAX_UPLOAD_MB", "20"))
# A 50,000-row shelters workbook unpacks to about 40 MB; five times that is no longer a plausible table.
MAX_UNPACKED_MB = float(os.environ.get("IK_MONITOR_MAX_UNPACKED_MB", "200"))
MAX_PARTS = 5000  # zip members; a workbook with 400 sheets has about 1,000
_CHUNK = 1 << 20

MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam", ".xla"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_VBA = ("_VBA_PROJECT_CUR".encode("utf-16-le"), "_VBA_PROJECT".encode("utf-16-le"))
_OLE_WORD = "WordDocument".encode("utf-16-le")
_OLE_POWERPOINT = "PowerPoint Document".encode("utf-16-le")
_OLE_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

# magic bytes of files people upload by mistake → what to call them in the message
_MAGIC = (
    (b"%PDF", N_("ein PDF-Dokument")),
    (b"\x89PNG", N_("ein Bild (PNG)")),
    (b"\xff\xd8\xff", N_("ein Bild (JPEG)")),
    (b"GIF8", N_("ein Bild (GIF)")),
    (b"II*\x00", N_("ein Bild (TIFF)")),
    (b"MM\x00*", N_("ein Bild (TIFF)")),
    (b"MZ\x90\x00", N_("ein Programm (Windows)")),
    (b"\x7fELF", N_("ein Programm")),
    (b"\x1f\x8b", N_("ein gzip-Archiv")),
    (b"7z\xbc\xaf\x27\x1c", N_("ein 7-Zip-Archiv")),
    (b"Rar!", N_("ein RAR-Archiv")),
    (b"BZh91AY&SY", N_("ein bzip2-Archiv")),
    (b"{\\rtf", N_("ein RTF-Dokument")),
    (b"SQLite format 3", N_("eine Datenbank (SQLite)")),
)
# what Python's zip reader raises for damaged or forged archives
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, NotImplementedError, RuntimeError,
               OverflowError, OSError, EOFError, ValueError, KeyError)


class UnsafeFile(UnreadableFile):
    """A file refused before reading; ``code`` is stable for tests and the JSON report (see ``UnreadableFile``)."""


def _unsafe(code: str, **params) -> UnsafeFile:
    return UnsafeFile(code, **params)


def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers starting like a formula (=, +, -, @, tab, CR) carry a
    leading ``'``; for every table of uploaded content that the app shows with a download button."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].astype(object).map(neutralise)
    return out


def sha256(data: bytes) -> str:
    """The SHA-256 of a file's bytes in hex: identifies a file already loaded."""
    return hashlib.sha256(data).hexdigest()


def sha256_of(path: Path | str) -> str:
    """The SHA-256 of a file on disk, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def max_file_bytes() -> int:
    """The size limit for one file in bytes."""
    return int(MAX_FILE_MB * MB)


def read_checked(path: Path | str, *, max_bytes: int | None = None, max_unpacked: int | None = None) -> bytes:
    """The bytes of ``path`` after every check of ``check_bytes``; a file over the limit is not even read."""
    path = Path(path)
    limit = max_file_bytes() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise too_large(path.name, size, limit)
    data = path.read_bytes()
    check_bytes(data, path.name, max_bytes=limit, max_unpacked=max_unpacked)
    return data


def check_bytes(data: bytes, name: str, *, max_bytes: int | None = None, max_unpacked: int | None = None) -> None:
    """Raise ``UnsafeFile`` when ``data`` (a file called ``name``) is too large, a zip bomb, macro-enabled or
    clearly no spreadsheet. Text files (CSV) and workbooks that pass are left to the reader."""
    limit = max_file_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        raise too_large(name, len(data), limit)
    suffix = Path(name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise _macro(name, Msg(N_("Dateien dieses Typs (Excel mit Makros)")))
    if suffix == ".xlsb":
        raise _binary_workbook(name)
    if data.startswith(b"PK"):
        check_archive(data, name, max_unpacked=max_unpacked)
        return
    if data.startswith(_OLE_MAGIC):
        _check_ole(data, name)
        return
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _not_a_spreadsheet(name, what)


def check_archive(data: bytes, name: str, *, max_unpacked: int | None = None, max_parts: int = MAX_PARTS,
                  office: bool = True) -> None:
    """Check a zip archive: parts, declared and real unpacked size, checksums, DTDs, and (``office``) macros.

    ``office=False`` checks only size and integrity (e.g. a zip of shapefiles on the admin page).
    """
    limit = int(MAX_UNPACKED_MB * MB) if max_unpacked is None else max_unpacked
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        raise _unsafe("damaged-archive", file=name, detail=Msg(N_("kein gültiges ZIP-Archiv"))) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > max_parts:
            raise _unsafe("too-many-parts", file=name, parts=Num(len(infos)), limit=Num(max_parts))
        names = [i.filename for i in infos]
        if office:
            _check_office_parts(names, name)
        declared = sum(i.file_size for i in infos)
        if declared > limit:
            raise _bomb(name, declared, limit)
        unpacked = 0
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise _unsafe("encrypted-archive", file=name)
            try:
                with zf.open(info) as part:
                    first = True
                    while chunk := part.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise _bomb(name, unpacked, limit)
                        if first and office and info.filename.lower().endswith((".xml", ".rels", ".vml")):
                            _check_xml_head(chunk, name, info.filename)
                        first = False
            except UnsafeFile:
                raise
            except _ZIP_ERRORS:
                # a checksum or length that does not match what the archive declares: damaged or forged
                detail = Msg(N_("Teil „{part}“ lässt sich nicht fehlerfrei entpacken"), part=info.filename)
                raise _unsafe("damaged-archive", file=name, detail=detail) from None


def _check_office_parts(names: list[str], name: str) -> None:
    lowered = [n.lower() for n in names]
    if any(n.endswith("vbaproject.bin") or n.endswith("vbaprojectsignature.bin") for n in lowered):
        raise _macro(name, Msg(N_("Die Datei enthält Makros (VBA-Projekt) und")))
    if any(n.startswith(("basic/", "scripts/")) for n in lowered):
        raise _macro(name, Msg(N_("Die Datei enthält Makros (LibreOffice Basic oder Skripte) und")))
    if "xl/workbook.bin" in lowered:
        raise _binary_workbook(name)
    office = any(n in ("xl/workbook.xml", "content.xml") for n in lowered)
    if not office:
        if "word/document.xml" in lowered:
            what = N_("ein ZIP-Archiv (ein Word-Dokument)")
        elif "ppt/presentation.xml" in lowered:
            what = N_("ein ZIP-Archiv (eine PowerPoint-Präsentation)")
        else:
            what = N_("ein ZIP-Archiv")
        raise _not_a_spreadsheet(name, what)


def _check_xml_head(chunk: bytes, name: str, part: str) -> None:
    """Office files never carry a DTD; one with entity declarations is an XML bomb or an XXE attempt."""
    head = chunk[:8192].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _unsafe("xml-dtd", file=name, part=part)


def _check_ole(data: bytes, name: str) -> None:
    if any(marker in data for marker in _OLE_VBA):
        raise _macro(name, Msg(N_("Die Datei (altes Excel-Format .xls) enthält Makros (VBA-Projekt) und")))
    if not any(marker in data for marker in _OLE_WORKBOOK) and "EncryptedPackage".encode("utf-16-le") not in data:
        if _OLE_WORD in data:
            raise _not_a_spreadsheet(name, N_("ein Word-Dokument"))
        if _OLE_POWERPOINT in data:
            raise _not_a_spreadsheet(name, N_("eine PowerPoint-Präsentation"))


def _mb(n: int) -> Num:
    return Num(n / MB, 1)


def _not_a_spreadsheet(name: str, what: str) -> UnsafeFile:
    """``what`` is a marked fragment ("ein PDF-Dokument")."""
    return _unsafe("not-a-spreadsheet", file=name, what=Msg(what))


def too_large(name: str, size: int, limit: int) -> UnsafeFile:
    """The refusal of a file of ``size`` bytes over the limit of ``limit`` bytes."""
    return _unsafe("file-too-large", file=name, size=_mb(size), limit=_mb(limit))


def _bomb(name: str, size: int, limit: int) -> UnsafeFile:
    return _unsafe("zip-bomb", file=name, size=_mb(size), limit=_mb(limit))


def _macro(name: str, what: Msg) -> UnsafeFile:
    return _unsafe("macro-file", file=name, what=what)


def _binary_workbook(name: str) -> UnsafeFile:
    return _unsafe("binary-workbook", file=name)
