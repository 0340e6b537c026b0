"""Every public handler on an rx.State is an endpoint: any browser may call it with any arguments.

`@endpoint(...)` declares who may call a handler and the exact argument types, and enforces both
before the handler runs; a call that does not fit is logged and changes nothing. A test
enumerates every registered handler and fails when one is not declared.
"""

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

log = logging.getLogger(__name__)

Access = Literal["anyone", "signed_in"]
MAX_TEXT = 10_000  # longer strings from a browser are refused outright


@dataclass(frozen=True)
class EndpointRule:
    access: Access
    params: tuple[type, ...]


def _fits(value: Any, expected: type) -> bool:
    if expected is int:  # bool is an int in Python; a forged True must not pass as an id
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53
    if expected is str:
        return isinstance(value, str) and len(value) <= MAX_TEXT
    if expected is dict:
        return isinstance(value, dict)
    return isinstance(value, expected)


def endpoint(access: Access, *params: type) -> Callable:
    """Declare a handler's access and argument types (put it under @rx.event)."""
    rule = EndpointRule(access=access, params=params)

    def decorate(handler: Callable) -> Callable:
        signature = inspect.signature(handler)
        if inspect.isasyncgenfunction(handler):
            return _background(handler, signature, rule)
        if inspect.iscoroutinefunction(handler):  # may await other states (get_state)
            return _coroutine(handler, signature, rule)

        @functools.wraps(handler)
        def checked(self, *given: Any, **named: Any):
            # Reflex passes event payloads by name; a forged event may add, drop or rename them.
            args = _bind(handler, signature, rule, self, given, named)
            if args is None:
                return None
            self._resolve_session()  # every event: who is this, now?
            if access == "signed_in" and self._person_id is None:
                return self._sign_in_redirect()
            return handler(self, *args)

        checked.endpoint_rule = rule  # type: ignore[attr-defined]
        return checked

    return decorate


def _bind(handler: Callable, signature: inspect.Signature, rule: EndpointRule, self, given, named):
    """The arguments after `self` when they fit the declaration, else None (logged)."""
    try:
        bound = signature.bind(self, *given, **named)
    except TypeError:
        log.warning("refused %s: arguments do not match its signature", handler.__qualname__)
        return None
    args = list(bound.arguments.values())[1:]
    if len(args) != len(rule.params) or not all(map(_fits, args, rule.params)):
        log.warning("refused %s: arguments do not fit %s", handler.__qualname__, rule.params)
        return None
    return args


def _coroutine(handler: Callable, signature: inspect.Signature, rule: EndpointRule) -> Callable:
    @functools.wraps(handler)
    async def checked(self, *given: Any, **named: Any):
        args = _bind(handler, signature, rule, self, given, named)
        if args is None:
            return None
        self._resolve_session()
        if rule.access == "signed_in" and self._person_id is None:
            return self._sign_in_redirect()
        return await handler(self, *args)

    checked.endpoint_rule = rule  # type: ignore[attr-defined]
    return checked


def _background(handler: Callable, signature: inspect.Signature, rule: EndpointRule) -> Callable:
    """The same checks for a background task (an async generator): state may only be touched
    inside `async with self`, so the session is resolved there."""

    @functools.wraps(handler)
    async def checked(self, *given: Any, **named: Any):
        args = _bind(handler, signature, rule, self, given, named)
        if args is None:
            return
        async with self:
            await self._refresh_session()
            refused = rule.access == "signed_in" and self._person_id is None
        if refused:
            return
        async for event in handler(self, *args):
            yield event

    checked.endpoint_rule = rule  # type: ignore[attr-defined]
    return checked


def rule_of(handler_fn: Callable) -> EndpointRule | None:
    return getattr(handler_fn, "endpoint_rule", None)
