"""Web Push and the durable reminder outbox (a later issue)."""
