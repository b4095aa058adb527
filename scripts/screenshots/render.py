"""Screenshots of the real watchpost binary: runs it on the demo account in a pseudo-terminal
at a fixed size, drives it to each tab and dialog, and renders each screen, colours
included, to a PNG in screenshots/.

    scripts/screenshots/render.py BINARY OUTPUT_DIR

Run through scripts/screenshots/run, which builds the binary and installs the pinned
renderer (pyte, Pillow) into .screenshots-venv.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyte
from PIL import Image, ImageDraw, ImageFont

COLS, ROWS = 120, 34
CELL_W, CELL_H = 9, 18
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# xterm's palette for the 16 named colours; the background of the screenshots is dark.
PALETTE = {
    "black": (0, 0, 0), "red": (205, 49, 49), "green": (13, 188, 121), "brown": (229, 229, 16),
    "yellow": (229, 229, 16), "blue": (36, 114, 200), "magenta": (188, 63, 188),
    "cyan": (17, 168, 205), "white": (229, 229, 229), "brightblack": (102, 102, 102),
    "brightred": (241, 76, 76), "brightgreen": (35, 209, 139), "brightyellow": (245, 245, 67),
    "brightblue": (59, 142, 234), "brightmagenta": (214, 112, 214), "brightcyan": (41, 184, 219),
    "brightwhite": (255, 255, 255),
}
DEFAULT_FG, DEFAULT_BG = (204, 204, 204), (24, 24, 28)

# Each shot: a file name and the keys that lead to it from the previous one.
SHOTS = [
    ("overview", ""),
    ("alarms", "2"),
    ("alarm-detail", "\r"),
    ("findings", "\x1b3"),
    ("finding-detail", "\r"),
    ("identity", "\x1b4"),
    ("posture", "5"),
    ("journal", "6"),
    ("remediation-menu", "3a"),
    ("remediation-preview", "\r"),
    ("help", "\x1b\x1b?"),
    ("activity", "\x1b\x1b3/InstanceCredential\rt"),
    ("activity-event", "\r"),
]


def color(value: str, default: tuple[int, int, int], bold: bool = False) -> tuple[int, int, int]:
    if value == "default":
        return default
    if bold and value in PALETTE and not value.startswith("bright"):
        value = "bright" + value
    if value in PALETTE:
        return PALETTE[value]
    if len(value) == 6:
        try:
            return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
        except ValueError:
            pass
    return default


def render(screen: pyte.Screen, path: Path, fonts: dict[bool, ImageFont.FreeTypeFont]) -> None:
    image = Image.new("RGB", (COLS * CELL_W, ROWS * CELL_H), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for y in range(ROWS):
        line = screen.buffer[y]
        for x in range(COLS):
            char = line[x]
            fg = color(char.fg, DEFAULT_FG, char.bold)
            bg = color(char.bg, DEFAULT_BG)
            if char.reverse:
                fg, bg = bg, fg
            box = (x * CELL_W, y * CELL_H, (x + 1) * CELL_W, (y + 1) * CELL_H)
            if bg != DEFAULT_BG:
                draw.rectangle(box, fill=bg)
            if char.data.strip():
                draw.text((x * CELL_W, y * CELL_H + 1), char.data, font=fonts[char.bold], fill=fg)
            if char.underscore:
                draw.line((box[0], box[3] - 2, box[2], box[3] - 2), fill=fg)
    image.save(path)


def main() -> int:
    binary, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    fonts = {
        False: ImageFont.truetype(str(FONT_DIR / "DejaVuSansMono.ttf"), 14),
        True: ImageFont.truetype(str(FONT_DIR / "DejaVuSansMono-Bold.ttf"), 14),
    }
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    home = tempfile.mkdtemp(prefix="watchpost-shots.")
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor",
               XDG_CONFIG_HOME=f"{home}/config", XDG_STATE_HOME=f"{home}/state")
    env.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(binary, [binary, "--demo"], env)
    subprocess.run(["stty", "-F", os.ttyname(fd), "cols", str(COLS), "rows", str(ROWS)],
                   check=False, stderr=subprocess.DEVNULL)

    def pump(seconds: float) -> None:
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    stream.feed(os.read(fd, 65536))
                except OSError:
                    return

    import fcntl
    import struct
    import termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    pump(2.0)
    for name, keys in SHOTS:
        for key in keys:
            os.write(fd, key.encode())
            # A lone Esc needs a pause, or it reads as Alt with the next key.
            pump(0.2 if key == "\x1b" else 0.05)
        pump(0.8)
        render(screen, out / f"{name}.png", fonts)
        print(f"screenshots/{name}.png")
    os.write(fd, b"\x1b\x1bq")
    pump(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
