"""The logger python-multipart's parsers report to while lette_fp parses a form."""

from __future__ import annotations

import logging


class ParserLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Where python-multipart's complaints about a malformed body go: logger `lette_fp.forms`, at
    DEBUG, since each one is already answered with a 400 giving the reason (no log flooding)."""

    def log(self, level: int, msg: object, *args: object, **kwargs: object) -> None:
        """Log `msg` at DEBUG whatever level the parser asked for."""
        self.logger.debug(msg, *args, **kwargs)


PARSER_LOG = ParserLog(logging.getLogger("lette_fp.forms"), {})
