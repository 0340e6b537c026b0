"""Web Push: which endpoints may be posted to, VAPID keys, what a notification says, and sending
one message with pywebpush. The outbox that decides when lives in ipapp.services.reminders*."""
