"""The library's lines arrive as records of the ``libe2b`` logger, with no secret in them."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

import libe2b


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def collected() -> Iterator[Collect]:
    logger = logging.getLogger("libe2b")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
    libe2b.Client()  # the library back at the logger's level


def test_requests_are_logged_at_debug_without_secrets(collected: Collect) -> None:
    logging.getLogger("libe2b").setLevel(logging.DEBUG)
    client = libe2b.Client()
    with client.create_sandbox(timeout=60) as sandbox:
        sandbox.files.write("/home/user/logged.txt", "hi")
    lines = [record.getMessage() for record in collected.records]
    assert any(line.startswith("create sandbox from template 'base': POST http") and " -> 201 Created in " in line
               for line in lines), lines
    assert any(line.startswith("write /home/user/logged.txt: POST http") for line in lines), lines
    assert all(record.levelno == logging.DEBUG for record in collected.records)
    assert all(getattr(record, "e2b_target", "").startswith("e2b::") for record in collected.records)
    key = os.environ["E2B_API_KEY"]
    assert not any(key in line for line in lines)


def test_nothing_below_the_loggers_level_leaves_the_library(collected: Collect) -> None:
    logging.getLogger("libe2b").setLevel(logging.INFO)
    client = libe2b.Client()
    with client.create_sandbox(timeout=60):
        pass
    assert collected.records == []
