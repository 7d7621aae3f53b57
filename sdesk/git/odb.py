"""git's object database read and written in-process: loose objects and packs, SHA-1 only.

A commit of one ticket needs a handful of objects: HEAD's commit, the trees along the changed
paths, and the new blob, trees and commit. Asking git for them costs a process each time
(`hash-object`, `cat-file`, `commit-tree`: ~5 ms of fork and exec apiece in a Python process,
more on a loaded machine), so sdesk reads and writes them itself, in git's own formats
(Documentation/technical/pack-format.txt, and "git objects" in the Git Book):

- a loose object is `objects/xx/yyyy...`: zlib of `KIND SIZE\\0BODY`, named by the SHA-1 of
  that text, written to a temporary file and linked into place, read-only, as git writes it;
- a packed object is found through a pack's `.idx` (version 2: a fan-out table, the sorted
  object ids, then the offsets) and read from the `.pack`: a zlib stream after a small header,
  or a delta (against an earlier offset or another object id) applied to its base.

Objects written here are ordinary loose objects: `git fsck --strict`, `git gc`, `git log -p`
and a forge see nothing different from what git would have written. Anything this reader does
not follow (an index of version 1, an alternate object store) raises `Unsupported`, and the
caller uses git (sdesk/git/inproc.py decides).
"""

from __future__ import annotations

import mmap
import os
import zlib
from collections.abc import Iterable
from pathlib import Path

from sdesk.core.sha1 import sha1

RELEASE_EVERY = 256  # objects read from packs between two releases of their mapped pages
KINDS = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}
_OFS_DELTA, _REF_DELTA = 6, 7
_IDX_MAGIC = b"\377tOc"


class Unsupported(Exception):
    """An object store this module leaves to git."""


class MissingObject(Exception):
    """No loose or packed object has this id."""


class _Pack:
    """One pack: its index and data, memory-mapped (a million-object index is ~30 MB)."""

    def __init__(self, idx_path: str, pack_path: str) -> None:
        with open(idx_path, "rb") as fh:
            self.idx = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        with open(pack_path, "rb") as fh:
            self.pack = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if self.idx[:8] != _IDX_MAGIC + b"\0\0\0\2":
            raise Unsupported(f"{idx_path}: not a version 2 pack index")
        self.count = int.from_bytes(self.idx[8 + 255 * 4:8 + 256 * 4], "big")

    def offset(self, oid: bytes) -> int | None:
        """Where `oid` (20 bytes) starts in the pack, by binary search within its fan-out."""
        idx, first = self.idx, oid[0]
        lo = int.from_bytes(idx[8 + (first - 1) * 4:8 + first * 4], "big") if first else 0
        hi = int.from_bytes(idx[8 + first * 4:12 + first * 4], "big")
        base = 8 + 256 * 4
        while lo < hi:
            mid = (lo + hi) // 2
            here = idx[base + mid * 20:base + mid * 20 + 20]
            if here < oid:
                lo = mid + 1
            elif here > oid:
                hi = mid
            else:
                at = base + self.count * 24 + mid * 4  # ids, then CRCs, then offsets
                off = int.from_bytes(idx[at:at + 4], "big")
                if off & 0x80000000:  # an index into the table of 8-byte offsets
                    at = base + self.count * 28 + (off & 0x7FFFFFFF) * 8
                    off = int.from_bytes(idx[at:at + 8], "big")
                return off
        return None


