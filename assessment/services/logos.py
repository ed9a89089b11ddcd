"""Consultants' logos: PNG and JPEG recognised by their first bytes, SVG rebuilt from an allow-list.

An SVG is a document, not a picture: it can carry script, event handlers, links to outside
resources and entity bombs. Rather than trying to spot the bad parts, the sanitiser keeps only
drawing elements and presentation attributes it knows, and internal references (``#id``); any
DOCTYPE is refused before parsing, so no entity is ever expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..domain.text import N_, MarkedError

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


# Limits no real logo comes near, and far below what holds a renderer for seconds: a 12000 x
# 12000 PNG of 17 KB took 1.3 GiB to render; 5 levels of nested <use> took 600 MiB. WeasyPrint
# spends about 1 ms per drawn element (measured), so 3,000 keeps the worst accepted logo near 2 s.
MAX_SIDE = 4096
MAX_PIXELS = 16_000_000
MAX_ELEMENTS = 3_000
MAX_DEPTH = 50
MAX_EXPANDED = 3_000


SELF_REFERENCE = N_("The SVG logo has a <use> that refers back to itself.")


class LogoError(MarkedError):
    """A logo that cannot be used, with a message fit to show the person who uploaded it."""


def _local(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def raster_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR or a JPEG's SOF header, without decoding the image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 4 <= len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
                pos += 2
                continue
            length = int.from_bytes(data[pos + 2 : pos + 4], "big")
            # SOF0-15 except DHT (C4), JPG (C8) and DAC (CC): height, then width.
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and pos + 9 <= len(data):
                return int.from_bytes(data[pos + 7 : pos + 9], "big"), int.from_bytes(
                    data[pos + 5 : pos + 7], "big"
                )
            pos += 2 + length
    return None


def check_raster(data: bytes) -> None:
    """LogoError unless the image's header gives a size a logo can have."""
    size = raster_size(data)
    if size is None:
        raise LogoError(N_("The image's size could not be read; please export it again as PNG or JPEG."))
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise LogoError(
            N_(
                "The logo is %(width)s x %(height)s pixels; please use at most %(side)s x %(side)s "
                "pixels (%(megapixels)s megapixels). A report logo needs far fewer."
            ),
            width=width,
            height=height,
            side=MAX_SIDE,
            megapixels=MAX_PIXELS // 1_000_000,
        )


def _parse_bounded(data: bytes) -> ET.Element:
    """Parse with expat (no recursion) and stop as soon as the nesting or the element count
    passes its limit, before a deep tree can exhaust the recursive steps that follow."""
    parser = ET.XMLPullParser(events=("start", "end"))
    depth = elements = 0
    root = None
    try:
        for start in range(0, len(data), 16384):
            parser.feed(data[start : start + 16384])
            for event, element in parser.read_events():
                if event == "end":
                    depth -= 1
                    continue
                depth += 1
                elements += 1
                root = element if root is None else root
                if depth > MAX_DEPTH:
                    raise LogoError(
                        N_("The SVG logo nests elements more than %(n)s levels deep; please simplify it."),
                        n=MAX_DEPTH,
                    )
                if elements > MAX_ELEMENTS:
                    raise LogoError(
                        N_("The SVG logo has more than %(n)s elements; please simplify it."), n=MAX_ELEMENTS
                    )
        parser.close()
    except ET.ParseError as exc:
        # expat's own words (line and column) stay as they are: they locate the fault.
        raise LogoError(N_("The SVG logo could not be read: %(problem)s."), problem=str(exc)) from None
    if root is None:
        raise LogoError(N_("The SVG logo could not be read: it is empty."))
    return root


def _expanded_size(root: ET.Element) -> int:
    """How many elements the renderer draws once every <use> is replaced by what it points at;
    LogoError past MAX_EXPANDED or for a <use> that leads back to itself. Without recursion:
    references can chain as long as the file."""
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}

    def parts(el: ET.Element) -> list[ET.Element]:
        out = list(el)
        if isinstance(el.tag, str) and _local(el.tag)[1] == "use":
            href = el.get("href") or el.get(f"{{{XLINK_NS}}}href") or ""
            target = ids.get(href.strip()[1:]) if href.strip().startswith("#") else None
            if target is not None:
                out.append(target)
        return out

    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        el, done = stack.pop()
        key = id(el)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(p)] for p in parts(el))
            if size[key] > MAX_EXPANDED:
                raise LogoError(
                    N_(
                        "The SVG logo draws more than %(n)s elements once its <use> references are "
                        "expanded; please simplify it."
                    ),
                    n=MAX_EXPANDED,
                )
            continue
        if key in size:
            continue
        if key in open_:
            raise LogoError(SELF_REFERENCE)
        open_.add(key)
        stack.append((el, True))
        for p in parts(el):
            if id(p) in open_:
                raise LogoError(SELF_REFERENCE)
            if id(p) not in size:
                stack.append((p, False))
    return size[id(root)]


def sanitise_svg(data: bytes) -> bytes:
    """A clean copy of an SVG logo, or LogoError naming why it cannot be read or drawn cheaply."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise LogoError(N_("The SVG logo declares a DOCTYPE or entities; please export it as plain SVG."))
    root = _parse_bounded(data)  # no DOCTYPE, so no entity expansion
    if _local(root.tag) != (SVG_NS, "svg"):
        raise LogoError(N_("The file is not an SVG image (its root element is not <svg>)."))
    _clean(root)
    _expanded_size(root)  # after cleaning: only what is kept is drawn
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
