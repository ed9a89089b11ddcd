"""The SVG logo sanitiser on its own: what it keeps, what it removes, what it refuses."""

from __future__ import annotations

import pytest

from assessment.services.logos import LogoError, sanitise_svg

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40">%s</svg>'


def test_a_viewbox_only_logo_gets_an_intrinsic_size_so_the_cover_can_scale_it():
    cleaned = sanitise_svg(SVG % b'<rect width="40" height="40" fill="#0a7"/>').decode()
    assert 'width="120"' in cleaned and 'height="40"' in cleaned
    assert '<rect width="40" height="40" fill="#0a7"' in cleaned


def test_styles_keep_colours_but_lose_outside_references():
    cleaned = sanitise_svg(
        SVG % b'<style>.a{fill:#123}</style><g style="fill:url(#grad)"/><g style="fill:url(http://x/y)"/>'
        b"<style>@import url(http://x/z.css);</style>"
    ).decode()
    assert ".a{fill:#123}" in cleaned and "url(#grad)" in cleaned
    assert "http://x" not in cleaned


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://x/svg.dtd"><svg/>', "DOCTYPE"),
        (b"<html><svg/></html>", "not an SVG image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "could not be read"),
    ],
)
def test_refused_with_a_reason(data, message):
    with pytest.raises(LogoError, match=message):
        sanitise_svg(data)
