"""Reflex configuration. The database is ipapp's own (ipapp.db), not Reflex's."""

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="ipapp",
    show_built_with_reflex=False,
    frontend_compression_formats=["brotli", "gzip"],
    telemetry_enabled=False,
    # Plain HTML elements and our own stylesheet: no Radix Themes CSS (680 KiB) on a cheap phone.
    disable_plugins=[SitemapPlugin],
)
