"""The one error type the corpus room raises for bad input."""

from __future__ import annotations


class ReportError(ValueError):
    """A report file that cannot be read or parsed.

    The message always names the file and says what is accepted, e.g.
    ``ReportError("reports/a.txt", "not valid UTF-8, UTF-16 or Windows-1258 text")``.
    """

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")
