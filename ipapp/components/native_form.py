"""A plain HTML form that really posts to its action. Reflex's own form always prevents the
default submit; sign-in and sign-out must reach an HTTP route that can set or clear a cookie."""

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    tag = "form"

    action: rx.Var[str]
    method: rx.Var[str]


native_form = NativeForm.create