class ObjectStore:
    """The objects of one repository (`objects_dir` is `.git/objects`)."""

    def __init__(self, objects_dir: Path) -> None:
        self.dir = objects_dir
        if (objects_dir / "info" / "alternates").exists():
            raise Unsupported("objects/info/alternates: objects in another repository")
        self._packs: list[_Pack] | None = None
        self._cache: dict[bytes, tuple[bytes, bytes]] = {}
        self._reads = 0

    def _release(self) -> None:
        """Let go of the pack pages read so far (they stay in the page cache): a mapped
        page counts in the process's memory once touched, and the kernel maps 64 KB around
        each one, so the thousands of trees a big batch reads (sdesk/git/bigcommit.py)
        would hold most of a 700 MB pack at a million tickets."""
        for pack in self._packs or []:
            for mapped in (pack.idx, pack.pack):
                mapped.madvise(mmap.MADV_DONTNEED)

    # -- reading ---------------------------------------------------------------------------

    def read(self, oid: bytes) -> tuple[bytes, bytes]:
        """(kind, body) of the object `oid` (20 bytes); MissingObject when there is none."""
        got = self._cache.get(oid)
        if got is None:
            got = self._read_loose(oid) or self._read_packed(oid)
            if got is None:
                raise MissingObject(oid.hex())
            self._cache[oid] = got
        return got

    def read_once(self, oid: bytes) -> tuple[bytes, bytes]:
        """As `read`, without keeping the object: a big commit reads thousands of trees once
        each (sdesk/git/bigcommit.py), and keeping them would grow with the change."""
        got = self._cache.get(oid) or self._read_loose(oid) or self._read_packed(oid)
        if got is None:
            raise MissingObject(oid.hex())
        return got

    def commit_head(self, oid: bytes) -> tuple[bytes, bytes]:
        """(kind, body) of `oid` as `read` gives them, except that a loose commit's body
        stops after its header lines (tree, parents, author, committer): a batch's commit
        message can be 250 MB (sdesk/git/bigcommit.py), and HEAD's tree is all a commit
        needs. Not cached when cut short."""
        got = self._cache.get(oid)
        if got is not None:
            return got
        hexid = oid.hex()
        try:
            with open(os.path.join(self.dir, hexid[:2], hexid[2:]), "rb") as fh:
                inflater, raw = zlib.decompressobj(), b""
                while b"\n\n" not in raw and (chunk := fh.read(1 << 16)):
                    raw += inflater.decompress(chunk)
        except FileNotFoundError:
            return self.read(oid)
        header, _, body = raw.partition(b"\0")
        return header.split(b" ")[0], body.split(b"\n\n", 1)[0] + b"\n"

    def _read_loose(self, oid: bytes) -> tuple[bytes, bytes] | None:
        hexid = oid.hex()
        try:
            with open(os.path.join(self.dir, hexid[:2], hexid[2:]), "rb") as fh:
                raw = zlib.decompress(fh.read())
        except FileNotFoundError:
            return None
        nul = raw.index(b"\0")
        kind, size = raw[:nul].split(b" ")
        body = raw[nul + 1:]
        if int(size) != len(body):
            raise Unsupported(f"loose object {hexid} has a wrong size")
        return kind, body

    def _read_packed(self, oid: bytes) -> tuple[bytes, bytes] | None:
        self._reads += 1
        if self._reads % RELEASE_EVERY == 0:
            self._release()
        for pack in self._pack_list():
            off = pack.offset(oid)
            if off is not None:
                return self._unpack(pack, off)
        if self._packs:  # git may have repacked since: look once more at what is there now
            self._packs = None
            for pack in self._pack_list():
                off = pack.offset(oid)
                if off is not None:
                    return self._unpack(pack, off)
        return None

    def _pack_list(self) -> list[_Pack]:
        if self._packs is None:
            folder = self.dir / "pack"
            try:
                names = sorted(os.listdir(folder))
            except FileNotFoundError:
                names = []
            self._packs = [_Pack(str(folder / n), str(folder / (n[:-4] + ".pack")))
                           for n in names if n.endswith(".idx")
                           and (n[:-4] + ".pack") in names]
        return self._packs

    def _unpack(self, pack: _Pack, off: int) -> tuple[bytes, bytes]:
        """The object at `off`, its deltas applied (iteratively: chains can be 50 long)."""
        deltas: list[bytes] = []
        data = pack.pack
        while True:
            kind, size, pos = _entry_header(data, off)
            if kind == _OFS_DELTA:
                byte = data[pos]
                pos += 1
                back = byte & 0x7F
                while byte & 0x80:
                    byte = data[pos]
                    pos += 1
                    back = ((back + 1) << 7) | (byte & 0x7F)
                deltas.append(_inflate(data, pos, size))
                off -= back
                continue
            if kind == _REF_DELTA:
                base_id = bytes(data[pos:pos + 20])
                deltas.append(_inflate(data, pos + 20, size))
                base_kind, body = self.read(base_id)
                break
            if kind not in KINDS:
                raise Unsupported(f"pack entry of type {kind}")
            base_kind, body = KINDS[kind], _inflate(data, pos, size)
            break
        for delta in reversed(deltas):
            body = _apply_delta(body, delta)
        return base_kind, body

    # -- writing ---------------------------------------------------------------------------

    def write(self, kind: bytes, body: bytes) -> str:
        """Store an object as a loose object (unless it is there already); returns its id."""
        oid = write_loose(self.dir, kind, body)
        self._cache[bytes.fromhex(oid)] = (kind, body)
        return oid


