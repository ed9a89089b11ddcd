"""Consultants' logos: PNG and JPEG recognised by their first bytes, SVG rebuilt from an allow-list.

An SVG is a document, not a picture: it can carry script, event handlers, links to outside
resources and entity bombs. Rather than trying to spot the bad parts, the sanitiser keeps only
drawing elements and presentation attributes it knows, and internal references (``#id``); any
DOCTYPE is refused before parsing, so no entity is ever expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "symbol",
        "use",
        "style",
    ]
)
ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "style",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "d",
        "points",
        "transform",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "opacity",
        "clip-path",
        "clip-rule",
        "mask",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "fx",
        "fy",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "dx",
        "dy",
        "href",
        "version",
        "display",
        "visibility",
    ]
)
# Inside style: only references to the document's own ids, no imports, no old IE expressions.
_UNSAFE_CSS = re.compile(r"url\(\s*['\"]?(?!#)|@import|expression\s*\(|javascript:", re.IGNORECASE)


class LogoError(ValueError):
    """A logo that cannot be used, with a message fit to show the person who uploaded it."""


def _local(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def sanitise_svg(data: bytes) -> bytes:
    """A clean copy of an SVG logo, or LogoError naming why it cannot be read."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise LogoError("The SVG logo declares a DOCTYPE or entities; please export it as plain SVG.")
    try:
        root = ET.fromstring(data)  # noqa: S314  (no DOCTYPE, so no entity expansion)
    except ET.ParseError as exc:
        raise LogoError(f"The SVG logo could not be read: {exc}.") from None
    if _local(root.tag) != (SVG_NS, "svg"):
        raise LogoError("The file is not an SVG image (its root element is not <svg>).")
    _clean(root)
    _give_intrinsic_size(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _give_intrinsic_size(root: ET.Element) -> None:
    """Many exported logos have only a viewBox; without width and height a renderer has no size
    to scale from, and a logo capped by max-height shrinks to nothing on the report cover."""
    parts = (root.get("viewBox") or "").replace(",", " ").split()
    if len(parts) == 4 and not (root.get("width") and root.get("height")):
        try:
            width, height = float(parts[2]), float(parts[3])
        except ValueError:
            return
        if width > 0 and height > 0:
            root.set("width", f"{width:g}")
            root.set("height", f"{height:g}")


def _clean(element: ET.Element) -> None:
    for child in list(element):
        namespace, local = _local(child.tag) if isinstance(child.tag, str) else (None, "")
        if namespace != SVG_NS or local not in ELEMENTS:
            element.remove(child)
            continue
        if local == "style" and _UNSAFE_CSS.search(child.text or ""):
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        namespace, local = _local(name)
        value = element.attrib[name]
        keep = namespace in (None, XLINK_NS) and local in ATTRIBUTES
        if local == "href":  # only the document's own ids: no files, no web, no data: URLs
            keep = keep and value.strip().startswith("#")
        if local == "style":
            keep = keep and not _UNSAFE_CSS.search(value)
        if not keep:
            del element.attrib[name]
