"""Reading a pack zip safely: limits checked on the headers before anything is inflated, every
entry streamed with a hard cap (headers can lie), and every way a zip can be malformed turned
into one `ArchiveError` with a one-line reason.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import PurePosixPath

MAX_ENTRIES = 4096
MAX_TOTAL_BYTES = 512 << 20  # all entries, uncompressed
MAX_ENTRY_BYTES = 256 << 20  # audio
MAX_TEXT_BYTES = 32 << 20  # any file that is not audio
MAX_RATIO = 200  # uncompressed / compressed, for entries over RATIO_FLOOR (deflated zeros reach ~1000)
RATIO_FLOOR = 1 << 20
CHUNK = 1 << 20
AUDIO_SUFFIXES = (".mp3", ".wav")
ARCHIVE_SUFFIXES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!",
                 b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")


class ArchiveError(Exception):
    """The zip is unreadable or breaks a limit; the message is the one-line reason."""


def unsafe_name(info: zipfile.ZipInfo) -> str | None:
    """Why this entry could land outside the folder it is extracted to (None when safe)."""
    name = info.filename
    if "\\" in name:
        return "backslash in the path"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if ".." in PurePosixPath(name).parts:
        return "path leaves the pack ('..')"
    if any(p in ("", ".") for p in name.rstrip("/").split("/")):
        return "empty or '.' path component"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic link"
    kind = stat.S_IFMT(mode)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):  # no type bits: a zip made without Unix modes
        return "not a regular file"
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return "control character in the path"
    return None


def _limits(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ArchiveError(f"{len(infos)} entries: more than {MAX_ENTRIES}")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_BYTES:
        raise ArchiveError(f"entries declare {declared} bytes uncompressed: more than {MAX_TOTAL_BYTES} (zip bomb?)")
    names = [i.filename for i in infos]
    seen = set()
    for info in infos:
        why = unsafe_name(info)
        if why:
            raise ArchiveError(f"entry {info.filename!r}: {why}")
        if info.filename in seen:
            raise ArchiveError(f"entry {info.filename!r} appears more than once")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise ArchiveError(f"entry {info.filename!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(f"entry {info.filename!r}: compression method {info.compress_type} not allowed "
                               "(stored or deflated only)")
        cap = MAX_ENTRY_BYTES if info.filename.lower().endswith(AUDIO_SUFFIXES) else MAX_TEXT_BYTES
        if info.file_size > cap:
            raise ArchiveError(f"entry {info.filename!r} declares {info.file_size} bytes: more than {cap}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise ArchiveError(f"entry {info.filename!r} inflates {info.file_size // max(1, info.compress_size)} "
                               f"times: more than {MAX_RATIO} (zip bomb?)")
        if info.filename.lower().endswith(ARCHIVE_SUFFIXES):
            raise ArchiveError(f"entry {info.filename!r}: nested archive")
    folders = {n.rstrip("/") for n in names if n.endswith("/")}
    for n in names:
        if not n.endswith("/") and n in folders:
            raise ArchiveError(f"entry {n!r} is both a file and a folder")


class PackArchive:
    """An open pack zip whose entries passed the header checks; `read(name)` streams with a cap."""

    def __init__(self, path):
        self.path = path
        try:
            self.zf = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise ArchiveError("file not found") from None
        except IsADirectoryError:
            raise ArchiveError("is a folder, not a zip file") from None
        except zipfile.BadZipFile as exc:
            raise ArchiveError(f"not a zip file, or truncated ({exc})") from None
        except (OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise ArchiveError(f"not a readable zip file ({type(exc).__name__}: {exc})") from None
        try:
            self.infos = self.zf.infolist()
            _limits(self.infos)
        except BaseException:
            self.zf.close()
            raise
        self.files = {i.filename: i for i in self.infos if not i.is_dir()}
        self.total = 0
        try:
            for info in self.files.values():
                self._sniff(info)
        except BaseException:
            self.zf.close()
            raise

    def _sniff(self, info: zipfile.ZipInfo) -> None:
        """The first bytes of every entry, listed or not: no archive hides inside the pack."""
        try:
            with self.zf.open(info) as fh:
                head = fh.read(264)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise ArchiveError(f"{info.filename}: damaged entry ({type(exc).__name__}: {exc})") from None
        if head.startswith(ARCHIVE_MAGIC) or head[257:262] == b"ustar":
            raise ArchiveError(f"{info.filename}: nested archive")

    def __enter__(self) -> "PackArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.zf.close()

    def read(self, name: str) -> bytes:
        """The entry's bytes, never more than it declared nor past the pack's total limit."""
        info = self.files.get(name)
        if info is None:
            raise ArchiveError(f"{name}: not in the pack")
        parts, size = [], 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if size > info.file_size or self.total > MAX_TOTAL_BYTES:
                        raise ArchiveError(f"{name}: inflates past its declared size (zip bomb?)")
                    parts.append(chunk)
        except zipfile.BadZipFile as exc:
            raise ArchiveError(f"{name}: damaged entry ({exc})") from None
        except (zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveError(f"{name}: damaged entry ({type(exc).__name__}: {exc})") from None
        data = b"".join(parts)
        if data.startswith(ARCHIVE_MAGIC) or (len(data) > 262 and data[257:262] == b"ustar"):
            raise ArchiveError(f"{name}: nested archive")
        return data
