"""The application icon: every PNG size, the Windows ICO and the macOS ICNS are present, well
formed and rendered from the SVG; the window uses it."""

from __future__ import annotations

import struct

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from arbench import paths
from arbench.ui.app import make_app

ICONS = paths.resources_dir() / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def test_png_sizes_are_square_opaque_in_the_middle_and_transparent_in_the_corner() -> None:
    for size in SIZES:
        image = QImage(str(ICONS / f"arbench-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255
        assert image.pixelColor(0, 0).alpha() == 0  # rounded tile: the corner is see-through


def test_ico_holds_each_windows_size_as_png() -> None:
    data = (ICONS / "arbench.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, _h, _c, _r, _p, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        sizes.append(width or 256)
        assert bits == 32
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        image = QImage.fromData(data[offset : offset + length])
        assert image.width() == (width or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icns_chunks_add_up() -> None:
    data = (ICONS / "arbench.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, at = [], 8
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack(">I", data[at + 4 : at + 8])[0]
        assert data[at + 8 : at + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        at += length
    assert at == len(data)
    assert {b"ic07", b"ic08", b"ic09", b"icp4"} <= set(kinds)


def test_the_application_window_icon_is_the_shipped_svg(qtbot: QtBot) -> None:
    app = make_app()
    pixmap = app.windowIcon().pixmap(64, 64)
    assert not pixmap.isNull()
    drawn = pixmap.toImage()
    tile = drawn.pixelColor(8, 32)  # the left edge of the tile, outside the bill
    assert (tile.red(), tile.green(), tile.blue()) == (0x1F, 0x4E, 0x79)
