"""Pictures and logos: PNG/JPEG read with Pillow, SVG drawn by cairosvg, sized to what the frame shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from contract.scene_errors import SceneInputError
from scenes.camera import FastImage


def read_bitmap(file: Path, where: str) -> Any:
    """A PNG/JPEG as an RGBA PIL image; unreadable files are the script's problem."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as opened:
            return opened.convert("RGBA")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise SceneInputError(where, f"cannot read image {file.name}: {error}") from error


def rasterize_svg(file: Path, max_width_px: float, max_height_px: float, where: str) -> Any:
    """An SVG drawn by cairosvg at the size it will be shown (no external files are fetched)."""
    import io

    import cairosvg
    from PIL import Image

    def draw(**size: int) -> Any:
        png = cairosvg.svg2png(url=str(file), unsafe=False, **size)
        return Image.open(io.BytesIO(png)).convert("RGBA")

    try:
        image = draw(output_width=max(1, round(max_width_px)))
        if image.height > max_height_px:
            image = draw(output_height=max(1, round(max_height_px)))
    except Exception as error:  # cairosvg raises many kinds of errors for broken files
        raise SceneInputError(where, f"cannot draw the SVG {file.name}: {error}") from error
    if image.getbbox() is None:
        raise SceneInputError(where, f"the SVG {file.name} has nothing to draw")
    return image


def fit_picture(
    file: Path, where: str, max_width: float, max_height: float, pixels_per_unit: float, oversample: float
) -> FastImage:
    """`file` as a mobject fitted into `max_width` × `max_height` scene units (`where` names it in messages)."""
    if not file.is_file():
        raise SceneInputError(where, f"file not found: {file}")
    if file.suffix.lower() == ".svg":
        # drawn by a full SVG renderer (gradients, opacity, text), not Manim's path importer
        image = rasterize_svg(
            file, max_width * pixels_per_unit * oversample, max_height * pixels_per_unit * oversample, where
        )
    else:
        image = read_bitmap(file, where)
    from PIL import Image

    w, h = image.size
    scale = min(max_width / w, max_height / h)  # units per source pixel
    target = (
        max(1, round(w * scale * pixels_per_unit * oversample)),
        max(1, round(h * scale * pixels_per_unit * oversample)),
    )
    if target[0] < w:  # never upscale here; the camera does it
        image = image.resize(target, Image.Resampling.LANCZOS)
    mob = FastImage(np.asarray(image))
    mob.set_resampling_algorithm(Image.Resampling.BILINEAR)
    mob.height = h * scale
    return mob
