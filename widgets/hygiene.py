"""Notebooks are saved without outputs: a widget output saved in a notebook shows "Error displaying
widget: model not found" the next time it is opened, and autosave would rewrite the tracked notebooks
with a session's outputs. `strip_outputs` is a Jupyter server pre-save hook (configured in
jupyter-config/jupyter_server_config.json, which every Jupyter the Makefile starts reads through
JUPYTER_CONFIG_PATH);
`stripped` does the same to a notebook dict for tests and scripts."""

from __future__ import annotations

WIDGET_STATE_KEY = "widgets"


def stripped(nb: dict) -> dict:
    """`nb` (an nbformat 4 dict) without outputs, execution counts or saved widget state (in place)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        metadata = cell.get("metadata") or {}
        for key in ("execution", "collapsed", "scrolled"):
            metadata.pop(key, None)
    (nb.get("metadata") or {}).pop(WIDGET_STATE_KEY, None)
    return nb


def strip_outputs(model: dict, **_kwargs) -> None:
    """Jupyter `FileContentsManager.pre_save_hook`: save notebooks without outputs."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        stripped(model["content"])
