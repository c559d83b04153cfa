"""QR codes of join URLs, as SVG (qrcode's path image) and PNG (a small stdlib encoder)."""

from __future__ import annotations

import io
import struct
import zlib

import qrcode
import qrcode.constants
import qrcode.image.svg


def _qr(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> bytes:
    """An SVG QR code of ``data`` (scales to any size)."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_png(data: str, scale: int = 10) -> bytes:
    """A black-on-white PNG QR code of ``data``, ``scale`` pixels per module."""
    matrix: list[list[bool]] = _qr(data).get_matrix()
    rows = []
    for row in matrix:
        pixels = bytes(0 if cell else 255 for cell in row for _ in range(scale))
        rows.extend([b"\x00" + pixels] * scale)  # filter type 0 per scanline
    size = len(matrix) * scale
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
