"""Builds the Teams app package: build/teams-app.zip with manifest.json and the two icons.

    TEAMS_APP_ID=<the bot's Microsoft App ID> .venv/bin/python -m scripts.teams_package

The bot id in teams/manifest.json is the placeholder {{TEAMS_APP_ID}}, filled in here from
TEAMS_APP_ID (or --app-id). The icons teams/color.png (192x192, full colour) and
teams/outline.png (32x32, white on transparent) are drawn with Pillow when missing. Upload the
zip in Teams (Apps > Manage your apps > Upload an app) or the Teams admin center: docs/teams.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "teams"
OUT = ROOT / "build" / "teams-app.zip"
PLACEHOLDER = "{{TEAMS_APP_ID}}"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
RED = (166, 25, 46)
WHITE = (255, 255, 255)
SCALE = 8  # drawn larger, then scaled down for smooth edges


def bubble_mask(
    size: int, box: tuple[float, float, float, float], stroke: float = 0
) -> Image.Image:
    """A speech bubble with three text lines, as an 8-bit mask of `size` pixels square.

    `box` is the bubble's body (left, top, right, bottom) in fractions of the size; with a
    `stroke` (a fraction too) only its outline and the lines are drawn.
    """
    big = size * SCALE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    left, top, right, bottom = (round(v * big) for v in box)
    radius = round((bottom - top) * 0.22)
    tail = [
        (left + (right - left) * 0.22, bottom - 1),
        (left + (right - left) * 0.14, bottom + (bottom - top) * 0.28),
        (left + (right - left) * 0.42, bottom - 1),
    ]
    width = round(stroke * big)
    if width:
        draw.rounded_rectangle((left, top, right, bottom), radius, outline=255, width=width)
        draw.polygon(tail, fill=255)
        inner_tail = [
            (tail[0][0] + width * 1.2, bottom - width),
            (tail[1][0] + width * 0.9, tail[1][1] - width * 2.2),
            (tail[2][0] - width * 1.6, bottom - width),
        ]
        draw.polygon(inner_tail, fill=0)
    else:
        draw.rounded_rectangle((left, top, right, bottom), radius, fill=255)
        draw.polygon(tail, fill=255)
    line_height = (bottom - top) / 6
    line_width = max(width, round(line_height * 0.55))
    for n, length in enumerate((0.62, 0.62, 0.4)):
        y = top + line_height * (1.8 + n * 1.2)
        x0 = left + (right - left) * 0.19
        x1 = x0 + (right - left) * length
        draw.line((x0, y, x1, y), fill=0 if not width else 255, width=line_width)
    return mask.resize((size, size), Image.Resampling.LANCZOS)


def draw_color_icon(path: Path) -> None:
    """192x192: a white speech bubble on the City's red, inside the central 96 pixels."""
    icon = Image.new("RGBA", (192, 192), RED + (255,))
    bubble = bubble_mask(192, (0.27, 0.3, 0.73, 0.64))
    icon.paste(Image.new("RGBA", (192, 192), WHITE + (255,)), (0, 0), bubble)
    icon.convert("RGB").save(path, optimize=True)


def draw_outline_icon(path: Path) -> None:
    """32x32: the speech bubble's outline, white on transparent."""
    alpha = bubble_mask(32, (0.08, 0.12, 0.92, 0.7), stroke=0.07)
    # Only fully transparent or (nearly) opaque white pixels, as Teams asks for.
    alpha = alpha.point(lambda value: 255 if value >= 96 else 0)
    icon = Image.new("RGBA", (32, 32), WHITE + (0,))
    icon.putalpha(alpha)
    icon.save(path, optimize=True)


def ensure_icons(source: Path) -> None:
    for name, draw in (("color.png", draw_color_icon), ("outline.png", draw_outline_icon)):
        if not (source / name).exists():
            draw(source / name)
            print(f"drew {source / name}")


def build(app_id: str, source: Path = SOURCE, out: Path = OUT) -> Path:
    """Writes the package to `out` with `app_id` as the bot id; returns `out`."""
    if not GUID.fullmatch(app_id or ""):
        raise SystemExit(f"TEAMS_APP_ID must be the bot's Microsoft App ID, a GUID; got {app_id!r}")
    ensure_icons(source)
    template = (source / "manifest.json").read_text(encoding="utf-8")
    if PLACEHOLDER not in template:
        raise SystemExit(f"{source / 'manifest.json'} has no {PLACEHOLDER} placeholder")
    manifest = template.replace(PLACEHOLDER, app_id.lower())
    json.loads(manifest)  # still valid JSON
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        archive.write(source / "color.png", "color.png")
        archive.write(source / "outline.png", "outline.png")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-id", default=os.environ.get("TEAMS_APP_ID", ""))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.app_id:
        sys.exit("set TEAMS_APP_ID (or pass --app-id) to the bot's Microsoft App ID")
    print(f"wrote {build(args.app_id, out=args.out)}")


if __name__ == "__main__":
    main()
