"""The cover: organisation, date, whose view, the consultant's name, accent colour and logo."""

from __future__ import annotations

import re

from ..fetcher import Asset, asset_url
from ..inputs import Branding

LOGO_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})
MAX_LOGO_BYTES = 1024 * 1024


def check_branding(branding: Branding | None) -> Branding:
    branding = branding or Branding()
    if branding.accent is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", branding.accent):
        raise ValueError(f"branding accent must be a colour like #1d5c8f, not {branding.accent!r}")
    if branding.logo is not None:
        if branding.logo_mime not in LOGO_TYPES:
            raise ValueError(
                f"branding logo must be PNG, JPEG or SVG, not {branding.logo_mime or 'an unknown type'}"
            )
        if len(branding.logo) > MAX_LOGO_BYTES:
            raise ValueError(f"branding logo is {len(branding.logo)} bytes; the limit is {MAX_LOGO_BYTES}")
    return branding


def logo_url(branding: Branding, assets: dict[str, Asset]) -> str | None:
    if branding.logo is None:
        return None
    assets["logo"] = Asset(branding.logo, branding.logo_mime or "")
    return asset_url("logo")
