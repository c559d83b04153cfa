"""Uploaded images: recognised by their content, bounded, and re-encoded without metadata.

An upload is accepted when Pillow reads it as PNG, JPEG, WebP or GIF (whatever its name or
declared type), it is at most ``max_bytes``, and its dimensions are sane (a small file that
decodes to gigapixels is refused before it is decoded). It is then decoded and encoded
again in the same format: EXIF (camera, GPS), XMP, comments and text chunks are dropped,
JPEG orientation is applied to the pixels, and whatever was hidden in the file is gone. The
result is named by its SHA-256, so the same picture uploaded twice is one file.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8192
MAX_PIXELS = 40_000_000
"""Per frame: 40 megapixels, e.g. 8000 x 5000."""
MAX_FRAMES = 300
MAX_TOTAL_PIXELS = 120_000_000
"""All frames of an animation together."""


class ImageRefused(Exception):
    """An upload that is not an acceptable image; ``too_large`` for the size limit."""

    def __init__(self, detail: str, *, too_large: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.too_large = too_large


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded image, ready to store under :attr:`name`."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    frames: int

    @property
    def sha256(self) -> str:
        """The content's SHA-256 (hex)."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        """``<sha256>.<ext>``: the same bytes, the same name."""
        return f"{self.sha256}.{self.extension}"


def process_image(data: bytes, max_bytes: int = MAX_BYTES) -> ProcessedImage:
    """Check and re-encode an upload; raises :class:`ImageRefused` saying why not."""
    if len(data) > max_bytes:
        raise ImageRefused(f"The image is larger than {max_bytes} bytes", too_large=True)
    if not data:
        raise ImageRefused("The upload is empty: send the image's bytes as the request body")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused(f"The image has too many pixels (at most {MAX_PIXELS:,})") from None
        except UnidentifiedImageError:
            raise ImageRefused(_not_an_image()) from None
        except (OSError, ValueError, SyntaxError):
            raise ImageRefused(_not_an_image()) from None
        with image:
            return _reencode(image, max_bytes)


def _not_an_image() -> str:
    return "Not a PNG, JPEG, WebP or GIF image (the content decides, not the file's name)"


def _reencode(image: Image.Image, max_bytes: int) -> ProcessedImage:
    file_format = image.format or ""
    if file_format not in FORMATS:
        raise ImageRefused(_not_an_image())
    width, height = image.size
    frames = int(getattr(image, "n_frames", 1))
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE:
        raise ImageRefused(f"The image must be at most {MAX_SIDE} pixels on each side")
    if width * height > MAX_PIXELS or width * height * frames > MAX_TOTAL_PIXELS:
        raise ImageRefused(f"The image has too many pixels (at most {MAX_PIXELS:,})")
    if frames > MAX_FRAMES:
        raise ImageRefused(f"The animation has too many frames (at most {MAX_FRAMES})")
    try:
        data, size = _encode(image, file_format, frames)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ImageRefused("The image is damaged or truncated and can't be decoded") from None
    if len(data) > max_bytes:
        raise ImageRefused(
            f"The image is larger than {max_bytes} bytes once re-encoded", too_large=True
        )
    content_type, extension = FORMATS[file_format]
    return ProcessedImage(data, content_type, extension, size[0], size[1], frames)


def _encode(image: Image.Image, file_format: str, frames: int) -> tuple[bytes, tuple[int, int]]:
    out = io.BytesIO()
    if file_format == "JPEG":
        clean = ImageOps.exif_transpose(image)  # the orientation tag becomes the pixels
        if clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        clean = _without_metadata(clean)
        clean.save(out, "JPEG", quality=88, optimize=True)
        return out.getvalue(), clean.size
    if frames > 1:
        durations = []
        pictures = []
        for frame in ImageSequence.Iterator(image):
            durations.append(int(frame.info.get("duration", 100)))
            pictures.append(_without_metadata(frame.copy()))
        options = {"save_all": True, "append_images": pictures[1:], "duration": durations}
        options["loop"] = int(image.info.get("loop", 0))
        pictures[0].save(out, file_format, **_format_options(file_format), **options)
        return out.getvalue(), pictures[0].size
    image.load()
    clean = _without_metadata(image.copy())
    clean.save(out, file_format, **_format_options(file_format))
    return out.getvalue(), clean.size


def _without_metadata(image: Image.Image) -> Image.Image:
    """The pixels (and palette, and transparency) only."""
    kept = {k: v for k, v in image.info.items() if k in ("transparency", "duration")}
    image.info.clear()
    image.info.update(kept)
    return image


def _format_options(file_format: str) -> dict[str, object]:
    if file_format == "PNG":
        return {"optimize": True}
    if file_format == "WEBP":
        return {"quality": 88, "method": 4}
    return {}
