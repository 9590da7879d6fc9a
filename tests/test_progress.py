"""Bars only on a terminal that says how wide it is (tqdm draws nothing at 0 columns)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import termios

import pytest

from baocao.progress import draws_bars


@pytest.mark.parametrize(("columns", "expected"), [(100, True), (0, False)])
def test_a_terminal_gets_bars_only_when_it_has_a_width(columns, expected):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    with os.fdopen(slave, "w") as terminal:
        assert draws_bars(terminal) is expected
    os.close(master)


def test_a_file_or_a_pipe_gets_no_bars(tmp_path):
    with open(tmp_path / "log", "w") as log:
        assert draws_bars(log) is False
    read, write = os.pipe()
    with os.fdopen(write, "w") as pipe:
        assert draws_bars(pipe) is False
    os.close(read)
