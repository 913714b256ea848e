"""Sphinx configuration of the skdeepfake documentation."""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skdeepfake  # noqa: E402

project = "skdeepfake"
author = "the skdeepfake developers"
copyright = "2026, the skdeepfake developers"
version = release = skdeepfake.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["skdeepfake.css"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.codeobj.json"]
html_theme = "pydata_sphinx_theme"
html_title = f"skdeepfake {version}"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

intersphinx_mapping = {}  # the build machine may be offline

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    # Two examples at a time (each in its own process): the build's share of CI halves.
    "parallel": 2,
}


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document only what skdeepfake defines, not members inherited from
    scikit-learn or scikeras (their docstrings point into their own docs)."""
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and not module.startswith("skdeepfake"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
