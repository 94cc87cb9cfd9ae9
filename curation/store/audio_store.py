"""Where the original recordings live: the workspace's own `originals/` folder (the default), or any
fsspec URL (`s3://bucket/prefix` on an S3-compatible server, for teams).

Originals are written and read only through an `AudioStore`. A key is the path the catalogue
records (`originals/ab/<sha256>.wav`): in the local store it is that file under the workspace,
in a remote one that object under the URL. Writing is two-step so that nothing is half-written:
`stage` copies the recording under a temporary name and checks it arrived whole (size, and the
checksum), `commit` (inside the database transaction) moves it to its key; `discard` drops a stage
that was never committed. Decoding needs a seekable local file: `local_copy` hands out the local
file itself, or a private copy (owner-only, in W/tmp, deleted after use) of a remote object.

Only the URL and connection options are recorded in the workspace settings; credentials come from
the environment (for S3 the standard AWS variables, profiles or instance roles). A store that
cannot be reached raises `AudioStoreUnavailable`: one line naming the store, nothing written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from curation.errors import CurationError

log = logging.getLogger(__name__)

SECRET_WORDS = ("secret", "password", "token", "key", "credential")  # option names refused in the settings
S3_DEFAULTS = {"config_kwargs": {"connect_timeout": 5, "read_timeout": 30, "retries": {"max_attempts": 2}}}
TEMP_PREFIX = "tmp"  # staged uploads live under <store>/tmp/ until committed
ORIGINALS_PREFIX = "originals"  # committed originals: <store>/originals/<2 hex>/<sha256><suffix>
STALE_UPLOAD_SECONDS = 3600  # a temporary upload older than this belongs to no running import


class AudioStoreError(CurationError):
    """The audio store refused or lost a recording (missing, changed, or a bad store URL)."""

    exit_code = 6


class AudioStoreUnavailable(AudioStoreError):
    """The audio store could not be reached; nothing was written and the work can be run again."""


@dataclass(frozen=True)
class StoredObject:
    """An original in the store, by its key (`originals/ab/<sha256>.wav`)."""

    key: str


@dataclass(frozen=True)
class Staged:
    """A recording copied into the store under a temporary name, not yet at its key."""

    key: str
    temporary: str  # a local path (local store) or a path inside the remote file system
    size: int


def _check_key(key: str) -> str:
    parts = Path(key).as_posix().split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise AudioStoreError(f"{key!r}: not a key of the audio store")
    return "/".join(parts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class AudioStore:
    """The interface; `LocalAudioStore` and `FsspecAudioStore` implement it."""

    url: str
    is_local: bool

    def describe(self) -> str:
        return self.url

    def stage(self, source: Path, key: str) -> Staged:
        raise NotImplementedError

    def commit(self, staged: Staged) -> None:
        raise NotImplementedError

    def discard(self, staged: Staged) -> None:
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def size(self, key: str) -> int:
        raise NotImplementedError

    def sizes(self, keys) -> dict[str, int]:
        """Size of each key (0 when absent)."""
        return {key: self.size(key) for key in keys}

    def delete(self, key: str) -> bool:
        """Delete the object at `key` and check it is gone; False when there was none."""
        raise NotImplementedError

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        raise NotImplementedError
        yield  # pragma: no cover

    @contextmanager
    def opened(self, key: str) -> Iterator[BinaryIO]:
        """The object as a seekable binary file: a remote store reads only the byte ranges asked for
        (a few seconds of a two-hour original need not cross the network whole)."""
        raise NotImplementedError
        yield  # pragma: no cover

    def originals(self, older_than: float = 0.0) -> list[str]:
        """Keys of the committed originals (`originals/…`) last written more than `older_than` seconds
        ago, sorted: what `curation doctor` holds against the catalogue to find orphans."""
        raise NotImplementedError


class LocalAudioStore(AudioStore):
    """Originals as files under the workspace folder (owner-only, 0600 in 0700 folders)."""

    is_local = True

    def __init__(self, root: Path, tmp: Path):
        self.root, self.tmp = Path(root), Path(tmp)
        self.url = str(self.root)

    def path(self, key: str) -> Path:
        path = (self.root / _check_key(key)).resolve()
        if self.root.resolve() not in path.parents:
            raise AudioStoreError(f"{key}: path leaves the workspace")
        return path

    def stage(self, source: Path, key: str) -> Staged:
        self.path(key).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.tmp / f"{Path(key).stem}.{secrets.token_hex(4)}.part"  # two imports of one recording at once
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o600)
        return Staged(key, str(tmp), tmp.stat().st_size)

    def commit(self, staged: Staged) -> None:
        os.replace(staged.temporary, self.path(staged.key))

    def discard(self, staged: Staged) -> None:
        Path(staged.temporary).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        path = self.path(key)
        return path.stat().st_size if path.exists() else 0

    def delete(self, key: str) -> bool:
        path = self.root / _check_key(key)
        if not (path.is_file() or path.is_symlink()):
            return False
        path.unlink()
        return True

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self.path(key)

    @contextmanager
    def opened(self, key: str) -> Iterator[BinaryIO]:
        with open(self.path(key), "rb") as f:
            yield f

    def originals(self, older_than: float = 0.0) -> list[str]:
        import time

        limit = time.time() - older_than
        folder = self.root / ORIGINALS_PREFIX
        found = [p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime <= limit] if folder.is_dir() else []
        return sorted(p.relative_to(self.root).as_posix() for p in found)


class FsspecAudioStore(AudioStore):
    """Originals as objects under an fsspec URL (e.g. `s3://bucket/prefix`)."""

    is_local = False

    def __init__(self, url: str, options: dict | None, tmp: Path):
        import fsspec

        self.url, self.options, self.tmp = url, dict(options or {}), Path(tmp)
        protocol = url.split("://", 1)[0] if "://" in url else "file"
        kwargs = dict(self.options)
        if protocol in ("s3", "s3a"):
            for name, value in S3_DEFAULTS.items():
                kwargs.setdefault(name, value)
            kwargs.setdefault("use_listings_cache", False)
        elif protocol in ("file", "local"):
            kwargs.setdefault("auto_mkdir", True)  # a shared mount: folders appear as objects are written
        try:
            self.fs, base = fsspec.core.url_to_fs(url, skip_instance_cache=True, **kwargs)
        except (ImportError, ValueError, TypeError) as exc:
            raise AudioStoreError(f"audio store {url}: cannot be opened ({_first_line(exc)})") from None
        self.base = base.rstrip("/")

    def describe(self) -> str:
        endpoint = self.options.get("endpoint_url")
        return f"{self.url} at {endpoint}" if endpoint else self.url

    def _path(self, key: str) -> str:
        return f"{self.base}/{_check_key(key)}"

    @contextmanager
    def _reaching(self, doing: str, key: str = "") -> Iterator[None]:
        """Turn the file system's errors into one line naming the store."""
        try:
            yield
        except CurationError:
            raise
        except FileNotFoundError:
            raise AudioStoreError(f"audio store {self.describe()}: {key or doing} is missing") from None
        except _store_errors() as exc:
            raise AudioStoreUnavailable(f"audio store {self.describe()}: could not {doing} "
                                        f"({type(exc).__name__}: {_first_line(exc)}); nothing was written, "
                                        "run it again when the store is back") from None

    def check(self) -> None:
        """Write, read back and delete a small probe object: the store is reachable and writable."""
        probe = f"{self.base}/{TEMP_PREFIX}/.probe-{secrets.token_hex(4)}"
        with self._reaching("write a probe object"):
            self.fs.pipe_file(probe, b"curation")
            data = self.fs.cat_file(probe)
            self.fs.rm_file(probe)
        if data != b"curation":
            raise AudioStoreError(f"audio store {self.describe()}: a probe object came back changed")
        self._refuse_versioned_bucket()

    def _refuse_versioned_bucket(self) -> None:
        """A bucket that keeps old versions keeps a deleted original recoverable: erasure and retention
        could not keep their promise there."""
        if not hasattr(self.fs, "call_s3"):
            return
        bucket = self.base.split("/", 1)[0]
        with self._reaching("read the bucket's versioning"):
            status = self.fs.call_s3("get_bucket_versioning", Bucket=bucket).get("Status", "")
        if status in ("Enabled", "Suspended"):
            raise AudioStoreError(f"audio store {self.describe()}: bucket {bucket} keeps old versions of objects "
                                  f"(versioning {status.lower()}), so a deleted original would stay recoverable; "
                                  "use a bucket that never had versioning")

    def stage(self, source: Path, key: str) -> Staged:
        source = Path(source)
        size = source.stat().st_size
        temporary = f"{self.base}/{TEMP_PREFIX}/{Path(key).name}.{secrets.token_hex(4)}.part"
        with self._reaching("upload a recording"):
            self.fs.put_file(str(source), temporary)
            staged = Staged(key, temporary, size)
            try:
                self._verify(temporary, size, source)
            except BaseException:
                self._quietly_remove(temporary)
                raise
        return staged

    def _verify(self, path: str, size: int, source: Path) -> None:
        """The object at `path` holds the bytes of `source`: same size, and the same MD5 (a single-part
        S3 ETag) or, where the store gives no plain MD5, the same SHA-256 read back."""
        self.fs.invalidate_cache(path)
        info = self.fs.info(path)
        if info.get("size") != size:
            raise AudioStoreError(f"audio store {self.describe()}: upload of {source.name} arrived incomplete "
                                  f"({info.get('size')} of {size} bytes); nothing was imported")
        etag = str(info.get("ETag") or info.get("etag") or "").strip('"')
        if len(etag) == 32 and "-" not in etag:
            digest = hashlib.md5(usedforsecurity=False)
            with open(source, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            same = digest.hexdigest() == etag
        else:
            digest = hashlib.sha256()
            with self.fs.open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            same = digest.hexdigest() == _sha256(source)
        if not same:
            raise AudioStoreError(f"audio store {self.describe()}: upload of {source.name} arrived changed "
                                  "(checksum differs); nothing was imported")

    def commit(self, staged: Staged) -> None:
        final = self._path(staged.key)
        with self._reaching("store a recording", staged.key):
            self.fs.copy(staged.temporary, final)
            self.fs.invalidate_cache(final)
            if self.fs.info(final).get("size") != staged.size:
                raise AudioStoreError(f"audio store {self.describe()}: {staged.key} arrived incomplete")
        self._quietly_remove(staged.temporary)

    def discard(self, staged: Staged) -> None:
        self._quietly_remove(staged.temporary)

    def _quietly_remove(self, path: str) -> None:
        """Best effort, for clean-up after a failure: an unreachable store must not hide the first error."""
        try:
            self.fs.rm_file(path)
        except FileNotFoundError:
            pass
        except Exception as exc:  # noqa: BLE001
            log.warning("audio store %s: could not remove a temporary object (%s)", self.describe(),
                        type(exc).__name__)

    def _present(self, path: str) -> bool:
        """Whether `path` exists, asking the store (fsspec's `exists` turns any error into False)."""
        self.fs.invalidate_cache(path)
        try:
            self.fs.info(path)
        except FileNotFoundError:
            return False
        return True

    def exists(self, key: str) -> bool:
        path = self._path(key)
        with self._reaching("look up a recording", key):
            return self._present(path)

    def sizes(self, keys) -> dict[str, int]:
        """Sizes from one listing of the folders the keys are in (not one request per key)."""
        keys = list(keys)
        if len(keys) <= 8:
            return super().sizes(keys)
        folder = f"{self.base}/{keys[0].split('/', 1)[0]}" if keys else self.base
        with self._reaching("list the recordings"):
            self.fs.invalidate_cache(folder)
            try:
                listed = self.fs.find(folder, detail=True)
            except FileNotFoundError:
                listed = {}
        found = {name[len(self.base) + 1:]: int(info.get("size") or 0) for name, info in listed.items()}
        return {key: found.get(_check_key(key), 0) for key in keys}

    def stale_uploads(self, older_than: float | None = None) -> list[str]:
        """Temporary uploads an import could not remove (the store went away during its clean-up),
        older than `older_than` seconds (default STALE_UPLOAD_SECONDS): copies of originals that no
        erasure would find. Paths relative to the store."""
        return self._written_before(f"{self.base}/{TEMP_PREFIX}", "list its temporary uploads",
                                    STALE_UPLOAD_SECONDS if older_than is None else older_than, deep=False)

    def originals(self, older_than: float = 0.0) -> list[str]:
        return self._written_before(f"{self.base}/{ORIGINALS_PREFIX}", "list the recordings", older_than, deep=True)

    def _written_before(self, folder: str, doing: str, older_than: float, deep: bool) -> list[str]:
        """Objects in `folder` (and below it when `deep`) last written more than `older_than` seconds ago
        (an object whose time the store does not tell counts only when `older_than` is 0), relative to
        the store, sorted."""
        import time
        from datetime import datetime

        limit = time.time() - older_than
        with self._reaching(doing):
            self.fs.invalidate_cache(folder)
            try:
                listed = self.fs.find(folder, detail=True) if deep else \
                    {e["name"]: e for e in self.fs.ls(folder, detail=True)}
            except FileNotFoundError:
                return []
        keys = []
        for name, info in listed.items():
            when = info.get("LastModified") or info.get("mtime") or info.get("created")
            seconds = when.timestamp() if isinstance(when, datetime) else when
            if info.get("type", "file") == "file" and (older_than <= 0 or (isinstance(seconds, (int, float))
                                                                           and seconds <= limit)):
                keys.append(name[len(self.base) + 1:])
        return sorted(keys)

    def remove_stale_uploads(self, older_than: float | None = None) -> list[str]:
        """Delete the stale temporary uploads; returns what went."""
        gone = []
        for rel in self.stale_uploads(older_than):
            with self._reaching("delete a temporary upload"):
                self.fs.rm_file(f"{self.base}/{rel}")
            gone.append(rel)
        return gone

    def size(self, key: str) -> int:
        path = self._path(key)
        with self._reaching("look up a recording", key):
            self.fs.invalidate_cache(path)
            try:
                return int(self.fs.info(path).get("size") or 0)
            except FileNotFoundError:
                return 0

    def delete(self, key: str) -> bool:
        path = self._path(key)
        with self._reaching("delete a recording", key):
            if not self._present(path):
                return False
            self.fs.rm_file(path)
            if self._present(path):
                raise AudioStoreError(f"audio store {self.describe()}: {key} is still there after deleting it")
        return True

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """A private local copy of the object (owner-only, in W/tmp), deleted when the block ends."""
        self.tmp.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="original-", suffix=Path(key).suffix, dir=self.tmp)  # mode 0600
        os.close(fd)
        local = Path(name)
        try:
            with self._reaching("read a recording", key):
                self.fs.get_file(self._path(key), str(local))
            yield local
        finally:
            local.unlink(missing_ok=True)

    @contextmanager
    def opened(self, key: str) -> Iterator[BinaryIO]:
        """Range reads over the store's protocol (HTTP range requests on S3), in blocks of 1 MiB."""
        with self._reaching("read a recording", key):
            f = self.fs.open(self._path(key), "rb", block_size=RANGE_BLOCK)
        try:
            yield _Reaching(f, self, key)
        finally:
            f.close()


