"""A QR code of the feed URL, so people in the seminar room can subscribe from a phone.

Rendered as inline SVG on the server: no script, no image request, nothing the
page's Content-Security-Policy has to allow.
"""

from __future__ import annotations

from functools import lru_cache

import segno

from .. import texts


@lru_cache(maxsize=64)
def feed_qr_svg(url: str) -> str:
    """Inline ``<svg>`` markup for ``url``; cached because every page view would redraw it.

    The size comes from a ``viewBox`` only, so the stylesheet decides how large it
    is drawn; the white background and four-module quiet zone keep it scannable
    on any page colour.
    """
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        title=texts.QR_TITLE.format(url=url),
        svgclass="qr-code",
    )
