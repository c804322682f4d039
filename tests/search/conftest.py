from __future__ import annotations

import pytest

from search.backends.database import DatabaseBackend
from tests.search.corpus import CORPUS


@pytest.fixture
def corpus(db):
    """The fixed relevance corpus, indexed by the database backend."""
    DatabaseBackend().index(CORPUS)
    return CORPUS
