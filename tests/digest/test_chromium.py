"""The HTML digest rendered by headless Chromium: a page-sized, non-blank screenshot."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from digest import run_digest
from storage.db import Database
from tests.digest.conftest import DIGEST_DATE, NOW, digest_config, make_item, store, store_copy
from tests.services import services_required

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    reason = "chromium is not installed (apt-get install chromium)"
    if services_required():
        pytest.fail(f"{reason} (NEWSMON_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def screenshot(html: Path, png: Path, profile: Path, size: str = "1000,1400") -> None:
    subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
         f"--window-size={size}", html.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and raw scanlines (filter byte stripped) of an 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6)
    idat, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * (3 if colour == 2 else 4) + 1
    return width, height, [raw[i * stride + 1:(i + 1) * stride] for i in range(height)]


def test_digest_renders_to_a_readable_page(db: Database, tmp_path: Path) -> None:
    browser = chromium()
    first = store(db, make_item(1, title="乡村儿童阅读计划在河北启动"))
    store_copy(db, first, 2, "s2")
    for n in range(3, 9):
        store(db, make_item(n, "s3", title=f"第{n}条公益新闻", primary_category="health"))
    out = tmp_path / "digest.html"
    run_digest(db, date=DIGEST_DATE, now=NOW, send=False, out=out, config=digest_config(25),
               sources=[], source_names={})
    png = tmp_path / "digest.png"
    screenshot(out, png, tmp_path / "profile")
    assert browser and png.is_file()
    data = png.read_bytes()
    width, height, rows = png_pixels(data)
    assert (width, height) == (1000, 1400)
    assert len(data) > 20_000  # text and colour compress far worse than a blank page
    # scanlines through the content are not one colour; the page has a dark header and text
    assert len({row for row in rows[::20]}) > 10
    distinct = {bytes(row[i:i + 3]) for row in rows[::50] for i in range(0, len(row), 60)}
    assert len(distinct) > 5
