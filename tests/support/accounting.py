"""The parser's self-checks, as the tests import them."""

from baocao.corpus.accounting import passage_problems, uncovered_or_doubled

__all__ = ["passage_problems", "uncovered_or_doubled"]
