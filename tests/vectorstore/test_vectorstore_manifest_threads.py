"""The manifest's one SQLite connection is shared by the API's threads: readers never see half a write."""

from __future__ import annotations

import threading

from vectorstore_kit import BUDGET_LAW, make_document

from vectorstore.manifest import Manifest


def test_readers_in_other_threads_see_whole_documents_while_a_writer_replaces_them(tmp_path):
    manifest = Manifest(tmp_path / "manifest.sqlite")
    versions = []
    for n in range(30):
        articles = {**BUDGET_LAW, "第四十条": BUDGET_LAW["第四十条"] + f"（第{n}版）"}
        versions.append(make_document("预算法", articles))
    manifest.replace_documents(versions[0], [["预备费"]] * 3, [])
    errors: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        try:
            previous = versions[0]
            for doc in versions[1:]:
                manifest.replace_documents(doc, [["预备费"]] * 3, [previous.doc_id])
                previous = doc
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)
        finally:
            stop.set()

    def read() -> None:
        try:
            while not stop.is_set():
                documents, clauses = manifest.counts()
                stored = manifest.all_clauses()
                assert (documents, clauses) == (1, 3), (documents, clauses)
                assert len(stored) == 3 and len({s.clause.doc_id for s in stored}) == 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    manifest.close()
    assert not errors, errors[:3]
