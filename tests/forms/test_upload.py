import threading
from tempfile import SpooledTemporaryFile

import pytest

from lette_fp.forms.upload import SPOOL_MAX_SIZE, Spool
from lette_fp.http.headers import Headers


async def test_a_small_file_stays_in_memory() -> None:
    spool = Spool(to_disk=True)
    await spool.write(b"hello ")
    await spool.write(b"world")
    await spool.rewind()
    upload = spool.upload("a.txt", Headers(((b"content-type", b"text/plain"),)))
    assert not upload.on_disk
    assert (upload.filename, upload.content_type, upload.size) == ("a.txt", "text/plain", 11)
    assert await upload.read(5) == b"hello"
    assert await upload.read() == b" world"
    assert await upload.seek(6) == 6
    assert await upload.read() == b"world"
    await upload.close()
    assert upload.file.closed


async def test_past_one_mib_the_file_moves_to_disk_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    loop_thread = threading.get_ident()
    rollover_threads: list[int] = []
    original = SpooledTemporaryFile.rollover

    def spy(self: SpooledTemporaryFile[bytes]) -> None:
        rollover_threads.append(threading.get_ident())
        original(self)

    monkeypatch.setattr(SpooledTemporaryFile, "rollover", spy)
    spool = Spool(to_disk=True)
    await spool.write(b"a" * SPOOL_MAX_SIZE)
    assert not spool.on_disk and rollover_threads == []
    await spool.write(b"b")
    await spool.write(b"c" * 10)
    assert spool.on_disk
    assert len(rollover_threads) == 1 and rollover_threads[0] != loop_thread
    await spool.rewind()
    upload = spool.upload("big.bin", Headers())
    assert upload.on_disk and upload.size == SPOOL_MAX_SIZE + 11
    assert upload.content_type is None
    data = await upload.read()
    assert data == b"a" * SPOOL_MAX_SIZE + b"b" + b"c" * 10
    await upload.close()
    assert upload.file.closed


async def test_a_memory_only_spool_never_touches_disk() -> None:
    spool = Spool(to_disk=False)
    await spool.write(b"x" * (SPOOL_MAX_SIZE + 1))
    assert not spool.on_disk
    assert spool.upload("f", Headers()).size == SPOOL_MAX_SIZE + 1
