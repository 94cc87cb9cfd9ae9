"""Curation workbench library: catalogue, difficulty, PII, anonymisation, consent, review, packs.

No Jupyter imports here: the widgets and notebooks build on this library.
"""

__version__ = "0.1.0"
