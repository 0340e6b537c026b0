"""Text from outside (an origin, a parser message) made safe for one short log line."""


def loggable(detail: str, limit: int = 500) -> str:
    """At most `limit` characters, control characters escaped, so nothing forges a log line."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in detail[:limit])
