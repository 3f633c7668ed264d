"""smtplint: a configuration linter for Postfix submission services."""

__version__ = "0.1.0"
