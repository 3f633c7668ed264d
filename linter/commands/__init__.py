"""One module per command besides ``lint`` (``linter.lint_command``); each
has ``add_arguments(parser)`` and ``run(args, stdout, stderr, environ)``
and is listed in ``linter.cli.COMMANDS``."""
