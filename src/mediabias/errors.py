"""The project's own error types.

Every problem caused by input data (an article file, a table, a lexicon) is raised
as a :class:`MediabiasError` (or a subclass) that knows the file and, where it
applies, the line, and renders as one line that says what is wrong and what to do::

    seeds/broken.yaml:12: entry 'pretext' is in two categories ('distancing', 'verbs'). Keep it in one category.

Nothing else should reach a user for bad data: the command line prints ``str(error)``
and exits with the status documented in ``mediabias --help``.
"""

from __future__ import annotations

import os


class MediabiasError(Exception):
    """An error about input data, with its place and a hint.

    Args:
        message: what is wrong, one sentence without a trailing period.
        path: the file (or source label) concerned, if any.
        line: the 1-based line (or record number) in that file, if known.
        hint: what the user can do about it, one sentence.

    Examples:
        >>> str(MediabiasError("no text column", path="a.csv", line=1, hint="Pass text_field='body'."))
        "a.csv:1: no text column. Pass text_field='body'."
    """

    def __init__(self, message: str, path: str | os.PathLike | None = None,
                 line: int | None = None, hint: str | None = None):
        self.message = message.rstrip(".")
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:  # one line, always
        where = self.where()
        text = f"{where}: {self.message}." if where else f"{self.message}."
        if self.hint:
            text += " " + self.hint.strip()
        return " ".join(text.split())

    def __reduce__(self):  # picklable across worker processes
        return (self.__class__, (self.message, self.path, self.line, self.hint))


class InputError(MediabiasError):
    """An article input (page dump, HTML, table, manifest) cannot be read."""


class LexiconError(MediabiasError):
    """A lexicon file cannot be read or does not validate."""


# An interrupt (Ctrl-C) must stop a run wherever it lands. Python turns SIGINT into a
# KeyboardInterrupt at the next bytecode; if that happens inside a finalizer (a ``__del__``,
# a weakref callback, a generator closed by the garbage collector, in any library), the
# exception is printed as "Exception ignored" and the run goes on. The command line's
# handler therefore also remembers the interrupt, and the report raises it again before it
# puts its outputs in place and before it writes the manifest.
_interrupted = False


def interrupt_handler(signum, frame) -> None:
    """SIGINT handler: remember the interrupt, then raise :class:`KeyboardInterrupt` as Python's own does."""
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def reset_interrupt() -> None:
    global _interrupted
    _interrupted = False


def check_interrupt() -> None:
    """Raise :class:`KeyboardInterrupt` if an interrupt was seen, even one a finalizer swallowed."""
    if _interrupted:
        raise KeyboardInterrupt
