"""The seq journal's reading, and the spool's rule that another producer's seqs never count."""

from __future__ import annotations

import json
import os

from docket_client._seq_journal import SeqJournal, adopt_dead_journals, read_journal
from docket_client._spool import Spool
from docket_client._transport import Batch


def test_unaccounted_reserved_seqs_are_the_loss():
    text = "\n".join(
        [
            json.dumps({"producer": "p1", "sdk": "docket-client@0", "host": "h", "pid": 1, "reserved": 10}),
            json.dumps({"done": [[0, 3]]}),
            json.dumps({"done": [[6, 6]], "reportSeq": 2}),
            '{"done":[[7,',  # a torn last line is ignored
        ]
    )
    dead = read_journal(text)
    assert dead is not None
    assert (dead.producer, dead.lost, dead.count, dead.report_seq) == ("p1", [[4, 5], [7, 9]], 5, 3)


def test_a_dead_producers_journal_becomes_a_crash_report_under_its_id(tmp_path):
    directory = str(tmp_path)
    dead = SeqJournal.open(directory, "dead", "docket-client@0", lambda e: None, block=8)
    dead.use(0)
    dead.done([[0, 2]])
    # Make it look like another, dead process of this host wrote it.
    with open(dead.path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = json.loads(lines[0])
    header["pid"] = 2**22 + 12345  # no such pid
    with open(dead.path, "w", encoding="utf-8") as f:
        f.write("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    live = SeqJournal.open(directory, "live", "docket-client@0", lambda e: None)
    reports, release = adopt_dead_journals(directory, live.path)
    assert len(reports) == 1
    report = json.loads(reports[0])
    assert report["producer"]["id"] == "dead"
    assert report["gaps"] == [[3, 7]]
    assert report["losses"]["crash"] == 5
    release()
    assert sorted(os.listdir(directory)) == ["live.seqs"]
    live.close()
    assert os.listdir(directory) == []


def test_an_adopted_batch_of_another_producer_has_no_seqs_for_the_adopter(tmp_path):
    directory = str(tmp_path)
    old = Spool.open(directory, "p1", lambda error: None)
    old.append(Batch(ids=["a"], records=['{"id":"a","producer":{"id":"p1","seq":5}}'], seqs=[5]))
    assert old.head().batch.seqs == [5]
    old.close()
    adopter = Spool.open(directory, "p2", lambda error: None)
    head = adopter.head()
    assert head is not None and head.batch.ids == ["a"]
    assert head.batch.seqs == [-1]
    adopter.ack(head)
    adopter.close()
