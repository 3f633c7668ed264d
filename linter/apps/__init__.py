"""Application SMTP-client YAML: endpoints, mappings, rules, cross-checks.

Nothing here is imported on the Postfix-only start-up path: ``smtplint
lint`` imports ``linter.apps.lint`` only when it was given (or found) YAML.
"""


def lint_app_files(paths, rules, settings=None, postfix_configs=(), files_out=None):
    """``(findings, notifications)`` for the app YAML among ``paths``
    (see ``linter.apps.lint.lint_app_files``)."""
    from linter.apps.lint import lint_app_files as run

    return run(paths, rules, settings, postfix_configs, files_out)
