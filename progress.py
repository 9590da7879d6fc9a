"""Whether to draw progress bars: only on a terminal that says how wide it is.

A pseudo-terminal of 0 columns (`script`, some IDE and agent consoles) gets no bar from tqdm
at all, so long steps there say their progress in lines instead, as into a log file.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO


def draws_bars(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        return stream.isatty() and os.get_terminal_size(stream.fileno()).columns > 0
    except (OSError, ValueError):  # closed, or not a real file
        return False
