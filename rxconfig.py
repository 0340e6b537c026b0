"""Reflex configuration. The database is ipapp's own (ipapp.db), not Reflex's."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from ipapp.components.icon_sprite import IconSprite
from ipapp.components.preact_build import PreactBuild

# Only our own pages may open the websocket or call the routes with credentials: Reflex would
# otherwise accept any Origin. The same value as ipapp.config's IPAPP_ORIGIN.
PUBLIC_ORIGIN = os.environ.get("IPAPP_ORIGIN", "").strip().rstrip("/") or "http://localhost:3000"

# A tab's server-side state lives no longer than an idle sign-in session (30 minutes), and only in
# memory (or Redis, when REFLEX_REDIS_URL is set): the disk manager would pickle plan content to
# files in plain form. ipapp.state.guard wipes it sooner when the session ends.
STATE_EXPIRY_SECONDS = int(os.environ.get("IPAPP_STATE_EXPIRY_SECONDS", "1800"))

config = rx.Config(
    state_manager_mode="redis" if os.environ.get("REFLEX_REDIS_URL") else "memory",
    redis_token_expiration=STATE_EXPIRY_SECONDS,
    app_name="ipapp",
    show_built_with_reflex=False,
    frontend_compression_formats=["brotli", "gzip"],
    telemetry_enabled=False,
    cors_allowed_origins=[PUBLIC_ORIGIN],
    # Plain HTML elements and our own stylesheet: no Radix Themes CSS (680 KiB) on a cheap phone.
    disable_plugins=[SitemapPlugin],
    plugins=[
        IconSprite(),  # the icons as one hashed file (ipapp/components/icon_sprite.py)
        # IPAPP_PREACT=1: the frontend on Preact, 57 KiB less to download but slower to hydrate
        # and render on a slow phone, so not the default (ipapp/components/preact_build.py).
        *([PreactBuild()] if os.environ.get("IPAPP_PREACT", "").strip() == "1" else []),
    ],
)
