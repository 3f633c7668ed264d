"""Audits of running mail servers: ``smtplint audit`` reads the live
configuration on the mail host, ``smtplint probe`` talks SMTP to a server.

Both produce the engine's findings, so every report format, profile,
suppression and baseline works as it does for ``lint``.
"""
