"""The framework's floor for `make bench`: Reflex's own blank template (`reflex init --template
blank`), same Reflex version as ipapp, built with `reflex export` and served like ipapp
(serve.py). Only what a comparison needs differs from the template: no telemetry, no
"Built with Reflex" badge (ipapp has none), and the same precompressed files as ipapp."""

import reflex as rx

config = rx.Config(
    app_name="blank",
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.TailwindV4Plugin(),
        rx.plugins.RadixThemesPlugin(),
    ],
    show_built_with_reflex=False,
    frontend_compression_formats=["brotli", "gzip"],
    telemetry_enabled=False,
)