RANGE_BLOCK = 1 << 20


class _Reaching:
    """A remote file whose read and seek errors become the store's one-line errors."""

    def __init__(self, f, store: "FsspecAudioStore", key: str):
        self._f, self._store, self._key = f, store, key

    def read(self, n: int = -1) -> bytes:
        with self._store._reaching("read a recording", self._key):
            return self._f.read(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        with self._store._reaching("read a recording", self._key):
            return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


def _store_errors() -> tuple[type[BaseException], ...]:
    """What a file system raises when the store fails us: OSError (refused, timed out, s3fs's translated
    errors) and the network libraries' own errors (botocore, aiohttp), when they are installed."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:
        pass
    try:
        from aiohttp import ClientError as HttpClientError

        errors.append(HttpClientError)
    except ImportError:
        pass
    return tuple(errors)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def store_settings(url: str | None, options: dict | None = None) -> dict | None:
    """The `audio_store` entry of the workspace settings, or None for the local folder. Refuses URLs
    and options that carry credentials: those come from the environment."""
    if not url:
        if options:
            raise AudioStoreError("audio store options given without an audio store URL")
        return None
    if "://" not in url:
        raise AudioStoreError(f"audio store {url!r}: give an fsspec URL such as s3://bucket/prefix "
                              "(leave it out for the workspace's own folder)")
    if "@" in url.split("://", 1)[1].split("/", 1)[0]:
        raise AudioStoreError(f"audio store {url.split('@')[-1]}: the URL carries credentials; put them in the "
                              "environment (for S3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or a profile)")
    for name in options or {}:
        if any(word in name.lower() for word in SECRET_WORDS):
            raise AudioStoreError(f"audio store option {name!r} looks like a credential; put it in the environment "
                                  "(the workspace settings are not a place for secrets)")
    return {"url": url.rstrip("/"), **({"options": dict(options)} if options else {})}


def open_audio_store(root: Path, settings: dict | None) -> AudioStore:
    """The store a workspace's settings name (`audio_store`), or its own `originals/` folder."""
    tmp = Path(root) / "tmp"
    if not settings:
        return LocalAudioStore(root, tmp)
    return FsspecAudioStore(settings["url"], settings.get("options"), tmp)