def write_loose(objects_dir: Path, kind: bytes, body: bytes) -> str:
    """Store an object as a loose object (zlib of 'KIND SIZE\\0BODY' at objects/xx/yyyy...),
    written to a temporary file and linked into place, read-only, as git does; returns its id."""
    raw = kind + b" %d\0" % len(body) + body
    oid = sha1(raw).hexdigest()
    folder = objects_dir / oid[:2]
    target = folder / oid[2:]
    if target.exists():
        return oid
    folder.mkdir(exist_ok=True)
    tmp = folder / f"tmp_obj_sdesk_{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(zlib.compress(raw))
    os.chmod(tmp, 0o444)
    try:
        os.link(tmp, target)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return oid


def write_loose_parts(objects_dir: Path, kind: bytes, size: int, parts: Iterable[bytes]) -> str:
    """As `write_loose`, the body given as `parts` of `size` bytes in all and compressed as
    they come: a commit message of tens of megabytes is never held whole. ValueError when
    the parts do not add up to `size` (nothing is stored then)."""
    import hashlib  # tens of megabytes: OpenSSL's SHA-1 is ~7x faster per byte than _sha1

    sha = hashlib.sha1(kind + b" %d\0" % size)
    squeeze = zlib.compressobj()
    tmp = objects_dir / f"tmp_obj_sdesk_{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(squeeze.compress(kind + b" %d\0" % size))
            written = 0
            for part in parts:
                sha.update(part)
                written += len(part)
                fh.write(squeeze.compress(part))
            fh.write(squeeze.flush())
        if written != size:
            raise ValueError(f"{written} bytes written for an object of {size}")
        oid = sha.hexdigest()
        folder = objects_dir / oid[:2]
        folder.mkdir(exist_ok=True)
        os.chmod(tmp, 0o444)
        import contextlib

        with contextlib.suppress(FileExistsError):  # stored already: the same bytes
            os.link(tmp, folder / oid[2:])
        return oid
    finally:
        tmp.unlink(missing_ok=True)


_open: dict[Path, ObjectStore] = {}


def store_for(objects_dir: Path) -> ObjectStore:
    """The ObjectStore of `objects_dir`, kept for the process: objects never change under
    their id, so what was read stays right (a pack git adds later is looked for on a miss)."""
    if (objects_dir / "info" / "alternates").exists():
        raise Unsupported("objects/info/alternates: objects in another repository")
    store = _open.get(objects_dir)
    if store is None:
        store = _open[objects_dir] = ObjectStore(objects_dir)
    return store


def blob_id(data: bytes) -> bytes:
    """The id git gives a file of these bytes (no filters): SHA-1 of `blob SIZE\\0DATA`."""
    return sha1(b"blob %d\0" % len(data) + data).digest()


def _entry_header(data: mmap.mmap, off: int) -> tuple[int, int, int]:
    """(type, inflated size, where the entry's data starts) of the pack entry at `off`."""
    byte = data[off]
    kind = (byte >> 4) & 7
    size = byte & 0x0F
    shift = 4
    off += 1
    while byte & 0x80:
        byte = data[off]
        off += 1
        size |= (byte & 0x7F) << shift
        shift += 7
    return kind, size, off


def _inflate(data: mmap.mmap, pos: int, size: int) -> bytes:
    """The zlib stream at `pos` whose inflated length is `size` (its packed length is not
    recorded, so it is fed in growing pieces until the stream ends)."""
    inflater = zlib.decompressobj()
    out = b""
    step = size + 64
    while not inflater.eof:
        chunk = data[pos:pos + step]
        if not chunk:
            raise Unsupported("a pack entry runs past the end of its pack")
        pos += len(chunk)
        out += inflater.decompress(chunk)
        step *= 2
    if len(out) != size:
        raise Unsupported("a pack entry has a wrong size")
    return out


def _varint(delta: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = delta[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _apply_delta(base: bytes, delta: bytes) -> bytes:
    """git's delta: the sizes of base and result, then copy (from the base) and insert ops."""
    src_size, pos = _varint(delta, 0)
    dst_size, pos = _varint(delta, pos)
    if src_size != len(base):
        raise Unsupported("a delta does not fit its base")
    out = bytearray()
    end = len(delta)
    while pos < end:
        op = delta[pos]
        pos += 1
        if op & 0x80:
            start = length = 0
            for i in range(4):
                if op & (1 << i):
                    start |= delta[pos] << (8 * i)
                    pos += 1
            for i in range(3):
                if op & (0x10 << i):
                    length |= delta[pos] << (8 * i)
                    pos += 1
            out += base[start:start + (length or 0x10000)]
        elif op:
            out += delta[pos:pos + op]
            pos += op
        else:
            raise Unsupported("a delta with the reserved op 0")
    if len(out) != dst_size:
        raise Unsupported("a delta made an object of the wrong size")
    return bytes(out)
