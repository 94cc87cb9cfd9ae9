"""Giving a file to the browser: a tiny anywidget that turns bytes from the kernel into a download
(a Blob saved under a file name), so nobody types a server path. What may be downloaded, and the
audit of it, is the library's (`curation.packs.download`); this only delivers the bytes."""

from __future__ import annotations

import anywidget
import traitlets as t

_ESM = """
function render({ model, el }) {
  const link = document.createElement("a");
  link.className = "cw-download-link";
  link.style.display = "none";
  el.append(link);
  let url = null;
  let seen = model.get("nonce");
  function show(click) {
    const data = model.get("data");
    const name = model.get("filename");
    if (!data || !data.byteLength || !name) return;
    const bytes = data instanceof DataView ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([bytes], { type: model.get("mime") || "application/octet-stream" }));
    link.href = url;
    link.download = name;
    link.textContent = `save ${name} again`;
    link.style.display = "inline";
    if (click) link.click();
  }
  model.on("change:nonce", () => { if (model.get("nonce") !== seen) { seen = model.get("nonce"); show(true); } });
  show(false);  // a page drawn again offers the link but does not download again by itself
  return () => { if (url) URL.revokeObjectURL(url); };
}
export default { render };
"""


class BrowserDownload(anywidget.AnyWidget):
    """`offer(name, data)` makes the browser save `data` as `name` (once per offer)."""

    _esm = _ESM
    data = t.Bytes(b"").tag(sync=True)
    filename = t.Unicode("").tag(sync=True)
    mime = t.Unicode("application/zip").tag(sync=True)
    nonce = t.Int(0).tag(sync=True)

    def offer(self, filename: str, data: bytes, mime: str = "application/zip") -> None:
        with self.hold_sync():
            self.filename, self.mime, self.data = filename, mime, data
            self.nonce += 1
