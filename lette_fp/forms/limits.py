"""FormLimits: how much of a form the parsers accept before answering 400."""

from __future__ import annotations

import msgspec

DEFAULT_MAX_FILES = 1000
DEFAULT_MAX_FIELDS = 1000
DEFAULT_MAX_PART_SIZE = 1024 * 1024


class FormLimits(msgspec.Struct, frozen=True):
    """At most `max_files` files and `max_fields` fields; a field (name and value) at most
    `max_part_size` bytes. The whole body is bounded by the App's or route's `max_body_size`."""

    max_files: int = DEFAULT_MAX_FILES
    max_fields: int = DEFAULT_MAX_FIELDS
    max_part_size: int = DEFAULT_MAX_PART_SIZE
