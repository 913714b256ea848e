"""The gallery's reading order (docs/_gallery_order.py) names every example once."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_reading_order_lists_every_example_once():
    spec = importlib.util.spec_from_file_location("_gallery_order", ROOT / "docs" / "_gallery_order.py")
    order = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(order)
    examples = sorted(p.name for p in (ROOT / "examples").glob("plot_*.py"))
    assert sorted(order.READING_ORDER) == examples
    key = order.ReadingOrder(str(ROOT / "examples"))
    assert sorted(examples + ["plot_new.py"], key=key) == [*order.READING_ORDER, "plot_new.py"]
