"""Vendor the Fluent Emoji Flat props we ship into assets/props/ (run by hand, rarely).

Node is needed only here, never at run time. In a temporary folder:

    cd "$(mktemp -d)" && npm pack @iconify-json/fluent-emoji-flat && tar xzf iconify-json-*.tgz
    .venv/bin/python /path/to/tools/vendor_props.py package/icons.json

It writes one standalone SVG per prop, `index.json` (our name -> file, source name, aliases) and
keeps `LICENSE-fluent-emoji.txt` (MIT). Commit those files only, never node_modules or the tarball.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "props"

# our prop name -> Fluent Emoji Flat icon name (the names users write are ours, kebab-case)
PROPS: dict[str, str] = {
    "money-bag": "money-bag",
    "house": "house-with-garden",
    "handshake": "handshake",
    "potted-plant": "potted-plant",
    "mobile-phone": "mobile-phone",
    "laptop": "laptop",
    "calendar": "spiral-calendar",
    "office-worker": "woman-office-worker",
    "man-office-worker": "man-office-worker",
    "tools": "hammer-and-wrench",
    "toolbox": "toolbox",
    "bank": "classical-building",
    "office-building": "office-building",
    "credit-card": "credit-card",
    "chat-bubble": "speech-balloon",
    "thought-bubble": "thought-balloon",
    "euro": "euro-banknote",
    "coin": "coin",
    "key": "key",
    "light-bulb": "light-bulb",
    "chart-increasing": "chart-increasing",
    "bar-chart": "bar-chart",
    "briefcase": "briefcase",
    "envelope": "envelope",
    "locked": "locked",
    "shield": "shield",
    "check-mark": "check-mark-button",
    "clipboard": "clipboard",
    "seedling": "seedling",
    "tree": "deciduous-tree",
    "thumbs-up": "thumbs-up",
    "gift": "wrapped-gift",
    "party-popper": "party-popper",
    "receipt": "receipt",
    "magnifying-glass": "magnifying-glass-tilted-left",
    "telephone": "telephone-receiver",
    "globe": "globe-showing-europe-africa",
    "car": "automobile",
    "tractor": "tractor",
    "graduation-cap": "graduation-cap",
}

ALIASES: dict[str, list[str]] = {
    "chat-bubble": ["chat", "speech-balloon"],
    "euro": ["euro-banknote", "banknote"],
    "tools": ["hammer-and-wrench"],
    "bank": ["classical-building"],
    "calendar": ["spiral-calendar"],
    "house": ["house-with-garden"],
    "office-worker": ["woman-office-worker"],
    "locked": ["lock", "padlock"],
    "mobile-phone": ["phone", "smartphone"],
}


def main(icons_json: str) -> None:
    data = json.loads(Path(icons_json).read_text(encoding="utf-8"))
    icons, width, height = data["icons"], data.get("width", 32), data.get("height", 32)
    index: dict[str, dict[str, object]] = {}
    for name, source in PROPS.items():
        icon = icons[source]
        w, h = icon.get("width", width), icon.get("height", height)
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}">'
            f"{icon['body']}</svg>\n"
        )
        (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
        index[name] = {"file": f"{name}.svg", "source": source, "aliases": ALIASES.get(name, [])}
    meta = {
        "set": "Fluent Emoji Flat",
        "package": "@iconify-json/fluent-emoji-flat",
        "version": json.loads((Path(icons_json).parent / "package.json").read_text())["version"],
        "author": "Microsoft Corporation",
        "url": "https://github.com/microsoft/fluentui-emoji",
        "license": "MIT",
        "license_file": "LICENSE-fluent-emoji.txt",
        "props": index,
    }
    (OUT / "index.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(index)} props to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
