"""Sign-in edges: for now only the demo chooser; passkeys, OpenID Connect and sessions come next."""
