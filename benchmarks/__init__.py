"""Scripts that print numbers — benchmarks, tuning, the parser fuzzer. Not in the wheel: run them
from a checkout installed with `pip install -e .` (`python -m baocao.benchmarks.tune ask`)."""
