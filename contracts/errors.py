"""The one exception family a user may see as a one-line message instead of a traceback."""


class ModelgateError(Exception):
    """A problem with the user's input or configuration; ``str(err)`` is the one line to show."""

    exit_code = 2


class ContractViolation(ModelgateError):
    """Data broke the contract (bad rows, bad header); the input is intact and no output was written."""

    exit_code = 1
