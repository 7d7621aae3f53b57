"""sdesk: a plain-text service desk over git."""

__version__ = "0.1.0"
