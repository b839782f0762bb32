"""The spool on disk: it holds full plaintext records, so only its owner may read it."""

from __future__ import annotations

import os
import stat

from docket_client._spool import Spool
from docket_client._transport import Batch


def mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_spool_directories_are_created_0700_and_files_0600(tmp_path):
    nested = os.path.join(str(tmp_path), "var", "spool")
    spool = Spool.open(nested, "p1", lambda error: None)
    spool.append(Batch(ids=["a"], records=['{"id":"a","producer":{"id":"p1","seq":0}}'], seqs=[0]))
    assert mode(os.path.join(str(tmp_path), "var")) == 0o700
    assert mode(nested) == 0o700
    assert mode(os.path.join(nested, "p1.spool")) == 0o600
    assert mode(os.path.join(nested, "p1.spool.lock")) == 0o600
    spool.close()
